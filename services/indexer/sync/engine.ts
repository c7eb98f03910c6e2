import { createHash } from "node:crypto";

import { toEventSelector, type AbiEvent, type Hex } from "viem";

import { parseIndexerSettings, type IndexerOptions, type IndexerSettings } from "../config.js";
import { ConfigError, InconsistentRpcDataError, isRetryable, ReducerError } from "../errors.js";
import { createDecoder } from "../indexing/decode.js";
import { RangeStateTx } from "../indexing/stateTx.js";
import { silentLogger, type Logger } from "../logger.js";
import { createIndexerMetrics, type IndexerMetrics } from "../metrics.js";
import { createLogSource, type FetchedRange, type LogSource } from "../source/logSource.js";
import { backoffDelay, sleep } from "../source/retry.js";
import { openStore, type Store } from "../store/store.js";
import type { IndexedContract } from "../types.js";
import { createProgress } from "./progress.js";

/** Version of the stored layout; part of the fingerprint, so a new layout rebuilds. 2: one entry per block of logs. */
const STORE_FORMAT = 2;

export interface SyncReport {
  /** The head this pass synced to. */
  readonly head: number;
  readonly cursor: number;
}

export interface Indexer {
  readonly settings: IndexerSettings;
  readonly metrics: IndexerMetrics;
  readonly store: Store;
  readonly source: LogSource;
  readonly chainId: number;
  /** The chain head as last polled; undefined before the first poll. */
  readonly head: number | undefined;
  /**
   * Syncs to the head as it is now (one pass; reorgs met on the way are handled). Throws what
   * retries could not overcome.
   */
  syncOnce(): Promise<SyncReport>;
  /**
   * Live mode: syncs, then polls the head every `pollIntervalMs` and syncs again, by the same path
   * as the backfill. Transient failures are logged and retried with backoff; it returns when
   * `signal` aborts or, with `untilHead`, once the cursor has reached the head.
   */
  run(options?: { signal?: AbortSignal; untilHead?: boolean }): Promise<void>;
  /** Stops `run` and closes the store. */
  close(): Promise<void>;
}

/** What the stored data derives from: chain, contracts (address, start, events), reducer version, layout. */
function fingerprint(chainId: number, settings: IndexerSettings): string {
  const contracts = settings.contracts
    .map((c) => ({
      address: c.address.toLowerCase(),
      fromBlock: c.fromBlock,
      events: c.abi
        .filter((item) => item.type === "event")
        .map((item) => toEventSelector(item as unknown as AbiEvent))
        .sort(),
    }))
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  const text = JSON.stringify({ format: STORE_FORMAT, chainId, contracts, reducerVersion: settings.reducerVersion });
  return createHash("sha256").update(text).digest("hex");
}

/**
 * An exact, crash-safe and reorg-safe event indexer into LevelDB.
 *
 * Invariants:
 * - The store changes only by atomic batches: a block range's logs, state writes, undo data, block
 *   hashes and the new cursor together (or a rollback with its cursor). A crash at any moment leaves
 *   the store at a cursor, with exactly the logs up to it: a restart continues from cursor + 1.
 * - A range is applied only if its first block's parent is the cursor's block; otherwise the chain
 *   reorganised and the store is rolled back to the last stored block still on the chain.
 * - Ranges may be fetched ahead and concurrently, but are applied strictly in order.
 */
