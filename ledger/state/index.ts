export * from "./keys.js";
export * from "./records.js";
export * from "./reducers/index.js";
export * from "./store.js";
export * from "./asyncReader.js";
export * from "./views.js";
