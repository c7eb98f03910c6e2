import { Writable } from "node:stream";
import { join } from "node:path";

import { expect } from "chai";
import fc from "fast-check";
import { id as labelHash } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { pino } from "pino";
import { getAddress, type Address, type Hex } from "viem";

import { escrowAccount, verifyAllocationProof } from "../../ledger/split/index.js";
import { asyncStateReader, MemoryState, proposeSettlement } from "../../ledger/state/index.js";
import { API_ROUTES, createApi, indexerSources, startApi, type RunningApi } from "../../services/api/index.js";
import type { Indexer } from "../../services/indexer/index.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { ConfigError } from "../../services/shared/errors.js";
import type { DemoContracts, DemoResult } from "../../scripts/demo/seed.js";
import { ledgerAddresses, ledgerStateFromNode } from "../../scripts/lib/ledgerState.js";
import { deployDemo } from "../helpers/demo.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";

interface Answer {
  status: number;
  type: string;
  body: Record<string, unknown> & { items?: Record<string, unknown>[]; next?: string | null };
}

describe("HTTP API over the indexed demo ledger", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let node: LedgerNode;
  let indexer: Indexer;
  let api: RunningApi;
  let contracts: DemoContracts;
  let demo: DemoResult;
  let readyBeforeSync: Answer;
  let connection: NetworkConnection<"generic">;

  async function get(path: string): Promise<Answer> {
    const response = await fetch(api.url + path);
    const type = response.headers.get("content-type") ?? "";
    const text = await response.text();
    return { status: response.status, type, body: type.includes("json") ? (JSON.parse(text) as Answer["body"]) : { text } };
  }

  /** Every item of a list, following `next` with pages of `limit`. */
  async function all(path: string, limit: number): Promise<{ items: Record<string, unknown>[]; pages: number }> {
    const items: Record<string, unknown>[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const separator = path.includes("?") ? "&" : "?";
      const answer = await get(`${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      items.push(...answer.body.items!);
      cursor = answer.body.next;
      pages += 1;
    } while (cursor !== null && pages < 100);
    return { items, pages };
  }

  function expectProblem(answer: Answer, status: number, detail?: RegExp): void {
    expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
    expect(answer.type).to.match(/^application\/problem\+json/);
    expect(answer.body).to.include({ status, type: "about:blank" });
    expect(answer.body.title).to.be.a("string");
    expect(JSON.stringify(answer.body)).not.to.match(/at .*\.ts:\d+/); // no stack traces
    if (detail !== undefined) expect(String(answer.body.detail)).to.match(detail);
  }

  before(async () => {
    chain = await startChain();
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    const recordDir = join(chain.dir, "demo-deployment");
    ({ contracts, demo } = await deployDemo(connection, recordDir));
    // One ledger node as `npm start` runs it (the indexer and the API over it), synced by hand below.
    node = await startLedgerNode({
      rpcUrl: chain.url,
      dbPath: join(chain.dir, "api-db"),
      deployment: await readIgnitionDeployment(recordDir),
      api: { port: 0 },
      indexer: { finalityDepth: 5 },
    });
    indexer = node.indexer;
    api = node.api!;
    readyBeforeSync = await get("/ready");
    await node.syncOnce();
  });

  after(async () => {
    await node?.close();
    await connection?.close();
    await chain?.close();
  });

  describe("operations", () => {
    it("/ledger names the chain, the contracts and the settlement token amounts are counted in", async () => {
      const { body } = await get("/ledger");
      expect(body.chainId).to.equal(31337);
      expect((body.contracts as Record<string, string>).RevenueVault).to.equal(await contracts.vault.getAddress());
      expect(body.settlementToken).to.deep.equal({ address: await contracts.token.getAddress(), symbol: "LTY", decimals: 2 });
      expectProblem(await get("/ledger?verbose=1"), 400, /verbose/);
    });

    it("/health is 200; /ready is 503 until the indexer has caught up, then 200", async () => {
      expect((await get("/health")).body).to.deep.equal({ status: "ok" });
      expect(readyBeforeSync.status).to.equal(503);
      expect(readyBeforeSync.body.ready).to.equal(false);
      const ready = await get("/ready");
      expect(ready.status).to.equal(200);
      expect(ready.body).to.include({ ready: true, lagBlocks: 0, indexedBlock: indexer.store.cursor.number });
    });

    it("/metrics serves the indexer's gauges and the request latency by route pattern", async () => {
      await get(`/assets/${demo.assets.product}`);
      const text = String((await get("/metrics")).body.text);
      expect(text).to.match(new RegExp(`^indexer_indexed_block ${indexer.store.cursor.number}$`, "m"));
      expect(text).to.match(/^indexer_lag_blocks 0$/m);
      expect(text).to.match(/^indexer_events_per_second /m);
      expect(text).to.match(/^api_request_duration_seconds_count\{method="GET",route="\/assets\/:id",status="200"\} [1-9]/m);
    });

    it("/openapi.json is an OpenAPI 3.1 document of every route; /docs serves Swagger UI from local files", async () => {
      const document = (await get("/openapi.json")).body as { openapi: string; paths: Record<string, { get: { parameters?: { name: string }[] } }> };
      expect(document.openapi).to.equal("3.1.0");
      for (const route of API_ROUTES) expect(document.paths, route.path).to.have.property(route.path);
      expect(Object.keys(document.paths)).to.include.members(["/health", "/ready", "/metrics"]);
      const splitParameters = document.paths["/products/{id}/split"]!.get.parameters!.map((p) => p.name);
      expect(splitParameters).to.include.members(["id", "amount", "limit", "cursor"]);
      const redirect = await fetch(`${api.url}/docs`, { redirect: "manual" });
      expect(redirect.status).to.equal(301);
      const page = await get("/docs/");
      expect(page.type).to.match(/text\/html/);
      expect(String(page.body.text)).to.include("swagger-ui-bundle.js");
      const bundle = await fetch(`${api.url}/docs/swagger-ui-bundle.js`);
      expect(bundle.status).to.equal(200);
      expect((await get("/docs/initializer.js")).body.text).to.include("../openapi.json");
    });
  });

  describe("parties", () => {
    it("lists the registered parties, page by page, and each answers with roles and earnings", async () => {
      const { items, pages } = await all("/parties", 1);
      expect(pages).to.equal(Object.keys(demo.parties).length);
      expect(items.map((p) => p.account).sort()).to.deep.equal(Object.values(demo.parties).sort());
      const authority = await get(`/parties/${demo.parties.authority!.toLowerCase()}`);
      expect(authority.body).to.include({ account: demo.parties.authority, kind: "PUBLIC_DATA_AUTHORITY", successor: null });
      expect(authority.body.roles).to.deep.equal(["DATA_AUTHORITY"]);
    });

    it("gives what a party earned in settlements and what it claimed, as on chain, escrow released to it included", async () => {
      const [released] = await contracts.vault.queryFilter(contracts.vault.filters.EscrowReleased(demo.epochId, undefined, demo.adjustedDisputeId));
      const paidFromEscrow = released!.args.paid;
      for (const name of ["operator", "logistics"] as const) {
        const account = demo.parties[name]!;
        const party = await get(`/parties/${account.toUpperCase().replace("0X", "0x")}`);
        expect(party.status).to.equal(200);
        const earnings = party.body.earnings as Record<string, string>;
        expect(BigInt(earnings.claimed!)).to.be.greaterThan(0n);
        // Both claimed their whole leaf, to themselves; the operator was paid its escrow too.
        const escrow = name === "operator" ? paidFromEscrow : 0n;
        expect(earnings).to.include({ escrowReleased: String(escrow), bondsWithdrawn: "0" });
        expect(BigInt(earnings.earned!)).to.equal(BigInt(earnings.claimed!) + escrow);
        expect(BigInt(earnings.received!)).to.equal(BigInt(earnings.claimed!) + escrow);
        const claims = await get(`/parties/${account}/claims`);
        expect(claims.body.items!.map((c) => c.amount)).to.deep.equal([earnings.claimed]);
        expect(claims.body.items![0]).to.include({ returned: "0" });
      }
      // Bonds: the ruled dispute's claimant has its bond credited back, to withdraw.
      const minimum = await contracts.court.minimumBond(2);
      expect((await get(`/parties/${demo.parties.logistics}`)).body.bonds).to.deep.equal({ credited: String(minimum), withdrawn: "0", owed: String(minimum) });
      expect((await get(`/parties/${demo.parties.operator}`)).body.bonds).to.deep.equal({ credited: "0", withdrawn: "0", owed: "0" });
      // The authority earned a royalty share (its traffic data is a parent) and has not claimed it.
      const authority = (await get(`/parties/${demo.parties.authority}`)).body.earnings as Record<string, string>;
      expect(BigInt(authority.earned!)).to.be.greaterThan(0n);
      expect(authority.claimed).to.equal("0");
    });

    it("answers role holders that are not parties, 404 for strangers, 400 for malformed and mis-checksummed addresses", async () => {
      const [admin] = chain.accounts;
      expect((await get(`/parties/${admin}`)).body.roles).to.include("ADMIN");
      expectProblem(await get(`/parties/0x${"12".repeat(20)}`), 404, /neither a registered party/);
      expectProblem(await get("/parties/0x1234"), 400, /address/);
      expectProblem(await get(`/parties/${demo.parties.operator!.slice(0, 41)}g`), 400);
      const checksummed = getAddress(demo.parties.operator!);
      const wrongCase = checksummed.slice(0, 2) + [...checksummed.slice(2)].map((c) => (/[a-f]/.test(c) ? c.toUpperCase() : /[A-F]/.test(c) ? c.toLowerCase() : c)).join("");
      if (/[a-fA-F]/.test(checksummed.slice(2))) expectProblem(await get(`/parties/${wrongCase}`), 400, /checksum/);
    });
  });

  describe("assets", () => {
    it("lists assets and finds one by fingerprint (any case), holder and parent", async () => {
      expect((await all("/assets", 2)).items.map((a) => a.assetId)).to.deep.equal(Object.values(demo.assets).map(String).sort());
      const fingerprint = labelHash("data:Urban logistics routing index");
      for (const query of [fingerprint, fingerprint.toUpperCase().replace("0X", "0x")]) {
        const found = await get(`/assets?fingerprint=${query}`);
        expect(found.body.items!.map((a) => a.assetId)).to.deep.equal([demo.assets.product!.toString()]);
      }
      expect((await get(`/assets?fingerprint=0x${"00".repeat(32)}`)).body).to.deep.equal({ items: [], next: null });
      expect((await get(`/assets?holder=${demo.parties.operator}`)).body.items!.map((a) => a.assetId)).to.deep.equal([String(demo.assets.product)]);
      expect((await get(`/assets?parent=${demo.assets.traffic}`)).body.items!.map((a) => a.assetId)).to.deep.equal([String(demo.assets.product), String(demo.assets.licensedProduct)]);
      expectProblem(await get("/assets?fingerprint=0x1234"), 400, /32-byte/);
      expectProblem(await get(`/assets?fingerprint=${fingerprint}&parent=1`), 400, /at most one/);
    });

    it("answers an asset with its status, holder, cards, parents and links", async () => {
      const product = await get(`/assets/${demo.assets.product}`);
      expect(product.body).to.include({ status: "ISSUED", kind: "PRODUCT", holder: demo.parties.operator, openDisputes: 1, pledge: null });
      expect(product.body.parents).to.deep.equal([
        { assetId: String(demo.assets.traffic), grantId: String(demo.grants.publicGrant), royaltyBps: 1_500, licensors: [] },
        { assetId: String(demo.assets.shipments), grantId: String(demo.grants.enterpriseGrant), royaltyBps: 2_000, licensors: [] },
      ]);
      // Derived under a sub-grant: the root grant's royalty goes to the parent, the sub-grant's to its grantor.
      const licensed = await get(`/assets/${demo.assets.licensedProduct}`);
      expect(licensed.body.parents).to.deep.equal([
        {
          assetId: String(demo.assets.traffic),
          grantId: String(demo.grants.subGrant),
          royaltyBps: 1_500,
          licensors: [{ grantId: String(demo.grants.subGrant), grantor: demo.parties.operator, royaltyBps: 500 }],
        },
      ]);
      const licensedLineage = await get(`/assets/${demo.assets.licensedProduct}/lineage`);
      expect((licensedLineage.body.parents as { licensors: unknown[] }[])[0]!.licensors).to.have.length(1);
      const lineage = await get(`/assets/${demo.assets.product}/lineage`);
      expect((lineage.body.parents as { assetId: string; parents: unknown[] }[]).map((p) => [p.assetId, p.parents])).to.deep.equal([
        [String(demo.assets.traffic), []],
        [String(demo.assets.shipments), []],
      ]);
      // The compliance review of its application, then the valuation the demo attaches last.
      expect((await get(`/assets/${demo.assets.product}/reviews`)).body.items!.map((r) => r.kind)).to.deep.equal(["COMPLIANCE", "VALUATION"]);
      expect((await get(`/assets/${demo.assets.product}/objections`)).body).to.deep.equal({ items: [], next: null });
      // An objection is the court's OBJECTION dispute: the objection names it.
      const objections = (await get(`/assets/${demo.assets.coldChainLogs}/objections`)).body.items!;
      expect(objections.map((o) => [o.objectionId, o.disputeId, o.objector, o.status])).to.deep.equal([
        [String(demo.objectionId), String(demo.objectionDisputeId), demo.parties.logistics, "OPEN"],
      ]);
    });

    it("issues a certificate document that matches the chain", async () => {
      const certificate = (await get(`/assets/${demo.assets.product}/certificate`)).body;
      const [seq, head] = await contracts.registry.evidenceHead(demo.assets.product!);
      expect(certificate).to.include({
        registrationNumber: String(demo.assets.product),
        registry: await contracts.registry.getAddress(),
        chainId: 31337,
        holder: demo.parties.operator,
        fingerprint: labelHash("data:Urban logistics routing index"),
        classification: "GENERAL",
        status: "ISSUED",
      });
      expect(certificate.evidenceHead).to.deep.equal({ seq: Number(seq), head });
      const issued = certificate.issued as { transaction: string; block: string };
      const receipt = await contracts.registry.runner!.provider!.getTransactionReceipt(issued.transaction);
      expect(String(receipt!.blockNumber)).to.equal(issued.block);
    });

    it("replays every asset's evidence chain from the stored logs and says it is verified", async () => {
      for (const assetId of Object.values(demo.assets)) {
        const evidence = await get(`/assets/${assetId}/evidence?limit=500`);
        const [seq, head] = await contracts.registry.evidenceHead(assetId);
        const verification = evidence.body.verification as { verified: boolean; length: number; head: string; problems: unknown[] };
        expect(verification).to.deep.include({ verified: true, length: Number(seq), head, problems: [] });
        expect(evidence.body.items!.map((e) => e.seq)).to.deep.equal(Array.from({ length: Number(seq) }, (_, i) => i + 1));
        expect(evidence.body.items![0]!.eventName).to.equal("AssetApplied");
      }
      const paged = await all(`/assets/${demo.assets.product}/evidence`, 3);
      expect(paged.items.map((e) => e.seq)).to.deep.equal(paged.items.map((_, i) => i + 1));
    });

    it("answers 404 for unknown ids and 400 for malformed, negative and out-of-range ones", async () => {
      expectProblem(await get("/assets/999"), 404, /no asset 999/);
      expectProblem(await get(`/assets/${10n ** 30n}`), 404);
      expectProblem(await get(`/assets/${2n ** 256n - 1n}/certificate`), 404);
      expectProblem(await get(`/assets/${2n ** 256n}`), 400, /exceeds uint256/);
      for (const bad of ["-1", "1e3", "abc", "0x10", "1.5", "%20", "1".repeat(80)]) expectProblem(await get(`/assets/${bad}`), 400);
      expectProblem(await get("/assets/%E0%A4%A"), 400);
      expectProblem(await get("/assets/999/evidence"), 404);
    });
  });

  describe("grants and contributions", () => {
    it("filters grants by asset, grantor, grantee, party, scope, status and time", async () => {
      const now = Math.floor(Date.now() / 1000);
      const block = await contracts.registry.runner!.provider!.getBlock("latest");
      const ids = async (query: string) => (await get(`/grants?${query}`)).body.items!.map((g) => g.grantId);
      const { publicGrant, enterpriseGrant } = demo.grants;
      const { subGrant } = demo.grants;
      expect(await ids(`asset=${demo.assets.traffic}`)).to.deep.equal([String(publicGrant), String(subGrant)]);
      expect(await ids(`grantee=${demo.parties.operator}`)).to.deep.equal([String(publicGrant), String(enterpriseGrant)]);
      expect(await ids(`grantor=${demo.parties.logistics}`)).to.deep.equal([String(enterpriseGrant)]);
      expect(await ids(`party=${demo.parties.authority}&scopeKind=SCENARIO`)).to.deep.equal([String(publicGrant)]);
      expect(await ids(`grantor=${demo.parties.operator}`)).to.deep.equal([String(subGrant)]);
      expect(await ids(`activeAt=${block!.timestamp}`)).to.have.length(3);
      expect(await ids(`activeAt=${block!.timestamp + 2 * 365 * 24 * 3600}`)).to.deep.equal([String(publicGrant)]);
      expect(await ids("activeAt=0")).to.deep.equal([]);
      expect(await ids("status=REVOKED")).to.deep.equal([]);
      expect(now).to.be.greaterThan(0);
      const grant = (await get(`/grants/${publicGrant}`)).body;
      expect(grant).to.include({ scopeKind: "SCENARIO", usageMode: "COMPUTE_IN_DOMAIN", status: "ACTIVE", royaltyBps: 1_500 });
      expect(grant.rights).to.deep.equal(["USE", "PROCESS", "OPERATE", "SUBLICENSE"]);
      expectProblem(await get("/grants?scopeKind=EVERYWHERE"), 400, /scopeKind must be one of/);
      expectProblem(await get("/grants?activeAt=-5"), 400);
      expectProblem(await get("/grants/77"), 404);
    });

    it("lists contributions by product and by party, with their status", async () => {
      const byProduct = (await get(`/contributions?product=${demo.assets.product}`)).body.items!;
      expect(byProduct.map((c) => c.status)).to.deep.equal(["DISPUTED", "CONFIRMED", "CONFIRMED", "CONFIRMED", "CONFIRMED"]);
      // The second record was disputed and ruled: its measure adjusted.
      expect(byProduct[1]).to.include({ measure: "40000", disputeId: null });
      const byParty = (await get(`/contributions?party=${demo.parties.logistics}`)).body.items!;
      expect(byParty).to.have.length(1);
      expect(byParty[0]).to.include({ stage: "COLLECTION", role: "PROVIDER", status: "DISPUTED", disputeId: String(demo.disputeId), statusBeforeDispute: "CONFIRMED" });
      expect((await get(`/contributions?product=${demo.assets.product}&stage=PROCESSING`)).body.items!.map((c) => c.measure)).to.deep.equal(["250000"]);
      expect((await get(`/contributions?party=${demo.parties.operator}&product=${demo.assets.traffic}`)).body.items).to.deep.equal([]);
      // The holder's first record (the demo's second; ids come in windows, the seed takes them from the events).
      expect((await get(`/contributions/${demo.contributions[1]}`)).body).to.include({ contributor: demo.parties.operator, status: "CONFIRMED" });
      expectProblem(await get("/contributions/0"), 404);
    });
  });

  describe("revenue", () => {
    it("lists a product's policies, deposits and settlements", async () => {
      const policies = (await get(`/products/${demo.assets.product}/policies`)).body.items!;
      expect(policies).to.have.length(1);
      expect(policies[0]).to.deep.include({ version: 1, stageWeightsBps: [2_500, 4_000, 1_500, 2_000], emptyStageRule: "PRO_RATA" });
      const deposits = (await get(`/deposits?product=${demo.assets.product}`)).body.items!;
      expect(deposits.map((d) => d.amount)).to.deep.equal(["1280000"]);
      expect((await get(`/deposits/${deposits[0]!.depositId}`)).body.amount).to.equal("1280000");
      expect((await get(`/deposits?product=${demo.assets.traffic}`)).body.items).to.deep.equal([]);
      const settlements = (await get(`/settlements?product=${demo.assets.product}`)).body.items!;
      expect(settlements.map((s) => s.epochId)).to.deep.equal([String(demo.epochId)]);
      const epoch = await contracts.vault.epoch(demo.epochId);
      const [released] = await contracts.vault.queryFilter(contracts.vault.filters.EscrowReleased(demo.epochId, undefined, demo.adjustedDisputeId));
      expect((await get(`/settlements/${demo.epochId}`)).body).to.include({
        status: "POSTED",
        amount: "1280000",
        merkleRoot: epoch.merkleRoot,
        claimed: String(epoch.claimed),
        returned: String(released!.args.returned),
        rejected: null,
      });
      expectProblem(await get("/settlements/5"), 404);
      expectProblem(await get("/deposits/5"), 404);
    });

    it("gives each party's claim with a Merkle proof that verifies against the settlement's root", async () => {
      const root = (await contracts.vault.epoch(demo.epochId)).merkleRoot as Hex;
      // The settlement's parties: the authority (royalty), the operator (holder), the logistics enterprise.
      for (const account of [demo.parties.authority!, demo.parties.operator!, demo.parties.logistics!]) {
        const claim = (await get(`/settlements/${demo.epochId}/claims/${account.toLowerCase()}`)).body;
        expect(claim.account).to.equal(account);
        expect(claim.merkleRoot).to.equal(root);
        const leaf = { index: BigInt(claim.index as string), account: account as Address, amount: BigInt(claim.amount as string) };
        expect(verifyAllocationProof(root, leaf, claim.proof as Hex[])).to.equal(true);
        expect(verifyAllocationProof(root, { ...leaf, amount: leaf.amount + 1n }, claim.proof as Hex[])).to.equal(false);
        // Claimed on chain by the operator and the logistics enterprise, not (yet) by the authority.
        expect(claim.claimed === null).to.equal(account === demo.parties.authority);
      }
      expectProblem(await get(`/settlements/${demo.epochId}/claims/0x${"12".repeat(20)}`), 404, /no leaf/);
      // The escrow leaves: the open dispute's still held, the ruled one's released as the ruling said.
      const held = (await get(`/settlements/${demo.epochId}/claims/${escrowAccount(demo.disputeId)}`)).body;
      expect(held).to.include({ escrowFor: String(demo.disputeId), claimed: null, released: null });
      const [released] = await contracts.vault.queryFilter(contracts.vault.filters.EscrowReleased(demo.epochId, undefined, demo.adjustedDisputeId));
      const { recipient, paid, returned } = released!.args;
      const adjusted = (await get(`/settlements/${demo.epochId}/claims/${escrowAccount(demo.adjustedDisputeId)}`)).body;
      expect(adjusted).to.include({ escrowFor: String(demo.adjustedDisputeId), claimed: null, amount: String(paid + returned) });
      expect(adjusted.released).to.deep.include({ recipient, paid: String(paid), returned: String(returned) });
      expectProblem(await get(`/settlements/9/claims/${demo.parties.operator}`), 404);
    });

    it("previews a split that sums to the amount, escrow included, page by page", async () => {
      for (const amount of [1n, 999_999n, 1_280_000n, 2n ** 255n]) {
        const { items } = await allSplit(amount, 2);
        expect(items.reduce((sum, e) => sum + BigInt(e.amount as string), 0n)).to.equal(amount);
      }
      const preview = (await get(`/products/${demo.assets.product}/split?amount=1000000&limit=500`)).body;
      expect(preview).to.include({ productId: String(demo.assets.product), amount: "1000000", policyVersion: 1 });
      const entries = preview.entries as { account: string; escrowFor: string | null; amount: string }[];
      expect(entries.filter((e) => e.escrowFor !== null).map((e) => e.escrowFor)).to.deep.equal([String(demo.disputeId)]);
      expect(entries.map((e) => e.account)).to.include.members([demo.parties.operator, demo.parties.authority]);
      const accounts = entries.map((e) => e.account.toLowerCase());
      expect(accounts).to.deep.equal([...accounts].sort());
    });

    it("previews a sub-licensed product's split: the root royalty to the parent's holder, the sub-licence royalty to its grantor as a licensor component", async () => {
      const preview = (await get(`/products/${demo.assets.licensedProduct}/split?amount=1000000&limit=500`)).body;
      const entries = preview.entries as { account: string; amount: string; components: { kind: string; grantId?: string; path: string[] }[] }[];
      const byAccount = new Map(entries.map((e) => [e.account, e]));
      expect(byAccount.get(demo.parties.authority!)!.amount).to.equal("150000");
      const licensor = byAccount.get(demo.parties.operator!)!;
      expect(licensor.amount).to.equal("50000");
      expect(licensor.components).to.have.length(1);
      expect(licensor.components[0]).to.deep.include({ kind: "licensor", grantId: String(demo.grants.subGrant) });
      expect(licensor.components[0]!.path).to.deep.equal([String(demo.assets.licensedProduct), String(demo.assets.traffic)]);
      expect(byAccount.get(demo.parties.coldChain!)!.amount).to.equal("800000");
    });

    async function allSplit(amount: bigint, limit: number): Promise<{ items: Record<string, unknown>[] }> {
      const items: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      do {
        const answer = await get(`/products/${demo.assets.product}/split?amount=${amount}&limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`);
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        const entries = answer.body.entries as Record<string, unknown>[];
        expect(entries.length).to.be.at.most(limit);
        items.push(...entries);
        cursor = answer.body.next as string | null;
      } while (cursor !== null);
      return { items };
    }

    it("refuses a preview without a policy (422), of an unknown product (404), of a bad amount (400)", async () => {
      expectProblem(await get(`/products/${demo.assets.traffic}/split?amount=100`), 422, /no split policy/);
      expectProblem(await get("/products/99/split?amount=100"), 404);
      for (const amount of ["0", "-5", "1.5", "1e6", "", `${2n ** 256n}`, "abc"]) {
        expectProblem(await get(`/products/${demo.assets.product}/split?amount=${amount}`), 400, /amount/);
      }
      expectProblem(await get(`/products/${demo.assets.product}/split`), 400, /amount/);
    });
  });

  describe("disputes", () => {
    it("lists disputes by asset, party and status and answers one with its evidence", async () => {
      const byAsset = (await get(`/disputes?asset=${demo.assets.product}`)).body.items!;
      expect(byAsset.map((d) => [d.disputeId, d.kind, d.status])).to.deep.equal([
        [String(demo.disputeId), "CONTRIBUTION", "OPEN"],
        [String(demo.adjustedDisputeId), "CONTRIBUTION", "RULED"],
      ]);
      expect((await get(`/disputes?party=${demo.parties.logistics}`)).body.items).to.have.length(3);
      expect((await get(`/disputes?party=${demo.parties.operator}`)).body.items).to.have.length(2);
      expect((await get(`/disputes?party=${demo.parties.authority}`)).body.items).to.deep.equal([]);
      expect((await get("/disputes?status=RULED")).body.items!.map((d) => d.disputeId)).to.deep.equal([String(demo.adjustedDisputeId)]);
      const minimum = String(await contracts.court.minimumBond(2));
      const dispute = (await get(`/disputes/${demo.disputeId}`)).body;
      expect(dispute).to.include({ claimant: demo.parties.operator, respondent: demo.parties.logistics, remedy: "NONE", ruling: null, bond: minimum, bondCredit: null });
      expect((dispute.evidence as { submitter: string }[]).map((e) => e.submitter)).to.deep.equal([demo.parties.logistics]);
      const ruled = (await get(`/disputes/${demo.adjustedDisputeId}`)).body;
      expect(ruled).to.include({ claimant: demo.parties.logistics, respondent: demo.parties.operator, remedy: "ADJUST_CONTRIBUTION", repeatAllowed: null });
      expect(ruled.bondCredit).to.deep.include({ account: demo.parties.logistics, amount: minimum });
      expect((ruled.ruling as { adjustedMeasure: string }).adjustedMeasure).to.equal("40000");
      const objection = (await get(`/disputes/${demo.objectionDisputeId}`)).body;
      expect(objection).to.include({ kind: "OBJECTION", subjectId: String(demo.objectionId), claimant: demo.parties.logistics, respondent: demo.parties.coldChain, status: "OPEN" });
      expectProblem(await get(`/disputes/${demo.objectionDisputeId + 1n}`), 404);
    });
  });

  describe("conventions", () => {
    it("bounds page sizes and rejects cursors it did not issue for that list", async () => {
      for (const limit of ["0", "501", "-1", "abc", "1.5", "99999"]) expectProblem(await get(`/parties?limit=${limit}`), 400, /limit/);
      const parties = Object.keys(demo.parties).length;
      expect((await get("/parties?limit=500")).body.items).to.have.length(parties);
      const first = await get(`/parties?limit=${parties - 1}`);
      expect(first.body.next).to.be.a("string");
      const last = await get(`/parties?limit=${parties - 1}&cursor=${first.body.next}`);
      expect(last.body.items).to.have.length(1);
      expect(last.body.next).to.equal(null);
      // A cursor is bound to its list, and must be one the API could have issued.
      expectProblem(await get(`/assets?cursor=${first.body.next}`), 400, /cursor/);
      expectProblem(await get(`/parties?cursor=${Buffer.from("asset/00000000000000000001").toString("base64url")}`), 400, /cursor/);
      expectProblem(await get("/parties?cursor=!!!"), 400, /cursor/);
      expectProblem(await get(`/parties?cursor=${"A".repeat(1000)}`), 400, /cursor/);
      // Past the last entry: an empty last page, not an error.
      const beyond = Buffer.from("party/0xffffffffffffffffffffffffffffffffffffffff").toString("base64url");
      expect((await get(`/parties?cursor=${beyond}`)).body).to.deep.equal({ items: [], next: null });
    });

    it("rejects unknown and repeated query fields with the field named", async () => {
      const unknown = await get(`/grants?grantee=${demo.parties.operator}&grantees=x`);
      expectProblem(unknown, 400, /unknown query field/);
      expect(unknown.body.errors).to.deep.equal([{ in: "query", field: "grantees", message: "unknown query field" }]);
      expectProblem(await get("/assets/1?verbose=1"), 400, /verbose/);
      expectProblem(await get("/parties?limit=1&limit=2"), 400, /limit/);
      expectProblem(await get("/nowhere"), 404, /no route/);
    });

    /**
     * An API over a one-party state whose reads of the party can be made to race the indexer's writes:
     * `onPartyRead(n)` runs at the n-th read of the party's document, `seq` is the store's seqlock.
     */
    async function racingApi(onPartyRead: (reads: number) => void, lines: string[] = []) {
      const account = "0x" + "ab".repeat(20);
      const state = new MemoryState();
      const document = (kind: number) => JSON.stringify({ account, kind, profileHash: "0x" + "00".repeat(32), registrar: account, successor: null, predecessors: [], at: { block: "1", timestamp: "1", tx: "0x" + "00".repeat(32), logIndex: 0 } });
      state.put(`party/${account}`, document(1));
      const reader = asyncStateReader(state);
      const race = { seq: 0, reads: 0 };
      const app = createApi({
        sources: {
          state: {
            ...reader,
            get(stateKey) {
              if (stateKey === `party/${account}`) {
                race.reads += 1;
                onPartyRead(race.reads);
              }
              return reader.get(stateKey);
            },
          },
          revision: () => String(race.seq),
          logsOfBlocks: async () => [],
          lastEventTime: async () => 0n,
          stateAt: async () => new MemoryState(),
          status: () => ({ indexedBlock: 0, headBlock: 0 }),
          writeSeq: () => race.seq,
        },
        deployment: { chainId: 1, contracts: { AssetRegistry: `0x${"11".repeat(20)}` } },
        logger: pino(
          { level: "warn" },
          new Writable({
            write: (chunk, _encoding, done) => {
              lines.push(String(chunk));
              done();
            },
          }),
        ),
      });
      const server = app.listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      const { port } = server.address() as { port: number };
      return {
        race,
        setKind: (kind: number) => state.put(`party/${account}`, document(kind)),
        get: async () => (await (await fetch(`http://127.0.0.1:${port}/parties/${account}`)).json()) as { kind: string },
        close: () => server.close(),
      };
    }

    it("reads an answer again when the indexer committed during it, so no answer mixes two states", async () => {
      // The first read of the party is followed by a whole commit (seqlock 0 -> 1 -> 2) that changes it.
      const api = await racingApi((reads) => {
        if (reads === 1) {
          api.race.seq += 2;
          api.setKind(5);
        }
      });
      try {
        expect((await api.get()).kind).to.equal("PUBLIC_DATA_AUTHORITY");
        // An answer reads the party twice (its document, then its succession): read twice over.
        expect(api.race.reads).to.equal(2 * 2);
      } finally {
        api.close();
      }
    });

    it("waits out a commit in progress before reading, and serves a read after five racing ones, logged", async () => {
      const waiting = await racingApi(() => {});
      waiting.race.seq = 1; // a batch is being written
      setTimeout(() => {
        waiting.setKind(5);
        waiting.race.seq = 2;
      }, 20);
      try {
        expect((await waiting.get()).kind).to.equal("PUBLIC_DATA_AUTHORITY");
        expect(waiting.race.reads).to.equal(2); // one answer, read once, after the write
      } finally {
        waiting.close();
      }

      const lines: string[] = [];
      const racing = await racingApi(() => (racing.race.seq += 2), lines);
      try {
        expect((await racing.get()).kind).to.equal("ENTERPRISE");
        expect(racing.race.reads).to.equal(5 * 2);
        expect(lines.join("")).to.include("may mix two states");
      } finally {
        racing.close();
      }
    });

    it("answers 500 as a problem without the cause, and logs the cause", async () => {
      const lines: string[] = [];
      const logger = pino(
        { level: "error" },
        new Writable({
          write: (chunk, _encoding, done) => {
            lines.push(String(chunk));
            done();
          },
        }),
      );
      const broken = asyncStateReader(new MemoryState());
      const app = createApi({
        sources: {
          state: { ...broken, get: () => { throw new Error("disk on fire"); } },
          revision: () => "0",
          logsOfBlocks: async () => [],
          lastEventTime: async () => 0n,
          stateAt: async () => new MemoryState(),
          status: () => ({ indexedBlock: 0, headBlock: undefined }),
        },
        deployment: { chainId: 1, contracts: { AssetRegistry: `0x${"11".repeat(20)}` } },
        logger,
      });
      const server = app.listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      try {
        const { port } = server.address() as { port: number };
        const response = await fetch(`http://127.0.0.1:${port}/assets/1`);
        const body = (await response.json()) as Record<string, unknown>;
        expect(response.status).to.equal(500);
        expect(response.headers.get("content-type")).to.match(/problem\+json/);
        expect(JSON.stringify(body)).not.to.include("disk on fire");
        expect(lines.join("")).to.include("disk on fire");
        expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).to.equal(503);
      } finally {
        server.close();
      }
    });

    it("validates its configuration at start-up and names the bad fields", async () => {
      const attempt = startApi({
        host: "everywhere",
        port: 70_000,
        sources: indexerSources(indexer, []),
        deployment: { chainId: 0, contracts: {} },
      });
      await expect(attempt).to.be.rejectedWith(ConfigError, /host: must be an IP[\s\S]*port:[\s\S]*deployment.chainId[\s\S]*AssetRegistry/);
    });

    it("answers thousands of random malformed requests without a 5xx", async () => {
      const templates = API_ROUTES.map((route) => route.path);
      const junk = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom("-1", "0", "1", "3", "1e9", `${2n ** 256n}`, `${10n ** 20n}`, "0x", `0x${"ab".repeat(20)}`, "%", "%00", "..", "null", "[]"),
        fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }).map(String),
      );
      const queryKeys = fc.oneof(fc.constantFrom("limit", "cursor", "amount", "asset", "party", "fingerprint", "activeAt", "status", "stage", "scopeKind"), fc.string({ maxLength: 6 }));
      const request = fc.record({
        template: fc.constantFrom(...templates, "/", "/docs/x", "/assets/1/2/3"),
        fills: fc.array(junk, { minLength: 2, maxLength: 2 }),
        query: fc.array(fc.tuple(queryKeys, junk), { maxLength: 4 }),
      });
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(request, async ({ template, fills, query }) => {
          let i = 0;
          const path = template.replace(/\{\w+\}/g, () => encodeURIComponent(fills[i++ % fills.length]!));
          const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
          const response = await fetch(`${api.url}${path}${search === "" ? "" : `?${search}`}`);
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status >= 500) throw new Error(`${response.status} for ${path}?${search}`);
          if (response.status >= 400) expect(response.headers.get("content-type")).to.match(/problem\+json/);
        }),
        { numRuns: 3_000 },
      );
      expect(statuses.get(400)).to.be.greaterThan(100);
    });
  });

  // Runs last: it moves the demo on (a second settlement, a ruling, releases, claims, withdrawals).
  describe("money after a ruling", () => {
    type Leaf = { epochId: string; disputeId: string; index: string; amount: string; status: string; released: { recipient: string | null; paid: string; returned: string; at: { tx: string } } | null };
    type Receipt = { source: string; recipient: string; amount: string; account: string; epochId: string | null; disputeId: string | null; at: { tx: string; block: string } };
    const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();

    it("holds escrow until the court releases it, in every settlement, and moves a settlement from its window to FINAL by the chain's clock", async () => {
      const { ethers, networkHelpers } = connection;
      const [admin] = await ethers.getSigners();
      const product = demo.assets.product!;
      // The demo's release gave part of dispute 2's escrow back to the product's revenue: settled again now,
      // while dispute 1 is still open, so that its record's share goes to its escrow leaf a second time.
      const { state, lastBlock } = await ledgerStateFromNode(ethers.provider, await ledgerAddresses(contracts));
      const proposal = proposeSettlement(state, product, 1, lastBlock)!;
      await send(contracts.vault.connect(admin!).settle(product, 1, proposal.amount, proposal.merkleRoot, proposal.stateBlock, proposal.inputsHash));
      const second = String(await contracts.vault.epochCount());
      await node.syncOnce();

      // The first settlement's window ended long ago (the demo claimed from it); the second's has just begun.
      expect((await get(`/settlements/${demo.epochId}`)).body).to.include({ status: "POSTED", phase: "FINAL" });
      expect((await get(`/settlements/${second}`)).body).to.include({ status: "POSTED", phase: "IN_CHALLENGE" });
      const secondLeaf = proposal.tree.claim(escrowAccount(demo.disputeId))!;
      const secondEscrow = (await get(`/settlements/${second}/escrow`)).body.leaves as Leaf[];
      expect(secondEscrow.map((l) => [l.disputeId, l.amount, l.status])).to.deep.equal([[String(demo.disputeId), String(secondLeaf.amount), "HELD"]]);
      const open = (await get(`/disputes/${demo.disputeId}/escrow`)).body;
      const firstLeaf = (await get(`/settlements/${demo.epochId}/claims/${escrowAccount(demo.disputeId)}`)).body;
      expect((open.leaves as Leaf[]).map((l) => [l.epochId, l.status])).to.deep.equal([[String(demo.epochId), "HELD"], [second, "HELD"]]);
      expect(open.held).to.equal(String(BigInt(firstLeaf.amount as string) + secondLeaf.amount));

      // Time passes with no event of the ledger: one empty block past the window is enough for FINAL.
      await networkHelpers.time.increase(Number(await contracts.vault.challengeWindow()));
      await node.syncOnce();
      expect((await get(`/settlements/${second}`)).body).to.include({ status: "POSTED", phase: "FINAL" });
      // Dispute 2 was ruled before the second settlement's state block: its record counts again, no escrow.
      const adjusted = (await get(`/disputes/${demo.adjustedDisputeId}/escrow`)).body;
      expect((adjusted.leaves as Leaf[]).map((l) => [l.epochId, l.status])).to.deep.equal([[String(demo.epochId), "RELEASED"]]);
      expect((await get(`/disputes/${demo.objectionDisputeId}/escrow`)).body).to.include({ held: "0", paid: "0" });
      expect((await get(`/disputes/${demo.objectionDisputeId}/escrow`)).body.leaves).to.deep.equal([]);
      expectProblem(await get("/disputes/99/escrow"), 404);
      expectProblem(await get("/settlements/99/escrow"), 404);
    });

    it("says what every address received from the vault and the court, by source, as the token's Transfer logs count it", async () => {
      const { ethers } = connection;
      const signers = await ethers.getSigners();
      const signer = (address: string) => signers.find((s) => s.address === address)!;
      const [operator, logistics, authority] = [signer(demo.parties.operator!), signer(demo.parties.logistics!), signer(demo.parties.authority!)];
      const arbitrator = signers[4]!;
      const elsewhere = signers[9]!.address;
      // The leaves and proofs as the API serves them: the vault checks each proof against its root.
      const leafOf = async (account: string) => {
        const body = (await get(`/settlements/${demo.epochId}/claims/${account}`)).body;
        return { index: BigInt(body.index as string), account: body.account as string, amount: BigInt(body.amount as string), proof: body.proof as string[] };
      };
      const second = await contracts.vault.epochCount();

      // Dispute 1 dismissed: the claimant's bond back to it; its escrow in the first settlement released, all to
      // the contributor; the second settlement's left held.
      await send(
        contracts.court.connect(arbitrator).rule(demo.disputeId, {
          remedy: 1, // DISMISS
          adjustedMeasure: 0n,
          transferTo: ethers.ZeroAddress,
          forfeitBond: false,
          rulingHash: labelHash("ruling:dismissed"),
          rulingURI: "ipfs://test/ruling-1.json",
        }),
      );
      const escrowLeaf = await leafOf(escrowAccount(demo.disputeId));
      const release = (await (
        await contracts.court.connect(authority).releaseEscrow(demo.disputeId, demo.epochId, escrowLeaf.index, escrowLeaf.amount, escrowLeaf.proof, escrowLeaf.amount)
      ).wait())!;
      // The authority claims its royalty to another address; the logistics enterprise and the operator withdraw their bonds.
      const royalty = await leafOf(authority.address);
      await send(contracts.vault.connect(authority).claim([{ epochId: demo.epochId, index: royalty.index, account: royalty.account, amount: royalty.amount, proof: royalty.proof }], elsewhere));
      await send(contracts.court.connect(logistics).withdrawBond(logistics.address, logistics.address));
      await send(contracts.court.connect(operator).withdrawBond(operator.address, operator.address));
      await node.syncOnce();

      // The oracle: the token's Transfer logs out of the vault and the court, by recipient.
      const payers = new Set([(await contracts.vault.getAddress()).toLowerCase(), (await contracts.court.getAddress()).toLowerCase()]);
      const transferred = new Map<string, { amount: bigint; txs: Set<string> }>();
      for (const log of await contracts.token.queryFilter(contracts.token.filters.Transfer())) {
        const [from, to, value] = log.args;
        if (!payers.has(from.toLowerCase())) continue;
        const entry = transferred.get(getAddress(to)) ?? { amount: 0n, txs: new Set<string>() };
        entry.amount += value;
        entry.txs.add(log.transactionHash);
        transferred.set(getAddress(to), entry);
      }
      expect([...transferred.keys()]).to.include.members([operator.address, logistics.address, elsewhere]);
      for (const [recipient, { amount, txs }] of transferred) {
        const receipts = (await all(`/parties/${recipient}/receipts`, 2)).items as Receipt[];
        expect(receipts.reduce((sum, r) => sum + BigInt(r.amount), 0n), `receipts of ${recipient}`).to.equal(amount);
        expect(new Set(receipts.map((r) => r.at.tx)), `transactions of ${recipient}`).to.deep.equal(txs);
        expect(receipts.every((r) => r.recipient === recipient)).to.equal(true);
      }
      for (const party of (await all("/parties", 50)).items) {
        const earnings = (await get(`/parties/${party.account as string}`)).body.earnings as Record<string, string>;
        expect(earnings.received, `received by ${party.account as string}`).to.equal(String(transferred.get(party.account as string)?.amount ?? 0n));
      }

      // The logistics enterprise: its claim, its dispute's escrow released to it, its bond — each with its source.
      const mine = (await all(`/parties/${logistics.address}/receipts`, 50)).items as Receipt[];
      expect(mine.map((r) => r.source)).to.deep.equal(["CLAIM", "ESCROW_RELEASE", "BOND_WITHDRAWAL"]);
      const released = mine[1]!;
      expect(released).to.deep.include({ amount: String(escrowLeaf.amount), epochId: String(demo.epochId), disputeId: String(demo.disputeId) });
      expect(released.at.tx).to.equal(release.hash);
      const earnings = (await get(`/parties/${logistics.address}`)).body.earnings as Record<string, string>;
      const minimum = await contracts.court.minimumBond(2);
      expect(earnings).to.include({ escrowReleased: String(escrowLeaf.amount), bondsWithdrawn: String(minimum) });
      expect(BigInt(earnings.received!)).to.equal(BigInt(mine[0]!.amount) + escrowLeaf.amount + minimum);
      // The authority claimed its leaf, paid elsewhere: claimed by its account, received by the other address.
      const authorityEarnings = (await get(`/parties/${authority.address}`)).body.earnings as Record<string, string>;
      expect(authorityEarnings).to.include({ claimed: String(royalty.amount), received: "0" });
      expect(((await all(`/parties/${elsewhere}/receipts`, 50)).items as Receipt[]).map((r) => [r.source, r.account, r.amount])).to.deep.equal([
        ["CLAIM", authority.address, String(royalty.amount)],
      ]);

      // The dispute's escrow: released in the first settlement (to whom, how much, which transaction), held in the second.
      const escrow = (await get(`/disputes/${demo.disputeId}/escrow`)).body;
      const leaves = escrow.leaves as Leaf[];
      expect(leaves.map((l) => [l.epochId, l.status])).to.deep.equal([[String(demo.epochId), "RELEASED"], [String(second), "HELD"]]);
      expect(leaves[0]!.released).to.deep.include({ recipient: logistics.address, paid: String(escrowLeaf.amount), returned: "0" });
      expect(leaves[0]!.released!.at.tx).to.equal(release.hash);
      expect(escrow).to.include({ held: leaves[1]!.amount, paid: String(escrowLeaf.amount), returned: "0" });
      // Both escrow leaves of the first settlement are released now: none of it is reported held.
      const firstEscrow = (await get(`/settlements/${demo.epochId}/escrow`)).body.leaves as Leaf[];
      expect(firstEscrow.map((l) => [l.disputeId, l.status]).sort()).to.deep.equal([
        [String(demo.disputeId), "RELEASED"],
        [String(demo.adjustedDisputeId), "RELEASED"],
      ]);
    });
  });
});
