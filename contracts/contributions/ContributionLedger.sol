// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IContributionLedger} from "../interfaces/IContributionLedger.sol";
import {IGrantRegistry} from "../interfaces/IGrantRegistry.sol";
import {ILedgerRegistry} from "../interfaces/ILedgerRegistry.sol";
import {
    AssetStatus,
    Stage,
    ContributionRole,
    EmptyStageRule,
    ContributionInput
} from "../types/LedgerTypes.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../libraries/Roles.sol";
import {GrantRights} from "../libraries/GrantRights.sol";
import {ContributionWindows} from "../libraries/ContributionWindows.sol";

/// @title ContributionLedger
/// @notice Contribution records and split policies of data products. See {IContributionLedger}.
contract ContributionLedger is IContributionLedger, LedgerAccess, EIP712, Nonces {
    /// @dev keccak256("ConfirmContributions(address holder,uint256[] contributionIds,uint256 nonce,uint256 deadline)").
    /// The holder is named so that a contract wallet's signature (EIP-1271) confirms for that wallet only, not
    /// for a sibling wallet that shares its owner key.
    bytes32 public constant CONFIRM_TYPEHASH =
        keccak256("ConfirmContributions(address holder,uint256[] contributionIds,uint256 nonce,uint256 deadline)");

    /// @dev One slot per policy version.
    struct PolicyRecord {
        uint16[4] stageWeightsBps;
        EmptyStageRule emptyStageRule;
        uint64 effectiveFrom;
    }

    /// @dev The registry: assets, parties and evidence.
    ILedgerRegistry private immutable _REGISTRY;
    IGrantRegistry private immutable _GRANTS;

    /// @dev The last id assigned (0 before the first record).
    uint256 private _lastId;
    /// @dev One word per window of up to 13 ids of one contributor on one product, laid out as
    /// `struct Window { address contributor; uint56 productId; uint40 states; }` (see {ContributionWindows}).
    /// Written fresh by the `record` call that opens the window; afterwards only its states change. The
    /// stage, role, measure, evidence and authorization are in the `ContributionRecorded` event, which the
    /// evidence chain commits to.
    mapping(uint256 window => uint256 word) private _windows;
    mapping(uint256 productId => uint32) private _policyVersions;
    mapping(uint256 productId => mapping(uint32 version => PolicyRecord)) private _policies;

    constructor(
        IAccessManager accessManager_,
        ILedgerRegistry registry_,
        IGrantRegistry grants_
    ) LedgerAccess(accessManager_) EIP712("ProvenanceLedger Contributions", "1") {
        if (address(registry_) == address(0) || address(grants_) == address(0)) revert LedgerAccessZeroAddress();
        _REGISTRY = registry_;
        _GRANTS = grants_;
    }

    // ------------------------------------------------------------------------------------------------
    // Records
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IContributionLedger
    function record(ContributionInput[] calldata inputs) external returns (uint256 firstId) {
        uint256 count = inputs.length;
        if (count == 0) revert ContributionLedgerEmptyBatch();
        firstId = ContributionWindows.nextWindowStart(_lastId);
        uint256 id = firstId;
        uint256 word;
        // A batch usually repeats one product and one authorization: check each distinct combination once.
        bytes32 checked;
        for (uint256 i = 0; i < count; ++i) {
            ContributionInput calldata input = inputs[i];
            bytes32 key = keccak256(abi.encode(input.productId, input.role, input.authorization));
            if (key != checked) {
                _checkRight(input);
                checked = key;
            }
            uint56 productId = SafeCast.toUint56(input.productId);
            if (i == 0) {
                word = ContributionWindows.open(msg.sender, productId);
            } else if (
                productId != ContributionWindows.productId(word) ||
                ContributionWindows.offsetOf(id) == ContributionWindows.SIZE - 1
            ) {
                // A change of product, or a full window: the record opens the next window.
                id = ContributionWindows.nextWindowStart(id);
                word = ContributionWindows.open(msg.sender, productId);
            } else {
                ++id;
                word = ContributionWindows.withState(word, ContributionWindows.offsetOf(id), ContributionWindows.RECORDED);
            }
            _record(id, word, input);
        }
        _lastId = id;
    }

    /// @inheritdoc IContributionLedger
    function confirm(uint256[] calldata contributionIds) external {
        if (contributionIds.length == 0) revert ContributionLedgerEmptyBatch();
        bool reviewer = _hasRole(Roles.REVIEWER, msg.sender);
        if (reviewer) _requireOpen();
        for (uint256 i = 0; i < contributionIds.length; ++i) {
            _confirm(contributionIds[i], msg.sender, reviewer);
        }
    }

    /// @inheritdoc IContributionLedger
    function confirmBySig(
        uint256[] calldata contributionIds,
        address holder,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (contributionIds.length == 0) revert ContributionLedgerEmptyBatch();
        if (block.timestamp > deadline) revert ContributionLedgerExpiredSignature(deadline);
        bytes32 digest = _confirmationDigest(contributionIds, holder, _useNonce(holder), deadline);
        if (!SignatureChecker.isValidSignatureNow(holder, digest, signature)) {
            revert ContributionLedgerInvalidSignature(holder);
        }
        for (uint256 i = 0; i < contributionIds.length; ++i) {
            _confirm(contributionIds[i], holder, false);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Disputes (the dispute court's hooks)
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IContributionLedger
    function markDisputed(uint256 contributionId, uint256 disputeId) external {
        _checkRole(Roles.COURT);
        (uint256 word, uint256 state) = _existing(contributionId);
        uint256 disputed;
        if (state == ContributionWindows.RECORDED) disputed = ContributionWindows.DISPUTED_FROM_RECORDED;
        else if (state == ContributionWindows.CONFIRMED) disputed = ContributionWindows.DISPUTED_FROM_CONFIRMED;
        else revert ContributionLedgerNotDisputable(contributionId, ContributionWindows.status(state));
        _setState(contributionId, word, disputed);
        emit ContributionDisputed(
            contributionId,
            ContributionWindows.productId(word),
            disputeId,
            ContributionWindows.status(state)
        );
    }

    /// @inheritdoc IContributionLedger
    function resolveDispute(uint256 contributionId, uint256 disputeId, bool voided, uint256 adjustedMeasure) external {
        _checkRole(Roles.COURT);
        (uint256 word, uint256 state) = _existing(contributionId);
        uint256 restored;
        if (state == ContributionWindows.DISPUTED_FROM_RECORDED) restored = ContributionWindows.RECORDED;
        else if (state == ContributionWindows.DISPUTED_FROM_CONFIRMED) restored = ContributionWindows.CONFIRMED;
        else revert ContributionLedgerNotDisputed(contributionId);
        if (voided && adjustedMeasure != 0) revert ContributionLedgerInvalidRuling(contributionId);
        uint256 ruled = voided ? ContributionWindows.VOIDED : restored;
        _setState(contributionId, word, ruled);
        emit ContributionRuled(
            contributionId,
            ContributionWindows.productId(word),
            disputeId,
            ContributionWindows.status(ruled),
            adjustedMeasure
        );
    }

    // ------------------------------------------------------------------------------------------------
    // Split policy
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IContributionLedger
    function setSplitPolicy(
        uint256 productId,
        uint16[4] calldata stageWeightsBps,
        EmptyStageRule emptyStageRule
    ) external returns (uint32 version) {
        if (_REGISTRY.assetStatus(productId) != AssetStatus.ISSUED) {
            revert ContributionLedgerProductNotActive(productId);
        }
        if (_REGISTRY.holderOf(productId) != msg.sender) revert ContributionLedgerNotHolder(productId, msg.sender);
        uint256 total = uint256(stageWeightsBps[0]) + stageWeightsBps[1] + stageWeightsBps[2] + stageWeightsBps[3];
        if (total != 10_000) revert ContributionLedgerInvalidWeights(total);

        version = ++_policyVersions[productId];
        _policies[productId][version] = PolicyRecord({
            stageWeightsBps: stageWeightsBps,
            emptyStageRule: emptyStageRule,
            effectiveFrom: uint64(block.timestamp)
        });
        _emitSplitPolicySet(productId, version, stageWeightsBps, emptyStageRule, msg.sender);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IContributionLedger
    function contribution(uint256 contributionId) external view returns (Contribution memory) {
        (uint256 word, uint256 state) = _existing(contributionId);
        return
            Contribution({
                productId: ContributionWindows.productId(word),
                contributor: ContributionWindows.contributor(word),
                status: ContributionWindows.status(state)
            });
    }

    /// @inheritdoc IContributionLedger
    function contributionCount() external view returns (uint256) {
        return _lastId;
    }

    /// @inheritdoc IContributionLedger
    function splitPolicy(uint256 productId) external view returns (SplitPolicy memory) {
        return splitPolicyVersion(productId, _policyVersions[productId]);
    }

    /// @inheritdoc IContributionLedger
    function currentPolicyVersion(uint256 productId) external view returns (uint32) {
        return _policyVersions[productId];
    }

    /// @inheritdoc IContributionLedger
    function splitPolicyVersion(uint256 productId, uint32 version) public view returns (SplitPolicy memory) {
        if (version > _policyVersions[productId]) revert ContributionLedgerUnknownPolicyVersion(productId, version);
        PolicyRecord storage stored = _policies[productId][version];
        return
            SplitPolicy({
                version: version,
                stageWeightsBps: stored.stageWeightsBps,
                emptyStageRule: stored.emptyStageRule,
                effectiveFrom: stored.effectiveFrom
            });
    }

    /// @inheritdoc IContributionLedger
    function confirmationDigest(
        uint256[] calldata contributionIds,
        address holder,
        uint256 deadline
    ) external view returns (bytes32) {
        return _confirmationDigest(contributionIds, holder, nonces(holder), deadline);
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev The product is issued and the caller holds the right the role names, now.
    function _checkRight(ContributionInput calldata input) private view {
        uint256 productId = input.productId;
        (AssetStatus status, , address holder, ) = _REGISTRY.assetState(productId);
        if (status != AssetStatus.ISSUED) revert ContributionLedgerProductNotActive(productId);
        if (!_holdsRoleRight(msg.sender, holder, productId, input.role, input.authorization)) {
            revert ContributionLedgerUnauthorizedRole(productId, msg.sender, input.role, input.authorization);
        }
    }

    /// @dev Records `input` as `contributionId`, whose window's word with it RECORDED is `word`: the first
    /// record of a window writes a fresh slot, the others rewrite the same (now warm) slot.
    function _record(uint256 contributionId, uint256 word, ContributionInput calldata input) private {
        uint256 productId = input.productId;
        if (input.measure == 0) revert ContributionLedgerZeroMeasure();
        if (input.evidenceHash == bytes32(0)) revert ContributionLedgerEmptyEvidence();

        _windows[ContributionWindows.windowOf(contributionId)] = word;
        _emitContributionRecorded(
            contributionId,
            productId,
            msg.sender,
            input.stage,
            input.role,
            input.measure,
            input.authorization,
            input.evidenceHash,
            input.evidenceURI
        );
    }

    /// @dev The right a role needs, held now: HOLDER the holding; PROCESSOR and OPERATOR a valid grant with
    /// PROCESS or OPERATE (in the grant's own scope); PROVIDER the holding of one of the product's parents.
    function _holdsRoleRight(
        address contributor,
        address productHolder,
        uint256 productId,
        ContributionRole role,
        uint256 authorization
    ) private view returns (bool) {
        if (role == ContributionRole.HOLDER) return authorization == 0 && productHolder == contributor;
        if (role == ContributionRole.PROVIDER) {
            return _REGISTRY.isParentOf(productId, authorization) && _REGISTRY.holderOf(authorization) == contributor;
        }
        uint8 right = role == ContributionRole.PROCESSOR ? GrantRights.PROCESS : GrantRights.OPERATE;
        if (authorization == 0) return false;
        try _GRANTS.getGrant(authorization) returns (IGrantRegistry.Grant memory found) {
            return
                _GRANTS.isAuthorized(
                    contributor,
                    right,
                    productId,
                    found.scopeKind,
                    found.scopeData,
                    uint64(block.timestamp),
                    authorization
                );
        } catch {
            return false; // no such grant
        }
    }

    function _confirm(uint256 contributionId, address confirmer, bool isReviewer) private {
        (uint256 word, uint256 state) = _existing(contributionId);
        if (state != ContributionWindows.RECORDED) {
            revert ContributionLedgerNotConfirmable(contributionId, ContributionWindows.status(state));
        }
        uint256 productId = ContributionWindows.productId(word);
        if (!isReviewer && _REGISTRY.holderOf(productId) != confirmer) {
            revert ContributionLedgerNotHolderOrReviewer(productId, confirmer);
        }
        _setState(contributionId, word, ContributionWindows.CONFIRMED);
        _emitContributionConfirmed(contributionId, productId, confirmer);
    }

    /// @dev The word of `contributionId`'s window and its state there; reverts for an id never assigned: an
    /// offset of 13-15, or a NONE state (an unwritten window, or an offset its window did not fill).
    function _existing(uint256 contributionId) private view returns (uint256 word, uint256 state) {
        uint256 offset = ContributionWindows.offsetOf(contributionId);
        if (offset >= ContributionWindows.SIZE) revert ContributionLedgerUnknownContribution(contributionId);
        word = _windows[ContributionWindows.windowOf(contributionId)];
        state = ContributionWindows.stateAt(word, offset);
        if (state == ContributionWindows.NONE) revert ContributionLedgerUnknownContribution(contributionId);
    }

    /// @dev Sets the state of `contributionId`, whose window's word is `word`; its neighbours' states unchanged.
    function _setState(uint256 contributionId, uint256 word, uint256 state) private {
        _windows[ContributionWindows.windowOf(contributionId)] = ContributionWindows.withState(
            word,
            ContributionWindows.offsetOf(contributionId),
            state
        );
    }

    function _confirmationDigest(
        uint256[] calldata contributionIds,
        address holder,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        // EIP-712 encodes a uint256[] member as the keccak256 of its packed elements.
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(CONFIRM_TYPEHASH, holder, keccak256(abi.encodePacked(contributionIds)), nonce, deadline)
                )
            );
    }

    function _appendEvidence(uint256 productId, bytes32 kind, bytes32 payloadHash, address actor) private {
        _REGISTRY.appendEvidence(productId, kind, payloadHash, actor);
    }

    // ------------------------------------------------------------------------------------------------
    // Domain events: each emitted, and its evidence entry appended, from one argument list
    // ------------------------------------------------------------------------------------------------
    //
    // The payload of an entry is `abi.encode` of the event's arguments in declaration order (see
    // {IEvidenceLedger}). The actor is the account the event names: the contributor, the confirmer, the holder.

    function _emitContributionRecorded(
        uint256 contributionId,
        uint256 productId,
        address contributor,
        Stage stage,
        ContributionRole role,
        uint256 measure,
        uint256 authorization,
        bytes32 evidenceHash,
        string calldata evidenceURI
    ) private {
        emit ContributionRecorded(
            contributionId,
            productId,
            contributor,
            stage,
            role,
            measure,
            authorization,
            evidenceHash,
            evidenceURI
        );
        _appendEvidence(
            productId,
            ContributionRecorded.selector,
            keccak256(
                abi.encode(
                    contributionId,
                    productId,
                    contributor,
                    stage,
                    role,
                    measure,
                    authorization,
                    evidenceHash,
                    evidenceURI
                )
            ),
            contributor
        );
    }

    function _emitContributionConfirmed(uint256 contributionId, uint256 productId, address confirmer) private {
        emit ContributionConfirmed(contributionId, productId, confirmer);
        _appendEvidence(
            productId,
            ContributionConfirmed.selector,
            keccak256(abi.encode(contributionId, productId, confirmer)),
            confirmer
        );
    }

    function _emitSplitPolicySet(
        uint256 productId,
        uint32 version,
        uint16[4] calldata stageWeightsBps,
        EmptyStageRule emptyStageRule,
        address holder
    ) private {
        emit SplitPolicySet(productId, version, stageWeightsBps, emptyStageRule, holder);
        _appendEvidence(
            productId,
            SplitPolicySet.selector,
            keccak256(abi.encode(productId, version, stageWeightsBps, emptyStageRule, holder)),
            holder
        );
    }
}
