// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {PartyKind} from "../types/LedgerTypes.sol";

/// @title IPartyRegistry
/// @notice The parties of the ledger, recorded by registrars, and enterprise succession (合并、分立,
/// 000 §(二)).
///
/// Succession is a link, not a copy: when A's rights and obligations pass to B, the registry records
/// `A -> B` once, in constant gas, and every check on the ledger resolves A to B from then on
/// (certificates, grants given and received, contributions, revenue). A succeeded party can no longer
/// act. Chains of successions are bounded by {MAX_SUCCESSION_DEPTH} so that resolution stays bounded.
/// A split (分立) is recorded as succession to the party that continues the predecessor, plus transfer
/// registrations (reason SUCCESSION) for the assets that go elsewhere.
interface IPartyRegistry {
    /// @dev What the registry stores about a party.
    struct Party {
        PartyKind kind;
        /// @dev Longest chain of successions that ends in this party.
        uint8 generation;
        uint40 registeredAt;
        /// @dev The party this one's rights passed to, or zero.
        address successor;
    }

    /// @dev `account` was recorded as a party of `kind` by `registrar`.
    event PartyRegistered(address indexed account, PartyKind kind, bytes32 profileHash, address indexed registrar);

    /// @dev The rights and obligations of `predecessor` passed to `successor` (merger or split).
    event PartySucceeded(
        address indexed predecessor,
        address indexed successor,
        bytes32 evidenceHash,
        address indexed registrar
    );

    error PartyRegistryInvalidAccount(address account);
    error PartyRegistryInvalidKind();
    error PartyRegistryAlreadyRegistered(address account);
    /// @dev `account` is not registered, or its rights have passed to a successor.
    error PartyRegistryNotLiveParty(address account);
    error PartyRegistrySelfSuccession(address account);
    error PartyRegistrySuccessionTooDeep(address predecessor, uint256 depth);

    /// @notice Records `account` as a party. Registrar only.
    /// @param account The party's address (an EOA or a contract wallet); not zero and not a dispute's escrow
    /// account (see the vault's `escrowAccount`).
    /// @param kind Its legal form; not NONE.
    /// @param profileHash Hash of the off-chain party profile (name, credit code, ...).
    function registerParty(address account, PartyKind kind, bytes32 profileHash) external;

    /// @notice Records that `predecessor`'s rights and obligations pass to `successor`. Registrar only.
    /// @dev Both must be live parties. Gas does not depend on what the predecessor holds.
    /// @param predecessor The party that ceases (merged away, or split up).
    /// @param successor The party that continues it.
    /// @param evidenceHash Hash of the merger or split documents.
    function recordSuccession(address predecessor, address successor, bytes32 evidenceHash) external;

    /// @notice The record of `account` (kind NONE when unknown).
    function party(address account) external view returns (Party memory);

    /// @notice The live party that now holds `account`'s rights: `account` itself if it has no successor.
    /// @dev Returns `account` unchanged for unregistered addresses.
    function resolveParty(address account) external view returns (address);

    /// @notice Whether `account` is registered and has not been succeeded.
    function isLiveParty(address account) external view returns (bool);

    /// @notice The longest chain of successions the registry accepts.
    // solhint-disable-next-line func-name-mixedcase
    function MAX_SUCCESSION_DEPTH() external view returns (uint8);
}
