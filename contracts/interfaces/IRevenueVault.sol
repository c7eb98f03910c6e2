// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EpochStatus} from "../types/LedgerTypes.sol";

/// @title IRevenueVault
/// @notice Revenue of data products (收益分配), held until claimed, settled in epochs whose gas does not
/// depend on the number of parties.
///
/// - Anyone deposits revenue for an issued product in the deployment's settlement token, with a payer
///   reference (an order id hash). A deposit is tagged with the product's split-policy version at that
///   moment: a new policy applies only to revenue deposited after it.
/// - A settler posts a settlement (an epoch) for a product and a policy version: the amount, the Merkle root
///   of the allocation, the block at which the contribution state was read and a hash of the inputs. The
///   allocation is computed off chain by `ledger/` and reproducible by anyone from chain data. Leaves use
///   the standard encoding of OpenZeppelin's StandardMerkleTree (npm merkle-tree) with types `(uint256 index, address account,
///   uint256 amount)`: `keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))))`.
/// - For {challengeWindow} seconds an arbitrator (or the dispute court) may reject the settlement; its
///   amount returns to unsettled. After the window, and while the court has not paused it, parties claim.
///   The court may pause a settlement at any time, and reject it while paused — then some leaves may have
///   been claimed already. What was not claimed returns to unsettled, and the next settlement of the product
///   and version credits the claims: it allocates the returned amount so that every party ends with its
///   correct share of the rejected epoch's amount (`ledger/split`'s `creditedAllocation`). For the credit to
///   be taken exactly once, a settlement's `stateBlock` may not precede the last settlement or rejection of
///   its product and version ({RevenueVaultStaleStateBlock}).
/// - A party claims its leaves, for several epochs and products at once, to itself or a recipient it names;
///   a successor claims what its predecessor was owed. A disputed contribution's share sits in a leaf whose
///   account is {escrowAccount} of the dispute: neither paid nor lost until the court releases it, to the
///   party the dispute's outcome names, or back to the product's unsettled revenue. An escrow leaf is never
///   claimable ({RevenueVaultEscrowLeaf}), and the party registry never registers an escrow account.
///
/// Conservation, enforced: a settlement takes at most the unsettled amount of its product and version;
/// claims of an epoch never exceed its amount; at every moment
/// `deposited = paid out + settled-unpaid (escrow included) + unsettled`, and the vault's token balance is
/// `deposited - paid out` (tokens sent to the vault other than by {deposit} are not revenue and stay out of
/// the books).
///
/// Deposits, settlements, rejections, pauses and resumes extend the product's evidence chain; claims and
/// escrow releases do not (they are plain events), so that claims stay cheap.
interface IRevenueVault {
    /// @dev A settlement. `claimed` includes escrow releases and never exceeds `amount`.
    struct Epoch {
        uint256 productId;
        uint32 policyVersion;
        EpochStatus status;
        uint64 challengeEndsAt;
        uint128 amount;
        uint128 claimed;
        bytes32 merkleRoot;
    }

    /// @dev One leaf to claim: the leaf `(index, account, amount)` of epoch `epochId`, with its Merkle proof.
    struct Claim {
        uint256 epochId;
        uint256 index;
        address account;
        uint256 amount;
        bytes32[] proof;
    }

    event RevenueDeposited(
        uint256 indexed depositId,
        uint256 indexed productId,
        address indexed payer,
        uint256 amount,
        uint32 policyVersion,
        bytes32 payerRef
    );
    event SettlementPosted(
        uint256 indexed epochId,
        uint256 indexed productId,
        uint32 policyVersion,
        uint256 amount,
        bytes32 merkleRoot,
        uint64 stateBlock,
        bytes32 inputsHash,
        uint64 challengeEndsAt,
        address indexed settler
    );
    event SettlementRejected(uint256 indexed epochId, uint256 indexed productId, address indexed by, bytes32 reasonHash);
    event SettlementPaused(uint256 indexed epochId, uint256 indexed productId, address indexed by, bytes32 reasonHash);
    event SettlementResumed(uint256 indexed epochId, uint256 indexed productId, address indexed by, bytes32 reasonHash);
    event RevenueClaimed(
        uint256 indexed epochId,
        uint256 indexed productId,
        address indexed account,
        uint256 index,
        uint256 amount,
        address recipient
    );
    /// @dev The escrow leaf `index` of dispute `disputeId` was released: `paid` to `recipient` (the
    /// contributor whose share was held, or zero when nothing was paid) and `returned` to the unsettled revenue
    /// of the epoch's product and policy version.
    event EscrowReleased(
        uint256 indexed epochId,
        uint256 indexed productId,
        uint256 indexed disputeId,
        uint256 index,
        address recipient,
        uint256 paid,
        uint256 returned
    );
    event ChallengeWindowSet(uint32 challengeWindow);

