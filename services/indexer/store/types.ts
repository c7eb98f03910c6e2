import type { Level } from "level";
import type { Hex } from "viem";

import type { IndexedLog } from "../types.js";

/**
 * The store's types, apart from its implementation (`store.ts`) so that `digest.ts`, which `store.ts`
 * uses, can name them without an import cycle.
 */

/** The last block applied; `hash` is null before the first one. */
export interface Cursor {
  readonly number: number;
  readonly hash: Hex | null;
  /**
   * The block's timestamp (unix seconds, decimal): the chain's time as far as the index knows it, which
   * moves without any event (a challenge window ends). Absent before the first block and after a rollback.
   */
  readonly timestamp?: string;
}

/** A stored log with its block's timestamp. */
export interface StoredEvent extends IndexedLog {
  readonly timestamp: bigint;
}

/** Prior values of the state keys one block wrote (`null`: the key did not exist). */
type UndoRecord = ReadonlyMap<string, string | null>;

/** Everything one block range changes, written in one atomic batch. */
interface RangeCommit {
  readonly from: number;
  readonly to: number;
  readonly toHash: Hex;
  /** The timestamp of block `to`: the cursor's. */
  readonly toTimestamp?: bigint;
  readonly logs: readonly IndexedLog[];
  /** Timestamps of the blocks that have logs. */
  readonly timestamps: ReadonlyMap<number, bigint>;
  /** The state writes of the range, last write per key (`null`: delete). */
  readonly state: ReadonlyMap<string, string | null>;
  /** Undo records of the blocks that may still reorganise. */
  readonly undo: ReadonlyMap<number, UndoRecord>;
  /** Hashes to remember: every block that may still reorganise. */
  readonly hashes: ReadonlyMap<number, Hex>;
  /** The new safe block: undo data and hashes below it are dropped. */
  readonly safe: number;
}

export interface StoreOptions {
  readonly path: string;
  /**
   * What the stored data was derived from (chain, contracts, ABIs, reducer version). A store written
   * under another fingerprint is wiped and rebuilt, never mixed.
   */
  readonly fingerprint: string;
  /** The cursor of an empty store: the block before the first deployment. */
  readonly initialBlock: number;
  /** fsync each batch (survives power loss, not only a killed process); slower. */
  readonly sync?: boolean;
}

/** What a reader of the indexed data reads: the store's own encoding stays inside the store. */
export interface StoreReader {
  /** The last block applied. */
  readonly cursor: Cursor;
  /** Reads a state key (committed data; see `StateTx` for reads within a range). */
  readState(key: string): string | undefined;
  /** State entries whose key starts with `prefix`, ascending; after `after` when given; at most `limit`. */
  stateEntries(prefix: string, options?: { after?: string; limit?: number }): AsyncGenerator<[string, string]>;
  /** The stored logs from `fromBlock` on, in chain order. */
  events(options?: { fromBlock?: number }): AsyncGenerator<StoredEvent>;
  /** The stored logs of the given blocks, in chain order (each block one short range scan). */
  logsOfBlocks(blocks: Iterable<number>): Promise<StoredEvent[]>;
  /** The last stored log at or before `block` (one reverse seek): the time of the ledger's latest event as of a block. */
  lastLogAtOrBefore(block: number): Promise<StoredEvent | undefined>;
}

export interface Store extends StoreReader {
  readonly db: Level<string, string>;
  /**
   * Blocks up to `safe` are final: no undo data is kept for them. Invariant: a hash is stored for
   * every block in [safe, cursor] (except a `safe` before the first block), undo data for every
   * block in (safe, cursor] that wrote state.
   */
  readonly safe: number;
  /** Stored block hashes, by block number. */
  readonly hashes: ReadonlyMap<number, Hex>;
  /** The blocks whose undo data is stored (those in (safe, cursor] that wrote state). */
  readonly undoBlocks: ReadonlySet<number>;
  /**
   * A seqlock for readers in this process: even while the store is at rest, odd while a batch (a range,
   * a rollback, a wipe) is being written, and moved on by each. Reads that began and ended at the same even
   * value saw one state; others may have seen parts of two.
   */
  readonly writeSeq: number;
  commitRange(commit: RangeCommit): Promise<void>;
  /** Undoes every block after `ancestor` (its hash must be stored, or it must be `safe`), atomically. */
  rollback(ancestor: number): Promise<{ blocks: number; events: number }>;
  /** Drops all derived data (logs, state, undo, hashes) and resets the cursor. Crash-safe: a marker finishes it on the next open. */
  wipe(reason: string): Promise<void>;
  /** sha256 over the state namespace in key order (length-prefixed keys and values: `digestEntries`). */
  digestState(): Promise<Hex>;
  /** The number of stored logs, all or those up to `upToBlock` inclusive. */
  countEvents(upToBlock?: number): Promise<number>;
  close(): Promise<void>;
}
