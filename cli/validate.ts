import { getAddress, keccak256, maxUint256, parseUnits, stringToHex, type Address, type Hex } from "viem";
import { z } from "zod";

import { hasValidCase } from "../ledger/encoding/address.js";
import { InputError } from "./io.js";
import { DURATION_UNITS } from "./time.js";

/**
 * Validation of every input before anything is sent. Each parser names the argument it checks, so that
 * the message says which one is wrong and why; they throw {@link InputError} (exit code 2).
 */


function check<T>(schema: z.ZodType<T>, name: string, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const reason = result.error.issues.map((issue) => issue.message).join("; ");
  throw new InputError(`${name}: ${reason} (got ${JSON.stringify(raw)})`, { argument: name, reason });
}

const decimalInteger = z.string().trim().regex(/^\d+$/, "must be a non-negative integer");

/** A non-negative integer below 2^bits: an id, a measure, a count. */
export function parseUint(name: string, raw: unknown, bits = 256): bigint {
  const text = typeof raw === "number" || typeof raw === "bigint" ? String(raw) : raw;
  const value = BigInt(check(decimalInteger, name, text));
  const max = bits === 256 ? maxUint256 : 2n ** BigInt(bits) - 1n;
  if (value > max) throw new InputError(`${name}: ${value} is above the largest uint${bits} (${max})`, { argument: name });
  return value;
}

/** An id: a positive integer (every id on the ledger starts at 1). */
export function parseId(name: string, raw: unknown): bigint {
  const value = parseUint(name, raw);
  if (value === 0n) throw new InputError(`${name}: ids start at 1, 0 names nothing`, { argument: name });
  return value;
}

export function parseAddress(name: string, raw: unknown): Address {
  const text = check(z.string().trim(), name, raw);
  // Mixed case must be a valid checksum (a typo caught); all lower or all upper case is accepted.
  if (!hasValidCase(text)) {
    throw new InputError(`${name}: not an address (0x followed by 40 hex digits, valid checksum if mixed case) (got ${JSON.stringify(raw)})`, {
      argument: name,
    });
  }
  const address = getAddress(text);
  if (address === "0x0000000000000000000000000000000000000000") {
    throw new InputError(`${name}: the zero address is never a party or recipient`, { argument: name });
  }
  return address;
}

const HASH = /^0x[0-9a-fA-F]{64}$/;

/**
 * A 32-byte hash: `0x` and 64 hex digits, or `text:<anything>` for the keccak256 of that text (handy for
 * labels, as the demo's `id("...")`). `allowZero` for the fields where zero means "none" (scope data).
 */
export function parseHash(name: string, raw: unknown, options: { allowZero?: boolean } = {}): Hex {
  const text = check(z.string(), name, raw);
  if (text.startsWith("text:")) return keccak256(stringToHex(text.slice(5)));
  if (!HASH.test(text)) {
    throw new InputError(`${name}: not a 32-byte hash (0x followed by 64 hex digits, or text:<label>) (got ${JSON.stringify(raw)})`, {
      argument: name,
    });
  }
  if (!options.allowZero && /^0x0{64}$/.test(text)) throw new InputError(`${name}: must not be zero`, { argument: name });
  return text.toLowerCase() as Hex;
}

/** A token amount: a decimal with at most `decimals` fraction digits, in the token's smallest unit; positive. */
export function parseAmount(name: string, raw: unknown, decimals = 0, options: { allowZero?: boolean } = {}): bigint {
  const text = check(z.string().trim().regex(/^\d+(\.\d+)?$/, "must be a decimal number such as 1250 or 12.50"), name, raw);
  const fraction = text.split(".")[1] ?? "";
  if (fraction.length > decimals) {
    throw new InputError(
      decimals === 0
        ? `${name}: ${text} has a fraction; give the amount in the token's smallest unit, or pass --units <decimals>`
        : `${name}: ${text} has more than ${decimals} decimals`,
      { argument: name },
    );
  }
  const value = parseUnits(text, decimals);
  if (value > maxUint256) throw new InputError(`${name}: ${text} does not fit in uint256`, { argument: name });
  if (value === 0n && !options.allowZero) throw new InputError(`${name}: must be more than zero`, { argument: name });
  return value;
}

/**
 * `--units <decimals>`: how many decimals the amounts given are written with, which must be the token's own
 * (checked against it once connected: `checkUnits` in token.ts); absent, amounts are in the smallest unit (0).
 * Here only its form: an integer 0..36.
 */
export function parseDecimals(name: string, raw: unknown): number {
  if (raw === undefined) return 0;
  const text = typeof raw === "string" ? raw.trim() : raw;
  if (typeof text !== "string" || !/^\d+$/.test(text)) {
    throw new InputError(`${name}: the token's decimals, an integer such as 2 (got ${JSON.stringify(raw)})`, { argument: name });
  }
  const value = Number(text);
  if (value > 36) throw new InputError(`${name}: ${value} decimals is more than any token uses (at most 36)`, { argument: name });
  return value;
}

