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
 */
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

const { url, node } = await spawnNode();
const connection = await network.create({ network: "localhost", override: { url } });
const scratch = await mkdtemp(join(tmpdir(), "bench-api-"));
const figures: Figure[] = [];

try {
  const { ledger, product, deploymentDir, seconds } = await makeLedgerEvents(connection, scratch, { recordBatches: RECORD_BATCHES });
  const { contributions, bob } = ledger;
  // The split counts confirmed contributions: confirm the first 2,000, and set a policy.
  for (let batch = 0; batch < CONFIRMED_BATCHES; batch += 1) {
    await contributions.connect(bob).confirm(Array.from({ length: 50 }, (_, i) => BigInt(batch * 50 + i + 1)));
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
} finally {
  await connection.close();
  node.kill("SIGTERM");
  await once(node, "exit");
  await rm(scratch, { recursive: true, force: true });
}

await report(`api at ${RATE} req/s`, figures);
