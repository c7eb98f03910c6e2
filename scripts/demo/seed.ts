import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { readFileSync } from "node:fs";

import { id, keccak256, type ContractTransactionResponse } from "ethers";

import { checkCard, checkValuationReport, type AssetCard } from "../../ledger/cards/index.js";
import { profileHashOf, type PartyProfile } from "../../ledger/parties/profile.js";
import { ROLE_IDS } from "../../ledger/roles.js";
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
  Stage,
  UsageMode,
} from "../../ledger/types.js";
import type { Address, Hex } from "viem";

import { escrowAccount } from "../../ledger/split/index.js";
import { proposeSettlement } from "../../ledger/state/index.js";
import { ledgerAddresses, ledgerStateFromNode } from "../lib/ledgerState.js";
import type { LedgerContracts } from "../lib/deployLedger.js";
import { coldChainLogsCard, licensedProductCard, productCard, productCardV2, productValuation, shipmentsCard, trafficCard, type CardParty } from "./cards.js";

/** The demo mints the settlement token: the embedded chain's test token. */
export type DemoContracts = LedgerContracts;

export interface DemoResult {
  /** The registered parties (the customer who pays revenue is not one). */
  parties: Record<string, string>;
  /** The parties' profile documents, whose hashes the registrar recorded: the party book certificates take names from. */
  partyBook: PartyProfile[];
  assets: Record<string, bigint>;
  grants: Record<string, bigint>;
  /** The product's contribution ids, as the `ContributionRecorded` events named them: the provider's record, then the holder's four. */
  contributions: bigint[];
  /** The settlement of the product's revenue, and the open contribution dispute whose share it holds in escrow. */
  epochId: bigint;
  disputeId: bigint;
  /** The contribution dispute ruled ADJUST_CONTRIBUTION, whose escrow leaf was released (part paid, part returned). */
  adjustedDisputeId: bigint;
  /** The objection filed against the application still in its public-notice window, and its OBJECTION dispute. */
  objectionId: bigint;
  objectionDisputeId: bigint;
  /**
   * The documents whose hashes the demo recorded — every asset's card (the product's two versions) and the
   * product's valuation report —, each with its hash (keccak256 of its RFC 8785 canonical JSON): what `npm start`
   * preloads into the node's card store.
   */
  documents: { hash: Hex; json: unknown }[];
  /** The product's valuation review (VALUATION, with its report document among `documents`). */
  valuationReviewId: bigint;
}

