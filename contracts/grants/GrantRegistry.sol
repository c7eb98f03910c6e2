// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IGrantRegistry} from "../interfaces/IGrantRegistry.sol";
import {IPartyRegistry} from "../interfaces/IPartyRegistry.sol";
import {ILedgerRegistry} from "../interfaces/ILedgerRegistry.sol";
import {
    AssetStatus,
    DataCategory,
    PartyKind,
    ScopeKind,
    UsageMode,
    GrantStatus,
    GrantTerms
} from "../types/LedgerTypes.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../libraries/Roles.sol";
import {GrantRights} from "../libraries/GrantRights.sol";

/// @title GrantRegistry
/// @notice Authorization grants and sub-grants on registered assets, signed grants, and usage receipts.
/// See {IGrantRegistry}.
contract GrantRegistry is IGrantRegistry, LedgerAccess, EIP712, Nonces {
    using GrantRights for uint8;

    /// @inheritdoc IGrantRegistry
    uint8 public constant MAX_GRANT_DEPTH = 4;

    /// @dev keccak256("Grant(address grantor,address grantee,uint256 assetId,uint8 rights,uint8 scopeKind,
    /// bytes32 scopeData,bytes32 purposeHash,uint8 usageMode,uint64 validFrom,uint64 validUntil,
    /// uint16 royaltyBps,uint256 nonce,uint256 deadline)")
    bytes32 public constant GRANT_TYPEHASH =
        keccak256(
            "Grant(address grantor,address grantee,uint256 assetId,uint8 rights,uint8 scopeKind,bytes32 scopeData,"
            "bytes32 purposeHash,uint8 usageMode,uint64 validFrom,uint64 validUntil,uint16 royaltyBps,"
            "uint256 nonce,uint256 deadline)"
        );

    /// @dev Packed so that a direct grant of WHOLE scope writes two slots; the check of a direct grant
    /// reads two slots and never the parent's.
    struct GrantRecord {
        // slot 0
        address grantor;
        uint40 validFrom;
        uint40 validUntil;
        uint16 royaltyBps;
        // slot 1
        address grantee;
        uint56 assetId;
        uint8 rights;
        ScopeKind scopeKind;
        UsageMode usageMode;
        GrantStatus status;
        uint8 depth;
        // slot 2: only for DOMAIN and SCENARIO scopes
        bytes32 scopeData;
        // slot 3: only for sub-grants
        uint256 parentId;
    }

    /// @dev The registry: assets, parties and evidence.
    ILedgerRegistry private immutable _REGISTRY;

    uint256 private _grantCount;
    mapping(uint256 grantId => GrantRecord) private _grants;
    mapping(uint256 grantId => bool) private _heldByArbitrator;

    constructor(
        IAccessManager accessManager_,
        ILedgerRegistry registry_
    ) LedgerAccess(accessManager_) EIP712("ProvenanceLedger GrantRegistry", "1") {
        if (address(registry_) == address(0)) revert LedgerAccessZeroAddress();
        _REGISTRY = registry_;
    }

    // ------------------------------------------------------------------------------------------------
    // Granting
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IGrantRegistry
    function grant(GrantTerms calldata terms) external returns (uint256 grantId) {
        return _grantDirect(msg.sender, terms);
    }

    /// @inheritdoc IGrantRegistry
    function grantBySig(
        GrantTerms calldata terms,
        address grantor,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 grantId) {
        if (block.timestamp > deadline) revert GrantRegistryExpiredSignature(deadline);
        bytes32 digest = _grantDigest(terms, grantor, _useNonce(grantor), deadline);
        if (!SignatureChecker.isValidSignatureNow(grantor, digest, signature)) {
            revert GrantRegistryInvalidSignature(grantor);
        }
        return _grantDirect(grantor, terms);
    }

    /// @inheritdoc IGrantRegistry
    function subGrant(uint256 parentId, GrantTerms calldata terms) external returns (uint256 grantId) {
        GrantRecord storage parent = _existing(parentId);
        if (_REGISTRY.resolveParty(parent.grantee) != msg.sender) revert GrantRegistryNotGrantee(parentId, msg.sender);
        if (!_isValidAt(parent, uint64(block.timestamp))) revert GrantRegistryGrantNotValid(parentId);
        (AssetStatus status, , , bool underObjection) = _REGISTRY.assetState(parent.assetId);
        if (status != AssetStatus.ISSUED || underObjection) revert GrantRegistryAssetNotGrantable(parent.assetId);
        if (!parent.rights.includes(GrantRights.SUBLICENSE)) revert GrantRegistryNotSublicensable(parentId);
        if (parent.depth + 1 > MAX_GRANT_DEPTH) revert GrantRegistryTooDeep(parentId);
        _validateTerms(msg.sender, terms);
        if (
            terms.assetId != parent.assetId ||
            !parent.rights.includes(terms.rights) ||
            terms.validFrom < parent.validFrom ||
            terms.validUntil > parent.validUntil ||
            uint8(terms.usageMode) < uint8(parent.usageMode) ||
            !_covers(parent, terms.scopeKind, terms.scopeData)
        ) revert GrantRegistryNotNarrower(parentId);
        // Royalties stack: the new grantor's royalty comes on top of every royalty above it.
        uint256 totalBps = _upstreamRoyaltyBps(parent) + terms.royaltyBps;
        if (totalBps > 10_000) revert GrantRegistryRoyaltiesExceedTotal(totalBps);
        return _store(msg.sender, terms, parentId, parent.depth + 1);
    }

    /// @inheritdoc IGrantRegistry
    function suspend(uint256 grantId, bytes32 reasonHash) external {
        (GrantRecord storage record, bool byArbitrator) = _existingForGrantorOrArbitrator(grantId);
        GrantStatus status = record.status;
        // An arbitrator may take over a grant its grantor suspended, so that the grantor cannot lift it.
        bool takeOver = byArbitrator && status == GrantStatus.SUSPENDED && !_heldByArbitrator[grantId];
        if (status != GrantStatus.ACTIVE && !takeOver) revert GrantRegistryInvalidStatus(grantId, status);
        if (byArbitrator) _heldByArbitrator[grantId] = true;
        record.status = GrantStatus.SUSPENDED;
        uint256 assetId = record.assetId;
        _emitGrantSuspended(grantId, assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IGrantRegistry
    function resume(uint256 grantId, bytes32 reasonHash) external {
        (GrantRecord storage record, bool byArbitrator) = _existingForGrantorOrArbitrator(grantId);
        if (record.status != GrantStatus.SUSPENDED) revert GrantRegistryInvalidStatus(grantId, record.status);
        if (_heldByArbitrator[grantId]) {
            if (!byArbitrator) revert GrantRegistryHeldByArbitrator(grantId);
            _heldByArbitrator[grantId] = false;
        }
        record.status = GrantStatus.ACTIVE;
        uint256 assetId = record.assetId;
        _emitGrantResumed(grantId, assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IGrantRegistry
    function revoke(uint256 grantId, bytes32 reasonHash) external {
        (GrantRecord storage record, ) = _existingForGrantorOrArbitrator(grantId);
        if (record.status == GrantStatus.REVOKED) revert GrantRegistryInvalidStatus(grantId, record.status);
        record.status = GrantStatus.REVOKED;
        uint256 assetId = record.assetId;
        _emitGrantRevoked(grantId, assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IGrantRegistry
    function recordUsage(
        uint256 grantId,
        uint64 units,
        uint64 periodStart,
        uint64 periodEnd,
        bytes32 evidenceHash
    ) external {
        GrantRecord storage record = _existing(grantId);
        if (_REGISTRY.resolveParty(record.grantee) != msg.sender) revert GrantRegistryNotGrantee(grantId, msg.sender);
        uint256 assetId = record.assetId;
        // Usage is reported after the fact: any past period inside the window counts, even once the grant has
        // ended, been suspended or revoked (the report is evidence of use while it was valid).
        if (units == 0) revert GrantRegistryZeroUnits();
        if (
            periodStart >= periodEnd ||
            periodStart < record.validFrom ||
            periodEnd > record.validUntil ||
            periodEnd > block.timestamp
        ) revert GrantRegistryInvalidUsagePeriod(periodStart, periodEnd);

        _emitUsageRecorded(grantId, assetId, msg.sender, units, periodStart, periodEnd, evidenceHash);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IGrantRegistry
    function isAuthorized(
        address party,
        uint8 rights,
        uint256 assetId,
        ScopeKind scopeKind,
        bytes32 scopeData,
        uint64 at,
        uint256 grantId
    ) external view returns (bool) {
        if (!rights.isValid()) return false;
        if (grantId == 0) {
            (AssetStatus heldStatus, , address holder, ) = _REGISTRY.assetState(assetId);
            return heldStatus == AssetStatus.ISSUED && holder == party && party != address(0);
        }
        GrantRecord storage record = _grants[grantId];
        if (record.status == GrantStatus.NONE || record.assetId != assetId || !record.rights.includes(rights)) {
            return false;
        }
        if (!_covers(record, scopeKind, scopeData) || !_isValidAt(record, at)) return false;
        (AssetStatus status, address grantee) = _REGISTRY.registryStateForGrant(assetId, record.grantee);
        return status == AssetStatus.ISSUED && grantee == party;
    }

    /// @inheritdoc IGrantRegistry
    function derivationTerms(
        address applicant,
        uint256 assetId,
        uint256 grantId
    ) external view returns (bool authorized, uint256 upstreamRoyaltyBps) {
        GrantRecord storage record = _grants[grantId];
        if (record.status == GrantStatus.NONE || record.assetId != assetId) return (false, 0);
        if (!record.rights.includes(GrantRights.PROCESS) || !_isValidAt(record, uint64(block.timestamp))) {
            return (false, 0);
        }
        (AssetStatus status, address grantee) = _REGISTRY.registryStateForGrant(assetId, record.grantee);
        if (status != AssetStatus.ISSUED || grantee != applicant) return (false, 0);
        return (true, _upstreamRoyaltyBps(record));
    }

    /// @inheritdoc IGrantRegistry
    function isHeldByArbitrator(uint256 grantId) external view returns (bool) {
        return _heldByArbitrator[grantId];
    }

    /// @inheritdoc IGrantRegistry
    function isValid(uint256 grantId) external view returns (bool) {
        GrantRecord storage record = _grants[grantId];
        if (record.status == GrantStatus.NONE) return false;
        return
            _isValidAt(record, uint64(block.timestamp)) &&
            _REGISTRY.assetStatus(record.assetId) == AssetStatus.ISSUED;
    }

    /// @inheritdoc IGrantRegistry
    function getGrant(uint256 grantId) external view returns (Grant memory) {
        GrantRecord storage record = _existing(grantId);
        return
            Grant({
                grantor: record.grantor,
                grantee: record.grantee,
                assetId: record.assetId,
                parentId: record.parentId,
                depth: record.depth,
                rights: record.rights,
                scopeKind: record.scopeKind,
                scopeData: record.scopeData,
                usageMode: record.usageMode,
                validFrom: record.validFrom,
                validUntil: record.validUntil,
                royaltyBps: record.royaltyBps,
                status: record.status
            });
    }

    /// @inheritdoc IGrantRegistry
    function grantDigest(GrantTerms calldata terms, address grantor, uint256 deadline) external view returns (bytes32) {
        return _grantDigest(terms, grantor, nonces(grantor), deadline);
    }

    /// @inheritdoc IGrantRegistry
    function grantCount() external view returns (uint256) {
        return _grantCount;
    }

    /// @notice The registry this grant registry serves (assets, parties and evidence).
    function registry() external view returns (address) {
        return address(_REGISTRY);
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev A direct grant: the grantor is the asset's holder, or a public-data authority for public data.
    function _grantDirect(address grantor, GrantTerms calldata terms) private returns (uint256) {
        (AssetStatus status, DataCategory category, address holder, bool underObjection) = _REGISTRY.assetState(
            terms.assetId
        );
        if (status != AssetStatus.ISSUED || underObjection) revert GrantRegistryAssetNotGrantable(terms.assetId);
        if (grantor != holder) {
            if (!(category == DataCategory.PUBLIC && _hasRole(Roles.DATA_AUTHORITY, grantor) && _isLiveAuthority(grantor))) {
                revert GrantRegistryNotGrantor(terms.assetId, grantor);
            }
            _requireOpen(); // the authority acts by its role
        }
        _validateTerms(grantor, terms);
        return _store(grantor, terms, 0, 0);
    }

    /// @dev Checks that hold for every grant, direct or not.
    function _validateTerms(address grantor, GrantTerms calldata terms) private view {
        if (terms.grantee == grantor) revert GrantRegistrySelfGrant(grantor);
        if (!_REGISTRY.isLiveParty(terms.grantee)) revert GrantRegistryNotLiveParty(terms.grantee);
        if (!terms.rights.isValid()) revert GrantRegistryInvalidRights(terms.rights);
        if ((terms.scopeKind == ScopeKind.WHOLE) != (terms.scopeData == bytes32(0))) {
            revert GrantRegistryInvalidScope(terms.scopeKind, terms.scopeData);
        }
        if (
            terms.validFrom >= terms.validUntil ||
            terms.validUntil <= block.timestamp ||
            terms.validUntil > type(uint40).max
        ) revert GrantRegistryInvalidWindow(terms.validFrom, terms.validUntil);
        if (terms.royaltyBps > 10_000) revert GrantRegistryInvalidRoyalty(terms.royaltyBps);
    }

    function _store(
        address grantor,
        GrantTerms calldata terms,
        uint256 parentId,
        uint8 depth
    ) private returns (uint256 grantId) {
        grantId = ++_grantCount;
        GrantRecord storage record = _grants[grantId];
        record.grantor = grantor;
        record.validFrom = uint40(terms.validFrom);
        record.validUntil = uint40(terms.validUntil);
        record.royaltyBps = terms.royaltyBps;
        record.grantee = terms.grantee;
        record.assetId = SafeCast.toUint56(terms.assetId);
        record.rights = terms.rights;
        record.scopeKind = terms.scopeKind;
        record.usageMode = terms.usageMode;
        record.status = GrantStatus.ACTIVE;
        record.depth = depth;
        if (terms.scopeData != bytes32(0)) record.scopeData = terms.scopeData;
        if (parentId != 0) record.parentId = parentId;

        _emitGranted(grantId, terms.assetId, terms.grantee, grantor, parentId, terms);
    }

    /// @dev The grant and every grant above it are active, and the grant is inside its window at `at`.
    /// Sub-grant windows lie inside their parents', so the ancestors' windows need no check.
    function _isValidAt(GrantRecord storage record, uint64 at) private view returns (bool) {
        if (at < record.validFrom || at >= record.validUntil) return false;
        for (uint256 ancestors = record.depth; record.status == GrantStatus.ACTIVE; --ancestors) {
            if (ancestors == 0) return true;
            record = _grants[record.parentId];
        }
        return false;
    }

    /// @dev Whether the grant's scope covers (`kind`, `data`): WHOLE covers everything; DOMAIN and SCENARIO
    /// cover only themselves. Reads the scope data slot only when it matters.
    function _covers(GrantRecord storage record, ScopeKind kind, bytes32 data) private view returns (bool) {
        ScopeKind held = record.scopeKind;
        return held == ScopeKind.WHOLE || (held == kind && record.scopeData == data);
    }

    /// @dev A live party registered as a public-data authority (the role alone is not enough).
    function _isLiveAuthority(address account) private view returns (bool) {
        IPartyRegistry.Party memory record = _REGISTRY.party(account);
        return record.kind == PartyKind.PUBLIC_DATA_AUTHORITY && record.successor == address(0);
    }

    function _existing(uint256 grantId) private view returns (GrantRecord storage record) {
        record = _grants[grantId];
        if (record.status == GrantStatus.NONE) revert GrantRegistryUnknownGrant(grantId);
    }

    /// @dev The grant, and whether the caller acts as an arbitrator (rather than as the grantor).
    function _existingForGrantorOrArbitrator(
        uint256 grantId
    ) private view returns (GrantRecord storage record, bool byArbitrator) {
        record = _existing(grantId);
        if (_REGISTRY.resolveParty(record.grantor) == msg.sender) return (record, false);
        if (!_hasRole(Roles.ARBITRATOR, msg.sender)) revert GrantRegistryNotGrantor(record.assetId, msg.sender);
        _requireOpen();
        return (record, true);
    }

    /// @dev The royalty of `record` and of every grant above it (at most {MAX_GRANT_DEPTH} of them).
    function _upstreamRoyaltyBps(GrantRecord storage record) private view returns (uint256 totalBps) {
        totalBps = record.royaltyBps;
        for (uint256 ancestors = record.depth; ancestors != 0; --ancestors) {
            record = _grants[record.parentId];
            totalBps += record.royaltyBps;
        }
    }

    function _grantDigest(
        GrantTerms calldata terms,
        address grantor,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        // GrantTerms holds only static fields, so abi.encode lays it out inline, field after field, exactly
        // as EIP-712's encodeData of the flat Grant type.
        return _hashTypedDataV4(keccak256(abi.encode(GRANT_TYPEHASH, grantor, terms, nonce, deadline)));
    }

    function _appendEvidence(uint256 assetId, bytes32 kind, bytes32 payloadHash, address actor) private {
        _REGISTRY.appendEvidence(assetId, kind, payloadHash, actor);
    }

    // ------------------------------------------------------------------------------------------------
    // Domain events: each emitted, and its evidence entry appended, from one argument list
    // ------------------------------------------------------------------------------------------------
    //
    // The payload of an entry is `abi.encode` of the event's arguments in declaration order (see
    // {IEvidenceLedger}). The actor is the account the event names as acting: the grantor of a grant, the
    // caller otherwise.

    function _emitGranted(
        uint256 grantId,
        uint256 assetId,
        address grantee,
        address grantor,
        uint256 parentId,
        GrantTerms calldata terms
    ) private {
        emit Granted(grantId, assetId, grantee, grantor, parentId, terms);
        _appendEvidence(
            assetId,
            Granted.selector,
            keccak256(abi.encode(grantId, assetId, grantee, grantor, parentId, terms)),
            grantor
        );
    }

    function _emitGrantSuspended(uint256 grantId, uint256 assetId, address by, bytes32 reasonHash) private {
        emit GrantSuspended(grantId, assetId, by, reasonHash);
        _appendEvidence(assetId, GrantSuspended.selector, keccak256(abi.encode(grantId, assetId, by, reasonHash)), by);
    }

    function _emitGrantResumed(uint256 grantId, uint256 assetId, address by, bytes32 reasonHash) private {
        emit GrantResumed(grantId, assetId, by, reasonHash);
        _appendEvidence(assetId, GrantResumed.selector, keccak256(abi.encode(grantId, assetId, by, reasonHash)), by);
    }

    function _emitGrantRevoked(uint256 grantId, uint256 assetId, address by, bytes32 reasonHash) private {
        emit GrantRevoked(grantId, assetId, by, reasonHash);
        _appendEvidence(assetId, GrantRevoked.selector, keccak256(abi.encode(grantId, assetId, by, reasonHash)), by);
    }

    function _emitUsageRecorded(
        uint256 grantId,
        uint256 assetId,
        address grantee,
        uint64 units,
        uint64 periodStart,
        uint64 periodEnd,
        bytes32 evidenceHash
    ) private {
        emit UsageRecorded(grantId, assetId, grantee, units, periodStart, periodEnd, evidenceHash);
        _appendEvidence(
            assetId,
            UsageRecorded.selector,
            keccak256(abi.encode(grantId, assetId, grantee, units, periodStart, periodEnd, evidenceHash)),
            grantee
        );
    }
}
