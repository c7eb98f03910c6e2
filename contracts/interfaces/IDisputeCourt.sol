// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DisputeKind, DisputeStatus, Remedy, Ruling} from "../types/LedgerTypes.sol";

/// @title IDisputeCourt
/// @notice 争议仲裁: disputes that take evidence and assign responsibility (003 §12 §22), on an asset's own
/// evidence chain.
///
/// A live party (the claimant) opens a dispute on an asset, about one subject of it (see {DisputeKind}),
/// with grounds (hash + URI) and a bond in the settlement token of at least the kind's {minimumBond}.
///
/// Standing — who may dispute what, and who answers (the respondent):
/// - OBJECTION (also the only way to object to a registration): any live party but the asset's holder
///   (before issue, its applicant), who answers.
/// - GRANT: the grantee (the grantor answers); the grantor, the asset's holder or the grantor of any grant
///   above it (the grantee answers).
/// - CONTRIBUTION: the contributor (the product's holder answers); the product's holder, or another
///   contributor to the product naming one of its own records as `standingId` (the contributor answers).
/// - SETTLEMENT: the product's holder (no party answers: the settlement is the ledger's act); a contributor
///   to the product naming one of its records, or the holder of one of the product's parents naming that
///   parent, as `standingId` (the holder answers).
/// - POLICY: a contributor to the product naming one of its records as `standingId` (the holder answers).
/// Both sides are fixed when the dispute opens; each follows only its own line of succession.
///
/// Cost and repetition, so that a griefer's cost grows with the harm and the victim's does not:
/// - the bond is held until the ruling; an arbitrator who dismisses a dispute as unfounded forfeits it to
///   the respondent, or — for a holder's own settlement dispute, which has none — to the product's parties
///   whose claims it paused: the bond is deposited in the vault as revenue of the product. A dispute without
///   respondent may be ruled at once (nobody needs time to answer);
/// - a claimant has at most one open dispute per subject (an asset, for objections), and once a dispute is
///   ruled or lapses its claimant may not open another on the same subject unless an arbitrator allows it
///   ({allowRepeat});
/// - the respondent pays nothing and need not act.
///
/// While a dispute is open:
/// - OBJECTION: the registry holds an open objection, so the asset can neither complete registration, be
///   transferred by a registrar, be pledged nor be sub-granted;
/// - CONTRIBUTION: the record is DISPUTED; if it was confirmed, settlements hold its share in an escrow leaf
///   owned by the vault's `escrowAccount(disputeId)`, neither paid nor lost;
/// - SETTLEMENT: the epoch's claims are paused;
/// - GRANT, POLICY: nothing is held; the ruling decides.
///
/// Claimant and respondent (or their successors) add evidence until the ruling. An arbitrator rules after
/// the respondent's time to answer ({answerPeriod}) and before the ruling deadline, with a remedy of the
/// dispute's kind; a remedy is carried out whatever objections were filed since the dispute opened. Past
/// the deadline anyone may lapse the dispute, which dismisses it and returns the bond. Bonds are never
/// pushed: they are credited and each party withdraws its own ({withdrawBond}), so no transfer can make a
/// dispute unending. Escrow held for a contribution dispute is released as the outcome says
/// ({releaseEscrow}).
///
/// Every opening, evidence, ruling and lapse extends the asset's evidence chain. The court holds the COURT,
/// ARBITRATOR and REGISTRAR roles so that it can carry out rulings on the other contracts.
interface IDisputeCourt {
    struct Dispute {
        DisputeKind kind;
        DisputeStatus status;
        Remedy remedy;
        uint256 assetId;
        /// @dev The objection id (OBJECTION), grant id, contribution id, epoch id or policy version.
        uint256 subjectId;
        address claimant;
        /// @dev Fixed at opening (zero for a holder's settlement dispute); shown resolved through its own
        /// line of succession.
        address respondent;
        /// @dev The bond the court holds: what arrived at opening, 0 once credited back or forfeited.
        uint256 bond;
        /// @dev No ruling before this time: the respondent's time to answer.
        uint64 answerEndsAt;
        uint64 rulingDeadline;
    }

