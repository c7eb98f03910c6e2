// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DisputeKind, DisputeStatus, Remedy, Ruling} from "../types/LedgerTypes.sol";

/// @title IDisputeCourt
/// @notice 争议仲裁: disputes that take evidence and assign responsibility (003 §12 §22), on an asset's own
/// evidence chain.
///
/// A live party (the claimant) opens a dispute on an asset, about one subject of it (see {DisputeKind}),
/// with grounds (hash + URI) and an optional bond in the settlement token. The respondent follows from the
/// subject: the asset's holder (before issue, its applicant) for OBJECTION, SETTLEMENT and POLICY; the
/// grantee of a GRANT and the contributor of a CONTRIBUTION, or the grantor / holder when the claimant is
/// that grantee / contributor. A party cannot dispute against itself.
///
/// While a dispute is open:
/// - OBJECTION: the registry holds an open objection, so the asset can neither complete registration, be
///   transferred, be pledged nor be sub-granted;
/// - CONTRIBUTION: the record is DISPUTED; if it was confirmed, settlements hold its share in an escrow leaf
///   owned by the vault's `escrowAccount(disputeId)`, neither paid nor lost;
/// - SETTLEMENT: the epoch's claims are paused;
/// - GRANT, POLICY: nothing is held; the ruling decides.
///
/// Claimant and respondent (or their successors) add evidence until the ruling. An arbitrator rules before
/// the ruling deadline, with a remedy of the dispute's kind and the bond returned or forfeited to the
/// respondent; past the deadline anyone may lapse the dispute, which dismisses it and returns the bond.
/// Escrow held for a contribution dispute is released, once it is ruled, to the parties an arbitrator names.
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
        /// @dev Worked out from the subject now: it follows transfers of the holding and successions.
        address respondent;
        /// @dev The bond the court holds: what arrived at opening, 0 once returned or forfeited.
        uint256 bond;
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
    event RulingPeriodSet(uint32 rulingPeriod);

    error DisputeCourtNotLiveParty(address account);
    error DisputeCourtEmptyHash();
    /// @dev The subject does not exist or does not belong to `assetId`.
    error DisputeCourtSubjectMismatch(DisputeKind kind, uint256 assetId, uint256 subjectId);
    error DisputeCourtSelfDispute(address account);
    error DisputeCourtUnknownDispute(uint256 disputeId);
    error DisputeCourtNotOpen(uint256 disputeId, DisputeStatus status);
    error DisputeCourtNotParty(uint256 disputeId, address account);
    error DisputeCourtRulingPeriodOver(uint256 disputeId, uint64 rulingDeadline);
    error DisputeCourtRulingPeriodNotOver(uint256 disputeId, uint64 rulingDeadline);
    error DisputeCourtInvalidRemedy(DisputeKind kind, Remedy remedy);
    /// @dev A ruling field set that its remedy does not use, or one it needs left empty.
    error DisputeCourtInvalidRuling(Remedy remedy);
    /// @dev Escrow is held only for contribution disputes.
    error DisputeCourtNoEscrow(uint256 disputeId);
    /// @dev Escrow is released only once the dispute is ruled or lapsed.
    error DisputeCourtStillOpen(uint256 disputeId);
    error DisputeCourtInvalidRulingPeriod(uint32 rulingPeriod);

    /// @notice Opens a dispute of `kind` on asset `assetId` about `subjectId` (0 for OBJECTION: the objection
    /// is filed now), as the caller, who must be a live party. With `bond` > 0 the caller pays that much of
    /// the settlement token to the court (approval needed); what arrives is held.
    /// @return disputeId The dispute's id (the first is 1).
    function openDispute(
        DisputeKind kind,
        uint256 assetId,
        uint256 subjectId,
        uint256 bond,
        bytes32 groundsHash,
        string calldata groundsURI
    ) external returns (uint256 disputeId);

    /// @notice Adds evidence to an open dispute. Its claimant or respondent (or the party either was
    /// succeeded by).
    function submitEvidence(uint256 disputeId, bytes32 evidenceHash, string calldata evidenceURI) external;

    /// @notice Rules on an open dispute before its deadline and carries the remedy out. Arbitrator only.
    /// @dev Reverts, changing nothing, when the remedy cannot be carried out (for example a transfer of a
    /// pledged certificate): the arbitrator then rules otherwise.
    function rule(uint256 disputeId, Ruling calldata ruling) external;

    /// @notice Closes a dispute whose ruling deadline passed without a ruling: a dismissal, bond returned.
    /// Anyone.
    function lapse(uint256 disputeId) external;

    /// @notice Pays out the escrow leaf of a ruled contribution dispute in settlement `epochId` to the
    /// parties the arbitrator names (see the vault's `releaseEscrow`). Arbitrator only.
    function releaseEscrow(
        uint256 disputeId,
        uint256 epochId,
        uint256 index,
        uint256 amount,
        bytes32[] calldata proof,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) external;

    /// @notice Sets the time arbitrators have to rule on disputes opened from now on, in seconds (> 0).
    /// Admin only.
    function setRulingPeriod(uint32 rulingPeriod) external;

    /// @notice The dispute `disputeId`; reverts for an unknown id.
    function dispute(uint256 disputeId) external view returns (Dispute memory);

    /// @notice The number of disputes opened so far (the last id).
    function disputeCount() external view returns (uint256);

    function rulingPeriod() external view returns (uint32);

    /// @notice The token bonds are paid in: the vault's settlement token.
    function bondToken() external view returns (address);
}
