// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ScopeKind, UsageMode, GrantStatus, GrantTerms} from "../types/LedgerTypes.sol";

/// @title IGrantRegistry
/// @notice Authorization grants (授权 / 许可登记) of rights on registered assets: by the asset's holder, or
/// for public data by a public-data authority (授权运营, 002 §9–§11). Every term is disclosed in the
/// `Granted` event (002 §11) and every change extends the asset's evidence chain.
///
/// Rights are a bit set (see {GrantRights}): USE, PROCESS, OPERATE, SUBLICENSE. A grantee holding
/// SUBLICENSE may sub-grant, only narrower: rights a subset, window inside the parent's, scope equal or
/// narrower, usage mode equal or more restrictive. Validity walks up the chain of parents (at most
/// {MAX_GRANT_DEPTH}), so suspending or revoking a grant invalidates every sub-grant below it at once.
/// Grants survive a transfer of the asset (they encumber the asset, not the holder), and follow the
/// grantor and grantee through succession.
///
/// Royalties stack down a chain of grants. A product derived under a grant pays, off the top of its revenue,
/// the `royaltyBps` of that grant AND of every grant above it: the direct grant's royalty is revenue of the
/// licensed asset (split by that asset's own rules, so its holder and contributors share it), and each
/// sub-grant's royalty is paid to that sub-grant's grantor (the licensee that sub-licensed). A sub-grant can
/// therefore never lower what flows to the grantors above it, and the chain's royalties together are at
/// most 10,000 bps ({GrantRegistryRoyaltiesExceedTotal}). `ledger/split` implements the same rule.
///
/// A grant an arbitrator suspended is held by the arbitrators: only an arbitrator resumes it.
interface IGrantRegistry {
    /// @dev What the registry stores about a grant; `purposeHash` is disclosed in events only.
    struct Grant {
        address grantor;
        address grantee;
        uint256 assetId;
        uint256 parentId;
        /// @dev 0 for a direct grant, the number of grants above it for a sub-grant.
        uint8 depth;
        uint8 rights;
        ScopeKind scopeKind;
        bytes32 scopeData;
        UsageMode usageMode;
        uint64 validFrom;
        uint64 validUntil;
        uint16 royaltyBps;
        GrantStatus status;
    }

    /// @dev A grant was made, with all its terms; `parentId` is 0 for a direct grant.
    event Granted(
        uint256 indexed grantId,
        uint256 indexed assetId,
        address indexed grantee,
        address grantor,
        uint256 parentId,
        GrantTerms terms
    );
    event GrantSuspended(uint256 indexed grantId, uint256 indexed assetId, address indexed by, bytes32 reasonHash);
    event GrantResumed(uint256 indexed grantId, uint256 indexed assetId, address indexed by, bytes32 reasonHash);
    event GrantRevoked(uint256 indexed grantId, uint256 indexed assetId, address indexed by, bytes32 reasonHash);
    /// @dev Metered use of the data under a grant (可控可计量, 001 §8).
    event UsageRecorded(
        uint256 indexed grantId,
        uint256 indexed assetId,
        address indexed grantee,
        uint64 units,
        uint64 periodStart,
        uint64 periodEnd,
        bytes32 evidenceHash
    );

    error GrantRegistryUnknownGrant(uint256 grantId);
    error GrantRegistryNotLiveParty(address account);
    error GrantRegistryNotGrantor(uint256 assetId, address account);
    error GrantRegistryNotGrantee(uint256 grantId, address account);
    error GrantRegistrySelfGrant(address account);
    error GrantRegistryAssetNotGrantable(uint256 assetId);
    error GrantRegistryInvalidRights(uint8 rights);
    error GrantRegistryInvalidScope(ScopeKind scopeKind, bytes32 scopeData);
    error GrantRegistryInvalidWindow(uint64 validFrom, uint64 validUntil);
    error GrantRegistryInvalidRoyalty(uint16 royaltyBps);
    error GrantRegistryGrantNotValid(uint256 grantId);
    error GrantRegistryNotSublicensable(uint256 parentId);
    error GrantRegistryNotNarrower(uint256 parentId);
    error GrantRegistryTooDeep(uint256 parentId);
    error GrantRegistryInvalidStatus(uint256 grantId, GrantStatus status);
    error GrantRegistryExpiredSignature(uint256 deadline);
    error GrantRegistryInvalidSignature(address grantor);
    error GrantRegistryInvalidUsagePeriod(uint64 periodStart, uint64 periodEnd);
    error GrantRegistryZeroUnits();
    /// @dev A sub-grant whose royalty, stacked on those of the grants above it, exceeds 10,000 bps.
    error GrantRegistryRoyaltiesExceedTotal(uint256 totalBps);
    /// @dev An arbitrator suspended the grant: only an arbitrator resumes it.
    error GrantRegistryHeldByArbitrator(uint256 grantId);

