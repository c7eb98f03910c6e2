/**
 * What the command-line tool touches outside itself, injected so that tests run the whole program
 * in-process: arguments, environment, the two output streams, the working directory.
 */
export interface CliStream {
  write(text: string): void;
  /** Progress bars and colours only on a terminal. */
  readonly isTTY?: boolean;
}

export interface CliIO {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly cwd: string;
}

/** Exit codes: 0 success, 1 a transaction, RPC or check failed, 2 bad input (nothing was sent). */
export const EXIT = { OK: 0, FAILED: 1, BAD_INPUT: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One base class: a message for people, details for `--json`, the exit code it ends the program with. */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: ExitCode;
  readonly details: Readonly<Record<string, unknown>>;
  /** The command already printed its result (a failed check's report): `--json` prints no second document. */
  printed = false;
  constructor(message: string, exitCode: ExitCode, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.exitCode = exitCode;
    this.details = details;
  }

  afterOutput(): this {
    this.printed = true;
    return this;
  }
}

/** An argument, option, file or environment variable is wrong; raised before anything is sent. */
export class InputError extends CliError {
  override name = "InputError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, EXIT.BAD_INPUT, details);
  }
}

/** The node refused, a transaction reverted, or a check (replay, split) found a mismatch. */
export class FailureError extends CliError {
  override name = "FailureError";
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, EXIT.FAILED, details, cause);
  }
}

/** JSON with bigints as decimal strings: amounts and ids exceed 2^53. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), indent);
}
