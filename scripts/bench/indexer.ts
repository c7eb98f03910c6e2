/**
 * `npm run bench:indexer`: the indexer against its ceiling, on a local node.
 *
 * 1. Starts a Hardhat node in a separate process (as a node and an indexer run in production: the node's
 *    work does not share the indexer's thread), deploys the ledger with its Ignition module and makes
 *    at least 100,000 ledger events by real contract calls: registrations, grants, deposits and
 *    contribution records (batches of 50 on one product, whose evidence chain thus has 50,000+ entries).
 * 2. Times a plain viem `getLogs` read of all those logs (the ceiling), then the indexer from an empty
 *    store to caught up with the ledger's reducers, and prints events/s for both and their ratio.
 * 3. Times the evidence replay of the product's chain (every domain event and entry, 100,000+ events).
 *
 * Figures are compared side by side with `bench/baseline.json` (`BENCH_SAVE_BASELINE=1` writes it).
 * Not a test: nothing fails on a slow run.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { createPublicClient, http, type Address, type Hex } from "viem";

import { replayEvidence } from "../../ledger/evidence/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { LEDGER_REDUCER_VERSION, reducer } from "../../services/indexer/reducers/ledger.js";
import { createIndexer } from "../../services/indexer/sync/engine.js";
import { silentLogger } from "../../services/indexer/logger.js";
import { makeLedgerEvents, spawnNode } from "./ledgerEvents.js";
import { report, type Figure } from "./report.js";

/** BENCH_SCALE=1m: ~1,000,000 events instead of ~100,000 (opt-in, not in CI: about ten times as long). */
const SCALE = process.env.BENCH_SCALE ?? "100k";
if (SCALE !== "100k" && SCALE !== "1m") throw new Error(`BENCH_SCALE must be 100k or 1m, not ${SCALE}`);
const RECORD_BATCHES = Number(process.env.BENCH_RECORD_BATCHES ?? (SCALE === "1m" ? "10000" : "1000"));

const { url, node } = await spawnNode();
const connection = await network.create({ network: "localhost", override: { url } });
const scratch = await mkdtemp(join(tmpdir(), "bench-indexer-"));
const figures: Figure[] = [];

