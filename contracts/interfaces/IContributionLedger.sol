// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Stage, ContributionRole, ContributionStatus, EmptyStageRule, ContributionInput} from "../types/LedgerTypes.sol";

/// @title IContributionLedger
/// @notice 贡献存证: each party's actual contribution to a data product's value formation, recorded on chain
/// (000 §(三)), by stage of investment — collection, processing, circulation, application (001 §6) — and
/// the product's split policy (收益分配约定) that turns confirmed contributions into revenue shares.
///
/// A contribution is recorded by its contributor, who must hold the right its role names (see
/// {ContributionRole}), and confirmed by the product's holder or a reviewer — one by one, in batches, or by
/// the holder's EIP-712 signature relayed by anyone. Only confirmed records count in a split. Measures are
/// integers in the product's agreed unit; they live in events (the split is computed off chain by
/// `ledger/` from events, reproducibly), and storage keeps only what the rules check.
///
/// A split policy is versioned per product and set by its holder: stage weights in basis points summing
/// to 10,000, and what happens to the weight of a stage without confirmed contributions. A new version
/// applies to revenue deposited after it. Upstream royalties are not part of the policy: they are the
/// parents' grants' `royaltyBps`, fixed when the product was registered (and refused there above 100%).
///
/// Every record, confirmation and policy version extends the product's evidence chain.
///
/// "Product" here is any issued asset: a data resource earns too (through its grants) and its collection
/// and processing are contributions. A PROVIDER's right rests on holding a parent, whatever became of the
/// parent since: the data was supplied. Confirmation is allowed after cancellation (it states a past fact);
/// recording and new policies are not.
interface IContributionLedger {
    /// @dev What storage keeps of a contribution, which is what the rules check. Its stage and role are in its
    /// `ContributionRecorded` event (indexed by id).
    struct Contribution {
        uint256 productId;
        address contributor;
        ContributionStatus status;
    }

    struct SplitPolicy {
        uint32 version;
        /// @dev Indexed by {Stage}.
        uint16[4] stageWeightsBps;
        EmptyStageRule emptyStageRule;
        uint64 effectiveFrom;
    }

    event ContributionRecorded(
        uint256 indexed contributionId,
        uint256 indexed productId,
        address indexed contributor,
        Stage stage,
        ContributionRole role,
        uint256 measure,
        uint256 authorization,
        bytes32 evidenceHash,
        string evidenceURI
    );
    event ContributionConfirmed(uint256 indexed contributionId, uint256 indexed productId, address indexed confirmer);
    /// @dev The dispute court opened dispute `disputeId` on the contribution; `priorStatus` is what a dismissal
    /// restores. A disputed record that was CONFIRMED keeps its share in settlements, held in escrow.
    event ContributionDisputed(
        uint256 indexed contributionId,
        uint256 indexed productId,
        uint256 indexed disputeId,
        ContributionStatus priorStatus
    );
    /// @dev The court's ruling on dispute `disputeId` took effect: the record's new `status`, and its new
    /// `measure` when the ruling adjusted it (0: unchanged).
    event ContributionRuled(
        uint256 indexed contributionId,
        uint256 indexed productId,
        uint256 indexed disputeId,
        ContributionStatus status,
        uint256 measure
    );
    event SplitPolicySet(
        uint256 indexed productId,
        uint32 indexed version,
        uint16[4] stageWeightsBps,
        EmptyStageRule emptyStageRule,
        address indexed holder
    );

    error ContributionLedgerEmptyBatch();
    error ContributionLedgerProductNotActive(uint256 productId);
    error ContributionLedgerZeroMeasure();
    error ContributionLedgerEmptyEvidence();
    error ContributionLedgerUnauthorizedRole(uint256 productId, address contributor, ContributionRole role, uint256 authorization);
    error ContributionLedgerUnknownContribution(uint256 contributionId);
    error ContributionLedgerNotConfirmable(uint256 contributionId, ContributionStatus status);
    error ContributionLedgerNotHolderOrReviewer(uint256 productId, address account);
    error ContributionLedgerNotHolder(uint256 productId, address account);
    error ContributionLedgerInvalidWeights(uint256 totalBps);
    error ContributionLedgerExpiredSignature(uint256 deadline);
    error ContributionLedgerInvalidSignature(address holder);
    error ContributionLedgerUnknownPolicyVersion(uint256 productId, uint32 version);
    /// @dev Only RECORDED and CONFIRMED contributions can be disputed.
    error ContributionLedgerNotDisputable(uint256 contributionId, ContributionStatus status);
    error ContributionLedgerNotDisputed(uint256 contributionId);
    /// @dev A ruling that both voids and adjusts.
    error ContributionLedgerInvalidRuling(uint256 contributionId);