    /// @notice Grants rights on `terms.assetId` to `terms.grantee`, from the caller.
    /// @dev The caller must be the asset's holder, or — for a PUBLIC asset — a live party registered as a
    /// public-data authority that holds the DATA_AUTHORITY role. The asset must be issued and not under
    /// objection; the window must end in the future (it may start in the past: a retroactive license).
    /// @return grantId The new grant's id.
    function grant(GrantTerms calldata terms) external returns (uint256 grantId);

    /// @notice Makes a grant that `grantor` signed off chain (EIP-712; EIP-1271 for contract grantors).
    /// Anyone may relay it.
    /// @param terms The terms the grantor signed.
    /// @param grantor The signer, who becomes the grantor.
    /// @param deadline Last timestamp at which the signature may be used.
    /// @param signature The grantor's signature over {grantDigest}.
    function grantBySig(
        GrantTerms calldata terms,
        address grantor,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 grantId);

    /// @notice Sub-grants part of `parentId` to `terms.grantee`. Only the parent's grantee, holding
    /// SUBLICENSE, while the parent is valid and its asset issued and not under objection, and only narrower.
    /// @dev `terms.royaltyBps` is the sub-grantor's own royalty, on top of the royalties of every grant above:
    /// their sum must not exceed 10,000 bps.
    function subGrant(uint256 parentId, GrantTerms calldata terms) external returns (uint256 grantId);

    /// @notice Suspends an active grant (and so every sub-grant below it). Its grantor or an arbitrator: a
    /// grantor acts on its own grants only (an upstream grantor suspends its own grant to cut everything
    /// below it), and a grantor keeps its grants after transferring the asset.
    /// @dev An arbitrator's suspension holds the grant for the arbitrators: the grantor can no longer resume
    /// it. An arbitrator may also take over a grant its grantor suspended (status unchanged, a new
    /// `GrantSuspended` by the arbitrator).
    function suspend(uint256 grantId, bytes32 reasonHash) external;

    /// @notice Resumes a suspended grant. Its grantor or an arbitrator; only an arbitrator once an arbitrator
    /// suspended it.
    function resume(uint256 grantId, bytes32 reasonHash) external;

    /// @notice Revokes a grant for good (and so every sub-grant below it). Its grantor or an arbitrator.
    function revoke(uint256 grantId, bytes32 reasonHash) external;

    /// @notice Records a usage receipt against a grant. Its grantee only. The period must lie inside the
    /// grant's window and be over; the grant need not be valid any more (usage is reported after the fact).
    function recordUsage(
        uint256 grantId,
        uint64 units,
        uint64 periodStart,
        uint64 periodEnd,
        bytes32 evidenceHash
    ) external;

    /// @notice Is `party` authorized for every right in `rights` on `assetId`, within scope
    /// (`scopeKind`, `scopeData`), at time `at`, by grant `grantId`?
    /// @dev `grantId == 0` asks whether `party` holds the asset (the holding right carries every right).
    /// An empty or unknown `rights` set is never authorized.
    /// The grant's window is judged at `at`; statuses (its own, its ancestors', the asset's) as they are
    /// now. A succeeded party is never authorized: its successor is.
    function isAuthorized(
        address party,
        uint8 rights,
        uint256 assetId,
        ScopeKind scopeKind,
        bytes32 scopeData,
        uint64 at,
        uint256 grantId
    ) external view returns (bool);

    /// @notice Whether `applicant` may derive a product from `assetId` under `grantId` now (a valid grant to
    /// it with PROCESS, judged in the grant's own scope), and the royalty such a product pays upstream: the
    /// grant's `royaltyBps` plus that of every grant above it (see the royalty rule above).
    /// @return authorized Whether the derivation is authorized (false for an unknown grant).
    /// @return upstreamRoyaltyBps The stacked royalties of the grant chain, in basis points.
    function derivationTerms(
        address applicant,
        uint256 assetId,
        uint256 grantId
    ) external view returns (bool authorized, uint256 upstreamRoyaltyBps);

    /// @notice Whether an arbitrator suspended `grantId` (only an arbitrator resumes it then).
    function isHeldByArbitrator(uint256 grantId) external view returns (bool);

    /// @notice Whether grant `grantId` and every grant above it are active and inside their windows now,
    /// and its asset is issued.
    function isValid(uint256 grantId) external view returns (bool);

    /// @notice The grant `grantId`; reverts for an unknown id.
    function getGrant(uint256 grantId) external view returns (Grant memory);

    /// @notice The EIP-712 digest a grantor signs for {grantBySig}, with its current nonce.
    function grantDigest(
        GrantTerms calldata terms,
        address grantor,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The number of grants made so far (the last grant id).
    function grantCount() external view returns (uint256);

    // solhint-disable-next-line func-name-mixedcase
    function MAX_GRANT_DEPTH() external view returns (uint8);
}
