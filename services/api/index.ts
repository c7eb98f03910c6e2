export { API_ROUTES, createApi, openApiDocument, type ApiOptions } from "./app.js";
export { apiConfigSchema, parseApiConfig, type ApiConfig, type ApiConfigInput } from "./config.js";
export { startApi, type RunningApi, type StartApiOptions } from "./server.js";
export { indexerSources, storeStateReader, storedLogsOfBlocks, type IndexerStatus, type LedgerSources } from "./sources.js";
export { apiDeployment, readSettlementToken } from "./token.js";
export type { ApiDeployment, SettlementToken } from "./context.js";
