import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { readFileSync } from "node:fs";

import { id, keccak256 } from "ethers";

import { ROLE_IDS } from "../../ledger/roles.js";
import {
  AssetKind,
  Classification,
  ContributionRole,
  DataCategory,
  DisputeKind,
  EmptyStageRule,
  PartyKind,
  ReviewKind,
  Rights,
  ScopeKind,
  Stage,
  UsageMode,
} from "../../ledger/types.js";
import type { Address } from "viem";

import { proposeSettlement } from "../../ledger/state/index.js";
import { ledgerAddresses, ledgerStateFromNode } from "../lib/ledgerState.js";
import type { LedgerContracts } from "../lib/deployLedger.js";

/** The demo mints the settlement token: the embedded chain's test token. */
export type DemoContracts = LedgerContracts;

export interface DemoResult {
  /** The registered parties (the customer who pays revenue is not one). */
  parties: Record<string, string>;
  assets: Record<string, bigint>;
  grants: Record<string, bigint>;
  /** The settlement of the product's revenue, and the contribution dispute whose share it holds in escrow. */
  epochId: bigint;
  disputeId: bigint;
  /** The objection filed against the application still in its public-notice window. */
  objectionId: bigint;
}

const ZERO = "0x" + "00".repeat(32);

/**
 * A fingerprint is the keccak256 of the data's bytes. The demo's data sets are labels, except the
 * logistics enterprise's shipment records: a real file, so the certificate page can find it by hashing
 * the file in the browser (web/samples/shipment-records.csv).
 */
const SHIPMENT_RECORDS = new URL("../../web/samples/shipment-records.csv", import.meta.url);
export const SHIPMENT_RECORDS_FINGERPRINT = keccak256(readFileSync(SHIPMENT_RECORDS));

/**
 * Seeds a small, realistic ledger: a municipal data authority authorizes an operator, by scenario, on a
 * public traffic data set; an enterprise registers its own logistics data; the operator registers a
 * product derived from both, reviewed, publicly noticed and issued; contributions at all four stages, a
 * split policy, revenue, a settlement with claims and an open dispute whose share waits in escrow. Last,
 * a cold-chain enterprise's application is left in its public-notice window with an objection against
 * it, and the logistics enterprise pledges its certificate to a bank.
 * The embedded chain's clock is moved with `advance` past each notice window and the challenge window.
 */
