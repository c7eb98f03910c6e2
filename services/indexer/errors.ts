import { ConfigError } from "../shared/errors.js";

/**
 * Errors of the indexer: one base class with a short message, structured details and a cause chain
 * (as viem's `BaseError`), split into retryable (the same call may succeed later: a flaky node, a
 * reorg under way) and not (configuration, a reducer bug).
 */
export class IndexerError extends Error {
  override name = "IndexerError";
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    message: string,
    options: { retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

/** The node failed or answered nothing usable (network error, 429, 5xx, timeout, bad JSON). */
export class RpcTransientError extends IndexerError {
  override name = "RpcTransientError";
  constructor(message: string, details: Record<string, unknown>, cause?: unknown) {
    super(message, { retryable: true, details, cause });
  }
}

/** The node refused a block range as too wide or its answer as too large: split the range. */
export class RangeTooLargeError extends IndexerError {
  override name = "RangeTooLargeError";
  constructor(details: { from: number; to: number }, cause?: unknown) {
    super(`the node refused blocks ${details.from}-${details.to} as too many results`, {
      retryable: true,
      details,
      cause,
    });
  }
}

/** The node's answer contradicts itself or the chain (a log's block hash is not the block's): retried, never stored. */
export class InconsistentRpcDataError extends IndexerError {
  override name = "InconsistentRpcDataError";
  constructor(message: string, details: Record<string, unknown>) {
    super(message, { retryable: true, details });
  }
}

/** A reducer threw: the range is not committed, and retrying will not help. */
export class ReducerError extends IndexerError {
  override name = "ReducerError";
  constructor(details: Record<string, unknown>, cause: unknown) {
    super(`the reducer failed on ${String(details.contract)}.${String(details.eventName)} at block ${String(details.blockNumber)}`, {
      details,
      cause,
    });
  }
}

/** The store is held by another process (LevelDB's LOCK), or was written by another configuration. */
export class StoreError extends IndexerError {
  override name = "StoreError";
}

/** Settings that cannot work (shared with the API and the node, so defined in services/shared/). */
export { ConfigError };

export function isRetryable(error: unknown): boolean {
  return error instanceof IndexerError && error.retryable;
}
