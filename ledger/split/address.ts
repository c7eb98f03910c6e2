import type { Address } from "viem";

import { addressProblem, toAccount } from "../encoding/address.js";
import { SplitError } from "./errors.js";

/** {@link toAccount}, or a {@link SplitError} saying `${what} ${problem}: value`. */
export function normalizeAddress(value: unknown, what: string, details: Readonly<Record<string, unknown>> = {}): Address {
  const account = toAccount(value);
  if (account === undefined) {
    throw new SplitError("INVALID_ADDRESS", `${what} ${addressProblem(value)}: ${String(value)}`, { ...details, value });
  }
  return account;
}
