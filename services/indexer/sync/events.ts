import type { Cursor } from "../store/store.js";

/**
 * What the indexer did, in order: a union (as Ponder's realtime sync: block | reorg | finalize),
 * for tests and for the future HTTP API's readiness.
 */
export type IndexerEvent =
  /** [from, to] was applied; the cursor is now `to`. */
  | { readonly type: "range"; readonly from: number; readonly to: number; readonly events: number; readonly cursor: Cursor }
  /** The chain reorganised below the cursor: blocks after `ancestor` were undone. */
  | { readonly type: "reorg"; readonly ancestor: number; readonly depth: number; readonly events: number }
  /** A reorg deeper than the finality depth (or a changed configuration): the state was wiped, to be rebuilt. */
  | { readonly type: "rebuild"; readonly reason: string; readonly from: number }
  /** The cursor reached the head. */
  | { readonly type: "caughtUp"; readonly head: number };
