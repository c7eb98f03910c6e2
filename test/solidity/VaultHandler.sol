// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {RevenueVault} from "../../contracts/vault/RevenueVault.sol";
import {FeeOnTransferToken} from "../../contracts/mocks/FeeOnTransferToken.sol";
import {ContributionLedger} from "../../contracts/contributions/ContributionLedger.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";
import {EmptyStageRule, EpochStatus} from "../../contracts/types/LedgerTypes.sol";

/// @dev The few cheatcodes the vault's invariant test uses (forge-std is not available here).
interface IVm {
    function prank(address sender) external;
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
}

IVm constant VM = IVm(address(uint160(uint256(keccak256("hevm cheat code")))));

/// @title VaultHandler
/// @dev The invariant fuzzer's only target: each function is one random step on the vault, its inputs
/// bounded to something that can happen. It pays and settles as itself (a party holding both products,
/// SETTLER and COURT), rejects as the court or as an arbitrator, and claims as the leaves' accounts. It
/// counts what the vault received and paid, from balance differences, for the invariants to compare with
/// the vault's books, and notes in {violation} anything the vault let through that it must not.
contract VaultHandler {
    /// @dev An epoch's allocation: one or two leaves the handler can prove on chain. Their leaf indices are
    /// `firstIndex` and the next: on either side of the vault's boundaries between where claimed bits are kept
    /// (leaves 0-23 in the epoch's slot, later ones in bitmap words of 256).
    struct Allocation {
        uint256 leafCount;
        uint256 firstIndex;
        address[2] accounts;
        uint256[2] amounts;
        bytes32[2] leaves;
        bytes32 root;
        /// @dev Non-zero when leaf 1 is the escrow of this dispute.
        uint256 disputeId;
    }

    address public constant ALICE = address(0xA11CE);
    address public constant BOB = address(0xB0B);
    address public constant ARBITRATOR = address(0xA4B17);
    uint256 private constant MAX_DEPOSIT = 1e15;

    RevenueVault private immutable _VAULT;
    FeeOnTransferToken private immutable _TOKEN;
    ContributionLedger private immutable _CONTRIBUTIONS;

    uint256[2] public products;
    /// @notice What the vault received from deposits, and paid out, by the token balance's differences.
    uint256 public ghostDeposited;
    uint256 public ghostPaid;
    /// @notice The first thing the vault allowed that it must not, or empty.
    string public violation;
    /// @notice How many claims of a faulty tree's last leaf were refused (as they must be).
    uint256 public overdraftsRefused;
    /// @notice How many steps of each kind succeeded (for a look at the fuzzer's coverage).
    mapping(bytes4 selector => uint256) public successes;

    mapping(uint256 epochId => Allocation) private _allocations;
    mapping(uint256 epochId => mapping(uint256 index => bool)) private _paid;
    uint256 private _disputeCount;

    constructor(
        RevenueVault vault,
        FeeOnTransferToken token,
        ContributionLedger contributions,
        uint256[2] memory products_
    ) {
        _VAULT = vault;
        _TOKEN = token;
        _CONTRIBUTIONS = contributions;
        products = products_;
        token.approve(address(vault), type(uint256).max);
    }

    // ------------------------------------------------------------------------------------------------
    // Steps
    // ------------------------------------------------------------------------------------------------

    function deposit(uint256 productSeed, uint256 amount) external {
        amount = _bound(amount, 1, MAX_DEPOSIT);
        _TOKEN.mint(address(this), amount);
        uint256 before = _vaultBalance();
        _VAULT.deposit(products[productSeed % 2], amount, bytes32(amount));
        ghostDeposited += _vaultBalance() - before;
        ++successes[this.deposit.selector];
    }

    function setPolicy(uint256 productSeed, uint16 collectionBps) external {
        uint16 collection = uint16(_bound(collectionBps, 0, 10_000));
        uint16[4] memory weights = [collection, 10_000 - collection, 0, 0];
        _CONTRIBUTIONS.setSplitPolicy(products[productSeed % 2], weights, EmptyStageRule.TO_HOLDER);
        ++successes[this.setPolicy.selector];
    }

    /// @dev Settles part of a pool with unsettled revenue (the first from the seed's product and version).
    /// @param shape 0: one leaf; 1: two leaves; 2: a leaf and an escrow leaf; 3: two leaves summing above
    /// the amount (a faulty tree).
    function settle(uint256 poolSeed, uint256 amountSeed, uint256 splitSeed, uint8 shape) external {
        (uint256 productId, uint32 version, uint256 available) = _pool(poolSeed);
        if (available == 0) return;
        uint256 amount = _bound(amountSeed, 1, available);

        Allocation memory allocation;
        shape %= 4;
        allocation.accounts = [ALICE, BOB];
        allocation.firstIndex = [uint256(0), 22, 23, 255][(splitSeed >> 128) % 4];
        if (shape == 0) {
            allocation.leafCount = 1;
            allocation.amounts[0] = amount;
        } else {
            allocation.leafCount = 2;
            allocation.amounts[0] = _bound(splitSeed, 0, amount);
            allocation.amounts[1] = amount - allocation.amounts[0];
            if (shape == 2) {
                allocation.disputeId = ++_disputeCount;
                allocation.accounts[1] = _VAULT.escrowAccount(allocation.disputeId);
            } else if (shape == 3) {
                allocation.amounts[1] += 1 + (splitSeed % amount);
            }
        }
        for (uint256 i = 0; i < allocation.leafCount; ++i) {
            allocation.leaves[i] = keccak256(
                bytes.concat(
                    keccak256(abi.encode(allocation.firstIndex + i, allocation.accounts[i], allocation.amounts[i]))
                )
            );
        }
        allocation.root = allocation.leafCount == 1
            ? allocation.leaves[0]
            : _hashPair(allocation.leaves[0], allocation.leaves[1]);

        VM.roll(block.number + 1);
        uint64 stateBlock = uint64(block.number - 1);
        uint256 epochId = _VAULT.settle(productId, version, amount, allocation.root, stateBlock, bytes32(0));
        _allocations[epochId] = allocation;
        ++successes[this.settle.selector];
    }

    /// @dev Rejects an epoch in its window (as an arbitrator or the court), or a paused one (as the court).
    function reject(uint256 epochSeed, bool paused, bool asCourt) external {
        uint256 epochId = _find(epochSeed, paused ? Find.PAUSED : Find.IN_WINDOW);
        if (epochId == 0) return;
        if (!asCourt && !paused) VM.prank(ARBITRATOR);
        _VAULT.reject(epochId, bytes32(0));
        ++successes[this.reject.selector];
    }

    function pause(uint256 epochSeed) external {
        uint256 epochId = _find(epochSeed, Find.POSTED);
        if (epochId == 0) return;
        _VAULT.pause(epochId, bytes32(0));
        ++successes[this.pause.selector];
    }

    function resume(uint256 epochSeed) external {
        uint256 epochId = _find(epochSeed, Find.PAUSED);
        if (epochId == 0) return;
        _VAULT.resume(epochId, bytes32(0));
        ++successes[this.resume.selector];
    }

    function warp(uint256 seconds_) external {
        VM.warp(block.timestamp + _bound(seconds_, 1 hours, 2 days));
    }

    /// @dev Claims an unpaid leaf of a claimable epoch, as its account. It must be paid exactly when it
    /// fits in what the epoch has left (a faulty tree's last leaf does not).
    function claim(uint256 epochSeed, uint256 leafSeed, bool toBob) external {
        uint256 epochId = _find(epochSeed, Find.CLAIMABLE);
        if (epochId == 0) return;
        Allocation storage allocation = _allocations[epochId];
        uint256 index = leafSeed % allocation.leafCount;
        if (_paid[epochId][index] || _isEscrow(allocation, index)) index = 1 - index;
        if (index >= allocation.leafCount || _paid[epochId][index] || _isEscrow(allocation, index)) return;

        IRevenueVault.Claim[] memory claims = new IRevenueVault.Claim[](1);
        claims[0] = _claimOf(epochId, index);
        bool fits = _fits(epochId, claims[0].amount);
        address account = allocation.accounts[index];
        uint256 before = _vaultBalance();
        VM.prank(account);
        try _VAULT.claim(claims, toBob ? BOB : account) {
            if (!fits) _violate("a leaf above what its epoch had left was paid");
            _recordPaid(epochId, index, before);
            ++successes[this.claim.selector];
        } catch (bytes memory reason) {
            if (fits) _violate("a valid claim was refused");
            if (bytes4(reason) != IRevenueVault.RevenueVaultEpochOverdrawn.selector) {
                _violate("an overdraft was not named");
            }
            ++overdraftsRefused;
        }
    }

    /// @dev Alice's leaves (index 0) of two claimable epochs in one call.
    function claimTwo(uint256 firstSeed, uint256 secondSeed) external {
        uint256 first = _find(firstSeed, Find.CLAIMABLE);
        uint256 second = _find(secondSeed, Find.CLAIMABLE);
        if (first == 0 || first == second || _paid[first][0] || _paid[second][0]) return;
        IRevenueVault.Claim[] memory claims = new IRevenueVault.Claim[](2);
        claims[0] = _claimOf(first, 0);
        claims[1] = _claimOf(second, 0);
        if (!_fits(first, claims[0].amount) || !_fits(second, claims[1].amount)) return;
        uint256 before = _vaultBalance();
        VM.prank(ALICE);
        _VAULT.claim(claims, ALICE);
        uint256 paid = before - _vaultBalance();
        if (paid != claims[0].amount + claims[1].amount) _violate("a batch paid other than its leaves");
        _markPaid(first, 0);
        _markPaid(second, 0);
        ghostPaid += paid;
        ++successes[this.claimTwo.selector];
    }

    /// @dev Claims a leaf paid before: it must be refused.
    function claimAgain(uint256 epochSeed) external {
        uint256 epochId = _find(epochSeed, Find.CLAIMABLE);
        if (epochId == 0 || !_paid[epochId][0]) return;
        IRevenueVault.Claim[] memory claims = new IRevenueVault.Claim[](1);
        claims[0] = _claimOf(epochId, 0);
        VM.prank(ALICE);
        try _VAULT.claim(claims, ALICE) {
            _violate("a leaf was paid twice");
        } catch {
            ++successes[this.claimAgain.selector];
        }
    }

    /// @dev The court releases an escrow leaf of a past-window, posted or paused epoch: part to alice, the
    /// rest back to the product's unsettled revenue.
    function releaseEscrow(uint256 epochSeed, uint256 splitSeed) external {
        uint256 epochId = _find(epochSeed, Find.RELEASABLE);
        if (epochId == 0) return;
        Allocation storage allocation = _allocations[epochId];
        uint256 amount = allocation.amounts[1];
        if (!_fits(epochId, amount)) return;
        uint256 paid = _bound(splitSeed, 0, amount);
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = allocation.leaves[0];
        uint256 before = _vaultBalance();
        _VAULT.releaseEscrow(epochId, allocation.firstIndex + 1, allocation.disputeId, amount, proof, ALICE, paid);
        if (before - _vaultBalance() != paid) _violate("an escrow release paid other than its part");
        _markPaid(epochId, 1);
        ghostPaid += paid;
        ++successes[this.releaseEscrow.selector];
    }

    /// @dev Claims an escrow leaf as its own account (as a party the escrow account was made to resolve to
    /// would): it must be refused, whatever the epoch's state. Escrow moves only by the court's release.
    function claimEscrow(uint256 epochSeed) external {
        uint256 epochId = _find(epochSeed, Find.RELEASABLE);
        if (epochId == 0) return;
        IRevenueVault.Claim[] memory claims = new IRevenueVault.Claim[](1);
        claims[0] = _claimOf(epochId, 1);
        VM.prank(claims[0].account);
        try _VAULT.claim(claims, ALICE) {
            _violate("an escrow leaf was claimed");
        } catch (bytes memory reason) {
            if (bytes4(reason) != IRevenueVault.RevenueVaultEscrowLeaf.selector) _violate("an escrow claim not named");
            ++successes[this.claimEscrow.selector];
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Views for the invariants
    // ------------------------------------------------------------------------------------------------

    /// @notice Whether epoch `epochId` has an escrow leaf (its second leaf), whether the handler released it as
    /// the court (the only way it may be spent), and its leaf index.
    function escrowOf(
        uint256 epochId
    ) external view returns (bool hasEscrow, bool releasedByCourt, uint256 escrowIndex) {
        hasEscrow = _allocations[epochId].disputeId != 0;
        releasedByCourt = hasEscrow && _paid[epochId][1];
        escrowIndex = _allocations[epochId].firstIndex + 1;
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    enum Find {
        POSTED,
        PAUSED,
        IN_WINDOW,
        CLAIMABLE,
        RELEASABLE
    }

    /// @dev The first epoch from the seed's that matches `what`, or 0.
    function _find(uint256 seed, Find what) private view returns (uint256) {
        uint256 count = _VAULT.epochCount();
        for (uint256 i = 0; i < count; ++i) {
            uint256 epochId = 1 + ((seed + i) % count);
            IRevenueVault.Epoch memory stored = _VAULT.epoch(epochId);
            bool posted = stored.status == EpochStatus.POSTED;
            bool paused = stored.status == EpochStatus.PAUSED;
            bool ripe = block.timestamp >= stored.challengeEndsAt;
            if (
                (what == Find.POSTED && posted) ||
                (what == Find.PAUSED && paused) ||
                (what == Find.IN_WINDOW && posted && !ripe) ||
                (what == Find.CLAIMABLE && posted && ripe) ||
                (what == Find.RELEASABLE &&
                    (posted || paused) &&
                    ripe &&
                    _allocations[epochId].disputeId != 0 &&
                    !_paid[epochId][1])
            ) return epochId;
        }
        return 0;
    }

    /// @dev The first pool with unsettled revenue from the seed's product and version, or a zero amount.
    function _pool(uint256 seed) private view returns (uint256 productId, uint32 version, uint256 available) {
        for (uint256 p = 0; p < 2; ++p) {
            productId = products[(seed + p) % 2];
            uint256 versions = uint256(_CONTRIBUTIONS.splitPolicy(productId).version) + 1;
            for (uint256 v = 0; v < versions; ++v) {
                version = uint32(((seed >> 8) + v) % versions);
                available = _VAULT.unsettled(productId, version);
                if (available != 0) return (productId, version, available);
            }
        }
    }

    /// @dev Whether a leaf of `amount` fits in what epoch `epochId` has left.
    function _fits(uint256 epochId, uint256 amount) private view returns (bool) {
        IRevenueVault.Epoch memory stored = _VAULT.epoch(epochId);
        return stored.claimed + amount <= stored.amount;
    }

    function _isEscrow(Allocation storage allocation, uint256 index) private view returns (bool) {
        return index == 1 && allocation.disputeId != 0;
    }

    function _claimOf(uint256 epochId, uint256 index) private view returns (IRevenueVault.Claim memory) {
        Allocation storage allocation = _allocations[epochId];
        bytes32[] memory proof = new bytes32[](allocation.leafCount - 1);
        if (allocation.leafCount == 2) proof[0] = allocation.leaves[1 - index];
        return
            IRevenueVault.Claim({
                epochId: epochId,
                index: allocation.firstIndex + index,
                account: allocation.accounts[index],
                amount: allocation.amounts[index],
                proof: proof
            });
    }

    function _recordPaid(uint256 epochId, uint256 index, uint256 balanceBefore) private {
        uint256 paid = balanceBefore - _vaultBalance();
        if (paid != _allocations[epochId].amounts[index]) _violate("a leaf paid other than its amount");
        _markPaid(epochId, index);
        ghostPaid += paid;
    }

    function _markPaid(uint256 epochId, uint256 index) private {
        if (_paid[epochId][index]) _violate("a leaf was paid twice");
        _paid[epochId][index] = true;
    }

    function _violate(string memory what) private {
        if (bytes(violation).length == 0) violation = what;
    }

    function _vaultBalance() private view returns (uint256) {
        return _TOKEN.balanceOf(address(_VAULT));
    }

    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function _bound(uint256 value, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (value % (max - min + 1));
    }
}
