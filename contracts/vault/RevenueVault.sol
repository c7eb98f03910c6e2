// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {IContributionLedger} from "../interfaces/IContributionLedger.sol";
import {ILedgerRegistry} from "../interfaces/ILedgerRegistry.sol";
import {AssetStatus, EpochStatus} from "../types/LedgerTypes.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../libraries/Roles.sol";
import {EscrowAccounts} from "../libraries/EscrowAccounts.sol";
import {ReentrancyLock} from "../utils/ReentrancyLock.sol";

/// @title RevenueVault
/// @notice Revenue of data products, settled in Merkle epochs and paid by pull. See {IRevenueVault}.
contract RevenueVault is IRevenueVault, LedgerAccess, ReentrancyLock {
    using SafeERC20 for IERC20;

    /// @notice The shortest challenge window: there is always time to reject a settlement before claims.
    uint32 public constant MIN_CHALLENGE_WINDOW = 1 minutes;
    /// @notice The longest challenge window: claims always open.
    uint32 public constant MAX_CHALLENGE_WINDOW = 90 days;

    /// @dev The leaves whose claimed bits live in their epoch's first slot: a claim of one of them reads that
    /// slot and the root and writes that slot only. Leaves from this index on are marked in words of
    /// {_claimedBits} (256 leaves a word), whose first claim stores a new word.
    /// Why not pre-set the bitmap words at settlement, so that a claim only clears a bit: {settle} does not
    /// know the number of leaves (it would need a new argument), and would pay 22.1k a word for leaves nobody may
    /// claim for months. An epoch has a leaf per party of the product's value chain (contributors by stage, the
    /// upstream grants' royalties, escrow), usually far fewer than 24: their bits cost nothing extra, and the
    /// first claimer of each further word of a large epoch pays its new slot (22.1k more than a leaf below 24,
    /// 17.1k more than a claim in a word already written).
    uint256 private constant _INLINE_LEAVES = 24;

    /// @dev A settlement: three slots written once by {settle}, whatever the number of parties. A claim
    /// reads slot 0 and the root and writes slot 0 (and a bitmap word for leaves from {_INLINE_LEAVES} on).
    struct EpochRecord {
        // slot 0: what a claim checks (besides the root) and updates. `unclaimed` (amount - claimed) rather
        // than `claimed`, so that the check `claimed + leaf <= amount` needs no other slot.
        uint128 unclaimed;
        uint56 productId;
        // Seconds since 1970 in 40 bits: until the year 36812.
        uint40 challengeEndsAt;
        EpochStatus status;
        // Bit i: leaf i (below {_INLINE_LEAVES}) was claimed or released.
        uint24 claimedBits;
        // slot 1
        bytes32 merkleRoot;
        // slot 2: read by views, rejections, escrow releases and the overdrawn error only
        uint128 amount;
        uint32 policyVersion;
    }

    /// @dev The registry: assets, parties and evidence.
    ILedgerRegistry private immutable _REGISTRY;
    IContributionLedger private immutable _CONTRIBUTIONS;
    IERC20 private immutable _TOKEN;

    // The books are three counters, each moved by as few operations as possible: `_deposited` (deposits),
    // `_settled` (what was settled, minus what rejections and escrow releases returned: settlements,
    // rejections, releases) and `_paidOut` (claims, releases). Every payment came out of `_settled`, so
    // settled-unpaid is `_settled - _paidOut` and unsettled is `_deposited - _settled`: the identity
    // `deposited = paidOut + settledUnpaid + unsettled` holds by construction, and the tests check each
    // counter against independent data instead (the token balance, the pools, what live epochs owe).
    //
    // Slot A, non-zero from the constructor on (the window is at least a minute), so that no write to it
    // pays for a zero-to-non-zero store: a settlement reads the window and writes its count and `_settled`
    // in one store; a rejection writes `_settled`; a deposit its count. Counts in 48 bits: 2^48 deposits
    // is a thousand a second for 8,900 years.
    uint32 private _challengeWindow;
    uint48 private _depositCount;
    uint48 private _epochCount;
    uint128 private _settled;
    // Slot B: a deposit writes `_deposited`, a claim `_paidOut`; non-zero from the first deposit on, before
    // any claim.
    uint128 private _deposited;
    uint128 private _paidOut;

    /// @dev Revenue of a product and policy version not (or no longer) settled, and the block of the last
    /// settlement or rejection of that product and version: one slot, which deposits, settlements and
    /// rejections already write.
    struct Unsettled {
        uint128 amount;
        uint64 lastSettlementBlock;
    }

    mapping(uint256 productId => mapping(uint32 policyVersion => Unsettled)) private _unsettled;
    mapping(uint256 epochId => EpochRecord) private _epochs;
    /// @dev 256 leaves per word: claims of neighbouring leaves share a slot.
    mapping(uint256 epochId => mapping(uint256 word => uint256 bits)) private _claimedBits;

    constructor(
        IAccessManager accessManager_,
        ILedgerRegistry registry_,
        IContributionLedger contributions_,
        IERC20 settlementToken_,
        uint32 challengeWindow_
    ) LedgerAccess(accessManager_) {
        if (
            address(registry_) == address(0) ||
            address(contributions_) == address(0) ||
            address(settlementToken_) == address(0)
        ) revert LedgerAccessZeroAddress();
        _REGISTRY = registry_;
        _CONTRIBUTIONS = contributions_;
        _TOKEN = settlementToken_;
        _setChallengeWindow(challengeWindow_);
    }

    // ------------------------------------------------------------------------------------------------
    // Revenue in
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenueVault
    function deposit(
        uint256 productId,
        uint256 amount,
        bytes32 payerRef
    ) external nonReentrant returns (uint256 depositId) {
        if (amount == 0) revert RevenueVaultZeroAmount();
        if (_REGISTRY.assetStatus(productId) != AssetStatus.ISSUED) {
            revert RevenueVaultProductNotActive(productId);
        }
        uint32 policyVersion = _CONTRIBUTIONS.currentPolicyVersion(productId);

        // What arrived, not what was asked: a fee-on-transfer token must not create revenue out of nothing.
        uint256 balanceBefore = _TOKEN.balanceOf(address(this));
        _TOKEN.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _TOKEN.balanceOf(address(this)) - balanceBefore;
        if (received == 0) revert RevenueVaultZeroAmount();

        uint128 received128 = SafeCast.toUint128(received);
        depositId = ++_depositCount;
        _deposited += received128;
        _unsettled[productId][policyVersion].amount += received128;
        _emitRevenueDeposited(depositId, productId, msg.sender, received, policyVersion, payerRef);
    }

    // ------------------------------------------------------------------------------------------------
    // Settlements
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenueVault
    function settle(
        uint256 productId,
        uint32 policyVersion,
        uint256 amount,
        bytes32 merkleRoot,
        uint64 stateBlock,
        bytes32 inputsHash
    ) external returns (uint256 epochId) {
        _checkRole(Roles.SETTLER);
        _checkSettlement(amount, merkleRoot, stateBlock);
        _takeUnsettled(productId, policyVersion, amount, stateBlock);

        uint128 amount128 = SafeCast.toUint128(amount);
        uint64 challengeEndsAt = uint64(block.timestamp) + _challengeWindow;
        epochId = ++_epochCount;
        _settled += amount128;
        _epochs[epochId] = EpochRecord({
            unclaimed: amount128,
            productId: SafeCast.toUint56(productId),
            challengeEndsAt: SafeCast.toUint40(challengeEndsAt),
            status: EpochStatus.POSTED,
            claimedBits: 0,
            merkleRoot: merkleRoot,
            amount: amount128,
            policyVersion: policyVersion
        });
        _emitSettlementPosted(
            epochId,
            productId,
            policyVersion,
            amount,
            merkleRoot,
            stateBlock,
            inputsHash,
            challengeEndsAt,
            msg.sender
        );
    }

    /// @inheritdoc IRevenueVault
    function reject(uint256 epochId, bytes32 reasonHash) external {
        bool byCourt = _hasRole(Roles.COURT, msg.sender);
        if (!byCourt && !_hasRole(Roles.ARBITRATOR, msg.sender)) {
            revert LedgerAccessUnauthorized(msg.sender, Roles.ARBITRATOR);
        }
        _requireOpen();
        EpochRecord storage record = _existingEpoch(epochId);
        EpochStatus status = record.status;
        if (status == EpochStatus.PAUSED) {
            if (!byCourt) revert LedgerAccessUnauthorized(msg.sender, Roles.COURT);
        } else if (status != EpochStatus.POSTED) {
            revert RevenueVaultInvalidEpochStatus(epochId, status);
        } else if (block.timestamp >= record.challengeEndsAt) {
            revert RevenueVaultChallengeWindowOver(epochId, record.challengeEndsAt);
        }

        // `unclaimed` stays as it is, so that the epoch still tells what was claimed before the rejection.
        uint128 returned = record.unclaimed;
        uint256 productId = record.productId;
        record.status = EpochStatus.REJECTED;
        // The next settlement of this product and version must read a state that includes this rejection (and
        // so the claims paid before it, which the proposal credits: see `settle`).
        Unsettled storage pool = _unsettled[productId][record.policyVersion];
        pool.amount += returned;
        pool.lastSettlementBlock = uint64(block.number);
        _settled -= returned;
        _emitSettlementRejected(epochId, productId, msg.sender, reasonHash);
    }

    /// @inheritdoc IRevenueVault
    function pause(uint256 epochId, bytes32 reasonHash) external {
        _checkRole(Roles.COURT);
        EpochRecord storage record = _existingEpoch(epochId);
        if (record.status != EpochStatus.POSTED) revert RevenueVaultInvalidEpochStatus(epochId, record.status);
        record.status = EpochStatus.PAUSED;
        uint256 productId = record.productId;
        _emitSettlementPaused(epochId, productId, msg.sender, reasonHash);
    }

    /// @inheritdoc IRevenueVault
    function resume(uint256 epochId, bytes32 reasonHash) external {
        _checkRole(Roles.COURT);
        EpochRecord storage record = _existingEpoch(epochId);
        if (record.status != EpochStatus.PAUSED) revert RevenueVaultInvalidEpochStatus(epochId, record.status);
        record.status = EpochStatus.POSTED;
        uint256 productId = record.productId;
        _emitSettlementResumed(epochId, productId, msg.sender, reasonHash);
    }

    // ------------------------------------------------------------------------------------------------
    // Revenue out
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenueVault
    function claim(Claim[] calldata claims, address recipient) external nonReentrant returns (uint256 total) {
        _requireRecipient(recipient);
        uint256 count = claims.length;
        if (count == 0) revert RevenueVaultEmptyBatch();
        address entitled;
        for (uint256 i = 0; i < count; ++i) {
            Claim calldata leaf = claims[i];
            address account = leaf.account;
            // Consecutive leaves of one account (its epochs, or its products) resolve it once.
            if (i == 0 || account != entitled) {
                // An escrow leaf moves only by the court's release, whoever the account resolves to.
                if (EscrowAccounts.isEscrow(account)) revert RevenueVaultEscrowLeaf(leaf.epochId, leaf.index);
                if (_REGISTRY.resolveParty(account) != msg.sender) {
                    revert RevenueVaultNotEntitled(account, msg.sender);
                }
                entitled = account;
            }
            uint256 productId = _spend(leaf.epochId, leaf.index, account, leaf.amount, leaf.proof, false);
            emit RevenueClaimed(leaf.epochId, productId, account, leaf.index, leaf.amount, recipient);
            total += leaf.amount;
        }
        // Each leaf fits its epoch's uint128 amount, so the sum of a batch is far below 2^256; the cast
        // and the sum with `_paidOut` are checked anyway.
        _paidOut += SafeCast.toUint128(total);
        _TOKEN.safeTransfer(recipient, total);
    }

    /// @inheritdoc IRevenueVault
    function releaseEscrow(
        uint256 epochId,
        uint256 index,
        uint256 disputeId,
        uint256 amount,
        bytes32[] calldata proof,
        address recipient,
        uint256 paid
    ) external nonReentrant {
        _checkRole(Roles.COURT);
        if (paid > amount) revert RevenueVaultInvalidRelease(amount, paid);
        if (paid != 0) _requireRecipient(recipient);

        EpochRecord storage record = _epochs[epochId];
        uint256 productId = _spend(epochId, index, EscrowAccounts.account(disputeId), amount, proof, true);
        uint256 returned = amount - paid;
        if (paid != 0) _paidOut += SafeCast.toUint128(paid);
        if (returned != 0) {
            // Back to the product's unsettled revenue under the epoch's policy version, to be settled again
            // under the state the ruling left (a voided record no longer counts).
            uint128 returned128 = SafeCast.toUint128(returned);
            _unsettled[productId][record.policyVersion].amount += returned128;
            _settled -= returned128;
        }
        if (paid == 0) {
            emit EscrowReleased(epochId, productId, disputeId, index, address(0), 0, returned);
        } else {
            emit EscrowReleased(epochId, productId, disputeId, index, recipient, paid, returned);
            _TOKEN.safeTransfer(recipient, paid);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Configuration
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenueVault
    function setChallengeWindow(uint32 challengeWindow_) external {
        _checkRole(Roles.ADMIN);
        _setChallengeWindow(challengeWindow_);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenueVault
    function escrowAccount(uint256 disputeId) external pure returns (address) {
        return EscrowAccounts.account(disputeId);
    }

    /// @inheritdoc IRevenueVault
    function isEscrowAccount(address account) external pure returns (bool) {
        return EscrowAccounts.isEscrow(account);
    }

    /// @inheritdoc IRevenueVault
    function epoch(uint256 epochId) external view returns (Epoch memory) {
        EpochRecord storage record = _existingEpoch(epochId);
        return
            Epoch({
                productId: record.productId,
                policyVersion: record.policyVersion,
                status: record.status,
                challengeEndsAt: record.challengeEndsAt,
                amount: record.amount,
                claimed: record.amount - record.unclaimed,
                merkleRoot: record.merkleRoot
            });
    }

    /// @inheritdoc IRevenueVault
    function unsettled(uint256 productId, uint32 policyVersion) external view returns (uint256) {
        return _unsettled[productId][policyVersion].amount;
    }

    /// @inheritdoc IRevenueVault
    function lastSettlementBlock(uint256 productId, uint32 policyVersion) external view returns (uint64) {
        return _unsettled[productId][policyVersion].lastSettlementBlock;
    }

    /// @inheritdoc IRevenueVault
    function isClaimed(uint256 epochId, uint256 index) external view returns (bool) {
        if (index < _INLINE_LEAVES) return _epochs[epochId].claimedBits & (1 << index) != 0;
        return _claimedBits[epochId][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @inheritdoc IRevenueVault
    function totals()
        external
        view
        returns (uint256 deposited, uint256 paidOut, uint256 settledUnpaid, uint256 unsettledTotal)
    {
        return (_deposited, _paidOut, _settled - _paidOut, _deposited - _settled);
    }

    /// @inheritdoc IRevenueVault
    function settlementToken() external view returns (address) {
        return address(_TOKEN);
    }

    /// @inheritdoc IRevenueVault
    function challengeWindow() external view returns (uint32) {
        return _challengeWindow;
    }

    /// @inheritdoc IRevenueVault
    function depositCount() external view returns (uint256) {
        return _depositCount;
    }

    /// @inheritdoc IRevenueVault
    function epochCount() external view returns (uint256) {
        return _epochCount;
    }

    /// @notice The registry this vault serves (assets, parties and evidence).
    function registry() external view returns (address) {
        return address(_REGISTRY);
    }

    /// @notice The contribution ledger whose split-policy versions tag deposits.
    function contributions() external view returns (IContributionLedger) {
        return _CONTRIBUTIONS;
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev Pays leaf (`index`, `account`, `amount`) out of epoch `epochId` in the books (the caller
    /// transfers): the one place where a leaf is checked and marked, for claims and escrow releases alike.
    /// @param byCourt Whether the court acts, which may pay out of a paused epoch.
    /// @return productId The epoch's product.
    function _spend(
        uint256 epochId,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof,
        bool byCourt
    ) private returns (uint256 productId) {
        EpochRecord storage record = _existingEpoch(epochId);
        EpochStatus status = record.status;
        if (
            !(status == EpochStatus.POSTED || (byCourt && status == EpochStatus.PAUSED)) ||
            block.timestamp < record.challengeEndsAt
        ) revert RevenueVaultNotClaimable(epochId);

        bool inSlot = index < _INLINE_LEAVES;
        uint256 word = index >> 8;
        uint256 bit = 1 << (index & 0xff);
        uint256 bits = inSlot ? record.claimedBits : _claimedBits[epochId][word];
        if (bits & bit != 0) revert RevenueVaultAlreadyClaimed(epochId, index);
        // OpenZeppelin StandardMerkleTree leaf: the double hash keeps a leaf from passing as an inner node.
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
        if (!MerkleProof.verifyCalldata(proof, record.merkleRoot, leaf)) {
            revert RevenueVaultInvalidProof(epochId, index);
        }
        uint128 unclaimed = record.unclaimed;
        if (amount > unclaimed) {
            uint256 claimed = record.amount - unclaimed;
            revert RevenueVaultEpochOverdrawn(epochId, Math.saturatingAdd(claimed, amount), record.amount);
        }

        // A leaf below _INLINE_LEAVES: its bit shares the slot of `unclaimed`, no other slot is written.
        if (inSlot) record.claimedBits = uint24(bits | bit);
        else _claimedBits[epochId][word] = bits | bit;
        record.unclaimed = unclaimed - uint128(amount);
        return record.productId;
    }

    function _checkSettlement(uint256 amount, bytes32 merkleRoot, uint64 stateBlock) private view {
        if (amount == 0) revert RevenueVaultZeroAmount();
        if (merkleRoot == bytes32(0)) revert RevenueVaultEmptyRoot();
        if (stateBlock >= block.number) revert RevenueVaultInvalidStateBlock(stateBlock);
    }

    /// @dev Takes `amount` out of the unsettled revenue of `productId` under `policyVersion`, or explains why not.
    /// The settlement's state must include the last settlement and rejection of the product and version, so
    /// that the claims of a rejected epoch are credited exactly once (by the first settlement after it).
    function _takeUnsettled(uint256 productId, uint32 policyVersion, uint256 amount, uint64 stateBlock) private {
        Unsettled storage pool = _unsettled[productId][policyVersion];
        uint256 available = pool.amount;
        uint64 lastSettled = pool.lastSettlementBlock;
        if (stateBlock < lastSettled) revert RevenueVaultStaleStateBlock(stateBlock, lastSettled);
        if (amount > available) {
            // Revenue exists only under versions that existed when it was deposited, so a version with
            // unsettled revenue is known: the contribution ledger is asked only to explain a refusal.
            if (policyVersion > _CONTRIBUTIONS.currentPolicyVersion(productId)) {
                revert RevenueVaultUnknownPolicyVersion(productId, policyVersion);
            }
            revert RevenueVaultExceedsUnsettled(productId, policyVersion, amount, available);
        }
        pool.amount = uint128(available - amount);
        pool.lastSettlementBlock = uint64(block.number);
    }

    function _setChallengeWindow(uint32 challengeWindow_) private {
        if (challengeWindow_ < MIN_CHALLENGE_WINDOW || challengeWindow_ > MAX_CHALLENGE_WINDOW) {
            revert RevenueVaultInvalidChallengeWindow(challengeWindow_);
        }
        _challengeWindow = challengeWindow_;
        emit ChallengeWindowSet(challengeWindow_);
    }

    function _existingEpoch(uint256 epochId) private view returns (EpochRecord storage record) {
        record = _epochs[epochId];
        if (record.status == EpochStatus.NONE) revert RevenueVaultUnknownEpoch(epochId);
    }

    function _requireRecipient(address recipient) private view {
        // Paying the vault itself would count as paid out while the tokens stay: the books would break.
        if (recipient == address(0) || recipient == address(this)) revert RevenueVaultInvalidRecipient(recipient);
    }

    /// @dev The actor of every vault entry is the caller: the payer, the settler, the arbitrator or court.
    function _appendEvidence(uint256 productId, bytes32 kind, bytes32 payloadHash) private {
        _REGISTRY.appendEvidence(productId, kind, payloadHash, msg.sender);
    }

    // ------------------------------------------------------------------------------------------------
    // Domain events: each emitted, and its evidence entry appended, from one argument list
    // ------------------------------------------------------------------------------------------------
    //
    // The payload of an entry is `abi.encode` of the event's arguments in declaration order (see
    // {IEvidenceLedger}); the acting account each event names is the caller, the entry's actor.

    function _emitRevenueDeposited(
        uint256 depositId,
        uint256 productId,
        address payer,
        uint256 amount,
        uint32 policyVersion,
        bytes32 payerRef
    ) private {
        emit RevenueDeposited(depositId, productId, payer, amount, policyVersion, payerRef);
        _appendEvidence(
            productId,
            RevenueDeposited.selector,
            keccak256(abi.encode(depositId, productId, payer, amount, policyVersion, payerRef))
        );
    }

    function _emitSettlementPosted(
        uint256 epochId,
        uint256 productId,
        uint32 policyVersion,
        uint256 amount,
        bytes32 merkleRoot,
        uint64 stateBlock,
        bytes32 inputsHash,
        uint64 challengeEndsAt,
        address settler
    ) private {
        emit SettlementPosted(
            epochId,
            productId,
            policyVersion,
            amount,
            merkleRoot,
            stateBlock,
            inputsHash,
            challengeEndsAt,
            settler
        );
        _appendEvidence(
            productId,
            SettlementPosted.selector,
            keccak256(
                abi.encode(
                    epochId,
                    productId,
                    policyVersion,
                    amount,
                    merkleRoot,
                    stateBlock,
                    inputsHash,
                    challengeEndsAt,
                    settler
                )
            )
        );
    }

    function _emitSettlementRejected(uint256 epochId, uint256 productId, address by, bytes32 reasonHash) private {
        emit SettlementRejected(epochId, productId, by, reasonHash);
        _appendEvidence(
            productId,
            SettlementRejected.selector,
            keccak256(abi.encode(epochId, productId, by, reasonHash))
        );
    }

    function _emitSettlementPaused(uint256 epochId, uint256 productId, address by, bytes32 reasonHash) private {
        emit SettlementPaused(epochId, productId, by, reasonHash);
        _appendEvidence(
            productId,
            SettlementPaused.selector,
            keccak256(abi.encode(epochId, productId, by, reasonHash))
        );
    }

    function _emitSettlementResumed(uint256 epochId, uint256 productId, address by, bytes32 reasonHash) private {
        emit SettlementResumed(epochId, productId, by, reasonHash);
        _appendEvidence(
            productId,
            SettlementResumed.selector,
            keccak256(abi.encode(epochId, productId, by, reasonHash))
        );
    }
}
