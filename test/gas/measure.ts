import type { ContractTransactionResponse } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Address } from "viem";

import { GRANT_EIP712_TYPES, grantEip712Domain } from "../../ledger/grants/signing.js";
import { escrowAccount, LEAF_TYPES } from "../helpers/vault.js";
import {
  AssetKind,
  Classification,
  ContributionRole,
  DataCategory,
  DisputeKind,
  EmptyStageRule,
  PartyKind,
  Remedy,
  ReviewKind,
  Rights,
  ScopeKind,
  TransferReason,
} from "../../ledger/types.js";
import {
  ANSWER_PERIOD,
  CHALLENGE_WINDOW,
  DAY,
  deployLedger,
  fileApplication,
  fundBonds,
  grantTerms,
  h,
  issueAsset,
  makeGrant,
  MIN_BOND,
  NOTICE_PERIOD,
  type Ledger,
} from "../helpers/ledger.js";

/** Gas per operation: full-transaction gasUsed, except where the name says otherwise. */
export type GasReport = Record<string, number>;

/**
 * Budgets from the issues, checked by the gas test. Not met, and so not listed: a single contribution record
 * (budget 80k, issue 17's goal 60k: 87.9k; every sound design's floor is 77.7k before any opcode, since a record
 * needs a fresh slot, the rights check, its event and its evidence entry: docs/contribution-record-gas.md §2); opening an objection or a settlement dispute (150k: 232.7k and 205.2k), which
 * also files a registry objection (two fresh registry slots) or pauses a vault epoch (its own evidence entry).
 * No dispute opening can meet 150k while the court keeps its view of every dispute: the items every opening
 * pays before any execution (21k base, calldata, three fresh slots, the counter, the minimum bond, the live-party
 * check, the bond's transferFrom, the evidence entry and the event) come to 137.1k, and a policy dispute's
 * cheapest subject and standing reads (a policy version, the holder, the claimant's record) to 150.2k.
 * The vault's first deposit (goal 110k: 141.4k; it creates the vault's token balance, its product's pool and
 * the book slot of `deposited`, three zero-to-non-zero stores of 22.1k, and a deposit into a vault that holds
 * revenue costs 90.2k) and a claim of a leaf whose epoch already paid one (goal 60k: 64.4k; the floor with the
 * token transfer, the registry's entitlement check, the epoch's slot and root and the `paidOut` book is about 62k).
 * Budgets met before the security audit (issue 11) and not since are in {@link GAS_BUDGETS_NOT_MET}: the
 * gas test reports each as pending while it is exceeded, until the budget is decided again.
 *
 * The first registration is filing plus issuing (the two calls of the applicant and the registrar);
 * acceptance, which opens the notice window, is reported on its own. An objection is always a court dispute
 * since the audit: `objection.file` and `objection.resolve` are the court's opening (with the minimum bond; the
 * court's first dispute) and dismissal of an OBJECTION dispute on an application in notice.
 *
 * Contribution records and confirmations (issue 17, docs/contribution-record-gas.md §3): a record in a batch
 * of one product, 25k (the issue's goal; 18.6k since ids come in windows of 13 records sharing one slot, was
 * 38.6k with a slot per record); a confirmation in a batch of 50, 15k (13.1k: 4 window slots instead of 50
 * record slots, was 17.5k); a single confirmation, 65k (63.4k, was 63.3k: still one cold slot, and the bit work).
 */
export const GAS_BUDGETS: Record<string, number> = {
  "registration.fileAndIssue": 200_000,
  "grant.direct": 150_000,
  "contribution.record(per record, batch of 50)": 25_000,
  "contribution.confirm": 65_000,
  "contribution.confirm(per record, batch of 50)": 15_000,
  "vault.settle": 150_000,
  "vault.claim(1 epoch; bitmap word touched, recipient with balance)": 70_000,
  "vault.claim(1 epoch; new bitmap word, recipient without balance)": 85_000,
  // 15.2k before issue 17: its registry view was the 47th selector the registry's dispatcher compared; it is
  // the first now (`registryStateForGrant`), 14.1k.
  "grant.isAuthorized(direct, execution gas)": 15_000,
};

