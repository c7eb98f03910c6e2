import type { Allocation } from "./types.js";

/** `T` as JSON carries it: every bigint a decimal string, recursively. */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends readonly unknown[]
    ? { [K in keyof T]: Jsonified<T[K]> }
    : T extends object
      ? { -readonly [K in keyof T]: Jsonified<T[K]> }
      : T;

/** A copy of `value` with every bigint as its decimal string: ready for `JSON.stringify`. */
function toJsonValue<T>(value: T): Jsonified<T> {
  return convert(value) as Jsonified<T>;
}

function convert(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString(10);
  if (Array.isArray(value)) return value.map(convert);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, convert(field)]));
  }
  return value;
}

/** An allocation as JSON: amounts, ids, asset paths and fractions as decimal strings. */
export function allocationToJson(allocation: Allocation): Jsonified<Allocation> {
  return toJsonValue(allocation);
}
