// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {
    AssetKind,
    DataCategory,
    Classification,
    AssetStatus,
    ReviewKind,
    TransferReason,
    ObjectionStatus,
    ParentLink,
    Application
} from "../types/LedgerTypes.sol";

/// @title IAssetRegistry
/// @notice Registration certificates (数据产权登记) for data resources and data products. Each registered
/// asset is an ERC-721 token whose id is its registration number. The holding right moves only through a
/// registrar's transfer registration (or enterprise succession), never through `transferFrom`.
///
/// Life cycle: an applicant files (`fileApplication`); reviewers attach reports; the registrar accepts the
/// application, which opens a public-notice window during which any party may object (through the dispute
/// court, with a bond: see {fileObjection}); after the window, with no open objection, the registrar issues
/// the certificate. Change, reclassification, transfer,
/// cancellation, destruction and pledge registrations follow. Every step extends the asset's evidence
/// chain (see {IEvidenceLedger}).
///
/// Refusal rules, checked on chain at filing: core data; a fingerprint already registered to a live asset
/// (applied, in notice or issued: duplicate registration); a parent on which the applicant holds neither
/// the holding right nor a valid grant with the PROCESS right; a parent under an open objection; upstream
/// royalties above 100% (each parent's derivation grant and every grant above it: royalties stack, see
/// {IGrantRegistry}). A product classified below its most sensitive parent is filed, but not accepted
/// until a reviewer attaches a DESENSITIZATION report to it (003 §3).
interface IAssetRegistry {
    /// @dev A compact view of a registration.
    struct AssetInfo {
        AssetKind kind;
        DataCategory category;
        Classification classification;
        AssetStatus status;
        /// @dev The applicant as filed (the holder is {holderOf}).
        address applicant;
        uint64 noticeEndsAt;
        uint32 cardVersion;
        uint16 openObjections;
        address pledgee;
    }

    struct Review {
        uint256 assetId;
        address reviewer;
        ReviewKind kind;
        /// @dev The evidence-chain entry that recorded the report.
        uint32 evidenceSeq;
    }

    /// @dev An objection is always a dispute of the court (kind OBJECTION), which alone resolves it.
    struct Objection {
        uint256 assetId;
        address objector;
        ObjectionStatus status;
    }

    // --- events, each followed by an `EvidenceAppended` for the asset ---

    event AssetApplied(
        uint256 indexed assetId,
        address indexed applicant,
        AssetKind kind,
        DataCategory category,
        Classification classification,
        bytes32 fingerprint,
        bytes32 cardHash,
        string cardURI,
        ParentLink[] parents
    );
    event ReviewAttached(
        uint256 indexed assetId,
        uint256 indexed reviewId,
        address indexed reviewer,
        ReviewKind kind,
        bytes32 reportHash,
        string reportURI
    );
    event ApplicationAccepted(uint256 indexed assetId, address indexed registrar, uint64 noticeEndsAt);
    event ApplicationRefused(uint256 indexed assetId, address indexed registrar, bytes32 reasonHash);
    event ObjectionFiled(
        uint256 indexed assetId,
        uint256 indexed objectionId,
        address indexed objector,
        bytes32 groundsHash,
        string groundsURI
    );
    event ObjectionResolved(
        uint256 indexed assetId,
        uint256 indexed objectionId,
        address indexed resolver,
        bool upheld,
        bytes32 rulingHash
    );
    event CertificateIssued(uint256 indexed assetId, address indexed holder, address indexed registrar);
    event CardChanged(
        uint256 indexed assetId,
        uint32 version,
        bytes32 cardHash,
        string cardURI,
        address indexed registrar
    );
    event AssetReclassified(
        uint256 indexed assetId,
        Classification from,
        Classification to,
        uint256 reviewId,
        address indexed registrar
    );
    event HoldingTransferred(
        uint256 indexed assetId,
        address indexed from,
        address indexed to,
        TransferReason reason,
        bytes32 evidenceHash,
        address registrar
    );
    /// @dev The holding passed to the predecessor's successor; appended when the asset is next touched.
    event HoldingSucceeded(uint256 indexed assetId, address indexed predecessor, address indexed successor);
    event AssetCancelled(uint256 indexed assetId, address indexed registrar, bytes32 reasonHash);
    event AssetDestroyed(uint256 indexed assetId, address indexed registrar, bytes32 reportHash);
    event AssetPledged(uint256 indexed assetId, address indexed holder, address indexed pledgee, bytes32 contractHash);
    event PledgeReleased(uint256 indexed assetId, address indexed pledgee, address indexed holder);

    // --- configuration events ---

    event NoticePeriodSet(uint32 noticePeriod);
    event GrantRegistrySet(address grantRegistry);
    event CertificateBaseURISet(string baseURI);

    // --- errors ---