/** Budgets of the issues that the operations met before the security audit (issue 11) and exceed since. */
export const GAS_BUDGETS_NOT_MET: Record<string, { budget: number; why: string }> = {
  "dispute.open(contribution, bond)": {
    budget: 150_000,
    why:
      "146.3k before the audit; now 191.1k: a minimum bond, the claimant's standing checked (calls to the " +
      "contribution ledger and the registry), the respondent and answer deadline stored, the claimant's open " +
      "dispute on the subject recorded (a new slot per claimant and subject, which also holds the bond)",
  },
  "dispute.open(policy, bond)": {
    budget: 150_000,
    why: "budgeted as 'no bond' (122.8k), which no longer exists; with the minimum bond and the same new checks, 171.6k",
  },
};

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

/** gasUsed of a `record` transaction, and the contribution ids its `ContributionRecorded` events name, in order. */
async function recordGasAndIds(
  contributions: Ledger["contributions"],
  tx: Promise<ContractTransactionResponse>,
): Promise<[number, bigint[]]> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  const address = (await contributions.getAddress()).toLowerCase();
  const topic = contributions.interface.getEvent("ContributionRecorded").topicHash;
  const ids = receipt.logs
    .filter((log) => log.address.toLowerCase() === address && log.topics[0] === topic)
    .map((log) => BigInt(log.topics[1]!));
  return [Number(receipt.gasUsed), ids];
}

