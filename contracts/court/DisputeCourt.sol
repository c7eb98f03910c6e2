// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDisputeCourt} from "../interfaces/IDisputeCourt.sol";
import {ILedgerRegistry} from "../interfaces/ILedgerRegistry.sol";
import {IPartyRegistry} from "../interfaces/IPartyRegistry.sol";
import {IGrantRegistry} from "../interfaces/IGrantRegistry.sol";
import {IContributionLedger} from "../interfaces/IContributionLedger.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {AssetStatus, ContributionStatus, DisputeKind, DisputeStatus, Remedy, Ruling} from "../types/LedgerTypes.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../libraries/Roles.sol";
import {ReentrancyLock} from "../utils/ReentrancyLock.sol";

/// @title DisputeCourt
/// @notice Disputes on assets, grants, contributions, settlements and policies, ruled by arbitrators. See
/// {IDisputeCourt}.
contract DisputeCourt is IDisputeCourt, LedgerAccess, ReentrancyLock {
    using SafeERC20 for IERC20;

    /// @dev The ruling hash the other contracts record when a dispute lapses without a ruling.
    bytes32 public constant LAPSED_RULING = keccak256("provenance-ledger.dispute-lapsed");
    /// @dev With the dispute id, the payer reference of a forfeited bond deposited as a product's revenue.
    bytes32 public constant FORFEITED_BOND = keccak256("provenance-ledger.forfeited-bond");
    /// @notice The shortest time a respondent has to answer before a ruling.
    uint32 public constant MIN_ANSWER_PERIOD = 1 hours;
    /// @notice The longest ruling period: every dispute ends within a year, by ruling or lapse.
    uint32 public constant MAX_RULING_PERIOD = 365 days;
    /// @dev The deepest chain of grants (the grant registry's MAX_GRANT_DEPTH), for the standing of upstream
    /// grantors.
    uint256 private constant MAX_GRANT_DEPTH = 4;

    /// @dev Two slots, written once at opening (every fresh slot costs 22,100 gas): the bond is kept in the
    /// claim, which is written anyway and holds it exactly as long as the dispute is open. Both sides are
    /// fixed when the dispute opens. Ids are stored in 56 bits like the registry's, timestamps in 32 bits.
    struct DisputeRecord {
        // slot 0
        address claimant;
        uint56 assetId;
        uint32 answerEndsAt;
        DisputeKind kind;
        // slot 1
        address respondent;
        uint56 subjectId;
        uint32 rulingDeadline;
        /// @dev The status in the low two bits, the remedy above them (see {_outcome}): one byte for both.
        uint8 outcome;
    }

    /// @dev A claimant's standing on one subject: the dispute it has open there with the bond that dispute
    /// holds, and whether a repeat is barred. One slot.
    struct ClaimState {
        uint56 openDispute;
        bool repeatBarred;
        uint96 bond;
    }

    /// @dev The counter and the periods share a slot: opening reads them all.
    struct Settings {
        uint56 disputeCount;
        uint32 rulingPeriod;
        uint32 answerPeriod;
    }

    /// @dev The registry: assets, parties and evidence.
    ILedgerRegistry private immutable _REGISTRY;
    IGrantRegistry private immutable _GRANTS;
    IContributionLedger private immutable _CONTRIBUTIONS;
    IRevenueVault private immutable _VAULT;
    IERC20 private immutable _BOND_TOKEN;

    Settings private _settings;
    mapping(uint256 disputeId => DisputeRecord) private _disputes;
    mapping(DisputeKind kind => uint256) private _minimumBonds;
    mapping(bytes32 claimKey => ClaimState) private _claims;
    mapping(address account => uint256) private _bondCredits;

    constructor(
        IAccessManager accessManager_,
        ILedgerRegistry registry_,
        IGrantRegistry grants_,
        IContributionLedger contributions_,
        IRevenueVault vault_,
        uint32 rulingPeriod_,
        uint32 answerPeriod_,
        uint256 minimumBond_
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
        _setPeriods(rulingPeriod_, answerPeriod_);
        for (uint8 kind = 0; kind <= uint8(type(DisputeKind).max); ++kind) {
            _setMinimumBond(DisputeKind(kind), minimumBond_);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Disputes
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IDisputeCourt
    function openDispute(
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId,
        uint256 standingId,
        uint256 bond,
        bytes32 groundsHash,
        string calldata groundsURI
    ) external nonReentrant returns (uint256 disputeId) {
        if (!_REGISTRY.isLiveParty(msg.sender)) revert DisputeCourtNotLiveParty(msg.sender);
        if (groundsHash == bytes32(0)) revert DisputeCourtEmptyHash();
        address respondent = _respondent(kind, assetId, subjectId, standingId, msg.sender);
        // Also when both sides resolve to one party through successions (a grantee merged into its grantor).
        if (respondent == msg.sender) revert DisputeCourtSelfDispute(msg.sender);
        uint256 minimum = _minimumBonds[kind];
        if (bond < minimum) revert DisputeCourtBondTooLow(kind, bond, minimum);

        Settings memory settings = _settings;
        disputeId = ++settings.disputeCount;
        _settings.disputeCount = settings.disputeCount;
        bytes32 claimKey = _claimKey(msg.sender, kind, assetId, subjectId);
        _checkClaim(_claims[claimKey], kind, assetId, subjectId);
        subjectId = _hold(kind, disputeId, assetId, subjectId, groundsHash, groundsURI);
        uint64 rulingDeadline = uint64(block.timestamp) + settings.rulingPeriod;
        _store(disputeId, kind, assetId, subjectId, respondent, settings.answerPeriod, rulingDeadline);
        bond = _takeBond(bond);
        if (bond < minimum) revert DisputeCourtBondTooLow(kind, bond, minimum);
        // The claim is written once, with the bond that arrived: one open dispute per claimant and subject.
        _claims[claimKey] = ClaimState({
            openDispute: SafeCast.toUint56(disputeId),
            repeatBarred: false,
            bond: SafeCast.toUint96(bond)
        });

        _emitDisputeOpened(
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
    }

    /// @inheritdoc IDisputeCourt
    function submitEvidence(uint256 disputeId, bytes32 evidenceHash, string calldata evidenceURI) external {
        DisputeRecord storage record = _open(disputeId);
        address sender = msg.sender;
        IPartyRegistry parties = _REGISTRY;
        address respondent = record.respondent;
        if (
            sender != parties.resolveParty(record.claimant) &&
            (respondent == address(0) || sender != parties.resolveParty(respondent))
        ) revert DisputeCourtNotParty(disputeId, sender);
        if (evidenceHash == bytes32(0)) revert DisputeCourtEmptyHash();
        uint256 assetId = record.assetId;
        _emitDisputeEvidenceSubmitted(disputeId, assetId, sender, evidenceHash, evidenceURI);
    }

    /// @inheritdoc IDisputeCourt
    function rule(uint256 disputeId, Ruling calldata ruling) external nonReentrant {
        _checkRole(Roles.ARBITRATOR);
        DisputeRecord storage record = _open(disputeId);
        if (block.timestamp > record.rulingDeadline) {
            revert DisputeCourtRulingPeriodOver(disputeId, record.rulingDeadline);
        }
        if (block.timestamp < record.answerEndsAt) {
            revert DisputeCourtAnswerPeriodNotOver(disputeId, record.answerEndsAt);
        }
        _checkRuling(record, ruling);
        Remedy remedy = ruling.remedy;

        record.outcome = _outcome(DisputeStatus.RULED, remedy);
        uint256 bond = _close(record);
        _carryOut(disputeId, record, ruling);
        _settleBond(disputeId, record, bond, ruling.forfeitBond);

        uint256 assetId = record.assetId;
        _emitDisputeRuled(
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
    }

    /// @inheritdoc IDisputeCourt
    function lapse(uint256 disputeId) external nonReentrant {
        DisputeRecord storage record = _open(disputeId);
        if (block.timestamp <= record.rulingDeadline) {
            revert DisputeCourtRulingPeriodNotOver(disputeId, record.rulingDeadline);
        }
        record.outcome = _outcome(DisputeStatus.LAPSED, Remedy.DISMISS);
        uint256 bond = _close(record);
        _release(disputeId, record, false, 0, LAPSED_RULING);
        _creditBond(disputeId, bond, record.claimant);

        uint256 assetId = record.assetId;
        _emitDisputeLapsed(disputeId, assetId, msg.sender);
    }

    /// @inheritdoc IDisputeCourt
    function allowRepeat(uint256 disputeId) external {
        _checkRole(Roles.ARBITRATOR);
        DisputeRecord storage record = _existing(disputeId);
        if (_status(record) == DisputeStatus.OPEN) revert DisputeCourtStillOpen(disputeId);
        _claimOf(record).repeatBarred = false;
        emit RepeatAllowed(disputeId, record.claimant, msg.sender);
    }

    /// @inheritdoc IDisputeCourt
    function withdrawBond(address account, address recipient) external nonReentrant returns (uint256 amount) {
        if (_REGISTRY.resolveParty(account) != msg.sender) revert DisputeCourtNotParty(0, msg.sender);
        if (recipient == address(0) || recipient == address(this)) revert DisputeCourtInvalidRecipient(recipient);
        amount = _bondCredits[account];
        if (amount == 0) revert DisputeCourtNothingToWithdraw(account);
        _bondCredits[account] = 0;
        emit BondWithdrawn(account, recipient, amount);
        _BOND_TOKEN.safeTransfer(recipient, amount);
    }

    /// @inheritdoc IDisputeCourt
    function releaseEscrow(
        uint256 disputeId,
        uint256 epochId,
        uint256 index,
        uint256 amount,
        bytes32[] calldata proof,
        uint256 contributorPart
    ) external {
        DisputeRecord storage record = _existing(disputeId);
        if (record.kind != DisputeKind.CONTRIBUTION) revert DisputeCourtNoEscrow(disputeId);
        if (_status(record) == DisputeStatus.OPEN) revert DisputeCourtStillOpen(disputeId);
        Remedy remedy = _remedy(record);
        // The outcome names who is paid; only an adjustment leaves the contributor's part to an arbitrator.
        if (remedy == Remedy.ADJUST_CONTRIBUTION) {
            _checkRole(Roles.ARBITRATOR);
            if (contributorPart > amount) revert DisputeCourtInvalidRelease(disputeId, contributorPart);
        } else if (remedy == Remedy.VOID_CONTRIBUTION) {
            if (contributorPart != 0) revert DisputeCourtInvalidRelease(disputeId, contributorPart);
        } else if (contributorPart != amount) {
            revert DisputeCourtInvalidRelease(disputeId, contributorPart); // dismissed or lapsed
        }
        address contributor = _REGISTRY.resolveParty(_CONTRIBUTIONS.contribution(record.subjectId).contributor);
        // The vault checks the leaf, pays, returns the rest to unsettled revenue and emits `EscrowReleased`.
        _VAULT.releaseEscrow(epochId, index, disputeId, amount, proof, contributor, contributorPart);
    }

    /// @inheritdoc IDisputeCourt
    function setRulingPeriod(uint32 rulingPeriod_) external {
        _checkRole(Roles.ADMIN);
        _setPeriods(rulingPeriod_, _settings.answerPeriod);
    }

    /// @inheritdoc IDisputeCourt
    function setAnswerPeriod(uint32 answerPeriod_) external {
        _checkRole(Roles.ADMIN);
        _setPeriods(_settings.rulingPeriod, answerPeriod_);
    }

    /// @inheritdoc IDisputeCourt
    function setMinimumBond(DisputeKind kind, uint256 minimumBond_) external {
        _checkRole(Roles.ADMIN);
        _setMinimumBond(kind, minimumBond_);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IDisputeCourt
    function dispute(uint256 disputeId) external view returns (Dispute memory) {
        DisputeRecord storage record = _existing(disputeId);
        address respondent = record.respondent;
        DisputeStatus status = _status(record);
        return
            Dispute({
                kind: record.kind,
                status: status,
                remedy: _remedy(record),
                assetId: record.assetId,
                subjectId: record.subjectId,
                claimant: record.claimant,
                respondent: respondent == address(0) ? address(0) : _REGISTRY.resolveParty(respondent),
                // Held in the claim while the dispute is open; credited back or forfeited when it closes.
                bond: status == DisputeStatus.OPEN ? _claimOf(record).bond : 0,
                answerEndsAt: record.answerEndsAt,
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
    function answerPeriod() external view returns (uint32) {
        return _settings.answerPeriod;
    }

    /// @inheritdoc IDisputeCourt
    function minimumBond(DisputeKind kind) external view returns (uint256) {
        return _minimumBonds[kind];
    }

    /// @inheritdoc IDisputeCourt
    function bondCredit(address account) external view returns (uint256) {
        return _bondCredits[account];
    }

    /// @inheritdoc IDisputeCourt
    function claimState(
        address claimant,
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId
    ) external view returns (uint256 openDisputeId, bool repeatBarred) {
        ClaimState storage state = _claims[_claimKey(claimant, kind, assetId, subjectId)];
        return (state.openDispute, state.repeatBarred);
    }

    /// @inheritdoc IDisputeCourt
    function bondToken() external view returns (address) {
        return address(_BOND_TOKEN);
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev The respondent of `claimant`'s dispute about `subjectId` of `assetId` (zero for a holder's
    /// settlement dispute), resolved through successions, after checking that the subject exists and belongs
    /// to the asset, and that the claimant has standing (see {IDisputeCourt}).
    function _respondent(
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId,
        uint256 standingId,
        address claimant
    ) private view returns (address respondent) {
        if (kind == DisputeKind.GRANT) return _grantRespondent(assetId, subjectId, claimant);
        if (kind == DisputeKind.CONTRIBUTION) return _contributionRespondent(assetId, subjectId, standingId, claimant);

        bool found;
        address holder;
        if (kind == DisputeKind.OBJECTION) {
            // One call for the status and the holder.
            AssetStatus status;
            (status, , holder, ) = _REGISTRY.assetState(assetId);
            found = subjectId == 0 && status != AssetStatus.NONE;
        } else if (kind == DisputeKind.SETTLEMENT) {
            try _VAULT.epoch(subjectId) returns (IRevenueVault.Epoch memory epoch_) {
                found = epoch_.productId == assetId;
            } catch {} // solhint-disable-line no-empty-blocks
        } else {
            // POLICY: a version that was set (the current one or an earlier one). Only the version is read, not
            // the policy (two more cold slots).
            found = subjectId != 0 && subjectId <= _CONTRIBUTIONS.currentPolicyVersion(assetId);
        }
        if (!found) revert DisputeCourtSubjectMismatch(kind, assetId, subjectId);

        if (kind == DisputeKind.OBJECTION) {
            // Anyone may object to a registration but its holder (or applicant).
            if (claimant == holder) revert DisputeCourtSelfDispute(claimant);
            return holder;
        }
        holder = _REGISTRY.holderOf(assetId);
        if (kind == DisputeKind.SETTLEMENT) {
            // The holder disputes a settlement of its own product against nobody: the settlement is the
            // ledger's act. Its other parties need standing.
            if (claimant == holder) return address(0);
            if (_isContributorOf(assetId, standingId, claimant) || _holdsParentOf(assetId, standingId, claimant)) {
                return holder;
            }
            revert DisputeCourtNoStanding(kind, claimant);
        }
        // POLICY: the product's contributors dispute its holder's policy.
        if (claimant == holder) revert DisputeCourtSelfDispute(claimant);
        if (!_isContributorOf(assetId, standingId, claimant)) revert DisputeCourtNoStanding(kind, claimant);
        return holder;
    }

    /// @dev GRANT: the grantee disputes against the grantor; the grantor, the asset's holder or an upstream
    /// grantor against the grantee.
    function _grantRespondent(uint256 assetId, uint256 grantId, address claimant) private view returns (address) {
        IGrantRegistry.Grant memory found;
        try _GRANTS.getGrant(grantId) returns (IGrantRegistry.Grant memory grant_) {
            found = grant_;
        } catch {
            revert DisputeCourtSubjectMismatch(DisputeKind.GRANT, assetId, grantId);
        }
        if (found.assetId != assetId) revert DisputeCourtSubjectMismatch(DisputeKind.GRANT, assetId, grantId);
        IPartyRegistry parties = _REGISTRY;
        address grantee = parties.resolveParty(found.grantee);
        if (claimant == grantee) return parties.resolveParty(found.grantor);
        if (claimant == parties.resolveParty(found.grantor) || claimant == _REGISTRY.holderOf(assetId)) return grantee;
        uint256 above = found.parentId;
        for (uint256 i = 0; i < MAX_GRANT_DEPTH && above != 0; ++i) {
            IGrantRegistry.Grant memory upstream = _GRANTS.getGrant(above);
            if (claimant == parties.resolveParty(upstream.grantor)) return grantee;
            above = upstream.parentId;
        }
        revert DisputeCourtNoStanding(DisputeKind.GRANT, claimant);
    }

    /// @dev CONTRIBUTION: the contributor disputes against the product's holder; the holder or another
    /// contributor (naming its own record) against the contributor.
    function _contributionRespondent(
        uint256 assetId,
        uint256 contributionId,
        uint256 standingId,
        address claimant
    ) private view returns (address) {
        IContributionLedger.Contribution memory found;
        try _CONTRIBUTIONS.contribution(contributionId) returns (IContributionLedger.Contribution memory record) {
            found = record;
        } catch {
            revert DisputeCourtSubjectMismatch(DisputeKind.CONTRIBUTION, assetId, contributionId);
        }
        if (found.productId != assetId) {
            revert DisputeCourtSubjectMismatch(DisputeKind.CONTRIBUTION, assetId, contributionId);
        }
        address contributor = _REGISTRY.resolveParty(found.contributor);
        address holder = _REGISTRY.holderOf(assetId);
        if (claimant == contributor) {
            if (holder == claimant) revert DisputeCourtSelfDispute(claimant);
            return holder;
        }
        if (claimant == holder || _isContributorOf(assetId, standingId, claimant)) return contributor;
        revert DisputeCourtNoStanding(DisputeKind.CONTRIBUTION, claimant);
    }

    /// @dev Whether `contributionId` is a record of `account` (resolved) on `productId` that was not voided.
    function _isContributorOf(uint256 productId, uint256 contributionId, address account) private view returns (bool) {
        if (contributionId == 0) return false;
        try _CONTRIBUTIONS.contribution(contributionId) returns (IContributionLedger.Contribution memory record) {
            return
                record.productId == productId &&
                record.status != ContributionStatus.VOIDED &&
                _REGISTRY.resolveParty(record.contributor) == account;
        } catch {
            return false;
        }
    }

    /// @dev Whether `parentId` is a parent of `productId` held by `account`.
    function _holdsParentOf(uint256 productId, uint256 parentId, address account) private view returns (bool) {
        return parentId != 0 && _REGISTRY.isParentOf(productId, parentId) && _REGISTRY.holderOf(parentId) == account;
    }

    /// @dev The key of a claimant's standing on a subject: for objections the asset itself.
    function _claimKey(
        address claimant,
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(claimant, kind, assetId, kind == DisputeKind.OBJECTION ? 0 : subjectId));
    }

    /// @dev One open dispute per claimant and subject, and none after a ruling or lapse unless allowed.
    function _checkClaim(ClaimState storage claim, DisputeKind kind, uint256 assetId, uint256 subjectId) private view {
        if (claim.openDispute != 0) revert DisputeCourtAlreadyDisputed(claim.openDispute);
        if (claim.repeatBarred) revert DisputeCourtRepeatNotAllowed(kind, assetId, subjectId);
    }

    /// @dev The claim of `record`'s claimant on its subject. An objection's stored subject is the registry's
    /// objection id; its key uses the asset.
    function _claimOf(DisputeRecord storage record) private view returns (ClaimState storage) {
        return _claims[_claimKeyOf(record)];
    }

    function _claimKeyOf(DisputeRecord storage record) private view returns (bytes32) {
        return _claimKey(record.claimant, record.kind, record.assetId, record.subjectId);
    }

    /// @dev Closes the claimant's standing on the subject: nothing open, a repeat barred. Returns the bond the
    /// dispute held, for the caller to credit or forfeit.
    function _close(DisputeRecord storage record) private returns (uint256 bond) {
        bytes32 claimKey = _claimKeyOf(record);
        bond = _claims[claimKey].bond;
        _claims[claimKey] = ClaimState({
            openDispute: 0,
            repeatBarred: true,
            bond: 0
        });
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
            return _REGISTRY.fileObjection(assetId, msg.sender, groundsHash, groundsURI);
        } else if (kind == DisputeKind.CONTRIBUTION) {
            _CONTRIBUTIONS.markDisputed(subjectId, disputeId);
        } else if (kind == DisputeKind.SETTLEMENT) {
            _VAULT.pause(subjectId, groundsHash);
        }
        return subjectId;
    }

    /// @dev Stores a new dispute of the caller, both slots in one write each.
    function _store(
        uint256 disputeId,
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId,
        address respondent,
        uint32 answerPeriod_,
        uint64 rulingDeadline
    ) private {
        _disputes[disputeId] = DisputeRecord({
            claimant: msg.sender,
            assetId: SafeCast.toUint56(assetId),
            // Nobody answers a dispute without a respondent (a holder's own settlement dispute): it may be
            // ruled at once, so that it holds the settlement no longer than an arbitrator takes.
            answerEndsAt: SafeCast.toUint32(block.timestamp + (respondent == address(0) ? 0 : answerPeriod_)),
            kind: kind,
            respondent: respondent,
            subjectId: SafeCast.toUint56(subjectId),
            rulingDeadline: SafeCast.toUint32(rulingDeadline),
            outcome: _outcome(DisputeStatus.OPEN, Remedy.NONE)
        });
    }

    /// @dev Takes the caller's bond; returns what arrived (a token that charges a fee on transfer delivers less).
    function _takeBond(uint256 bond) private returns (uint256 received) {
        uint256 balanceBefore = _BOND_TOKEN.balanceOf(address(this));
        _BOND_TOKEN.safeTransferFrom(msg.sender, address(this), bond);
        received = _BOND_TOKEN.balanceOf(address(this)) - balanceBefore;
    }

    /// @dev The stored byte of a status and a remedy: the status (0-3) in the low two bits.
    function _outcome(DisputeStatus status, Remedy remedy) private pure returns (uint8) {
        return (uint8(remedy) << 2) | uint8(status);
    }

    function _status(DisputeRecord storage record) private view returns (DisputeStatus) {
        return DisputeStatus(record.outcome & 3);
    }

    function _remedy(DisputeRecord storage record) private view returns (Remedy) {
        return Remedy(record.outcome >> 2);
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
            // A bond is forfeited only when the claim is dismissed as unfounded.
            (ruling.forfeitBond && (remedy != Remedy.DISMISS || _claimOf(record).bond == 0))
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
            // followed by the registration the remedy names, whatever other objections are open.
            _REGISTRY.resolveObjection(subjectId, true, rulingHash);
            if (remedy == Remedy.REVOKE_CERTIFICATE) {
                _REGISTRY.cancel(assetId, rulingHash);
            } else if (remedy == Remedy.TRANSFER_HOLDING) {
                _REGISTRY.transferByRuling(assetId, ruling.transferTo, rulingHash);
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

    /// @dev Credits the held bond to the party `to` resolves to now (its successor, if it was succeeded): a
    /// pull payment, so that no recipient can make a ruling or a lapse revert.
    function _creditBond(uint256 disputeId, uint256 bond, address to) private {
        if (bond == 0) return;
        address account = _REGISTRY.resolveParty(to);
        _bondCredits[account] += bond;
        emit BondCredited(disputeId, account, bond);
    }

    /// @dev The bond after a ruling: back to the claimant, or forfeited to the respondent or, without one, to
    /// the product's revenue.
    function _settleBond(uint256 disputeId, DisputeRecord storage record, uint256 bond, bool forfeit) private {
        if (!forfeit) {
            _creditBond(disputeId, bond, record.claimant);
        } else if (record.respondent != address(0)) {
            _creditBond(disputeId, bond, record.respondent);
        } else {
            _depositBond(disputeId, record, bond);
        }
    }

    /// @dev Forfeits the bond of a dispute without respondent (a holder's own settlement dispute) to the
    /// parties its pause delayed: it becomes revenue of the product, deposited in the vault.
    function _depositBond(uint256 disputeId, DisputeRecord storage record, uint256 bond) private {
        uint256 productId = record.assetId;
        _BOND_TOKEN.forceApprove(address(_VAULT), bond);
        uint256 depositId = _VAULT.deposit(productId, bond, keccak256(abi.encode(FORFEITED_BOND, disputeId)));
        emit BondDeposited(disputeId, productId, depositId, bond);
    }

    function _open(uint256 disputeId) private view returns (DisputeRecord storage record) {
        record = _existing(disputeId);
        DisputeStatus status = _status(record);
        if (status != DisputeStatus.OPEN) revert DisputeCourtNotOpen(disputeId, status);
    }

    function _existing(uint256 disputeId) private view returns (DisputeRecord storage record) {
        record = _disputes[disputeId];
        if (_status(record) == DisputeStatus.NONE) revert DisputeCourtUnknownDispute(disputeId);
    }

    function _setPeriods(uint32 rulingPeriod_, uint32 answerPeriod_) private {
        if (rulingPeriod_ <= answerPeriod_ || rulingPeriod_ > MAX_RULING_PERIOD) {
            revert DisputeCourtInvalidRulingPeriod(rulingPeriod_);
        }
        if (answerPeriod_ < MIN_ANSWER_PERIOD) revert DisputeCourtInvalidAnswerPeriod(answerPeriod_);
        Settings storage settings = _settings;
        if (settings.rulingPeriod != rulingPeriod_) {
            settings.rulingPeriod = rulingPeriod_;
            emit RulingPeriodSet(rulingPeriod_);
        }
        if (settings.answerPeriod != answerPeriod_) {
            settings.answerPeriod = answerPeriod_;
            emit AnswerPeriodSet(answerPeriod_);
        }
    }

    function _setMinimumBond(DisputeKind kind, uint256 minimumBond_) private {
        if (minimumBond_ == 0 || minimumBond_ > type(uint96).max) {
            revert DisputeCourtInvalidMinimumBond(kind, minimumBond_);
        }
        _minimumBonds[kind] = minimumBond_;
        emit MinimumBondSet(kind, minimumBond_);
    }

    /// @dev The actor of every court entry is the caller: the claimant, a party, the arbitrator or anyone lapsing.
    function _appendEvidence(uint256 assetId, bytes32 kind, bytes32 payloadHash) private {
        _REGISTRY.appendEvidence(assetId, kind, payloadHash, msg.sender);
    }

    // ------------------------------------------------------------------------------------------------
    // Domain events: each emitted, and its evidence entry appended, from one argument list
    // ------------------------------------------------------------------------------------------------
    //
    // The payload of an entry is `abi.encode` of the event's arguments in declaration order (see
    // {IEvidenceLedger}); the acting account each event names is the caller, the entry's actor.

    function _emitDisputeOpened(
        uint256 disputeId,
        uint256 assetId,
        address claimant,
        DisputeKind kind,
        uint256 subjectId,
        address respondent,
        uint256 bond,
        bytes32 groundsHash,
        string calldata groundsURI,
        uint64 rulingDeadline
    ) private {
        emit DisputeOpened(
            disputeId,
            assetId,
            claimant,
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
                    claimant,
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

    function _emitDisputeEvidenceSubmitted(
        uint256 disputeId,
        uint256 assetId,
        address submitter,
        bytes32 evidenceHash,
        string calldata evidenceURI
    ) private {
        emit DisputeEvidenceSubmitted(disputeId, assetId, submitter, evidenceHash, evidenceURI);
        _appendEvidence(
            assetId,
            DisputeEvidenceSubmitted.selector,
            keccak256(abi.encode(disputeId, assetId, submitter, evidenceHash, evidenceURI))
        );
    }

    function _emitDisputeRuled(
        uint256 disputeId,
        uint256 assetId,
        address arbitrator,
        Remedy remedy,
        uint256 adjustedMeasure,
        address transferTo,
        bool bondForfeited,
        bytes32 rulingHash,
        string calldata rulingURI
    ) private {
        emit DisputeRuled(
            disputeId,
            assetId,
            arbitrator,
            remedy,
            adjustedMeasure,
            transferTo,
            bondForfeited,
            rulingHash,
            rulingURI
        );
        _appendEvidence(
            assetId,
            DisputeRuled.selector,
            keccak256(
                abi.encode(
                    disputeId,
                    assetId,
                    arbitrator,
                    remedy,
                    adjustedMeasure,
                    transferTo,
                    bondForfeited,
                    rulingHash,
                    rulingURI
                )
            )
        );
    }

    function _emitDisputeLapsed(uint256 disputeId, uint256 assetId, address by) private {
        emit DisputeLapsed(disputeId, assetId, by);
        _appendEvidence(assetId, DisputeLapsed.selector, keccak256(abi.encode(disputeId, assetId, by)));
    }
}
