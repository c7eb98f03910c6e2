/**
 * Regression tests of the audit of 6df5a36 (issue 11), findings F01 and F02, and the bounded windows:
 * opening a dispute or an objection costs a bond of at least the admin-set minimum of its kind, forfeited to
 * the respondent when dismissed as unfounded; standing is checked; a claimant has one open dispute per
 * subject and no repeat after a ruling or lapse unless an arbitrator allows it; objections exist only as
 * court disputes. Every scenario runs on a fresh deployment of the Ignition module (`deployLedger`).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import { ROLE_IDS } from "../../ledger/roles.js";
import {
  AssetKind,
  ContributionRole,
  ContributionStatus,
  DisputeKind,
  DisputeStatus,
  EmptyStageRule,
  Remedy,
  Rights,
  Stage,
  TransferReason,
} from "../../ledger/types.js";
import { deployLedger, fileApplication, grantTerms, h, issueAsset, makeGrant, recordedIds, type Ledger } from "../helpers/ledger.js";
import { issueMany, send } from "../helpers/registry.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const KINDS = [DisputeKind.OBJECTION, DisputeKind.GRANT, DisputeKind.CONTRIBUTION, DisputeKind.SETTLEMENT, DisputeKind.POLICY];
const FUNDS = 10n ** 12n;
const REVENUE = 987_654n;
/** carol's provider records on the product: the claims a griefer can freeze. */
const VICTIM_RECORDS = 5;

// ------------------------------------------------------------------------------------------------
// Fixture
// ------------------------------------------------------------------------------------------------

interface World {
  ledger: Ledger;
  /** carol's issued resource: the product's parent. */
  resource: bigint;
  /** carol's grant to alice (PROCESS, USE, 5% royalty) on the resource. */
  toAlice: bigint;
  /** alice's product, derived from the resource under `toAlice`; policy version 1. */
  product: bigint;
  /** alice's grant to bob (PROCESS) on the product. */
  toBob: bigint;
  /** Confirmed records on the product: 1 alice's (holder), 2 bob's (processor), 3.. carol's (provider). */
  aliceRecord: bigint;
  bobRecord: bigint;
  carolRecords: bigint[];
  /** A settlement of the product (epoch 1), posted and in its challenge window. */
  epochId: bigint;
  /** Five more certificates of alice: what an objector can freeze. */
  aliceAssets: bigint[];
}

/**
 * carol holds a resource, licensed to alice, who derived a product from it; bob processes the product under
 * alice's grant; alice, bob and carol (5 times, as provider) have confirmed records; a policy is set, revenue
 * deposited and settled once. Every party holds plenty of the settlement token, approved to the court.
 */
async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { contributions, vault, token, disputeCourt: court, alice, bob, carol, settler, outsider } = ledger;
  const resource = await issueAsset(connection, ledger, carol);
  const now = BigInt(await time.latest());
  const toAlice = await makeGrant(ledger, carol, grantTerms(alice.address, resource, Rights.PROCESS | Rights.USE, now, { royaltyBps: 500 }));
  const product = await issueAsset(connection, ledger, alice, { kind: AssetKind.PRODUCT, parents: [{ assetId: resource, grantId: toAlice }] });
  const toBob = await makeGrant(ledger, alice, grantTerms(bob.address, product, Rights.PROCESS, BigInt(await time.latest())));
  const input = (stage: number, role: number, authorization: bigint, measure: bigint) => ({
    productId: product,
    stage,
    role,
    measure,
    authorization,
    evidenceHash: h(`evidence-${role}-${measure}`),
    evidenceURI: "",
  });
  const [aliceRecord] = await recordedIds(ledger, contributions.connect(alice).record([input(Stage.APPLICATION, ContributionRole.HOLDER, 0n, 1_000n)]));
  const [bobRecord] = await recordedIds(ledger, contributions.connect(bob).record([input(Stage.PROCESSING, ContributionRole.PROCESSOR, toBob, 2_000n)]));
  const carolRecords = await recordedIds(
    ledger,
    contributions
      .connect(carol)
      .record(Array.from({ length: VICTIM_RECORDS }, (_, i) => input(Stage.COLLECTION, ContributionRole.PROVIDER, resource, 300n + BigInt(i)))),
  );
  const ids = [aliceRecord!, bobRecord!, ...carolRecords];
  await send(contributions.connect(alice).confirm(ids));
  await send(contributions.connect(alice).setSplitPolicy(product, [2_500, 2_500, 2_500, 2_500], EmptyStageRule.PRO_RATA));

  await send(token.mint(outsider.address, REVENUE));
  await send(token.connect(outsider).approve(await vault.getAddress(), REVENUE));
  await send(vault.connect(outsider).deposit(product, REVENUE, h("order")));
  const stateBlock = BigInt(await ethers.provider.getBlockNumber());
  await send(vault.connect(settler).settle(product, 1, REVENUE, h("some-root"), stateBlock, h("inputs")));
  const aliceAssets = await issueMany(connection, ledger, alice, 5);

  const courtAddress = await court.getAddress();
  for (const party of [alice, bob, carol, ledger.individual, ledger.institution]) {
    await send(token.mint(party.address, FUNDS));
    await send(token.connect(party).approve(courtAddress, ethers.MaxUint256));
  }
  return {
    ledger,
    resource,
    toAlice,
    product,
    toBob,
    aliceRecord: aliceRecord!,
    bobRecord: bobRecord!,
    carolRecords,
    epochId: 1n,
    aliceAssets,
  };
}

