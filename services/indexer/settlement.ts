import { foldLogs, type RawLog } from "../../ledger/events/index.js";
import type { MemoryState } from "../../ledger/state/index.js";
import type { StoredEvent, StoreReader } from "./store/types.js";
import type { IndexedContract } from "./types.js";

/**
 * The ledger state as of `block` (inclusive), rebuilt from the logs the indexer stored: what a settlement
 * whose `stateBlock` is `block` was computed from. Refuses a block the indexer has not reached.
 */
export async function ledgerStateAt(store: Pick<StoreReader, "cursor" | "events">, contracts: readonly IndexedContract[], block: number): Promise<MemoryState> {
  if (block > store.cursor.number) {
    throw new RangeError(`block ${block} is not indexed yet (the indexer is at ${store.cursor.number})`);
  }
  // As the indexer did: a log that does not decode with its ABI was stored, not reduced.
  return foldLogs(storedLogsUpTo(store, block), { contracts, timestampOf: (log) => log.timestamp, undecodable: "skip" });
}

async function* storedLogsUpTo(store: Pick<StoreReader, "events">, block: number): AsyncGenerator<RawLog & { timestamp: bigint }> {
  for await (const stored of store.events()) {
    if (stored.blockNumber > block) break;
    yield { ...storedRawLog(stored), timestamp: stored.timestamp };
  }
}

/** A stored log as the ledger's decoder and evidence replay read it. */
export function storedRawLog(stored: StoredEvent): RawLog {
  return {
    address: stored.address,
    topics: stored.topics,
    data: stored.data,
    blockNumber: BigInt(stored.blockNumber),
    transactionHash: stored.transactionHash,
    logIndex: stored.logIndex,
  };
}
