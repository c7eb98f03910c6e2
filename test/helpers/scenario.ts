import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { NetworkConnection } from "hardhat/types/network";

import type { RawLog } from "../../ledger/evidence/index.js";
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
import { DAY, deployLedger, fileApplication, grantTerms, h, issueAsset, makeGrant, NOTICE_PERIOD, type Ledger } from "./ledger.js";
import { toRawLogs } from "./logs.js";
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

  // A resource through review, notice, a dismissed objection and issue.
  const resource = await fileApplication(ledger, alice);
  await send(registry.connect(reviewer).attachReview(resource, ReviewKind.AUTHENTICITY, h("report"), "ipfs://report"));
  await send(registry.connect(registrar).acceptApplication(resource));
  await send(registry.connect(bob).fileObjection(resource, h("grounds"), "ipfs://grounds"));
  await send(registry.connect(arbitrator).resolveObjection(1n, false, h("dismissed")));
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

  // A product derived under the grant, pledged, released, transferred, then its holder succeeded.
  const product = await issueAsset(connection, ledger, bob, {
    kind: AssetKind.PRODUCT,
    parents: [{ assetId: resource, grantId: direct }],
  });
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
  await send(contributions.connect(bob).record([contribution(ContributionRole.HOLDER, Stage.APPLICATION, 0n)]));
  await send(contributions.connect(alice).record([contribution(ContributionRole.PROVIDER, Stage.COLLECTION, resource)]));
  await send(contributions.connect(bob).confirm([1n, 2n]));
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
  await send(vault.connect(settler).settle(product, 1, 10_000n, tree.root, stateBlock, h("inputs-2")));
  await send(vault.connect(arbitrator).pause(2n, h("disputed")));
  await send(vault.connect(arbitrator).resume(2n, h("dismissed")));
  // Disputes in the court: a contribution dispute with evidence from both sides, ruled with an adjusted
  // measure; a policy dispute that lapses unruled.
  const court = ledger.disputeCourt;
  await send(court.connect(carol).openDispute(DisputeKind.CONTRIBUTION, product, 2n, 0n, h("inflated"), "ipfs://d1"));
  await send(court.connect(carol).submitEvidence(1n, h("audit-report"), "ipfs://audit"));
  await send(court.connect(alice).submitEvidence(1n, h("invoices"), "ipfs://invoices"));
  await send(
    court.connect(arbitrator).rule(1n, {
      remedy: Remedy.ADJUST_CONTRIBUTION,
      adjustedMeasure: 600n,
      transferTo: ethers.ZeroAddress,
      forfeitBond: false,
      rulingHash: h("ruling-1"),
      rulingURI: "ipfs://ruling/1",
    }),
  );
  await send(court.connect(alice).openDispute(DisputeKind.POLICY, product, 1n, 0n, h("unfair"), "ipfs://d2"));
  await networkHelpers.time.increase(31n * DAY);
  await send(court.connect(carol).lapse(2n));
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
  await send(registry.connect(alice).fileObjection(objected, h("stolen-data"), "ipfs://stolen"));
  await send(registry.connect(arbitrator).resolveObjection(2n, true, h("upheld")));

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
