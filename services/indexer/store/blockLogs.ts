import type { Address, Hex } from "viem";

import { StoreError } from "../errors.js";
import type { IndexedLog } from "../types.js";
import type { StoredEvent } from "./types.js";

/**
 * The stored form of one block's logs, one value per block (key `e:<block>`): `<count>;` then the JSON of
 * `[blockHash, timestamp, [[transactionIndex, logIndex, address, topics, data, transactionHash], ...]]`.
 *
 * One value per block rather than per log: a backfill writes one LevelDB entry per block instead of one per
 * event (a ledger block holds dozens), and the block's hash and time once. The count in front lets counting
 * skip the JSON.
 */
type StoredLog = [transactionIndex: number, logIndex: number, address: Address, topics: Hex[], data: Hex, transactionHash: Hex];

/** `logs`: one block's logs, in log-index order. */
export function encodeBlockLogs(blockHash: Hex, timestamp: bigint, logs: readonly IndexedLog[]): string {
  const stored: StoredLog[] = logs.map((log) => [log.transactionIndex, log.logIndex, log.address, log.topics as Hex[], log.data, log.transactionHash]);
  return `${logs.length};${JSON.stringify([blockHash, timestamp.toString(), stored])}`;
}

function separator(value: string): number {
  const at = value.indexOf(";");
  if (at <= 0) throw new StoreError(`a stored block of logs is malformed: ${value.slice(0, 40)}`);
  return at;
}

/** The logs of block `blockNumber` from their stored value, in chain order. */
export function decodeBlockLogs(blockNumber: number, value: string): StoredEvent[] {
  const [blockHash, timestamp, stored] = JSON.parse(value.slice(separator(value) + 1)) as [Hex, string, StoredLog[]];
  const time = BigInt(timestamp);
  return stored.map(([transactionIndex, logIndex, address, topics, data, transactionHash]) => ({
    address,
    topics,
    data,
    blockNumber,
    blockHash,
    transactionHash,
    transactionIndex,
    logIndex,
    timestamp: time,
  }));
}

/** How many logs a stored value holds, without parsing them. */
export function countBlockLogs(value: string): number {
  return Number(value.slice(0, separator(value)));
}
