import type { StateReader } from "./store.js";

/**
 * Read access to the ledger state for servers: single keys synchronously (LevelDB's `getSync`, a map
 * lookup), prefix scans asynchronously (LevelDB iterators are async). The HTTP API reads through this, so
 * it serves the indexer's LevelDB store and an in-memory state alike.
 */
export interface AsyncStateReader {
  get(key: string): string | undefined;
  /** Entries whose key starts with `prefix`, ascending, starting after `after` when given, at most `limit`. */
  entries(prefix: string, options?: { after?: string; limit?: number }): AsyncIterable<[string, string]>;
}

/** A synchronous reader (e.g. {MemoryState}) seen through the asynchronous interface. */
export function asyncStateReader(state: StateReader): AsyncStateReader {
  return {
    get: (key) => state.get(key),
    async *entries(prefix, options) {
      yield* state.entries(prefix, options);
    },
  };
}

/** Every entry of a prefix scan, in an array. */
export async function collectEntries(
  reader: AsyncStateReader,
  prefix: string,
  options?: { after?: string; limit?: number },
): Promise<[string, string][]> {
  const entries: [string, string][] = [];
  for await (const entry of reader.entries(prefix, options)) entries.push(entry);
  return entries;
}

/**
 * A synchronous reader over the prefixes fetched ahead from an asynchronous one: what the synchronous
 * read models of `views.ts` (split contexts) need. Single keys go to the source; a scan of a prefix that
 * was not fetched throws, so a missing prefetch shows at once instead of as an empty list.
 */
export async function prefetchState(reader: AsyncStateReader, prefixes: Iterable<string>): Promise<StateReader> {
  const fetched = new Map<string, [string, string][]>();
  for (const prefix of prefixes) if (!fetched.has(prefix)) fetched.set(prefix, await collectEntries(reader, prefix));
  return {
    get: (key) => reader.get(key),
    *entries(prefix, options = {}) {
      const entries = fetched.get(prefix);
      if (entries === undefined) throw new Error(`prefix ${prefix} was not fetched ahead`);
      let yielded = 0;
      for (const entry of entries) {
        if (options.after !== undefined && entry[0] <= options.after) continue;
        if (options.limit !== undefined && yielded >= options.limit) return;
        yielded += 1;
        yield entry;
      }
    },
  };
}