    error AssetRegistryUnknownAsset(uint256 assetId);
    error AssetRegistryInvalidStatus(uint256 assetId, AssetStatus status);
    error AssetRegistryCoreDataRefused();
    error AssetRegistryEmptyHash();
    error AssetRegistryResourceWithParents();
    error AssetRegistryTooManyParents(uint256 count);
    error AssetRegistryDuplicateParent(uint256 parentId);
    error AssetRegistryUnauthorizedSource(uint256 parentId, uint256 grantId);
    error AssetRegistryRoyaltiesExceedTotal(uint256 totalBps);
    error AssetRegistryUnderObjection(uint256 assetId);
    error AssetRegistryNoticeNotOver(uint256 assetId, uint64 noticeEndsAt);
    error AssetRegistryNoticeClosed(uint256 assetId);
    error AssetRegistryNotHolder(uint256 assetId, address account);
    error AssetRegistryInvalidRecipient(address account);
    error AssetRegistryPledged(uint256 assetId, address pledgee);
    error AssetRegistryNotPledged(uint256 assetId);
    error AssetRegistryNotPledgee(uint256 assetId, address account);
    error AssetRegistryPledgeForbidden(address holder);
    error AssetRegistryInvalidReclassification(uint256 assetId, Classification from, Classification to);
    error AssetRegistryDesensitizationReviewRequired(uint256 assetId, uint256 reviewId);
    error AssetRegistryUnknownObjection(uint256 objectionId);
    error AssetRegistryUnknownReview(uint256 reviewId);
    error AssetRegistryObjectionNotOpen(uint256 objectionId);
    error AssetRegistryTransferByRegistrationOnly(uint256 assetId);
    error AssetRegistryGrantRegistryAlreadySet();
    error AssetRegistryGrantRegistryNotSet();
    /// @dev `fingerprint` is registered to `assetId`, which is applied, in notice or issued.
    error AssetRegistryDuplicateFingerprint(bytes32 fingerprint, uint256 assetId);
    /// @dev The holder (or applicant) of an asset cannot object to it.
    error AssetRegistrySelfObjection(uint256 assetId, address objector);
    /// @dev A window setting outside its bounds.
    error AssetRegistryInvalidNoticePeriod(uint32 noticePeriod);

    // --- registration ---

    /// @notice Files a first registration. Any live party may apply.
    /// @dev Refused for core data, a fingerprint registered to a live asset, a resource with parents, more
    /// than 16 parents, duplicate parents, a parent that is not issued, under objection, or not authorized
    /// for the applicant with PROCESS, and upstream royalties above 10,000 bps (for each parent the royalty of
    /// its derivation grant and of every grant above it, see {IGrantRegistry-derivationTerms}). A product
    /// whose classification is below one of its parents' must have a DESENSITIZATION review attached before
    /// the registrar can accept it.
    /// @param application What is filed; `parents` only for products.
    /// @return assetId The registration number, also the future certificate's token id.
    function fileApplication(Application calldata application) external returns (uint256 assetId);

    /// @notice Attaches a third-party review report to an asset. Reviewer only.
    /// @dev Allowed from filing until the asset is refused or destroyed.
    /// @return reviewId The id the registrar cites when a report unlocks an action (reclassification).
    function attachReview(
        uint256 assetId,
        ReviewKind kind,
        bytes32 reportHash,
        string calldata reportURI
    ) external returns (uint256 reviewId);

    /// @notice Accepts an application and opens its public-notice window. Registrar only.
    /// @dev Refused for a product classified below one of its parents until a DESENSITIZATION review of it
    /// is attached ({AssetRegistryDesensitizationReviewRequired} with review id 0).
    function acceptApplication(uint256 assetId) external;

    /// @notice Refuses an application that is filed or in notice. Registrar only.
    function refuseApplication(uint256 assetId, bytes32 reasonHash) external;

    /// @notice Files an objection (异议) for `objector`: during the notice window of an application (before
    /// the registrar accepts it, too), or against an issued certificate. Dispute court only: a party objects by
    /// opening a dispute of kind OBJECTION, which costs a bond and is bounded per objector (see
    /// {IDisputeCourt}); the court's ruling alone resolves it.
    /// @dev `objector` must be a live party other than the asset's holder (before issue, its applicant).
    /// @return objectionId The objection's id.
    function fileObjection(
        uint256 assetId,
        address objector,
        bytes32 groundsHash,
        string calldata groundsURI
    ) external returns (uint256 objectionId);

    /// @notice Dismisses or upholds an open objection. Dispute court only, carrying out its ruling.
    /// @dev Upholding an objection against an application refuses it. Upholding one against an issued
    /// certificate records the ruling; the court then registers the remedy (transfer or cancellation).
    function resolveObjection(uint256 objectionId, bool upheld, bytes32 rulingHash) external;

    /// @notice Issues the certificate: mints the token to the (resolved) applicant. Registrar only.
    /// @dev Only after the notice window has ended, and with no open objection.
    function issueCertificate(uint256 assetId) external;

    /// @notice Change registration: records a new asset-card version. Registrar only.
    function changeCard(uint256 assetId, bytes32 cardHash, string calldata cardURI) external;