    event DisputeOpened(
        uint256 indexed disputeId,
        uint256 indexed assetId,
        address indexed claimant,
        DisputeKind kind,
        uint256 subjectId,
        address respondent,
        uint256 bond,
        bytes32 groundsHash,
        string groundsURI,
        uint64 rulingDeadline
    );
    event DisputeEvidenceSubmitted(
        uint256 indexed disputeId,
        uint256 indexed assetId,
        address indexed submitter,
        bytes32 evidenceHash,
        string evidenceURI
    );
    event DisputeRuled(
        uint256 indexed disputeId,
        uint256 indexed assetId,
        address indexed arbitrator,
        Remedy remedy,
        uint256 adjustedMeasure,
        address transferTo,
        bool bondForfeited,
        bytes32 rulingHash,
        string rulingURI
    );
    event DisputeLapsed(uint256 indexed disputeId, uint256 indexed assetId, address indexed by);
    /// @dev The bond of `disputeId` is owed to `account` (returned to the claimant, or forfeited to the
    /// respondent); `account` withdraws it with {withdrawBond}.
    event BondCredited(uint256 indexed disputeId, address indexed account, uint256 amount);
    event BondWithdrawn(address indexed account, address indexed recipient, uint256 amount);
    /// @dev The forfeited bond of `disputeId`, which had no respondent, became deposit `depositId` of
    /// `productId`'s revenue.
    event BondDeposited(uint256 indexed disputeId, uint256 indexed productId, uint256 depositId, uint256 amount);
    /// @dev The claimant of `disputeId` may open another dispute on its subject.
    event RepeatAllowed(uint256 indexed disputeId, address indexed claimant, address indexed arbitrator);
    event RulingPeriodSet(uint32 rulingPeriod);
    event AnswerPeriodSet(uint32 answerPeriod);
    event MinimumBondSet(DisputeKind indexed kind, uint256 minimumBond);

    error DisputeCourtNotLiveParty(address account);
    error DisputeCourtEmptyHash();
    /// @dev The subject does not exist or does not belong to `assetId`.
    error DisputeCourtSubjectMismatch(DisputeKind kind, uint256 assetId, uint256 subjectId);
    error DisputeCourtSelfDispute(address account);
    /// @dev `account` has no standing to open a dispute of `kind` on this subject (see the standing rules).
    error DisputeCourtNoStanding(DisputeKind kind, address account);
    /// @dev A bond below the kind's minimum (what arrived, for a token that charges a fee on transfer).
    error DisputeCourtBondTooLow(DisputeKind kind, uint256 bond, uint256 minimumBond);
    /// @dev The claimant already has dispute `disputeId` open on this subject.
    error DisputeCourtAlreadyDisputed(uint256 disputeId);
    /// @dev The claimant's earlier dispute on this subject was ruled or lapsed; an arbitrator may allow a repeat.
    error DisputeCourtRepeatNotAllowed(DisputeKind kind, uint256 assetId, uint256 subjectId);
    error DisputeCourtUnknownDispute(uint256 disputeId);
    error DisputeCourtNotOpen(uint256 disputeId, DisputeStatus status);
    error DisputeCourtNotParty(uint256 disputeId, address account);
    error DisputeCourtRulingPeriodOver(uint256 disputeId, uint64 rulingDeadline);
    error DisputeCourtRulingPeriodNotOver(uint256 disputeId, uint64 rulingDeadline);
    /// @dev The respondent's time to answer runs until `answerEndsAt`.
    error DisputeCourtAnswerPeriodNotOver(uint256 disputeId, uint64 answerEndsAt);
    error DisputeCourtInvalidRemedy(DisputeKind kind, Remedy remedy);
    /// @dev A ruling field set that its remedy does not use, or one it needs left empty.
    error DisputeCourtInvalidRuling(Remedy remedy);
    /// @dev Escrow is held only for contribution disputes.
    error DisputeCourtNoEscrow(uint256 disputeId);
    /// @dev Escrow is released only once the dispute is ruled or lapsed.
    error DisputeCourtStillOpen(uint256 disputeId);
    /// @dev A release whose part for the contributor does not fit the outcome (see {releaseEscrow}).
    error DisputeCourtInvalidRelease(uint256 disputeId, uint256 contributorPart);
    error DisputeCourtInvalidRulingPeriod(uint32 rulingPeriod);
    error DisputeCourtInvalidAnswerPeriod(uint32 answerPeriod);
    error DisputeCourtInvalidMinimumBond(DisputeKind kind, uint256 minimumBond);
    error DisputeCourtNothingToWithdraw(address account);
    error DisputeCourtInvalidRecipient(address recipient);