try {
  // --- 1. the ledger and its events ---
  const { ledger, product, deploymentDir, head, seconds } = await makeLedgerEvents(connection, scratch, { recordBatches: RECORD_BATCHES });
  const { registry } = ledger;
  console.log(`made the ledger's events in ${seconds.toFixed(1)} s, up to block ${head}`);

  const { contracts, chainId } = await readIgnitionDeployment(deploymentDir);
  const fromBlock = Math.min(...contracts.map((c) => Number(c.fromBlock)));
  const addresses = contracts.map((c) => c.address);

  // --- 2a. the ceiling: plain getLogs, in chunks below viem's 10 MiB response cap ---
  const client = createPublicClient({ transport: http(url, { timeout: 60_000 }) });
  const chunk = 50;
  let rawLogs = 0;
  const rawStart = performance.now();
  const productLogs: { address: Address; topics: Hex[]; data: Hex; blockNumber: bigint; transactionHash: Hex; logIndex: number }[] = [];
  const productTopic = `0x${product.toString(16).padStart(64, "0")}` as Hex;
  for (let block = fromBlock; block <= head; block += chunk) {
    const logs = await client.getLogs({ address: addresses, fromBlock: BigInt(block), toBlock: BigInt(Math.min(block + chunk - 1, head)) });
    rawLogs += logs.length;
    for (const log of logs) {
      if (log.topics[1] === productTopic || log.topics[2] === productTopic) {
        productLogs.push({
          address: log.address,
          topics: log.topics as Hex[],
          data: log.data,
          blockNumber: log.blockNumber!,
          transactionHash: log.transactionHash!,
          logIndex: log.logIndex!,
        });
      }
    }
  }
  const rawSeconds = (performance.now() - rawStart) / 1000;
  const rawRate = rawLogs / rawSeconds;
  figures.push({ name: "ledger events", value: rawLogs, unit: "events" });
  figures.push({ name: "getLogs read (ceiling)", value: rawRate, unit: "events/s", higherIsBetter: true });

  // --- 2b. the indexer, from an empty store to caught up ---
  const indexer = await createIndexer({
    rpcUrl: url,
    dbPath: join(scratch, "db"),
    contracts,
    reducer,
    reducerVersion: LEDGER_REDUCER_VERSION,
    logger: silentLogger(),
    ...(chainId === undefined ? {} : { expectedChainId: chainId }),
  });
  // BENCH_PROFILE=<file.cpuprofile>: a CPU profile of this phase alone (open it in Chrome's DevTools).
  const profile = process.env.BENCH_PROFILE === undefined ? undefined : await startProfile();
  const indexStart = performance.now();
  const cpuStart = process.cpuUsage();
  await indexer.syncOnce();
  const indexSeconds = (performance.now() - indexStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  if (profile !== undefined) await writeFile(process.env.BENCH_PROFILE!, JSON.stringify(await profile.stop()));
  const stored = await indexer.store.countEvents();
  await indexer.close();
  if (stored !== rawLogs) throw new Error(`the indexer stored ${stored} logs, the node has ${rawLogs}`);
  const indexRate = stored / indexSeconds;
  figures.push({ name: "indexer, empty to caught up", value: indexRate, unit: "events/s", higherIsBetter: true });
  figures.push({ name: "indexer / getLogs", value: indexRate / rawRate, unit: "ratio", higherIsBetter: true });
  // Whether the indexer is bound by its own CPU (this process) or by waiting on the node.
  figures.push({ name: "indexer CPU per event (this process)", value: (cpu.user + cpu.system) / stored, unit: "µs" });
  figures.push({ name: "indexer CPU / wall time", value: (cpu.user + cpu.system) / 1e6 / indexSeconds, unit: "ratio" });

  // --- 2c. the node as a process (services/node/main.ts --until-head), as an operator runs it: its wall
  // time includes its start, its peak RSS is its own (this process also holds Hardhat), and its store's size.
  const nodeDb = join(scratch, "node-db");
  const nodeRun = await runNodeProcess(url, deploymentDir, nodeDb);
  if (nodeRun.cursor !== head) throw new Error(`the node process stopped at block ${nodeRun.cursor}, not ${head}`);
  figures.push({ name: "node process, start to caught up", value: rawLogs / nodeRun.seconds, unit: "events/s", higherIsBetter: true });
  figures.push({ name: "node process, peak RSS", value: nodeRun.peakRssMiB, unit: "MiB" });
  figures.push({ name: "store bytes per event", value: (await directoryBytes(nodeDb)) / rawLogs, unit: "bytes" });

  // --- 3. evidence replay of the product's chain ---
  const [seq, onChainHead] = await registry.evidenceHead(product);
  const replayStart = performance.now();
  const replay = replayEvidence({
    chainId: BigInt(chainId ?? 31337),
    registry: (await registry.getAddress()) as Address,
    contracts: addresses.filter((a) => a.toLowerCase() !== (registry.target as string).toLowerCase()) as Address[],
    assetId: product,
    logs: productLogs,
    onChain: { seq: Number(seq), head: onChainHead as Hex },
  });
  const replayMs = performance.now() - replayStart;
  if (!replay.ok) throw new Error(`the replay found problems: ${JSON.stringify(replay.problems.slice(0, 3))}`);
  figures.push({ name: `evidence replay, ${productLogs.length} events (${seq} entries)`, value: replayMs, unit: "ms" });
} finally {
  await connection.close();
  node.kill("SIGTERM");
  await once(node, "exit");
  await rm(scratch, { recursive: true, force: true });
}

await report(SCALE === "1m" ? "indexer, 1m events" : "indexer", figures);

/** Runs the ledger node to the head in its own process; its wall time, and the cursor and peak RSS it logs. */
async function runNodeProcess(rpcUrl: string, deployment: string, db: string): Promise<{ seconds: number; cursor: number; peakRssMiB: number }> {
  const args = ["--import", "tsx", "services/node/main.ts", "--rpc-url", rpcUrl, "--db", db, "--deployment", deployment];
  args.push("--reducer", "services/indexer/reducers/ledger.ts", "--until-head", "--log-level", "info");
  const start = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  const seconds = (performance.now() - start) / 1000;
  const stopped = output
    .split("\n")
    .filter((line) => line.includes('"stopped"'))
    .map((line) => JSON.parse(line) as { cursor: number; peakRssMiB: number })[0];
  if (code !== 0 || stopped === undefined) throw new Error(`the node process exited with ${code}:\n${output.slice(-2000)}`);
  return { seconds, cursor: stopped.cursor, peakRssMiB: stopped.peakRssMiB };
}

async function directoryBytes(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? await directoryBytes(path) : (await stat(path)).size;
  }
  return bytes;
}

async function startProfile(): Promise<{ stop(): Promise<unknown> }> {
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  await post("Profiler.enable");
  await post("Profiler.start");
  return {
    async stop() {
      const { profile } = (await post("Profiler.stop")) as { profile: unknown };
      session.disconnect();
      return profile;
    },
  };
}
