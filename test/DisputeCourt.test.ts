import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
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
  CHALLENGE_WINDOW,
  DAY,
  deployLedger,
  fileApplication,
  grantTerms,
  h,
  issueAsset,
  makeGrant,
  RULING_PERIOD,
  ZERO_HASH,
  type Ledger,
} from "./helpers/ledger.js";
import { actorsExcept, send } from "./helpers/registry.js";
import { AllocationTree, EpochStatus, escrowAccount } from "./helpers/vault.js";
import type { DisputeCourt } from "../types/ethers-contracts/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const BOND = 500n;

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
  /** carol's application, filed and not yet accepted. */
  pending: bigint;
}

async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { contributions, token, vault, alice, bob, carol } = ledger;
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
  await send(contributions.connect(bob).record([input(ContributionRole.HOLDER, Stage.APPLICATION, 0n, 4_000n)]));
  await send(
    contributions.connect(alice).record([
      input(ContributionRole.PROVIDER, Stage.COLLECTION, resource, 6_000n),
      input(ContributionRole.PROVIDER, Stage.COLLECTION, resource, 1_000n),
    ]),
  );
  await send(contributions.connect(bob).confirm([1n, 2n]));
  await send(contributions.connect(bob).setSplitPolicy(product, [5_000, 0, 0, 5_000], EmptyStageRule.TO_HOLDER));
  const pending = await fileApplication(ledger, carol);
  for (const signer of [alice, bob, carol]) {
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
    confirmedByHolder: 1n,
    confirmedByProvider: 2n,
    recordedByProvider: 3n,
    pending,
  };
}