/** A duration as `7d`, `3d1h`, `90m`, `3600s` (units w, d, h, m, s, largest first); in seconds, positive. */
export function parseDuration(name: string, raw: unknown): bigint {
  const text = check(z.string().trim().min(1, "must not be empty"), name, raw).toLowerCase();
  const hint = "a duration such as 7d, 3d1h, 90m or 3600s (w, d, h, m, s)";
  if (/^\d+$/.test(text)) throw new InputError(`${name}: ${text} has no unit: give ${hint}`, { argument: name });
  const parts = [...text.matchAll(/(\d+)([wdhms])/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text) {
    throw new InputError(`${name}: not ${hint} (got ${JSON.stringify(raw)})`, { argument: name });
  }
  const units = parts.map((part) => part[2]!);
  if (new Set(units).size !== units.length || units.some((unit, i) => i > 0 && DURATION_UNITS[unit]! > DURATION_UNITS[units[i - 1]!]!)) {
    throw new InputError(`${name}: ${text}: give each unit once, largest first (3d1h, not 1h3d)`, { argument: name });
  }
  const seconds = parts.reduce((total, part) => total + BigInt(part[1]!) * BigInt(DURATION_UNITS[part[2]!]!), 0n);
  if (seconds === 0n) throw new InputError(`${name}: must be more than zero`, { argument: name });
  // A century: beyond it the chain's uint64 clock is still far, but no notice or window of the ledger is that long.
  if (seconds > 100n * 365n * 86_400n) throw new InputError(`${name}: ${text} is more than a hundred years`, { argument: name });
  return seconds;
}

/** A moment: ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`) or unix seconds; as unix seconds (uint64). */
export function parseDate(name: string, raw: unknown): bigint {
  const text = check(z.string().trim().min(1, "must not be empty"), name, raw);
  if (/^\d+$/.test(text)) return parseUint(name, text, 64);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    throw new InputError(`${name}: not a date (ISO 8601 such as 2026-01-31T12:00:00Z, or unix seconds) (got ${JSON.stringify(raw)})`, {
      argument: name,
    });
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InputError(`${name}: ${text} is not a real date`, { argument: name });
  if (ms < 0) throw new InputError(`${name}: ${text} is before 1970`, { argument: name });
  return BigInt(Math.floor(ms / 1000));
}

/** Basis points: 0..10,000. */
export function parseBps(name: string, raw: unknown): number {
  const value = Number(parseUint(name, raw, 16));
  if (value > 10_000) throw new InputError(`${name}: ${value} basis points is more than 100% (at most 10000)`, { argument: name });
  return value;
}

/**
 * The names a user may give for an enum: all but `NONE`, which marks a record that does not exist or a field
 * not set and is never a valid input, and the `except`ed ones (e.g. CORE data, never registrable). What
 * `--help` lists and {@link parseEnum} accepts are the same list.
 */
export function enumChoices(values: Readonly<Record<string, number>>, except: readonly string[] = []): string[] {
  return Object.keys(values).filter((choice) => choice !== "NONE" && !except.includes(choice));
}

/**
 * An enum member by name (any case, `-` for `_`), or by its number; as its number. `NONE` is not accepted.
 * `except` names members the command refuses with its own reason (CORE data): not listed as choices, but
 * returned when given, so that the command says why rather than "not one of".
 */
export function parseEnum<E extends Record<string, number>>(name: string, values: E, raw: unknown, except: readonly string[] = []): E[keyof E] {
  const text = check(z.string().trim(), name, raw);
  const normalized = text.toUpperCase().replace(/-/g, "_");
  const known = enumChoices(values);
  if (known.includes(normalized)) return values[normalized as keyof E];
  if (/^\d+$/.test(text)) {
    const byNumber = known.find((choice) => values[choice] === Number(text));
    if (byNumber !== undefined) return values[byNumber as keyof E];
  }
  const listed = enumChoices(values, except);
  throw new InputError(`${name}: ${JSON.stringify(raw)} is not one of ${listed.join(", ")}`, { argument: name, allowed: listed });
}

/** A free text (URI): any string without control characters, at most 2,048 characters. */
export function parseText(name: string, raw: unknown): string {
  return check(
    z
      .string()
      .max(2_048, "is longer than 2048 characters")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the pattern is to refuse control characters (U+0000-U+001F)
      .regex(/^[^\u0000-\u001f]*$/, "must not contain control characters"),
    name,
    raw ?? "",
  );
}

/** Parses a JSON file's content with a zod schema, naming the file and the bad fields. */
export function parseWith<T>(source: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new InputError(`${source} is not valid:\n  - ${issues.join("\n  - ")}`, { source, issues });
}
