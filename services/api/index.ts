export { API_ROUTES, createApi } from "./app.js";
export { startApi, type RunningApi } from "./server.js";
export { indexerSources } from "./sources.js";
export { apiDeployment } from "./token.js";
export { preloadDocument, type PreloadDocument } from "./documents.js";
