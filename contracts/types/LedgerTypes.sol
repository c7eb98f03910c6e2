// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @dev Legal form of a party. It decides what the party may do: administrative and public
/// institutions (and public-data authorities, which are administrative bodies) may not pledge data
/// assets (001 §18, 004 §11).
enum PartyKind {
    NONE,
    ENTERPRISE,
    STATE_OWNED_ENTERPRISE,
    PUBLIC_INSTITUTION,
    INDIVIDUAL,
    PUBLIC_DATA_AUTHORITY
}

/// @dev One registration unit is a data resource or a data product (derived through processing).
enum AssetKind {
    RESOURCE,
    PRODUCT
}

/// @dev Where the data comes from. Public data may also be granted by a public-data authority.
enum DataCategory {
    PUBLIC,
    ENTERPRISE,
    PERSONAL
}

/// @dev 分类分级. CORE data is never registrable (003 §3).
enum Classification {
    GENERAL,
    IMPORTANT,
    CORE
}

/// @dev Life cycle of a registration: APPLIED -> IN_NOTICE -> ISSUED -> CANCELLED -> DESTROYED,
/// or APPLIED / IN_NOTICE -> REFUSED.
enum AssetStatus {
    NONE,
    APPLIED,
    IN_NOTICE,
    ISSUED,
    REFUSED,
    CANCELLED,
    DESTROYED
}

/// @dev Reports a third-party reviewer attaches; DESENSITIZATION unlocks IMPORTANT -> GENERAL.
enum ReviewKind {
    AUTHENTICITY,
    COMPLIANCE,
    AUDIT,
    VALUATION,
    DESENSITIZATION
}

/// @dev Why the holding right moved in a transfer registration.
enum TransferReason {
    SALE,
    SUCCESSION,
    COURT_ORDER,
    GIFT,
    OBJECTION_UPHELD,
    OTHER
}

enum ObjectionStatus {
    NONE,
    OPEN,
    DISMISSED,
    UPHELD
}

/// @dev 整体 / 分领域 / 依场景授权 (002 §9). WHOLE covers every DOMAIN and SCENARIO; a DOMAIN or
/// SCENARIO grant covers only its own code.
enum ScopeKind {
    WHOLE,
    DOMAIN,
    SCENARIO
}

/// @dev How the grantee may use the data, from least to most restrictive: raw delivery, access
/// through an API, or computation inside the provider's domain ("usable but not visible", 001 §8).
/// A sub-grant's mode must be at least as restrictive as its parent's.
enum UsageMode {
    DELIVERY,
    API,
    COMPUTE_IN_DOMAIN
}

/// @dev Stored status of a grant. Expiry is not stored: a grant outside its window is simply not valid.
enum GrantStatus {
    NONE,
    ACTIVE,
    SUSPENDED,
    REVOKED
}

/// @dev A parent a product is derived from, and the authorization the applicant derives it under:
/// `grantId == 0` means the applicant holds the parent itself.
struct ParentLink {
    uint256 assetId;
    uint256 grantId;
}

/// @dev Everything an applicant files for a first registration.
struct Application {
    AssetKind kind;
    DataCategory category;
    Classification classification;
    bytes32 fingerprint;
    bytes32 cardHash;
    string cardURI;
    ParentLink[] parents;
}

/// @dev The terms of an authorization grant; every field is disclosed in the `Granted` event (002 §11).
struct GrantTerms {
    address grantee;
    uint256 assetId;
    uint8 rights;
    ScopeKind scopeKind;
    bytes32 scopeData;
    bytes32 purposeHash;
    UsageMode usageMode;
    uint64 validFrom;
    uint64 validUntil;
    uint16 royaltyBps;
}

/// @dev The stages of a data product's value formation whose investment earns revenue (001 §6).
enum Stage {
    COLLECTION,
    PROCESSING,
    CIRCULATION,
    APPLICATION
}

/// @dev The capacity in which a party contributed, and the right it must hold on the product to record it:
/// HOLDER the holding right; PROCESSOR a grant with PROCESS; OPERATOR a grant with OPERATE; PROVIDER the
/// holding of one of the product's parents (it supplied source data).
enum ContributionRole {
    HOLDER,
    PROCESSOR,
    OPERATOR,
    PROVIDER
}

/// @dev RECORDED by the contributor -> CONFIRMED by the product's holder or a reviewer. A dispute in the
/// court makes either DISPUTED; its ruling voids it (VOIDED) or restores the prior status, possibly with an
/// adjusted measure. CONFIRMED records count in a split; DISPUTED ones that were CONFIRMED count too, their
/// share held in escrow for the dispute.
enum ContributionStatus {
    NONE,
    RECORDED,
    CONFIRMED,
    DISPUTED,
    VOIDED
}

/// @dev What happens to the weight of a stage that has no confirmed contribution.
enum EmptyStageRule {
    TO_HOLDER,
    PRO_RATA
}

/// @dev One contribution as its contributor records it. `authorization` is the grant id that gives a
/// PROCESSOR or OPERATOR its right, the parent asset id of a PROVIDER, and 0 for a HOLDER.
struct ContributionInput {
    uint256 productId;
    Stage stage;
    ContributionRole role;
    uint256 measure;
    uint256 authorization;
    bytes32 evidenceHash;
    string evidenceURI;
}

/// @dev What a dispute in the court is about. OBJECTION covers registration objections and ownership of a
/// certificate (the asset itself); the others name a grant, a contribution, a settlement epoch or a policy
/// version of the asset.
enum DisputeKind {
    OBJECTION,
    GRANT,
    CONTRIBUTION,
    SETTLEMENT,
    POLICY
}

/// @dev OPEN until an arbitrator rules (RULED) or the ruling deadline passes without a ruling (LAPSED, which
/// acts as a dismissal with the bond returned).
enum DisputeStatus {
    NONE,
    OPEN,
    RULED,
    LAPSED
}

/// @dev What a ruling does. DISMISS restores what the dispute held (any kind); UPHOLD records the claim
/// upheld without a further on-chain remedy (an objection against an application refuses it). The others
/// are the remedies of their kind: REVOKE_CERTIFICATE and TRANSFER_HOLDING (OBJECTION on an issued asset),
/// REVOKE_GRANT (GRANT), VOID_CONTRIBUTION and ADJUST_CONTRIBUTION (CONTRIBUTION), REJECT_SETTLEMENT
/// (SETTLEMENT).
enum Remedy {
    NONE,
    DISMISS,
    UPHOLD,
    REVOKE_CERTIFICATE,
    TRANSFER_HOLDING,
    REVOKE_GRANT,
    VOID_CONTRIBUTION,
    ADJUST_CONTRIBUTION,
    REJECT_SETTLEMENT
}

/// @dev An arbitrator's ruling. `adjustedMeasure` for ADJUST_CONTRIBUTION, `transferTo` for TRANSFER_HOLDING
/// (zero otherwise). `forfeitBond` pays the claimant's bond to the respondent instead of returning it.
struct Ruling {
    Remedy remedy;
    uint256 adjustedMeasure;
    address transferTo;
    bool forfeitBond;
    bytes32 rulingHash;
    string rulingURI;
}

/// @dev Status of a settlement epoch in the revenue vault: POSTED by a settler; PAUSED (and back to POSTED)
/// by the dispute court; REJECTED by an arbitrator within the challenge window, or by the court (also while
/// paused). Leaves are claimable from a POSTED epoch once its challenge window is over.
enum EpochStatus {
    NONE,
    POSTED,
    PAUSED,
    REJECTED
}
