import type { AsyncStateReader } from "../../ledger/state/index.js";
import { badRequest } from "./problems.js";
import { DEFAULT_PAGE_SIZE } from "./schemas.js";

/**
 * Cursor pagination over key-ordered prefix scans. A cursor is the last state key a page consumed,
 * base64url-encoded: opaque to clients, stable while the state changes (a page starts strictly after
 * it), and checked to belong to the list it is used with.
 */

export interface Page<T> {
  items: T[];
  next: string | null;
}

export function encodeCursor(stateKey: string): string {
  return Buffer.from(stateKey, "utf8").toString("base64url");
}

/** The state key a cursor stands for; a 400 for a cursor of another list or not one this API issued. */
export function decodeCursor(cursor: string, prefix: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  if (encodeCursor(decoded) !== cursor || !decoded.startsWith(prefix) || !/^[\x21-\x7e]+$/.test(decoded)) {
    throw badRequest("cursor is not one this list issued", [{ in: "query", field: "cursor", message: "not a cursor of this list" }]);
  }
  return decoded;
}

export interface PageOptions {
  limit?: number | undefined;
  cursor?: string | undefined;
  /**
   * Entries examined at most per page when a filter drops some: a sparse filter then answers a short
   * (even empty) page with `next` set, instead of scanning the whole list in one request.
   */
  scanBudget?: number;
}

/**
 * One page of the entries under `prefix`, each turned into an item by `toItem` (undefined: skipped, e.g.
 * filtered out or a dangling index entry).
 */
export async function pageOf<T>(
  state: AsyncStateReader,
  prefix: string,
  options: PageOptions,
  toItem: (key: string, value: string) => T | undefined,
): Promise<Page<T>> {
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  const budget = options.scanBudget ?? Math.max(10_000, limit * 20);
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, prefix);
  const items: T[] = [];
  let lastKey: string | undefined;
  let scanned = 0;
  for await (const [entryKey, value] of state.entries(prefix, after === undefined ? {} : { after })) {
    // One more entry after a full page (or an exhausted budget): there is a next page.
    if (items.length === limit || scanned === budget) return { items, next: encodeCursor(lastKey!) };
    scanned += 1;
    lastKey = entryKey;
    const item = toItem(entryKey, value);
    if (item !== undefined) items.push(item);
  }
  return { items, next: null };
}
