import type { StateTx } from "../types.js";

/**
 * The StateTx of one block range: writes are buffered (last write per key) for the range's batch,
 * reads see them first, then the committed state. While `recordUndo` is on, the first write of a
 * key in a block records the key's value before that block, the undo data of the block.
 */
export class RangeStateTx implements StateTx {
  /** The range's writes, `null` for a delete. */
  readonly writes = new Map<string, string | null>();
  /** Per block, the value each written key had before the block. */
  readonly undo = new Map<number, Map<string, string | null>>();
  private block = -1;
  private record = false;
  private blockUndo: Map<string, string | null> | undefined;

  constructor(private readonly read: (key: string) => string | undefined) {}

  /** Subsequent writes belong to `block`; undo data is recorded for them when `recordUndo`. */
  enterBlock(block: number, recordUndo: boolean): void {
    if (block === this.block) return;
    this.block = block;
    this.record = recordUndo;
    this.blockUndo = undefined;
  }

  get(key: string): string | undefined {
    const pending = this.writes.get(key);
    if (pending !== undefined) return pending ?? undefined;
    return this.read(key);
  }

  put(key: string, value: string): void {
    if (typeof key !== "string" || key === "") throw new TypeError(`a state key must be a non-empty string, got ${String(key)}`);
    if (typeof value !== "string") throw new TypeError(`the value of state key ${key} must be a string, got ${typeof value}`);
    this.remember(key);
    this.writes.set(key, value);
  }

  del(key: string): void {
    if (typeof key !== "string" || key === "") throw new TypeError(`a state key must be a non-empty string, got ${String(key)}`);
    this.remember(key);
    this.writes.set(key, null);
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
