import { readFileSync } from "node:fs";
import { join } from "node:path";

import { id as labelHash } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

import type { AssetCard } from "../../ledger/cards/index.js";
import { canonicalHash } from "../../ledger/encoding/canonical.js";
import { AssetKind, Classification, DataCategory, ReviewKind } from "../../ledger/types.js";
import { indexerSources, startApi, type RunningApi } from "../../services/api/index.js";
import type { DocumentStore } from "../../services/shared/documentStore.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import type { DemoContracts, DemoResult } from "../../scripts/demo/seed.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";
import { deployDemo } from "./demo.js";

/**
 * A chain with the demo deployed, and one asset of the logistics enterprise (account 6) filed with a real
 * card (test/fixtures/cards/card-v1.json), issued, and changed to a second version by the registrar; a
 * valuation review and a compliance review attached to it. A ledger node indexes it with a document store,
 * and its API runs on a clock the test moves.
 */

/** Hardhat's dev accounts, from its mnemonic: the keys that sign in. */
const MNEMONIC = "test test test test test test test test test test test junk";
export const devAccount = (index: number) => mnemonicToAccount(MNEMONIC, { addressIndex: index });

// biome-ignore lint/suspicious/noExplicitAny: tests edit copies of the card into invalid shapes on purpose.
export const CARD_V1 = JSON.parse(readFileSync(new URL("../fixtures/cards/card-v1.json", import.meta.url), "utf8")) as Record<string, any>;

/**
 * Version 2, by hand: the name gets a suffix, a scenario is added, the pricing details are dropped and the
 * contact's phone number changes (management: a restricted section).
 */
export function cardV2(): AssetCard {
  const card = structuredClone(CARD_V1) as AssetCard;
  card.basic.name = "长沙市城市交通流量数据（2024版）";
  card.usage.scenarios = ["交通信号配时优化", "物流路径规划", "公交线网优化"];
  delete card.usage.pricing.description;
  card.management.contact.phone = "0731-88881111";
  return card;
}

const VALUATION_REPORT = {
  schema: "provenance-ledger/valuation-report@1",
  assetId: "", // set once the asset is filed
  figure: "1250000.00",
  currency: "CNY",
  method: "income",
  valuationDate: "2026-03-31",
  valuer: "湖南资产评估事务所",
};
export const COMPLIANCE_REPORT = { conclusion: "合规", issuer: "湖南数据合规评估中心", items: ["来源合法", "授权完整"] };

export interface CardLedger {
  chain: TestChain;
  connection: NetworkConnection<"generic">;
  contracts: DemoContracts;
  demo: DemoResult;
  node: LedgerNode;
  url: string;
  /** The API's clock (ms): move `clock.now` forward to expire nonces and sessions. */
  clock: { now: number };
  assetId: bigint;
  reviews: { valuation: bigint; compliance: bigint };
  valuationReport: typeof VALUATION_REPORT;
  close(): Promise<void>;
}

