export * from "./decode.js";
export * from "./keys.js";
export * from "./records.js";
export * from "./reduce.js";
export * from "./store.js";
export * from "./asyncReader.js";
export * from "./views.js";
