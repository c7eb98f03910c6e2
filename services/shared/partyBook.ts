import { readFile } from "node:fs/promises";

import { parsePartyBook, type PartyProfile } from "../../ledger/parties/profile.js";
import { ConfigError } from "./errors.js";

/** A party book file, checked: a file that is not one is a configuration error naming `setting` and each bad entry. */
export async function readPartyBook(path: string, setting: string): Promise<PartyProfile[]> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`${setting}: cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const book = parsePartyBook(value);
  if ("problems" in book) throw new ConfigError(`${setting}: ${path} is not a party book`, book.problems);
  return book.profiles;
}
