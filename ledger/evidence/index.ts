export * from "./chain.js";
export * from "./replay.js";
export * from "./kinds.js";
export * from "./report.js";
