import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { everyEvidenceKind, type Scenario } from "../helpers/scenario.js";
import { h } from "../helpers/ledger.js";
import { runCliInProcess } from "./harness.js";

/**
 * `evidence verify-report`, property style: a real report from a replay on Hardhat's chain, then every
 * field of it (walked generically, so a field added to the format later is covered too) edited one at a
 * time. The offline check must fail naming the field, or list it among the fields it cannot verify; the
 * online check must fail on each of those. No message may carry a library's internals.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface VerifyJson {
  ok: boolean;
  mode?: string;
  verdict?: string;
  problems?: { kind: string; seq?: number; fields: string[]; message: string }[];
  notVerifiableOffline?: string[];
  node?: { currentHead: { seq: number; head: string } };
  error?: { kind: string; message: string; fields?: string[] };
}

/** A leaf of the report (or a container to edit as a whole) and its path, written as the CLI names fields. */
interface FieldEdit {
  path: string;
  apply(report: Json): Json;
}

/** Every path of a JSON document: leaves, empty containers, and non-empty arrays (edited by dropping an item). */
function fieldEdits(document: Json): FieldEdit[] {
  const edits: FieldEdit[] = [];
  const visit = (value: Json, path: (string | number)[]) => {
    const name = path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text === "" ? part : `${text}.${part}`), "");
    const children: [string | number, Json][] = Array.isArray(value)
      ? value.map((item, i) => [i, item])
      : value !== null && typeof value === "object"
        ? Object.entries(value)
        : [];
    if (children.length === 0) {
      edits.push({ path: name, apply: (doc) => replaceAt(doc, path, mutate(value)) });
      return;
    }
    if (Array.isArray(value)) edits.push({ path: name, apply: (doc) => replaceAt(doc, path, value.slice(0, -1)) });
    for (const [key, child] of children) visit(child, [...path, key]);
  };
  visit(document, []);
  return edits;
}

function replaceAt(document: Json, path: readonly (string | number)[], replacement: Json): Json {
  const copy = structuredClone(document);
  if (path.length === 0) return replacement;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  parent[path.at(-1)!] = replacement;
  return copy;
}

