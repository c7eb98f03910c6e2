import { MemoryState, proposeSettlement, reduceLedgerEvent, type SettlementProposal } from "../../ledger/state/index.js";
import { createDecoder } from "./indexing/decode.js";
import type { Store } from "./store/store.js";
import type { IndexedContract } from "./types.js";

/**
 * The ledger state as of `block` (inclusive), rebuilt from the logs the indexer stored: what a settlement
 * whose `stateBlock` is `block` was computed from. Refuses a block the indexer has not reached.
 */
export async function ledgerStateAt(store: Store, contracts: readonly IndexedContract[], block: number): Promise<MemoryState> {
  if (block > store.cursor.number) {
    throw new RangeError(`block ${block} is not indexed yet (the indexer is at ${store.cursor.number})`);
  }
  const decode = createDecoder(contracts);
  const state = new MemoryState();
  for await (const stored of store.events()) {
    if (stored.blockNumber > block) break;
    const decoded = decode(stored, stored.timestamp);
    if (decoded.kind === "decoded") reduceLedgerEvent(decoded.event, state);
  }
  return state;
}

/**
 * The settlement a settler posts for everything unsettled of `productId` under `policyVersion`, computed
 * from the state at `block` (default: the indexer's cursor), with the proofs contributors claim with.
 * Undefined when nothing is unsettled.
 */
export async function proposeSettlementAt(
  store: Store,
  contracts: readonly IndexedContract[],
  productId: bigint,
  policyVersion: number,
  block: number = store.cursor.number,
): Promise<SettlementProposal | undefined> {
  const state = await ledgerStateAt(store, contracts, block);
  return proposeSettlement(state, productId, policyVersion, BigInt(block));
}
