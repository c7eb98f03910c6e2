import { BaseError, ResponseBodyTooLargeError } from "viem";

import { IndexerError, isRetryable, RangeTooLargeError, RpcTransientError } from "../errors.js";

/** How often and how long to retry a retryable failure. */
export interface RetryPolicy {
  /** Retries after the first attempt; then the last error is thrown. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 8, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * a uniform delay in [0, min(max, base * 2^attempt)], so that clients failing together do not
 * retry together.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export interface RetryHooks {
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Narrows which retryable errors this loop retries (default: all). */
  shouldRetry?: (error: unknown) => boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error is thrown, or the policy is spent.
 * A `RangeTooLargeError` is never retried here: the caller splits the range instead.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isRetryable(error) || error instanceof RangeTooLargeError || n >= policy.retries) throw error;
      if (hooks.shouldRetry !== undefined && !hooks.shouldRetry(error)) throw error;
      if (hooks.signal?.aborted) throw error;
      const delay = backoffDelay(n, policy);
      hooks.onRetry?.(error, n + 1, delay);
      await sleep(delay, hooks.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Refusals of `eth_getLogs` for too wide a range or too many results, as nodes and providers word
 * them: geth ("exceed maximum block range"), Erigon and Infura ("query returned more than 10000
 * results"), Alchemy ("Log response size exceeded", "block range ... too large"), QuickNode and
 * others ("limited to a 10,000 range", "too many blocks"), besides timeouts of heavy queries.
 */
const RANGE_REFUSAL =
  /too many (results|logs|blocks)|more than \d+ (results|logs)|returned more than|(block )?range (is )?(too (large|wide|big|long))|range.{0,20}(exceed|limit)|exceed.{0,30}range|max(imum)? (block )?range|limited to (a )?[\d,]+ (block )?range|response (body |size ).{0,20}(exceed|too large|limit)|size (limit )?exceeded|query timeout|timed? ?out.{0,10}(query|range)/i;

/** Methods the node will never serve: retrying cannot help. */
const UNSUPPORTED_CODES = new Set([-32601, -32004]);

function collectMessages(error: unknown): { text: string; tooLarge: boolean; unsupported: boolean } {
  const parts: string[] = [];
  let tooLarge = false;
  let unsupported = false;
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof ResponseBodyTooLargeError) tooLarge = true;
    if (current instanceof BaseError) parts.push(current.shortMessage, current.details);
    if (current instanceof Error) parts.push(current.message);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "number" && UNSUPPORTED_CODES.has(code)) unsupported = true;
    current = (current as { cause?: unknown }).cause;
  }
  return { text: parts.join(" | "), tooLarge, unsupported };
}

/**
 * Maps what viem threw for one request to the indexer's errors: a refused range (split it), a
 * method the node does not serve (fatal), or anything else — network error, 429, 5xx, timeout,
 * truncated or unparsable answer, an internal error of the node — as transient (retry).
 */
export function classifyRpcError(error: unknown, context: { method: string; from?: number; to?: number }): IndexerError {
  if (error instanceof IndexerError) return error;
  const { text, tooLarge, unsupported } = collectMessages(error);
  if (context.from !== undefined && context.to !== undefined && (tooLarge || RANGE_REFUSAL.test(text))) {
    return new RangeTooLargeError({ from: context.from, to: context.to }, error);
  }
  if (unsupported) {
    return new IndexerError(`the node does not serve ${context.method}`, { details: context, cause: error });
  }
  return new RpcTransientError(`${context.method} failed: ${firstLine(text)}`, context, error);
}

function firstLine(text: string): string {
  const line = text.split("\n").find((part) => part.trim() !== "") ?? "unknown error";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
