// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccessManager} from "../../contracts/access/LedgerAccessManager.sol";
import {AssetRegistry} from "../../contracts/registry/AssetRegistry.sol";
import {GrantRegistry} from "../../contracts/grants/GrantRegistry.sol";
import {ContributionLedger} from "../../contracts/contributions/ContributionLedger.sol";
import {RevenueVault} from "../../contracts/vault/RevenueVault.sol";
import {DisputeCourt} from "../../contracts/court/DisputeCourt.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {IDisputeCourt} from "../../contracts/interfaces/IDisputeCourt.sol";
import {IPartyRegistry} from "../../contracts/interfaces/IPartyRegistry.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";
import {GrantRights} from "../../contracts/libraries/GrantRights.sol";
import {
    Application,
    AssetKind,
    Classification,
    ContributionInput,
    ContributionRole,
    ContributionStatus,
    DataCategory,
    DisputeKind,
    DisputeStatus,
    EmptyStageRule,
    EpochStatus,
    GrantTerms,
    ParentLink,
    PartyKind,
    ScopeKind,
    Stage,
    TransferReason,
    UsageMode
} from "../../contracts/types/LedgerTypes.sol";
import {COURT_VM, CourtHandler} from "./CourtHandler.sol";

/// @dev What disputes cost, under random sequences of objections, contribution and settlement disputes (with
/// bonds around the minimum, by parties with and without standing), rulings (too early, then with each
/// remedy, forfeiting or returning the bond), lapses, allowed repeats, minimum-bond changes, withdrawals,
/// settlements holding a disputed share in escrow, escrow releases and attempts to take escrow otherwise,
/// on the real registry, grant registry, contribution ledger, vault and court:
/// - no party can keep another's claim or certificate frozen at zero cost: every objection on an asset, every
///   disputed record and every paused settlement is an open dispute holding at least the minimum bond of its
///   kind at opening; the court holds exactly the open bonds plus the credits it owes (a bond forfeited
///   without a respondent went into the product's revenue); a claimant opens at most one dispute per subject
///   plus the repeats an arbitrator allowed; and no party's balance ever drops but by the bonds it paid
///   itself (a respondent pays nothing);
/// - escrow leaves move only by the court's release: an escrow leaf is spent exactly when the court released
///   it, escrow accounts are never parties, and never receive a token.
/// CI runs 10,000 sequences (see `test.solidity.invariant` in hardhat.config.ts).
contract DisputeCostsTest {
    error OpenDisputeUnderBonded(uint256 disputeId, uint256 bond, uint256 minimumAtOpening);
    error DisputeStatusDisagreesWithHandler(uint256 disputeId);
    error CourtBalanceIsNotOpenBondsPlusCredits(uint256 balance, uint256 openBonds, uint256 credits);
    error BooksDisagreeWithHandler(uint256 openBonds, uint256 ghostOpenBonds);
    error CreditDisagreesWithHandler(address party, uint256 credit, uint256 ghostCredit);
    error ObjectionsWithoutDisputes(uint256 assetId, uint256 openObjections, uint256 openObjectionDisputes);
    error FrozenRecordWithoutDispute(uint256 recordId, ContributionStatus status, uint256 openDisputes);
    error PausedSettlementWithoutDispute(uint256 epochId, EpochStatus status, uint256 openDisputes);
    error RepeatedBeyondLeave(bytes32 claimKey, uint256 opened, uint256 allowed);
    error PartyPaidForOthers(address party, uint256 balance, uint256 expected);
    error EscrowMovedOtherwise(uint256 epochId, bool claimed, bool releasedByCourt);
    error EscrowReleasedWhileOpen(uint256 epochId, uint256 disputeId);
    error EscrowAccountIsAParty(address escrow);
    error EscrowAccountHoldsTokens(address escrow, uint256 balance);
    error HandlerSawAViolation(string what);
    error StepNeverSucceeded(bytes4 step);

    uint32 private constant RULING_PERIOD = 2 days;
    uint32 private constant ANSWER_PERIOD = 1 hours;
    uint256 private constant MINIMUM_BOND = 100;

    AssetRegistry private registry;
    ContributionLedger private contributions;
    RevenueVault private vault;
    DisputeCourt private court;
    TestToken private token;
    CourtHandler internal handler;
    address[4] private parties = [address(0xB001), address(0xB002), address(0xB003), address(0xB004)];
    uint256[3] private assets;
    uint256[3] private records;
    uint256 private partyFunds;

    function setUp() public {
        COURT_VM.warp(1_000_000);
        COURT_VM.roll(100);
        LedgerAccessManager manager = new LedgerAccessManager(address(this));
        GrantRegistry grants = _deployLedger(manager);
        assets = _issueAssets();
        records = _recordContributions(grants, assets[2]);

        handler = new CourtHandler(court, vault, registry, contributions, token, parties, assets, records);
        manager.grantRole(Roles.ARBITRATOR, address(handler), 0);
        manager.grantRole(Roles.SETTLER, address(handler), 0);
        manager.grantRole(Roles.ADMIN, address(handler), 0);
        manager.grantRole(Roles.REGISTRAR, address(handler), 0);
        partyFunds = handler.PARTY_FUNDS();
        for (uint256 i = 0; i < 4; ++i) {
            token.mint(parties[i], partyFunds);
            COURT_VM.prank(parties[i]);
            token.approve(address(court), type(uint256).max);
        }
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev No party can keep another's claim or certificate frozen at zero cost.
    /// Court steps cost about twice a vault step and this check as much again: a campaign of its own at the
    /// global CI setting (10,000 x 50) would take longer than the whole vault suite, so it runs 500 sequences
    /// of 25 steps, locally and in CI alike.
    /// hardhat-config: invariant.runs = 500
    /// hardhat-config: invariant.depth = 25
    function invariantNoFreezeAtZeroCost() public view {
        (uint256 openBonds, uint256[3] memory objectionsOn, uint256[3] memory onRecord, uint256[] memory onEpoch) = _openDisputes();
        CourtHandler.PartyBooks[4] memory partyBooks = handler.allBooks();

        // The court holds exactly the open bonds and the credits it owes.
        uint256 credits = 0;
        for (uint256 i = 0; i < 4; ++i) {
            uint256 credit = court.bondCredit(parties[i]);
            if (credit != partyBooks[i].credit) revert CreditDisagreesWithHandler(parties[i], credit, partyBooks[i].credit);
            credits += credit;
        }
        uint256 balance = token.balanceOf(address(court));
        if (balance != openBonds + credits) revert CourtBalanceIsNotOpenBondsPlusCredits(balance, openBonds, credits);
        uint256 ghostOpenBonds = handler.ghostOpenBonds();
        if (openBonds != ghostOpenBonds) revert BooksDisagreeWithHandler(openBonds, ghostOpenBonds);

        // Every freeze is an open, bonded dispute.
        for (uint256 i = 0; i < 3; ++i) {
            uint256 openObjections = registry.asset(assets[i]).openObjections;
            if (openObjections != objectionsOn[i]) revert ObjectionsWithoutDisputes(assets[i], openObjections, objectionsOn[i]);
            ContributionStatus status = contributions.contribution(records[i]).status;
            if ((status == ContributionStatus.DISPUTED ? 1 : 0) != onRecord[i]) {
                revert FrozenRecordWithoutDispute(records[i], status, onRecord[i]);
            }
        }
        for (uint256 epochId = 1; epochId < onEpoch.length; ++epochId) {
            EpochStatus status = vault.epoch(epochId).status;
            if ((status == EpochStatus.PAUSED ? 1 : 0) != onEpoch[epochId]) {
                revert PausedSettlementWithoutDispute(epochId, status, onEpoch[epochId]);
            }
        }

        // A claimant disputes a subject once, plus the repeats an arbitrator allowed.
        (bytes32 key, uint256 opened, uint256 allowed) = handler.repeatBeyondLeave();
        if (key != bytes32(0)) revert RepeatedBeyondLeave(key, opened, allowed);

        // Nobody's balance drops but by the bonds it paid itself: answering costs nothing.
        for (uint256 i = 0; i < 4; ++i) {
            uint256 expected = partyFunds + partyBooks[i].withdrawn + partyBooks[i].released - partyBooks[i].bondsPaid;
            uint256 partyBalance = token.balanceOf(parties[i]);
            if (partyBalance != expected) revert PartyPaidForOthers(parties[i], partyBalance, expected);
        }
        _noViolation();
    }

    /// @dev A scripted sequence through the handler: every kind of step succeeds at least once (so that the
    /// invariants are not vacuously true because the handler's steps always revert), nothing is let through
    /// that must not be, and both invariants hold at the end.
    function testHandlerStepsSucceed() public {
        handler.openObjection(1, 0, 1); // P1 objects to an asset of P0's
        handler.openContribution(0, 1, 1); // P0 (holder) disputes P1's record
        handler.settle(1_000, 0); // an epoch holding a share in the contribution dispute's escrow
        handler.openSettlement(0, 0, 1); // P0 disputes that settlement
        handler.attackEscrow(0, 1); // every way around the court is refused
        handler.rule(1, 0, true); // the contribution dispute, dismissed as unfounded: P1 gets the bond
        handler.releaseEscrow(0, 0); // all of the escrow to P1, the contributor whose share was held
        handler.lapse(0); // the objection lapses
        handler.allowRepeat(0); // and its claimant may object again
        handler.openObjection(1, 0, 1);
        handler.withdrawBond(1);
        handler.setMinimumBond(0, 5);
        handler.warp(10);
        bytes4[10] memory steps = [
            bytes4(uint32(uint8(DisputeKind.OBJECTION))),
            bytes4(uint32(uint8(DisputeKind.CONTRIBUTION))),
            bytes4(uint32(uint8(DisputeKind.SETTLEMENT))),
            CourtHandler.settle.selector,
            CourtHandler.attackEscrow.selector,
            CourtHandler.rule.selector,
            CourtHandler.releaseEscrow.selector,
            CourtHandler.lapse.selector,
            CourtHandler.allowRepeat.selector,
            CourtHandler.withdrawBond.selector
        ];
        for (uint256 i = 0; i < steps.length; ++i) if (handler.successes(steps[i]) == 0) revert StepNeverSucceeded(steps[i]);
        if (handler.successes(bytes4(uint32(uint8(DisputeKind.OBJECTION)))) != 2) revert StepNeverSucceeded(bytes4(0));
        invariantNoFreezeAtZeroCost();
        invariantEscrowMovesOnlyByCourtRelease();
    }

    /// @dev Escrow leaves move only by the court's release. Same budget as above.
    /// hardhat-config: invariant.runs = 500
    /// hardhat-config: invariant.depth = 25
    function invariantEscrowMovesOnlyByCourtRelease() public view {
        (uint256[] memory epochIds, uint256[] memory disputeIds, bool[] memory released) = handler.escrowEpochs();
        for (uint256 i = 0; i < epochIds.length; ++i) {
            bool claimed = vault.isClaimed(epochIds[i], 1);
            if (claimed != released[i]) revert EscrowMovedOtherwise(epochIds[i], claimed, released[i]);
            if (released[i] && court.dispute(disputeIds[i]).status == DisputeStatus.OPEN) {
                revert EscrowReleasedWhileOpen(epochIds[i], disputeIds[i]);
            }
            address escrow = vault.escrowAccount(disputeIds[i]);
            IPartyRegistry.Party memory record = registry.party(escrow);
            if (record.kind != PartyKind.NONE || registry.resolveParty(escrow) != escrow) revert EscrowAccountIsAParty(escrow);
            uint256 held = token.balanceOf(escrow);
            if (held != 0) revert EscrowAccountHoldsTokens(escrow, held);
        }
        _noViolation();
    }

    /// @dev The open disputes (by the handler's list, each checked open and bonded in the court): their bonds,
    /// and how many hold each asset (objections), each record and each epoch.
    function _openDisputes()
        private
        view
        returns (uint256 openBonds, uint256[3] memory objectionsOn, uint256[3] memory onRecord, uint256[] memory onEpoch)
    {
        onEpoch = new uint256[](vault.epochCount() + 1);
        (uint256[] memory openIds, uint256[] memory minimums) = handler.openDisputes();
        for (uint256 n = 0; n < openIds.length; ++n) {
            uint256 disputeId = openIds[n];
            IDisputeCourt.Dispute memory stored = court.dispute(disputeId);
            if (stored.status != DisputeStatus.OPEN) revert DisputeStatusDisagreesWithHandler(disputeId);
            if (stored.bond == 0 || stored.bond < minimums[n]) revert OpenDisputeUnderBonded(disputeId, stored.bond, minimums[n]);
            openBonds += stored.bond;
            for (uint256 i = 0; i < 3; ++i) {
                if (stored.kind == DisputeKind.OBJECTION && assets[i] == stored.assetId) ++objectionsOn[i];
                if (stored.kind == DisputeKind.CONTRIBUTION && records[i] == stored.subjectId) ++onRecord[i];
            }
            if (stored.kind == DisputeKind.SETTLEMENT) ++onEpoch[stored.subjectId];
        }
    }

    function _deployLedger(LedgerAccessManager manager) private returns (GrantRegistry grants) {
        registry = new AssetRegistry(manager, 1 minutes);
        grants = new GrantRegistry(manager, registry);
        contributions = new ContributionLedger(manager, registry, grants);
        token = new TestToken();
        vault = new RevenueVault(manager, registry, contributions, token, 1 hours);
        court = new DisputeCourt(manager, registry, grants, contributions, vault, RULING_PERIOD, ANSWER_PERIOD, MINIMUM_BOND);
        registry.setGrantRegistry(address(grants));
        registry.setEvidenceWriter(address(grants), true);
        registry.setEvidenceWriter(address(contributions), true);
        registry.setEvidenceWriter(address(vault), true);
        registry.setEvidenceWriter(address(court), true);
        manager.grantRole(Roles.COURT, address(court), 0);
        manager.grantRole(Roles.ARBITRATOR, address(court), 0);
        manager.grantRole(Roles.REGISTRAR, address(court), 0);
        manager.grantRole(Roles.REGISTRAR, address(this), 0);
        registry.registerParty(address(this), PartyKind.ENTERPRISE, bytes32(0));
        for (uint256 i = 0; i < 4; ++i) registry.registerParty(parties[i], PartyKind.ENTERPRISE, bytes32(0));
    }

    /// @dev Two resources and a product, filed and issued here, then transferred to P0.
    function _issueAssets() private returns (uint256[3] memory issued) {
        for (uint256 i = 0; i < 3; ++i) {
            issued[i] = registry.fileApplication(
                Application({
                    kind: i == 2 ? AssetKind.PRODUCT : AssetKind.RESOURCE,
                    category: DataCategory.ENTERPRISE,
                    classification: Classification.GENERAL,
                    fingerprint: keccak256(abi.encode("court-data", i)),
                    cardHash: keccak256(abi.encode("court-card", i)),
                    cardURI: "",
                    parents: new ParentLink[](0)
                })
            );
            registry.acceptApplication(issued[i]);
        }
        COURT_VM.warp(block.timestamp + 1 minutes);
        for (uint256 i = 0; i < 3; ++i) {
            registry.issueCertificate(issued[i]);
            registry.transferHolding(issued[i], parties[0], TransferReason.SALE, bytes32(0));
        }
    }

    /// @dev The product: P0's holder record, P1's and P2's processor records under P0's grants, all confirmed;
    /// a split policy.
    function _recordContributions(GrantRegistry grants, uint256 product) private returns (uint256[3] memory ids3) {
        COURT_VM.prank(parties[0]);
        ids3[0] = contributions.record(_input(product, Stage.APPLICATION, ContributionRole.HOLDER, 0, 500));
        for (uint256 i = 1; i < 3; ++i) {
            COURT_VM.prank(parties[0]);
            uint256 grantId = grants.grant(
                GrantTerms({
                    grantee: parties[i],
                    assetId: product,
                    rights: GrantRights.PROCESS,
                    scopeKind: ScopeKind.WHOLE,
                    scopeData: bytes32(0),
                    purposeHash: bytes32(0),
                    usageMode: UsageMode.DELIVERY,
                    validFrom: uint64(block.timestamp),
                    validUntil: uint64(block.timestamp + 3650 days),
                    royaltyBps: 0
                })
            );
            COURT_VM.prank(parties[i]);
            ids3[i] = contributions.record(_input(product, Stage.PROCESSING, ContributionRole.PROCESSOR, grantId, 300 * i));
        }
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (ids3[0], ids3[1], ids3[2]);
        COURT_VM.prank(parties[0]);
        contributions.confirm(ids);
        COURT_VM.prank(parties[0]);
        contributions.setSplitPolicy(product, [uint16(0), 5_000, 0, 5_000], EmptyStageRule.PRO_RATA);
    }

    function _noViolation() private view {
        string memory violation = handler.violation();
        if (bytes(violation).length != 0) revert HandlerSawAViolation(violation);
    }

    function _input(
        uint256 product,
        Stage stage,
        ContributionRole role,
        uint256 authorization,
        uint256 measure
    ) private pure returns (ContributionInput[] memory inputs) {
        inputs = new ContributionInput[](1);
        inputs[0] = ContributionInput({
            productId: product,
            stage: stage,
            role: role,
            measure: measure,
            authorization: authorization,
            evidenceHash: keccak256(abi.encode(product, stage, role, measure)),
            evidenceURI: ""
        });
    }
}
