// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title EscrowAccounts
/// @notice The accounts that own escrow leaves of settlements: one per dispute, recognisable by its top 96
/// bits, so that every ledger contract can tell an escrow account from a party's account without a lookup.
/// @dev `account(d) = address(TAG << 64 | d)` for a dispute id `d < 2^64`. Nobody holds a key for such an
/// address (finding one means matching 96 fixed bits of a key's address, about 2^96 tries), no contract can
/// be deployed there for the same reason, the party registry refuses to register one, and the vault refuses
/// to pay an escrow leaf by claim: only the court's release moves it.
library EscrowAccounts {
    /// @dev `bytes12(keccak256("provenance-ledger.escrow"))`.
    uint96 internal constant TAG = uint96(bytes12(keccak256("provenance-ledger.escrow")));

    /// @dev A dispute id does not fit the 64 bits of an escrow account.
    error EscrowAccountsDisputeIdTooLarge(uint256 disputeId);

    /// @dev The escrow account of dispute `disputeId`.
    function account(uint256 disputeId) internal pure returns (address) {
        if (disputeId > type(uint64).max) revert EscrowAccountsDisputeIdTooLarge(disputeId);
        return address(uint160((uint256(TAG) << 64) | disputeId));
    }

    /// @dev Whether `candidate` is an escrow account (of any dispute).
    function isEscrow(address candidate) internal pure returns (bool) {
        return uint96(uint160(candidate) >> 64) == TAG;
    }
}
