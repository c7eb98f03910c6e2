import { bytesToHex, hexToBytes, maxUint256, type Address, type Hex } from "viem";

import { HEX_ADDRESS, writeAddress, writeUint256 } from "../encoding/address.js";
import { beginMessage, finishDoubleKeccak, hashSortedPair, keccak256Into } from "../encoding/keccak.js";
import { sortByLeadingKey } from "./order.js";
import type { Allocation } from "./types.js";

/**
 * The Merkle tree of an allocation, as the vault verifies it (`IRevenueVault`): leaf `i` is
 * `(uint256 index, address account, uint256 amount)` for the `i`-th entry (entries by account ascending),
 * hashed `keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))))`, inner nodes the
 * keccak256 of their two children in ascending order — OpenZeppelin's `StandardMerkleTree.of(values,
 * ["uint256", "address", "uint256"])` with its default `sortLeaves`, node for node.
 *
 * Built here rather than by the library because the library takes minutes for a million leaves: the same
 * layout (the leaves sorted by hash at the end of one array, in reverse; node `i` hashes nodes `2i + 1`
 * and `2i + 2`) over one byte buffer, with the WebAssembly keccak of `keccak.ts`. `test/split/tree.test.ts`
 * checks roots and proofs against StandardMerkleTree.
 */

/** The leaf types of an allocation tree, as the vault and StandardMerkleTree take them. */
export const ALLOCATION_LEAF_TYPES = ["uint256", "address", "uint256"] as const;

export interface AllocationLeaf {
  index: bigint;
  account: Address;
  amount: bigint;
}

/** A leaf with its proof: what a party passes to `IRevenueVault.claim` (with the epoch id). */
export interface AllocationClaim extends AllocationLeaf {
  proof: Hex[];
}

export interface AllocationTree {
  root: Hex;
  /** The number of leaves. */
  length: number;
  /** The leaf of `account` (any case) with its proof; `undefined` if the allocation has no entry for it. */
  claim(account: Address): AllocationClaim | undefined;
  /** Leaf `index` with its proof. */
  claimAt(index: number): AllocationClaim;
}

const LEAF_BYTES = 96;
const HEX_NODE = /^0x[0-9a-fA-F]{64}$/;