export async function startCardLedger(name: string, api: { documentsPerMinute?: number } = {}): Promise<CardLedger> {
  const chain = await startChain();
  const connection = await network.create({ network: "localhost", override: { url: chain.url } });
  const recordDir = join(chain.dir, "demo-deployment");
  const { contracts, demo } = await deployDemo(connection, recordDir);
  const signers = await connection.ethers.getSigners();
  const [registrar, reviewer, logistics] = [signers[1]!, signers[2]!, signers[6]!];
  const { registry } = contracts;

  await (
    await registry.connect(logistics).fileApplication({
      kind: AssetKind.RESOURCE,
      category: DataCategory.ENTERPRISE,
      classification: Classification.GENERAL,
      fingerprint: labelHash(`data:${name}-${process.pid}`),
      cardHash: canonicalHash(CARD_V1),
      cardURI: "ipfs://cards/traffic-v1.json",
      parents: [],
    })
  ).wait();
  const assetId = await registry.assetCount();
  const valuationReport = { ...VALUATION_REPORT, assetId: String(assetId) };
  const attach = async (kind: number, report: unknown, uri: string) => {
    const call = [assetId, kind, canonicalHash(report), uri] as const;
    const reviewId = await registry.connect(reviewer).attachReview.staticCall(...call);
    await (await registry.connect(reviewer).attachReview(...call)).wait();
    return reviewId;
  };
  const reviews = {
    valuation: await attach(ReviewKind.VALUATION, valuationReport, "ipfs://reports/valuation.json"),
    compliance: await attach(ReviewKind.COMPLIANCE, COMPLIANCE_REPORT, "ipfs://reports/compliance.json"),
  };
  await (await registry.connect(registrar).acceptApplication(assetId)).wait();
  await connection.networkHelpers.time.increase(60);
  await (await registry.connect(registrar).issueCertificate(assetId)).wait();
  await (await registry.connect(registrar).changeCard(assetId, canonicalHash(cardV2()), "ipfs://cards/traffic-v2.json")).wait();

  const clock = { now: Date.now() };
  const node = await startLedgerNode({
    rpcUrl: chain.url,
    dbPath: join(chain.dir, `${name}-db`),
    deployment: await readIgnitionDeployment(recordDir),
    api: {
      port: 0,
      signIn: { now: () => clock.now },
      ...(api.documentsPerMinute === undefined ? {} : { rateLimits: { documentsPerMinute: api.documentsPerMinute } }),
    },
    indexer: { finalityDepth: 5 },
  });
  await node.syncOnce();
  return {
    chain,
    connection,
    contracts,
    demo,
    node,
    url: node.api!.url,
    clock,
    assetId,
    reviews,
    valuationReport,
    async close() {
      await node.close();
      await connection.close();
      await chain.close();
    },
  };
}

/** An EIP-4361 message for the ledger's API as its nonce answer describes it, issued now by its clock; fields overridable to make a bad one. */
export async function signInMessage(
  ledger: Pick<CardLedger, "url" | "clock">,
  address: Hex,
  overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {},
): Promise<string> {
  const { nonce, domain, chainId } = (await (await fetch(`${ledger.url}/auth/nonce`)).json()) as { nonce: string; domain: string; chainId: number };
  return createSiweMessage({ address, chainId, domain, nonce, uri: ledger.url, version: "1", issuedAt: new Date(ledger.clock.now), ...overrides });
}

/** Signs in as dev account `index`: the session token. */
export async function signInAs(ledger: Pick<CardLedger, "url" | "clock">, index: number): Promise<string> {
  const account = devAccount(index);
  const message = await signInMessage(ledger, account.address);
  const response = await fetch(`${ledger.url}/auth/session`, { method: "POST", body: JSON.stringify({ message, signature: await account.signMessage({ message }) }) });
  if (response.status !== 200) throw new Error(`sign-in as account ${index}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * Another API over the same node's index, configured otherwise (no document store, a tight rate limit, an
 * explicit sign-in domain): what `createApi` serves with those options.
 */
export async function startOtherApi(
  ledger: CardLedger,
  options: { documents?: DocumentStore; documentsPerMinute?: number; domain?: string; secret?: string },
): Promise<RunningApi> {
  const { contracts } = await readIgnitionDeployment(join(ledger.chain.dir, "demo-deployment"));
  return startApi({
    port: 0,
    sources: indexerSources(ledger.node.indexer, contracts),
    deployment: { chainId: ledger.node.indexer.chainId, contracts: { AssetRegistry: await ledger.contracts.registry.getAddress() } },
    ...(options.documents === undefined ? {} : { documents: options.documents }),
    auth: {
      now: () => ledger.clock.now,
      ...(options.domain === undefined ? {} : { domain: options.domain }),
      ...(options.secret === undefined ? {} : { secret: options.secret }),
    },
    ...(options.documentsPerMinute === undefined ? {} : { rateLimits: { documentsPerMinute: options.documentsPerMinute } }),
  });
}
