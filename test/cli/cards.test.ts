import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import canonicalize from "canonicalize";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import type { AssetCard } from "../../ledger/cards/index.js";
import type { DemoContracts, DemoResult } from "../../scripts/demo/seed.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { CARD_V1 } from "../helpers/cardLedger.js";
import { deployDemo } from "../helpers/demo.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";
import { runCliInProcess } from "./harness.js";

/**
 * `provenance card …` and the card files of `asset apply` / `asset change-card` / `asset review --report`.
 * Hashes are computed here independently of the CLI (the `canonicalize` package and ethers' keccak256);
 * the chain (events, counts, nonces) is the oracle of what was sent.
 *
 * The demo's accounts: 1 registrar, 2 reviewer, 3 the data authority (the fixture card names it as the
 * holder), 9 the bank (a party with no role, holding nothing of this test).
 */
const ACCOUNT = { registrar: "1", reviewer: "2", authority: "3", bank: "9" } as const;
const AUTHORITY = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

/** keccak256 of the RFC 8785 canonical JSON: the hash the chain records of a document. */
const hashOf = (value: unknown) => keccak256(toUtf8Bytes(canonicalize(value)!));

/** Version 1 of the test card, by hand: more data, a new scenario, and a new security measure (management: restricted). */
function cardV2(): AssetCard {
  const card = copyOfCardV1();
  card.basic.volume = "约 1.5 TB，15 亿条记录";
  card.usage.scenarios = [...card.usage.scenarios, "公交线网优化"];
  card.management.securityMeasures = [...card.management.securityMeasures, "数据出境前安全评估"];
  return card;
}

/** The fixture card, to change in a test: the card's type, or loose JSON to make it invalid. */
const copyOfCardV1 = () => structuredClone(CARD_V1) as AssetCard;
/** The fields the invalid cards below change, loosely typed: an invalid card is not an AssetCard. */
interface Loose {
  [key: string]: unknown;
  basic: Record<string, unknown>;
  usage: { [key: string]: unknown; pricing: Record<string, unknown> };
  management: { [key: string]: unknown; contact: Record<string, unknown> };
}

