import { z } from "zod";

import { HEX_ADDRESS } from "../../ledger/encoding/address.js";
import { type AdaptiveRangeOptions, DEFAULT_RANGE_OPTIONS } from "../../ledger/events/index.js";
import { ConfigError, formatIssues } from "../shared/errors.js";
import type { Logger } from "./logger.js";
import type { IndexerMetrics } from "./metrics.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./source/retry.js";
import type { IndexedContract, Reducer } from "./types.js";
import type { IndexerEvent } from "./sync/events.js";

/**
 * The indexer's ranges: what it holds in memory is a range's logs, decoded events and writes (times the
 * ranges fetched ahead), so its memory is a function of the logs per range, not of the chain. The reader's
 * defaults aim at 10,000 logs from 100 blocks; the indexer aims at 1,000 from 10 blocks (a sparse chain's
 * range still doubles to the maximum in a few reads). On a 100k-event backfill (75 logs a block) the peak
 * RSS was 384-450 MB from 100-block first ranges, 258 MB from 10-block ones, at the same speed.
 */
export const INDEXER_RANGE_DEFAULTS: AdaptiveRangeOptions = { ...DEFAULT_RANGE_OPTIONS, initial: 10, targetLogs: 1_000 };

const positiveInt = z.number().int().positive();

const contractSchema = z.object({
  name: z.string().min(1),
  address: z.string().regex(HEX_ADDRESS, "must be a 20-byte hex address"),
  abi: z.array(z.object({ type: z.string() }).passthrough()),
  fromBlock: z
    .union([z.bigint(), z.number().int()])
    .transform((n) => Number(n))
    .refine((n) => n >= 0 && Number.isSafeInteger(n), "must be a block number"),
});

/** The indexer's settings, checked at start-up; every bad field is listed. */
const indexerSettingsSchema = z.object({
  rpcUrl: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), "must be an http(s) URL"),
  dbPath: z.string().min(1),
  contracts: z
    .array(contractSchema)
    .min(1, "at least one contract")
    .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, "contract names must be unique")
    .refine((cs) => new Set(cs.map((c) => c.address.toLowerCase())).size === cs.length, "contract addresses must be unique"),
  /** Bump when the reducer's logic changes: the state is rebuilt from the stored configuration's start. */
  reducerVersion: z.string().default(""),
  /**
   * Blocks behind the head that may still reorganise; undo data and hashes are kept for them. 0: every
   * block is final once mined (QBFT, IBFT): nothing is kept but the cursor's hash, and a chain that
   * reorganises all the same is rebuilt from the first block.
   */
  finalityDepth: z.number().int().min(0).default(64),
  /** Live mode: how often the head is polled. */
  pollIntervalMs: z.number().int().min(1).default(2_000),
  /**
   * Block ranges fetched ahead of the one being applied. Two keep the node and the fold busy at once;
   * each further one holds a range's logs longer, which V8 then carries into its old generation: on a
   * 100k-event backfill of 10-block ranges, 4 ahead peaked at 280 MB of RSS, 2 at 259 MB, 1 at 186 MB.
   */
  concurrency: positiveInt.max(64).default(2),
  range: z
    .object({ initial: positiveInt, min: positiveInt, max: positiveInt, targetLogs: positiveInt })
    .partial()
    .default({})
    // A field given as undefined takes its default, like an absent one.
    .transform(
      (r): AdaptiveRangeOptions => ({
        initial: r.initial ?? INDEXER_RANGE_DEFAULTS.initial,
        min: r.min ?? INDEXER_RANGE_DEFAULTS.min,
        max: r.max ?? INDEXER_RANGE_DEFAULTS.max,
        targetLogs: r.targetLogs ?? INDEXER_RANGE_DEFAULTS.targetLogs,
      }),
    )
    .refine((r) => r.min <= r.initial && r.initial <= r.max, "range: min <= initial <= max"),
  retry: z
    .object({ retries: z.number().int().min(0), baseDelayMs: z.number().int().min(0), maxDelayMs: z.number().int().min(0) })
    .partial()
    .default({})
    .transform(
      (r): RetryPolicy => ({
        retries: r.retries ?? DEFAULT_RETRY_POLICY.retries,
        baseDelayMs: r.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
        maxDelayMs: r.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      }),
    ),
  /** Per RPC request. */
  timeoutMs: positiveInt.default(30_000),
  /**
   * The largest `eth_getLogs` answer read; a larger one splits the range. 4 MiB (about 3,500 ledger logs)
   * bounds what one range holds when the chain turns dense faster than the range adapts (a range widened
   * over sparse blocks that lands on busy ones): such a burst set the backfill's peak RSS at 400 MB.
   */
  maxResponseBytes: positiveInt.default(4 * 2 ** 20),
  headerBatchSize: positiveInt.max(1_000).default(100),
  /** How often a long backfill logs its progress. */
  progressIntervalMs: positiveInt.default(10_000),
  /** Refuse to start against another chain. */
  expectedChainId: positiveInt.optional(),
  /** fsync every batch. */
  syncWrites: z.boolean().default(false),
});

export type IndexerSettings = z.output<typeof indexerSettingsSchema>;

/** What `createIndexer` takes: the settings plus the pluggable parts. */
export type IndexerOptions = Omit<z.input<typeof indexerSettingsSchema>, "contracts"> & {
  readonly contracts: readonly IndexedContract[];
  /** Folds decoded events into the state; without one, logs are stored and nothing is reduced. */
  readonly reducer?: Reducer;
  readonly logger?: Logger;
  readonly metrics?: IndexerMetrics;
  /** Told of every applied range, reorg, rebuild and catch-up, in order. */
  readonly onEvent?: (event: IndexerEvent) => void;
};

export function parseIndexerSettings(options: IndexerOptions): IndexerSettings {
  const { reducer: _r, logger: _l, metrics: _m, onEvent: _o, ...settings } = options;
  const parsed = indexerSettingsSchema.safeParse(settings);
  if (!parsed.success) throw new ConfigError("invalid indexer settings", formatIssues(parsed.error));
  return parsed.data;
}
