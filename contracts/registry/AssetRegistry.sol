// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {IEvidenceLedger} from "../interfaces/IEvidenceLedger.sol";
import {ILedgerRegistry} from "../interfaces/ILedgerRegistry.sol";
import {IGrantRegistry} from "../interfaces/IGrantRegistry.sol";
import {
    AssetKind,
    DataCategory,
    Classification,
    AssetStatus,
    ReviewKind,
    TransferReason,
    ObjectionStatus,
    PartyKind,
    ParentLink,
    Application
} from "../types/LedgerTypes.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {PartyRegistry} from "./PartyRegistry.sol";
import {Roles} from "../libraries/Roles.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EvidenceChain} from "../libraries/EvidenceChain.sol";

/// @title AssetRegistry
/// @notice Registration certificates for data resources and products, the party book, and the evidence
/// chain of every asset: the {ILedgerRegistry} of the other ledger contracts. See {IAssetRegistry},
/// {IPartyRegistry} and {IEvidenceLedger}.
contract AssetRegistry is ILedgerRegistry, PartyRegistry, ERC721 {
    /// @dev The most parents a product may be registered with.
    uint256 internal constant MAX_PARENTS = 16;
    /// @notice The shortest public-notice window: a window always leaves time to object.
    uint32 public constant MIN_NOTICE_PERIOD = 1 minutes;
    /// @notice The longest public-notice window: a window always ends.
    uint32 public constant MAX_NOTICE_PERIOD = 365 days;

    /// @dev Storage of one registration, packed so that filing writes two slots (record and head).
    struct AssetRecord {
        // slot 0: written at filing, then updated in place
        address applicant;
        uint32 noticeEndsAt;
        uint32 evidenceSeq;
        AssetKind kind;
        DataCategory category;
        Classification classification;
        AssetStatus status;
        // slot 1
        bytes32 evidenceHead;
        // slot 2: written only by change, pledge and objection registrations
        address pledgee;
        uint32 cardVersion;
        uint16 openObjections;
        /// @dev Evidence entry at which the asset last became IMPORTANT (0 when filed so).
        uint32 importantSinceSeq;
        /// @dev A product filed below its most sensitive parent's classification, until a DESENSITIZATION
        /// review of it is attached.
        bool awaitsDesensitization;
    }

    /// @dev One slot. Ids are stored in 56 bits, the ledger's one stored id width (SafeCast narrows them).
    struct ReviewRecord {
        uint56 assetId;
        address reviewer;
        ReviewKind kind;
        uint32 evidenceSeq;
    }

    struct ObjectionRecord {
        uint56 assetId;
        address objector;
        ObjectionStatus status;
    }

    /// @dev The counters and the notice period share one slot: filing updates it instead of creating it.
    struct Counters {
        uint56 assets;
        uint56 reviews;
        uint56 objections;
        uint32 noticePeriod;
    }

    Counters private _counters;
    IGrantRegistry private _grantRegistry;
    string private _certificateBaseURI;

    mapping(uint256 assetId => AssetRecord) private _assets;
    mapping(uint256 reviewId => ReviewRecord) private _reviews;
    mapping(uint256 objectionId => ObjectionRecord) private _objections;
    mapping(address writer => bool) private _evidenceWriters;
    mapping(uint256 productId => mapping(uint256 parentId => bool)) private _isParent;
    mapping(bytes32 fingerprint => uint256 assetId) private _assetOfFingerprint;

    constructor(
        IAccessManager accessManager_,
        uint32 noticePeriod_
    ) LedgerAccess(accessManager_) ERC721("Data Asset Registration Certificate", "DARC") {
        _setNoticePeriod(noticePeriod_);
    }

    // ------------------------------------------------------------------------------------------------
    // Registration
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IAssetRegistry
    function fileApplication(Application calldata application) external returns (uint256 assetId) {
        _requireLiveParty(msg.sender);
        if (application.classification == Classification.CORE) revert AssetRegistryCoreDataRefused();
        if (application.fingerprint == bytes32(0) || application.cardHash == bytes32(0)) {
            revert AssetRegistryEmptyHash();
        }
        bool belowParents;
        if (application.parents.length != 0) {
            if (application.kind == AssetKind.RESOURCE) revert AssetRegistryResourceWithParents();
            belowParents = _checkParents(application.parents, msg.sender) > application.classification;
        }

        assetId = ++_counters.assets;
        _claimFingerprint(application.fingerprint, assetId);
        AssetRecord storage record = _storeApplication(assetId, application, belowParents);

        _emitAssetApplied(
            record,
            assetId,
            msg.sender,
            application.kind,
            application.category,
            application.classification,
            application.fingerprint,
            application.cardHash,
            application.cardURI,
            application.parents
        );
    }

    /// @inheritdoc IAssetRegistry
    function attachReview(
        uint256 assetId,
        ReviewKind kind,
        bytes32 reportHash,
        string calldata reportURI
    ) external returns (uint256 reviewId) {
        _checkRole(Roles.REVIEWER);
        AssetRecord storage record = _touch(assetId);
        AssetStatus status = record.status;
        if (status == AssetStatus.REFUSED || status == AssetStatus.DESTROYED) {
            revert AssetRegistryInvalidStatus(assetId, status);
        }
        if (reportHash == bytes32(0)) revert AssetRegistryEmptyHash();

        reviewId = ++_counters.reviews;
        if (kind == ReviewKind.DESENSITIZATION && record.awaitsDesensitization) record.awaitsDesensitization = false;
        _reviews[reviewId] = ReviewRecord({
            assetId: SafeCast.toUint56(assetId),
            reviewer: msg.sender,
            kind: kind,
            evidenceSeq: record.evidenceSeq + 1
        });
        _emitReviewAttached(record, assetId, reviewId, msg.sender, kind, reportHash, reportURI);
    }

    /// @inheritdoc IAssetRegistry
    function acceptApplication(uint256 assetId) external {
        _checkRole(Roles.REGISTRAR);
        AssetRecord storage record = _touch(assetId);
        _requireStatus(assetId, record, AssetStatus.APPLIED);
        if (record.awaitsDesensitization) revert AssetRegistryDesensitizationReviewRequired(assetId, 0);

        uint64 noticeEndsAt = uint64(block.timestamp) + _counters.noticePeriod;
        // The record keeps the end in 32 bits: saturate rather than wrap, so that a window never ends early
        // and the event announces the end that is enforced.
        if (noticeEndsAt > type(uint32).max) noticeEndsAt = type(uint32).max;
        record.noticeEndsAt = uint32(noticeEndsAt);
        record.status = AssetStatus.IN_NOTICE;
        _emitApplicationAccepted(record, assetId, msg.sender, noticeEndsAt);
    }

    /// @inheritdoc IAssetRegistry
    function refuseApplication(uint256 assetId, bytes32 reasonHash) external {
        _checkRole(Roles.REGISTRAR);
        AssetRecord storage record = _touch(assetId);
        AssetStatus status = record.status;
        if (status != AssetStatus.APPLIED && status != AssetStatus.IN_NOTICE) {
            revert AssetRegistryInvalidStatus(assetId, status);
        }
        _refuse(assetId, record, reasonHash);
    }

    /// @inheritdoc IAssetRegistry
    function fileObjection(
        uint256 assetId,
        address objector,
        bytes32 groundsHash,
        string calldata groundsURI
    ) external returns (uint256 objectionId) {
        _checkRole(Roles.COURT);
        _requireLiveParty(objector);
        AssetRecord storage record = _touch(assetId);
        AssetStatus status = record.status;
        if (status == AssetStatus.IN_NOTICE) {
            if (block.timestamp >= record.noticeEndsAt) revert AssetRegistryNoticeClosed(assetId);
        } else if (status != AssetStatus.APPLIED && status != AssetStatus.ISSUED) {
            revert AssetRegistryInvalidStatus(assetId, status);
        }
        // A holder objecting to its own asset would freeze it against a ruling that takes it away.
        if (_holder(assetId, record) == objector) revert AssetRegistrySelfObjection(assetId, objector);
        if (groundsHash == bytes32(0)) revert AssetRegistryEmptyHash();

        objectionId = ++_counters.objections;
        _objections[objectionId] = ObjectionRecord({
            assetId: SafeCast.toUint56(assetId),
            objector: objector,
            status: ObjectionStatus.OPEN
        });
        ++record.openObjections;
        _emitObjectionFiled(record, assetId, objectionId, objector, groundsHash, groundsURI);
    }

    /// @inheritdoc IAssetRegistry
    function resolveObjection(uint256 objectionId, bool upheld, bytes32 rulingHash) external {
        _checkRole(Roles.COURT);
        ObjectionRecord storage objectionRecord = _objections[objectionId];
        if (objectionRecord.status == ObjectionStatus.NONE) revert AssetRegistryUnknownObjection(objectionId);
        if (objectionRecord.status != ObjectionStatus.OPEN) revert AssetRegistryObjectionNotOpen(objectionId);

        uint256 assetId = objectionRecord.assetId;
        AssetRecord storage record = _touch(assetId);
        objectionRecord.status = upheld ? ObjectionStatus.UPHELD : ObjectionStatus.DISMISSED;
        --record.openObjections;
        _emitObjectionResolved(record, assetId, objectionId, msg.sender, upheld, rulingHash);

        AssetStatus status = record.status;
        if (upheld && (status == AssetStatus.APPLIED || status == AssetStatus.IN_NOTICE)) {
            _refuse(assetId, record, rulingHash);
        }
    }

    /// @inheritdoc IAssetRegistry
    function issueCertificate(uint256 assetId) external {
        _checkRole(Roles.REGISTRAR);
        AssetRecord storage record = _touch(assetId);
        _requireStatus(assetId, record, AssetStatus.IN_NOTICE);
        if (block.timestamp < record.noticeEndsAt) {
            revert AssetRegistryNoticeNotOver(assetId, record.noticeEndsAt);
        }
        if (record.openObjections != 0) revert AssetRegistryUnderObjection(assetId);

        address holder = resolveParty(record.applicant);
        record.status = AssetStatus.ISSUED;
        _mint(holder, assetId);
        _emitCertificateIssued(record, assetId, holder, msg.sender);
    }

    /// @inheritdoc IAssetRegistry
    function changeCard(uint256 assetId, bytes32 cardHash, string calldata cardURI) external {
        _checkRole(Roles.REGISTRAR);
        AssetRecord storage record = _touch(assetId);
        _requireStatus(assetId, record, AssetStatus.ISSUED);
        if (cardHash == bytes32(0)) revert AssetRegistryEmptyHash();

        uint32 version = ++record.cardVersion;
        _emitCardChanged(record, assetId, version, cardHash, cardURI, msg.sender);
    }

    /// @inheritdoc IAssetRegistry
    function reclassify(uint256 assetId, Classification to, uint256 reviewId) external {
        _checkRole(Roles.REGISTRAR);
        AssetRecord storage record = _touch(assetId);
        _requireStatus(assetId, record, AssetStatus.ISSUED);
        Classification from = record.classification;
        if (to == Classification.CORE) revert AssetRegistryCoreDataRefused();
        if (to == from) revert AssetRegistryInvalidReclassification(assetId, from, to);
        if (from == Classification.IMPORTANT) {
            // 003 §3: important data becomes general only after desensitization, with a reviewer's evidence.
            ReviewRecord storage report = _reviews[reviewId];
            if (
                report.assetId != assetId ||
                report.kind != ReviewKind.DESENSITIZATION ||
                report.evidenceSeq <= record.importantSinceSeq
            ) revert AssetRegistryDesensitizationReviewRequired(assetId, reviewId);
        }

        record.classification = to;
        _emitAssetReclassified(record, assetId, from, to, reviewId, msg.sender);
        if (to == Classification.IMPORTANT) record.importantSinceSeq = record.evidenceSeq;
    }

    /// @inheritdoc IAssetRegistry
    function transferHolding(uint256 assetId, address to, TransferReason reason, bytes32 evidenceHash) external {
        _checkRole(Roles.REGISTRAR);
        AssetRecord storage record = _touch(assetId);
        _requireStatus(assetId, record, AssetStatus.ISSUED);
        if (record.openObjections != 0) revert AssetRegistryUnderObjection(assetId);
        _transfer(assetId, record, to, reason, evidenceHash);
    }

    /// @inheritdoc IAssetRegistry
    function transferByRuling(uint256 assetId, address to, bytes32 rulingHash) external {
        _checkRole(Roles.COURT);
        // Objections filed since the ruled one stay open against the new holder: they cannot defeat the ruling.
        _transfer(assetId, _touch(assetId), to, TransferReason.OBJECTION_UPHELD, rulingHash);
    }

    /// @inheritdoc IAssetRegistry
    function cancel(uint256 assetId, bytes32 reasonHash) external {
        _checkRole(Roles.REGISTRAR);
        AssetRecord storage record = _touch(assetId);
        _requireStatus(assetId, record, AssetStatus.ISSUED);
        if (record.pledgee != address(0)) revert AssetRegistryPledged(assetId, record.pledgee);

        record.status = AssetStatus.CANCELLED;
        _emitAssetCancelled(record, assetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IAssetRegistry
    function recordDestruction(uint256 assetId, bytes32 reportHash) external {
        _checkRole(Roles.REGISTRAR);
        AssetRecord storage record = _touch(assetId);
        _requireStatus(assetId, record, AssetStatus.CANCELLED);
        if (reportHash == bytes32(0)) revert AssetRegistryEmptyHash();

        record.status = AssetStatus.DESTROYED;
        _emitAssetDestroyed(record, assetId, msg.sender, reportHash);
    }

    /// @inheritdoc IAssetRegistry
    function pledge(uint256 assetId, address pledgee, bytes32 contractHash) external {
        AssetRecord storage record = _touch(assetId);
        _requireStatus(assetId, record, AssetStatus.ISSUED);
        address holder = _ownerOf(assetId);
        if (msg.sender != holder) revert AssetRegistryNotHolder(assetId, msg.sender);
        PartyKind holderKind = _partyKind(holder);
        if (holderKind == PartyKind.PUBLIC_INSTITUTION || holderKind == PartyKind.PUBLIC_DATA_AUTHORITY) {
            revert AssetRegistryPledgeForbidden(holder);
        }
        _requireNotEncumbered(assetId, record);
        _requireLiveParty(pledgee);
        if (pledgee == holder) revert AssetRegistryInvalidRecipient(pledgee);

        record.pledgee = pledgee;
        _emitAssetPledged(record, assetId, holder, pledgee, contractHash);
    }

    /// @inheritdoc IAssetRegistry
    function releasePledge(uint256 assetId) external {
        AssetRecord storage record = _touch(assetId);
        address pledgee = record.pledgee;
        if (pledgee == address(0)) revert AssetRegistryNotPledged(assetId);
        if (resolveParty(pledgee) != msg.sender) revert AssetRegistryNotPledgee(assetId, msg.sender);

        address holder = _ownerOf(assetId);
        record.pledgee = address(0);
        _emitPledgeReleased(record, assetId, msg.sender, holder);
    }

    /// @inheritdoc IAssetRegistry
    function syncSuccession(uint256 assetId) external {
        _touch(assetId);
    }

    // ------------------------------------------------------------------------------------------------
    // Evidence ledger
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IEvidenceLedger
    function appendEvidence(uint256 assetId, bytes32 kind, bytes32 payloadHash, address actor) external {
        if (!_evidenceWriters[msg.sender]) revert EvidenceLedgerUnauthorizedWriter(msg.sender);
        // No succession sync here: the writer's domain event was just emitted, and its entry must follow
        // it directly. Grants resolve succession when checked; the holding moves on the next registry touch.
        _appendEvidence(assetId, _existing(assetId), kind, payloadHash, actor);
    }

    /// @inheritdoc IEvidenceLedger
    function setEvidenceWriter(address writer, bool allowed) external {
        _checkRole(Roles.ADMIN);
        if (writer == address(0)) revert LedgerAccessZeroAddress();
        _evidenceWriters[writer] = allowed;
        emit EvidenceWriterSet(writer, allowed);
    }

    /// @inheritdoc IEvidenceLedger
    function evidenceHead(uint256 assetId) external view returns (uint32 seq, bytes32 head) {
        AssetRecord storage record = _assets[assetId];
        seq = record.evidenceSeq;
        head = seq == 0 ? EvidenceChain.genesis(block.chainid, address(this), assetId) : record.evidenceHead;
    }

    /// @inheritdoc IEvidenceLedger
    function isEvidenceWriter(address writer) external view returns (bool) {
        return _evidenceWriters[writer];
    }

    // ------------------------------------------------------------------------------------------------
    // Configuration
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IAssetRegistry
    function setNoticePeriod(uint32 noticePeriod_) external {
        _checkRole(Roles.ADMIN);
        _setNoticePeriod(noticePeriod_);
    }

    /// @inheritdoc IAssetRegistry
    function setGrantRegistry(address grantRegistry_) external {
        _checkRole(Roles.ADMIN);
        if (grantRegistry_ == address(0)) revert LedgerAccessZeroAddress();
        if (address(_grantRegistry) != address(0)) revert AssetRegistryGrantRegistryAlreadySet();
        _grantRegistry = IGrantRegistry(grantRegistry_);
        emit GrantRegistrySet(grantRegistry_);
    }

    /// @inheritdoc IAssetRegistry
    function setCertificateBaseURI(string calldata baseURI) external {
        _checkRole(Roles.ADMIN);
        _certificateBaseURI = baseURI;
        emit CertificateBaseURISet(baseURI);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IAssetRegistry
    function asset(uint256 assetId) external view returns (AssetInfo memory) {
        AssetRecord storage record = _existing(assetId);
        return
            AssetInfo({
                kind: record.kind,
                category: record.category,
                classification: record.classification,
                status: record.status,
                applicant: record.applicant,
                noticeEndsAt: record.noticeEndsAt,
                cardVersion: record.cardVersion,
                openObjections: record.openObjections,
                pledgee: record.pledgee == address(0) ? address(0) : resolveParty(record.pledgee)
            });
    }

    /// @inheritdoc IAssetRegistry
    function holderOf(uint256 assetId) public view returns (address) {
        return _holder(assetId, _existing(assetId));
    }

    /// @inheritdoc IAssetRegistry
    function assetState(
        uint256 assetId
    ) external view returns (AssetStatus status, DataCategory category, address holder, bool underObjection) {
        AssetRecord storage record = _assets[assetId];
        status = record.status;
        if (status == AssetStatus.NONE) return (status, category, address(0), false);
        return (status, record.category, _holder(assetId, record), record.openObjections != 0);
    }

    /// @inheritdoc IAssetRegistry
    function registryStateForGrant(
        uint256 assetId,
        address account
    ) external view returns (AssetStatus status, address resolvedAccount) {
        return (_assets[assetId].status, resolveParty(account));
    }

    /// @inheritdoc IAssetRegistry
    function isParentOf(uint256 productId, uint256 parentId) external view returns (bool) {
        return _isParent[productId][parentId];
    }

    /// @inheritdoc IAssetRegistry
    function assetStatus(uint256 assetId) external view returns (AssetStatus) {
        return _assets[assetId].status;
    }

    /// @inheritdoc IAssetRegistry
    function review(uint256 reviewId) external view returns (Review memory) {
        ReviewRecord storage record = _reviews[reviewId];
        if (record.reviewer == address(0)) revert AssetRegistryUnknownReview(reviewId);
        return
            Review({
                assetId: record.assetId,
                reviewer: record.reviewer,
                kind: record.kind,
                evidenceSeq: record.evidenceSeq
            });
    }

    /// @inheritdoc IAssetRegistry
    function objection(uint256 objectionId) external view returns (Objection memory) {
        ObjectionRecord storage record = _objections[objectionId];
        if (record.status == ObjectionStatus.NONE) revert AssetRegistryUnknownObjection(objectionId);
        return
            Objection({assetId: record.assetId, objector: record.objector, status: record.status});
    }

    /// @inheritdoc IAssetRegistry
    function assetCount() external view returns (uint256) {
        return _counters.assets;
    }

    /// @inheritdoc IAssetRegistry
    function noticePeriod() external view returns (uint32) {
        return _counters.noticePeriod;
    }

    /// @inheritdoc IAssetRegistry
    function grantRegistry() external view returns (address) {
        return address(_grantRegistry);
    }

    /// @inheritdoc IAssetRegistry
    function assetOfFingerprint(bytes32 fingerprint) external view returns (uint256) {
        return _assetOfFingerprint[fingerprint];
    }

    /// @inheritdoc IAssetRegistry
    function awaitsDesensitization(uint256 assetId) external view returns (bool) {
        return _existing(assetId).awaitsDesensitization;
    }

    // ------------------------------------------------------------------------------------------------
    // ERC-721: the certificate moves only by registration
    // ------------------------------------------------------------------------------------------------

    /// @notice The live holder of the certificate: the recorded owner, resolved through succession.
    function ownerOf(uint256 tokenId) public view override returns (address) {
        return resolveParty(super.ownerOf(tokenId));
    }

    /// @dev Certificates cannot be approved for transfer: the holding right moves only by registration.
    function approve(address, uint256 tokenId) public pure override {
        revert AssetRegistryTransferByRegistrationOnly(tokenId);
    }

    /// @dev See {approve}.
    function setApprovalForAll(address, bool) public pure override {
        revert AssetRegistryTransferByRegistrationOnly(0);
    }

    /// @dev Every token movement passes here. Moves requested by an account (`transferFrom`, whose `auth`
    /// is the caller) are refused; issue, transfer registration and succession pass `auth == 0`.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (auth != address(0)) revert AssetRegistryTransferByRegistrationOnly(tokenId);
        return super._update(to, tokenId, auth);
    }

    function _baseURI() internal view override returns (string memory) {
        return _certificateBaseURI;
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev Refusal rules for the parents of a product: each issued, not under objection, held by the
    /// applicant or authorized to it with PROCESS; no duplicates; upstream royalties at most 100%.
    /// @return mostSensitive The highest classification among the parents.
    function _checkParents(
        ParentLink[] calldata parents,
        address applicant
    ) private view returns (Classification mostSensitive) {
        uint256 count = parents.length;
        if (count > MAX_PARENTS) revert AssetRegistryTooManyParents(count);
        uint256 royaltyBps;
        for (uint256 i = 0; i < count; ++i) {
            uint256 parentId = parents[i].assetId;
            uint256 grantId = parents[i].grantId;
            for (uint256 j = 0; j < i; ++j) {
                if (parents[j].assetId == parentId) revert AssetRegistryDuplicateParent(parentId);
            }
            AssetRecord storage parent = _assets[parentId];
            if (parent.status == AssetStatus.NONE) revert AssetRegistryUnknownAsset(parentId);
            if (parent.status != AssetStatus.ISSUED) revert AssetRegistryInvalidStatus(parentId, parent.status);
            if (parent.openObjections != 0) revert AssetRegistryUnderObjection(parentId);
            if (parent.classification > mostSensitive) mostSensitive = parent.classification;

            if (grantId == 0) {
                if (_holder(parentId, parent) != applicant) revert AssetRegistryUnauthorizedSource(parentId, 0);
            } else {
                IGrantRegistry grants = _grantRegistry;
                if (address(grants) == address(0)) revert AssetRegistryGrantRegistryNotSet();
                // Derivation needs PROCESS within the grant's own scope (the product's card states the scope);
                // the product pays the royalty of the grant and of every grant above it.
                (bool authorized, uint256 upstreamBps) = grants.derivationTerms(applicant, parentId, grantId);
                if (!authorized) revert AssetRegistryUnauthorizedSource(parentId, grantId);
                royaltyBps += upstreamBps;
            }
        }
        if (royaltyBps > 10_000) revert AssetRegistryRoyaltiesExceedTotal(royaltyBps);
    }

    /// @dev Loads an existing asset and, once its certificate exists, moves the holding to the holder's
    /// successor if the holder was succeeded: succession reaches each asset as it is next touched.
    function _touch(uint256 assetId) private returns (AssetRecord storage record) {
        record = _existing(assetId);
        if (!_isMinted(record.status)) return record;
        address recorded = _ownerOf(assetId);
        address successor = resolveParty(recorded);
        if (successor == recorded) return record;
        _update(successor, assetId, address(0));
        _emitHoldingSucceeded(record, assetId, recorded, successor);
    }

    function _appendEvidence(
        uint256 assetId,
        AssetRecord storage record,
        bytes32 kind,
        bytes32 payloadHash
    ) private {
        _appendEvidence(assetId, record, kind, payloadHash, msg.sender);
    }

    function _appendEvidence(
        uint256 assetId,
        AssetRecord storage record,
        bytes32 kind,
        bytes32 payloadHash,
        address actor
    ) private {
        uint32 seq = record.evidenceSeq + 1;
        bytes32 previous = seq == 1
            ? EvidenceChain.genesis(block.chainid, address(this), assetId)
            : record.evidenceHead;
        uint64 timestamp = uint64(block.timestamp);
        bytes32 head = EvidenceChain.next(previous, seq, kind, payloadHash, actor, timestamp);
        record.evidenceSeq = seq;
        record.evidenceHead = head;
        emit EvidenceAppended(assetId, seq, kind, payloadHash, actor, timestamp, head);
    }

    function _refuse(uint256 assetId, AssetRecord storage record, bytes32 reasonHash) private {
        record.status = AssetStatus.REFUSED;
        _emitApplicationRefused(record, assetId, msg.sender, reasonHash);
    }

    function _existing(uint256 assetId) private view returns (AssetRecord storage record) {
        record = _assets[assetId];
        if (record.status == AssetStatus.NONE) revert AssetRegistryUnknownAsset(assetId);
    }

    function _holder(uint256 assetId, AssetRecord storage record) private view returns (address) {
        return resolveParty(_isMinted(record.status) ? _ownerOf(assetId) : record.applicant);
    }

    function _requireStatus(uint256 assetId, AssetRecord storage record, AssetStatus expected) private view {
        if (record.status != expected) revert AssetRegistryInvalidStatus(assetId, record.status);
    }

    /// @dev The transfer registration itself: issued, not pledged, to a live party other than the holder.
    function _transfer(
        uint256 assetId,
        AssetRecord storage record,
        address to,
        TransferReason reason,
        bytes32 evidenceHash
    ) private {
        _requireStatus(assetId, record, AssetStatus.ISSUED);
        if (record.pledgee != address(0)) revert AssetRegistryPledged(assetId, record.pledgee);
        _requireLiveParty(to);
        address from = _ownerOf(assetId);
        if (to == from) revert AssetRegistryInvalidRecipient(to);

        _update(to, assetId, address(0));
        _emitHoldingTransferred(record, assetId, from, to, reason, evidenceHash, msg.sender);
    }

    /// @dev Writes a new application's record and its lineage.
    function _storeApplication(
        uint256 assetId,
        Application calldata application,
        bool belowParents
    ) private returns (AssetRecord storage record) {
        record = _assets[assetId];
        record.applicant = msg.sender;
        record.kind = application.kind;
        record.category = application.category;
        record.classification = application.classification;
        record.status = AssetStatus.APPLIED;
        // 003 §3: data derived from important data stays important unless desensitized, with a reviewer's
        // evidence; without this a "product" of an important resource would skip the reclassification rule.
        if (belowParents) record.awaitsDesensitization = true;
        for (uint256 i = 0; i < application.parents.length; ++i) {
            _isParent[assetId][application.parents[i].assetId] = true;
        }
    }

    /// @dev A new filing takes `fingerprint` unless an asset registered with it is still live.
    function _claimFingerprint(bytes32 fingerprint, uint256 assetId) private {
        uint256 existing = _assetOfFingerprint[fingerprint];
        if (existing != 0) {
            AssetStatus status = _assets[existing].status;
            if (status == AssetStatus.APPLIED || status == AssetStatus.IN_NOTICE || status == AssetStatus.ISSUED) {
                revert AssetRegistryDuplicateFingerprint(fingerprint, existing);
            }
        }
        _assetOfFingerprint[fingerprint] = assetId;
    }

    function _setNoticePeriod(uint32 noticePeriod_) private {
        if (noticePeriod_ < MIN_NOTICE_PERIOD || noticePeriod_ > MAX_NOTICE_PERIOD) {
            revert AssetRegistryInvalidNoticePeriod(noticePeriod_);
        }
        _counters.noticePeriod = noticePeriod_;
        emit NoticePeriodSet(noticePeriod_);
    }

    /// @dev The holding cannot move or be pledged while pledged or under objection.
    function _requireNotEncumbered(uint256 assetId, AssetRecord storage record) private view {
        if (record.pledgee != address(0)) revert AssetRegistryPledged(assetId, record.pledgee);
        if (record.openObjections != 0) revert AssetRegistryUnderObjection(assetId);
    }

    function _isMinted(AssetStatus status) private pure returns (bool) {
        return status == AssetStatus.ISSUED || status == AssetStatus.CANCELLED || status == AssetStatus.DESTROYED;
    }

    // ------------------------------------------------------------------------------------------------
    // Domain events: each emitted, and its evidence entry appended, from one argument list
    // ------------------------------------------------------------------------------------------------
    //
    // The payload of an entry is `abi.encode` of the event's arguments in declaration order (see
    // {IEvidenceLedger}): every evidence-bearing event of the registry is emitted here only, so that the
    // event and its payload cannot drift apart. The actor is the caller (`msg.sender`). `record` is the
    // asset's storage, whose chain grows; it is not an argument of the event.

    function _emitAssetApplied(
        AssetRecord storage record,
        uint256 assetId,
        address applicant,
        AssetKind kind,
        DataCategory category,
        Classification classification,
        bytes32 fingerprint,
        bytes32 cardHash,
        string calldata cardURI,
        ParentLink[] calldata parents
    ) private {
        emit AssetApplied(assetId, applicant, kind, category, classification, fingerprint, cardHash, cardURI, parents);
        _appendEvidence(
            assetId,
            record,
            AssetApplied.selector,
            keccak256(
                abi.encode(assetId, applicant, kind, category, classification, fingerprint, cardHash, cardURI, parents)
            )
        );
    }

    function _emitReviewAttached(
        AssetRecord storage record,
        uint256 assetId,
        uint256 reviewId,
        address reviewer,
        ReviewKind kind,
        bytes32 reportHash,
        string calldata reportURI
    ) private {
        emit ReviewAttached(assetId, reviewId, reviewer, kind, reportHash, reportURI);
        _appendEvidence(
            assetId,
            record,
            ReviewAttached.selector,
            keccak256(abi.encode(assetId, reviewId, reviewer, kind, reportHash, reportURI))
        );
    }

    function _emitApplicationAccepted(
        AssetRecord storage record,
        uint256 assetId,
        address registrar,
        uint64 noticeEndsAt
    ) private {
        emit ApplicationAccepted(assetId, registrar, noticeEndsAt);
        _appendEvidence(
            assetId,
            record,
            ApplicationAccepted.selector,
            keccak256(abi.encode(assetId, registrar, noticeEndsAt))
        );
    }

    function _emitApplicationRefused(
        AssetRecord storage record,
        uint256 assetId,
        address registrar,
        bytes32 reasonHash
    ) private {
        emit ApplicationRefused(assetId, registrar, reasonHash);
        _appendEvidence(
            assetId,
            record,
            ApplicationRefused.selector,
            keccak256(abi.encode(assetId, registrar, reasonHash))
        );
    }

    function _emitObjectionFiled(
        AssetRecord storage record,
        uint256 assetId,
        uint256 objectionId,
        address objector,
        bytes32 groundsHash,
        string calldata groundsURI
    ) private {
        emit ObjectionFiled(assetId, objectionId, objector, groundsHash, groundsURI);
        _appendEvidence(
            assetId,
            record,
            ObjectionFiled.selector,
            keccak256(abi.encode(assetId, objectionId, objector, groundsHash, groundsURI))
        );
    }

    function _emitObjectionResolved(
        AssetRecord storage record,
        uint256 assetId,
        uint256 objectionId,
        address resolver,
        bool upheld,
        bytes32 rulingHash
    ) private {
        emit ObjectionResolved(assetId, objectionId, resolver, upheld, rulingHash);
        _appendEvidence(
            assetId,
            record,
            ObjectionResolved.selector,
            keccak256(abi.encode(assetId, objectionId, resolver, upheld, rulingHash))
        );
    }

    function _emitCertificateIssued(
        AssetRecord storage record,
        uint256 assetId,
        address holder,
        address registrar
    ) private {
        emit CertificateIssued(assetId, holder, registrar);
        _appendEvidence(
            assetId,
            record,
            CertificateIssued.selector,
            keccak256(abi.encode(assetId, holder, registrar))
        );
    }

    function _emitCardChanged(
        AssetRecord storage record,
        uint256 assetId,
        uint32 version,
        bytes32 cardHash,
        string calldata cardURI,
        address registrar
    ) private {
        emit CardChanged(assetId, version, cardHash, cardURI, registrar);
        _appendEvidence(
            assetId,
            record,
            CardChanged.selector,
            keccak256(abi.encode(assetId, version, cardHash, cardURI, registrar))
        );
    }

    function _emitAssetReclassified(
        AssetRecord storage record,
        uint256 assetId,
        Classification from,
        Classification to,
        uint256 reviewId,
        address registrar
    ) private {
        emit AssetReclassified(assetId, from, to, reviewId, registrar);
        _appendEvidence(
            assetId,
            record,
            AssetReclassified.selector,
            keccak256(abi.encode(assetId, from, to, reviewId, registrar))
        );
    }

    function _emitHoldingTransferred(
        AssetRecord storage record,
        uint256 assetId,
        address from,
        address to,
        TransferReason reason,
        bytes32 evidenceHash,
        address registrar
    ) private {
        emit HoldingTransferred(assetId, from, to, reason, evidenceHash, registrar);
        _appendEvidence(
            assetId,
            record,
            HoldingTransferred.selector,
            keccak256(abi.encode(assetId, from, to, reason, evidenceHash, registrar))
        );
    }

    function _emitHoldingSucceeded(
        AssetRecord storage record,
        uint256 assetId,
        address predecessor,
        address successor
    ) private {
        emit HoldingSucceeded(assetId, predecessor, successor);
        _appendEvidence(
            assetId,
            record,
            HoldingSucceeded.selector,
            keccak256(abi.encode(assetId, predecessor, successor))
        );
    }

    function _emitAssetCancelled(
        AssetRecord storage record,
        uint256 assetId,
        address registrar,
        bytes32 reasonHash
    ) private {
        emit AssetCancelled(assetId, registrar, reasonHash);
        _appendEvidence(
            assetId,
            record,
            AssetCancelled.selector,
            keccak256(abi.encode(assetId, registrar, reasonHash))
        );
    }

    function _emitAssetDestroyed(
        AssetRecord storage record,
        uint256 assetId,
        address registrar,
        bytes32 reportHash
    ) private {
        emit AssetDestroyed(assetId, registrar, reportHash);
        _appendEvidence(
            assetId,
            record,
            AssetDestroyed.selector,
            keccak256(abi.encode(assetId, registrar, reportHash))
        );
    }

    function _emitAssetPledged(
        AssetRecord storage record,
        uint256 assetId,
        address holder,
        address pledgee,
        bytes32 contractHash
    ) private {
        emit AssetPledged(assetId, holder, pledgee, contractHash);
        _appendEvidence(
            assetId,
            record,
            AssetPledged.selector,
            keccak256(abi.encode(assetId, holder, pledgee, contractHash))
        );
    }

    function _emitPledgeReleased(
        AssetRecord storage record,
        uint256 assetId,
        address pledgee,
        address holder
    ) private {
        emit PledgeReleased(assetId, pledgee, holder);
        _appendEvidence(
            assetId,
            record,
            PledgeReleased.selector,
            keccak256(abi.encode(assetId, pledgee, holder))
        );
    }
}
