import { bytesToHex, encodeAbiParameters, hexToBytes, keccak256, type Address, type Hex } from "viem";

import { HEX_ADDRESS } from "../encoding/address.js";
import { keccak256Bytes } from "../encoding/keccak.js";

/**
 * The TypeScript twin of `contracts/libraries/EvidenceChain.sol`; the encoding is specified once, in
 * `contracts/interfaces/IEvidenceLedger.sol`. Tests prove both produce the same heads for every kind.
 */

/** One entry of an asset's evidence chain, as carried by the `EvidenceAppended` event. */
export interface EvidenceEntry {
  seq: number;
  /** The selector (topic0) of the domain event that caused the entry. */
  kind: Hex;
  /** keccak256 of the ABI encoding of that domain event's arguments. */
  payloadHash: Hex;
  actor: Address;
  timestamp: bigint;
  /** The head the contract computed after this entry. */
  head: Hex;
}

/** The fields of an entry that go into its head: everything but the head itself. */
export type EvidenceLink = Omit<EvidenceEntry, "head">;

/** head_0: binds a chain to one asset of one registry on one network. */
export function genesisHead(chainId: bigint, registry: Address, assetId: bigint): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "uint256" }, { type: "address" }, { type: "uint256" }], [chainId, registry, assetId]),
  );
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * head_n = keccak256(abi.encode(head_{n-1}, n, kind, payloadHash, actor, timestamp)). Six static words,
 * laid out by hand: a long chain is replayed in time proportional to its length, at a few microseconds an
 * entry (`encodeAbiParameters` cost ten times more). The shapes are checked as the encoder would.
 */
function nextHead(previousHead: Hex, link: EvidenceLink): Hex {
  if (!BYTES32.test(previousHead) || !BYTES32.test(link.kind) || !BYTES32.test(link.payloadHash)) {
    throw new TypeError("an evidence head, kind and payload hash are 32-byte hex strings");
  }
  if (!HEX_ADDRESS.test(link.actor)) throw new TypeError(`actor ${link.actor} is not an address`);
  if (!Number.isInteger(link.seq) || link.seq < 0 || link.seq > 0xffffffff) throw new RangeError(`seq ${link.seq} is not a uint32`);
  if (link.timestamp < 0n || link.timestamp >= 1n << 64n) throw new RangeError(`timestamp ${link.timestamp} is not a uint64`);
  return keccakHex(
    `0x${previousHead.slice(2)}${link.seq.toString(16).padStart(64, "0")}${link.kind.slice(2)}${link.payloadHash.slice(2)}${link.actor
      .slice(2)
      .padStart(64, "0")}${link.timestamp.toString(16).padStart(64, "0")}`,
  );
}

/**
 * keccak256 of hex data with the WebAssembly permutation of `ledger/encoding/keccak.ts`: replaying a long
 * chain is two hashes an entry, and viem's keccak256 was most of the time.
 */
export function keccakHex(data: Hex): Hex {
  return bytesToHex(keccak256Bytes(hexToBytes(data)));
}

/** Builds the entries (with their heads) of a chain from its links: what the contract would emit. */
export function buildChain(genesis: Hex, links: readonly EvidenceLink[]): EvidenceEntry[] {
  let head = genesis;
  return links.map((link) => {
    head = nextHead(head, link);
    return { ...link, head };
  });
}

/** What can be wrong with a chain, found by {@link checkChain}. */
export type ChainProblem =
  | { kind: "gap"; seq: number; expectedSeq: number }
  | { kind: "head-mismatch"; seq: number; expected: Hex; recorded: Hex }
  | { kind: "head-differs-from-chain"; seq: number; expected: Hex; onChain: Hex }
  | { kind: "length-differs-from-chain"; length: number; onChainSeq: number };

export interface ChainCheck {
  ok: boolean;
  /** The head recomputed from the entries (the genesis head for an empty chain). */
  head: Hex;
  length: number;
  problems: ChainProblem[];
}

/**
 * Recomputes every head from `genesis` and the entries in order, and compares with each recorded head and,
 * if given, with the head the contract reports now. Any inserted, dropped, reordered or altered entry shows
 * as a gap (once, where the sequence breaks) or a head mismatch. Recomputation goes on from the recorded head, so one
 * altered entry is reported once, not at every later entry.
 */
export function checkChain(
  genesis: Hex,
  entries: readonly EvidenceEntry[],
  onChain?: { seq: number; head: Hex },
): ChainCheck {
  const problems: ChainProblem[] = [];
  let recomputed = genesis;
  let previousRecorded = genesis;
  let previousSeq = 0;
  entries.forEach((entry) => {
    // Against the previous entry, not the position: a dropped or inserted entry is one gap, not one per later entry.
    const expectedSeq = previousSeq + 1;
    if (entry.seq !== expectedSeq) problems.push({ kind: "gap", seq: entry.seq, expectedSeq });
    previousSeq = entry.seq;
    const expected = nextHead(previousRecorded, entry);
    if (expected !== entry.head) problems.push({ kind: "head-mismatch", seq: entry.seq, expected, recorded: entry.head });
    // While nothing differed the two walks coincide: hash once.
    recomputed = recomputed === previousRecorded ? expected : nextHead(recomputed, entry);
    previousRecorded = entry.head;
  });
  if (onChain !== undefined) {
    if (onChain.seq !== entries.length) {
      problems.push({ kind: "length-differs-from-chain", length: entries.length, onChainSeq: onChain.seq });
    }
    if (onChain.head !== recomputed) {
      problems.push({ kind: "head-differs-from-chain", seq: entries.length, expected: recomputed, onChain: onChain.head });
    }
  }
  return { ok: problems.length === 0, head: recomputed, length: entries.length, problems };
}