/** Opens a dispute and returns its id. */
async function open(
  w: World,
  claimant: HardhatEthersSigner,
  kind: number,
  assetId: bigint,
  subjectId: bigint,
  bond = 0n,
): Promise<bigint> {
  await send(w.court.connect(claimant).openDispute(kind, assetId, subjectId, bond, h("grounds"), "ipfs://grounds"));
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
      expect(await w.court.disputeCount()).to.equal(0n);
    });

    it("refuses a zero address and a zero ruling period", async () => {
      const w = await loadFixture(world);
      const args = [
        await w.accessManager.getAddress(),
        await w.registry.getAddress(),
        await w.grants.getAddress(),
        await w.contributions.getAddress(),
        await w.vault.getAddress(),
      ];
      const factory = await ethers.getContractFactory("DisputeCourt");
      const deploy = (a: string[], period: number) => factory.deploy(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, period);
      for (let i = 0; i < args.length; i += 1) {
        const withZero = args.map((a, j) => (j === i ? ZERO_ADDRESS : a));
        if (i === 4) {
          // The vault is asked for its token first: a call to address zero returns nothing.
          await expect(deploy(withZero, 1)).to.be.revert(ethers);
        } else {
          await expect(deploy(withZero, 1)).to.be.revertedWithCustomError(w.court, "LedgerAccessZeroAddress");
        }
      }
      await expect(deploy(args, 0))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRulingPeriod")
        .withArgs(0);
    });

    it("lets only the admin set the ruling period, and never to zero", async () => {
      const w = await loadFixture(world);
      await expect(w.court.connect(w.admin).setRulingPeriod(3_600)).to.emit(w.court, "RulingPeriodSet").withArgs(3_600);
      expect(await w.court.rulingPeriod()).to.equal(3_600n);
      await expect(w.court.connect(w.admin).setRulingPeriod(0))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRulingPeriod")
        .withArgs(0);
      for (const name of actorsExcept("admin")) {
        await expect(w.court.connect(signer(w, name)).setRulingPeriod(60), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ADMIN);
      }
    });
  });

  describe("opening", () => {
    it("an objection: files a court objection in the registry that blocks issue, on the asset's evidence chain", async () => {
      const w = await loadFixture(world);
      const [seqBefore] = await w.registry.evidenceHead(w.pending);
      const tx = w.court.connect(w.alice).openDispute(DisputeKind.OBJECTION, w.pending, 0n, 0n, h("mine"), "ipfs://g");
      const deadline = BigInt(await time.latest()) + 1n + RULING_PERIOD;
      await expect(tx)
        .to.emit(w.court, "DisputeOpened")
        .withArgs(1n, w.pending, w.alice.address, DisputeKind.OBJECTION, 1n, w.carol.address, 0n, h("mine"), "ipfs://g", deadline);
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
      expect(stored.bond).to.equal(0n);
      expect(stored.rulingDeadline).to.equal(deadline);

      const objection = await w.registry.objection(1n);
      expect(objection.byCourt).to.equal(true);
      expect(objection.status).to.equal(ObjectionStatus.OPEN);
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

    it("a contribution: marks it DISPUTED, remembering the status a dismissal restores", async () => {
      const w = await loadFixture(world);
      await expect(w.court.connect(w.carol).openDispute(DisputeKind.CONTRIBUTION, w.product, 2n, 0n, h("g"), ""))
        .to.emit(w.contributions, "ContributionDisputed")
        .withArgs(2n, w.product, 1n, ContributionStatus.CONFIRMED);
      expect((await w.contributions.contribution(2n)).status).to.equal(ContributionStatus.DISPUTED);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.alice.address);
      await expect(w.contributions.connect(w.bob).confirm([2n]))
        .to.be.revertedWithCustomError(w.contributions, "ContributionLedgerNotConfirmable")
        .withArgs(2n, ContributionStatus.DISPUTED);
    });

    it("a contribution disputed by its own contributor answers to the product's holder", async () => {
      const w = await loadFixture(world);
      await open(w, w.alice, DisputeKind.CONTRIBUTION, w.product, 3n);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.bob.address);
      expect((await w.contributions.contribution(3n)).status).to.equal(ContributionStatus.DISPUTED);
    });

    it("a grant: its grantee answers, or its grantor when the grantee disputes", async () => {
      const w = await loadFixture(world);
      await open(w, w.carol, DisputeKind.GRANT, w.resource, w.grantId);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.bob.address);
      await open(w, w.bob, DisputeKind.GRANT, w.resource, w.grantId);
      expect((await w.court.dispute(2n)).respondent).to.equal(w.alice.address);
      // Nothing is held: the grant stays valid until a ruling.
      expect((await w.grants.getGrant(w.grantId)).status).to.equal(GrantStatus.ACTIVE);
    });

    it("a settlement: pauses its claims", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      await expect(w.court.connect(w.alice).openDispute(DisputeKind.SETTLEMENT, w.product, epochId, 0n, h("wrong"), ""))
        .to.emit(w.vault, "SettlementPaused")
        .withArgs(epochId, w.product, await w.court.getAddress(), h("wrong"));
      expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.PAUSED);
      expect((await w.court.dispute(1n)).respondent).to.equal(w.bob.address);
    });

    it("a policy version: answered by the holder", async () => {
      const w = await loadFixture(world);
      await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      const stored = await w.court.dispute(1n);
      expect([stored.kind, stored.subjectId, stored.respondent]).to.deep.equal([DisputeKind.POLICY, 1n, w.bob.address]);
    });

    it("holds the bond that arrived, in the settlement token", async () => {
      const w = await loadFixture(world);
      const court = await w.court.getAddress();
      await expect(w.court.connect(w.carol).openDispute(DisputeKind.POLICY, w.product, 1n, BOND, h("g"), "")).to.changeTokenBalances(
        ethers,
        w.token,
        [w.carol, court],
        [-BOND, BOND],
      );
      expect((await w.court.dispute(1n)).bond).to.equal(BOND);
    });

    it("refuses an account that is not a live party", async () => {
      const w = await loadFixture(world);
      await expect(w.court.connect(w.outsider).openDispute(DisputeKind.POLICY, w.product, 1n, 0n, h("g"), ""))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotLiveParty")
        .withArgs(w.outsider.address);
      await send(w.registry.connect(w.registrar).recordSuccession(w.carol.address, w.individual.address, h("merger")));
      await expect(w.court.connect(w.carol).openDispute(DisputeKind.POLICY, w.product, 1n, 0n, h("g"), ""))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotLiveParty")
        .withArgs(w.carol.address);
    });

    it("refuses empty grounds", async () => {
      const w = await loadFixture(world);
      await expect(
        w.court.connect(w.alice).openDispute(DisputeKind.POLICY, w.product, 1n, 0n, ZERO_HASH, ""),
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
        ["contribution to another asset", DisputeKind.CONTRIBUTION, w.resource, 1n],
        ["unknown epoch", DisputeKind.SETTLEMENT, w.product, 99n],
        ["epoch of another asset", DisputeKind.SETTLEMENT, w.resource, epochId],
        ["policy version 0", DisputeKind.POLICY, w.product, 0n],
        ["policy version not set", DisputeKind.POLICY, w.product, 2n],
        ["policy of an asset without one", DisputeKind.POLICY, w.resource, 1n],
      ];
      for (const [label, kind, assetId, subjectId] of cases) {
        await expect(w.court.connect(w.carol).openDispute(kind, assetId, subjectId, 0n, h("g"), ""), label)
          .to.be.revertedWithCustomError(w.court, "DisputeCourtSubjectMismatch")
          .withArgs(kind, assetId, subjectId);
      }
      expect(await w.court.disputeCount()).to.equal(0n);
    });

    it("refuses a dispute against oneself", async () => {
      const w = await loadFixture(world);
      const cases: [number, bigint, bigint][] = [
        [DisputeKind.OBJECTION, w.product, 0n],
        [DisputeKind.POLICY, w.product, 1n],
        [DisputeKind.CONTRIBUTION, w.product, 1n], // bob's own contribution to his own product
      ];
      for (const [kind, assetId, subjectId] of cases) {
        await expect(w.court.connect(w.bob).openDispute(kind, assetId, subjectId, 0n, h("g"), ""))
          .to.be.revertedWithCustomError(w.court, "DisputeCourtSelfDispute")
          .withArgs(w.bob.address);
      }
    });

    it("refuses what the subject's contract refuses: a second dispute on a record, a paused epoch, a refused asset", async () => {
      const w = await loadFixture(world);
      await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
      await expect(w.court.connect(w.carol).openDispute(DisputeKind.CONTRIBUTION, w.product, 2n, 0n, h("g"), ""))
        .to.be.revertedWithCustomError(w.contributions, "ContributionLedgerNotDisputable")
        .withArgs(2n, ContributionStatus.DISPUTED);
      const { epochId } = await settleWithEscrow(w, 99n);
      await open(w, w.carol, DisputeKind.SETTLEMENT, w.product, epochId);
      await expect(w.court.connect(w.alice).openDispute(DisputeKind.SETTLEMENT, w.product, epochId, 0n, h("g"), ""))
        .to.be.revertedWithCustomError(w.vault, "RevenueVaultInvalidEpochStatus")
        .withArgs(epochId, EpochStatus.PAUSED);
      await send(w.registry.connect(w.registrar).refuseApplication(w.pending, h("incomplete")));
      await expect(w.court.connect(w.alice).openDispute(DisputeKind.OBJECTION, w.pending, 0n, 0n, h("g"), ""))
        .to.be.revertedWithCustomError(w.registry, "AssetRegistryInvalidStatus")
        .withArgs(w.pending, AssetStatus.REFUSED);
      expect(await w.court.disputeCount()).to.equal(2n);
    });

    it("refuses a bond the claimant has not approved", async () => {
      const w = await loadFixture(world);
      await send(w.token.connect(w.carol).approve(await w.court.getAddress(), 0n));
      await expect(
        w.court.connect(w.carol).openDispute(DisputeKind.POLICY, w.product, 1n, BOND, h("g"), ""),
      ).to.be.revertedWithCustomError(w.token, "ERC20InsufficientAllowance");
    });
  });

  describe("the court's hooks in the other contracts", () => {
    it("are the court's alone", async () => {
      const w = await loadFixture(world);
      for (const name of actorsExcept()) {
        const caller = signer(w, name);
        await expect(w.registry.connect(caller).fileDisputeObjection(w.pending, w.alice.address, h("g"), ""), name)
          .to.be.revertedWithCustomError(w.registry, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.COURT);
        await expect(w.contributions.connect(caller).markDisputed(1n, 1n), name)
          .to.be.revertedWithCustomError(w.contributions, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.COURT);
        await expect(w.contributions.connect(caller).resolveDispute(1n, 1n, false, 0n), name)
          .to.be.revertedWithCustomError(w.contributions, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.COURT);
      }
    });

    it("check their subject when called by a COURT holder", async () => {
      const w = await loadFixture(world);
      await send(w.accessManager.connect(w.admin).grantRole(ROLE_IDS.COURT, w.arbitrator.address, 0));
      const { contributions, registry, arbitrator } = w;
      await expect(registry.connect(arbitrator).fileDisputeObjection(w.pending, w.outsider.address, h("g"), ""))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(w.outsider.address);
      await expect(contributions.connect(arbitrator).markDisputed(99n, 1n))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnknownContribution")
        .withArgs(99n);
      await expect(contributions.connect(arbitrator).resolveDispute(1n, 1n, false, 0n))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotDisputed")
        .withArgs(1n);
      await send(contributions.connect(arbitrator).markDisputed(1n, 1n));
      await expect(contributions.connect(arbitrator).resolveDispute(1n, 1n, true, 5n))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidRuling")
        .withArgs(1n);
      await send(contributions.connect(arbitrator).resolveDispute(1n, 1n, true, 0n));
      await expect(contributions.connect(arbitrator).markDisputed(1n, 2n))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotDisputable")
        .withArgs(1n, ContributionStatus.VOIDED);
    });
  });

  describe("evidence", () => {
    it("is added by the claimant and the respondent, each on the asset's evidence chain", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
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
      const id = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
      await send(w.registry.connect(w.registrar).recordSuccession(w.alice.address, w.individual.address, h("merger")));
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
      await send(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS)));
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

    describe("on an objection", () => {
      it("DISMISS lets the registration complete", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.alice, DisputeKind.OBJECTION, w.pending, 0n);
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS)))
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
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.UPHOLD))).to.emit(w.registry, "ApplicationRefused");
        expect(await w.registry.assetStatus(w.pending)).to.equal(AssetStatus.REFUSED);
        expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.UPHELD);
      });

      it("UPHOLD of an objection to a certificate records the ruling and keeps the certificate", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        await send(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.UPHOLD)));
        expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.UPHELD);
        expect(await w.registry.assetStatus(w.product)).to.equal(AssetStatus.ISSUED);
      });

      it("REVOKE_CERTIFICATE cancels the certificate", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.REVOKE_CERTIFICATE)))
          .to.emit(w.registry, "AssetCancelled")
          .withArgs(w.product, await w.court.getAddress(), h(`ruling-${Remedy.REVOKE_CERTIFICATE}`));
        expect(await w.registry.assetStatus(w.product)).to.equal(AssetStatus.CANCELLED);
        await expectRuled(w, id, Remedy.REVOKE_CERTIFICATE);
      });

      it("TRANSFER_HOLDING moves the holding to the party named", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.TRANSFER_HOLDING, { transferTo: w.carol.address })))
          .to.emit(w.registry, "HoldingTransferred")
          .withArgs(w.product, w.bob.address, w.carol.address, TransferReason.OBJECTION_UPHELD, anyValue, await w.court.getAddress());
        expect(await w.registry.ownerOf(w.product)).to.equal(w.carol.address);
      });

      it("a remedy that cannot be carried out reverts and changes nothing", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
        // Upholding refuses an application: there is no certificate left to revoke.
        const onPending = await open(w, w.bob, DisputeKind.OBJECTION, w.pending, 0n);
        await expect(w.court.connect(w.arbitrator).rule(onPending, ruling(Remedy.REVOKE_CERTIFICATE)))
          .to.be.revertedWithCustomError(w.registry, "AssetRegistryInvalidStatus")
          .withArgs(w.pending, AssetStatus.REFUSED);
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.TRANSFER_HOLDING, { transferTo: w.outsider.address })))
          .to.be.revertedWithCustomError(w.registry, "PartyRegistryNotLiveParty")
          .withArgs(w.outsider.address);
        expect((await w.court.dispute(id)).status).to.equal(DisputeStatus.OPEN);
        expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.OPEN);
      });
    });

    describe("on a grant", () => {
      it("REVOKE_GRANT revokes it", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.GRANT, w.resource, w.grantId);
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.REVOKE_GRANT)))
          .to.emit(w.grants, "GrantRevoked")
          .withArgs(w.grantId, w.resource, await w.court.getAddress(), h(`ruling-${Remedy.REVOKE_GRANT}`));
        expect((await w.grants.getGrant(w.grantId)).status).to.equal(GrantStatus.REVOKED);
      });

      for (const remedy of [Remedy.DISMISS, Remedy.UPHOLD]) {
        it(`${remedy === Remedy.DISMISS ? "DISMISS" : "UPHOLD"} leaves it as it is`, async () => {
          const w = await loadFixture(world);
          const id = await open(w, w.carol, DisputeKind.GRANT, w.resource, w.grantId);
          await send(w.court.connect(w.arbitrator).rule(id, ruling(remedy)));
          expect((await w.grants.getGrant(w.grantId)).status).to.equal(GrantStatus.ACTIVE);
          await expectRuled(w, id, remedy);
        });
      }
    });

    describe("on a contribution", () => {
      it("DISMISS restores CONFIRMED, or RECORDED", async () => {
        const w = await loadFixture(world);
        const confirmed = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
        const recorded = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 3n);
        await expect(w.court.connect(w.arbitrator).rule(confirmed, ruling(Remedy.DISMISS)))
          .to.emit(w.contributions, "ContributionRuled")
          .withArgs(2n, w.product, confirmed, ContributionStatus.CONFIRMED, 0n);
        await send(w.court.connect(w.arbitrator).rule(recorded, ruling(Remedy.DISMISS)));
        expect((await w.contributions.contribution(2n)).status).to.equal(ContributionStatus.CONFIRMED);
        expect((await w.contributions.contribution(3n)).status).to.equal(ContributionStatus.RECORDED);
      });

      it("VOID_CONTRIBUTION voids it for good", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.VOID_CONTRIBUTION)))
          .to.emit(w.contributions, "ContributionRuled")
          .withArgs(2n, w.product, id, ContributionStatus.VOIDED, 0n);
        await expect(w.court.connect(w.carol).openDispute(DisputeKind.CONTRIBUTION, w.product, 2n, 0n, h("g"), ""))
          .to.be.revertedWithCustomError(w.contributions, "ContributionLedgerNotDisputable")
          .withArgs(2n, ContributionStatus.VOIDED);
      });

      it("ADJUST_CONTRIBUTION restores it with the measure the ruling sets", async () => {
        const w = await loadFixture(world);
        const id = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
        const tx = w.court.connect(w.arbitrator).rule(id, ruling(Remedy.ADJUST_CONTRIBUTION, { adjustedMeasure: 2_500n }));
        await expect(tx).to.emit(w.contributions, "ContributionRuled").withArgs(2n, w.product, id, ContributionStatus.CONFIRMED, 2_500n);
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
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS))).to.emit(w.vault, "SettlementResumed");
        expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.POSTED);
      });

      it("REJECT_SETTLEMENT returns its amount to unsettled, even after the challenge window", async () => {
        const w = await loadFixture(world);
        const { epochId } = await settleWithEscrow(w, 99n);
        const id = await open(w, w.alice, DisputeKind.SETTLEMENT, w.product, epochId);
        await time.increase(CHALLENGE_WINDOW + DAY);
        await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.REJECT_SETTLEMENT))).to.emit(w.vault, "SettlementRejected");
        expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.REJECTED);
        expect(await w.vault.unsettled(w.product, 1)).to.equal(10_000n);
      });
    });

    describe("on a policy", () => {
      for (const remedy of [Remedy.DISMISS, Remedy.UPHOLD]) {
        it(`records ${remedy === Remedy.DISMISS ? "DISMISS" : "UPHOLD"} on the product's evidence chain`, async () => {
          const w = await loadFixture(world);
          const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
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
        [DisputeKind.GRANT]: await open(w, w.carol, DisputeKind.GRANT, w.resource, w.grantId),
        [DisputeKind.CONTRIBUTION]: await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n),
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
      for (const kind of Object.values(DisputeKind)) {
        for (const remedy of Object.values(Remedy)) {
          if (allowed[kind]!.includes(remedy)) continue;
          await expect(w.court.connect(w.arbitrator).rule(ids[kind]!, ruling(remedy)), `kind ${kind} remedy ${remedy}`)
            .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRemedy")
            .withArgs(kind, remedy);
        }
      }
    });

    it("refuses ruling fields the remedy does not use, or leaves out", async () => {
      const w = await loadFixture(world);
      const contribution = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
      const objection = await open(w, w.carol, DisputeKind.OBJECTION, w.product, 0n);
      const cases: [string, bigint, RulingInput][] = [
        ["no ruling hash", contribution, ruling(Remedy.DISMISS, { rulingHash: ZERO_HASH })],
        ["a measure on a dismissal", contribution, ruling(Remedy.DISMISS, { adjustedMeasure: 1n })],
        ["an adjustment without a measure", contribution, ruling(Remedy.ADJUST_CONTRIBUTION)],
        ["a recipient on a dismissal", objection, ruling(Remedy.DISMISS, { transferTo: w.carol.address })],
        ["a transfer without a recipient", objection, ruling(Remedy.TRANSFER_HOLDING)],
        ["a forfeit without a bond", objection, ruling(Remedy.DISMISS, { forfeitBond: true })],
      ];
      for (const [label, id, bad] of cases) {
        await expect(w.court.connect(w.arbitrator).rule(id, bad), label)
          .to.be.revertedWithCustomError(w.court, "DisputeCourtInvalidRuling")
          .withArgs(bad.remedy);
      }
    });

    it("is given by an arbitrator only", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      for (const name of actorsExcept("arbitrator")) {
        await expect(w.court.connect(signer(w, name)).rule(id, ruling(Remedy.DISMISS)), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ARBITRATOR);
      }
    });

    it("is given before the deadline, once, on a known dispute", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      const late = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      await send(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS)));
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

    it("returns the bond to the claimant, or forfeits it to the respondent", async () => {
      const w = await loadFixture(world);
      const court = await w.court.getAddress();
      const returned = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n, BOND);
      const forfeited = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n, BOND);
      await expect(w.court.connect(w.arbitrator).rule(returned, ruling(Remedy.UPHOLD))).to.changeTokenBalances(
        ethers,
        w.token,
        [court, w.alice, w.bob],
        [-BOND, BOND, 0n],
      );
      await expect(
        w.court.connect(w.arbitrator).rule(forfeited, ruling(Remedy.DISMISS, { forfeitBond: true })),
      ).to.changeTokenBalances(ethers, w.token, [court, w.carol, w.bob], [-BOND, 0n, BOND]);
      expect((await w.court.dispute(forfeited)).bond).to.equal(0n);
    });

    it("pays a bond to the successor of the party it is due to", async () => {
      const w = await loadFixture(world);
      const id = await open(w, w.carol, DisputeKind.POLICY, w.product, 1n, BOND);
      await send(w.registry.connect(w.registrar).recordSuccession(w.carol.address, w.individual.address, h("merger")));
      await expect(w.court.connect(w.arbitrator).rule(id, ruling(Remedy.DISMISS))).to.changeTokenBalances(
        ethers,
        w.token,
        [w.carol, w.individual],
        [0n, BOND],
      );
    });
  });

  describe("lapse", () => {
    it("dismisses an unruled dispute after its deadline: restores what it held and returns the bond", async () => {
      const w = await loadFixture(world);
      const { epochId } = await settleWithEscrow(w, 99n);
      const objection = await open(w, w.alice, DisputeKind.OBJECTION, w.pending, 0n, BOND);
      const contribution = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
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
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.alice], [BOND]);
      await send(w.court.connect(w.outsider).lapse(contribution));
      await send(w.court.connect(w.outsider).lapse(settlement));

      expect((await w.registry.objection(1n)).status).to.equal(ObjectionStatus.DISMISSED);
      expect((await w.contributions.contribution(2n)).status).to.equal(ContributionStatus.CONFIRMED);
      expect((await w.vault.epoch(epochId)).status).to.equal(EpochStatus.POSTED);
      for (const id of [objection, contribution, settlement]) {
        const stored = await w.court.dispute(id);
        expect([stored.status, stored.remedy]).to.deep.equal([BigInt(DisputeStatus.LAPSED), BigInt(Remedy.DISMISS)]);
      }
      await expect(w.court.lapse(objection))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNotOpen")
        .withArgs(objection, DisputeStatus.LAPSED);
      await expect(w.court.lapse(9n)).to.be.revertedWithCustomError(w.court, "DisputeCourtUnknownDispute").withArgs(9n);
    });
  });

  describe("escrow", () => {
    /** A contribution dispute (id 1) whose share sits in escrow in a claimable epoch. */
    async function escrowed() {
      const w = await world();
      const disputeId = await open(w, w.carol, DisputeKind.CONTRIBUTION, w.product, 2n);
      const settled = await settleWithEscrow(w, disputeId);
      await time.increase(CHALLENGE_WINDOW);
      return { ...w, disputeId, ...settled };
    }

    it("is held until the ruling, then released to the parties an arbitrator names", async () => {
      const w = await loadFixture(escrowed);
      const leaf = w.tree.claim(w.epochId, 1);
      const release = (caller: HardhatEthersSigner) =>
        w.court
          .connect(caller)
          .releaseEscrow(w.disputeId, w.epochId, leaf.index, leaf.amount, leaf.proof, [w.alice.address, w.carol.address], [4_000n, 2_000n]);
      // Nobody can claim the escrow leaf as a party.
      await expect(w.vault.connect(w.alice).claim([leaf], w.alice.address)).to.be.revertedWithCustomError(
        w.vault,
        "RevenueVaultNotEntitled",
      );
      await expect(release(w.arbitrator))
        .to.be.revertedWithCustomError(w.court, "DisputeCourtStillOpen")
        .withArgs(w.disputeId);
      await send(w.court.connect(w.arbitrator).rule(w.disputeId, ruling(Remedy.ADJUST_CONTRIBUTION, { adjustedMeasure: 4_000n })));
      for (const name of actorsExcept("arbitrator")) {
        await expect(release(signer(w, name)), name)
          .to.be.revertedWithCustomError(w.court, "LedgerAccessUnauthorized")
          .withArgs(signer(w, name).address, ROLE_IDS.ARBITRATOR);
      }
      const tx = release(w.arbitrator);
      await expect(tx)
        .to.emit(w.vault, "EscrowReleased")
        .withArgs(w.epochId, w.product, w.disputeId, leaf.index, [w.alice.address, w.carol.address], [4_000n, 2_000n]);
      await expect(tx).to.changeTokenBalances(ethers, w.token, [w.vault, w.alice, w.carol], [-6_000n, 4_000n, 2_000n]);
      await expect(release(w.arbitrator))
        .to.be.revertedWithCustomError(w.vault, "RevenueVaultAlreadyClaimed")
        .withArgs(w.epochId, leaf.index);
    });

    it("exists only for contribution disputes", async () => {
      const w = await loadFixture(escrowed);
      const policy = await open(w, w.alice, DisputeKind.POLICY, w.product, 1n);
      await send(w.court.connect(w.arbitrator).rule(policy, ruling(Remedy.DISMISS)));
      const leaf = w.tree.claim(w.epochId, 1);
      await expect(
        w.court.connect(w.arbitrator).releaseEscrow(policy, w.epochId, leaf.index, leaf.amount, leaf.proof, [w.alice.address], [6_000n]),
      )
        .to.be.revertedWithCustomError(w.court, "DisputeCourtNoEscrow")
        .withArgs(policy);
      await expect(
        w.court.connect(w.arbitrator).releaseEscrow(9n, w.epochId, leaf.index, leaf.amount, leaf.proof, [w.alice.address], [6_000n]),
      )
        .to.be.revertedWithCustomError(w.court, "DisputeCourtUnknownDispute")
        .withArgs(9n);
    });
  });
});
