/**
 * The indexer's public entry: what the API, the node (`services/node/`) and scripts use. Nothing outside
 * `services/indexer/` imports its internals (the store's key layout and log encoding among them).
 */
export type { IndexerOptions } from "./config.js";
export { INDEXER_RANGE_DEFAULTS } from "./config.js";
export { ConfigError, IndexerError } from "./errors.js";
export { createLogger, silentLogger, type Logger } from "./logger.js";
export { createIndexerMetrics } from "./metrics.js";
export { LEDGER_REDUCER_VERSION, reducer as ledgerReducer } from "./reducers/ledger.js";
export { ledgerStateAt, storedRawLog } from "./settlement.js";
export { DigestBlockError, stateDigestAt, type StateDigest } from "./stateDigest.js";
export type { StoreReader } from "./store/types.js";
export { createIndexer, type Indexer, type SyncReport } from "./sync/engine.js";
export type { IndexedContract, Reducer } from "./types.js";
