export * from "./credit.js";
export * from "./errors.js";
export * from "./escrow.js";
export * from "./inputsHash.js";
export * from "./json.js";
export { MAX_LINEAGE_DEPTH, MAX_LINEAGE_VISITS } from "./lineage.js";
export * from "./split.js";
export * from "./tree.js";
export * from "./types.js";
