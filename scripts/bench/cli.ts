/**
 * `npm run bench:cli`: how long one `provenance` command takes, as a whole process, the way a shell script
 * of 80 calls pays it.
 *
 * A Hardhat node in its own process with a small deployed ledger (`ledgerEvents.ts`), then three commands
 * run by the shell's node (the first `node` on PATH outside node_modules/.bin, as `npx provenance` in a
 * terminal finds it): `--help` (start-up alone), `asset show` (start-up, a few reads) and `asset apply`
 * (start-up, simulation and one transaction). Each under two launchers, in turn (A B A B...), so a busy
 * machine slows both alike: the compiled bundle (`cli/dist/`, what `cli/bin/provenance.js` runs) and the
 * TypeScript sources through tsx (PROVENANCE_FROM_SOURCE=1: the launcher as it was, re-executing under the
 * bundled Node 22 when the shell's node is older). The same transaction sent from this process (ethers,
 * sent and mined) is the chain's own time. Figures are medians of BENCH_CLI_RUNS runs (default 7), after
 * one warm-up each. Target: a one-transaction command within 1 s plus the chain's own time. Not a test:
 * nothing fails on a slow run.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

import { network } from "hardhat";

import { AssetKind, Classification, DataCategory } from "../../ledger/types.js";
import { h } from "../../test/helpers/ledger.js";
import { makeLedgerEvents, spawnNode } from "./ledgerEvents.js";
import { report, type Figure } from "./report.js";

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? "7");
const ROOT = new URL("../../", import.meta.url).pathname;
const LAUNCHER = join(ROOT, "cli/bin/provenance.js");
/** The dev account that files applications in `ledgerEvents.ts` (alice). */
const APPLICANT = 6;

/** The node a terminal runs `npx provenance` with: npm scripts put node_modules/.bin (Node 22) first on PATH. */
function shellNode(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "" || dir.includes("node_modules")) continue;
    const candidate = join(dir, "node");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return process.execPath;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const nodeBinary = shellNode();
const nodeVersion = spawnSync(nodeBinary, ["--version"], { encoding: "utf8" }).stdout.trim();

/** Runs the launcher once and resolves with its wall time in ms; a failed command stops the benchmark. */
async function timeCommand(args: readonly string[], fromSources: boolean): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: (process.env.PATH ?? "").split(delimiter).filter((dir) => !dir.includes("node_modules")).join(delimiter) };
  delete env.PROVENANCE_PRIVATE_KEY;
  if (fromSources) env.PROVENANCE_FROM_SOURCE = "1";
  else delete env.PROVENANCE_FROM_SOURCE;
  const started = performance.now();
  // Asynchronously: this process's own RPC connection must stay served between runs.
  const child = spawn(nodeBinary, [LAUNCHER, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`provenance ${args.join(" ")} exited ${code}:\n${output}`);
  return ms;
}

/**
 * The bundle as `npm ci` leaves it, built before the clock starts: at first, and again before a timed run
 * when a source changed meanwhile (in a working tree being edited), so no run times a rebuild.
 */
function bundleUpToDate(ifStale: boolean): void {
  const build = spawnSync(process.execPath, [join(ROOT, "cli/bin/bundle.js"), ...(ifStale ? ["--if-stale"] : [])], { stdio: "inherit" });
  if (build.status !== 0) {
    console.error("bench:cli: cannot build cli/dist/ (the compiler's message is above)");
    process.exit(1);
  }
}
bundleUpToDate(false);

const { url, node } = await spawnNode();
const connection = await network.create({ network: "localhost", override: { url } });
const scratch = await mkdtemp(join(tmpdir(), "bench-cli-"));
const figures: Figure[] = [];
try {
  const { ledger, product, deploymentDir } = await makeLedgerEvents(connection, scratch, { recordBatches: 1, sideActions: 2 });
  const common = ["--rpc-url", url, "--deployment", deploymentDir];
  // The chain's own time for the same transaction: sent from here, where nothing starts up.
  const chainTimes: number[] = [];
  for (let run = 0; run <= RUNS; run += 1) {
    const started = performance.now();
    const sent = await ledger.registry.connect(ledger.alice).fileApplication({
      kind: AssetKind.RESOURCE,
      category: DataCategory.ENTERPRISE,
      classification: Classification.GENERAL,
      fingerprint: h(`bench-cli-chain-${run}`),
      cardHash: h(`card-chain-${run}`),
      cardURI: `ipfs://bench-cli/chain/${run}`,
      parents: [],
    });
    await sent.wait();
    if (run > 0) chainTimes.push(performance.now() - started);
  }
  const chainFigure: Figure = { name: "asset apply: the chain's own time (ethers, sent and mined)", value: median(chainTimes), unit: "ms" };
  let application = 0;
  const apply = () => {
    application += 1;
    return [...common, "--account", String(APPLICANT), "asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE",
      "--fingerprint", `text:bench-cli-${application}`, "--card-hash", `text:card-${application}`, "--card-uri", `ipfs://bench-cli/${application}`];
  };
  const commands: { name: string; args: () => readonly string[] }[] = [
    { name: "--help", args: () => ["--help"] },
    { name: `asset show ${product}`, args: () => [...common, "asset", "show", String(product)] },
    { name: "asset apply (one transaction)", args: apply },
  ];
  console.log(`the shell's node: ${nodeBinary} ${nodeVersion}; ${RUNS} runs of each after a warm-up`);
  for (const command of commands) {
    const times = { bundle: [] as number[], sources: [] as number[] };
    for (let run = 0; run <= RUNS; run += 1) {
      bundleUpToDate(true);
      const bundle = await timeCommand(command.args(), false);
      const sources = await timeCommand(command.args(), true);
      if (run === 0) continue; // the warm-up: the page cache, the bundle's first read
      times.bundle.push(bundle);
      times.sources.push(sources);
    }
    const bundle = median(times.bundle);
    const sources = median(times.sources);
    figures.push({ name: `${command.name}: compiled bundle (median)`, value: bundle, unit: "ms" });
    figures.push({ name: `${command.name}: TypeScript sources via tsx (median)`, value: sources, unit: "ms" });
    figures.push({ name: `${command.name}: sources / bundle`, value: sources / bundle, unit: "ratio", higherIsBetter: true });
  }
  figures.push(chainFigure);
} finally {
  await connection.close();
  node.kill("SIGTERM");
  await rm(scratch, { recursive: true, force: true });
}
await report("cli", figures);