    /// @notice Reclassifies an issued asset. Registrar only.
    /// @dev Never to CORE (cancel instead). IMPORTANT -> GENERAL needs a DESENSITIZATION review of this
    /// asset (003 §3), cited by `reviewId`, attached after the asset last became IMPORTANT (a report on the
    /// data as it was before does not count); otherwise pass 0.
    function reclassify(uint256 assetId, Classification to, uint256 reviewId) external;

    /// @notice Transfer registration: moves the holding right to `to`. Registrar only.
    /// @dev Not while pledged or under objection. `to` must be a live party other than the holder.
    function transferHolding(uint256 assetId, address to, TransferReason reason, bytes32 evidenceHash) external;

    /// @notice Transfer registration ordered by a court ruling (reason OBJECTION_UPHELD, `rulingHash` as
    /// evidence). Dispute court only.
    /// @dev Carried out whatever objections were filed since: they stay open against the new holder, and the
    /// respondent cannot defeat a ruling by objecting to its own asset or having others object. Refused
    /// while pledged (a pledge cannot be created while the ruled objection is open, so it predates the
    /// dispute and its pledgee's rights come first) and for a recipient that is not a live party or is the
    /// holder.
    function transferByRuling(uint256 assetId, address to, bytes32 rulingHash) external;

    /// @notice Cancellation registration (注销): the asset can no longer be granted, contributed to or earn.
    /// Registrar only; not while pledged.
    function cancel(uint256 assetId, bytes32 reasonHash) external;

    /// @notice Records the destruction of a cancelled asset's data (001 §7). Registrar only.
    function recordDestruction(uint256 assetId, bytes32 reportHash) external;

    /// @notice Pledges an issued certificate (质押). Holder only; not for administrative or public
    /// institutions (001 §18, 004 §11); not while under objection.
    function pledge(uint256 assetId, address pledgee, bytes32 contractHash) external;

    /// @notice Releases a pledge. Pledgee only.
    function releasePledge(uint256 assetId) external;

    /// @notice Moves an asset's holding to its holder's successor, if the holder was succeeded, and
    /// records it on the evidence chain. Anyone; every other touch of the asset does it too.
    function syncSuccession(uint256 assetId) external;

    // --- configuration, admin only ---

    /// @notice Sets the length of future public-notice windows, in seconds: from {MIN_NOTICE_PERIOD} to
    /// {MAX_NOTICE_PERIOD}, so that a window always leaves time to object and always ends.
    function setNoticePeriod(uint32 noticePeriod) external;

    /// @notice Links the grant registry the refusal rules consult. Once.
    function setGrantRegistry(address grantRegistry) external;

    /// @notice Sets the base of the certificates' token URIs (`baseURI + assetId`).
    function setCertificateBaseURI(string calldata baseURI) external;

    // --- views ---

    /// @notice The registration `assetId`; reverts for an unknown id.
    function asset(uint256 assetId) external view returns (AssetInfo memory);

    /// @notice The live party that holds `assetId` (before issue: the resolved applicant).
    function holderOf(uint256 assetId) external view returns (address);

    /// @notice The status, category and resolved holder of `assetId`, and whether it is under objection:
    /// what the grant registry needs, in one call.
    function assetState(
        uint256 assetId
    ) external view returns (AssetStatus status, DataCategory category, address holder, bool underObjection);

    /// @notice The status of `assetId` and the live party `account` resolves to: what an authorization check
    /// needs from the registry, in one call.
    /// @dev Named for its selector (0x01cefa15), the lowest of the registry's: the IR pipeline dispatches by
    /// comparing selectors one after another in ascending order, 22 gas each, and every authorization check
    /// (`GrantRegistry.isAuthorized`, `derivationTerms`) calls this. Named `authorizationContext` (0xd7021d67,
    /// 47th of 58) it cost those checks about 1,000 gas more.
    function registryStateForGrant(
        uint256 assetId,
        address account
    ) external view returns (AssetStatus status, address resolvedAccount);

    /// @notice Whether `parentId` is one of the assets `productId` was registered as derived from.
    function isParentOf(uint256 productId, uint256 parentId) external view returns (bool);

    /// @notice Just the status of `assetId` (NONE when unknown): the cheapest check for other contracts.
    function assetStatus(uint256 assetId) external view returns (AssetStatus);

    /// @notice The review `reviewId`; reverts for an unknown id.
    function review(uint256 reviewId) external view returns (Review memory);

    /// @notice The objection `objectionId`; reverts for an unknown id.
    function objection(uint256 objectionId) external view returns (Objection memory);

    /// @notice The number of registrations filed so far (the last registration number).
    function assetCount() external view returns (uint256);

    function noticePeriod() external view returns (uint32);

    /// @notice The asset registered with `fingerprint` last (0 when none): a live one blocks a new filing.
    function assetOfFingerprint(bytes32 fingerprint) external view returns (uint256);

    /// @notice Whether `assetId` waits for a DESENSITIZATION review before it can be accepted.
    function awaitsDesensitization(uint256 assetId) external view returns (bool);

    function grantRegistry() external view returns (address);
}
