export * from "./catalog.js";
export * from "./csv.js";
export * from "./events.js";
export * from "./ledger.js";
export * from "./ledgerCsv.js";
export * from "./period.js";
