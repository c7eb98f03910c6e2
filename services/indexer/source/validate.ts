import type { Address, Hex } from "viem";

import { InconsistentRpcDataError } from "../errors.js";
import type { BlockHeader, IndexedLog } from "../types.js";

/* Parsing of raw JSON-RPC answers. Anything malformed is an inconsistent answer: retried, never stored. */

const HEX = /^0x[0-9a-f]*$/;
const HASH = /^0x[0-9a-f]{64}$/;

function hex(value: unknown, field: string): Hex {
  if (typeof value !== "string") throw new InconsistentRpcDataError(`${field} is not a hex string`, { field, value });
  // Nodes answer in lower case: test first, and copy only a value that needs lowering.
  if (HEX.test(value)) return value as Hex;
  const lower = value.toLowerCase();
  if (!HEX.test(lower)) throw new InconsistentRpcDataError(`${field} is not a hex string`, { field, value });
  return lower as Hex;
}

function hash(value: unknown, field: string): Hex {
  // One test for the usual lower-case hash; anything else goes the long way (lowering, then the test).
  if (typeof value === "string" && HASH.test(value)) return value as Hex;
  const h = hex(value, field);
  if (!HASH.test(h)) throw new InconsistentRpcDataError(`${field} is not a 32-byte hash`, { field, value });
  return h;
}

function quantity(value: unknown, field: string): number {
  const h = hex(value, field);
  const n = Number.parseInt(h.slice(2), 16);
  if (!Number.isSafeInteger(n)) throw new InconsistentRpcDataError(`${field} is not a quantity`, { field, value });
  return n;
}

/** An `eth_getBlockByNumber` answer (`null`: no such block yet). */
export function parseHeader(raw: unknown, expected: number): BlockHeader | undefined {
  if (raw === null) return undefined;
  if (typeof raw !== "object" || raw === undefined) {
    throw new InconsistentRpcDataError("a block is not an object", { block: expected });
  }
  const block = raw as Record<string, unknown>;
  const header: BlockHeader = {
    number: quantity(block.number, "block.number"),
    hash: hash(block.hash, "block.hash"),
    parentHash: hash(block.parentHash, "block.parentHash"),
    timestamp: BigInt(hex(block.timestamp, "block.timestamp")),
  };
  if (header.number !== expected) {
    throw new InconsistentRpcDataError(`asked for block ${expected}, got block ${header.number}`, { block: expected });
  }
  return header;
}

/** An `eth_getLogs` answer, parsed; order and consistency are checked by `checkRange`. */
export function parseLogs(raw: unknown): IndexedLog[] {
  if (!Array.isArray(raw)) throw new InconsistentRpcDataError("eth_getLogs did not answer an array", {});
  // Logs of one block (and of one transaction) repeat its hash: a value equal to the last one checked is
  // that value, checked already.
  let blockHash: Hex | undefined;
  let transactionHash: Hex | undefined;
  const sameOr = (last: Hex | undefined, value: unknown, field: string): Hex => (value === last ? last! : hash(value, field));
  return raw.map((entry: unknown) => {
    if (typeof entry !== "object" || entry === null) throw new InconsistentRpcDataError("a log is not an object", {});
    const log = entry as Record<string, unknown>;
    if (log.removed === true) throw new InconsistentRpcDataError("a log is marked removed", {});
    if (!Array.isArray(log.topics)) throw new InconsistentRpcDataError("a log has no topics array", {});
    blockHash = sameOr(blockHash, log.blockHash, "log.blockHash");
    transactionHash = sameOr(transactionHash, log.transactionHash, "log.transactionHash");
    return {
      address: hex(log.address, "log.address") as Address,
      topics: log.topics.map((topic: unknown) => hash(topic, "log.topics")),
      data: hex(log.data, "log.data"),
      blockNumber: quantity(log.blockNumber, "log.blockNumber"),
      blockHash,
      transactionHash,
      transactionIndex: quantity(log.transactionIndex, "log.transactionIndex"),
      logIndex: quantity(log.logIndex, "log.logIndex"),
    };
  });
}

export interface RangeToCheck {
  readonly from: number;
  readonly to: number;
  readonly logs: readonly IndexedLog[];
  readonly headers: ReadonlyMap<number, BlockHeader>;
  /** Every block's header is present and each links to the one before (blocks that may still reorganise). */
  readonly linked: boolean;
  /** The configured addresses, lower case. */
  readonly addresses: ReadonlySet<string>;
}

/**
 * Checks one range's answers against each other: every log is in the range, from a configured
 * address, in strictly increasing (block, log index) order (so no duplicate), in non-decreasing
 * transaction order within its block, and carries the hash of the header fetched for its block;
 * the range's first and last headers are present; in a linked range every header's parent is the
 * header before. Throws `InconsistentRpcDataError` (retryable) on the first violation.
 */
export function checkRange(range: RangeToCheck): void {
  const { from, to, logs, headers } = range;
  for (const n of [from, to]) {
    if (!headers.has(n)) throw new InconsistentRpcDataError(`no header for block ${n}`, { from, to, block: n });
  }
  if (range.linked) {
    for (let n = from + 1; n <= to; n++) {
      const header = headers.get(n);
      if (header === undefined) throw new InconsistentRpcDataError(`no header for block ${n}`, { from, to, block: n });
      if (header.parentHash !== headers.get(n - 1)!.hash) {
        throw new InconsistentRpcDataError(`block ${n} does not follow block ${n - 1} (a reorg during the fetch?)`, { from, to, block: n });
      }
    }
  }
  let previousBlock = -1;
  let previousLog = -1;
  let previousTx = -1;
  for (const log of logs) {
    const n = log.blockNumber;
    if (n < from || n > to) throw new InconsistentRpcDataError(`a log of block ${n} is outside ${from}-${to}`, { from, to, block: n });
    if (!range.addresses.has(log.address)) {
      throw new InconsistentRpcDataError(`a log of ${log.address} was not asked for`, { from, to, block: n });
    }
    if (n < previousBlock || (n === previousBlock && log.logIndex <= previousLog)) {
      throw new InconsistentRpcDataError(`logs out of order or repeated at block ${n} log ${log.logIndex}`, { from, to, block: n });
    }
    if (n === previousBlock && log.transactionIndex < previousTx) {
      throw new InconsistentRpcDataError(`transactions out of order at block ${n}`, { from, to, block: n });
    }
    const header = headers.get(n);
    if (header === undefined) throw new InconsistentRpcDataError(`no header for block ${n}`, { from, to, block: n });
    if (header.hash !== log.blockHash) {
      throw new InconsistentRpcDataError(`a log of block ${n} has block hash ${log.blockHash}, the block is ${header.hash}`, { from, to, block: n });
    }
    previousBlock = n;
    previousLog = log.logIndex;
    previousTx = log.transactionIndex;
  }
}