/** A different value of the same JSON type (and, for hex, decimal and dates, of the same format). */
function mutate(value: Json): Json {
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  if (value === null) return "edited";
  if (Array.isArray(value)) return [{}];
  if (typeof value === "object") return { edited: true };
  if (/^0x[0-9a-fA-F]*$/.test(value)) return value.length === 2 ? "0x00" : value.slice(0, -1) + (value.endsWith("0") ? "1" : "0");
  if (/^\d+$/.test(value)) return (BigInt(value) + 1n).toString();
  if (/^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(Date.parse(value) + 1000).toISOString();
  return `${value} (edited)`;
}

/** Whether a field the CLI names is the edited path, or contains it, or lies inside it. */
function names(field: string, path: string): boolean {
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return within(path, field) || within(field, path);
}

/** `entries[3].transactionHash` as the pattern the CLI lists: `entries[*].transactionHash`. */
const pattern = (path: string) => path.replace(/^entries\[\d+\]/, "entries[*]");

/** Library internals a message must never show. */
const INTERNALS = [/\[object Object\]/, /viem@/, /Version: /, /Docs: http/, /Zod/i, /\n\s+at .+\(.+:\d+:\d+\)/, /Request Arguments/, /undefined/];

describe("provenance CLI: evidence verify-report checks every field of a report", function () {
  this.timeout(600_000);
  let server: { close(): Promise<void> };
  let url: string;
  let dir: string;
  let deploymentDir: string;
  let scenario: Scenario;
  const reports = new Map<bigint, Json>();

  function cli(args: readonly string[], options: { rpc?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
    return runCliInProcess([...(options.rpc === false ? [] : ["--rpc-url", url]), "--deployment", deploymentDir, ...args], options.env ?? {}, dir);
  }

  let counter = 0;
  async function verify(report: Json, mode: "offline" | "online", json = true): Promise<Run & { result: VerifyJson }> {
    const file = join(dir, `edited-${counter++}.json`);
    await writeFile(file, JSON.stringify(report));
    const result = await cli([...(json ? ["--json"] : []), "evidence", "verify-report", file, ...(mode === "offline" ? ["--offline"] : [])]);
    await rm(file);
    return { ...result, result: json ? (JSON.parse(result.stdout) as VerifyJson) : { ok: result.code === 0 } };
  }

  function expectClean(run: Run, context: string): void {
    for (const internal of INTERNALS) {
      expect(run.stdout + run.stderr, `${context}: ${internal}`).not.to.match(internal);
    }
  }

  before(async () => {
    const created = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await created.listen();
    server = created;
    url = `http://${address}:${port}`;
    const connection = await network.create({ network: "localhost", override: { url } });
    dir = await mkdtemp(join(tmpdir(), "report-test-"));
    const deploymentId = `report-test-${process.pid}-${Date.now()}`;
    scenario = await everyEvidenceKind(connection, { deploymentId });
    deploymentDir = join(dir, "deployment");
    await rename(join("ignition", "deployments", deploymentId), deploymentDir);
    for (const assetId of scenario.assetIds) {
      const file = join(dir, `report-${assetId}.json`);
      const replay = await cli(["evidence", "replay", String(assetId), "--out", file]);
      expect(replay.code, replay.stderr).to.equal(0);
      reports.set(assetId, JSON.parse(await readFile(file, "utf8")) as Json);
    }
  });

  after(async () => {
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("a fresh report verifies offline (listing what it cannot check) and online", async () => {
    for (const [assetId, report] of reports) {
      const offline = await verify(report, "offline");
      expect(offline.code, offline.stdout).to.equal(0);
      expect(offline.result).to.include({ ok: true, mode: "offline", verdict: "valid" });
      expect(offline.result.notVerifiableOffline).to.include.members(["entries[*].transactionHash", "entries[*].blockNumber", "onChain.head", "onChain.block"]);
      const online = await verify(report, "online");
      expect(online.code, online.stdout).to.equal(0);
      expect(online.result).to.include({ ok: true, mode: "online" });
      const [seq, head] = await scenario.ledger.registry.evidenceHead(assetId);
      expect(online.result.node!.currentHead).to.deep.equal({ seq: Number(seq), head });
    }
    const human = await verify(reports.get(scenario.assetIds[0]!)!, "offline", false);
    expect(human.stdout).to.contain("VALID offline").and.contain("not verifiable offline — checked against the node with --rpc-url: entries[*].transactionHash");
  });

  it("every edited field fails the offline check naming it, or is listed as not verifiable offline and fails online", async () => {
    let edits = 0;
    let onlineOnly = 0;
    for (const report of reports.values()) {
      for (const edit of fieldEdits(report)) {
        const edited = edit.apply(report);
        const offline = await verify(edited, "offline");
        expectClean(offline, edit.path);
        const named = [...(offline.result.problems ?? []).flatMap((p) => p.fields), ...(offline.result.error?.fields ?? [])];
        const listed = offline.code === 0 && (offline.result.notVerifiableOffline ?? []).includes(pattern(edit.path));
        expect(listed || (offline.code !== 0 && named.some((field) => names(field, edit.path))), `${edit.path}: exit ${offline.code}, named ${named.join(", ")}`).to.equal(true);
        if (offline.code !== 0) {
          // A value of the right shape is a failed check (1); only the document's identity or shape is bad input (2).
          expect(offline.code, edit.path).to.equal(offline.result.error?.kind === "InputError" ? 2 : 1);
          const human = await verify(edited, "offline", false);
          expectClean(human, edit.path);
          expect(human.stdout + human.stderr, edit.path).to.match(/INVALID|is not a readable evidence report/);
        }
        if (listed) {
          onlineOnly += 1;
          const online = await verify(edited, "online");
          expectClean(online, edit.path);
          expect(online.code, `${edit.path} online: ${online.stdout}`).to.equal(1);
          const onlineNamed = (online.result.problems ?? []).flatMap((p) => p.fields);
          expect(onlineNamed.some((field) => names(field, edit.path)), `${edit.path} online named ${onlineNamed.join(", ")}`).to.equal(true);
        }
        edits += 1;
      }
    }
    // Four chains of every evidence kind: hundreds of fields, and the transactions and blocks among them.
    expect(edits).to.be.greaterThan(300);
    expect(onlineOnly).to.be.greaterThan(2 * [...reports.values()].length);
  });

  it("names the entry and the field in one line per problem", async () => {
    const report = structuredClone(reports.get(scenario.assetIds[0]!)!) as { entries: { seq: number; time: string; timestamp: string }[] };
    const second = report.entries[1]!;
    // A second later than recorded: the head chain no longer holds at that entry, and `time` disagrees with it.
    second.timestamp = String(BigInt(second.timestamp) + 1n);
    const result = await verify(report as unknown as Json, "offline", false);
    expect(result.code).to.equal(1);
    const lines = result.stdout.split("\n").filter((line) => line.startsWith("  - "));
    expect(lines).to.include(`  - entry #${second.seq} time: "${second.time}" is not its timestamp ${second.timestamp} (${new Date((Number(second.timestamp)) * 1000).toISOString()})`);
    expect(lines.some((line) => line.startsWith(`  - entry #${second.seq} head: `))).to.equal(true);
    expect(lines.some((line) => line.startsWith("  - verdict: the report says valid, its entries give invalid"))).to.equal(true);
  });

  it("reports fields the format does not define, anywhere, instead of ignoring them", async () => {
    const report = structuredClone(reports.get(scenario.assetIds[0]!)!) as Record<string, Json> & { entries: Record<string, Json>[]; onChain: Record<string, Json> };
    report.note = "trust me";
    report.onChain.signedBy = "0x00";
    report.entries[0]!.comment = "first";
    (report.entries[0]!.args as Record<string, Json>).extra = "1";
    const result = await verify(report, "offline");
    expect(result.code).to.equal(1);
    const unknown = result.result.problems!.filter((p) => p.kind === "unknown-field" || p.kind === "unreadable-args").flatMap((p) => p.fields);
    expect(unknown).to.include.members(["note", "onChain.signedBy", "entries[0].comment", "entries[0].args.extra"]);
  });

  it("bad input is exit 2 with the field named: not JSON, another document, a wrong shape", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, "{ not json");
    const broken = await cli(["evidence", "verify-report", file, "--offline"]);
    expect(broken.code).to.equal(2);
    expect(broken.stderr).to.contain("is not JSON");

    const report = structuredClone(reports.get(scenario.assetIds[0]!)!) as Record<string, Json>;
    const shapes: [Json, string][] = [
      [[], "(the report)"],
      [{ ...report, type: "something-else" }, "type"],
      [{ ...report, version: 2 }, "version"],
      [{ ...report, entries: "all of them" }, "entries"],
      [{ ...report, onChain: { ...(report.onChain as Record<string, Json>), seq: "3" } }, "onChain.seq"],
    ];
    for (const [document, field] of shapes) {
      const result = await verify(document, "offline");
      expect(result.code, field).to.equal(2);
      expect(result.result.error!.fields, field).to.include(field);
      const human = await verify(document, "offline", false);
      expect(human.stderr, field).to.contain(`  - ${field}: `);
      expectClean(human, field);
    }
  });

  it("goes online with PROVENANCE_RPC_URL as with --rpc-url, stays offline without either or with --offline", async () => {
    const report = reports.get(scenario.assetIds[0]!)!;
    const file = join(dir, "env.json");
    await writeFile(file, JSON.stringify(report));
    const byEnv = await cli(["--json", "evidence", "verify-report", file], { rpc: false, env: { PROVENANCE_RPC_URL: url } });
    expect(byEnv.code, byEnv.stdout).to.equal(0);
    expect(JSON.parse(byEnv.stdout)).to.include({ mode: "online" });
    const alone = await cli(["--json", "evidence", "verify-report", file], { rpc: false });
    expect(JSON.parse(alone.stdout)).to.include({ mode: "offline" });
    const forced = await cli(["--json", "evidence", "verify-report", file, "--offline"], { env: { PROVENANCE_RPC_URL: url } });
    expect(JSON.parse(forced.stdout)).to.include({ mode: "offline" });
    const both = await cli(["evidence", "verify-report", file, "--offline", "--online"]);
    expect(both.code).to.equal(2);
  });

  it("online: a report of another deployment's registry is refused by name; a chain grown since stays valid", async () => {
    const assetId = scenario.assetIds[0]!;
    const report = reports.get(assetId)! as Record<string, Json>;
    // The registry of the deployment the node is checked against is the scenario's: another address is not it.
    const elsewhere = await verify({ ...report, registry: "0x000000000000000000000000000000000000dEaD" }, "online");
    expect(elsewhere.code).to.equal(1);
    expect(elsewhere.result.problems!.some((p) => p.kind === "registry-mismatch" && p.fields.includes("registry"))).to.equal(true);

    // One more entry on the asset's chain after the report: what the report says of its block still holds.
    const { registry, registrar } = scenario.ledger;
    await (await registry.connect(registrar).changeCard(assetId, h("card:after-report"), "ipfs://card/after-report")).wait();
    const [seq] = await registry.evidenceHead(assetId);
    const grown = await verify(report, "online", false);
    expect(grown.code, grown.stdout).to.equal(0);
    expect(grown.stdout).to.contain(`the chain has grown since block ${String((report.onChain as Record<string, Json>).block)}: ${seq} entries now`);
  });
});