    /// @notice Records contributions of the caller, in one transaction. Each product must be issued (not
    /// cancelled); the caller must hold the right its role names, now.
    /// @dev Ids come in windows of 16, of which the first 13 are used: an id is `window * 16 + offset` with
    /// `offset < 13`, and one window holds records of one contributor on one product from one call. A call
    /// starts at the next unused window (`firstId` is a multiple of 16, never 0); each input takes the next
    /// offset of the current window, and opens the next window instead when its product differs from the
    /// previous input's or the window has 13 records. Ids are therefore increasing but not consecutive: take
    /// them from the `ContributionRecorded` events (`ledger/contributions/ids.ts` recomputes them).
    /// @return firstId The id of the first record.
    function record(ContributionInput[] calldata inputs) external returns (uint256 firstId);

    /// @notice Confirms RECORDED contributions. The caller must be the holder of each one's product, or a
    /// reviewer.
    function confirm(uint256[] calldata contributionIds) external;

    /// @notice Confirms contributions that `holder` signed off chain (EIP-712); anyone may relay.
    /// @dev `holder` must hold every one's product. The signature covers the holder, the ids, a nonce and the
    /// deadline: every signed message names the account on whose behalf it acts.
    function confirmBySig(
        uint256[] calldata contributionIds,
        address holder,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Marks a RECORDED or CONFIRMED contribution DISPUTED under dispute `disputeId`. Dispute court only.
    /// @dev These two court hooks emit plain events: the court's own dispute events are on the evidence chain.
    function markDisputed(uint256 contributionId, uint256 disputeId) external;

    /// @notice Carries out the court's ruling on a DISPUTED contribution: VOIDED when `voided`, otherwise
    /// back to the status it had, with its measure set to `adjustedMeasure` unless that is 0. Dispute court
    /// only.
    function resolveDispute(uint256 contributionId, uint256 disputeId, bool voided, uint256 adjustedMeasure) external;

    /// @notice Sets a new version of the product's split policy. Its holder only.
    /// @return version The new version (the first is 1).
    function setSplitPolicy(
        uint256 productId,
        uint16[4] calldata stageWeightsBps,
        EmptyStageRule emptyStageRule
    ) external returns (uint32 version);

    /// @notice The contribution `contributionId`; reverts for an unknown id.
    function contribution(uint256 contributionId) external view returns (Contribution memory);

    /// @notice The last contribution id assigned (0 before the first record). Ids are not consecutive (see
    /// {record}), so this is not the number of contributions; the next call's first id is the next multiple
    /// of 16.
    function contributionCount() external view returns (uint256);

    /// @notice The current split policy of `productId` (version 0 before the first).
    function splitPolicy(uint256 productId) external view returns (SplitPolicy memory);

    /// @notice The current split-policy version of `productId` (0 before the first): {splitPolicy}'s version
    /// without the policy, for callers that need only the version (the vault tags every deposit with it, the
    /// court checks a disputed version against it).
    function currentPolicyVersion(uint256 productId) external view returns (uint32);

    /// @notice Version `version` of the split policy of `productId` (0: none set yet); reverts for a
    /// version not set.
    function splitPolicyVersion(uint256 productId, uint32 version) external view returns (SplitPolicy memory);

    /// @notice The EIP-712 digest `holder` signs for {confirmBySig}, with its current nonce.
    function confirmationDigest(
        uint256[] calldata contributionIds,
        address holder,
        uint256 deadline
    ) external view returns (bytes32);
}
