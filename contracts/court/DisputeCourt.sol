// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDisputeCourt} from "../interfaces/IDisputeCourt.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {IPartyRegistry} from "../interfaces/IPartyRegistry.sol";
import {IEvidenceLedger} from "../interfaces/IEvidenceLedger.sol";
import {IGrantRegistry} from "../interfaces/IGrantRegistry.sol";
import {IContributionLedger} from "../interfaces/IContributionLedger.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {AssetStatus, TransferReason, DisputeKind, DisputeStatus, Remedy, Ruling} from "../types/LedgerTypes.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../libraries/Roles.sol";

/// @title DisputeCourt
/// @notice Disputes on assets, grants, contributions, settlements and policies, ruled by arbitrators. See
/// {IDisputeCourt}.
contract DisputeCourt is IDisputeCourt, LedgerAccess, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev The ruling hash the other contracts record when a dispute lapses without a ruling.
    bytes32 public constant LAPSED_RULING = keccak256("provenance-ledger.dispute-lapsed");

    /// @dev Two slots, bond included. The respondent is not stored: it follows from the subject (see
    /// {_respondent}) and is worked out again when needed, so it follows transfers and successions.
    struct DisputeRecord {
        // slot 0
        address claimant;
        uint64 assetId;
        DisputeKind kind;
        DisputeStatus status;
        Remedy remedy;
        // slot 1
        uint64 subjectId;
        uint32 rulingDeadline;
        uint160 bond;
    }

    /// @dev The counter and the ruling period share a slot: opening reads both.
    struct Settings {
        uint64 disputeCount;
        uint32 rulingPeriod;
    }

    IAssetRegistry private immutable _REGISTRY;
    IGrantRegistry private immutable _GRANTS;
    IContributionLedger private immutable _CONTRIBUTIONS;
    IRevenueVault private immutable _VAULT;
    IERC20 private immutable _BOND_TOKEN;

    Settings private _settings;
    mapping(uint256 disputeId => DisputeRecord) private _disputes;

    constructor(
        IAccessManager accessManager_,
        IAssetRegistry registry_,
        IGrantRegistry grants_,
        IContributionLedger contributions_,
        IRevenueVault vault_,
        uint32 rulingPeriod_
    ) LedgerAccess(accessManager_) {
        if (
            address(registry_) == address(0) ||
            address(grants_) == address(0) ||
            address(contributions_) == address(0) ||
            address(vault_) == address(0)
        ) revert LedgerAccessZeroAddress();
        _REGISTRY = registry_;
        _GRANTS = grants_;
        _CONTRIBUTIONS = contributions_;
        _VAULT = vault_;
        _BOND_TOKEN = IERC20(vault_.settlementToken());
        _setRulingPeriod(rulingPeriod_);
    }

    // ------------------------------------------------------------------------------------------------
    // Disputes
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IDisputeCourt
    function openDispute(
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId,
        uint256 bond,
        bytes32 groundsHash,
        string calldata groundsURI
    ) external nonReentrant returns (uint256 disputeId) {
        if (!IPartyRegistry(address(_REGISTRY)).isLiveParty(msg.sender)) revert DisputeCourtNotLiveParty(msg.sender);
        if (groundsHash == bytes32(0)) revert DisputeCourtEmptyHash();
        address respondent = _respondent(kind, assetId, subjectId, msg.sender);
        if (respondent == msg.sender) revert DisputeCourtSelfDispute(msg.sender);

        Settings memory settings = _settings;
        disputeId = ++settings.disputeCount;
        _settings.disputeCount = settings.disputeCount;
        subjectId = _hold(kind, disputeId, assetId, subjectId, groundsHash, groundsURI);
        uint64 rulingDeadline = uint64(block.timestamp) + settings.rulingPeriod;
        bond = _store(disputeId, kind, assetId, subjectId, rulingDeadline, bond);

        emit DisputeOpened(
            disputeId,
            assetId,
            msg.sender,
            kind,
            subjectId,
            respondent,
            bond,
            groundsHash,
            groundsURI,
            rulingDeadline
        );
        _appendEvidence(
            assetId,
            DisputeOpened.selector,
            keccak256(
                abi.encode(
                    disputeId,
                    assetId,
                    msg.sender,
                    kind,
                    subjectId,
                    respondent,
                    bond,
                    groundsHash,
                    groundsURI,
                    rulingDeadline
                )
            )
        );
    }

    /// @inheritdoc IDisputeCourt
    function submitEvidence(uint256 disputeId, bytes32 evidenceHash, string calldata evidenceURI) external {
        DisputeRecord storage record = _open(disputeId);
        address sender = msg.sender;
        if (
            sender != IPartyRegistry(address(_REGISTRY)).resolveParty(record.claimant) &&
            sender != _respondentOf(record)
        ) revert DisputeCourtNotParty(disputeId, sender);
        if (evidenceHash == bytes32(0)) revert DisputeCourtEmptyHash();
        uint256 assetId = record.assetId;
        emit DisputeEvidenceSubmitted(disputeId, assetId, sender, evidenceHash, evidenceURI);
        _appendEvidence(
            assetId,
            DisputeEvidenceSubmitted.selector,
            keccak256(abi.encode(disputeId, assetId, sender, evidenceHash, evidenceURI))
        );
    }

    /// @inheritdoc IDisputeCourt
    function rule(uint256 disputeId, Ruling calldata ruling) external nonReentrant {
        _checkRole(Roles.ARBITRATOR);
        DisputeRecord storage record = _open(disputeId);
        if (block.timestamp > record.rulingDeadline) {
            revert DisputeCourtRulingPeriodOver(disputeId, record.rulingDeadline);
        }
        _checkRuling(record, ruling);
        Remedy remedy = ruling.remedy;

        // The respondent before the remedy: a transfer of the holding forfeits to the holder it was taken from.
        address bondTo = ruling.forfeitBond ? _respondentOf(record) : record.claimant;
        record.status = DisputeStatus.RULED;
        record.remedy = remedy;
        _carryOut(disputeId, record, ruling);
        _payBond(record, bondTo);

        uint256 assetId = record.assetId;
        emit DisputeRuled(
            disputeId,
            assetId,
            msg.sender,
            remedy,
            ruling.adjustedMeasure,
            ruling.transferTo,
            ruling.forfeitBond,
            ruling.rulingHash,
            ruling.rulingURI
        );
        _appendEvidence(
            assetId,
            DisputeRuled.selector,
            keccak256(
                abi.encode(
                    disputeId,
                    assetId,
                    msg.sender,
                    remedy,
                    ruling.adjustedMeasure,
                    ruling.transferTo,
                    ruling.forfeitBond,
                    ruling.rulingHash,
                    ruling.rulingURI
                )
            )
        );
    }

    /// @inheritdoc IDisputeCourt
    function lapse(uint256 disputeId) external nonReentrant {
        DisputeRecord storage record = _open(disputeId);
        if (block.timestamp <= record.rulingDeadline) {
            revert DisputeCourtRulingPeriodNotOver(disputeId, record.rulingDeadline);
        }
        record.status = DisputeStatus.LAPSED;
        record.remedy = Remedy.DISMISS;
        _release(disputeId, record, false, 0, LAPSED_RULING);
        _payBond(record, record.claimant);

        uint256 assetId = record.assetId;
        emit DisputeLapsed(disputeId, assetId, msg.sender);
        _appendEvidence(assetId, DisputeLapsed.selector, keccak256(abi.encode(disputeId, assetId, msg.sender)));
    }

    /// @inheritdoc IDisputeCourt
    function releaseEscrow(
        uint256 disputeId,
        uint256 epochId,
        uint256 index,
        uint256 amount,
        bytes32[] calldata proof,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) external {
        _checkRole(Roles.ARBITRATOR);
        DisputeRecord storage record = _existing(disputeId);
        if (record.kind != DisputeKind.CONTRIBUTION) revert DisputeCourtNoEscrow(disputeId);
        if (record.status == DisputeStatus.OPEN) revert DisputeCourtStillOpen(disputeId);
        // The vault checks the leaf, pays and emits `EscrowReleased`.
        _VAULT.releaseEscrow(epochId, index, disputeId, amount, proof, recipients, amounts);
    }

    /// @inheritdoc IDisputeCourt
    function setRulingPeriod(uint32 rulingPeriod_) external {
        _checkRole(Roles.ADMIN);
        _setRulingPeriod(rulingPeriod_);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IDisputeCourt
    function dispute(uint256 disputeId) external view returns (Dispute memory) {
        DisputeRecord storage record = _existing(disputeId);
        return
            Dispute({
                kind: record.kind,
                status: record.status,
                remedy: record.remedy,
                assetId: record.assetId,
                subjectId: record.subjectId,
                claimant: record.claimant,
                respondent: _respondentOf(record),
                bond: record.bond,
                rulingDeadline: record.rulingDeadline
            });
    }

    /// @inheritdoc IDisputeCourt
    function disputeCount() external view returns (uint256) {
        return _settings.disputeCount;
    }

    /// @inheritdoc IDisputeCourt
    function rulingPeriod() external view returns (uint32) {
        return _settings.rulingPeriod;
    }

    /// @inheritdoc IDisputeCourt
    function bondToken() external view returns (address) {
        return address(_BOND_TOKEN);
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev The respondent of a stored dispute, now: resolved through successions.
    function _respondentOf(DisputeRecord storage record) private view returns (address) {
        DisputeKind kind = record.kind;
        // An objection's subject is the registry's objection id; its respondent is the asset's holder.
        uint256 subjectId = kind == DisputeKind.OBJECTION ? 0 : record.subjectId;
        address claimant = IPartyRegistry(address(_REGISTRY)).resolveParty(record.claimant);
        return IPartyRegistry(address(_REGISTRY)).resolveParty(_respondent(kind, record.assetId, subjectId, claimant));
    }

    /// @dev The respondent of `claimant`'s dispute about `subjectId` of `assetId`, as recorded (a grantee or
    /// contributor is not resolved through successions here: opening stays cheap), checking that the subject
    /// exists and belongs to the asset. Reverts with {DisputeCourtSubjectMismatch} otherwise.
    function _respondent(
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId,
        address claimant
    ) private view returns (address) {
        if (kind == DisputeKind.GRANT) {
            try _GRANTS.getGrant(subjectId) returns (IGrantRegistry.Grant memory found) {
                if (found.assetId == assetId) return found.grantee == claimant ? found.grantor : found.grantee;
            } catch {} // solhint-disable-line no-empty-blocks
        } else if (kind == DisputeKind.CONTRIBUTION) {
            try _CONTRIBUTIONS.contribution(subjectId) returns (IContributionLedger.Contribution memory found) {
                if (found.productId == assetId) {
                    return found.contributor == claimant ? _REGISTRY.holderOf(assetId) : found.contributor;
                }
            } catch {} // solhint-disable-line no-empty-blocks
        } else {
            bool found;
            if (kind == DisputeKind.OBJECTION) {
                found = subjectId == 0 && _REGISTRY.assetStatus(assetId) != AssetStatus.NONE;
            } else if (kind == DisputeKind.SETTLEMENT) {
                try _VAULT.epoch(subjectId) returns (IRevenueVault.Epoch memory epoch_) {
                    found = epoch_.productId == assetId;
                } catch {} // solhint-disable-line no-empty-blocks
            } else {
                // POLICY: a version that was set (the current one or an earlier one).
                found = subjectId != 0 && subjectId <= _CONTRIBUTIONS.splitPolicy(assetId).version;
            }
            if (found) return _REGISTRY.holderOf(assetId);
        }
        revert DisputeCourtSubjectMismatch(kind, assetId, subjectId);
    }

    /// @dev Makes the subject's contract hold what an open dispute holds; returns the subject id to store
    /// (an objection's is the registry's new objection id).
    function _hold(
        DisputeKind kind,
        uint256 disputeId,
        uint256 assetId,
        uint256 subjectId,
        bytes32 groundsHash,
        string calldata groundsURI
    ) private returns (uint256) {
        if (kind == DisputeKind.OBJECTION) {
            return _REGISTRY.fileDisputeObjection(assetId, msg.sender, groundsHash, groundsURI);
        } else if (kind == DisputeKind.CONTRIBUTION) {
            _CONTRIBUTIONS.markDisputed(subjectId, disputeId);
        } else if (kind == DisputeKind.SETTLEMENT) {
            _VAULT.pause(subjectId, groundsHash);
        }
        return subjectId;
    }

    /// @dev Stores a new dispute of the caller and takes its bond; returns the bond that arrived (a token
    /// that charges a fee on transfer delivers less).
    function _store(
        uint256 disputeId,
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId,
        uint64 rulingDeadline,
        uint256 bond
    ) private returns (uint256 received) {
        DisputeRecord storage record = _disputes[disputeId];
        record.claimant = msg.sender;
        record.assetId = SafeCast.toUint64(assetId);
        record.kind = kind;
        record.status = DisputeStatus.OPEN;
        record.subjectId = SafeCast.toUint64(subjectId);
        record.rulingDeadline = SafeCast.toUint32(rulingDeadline);
        if (bond == 0) return 0;
        uint256 balanceBefore = _BOND_TOKEN.balanceOf(address(this));
        _BOND_TOKEN.safeTransferFrom(msg.sender, address(this), bond);
        received = _BOND_TOKEN.balanceOf(address(this)) - balanceBefore;
        record.bond = SafeCast.toUint160(received);
    }

    /// @dev Refuses a ruling whose fields do not fit its remedy (see {Ruling}) or the dispute's kind.
    function _checkRuling(DisputeRecord storage record, Ruling calldata ruling) private view {
        Remedy remedy = ruling.remedy;
        DisputeKind kind = record.kind;
        if (!_allows(kind, remedy)) revert DisputeCourtInvalidRemedy(kind, remedy);
        if (
            ruling.rulingHash == bytes32(0) ||
            (ruling.adjustedMeasure != 0) != (remedy == Remedy.ADJUST_CONTRIBUTION) ||
            (ruling.transferTo != address(0)) != (remedy == Remedy.TRANSFER_HOLDING) ||
            (ruling.forfeitBond && record.bond == 0)
        ) revert DisputeCourtInvalidRuling(remedy);
    }

    /// @dev Which remedies a kind of dispute admits (DISMISS: all).
    function _allows(DisputeKind kind, Remedy remedy) private pure returns (bool) {
        if (remedy == Remedy.DISMISS) return true;
        if (kind == DisputeKind.OBJECTION) {
            return remedy == Remedy.UPHOLD || remedy == Remedy.REVOKE_CERTIFICATE || remedy == Remedy.TRANSFER_HOLDING;
        }
        if (kind == DisputeKind.GRANT) return remedy == Remedy.UPHOLD || remedy == Remedy.REVOKE_GRANT;
        if (kind == DisputeKind.CONTRIBUTION) {
            return remedy == Remedy.VOID_CONTRIBUTION || remedy == Remedy.ADJUST_CONTRIBUTION;
        }
        if (kind == DisputeKind.SETTLEMENT) return remedy == Remedy.REJECT_SETTLEMENT;
        return remedy == Remedy.UPHOLD; // POLICY
    }

    /// @dev Carries out a valid ruling on the contracts that hold the subject.
    function _carryOut(uint256 disputeId, DisputeRecord storage record, Ruling calldata ruling) private {
        Remedy remedy = ruling.remedy;
        bytes32 rulingHash = ruling.rulingHash;
        uint256 assetId = record.assetId;
        uint256 subjectId = record.subjectId;
        if (remedy == Remedy.DISMISS) {
            _release(disputeId, record, false, 0, rulingHash);
        } else if (record.kind == DisputeKind.OBJECTION) {
            // Upholding an objection against an application refuses it; against a certificate it is
            // followed by the registration the remedy names.
            _REGISTRY.resolveObjection(subjectId, true, rulingHash);
            if (remedy == Remedy.REVOKE_CERTIFICATE) {
                _REGISTRY.cancel(assetId, rulingHash);
            } else if (remedy == Remedy.TRANSFER_HOLDING) {
                _REGISTRY.transferHolding(assetId, ruling.transferTo, TransferReason.OBJECTION_UPHELD, rulingHash);
            }
        } else if (remedy == Remedy.REVOKE_GRANT) {
            _GRANTS.revoke(subjectId, rulingHash);
        } else if (remedy == Remedy.VOID_CONTRIBUTION || remedy == Remedy.ADJUST_CONTRIBUTION) {
            _release(disputeId, record, remedy == Remedy.VOID_CONTRIBUTION, ruling.adjustedMeasure, rulingHash);
        } else if (remedy == Remedy.REJECT_SETTLEMENT) {
            _VAULT.reject(subjectId, rulingHash);
        }
        // UPHOLD of a GRANT or POLICY dispute records the ruling only.
    }

    /// @dev Lets go of what an open dispute holds: dismisses the objection, restores (or voids, or adjusts)
    /// the contribution, resumes the settlement.
    function _release(
        uint256 disputeId,
        DisputeRecord storage record,
        bool voided,
        uint256 adjustedMeasure,
        bytes32 rulingHash
    ) private {
        DisputeKind kind = record.kind;
        if (kind == DisputeKind.OBJECTION) {
            _REGISTRY.resolveObjection(record.subjectId, false, rulingHash);
        } else if (kind == DisputeKind.CONTRIBUTION) {
            _CONTRIBUTIONS.resolveDispute(record.subjectId, disputeId, voided, adjustedMeasure);
        } else if (kind == DisputeKind.SETTLEMENT) {
            _VAULT.resume(record.subjectId, rulingHash);
        }
    }

    /// @dev Pays the held bond to the party `to` resolves to (its successor, if it was succeeded).
    function _payBond(DisputeRecord storage record, address to) private {
        uint256 bond = record.bond;
        if (bond == 0) return;
        record.bond = 0;
        _BOND_TOKEN.safeTransfer(IPartyRegistry(address(_REGISTRY)).resolveParty(to), bond);
    }

    function _open(uint256 disputeId) private view returns (DisputeRecord storage record) {
        record = _existing(disputeId);
        if (record.status != DisputeStatus.OPEN) revert DisputeCourtNotOpen(disputeId, record.status);
    }

    function _existing(uint256 disputeId) private view returns (DisputeRecord storage record) {
        record = _disputes[disputeId];
        if (record.status == DisputeStatus.NONE) revert DisputeCourtUnknownDispute(disputeId);
    }

    function _setRulingPeriod(uint32 rulingPeriod_) private {
        if (rulingPeriod_ == 0) revert DisputeCourtInvalidRulingPeriod(rulingPeriod_);
        _settings.rulingPeriod = rulingPeriod_;
        emit RulingPeriodSet(rulingPeriod_);
    }

    function _appendEvidence(uint256 assetId, bytes32 kind, bytes32 payloadHash) private {
        IEvidenceLedger(address(_REGISTRY)).appendEvidence(assetId, kind, payloadHash, msg.sender);
    }
}