    error RevenueVaultZeroAmount();
    /// @dev {claim} with no leaves.
    error RevenueVaultEmptyBatch();
    error RevenueVaultProductNotActive(uint256 productId);
    error RevenueVaultUnknownPolicyVersion(uint256 productId, uint32 policyVersion);
    error RevenueVaultExceedsUnsettled(uint256 productId, uint32 policyVersion, uint256 amount, uint256 unsettled);
    error RevenueVaultInvalidStateBlock(uint64 stateBlock);
    error RevenueVaultEmptyRoot();
    error RevenueVaultUnknownEpoch(uint256 epochId);
    error RevenueVaultInvalidEpochStatus(uint256 epochId, EpochStatus status);
    error RevenueVaultChallengeWindowOver(uint256 epochId, uint64 challengeEndsAt);
    error RevenueVaultNotClaimable(uint256 epochId);
    error RevenueVaultAlreadyClaimed(uint256 epochId, uint256 index);
    error RevenueVaultInvalidProof(uint256 epochId, uint256 index);
    /// @dev `caller` is not the live party `account` resolves to.
    error RevenueVaultNotEntitled(address account, address caller);
    /// @dev Paying the leaf would take the epoch's claims to `claimed` (saturated at 2^256 - 1), above its
    /// `amount`: the allocation tree promised more than was settled.
    error RevenueVaultEpochOverdrawn(uint256 epochId, uint256 claimed, uint256 amount);
    /// @dev Zero, or the vault itself.
    error RevenueVaultInvalidRecipient(address recipient);
    /// @dev An escrow release that pays `paid`, more than the leaf's `amount`.
    error RevenueVaultInvalidRelease(uint256 amount, uint256 paid);
    /// @dev A claim of an escrow leaf: only the court's release moves it.
    error RevenueVaultEscrowLeaf(uint256 epochId, uint256 index);
    /// @dev A settlement read at `stateBlock`, before the last settlement or rejection of its product and
    /// version at `lastSettlementBlock`.
    error RevenueVaultStaleStateBlock(uint64 stateBlock, uint64 lastSettlementBlock);
    /// @dev A challenge window outside its bounds.
    error RevenueVaultInvalidChallengeWindow(uint32 challengeWindow);

    /// @notice Deposits `amount` of the settlement token as revenue of `productId`, from the caller
    /// (approval needed). Records what the vault actually received (a fee-on-transfer token delivers less),
    /// tagged with the product's current split-policy version (0 before its first policy).
    /// @dev The product must be ISSUED (not applied, refused, cancelled or destroyed); `amount` and what was
    /// received must not be zero.
    /// @param payerRef The payer's reference (an order id hash), recorded in the event.
    /// @return depositId The deposit's id (the first is 1).
    function deposit(uint256 productId, uint256 amount, bytes32 payerRef) external returns (uint256 depositId);

    /// @notice Posts a settlement of `amount` of the unsettled revenue of `productId` deposited under
    /// `policyVersion`. Settler only. Gas does not depend on the number of parties.
    /// @dev The product's status is not checked: revenue deposited before a cancellation is still settled.
    /// `policyVersion` above the product's current version is refused as unknown. The challenge window
    /// is the one in force now, later changes do not affect it.
    /// @param amount Not zero; at most {unsettled} of the product and version.
    /// @param merkleRoot Root of the allocation tree; not zero.
    /// @param stateBlock The block at which the contribution state was read; before this one, and not before
    /// the last settlement or rejection of the same product and version.
    /// @param inputsHash Hash of the inputs of the computation, so anyone can check what was used.
    /// @return epochId The settlement's id (the first is 1).
    function settle(
        uint256 productId,
        uint32 policyVersion,
        uint256 amount,
        bytes32 merkleRoot,
        uint64 stateBlock,
        bytes32 inputsHash
    ) external returns (uint256 epochId);