/** A valid dispute of each kind: who may open it, on what, and who answers. */
interface DisputeCase {
  kind: number;
  claimant: HardhatEthersSigner;
  assetId: bigint;
  subjectId: bigint;
  standingId: bigint;
  /** Zero when no party answers (the holder's settlement dispute). */
  respondent: string;
}

function casesOf(w: World): DisputeCase[] {
  const { alice, bob, carol } = w.ledger;
  return [
    { kind: DisputeKind.OBJECTION, claimant: bob, assetId: w.resource, subjectId: 0n, standingId: 0n, respondent: carol.address },
    { kind: DisputeKind.GRANT, claimant: alice, assetId: w.resource, subjectId: w.toAlice, standingId: 0n, respondent: carol.address },
    { kind: DisputeKind.CONTRIBUTION, claimant: alice, assetId: w.product, subjectId: w.bobRecord, standingId: 0n, respondent: bob.address },
    { kind: DisputeKind.SETTLEMENT, claimant: bob, assetId: w.product, subjectId: w.epochId, standingId: w.bobRecord, respondent: alice.address },
    { kind: DisputeKind.POLICY, claimant: bob, assetId: w.product, subjectId: 1n, standingId: w.bobRecord, respondent: alice.address },
  ];
}

function open(w: World, c: Omit<DisputeCase, "respondent">, bond: bigint) {
  return w.ledger.disputeCourt
    .connect(c.claimant)
    .openDispute(c.kind, c.assetId, c.subjectId, c.standingId, bond, h(`grounds-${c.kind}`), "ipfs://grounds");
}

function ruling(remedy: number, overrides: { forfeitBond?: boolean; adjustedMeasure?: bigint; transferTo?: string } = {}) {
  return {
    remedy,
    adjustedMeasure: 0n,
    transferTo: ethers.ZeroAddress,
    forfeitBond: false,
    rulingHash: h(`ruling-${remedy}`),
    rulingURI: "ipfs://ruling",
    ...overrides,
  };
}

async function waitAnswerPeriod(ledger: Ledger): Promise<void> {
  await time.increase(await ledger.disputeCourt.answerPeriod());
}

// ------------------------------------------------------------------------------------------------
// F01
// ------------------------------------------------------------------------------------------------

