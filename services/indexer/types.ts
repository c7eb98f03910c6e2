import type { Abi, Address, Hex } from "viem";

/** A contract the indexer follows: its events from `fromBlock` (its deployment block) on. */
export interface IndexedContract {
  /** A name for reducers and logs, e.g. "AssetRegistry". Unique within one indexer. */
  readonly name: string;
  readonly address: Address;
  /** Its ABI; only the `event` items are used. Logs whose topic0 is in no ABI are stored but not reduced. */
  readonly abi: Abi;
  readonly fromBlock: bigint | number;
}

/** What the indexer keeps of a block header: enough to check logs against it and to detect reorgs. */
export interface BlockHeader {
  readonly number: number;
  readonly hash: Hex;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
}

/**
 * One log as the node returned it, checked (see `source/validate.ts`). Block numbers are JavaScript
 * numbers inside the indexer: exact up to 2^53, which no chain will reach.
 */
export interface IndexedLog {
  readonly address: Address;
  readonly topics: readonly Hex[];
  readonly data: Hex;
  readonly blockNumber: number;
  readonly blockHash: Hex;
  readonly transactionHash: Hex;
  readonly transactionIndex: number;
  readonly logIndex: number;
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
