import type { Hex } from "viem";

/**
 * Off-chain documents the chain records the hash of (asset cards, review reports), kept by the node next to
 * its index and addressed by that hash: keccak256 of the document's RFC 8785 canonical JSON
 * (`ledger/encoding/canonical.ts`). A store keeps canonical bytes only; whoever puts checks the hash and that
 * the chain records it (`PUT /cards/{hash}`), a store only keeps what it is given under its hash.
 */
export interface DocumentStore {
  /** The canonical bytes stored under `hash` (lower-case 0x hex), or undefined. */
  get(hash: Hex): Promise<Uint8Array | undefined>;
  has(hash: Hex): Promise<boolean>;
  /** Stores `bytes` under `hash`; idempotent (the same hash is the same bytes). */
  put(hash: Hex, bytes: Uint8Array): Promise<void>;
}
