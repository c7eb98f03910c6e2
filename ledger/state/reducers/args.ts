import type { AbiParameter } from "viem";

/**
 * Runtime shape checks of decoded event arguments, compiled once per ABI event. An event's arguments are
 * handed to its handler as a view whose getters check each argument when it is read (as viem decodes it:
 * integers of up to 48 bits as numbers, wider ones as bigints, either accepted) and refuse the event
 * (`Refuser.fail`) when it lacks the ABI's shape. Reading lazily keeps the failures (and what a handler
 * wrote before them) exactly where the handler meets them, as the old string-keyed `Args` did.
 */

/** What refuses an event (the handler's `Documents`): `fail` throws, naming the event. */
export interface Refuser {
  fail(detail: string): never;
}
type Read = (value: unknown, refuser: Refuser) => unknown;
export type ArgsView = (values: Readonly<Record<string, unknown>>, refuser: Refuser) => object;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const VALUES = Symbol("values");
const REFUSER = Symbol("refuser");

function readerOf(parameter: AbiParameter, name: string): Read {
  const { type } = parameter;
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array !== null) {
    const element = readerOf({ ...parameter, type: array[1]! } as AbiParameter, name);
    const length = array[2] === "" ? undefined : Number(array[2]);
    return (value, refuser) => {
      if (!Array.isArray(value)) return refuser.fail(`${name} is not a list`);
      if (length !== undefined && value.length !== length) return refuser.fail(`${name} is not ${length} values`);
      return value.map((item) => element(item, refuser));
    };
  }
  if (type === "tuple") {
    const view = viewOf("components" in parameter ? parameter.components : []);
    return (value, refuser) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return refuser.fail(`${name} is not a tuple`);
      return view(value as Readonly<Record<string, unknown>>, refuser);
    };
  }
  const integer = /^u?int(\d*)$/.exec(type);
  if (integer !== null) {
    const bits = integer[1] === "" ? 256 : Number(integer[1]);
    const big = (value: unknown, refuser: Refuser): bigint => {
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
      return refuser.fail(`${name} is not an integer`);
    };
    if (bits > 48) return big;
    return (value, refuser) => {
      if (typeof value === "number" && Number.isSafeInteger(value)) return value;
      const wide = big(value, refuser);
      return wide > MAX_SAFE ? refuser.fail(`${name} is too large`) : Number(wide);
    };
  }
  if (type === "bool") {
    return (value, refuser) => (typeof value === "boolean" ? value : refuser.fail(`${name} is not a boolean`));
  }
  // address, string, bytes, bytesN: hex or text
  return (value, refuser) => (typeof value === "string" ? value : refuser.fail(`${name} is not a string`));
}

/** The view over named arguments (or a tuple's components) that checks each one as it is read. */
export function viewOf(parameters: readonly AbiParameter[]): ArgsView {
  class View {
    readonly [VALUES]: Readonly<Record<string, unknown>>;
    readonly [REFUSER]: Refuser;
    constructor(values: Readonly<Record<string, unknown>>, refuser: Refuser) {
      this[VALUES] = values;
      this[REFUSER] = refuser;
    }
  }
  for (const parameter of parameters) {
    const name = parameter.name;
    if (name === undefined || name === "") continue;
    const read = readerOf(parameter, name);
    Object.defineProperty(View.prototype, name, {
      get(this: View) {
        return read(this[VALUES][name], this[REFUSER]);
      },
      enumerable: true,
    });
  }
  return (values, refuser) => new View(values, refuser);
}
