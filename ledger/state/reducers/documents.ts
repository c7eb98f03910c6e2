import { key } from "../keys.js";
import type { Totals } from "../records.js";
import { holdsDocuments, type StateWriter } from "../store.js";
import type { Refuser } from "./args.js";
import { LedgerEventError, type LedgerEvent } from "./event.js";

/**
 * Typed documents over the key-value state, for the handlers of one event: JSON documents read, changed
 * and written back whole (a document keeps the key order it was created with), index entries marked and
 * unmarked. Failures name the event being folded.
 */
export class Documents implements Refuser {
  constructor(
    readonly state: StateWriter,
    readonly event: LedgerEvent,
  ) {}

  read<T>(documentKey: string): T | undefined {
    const raw = this.state.get(documentKey);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  /** A document the contracts guarantee exists (they emit nothing about unknown ids). */
  require<T>(documentKey: string): T {
    return this.read<T>(documentKey) ?? this.fail(`no ${documentKey} in the state`);
  }

  /** Reads a document that must exist, lets `change` edit it, and writes it back. */
  update<T extends object>(documentKey: string, change: (document: T) => void): void {
    this.change(documentKey, () => this.require<T>(documentKey), change);
  }

  /** `update` of a document that starts as `initial()` when absent. */
  upsert<T extends object>(documentKey: string, initial: () => T, change: (document: T) => void): void {
    this.change(documentKey, () => this.read<T>(documentKey) ?? initial(), change);
  }

  private change<T extends object>(documentKey: string, current: () => T, change: (document: T) => void): void {
    const state = this.state;
    if (holdsDocuments(state)) {
      const document = (state.heldDocument(documentKey) as T | undefined) ?? current();
      change(document);
      state.holdDocument(documentKey, document);
      return;
    }
    const document = current();
    change(document);
    this.write(documentKey, document);
  }

  write(documentKey: string, document: object): void {
    this.state.put(documentKey, JSON.stringify(document));
  }

  delete(documentKey: string): void {
    this.state.del(documentKey);
  }

  mark(indexKey: string): void {
    this.state.put(indexKey, "");
  }

  unmark(indexKey: string): void {
    this.state.del(indexKey);
  }

  /** Changes the ledger's totals (created at zero by the first event). */
  updateTotals(change: (totals: Totals) => void): void {
    this.upsert<Totals>(key.totals(), () => ({ events: 0, deposited: "0", paidOut: "0" }), change);
  }

  /** Refuses the event: its arguments, or the state it meets, are not what the contracts guarantee. */
  fail(detail: string): never {
    throw new LedgerEventError(this.event, detail);
  }
}

/** `a + b` over a stored decimal string. */
export const add = (a: string, b: bigint): string => (BigInt(a) + b).toString();

export function isZeroAddress(address: string): boolean {
  return /^0x0{40}$/i.test(address);
}
