import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import type { ContractTransactionResponse, Interface } from "ethers";
import { network } from "hardhat";

import { ROLE_IDS } from "../ledger/roles.js";
import {
  AssetKind,
  AssetStatus,
  ContributionRole,
  ContributionStatus,
  DisputeKind,
  DisputeStatus,
  EmptyStageRule,
  GrantStatus,
  ObjectionStatus,
  Remedy,
  Rights,
  Stage,
  TransferReason,
} from "../ledger/types.js";
import {
  ANSWER_PERIOD,
  CHALLENGE_WINDOW,
  DAY,
  deployLedger,
  fileApplication,
  grantTerms,
  h,
  issueAsset,
  makeGrant,
  MIN_BOND,
  recordedIds,
  RULING_PERIOD,
  ZERO_HASH,
  type Ledger,
} from "./helpers/ledger.js";
import { actorsExcept, send } from "./helpers/registry.js";
import { AllocationTree, EpochStatus, escrowAccount } from "./helpers/vault.js";
import type { DisputeCourt, FeeOnTransferToken, RevenueVault } from "../types/ethers-contracts/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
/** The bond of the tests' disputes: the deployment's minimum for every kind. */
const BOND = MIN_BOND;
const MIN_ANSWER_PERIOD = 3_600n;
const MAX_RULING_PERIOD = 365n * DAY;
const UINT96_MAX = 2n ** 96n - 1n;
const ALL_KINDS = Object.values(DisputeKind);

// ------------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------------

interface World extends Ledger {
  court: DisputeCourt;
  /** An issued resource held by alice. */
  resource: bigint;
  /** alice's grant to bob (PROCESS, USE) on the resource. */
  grantId: bigint;
  /** An issued product held by bob, derived from the resource under the grant; policy version 1. */
  product: bigint;
  /** Contributions to the product: 1 bob's (holder) and 2 alice's (provider), confirmed; 3 alice's, recorded. */
  confirmedByHolder: bigint;
  confirmedByProvider: bigint;
  recordedByProvider: bigint;
  /** 4: carol's processing of the product (under bob's grant), recorded: her standing as a contributor. */
  carolRecord: bigint;
  /** carol's application, filed and not yet accepted. */
  pending: bigint;
}

async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { contributions, token, vault, alice, bob, carol, individual, institution } = ledger;
  const court = ledger.disputeCourt;
  const resource = await issueAsset(connection, ledger, alice);
  const now = BigInt(await time.latest());
  const grantId = await makeGrant(ledger, alice, grantTerms(bob.address, resource, Rights.PROCESS | Rights.USE, now));
  const product = await issueAsset(connection, ledger, bob, {
    kind: AssetKind.PRODUCT,
    parents: [{ assetId: resource, grantId }],
  });
  const input = (role: number, stage: number, authorization: bigint, measure: bigint) => ({
    productId: product,
    stage,
    role,
    measure,
    authorization,
    evidenceHash: h(`invoice-${role}-${measure}`),
    evidenceURI: "ipfs://invoice",
  });
  const [confirmedByHolder] = await recordedIds(ledger, contributions.connect(bob).record([input(ContributionRole.HOLDER, Stage.APPLICATION, 0n, 4_000n)]));
  // Two records of one product in one call: neighbours in one window.
  const [confirmedByProvider, recordedByProvider] = await recordedIds(
    ledger,
    contributions.connect(alice).record([
      input(ContributionRole.PROVIDER, Stage.COLLECTION, resource, 6_000n),
      input(ContributionRole.PROVIDER, Stage.COLLECTION, resource, 1_000n),
    ]),
  );
  const processGrant = await makeGrant(ledger, bob, grantTerms(carol.address, product, Rights.PROCESS, BigInt(await time.latest())));
  const [carolRecord] = await recordedIds(
    ledger,
    contributions.connect(carol).record([input(ContributionRole.PROCESSOR, Stage.PROCESSING, processGrant, 500n)]),
  );
  await send(contributions.connect(bob).confirm([confirmedByHolder!, confirmedByProvider!]));
  await send(contributions.connect(bob).setSplitPolicy(product, [5_000, 0, 0, 5_000], EmptyStageRule.TO_HOLDER));
  const pending = await fileApplication(ledger, carol);
  for (const signer of [alice, bob, carol, individual, institution]) {
    await send(token.mint(signer.address, 1_000_000n));
    await send(token.connect(signer).approve(await court.getAddress(), ethers.MaxUint256));
    await send(token.connect(signer).approve(await vault.getAddress(), ethers.MaxUint256));
  }
  await send(vault.connect(carol).deposit(product, 10_000n, h("order-1")));
  return {
    ...ledger,
    court,
    resource,
    grantId,
    product,
    confirmedByHolder: confirmedByHolder!,
    confirmedByProvider: confirmedByProvider!,
    recordedByProvider: recordedByProvider!,
    carolRecord: carolRecord!,
    pending,
  };
}

/**
 * The standing id a claimant names by default: one of its own contribution records on the product (carol's
 * and alice's), none for the others. Kinds that take no standing ignore it.
 */
function standingOf(w: World, claimant: HardhatEthersSigner): bigint {
  if (claimant.address === w.carol.address) return w.carolRecord;
  if (claimant.address === w.alice.address) return w.confirmedByProvider;
  return 0n;
}

interface OpenOptions {
  bond?: bigint;
  standingId?: bigint;
}

/** `claimant` opens a dispute (its default standing, the minimum bond) and returns the transaction. */
function openTx(
  w: World,
  claimant: HardhatEthersSigner,
  kind: number,
  assetId: bigint,
  subjectId: bigint,
  options: OpenOptions = {},
): Promise<ContractTransactionResponse> {
  return w.court
    .connect(claimant)
    .openDispute(kind, assetId, subjectId, options.standingId ?? standingOf(w, claimant), options.bond ?? BOND, h("grounds"), "ipfs://grounds");
}

/** Opens a dispute and returns its id. */
async function open(
  w: World,
  claimant: HardhatEthersSigner,
  kind: number,
  assetId: bigint,
  subjectId: bigint,
  options: OpenOptions = {},
): Promise<bigint> {
  await send(openTx(w, claimant, kind, assetId, subjectId, options));
  return w.court.disputeCount();
}

function ruling(remedy: number, overrides: Partial<RulingInput> = {}): RulingInput {
  return {
    remedy,
    adjustedMeasure: 0n,
    transferTo: ZERO_ADDRESS,
    forfeitBond: false,
    rulingHash: h(`ruling-${remedy}`),
    rulingURI: "ipfs://ruling",
    ...overrides,
  };
}

interface RulingInput {
  remedy: number;
  adjustedMeasure: bigint;
  transferTo: string;
  forfeitBond: boolean;
  rulingHash: string;
  rulingURI: string;
}

/** Lets the respondent's time to answer `disputeId` run out (no ruling comes before it). */
async function afterAnswer(w: World, disputeId: bigint): Promise<void> {
  const { answerEndsAt } = await w.court.dispute(disputeId);
  if (BigInt(await time.latest()) < answerEndsAt) await time.increaseTo(answerEndsAt);
}

/** An arbitrator's ruling on `disputeId`, once the respondent's time to answer is over. */
async function rule(w: World, disputeId: bigint, given: RulingInput): Promise<ContractTransactionResponse> {
  await afterAnswer(w, disputeId);
  return w.court.connect(w.arbitrator).rule(disputeId, given);
}

/** Settles the product's 10,000 with the provider's confirmed share in the escrow of `disputeId`. */
async function settleWithEscrow(w: World, disputeId: bigint): Promise<{ tree: AllocationTree; epochId: bigint }> {
  const tree = new AllocationTree([
    { account: w.bob.address, amount: 4_000n },
    { account: escrowAccount(disputeId), amount: 6_000n },
  ]);
  const stateBlock = BigInt(await ethers.provider.getBlockNumber());
  await send(w.vault.connect(w.settler).settle(w.product, 1, tree.total, tree.root, stateBlock, h("inputs")));
  return { tree, epochId: await w.vault.epochCount() };
}

function signer(w: World, name: string): HardhatEthersSigner {
  return (w.actors as unknown as Record<string, HardhatEthersSigner>)[name]!;
}

/** The court's constructor arguments: the deployed contracts and the given settings. */
async function courtArgs(w: World, rulingPeriod: bigint, answerPeriod: bigint, minimumBond: bigint) {
  return [
    await w.accessManager.getAddress(),
    await w.registry.getAddress(),
    await w.grants.getAddress(),
    await w.contributions.getAddress(),
    await w.vault.getAddress(),
    rulingPeriod,
    answerPeriod,
    minimumBond,
  ] as const;
}

// ------------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------------