/** The intrinsic gas of a call with `data`: 21,000 plus 4 per zero and 16 per non-zero calldata byte. */
function intrinsicGas(data: string): number {
  let gas = 21_000;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

/** Runs one fixed scenario on a fresh in-process chain and returns the gas of each operation. */
export async function measureGas(connection: NetworkConnection<"generic">): Promise<GasReport> {
  const ledger = await deployLedger(connection);
  const { ethers, networkHelpers } = connection;
  const { registry, grants, contributions, registrar, reviewer, arbitrator, alice, bob, carol, individual } = ledger;
  const report: GasReport = {};

  // Warm-up: alice, bob and carol each hold one certificate already, as any party does after its first.
  await issueAsset(connection, ledger, alice);
  await issueAsset(connection, ledger, bob);
  await issueAsset(connection, ledger, carol);
  // bob and carol hold tokens the court may take as bonds.
  await fundBonds(ledger, [bob, carol], 1_000_000n);
  const court = ledger.disputeCourt;
  const ruling = (remedy: number, adjustedMeasure = 0n) => ({
    remedy,
    adjustedMeasure,
    transferTo: ethers.ZeroAddress,
    forfeitBond: false,
    rulingHash: h("ruling"),
    rulingURI: "ipfs://ruling",
  });

  // Parties.
  const [, , , , , , , , , , , , newcomer, successor] = await ethers.getSigners();
  report["party.register"] = await gasOf(registry.connect(registrar).registerParty(newcomer!.address, PartyKind.ENTERPRISE, h("p")));
  await (await registry.connect(registrar).registerParty(successor!.address, PartyKind.ENTERPRISE, h("p2"))).wait();

  // First registration of a resource.
  const fileTx = registry.connect(alice).fileApplication({
    kind: AssetKind.RESOURCE,
    category: DataCategory.ENTERPRISE,
    classification: Classification.IMPORTANT,
    fingerprint: h("fingerprint"),
    cardHash: h("card"),
    cardURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    parents: [],
  });
  report["registration.file"] = await gasOf(fileTx);
  const resource = await registry.assetCount();
  report["registration.review"] = await gasOf(
    registry.connect(reviewer).attachReview(resource, ReviewKind.DESENSITIZATION, h("report"), "ipfs://report"),
  );
  report["registration.accept"] = await gasOf(registry.connect(registrar).acceptApplication(resource));
  // An objection is a court dispute (the first of the court: it creates the counter and the token balance).
  report["objection.file"] = await gasOf(
    court.connect(bob).openDispute(DisputeKind.OBJECTION, resource, 0n, 0n, MIN_BOND, h("grounds"), "ipfs://grounds"),
  );
  await networkHelpers.time.increase(ANSWER_PERIOD);
  report["objection.resolve"] = await gasOf(court.connect(arbitrator).rule(1n, ruling(Remedy.DISMISS)));
  await networkHelpers.time.increase(NOTICE_PERIOD);
  report["registration.issue"] = await gasOf(registry.connect(registrar).issueCertificate(resource));
  report["registration.fileAndIssue"] = report["registration.file"] + report["registration.issue"];
  report["registration.fileAcceptAndIssue"] = report["registration.fileAndIssue"] + report["registration.accept"];

  // Change registrations.
  report["registration.changeCard"] = await gasOf(registry.connect(registrar).changeCard(resource, h("card-2"), "ipfs://card/2"));
  report["registration.reclassify"] = await gasOf(registry.connect(registrar).reclassify(resource, Classification.GENERAL, 1n));

  // Grants.
  const now = BigInt(await networkHelpers.time.latest());
  const grantTx = grants
    .connect(alice)
    .grant(grantTerms(bob.address, resource, Rights.PROCESS | Rights.SUBLICENSE, now, { royaltyBps: 1_000 }));
  report["grant.direct"] = await gasOf(grantTx);
  const direct = await grants.grantCount();
  report["grant.scoped"] = await gasOf(
    grants.connect(alice).grant(grantTerms(carol.address, resource, Rights.USE, now, { scopeKind: ScopeKind.DOMAIN, scopeData: h("domain:traffic") })),
  );
  report["grant.sub"] = await gasOf(grants.connect(bob).subGrant(direct, grantTerms(carol.address, resource, Rights.PROCESS, now)));
  const sub = await grants.grantCount();

  const deadline = now + DAY;
  const signedTerms = grantTerms(individual.address, resource, Rights.USE, now);
  const network = await ethers.provider.getNetwork();
  const signature = await alice.signTypedData(
    grantEip712Domain(network.chainId, (await grants.getAddress()) as Address),
    { Grant: [...GRANT_EIP712_TYPES.Grant] },
    { grantor: alice.address, ...signedTerms, nonce: 0n, deadline },
  );
  report["grant.bySignature"] = await gasOf(grants.connect(bob).grantBySig(signedTerms, alice.address, deadline, signature));

  const probe = await ethers.deployContract("GasProbe");
  const authorizedCall = grants.interface.encodeFunctionData("isAuthorized", [
    bob.address,
    Rights.PROCESS,
    resource,
    ScopeKind.WHOLE,
    "0x" + "00".repeat(32),
    now + 1n,
    direct,
  ]);
  report["grant.isAuthorized(direct, from a contract)"] = Number(
    await probe.measure.staticCall(await grants.getAddress(), authorizedCall),
  );
  // The same check as a transaction's execution gas: the grant registry is the (warm) call target.
  const checkTx = await ledger.outsider.sendTransaction({ to: await grants.getAddress(), data: authorizedCall });
  report["grant.isAuthorized(direct, execution gas)"] = Number((await checkTx.wait())!.gasUsed) - intrinsicGas(authorizedCall);
  const subCall = grants.interface.encodeFunctionData("isAuthorized", [
    carol.address, Rights.PROCESS, resource, ScopeKind.WHOLE, "0x" + "00".repeat(32), now + 1n, sub,
  ]);
  report["grant.isAuthorized(sub-grant, from a contract)"] = Number(await probe.measure.staticCall(await grants.getAddress(), subCall));

  await networkHelpers.time.increase(DAY);
  const later = BigInt(await networkHelpers.time.latest());
  report["grant.recordUsage"] = await gasOf(grants.connect(bob).recordUsage(direct, 1_000n, now, later, h("usage")));
  report["grant.suspend"] = await gasOf(grants.connect(alice).suspend(direct, h("s")));
  report["grant.resume"] = await gasOf(grants.connect(alice).resume(direct, h("r")));

  // A product derived from the resource under the grant.
  const productFile = await gasOf(
    registry.connect(bob).fileApplication({
      kind: AssetKind.PRODUCT,
      category: DataCategory.ENTERPRISE,
      classification: Classification.GENERAL,
      fingerprint: h("product"),
      cardHash: h("product-card"),
      cardURI: "ipfs://product",
      parents: [{ assetId: resource, grantId: direct }],
    }),
  );
  report["registration.file(product, 1 parent by grant)"] = productFile;
  report["grant.revoke"] = await gasOf(grants.connect(bob).revoke(sub, h("x")));

  // Contributions to the product, once issued: by its holder, single and in a batch of 50.
  const product = await registry.assetCount();
  await (await registry.connect(registrar).acceptApplication(product)).wait();
  await networkHelpers.time.increase(NOTICE_PERIOD);
  await (await registry.connect(registrar).issueCertificate(product)).wait();
  const contribution = (n: number) => ({
    productId: product,
    stage: n % 4,
    role: ContributionRole.HOLDER,
    measure: 1_000n + BigInt(n),
    authorization: 0n,
    evidenceHash: h(`invoice-${n}`),
    evidenceURI: `ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/invoice-${n}.json`,
  });
  // One product: the batch fills 4 windows (13 + 13 + 13 + 11 records), one fresh slot each.
  const batch = Array.from({ length: 50 }, (_, n) => contribution(n + 1));
  const [batchGas, batchIds] = await recordGasAndIds(contributions, contributions.connect(bob).record(batch));
  report["contribution.record(per record, batch of 50)"] = Math.ceil(batchGas / 50);
  // A single record once the ledger has records (the very first one also creates the last-id slot: +17k); it
  // opens a window of its own.
  const [singleGas, [single]] = await recordGasAndIds(contributions, contributions.connect(bob).record([contribution(0)]));
  report["contribution.record"] = singleGas;
  if (batchIds.length !== 50 || single === undefined) throw new Error("measureGas: the records' ids are missing from the events");
  report["contribution.confirm"] = await gasOf(contributions.connect(bob).confirm([single]));
  report["contribution.confirm(per record, batch of 50)"] = Math.ceil(
    (await gasOf(contributions.connect(bob).confirm(batchIds))) / 50,
  );
  report["contribution.setSplitPolicy"] = await gasOf(
    contributions.connect(bob).setSplitPolicy(product, [2_000, 4_000, 2_000, 2_000], EmptyStageRule.PRO_RATA),
  );

  // Revenue of the product: a deposit, a settlement of four parties, claims once the window is over.
  const { vault, token, settler } = ledger;
  await (await token.mint(carol.address, 1_000_000n)).wait();
  await (await token.connect(carol).approve(await vault.getAddress(), 1_000_000n)).wait();
  report["vault.deposit"] = await gasOf(vault.connect(carol).deposit(product, 400_000n, h("order")));
  const leaves: [bigint, string, bigint][] = [
    [0n, alice.address, 100_000n],
    [1n, bob.address, 100_000n],
    [2n, carol.address, 100_000n],
    [3n, individual.address, 100_000n],
  ];
  const tree = StandardMerkleTree.of(leaves, [...LEAF_TYPES]);
  const stateBlock = BigInt(await ethers.provider.getBlockNumber());
  const policyVersion = Number((await contributions.splitPolicy(product)).version);
  report["vault.settle"] = await gasOf(
    vault.connect(settler).settle(product, policyVersion, 400_000n, tree.root, stateBlock, h("inputs")),
  );
  await networkHelpers.time.increase(CHALLENGE_WINDOW);
  const claimOf = (i: number) => ({
    epochId: 1n,
    index: leaves[i]![0],
    account: leaves[i]![1],
    amount: leaves[i]![2],
    proof: tree.getProof(i),
  });
  // The first claim of an epoch sets a fresh bitmap word; individual has never held the token.
  report["vault.claim(1 epoch; new bitmap word, recipient without balance)"] = await gasOf(
    vault.connect(individual).claim([claimOf(3)], individual.address),
  );
  // Later claims share the word; carol already holds tokens.
  report["vault.claim(1 epoch; bitmap word touched, recipient with balance)"] = await gasOf(
    vault.connect(carol).claim([claimOf(2)], carol.address),
  );

  // Disputes in the court on the product: one of each kind that holds something, bonds in the token. carol
  // processes the product under bob's grant: her record is her standing as a contributor. The contribution
  // dispute is on bob's single record.
  const processGrant = await makeGrant(ledger, bob, grantTerms(carol.address, product, Rights.PROCESS, BigInt(await networkHelpers.time.latest())));
  const [, [standing]] = await recordGasAndIds(
    contributions,
    contributions.connect(carol).record([{ ...contribution(60), role: ContributionRole.PROCESSOR, authorization: processGrant }]),
  );
  if (standing === undefined) throw new Error("measureGas: carol's record id is missing from the events");
  report["dispute.open(contribution, bond)"] = await gasOf(
    court.connect(carol).openDispute(DisputeKind.CONTRIBUTION, product, single, standing, MIN_BOND, h("grounds"), "ipfs://grounds"),
  );
  report["dispute.open(objection, bond)"] = await gasOf(
    court.connect(carol).openDispute(DisputeKind.OBJECTION, product, 0n, 0n, MIN_BOND, h("grounds"), "ipfs://grounds"),
  );
  report["dispute.open(settlement, bond)"] = await gasOf(
    court.connect(carol).openDispute(DisputeKind.SETTLEMENT, product, 1n, standing, MIN_BOND, h("grounds"), "ipfs://grounds"),
  );
  report["dispute.open(policy, bond)"] = await gasOf(
    court.connect(carol).openDispute(DisputeKind.POLICY, product, 1n, standing, MIN_BOND, h("grounds"), "ipfs://grounds"),
  );
  report["dispute.submitEvidence"] = await gasOf(court.connect(bob).submitEvidence(2n, h("evidence"), "ipfs://evidence"));
  // Revenue settled while dispute 2 holds bob's single record: its share sits in the dispute's escrow leaf.
  await (await vault.connect(carol).deposit(product, 100_000n, h("order-2"))).wait();
  const escrowTree = StandardMerkleTree.of(
    [
      [0n, bob.address, 60_000n],
      [1n, escrowAccount(2n), 40_000n],
    ] as [bigint, string, bigint][],
    [...LEAF_TYPES],
  );
  await (
    await vault
      .connect(settler)
      .settle(product, policyVersion, 100_000n, escrowTree.root, BigInt(await ethers.provider.getBlockNumber()), h("inputs-2"))
  ).wait();
  const escrowEpoch = await vault.epochCount();
  // Past the challenge window, and so past every dispute's time to answer.
  await networkHelpers.time.increase(CHALLENGE_WINDOW);
  report["dispute.rule(adjust contribution, bond credited)"] = await gasOf(
    court.connect(arbitrator).rule(2n, ruling(Remedy.ADJUST_CONTRIBUTION, 500n)),
  );
  report["dispute.rule(dismiss objection, bond credited)"] = await gasOf(court.connect(arbitrator).rule(3n, ruling(Remedy.DISMISS)));
  report["dispute.rule(dismiss settlement, bond credited)"] = await gasOf(court.connect(arbitrator).rule(4n, ruling(Remedy.DISMISS)));
  report["dispute.releaseEscrow(adjusted: part paid, rest returned)"] = await gasOf(
    court.connect(arbitrator).releaseEscrow(2n, escrowEpoch, 1n, 40_000n, escrowTree.getProof(1), 30_000n),
  );
  await networkHelpers.time.increase(31n * DAY);
  report["dispute.lapse(policy)"] = await gasOf(court.connect(carol).lapse(5n));
  report["dispute.withdrawBond"] = await gasOf(court.connect(carol).withdrawBond(carol.address, carol.address));

  // Pledge, transfer, succession, cancellation, destruction on alice's resource.
  report["pledge.pledge"] = await gasOf(registry.connect(alice).pledge(resource, carol.address, h("pledge")));
  report["pledge.release"] = await gasOf(registry.connect(carol).releasePledge(resource));
  report["registration.transfer"] = await gasOf(
    registry.connect(registrar).transferHolding(resource, carol.address, TransferReason.SALE, h("sale")),
  );
  report["party.succession"] = await gasOf(registry.connect(registrar).recordSuccession(carol.address, successor!.address, h("merger")));
  report["registration.syncSuccession"] = await gasOf(registry.connect(bob).syncSuccession(resource));
  report["registration.cancel"] = await gasOf(registry.connect(registrar).cancel(resource, h("c")));
  report["registration.destroy"] = await gasOf(registry.connect(registrar).recordDestruction(resource, h("d")));

  // Refusal of an application.
  const refused = await fileApplication(ledger, alice);
  report["registration.refuse"] = await gasOf(registry.connect(registrar).refuseApplication(refused, h("no")));

  return Object.fromEntries(Object.entries(report).sort(([a], [b]) => a.localeCompare(b)));
}
