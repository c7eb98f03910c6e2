export * from "./abis.js";
export * from "./decode.js";
export * from "./fold.js";
export * from "./log.js";
export * from "./reader.js";
