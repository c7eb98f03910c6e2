import { Counter, Gauge, Registry } from "prom-client";

/**
 * The indexer's Prometheus metrics, in a registry of their own (not prom-client's global one), for
 * the HTTP API's `/metrics` to serve. Several indexers in one process (tests) each get their own.
 */
export interface IndexerMetrics {
  readonly registry: Registry;
  /** The last block applied (the cursor). */
  readonly indexedBlock: Gauge;
  /** The chain's head, as last polled. */
  readonly headBlock: Gauge;
  /** head - indexed block. */
  readonly lagBlocks: Gauge;
  /** Logs stored (and reduced when their ABI knows them). Rolled-back logs stay counted. */
  readonly eventsTotal: Counter;
  /** Logs stored per second over the last progress interval. */
  readonly eventsPerSecond: Gauge;
  /** Logs whose topic0 is in the ABI but whose data does not decode (stored, not reduced). */
  readonly undecodableEventsTotal: Counter;
  /** Reorgs rolled back within the finality depth. */
  readonly reorgsTotal: Counter;
  /** Blocks rolled back by reorgs. */
  readonly reorgedBlocksTotal: Counter;
  /** Reorgs deeper than the finality depth: the derived state was wiped and rebuilt. */
  readonly deepReorgRebuildsTotal: Counter;
  /** Retries of RPC calls, by method and reason. */
  readonly rpcRetriesTotal: Counter<"method" | "reason">;
  /** RPC calls, by method (retries included). */
  readonly rpcRequestsTotal: Counter<"method">;
  /** Block ranges the node refused as too wide, which were split. */
  readonly rangeSplitsTotal: Counter;
  /** The current `eth_getLogs` range width, in blocks. */
  readonly rangeSize: Gauge;
}

export function createIndexerMetrics(registry: Registry = new Registry()): IndexerMetrics {
  const r = [registry];
  return {
    registry,
    indexedBlock: new Gauge({ name: "indexer_indexed_block", help: "Last block applied (the cursor)", registers: r }),
    headBlock: new Gauge({ name: "indexer_head_block", help: "Chain head as last polled", registers: r }),
    lagBlocks: new Gauge({ name: "indexer_lag_blocks", help: "Head minus indexed block", registers: r }),
    eventsTotal: new Counter({ name: "indexer_events_total", help: "Logs stored", registers: r }),
    eventsPerSecond: new Gauge({ name: "indexer_events_per_second", help: "Logs stored per second, last interval", registers: r }),
    undecodableEventsTotal: new Counter({
      name: "indexer_undecodable_events_total",
      help: "Logs whose event is in the ABI but whose data does not decode",
      registers: r,
    }),
    reorgsTotal: new Counter({ name: "indexer_reorgs_total", help: "Reorgs rolled back within the finality depth", registers: r }),
    reorgedBlocksTotal: new Counter({ name: "indexer_reorged_blocks_total", help: "Blocks rolled back by reorgs", registers: r }),
    deepReorgRebuildsTotal: new Counter({
      name: "indexer_deep_reorg_rebuilds_total",
      help: "Reorgs deeper than the finality depth, rebuilt from the deployment block",
      registers: r,
    }),
    rpcRetriesTotal: new Counter({
      name: "indexer_rpc_retries_total",
      help: "RPC calls retried, by method and reason",
      labelNames: ["method", "reason"] as const,
      registers: r,
    }),
    rpcRequestsTotal: new Counter({ name: "indexer_rpc_requests_total", help: "RPC calls", labelNames: ["method"] as const, registers: r }),
    rangeSplitsTotal: new Counter({ name: "indexer_range_splits_total", help: "Block ranges refused by the node and split", registers: r }),
    rangeSize: new Gauge({ name: "indexer_range_size_blocks", help: "Current eth_getLogs range width", registers: r }),
  };
}
