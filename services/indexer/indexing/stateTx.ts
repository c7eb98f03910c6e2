import type { DocumentHolder } from "../../../ledger/state/store.js";
import type { StateTx } from "../types.js";

/**
 * The StateTx of one block range: writes are buffered (last write per key) for the range's batch,
 * reads see them first, then the committed state. While `recordUndo` is on, the first write of a
 * key in a block records the key's value before that block, the undo data of the block.
 *
 * Documents that events change in place (`DocumentHolder`) are held parsed and serialized once, by
 * `finish()`; except in blocks that record undo data, whose values must be known block by block.
 */
export class RangeStateTx implements StateTx, DocumentHolder {
  /** Per block, the value each written key had before the block. */
  readonly undo = new Map<number, Map<string, string | null>>();
  /** The range's writes, `null` for a delete (without the held documents: see `finish`). */
  private readonly writes = new Map<string, string | null>();
  private readonly held = new Map<string, object>();
  private block = -1;
  private record = false;
  private blockUndo: Map<string, string | null> | undefined;

  constructor(private readonly read: (key: string) => string | undefined) {}

  /** Subsequent writes belong to `block`; undo data is recorded for them when `recordUndo`. */
  enterBlock(block: number, recordUndo: boolean): void {
    if (block === this.block) return;
    // Held documents were changed by blocks without undo data: written as theirs before undo begins.
    if (recordUndo) this.release();
    this.block = block;
    this.record = recordUndo;
    this.blockUndo = undefined;
  }

  get(key: string): string | undefined {
    const held = this.held.get(key);
    if (held !== undefined) return JSON.stringify(held);
    const pending = this.writes.get(key);
    if (pending !== undefined) return pending ?? undefined;
    return this.read(key);
  }

  put(key: string, value: string): void {
    if (typeof key !== "string" || key === "") throw new TypeError(`a state key must be a non-empty string, got ${String(key)}`);
    if (typeof value !== "string") throw new TypeError(`the value of state key ${key} must be a string, got ${typeof value}`);
    this.remember(key);
    this.held.delete(key);
    this.writes.set(key, value);
  }

  del(key: string): void {
    if (typeof key !== "string" || key === "") throw new TypeError(`a state key must be a non-empty string, got ${String(key)}`);
    this.remember(key);
    this.held.delete(key);
    this.writes.set(key, null);
  }

  heldDocument(key: string): object | undefined {
    return this.held.get(key);
  }

  holdDocument(key: string, document: object): void {
    if (this.record) {
      this.put(key, JSON.stringify(document));
      return;
    }
    this.writes.delete(key);
    this.held.set(key, document);
  }

  /** The range's writes, last write per key (`null`: delete), held documents serialized. */
  finish(): ReadonlyMap<string, string | null> {
    this.release();
    return this.writes;
  }

  private release(): void {
    for (const [key, document] of this.held) this.writes.set(key, JSON.stringify(document));
    this.held.clear();
  }

  private remember(key: string): void {
    if (!this.record) return;
    if (this.blockUndo === undefined) {
      this.blockUndo = new Map();
      this.undo.set(this.block, this.blockUndo);
    }
    if (!this.blockUndo.has(key)) this.blockUndo.set(key, this.get(key) ?? null);
  }
}
