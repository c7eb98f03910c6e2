import * as LedgerTypes from "../ledger/types.js";
import { enumName } from "../ledger/types.js";
import { isoDate } from "./time.js";

/**
 * Values of the contracts' errors and events as the CLI prints them: an enum value by its name
 * (`status: IN_NOTICE`, not `status: 2`), a moment as an ISO date in UTC (not unix seconds).
 */

/** The Solidity enums of `ledger/types.ts` by name, for arguments whose ABI type is `enum X` (or `enum I.X`). */
const ENUMS = Object.fromEntries(Object.entries(LedgerTypes).filter(([, value]) => typeof value === "object")) as Readonly<
  Record<string, Readonly<Record<string, number>>>
>;

/** Arguments of the ledger's errors and events that are moments (uint64 unix seconds). */
const TIME_ARGS: ReadonlySet<string> = new Set([
  "noticeEndsAt",
  "answerEndsAt",
  "rulingDeadline",
  "challengeEndsAt",
  "deadline",
  "validFrom",
  "validUntil",
  "periodStart",
  "periodEnd",
]);

type Inputs = readonly { name?: string | undefined; internalType?: string | undefined }[];

/** `args` with enum values replaced by their names and moments by dates; every other value as it was. */
export function readableArgs(inputs: Inputs, args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const readable: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const numeric = typeof value === "number" || typeof value === "bigint";
    const enumType = inputs.find((input) => input.name === name)?.internalType?.match(/^enum (?:\w+\.)?(\w+)$/)?.[1];
    const values = enumType === undefined ? undefined : ENUMS[enumType];
    if (values !== undefined && numeric) readable[name] = enumName(values, value);
    else if (TIME_ARGS.has(name) && numeric && BigInt(value) > 0n) readable[name] = isoDate(BigInt(value));
    else readable[name] = value;
  }
  return readable;
}
