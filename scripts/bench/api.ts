/**
 * `npm run bench:api`: the HTTP API under load, on loopback.
 *
 * 1. A Hardhat node in its own process and a ledger of 100,000+ real events (`ledgerEvents.ts`, shared with
 *    bench:indexer): one product with 50,000 contribution records, 2,000 of them confirmed (so the split
 *    counts them) under a split policy.
 * 2. A ledger node (`services/node`, as `npm start` runs it): the indexer from an empty store to caught up,
 *    and the API over it in this process (LevelDB allows one process).
 * 3. autocannon at a fixed 1,000 requests/s (`overallRate`) for a party page, an asset page and a split
 *    preview of the 50,000-record product: req/s, p50 and p99, compared with `bench/baseline.json`.
 *    Each target first gets its first request timed alone (filling the caches), then WARMUP seconds of the
 *    same load, discarded (JIT, LevelDB's block cache, the compaction the big backfill left), then the
 *    measured run. Target: p99 <= 20 ms at 1,000 req/s. Not a test: nothing fails on a slow run.
 * 4. Read replicas (`BENCH_API_REPLICAS=0` skips): two ledger node processes (`services/node/main.ts`, as
 *    `npm run indexer` runs them, each with its own store) on the same chain; autocannon as fast as it can
 *    (no rate) against one of them, then against both (it spreads its connections over the URLs, as a
 *    round-robin load balancer would): req/s, p50 and p99 side by side. On a 2-core machine the load
 *    generator shares the cores with the replicas: the figures say what a second process buys there.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import autocannon from "autocannon";
import { network } from "hardhat";

import { EmptyStageRule } from "../../ledger/types.js";
import { startLedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { makeLedgerEvents, spawnNode } from "./ledgerEvents.js";
import { report, type Figure } from "./report.js";

const RECORD_BATCHES = Number(process.env.BENCH_RECORD_BATCHES ?? "1000");
const CONFIRMED_BATCHES = Math.min(40, RECORD_BATCHES);
const RATE = 1_000;
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? "10");
const WARMUP = Number(process.env.BENCH_API_WARMUP_SECONDS ?? "3");
const REPLICAS = process.env.BENCH_API_REPLICAS !== "0";
/** Connections for the saturated runs, spread over the replicas' URLs. */
const SATURATING_CONNECTIONS = 40;

