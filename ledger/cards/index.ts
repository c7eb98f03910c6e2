export * from "./schema.js";
export * from "./card.js";
export * from "./valuation.js";
