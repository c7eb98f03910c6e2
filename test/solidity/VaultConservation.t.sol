// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccessManager} from "../../contracts/access/LedgerAccessManager.sol";
import {AssetRegistry} from "../../contracts/registry/AssetRegistry.sol";
import {GrantRegistry} from "../../contracts/grants/GrantRegistry.sol";
import {ContributionLedger} from "../../contracts/contributions/ContributionLedger.sol";
import {RevenueVault} from "../../contracts/vault/RevenueVault.sol";
import {FeeOnTransferToken} from "../../contracts/mocks/FeeOnTransferToken.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";
import {
    Application,
    AssetKind,
    Classification,
    DataCategory,
    EpochStatus,
    ParentLink,
    PartyKind,
    TransferReason
} from "../../contracts/types/LedgerTypes.sol";
import {VM, VaultHandler} from "./VaultHandler.sol";

/// @dev Conservation of revenue, under random sequences of deposits, policy changes, settlements (correct,
/// with an escrow leaf, or faulty: leaves summing above the epoch), rejections, pauses, resumes, time jumps,
/// claims (one leaf or two epochs at once) and escrow releases, over a fee-on-transfer token so that what a
/// deposit receives differs from what was sent:
/// - the vault's token balance is `deposited - paidOut`;
/// - `deposited = paidOut + settledUnpaid + unsettledTotal`, each equal to the handler's own count, and
///   `unsettledTotal` the sum of the pools;
/// - no epoch pays more than its amount, settled-unpaid is what live epochs still owe, no leaf is paid
///   twice, and an escrow leaf is spent only by the court's release (never by a claim).
/// CI runs 10,000 sequences (see `test.solidity.invariant` in hardhat.config.ts).
contract VaultConservationTest {
    error BalanceIsNotDepositedMinusPaidOut(uint256 balance, uint256 deposited, uint256 paidOut);
    error BooksDoNotBalance(uint256 deposited, uint256 paidOut, uint256 settledUnpaid, uint256 unsettledTotal);
    error BooksDisagreeWithHandler(uint256 deposited, uint256 ghostDeposited, uint256 paidOut, uint256 ghostPaid);
    error UnsettledIsNotTheSumOfPools(uint256 unsettledTotal, uint256 pools);
    error EpochOverpaid(uint256 epochId, uint256 claimed, uint256 amount);
    error SettledUnpaidIsNotWhatEpochsOwe(uint256 settledUnpaid, uint256 owed);
    error HandlerSawAViolation(string what);
    error EscrowSpentOtherwise(uint256 epochId);

    uint32 private constant WINDOW = 1 days;

    RevenueVault private vault;
    FeeOnTransferToken private token;
    ContributionLedger private contributions;
    VaultHandler internal handler;

    function setUp() public {
        VM.warp(1_000_000);
        VM.roll(100);
        LedgerAccessManager manager = new LedgerAccessManager(address(this));
        AssetRegistry registry = new AssetRegistry(manager, 1 minutes);
        GrantRegistry grants = new GrantRegistry(manager, registry);
        contributions = new ContributionLedger(manager, registry, grants);
        token = new FeeOnTransferToken();
        vault = new RevenueVault(manager, registry, contributions, token, WINDOW);
        registry.setGrantRegistry(address(grants));
        registry.setEvidenceWriter(address(contributions), true);
        registry.setEvidenceWriter(address(vault), true);
        manager.grantRole(Roles.REGISTRAR, address(this), 0);
        registry.registerParty(address(this), PartyKind.ENTERPRISE, bytes32(0));

        // Two products, filed and issued here, then transferred to the handler, which sets their policies.
        uint256[2] memory products;
        for (uint256 i = 0; i < 2; ++i) {
            products[i] = registry.fileApplication(
                Application({
                    kind: AssetKind.PRODUCT,
                    category: DataCategory.ENTERPRISE,
                    classification: Classification.GENERAL,
                    fingerprint: keccak256(abi.encode("data", i)),
                    cardHash: keccak256(abi.encode("card", i)),
                    cardURI: "",
                    parents: new ParentLink[](0)
                })
            );
            registry.acceptApplication(products[i]);
        }
        VM.warp(block.timestamp + 1 minutes);
        for (uint256 i = 0; i < 2; ++i) registry.issueCertificate(products[i]);
        handler = new VaultHandler(vault, token, contributions, products);
        registry.registerParty(address(handler), PartyKind.ENTERPRISE, bytes32(0));
        for (uint256 i = 0; i < 2; ++i) {
            registry.transferHolding(products[i], address(handler), TransferReason.SALE, bytes32(0));
        }
        manager.grantRole(Roles.SETTLER, address(handler), 0);
        manager.grantRole(Roles.COURT, address(handler), 0);
        manager.grantRole(Roles.ARBITRATOR, handler.ARBITRATOR(), 0);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariantBalanceIsDepositedMinusPaidOut() public view {
        (uint256 deposited, uint256 paidOut, , ) = vault.totals();
        uint256 balance = token.balanceOf(address(vault));
        if (balance != deposited - paidOut) revert BalanceIsNotDepositedMinusPaidOut(balance, deposited, paidOut);
    }

    function invariantBooksBalance() public view {
        (uint256 deposited, uint256 paidOut, uint256 settledUnpaid, uint256 unsettledTotal) = vault.totals();
        if (deposited != paidOut + settledUnpaid + unsettledTotal) {
            revert BooksDoNotBalance(deposited, paidOut, settledUnpaid, unsettledTotal);
        }
        if (deposited != handler.ghostDeposited() || paidOut != handler.ghostPaid()) {
            revert BooksDisagreeWithHandler(deposited, handler.ghostDeposited(), paidOut, handler.ghostPaid());
        }
        uint256 pools = 0;
        for (uint256 i = 0; i < 2; ++i) {
            uint256 productId = handler.products(i);
            uint32 current = contributions.splitPolicy(productId).version;
            for (uint32 version = 0; version <= current; ++version) pools += vault.unsettled(productId, version);
        }
        if (pools != unsettledTotal) revert UnsettledIsNotTheSumOfPools(unsettledTotal, pools);
    }

    function invariantNoEpochPaysMoreThanItsAmount() public view {
        (, , uint256 settledUnpaid, ) = vault.totals();
        uint256 owed = 0;
        uint256 count = vault.epochCount();
        for (uint256 epochId = 1; epochId <= count; ++epochId) {
            IRevenueVault.Epoch memory stored = vault.epoch(epochId);
            if (stored.claimed > stored.amount) revert EpochOverpaid(epochId, stored.claimed, stored.amount);
            if (stored.status != EpochStatus.REJECTED) owed += stored.amount - stored.claimed;
            // An escrow leaf is spent only by the court's release (the handler's `claimEscrow` must fail).
            (bool hasEscrow, bool releasedByCourt, uint256 escrowIndex) = handler.escrowOf(epochId);
            if (hasEscrow && vault.isClaimed(epochId, escrowIndex) != releasedByCourt) {
                revert EscrowSpentOtherwise(epochId);
            }
        }
        if (owed != settledUnpaid) revert SettledUnpaidIsNotWhatEpochsOwe(settledUnpaid, owed);
        string memory violation = handler.violation();
        if (bytes(violation).length != 0) revert HandlerSawAViolation(violation);
    }
}
