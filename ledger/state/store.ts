/**
 * The key-value state the ledger's reducers fold events into. Keys are strings whose byte order is
 * meaningful (ids are zero-padded, see `keys.ts`), values are JSON documents. The same reducers run over
 * the indexer's LevelDB store (through its transaction object) and over {MemoryState}, which rebuilds the
 * state of any block from logs alone: the two must agree byte for byte.
 */

/** What a reducer needs: read-your-writes access to single keys. The indexer's `StateTx` is one. */
export interface StateWriter {
  get(key: string): string | undefined;
  put(key: string, value: string): void;
  del(key: string): void;
}

/**
 * A writer that keeps documents parsed between events (the indexer's range transaction): {Documents} hands
 * it the document an event changed instead of its JSON, and the writer serializes each document once, when
 * it must (a read of the raw value, the end of the range). A document changed by every event (the totals, an
 * asset's evidence head) is then parsed and serialized once per range, not once per event. The JSON it ends
 * with is the one eager writes would have left: the same object, changed by the same handlers.
 */
export interface DocumentHolder {
  /** The document held for `key`, if any: the object to change in place. */
  heldDocument(key: string): object | undefined;
  /** Holds `document` as the value of `key` (it is serialized later). */
  holdDocument(key: string, document: object): void;
}

export function holdsDocuments(state: StateWriter): state is StateWriter & DocumentHolder {
  return typeof (state as Partial<DocumentHolder>).holdDocument === "function";
}

/** What queries need on top: every key with a prefix, in key order. */
export interface StateReader {
  get(key: string): string | undefined;
  /** Entries whose key starts with `prefix`, ascending, starting after `after` when given. */
  entries(prefix: string, options?: { after?: string; limit?: number }): Iterable<[string, string]>;
}

/** The whole state in memory, ordered: for independent rebuilds, tests and split proposals. */
export class MemoryState implements StateWriter, StateReader {
  readonly #values = new Map<string, string>();
  #sorted: string[] | undefined;

  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  put(key: string, value: string): void {
    if (!this.#values.has(key)) this.#sorted = undefined;
    this.#values.set(key, value);
  }

  del(key: string): void {
    if (this.#values.delete(key)) this.#sorted = undefined;
  }

  get size(): number {
    return this.#values.size;
  }

  *entries(prefix: string, options: { after?: string; limit?: number } = {}): Iterable<[string, string]> {
    const keys = this.#keys();
    let index = lowerBound(keys, options.after !== undefined && options.after >= prefix ? options.after : prefix);
    if (options.after !== undefined && keys[index] === options.after) index += 1;
    let yielded = 0;
    for (; index < keys.length; index += 1) {
      const key = keys[index]!;
      if (!key.startsWith(prefix)) return;
      if (options.limit !== undefined && yielded >= options.limit) return;
      yielded += 1;
      yield [key, this.#values.get(key)!];
    }
  }

  /** Every entry in key order: what a state digest hashes. */
  all(): Iterable<[string, string]> {
    return this.entries("");
  }

  #keys(): string[] {
    // Byte order of UTF-8 equals code-unit order for the ASCII keys the reducers write.
    this.#sorted ??= [...this.#values.keys()].sort();
    return this.#sorted;
  }
}

function lowerBound(sorted: readonly string[], target: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}