describe("F01 free, endless settlement and contribution disputes", () => {
  it("deploys every kind with a non-zero minimum bond, which only the admin changes and never to 0", async () => {
    // Old code: there was no minimum (a bond of 0 skipped the transfer) and no `setMinimumBond`.
    const { ledger } = await loadFixture(world);
    const { disputeCourt: court, admin, arbitrator } = ledger;
    for (const kind of KINDS) expect(await court.minimumBond(kind)).to.be.greaterThan(0n);
    for (const kind of KINDS) {
      await expect(court.connect(admin).setMinimumBond(kind, 0n))
        .to.be.revertedWithCustomError(court, "DisputeCourtInvalidMinimumBond")
        .withArgs(kind, 0n);
      await expect(court.connect(admin).setMinimumBond(kind, 2n ** 96n))
        .to.be.revertedWithCustomError(court, "DisputeCourtInvalidMinimumBond")
        .withArgs(kind, 2n ** 96n);
      await expect(court.connect(arbitrator).setMinimumBond(kind, 1n))
        .to.be.revertedWithCustomError(court, "LedgerAccessUnauthorized")
        .withArgs(arbitrator.address, ROLE_IDS.ADMIN);
    }
  });

  it("refuses a bond below its kind's minimum and holds at least the minimum, for every kind and admin-set minimums", async () => {
    // Old code: `openDispute` took any bond, 0 included (`_store` returned before the transfer), so the
    // first `open(..., minimum - 1)` below succeeded instead of reverting with DisputeCourtBondTooLow.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 1n, max: 1_000_000n }), { minLength: 5, maxLength: 5 }),
        fc.bigInt({ min: 0n, max: 50_000n }),
        async (minimums, extra) => {
          const w = await loadFixture(world);
          const { disputeCourt: court, token, admin } = w.ledger;
          const courtAddress = await court.getAddress();
          for (const [i, kind] of KINDS.entries()) {
            await expect(court.connect(admin).setMinimumBond(kind, minimums[i]!)).to.emit(court, "MinimumBondSet").withArgs(kind, minimums[i]!);
          }
          for (const [i, c] of casesOf(w).entries()) {
            const minimum = minimums[i]!;
            expect(await court.minimumBond(c.kind)).to.equal(minimum);
            await expect(open(w, c, minimum - 1n))
              .to.be.revertedWithCustomError(court, "DisputeCourtBondTooLow")
              .withArgs(c.kind, minimum - 1n, minimum);
            const bond = minimum + extra;
            const before = await token.balanceOf(courtAddress);
            await send(open(w, c, bond));
            const id = await court.disputeCount();
            const stored = await court.dispute(id);
            expect(stored.kind).to.equal(c.kind);
            expect(stored.bond).to.equal(bond);
            expect(stored.respondent).to.equal(c.respondent);
            expect((await token.balanceOf(courtAddress)) - before).to.equal(bond);
          }
        },
      ),
      { numRuns: 3 },
    );
  });

  it("forfeits an unfounded dispute's bond to the respondent, who paid nothing and did nothing", async () => {
    // Old code: the bond could be 0, so "forfeiting" it cost the claimant nothing; and it was pushed to the
    // respondent inside `rule`, so the respondent's balance changed at the ruling (the `respondentBefore`
    // check right after it failed) instead of only when the respondent withdraws.
    for (const kind of [DisputeKind.CONTRIBUTION, DisputeKind.SETTLEMENT, DisputeKind.POLICY, DisputeKind.GRANT]) {
      const w = await loadFixture(world);
      const { disputeCourt: court, token, arbitrator } = w.ledger;
      const c = casesOf(w).find((x) => x.kind === kind)!;
      const bond = (await court.minimumBond(kind)) + 1_234n * BigInt(kind);
      const respondent = await ethers.getSigner(c.respondent);
      const respondentBefore = await token.balanceOf(c.respondent);
      const claimantBefore = await token.balanceOf(c.claimant.address);
      await send(open(w, c, bond));
      const id = await court.disputeCount();
      await waitAnswerPeriod(w.ledger);
      await expect(court.connect(arbitrator).rule(id, ruling(Remedy.DISMISS, { forfeitBond: true })))
        .to.emit(court, "BondCredited")
        .withArgs(id, c.respondent, bond);
      expect(await court.bondCredit(c.respondent)).to.equal(bond);
      expect(await court.bondCredit(c.claimant.address)).to.equal(0n);
      expect(await token.balanceOf(c.respondent)).to.equal(respondentBefore);
      await expect(court.connect(respondent).withdrawBond(c.respondent, c.respondent)).to.changeTokenBalance(ethers, token, respondent, bond);
      expect(await token.balanceOf(c.claimant.address)).to.equal(claimantBefore - bond);
    }
  });

  it("lets the holder dispute its product's settlement against nobody; an unfounded one pays its bond into the product's revenue", async () => {
    // Old code: the respondent of a settlement dispute was the product's holder, so the holder itself was
    // refused (DisputeCourtSelfDispute): the first `open` below reverted.
    for (const forfeit of [true, false]) {
      const w = await loadFixture(world);
      const { disputeCourt: court, vault, token, alice, arbitrator } = w.ledger;
      const bond = (await court.minimumBond(DisputeKind.SETTLEMENT)) + 77n;
      await send(open(w, { kind: DisputeKind.SETTLEMENT, claimant: alice, assetId: w.product, subjectId: w.epochId, standingId: 0n }, bond));
      const id = await court.disputeCount();
      const stored = await court.dispute(id);
      expect(stored.respondent).to.equal(ethers.ZeroAddress);
      // Nobody has to answer: no answer period.
      expect(stored.answerEndsAt).to.equal(BigInt(await time.latest()));
      expect((await vault.epoch(w.epochId)).status).to.equal(2n); // PAUSED
      const aliceBefore = await token.balanceOf(alice.address);
      const unsettledBefore = await vault.unsettled(w.product, 1);
      if (forfeit) {
        // Forfeited to the parties whose claims the pause delayed: revenue of the product.
        await expect(court.connect(arbitrator).rule(id, ruling(Remedy.DISMISS, { forfeitBond: true })))
          .to.emit(court, "BondDeposited")
          .withArgs(id, w.product, await vault.depositCount() + 1n, bond);
        expect(await vault.unsettled(w.product, 1)).to.equal(unsettledBefore + bond);
        expect(await court.bondCredit(alice.address)).to.equal(0n);
      } else {
        await expect(court.connect(arbitrator).rule(id, ruling(Remedy.DISMISS))).to.emit(court, "BondCredited").withArgs(id, alice.address, bond);
      }
      expect(await token.balanceOf(alice.address)).to.equal(aliceBefore);
      expect(await token.balanceOf(await court.getAddress())).to.equal(forfeit ? 0n : bond);
    }
  });

  it("gives standing on a settlement to its holder, contributors and parents' holders naming their standing, and to nobody else", async () => {
    // Old code: anyone could dispute a settlement (the respondent was simply the holder): the stranger cases
    // below succeeded, pausing the epoch for free; and the holder was refused.
    const cases: { who: "alice" | "bob" | "carol" | "individual" | "institution"; standing: (w: World) => bigint; ok: boolean }[] = [
      { who: "alice", standing: () => 0n, ok: true }, // holder
      { who: "bob", standing: (w) => w.bobRecord, ok: true }, // contributor, its record
      { who: "carol", standing: (w) => w.carolRecords[2]!, ok: true }, // contributor, its record
      { who: "carol", standing: (w) => w.resource, ok: true }, // holder of a parent, that parent
      { who: "bob", standing: () => 0n, ok: false }, // contributor naming nothing
      { who: "bob", standing: (w) => w.carolRecords[0]!, ok: false }, // someone else's record
      { who: "bob", standing: (w) => w.resource, ok: false }, // a parent it does not hold
      { who: "individual", standing: () => 0n, ok: false }, // a stranger
      { who: "individual", standing: (w) => w.bobRecord, ok: false },
      { who: "institution", standing: (w) => w.resource, ok: false },
    ];
    for (const { who, standing, ok } of cases) {
      const w = await loadFixture(world);
      const { disputeCourt: court, vault } = w.ledger;
      const claimant = w.ledger[who];
      const bond = await court.minimumBond(DisputeKind.SETTLEMENT);
      const attempt = open(w, { kind: DisputeKind.SETTLEMENT, claimant, assetId: w.product, subjectId: w.epochId, standingId: standing(w) }, bond);
      if (ok) {
        await send(attempt);
        expect((await vault.epoch(w.epochId)).status, `${who} may dispute`).to.equal(2n);
      } else {
        await expect(attempt, `${who} may not dispute`)
          .to.be.revertedWithCustomError(court, "DisputeCourtNoStanding")
          .withArgs(DisputeKind.SETTLEMENT, claimant.address);
        expect((await vault.epoch(w.epochId)).status).to.equal(1n); // still POSTED
      }
    }
  });

  it("gives standing on a contribution to its contributor, the product's holder and contributors naming their record", async () => {
    // Old code: any live party could dispute any contribution (the respondent was the contributor): the
    // stranger cases below froze bob's record for free.
    const cases: { who: "alice" | "bob" | "carol" | "individual"; standing: (w: World) => bigint; ok: boolean; respondent?: "alice" | "bob" }[] = [
      { who: "bob", standing: () => 0n, ok: true, respondent: "alice" }, // the contributor, against the holder
      { who: "alice", standing: () => 0n, ok: true, respondent: "bob" }, // the holder
      { who: "carol", standing: (w) => w.carolRecords[4]!, ok: true, respondent: "bob" }, // another contributor
      { who: "carol", standing: () => 0n, ok: false },
      { who: "carol", standing: (w) => w.aliceRecord, ok: false }, // a record not its own
      { who: "individual", standing: () => 0n, ok: false },
      { who: "individual", standing: (w) => w.carolRecords[0]!, ok: false },
    ];
    for (const { who, standing, ok, respondent } of cases) {
      const w = await loadFixture(world);
      const { disputeCourt: court, contributions } = w.ledger;
      const claimant = w.ledger[who];
      const bond = await court.minimumBond(DisputeKind.CONTRIBUTION);
      const attempt = open(w, { kind: DisputeKind.CONTRIBUTION, claimant, assetId: w.product, subjectId: w.bobRecord, standingId: standing(w) }, bond);
      if (ok) {
        await send(attempt);
        expect((await court.dispute(await court.disputeCount())).respondent).to.equal(w.ledger[respondent!].address);
      } else {
        await expect(attempt).to.be.revertedWithCustomError(court, "DisputeCourtNoStanding").withArgs(DisputeKind.CONTRIBUTION, claimant.address);
        expect((await contributions.contribution(w.bobRecord)).status).to.equal(ContributionStatus.CONFIRMED);
      }
    }
    // The holder's own record, disputed by the holder as contributor: nobody would answer.
    const w = await loadFixture(world);
    const bond = await w.ledger.disputeCourt.minimumBond(DisputeKind.CONTRIBUTION);
    await expect(open(w, { kind: DisputeKind.CONTRIBUTION, claimant: w.ledger.alice, assetId: w.product, subjectId: w.aliceRecord, standingId: 0n }, bond))
      .to.be.revertedWithCustomError(w.ledger.disputeCourt, "DisputeCourtSelfDispute")
      .withArgs(w.ledger.alice.address);
  });

  it("allows a claimant one open dispute per subject; other subjects and other claimants are separate", async () => {
    // Old code: nothing stopped a claimant from opening the same dispute again and again (each with a bond
    // of 0): the second `open` of each pair succeeded.
    const w = await loadFixture(world);
    const { disputeCourt: court, contributions, alice, bob, carol } = w.ledger;
    const policyBond = await court.minimumBond(DisputeKind.POLICY);
    const bobOnV1 = { kind: DisputeKind.POLICY, claimant: bob, assetId: w.product, subjectId: 1n, standingId: w.bobRecord };
    await send(open(w, bobOnV1, policyBond));
    const first = await court.disputeCount();
    expect(await court.claimState(bob.address, DisputeKind.POLICY, w.product, 1n)).to.deep.equal([first, false]);
    await expect(open(w, bobOnV1, policyBond + 1n)).to.be.revertedWithCustomError(court, "DisputeCourtAlreadyDisputed").withArgs(first);
    // Another claimant on the same subject, and the same claimant on another subject, pay their own bonds.
    await send(open(w, { ...bobOnV1, claimant: carol, standingId: w.carolRecords[1]! }, policyBond));
    await send(contributions.connect(alice).setSplitPolicy(w.product, [1_000, 4_000, 1_000, 4_000], EmptyStageRule.TO_HOLDER));
    await send(open(w, { ...bobOnV1, subjectId: 2n }, policyBond));

    const contributionBond = await court.minimumBond(DisputeKind.CONTRIBUTION);
    const onCarol = { kind: DisputeKind.CONTRIBUTION, claimant: alice, assetId: w.product, subjectId: w.carolRecords[3]!, standingId: 0n };
    await send(open(w, onCarol, contributionBond));
    const held = await court.disputeCount();
    await expect(open(w, onCarol, contributionBond)).to.be.revertedWithCustomError(court, "DisputeCourtAlreadyDisputed").withArgs(held);
  });

  it("bars a repeat on the same subject after a ruling or a lapse, until an arbitrator allows it", async () => {
    // Old code: a dismissed or lapsed claimant opened the same dispute again at once, for free: every
    // `DisputeCourtRepeatNotAllowed` below was a success.
    const ends = ["dismissed", "upheld", "lapsed"] as const;
    for (const end of ends) {
      for (const kind of [DisputeKind.CONTRIBUTION, DisputeKind.SETTLEMENT, DisputeKind.GRANT, DisputeKind.OBJECTION]) {
        const w = await loadFixture(world);
        const { disputeCourt: court, arbitrator, bob } = w.ledger;
        const c = casesOf(w).find((x) => x.kind === kind)!;
        const bond = await court.minimumBond(kind);
        await send(open(w, c, bond));
        const id = await court.disputeCount();
        await expect(court.connect(arbitrator).allowRepeat(id)).to.be.revertedWithCustomError(court, "DisputeCourtStillOpen").withArgs(id);
        if (end === "lapsed") {
          await time.increaseTo((await court.dispute(id)).rulingDeadline + 1n);
          await send(court.connect(bob).lapse(id));
        } else {
          await waitAnswerPeriod(w.ledger);
          const remedy =
            end === "dismissed"
              ? Remedy.DISMISS
              : ({
                  [DisputeKind.CONTRIBUTION]: Remedy.VOID_CONTRIBUTION,
                  [DisputeKind.SETTLEMENT]: Remedy.REJECT_SETTLEMENT,
                  [DisputeKind.GRANT]: Remedy.UPHOLD,
                  [DisputeKind.OBJECTION]: Remedy.UPHOLD,
                } as Record<number, number>)[kind]!;
          await send(court.connect(arbitrator).rule(id, ruling(remedy)));
        }
        expect((await court.claimState(c.claimant.address, c.kind, c.assetId, c.subjectId))[1]).to.equal(true);
        // The subject may not be disputable at all any more (a voided record, a rejected epoch); where it
        // is, the repeat bar is what refuses it.
        const again = open(w, c, bond);
        await expect(again, `${end} ${kind}`)
          .to.be.revertedWithCustomError(court, "DisputeCourtRepeatNotAllowed")
          .withArgs(c.kind, c.assetId, c.subjectId);

        await expect(court.connect(c.claimant).allowRepeat(id))
          .to.be.revertedWithCustomError(court, "LedgerAccessUnauthorized")
          .withArgs(c.claimant.address, ROLE_IDS.ARBITRATOR);
        await expect(court.connect(arbitrator).allowRepeat(id)).to.emit(court, "RepeatAllowed").withArgs(id, c.claimant.address, arbitrator.address);
        if (end === "dismissed" || end === "lapsed" || kind === DisputeKind.GRANT || kind === DisputeKind.OBJECTION) {
          // The subject is still there to dispute: the allowed repeat opens, and is again the only one.
          await send(open(w, c, bond));
          const repeat = await court.disputeCount();
          await expect(open(w, c, bond)).to.be.revertedWithCustomError(court, "DisputeCourtAlreadyDisputed").withArgs(repeat);
          await waitAnswerPeriod(w.ledger);
          await send(court.connect(arbitrator).rule(repeat, ruling(Remedy.DISMISS)));
          await expect(open(w, c, bond)).to.be.revertedWithCustomError(court, "DisputeCourtRepeatNotAllowed");
        }
      }
    }
  });

  it("makes N frozen claims cost the griefer N bonds, while the victim spends nothing and is paid on dismissal", async () => {
    // Old code: bob froze carol's records with bonds of 0, and froze each again right after every dismissal:
    // the cost assertions and the re-freeze refusals below failed.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: VICTIM_RECORDS }), fc.bigInt({ min: 0n, max: 1_000_000n }), async (n, extra) => {
        const w = await loadFixture(world);
        const { disputeCourt: court, contributions, token, bob, carol, arbitrator } = w.ledger;
        const bond = (await court.minimumBond(DisputeKind.CONTRIBUTION)) + extra;
        const victimBefore = await token.balanceOf(carol.address);
        const griefBefore = await token.balanceOf(bob.address);
        const targets = w.carolRecords.slice(0, n);
        const ids: bigint[] = [];
        for (const record of targets) {
          await send(open(w, { kind: DisputeKind.CONTRIBUTION, claimant: bob, assetId: w.product, subjectId: record, standingId: w.bobRecord }, bond));
          ids.push(await court.disputeCount());
          expect((await contributions.contribution(record)).status).to.equal(ContributionStatus.DISPUTED);
        }
        expect(griefBefore - (await token.balanceOf(bob.address))).to.equal(BigInt(n) * bond);
        expect(await token.balanceOf(carol.address)).to.equal(victimBefore);
        for (const record of targets) {
          await expect(open(w, { kind: DisputeKind.CONTRIBUTION, claimant: bob, assetId: w.product, subjectId: record, standingId: w.bobRecord }, bond)).to.be.revertedWithCustomError(
            court,
            "DisputeCourtAlreadyDisputed",
          );
        }
        await waitAnswerPeriod(w.ledger);
        for (const id of ids) await send(court.connect(arbitrator).rule(id, ruling(Remedy.DISMISS, { forfeitBond: true })));
        for (const record of targets) {
          expect((await contributions.contribution(record)).status).to.equal(ContributionStatus.CONFIRMED);
          await expect(open(w, { kind: DisputeKind.CONTRIBUTION, claimant: bob, assetId: w.product, subjectId: record, standingId: w.bobRecord }, bond)).to.be.revertedWithCustomError(
            court,
            "DisputeCourtRepeatNotAllowed",
          );
        }
        expect(await token.balanceOf(carol.address)).to.equal(victimBefore);
        expect(await court.bondCredit(carol.address)).to.equal(BigInt(n) * bond);
        await send(court.connect(carol).withdrawBond(carol.address, carol.address));
        expect(await token.balanceOf(carol.address)).to.equal(victimBefore + BigInt(n) * bond);
        expect(await token.balanceOf(bob.address)).to.equal(griefBefore - BigInt(n) * bond);
      }),
      { numRuns: 4 },
    );
  });
});

