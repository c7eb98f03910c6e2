import { readFile, stat } from "node:fs/promises";

import type { Hex } from "viem";

import { checkCard, checkValuationReport, MAX_CARD_BYTES, parseJsonDocument, type AssetCard, type DocumentProblem, type ValuationReport } from "../ledger/cards/index.js";
import { canonicalJson } from "../ledger/encoding/canonical.js";
import type { CliContext } from "./context.js";
import { InputError } from "./io.js";

/**
 * The documents the chain records as hashes — asset cards and valuation reports — read from files and checked
 * before anything is sent: every problem listed with its field path, the hash computed as the chain records
 * it (keccak256 of the RFC 8785 canonical JSON), and the canonical text that is uploaded.
 */

/** Refused unread: a file four times the canonical limit is not a card with generous indentation, it is something else. */
const MAX_FILE_BYTES = 4 * MAX_CARD_BYTES;

export interface CheckedDocument<T> {
  /** The file as given on the command line. */
  file: string;
  document: T;
  hash: Hex;
  /** The RFC 8785 canonical JSON: what the API stores. */
  canonical: string;
}

/** "`argument`: `file` is not a valid `what` (N problems):" and one `path: reason` per line. */
function problemsError(argument: string | undefined, file: string, what: string, problems: readonly DocumentProblem[]): InputError {
  const lines = problems.map((problem) => `  ${problem.path}: ${problem.message}`);
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return new InputError(`${argument === undefined ? "" : `${argument}: `}${file} is not a valid ${what} (${count}):\n${lines.join("\n")}`, {
    ...(argument === undefined ? {} : { argument }),
    file,
    problems,
  });
}

/** The file's JSON value; a missing file, a directory, a huge file or one that is not JSON is bad input. */
async function readJsonDocument(cli: CliContext, argument: string | undefined, file: string, what: string): Promise<unknown> {
  const prefix = argument === undefined ? "" : `${argument}: `;
  const path = cli.path(file);
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`${prefix}${file} is a directory, not a file`, { file });
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${prefix}cannot read ${file}: ${code === "ENOENT" ? "no such file" : (code ?? (error as Error).message)}`, { file });
  }
  if (size > MAX_FILE_BYTES) throw new InputError(`${prefix}${file} is ${size} bytes: a ${what} is at most ${MAX_CARD_BYTES} bytes in canonical form`, { file });
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(`${prefix}cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file });
  }
  const parsed = parseJsonDocument(bytes);
  if ("problems" in parsed) throw problemsError(argument, file, what, parsed.problems);
  return parsed.value;
}

/** An asset card file, checked against the schema (every problem listed, exit 2), with its hash. */
export async function readCardFile(cli: CliContext, file: string, argument?: string): Promise<CheckedDocument<AssetCard>> {
  const value = await readJsonDocument(cli, argument, file, "asset card");
  const checked = checkCard(value);
  if (!checked.ok) throw problemsError(argument, file, "asset card", checked.problems);
  return { file, document: checked.card, hash: checked.hash, canonical: canonicalJson(value) };
}

/** A valuation report file, checked against its schema (every problem listed, exit 2), with its hash. */
export async function readValuationReportFile(cli: CliContext, file: string, argument?: string): Promise<CheckedDocument<ValuationReport>> {
  const value = await readJsonDocument(cli, argument, file, "valuation report");
  const checked = checkValuationReport(value);
  if (!checked.ok) throw problemsError(argument, file, "valuation report", checked.problems);
  const canonical = canonicalJson(value);
  if (Buffer.byteLength(canonical, "utf8") > MAX_CARD_BYTES) {
    throw problemsError(argument, file, "valuation report", [{ path: "(document)", message: `${Buffer.byteLength(canonical, "utf8")} bytes canonical; at most ${MAX_CARD_BYTES}` }]);
  }
  return { file, document: checked.report, hash: checked.hash, canonical };
}