export async function seedDemo(
  contracts: DemoContracts,
  signers: HardhatEthersSigner[],
  advance: (seconds: number) => Promise<void>,
  log: (line: string) => void = () => {},
): Promise<DemoResult> {
  const { accessManager, registry, grants, contributions, vault, court, token } = contracts;
  const [admin, registrar, reviewer, authority, arbitrator, operator, logistics, customer, coldChain, bank] = signers as [
    HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner,
    HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner,
  ];
  const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => {
    await (await tx).wait();
  };

  log("granting roles: registrar, reviewer, data authority, arbitrator, settler");
  for (const [role, account] of [
    [ROLE_IDS.REGISTRAR, registrar],
    [ROLE_IDS.REVIEWER, reviewer],
    [ROLE_IDS.DATA_AUTHORITY, authority],
    [ROLE_IDS.ARBITRATOR, arbitrator],
    [ROLE_IDS.SETTLER, admin],
  ] as const) {
    await send(accessManager.connect(admin).grantRole(role, account.address, 0));
  }

  log("registering parties");
  for (const [account, kind, name] of [
    [authority, PartyKind.PUBLIC_DATA_AUTHORITY, "Changsha Municipal Data Bureau"],
    [operator, PartyKind.STATE_OWNED_ENTERPRISE, "Xiangjiang Data Operations Co."],
    [logistics, PartyKind.ENTERPRISE, "Furong Logistics Ltd."],
    [coldChain, PartyKind.ENTERPRISE, "Xiangjiang Cold-Chain Ltd."],
    [bank, PartyKind.ENTERPRISE, "Bank of Changsha"],
  ] as const) {
    await send(registry.connect(registrar).registerParty(account.address, kind, id(`profile:${name}`)));
  }

  // Filed, reviewed and accepted: the application's public-notice window opens.
  const apply = async (
    applicant: HardhatEthersSigner,
    kind: number,
    category: number,
    label: string,
    parents: { assetId: bigint; grantId: bigint }[] = [],
    fingerprint = id(`data:${label}`),
  ): Promise<bigint> => {
    await send(
      registry.connect(applicant).fileApplication({
        kind,
        category,
        classification: Classification.GENERAL,
        fingerprint,
        cardHash: id(`card:${label}`),
        cardURI: `ipfs://demo/${encodeURIComponent(label)}/card.json`,
        parents,
      }),
    );
    const assetId = await registry.assetCount();
    await send(registry.connect(reviewer).attachReview(assetId, ReviewKind.COMPLIANCE, id(`review:${label}`), `ipfs://demo/review/${assetId}`));
    await send(registry.connect(registrar).acceptApplication(assetId));
    return assetId;
  };
  const register = async (
    applicant: HardhatEthersSigner,
    kind: number,
    category: number,
    label: string,
    parents: { assetId: bigint; grantId: bigint }[] = [],
    fingerprint?: string,
  ): Promise<bigint> => {
    const assetId = await apply(applicant, kind, category, label, parents, fingerprint);
    await advance(Number(await registry.noticePeriod()));
    await send(registry.connect(registrar).issueCertificate(assetId));
    log(`issued certificate #${assetId}: ${label}`);
    return assetId;
  };

  const traffic = await register(authority, AssetKind.RESOURCE, DataCategory.PUBLIC, "Changsha road traffic flow 2025");
  const shipments = await register(logistics, AssetKind.RESOURCE, DataCategory.ENTERPRISE, "Furong shipment records", [], SHIPMENT_RECORDS_FINGERPRINT);

  const latest = await registry.runner!.provider!.getBlock("latest");
  const now = BigInt(latest!.timestamp);
  const year = 365n * 24n * 3600n;
  await send(
    grants.connect(authority).grant({
      grantee: operator.address,
      assetId: traffic,
      rights: Rights.USE | Rights.PROCESS | Rights.OPERATE,
      scopeKind: ScopeKind.SCENARIO,
      scopeData: id("scenario:urban-logistics-routing"),
      purposeHash: id("purpose:route optimisation for city logistics"),
      usageMode: UsageMode.COMPUTE_IN_DOMAIN,
      validFrom: now,
      validUntil: now + 3n * year,
      royaltyBps: 1_500,
    }),
  );
  const publicGrant = await grants.grantCount();
  log(`authority granted the operator scenario-scoped authorized operation (grant #${publicGrant})`);
  await send(
    grants.connect(logistics).grant({
      grantee: operator.address,
      assetId: shipments,
      rights: Rights.USE | Rights.PROCESS,
      scopeKind: ScopeKind.WHOLE,
      scopeData: ZERO,
      purposeHash: id("purpose:route optimisation"),
      usageMode: UsageMode.API,
      validFrom: now,
      validUntil: now + year,
      royaltyBps: 2_000,
    }),
  );
  const enterpriseGrant = await grants.grantCount();

  const product = await register(operator, AssetKind.PRODUCT, DataCategory.PUBLIC, "Urban logistics routing index", [
    { assetId: traffic, grantId: publicGrant },
    { assetId: shipments, grantId: enterpriseGrant },
  ]);

  // Contributions to the product at each stage, by the operator (its holder) and by the logistics
  // enterprise (provider of a parent); the operator confirms them all.
  const contribution = (stage: number, role: number, measure: bigint, authorization: bigint, label: string) => ({
    productId: product,
    stage,
    role,
    measure,
    authorization,
    evidenceHash: id(`evidence:${label}`),
    evidenceURI: `ipfs://demo/contributions/${encodeURIComponent(label)}.json`,
  });
  await send(
    contributions.connect(logistics).record([
      contribution(Stage.COLLECTION, ContributionRole.PROVIDER, 120_000n, shipments, "shipment data collection"),
    ]),
  );
  await send(
    contributions.connect(operator).record([
      contribution(Stage.COLLECTION, ContributionRole.HOLDER, 80_000n, 0n, "sensor feed integration"),
      contribution(Stage.PROCESSING, ContributionRole.HOLDER, 250_000n, 0n, "routing model training"),
      contribution(Stage.CIRCULATION, ContributionRole.HOLDER, 40_000n, 0n, "listing on the data exchange"),
      contribution(Stage.APPLICATION, ContributionRole.HOLDER, 60_000n, 0n, "dispatch integration"),
    ]),
  );
  const recorded = await contributions.contributionCount();
  await send(contributions.connect(operator).confirm(Array.from({ length: 5 }, (_, i) => recorded - 4n + BigInt(i))));
  await send(contributions.connect(operator).setSplitPolicy(product, [2_500, 4_000, 1_500, 2_000], EmptyStageRule.PRO_RATA));
  log(`recorded and confirmed 5 contributions at all four stages; split policy v1 set`);

  // Revenue from a customer (¥ 12,800.00 in the test token's fen).
  await send(token.mint(customer.address, 1_280_000n));
  await send(token.connect(customer).approve(await vault.getAddress(), 1_280_000n));
  await send(vault.connect(customer).deposit(product, 1_280_000n, id("order:2026-0001")));
  log(`deposited 12,800.00 LTY of revenue for certificate #${product}`);

  // The authority disputes the logistics enterprise's collection record: its share will wait in escrow.
  const disputed = recorded - 4n;
  await send(court.connect(authority).openDispute(DisputeKind.CONTRIBUTION, product, disputed, 0n, id("grounds:double-counted shipments"), "ipfs://demo/disputes/1.json"));
  const disputeId = await court.disputeCount();
  await send(court.connect(logistics).submitEvidence(disputeId, id("evidence:shipment invoices"), "ipfs://demo/disputes/1/invoices.json"));
  log(`dispute #${disputeId} opened on contribution #${disputed}; the provider answered with evidence`);

  // The settlement: the split computed from the chain's own events, posted, and claimed after the window.
  const { state, lastBlock } = await ledgerStateFromNode(registry.runner!.provider!, await ledgerAddresses(contracts));
  const proposal = proposeSettlement(state, product, 1, lastBlock)!;
  await send(vault.connect(admin).settle(product, 1, proposal.amount, proposal.merkleRoot, proposal.stateBlock, proposal.inputsHash));
  const epochId = await vault.epochCount();
  log(`settled epoch #${epochId}: ${proposal.allocation.entries.length} leaves, root ${proposal.merkleRoot.slice(0, 10)}…`);
  await advance(Number(await vault.challengeWindow()));
  for (const claimant of [operator, logistics]) {
    const leaf = proposal.tree.claim(claimant.address as Address)!;
    await send(vault.connect(claimant).claim([{ epochId, index: leaf.index, account: leaf.account, amount: leaf.amount, proof: leaf.proof }], claimant.address));
    log(`${claimant === operator ? "the operator" : "the logistics enterprise"} claimed ${leaf.amount} of epoch #${epochId}`);
  }

  // A registration still open to objection, and an objection in it; a certificate used as collateral.
  const coldChainLogs = await apply(coldChain, AssetKind.RESOURCE, DataCategory.ENTERPRISE, "Cold-chain temperature logs 2026");
  const objected = await (
    await registry.connect(logistics).fileObjection(coldChainLogs, id("grounds:includes Furong's sensor data"), "ipfs://demo/objections/1.json")
  ).wait();
  const filed = objected!.logs.map((entry) => registry.interface.parseLog(entry)).find((parsed) => parsed?.name === "ObjectionFiled");
  const objectionId = filed!.args.objectionId as bigint;
  log(`certificate application #${coldChainLogs} is in its public-notice window; objection #${objectionId} filed against it`);
  await send(registry.connect(logistics).pledge(shipments, bank.address, id("contract:pledge-2026-017")));
  log(`the logistics enterprise pledged certificate #${shipments} to the bank`);

  return {
    parties: {
      authority: authority.address,
      operator: operator.address,
      logistics: logistics.address,
      coldChain: coldChain.address,
      bank: bank.address,
    },
    assets: { traffic, shipments, product, coldChainLogs },
    grants: { publicGrant, enterpriseGrant },
    epochId,
    disputeId,
    objectionId,
  };
}

