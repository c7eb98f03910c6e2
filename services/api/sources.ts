import type { Address, Hex } from "viem";

import type { RawLog } from "../../ledger/evidence/index.js";
import type { AsyncStateReader, StateReader } from "../../ledger/state/index.js";
import { ledgerStateAt } from "../indexer/settlement.js";
import { blockHex, EVENT, stateKey } from "../indexer/store/keys.js";
import type { Store } from "../indexer/store/store.js";
import type { Indexer } from "../indexer/sync/engine.js";
import type { IndexedContract } from "../indexer/types.js";

/** Where the indexer stands: `/ready` answers 503 until `indexedBlock` has reached `headBlock`. */
export interface IndexerStatus {
  indexedBlock: number;
  /** The chain head as the indexer last saw it; undefined before its first poll. */
  headBlock: number | undefined;
}

/** What the API reads: the indexed state and what derives from it. Read-only. */
export interface LedgerSources {
  state: AsyncStateReader;
  /** Changes whenever the state may have changed (the indexer's cursor): caches are keyed by it. */
  revision(): string;
  /** The stored logs of the given blocks, in chain order: what an evidence replay reads. */
  logsOfBlocks(blocks: readonly bigint[]): Promise<RawLog[]>;
  /** The state as of `block` inclusive: what a settlement with that `stateBlock` was computed from. */
  stateAt(block: bigint): Promise<StateReader>;
  status(): IndexerStatus | Promise<IndexerStatus>;
  /** The store's seqlock (`Store.writeSeq`): answers are read again when a write ran during them. */
  writeSeq?(): number;
}

/** The state namespace of the indexer's LevelDB store as an {AsyncStateReader}. */
export function storeStateReader(store: Store): AsyncStateReader {
  return {
    get: (key) => store.readState(key),
    async *entries(prefix, { after, limit } = {}) {
      const upper = `${stateKey(prefix)}\uffff`;
      const range = after !== undefined && after >= prefix ? { gt: stateKey(after), lt: upper } : { gte: stateKey(prefix), lt: upper };
      for await (const [key, value] of store.db.iterator({ ...range, ...(limit === undefined ? {} : { limit }) })) {
        yield [key.slice(2), value];
      }
    },
  };
}

/** The logs the store keeps for `blocks` (each block one short range scan of the event namespace). */
export async function storedLogsOfBlocks(store: Store, blocks: readonly bigint[]): Promise<RawLog[]> {
  const logs: RawLog[] = [];
  for (const block of [...new Set(blocks)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const number = Number(block);
    for await (const [key, value] of store.db.iterator({ gte: EVENT + blockHex(number), lt: EVENT + blockHex(number + 1) })) {
      const [address, topics, data, , transactionHash] = JSON.parse(value) as [Address, Hex[], Hex, Hex, Hex, string];
      logs.push({ address, topics, data, blockNumber: block, transactionHash, logIndex: Number.parseInt(key.slice(26, 34), 16) });
    }
  }
  return logs;
}

/** The API's sources over a running indexer in this process (LevelDB allows one process per store). */
export function indexerSources(indexer: Pick<Indexer, "store" | "metrics">, contracts: readonly IndexedContract[]): LedgerSources {
  const { store, metrics } = indexer;
  return {
    state: storeStateReader(store),
    revision: () => `${store.cursor.number}:${store.cursor.hash ?? ""}`,
    writeSeq: () => store.writeSeq,
    logsOfBlocks: (blocks) => storedLogsOfBlocks(store, blocks),
    stateAt: (block) => ledgerStateAt(store, contracts, Number(block)),
    async status() {
      const head = (await metrics.headBlock.get()).values[0]?.value ?? 0;
      // The gauge reads 0 until the indexer first polled the node: no head known yet.
      return { indexedBlock: store.cursor.number, headBlock: head > 0 ? head : undefined };
    },
  };
}
