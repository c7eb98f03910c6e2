import { createPublicClient, http, numberToHex, type Address, type PublicClient } from "viem";

import { createLogReader, DEFAULT_RANGE_OPTIONS, type AdaptiveRangeOptions } from "../../../ledger/events/index.js";
import { InconsistentRpcDataError, RangeTooLargeError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { IndexerMetrics } from "../metrics.js";
import type { BlockHeader, IndexedLog } from "../types.js";
import { classifyRpcError, DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from "./retry.js";
import { checkRange, parseHeader, parseLogs } from "./validate.js";

export interface LogSourceOptions {
  /** Any EVM JSON-RPC endpoint over HTTP(S). */
  readonly rpcUrl: string;
  /** The contracts whose logs are read, all in one `eth_getLogs` per range. */
  readonly addresses: readonly Address[];
  readonly retry?: RetryPolicy;
  readonly range?: AdaptiveRangeOptions;
  /** Per request, ms. */
  readonly timeoutMs?: number;
  /** The largest `eth_getLogs` answer read, bytes (viem's default: 10 MiB); a larger one splits the range. */
  readonly maxResponseBytes?: number;
  /** Header requests sent in one JSON-RPC batch. */
  readonly headerBatchSize?: number;
  readonly metrics?: IndexerMetrics;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

/** One block range's logs with the headers they need, checked against each other. */
export interface FetchedRange {
  readonly from: number;
  readonly to: number;
  /** In (block, log index) order. */
  readonly logs: readonly IndexedLog[];
  /** The first and last blocks', every block with logs', and in a linked range every block's. */
  readonly headers: ReadonlyMap<number, BlockHeader>;
  /** Whether every header is there and each links to its parent. */
  readonly linked: boolean;
}

export interface LogSource {
  readonly client: PublicClient;
  /** The width of the next range to ask for (adaptive). */
  readonly rangeSize: number;
  chainId(): Promise<number>;
  blockNumber(): Promise<number>;
  /** A block's header; `undefined` when the node has no such block (beyond its head). */
  header(n: number): Promise<BlockHeader | undefined>;
  /**
   * The logs of [from, to'] with their headers (every header and their links when `linked`), where `to'`
   * is `to` unless the node refused the range as too large: then a shorter range, as wide as the
   * refusals taught (at least one block). Retries transient errors and inconsistent answers; what it
   * returns has passed `checkRange`.
   */
  fetchRange(from: number, to: number, options: { linked: boolean }): Promise<FetchedRange>;
}

/**
 * Reads logs and headers from a JSON-RPC node through viem, and trusts none of it: every answer is
 * parsed strictly and the logs are checked against the headers of their blocks (Ponder's
 * `rpc/actions.ts` does the same), so a flaky or lagging node costs retries, never wrong data.
 * viem's own retries are off: these are counted and jittered here.
 */
export function createLogSource(options: LogSourceOptions): LogSource {
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const { metrics, logger, signal } = options;
  const addresses = options.addresses.map((a) => a.toLowerCase() as Address);
  const addressSet = new Set<string>(addresses);
  const transportOptions = { retryCount: 0, timeout: options.timeoutMs ?? 30_000 };
  // Logs go alone, under the size limit that splits ranges (a batch of heavy answers would share
  // one limit); headers go in batches, under viem's default limit.
  const client = createPublicClient({
    transport: http(options.rpcUrl, {
      ...transportOptions,
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBodySize: options.maxResponseBytes }),
    }),
  });
  const headerClient = createPublicClient({
    transport: http(options.rpcUrl, { ...transportOptions, batch: { batchSize: options.headerBatchSize ?? 100, wait: 0 } }),
  });

  async function call<T>(method: string, run: () => Promise<T>, context: { from?: number; to?: number } = {}): Promise<T> {
    return withRetry(
      async () => {
        metrics?.rpcRequestsTotal.inc({ method });
        try {
          return await run();
        } catch (error) {
          throw classifyRpcError(error, { method, ...context });
        }
      },
      policy,
      {
        signal,
        onRetry(error, attempt, delayMs) {
          metrics?.rpcRetriesTotal.inc({ method, reason: (error as Error).name });
          logger?.debug({ method, attempt, delayMs, err: (error as Error).message, ...context }, "retrying an RPC call");
        },
      },
    );
  }

  async function header(n: number): Promise<BlockHeader | undefined> {
    return call("eth_getBlockByNumber", async () =>
      parseHeader(await headerClient.request({ method: "eth_getBlockByNumber", params: [numberToHex(n), false] }), n),
    );
  }

  /** `eth_getLogs` over ranges adapted to the node and the data (see `createLogReader`). */
  const reader = createLogReader<IndexedLog>({
    range: options.range ?? DEFAULT_RANGE_OPTIONS,
    async getLogs(range) {
      const from = Number(range.fromBlock);
      const to = Number(range.toBlock);
      const raw = await call(
        "eth_getLogs",
        () => client.request({ method: "eth_getLogs", params: [{ address: addresses, fromBlock: numberToHex(from), toBlock: numberToHex(to) }] }),
        { from, to },
      );
      return parseLogs(raw);
    },
    isRangeRefusal: (error) => error instanceof RangeTooLargeError,
    onLogs() {
      metrics?.rangeSize.set(reader.rangeSize);
    },
    onRefusal(range) {
      metrics?.rangeSplitsTotal.inc();
      metrics?.rangeSize.set(reader.rangeSize);
      logger?.debug({ from: Number(range.fromBlock), to: Number(range.toBlock), next: reader.rangeSize }, "range refused; splitting");
    },
  });
  metrics?.rangeSize.set(reader.rangeSize);


  /**
   * Headers before logs: every hash the store keeps (the last block's, and in a linked range every
   * block's) is read no later than the logs. A reorg between the calls then leaves the store a hash of
   * the old chain, which the next parent link or head check finds; logs of the old chain stored under a
   * hash of the new one (a replaced block that has logs only on the new chain) nothing would find.
   */
  async function fetchOnce(from: number, requestedTo: number, linked: boolean): Promise<FetchedRange> {
    const headers = new Map<number, BlockHeader>();
    const fetchHeaders = (blocks: Iterable<number>) =>
      Promise.all(
        [...blocks].map(async (n) => {
          const h = headers.get(n) ?? (await header(n));
          if (h !== undefined) headers.set(n, h);
        }),
      );
    // A range the node refuses (or whose answer passes `maxResponseBytes`) is shortened to what the
    // refusal taught, not read in pieces held together: what a range holds stays bounded.
    for (let to = requestedTo; ; to = Math.min(to - 1, from + reader.rangeSize - 1)) {
      const kept = new Set<number>([from, to]);
      if (linked) for (let n = from; n <= to; n++) kept.add(n);
      await fetchHeaders(kept);
      const logs = await reader.tryRange({ fromBlock: BigInt(from), toBlock: BigInt(to) });
      if (logs === undefined) continue;
      // A header read after the logs is only checked against them (a log's block hash), never kept.
      await fetchHeaders(new Set(logs.map((log) => log.blockNumber).filter((n) => !kept.has(n))));
      for (const n of headers.keys()) if (n > to) headers.delete(n);
      checkRange({ from, to, logs, headers, linked, addresses: addressSet });
      return { from, to, logs, headers, linked };
    }
  }

  return {
    client: client as PublicClient,
    get rangeSize() {
      return reader.rangeSize;
    },
    async chainId() {
      return call("eth_chainId", async () => Number(await client.request({ method: "eth_chainId" })));
    },
    async blockNumber() {
      return call("eth_blockNumber", async () => Number(await client.request({ method: "eth_blockNumber" })));
    },
    header,
    async fetchRange(from, to, { linked }) {
      // An inconsistent answer (a log whose block hash is not its block's, a missing header, a
      // reorg between the calls) retries the whole range: logs and headers must come from one chain.
      return withRetry(() => fetchOnce(from, to, linked), policy, {
        signal,
        // Transport errors were retried call by call already.
        shouldRetry: (error) => error instanceof InconsistentRpcDataError,
        onRetry(error, attempt, delayMs) {
          metrics?.rpcRetriesTotal.inc({ method: "range", reason: (error as Error).name });
          logger?.debug({ from, to, attempt, delayMs, err: (error as Error).message }, "retrying an inconsistent range");
        },
      });
    },
  };
}