// ------------------------------------------------------------------------------------------------
// F02
// ------------------------------------------------------------------------------------------------

describe("F02 free, endless objections", () => {
  it("refuses an objection filed at the registry by anyone but the court", async () => {
    // Old code: `registry.fileObjection(assetId, grounds, uri)` was open to every live party, free and
    // unbounded; the court path was one of two. Here a party, the registrar and the admin are all refused.
    const w = await loadFixture(world);
    const { registry, bob, registrar, admin } = w.ledger;
    for (const caller of [bob, registrar, admin]) {
      await expect(registry.connect(caller).fileObjection(w.aliceAssets[0]!, bob.address, h("grounds"), ""))
        .to.be.revertedWithCustomError(registry, "LedgerAccessUnauthorized")
        .withArgs(caller.address, ROLE_IDS.COURT);
    }
    expect((await registry.asset(w.aliceAssets[0]!)).openObjections).to.equal(0n);
  });

  it("costs at least the OBJECTION minimum, set apart from the other kinds, and files the objection in the objector's name", async () => {
    // Old code: an objection cost nothing (direct filing, or a court dispute with a bond of 0).
    for (const [objectionMinimum, otherMinimum] of [
      [1n, 500_000n],
      [250_000n, 3n],
      [31_337n, 31_338n],
    ] as const) {
      const w = await loadFixture(world);
      const { disputeCourt: court, registry, token, admin, bob } = w.ledger;
      for (const kind of KINDS) await send(court.connect(admin).setMinimumBond(kind, kind === DisputeKind.OBJECTION ? objectionMinimum : otherMinimum));
      const assetId = w.aliceAssets[1]!;
      const c = { kind: DisputeKind.OBJECTION, claimant: bob, assetId, subjectId: 0n, standingId: 0n };
      await expect(open(w, c, objectionMinimum - 1n))
        .to.be.revertedWithCustomError(court, "DisputeCourtBondTooLow")
        .withArgs(DisputeKind.OBJECTION, objectionMinimum - 1n, objectionMinimum);
      await expect(open(w, c, objectionMinimum)).to.changeTokenBalance(ethers, token, bob, -objectionMinimum);
      const id = await court.disputeCount();
      const stored = await court.dispute(id);
      expect((await registry.objection(stored.subjectId)).objector).to.equal(bob.address);
      expect((await registry.asset(assetId)).openObjections).to.equal(1n);
    }
  });

  it("allows one open objection per objector and asset, and none after a ruling unless an arbitrator allows it", async () => {
    // Old code: an objector filed as many objections on one asset as it liked, again after each dismissal.
    const w = await loadFixture(world);
    const { disputeCourt: court, registry, bob, carol, arbitrator } = w.ledger;
    const assetId = w.aliceAssets[2]!;
    const bond = await court.minimumBond(DisputeKind.OBJECTION);
    const byBob = { kind: DisputeKind.OBJECTION, claimant: bob, assetId, subjectId: 0n, standingId: 0n };
    await send(open(w, byBob, bond));
    const first = await court.disputeCount();
    expect(await court.claimState(bob.address, DisputeKind.OBJECTION, assetId, 12345n)).to.deep.equal([first, false]);
    await expect(open(w, byBob, bond * 2n)).to.be.revertedWithCustomError(court, "DisputeCourtAlreadyDisputed").withArgs(first);
    await send(open(w, { ...byBob, claimant: carol }, bond));
    expect((await registry.asset(assetId)).openObjections).to.equal(2n);

    await waitAnswerPeriod(w.ledger);
    await send(court.connect(arbitrator).rule(first, ruling(Remedy.DISMISS, { forfeitBond: true })));
    expect((await registry.asset(assetId)).openObjections).to.equal(1n);
    await expect(open(w, byBob, bond)).to.be.revertedWithCustomError(court, "DisputeCourtRepeatNotAllowed").withArgs(DisputeKind.OBJECTION, assetId, 0n);
    await send(court.connect(arbitrator).allowRepeat(first));
    await send(open(w, byBob, bond));
    expect((await registry.asset(assetId)).openObjections).to.equal(2n);
  });

  it("makes N frozen certificates cost the objector N bonds, while the holder spends nothing and is paid on dismissal", async () => {
    // Old code: bob objected to all of alice's certificates at no cost (direct `fileObjection`), and again
    // after each dismissal: the cost and re-objection assertions below failed.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.bigInt({ min: 0n, max: 500_000n }), async (n, extra) => {
        const w = await loadFixture(world);
        const { disputeCourt: court, registry, grants, token, bob, alice, carol, registrar, arbitrator } = w.ledger;
        const bond = (await court.minimumBond(DisputeKind.OBJECTION)) + extra;
        const victimBefore = await token.balanceOf(alice.address);
        const griefBefore = await token.balanceOf(bob.address);
        const targets = w.aliceAssets.slice(0, n);
        const ids: bigint[] = [];
        for (const assetId of targets) {
          await send(open(w, { kind: DisputeKind.OBJECTION, claimant: bob, assetId, subjectId: 0n, standingId: 0n }, bond));
          ids.push(await court.disputeCount());
        }
        // Each certificate is frozen: no transfer, pledge or grant while the objection is open.
        for (const assetId of targets) {
          await expect(registry.connect(registrar).transferHolding(assetId, carol.address, TransferReason.SALE, h("sale")))
            .to.be.revertedWithCustomError(registry, "AssetRegistryUnderObjection")
            .withArgs(assetId);
          await expect(registry.connect(alice).pledge(assetId, carol.address, h("pledge"))).to.be.revertedWithCustomError(registry, "AssetRegistryUnderObjection");
          const now = BigInt(await time.latest());
          await expect(grants.connect(alice).grant(grantTerms(carol.address, assetId, Rights.USE, now))).to.be.revertedWithCustomError(
            grants,
            "GrantRegistryAssetNotGrantable",
          );
        }
        expect(griefBefore - (await token.balanceOf(bob.address))).to.equal(BigInt(n) * bond);
        expect(await token.balanceOf(alice.address)).to.equal(victimBefore);

        await waitAnswerPeriod(w.ledger);
        for (const id of ids) await send(court.connect(arbitrator).rule(id, ruling(Remedy.DISMISS, { forfeitBond: true })));
        for (const assetId of targets) {
          expect((await registry.asset(assetId)).openObjections).to.equal(0n);
          await expect(open(w, { kind: DisputeKind.OBJECTION, claimant: bob, assetId, subjectId: 0n, standingId: 0n }, bond)).to.be.revertedWithCustomError(
            court,
            "DisputeCourtRepeatNotAllowed",
          );
        }
        expect(await token.balanceOf(alice.address)).to.equal(victimBefore);
        expect(await court.bondCredit(alice.address)).to.equal(BigInt(n) * bond);
        await send(court.connect(alice).withdrawBond(alice.address, alice.address));
        expect(await token.balanceOf(alice.address)).to.equal(victimBefore + BigInt(n) * bond);
      }),
      { numRuns: 4 },
    );
  });

  it("objections to an application are court disputes too, and the applicant cannot object to its own", async () => {
    // Old code: an objection in the notice window was a free registry call.
    const w = await loadFixture(world);
    const { disputeCourt: court, registry, registrar, bob, alice } = w.ledger;
    const assetId = await fileApplication(w.ledger, alice);
    await send(registry.connect(registrar).acceptApplication(assetId));
    const bond = await court.minimumBond(DisputeKind.OBJECTION);
    await expect(open(w, { kind: DisputeKind.OBJECTION, claimant: alice, assetId, subjectId: 0n, standingId: 0n }, bond))
      .to.be.revertedWithCustomError(court, "DisputeCourtSelfDispute")
      .withArgs(alice.address);
    await expect(open(w, { kind: DisputeKind.OBJECTION, claimant: bob, assetId, subjectId: 0n, standingId: 0n }, bond - 1n)).to.be.revertedWithCustomError(
      court,
      "DisputeCourtBondTooLow",
    );
    await send(open(w, { kind: DisputeKind.OBJECTION, claimant: bob, assetId, subjectId: 0n, standingId: 0n }, bond));
    expect((await court.dispute(await court.disputeCount())).status).to.equal(DisputeStatus.OPEN);
    expect((await registry.asset(assetId)).openObjections).to.equal(1n);
  });
});

