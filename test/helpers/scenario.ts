import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { NetworkConnection } from "hardhat/types/network";

import type { RawLog } from "../../ledger/events/index.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import {
  AssetKind,
  Classification,
  ContributionRole,
  DisputeKind,
  EmptyStageRule,
  Remedy,
  ReviewKind,
  Rights,
  ScopeKind,
  Stage,
  TransferReason,
} from "../../ledger/types.js";
import {
  ANSWER_PERIOD,
  DAY,
  deployLedger,
  fileApplication,
  fundBonds,
  grantTerms,
  h,
  makeGrant,
  MIN_BOND,
  NOTICE_PERIOD,
  recordedIds,
  type Ledger,
} from "./ledger.js";
import { toRawLogs } from "../../scripts/lib/ledgerState.js";
import { LEAF_TYPES } from "./vault.js";

type Connection = NetworkConnection<"generic">;

export interface Scenario {
  ledger: Ledger;
  /** Assets whose chains the scenario built, between them covering every evidence kind. */
  assetIds: bigint[];
  logs: RawLog[];
}

/** Drives every kind of evidence-producing action through the real contracts. */
export async function everyEvidenceKind(connection: Connection, options: { deploymentId?: string } = {}): Promise<Scenario> {
  const { ethers, networkHelpers } = connection;
  const ledger = await deployLedger(connection, options);
  const { registry, grants, registrar, reviewer, arbitrator, alice, bob, carol } = ledger;
  const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
  const court = ledger.disputeCourt;
  const ruling = (remedy: number, label: string, overrides: { adjustedMeasure?: bigint; forfeitBond?: boolean } = {}) => ({
    remedy,
    adjustedMeasure: overrides.adjustedMeasure ?? 0n,
    transferTo: ethers.ZeroAddress,
    forfeitBond: overrides.forfeitBond ?? false,
    rulingHash: h(label),
    rulingURI: `ipfs://ruling/${label}`,
  });
  // Claimants pay bonds in the settlement token.
  await fundBonds(ledger, [alice, bob]);

  // A resource through review, notice, an objection (a court dispute) dismissed as unfounded, and issue.
  const resource = await fileApplication(ledger, alice);
  await send(registry.connect(reviewer).attachReview(resource, ReviewKind.AUTHENTICITY, h("report"), "ipfs://report"));
  await send(registry.connect(registrar).acceptApplication(resource));
  await send(court.connect(bob).openDispute(DisputeKind.OBJECTION, resource, 0n, 0n, MIN_BOND, h("grounds"), "ipfs://grounds"));
  await networkHelpers.time.increase(ANSWER_PERIOD);
  // Unfounded: bob's bond goes to alice, who answered.
  await send(court.connect(arbitrator).rule(1n, ruling(Remedy.DISMISS, "dismissed", { forfeitBond: true })));
  await send(court.connect(arbitrator).allowRepeat(1n));
  await networkHelpers.time.increase(NOTICE_PERIOD);
  await send(registry.connect(registrar).issueCertificate(resource));
  await send(registry.connect(registrar).changeCard(resource, h("card-v2"), "ipfs://card/v2"));
  await send(registry.connect(registrar).reclassify(resource, Classification.IMPORTANT, 0n));

  // Grants, a sub-grant, their status changes and metered use.
  const now = BigInt(await networkHelpers.time.latest());
  const direct = await makeGrant(
    ledger,
    alice,
    grantTerms(bob.address, resource, Rights.PROCESS | Rights.SUBLICENSE | Rights.USE, now, { royaltyBps: 500 }),
  );
  await send(
    grants
      .connect(bob)
      .subGrant(direct, grantTerms(carol.address, resource, Rights.USE, now, { scopeKind: ScopeKind.SCENARIO, scopeData: h("scenario") })),
  );
  const sub = await grants.grantCount();
  await send(grants.connect(alice).suspend(direct, h("audit")));
  await send(grants.connect(alice).resume(direct, h("audit-ok")));
  await networkHelpers.time.increase(DAY);
  const after = BigInt(await networkHelpers.time.latest());
  await send(grants.connect(bob).recordUsage(direct, 1200n, now, after, h("usage")));
  await send(grants.connect(bob).revoke(sub, h("ended")));

  // A product derived under the grant, pledged, released, transferred, then its holder succeeded. It is
  // classified below its (important) parent, so it waits for a desensitization review before acceptance.
  const product = await fileApplication(ledger, bob, {
    kind: AssetKind.PRODUCT,
    classification: Classification.GENERAL,
    parents: [{ assetId: resource, grantId: direct }],
  });
  await send(registry.connect(reviewer).attachReview(product, ReviewKind.DESENSITIZATION, h("desensitized"), "ipfs://desensitized"));
  await send(registry.connect(registrar).acceptApplication(product));
  await networkHelpers.time.increase(NOTICE_PERIOD);
  await send(registry.connect(registrar).issueCertificate(product));
  // Contributions to the product by its holder and the processor, confirmed, under a split policy.
  const { contributions } = ledger;
  const contribution = (role: number, stage: number, authorization: bigint) => ({
    productId: product,
    stage,
    role,
    measure: 1_000n,
    authorization,
    evidenceHash: h(`invoice-${role}`),
    evidenceURI: `ipfs://invoice/${role}`,
  });
  const [bobRecord] = await recordedIds(ledger, contributions.connect(bob).record([contribution(ContributionRole.HOLDER, Stage.APPLICATION, 0n)]));
  const [aliceRecord] = await recordedIds(ledger, contributions.connect(alice).record([contribution(ContributionRole.PROVIDER, Stage.COLLECTION, resource)]));
  await send(contributions.connect(bob).confirm([bobRecord!, aliceRecord!]));
  await send(contributions.connect(bob).setSplitPolicy(product, [2_000, 5_000, 1_000, 2_000], EmptyStageRule.PRO_RATA));
  // Revenue: a deposit, a settlement rejected in its window, a second one paused and resumed by the court.
  const { vault, token, accessManager, admin, settler } = ledger;
  await send(accessManager.connect(admin).grantRole(ROLE_IDS.COURT, arbitrator.address, 0));
  await send(token.mint(carol.address, 10_000n));
  await send(token.connect(carol).approve(await vault.getAddress(), 10_000n));
  await send(vault.connect(carol).deposit(product, 10_000n, h("order-1")));
  const tree = StandardMerkleTree.of([[0n, bob.address, 6_000n], [1n, alice.address, 4_000n]], [...LEAF_TYPES]);
  const stateBlock = BigInt(await ethers.provider.getBlockNumber());
  await send(vault.connect(settler).settle(product, 1, 10_000n, tree.root, stateBlock, h("inputs")));
  await send(vault.connect(arbitrator).reject(1n, h("wrong-split")));
  // The next settlement reads a state that includes the rejection.
  const afterRejection = BigInt(await ethers.provider.getBlockNumber());
  await send(vault.connect(settler).settle(product, 1, 10_000n, tree.root, afterRejection, h("inputs-2")));
  await send(vault.connect(arbitrator).pause(2n, h("disputed")));
  await send(vault.connect(arbitrator).resume(2n, h("dismissed")));
  // Disputes in the court: the holder's dispute of a contribution, with evidence from both sides, ruled
  // after the contributor's time to answer with an adjusted measure; a contributor's policy dispute (standing:
  // its record) that lapses unruled; bonds credited, then withdrawn.
  await send(court.connect(bob).openDispute(DisputeKind.CONTRIBUTION, product, aliceRecord!, 0n, MIN_BOND, h("inflated"), "ipfs://d1"));
  await send(court.connect(bob).submitEvidence(2n, h("audit-report"), "ipfs://audit"));
  await send(court.connect(alice).submitEvidence(2n, h("invoices"), "ipfs://invoices"));
  await networkHelpers.time.increase(ANSWER_PERIOD);
  await send(court.connect(arbitrator).rule(2n, ruling(Remedy.ADJUST_CONTRIBUTION, "ruling-2", { adjustedMeasure: 600n })));
  await send(court.connect(alice).openDispute(DisputeKind.POLICY, product, 1n, aliceRecord!, MIN_BOND, h("unfair"), "ipfs://d2"));
  await networkHelpers.time.increase(31n * DAY);
  await send(court.connect(carol).lapse(3n));
  await send(court.connect(bob).withdrawBond(bob.address, bob.address));
  await send(court.connect(alice).withdrawBond(alice.address, carol.address));
  await send(registry.connect(bob).pledge(product, carol.address, h("pledge-contract")));
  await send(registry.connect(carol).releasePledge(product));
  await send(registry.connect(registrar).transferHolding(product, carol.address, TransferReason.SALE, h("sale")));
  await send(registry.connect(registrar).recordSuccession(carol.address, alice.address, h("merger")));
  await send(registry.connect(alice).syncSuccession(product));
  await send(registry.connect(registrar).cancel(product, h("worthless")));
  await send(registry.connect(registrar).recordDestruction(product, h("destruction-report")));

  // An application refused by the registrar, and one refused by an upheld objection.
  const refused = await fileApplication(ledger, alice);
  await send(registry.connect(registrar).refuseApplication(refused, h("incomplete")));
  const objected = await fileApplication(ledger, bob);
  await send(court.connect(alice).openDispute(DisputeKind.OBJECTION, objected, 0n, 0n, MIN_BOND, h("stolen-data"), "ipfs://stolen"));
  await networkHelpers.time.increase(ANSWER_PERIOD);
  await send(court.connect(arbitrator).rule(4n, ruling(Remedy.UPHOLD, "upheld")));

  const logs = toRawLogs(
    await ethers.provider.getLogs({
      address: [
        await registry.getAddress(),
        await grants.getAddress(),
        await ledger.contributions.getAddress(),
        await ledger.vault.getAddress(),
        await ledger.disputeCourt.getAddress(),
      ],
      fromBlock: 0,
      toBlock: "latest",
    }),
  );
  return { ledger, assetIds: [resource, product, refused, objected], logs };
}
