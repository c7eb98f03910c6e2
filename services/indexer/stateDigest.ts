import type { Hex } from "viem";

import { ledgerStateAt } from "./settlement.js";
import { digestEntries, sortedBytewise } from "./store/digest.js";
import type { Store } from "./store/store.js";
import type { StoredEvent } from "./store/types.js";
import type { IndexedContract } from "./types.js";

/**
 * The state digest at a block: what replicas compare. Every node is a deterministic function of the chain,
 * so two nodes that indexed the same chain with the same reducer have the same digest at every block.
 */
export interface StateDigest {
  block: number;
  /** The block's hash when the node knows it (the cursor's, a block that still may reorganise, or one with a stored log); else null. */
  blockHash: Hex | null;
  /** sha256 over the reducer state in key order (`digestEntries`). */
  digest: Hex;
  /** The logs stored up to the block, inclusive. */
  events: number;
}

/** Why a digest cannot be given for a block. */
export class DigestBlockError extends RangeError {
  override name = "DigestBlockError";
  constructor(
    readonly reason: "not-indexed" | "before-deployment",
    readonly block: number,
    /** The node's indexed block (not-indexed) or the block before the first deployment (before-deployment). */
    readonly bound: number,
  ) {
    super(
      reason === "not-indexed"
        ? `block ${block} is not indexed yet (the node is at block ${bound})`
        : `block ${block} is before the deployment (its state starts after block ${bound})`,
    );
  }
}

/** A few recent answers per store: an operator's tools ask the same block of several replicas, often twice. */
const CACHE_SIZE = 16;
const caches = new WeakMap<Store, Map<string, Promise<StateDigest>>>();
/** How long a digest at the cursor waits, at most, for a write in progress to end. */
const MAX_WAIT_MS = 1_000;

/**
 * The state digest at `block`. At the indexed block: the store's own digest, read between two equal even
 * values of its seqlock (a range committed meanwhile would give the digest of another block). Below it: the
 * digest of the stored logs up to the block folded into a fresh state (`ledgerStateAt`), keys in LevelDB's
 * order — what the live store's digest was when its cursor was there. Cached per (block, cursor hash).
 */
export function stateDigestAt(store: Store, contracts: readonly IndexedContract[], block: number): Promise<StateDigest> {
  const initialBlock = Math.min(...contracts.map((c) => Number(c.fromBlock))) - 1;
  if (block < initialBlock) return Promise.reject(new DigestBlockError("before-deployment", block, initialBlock));
  if (block > store.cursor.number) return Promise.reject(new DigestBlockError("not-indexed", block, store.cursor.number));
  const cache = caches.get(store) ?? new Map<string, Promise<StateDigest>>();
  caches.set(store, cache);
  const key = `${block}:${store.cursor.hash ?? ""}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const answer = computeDigestAt(store, contracts, block);
  cache.set(key, answer);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  answer.catch(() => cache.delete(key));
  return answer;
}

async function computeDigestAt(store: Store, contracts: readonly IndexedContract[], block: number): Promise<StateDigest> {
  const deadline = Date.now() + MAX_WAIT_MS;
  for (;;) {
    const before = store.writeSeq;
    if (before % 2 === 1) {
      if (Date.now() > deadline) throw new Error("the store kept writing: no consistent digest");
      await new Promise((resolve) => setTimeout(resolve, 2));
      continue;
    }
    const cursor = store.cursor;
    if (block > cursor.number) throw new DigestBlockError("not-indexed", block, cursor.number); // rolled back meanwhile
    if (block < cursor.number) return foldedDigestAt(store, contracts, block);
    const [digest, events] = await Promise.all([store.digestState(), store.countEvents(block)]);
    if (store.writeSeq === before) return { block, blockHash: cursor.hash, digest, events };
    // A write ran while reading: read again (the cursor has moved on: the next round folds).
  }
}

/**
 * The digest of the stored logs up to `block`, folded. One iterator over the logs is one LevelDB snapshot:
 * the fold, the count and the block's hash all come from it, whatever the indexer writes meanwhile.
 */
async function foldedDigestAt(store: Store, contracts: readonly IndexedContract[], block: number): Promise<StateDigest> {
  let events = 0;
  let hashOfBlock: Hex | null = store.hashes.get(block) ?? null;
  async function* counted(options?: { fromBlock?: number }): AsyncGenerator<StoredEvent> {
    for await (const event of store.events(options)) {
      if (event.blockNumber <= block) {
        events += 1;
        if (event.blockNumber === block) hashOfBlock = event.blockHash;
      }
      yield event;
    }
  }
  const state = await ledgerStateAt({ cursor: { number: block, hash: null }, events: counted }, contracts, block);
  return { block, blockHash: hashOfBlock, digest: await digestEntries(sortedBytewise(state.all())), events };
}
