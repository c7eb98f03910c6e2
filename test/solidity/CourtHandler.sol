// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AssetRegistry} from "../../contracts/registry/AssetRegistry.sol";
import {ContributionLedger} from "../../contracts/contributions/ContributionLedger.sol";
import {RevenueVault} from "../../contracts/vault/RevenueVault.sol";
import {DisputeCourt} from "../../contracts/court/DisputeCourt.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {IDisputeCourt} from "../../contracts/interfaces/IDisputeCourt.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";
import {IPartyRegistry} from "../../contracts/interfaces/IPartyRegistry.sol";
import {DisputeKind, EpochStatus, PartyKind, Remedy, Ruling} from "../../contracts/types/LedgerTypes.sol";

/// @dev The cheatcodes the court's invariant test uses (forge-std is not available here).
interface ICourtVm {
    function prank(address sender) external;
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
}

ICourtVm constant COURT_VM = ICourtVm(address(uint160(uint256(keccak256("hevm cheat code")))));

/// @title CourtHandler
/// @dev The court invariant fuzzer's only target. Four parties (P0 holds every asset and the product, P1 and
/// P2 process the product, P3 is a stranger to it) open objections, contribution disputes and settlement
/// disputes with random bonds (a quarter of them below the minimum); the handler, as arbitrator and admin,
/// rules, lapses, allows repeats, changes minimum bonds, settles the product's revenue with an escrow leaf
/// for an open contribution dispute, and releases escrow as the outcome says; parties withdraw their bonds;
/// anyone tries to claim an escrow leaf or to register its account. The handler keeps its own account of
/// every dispute (ghosts), for the invariants to compare with the contracts, and notes in {violation}
/// anything the contracts let through that they must not.
contract CourtHandler {
    struct DisputeGhost {
        DisputeKind kind;
        bool open;
        /// @dev Its place in the list of open disputes, while open.
        uint256 openIndex;
        Remedy remedy;
        address claimant;
        /// @dev Zero for the holder's own settlement dispute.
        address respondent;
        uint256 assetId;
        /// @dev The subject as opened (0 for an objection), the court's claim key uses it.
        uint256 subject;
        uint256 bond;
        uint256 minimumAtOpening;
    }

    /// @dev A settlement of the product: leaf 0 is P0's, leaf 1 (if `escrowDispute` is not 0) the escrow's.
    struct EpochGhost {
        uint256 escrowDispute;
        /// @dev Whether the court released the escrow leaf (the only way it may be spent).
        bool released;
        uint256[2] amounts;
        bytes32[2] leaves;
    }

    uint256 public constant PARTY_FUNDS = 1e30;
    uint256 private constant MAX_REVENUE = 1e12;

    DisputeCourt private immutable _COURT;
    RevenueVault private immutable _VAULT;
    AssetRegistry private immutable _REGISTRY;
    ContributionLedger private immutable _CONTRIBUTIONS;
    TestToken private immutable _TOKEN;

    /// @dev What the handler counts for each party.
    struct PartyBooks {
        /// @dev Bonds the court owes it (returned or forfeited to it), not yet withdrawn.
        uint256 credit;
        uint256 bondsPaid;
        uint256 withdrawn;
        /// @dev What escrow releases paid it.
        uint256 released;
    }

    /// @dev What the handler counts for each claimant and subject (the court's claim key).
    struct ClaimBooks {
        uint256 opened;
        uint256 allowed;
        uint256 openDispute;
        bool barred;
    }

    address[4] public parties;
    /// @notice The issued assets parties may object to (all held by P0); the last is the product.
    uint256[3] public assets;
    /// @notice The product's confirmed records: P0's (holder), P1's and P2's (processors).
    uint256[3] public records;

    /// @notice What the court holds for open disputes, and the forfeited bonds it paid into the product's
    /// revenue (no respondent), by the handler's count.
    uint256 public ghostOpenBonds;
    uint256 public ghostBondsDeposited;
    mapping(address party => PartyBooks) public books;
    mapping(uint256 disputeId => DisputeGhost) private _disputes;
    /// @dev The disputes open now, in no order.
    uint256[] private _openIds;
    bytes32[] private _claimKeys;
    mapping(bytes32 key => ClaimBooks) private _claims;
    uint256[] private _epochIds;
    mapping(uint256 epochId => EpochGhost) private _epochs;

    /// @notice The first thing a contract allowed that it must not, or empty.
    string public violation;
    /// @notice How many steps of each kind succeeded (for a look at the fuzzer's coverage); openings by kind
    /// under `bytes4(uint32(kind))`.
    mapping(bytes4 selector => uint256) public successes;

    constructor(
        DisputeCourt court,
        RevenueVault vault,
        AssetRegistry registry,
        ContributionLedger contributions,
        TestToken token,
        address[4] memory parties_,
        uint256[3] memory assets_,
        uint256[3] memory records_
    ) {
        _COURT = court;
        _VAULT = vault;
        _REGISTRY = registry;
        _CONTRIBUTIONS = contributions;
        _TOKEN = token;
        parties = parties_;
        assets = assets_;
        records = records_;
        token.approve(address(vault), type(uint256).max);
    }

    // ------------------------------------------------------------------------------------------------
    // Steps: opening
    // ------------------------------------------------------------------------------------------------

    /// @dev A party objects to an asset. Refused for the holder, a bond below the minimum, a second open
    /// objection of the same party on the asset, or a repeat not allowed.
    function openObjection(uint256 claimantSeed, uint256 assetSeed, uint256 bondSeed) external {
        address claimant = parties[claimantSeed % 4];
        uint256 assetId = assets[assetSeed % 3];
        bool mustFail = claimant == parties[0];
        _open(DisputeKind.OBJECTION, claimant, assetId, 0, 0, bondSeed, mustFail, parties[0]);
    }

    /// @dev A party disputes one of the product's records, naming its own record as standing.
    function openContribution(uint256 claimantSeed, uint256 recordSeed, uint256 bondSeed) external {
        uint256 who = claimantSeed % 4;
        uint256 index = recordSeed % 3;
        address claimant = parties[who];
        uint256 standing = who < 3 ? records[who] : 0;
        // P3 contributed nothing and holds nothing: it has no standing. P0 on its own record answers to itself.
        bool mustFail = who == 3 || (who == 0 && index == 0);
        address respondent = who == index ? parties[0] : parties[index];
        _open(DisputeKind.CONTRIBUTION, claimant, assets[2], records[index], standing, bondSeed, mustFail, respondent);
    }

    /// @dev A party disputes a settlement of the product: the holder against nobody, a processor naming its
    /// record, the stranger (refused).
    function openSettlement(uint256 claimantSeed, uint256 epochSeed, uint256 bondSeed) external {
        uint256 count = _epochIds.length;
        if (count == 0) return;
        uint256 epochId = _epochIds[epochSeed % count];
        uint256 who = claimantSeed % 4;
        uint256 standing = who == 1 || who == 2 ? records[who] : 0;
        address respondent = who == 0 ? address(0) : parties[0];
        _open(DisputeKind.SETTLEMENT, parties[who], assets[2], epochId, standing, bondSeed, who == 3, respondent);
    }

    // ------------------------------------------------------------------------------------------------
    // Steps: outcomes
    // ------------------------------------------------------------------------------------------------

    /// @dev Rules on an open dispute: first too early (refused), then once the answer period is over.
    /// @param remedySeed Even: DISMISS (forfeiting the bond when `forfeit` and there is a respondent); odd:
    /// the kind's remedy (UPHOLD, VOID or ADJUST, REJECT).
    function rule(uint256 disputeSeed, uint256 remedySeed, bool forfeit) external {
        uint256 disputeId = _findOpen(disputeSeed);
        if (disputeId == 0) return;
        DisputeGhost storage ghost = _disputes[disputeId];
        IDisputeCourt.Dispute memory stored = _COURT.dispute(disputeId);
        if (block.timestamp > stored.rulingDeadline) {
            // Too late to rule: the dispute can only lapse.
            _COURT.lapse(disputeId);
            _closed(disputeId, Remedy.DISMISS, ghost.claimant);
            return;
        }
        Ruling memory ruling = _ruling(ghost, remedySeed, forfeit);
        if (block.timestamp < stored.answerEndsAt) {
            try _COURT.rule(disputeId, ruling) {
                _violate("a ruling came before the answer period ended");
                _closed(disputeId, ruling.remedy, ruling.forfeitBond ? ghost.respondent : ghost.claimant);
                return;
            } catch {} // solhint-disable-line no-empty-blocks
            COURT_VM.warp(stored.answerEndsAt);
        }
        uint256 vaultBefore = _TOKEN.balanceOf(address(_VAULT));
        try _COURT.rule(disputeId, ruling) {
            address bondTo = ruling.forfeitBond ? ghost.respondent : ghost.claimant;
            uint256 deposited = _TOKEN.balanceOf(address(_VAULT)) - vaultBefore;
            if (deposited != (bondTo == address(0) ? ghost.bond : 0)) _violate("a forfeited bond went astray");
            _closed(disputeId, ruling.remedy, bondTo);
            ++successes[this.rule.selector];
        } catch {
            // A remedy the state no longer allows (a settlement already rejected by another dispute): dismiss.
            ruling = _ruling(ghost, 0, false);
            _COURT.rule(disputeId, ruling);
            _closed(disputeId, Remedy.DISMISS, ghost.claimant);
        }
    }

    /// @dev Lets an open dispute's ruling deadline pass and lapses it (anyone may).
    function lapse(uint256 disputeSeed) external {
        uint256 disputeId = _findOpen(disputeSeed);
        if (disputeId == 0) return;
        uint256 deadline = _COURT.dispute(disputeId).rulingDeadline;
        if (block.timestamp <= deadline) COURT_VM.warp(deadline + 1);
        _COURT.lapse(disputeId);
        _closed(disputeId, Remedy.DISMISS, _disputes[disputeId].claimant);
        ++successes[this.lapse.selector];
    }

    /// @dev An arbitrator lets the claimant of a closed dispute dispute its subject again.
    function allowRepeat(uint256 disputeSeed) external {
        uint256 count = _COURT.disputeCount();
        if (count == 0) return;
        uint256 disputeId = 1 + (disputeSeed % count);
        DisputeGhost storage ghost = _disputes[disputeId];
        if (ghost.open) return;
        _COURT.allowRepeat(disputeId);
        ClaimBooks storage claim = _claims[_key(ghost.claimant, ghost.kind, ghost.assetId, ghost.subject)];
        claim.barred = false;
        ++claim.allowed;
        ++successes[this.allowRepeat.selector];
    }

    function withdrawBond(uint256 partySeed) external {
        address party = parties[partySeed % 4];
        PartyBooks storage partyBooks = books[party];
        uint256 owed = partyBooks.credit;
        if (owed == 0) return;
        uint256 before = _TOKEN.balanceOf(party);
        COURT_VM.prank(party);
        _COURT.withdrawBond(party, party);
        if (_TOKEN.balanceOf(party) - before != owed) _violate("a withdrawal paid other than the credit");
        partyBooks.credit = 0;
        partyBooks.withdrawn += owed;
        ++successes[this.withdrawBond.selector];
    }

    /// @dev The admin sets a kind's minimum bond (never 0: that must be refused).
    function setMinimumBond(uint256 kindSeed, uint256 amountSeed) external {
        DisputeKind kind = DisputeKind(kindSeed % 5);
        try _COURT.setMinimumBond(kind, 0) {
            _violate("a minimum bond of 0 was accepted");
        } catch {} // solhint-disable-line no-empty-blocks
        _COURT.setMinimumBond(kind, 1 + (amountSeed % 1_000));
        ++successes[this.setMinimumBond.selector];
    }

    function warp(uint256 seconds_) external {
        COURT_VM.warp(block.timestamp + 1 + (seconds_ % 3 days));
    }

    // ------------------------------------------------------------------------------------------------
    // Steps: revenue and escrow
    // ------------------------------------------------------------------------------------------------

    /// @dev Deposits revenue for the product and settles it: all to P0, or part held in the escrow leaf of an
    /// open contribution dispute (as the split does for a disputed confirmed record).
    function settle(uint256 amountSeed, uint256 escrowSeed) external {
        uint256 product = assets[2];
        uint256 amount = 2 + (amountSeed % MAX_REVENUE);
        _TOKEN.mint(address(this), amount);
        _VAULT.deposit(product, amount, bytes32(amountSeed));
        uint32 version = _CONTRIBUTIONS.splitPolicy(product).version;
        amount = _VAULT.unsettled(product, version);

        EpochGhost memory epoch;
        uint256 disputeId = _findOpenOfKind(escrowSeed, DisputeKind.CONTRIBUTION);
        epoch.amounts[0] = amount;
        epoch.leaves[0] = _leaf(0, parties[0], amount);
        bytes32 root = epoch.leaves[0];
        if (disputeId != 0) {
            epoch.escrowDispute = disputeId;
            epoch.amounts[1] = 1 + (escrowSeed % (amount - 1));
            epoch.amounts[0] = amount - epoch.amounts[1];
            epoch.leaves[0] = _leaf(0, parties[0], epoch.amounts[0]);
            epoch.leaves[1] = _leaf(1, _VAULT.escrowAccount(disputeId), epoch.amounts[1]);
            root = _hashPair(epoch.leaves[0], epoch.leaves[1]);
        }
        COURT_VM.roll(block.number + 1);
        uint256 epochId = _VAULT.settle(product, version, amount, root, uint64(block.number - 1), bytes32(0));
        _epochs[epochId] = epoch;
        _epochIds.push(epochId);
        ++successes[this.settle.selector];
    }

    /// @dev Tries to get an escrow leaf out of the vault other than by the court: claiming it as its own
    /// account, as a party, or in a batch behind a valid leaf; registering its account as a party; succeeding
    /// it to a party. Every one must be refused.
    function attackEscrow(uint256 epochSeed, uint256 partySeed) external {
        uint256 epochId = _findEscrowEpoch(epochSeed);
        if (epochId == 0) return;
        EpochGhost storage epoch = _epochs[epochId];
        // Past the challenge window, so that a claim of a posted epoch fails for the escrow and nothing else.
        uint64 challengeEndsAt = _VAULT.epoch(epochId).challengeEndsAt;
        if (block.timestamp < challengeEndsAt) COURT_VM.warp(challengeEndsAt);
        bool posted = _VAULT.epoch(epochId).status == EpochStatus.POSTED;
        address escrow = _VAULT.escrowAccount(epoch.escrowDispute);
        address party = parties[partySeed % 4];
        IRevenueVault.Claim[] memory one = new IRevenueVault.Claim[](1);
        one[0] = _claimOf(epochId, epoch, 1, escrow);
        IRevenueVault.Claim[] memory two = new IRevenueVault.Claim[](2);
        (two[0], two[1]) = (_claimOf(epochId, epoch, 0, parties[0]), one[0]);
        _claimRefused(escrow, one, posted, "the escrow account claimed its leaf");
        _claimRefused(party, one, posted, "a party claimed an escrow leaf");
        _claimRefused(parties[0], two, posted, "an escrow leaf was claimed in a batch");
        try _REGISTRY.registerParty(escrow, PartyKind.ENTERPRISE, bytes32(0)) {
            _violate("an escrow account was registered");
        } catch (bytes memory reason) {
            if (bytes4(reason) != IPartyRegistry.PartyRegistryInvalidAccount.selector) _violate("an escrow registration not named");
        }
        try _REGISTRY.recordSuccession(escrow, party, bytes32(0)) {
            _violate("an escrow account was succeeded");
        } catch {} // solhint-disable-line no-empty-blocks
        ++successes[this.attackEscrow.selector];
    }

    /// @dev The court releases the escrow leaf of a closed contribution dispute as its outcome says: all of it
    /// to the contributor (dismissed, lapsed), none of it (voided), or the arbitrator's part (adjusted).
    function releaseEscrow(uint256 epochSeed, uint256 partSeed) external {
        uint256 epochId = _findEscrowEpoch(epochSeed);
        if (epochId == 0) return;
        EpochGhost storage epoch = _epochs[epochId];
        DisputeGhost storage ghost = _disputes[epoch.escrowDispute];
        if (ghost.open) return;
        IRevenueVault.Epoch memory stored = _VAULT.epoch(epochId);
        if (stored.status == EpochStatus.REJECTED) return;
        if (block.timestamp < stored.challengeEndsAt) COURT_VM.warp(stored.challengeEndsAt);
        uint256 amount = epoch.amounts[1];
        uint256 part = ghost.remedy == Remedy.VOID_CONTRIBUTION
            ? 0
            : ghost.remedy == Remedy.ADJUST_CONTRIBUTION
                ? partSeed % (amount + 1)
                : amount;
        address contributor = _CONTRIBUTIONS.contribution(ghost.subject).contributor;
        uint256 before = _TOKEN.balanceOf(contributor);
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = epoch.leaves[0];
        _COURT.releaseEscrow(epoch.escrowDispute, epochId, 1, amount, proof, part);
        if (_TOKEN.balanceOf(contributor) - before != part) _violate("an escrow release paid other than its part");
        epoch.released = true;
        books[contributor].released += part;
        ++successes[this.releaseEscrow.selector];
    }

    // ------------------------------------------------------------------------------------------------
    // Views for the invariants
    // ------------------------------------------------------------------------------------------------

    function disputeGhost(uint256 disputeId) external view returns (DisputeGhost memory) {
        return _disputes[disputeId];
    }

    /// @notice The disputes open now, by the handler's count, and the minimum bond of each at its opening.
    function openDisputes() external view returns (uint256[] memory disputeIds, uint256[] memory minimums) {
        disputeIds = _openIds;
        minimums = new uint256[](disputeIds.length);
        for (uint256 i = 0; i < disputeIds.length; ++i) minimums[i] = _disputes[disputeIds[i]].minimumAtOpening;
    }

    /// @notice Every party's books, in the order of {parties}.
    function allBooks() external view returns (PartyBooks[4] memory all) {
        for (uint256 i = 0; i < 4; ++i) all[i] = books[parties[i]];
    }

    /// @notice The first claimant and subject with more disputes opened than 1 + the repeats allowed, if any.
    function repeatBeyondLeave() external view returns (bytes32 key, uint256 opened, uint256 allowed) {
        uint256 count = _claimKeys.length;
        for (uint256 i = 0; i < count; ++i) {
            ClaimBooks storage claim = _claims[_claimKeys[i]];
            if (claim.opened > 1 + claim.allowed) return (_claimKeys[i], claim.opened, claim.allowed);
        }
    }

    /// @notice The settlements holding an escrow leaf: epoch, dispute, and whether the court released it.
    function escrowEpochs()
        external
        view
        returns (uint256[] memory epochIds, uint256[] memory disputeIds, bool[] memory released)
    {
        uint256 count = _epochIds.length;
        uint256 found = 0;
        for (uint256 i = 0; i < count; ++i) if (_epochs[_epochIds[i]].escrowDispute != 0) ++found;
        (epochIds, disputeIds, released) = (new uint256[](found), new uint256[](found), new bool[](found));
        found = 0;
        for (uint256 i = 0; i < count; ++i) {
            EpochGhost storage epoch = _epochs[_epochIds[i]];
            if (epoch.escrowDispute == 0) continue;
            (epochIds[found], disputeIds[found], released[found]) = (_epochIds[i], epoch.escrowDispute, epoch.released);
            ++found;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev Opens a dispute as `claimant` with a bond from `bondSeed` (a quarter below the minimum) and
    /// checks that what must be refused is.
    function _open(
        DisputeKind kind,
        address claimant,
        uint256 assetId,
        uint256 subject,
        uint256 standing,
        uint256 bondSeed,
        bool mustFail,
        address respondent
    ) private {
        uint256 minimum = _COURT.minimumBond(kind);
        uint256 bond = bondSeed % 4 == 0 ? (bondSeed >> 2) % minimum : minimum + ((bondSeed >> 2) % (2 * minimum));
        ClaimBooks storage claim = _claims[_key(claimant, kind, assetId, subject)];
        uint256 before = _TOKEN.balanceOf(address(_COURT));
        COURT_VM.prank(claimant);
        try _COURT.openDispute(kind, assetId, subject, standing, bond, keccak256(abi.encode(bondSeed)), "") returns (
            uint256 disputeId
        ) {
            if (bond < minimum) _violate("a dispute opened with a bond below the minimum");
            if (mustFail) _violate("a dispute opened without standing");
            if (claim.openDispute != 0) _violate("a second open dispute on one subject");
            if (claim.barred) _violate("a repeat opened without an arbitrator's leave");
            if (_TOKEN.balanceOf(address(_COURT)) - before != bond) _violate("the court took other than the bond");
            if (claim.opened == 0) _claimKeys.push(_key(claimant, kind, assetId, subject));
            ++claim.opened;
            claim.openDispute = disputeId;
            _disputes[disputeId] = DisputeGhost({
                kind: kind,
                open: true,
                openIndex: _openIds.length,
                remedy: Remedy.NONE,
                claimant: claimant,
                respondent: respondent,
                assetId: assetId,
                subject: subject,
                bond: bond,
                minimumAtOpening: minimum
            });
            _openIds.push(disputeId);
            ghostOpenBonds += bond;
            books[claimant].bondsPaid += bond;
            ++successes[bytes4(uint32(kind))];
        } catch {} // solhint-disable-line no-empty-blocks
    }

    function _closed(uint256 disputeId, Remedy remedy, address bondTo) private {
        DisputeGhost storage ghost = _disputes[disputeId];
        ghost.open = false;
        ghost.remedy = remedy;
        ghostOpenBonds -= ghost.bond;
        if (bondTo == address(0)) ghostBondsDeposited += ghost.bond;
        else books[bondTo].credit += ghost.bond;
        ClaimBooks storage claim = _claims[_key(ghost.claimant, ghost.kind, ghost.assetId, ghost.subject)];
        claim.openDispute = 0;
        claim.barred = true;
        // Out of the open list: the last open dispute takes its place.
        uint256 last = _openIds[_openIds.length - 1];
        _openIds[ghost.openIndex] = last;
        _disputes[last].openIndex = ghost.openIndex;
        _openIds.pop();
    }

    function _ruling(DisputeGhost storage ghost, uint256 remedySeed, bool forfeit) private view returns (Ruling memory ruling) {
        ruling.rulingHash = keccak256(abi.encode(remedySeed));
        if (remedySeed % 2 == 0) {
            ruling.remedy = Remedy.DISMISS;
            // Without a respondent (the holder's own settlement dispute) a forfeited bond becomes revenue.
            ruling.forfeitBond = forfeit;
        } else if (ghost.kind == DisputeKind.OBJECTION) {
            ruling.remedy = Remedy.UPHOLD;
        } else if (ghost.kind == DisputeKind.CONTRIBUTION) {
            if ((remedySeed >> 1) % 2 == 0) {
                ruling.remedy = Remedy.VOID_CONTRIBUTION;
            } else {
                ruling.remedy = Remedy.ADJUST_CONTRIBUTION;
                ruling.adjustedMeasure = 1 + (remedySeed % 1_000);
            }
        } else {
            ruling.remedy = Remedy.REJECT_SETTLEMENT;
        }
    }

    /// @dev An open dispute picked by the seed, or 0.
    function _findOpen(uint256 seed) private view returns (uint256) {
        uint256 count = _openIds.length;
        return count == 0 ? 0 : _openIds[seed % count];
    }

    /// @dev An open dispute of `kind` picked by the seed, or 0.
    function _findOpenOfKind(uint256 seed, DisputeKind kind) private view returns (uint256) {
        uint256 count = _openIds.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 disputeId = _openIds[(seed + i) % count];
            if (_disputes[disputeId].kind == kind) return disputeId;
        }
        return 0;
    }

    /// @dev The first epoch from the seed's with an escrow leaf not yet released, or 0.
    function _findEscrowEpoch(uint256 seed) private view returns (uint256) {
        uint256 count = _epochIds.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 epochId = _epochIds[(seed + i) % count];
            if (_epochs[epochId].escrowDispute != 0 && !_epochs[epochId].released) return epochId;
        }
        return 0;
    }

    /// @dev Claims `claims` as `caller`: it must be refused, and for a posted epoch because of the escrow leaf.
    function _claimRefused(address caller, IRevenueVault.Claim[] memory claims, bool posted, string memory what) private {
        COURT_VM.prank(caller);
        try _VAULT.claim(claims, caller) {
            _violate(what);
        } catch (bytes memory reason) {
            if (posted && bytes4(reason) != IRevenueVault.RevenueVaultEscrowLeaf.selector) _violate("an escrow claim refused for another reason");
        }
    }

    function _claimOf(
        uint256 epochId,
        EpochGhost storage epoch,
        uint256 index,
        address account
    ) private view returns (IRevenueVault.Claim memory claim) {
        claim.epochId = epochId;
        claim.index = index;
        claim.account = account;
        claim.amount = epoch.amounts[index];
        claim.proof = new bytes32[](1);
        claim.proof[0] = epoch.leaves[1 - index];
    }

    /// @dev The court's claim key: an objection's subject is its asset.
    function _key(address claimant, DisputeKind kind, uint256 assetId, uint256 subject) private pure returns (bytes32) {
        return keccak256(abi.encode(claimant, kind, assetId, kind == DisputeKind.OBJECTION ? 0 : subject));
    }

    function _leaf(uint256 index, address account, uint256 amount) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
    }

    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function _violate(string memory what) private {
        if (bytes(violation).length == 0) violation = what;
    }

}
