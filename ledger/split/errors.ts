/**
 * What can be wrong with the input of a split. None is retryable: the same input fails the same way; the
 * fix is in the data (or in the reducer that produced it).
 */
export type SplitErrorCode =
  | "INVALID_AMOUNT"
  | "INVALID_ASSET"
  | "INVALID_ADDRESS"
  | "INVALID_POLICY"
  | "INVALID_WEIGHTS"
  | "INVALID_CONTRIBUTION"
  | "DUPLICATE_CONTRIBUTION"
  | "INVALID_ROYALTY"
  | "ROYALTIES_EXCEED_TOTAL"
  | "UNKNOWN_PARENT"
  | "LINEAGE_CYCLE"
  | "LINEAGE_TOO_DEEP"
  | "LINEAGE_TOO_LARGE"
  | "INVALID_CREDIT";

/** The one error class of the split engine: a code to branch on, a message to read, details to log. */
export class SplitError extends Error {
  override readonly name = "SplitError";

  constructor(
    readonly code: SplitErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