    /// @notice Opens a dispute of `kind` on asset `assetId` about `subjectId` (0 for OBJECTION: the objection
    /// is filed now), as the caller, who must be a live party with standing (see above). The caller pays
    /// `bond` (at least {minimumBond} of the kind) of the settlement token to the court (approval needed).
    /// @param standingId Only where the standing rules ask for it: the id of one of the caller's contribution
    /// records on the asset, or (SETTLEMENT) of a parent of the asset the caller holds; otherwise 0.
    /// @return disputeId The dispute's id (the first is 1).
    function openDispute(
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId,
        uint256 standingId,
        uint256 bond,
        bytes32 groundsHash,
        string calldata groundsURI
    ) external returns (uint256 disputeId);

    /// @notice Adds evidence to an open dispute. Its claimant or respondent (or the party either was
    /// succeeded by).
    function submitEvidence(uint256 disputeId, bytes32 evidenceHash, string calldata evidenceURI) external;

    /// @notice Rules on an open dispute after the respondent's time to answer and before its deadline, and
    /// carries the remedy out. Arbitrator only.
    /// @dev `forfeitBond` only with DISMISS (the claim was unfounded): to the respondent, or as revenue of the
    /// product when there is none.
    /// Reverts, changing nothing, when the remedy cannot be carried out (for example a transfer of a
    /// certificate pledged before the dispute): the arbitrator then rules otherwise.
    function rule(uint256 disputeId, Ruling calldata ruling) external;

    /// @notice Closes a dispute whose ruling deadline passed without a ruling: a dismissal, bond returned.
    /// Anyone.
    function lapse(uint256 disputeId) external;

    /// @notice Lets the claimant of a ruled or lapsed dispute open another on the same subject. Arbitrator only.
    function allowRepeat(uint256 disputeId) external;

    /// @notice Pays the bonds credited to `account` to `recipient`. The live party `account` resolves to.
    /// @return amount What was paid.
    function withdrawBond(address account, address recipient) external returns (uint256 amount);

    /// @notice Releases the escrow leaf of a ruled or lapsed contribution dispute in settlement `epochId`, as
    /// the outcome says, to the contributor whose share was held (resolved through its successions):
    /// - dismissed or lapsed: all of it to the contributor (`contributorPart` = `amount`); anyone may call;
    /// - VOID_CONTRIBUTION: all of it back to the product's unsettled revenue (`contributorPart` = 0), to be
    ///   settled again without the voided record; anyone may call;
    /// - ADJUST_CONTRIBUTION: `contributorPart` (the contributor's share under the adjusted measure, at most
    ///   `amount`) to the contributor, the rest back to unsettled revenue; arbitrator only.
    /// Nobody else can be paid from an escrow leaf.
    function releaseEscrow(
        uint256 disputeId,
        uint256 epochId,
        uint256 index,
        uint256 amount,
        bytes32[] calldata proof,
        uint256 contributorPart
    ) external;

    /// @notice Sets the time arbitrators have to rule on disputes opened from now on, in seconds: longer than
    /// the answer period, at most a year. Admin only.
    function setRulingPeriod(uint32 rulingPeriod) external;

    /// @notice Sets the respondent's time to answer before any ruling, for disputes opened from now on:
    /// at least an hour, shorter than the ruling period. Admin only.
    function setAnswerPeriod(uint32 answerPeriod) external;

    /// @notice Sets the smallest bond a dispute of `kind` needs, in the settlement token's smallest unit;
    /// not zero. Admin only.
    function setMinimumBond(DisputeKind kind, uint256 minimumBond) external;

    /// @notice The dispute `disputeId`; reverts for an unknown id.
    function dispute(uint256 disputeId) external view returns (Dispute memory);

    /// @notice The number of disputes opened so far (the last id).
    function disputeCount() external view returns (uint256);

    function rulingPeriod() external view returns (uint32);

    function answerPeriod() external view returns (uint32);

    /// @notice The smallest bond a dispute of `kind` needs.
    function minimumBond(DisputeKind kind) external view returns (uint256);

    /// @notice Bonds credited to `account` and not yet withdrawn.
    function bondCredit(address account) external view returns (uint256);

    /// @notice The dispute `claimant` has open on the subject (0: none), and whether a new one is barred
    /// because an earlier one was ruled or lapsed. `subjectId` is ignored for OBJECTION (the asset is the
    /// subject).
    function claimState(
        address claimant,
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId
    ) external view returns (uint256 openDisputeId, bool repeatBarred);

    /// @notice The token bonds are paid in: the vault's settlement token.
    function bondToken() external view returns (address);
}