    /// @notice Rejects a settlement: during its challenge window (an arbitrator or the court), or while the
    /// court has paused it (the court only, inside the window too). What was not yet claimed returns to
    /// unsettled of its product and policy version, to be settled again.
    function reject(uint256 epochId, bytes32 reasonHash) external;

    /// @notice Pauses the claims of a disputed settlement, inside or after its challenge window. Court only.
    function pause(uint256 epochId, bytes32 reasonHash) external;

    /// @notice Resumes the claims of a paused settlement. Court only. The challenge window is not extended.
    function resume(uint256 epochId, bytes32 reasonHash) external;

    /// @notice Claims leaves (several epochs and products at once) and pays their sum to `recipient`, in one
    /// transfer.
    /// @dev For each leaf the caller must be the live party its account resolves to (a successor claims its
    /// predecessor's leaves; a succeeded predecessor no longer can). Each leaf's epoch must be POSTED (not
    /// paused or rejected) and past its challenge window; a leaf is paid once; an epoch never pays more
    /// than its amount.
    /// @param recipient Not zero and not the vault.
    /// @return total The sum paid.
    function claim(Claim[] calldata claims, address recipient) external returns (uint256 total);

    /// @notice Releases the escrow leaf of dispute `disputeId` in an epoch, as the dispute's outcome says: pays
    /// `paid` of the leaf's `amount` to `recipient` and returns the rest to the unsettled revenue of the epoch's
    /// product and policy version. Court only; the court works out the recipient and the part from the
    /// outcome (see {IDisputeCourt-releaseEscrow}).
    /// @dev The leaf's account is {escrowAccount}(`disputeId`). The epoch must be past its challenge window
    /// and POSTED or PAUSED (the court may carry out a ruling on a paused settlement). `recipient` may not be
    /// zero or the vault when `paid` is not zero.
    function releaseEscrow(
        uint256 epochId,
        uint256 index,
        uint256 disputeId,
        uint256 amount,
        bytes32[] calldata proof,
        address recipient,
        uint256 paid
    ) external;

    /// @notice Sets the challenge window of future settlements, in seconds: at least a minute (there is always
    /// time to reject a settlement before claims start) and at most 90 days. Admin only.
    function setChallengeWindow(uint32 challengeWindow) external;

    /// @notice The account that owns the escrow leaf of dispute `disputeId` (below 2^64): an address nobody
    /// controls, `address(uint160(uint256(bytes12(keccak256("provenance-ledger.escrow"))) << 64 | disputeId))`
    /// — a fixed 96-bit tag, then the dispute id.
    function escrowAccount(uint256 disputeId) external pure returns (address);

    /// @notice Whether `account` is the escrow account of some dispute (its top 96 bits are the tag).
    function isEscrowAccount(address account) external pure returns (bool);

    /// @notice The block of the last settlement or rejection of `productId` under `policyVersion` (0: none):
    /// a new settlement's state block may not precede it.
    function lastSettlementBlock(uint256 productId, uint32 policyVersion) external view returns (uint64);

    /// @notice The settlement `epochId`; reverts for an unknown id.
    function epoch(uint256 epochId) external view returns (Epoch memory);

    /// @notice Revenue of `productId` deposited under `policyVersion` and not (or no longer) settled.
    function unsettled(uint256 productId, uint32 policyVersion) external view returns (uint256);

    /// @notice Whether leaf `index` of epoch `epochId` was claimed (or, for an escrow leaf, released).
    function isClaimed(uint256 epochId, uint256 index) external view returns (bool);

    /// @notice The vault's books: everything deposited; paid out (claims and escrow releases); settled in
    /// posted or paused epochs and not yet paid; unsettled. `deposited = paidOut + settledUnpaid + unsettled`.
    function totals()
        external
        view
        returns (uint256 deposited, uint256 paidOut, uint256 settledUnpaid, uint256 unsettledTotal);

    function settlementToken() external view returns (address);

    function challengeWindow() external view returns (uint32);

    /// @notice The number of deposits so far (the last deposit id).
    function depositCount() external view returns (uint256);

    /// @notice The number of settlements so far (the last epoch id).
    function epochCount() external view returns (uint256);
}