/** A ledger node process serving the API on a free port, as `npm run indexer` starts it; resolves with its URL once it listens. */
async function spawnReplica(rpcUrl: string, deploymentDir: string, dbPath: string): Promise<{ url: string; process: ChildProcess }> {
  const args = ["--import", "tsx", "services/node/main.ts", "--rpc-url", rpcUrl, "--db", dbPath, "--deployment", deploymentDir];
  const child = spawn(process.execPath, [...args, "--api-port", "0", "--log-level", "info"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the replica exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.includes('"API listening"')) return;
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return { url, process: child };
}

/** Waits until `/ready` answers 200: the replica has indexed up to the head. */
async function caughtUp(url: string): Promise<void> {
  while ((await fetch(`${url}/ready`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
}

/** One replica, then both: the same paths as fast as autocannon goes, for SECONDS each after a WARMUP. */
async function measureReplicas(urls: readonly string[], paths: readonly { name: string; path: string }[]): Promise<Figure[]> {
  const measured: Figure[] = [];
  for (const target of paths) {
    for (const count of [1, 2]) {
      const url = urls.slice(0, count).map((base) => base + target.path);
      // autocannon gives connection i the URL i mod n (lib/run.js); its types only know a single URL.
      const options = { url: url as unknown as string, connections: SATURATING_CONNECTIONS, workers: 1 };
      if (WARMUP > 0) await autocannon({ ...options, duration: WARMUP });
      const result = await autocannon({ ...options, duration: SECONDS });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      const label = `${target.name}, ${count} replica${count > 1 ? "s" : ""}`;
      measured.push({ name: `${label}: req/s`, value: result.requests.average, unit: "req/s", higherIsBetter: true });
      measured.push({ name: `${label}: p50`, value: result.latency.p50, unit: "ms" });
      measured.push({ name: `${label}: p99`, value: result.latency.p99, unit: "ms" });
      console.log(`${label}: ${result.requests.average} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
    }
  }
  return measured;
}

const { url, node } = await spawnNode();
const connection = await network.create({ network: "localhost", override: { url } });
const scratch = await mkdtemp(join(tmpdir(), "bench-api-"));
const figures: Figure[] = [];
const replicaFigures: Figure[] = [];
const replicas: ChildProcess[] = [];

try {
  const { ledger, product, deploymentDir, seconds } = await makeLedgerEvents(connection, scratch, { recordBatches: RECORD_BATCHES });
  const { contributions, bob } = ledger;
  // The split counts confirmed contributions: confirm the first 2,000, and set a policy. Ids come in windows
  // (13 of every 16, a new window per record call), so they are read from the events: 50 blocks at a time,
  // until there are enough (one query over the whole chain is an answer of tens of MB, which the node drops).
  const recordedIds: bigint[] = [];
  const head = await connection.ethers.provider.getBlockNumber();
  for (let from = 0; from <= head && recordedIds.length < CONFIRMED_BATCHES * 50; from += 50) {
    const logs = await contributions.queryFilter(contributions.filters.ContributionRecorded(), from, Math.min(head, from + 49));
    recordedIds.push(...logs.map((log) => log.args.contributionId));
  }
  for (let batch = 0; batch < CONFIRMED_BATCHES; batch += 1) {
    await contributions.connect(bob).confirm(recordedIds.slice(batch * 50, batch * 50 + 50));
  }
  await (await contributions.connect(bob).setSplitPolicy(product, [2_500, 2_500, 2_500, 2_500], EmptyStageRule.PRO_RATA)).wait();
  console.log(`made the ledger's events in ${seconds.toFixed(1)} s`);

  const deployment = await readIgnitionDeployment(deploymentDir);
  const node = await startLedgerNode({ rpcUrl: url, dbPath: join(scratch, "db"), deployment, api: { port: 0 } });
  const api = node.api!;
  const indexStart = performance.now();
  await node.syncOnce();
  const events = await node.indexer.store.countEvents();
  console.log(`indexed ${events} events in ${((performance.now() - indexStart) / 1000).toFixed(1)} s`);
  figures.push({ name: "ledger events", value: events, unit: "events" });

  try {
    const targets = [
      { name: "party page", path: `/parties/${bob.address}` },
      { name: "asset page", path: `/assets/${product}` },
      { name: "split preview (50,000 records, 2,000 counted)", path: `/products/${product}/split?amount=1000000007` },
    ];
    for (const target of targets) {
      // The first request fills the caches (the split's snapshot of the state): measured separately.
      const coldStart = performance.now();
      const cold = await fetch(api.url + target.path);
      if (cold.status !== 200) throw new Error(`${target.path}: ${cold.status} ${await cold.text()}`);
      await cold.arrayBuffer();
      figures.push({ name: `${target.name}: first request`, value: performance.now() - coldStart, unit: "ms" });
      // The load generator runs in a worker thread: on the API's thread it would measure itself.
      if (WARMUP > 0) await autocannon({ url: api.url + target.path, connections: 20, overallRate: RATE, duration: WARMUP, workers: 1 });
      const result = await autocannon({ url: api.url + target.path, connections: 20, overallRate: RATE, duration: SECONDS, workers: 1 });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      figures.push({ name: `${target.name}: req/s`, value: result.requests.average, unit: "req/s", higherIsBetter: true });
      figures.push({ name: `${target.name}: p50`, value: result.latency.p50, unit: "ms" });
      figures.push({ name: `${target.name}: p99`, value: result.latency.p99, unit: "ms" });
      console.log(`${target.name}: ${result.requests.average} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
    }
  } finally {
    await node.close();
  }

  if (REPLICAS) {
    // Both replicas index the whole ledger from empty stores, side by side, then serve it.
    const started = await Promise.all(["replica-a", "replica-b"].map((name) => spawnReplica(url, deploymentDir, join(scratch, name))));
    replicas.push(...started.map((replica) => replica.process));
    const syncStart = performance.now();
    await Promise.all(started.map((replica) => caughtUp(replica.url)));
    console.log(`two replicas caught up in ${((performance.now() - syncStart) / 1000).toFixed(1)} s`);
    replicaFigures.push(
      ...(await measureReplicas(
        started.map((replica) => replica.url),
        [
          { name: "party page", path: `/parties/${bob.address}` },
          { name: "asset page", path: `/assets/${product}` },
        ],
      )),
    );
  }
} finally {
  for (const replica of replicas) {
    const exited = once(replica, "exit");
    replica.kill("SIGTERM");
    await exited;
  }
  await connection.close();
  node.kill("SIGTERM");
  await once(node, "exit");
  await rm(scratch, { recursive: true, force: true });
}

await report(`api at ${RATE} req/s`, figures);
if (replicaFigures.length > 0) await report("api replicas, saturated", replicaFigures);