/** The hash a card is recorded under, checked: a demo card the schema refuses is a bug of the demo, not a run to go on with. */
function checkedHash(card: AssetCard): Hex {
  const checked = checkCard(card);
  if (!checked.ok) throw new Error(`the demo's card "${card.basic.name}" is invalid: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  return checked.hash;
}

/** The chain's day in Changsha (Asia/Shanghai), YYYY-MM-DD: a valuation is dated by the chain's clock. */
function chainDay(seconds: bigint): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(Number(seconds) * 1000));
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
 * split policy, revenue, two contribution disputes (each with a bond) whose shares go to escrow, a
 * settlement with claims; one dispute stays open with its share in escrow, the other is ruled (the
 * record's measure adjusted) and its escrow released: part to the contributor, part back to the product's
 * unsettled revenue. Last, the operator sub-licenses the traffic data to a cold-chain enterprise, which
 * registers a product under the sub-grant (its royalties stack: the root grant's to the traffic data, the
 * sub-grant's to the operator); the cold-chain enterprise's own application is left in its public-notice
 * window with an objection against it (a court dispute of kind OBJECTION), and the logistics enterprise
 * pledges its certificate to a bank.
 * The embedded chain's clock is moved with `advance` past each notice window, the challenge window and the
 * respondents' time to answer.
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
  /** Sends a `record` transaction; the contribution ids its `ContributionRecorded` events name (ids come in windows, not one after another). */
  const recordIds = async (tx: Promise<ContractTransactionResponse>): Promise<bigint[]> => {
    const receipt = await (await tx).wait();
    const topic = contributions.interface.getEvent("ContributionRecorded").topicHash;
    const ledgerAddress = (await contributions.getAddress()).toLowerCase();
    return (receipt?.logs ?? []).filter((log) => log.address.toLowerCase() === ledgerAddress && log.topics[0] === topic).map((log) => BigInt(log.topics[1]!));
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
  const partyBook: PartyProfile[] = [];
  const documents: DemoResult["documents"] = [];
  // A card names its holder as the party book does: the Chinese name and the account.
  const cardParty = new Map<string, CardParty>();
  const partyOf = (signer: HardhatEthersSigner): CardParty => cardParty.get(signer.address)!;
  for (const [account, kind, en, zh] of [
    [authority, PartyKind.PUBLIC_DATA_AUTHORITY, "Changsha Municipal Data Bureau", "长沙市数据资源管理局"],
    [operator, PartyKind.STATE_OWNED_ENTERPRISE, "Xiangjiang Data Operations Co.", "湘江数据运营有限公司"],
    [logistics, PartyKind.ENTERPRISE, "Furong Logistics Ltd.", "芙蓉物流有限公司"],
    [coldChain, PartyKind.ENTERPRISE, "Xiangjiang Cold-Chain Ltd.", "湘江冷链有限公司"],
    [bank, PartyKind.ENTERPRISE, "Bank of Changsha", "长沙银行"],
  ] as const) {
    // The profile hash commits to the party's profile document: the party book shows a name only where they match.
    const profile: PartyProfile = { account: account.address as Address, name: { en, "zh-CN": zh } };
    partyBook.push(profile);
    cardParty.set(account.address, { name: zh, account: account.address });
    await send(registry.connect(registrar).registerParty(account.address, kind, profileHashOf(profile)));
  }

  // Filed and reviewed; then accepted: the application's public-notice window opens.
  const file = async (
    applicant: HardhatEthersSigner,
    kind: number,
    category: number,
    label: string,
    card: AssetCard,
    parents: { assetId: bigint; grantId: bigint }[] = [],
    fingerprint = id(`data:${label}`),
  ): Promise<bigint> => {
    // The card's hash as the CLI's `--card` records it, under the URI it names by default.
    const cardHash = checkedHash(card);
    documents.push({ hash: cardHash, json: card });
    // Every registration has its own fingerprint: the registry refuses one already registered to a live asset.
    await send(
      registry.connect(applicant).fileApplication({
        kind,
        category,
        classification: Classification.GENERAL,
        fingerprint,
        cardHash,
        cardURI: `provenance-card:${cardHash}`,
        parents,
      }),
    );
    const assetId = await registry.assetCount();
    await send(registry.connect(reviewer).attachReview(assetId, ReviewKind.COMPLIANCE, id(`review:${label}`), `ipfs://demo/review/${assetId}`));
    return assetId;
  };
  const apply = async (...args: Parameters<typeof file>): Promise<bigint> => {
    const assetId = await file(...args);
    await send(registry.connect(registrar).acceptApplication(assetId));
    return assetId;
  };
  const register = async (
    applicant: HardhatEthersSigner,
    kind: number,
    category: number,
    label: string,
    card: AssetCard,
    parents: { assetId: bigint; grantId: bigint }[] = [],
    fingerprint?: string,
  ): Promise<bigint> => {
    const assetId = await apply(applicant, kind, category, label, card, parents, fingerprint);
    await advance(Number(await registry.noticePeriod()));
    await send(registry.connect(registrar).issueCertificate(assetId));
    log(`issued certificate #${assetId}: ${label}`);
    return assetId;
  };

  const traffic = await register(authority, AssetKind.RESOURCE, DataCategory.PUBLIC, "Changsha road traffic flow 2025", trafficCard(partyOf(authority)));
  const shipments = await register(
    logistics,
    AssetKind.RESOURCE,
    DataCategory.ENTERPRISE,
    "Furong shipment records",
    shipmentsCard(partyOf(logistics)),
    [],
    SHIPMENT_RECORDS_FINGERPRINT,
  );

  const latest = await registry.runner!.provider!.getBlock("latest");
  const now = BigInt(latest!.timestamp);
  const year = 365n * 24n * 3600n;
  await send(
    grants.connect(authority).grant({
      grantee: operator.address,
      assetId: traffic,
      rights: Rights.USE | Rights.PROCESS | Rights.OPERATE | Rights.SUBLICENSE,
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

  const productSources = { traffic, shipments, publicGrant, enterpriseGrant };
  const product = await register(operator, AssetKind.PRODUCT, DataCategory.PUBLIC, "Urban logistics routing index", productCard(partyOf(operator), productSources), [
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
  const [disputed] = await recordIds(
    contributions.connect(logistics).record([
      contribution(Stage.COLLECTION, ContributionRole.PROVIDER, 120_000n, shipments, "shipment data collection"),
    ]),
  );
  const operatorRecords = await recordIds(
    contributions.connect(operator).record([
      contribution(Stage.COLLECTION, ContributionRole.HOLDER, 80_000n, 0n, "sensor feed integration"),
      contribution(Stage.PROCESSING, ContributionRole.HOLDER, 250_000n, 0n, "routing model training"),
      contribution(Stage.CIRCULATION, ContributionRole.HOLDER, 40_000n, 0n, "listing on the data exchange"),
      contribution(Stage.APPLICATION, ContributionRole.HOLDER, 60_000n, 0n, "dispatch integration"),
    ]),
  );
  if (disputed === undefined || operatorRecords.length !== 4) throw new Error(`demo: expected 1 + 4 contribution ids, got ${[disputed, ...operatorRecords].join(", ")}`);
  const sensorRecord = operatorRecords[0]!;
  await send(contributions.connect(operator).confirm([disputed, ...operatorRecords]));
  await send(contributions.connect(operator).setSplitPolicy(product, [2_500, 4_000, 1_500, 2_000], EmptyStageRule.PRO_RATA));
  log(`recorded and confirmed 5 contributions at all four stages; split policy v1 set`);

  // Revenue from a customer (¥ 12,800.00 in the test token's fen).
  await send(token.mint(customer.address, 1_280_000n));
  await send(token.connect(customer).approve(await vault.getAddress(), 1_280_000n));
  await send(vault.connect(customer).deposit(product, 1_280_000n, id("order:2026-0001")));
  log(`deposited 12,800.00 LTY of revenue for certificate #${product}`);

  // Every dispute costs a bond in the settlement token (at least the court's minimum for its kind), pulled
  // by the court: the parties who dispute get test tokens and approve the court.
  for (const claimant of [operator, logistics]) {
    await send(token.mint(claimant.address, 100_000n));
    await send(token.connect(claimant).approve(await court.getAddress(), 100_000n));
  }
  const bond = async (kind: number) => court.minimumBond(kind);

  // The operator, the product's holder, disputes the logistics enterprise's collection record: its share
  // will wait in escrow. The provider answers with evidence.
  await send(
    court
      .connect(operator)
      .openDispute(DisputeKind.CONTRIBUTION, product, disputed, 0n, await bond(DisputeKind.CONTRIBUTION), id("grounds:double-counted shipments"), "ipfs://demo/disputes/1.json"),
  );
  const disputeId = await court.disputeCount();
  await send(court.connect(logistics).submitEvidence(disputeId, id("evidence:shipment invoices"), "ipfs://demo/disputes/1/invoices.json"));
  log(`dispute #${disputeId} opened by the operator on contribution #${disputed}; the provider answered with evidence`);

  // The logistics enterprise, a contributor to the product (its record is its standing), disputes the
  // operator's sensor-feed record as overstated.
  await send(
    court
      .connect(logistics)
      .openDispute(DisputeKind.CONTRIBUTION, product, sensorRecord, disputed, await bond(DisputeKind.CONTRIBUTION), id("grounds:sensor feed overstated"), "ipfs://demo/disputes/2.json"),
  );
  const adjustedDisputeId = await court.disputeCount();
  await send(court.connect(operator).submitEvidence(adjustedDisputeId, id("evidence:sensor logs"), "ipfs://demo/disputes/2/sensor-logs.json"));
  log(`dispute #${adjustedDisputeId} opened by the logistics enterprise on contribution #${sensorRecord}, naming its own record #${disputed} as standing`);

  // The settlement: the split computed from the chain's own events, posted, and claimed after the window.
  const { state, lastBlock } = await ledgerStateFromNode(registry.runner!.provider!, await ledgerAddresses(contracts));
  const proposal = proposeSettlement(state, product, 1, lastBlock)!;
  await send(vault.connect(admin).settle(product, 1, proposal.amount, proposal.merkleRoot, proposal.stateBlock, proposal.inputsHash));
  const epochId = await vault.epochCount();
  log(`settled epoch #${epochId}: ${proposal.allocation.entries.length} leaves, root ${proposal.merkleRoot.slice(0, 10)}…`);
  // Past the challenge window, and past the respondents' time to answer (no ruling before it).
  const answerEndsAt = (await court.dispute(adjustedDisputeId)).answerEndsAt;
  const chainNow = BigInt((await registry.runner!.provider!.getBlock("latest"))!.timestamp);
  await advance(Math.max(Number(await vault.challengeWindow()), Number(answerEndsAt - chainNow) + 1));
  for (const claimant of [operator, logistics]) {
    const leaf = proposal.tree.claim(claimant.address as Address)!;
    await send(vault.connect(claimant).claim([{ epochId, index: leaf.index, account: leaf.account, amount: leaf.amount, proof: leaf.proof }], claimant.address));
    log(`${claimant === operator ? "the operator" : "the logistics enterprise"} claimed ${leaf.amount} of epoch #${epochId}`);
  }

  // The arbitrator rules on the second dispute: the sensor feed counts 40,000 instead of 80,000. The
  // record's escrowed share is released as the ruling says: the operator's share under the adjusted
  // measure (its collection share falls from 80/200 to 40/160 of the stage, 5/8 of what it was), the
  // rest back to the product's unsettled revenue. The claimant's bond is credited back to it.
  await send(
    court.connect(arbitrator).rule(adjustedDisputeId, {
      remedy: Remedy.ADJUST_CONTRIBUTION,
      adjustedMeasure: 40_000n,
      transferTo: "0x0000000000000000000000000000000000000000",
      forfeitBond: false,
      rulingHash: id("ruling:sensor feed counted at 40,000"),
      rulingURI: "ipfs://demo/disputes/2/ruling.json",
    }),
  );
  const escrowLeaf = proposal.tree.claim(escrowAccount(adjustedDisputeId))!;
  const contributorPart = (escrowLeaf.amount * 5n) / 8n;
  await send(court.connect(arbitrator).releaseEscrow(adjustedDisputeId, epochId, escrowLeaf.index, escrowLeaf.amount, escrowLeaf.proof, contributorPart));
  log(
    `dispute #${adjustedDisputeId} ruled ADJUST_CONTRIBUTION; its escrow of ${escrowLeaf.amount} released: ${contributorPart} to the operator, ` +
      `${escrowLeaf.amount - contributorPart} back to unsettled revenue; the claimant's bond is credited back to it`,
  );

  // A registration still open to objection: the cold-chain enterprise files its temperature logs (accepted
  // below, so that its notice window is still open when the demo ends).
  const coldChainLogs = await file(coldChain, AssetKind.RESOURCE, DataCategory.ENTERPRISE, "Cold-chain temperature logs 2026", coldChainLogsCard(partyOf(coldChain)));

  // A sub-licence: the operator sub-licenses the traffic data, within its own grant's scenario, to the
  // cold-chain enterprise, which derives a product from it. Royalties stack down the grant chain: the product
  // pays the authority's grant royalty to the traffic data set (15%) and the operator's sub-licence royalty
  // to the operator (5%).
  await send(
    grants.connect(operator).subGrant(publicGrant, {
      grantee: coldChain.address,
      assetId: traffic,
      rights: Rights.USE | Rights.PROCESS,
      scopeKind: ScopeKind.SCENARIO,
      scopeData: id("scenario:urban-logistics-routing"),
      purposeHash: id("purpose:cold-chain route risk"),
      usageMode: UsageMode.COMPUTE_IN_DOMAIN,
      validFrom: now,
      validUntil: now + 2n * year,
      royaltyBps: 500,
    }),
  );
  const subGrant = await grants.grantCount();
  log(`the operator sub-licensed the traffic data to the cold-chain enterprise (grant #${subGrant}, 5% royalty on top of 15%)`);
  const licensedProduct = await register(
    coldChain,
    AssetKind.PRODUCT,
    DataCategory.PUBLIC,
    "Cold-chain route risk index",
    licensedProductCard(partyOf(coldChain), { traffic, subGrant }),
    [{ assetId: traffic, grantId: subGrant }],
  );
  await send(contributions.connect(coldChain).setSplitPolicy(licensedProduct, [10_000, 0, 0, 0], EmptyStageRule.TO_HOLDER));

  // The objection — a dispute of kind OBJECTION, with a bond — against the application now in notice.
  await send(registry.connect(registrar).acceptApplication(coldChainLogs));
  const objected = await (
    await court
      .connect(logistics)
      .openDispute(DisputeKind.OBJECTION, coldChainLogs, 0n, 0n, await bond(DisputeKind.OBJECTION), id("grounds:includes Furong's sensor data"), "ipfs://demo/objections/1.json")
  ).wait();
  // The registry's own logs only: the bond's ERC-20 Transfer shares a topic with the certificate's ERC-721 one.
  const registryAddress = (await registry.getAddress()).toLowerCase();
  const filed = objected!.logs
    .filter((entry) => entry.address.toLowerCase() === registryAddress)
    .map((entry) => registry.interface.parseLog(entry))
    .find((parsed) => parsed?.name === "ObjectionFiled");
  const objectionId = filed!.args.objectionId as bigint;
  const objectionDisputeId = await court.disputeCount();
  log(`certificate application #${coldChainLogs} is in its public-notice window; objection #${objectionId} filed against it (dispute #${objectionDisputeId})`);
  // A certificate used as collateral.
  await send(registry.connect(logistics).pledge(shipments, bank.address, id("contract:pledge-2026-017")));
  log(`the logistics enterprise pledged certificate #${shipments} to the bank`);

  // A change registration of the product's card (registrar only): version 1, changed in every section.
  const cardV2 = productCardV2(partyOf(operator), productSources);
  const cardV2Hash = checkedHash(cardV2);
  documents.push({ hash: cardV2Hash, json: cardV2 });
  await send(registry.connect(registrar).changeCard(product, cardV2Hash, `provenance-card:${cardV2Hash}`));
  log(`the registrar recorded card version 1 of certificate #${product}`);

  // A valuation of the product (for the holder's ledger, 入表), attached by the reviewer with its report document.
  const valuation = productValuation(product, chainDay(BigInt((await registry.runner!.provider!.getBlock("latest"))!.timestamp)));
  const checkedValuation = checkValuationReport(valuation);
  if (!checkedValuation.ok) throw new Error(`the demo's valuation report is invalid: ${checkedValuation.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  documents.push({ hash: checkedValuation.hash, json: valuation });
  const attached = await (
    await registry.connect(reviewer).attachReview(product, ReviewKind.VALUATION, checkedValuation.hash, `provenance-report:${checkedValuation.hash}`)
  ).wait();
  const valuationReviewId = attached!.logs
    .filter((entry) => entry.address.toLowerCase() === registryAddress)
    .map((entry) => registry.interface.parseLog(entry))
    .find((parsed) => parsed?.name === "ReviewAttached")!.args.reviewId as bigint;
  log(`the reviewer attached valuation review #${valuationReviewId} of certificate #${product}: ${valuation.figure} ${valuation.currency}`);

  return {
    partyBook,
    parties: {
      authority: authority.address,
      operator: operator.address,
      logistics: logistics.address,
      coldChain: coldChain.address,
      bank: bank.address,
    },
    assets: { traffic, shipments, product, coldChainLogs, licensedProduct },
    grants: { publicGrant, enterpriseGrant, subGrant },
    contributions: [disputed, ...operatorRecords],
    epochId,
    disputeId,
    adjustedDisputeId,
    objectionId,
    objectionDisputeId,
    documents,
    valuationReviewId,
  };
}