/** -1, 0 or 1 as the 32 bytes at `a` compare with those at `b` (both in `bytes`). */
function compareNodes(bytes: Uint8Array, a: number, b: number): number {
  for (let k = 0; k < 32; k += 1) {
    const d = bytes[a + k]! - bytes[b + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Builds the allocation's tree. The entries must be as {@link splitRevenue} returns them: accounts
 * lower-case and strictly ascending, amounts positive, summing to the allocation's amount.
 */
export function allocationTree(allocation: Allocation): AllocationTree {
  const entries = allocation.entries;
  const n = entries.length;
  if (n === 0) throw new Error("an allocation tree needs at least one entry");
  if (n > 2 ** 30) throw new Error(`an allocation tree of ${n} leaves: too many`);

  // Leaf hashes, in entry order, each as 8 words.
  const leafWords = new Uint32Array(8 * n);
  let total = 0n;
  let previous = "";
  for (let i = 0; i < n; i += 1) {
    const { account, amount } = entries[i]!;
    if (amount <= 0n || amount > maxUint256) throw new Error(`allocation entry ${i}: amount ${amount} is not a positive uint256`);
    const { bytes, view } = beginMessage();
    if (!writeAddress(bytes, 44, account)) throw new Error(`allocation entry ${i}: not a lower-case hex address: ${account}`);
    if (!(previous < account)) throw new Error(`allocation entries must be by account ascending, without repeats (entry ${i})`);
    previous = account;
    total += amount;
    view.setUint32(28, i); // the index word: zero but its last four bytes
    writeUint256(view, 64, amount);
    finishDoubleKeccak(LEAF_BYTES, leafWords, 8 * i);
  }
  if (total !== allocation.amount) throw new Error(`allocation entries sum to ${total}, not ${allocation.amount}`);

  // Leaves by hash ascending, as StandardMerkleTree sorts them.
  const leafBytes = new Uint8Array(leafWords.buffer);
  const order = sortLeaves(leafBytes, n);

  // The array layout: the sorted leaves at the end, in reverse; node i hashes the pair (2i + 1, 2i + 2).
  const size = 2 * n - 1;
  const nodes = new Uint32Array(8 * size);
  const nodeBytes = new Uint8Array(nodes.buffer);
  const treeIndexOf = new Uint32Array(n);
  for (let k = 0; k < n; k += 1) {
    const treeIndex = size - 1 - k;
    const leaf = order[k]!;
    for (let w = 0; w < 8; w += 1) nodes[8 * treeIndex + w] = leafWords[8 * leaf + w]!;
    treeIndexOf[leaf] = treeIndex;
  }
  for (let i = n - 2; i >= 0; i -= 1) hashSortedPair(nodes, nodeBytes, 8 * (2 * i + 1), 8 * (2 * i + 2), 8 * i);

  const node = (i: number): Hex => bytesToHex(nodeBytes.subarray(32 * i, 32 * i + 32));
  const claimAt = (index: number): AllocationClaim => {
    const entry = entries[index];
    if (entry === undefined || !Number.isInteger(index)) throw new RangeError(`no leaf ${index} in a tree of ${n}`);
    const proof: Hex[] = [];
    for (let t = treeIndexOf[index]!; t > 0; t = (t - 1) >> 1) proof.push(node(t % 2 === 1 ? t + 1 : t - 1));
    return { index: BigInt(index), account: entry.account, amount: entry.amount, proof };
  };
  const claim = (account: Address): AllocationClaim | undefined => {
    // Binary search: the entries are by account ascending.
    const target = account.toLowerCase();
    let low = 0;
    let high = n - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const candidate = entries[middle]!.account;
      if (candidate === target) return claimAt(middle);
      if (candidate < target) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  };
  return { root: node(0), length: n, claim, claimAt };
}

/** Positions of the n 32-byte leaf hashes in `bytes`, by hash ascending. */
function sortLeaves(bytes: Uint8Array, n: number): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const leading = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) leading[i] = view.getUint32(32 * i);
  return sortByLeadingKey(leading, (a, b) => compareNodes(bytes, 32 * a, 32 * b) || a - b);
}

/** The leaf hash the vault computes: `keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))))`. */
export function allocationLeafHash(leaf: AllocationLeaf): Hex {
  if (leaf.index < 0n || leaf.index > maxUint256 || leaf.amount < 0n || leaf.amount > maxUint256) {
    throw new RangeError(`leaf (${leaf.index}, ${leaf.account}, ${leaf.amount}): index and amount must be uint256`);
  }
  const out = new Uint32Array(8);
  const { bytes, view } = beginMessage();
  writeUint256(view, 0, leaf.index);
  if (!writeAddress(bytes, 44, leaf.account.toLowerCase())) throw new Error(`not a hex address: ${leaf.account}`);
  writeUint256(view, 64, leaf.amount);
  finishDoubleKeccak(LEAF_BYTES, out, 0);
  return bytesToHex(new Uint8Array(out.buffer));
}

/** Whether `proof` proves `leaf` under `root`, as OpenZeppelin's `MerkleProof.verify` in the vault decides. */
export function verifyAllocationProof(root: Hex, leaf: AllocationLeaf, proof: readonly Hex[]): boolean {
  if (!HEX_NODE.test(root) || !proof.every((node) => HEX_NODE.test(node))) return false;
  if (!HEX_ADDRESS.test(leaf.account) || leaf.index < 0n || leaf.index > maxUint256) return false;
  if (leaf.amount < 0n || leaf.amount > maxUint256) return false;
  // pair = computed ‖ sibling, swapped when the sibling is lower.
  const pair = new Uint8Array(64);
  pair.set(hexToBytes(allocationLeafHash(leaf)), 0);
  for (const sibling of proof) {
    const other = hexToBytes(sibling);
    pair.set(other, 32);
    if (compareNodes(pair, 0, 32) > 0) {
      pair.copyWithin(32, 0, 32);
      pair.set(other, 0);
    }
    keccak256Into(pair, 0, 64, pair, 0);
  }
  return bytesToHex(pair.subarray(0, 32)) === root.toLowerCase();
}
