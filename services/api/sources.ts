import type { RawLog } from "../../ledger/events/index.js";
import type { AsyncStateReader, StateReader } from "../../ledger/state/index.js";
import type { Hex } from "viem";

import { ledgerStateAt, stateDigestAt, storedRawLog, type IndexedContract, type Indexer, type StateDigest, type StoreReader } from "../indexer/index.js";

/** Where the indexer stands: `/ready` answers 503 until `indexedBlock` has reached `headBlock`. */
interface IndexerStatus {
  indexedBlock: number;
  /** The indexed block's hash; null before the first block (and after a rollback to the block before the deployment). */
  indexedBlockHash?: Hex | null;
  /** The chain head as the indexer last saw it; undefined before its first poll. */
  headBlock: number | undefined;
  /** The timestamp of the indexed block (unix seconds): the chain's time as the state knows it; undefined when unknown. */
  indexedTime?: bigint | undefined;
}

/** What the API reads: the indexed state and what derives from it. Read-only. */
export interface LedgerSources {
  state: AsyncStateReader;
  /** Changes whenever the state may have changed (the indexer's cursor): caches are keyed by it. */
  revision(): string;
  /** The stored logs of the given blocks, in chain order: what an evidence replay reads. */
  logsOfBlocks(blocks: readonly bigint[]): Promise<RawLog[]>;
  /**
   * The time of the ledger's last event at or before `block` (unix seconds; 0 before any): a block's time
   * as the index knows it, the same whenever it is asked (blocks without ledger events keep no time).
   */
  lastEventTime(block: bigint): Promise<bigint>;
  /** The state as of `block` inclusive: what a settlement with that `stateBlock` was computed from. */
  stateAt(block: bigint): Promise<StateReader>;
  status(): IndexerStatus | Promise<IndexerStatus>;
  /** The store's seqlock (`Store.writeSeq`): answers are read again when a write ran during them. */
  writeSeq?(): number;
  /**
   * The state digest at `block` (what replicas compare), with the reducer version it was computed under;
   * throws `DigestBlockError` for a block not indexed yet or before the deployment. Absent: the node has none (503).
   */
  digest?: { reducerVersion: string; at(block: number): Promise<StateDigest> };
}

/** The state namespace of the indexer's store as an {AsyncStateReader}. */
function storeStateReader(store: StoreReader): AsyncStateReader {
  return { get: (key) => store.readState(key), entries: (prefix, options) => store.stateEntries(prefix, options) };
}

/** The logs the store keeps for `blocks`, as the evidence replay reads them. */
async function storedLogsOfBlocks(store: StoreReader, blocks: readonly bigint[]): Promise<RawLog[]> {
  return (await store.logsOfBlocks(blocks.map(Number))).map(storedRawLog);
}

/** The API's sources over a running indexer in this process (LevelDB allows one process per store). */
export function indexerSources(indexer: Pick<Indexer, "store" | "head" | "settings">, contracts: readonly IndexedContract[]): LedgerSources {
  const { store } = indexer;
  return {
    state: storeStateReader(store),
    revision: () => `${store.cursor.number}:${store.cursor.hash ?? ""}`,
    writeSeq: () => store.writeSeq,
    logsOfBlocks: (blocks) => storedLogsOfBlocks(store, blocks),
    lastEventTime: async (block) => (await store.lastLogAtOrBefore(Number(block)))?.timestamp ?? 0n,
    stateAt: (block) => ledgerStateAt(store, contracts, Number(block)),
    digest: { reducerVersion: indexer.settings.reducerVersion, at: (block) => stateDigestAt(store, contracts, block) },
    status: () => {
      const { number, hash, timestamp } = store.cursor;
      return {
        indexedBlock: number,
        indexedBlockHash: hash,
        headBlock: indexer.head,
        indexedTime: timestamp === undefined ? undefined : BigInt(timestamp),
      };
    },
  };
}
