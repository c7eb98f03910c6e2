// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ContributionWindows} from "../../contracts/libraries/ContributionWindows.sol";
import {ContributionStatus} from "../../contracts/types/LedgerTypes.sol";

/// @dev The word of a window of contribution ids: each offset's 3-bit state changes alone, the contributor and
/// the product never change, offsets 13-15 stay NONE; ids of the next window start past any id of the last.
contract ContributionWindowsTest {
    error NeighbourStateChanged(uint256 offset);
    error StateNotSet(uint256 offset, uint256 expected, uint256 found);
    error MembersChanged();
    error UnusedOffsetWritten(uint256 offset);
    error BadWindowStart(uint256 lastId, uint256 start);
    error BadStatus(uint256 state);

    /// @dev A word as `record` and the state changes leave it: `count` records, their states from `seed`.
    function _window(address account, uint56 product, uint256 count, uint256 seed) private pure returns (uint256 word) {
        word = ContributionWindows.open(account, product);
        for (uint256 k = 1; k < count; ++k) word = ContributionWindows.withState(word, k, ContributionWindows.RECORDED);
        for (uint256 k = 0; k < count; ++k) {
            uint256 state = 1 + ((seed >> (8 * k)) % 5); // RECORDED .. VOIDED
            word = ContributionWindows.withState(word, k, state);
        }
    }

    function testFuzzAStateChangeTouchesOneOffsetOnly(
        address account,
        uint56 product,
        uint8 countSeed,
        uint256 seed,
        uint8 offsetSeed,
        uint8 stateSeed
    ) public pure {
        uint256 count = 1 + (uint256(countSeed) % ContributionWindows.SIZE);
        uint256 word = _window(account, product, count, seed);
        uint256 offset = uint256(offsetSeed) % count;
        uint256 state = 1 + (uint256(stateSeed) % 5);
        uint256 changed = ContributionWindows.withState(word, offset, state);

        if (ContributionWindows.stateAt(changed, offset) != state) {
            revert StateNotSet(offset, state, ContributionWindows.stateAt(changed, offset));
        }
        for (uint256 k = 0; k < 16; ++k) {
            if (k != offset && ContributionWindows.stateAt(changed, k) != ContributionWindows.stateAt(word, k)) {
                revert NeighbourStateChanged(k);
            }
            if (k >= count && ContributionWindows.stateAt(changed, k) != ContributionWindows.NONE) revert UnusedOffsetWritten(k);
        }
        if (ContributionWindows.contributor(changed) != account || ContributionWindows.productId(changed) != product) {
            revert MembersChanged();
        }
    }

    function testFuzzTheNextWindowStartsPastTheLastId(uint248 lastId) public pure {
        uint256 start = ContributionWindows.nextWindowStart(lastId);
        if (start <= lastId || start % 16 != 0 || ContributionWindows.windowOf(start) != ContributionWindows.windowOf(lastId) + 1) {
            revert BadWindowStart(lastId, start);
        }
    }

    function testStatusOfEachState() public pure {
        ContributionStatus[6] memory expected = [
            ContributionStatus.NONE,
            ContributionStatus.RECORDED,
            ContributionStatus.CONFIRMED,
            ContributionStatus.DISPUTED,
            ContributionStatus.DISPUTED,
            ContributionStatus.VOIDED
        ];
        for (uint256 state = 0; state < 6; ++state) {
            if (ContributionWindows.status(state) != expected[state]) revert BadStatus(state);
        }
    }
}
