import { join } from "node:path";

import { expect } from "chai";
import { keccak256 } from "viem";

import { canonicalHash } from "../../ledger/encoding/canonical.js";
import { startLedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import {
  CARD_V1,
  cardV2,
  COMPLIANCE_REPORT,
  devAccount,
  signInAs,
  startCardLedger,
  startOtherApi,
  type CardLedger,
} from "../helpers/cardLedger.js";

interface Problem {
  status: number;
  detail: string;
  errors?: { in: string; field: string; message: string }[];
}

describe("the card store over the API: PUT only what the chain records, GET public sections, versions and their diff", function () {
  this.timeout(300_000);
  let ledger: CardLedger;
  const V1 = canonicalHash(CARD_V1);
  const V2 = canonicalHash(cardV2());

  const put = (path: string, body: string, url = ledger.url) => fetch(url + path, { method: "PUT", headers: { "content-type": "application/json" }, body });
  const get = (path: string, token?: string, url = ledger.url) =>
    fetch(url + path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const json = async <T>(response: Response | Promise<Response>): Promise<{ status: number; body: T }> => {
    const answered = await response;
    return { status: answered.status, body: (await answered.json()) as T };
  };

  before(async () => {
    ledger = await startCardLedger("cards");
  });
  after(async () => {
    await ledger?.close();
  });

  it("serves the card's and the valuation report's JSON Schemas", async () => {
    const card = await json<{ properties: Record<string, Record<string, unknown>>; required: string[] }>(get("/schemas/asset-card"));
    expect(card.status).to.equal(200);
    expect(card.body.required).to.have.members(["schema", "basic", "rights", "usage", "management"]);
    expect(card.body.properties.management!["x-restricted"]).to.equal(true);
    const valuation = await json<{ required: string[] }>(get("/schemas/valuation-report"));
    expect(valuation.body.required).to.include.members(["assetId", "figure", "currency", "method", "valuationDate", "valuer"]);
  });

  it("lists an asset's card versions, oldest first, none held yet; a diff of versions not held is a 409", async () => {
    const { status, body } = await json<{ assetId: string; currentVersion: number; versions: { version: number; cardHash: string; cardURI: string; at: { tx: string }; held: boolean }[] }>(
      get(`/assets/${ledger.assetId}/cards`),
    );
    expect(status).to.equal(200);
    expect(body.assetId).to.equal(String(ledger.assetId));
    expect(body.currentVersion).to.equal(1);
    expect(body.versions.map(({ version, cardHash, cardURI, held }) => ({ version, cardHash, cardURI, held }))).to.deep.equal([
      { version: 0, cardHash: V1, cardURI: "ipfs://cards/traffic-v1.json", held: false },
      { version: 1, cardHash: V2, cardURI: "ipfs://cards/traffic-v2.json", held: false },
    ]);
    // The chain as oracle: the version-1 transaction is the registry's CardChanged.
    const receipt = await ledger.connection.ethers.provider.getTransactionReceipt(body.versions[1]!.at.tx);
    expect(receipt?.to?.toLowerCase()).to.equal((await ledger.contracts.registry.getAddress()).toLowerCase());
    const diff = await json<Problem>(get(`/assets/${ledger.assetId}/cards/diff?from=0&to=1`));
    expect(diff.status).to.equal(409);
    expect((await json<Problem>(get(`/cards/${V1}`))).status).to.equal(404);
  });

  it("stores a recorded card sent in any key order and spacing: 201, then 200, kept as the canonical bytes the chain's hash is of", async () => {
    // Keys reversed and indented: the same card, other bytes.
    const reordered = Object.fromEntries(Object.entries(CARD_V1).reverse());
    const first = await json<unknown>(put(`/cards/${V1}`, JSON.stringify(reordered, null, 2)));
    expect(first).to.deep.equal({ status: 201, body: { hash: V1, assets: [String(ledger.assetId)], held: true } });
    const again = await json<unknown>(put(`/cards/${V1.toUpperCase().replace("0X", "0x")}`, JSON.stringify(CARD_V1)));
    expect(again).to.deep.equal({ status: 200, body: { hash: V1, assets: [String(ledger.assetId)], held: true } });
    const stored = await ledger.node.documents.get(V1);
    expect(keccak256(stored!)).to.equal(V1);
    const versions = await json<{ versions: { held: boolean }[] }>(get(`/assets/${ledger.assetId}/cards`));
    expect(versions.body.versions.map((version) => version.held)).to.deep.equal([true, false]);
  });

  it("refuses a tampered card (one field changed) with 422, naming the hash it has, and stores nothing", async () => {
    const tampered = cardV2();
    tampered.basic.volume = "约 2.4 TB，24 亿条记录";
    const { status, body } = await json<Problem>(put(`/cards/${V2}`, JSON.stringify(tampered)));
    expect(status).to.equal(422);
    expect(body.detail).to.contain(`hashes to ${canonicalHash(tampered)}, not ${V2}`);
    expect(await ledger.node.documents.has(V2)).to.equal(false);
    expect(await ledger.node.documents.has(canonicalHash(tampered))).to.equal(false);
  });

  it("refuses a valid card no asset records with 404, and stores nothing", async () => {
    const unrecorded = cardV2();
    unrecorded.basic.name = "未登记的数据集";
    const hash = canonicalHash(unrecorded);
    const { status, body } = await json<Problem>(put(`/cards/${hash}`, JSON.stringify(unrecorded)));
    expect(status).to.equal(404);
    expect(body.detail).to.contain(`no asset records the card ${hash}`);
    expect(await ledger.node.documents.has(hash)).to.equal(false);
  });

  it("refuses an invalid card with 400 listing every problem with its path, before comparing hashes", async () => {
    const invalid = cardV2() as unknown as { basic: Record<string, unknown>; usage: Record<string, unknown>; management: { contact: Record<string, unknown> } };
    invalid.basic.dataType = "tabular"; // not one of structured, semi-structured, unstructured
    invalid.basic.colour = "blue"; // no such field
    invalid.usage.modes = []; // at least one
    invalid.management.contact.email = "not-an-email";
    const { status, body } = await json<Problem>(put(`/cards/${V2}`, JSON.stringify(invalid)));
    expect(status).to.equal(400);
    expect(body.errors!.map((error) => error.field)).to.have.members(["basic.dataType", "basic", "usage.modes", "management.contact.email"]);
    expect(body.errors!.find((error) => error.field === "basic")!.message).to.contain("colour");
    expect(body.errors!.every((error) => error.in === "body")).to.equal(true);
    expect(await ledger.node.documents.has(V2)).to.equal(false);
  });

  it("refuses a body that is not JSON (400), a malformed hash (400) and a body over 256 KiB (413), storing nothing", async () => {
    const notJson = await json<Problem>(put(`/cards/${V2}`, "{ basic: "));
    expect(notJson.status).to.equal(400);
    expect(notJson.body.errors![0]!.message).to.match(/^not JSON/);
    const badHash = await json<Problem>(put("/cards/0x1234", JSON.stringify(cardV2())));
    expect(badHash.status).to.equal(400);
    expect(badHash.body.errors![0]).to.include({ in: "path", field: "hash" });
    // 256 KiB is 262,144 bytes: one more is refused, unread.
    const oversize = JSON.stringify({ ...cardV2(), padding: "x".repeat(262_145) });
    const tooLarge = await put(`/cards/${V2}`, oversize);
    expect(tooLarge.status).to.equal(413);
    expect(tooLarge.headers.get("content-type")).to.match(/^application\/problem\+json/);
    expect(await ledger.node.documents.has(V2)).to.equal(false);
  });

  it("serves the public sections to everyone and every section to the holder signed in", async () => {
    const anonymous = await json<{ card: Record<string, unknown>; withheld: string[]; signedInAs: string | null; assets: string[] }>(get(`/cards/${V1}`));
    expect(anonymous.status).to.equal(200);
    expect(anonymous.body.card).to.deep.equal({ schema: CARD_V1.schema, basic: CARD_V1.basic, rights: CARD_V1.rights, usage: CARD_V1.usage });
    expect(anonymous.body.withheld).to.deep.equal(["management"]);
    expect(anonymous.body.signedInAs).to.equal(null);
    expect(anonymous.body.assets).to.deep.equal([String(ledger.assetId)]);

    const holder = await signInAs(ledger, 6);
    const full = await json<{ card: unknown; withheld: string[]; signedInAs: string }>(get(`/cards/${V1}`, holder));
    expect(full.body).to.deep.include({ card: CARD_V1, withheld: [], signedInAs: devAccount(6).address });

    const section = await json<{ content: unknown }>(get(`/cards/${V1}/sections/basic`));
    expect(section).to.deep.equal({ status: 200, body: { hash: V1, section: "basic", content: CARD_V1.basic } });
    expect((await get(`/cards/${V1}/sections/colour`)).status).to.equal(400);
  });

  it("diffs two versions field by field; the restricted section's changes only for a registrar signed in", async () => {
    expect((await put(`/cards/${V2}`, JSON.stringify(cardV2()))).status).to.equal(201);
    // By hand, from cardV2(): in section order, the newer card's fields first, then the removed one.
    const publicChanges = [
      {
        path: "basic.name",
        section: "basic",
        label: { en: "Basic information › Name", "zh-CN": "基本信息 › 资产名称" },
        change: "changed",
        before: "长沙市城市交通流量数据",
        after: "长沙市城市交通流量数据（2024版）",
      },
      {
        path: "usage.scenarios",
        section: "usage",
        label: { en: "Usage information › Allowed scenarios", "zh-CN": "使用信息 › 允许的应用场景" },
        change: "changed",
        before: ["交通信号配时优化", "物流路径规划"],
        after: ["交通信号配时优化", "物流路径规划", "公交线网优化"],
      },
      {
        path: "usage.pricing.description",
        section: "usage",
        label: { en: "Usage information › Pricing › Pricing details", "zh-CN": "使用信息 › 定价 › 定价说明" },
        change: "removed",
        before: "每次接口调用 0.05 元",
      },
    ];
    const phone = {
      path: "management.contact.phone",
      section: "management",
      label: { en: "Management information › Contact › Phone", "zh-CN": "管理信息 › 联系人 › 电话" },
      change: "changed",
      before: "0731-88880000",
      after: "0731-88881111",
    };
    const anonymous = await json<unknown>(get(`/assets/${ledger.assetId}/cards/diff?from=0&to=1`));
    expect(anonymous).to.deep.equal({
      status: 200,
      body: { assetId: String(ledger.assetId), from: { version: 0, cardHash: V1 }, to: { version: 1, cardHash: V2 }, changes: publicChanges, withheld: ["management"] },
    });
    const registrar = await signInAs(ledger, 1);
    const full = await json<{ changes: unknown[]; withheld: string[] }>(get(`/assets/${ledger.assetId}/cards/diff?from=0&to=1`, registrar));
    expect(full.body.changes).to.deep.equal([...publicChanges, phone]);
    expect(full.body.withheld).to.deep.equal([]);

    const versions = await json<{ versions: { held: boolean }[] }>(get(`/assets/${ledger.assetId}/cards`));
    expect(versions.body.versions.map((version) => version.held)).to.deep.equal([true, true]);
    expect((await get(`/assets/${ledger.assetId}/cards/diff?from=0&to=5`)).status).to.equal(404);
    expect((await get(`/assets/999999/cards/diff?from=0&to=1`)).status).to.equal(404);
    expect((await get(`/assets/${ledger.assetId}/cards/diff?from=0`)).status).to.equal(400);
  });

  it("stores review reports: a valuation report checked against its schema and its asset, any JSON object for other kinds", async () => {
    const valuationHash = canonicalHash(ledger.valuationReport);
    const wrongFigure = await json<Problem>(put(`/reports/${valuationHash}`, JSON.stringify({ ...ledger.valuationReport, figure: 1250000, currency: "yuan" })));
    expect(wrongFigure.status).to.equal(400);
    expect(wrongFigure.body.errors!.map((error) => error.field)).to.have.members(["figure", "currency"]);
    const stored = await json<unknown>(put(`/reports/${valuationHash}`, JSON.stringify(ledger.valuationReport)));
    expect(stored).to.deep.equal({ status: 201, body: { hash: valuationHash, reviews: [String(ledger.reviews.valuation)], held: true } });
    const read = await json<unknown>(get(`/reports/${valuationHash}`));
    expect(read).to.deep.equal({ status: 200, body: { hash: valuationHash, reviews: [String(ledger.reviews.valuation)], report: ledger.valuationReport } });

    const complianceHash = canonicalHash(COMPLIANCE_REPORT);
    expect((await json<Problem>(put(`/reports/${complianceHash}`, "[1, 2]"))).status).to.equal(400);
    expect((await json<unknown>(put(`/reports/${complianceHash}`, JSON.stringify(COMPLIANCE_REPORT)))).status).to.equal(201);
    const other = { conclusion: "不合规" };
    expect((await json<Problem>(put(`/reports/${complianceHash}`, JSON.stringify(other)))).status).to.equal(422);
    expect((await json<Problem>(put(`/reports/${canonicalHash(other)}`, JSON.stringify(other)))).status).to.equal(404);
    expect((await get(`/reports/${canonicalHash(other)}`)).status).to.equal(404);
  });

  it("limits uploads per client: 429 with Retry-After once the bucket is empty, allowed again when it refills", async () => {
    const api = await startOtherApi(ledger, { documents: ledger.node.documents, documentsPerMinute: 2 });
    try {
      const body = JSON.stringify(CARD_V1);
      expect((await put(`/cards/${V1}`, body, api.url)).status).to.equal(200);
      expect((await put(`/cards/${V1}`, body, api.url)).status).to.equal(200);
      const limited = await put(`/cards/${V1}`, body, api.url);
      expect(limited.status).to.equal(429);
      // 2 a minute: a token every 30 s.
      expect(limited.headers.get("retry-after")).to.equal("30");
      expect(((await limited.json()) as Problem).status).to.equal(429);
      expect((await get(`/cards/${V1}`, undefined, api.url)).status).to.equal(200); // reads are not limited
      ledger.clock.now += 30_000;
      expect((await put(`/cards/${V1}`, body, api.url)).status).to.equal(200);
    } finally {
      await api.close();
    }
  });

  it("without a document store answers 503 for content, and lists versions as not held", async () => {
    const api = await startOtherApi(ledger, {});
    try {
      expect((await put(`/cards/${V1}`, JSON.stringify(CARD_V1), api.url)).status).to.equal(503);
      expect((await get(`/cards/${V1}`, undefined, api.url)).status).to.equal(503);
      expect((await get(`/reports/${canonicalHash(COMPLIANCE_REPORT)}`, undefined, api.url)).status).to.equal(503);
      const versions = await json<{ versions: { held: boolean }[] }>(get(`/assets/${ledger.assetId}/cards`, undefined, api.url));
      expect(versions.body.versions.map((version) => version.held)).to.deep.equal([false, false]);
    } finally {
      await api.close();
    }
  });

  it("preloads documents with a PUT's checks once the indexer has the transactions: the recorded card stored, a tampered one dropped, an unrecorded one pending", async () => {
    const tampered = { ...cardV2(), basic: { ...cardV2().basic, volume: "约 9 TB" } };
    const unrecorded = { ...cardV2(), basic: { ...cardV2().basic, name: "尚未登记" } };
    const node = await startLedgerNode({
      rpcUrl: ledger.chain.url,
      dbPath: join(ledger.chain.dir, "preload-db"),
      deployment: await readIgnitionDeployment(join(ledger.chain.dir, "demo-deployment")),
      documents: {
        preload: [
          { hash: V1, json: CARD_V1 },
          { hash: V2, json: tampered },
          { hash: canonicalHash(unrecorded), json: unrecorded },
        ],
      },
      indexer: { finalityDepth: 5 },
    });
    try {
      // Nothing before the indexer has seen the chain: the card is not recorded yet as far as the node knows.
      expect(node.pendingDocuments()).to.have.length(3);
      await node.syncOnce();
      expect(await node.documents.has(V1)).to.equal(true);
      expect(await node.documents.has(V2)).to.equal(false);
      expect(node.pendingDocuments().map((document) => document.hash)).to.deep.equal([canonicalHash(unrecorded)]);
      // Beside the index, by default.
      expect((node.documents as { dir?: string }).dir).to.equal(join(ledger.chain.dir, "preload-db-documents"));
    } finally {
      await node.close();
    }
  });
});
