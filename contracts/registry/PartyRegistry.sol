// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IPartyRegistry} from "../interfaces/IPartyRegistry.sol";
import {PartyKind} from "../types/LedgerTypes.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../libraries/Roles.sol";
import {EscrowAccounts} from "../libraries/EscrowAccounts.sol";

/// @title PartyRegistry
/// @notice The party book of the registry: deployed inside {AssetRegistry} so that the checks every
/// ledger contract makes (is this a live party, who holds this asset) cost one call, not two.
abstract contract PartyRegistry is IPartyRegistry, LedgerAccess {
    /// @inheritdoc IPartyRegistry
    uint8 public constant MAX_SUCCESSION_DEPTH = 16;

    mapping(address account => Party) private _parties;

    /// @inheritdoc IPartyRegistry
    function registerParty(address account, PartyKind kind, bytes32 profileHash) external {
        _checkRole(Roles.REGISTRAR);
        // An escrow account is owned by a dispute, never by a party: registering one (and then recording its
        // succession) would hand its escrowed revenue to whoever the registrar names.
        if (account == address(0) || EscrowAccounts.isEscrow(account)) revert PartyRegistryInvalidAccount(account);
        if (kind == PartyKind.NONE) revert PartyRegistryInvalidKind();
        if (_parties[account].kind != PartyKind.NONE) revert PartyRegistryAlreadyRegistered(account);
        _parties[account] = Party({
            kind: kind,
            generation: 0,
            registeredAt: uint40(block.timestamp),
            successor: address(0)
        });
        emit PartyRegistered(account, kind, profileHash, msg.sender);
    }

    /// @inheritdoc IPartyRegistry
    function recordSuccession(address predecessor, address successor, bytes32 evidenceHash) external {
        _checkRole(Roles.REGISTRAR);
        if (predecessor == successor) revert PartyRegistrySelfSuccession(predecessor);
        _requireLiveParty(predecessor);
        _requireLiveParty(successor);
        Party storage successorRecord = _parties[successor];
        uint256 depth = uint256(_parties[predecessor].generation) + 1;
        if (depth > MAX_SUCCESSION_DEPTH) revert PartyRegistrySuccessionTooDeep(predecessor, depth);
        _parties[predecessor].successor = successor;
        if (depth > successorRecord.generation) successorRecord.generation = uint8(depth);
        emit PartySucceeded(predecessor, successor, evidenceHash, msg.sender);
    }

    /// @inheritdoc IPartyRegistry
    function party(address account) external view returns (Party memory) {
        return _parties[account];
    }

    /// @inheritdoc IPartyRegistry
    function resolveParty(address account) public view returns (address) {
        // Bounded: every link raises the generation by one and generations stop at MAX_SUCCESSION_DEPTH.
        address next = _parties[account].successor;
        while (next != address(0)) {
            account = next;
            next = _parties[account].successor;
        }
        return account;
    }

    /// @inheritdoc IPartyRegistry
    function isLiveParty(address account) public view returns (bool) {
        Party storage record = _parties[account];
        return record.kind != PartyKind.NONE && record.successor == address(0);
    }

    function _partyKind(address account) internal view returns (PartyKind) {
        return _parties[account].kind;
    }

    function _requireLiveParty(address account) internal view {
        if (!isLiveParty(account)) revert PartyRegistryNotLiveParty(account);
    }
}