describe("DisputeCourt", () => {
  describe("deployment", () => {
    it("holds the roles it carries rulings out with, writes evidence, and takes bonds in the settlement token", async () => {
      const w = await loadFixture(world);
      const court = await w.court.getAddress();
      for (const role of [ROLE_IDS.COURT, ROLE_IDS.ARBITRATOR, ROLE_IDS.REGISTRAR]) {
        expect((await w.accessManager.hasRole(role, court))[0], `role ${role}`).to.equal(true);
      }
      expect((await w.accessManager.hasRole(ROLE_IDS.ADMIN, court))[0]).to.equal(false);
      expect(await w.registry.isEvidenceWriter(court)).to.equal(true);
      expect(await w.court.bondToken()).to.equal(await w.token.getAddress());
      expect(await w.court.rulingPeriod()).to.equal(RULING_PERIOD);
      expect(await w.court.answerPeriod()).to.equal(ANSWER_PERIOD);
      expect(await w.court.MIN_ANSWER_PERIOD()).to.equal(MIN_ANSWER_PERIOD);
      expect(await w.court.MAX_RULING_PERIOD()).to.equal(MAX_RULING_PERIOD);
      for (const kind of ALL_KINDS) expect(await w.court.minimumBond(kind), `kind ${kind}`).to.equal(MIN_BOND);
      expect(await w.court.disputeCount()).to.equal(0n);
    });

    it("announces its periods and every kind's minimum bond when deployed", async () => {
      const w = await loadFixture(world);
      const factory = await ethers.getContractFactory("DisputeCourt");
      const court = await factory.deploy(...(await courtArgs(w, 10n * DAY, 2n * DAY, 123n)));
      const tx = court.deploymentTransaction()!;
      await expect(tx).to.emit(court, "RulingPeriodSet").withArgs(10n * DAY);
      await expect(tx).to.emit(court, "AnswerPeriodSet").withArgs(2n * DAY);
      for (const kind of ALL_KINDS) await expect(tx).to.emit(court, "MinimumBondSet").withArgs(kind, 123n);
    });

    it("refuses a zero address", async () => {
      const w = await loadFixture(world);
      const args = await courtArgs(w, RULING_PERIOD, ANSWER_PERIOD, MIN_BOND);
      const factory = await ethers.getContractFactory("DisputeCourt");
      for (let i = 0; i < 5; i += 1) {
        const withZero = args.map((a, j) => (j === i ? ZERO_ADDRESS : a)) as unknown as typeof args;
        if (i === 4) {
          // The vault is asked for its token first: a call to address zero returns nothing.
          await expect(factory.deploy(...withZero)).to.be.revert(ethers);
        } else {
          await expect(factory.deploy(...withZero)).to.be.revertedWithCustomError(w.court, "LedgerAccessZeroAddress");
        }
      }
    });

    it("refuses a ruling period not longer than the answer period or above a year, an answer period under an hour, a zero minimum bond", async () => {
      const w = await loadFixture(world);
      const factory = await ethers.getContractFactory("DisputeCourt");
      for (const [rulingPeriod, answerPeriod] of [
        [0n, ANSWER_PERIOD],
        [ANSWER_PERIOD, ANSWER_PERIOD],
        [ANSWER_PERIOD - 1n, ANSWER_PERIOD],
        [MAX_RULING_PERIOD + 1n, ANSWER_PERIOD],
      ] as const) {
        await expect(factory.deploy(...(await courtArgs(w, rulingPeriod, answerPeriod, MIN_BOND))))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRulingPeriod")
          .withArgs(rulingPeriod);
      }
      for (const answerPeriod of [0n, MIN_ANSWER_PERIOD - 1n]) {
        await expect(factory.deploy(...(await courtArgs(w, RULING_PERIOD, answerPeriod, MIN_BOND))))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidAnswerPeriod")
          .withArgs(answerPeriod);
      }
      for (const minimumBond of [0n, UINT96_MAX + 1n]) {
        await expect(factory.deploy(...(await courtArgs(w, RULING_PERIOD, ANSWER_PERIOD, minimumBond))))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidMinimumBond")
          .withArgs(DisputeKind.OBJECTION, minimumBond);
      }
      // The bounds themselves are accepted.
      await factory.deploy(...(await courtArgs(w, MAX_RULING_PERIOD, MIN_ANSWER_PERIOD, UINT96_MAX)));
      await factory.deploy(...(await courtArgs(w, MIN_ANSWER_PERIOD + 1n, MIN_ANSWER_PERIOD, 1n)));
    });
  });

  describe("settings", () => {
    it("the ruling period: admin only, longer than the answer period, a year at most, for later disputes", async () => {
      const w = await loadFixture(world);
      const before = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      const deadline = (await w.court.dispute(before)).rulingDeadline;
      await expect(w.court.connect(w.admin).setRulingPeriod(2n * DAY)).to.emit(w.court, "RulingPeriodSet").withArgs(2n * DAY);
      expect(await w.court.rulingPeriod()).to.equal(2n * DAY);
      // Setting the same value again changes nothing and announces nothing.
      await expect(w.court.connect(w.admin).setRulingPeriod(2n * DAY)).to.not.emit(w.court, "RulingPeriodSet");
      const after = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      expect((await w.court.dispute(after)).rulingDeadline).to.equal(BigInt(await time.latest()) + 2n * DAY);
      expect((await w.court.dispute(before)).rulingDeadline).to.equal(deadline);
      // Before the audit any non-zero period was accepted, one shorter than the time to answer included.
      for (const period of [0n, ANSWER_PERIOD, ANSWER_PERIOD - 1n, MAX_RULING_PERIOD + 1n]) {
        await expect(w.court.connect(w.admin).setRulingPeriod(period))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRulingPeriod")
          .withArgs(period);
      }
      await send(w.court.connect(w.admin).setRulingPeriod(MAX_RULING_PERIOD));
      for (const name of actorsExcept("admin")) {
        await expect(w.court.connect(signer(w, name)).setRulingPeriod(3n * DAY), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ADMIN);
      }
    });

    it("the answer period: admin only, an hour at least, shorter than the ruling period, for later disputes", async () => {
      const w = await loadFixture(world);
      const before = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      const answerEndsAt = (await w.court.dispute(before)).answerEndsAt;
      await expect(w.court.connect(w.admin).setAnswerPeriod(MIN_ANSWER_PERIOD))
        .to.emit(w.court, "AnswerPeriodSet")
        .withArgs(MIN_ANSWER_PERIOD);
      expect(await w.court.answerPeriod()).to.equal(MIN_ANSWER_PERIOD);
      const after = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      expect((await w.court.dispute(after)).answerEndsAt).to.equal(BigInt(await time.latest()) + MIN_ANSWER_PERIOD);
      expect((await w.court.dispute(before)).answerEndsAt).to.equal(answerEndsAt);
      for (const period of [0n, MIN_ANSWER_PERIOD - 1n]) {
        await expect(w.court.connect(w.admin).setAnswerPeriod(period))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidAnswerPeriod")
          .withArgs(period);
      }
      // Not as long as the ruling period: the arbitrator must have time to rule.
      await expect(w.court.connect(w.admin).setAnswerPeriod(RULING_PERIOD))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRulingPeriod")
        .withArgs(RULING_PERIOD);
      await send(w.court.connect(w.admin).setAnswerPeriod(RULING_PERIOD - 1n));
      for (const name of actorsExcept("admin")) {
        await expect(w.court.connect(signer(w, name)).setAnswerPeriod(2n * DAY), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ADMIN);
      }
    });

    it("the minimum bond: admin only, per kind, never zero", async () => {
      const w = await loadFixture(world);
      await expect(w.court.connect(w.admin).setMinimumBond(DisputeKind.POLICY, 20_000n))
        .to.emit(w.court, "MinimumBondSet")
        .withArgs(DisputeKind.POLICY, 20_000n);
      expect(await w.court.minimumBond(DisputeKind.POLICY)).to.equal(20_000n);
      for (const kind of ALL_KINDS.filter((k) => k !== DisputeKind.POLICY)) {
        expect(await w.court.minimumBond(kind)).to.equal(MIN_BOND);
      }
      await expect(openTx(w, w.carol, DisputeKind.POLICY, w.product, 1n, { bond: 19_999n }))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtBondTooLow")
        .withArgs(DisputeKind.POLICY, 19_999n, 20_000n);
      await send(openTx(w, w.carol, DisputeKind.POLICY, w.product, 1n, { bond: 20_000n }));
      for (const bad of [0n, UINT96_MAX + 1n]) {
        await expect(w.court.connect(w.admin).setMinimumBond(DisputeKind.GRANT, bad))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidMinimumBond")
          .withArgs(DisputeKind.GRANT, bad);
      }
      for (const name of actorsExcept("admin")) {
        await expect(w.court.connect(signer(w, name)).setMinimumBond(DisputeKind.POLICY, 1n), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ADMIN);
      }
    });

    it("are refused once the manager closes the court, and to an admin whose role carries an execution delay", async () => {
      const w = await loadFixture(world);
      const target = await w.court.getAddress();
      await send(w.accessManager.connect(w.admin).setTargetClosed(target, true));
      for (const call of [
        () => w.court.connect(w.admin).setRulingPeriod(2n * DAY),
        () => w.court.connect(w.admin).setAnswerPeriod(2n * 3_600n),
        () => w.court.connect(w.admin).setMinimumBond(DisputeKind.POLICY, 1n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(w.court, "LedgerAccessTargetClosed").withArgs(target);
      }
      await send(w.accessManager.connect(w.admin).setTargetClosed(target, false));
      await send(w.accessManager.connect(w.admin).grantRole(ROLE_IDS.ADMIN, w.outsider.address, 60));
      await expect(w.court.connect(w.outsider).setRulingPeriod(2n * DAY))
        .to.be.revertedWithCustomError(w.court, "LedgerAccessExecutionDelay")
        .withArgs(w.outsider.address, ROLE_IDS.ADMIN, 60n);
    });
  });

  describe("opening", () => {
    it("an objection: files a court objection in the registry that blocks issue, on the asset's evidence chain", async () => {
      const w = await loadFixture(world);
      const [seqBefore] = await w.registry.evidenceHead(w.pending);
      const tx = w.court.connect(w.alice).openDispute(DisputeKind.OBJECTION, w.pending, 0n, 0n, BOND, h("mine"), "ipfs://g");
      const openedAt = BigInt(await time.latest()) + 1n;
      const deadline = openedAt + RULING_PERIOD;
      await expect(tx)
        .to.emit(w.court, "DisputeOpened")
        .withArgs(1n, w.pending, w.alice.address, DisputeKind.OBJECTION, 1n, w.carol.address, BOND, h("mine"), "ipfs://g", deadline);
      await expect(tx).to.emit(w.registry, "ObjectionFiled").withArgs(w.pending, 1n, w.alice.address, h("mine"), "ipfs://g");
      await expect(tx)
        .to.emit(w.registry, "EvidenceAppended")
        .withArgs(w.pending, seqBefore + 2n, w.court.interface.getEvent("DisputeOpened").topicHash, anyValue, w.alice.address, anyValue, anyValue);

      const stored = await w.court.dispute(1n);
      expect(stored.kind).to.equal(DisputeKind.OBJECTION);
      expect(stored.status).to.equal(DisputeStatus.OPEN);
      expect(stored.remedy).to.equal(Remedy.NONE);
      expect(stored.assetId).to.equal(w.pending);
      expect(stored.subjectId).to.equal(1n);
      expect(stored.claimant).to.equal(w.alice.address);
      expect(stored.respondent).to.equal(w.carol.address);
      expect(stored.bond).to.equal(BOND);
      expect(stored.answerEndsAt).to.equal(openedAt + ANSWER_PERIOD);
      expect(stored.rulingDeadline).to.equal(deadline);
      expect(await w.court.claimState(w.alice.address, DisputeKind.OBJECTION, w.pending, 0n)).to.deep.equal([1n, false]);

      // Every objection is the court's: the record no longer needs a flag saying so.
      const objection = await w.registry.objection(1n);
      expect([objection.assetId, objection.objector, objection.status]).to.deep.equal([w.pending, w.alice.address, BigInt(ObjectionStatus.OPEN)]);
      expect(w.registry.interface.getFunction("objection").outputs[0]!.components!.map((c) => c.name)).to.deep.equal([
        "assetId",
        "objector",
        "status",
      ]);
      // The registration cannot complete while the dispute is open, and the registrar cannot settle it.
      await send(w.registry.connect(w.registrar).acceptApplication(w.pending));
      await time.increase(8n * DAY);
      await expect(w.registry.connect(w.registrar).issueCertificate(w.pending))
        .to.be.revertedWithCustomError(w.registry, "AssetRegistryUnderObjection")
        .withArgs(w.pending);
      for (const name of ["registrar", "arbitrator"] as const) {
        await expect(w.registry.connect(signer(w, name)).resolveObjection(1n, false, h("no")))
          .to.be.revertedWithCustomError(w.registry, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.COURT);
      }
    });

    it("an objection to an issued certificate blocks its transfer", async () => {
      const w = await loadFixture(world);
      await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.bob.address);
      await expect(
        w.registry.connect(w.registrar).transferHolding(w.product, w.carol.address, TransferReason.SALE, h("sale")),
      )
        .to.be.revertedWithCustomError(w.registry, "AssetRegistryUnderObjection")
        .withArgs(w.product);
    });

    it("a contribution by another contributor naming its own record: marks it DISPUTED, remembering the status a dismissal restores", async () => {
      const w = await loadFixture(world);
      await expect(w.court.connect(w.carol).openDispute(DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider, w.carolRecord, BOND, h("g"), ""))
        .to.emit(w.contributions, "ContributionDisputed")
        .withArgs(w.confirmedByProvider, w.product, 1n, ContributionStatus.CONFIRMED);
      expect((await w.contributions.contribution(w.confirmedByProvider)).status).to.equal(ContributionStatus.DISPUTED);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.alice.address);
      await expect(w.contributions.connect(w.bob).confirm([w.confirmedByProvider]))
        .to.be.revertedWithCustomError(w.contributions, "ContributionLedgerNotConfirmable")
        .withArgs(w.confirmedByProvider, ContributionStatus.DISPUTED);
    });

    it("a contribution disputed by the product's holder answers to its contributor", async () => {
      const w = await loadFixture(world);
      await open(w, w.bob, DisputeKind.CONTRIBUTION, w.product, w.carolRecord);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.carol.address);
    });

    it("a contribution disputed by its own contributor answers to the product's holder", async () => {
      const w = await loadFixture(world);
      await open(w, w.alice, DisputeKind.CONTRIBUTION, w.product, w.recordedByProvider, { standingId: 0n });
      expect((await w.court.dispute(1n)).respondent).to.equal(w.bob.address);
      expect((await w.contributions.contribution(w.recordedByProvider)).status).to.equal(ContributionStatus.DISPUTED);
    });

    it("a grant: its grantee answers the grantor or the asset's holder; its grantor answers the grantee", async () => {
      const w = await loadFixture(world);
      await open(w, w.alice, DisputeKind.GRANT, w.resource, w.grantId);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.bob.address);
      await open(w, w.bob, DisputeKind.GRANT, w.resource, w.grantId);
      expect((await w.court.dispute(2n)).respondent).to.equal(w.alice.address);
      // Nothing is held: the grant stays valid until a ruling.
      expect((await w.grants.getGrant(w.grantId)).status).to.equal(GrantStatus.ACTIVE);
    });

    it("a sub-grant: the grantors above it and the asset's holder have standing against its grantee", async () => {
      const w = await loadFixture(world);
      const { grants, registry, registrar, alice, bob, carol, individual, institution, authority, resource } = w;
      const now = BigInt(await time.latest());
      const chain = Rights.USE | Rights.SUBLICENSE;
      const top = await makeGrant(w, alice, grantTerms(bob.address, resource, chain, now));
      await send(grants.connect(bob).subGrant(top, grantTerms(carol.address, resource, chain, now)));
      const middle = await grants.grantCount();
      await send(grants.connect(carol).subGrant(middle, grantTerms(individual.address, resource, Rights.USE, now)));
      const bottom = await grants.grantCount();
      // The resource changes hands: its holder is now the institution, alice only an upstream grantor.
      await send(registry.connect(registrar).transferHolding(resource, institution.address, TransferReason.SALE, h("sale")));
      for (const claimant of [alice, bob, carol, institution]) {
        const id = await open(w, claimant, DisputeKind.GRANT, resource, bottom, { standingId: 0n });
        expect((await w.court.dispute(id)).respondent, claimant.address).to.equal(individual.address);
      }
      const byGrantee = await open(w, individual, DisputeKind.GRANT, resource, bottom);
      expect((await w.court.dispute(byGrantee)).respondent).to.equal(carol.address);
      await send(w.token.mint(authority.address, BOND));
      await send(w.token.connect(authority).approve(await w.court.getAddress(), BOND));
      await expect(openTx(w, authority, DisputeKind.GRANT, resource, bottom))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNoStanding")
        .withArgs(DisputeKind.GRANT, authority.address);
    });

    it("a settlement: pauses its claims; a contributor or a parent's holder disputes against the holder", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      await expect(w.court.connect(w.alice).openDispute(DisputeKind.SETTLEMENT, w.product, epochId, w.resource, BOND, h("wrong"), ""))
        .to.emit(w.vault, "SettlementPaused")
        .withArgs(epochId, w.product, await w.court.getAddress(), h("wrong"));
      expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.PAUSED);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.bob.address);
    });

    it("a settlement disputed by the product's holder: nobody answers, the settlement is the ledger's act", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      await expect(openTx(w, w.bob, DisputeKind.SETTLEMENT, w.product, epochId))
        .to.emit(w.court, "DisputeOpened")
        .withArgs(1n, w.product, w.bob.address, DisputeKind.SETTLEMENT, epochId, ZERO_ADDRESS, BOND, h("grounds"), "ipfs://grounds", anyValue);
      expect((await w.court.dispute(1n)).respondent).to.equal(ZERO_ADDRESS);
      expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.PAUSED);
    });

    it("a policy version: a contributor naming its record, answered by the holder", async () => {
      const w = await loadFixture(world);
      await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      const stored = await w.court.dispute(1n);
      expect([stored.kind, stored.subjectId, stored.respondent]).to.deep.equal([DisputeKind.POLICY, 1n, w.bob.address]);
    });

    it("holds the bond that arrived, in the settlement token", async () => {
      const w = await loadFixture(world);
      const court = await w.court.getAddress();
      const bond = BOND + 500n;
      await expect(openTx(w, w.carol, DisputeKind.POLICY, w.product, 1n, { bond })).to.changeTokenBalances(
        ethers,
        w.token,
        [w.carol, court],
        [-bond, bond],
      );
      expect((await w.court.dispute(1n)).bond).to.equal(bond);
    });

    it("refuses an account that is not a live party", async () => {
      const w = await loadFixture(world);
      await expect(w.court.connect(w.outsider).openDispute(DisputeKind.POLICY, w.product, 1n, 0n, BOND, h("g"), ""))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotLiveParty")
        .withArgs(w.outsider.address);
      await send(w.registry.connect(w.registrar).recordSuccession(w.carol.address, w.individual.address, h("merger")));
      await expect(openTx(w, w.carol, DisputeKind.POLICY, w.product, 1n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotLiveParty")
        .withArgs(w.carol.address);
    });

    it("refuses empty grounds", async () => {
      const w = await loadFixture(world);
      await expect(
        w.court.connect(w.alice).openDispute(DisputeKind.POLICY, w.product, 1n, w.confirmedByProvider, BOND, ZERO_HASH, ""),
      ).to.be.revertedWithCustomError(w.court, "DisputeCourtEmptyHash");
    });

    it("refuses a subject that does not exist or belongs to another asset", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const cases: [string, number, bigint, bigint][] = [
        ["objection with a subject id", DisputeKind.OBJECTION, w.product, 1n],
        ["objection to an unknown asset", DisputeKind.OBJECTION, 99n, 0n],
        ["unknown grant", DisputeKind.GRANT, w.resource, 99n],
        ["grant of another asset", DisputeKind.GRANT, w.product, w.grantId],
        ["unknown contribution", DisputeKind.CONTRIBUTION, w.product, 99n],
        ["contribution to another asset", DisputeKind.CONTRIBUTION, w.resource, w.confirmedByHolder],
        ["unknown epoch", DisputeKind.SETTLEMENT, w.product, 99n],
        ["epoch of another asset", DisputeKind.SETTLEMENT, w.resource, epochId],
        ["policy version 0", DisputeKind.POLICY, w.product, 0n],
        ["policy version not set", DisputeKind.POLICY, w.product, 2n],
        ["policy of an asset without one", DisputeKind.POLICY, w.resource, 1n],
      ];
      for (const [label, kind, assetId, subjectId] of cases) {
        await expect(openTx(w, w.carol, kind, assetId, subjectId), label)
          .to.be.revertedWithCustomError(w.court, "DisputeCourtSubjectMismatch")
          .withArgs(kind, assetId, subjectId);
      }
      expect(await w.court.disputeCount()).to.equal(0n);
    });

    it("refuses a dispute against oneself", async () => {
      const w = await loadFixture(world);
      const cases: [HardhatEthersSigner, number, bigint, bigint][] = [
        [w.bob, DisputeKind.OBJECTION, w.product, 0n],
        [w.bob, DisputeKind.POLICY, w.product, 1n],
        [w.bob, DisputeKind.CONTRIBUTION, w.product, w.confirmedByHolder], // bob's own contribution to his own product
        [w.carol, DisputeKind.OBJECTION, w.pending, 0n], // an applicant objecting to its own application
      ];
      for (const [claimant, kind, assetId, subjectId] of cases) {
        await expect(openTx(w, claimant, kind, assetId, subjectId, { standingId: w.confirmedByHolder }))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtSelfDispute")
          .withArgs(claimant.address);
      }
    });

    it("refuses a dispute against oneself reached through successions (a grantee merged into its grantor)", async () => {
      const w = await loadFixture(world);
      // Before the fix the GRANT respondent was not compared with the claimant: alice disputed against alice.
      await send(w.registry.connect(w.registrar).recordSuccession(w.bob.address, w.alice.address, h("merger")));
      await expect(openTx(w, w.alice, DisputeKind.GRANT, w.resource, w.grantId))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtSelfDispute")
        .withArgs(w.alice.address);
      expect(await w.court.disputeCount()).to.equal(0n);
    });

    it("refuses a claimant without standing on the subject", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const { individual, carol, alice } = w;
      const cases: [string, HardhatEthersSigner, number, bigint, bigint, bigint][] = [
        // A party with no link to the product or the grant.
        ["stranger on a contribution", individual, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider, 0n],
        ["stranger on a settlement", individual, DisputeKind.SETTLEMENT, w.product, epochId, 0n],
        ["stranger on a policy", individual, DisputeKind.POLICY, w.product, 1n, 0n],
        ["stranger on a grant", individual, DisputeKind.GRANT, w.resource, w.grantId, 0n],
        // A contributor that names no record, another's record, an unknown one or one on another asset.
        ["contributor naming nothing", carol, DisputeKind.POLICY, w.product, 1n, 0n],
        ["contributor naming another's record", carol, DisputeKind.POLICY, w.product, 1n, w.confirmedByProvider],
        ["contributor naming an unknown record", carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider, 99n],
        ["contributor on a settlement naming another's record", carol, DisputeKind.SETTLEMENT, w.product, epochId, w.confirmedByHolder],
        // A parent's holder must name that parent; a non-parent does not count.
        ["a parent's holder naming another's record", alice, DisputeKind.SETTLEMENT, w.product, epochId, w.carolRecord],
        ["a parent not held by the claimant", carol, DisputeKind.SETTLEMENT, w.product, epochId, w.resource],
        ["an asset that is not a parent", carol, DisputeKind.SETTLEMENT, w.product, epochId, w.pending],
        // A parent's holder has no standing on the policy: it is not a contributor.
        ["parent holder on a policy", alice, DisputeKind.POLICY, w.product, 1n, w.resource],
        // Nobody but the grant's parties, the asset's holder and upstream grantors on a grant.
        ["contributor on a grant", carol, DisputeKind.GRANT, w.resource, w.grantId, w.carolRecord],
      ];
      for (const [label, claimant, kind, assetId, subjectId, standingId] of cases) {
        await expect(openTx(w, claimant, kind, assetId, subjectId, { standingId }), label)
          .to.be.revertedWithCustomError(w.court, "DisputeCourtNoStanding")
          .withArgs(kind, claimant.address);
      }
      expect(await w.court.disputeCount()).to.equal(0n);
    });

    it("gives no standing through a voided record, and follows a contributor's succession", async () => {
      const w = await loadFixture(world);
      const voiding = await open(w, w.bob, DisputeKind.CONTRIBUTION, w.product, w.carolRecord);
      await send(rule(w, voiding, ruling(Remedy.VOID_CONTRIBUTION)));
      await expect(openTx(w, w.carol, DisputeKind.POLICY, w.product, 1n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNoStanding")
        .withArgs(DisputeKind.POLICY, w.carol.address);
      // alice's record stands for her successor.
      await send(w.registry.connect(w.registrar).recordSuccession(w.alice.address, w.institution.address, h("merger")));
      const id = await open(w, w.institution, DisputeKind.POLICY, w.product, 1n, { standingId: w.confirmedByProvider });
      expect((await w.court.dispute(id)).claimant).to.equal(w.institution.address);
    });

    it("refuses a bond below the kind's minimum", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const subjects: [number, bigint, bigint][] = [
        [DisputeKind.OBJECTION, w.product, 0n],
        [DisputeKind.GRANT, w.resource, w.grantId],
        [DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider],
        [DisputeKind.SETTLEMENT, w.product, epochId],
        [DisputeKind.POLICY, w.product, 1n],
      ];
      for (const [kind, assetId, subjectId] of subjects) {
        // Before the audit a dispute could be opened with no bond at all.
        for (const bond of [0n, MIN_BOND - 1n]) {
          const claimant = kind === DisputeKind.GRANT ? w.alice : w.carol;
          await expect(openTx(w, claimant, kind, assetId, subjectId, { bond }), `kind ${kind} bond ${bond}`)
            .to.be.revertedWithCustomError(w.court, "DisputeCourtBondTooLow")
            .withArgs(kind, bond, MIN_BOND);
        }
      }
      expect(await w.court.disputeCount()).to.equal(0n);
    });

    it("counts the bond that arrived: a fee-on-transfer token must deliver the minimum", async () => {
      const w = await loadFixture(world);
      const fee = (await ethers.deployContract("FeeOnTransferToken")) as unknown as FeeOnTransferToken;
      const vault = (await ethers.deployContract("RevenueVault", [
        await w.accessManager.getAddress(),
        await w.registry.getAddress(),
        await w.contributions.getAddress(),
        await fee.getAddress(),
        CHALLENGE_WINDOW,
      ])) as unknown as RevenueVault;
      const court = (await ethers.deployContract("DisputeCourt", [
        await w.accessManager.getAddress(),
        await w.registry.getAddress(),
        await w.grants.getAddress(),
        await w.contributions.getAddress(),
        await vault.getAddress(),
        RULING_PERIOD,
        ANSWER_PERIOD,
        MIN_BOND,
      ])) as unknown as DisputeCourt;
      await send(w.registry.connect(w.admin).setEvidenceWriter(await court.getAddress(), true));
      await send(fee.mint(w.carol.address, 100_000n));
      await send(fee.connect(w.carol).approve(await court.getAddress(), ethers.MaxUint256));
      // 1% is burnt on the way: 10,000 sent is 9,900 received.
      await expect(court.connect(w.carol).openDispute(DisputeKind.POLICY, w.product, 1n, w.carolRecord, MIN_BOND, h("g"), ""))
        .to.be.revertedWithCustomError(court, "DisputeCourtBondTooLow")
        .withArgs(DisputeKind.POLICY, MIN_BOND - 100n, MIN_BOND);
      await send(court.connect(w.carol).openDispute(DisputeKind.POLICY, w.product, 1n, w.carolRecord, 10_102n, h("g"), ""));
      expect((await court.dispute(1n)).bond).to.equal(10_102n - 101n);
    });

    it("refuses a second open dispute of a claimant on a subject, and another once ruled, unless an arbitrator allows it", async () => {
      const w = await loadFixture(world);
      const first = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      expect(await w.court.claimState(w.carol.address, DisputeKind.POLICY, w.product, 1n)).to.deep.equal([first, false]);
      await expect(openTx(w, w.carol, DisputeKind.POLICY, w.product, 1n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtAlreadyDisputed")
        .withArgs(first);
      // Another claimant on the same subject, and the same claimant on another subject, are not affected.
      const byAlice = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);

      await send(rule(w, first, ruling(Remedy.DISMISS)));
      expect(await w.court.claimState(w.carol.address, DisputeKind.POLICY, w.product, 1n)).to.deep.equal([0n, true]);
      await expect(openTx(w, w.carol, DisputeKind.POLICY, w.product, 1n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtRepeatNotAllowed")
        .withArgs(DisputeKind.POLICY, w.product, 1n);

      await expect(w.court.connect(w.arbitrator).allowRepeat(byAlice))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtStillOpen")
        .withArgs(byAlice);
      await expect(w.court.connect(w.arbitrator).allowRepeat(99n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtUnknownDispute")
        .withArgs(99n);
      await expect(w.court.connect(w.arbitrator).allowRepeat(first))
        .to.emit(w.court, "RepeatAllowed")
        .withArgs(first, w.carol.address, w.arbitrator.address);
      expect(await w.court.claimState(w.carol.address, DisputeKind.POLICY, w.product, 1n)).to.deep.equal([0n, false]);
      const again = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      expect(await w.court.claimState(w.carol.address, DisputeKind.POLICY, w.product, 1n)).to.deep.equal([again, false]);
    });

    it("counts objections per asset, whatever subject id is asked about, and bars them after a lapse too", async () => {
      const w = await loadFixture(world);
      const first = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
      expect(await w.court.claimState(w.carol.address, DisputeKind.OBJECTION, w.product, 7n)).to.deep.equal([first, false]);
      await expect(openTx(w, w.carol, DisputeKind.OBJECTION, w.product, 0n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtAlreadyDisputed")
        .withArgs(first);
      await time.increaseTo((await w.court.dispute(first)).rulingDeadline + 1n);
      await send(w.court.connect(w.outsider).lapse(first));
      await expect(openTx(w, w.carol, DisputeKind.OBJECTION, w.product, 0n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtRepeatNotAllowed")
        .withArgs(DisputeKind.OBJECTION, w.product, 0n);
      await send(w.court.connect(w.arbitrator).allowRepeat(first));
      await send(openTx(w, w.carol, DisputeKind.OBJECTION, w.product, 0n));
    });

    it("refuses what the subject's contract refuses: a second dispute on a record, a paused epoch, a refused asset", async () => {
      const w = await loadFixture(world);
      await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
      await expect(openTx(w, w.bob, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider))
        .to.be.revertedWithCustomError(w.contributions, "ContributionLedgerNotDisputable")
        .withArgs(w.confirmedByProvider, ContributionStatus.DISPUTED);
      const { epochId } = await settleWithEscrow(w, 99n);
      await open(w, w.carol, DisputeKind.SETTLEMENT, w.product, epochId);
      await expect(openTx(w, w.alice, DisputeKind.SETTLEMENT, w.product, epochId))
        .to.be.revertedWithCustomError(w.vault, "RevenueVaultInvalidEpochStatus")
        .withArgs(epochId, EpochStatus.PAUSED);
      await send(w.registry.connect(w.registrar).refuseApplication(w.pending, h("incomplete")));
      await expect(openTx(w, w.alice, DisputeKind.OBJECTION, w.pending, 0n))
        .to.be.revertedWithCustomError(w.registry, "AssetRegistryInvalidStatus")
        .withArgs(w.pending, AssetStatus.REFUSED);
      expect(await w.court.disputeCount()).to.equal(2n);
    });

    it("refuses a bond the claimant has not approved", async () => {
      const w = await loadFixture(world);
      await send(w.token.connect(w.carol).approve(await w.court.getAddress(), 0n));
      await expect(openTx(w, w.carol, DisputeKind.POLICY, w.product, 1n)).to.be.revertedWithCustomError(
        w.token,
        "ERC20InsufficientAllowance",
      );
    });
  });

  describe("the court's hooks in the other contracts", () => {
    it("are the court's alone", async () => {
      const w = await loadFixture(world);
      const { epochId, tree } = await settleWithEscrow(w, 99n);
      const leaf = tree.claim(epochId, 1);
      for (const name of actorsExcept()) {
        const caller = signer(w, name);
        const refusals: [string, () => Promise<ContractTransactionResponse>, { interface: Interface }][] = [
          ["registry.fileObjection", () => w.registry.connect(caller).fileObjection(w.pending, w.alice.address, h("g"), ""), w.registry],
          ["registry.resolveObjection", () => w.registry.connect(caller).resolveObjection(1n, false, h("r")), w.registry],
          ["registry.transferByRuling", () => w.registry.connect(caller).transferByRuling(w.product, w.carol.address, h("r")), w.registry],
          ["contributions.markDisputed", () => w.contributions.connect(caller).markDisputed(w.confirmedByHolder, 1n), w.contributions],
          ["contributions.resolveDispute", () => w.contributions.connect(caller).resolveDispute(w.confirmedByHolder, 1n, false, 0n), w.contributions],
          ["vault.pause", () => w.vault.connect(caller).pause(epochId, h("p")), w.vault],
          ["vault.resume", () => w.vault.connect(caller).resume(epochId, h("p")), w.vault],
          [
            "vault.releaseEscrow",
            () => w.vault.connect(caller).releaseEscrow(epochId, leaf.index, 99n, leaf.amount, leaf.proof, caller.address, leaf.amount),
            w.vault,
          ],
        ];
        for (const [label, call, contract] of refusals) {
          await expect(call(), `${name}: ${label}`)
            .to.be.revertedWithCustomError(contract, "LedgerAccessUnauthorized")
            .withArgs(caller.address, ROLE_IDS.COURT);
        }
      }
    });

    it("check their subject when called by a COURT holder", async () => {
      const w = await loadFixture(world);
      await send(w.accessManager.connect(w.admin).grantRole(ROLE_IDS.COURT, w.arbitrator.address, 0));
      const { contributions, registry, arbitrator } = w;
      await expect(registry.connect(arbitrator).fileObjection(w.pending, w.outsider.address, h("g"), ""))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(w.outsider.address);
      // The registry refuses a holder's objection to its own asset even from a COURT holder.
      await expect(registry.connect(arbitrator).fileObjection(w.product, w.bob.address, h("g"), ""))
        .to.be.revertedWithCustomError(registry, "AssetRegistrySelfObjection")
        .withArgs(w.product, w.bob.address);
      await expect(contributions.connect(arbitrator).markDisputed(99n, 1n))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnknownContribution")
        .withArgs(99n);
      const id = w.confirmedByHolder;
      await expect(contributions.connect(arbitrator).resolveDispute(id, 1n, false, 0n))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotDisputed")
        .withArgs(id);
      await send(contributions.connect(arbitrator).markDisputed(id, 1n));
      await expect(contributions.connect(arbitrator).resolveDispute(id, 1n, true, 5n))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidRuling")
        .withArgs(id);
      await send(contributions.connect(arbitrator).resolveDispute(id, 1n, true, 0n));
      await expect(contributions.connect(arbitrator).markDisputed(id, 2n))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotDisputable")
        .withArgs(id, ContributionStatus.VOIDED);
    });
  });

  describe("evidence", () => {
    it("is added by the claimant and the respondent, each on the asset's evidence chain", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
      for (const party of [w.carol, w.alice]) {
        const [seq] = await w.registry.evidenceHead(w.product);
        const tx = w.court.connect(party).submitEvidence(id, h(`evidence-${party.address}`), "ipfs://e");
        await expect(tx)
          .to.emit(w.court, "DisputeEvidenceSubmitted")
          .withArgs(id, w.product, party.address, h(`evidence-${party.address}`), "ipfs://e");
        await expect(tx)
          .to.emit(w.registry, "EvidenceAppended")
          .withArgs(w.product, seq + 1n, w.court.interface.getEvent("DisputeEvidenceSubmitted").topicHash, anyValue, party.address, anyValue, anyValue);
      }
    });

    it("is added by a party's successor, and by nobody else", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
      await send(w.registry.connect(w.registrar).recordSuccession(w.alice.address, w.individual.address, h("merger")));
      expect((await w.court.dispute(id)).respondent).to.equal(w.individual.address);
      await expect(w.court.connect(w.individual).submitEvidence(id, h("e"), "")).to.emit(w.court, "DisputeEvidenceSubmitted");
      await expect(w.court.connect(w.alice).submitEvidence(id, h("e"), ""))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotParty")
        .withArgs(id, w.alice.address);
      for (const name of actorsExcept("carol", "alice", "individual")) {
        await expect(w.court.connect(signer(w, name)).submitEvidence(id, h("e"), ""), name)
          .to.be.revertedWithCustomError(w.court, "DisputeCourtNotParty")
          .withArgs(id, signer(w, name).address);
      }
    });

    it("keeps the respondent fixed at opening: a transfer of the asset does not hand the dispute to the new holder", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      await send(w.registry.connect(w.registrar).transferHolding(w.product, w.institution.address, TransferReason.SALE, h("sale")));
      // Before the audit the respondent was worked out again from the subject: now the holder.
      expect((await w.court.dispute(id)).respondent).to.equal(w.bob.address);
      await expect(w.court.connect(w.institution).submitEvidence(id, h("e"), ""))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotParty")
        .withArgs(id, w.institution.address);
      await expect(w.court.connect(w.bob).submitEvidence(id, h("e"), "")).to.emit(w.court, "DisputeEvidenceSubmitted");
    });

    it("has only the claimant's side when nobody answers: the holder's settlement dispute", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const id = await open(w, w.bob, DisputeKind.SETTLEMENT, w.product, epochId);
      await expect(w.court.connect(w.bob).submitEvidence(id, h("e"), "")).to.emit(w.court, "DisputeEvidenceSubmitted");
      for (const name of actorsExcept("bob")) {
        await expect(w.court.connect(signer(w, name)).submitEvidence(id, h("e"), ""), name)
          .to.be.revertedWithCustomError(w.court, "DisputeCourtNotParty")
          .withArgs(id, signer(w, name).address);
      }
    });

    it("refuses an empty hash, an unknown dispute and a closed one", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      await expect(w.court.connect(w.alice).submitEvidence(id, ZERO_HASH, "")).to.be.revertedWithCustomError(
        w.court,
        "DisputeCourtEmptyHash",
      );
      await expect(w.court.connect(w.alice).submitEvidence(9n, h("e"), ""))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtUnknownDispute")
        .withArgs(9n);
      await send(rule(w, id, ruling(Remedy.DISMISS)));
      await expect(w.court.connect(w.alice).submitEvidence(id, h("e"), ""))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotOpen")
        .withArgs(id, DisputeStatus.RULED);
    });
  });

  describe("rulings", () => {
    async function expectRuled(w: World, id: bigint, remedy: number) {
      const stored = await w.court.dispute(id);
      expect(stored.status).to.equal(DisputeStatus.RULED);
      expect(stored.remedy).to.equal(remedy);
    }

    it("wait for the respondent's time to answer, and come before the deadline", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      const { answerEndsAt, rulingDeadline } = await w.court.dispute(id);
      expect(rulingDeadline - answerEndsAt).to.equal(RULING_PERIOD - ANSWER_PERIOD);
      // Before the audit an arbitrator could rule at once, before the respondent could say anything.
      await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS)))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtAnswerPeriodNotOver")
        .withArgs(id, answerEndsAt);
      await time.setNextBlockTimestamp(answerEndsAt - 1n);
      await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS)))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtAnswerPeriodNotOver")
        .withArgs(id, answerEndsAt);
      await time.setNextBlockTimestamp(answerEndsAt);
      await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS))).to.emit(w.court, "DisputeRuled");
    });

    describe("on an objection", () => {
      it("DISMISS lets the registration complete", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.alice, DisputeKind.OBJECTION, w.pending, 0n);
        await expect(rule(w, id, ruling(Remedy.DISMISS)))
          .to.emit(w.registry, "ObjectionResolved")
          .withArgs(w.pending, 1n, await w.court.getAddress(), false, h(`ruling-${Remedy.DISMISS}`));
        await expectRuled(w, id, Remedy.DISMISS);
        expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.DISMISSED);
        await send(w.registry.connect(w.registrar).acceptApplication(w.pending));
        await time.increase(8n * DAY);
        await send(w.registry.connect(w.registrar).issueCertificate(w.pending));
        expect(await w.registry.ownerOf(w.pending)).to.equal(w.carol.address);
      });

      it("UPHOLD refuses the application", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.alice, DisputeKind.OBJECTION, w.pending, 0n);
        await expect(rule(w, id, ruling(Remedy.UPHOLD))).to.emit(w.registry, "ApplicationRefused");
        expect(await w.registry.assetStatus(w.pending)).to.equal(AssetStatus.REFUSED);
        expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.UPHELD);
      });

      it("UPHOLD of an objection to a certificate records the ruling and keeps the certificate", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        await send(rule(w, id, ruling(Remedy.UPHOLD)));
        expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.UPHELD);
        expect(await w.registry.assetStatus(w.product)).to.equal(AssetStatus.ISSUED);
      });

      it("REVOKE_CERTIFICATE cancels the certificate", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        await expect(rule(w, id, ruling(Remedy.REVOKE_CERTIFICATE)))
          .to.emit(w.registry, "AssetCancelled")
          .withArgs(w.product, await w.court.getAddress(), h(`ruling-${Remedy.REVOKE_CERTIFICATE}`));
        expect(await w.registry.assetStatus(w.product)).to.equal(AssetStatus.CANCELLED);
        await expectRuled(w, id, Remedy.REVOKE_CERTIFICATE);
      });

      it("TRANSFER_HOLDING moves the holding to the party named", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        await expect(rule(w, id, ruling(Remedy.TRANSFER_HOLDING, { transferTo: w.carol.address })))
          .to.emit(w.registry, "HoldingTransferred")
          .withArgs(w.product, w.bob.address, w.carol.address, TransferReason.OBJECTION_UPHELD, anyValue, await w.court.getAddress());
        expect(await w.registry.ownerOf(w.product)).to.equal(w.carol.address);
      });

      it("TRANSFER_HOLDING is carried out whatever objections were filed since; they stay open against the new holder", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        // The loser cannot object to its own asset to freeze it...
        await expect(openTx(w, w.bob, DisputeKind.OBJECTION, w.product, 0n))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtSelfDispute")
          .withArgs(w.bob.address);
        // ...and an ally's objection filed meanwhile does not defeat the ruling (before the audit it did).
        const since = await open(w, w.individual, DisputeKind.OBJECTION, w.product, 0n);
        await expect(rule(w, id, ruling(Remedy.TRANSFER_HOLDING, { transferTo: w.carol.address })))
          .to.emit(w.registry, "HoldingTransferred")
          .withArgs(w.product, w.bob.address, w.carol.address, TransferReason.OBJECTION_UPHELD, anyValue, await w.court.getAddress());
        expect(await w.registry.ownerOf(w.product)).to.equal(w.carol.address);
        expect((await w.registry.objection(2n)).status).to.equal(ObjectionStatus.OPEN);
        expect((await w.registry.asset(w.product)).openObjections).to.equal(1n);
        // The other dispute keeps the respondent it was opened against.
        expect((await w.court.dispute(since)).respondent).to.equal(w.bob.address);
      });

      it("a remedy that cannot be carried out reverts and changes nothing", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        // Upholding refuses an application: there is no certificate left to revoke.
        const onPending = await open(w, w.bob, DisputeKind.OBJECTION, w.pending, 0n);
        await expect(rule(w, onPending, ruling(Remedy.REVOKE_CERTIFICATE)))
          .to.be.revertedWithCustomError(w.registry, "AssetRegistryInvalidStatus")
          .withArgs(w.pending, AssetStatus.REFUSED);
        await expect(rule(w, id, ruling(Remedy.TRANSFER_HOLDING, { transferTo: w.outsider.address })))
          .to.be.revertedWithCustomError(w.registry, "PartyRegistryNotLiveParty")
          .withArgs(w.outsider.address);
        await expect(rule(w, id, ruling(Remedy.TRANSFER_HOLDING, { transferTo: w.bob.address })))
          .to.be.revertedWithCustomError(w.registry, "AssetRegistryInvalidRecipient")
          .withArgs(w.bob.address);
        expect((await w.court.dispute(id)).status).to.equal(DisputeStatus.OPEN);
        expect((await w.court.dispute(id)).bond).to.equal(BOND);
        expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.OPEN);
        expect(await w.court.claimState(w.carol.address, DisputeKind.OBJECTION, w.product, 0n)).to.deep.equal([id, false]);
      });
    });

    describe("on a grant", () => {
      it("REVOKE_GRANT revokes it", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.alice, DisputeKind.GRANT, w.resource, w.grantId);
        await expect(rule(w, id, ruling(Remedy.REVOKE_GRANT)))
          .to.emit(w.grants, "GrantRevoked")
          .withArgs(w.grantId, w.resource, await w.court.getAddress(), h(`ruling-${Remedy.REVOKE_GRANT}`));
        expect((await w.grants.getGrant(w.grantId)).status).to.equal(GrantStatus.REVOKED);
      });

      for (const remedy of [Remedy.DISMISS, Remedy.UPHOLD]) {
        it(`${remedy === Remedy.DISMISS ? "DISMISS" : "UPHOLD"} leaves it as it is`, async () => {
          const w = await loadFixture(world);
          const id = await open(w, w.bob, DisputeKind.GRANT, w.resource, w.grantId);
          await send(rule(w, id, ruling(remedy)));
          expect((await w.grants.getGrant(w.grantId)).status).to.equal(GrantStatus.ACTIVE);
          await expectRuled(w, id, remedy);
        });
      }
    });

    describe("on a contribution", () => {
      it("DISMISS restores CONFIRMED, or RECORDED", async () => {
        const w = await loadFixture(world);
        const confirmed = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
        const recorded = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.recordedByProvider);
        await expect(rule(w, confirmed, ruling(Remedy.DISMISS)))
          .to.emit(w.contributions, "ContributionRuled")
          .withArgs(w.confirmedByProvider, w.product, confirmed, ContributionStatus.CONFIRMED, 0n);
        await send(rule(w, recorded, ruling(Remedy.DISMISS)));
        expect((await w.contributions.contribution(w.confirmedByProvider)).status).to.equal(ContributionStatus.CONFIRMED);
        expect((await w.contributions.contribution(w.recordedByProvider)).status).to.equal(ContributionStatus.RECORDED);
      });

      it("VOID_CONTRIBUTION voids it for good", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
        await expect(rule(w, id, ruling(Remedy.VOID_CONTRIBUTION)))
          .to.emit(w.contributions, "ContributionRuled")
          .withArgs(w.confirmedByProvider, w.product, id, ContributionStatus.VOIDED, 0n);
        await expect(openTx(w, w.bob, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider))
          .to.be.revertedWithCustomError(w.contributions, "ContributionLedgerNotDisputable")
          .withArgs(w.confirmedByProvider, ContributionStatus.VOIDED);
        // The claimant may not dispute the subject again at all without an arbitrator's leave.
        await expect(openTx(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtRepeatNotAllowed")
          .withArgs(DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
      });

      it("ADJUST_CONTRIBUTION restores it with the measure the ruling sets", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
        const tx = rule(w, id, ruling(Remedy.ADJUST_CONTRIBUTION, { adjustedMeasure: 2_500n }));
        await expect(tx).to.emit(w.contributions, "ContributionRuled").withArgs(w.confirmedByProvider, w.product, id, ContributionStatus.CONFIRMED, 2_500n);
        await expect(tx)
          .to.emit(w.court, "DisputeRuled")
          .withArgs(id, w.product, w.arbitrator.address, Remedy.ADJUST_CONTRIBUTION, 2_500n, ZERO_ADDRESS, false, anyValue, "ipfs://ruling");
      });
    });

    describe("on a settlement", () => {
      it("DISMISS resumes its claims", async () => {
        const w = await loadFixture(world);
        const { epochId } = await settleWithEscrow(w, 99n);
        const id = await open(w, w.alice, DisputeKind.SETTLEMENT, w.product, epochId);
        await expect(rule(w, id, ruling(Remedy.DISMISS))).to.emit(w.vault, "SettlementResumed");
        expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.POSTED);
      });

      it("REJECT_SETTLEMENT returns its amount to unsettled, even after the challenge window", async () => {
        const w = await loadFixture(world);
        const { epochId } = await settleWithEscrow(w, 99n);
        const id = await open(w, w.alice, DisputeKind.SETTLEMENT, w.product, epochId);
        await time.increase(CHALLENGE_WINDOW + DAY);
        await expect(rule(w, id, ruling(Remedy.REJECT_SETTLEMENT))).to.emit(w.vault, "SettlementRejected");
        expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.REJECTED);
        expect(await w.vault.unsettled(w.product, 1)).to.equal(10_000n);
      });

      it("the holder's own dispute is ruled like any other, without a respondent", async () => {
        const w = await loadFixture(world);
        const { epochId } = await settleWithEscrow(w, 99n);
        const id = await open(w, w.bob, DisputeKind.SETTLEMENT, w.product, epochId);
        await expect(rule(w, id, ruling(Remedy.REJECT_SETTLEMENT))).to.emit(w.vault, "SettlementRejected");
        await expectRuled(w, id, Remedy.REJECT_SETTLEMENT);
      });

      it("the holder's own dispute may be ruled at once (nobody answers) and an unfounded one's bond becomes the product's revenue", async () => {
        const w = await loadFixture(world);
        const { epochId } = await settleWithEscrow(w, 99n);
        const before = await w.vault.unsettled(w.product, 1);
        const id = await open(w, w.bob, DisputeKind.SETTLEMENT, w.product, epochId);
        const opened = await w.court.dispute(id);
        // No answer period: the holder's pause lasts only as long as an arbitrator takes.
        expect(opened.answerEndsAt).to.equal(BigInt(await time.latest()));
        const deposits = await w.vault.depositCount();
        const courtAddress = await w.court.getAddress();
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS, { forfeitBond: true })))
          .to.emit(w.court, "BondDeposited")
          .withArgs(id, w.product, deposits + 1n, BOND)
          .and.to.emit(w.vault, "RevenueDeposited")
          .withArgs(deposits + 1n, w.product, courtAddress, BOND, 1, anyValue);
        // The whole bond is revenue of the product, for the parties the pause delayed; none is owed to bob.
        expect(await w.vault.unsettled(w.product, 1)).to.equal(before + BOND);
        expect(await w.court.bondCredit(w.bob.address)).to.equal(0n);
        expect(await w.token.balanceOf(courtAddress)).to.equal(0n);
        expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.POSTED);
      });
    });

    describe("on a policy", () => {
      for (const remedy of [Remedy.DISMISS, Remedy.UPHOLD]) {
        it(`records ${remedy === Remedy.DISMISS ? "DISMISS" : "UPHOLD"} on the product's evidence chain`, async () => {
          const w = await loadFixture(world);
          const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
          await afterAnswer(w, id);
          const [seq] = await w.registry.evidenceHead(w.product);
          await expect(w.court.connect(w.arbitrator).rule(id, ruling(remedy)))
            .to.emit(w.registry, "EvidenceAppended")
            .withArgs(w.product, seq + 1n, w.court.interface.getEvent("DisputeRuled").topicHash, anyValue, w.arbitrator.address, anyValue, anyValue);
          await expectRuled(w, id, remedy);
        });
      }
    });

    it("admits only the remedies of the dispute's kind", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const ids = {
        [DisputeKind.OBJECTION]: await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n),
        [DisputeKind.GRANT]: await open(w, w.alice, DisputeKind.GRANT, w.resource, w.grantId),
        [DisputeKind.CONTRIBUTION]: await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider),
        [DisputeKind.SETTLEMENT]: await open(w, w.carol, DisputeKind.SETTLEMENT, w.product, epochId),
        [DisputeKind.POLICY]: await open(w, w.carol, DisputeKind.POLICY, w.product, 1n),
      } as Record<number, bigint>;
      const allowed: Record<number, number[]> = {
        [DisputeKind.OBJECTION]: [Remedy.DISMISS, Remedy.UPHOLD, Remedy.REVOKE_CERTIFICATE, Remedy.TRANSFER_HOLDING],
        [DisputeKind.GRANT]: [Remedy.DISMISS, Remedy.UPHOLD, Remedy.REVOKE_GRANT],
        [DisputeKind.CONTRIBUTION]: [Remedy.DISMISS, Remedy.VOID_CONTRIBUTION, Remedy.ADJUST_CONTRIBUTION],
        [DisputeKind.SETTLEMENT]: [Remedy.DISMISS, Remedy.REJECT_SETTLEMENT],
        [DisputeKind.POLICY]: [Remedy.DISMISS, Remedy.UPHOLD],
      };
      await afterAnswer(w, ids[DisputeKind.POLICY]!);
      for (const kind of ALL_KINDS) {
        for (const remedy of Object.values(Remedy)) {
          if (allowed[kind]!.includes(remedy)) continue;
          await expect(w.court.connect(w.arbitrator).rule(ids[kind]!, ruling(remedy)), `kind ${kind} remedy ${remedy}`)
            .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRemedy")
            .withArgs(kind, remedy);
        }
      }
    });

    it("refuses ruling fields the remedy does not use, or leaves out, and a forfeit that is not a dismissal", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const contribution = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
      const objection = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
      const byHolder = await open(w, w.bob, DisputeKind.SETTLEMENT, w.product, epochId);
      const cases: [string, bigint, RulingInput][] = [
        ["no ruling hash", contribution, ruling(Remedy.DISMISS, { rulingHash: ZERO_HASH })],
        ["a measure on a dismissal", contribution, ruling(Remedy.DISMISS, { adjustedMeasure: 1n })],
        ["an adjustment without a measure", contribution, ruling(Remedy.ADJUST_CONTRIBUTION)],
        ["a recipient on a dismissal", objection, ruling(Remedy.DISMISS, { transferTo: w.carol.address })],
        ["a transfer without a recipient", objection, ruling(Remedy.TRANSFER_HOLDING)],
        // Before the audit any ruling could forfeit the bond, an upheld claim's included.
        ["a forfeit on an upheld objection", objection, ruling(Remedy.UPHOLD, { forfeitBond: true })],
        ["a forfeit on a revocation", objection, ruling(Remedy.REVOKE_CERTIFICATE, { forfeitBond: true })],
        ["a forfeit on a voided contribution", contribution, ruling(Remedy.VOID_CONTRIBUTION, { forfeitBond: true })],
        ["a forfeit on a rejected settlement", byHolder, ruling(Remedy.REJECT_SETTLEMENT, { forfeitBond: true })],
      ];
      await afterAnswer(w, objection);
      for (const [label, id, bad] of cases) {
        await expect(w.court.connect(w.arbitrator).rule(id, bad), label)
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRuling")
          .withArgs(bad.remedy);
      }
    });

    it("is given by an arbitrator only: one with no execution delay, on an open court", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      await afterAnswer(w, id);
      for (const name of actorsExcept("arbitrator")) {
        await expect(w.court.connect(signer(w, name)).rule(id, ruling(Remedy.DISMISS)), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ARBITRATOR);
      }
      await send(w.accessManager.connect(w.admin).grantRole(ROLE_IDS.ARBITRATOR, w.outsider.address, 3_600));
      await expect(w.court.connect(w.outsider).rule(id, ruling(Remedy.DISMISS)))
        .to.be.revertedWithCustomError(w.court, "LedgerAccessExecutionDelay")
        .withArgs(w.outsider.address, ROLE_IDS.ARBITRATOR, 3_600n);
      const target = await w.court.getAddress();
      await send(w.accessManager.connect(w.admin).setTargetClosed(target, true));
      await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS)))
        .to.be.revertedWithCustomError(w.court, "LedgerAccessTargetClosed")
        .withArgs(target);
      await send(w.accessManager.connect(w.admin).setTargetClosed(target, false));
      await send(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS)));
    });

    it("is given before the deadline, once, on a known dispute", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      const late = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      await send(rule(w, id, ruling(Remedy.DISMISS)));
      await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS)))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotOpen")
        .withArgs(id, DisputeStatus.RULED);
      await expect(w.court.connect(w.arbitrator).rule(9n, ruling(Remedy.DISMISS)))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtUnknownDispute")
        .withArgs(9n);
      const deadline = (await w.court.dispute(late)).rulingDeadline;
      await time.increaseTo(deadline + 1n);
      await expect(w.court.connect(w.arbitrator).rule(late, ruling(Remedy.DISMISS)))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtRulingPeriodOver")
        .withArgs(late, deadline);
    });
  });

  describe("bonds", () => {
    it("are credited, never pushed: to the claimant, or forfeited to the respondent on a dismissal", async () => {
      const w = await loadFixture(world);
      const court = await w.court.getAddress();
      const returned = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      const forfeited = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      // Before the audit the ruling transferred the bond: a recipient that could not take it blocked the ruling.
      let tx = rule(w, returned, ruling(Remedy.UPHOLD));
      await expect(tx).to.emit(w.court, "BondCredited").withArgs(returned, w.alice.address, BOND);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [court, w.alice, w.bob], [0n, 0n, 0n]);
      tx = rule(w, forfeited, ruling(Remedy.DISMISS, { forfeitBond: true }));
      await expect(tx).to.emit(w.court, "BondCredited").withArgs(forfeited, w.bob.address, BOND);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [court, w.carol, w.bob], [0n, 0n, 0n]);
      expect((await w.court.dispute(forfeited)).bond).to.equal(0n);
      expect((await w.court.dispute(returned)).bond).to.equal(0n);
      expect(await w.court.bondCredit(w.alice.address)).to.equal(BOND);
      expect(await w.court.bondCredit(w.bob.address)).to.equal(BOND);
      expect(await w.court.bondCredit(w.carol.address)).to.equal(0n);

      // Each party withdraws its own, to itself or a recipient it names.
      tx = w.court.connect(w.alice).withdrawBond(w.alice.address, w.alice.address);
      await expect(tx).to.emit(w.court, "BondWithdrawn").withArgs(w.alice.address, w.alice.address, BOND);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [court, w.alice], [-BOND, BOND]);
      expect(await w.court.connect(w.bob).withdrawBond.staticCall(w.bob.address, w.institution.address)).to.equal(BOND);
      await expect(w.court.connect(w.bob).withdrawBond(w.bob.address, w.institution.address)).to.changeTokenBalances(
        ethers,
        w.token,
        [court, w.bob, w.institution],
        [-BOND, 0n, BOND],
      );
      expect(await w.court.bondCredit(w.alice.address)).to.equal(0n);
      expect(await w.court.bondCredit(w.bob.address)).to.equal(0n);
      await expect(w.court.connect(w.alice).withdrawBond(w.alice.address, w.alice.address))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNothingToWithdraw")
        .withArgs(w.alice.address);
      expect(await w.token.balanceOf(court)).to.equal(0n);
    });

    it("are returned to the holder who disputed its own settlement: nobody is there to forfeit to", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const id = await open(w, w.bob, DisputeKind.SETTLEMENT, w.product, epochId);
      await expect(rule(w, id, ruling(Remedy.DISMISS))).to.emit(w.court, "BondCredited").withArgs(id, w.bob.address, BOND);
    });

    it("are withdrawn by the party an account resolves to, and by nobody else, to a real recipient", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      await send(rule(w, id, ruling(Remedy.DISMISS)));
      for (const name of actorsExcept("alice")) {
        const caller = signer(w, name);
        await expect(w.court.connect(caller).withdrawBond(w.alice.address, caller.address), name)
          .to.be.revertedWithCustomError(w.court, "DisputeCourtNotParty")
          .withArgs(0n, caller.address);
      }
      for (const recipient of [ZERO_ADDRESS, await w.court.getAddress()]) {
        await expect(w.court.connect(w.alice).withdrawBond(w.alice.address, recipient))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRecipient")
          .withArgs(recipient);
      }
      // Succeeded, alice withdraws no more; her successor withdraws what was credited to her.
      await send(w.registry.connect(w.registrar).recordSuccession(w.alice.address, w.institution.address, h("merger")));
      await expect(w.court.connect(w.alice).withdrawBond(w.alice.address, w.alice.address))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotParty")
        .withArgs(0n, w.alice.address);
      await expect(w.court.connect(w.institution).withdrawBond(w.alice.address, w.institution.address))
        .to.emit(w.court, "BondWithdrawn")
        .withArgs(w.alice.address, w.institution.address, BOND);
    });

    it("are credited to the successor of the party they are due to", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      await send(w.registry.connect(w.registrar).recordSuccession(w.carol.address, w.individual.address, h("merger")));
      const tx = rule(w, id, ruling(Remedy.DISMISS));
      await expect(tx).to.emit(w.court, "BondCredited").withArgs(id, w.individual.address, BOND);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.carol, w.individual], [0n, 0n]);
      expect(await w.court.bondCredit(w.carol.address)).to.equal(0n);
      await expect(w.court.connect(w.individual).withdrawBond(w.individual.address, w.individual.address)).to.changeTokenBalance(
        ethers,
        w.token,
        w.individual,
        BOND,
      );
    });

    it("are forfeited to the respondent the dispute was opened against, not to the asset's holder of the day", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n);
      await send(w.registry.connect(w.registrar).transferHolding(w.product, w.institution.address, TransferReason.SALE, h("sale")));
      await expect(rule(w, id, ruling(Remedy.DISMISS, { forfeitBond: true })))
        .to.emit(w.court, "BondCredited")
        .withArgs(id, w.bob.address, BOND);
      expect(await w.court.bondCredit(w.institution.address)).to.equal(0n);
    });
  });

  describe("lapse", () => {
    it("dismisses an unruled dispute after its deadline: restores what it held and credits the bond back", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const objection = await open(w, w.alice, DisputeKind.OBJECTION, w.pending, 0n);
      const contribution = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
      const settlement = await open(w, w.carol, DisputeKind.SETTLEMENT, w.product, epochId);
      const deadline = (await w.court.dispute(settlement)).rulingDeadline;
      await expect(w.court.connect(w.outsider).lapse(objection))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtRulingPeriodNotOver")
        .withArgs(objection, anyValue);
      await time.increaseTo(deadline + 1n);

      const [seq] = await w.registry.evidenceHead(w.pending);
      const tx = w.court.connect(w.outsider).lapse(objection);
      await expect(tx).to.emit(w.court, "DisputeLapsed").withArgs(objection, w.pending, w.outsider.address);
      await expect(tx)
        .to.emit(w.registry, "EvidenceAppended")
        .withArgs(w.pending, seq + 2n, w.court.interface.getEvent("DisputeLapsed").topicHash, anyValue, w.outsider.address, anyValue, anyValue);
      await expect(tx).to.emit(w.court, "BondCredited").withArgs(objection, w.alice.address, BOND);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.alice], [0n]);
      expect(await w.court.bondCredit(w.alice.address)).to.equal(BOND);
      await send(w.court.connect(w.outsider).lapse(contribution));
      await send(w.court.connect(w.outsider).lapse(settlement));
      expect(await w.court.bondCredit(w.carol.address)).to.equal(2n * BOND);

      expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.DISMISSED);
      expect((await w.contributions.contribution(w.confirmedByProvider)).status).to.equal(ContributionStatus.CONFIRMED);
      expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.POSTED);
      for (const id of [objection, contribution, settlement]) {
        const stored = await w.court.dispute(id);
        expect([stored.status, stored.remedy, stored.bond]).to.deep.equal([BigInt(DisputeStatus.LAPSED), BigInt(Remedy.DISMISS), 0n]);
      }
      // A lapse closes the claimant's standing on the subject as a ruling does.
      expect(await w.court.claimState(w.carol.address, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider)).to.deep.equal([0n, true]);
      await expect(w.court.lapse(objection))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotOpen")
        .withArgs(objection, DisputeStatus.LAPSED);
      await expect(w.court.lapse(9n)).to.be.revertedWithCustomError(w.court, "DisputeCourtUnknownDispute").withArgs(9n);
    });
  });

  describe("allowRepeat", () => {
    it("is for arbitrators only", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      await send(rule(w, id, ruling(Remedy.DISMISS)));
      for (const name of actorsExcept("arbitrator")) {
        await expect(w.court.connect(signer(w, name)).allowRepeat(id), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ARBITRATOR);
      }
      expect((await w.court.claimState(w.alice.address, DisputeKind.POLICY, w.product, 1n))[1]).to.equal(true);
    });
  });

  describe("escrow", () => {
    /** A contribution dispute (id 1, carol's on alice's record 2) whose share sits in escrow in a claimable epoch. */
    async function escrowed() {
      const w = await world();
      const disputeId = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.confirmedByProvider);
      const settled = await settleWithEscrow(w, disputeId);
      await time.increase(CHALLENGE_WINDOW);
      return { ...w, disputeId, ...settled };
    }

    function release(w: Awaited<ReturnType<typeof escrowed>>, caller: HardhatEthersSigner, contributorPart: bigint, disputeId = w.disputeId) {
      const leaf = w.tree.claim(w.epochId, 1);
      return w.court.connect(caller).releaseEscrow(disputeId, w.epochId, leaf.index, leaf.amount, leaf.proof, contributorPart);
    }

    it("is held until the ruling: no party can claim it, and it cannot be released early", async () => {
      const w = await loadFixture(escrowed);
      const leaf = w.tree.claim(w.epochId, 1);
      for (const caller of [w.alice, w.carol, w.bob]) {
        await expect(w.vault.connect(caller).claim([leaf], caller.address))
          .to.be.revertedWithCustomError(w.vault, "RevenueVaultEscrowLeaf")
          .withArgs(w.epochId, 1n);
      }
      for (const part of [0n, 6_000n]) {
        await expect(release(w, w.arbitrator, part)).to.be.revertedWithCustomError(w.court, "DisputeCourtStillOpen").withArgs(w.disputeId);
      }
    });

    it("adjusted: an arbitrator pays the contributor its part, the rest goes back to unsettled", async () => {
      const w = await loadFixture(escrowed);
      await send(rule(w, w.disputeId, ruling(Remedy.ADJUST_CONTRIBUTION, { adjustedMeasure: 4_000n })));
      for (const name of actorsExcept("arbitrator")) {
        await expect(release(w, signer(w, name), 4_000n), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ARBITRATOR);
      }
      await expect(release(w, w.arbitrator, 6_001n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRelease")
        .withArgs(w.disputeId, 6_001n);
      const tx = release(w, w.arbitrator, 4_000n);
      // Before the audit the arbitrator named any recipients (the claimant too); now the contributor alone.
      await expect(tx).to.emit(w.vault, "EscrowReleased").withArgs(w.epochId, w.product, w.disputeId, 1n, w.alice.address, 4_000n, 2_000n);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.vault, w.alice, w.carol], [-4_000n, 4_000n, 0n]);
      expect(await w.vault.unsettled(w.product, 1)).to.equal(2_000n);
      await expect(release(w, w.arbitrator, 4_000n))
        .to.be.revertedWithCustomError(w.vault, "RevenueVaultAlreadyClaimed")
        .withArgs(w.epochId, 1n);
    });

    it("dismissed: all of it to the contributor, released by anyone", async () => {
      const w = await loadFixture(escrowed);
      await send(rule(w, w.disputeId, ruling(Remedy.DISMISS, { forfeitBond: true })));
      for (const part of [0n, 5_999n, 6_001n]) {
        await expect(release(w, w.outsider, part))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRelease")
          .withArgs(w.disputeId, part);
      }
      const tx = release(w, w.outsider, 6_000n);
      await expect(tx).to.emit(w.vault, "EscrowReleased").withArgs(w.epochId, w.product, w.disputeId, 1n, w.alice.address, 6_000n, 0n);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.vault, w.alice, w.outsider], [-6_000n, 6_000n, 0n]);
      expect(await w.vault.unsettled(w.product, 1)).to.equal(0n);
    });

    it("lapsed: as dismissed", async () => {
      const w = await loadFixture(escrowed);
      await time.increaseTo((await w.court.dispute(w.disputeId)).rulingDeadline + 1n);
      await send(w.court.connect(w.outsider).lapse(w.disputeId));
      await expect(release(w, w.outsider, 1_000n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRelease")
        .withArgs(w.disputeId, 1_000n);
      await expect(release(w, w.bob, 6_000n))
        .to.emit(w.vault, "EscrowReleased")
        .withArgs(w.epochId, w.product, w.disputeId, 1n, w.alice.address, 6_000n, 0n);
    });

    it("voided: none of it is paid, all of it goes back to unsettled, to be settled again; anyone releases", async () => {
      const w = await loadFixture(escrowed);
      await send(rule(w, w.disputeId, ruling(Remedy.VOID_CONTRIBUTION)));
      await expect(release(w, w.carol, 1n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRelease")
        .withArgs(w.disputeId, 1n);
      const tx = release(w, w.carol, 0n);
      await expect(tx).to.emit(w.vault, "EscrowReleased").withArgs(w.epochId, w.product, w.disputeId, 1n, ZERO_ADDRESS, 0n, 6_000n);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.vault, w.alice, w.carol], [0n, 0n, 0n]);
      expect(await w.vault.unsettled(w.product, 1)).to.equal(6_000n);
      // Settled again without the voided record: here all of it to the holder.
      const again = new AllocationTree([{ account: w.bob.address, amount: 6_000n }]);
      await send(w.vault.connect(w.settler).settle(w.product, 1, 6_000n, again.root, BigInt(await ethers.provider.getBlockNumber()), h("again")));
      expect(await w.vault.unsettled(w.product, 1)).to.equal(0n);
    });

    it("pays the contributor's successor", async () => {
      const w = await loadFixture(escrowed);
      await send(rule(w, w.disputeId, ruling(Remedy.DISMISS)));
      await send(w.registry.connect(w.registrar).recordSuccession(w.alice.address, w.institution.address, h("merger")));
      await expect(release(w, w.outsider, 6_000n)).to.changeTokenBalances(ethers, w.token, [w.alice, w.institution], [0n, 6_000n]);
    });

    it("of one dispute cannot be released through another", async () => {
      const w = await loadFixture(escrowed);
      const other = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, w.recordedByProvider);
      await send(rule(w, other, ruling(Remedy.DISMISS)));
      await expect(release(w, w.outsider, 6_000n, other))
        .to.be.revertedWithCustomError(w.vault, "RevenueVaultInvalidProof")
        .withArgs(w.epochId, 1n);
    });

    it("exists only for contribution disputes", async () => {
      const w = await loadFixture(escrowed);
      const policy = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      await send(rule(w, policy, ruling(Remedy.DISMISS)));
      await expect(release(w, w.arbitrator, 6_000n, policy))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNoEscrow")
        .withArgs(policy);
      await expect(release(w, w.arbitrator, 6_000n, 9n))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtUnknownDispute")
        .withArgs(9n);
    });
  });
});