export async function createIndexer(options: IndexerOptions): Promise<Indexer> {
  const settings = parseIndexerSettings(options);
  const logger: Logger = options.logger ?? silentLogger();
  const metrics = options.metrics ?? createIndexerMetrics();
  const reducer = options.reducer;
  const emit = options.onEvent ?? (() => {});
  const stop = new AbortController();
  const contracts: IndexedContract[] = options.contracts.map((c, i) => ({ ...c, fromBlock: settings.contracts[i]!.fromBlock }));

  const source = createLogSource({
    rpcUrl: settings.rpcUrl,
    addresses: contracts.map((c) => c.address),
    retry: settings.retry,
    range: settings.range,
    timeoutMs: settings.timeoutMs,
    ...(settings.maxResponseBytes === undefined ? {} : { maxResponseBytes: settings.maxResponseBytes }),
    headerBatchSize: settings.headerBatchSize,
    metrics,
    logger,
    signal: stop.signal,
  });
  const chainId = await source.chainId();
  if (settings.expectedChainId !== undefined && chainId !== settings.expectedChainId) {
    throw new ConfigError(`the node at ${settings.rpcUrl} serves chain ${chainId}, not ${settings.expectedChainId}`);
  }
  const firstBlock = Math.min(...settings.contracts.map((c) => c.fromBlock));
  const initialBlock = firstBlock - 1;
  const store = await openStore({
    path: settings.dbPath,
    fingerprint: fingerprint(chainId, settings),
    initialBlock,
    sync: settings.syncWrites,
  });
  const decode = createDecoder(contracts);
  const progress = createProgress(logger, metrics, settings.progressIntervalMs);
  const { finalityDepth, concurrency } = settings;
  metrics.indexedBlock.set(store.cursor.number);
  logger.info({ chainId, cursor: store.cursor.number, contracts: contracts.map((c) => c.name) }, "store opened");

  let lastHead: number | undefined;
  function setHead(head: number) {
    lastHead = head;
    metrics.headBlock.set(head);
    metrics.lagBlocks.set(Math.max(0, head - store.cursor.number));
  }

  /**
   * The range whose batch LevelDB is writing (on its own thread): the next range is folded meanwhile, over
   * this one's writes, and committed once this one is. Commits stay one at a time and in order.
   */
  let writing: { hash: Hex; writes: ReadonlyMap<string, string | null>; done: Promise<void> } | undefined;

  /** Committed state as the range being written will leave it. */
  function readState(key: string): string | undefined {
    const pending = writing?.writes.get(key);
    if (pending !== undefined) return pending ?? undefined;
    return store.readState(key);
  }

  /** Waits for the range being written; throws what its commit threw. */
  async function settle(): Promise<void> {
    const pending = writing;
    if (pending === undefined) return;
    try {
      await pending.done;
    } finally {
      if (writing === pending) writing = undefined;
    }
  }

  /**
   * Folds one fetched range and starts its commit (settled by the next `apply` or by `settle`), or returns
   * false when its first block does not follow the last block applied.
   */
  async function apply(range: FetchedRange, boundary: number): Promise<boolean> {
    const first = range.headers.get(range.from)!;
    const parentHash = writing?.hash ?? store.cursor.hash;
    if (parentHash !== null && first.parentHash !== parentHash) {
      await settle();
      return false;
    }
    const tx = new RangeStateTx(readState);
    const timestamps = new Map<number, bigint>();
    for (const log of range.logs) {
      const header = range.headers.get(log.blockNumber)!;
      timestamps.set(log.blockNumber, header.timestamp);
      if (reducer === undefined) continue;
      const decoded = decode(log, header.timestamp);
      if (decoded.kind === "unknown") continue;
      if (decoded.kind === "undecodable") {
        metrics.undecodableEventsTotal.inc();
        logger.warn({ block: log.blockNumber, logIndex: log.logIndex, address: log.address, err: String(decoded.error) }, "log does not decode with its ABI; stored, not reduced");
        continue;
      }
      tx.enterBlock(log.blockNumber, log.blockNumber > boundary);
      try {
        const pending = reducer(decoded.event, tx);
        if (pending !== undefined) await pending;
      } catch (error) {
        throw new ReducerError(
          { contract: decoded.event.contract, eventName: decoded.event.eventName, blockNumber: log.blockNumber, logIndex: log.logIndex },
          error,
        );
      }
    }
    const hashes = new Map<number, Hex>();
    if (range.linked) {
      for (let n = Math.max(range.from, boundary + 1); n <= range.to; n++) hashes.set(n, range.headers.get(n)!.hash);
    }
    const state = tx.finish();
    const last = range.headers.get(range.to)!;
    await settle();
    const done = store
      .commitRange({
        from: range.from,
        to: range.to,
        toHash: last.hash,
        toTimestamp: last.timestamp,
        logs: range.logs,
        timestamps,
        state,
        undo: tx.undo,
        hashes,
        safe: Math.min(range.to, boundary),
      })
      .then(() => {
        metrics.eventsTotal.inc(range.logs.length);
        metrics.indexedBlock.set(range.to);
        metrics.lagBlocks.set(Math.max(0, (lastHead ?? range.to) - range.to));
        progress.advance(range.to, range.logs.length);
        emit({ type: "range", from: range.from, to: range.to, events: range.logs.length, cursor: store.cursor });
      });
    done.catch(() => {}); // settled by the next apply or by the pipeline's end
    writing = { hash: last.hash, writes: state, done };
    return true;
  }

  /**
   * Fetches [cursor + 1, head] in ranges, up to `concurrency` ahead, and applies them in order.
   * Ranges end at the finality boundary (head - finalityDepth): below it a range needs only the
   * headers of its ends and of its blocks with logs; above it every header, linked, whose hashes
   * and undo data are kept. At depth 0 the boundary is the head: no range is linked, no undo data is
   * kept, and the only hash is the cursor's, which the next range's parent link is checked against.
   */
  async function pipeline(head: number): Promise<"done" | "reorg" | "aborted"> {
    const boundary = head - finalityDepth;
    let next = store.cursor.number + 1;
    const queue: { to: number; range: Promise<FetchedRange> }[] = [];
    const fill = () => {
      while (queue.length < concurrency && next <= head && !stop.signal.aborted) {
        const from = next;
        let to = Math.min(head, from + source.rangeSize - 1);
        const linked = from > boundary;
        if (!linked) to = Math.min(to, boundary);
        const range = source.fetchRange(from, to, { linked });
        range.catch(() => {}); // awaited in order below; this only keeps an abandoned one quiet
        queue.push({ to, range });
        next = to + 1;
      }
    };
    progress.begin(store.cursor.number, head);
    fill();
    try {
      while (queue.length > 0) {
        if (stop.signal.aborted) return "aborted";
        const asked = queue.shift()!;
        const range = await asked.range;
        if (range.to < asked.to) {
          // The node refused the range as too large and the source shortened it: the ranges fetched
          // ahead start after a gap, so they are dropped and fetched again from the end of this one.
          queue.length = 0;
          next = range.to + 1;
        }
        fill();
        if (!(await apply(range, boundary))) return "reorg";
        setHead(head);
      }
    } finally {
      // Whatever ends the pass, the store is at rest when it returns (a reorg's rollback reads it).
      await settle();
    }
    progress.finish();
    return "done";
  }

  /**
   * The chain no longer holds the cursor's block: find the newest stored block it still holds,
   * undo everything after it; if none of the stored blocks (down to the safe block) is on the chain,
   * the reorg is deeper than the finality depth: wipe and rebuild from the first block. At depth 0 the
   * only stored hash is the cursor's, which is the safe block: any reorg of an indexed block is a rebuild.
   */
  async function handleReorg(head: number): Promise<"rolledBack" | "rebuilt" | "nothing"> {
    const stored = [...store.hashes.entries()].filter(([n]) => n <= head).sort((a, b) => b[0] - a[0]);
    let ancestor: number | undefined;
    for (let i = 0; i < stored.length && ancestor === undefined; i += 16) {
      const chunk = stored.slice(i, i + 16);
      const canonical = await Promise.all(chunk.map(([n]) => source.header(n)));
      const match = chunk.findIndex(([, hash], j) => canonical[j]?.hash === hash);
      if (match >= 0) ancestor = chunk[match]![0];
    }
    // Nothing final yet: undo data covers every block, down to before the first one.
    if (ancestor === undefined && store.safe === initialBlock) ancestor = initialBlock;
    if (ancestor === undefined || ancestor < store.safe) {
      metrics.deepReorgRebuildsTotal.inc();
      logger.warn(
        { cursor: store.cursor.number, safe: store.safe, finalityDepth, head },
        "reorg deeper than the finality depth: wiping the derived state and rebuilding from the first block",
      );
      await store.wipe("deep reorg");
      metrics.indexedBlock.set(store.cursor.number);
      emit({ type: "rebuild", reason: "deep reorg", from: firstBlock });
      return "rebuilt";
    }
    const { blocks, events } = await store.rollback(ancestor);
    metrics.indexedBlock.set(store.cursor.number);
    if (blocks === 0) return "nothing";
    metrics.reorgsTotal.inc();
    metrics.reorgedBlocksTotal.inc(blocks);
    logger.warn({ ancestor, depth: blocks, eventsUndone: events }, "reorg: rolled back to the common ancestor");
    emit({ type: "reorg", ancestor, depth: blocks, events });
    return "rolledBack";
  }

  async function syncOnce(): Promise<SyncReport> {
    for (;;) {
      const head = await source.blockNumber();
      setHead(head);
      const cursor = store.cursor;
      if (head <= cursor.number) {
        if (cursor.hash !== null && head >= store.safe) {
          // Is the node's head block still the one we stored? If not, a reorg to a shorter chain (or,
          // at depth 0, a replaced head block); if so, the node is only behind us (a lagging replica):
          // wait for it. A head below the safe block is waited for too: those blocks are final, and a
          // chain that changed them anyway is found when it passes the cursor (the parent link).
          const stored = store.hashes.get(head);
          const header = stored === undefined ? undefined : await source.header(head);
          if (stored !== undefined && header !== undefined && header.hash !== stored) {
            await handleReorg(head);
            continue;
          }
        }
        emit({ type: "caughtUp", head });
        return { head, cursor: store.cursor.number };
      }
      const outcome = await pipeline(head);
      if (outcome === "reorg" && (await handleReorg(head)) === "nothing") {
        // The next block's parent is not the cursor's block, yet that block is still on the chain:
        // the node contradicts itself (a lagging replica behind a load balancer?). Back off, refetch.
        throw new InconsistentRpcDataError(`block ${store.cursor.number + 1} does not follow the stored block ${store.cursor.number}`, {
          cursor: store.cursor.number,
        });
      }
      if (outcome === "reorg") continue;
      if (outcome === "done") emit({ type: "caughtUp", head });
      return { head, cursor: store.cursor.number };
    }
  }

  let running: Promise<void> | undefined;

  async function runLoop(signal: AbortSignal | undefined, untilHead: boolean): Promise<void> {
    const stopped = () => stop.signal.aborted || signal?.aborted === true;
    let failures = 0;
    while (!stopped()) {
      try {
        const report = await syncOnce();
        failures = 0;
        if (untilHead && report.cursor >= report.head) return;
        await sleep(settings.pollIntervalMs, AbortSignal.any([stop.signal, ...(signal ? [signal] : [])]));
      } catch (error) {
        if (stopped()) return;
        if (!isRetryable(error)) throw error;
        const delay = backoffDelay(Math.min(failures++, 10), { ...settings.retry, maxDelayMs: Math.max(settings.retry.maxDelayMs, 1_000) });
        logger.warn({ err: (error as Error).message, retryInMs: delay }, "sync failed; retrying");
        await sleep(delay, stop.signal);
      }
    }
  }

  return {
    settings,
    metrics,
    store,
    source,
    chainId,
    get head() {
      return lastHead;
    },
    syncOnce,
    run({ signal, untilHead = false } = {}) {
      running = runLoop(signal, untilHead);
      return running;
    },
    async close() {
      stop.abort();
      await running?.catch(() => {});
      await store.close();
    },
  };
}
