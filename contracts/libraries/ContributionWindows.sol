// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ContributionStatus} from "../types/LedgerTypes.sol";

/// @title ContributionWindows
/// @notice Contribution ids and the one storage word that holds up to 13 records of one contributor on one
/// product, written by one `record` call: a batch writes one fresh slot per 13 records instead of one per
/// record.
/// @dev An id is `window << 4 | offset`, with `offset < 13` (offsets 13-15 are never assigned), so an id alone
/// names its word. The word of a window is laid out as
/// `struct Window { address contributor; uint56 productId; uint40 states; }` (members packed from the
/// low-order end), `states` holding the 3-bit state of offset `k` at bits `3k .. 3k+2`.
/// A state is {ContributionStatus} with DISPUTED split by the status a dismissal restores, so that a record
/// needs 3 bits instead of two statuses: NONE, RECORDED, CONFIRMED, DISPUTED_FROM_RECORDED,
/// DISPUTED_FROM_CONFIRMED, VOIDED (0-5). Not an enum: it never leaves the ledger (its views and events give
/// the {ContributionStatus}), so it has no twin in `ledger/types.ts`.
/// The off-chain twin of the id assignment is `ledger/contributions/ids.ts`.
library ContributionWindows {
    /// @dev Records per window.
    uint256 internal constant SIZE = 13;
    /// @dev `id >> SHIFT` is the window of an id, `id & OFFSET_MASK` its offset.
    uint256 internal constant SHIFT = 4;
    uint256 internal constant OFFSET_MASK = 15;

    /// @dev The states of a record in its window.
    uint256 internal constant NONE = 0;
    uint256 internal constant RECORDED = 1;
    uint256 internal constant CONFIRMED = 2;
    uint256 internal constant DISPUTED_FROM_RECORDED = 3;
    uint256 internal constant DISPUTED_FROM_CONFIRMED = 4;
    uint256 internal constant VOIDED = 5;

    uint256 private constant _PRODUCT_SHIFT = 160;
    uint256 private constant _STATES_SHIFT = 216;
    uint256 private constant _STATE_BITS = 3;
    uint256 private constant _STATE_MASK = 7;

    /// @dev The window of `id`.
    function windowOf(uint256 id) internal pure returns (uint256) {
        return id >> SHIFT;
    }

    /// @dev The offset of `id` in its window (13-15: an id never assigned).
    function offsetOf(uint256 id) internal pure returns (uint256) {
        return id & OFFSET_MASK;
    }

    /// @dev The first id of the window after the one `lastId` is in. Window 0 is never used, so id 0 never
    /// names a contribution.
    function nextWindowStart(uint256 lastId) internal pure returns (uint256) {
        return ((lastId >> SHIFT) + 1) << SHIFT;
    }

    /// @dev A fresh window of `account` on `product` whose offset 0 is RECORDED.
    function open(address account, uint56 product) internal pure returns (uint256 word) {
        return
            uint256(uint160(account)) |
            (uint256(product) << _PRODUCT_SHIFT) |
            (RECORDED << _STATES_SHIFT);
    }

    function contributor(uint256 word) internal pure returns (address) {
        return address(uint160(word));
    }

    function productId(uint256 word) internal pure returns (uint256) {
        return uint56(word >> _PRODUCT_SHIFT);
    }

    /// @dev The state of offset `offset` (< 16; offsets 13-15 are always NONE in a word `record` wrote).
    function stateAt(uint256 word, uint256 offset) internal pure returns (uint256) {
        return (word >> (_STATES_SHIFT + offset * _STATE_BITS)) & _STATE_MASK;
    }

    /// @dev `word` with offset `offset`'s state replaced by `state`; the other offsets and members unchanged.
    function withState(uint256 word, uint256 offset, uint256 state) internal pure returns (uint256) {
        uint256 shift = _STATES_SHIFT + offset * _STATE_BITS;
        return (word & ~(_STATE_MASK << shift)) | (state << shift);
    }

    /// @dev The public status of a state: both DISPUTED states are DISPUTED.
    function status(uint256 state) internal pure returns (ContributionStatus) {
        if (state == DISPUTED_FROM_RECORDED || state == DISPUTED_FROM_CONFIRMED) return ContributionStatus.DISPUTED;
        if (state == VOIDED) return ContributionStatus.VOIDED;
        return ContributionStatus(state); // NONE, RECORDED, CONFIRMED have the same values
    }
}