/** A local URL nothing listens on: a port the system gave and took back. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe("provenance card: card files hashed, validated, recorded, uploaded and shown", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let connection: NetworkConnection<"generic">;
  let node: LedgerNode;
  let apiUrl: string;
  let recordDir: string;
  let contracts: DemoContracts;
  let demo: DemoResult;
  let dir: string;
  const following = new AbortController();
  let followingDone: Promise<void> | undefined;

  /** The CLI pointed at the chain and, by PROVENANCE_API_URL, at the node's API. */
  const cli = (args: readonly string[]) => runCliInProcess(["--rpc-url", chain.url, "--deployment", recordDir, ...args], { PROVENANCE_API_URL: apiUrl }, dir);
  /** Offline: no chain, no API (a closed port for both, so that any attempt to reach them would fail). */
  const offline = (args: readonly string[]) => runCliInProcess(args, { PROVENANCE_RPC_URL: "http://127.0.0.1:1", PROVENANCE_API_URL: "http://127.0.0.1:1" }, dir);
  const write = (name: string, value: unknown, indent?: number) => writeFile(join(dir, name), typeof value === "string" ? value : JSON.stringify(value, null, indent));
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${apiUrl}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  };
  const assetCount = () => contracts.registry.assetCount();
  /** Waits until the API has indexed the chain's latest block. */
  const indexedToHead = async () => {
    const head = await connection.ethers.provider.getBlockNumber();
    for (let attempt = 0; attempt < 300; attempt += 1) {
      if ((await get<{ indexedBlock: number }>("/ready")).body.indexedBlock >= head) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the API did not index block ${head} within 30 s`);
  };
  const nonceOf = (address: string) => connection.ethers.provider.getTransactionCount(address);
  let fingerprints = 0;
  /** A fingerprint no other application has: the registry refuses one registered to a live asset. */
  const fingerprint = () => {
    fingerprints += 1;
    return `text:cards-test:${process.pid}:${fingerprints}`;
  };
  const applyArgs = (card: string, ...more: string[]) => [
    "--account", ACCOUNT.authority, "asset", "apply", "--kind", "RESOURCE", "--category", "PUBLIC", "--fingerprint", fingerprint(), "--card", card, ...more,
  ];

  before(async () => {
    chain = await startChain();
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    recordDir = join(chain.dir, "demo-deployment");
    ({ contracts, demo } = await deployDemo(connection, recordDir));
    node = await startLedgerNode({
      rpcUrl: chain.url,
      dbPath: join(chain.dir, "cards-db"),
      deployment: await readIgnitionDeployment(recordDir),
      // Many uploads from one address in a few seconds: the rate limit is not what these tests are about.
      api: { port: 0, partyBook: demo.partyBook, rateLimits: { documentsPerMinute: 10_000, signInsPerMinute: 10_000 } },
      indexer: { finalityDepth: 5, pollIntervalMs: 100 },
    });
    apiUrl = node.api!.url;
    await node.syncOnce();
    // The node follows the chain as `npm start` does: an upload waits for it to index the transaction.
    followingDone = node.run({ signal: following.signal }).catch(() => {});
    dir = join(chain.dir, "cli");
    await mkdir(dir);
    await write("card-v1.json", CARD_V1, 2);
    await write("card-v2.json", cardV2(), 2);
  });

  after(async () => {
    following.abort();
    await followingDone;
    await node?.close();
    await connection?.close();
    await chain?.close();
  });

  describe("hash and validate, offline", () => {
    it("prints the keccak256 of the RFC 8785 canonical JSON, whatever the key order and spacing", async () => {
      const expected = hashOf(CARD_V1);
      const hashed = await offline(["card", "hash", "card-v1.json"]);
      expect([hashed.code, hashed.stdout, hashed.stderr]).to.deep.equal([0, `${expected}\n`, ""]);

      // The same card, keys in reverse order at every level, no whitespace: the same hash.
      const reversed = (value: unknown): unknown =>
        Array.isArray(value)
          ? value.map(reversed)
          : value !== null && typeof value === "object"
            ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]))
            : value;
      await write("card-v1-reordered.json", reversed(CARD_V1));
      expect((await offline(["card", "hash", "card-v1-reordered.json"])).stdout).to.equal(`${expected}\n`);

      // One field changed: another hash.
      expect((await offline(["card", "hash", "card-v2.json"])).stdout).to.equal(`${hashOf(cardV2())}\n`);
      expect(hashOf(cardV2())).to.not.equal(expected);

      const json = await offline(["--json", "card", "hash", "card-v1.json"]);
      expect(JSON.parse(json.stdout)).to.deep.equal({ ok: true, file: "card-v1.json", hash: expected, bytes: Buffer.byteLength(canonicalize(CARD_V1)!) });
    });

    it("validate: `valid`, the hash and the canonical size", async () => {
      const valid = await offline(["card", "validate", "card-v1.json"]);
      expect(valid.code).to.equal(0);
      expect(valid.stdout).to.equal(`valid: card-v1.json\n  hash ${hashOf(CARD_V1)} (${Buffer.byteLength(canonicalize(CARD_V1)!)} bytes canonical)\n`);
    });

    it("refuses an invalid card with every problem, one `path: reason` a line, exit 2; the same in --json", async () => {
      const card = structuredClone(CARD_V1) as unknown as Loose;
      delete card.basic.name;
      card.usage.modes = [];
      card.management.contact.email = "not an address";
      card.notes = "a field the schema does not have";
      await write("invalid.json", card);
      // By hand from the schema: a required name, at least one usage mode, an e-mail address, no unknown field.
      const expected = [
        "basic.name: required",
        "usage.modes: at least one usage mode",
        "management.contact.email: an e-mail address",
        "(document): unknown field(s): notes",
      ];
      for (const command of ["hash", "validate"]) {
        const refused = await offline(["card", command, "invalid.json"]);
        expect(refused.code, command).to.equal(2);
        expect(refused.stdout).to.equal("");
        const [head, ...lines] = refused.stderr.trimEnd().split("\n");
        expect(head).to.equal("provenance: invalid.json is not a valid asset card (4 problems):");
        expect(lines.map((line) => line.trim()).sort()).to.deep.equal([...expected].sort());
      }
      const json = await offline(["--json", "card", "validate", "invalid.json"]);
      const error = (JSON.parse(json.stdout) as { ok: boolean; error: { kind: string; problems: { path: string; message: string }[] } }).error;
      expect(error.kind).to.equal("InputError");
      expect(error.problems.map((p) => `${p.path}: ${p.message}`).sort()).to.deep.equal([...expected].sort());
    });

    it("refuses a file that is not JSON, a missing file and a directory: exit 2, one clear line", async () => {
      await write("not-json.json", "schema: provenance-ledger/asset-card@1\n");
      const notJson = await offline(["card", "hash", "not-json.json"]);
      expect(notJson.code).to.equal(2);
      expect(notJson.stderr).to.match(/^provenance: not-json\.json is not a valid asset card \(1 problem\):\n {2}\(document\): not JSON: /);
      const missing = await offline(["card", "validate", "nowhere.json"]);
      expect([missing.code, missing.stderr]).to.deep.equal([2, "provenance: cannot read nowhere.json: no such file\n"]);
      await mkdir(join(dir, "a-directory"));
      const directory = await offline(["card", "hash", "a-directory"]);
      expect([directory.code, directory.stderr]).to.deep.equal([2, "provenance: a-directory is a directory, not a file\n"]);
    });
  });

  describe("asset apply and change-card with a card file", () => {
    let assetId: string;

    it("refuses an invalid card before anything is sent: every problem, exit 2, no transaction", async () => {
      const card = structuredClone(CARD_V1) as unknown as Loose;
      card.basic.timeSpan = { from: "2024-02-30", to: "2023-01-01" };
      card.usage.pricing.model = "barter";
      await write("invalid-apply.json", card);
      const [count, nonce] = [await assetCount(), await nonceOf(AUTHORITY)];
      const refused = await cli(applyArgs("invalid-apply.json"));
      expect(refused.code).to.equal(2);
      // By hand: February has no 30th; the span ends before it starts; "barter" is no pricing model.
      expect(refused.stderr).to.match(/^provenance: --card: invalid-apply\.json is not a valid asset card \(3 problems\):\n/);
      expect(refused.stderr).to.contain("  basic.timeSpan.from: not a calendar date\n").and.contain("  basic.timeSpan.to: the time span ends before it starts\n");
      expect(refused.stderr).to.contain("  usage.pricing.model: ");
      expect([await assetCount(), await nonceOf(AUTHORITY)]).to.deep.equal([count, nonce]);
    });

    it("refuses a card that names another holder than the applicant, and both --card and --card-hash: exit 2, nothing sent", async () => {
      const [count, nonce] = [await assetCount(), await nonceOf(demo.parties.bank!)];
      const other = await cli(["--account", ACCOUNT.bank, "asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE", "--fingerprint", fingerprint(), "--card", "card-v1.json"]);
      expect(other.code).to.equal(2);
      expect(other.stderr).to.equal(
        `provenance: --card: card-v1.json names ${AUTHORITY} as the holder (rights.holder.account), but the applicant (the signing account) is ${demo.parties.bank}\n`,
      );
      const both = await cli(applyArgs("card-v1.json", "--card-hash", "text:card"));
      expect([both.code, both.stderr]).to.deep.equal([2, "provenance: --card <file> or --card-hash <hash>: give the asset card one way, exactly\n"]);
      expect([await assetCount(), await nonceOf(demo.parties.bank!)]).to.deep.equal([count, nonce]);
    });

    it("records the card's hash and a URI naming it, then uploads the card: the API holds it", async () => {
      const hash = hashOf(CARD_V1);
      const applied = await cli(["--json", ...applyArgs("card-v1.json")]);
      expect(applied.code, applied.stderr).to.equal(0);
      const output = JSON.parse(applied.stdout) as { ids: { assetId: string[] }; events: { eventName: string; args: Record<string, unknown> }[]; document: Record<string, unknown> };
      assetId = output.ids.assetId[0]!;
      expect(assetId).to.equal(String(await assetCount()));
      // The chain records the independently computed hash.
      const [event] = await contracts.registry.queryFilter(contracts.registry.filters.AssetApplied(BigInt(assetId)));
      expect([event!.args.cardHash, event!.args.cardURI]).to.deep.equal([hash, `provenance-card:${hash}`]);
      expect(output.document).to.deep.include({ file: "card-v1.json", hash, uploaded: true, url: `${apiUrl}/cards/${hash}`, status: 201 });

      const served = await get<{ card: Record<string, unknown>; withheld: string[]; assets: string[] }>(`/cards/${hash}`);
      expect(served.status).to.equal(200);
      const { management: _restricted, ...publicPart } = CARD_V1;
      expect(served.body).to.deep.include({ card: publicPart, withheld: ["management"] });
      expect(served.body.assets).to.include(assetId);
    });

    it("prints the upload for people: stored, and the asset that records it", async () => {
      // The same card for a second asset: the store already holds it (200).
      const again = await cli(applyArgs("card-v1.json"));
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.contain(`  card: card-v1.json, hash ${hashOf(CARD_V1)}\n`);
      // Held already, the API answers at once: the assets it names are those it had indexed (the first one at least).
      expect(again.stdout).to.match(new RegExp(`  card uploaded to ${apiUrl}/cards/${hashOf(CARD_V1)}: already held \\(200\\), recorded by asset ${assetId}(, \\d+)?\\n`));
    });

    it("change-card --card: the registrar records version 1 and uploads it; versions and diff show both", async () => {
      const { registry } = contracts;
      const registrar = (await connection.ethers.getSigners())[1]!;
      await (await registry.connect(registrar).acceptApplication(BigInt(assetId))).wait();
      await connection.networkHelpers.time.increase(60);
      await (await registry.connect(registrar).issueCertificate(BigInt(assetId))).wait();

      const v2 = hashOf(cardV2());
      const changed = await cli(["--account", ACCOUNT.registrar, "asset", "change-card", assetId, "--card", "card-v2.json"]);
      expect(changed.code, changed.stderr).to.equal(0);
      expect(changed.stdout).to.contain("  version: 1\n").and.contain(`  card uploaded to ${apiUrl}/cards/${v2}: stored (201), recorded by asset ${assetId}\n`);
      const [event] = await registry.queryFilter(registry.filters.CardChanged(BigInt(assetId)));
      expect([event!.args.version, event!.args.cardHash, event!.args.cardURI]).to.deep.equal([1n, v2, `provenance-card:${v2}`]);

      const versions = await cli(["card", "versions", assetId, "--api-url", apiUrl]);
      expect(versions.code, versions.stderr).to.equal(0);
      expect(versions.stdout).to.contain(`asset ${assetId}: 2 card versions, current 1\n`);
      expect(versions.stdout).to.match(new RegExp(`  version 0: ${hashOf(CARD_V1)}, block \\d+, .+, held; provenance-card:${hashOf(CARD_V1)}\\n`));
      expect(versions.stdout).to.match(new RegExp(`  version 1: ${v2}, block \\d+, .+, held; provenance-card:${v2}\\n`));

      // By hand from cardV2(): two public changes; the management section's change only for a signed-in reader.
      const diff = await cli(["card", "diff", assetId, "--from", "0", "--to", "1", "--api-url", apiUrl]);
      expect(diff.code, diff.stderr).to.equal(0);
      expect(diff.stdout).to.equal(
        [
          `asset ${assetId}: card version 0 → 1 (${hashOf(CARD_V1)} → ${v2}), 2 changes`,
          "  ~ Basic information › Volume: 约 1.2 TB，12 亿条记录 → 约 1.5 TB，15 亿条记录",
          "  ~ Usage information › Allowed scenarios: 交通信号配时优化; 物流路径规划 → 交通信号配时优化; 物流路径规划; 公交线网优化",
          "  Management information: changes withheld — sign in with --sign-in",
          "",
        ].join("\n"),
      );
      const signedIn = await cli(["--account", ACCOUNT.registrar, "card", "diff", assetId, "--from", "0", "--to", "1", "--sign-in", "--api-url", apiUrl]);
      expect(signedIn.code, signedIn.stderr).to.equal(0);
      expect(signedIn.stdout).to.contain("3 changes").and.contain(
        "  ~ Management information › Security measures: 隐私计算平台内加工; 访问日志留存 6 个月 → 隐私计算平台内加工; 访问日志留存 6 个月; 数据出境前安全评估\n",
      );
      const unknownVersion = await cli(["card", "diff", assetId, "--from", "0", "--to", "7", "--api-url", apiUrl]);
      expect(unknownVersion.code).to.equal(1);
      expect(unknownVersion.stderr).to.match(new RegExp(`^provenance: card diff of asset ${assetId}, versions 0 → 7: .+ \\(the API answered 404\\)\\n$`));
    });

    it("card show: the public sections labelled, management withheld; signed in as the holder, all four; as another party, a 403", async () => {
      const shown = await cli(["card", "show", assetId, "--version", "0", "--api-url", apiUrl]);
      expect(shown.code, shown.stderr).to.equal(0);
      const lines = shown.stdout.split("\n");
      expect(lines[0]).to.equal(`asset ${assetId}, card version 0 (current: 1)`);
      for (const line of [
        "Basic information",
        "  Name: 长沙市城市交通流量数据",
        "  Data type: Structured",
        "  Update frequency: Daily",
        "  Time span:",
        "    From: 2023-01-01",
        "Rights information",
        "  Holder:",
        "    Name: 长沙市数据资源管理局",
        `    Account: ${AUTHORITY}`,
        "  Operators (right to operate products): none",
        "  Pledge: none",
        "Usage information",
        "  Usage modes: Raw data stays in its domain; Usable but not visible",
        "Management information: withheld — restricted to the holder, registrars and reviewers: sign in with --sign-in",
      ]) {
        expect(lines, line).to.include(line);
      }

      const holder = await cli(["--account", ACCOUNT.authority, "card", "show", assetId, "--sign-in", "--api-url", apiUrl]);
      expect(holder.code, holder.stderr).to.equal(0);
      expect(holder.stdout).to.contain(`card version 1 (current)`).and.contain(`  signed in as ${AUTHORITY}\n`);
      expect(holder.stdout).to.contain("\nManagement information\n").and.contain("  Responsible department: 数据资源开发利用处\n");
      expect(holder.stdout).to.contain("  Security measures: 隐私计算平台内加工; 访问日志留存 6 个月; 数据出境前安全评估\n");
      const json = JSON.parse((await cli(["--json", "--account", ACCOUNT.authority, "card", "show", assetId, "--sign-in", "--api-url", apiUrl])).stdout) as {
        card: Record<string, unknown>;
        withheld: unknown[];
      };
      expect(json.card).to.deep.equal(cardV2());
      expect(json.withheld).to.deep.equal([]);

      const bank = await cli(["--account", ACCOUNT.bank, "card", "show", assetId, "--sign-in", "--api-url", apiUrl]);
      expect(bank.code, bank.stderr).to.equal(0);
      expect(bank.stdout).to.match(/\nManagement information: withheld — .+ \(the API answered 403\)\n/);
      expect(bank.stdout).to.not.contain("Responsible department");

      const chinese = await cli(["card", "show", assetId, "--lang", "zh-CN", "--api-url", apiUrl]);
      expect(chinese.stdout).to.contain("\n基本信息\n  资产名称: 长沙市城市交通流量数据\n").and.contain("  数据类型: 结构化数据\n");
      const badLang = await cli(["card", "show", assetId, "--lang", "fr", "--api-url", apiUrl]);
      expect([badLang.code, badLang.stderr]).to.deep.equal([2, 'provenance: --lang: "fr" is not one of en, zh-CN\n']);
      const noVersion = await cli(["card", "show", assetId, "--version", "5", "--api-url", apiUrl]);
      expect([noVersion.code, noVersion.stderr]).to.deep.equal([2, `provenance: --version: asset ${assetId} has no card version 5 (its versions: 0, 1)\n`]);
    });

    it("card upload: a tampered card (one field changed) is refused; the recorded one is already held", async () => {
      const tampered = cardV2();
      tampered.basic.volume = "约 9 TB";
      await write("tampered.json", tampered);
      const refused = await cli(["card", "upload", "tampered.json", "--api-url", apiUrl]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain(`provenance: card upload: tampered.json (hash ${hashOf(tampered)}) refused: the API answered 404: `);
      expect(refused.stderr).to.contain(`no asset the API has indexed records ${hashOf(tampered)} as its card`);
      expect((await get(`/cards/${hashOf(tampered)}`)).status).to.equal(404);

      const held = await cli(["card", "upload", "card-v2.json", "--api-url", apiUrl]);
      expect([held.code, held.stdout]).to.deep.equal([0, `card uploaded to ${apiUrl}/cards/${hashOf(cardV2())}: already held (200), recorded by asset ${assetId}\n`]);
    });

    it("an API that cannot be reached: the transaction stands, exit 1, and how to upload later; --no-upload says the same and exits 0", async () => {
      const card = copyOfCardV1();
      card.basic.name = "长沙市城市交通流量数据（离线登记）";
      await write("later.json", card);
      const nowhere = await closedPort();
      const before = await assetCount();
      const failed = await cli(applyArgs("later.json", "--api-url", nowhere));
      expect(failed.code).to.equal(1);
      expect(await assetCount()).to.equal(before + 1n);
      expect(failed.stdout).to.contain(`  NOT uploaded: cannot reach the API: ECONNREFUSED\n  upload it later with \`provenance card upload later.json --api-url ${nowhere}\`\n`);
      expect(failed.stderr).to.match(/^provenance: asset apply: the transaction stands \(block \d+\), but the card was not uploaded: cannot reach the API: ECONNREFUSED\. /);
      expect((await get(`/cards/${hashOf(card)}`)).status).to.equal(404);
      // Later: once the API has indexed the application, the upload is taken.
      await indexedToHead();
      const later = await cli(["card", "upload", "later.json", "--api-url", apiUrl]);
      expect(later.code, later.stderr).to.equal(0);
      expect(later.stdout).to.equal(`card uploaded to ${apiUrl}/cards/${hashOf(card)}: stored (201), recorded by asset ${before + 1n}\n`);

      const skipped = await cli(["--json", ...applyArgs("later.json", "--no-upload")]);
      expect(skipped.code, skipped.stderr).to.equal(0);
      expect((JSON.parse(skipped.stdout) as { document: unknown }).document).to.deep.equal({ file: "later.json", hash: hashOf(card), uploaded: false });
    });

    it("the hash-only way still works: --card-hash and --card-uri, change-card <hash> <uri>", async () => {
      const applied = await cli([
        "--account", ACCOUNT.authority, "asset", "apply", "--kind", "RESOURCE", "--category", "PUBLIC", "--fingerprint", fingerprint(), "--card-hash", "text:card:plain",
      ]);
      expect([applied.code, applied.stderr]).to.deep.equal([2, "provenance: --card-uri: required with --card-hash (where the card is published)\n"]);
      const changed = await cli(["--account", ACCOUNT.registrar, "asset", "change-card", assetId, "text:card:plain-v3"]);
      expect([changed.code, changed.stderr]).to.deep.equal([2, "provenance: card-hash and card-uri: both required (or --card <file>)\n"]);
      const plain = await cli(["--account", ACCOUNT.registrar, "asset", "change-card", assetId, "text:card:plain-v3", "ipfs://plain/v3"]);
      expect(plain.code, plain.stderr).to.equal(0);
      expect(plain.stdout).to.contain("  version: 2\n").and.not.contain("uploaded");
    });
  });

  describe("asset review --report: a valuation report document", () => {
    const report = (assetId: string) => ({
      schema: "provenance-ledger/valuation-report@1",
      assetId,
      figure: "1250000.00",
      currency: "CNY",
      method: "income",
      valuationDate: "2026-06-30",
      valuer: "长沙星城资产评估事务所有限公司",
    });

    it("records the report's canonical hash as the review's and uploads the report: the API serves it", async () => {
      const assetId = String(demo.assets.traffic);
      await write("valuation.json", report(assetId), 2);
      const hash = hashOf(report(assetId));
      const reviewed = await cli(["--account", ACCOUNT.reviewer, "asset", "review", assetId, "VALUATION", "--report", "valuation.json"]);
      expect(reviewed.code, reviewed.stderr).to.equal(0);
      const reviewId = /reviewId: (\d+)/.exec(reviewed.stdout)![1]!;
      expect(reviewed.stdout).to.contain(`  valuation report uploaded to ${apiUrl}/reports/${hash}: stored (201), recorded by review ${reviewId}\n`);
      const [event] = await contracts.registry.queryFilter(contracts.registry.filters.ReviewAttached(BigInt(assetId), BigInt(reviewId)));
      expect([event!.args.reportHash, event!.args.reportURI]).to.deep.equal([hash, `provenance-report:${hash}`]);
      const served = await get<{ report: unknown; reviews: string[] }>(`/reports/${hash}`);
      expect(served.body).to.deep.include({ report: report(assetId), reviews: [reviewId] });
    });

    it("refuses an invalid report (every problem), one of another asset, and --report for another kind: exit 2, nothing sent", async () => {
      const assetId = String(demo.assets.traffic);
      const reviewer = (await connection.ethers.getSigners())[2]!.address;
      const nonce = await nonceOf(reviewer);
      await write("bad-valuation.json", { ...report(assetId), figure: "1,250,000", currency: "rmb" });
      const invalid = await cli(["--account", ACCOUNT.reviewer, "asset", "review", assetId, "VALUATION", "--report", "bad-valuation.json"]);
      expect(invalid.code).to.equal(2);
      expect(invalid.stderr).to.equal(
        "provenance: --report: bad-valuation.json is not a valid valuation report (2 problems):\n" +
          "  figure: a decimal amount like 1250000.00 (at most 6 decimals)\n" +
          "  currency: an ISO 4217 currency code like CNY\n",
      );
      await write("other-asset.json", report("2"));
      const other = await cli(["--account", ACCOUNT.reviewer, "asset", "review", assetId, "VALUATION", "--report", "other-asset.json"]);
      expect([other.code, other.stderr]).to.deep.equal([2, `provenance: --report: other-asset.json values asset 2, not asset ${assetId}\n`]);
      const kind = await cli(["--account", ACCOUNT.reviewer, "asset", "review", assetId, "COMPLIANCE", "--report", "valuation.json"]);
      expect(kind.code).to.equal(2);
      expect(kind.stderr).to.contain("--report: only a VALUATION review's report is a document the ledger reads");
      expect(await nonceOf(reviewer)).to.equal(nonce);
    });
  });
});