// ------------------------------------------------------------------------------------------------
// Windows
// ------------------------------------------------------------------------------------------------

describe("Windows are bounded, and no ruling comes before the answer period ends", () => {
  it("refuses notice periods, challenge windows, ruling and answer periods of 0 or beyond their bounds", async () => {
    // Old code: the notice period and the challenge window accepted 0 (a notice window nobody can object in,
    // a settlement claimable at once) and any uint32; the ruling period refused only 0 (a year and a second
    // passed); there was no answer period; the constructors took the same values.
    const w = await loadFixture(world);
    const { registry, vault, disputeCourt: court, admin } = w.ledger;
    const MINUTE = 60n;
    const HOUR = 3600n;
    const DAYS = 86_400n;
    const MAX32 = 2n ** 32n - 1n;
    for (const bad of [0n, 1n, MINUTE - 1n, 365n * DAYS + 1n, MAX32]) {
      await expect(registry.connect(admin).setNoticePeriod(bad)).to.be.revertedWithCustomError(registry, "AssetRegistryInvalidNoticePeriod").withArgs(bad);
    }
    for (const good of [MINUTE, 7n * DAYS, 365n * DAYS]) {
      await send(registry.connect(admin).setNoticePeriod(good));
      expect(await registry.noticePeriod()).to.equal(good);
    }
    for (const bad of [0n, MINUTE - 1n, 90n * DAYS + 1n, MAX32]) {
      await expect(vault.connect(admin).setChallengeWindow(bad)).to.be.revertedWithCustomError(vault, "RevenueVaultInvalidChallengeWindow").withArgs(bad);
    }
    for (const good of [MINUTE, 90n * DAYS]) {
      await send(vault.connect(admin).setChallengeWindow(good));
      expect(await vault.challengeWindow()).to.equal(good);
    }
    const answer = await court.answerPeriod();
    for (const bad of [0n, answer, 365n * DAYS + 1n, MAX32]) {
      await expect(court.connect(admin).setRulingPeriod(bad)).to.be.revertedWithCustomError(court, "DisputeCourtInvalidRulingPeriod").withArgs(bad);
    }
    await send(court.connect(admin).setRulingPeriod(365n * DAYS));
    for (const bad of [0n, HOUR - 1n]) {
      await expect(court.connect(admin).setAnswerPeriod(bad)).to.be.revertedWithCustomError(court, "DisputeCourtInvalidAnswerPeriod").withArgs(bad);
    }
    // An answer period as long as the ruling period would leave no time to rule.
    await expect(court.connect(admin).setAnswerPeriod(365n * DAYS)).to.be.revertedWithCustomError(court, "DisputeCourtInvalidRulingPeriod");
    await send(court.connect(admin).setAnswerPeriod(HOUR));
    await send(court.connect(admin).setRulingPeriod(HOUR + 1n));
    expect([await court.answerPeriod(), await court.rulingPeriod()]).to.deep.equal([HOUR, HOUR + 1n]);

    // The constructors take the same bounds.
    const manager = await w.ledger.accessManager.getAddress();
    const registryAddress = await registry.getAddress();
    const contributions = await w.ledger.contributions.getAddress();
    const token = await w.ledger.token.getAddress();
    await expect(ethers.deployContract("AssetRegistry", [manager, 0])).to.be.revertedWithCustomError(registry, "AssetRegistryInvalidNoticePeriod");
    await expect(ethers.deployContract("RevenueVault", [manager, registryAddress, contributions, token, 0])).to.be.revertedWithCustomError(
      vault,
      "RevenueVaultInvalidChallengeWindow",
    );
    const courtArgs = [manager, registryAddress, await w.ledger.grants.getAddress(), contributions, await vault.getAddress()];
    await expect(ethers.deployContract("DisputeCourt", [...courtArgs, 30n * DAYS, 0n, 10_000n])).to.be.revertedWithCustomError(court, "DisputeCourtInvalidAnswerPeriod");
    await expect(ethers.deployContract("DisputeCourt", [...courtArgs, 0n, HOUR, 10_000n])).to.be.revertedWithCustomError(court, "DisputeCourtInvalidRulingPeriod");
    await expect(ethers.deployContract("DisputeCourt", [...courtArgs, 30n * DAYS, HOUR, 0n])).to.be.revertedWithCustomError(court, "DisputeCourtInvalidMinimumBond");
  });

  it("refuses a ruling until the respondent's answer period (fixed at opening) has run", async () => {
    // Old code: an arbitrator could rule in the block after the opening: the rulings at `answerEndsAt - 1`
    // below succeeded.
    const HOUR = 3600n;
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: HOUR, max: 20n * 86_400n }), fc.bigInt({ min: HOUR, max: 20n * 86_400n }), async (answer, later) => {
        const w = await loadFixture(world);
        const { disputeCourt: court, admin, arbitrator, bob } = w.ledger;
        await send(court.connect(admin).setAnswerPeriod(answer));
        await send(open(w, { kind: DisputeKind.POLICY, claimant: bob, assetId: w.product, subjectId: 1n, standingId: w.bobRecord }, await court.minimumBond(DisputeKind.POLICY)));
        const id = await court.disputeCount();
        const openedAt = BigInt(await time.latest());
        const { answerEndsAt } = await court.dispute(id);
        expect(answerEndsAt).to.equal(openedAt + answer);
        // A later change of the setting does not shorten the time of a dispute already open.
        await send(court.connect(admin).setAnswerPeriod(later));
        await expect(court.connect(arbitrator).rule(id, ruling(Remedy.UPHOLD)))
          .to.be.revertedWithCustomError(court, "DisputeCourtAnswerPeriodNotOver")
          .withArgs(id, answerEndsAt);
        await time.setNextBlockTimestamp(answerEndsAt - 1n);
        await expect(court.connect(arbitrator).rule(id, ruling(Remedy.UPHOLD)))
          .to.be.revertedWithCustomError(court, "DisputeCourtAnswerPeriodNotOver")
          .withArgs(id, answerEndsAt);
        await time.setNextBlockTimestamp(answerEndsAt);
        await expect(court.connect(arbitrator).rule(id, ruling(Remedy.UPHOLD))).to.emit(court, "DisputeRuled");
      }),
      { numRuns: 4 },
    );
  });
});
