import type { Address, Hex } from "viem";

import type { RawLog } from "../../ledger/events/index.js";
import type { DeployedContract } from "../shared/deployment.js";

/**
 * A contract the indexer follows: its events from `fromBlock` (its deployment block) on. Only the `event`
 * items of its ABI are used; logs whose topic0 is in no ABI are stored but not reduced. Names are unique
 * within one indexer.
 */
export type IndexedContract = DeployedContract;

/** What the indexer keeps of a block header: enough to check logs against it and to detect reorgs. */
export interface BlockHeader {
  readonly number: number;
  readonly hash: Hex;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
}

/**
 * One log as the node returned it, checked (see `source/validate.ts`), with the block hash and
 * transaction index the reorg checks read. Block numbers are JavaScript numbers inside the indexer:
 * exact up to 2^53, which no chain will reach.
 */
export interface IndexedLog extends Readonly<Omit<RawLog, "blockNumber">> {
  readonly blockNumber: number;
  readonly blockHash: Hex;
  readonly transactionIndex: number;
}

/** A log decoded with its contract's ABI, as reducers receive it. */
export interface DecodedEvent {
  /** The configured name of the emitting contract. */
  readonly contract: string;
  readonly address: Address;
  readonly eventName: string;
  /** viem's decoded arguments: an object by parameter name (a tuple when the ABI leaves names out). */
  readonly args: Readonly<Record<string, unknown>> | readonly unknown[];
  readonly blockNumber: bigint;
  readonly blockHash: Hex;
  /** The block's timestamp, seconds. */
  readonly timestamp: bigint;
  readonly transactionHash: Hex;
  readonly transactionIndex: number;
  readonly logIndex: number;
  /** The raw log, for consumers that hash it (the evidence-chain replay). */
  readonly topics: readonly Hex[];
  readonly data: Hex;
}

/**
 * The state a reducer reads and writes: string keys and string values in the store's `state`
 * namespace. Reads see the writes made earlier in the same block range. Writes are buffered and
 * committed with the range, atomically; the engine records each key's prior value as undo data
 * while the block may still be reorganised.
 */
export interface StateTx {
  get(key: string): string | undefined;
  put(key: string, value: string): void;
  del(key: string): void;
}

/** Folds one event into the state. Must be deterministic: the same events give the same state. */
export type Reducer = (event: DecodedEvent, tx: StateTx) => void | Promise<void>;
