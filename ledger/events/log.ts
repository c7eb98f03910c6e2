import type { Address, Hex, Log } from "viem";

/** A log as any JSON-RPC node returns it, with the fields decoding, folding and replaying read. */
export interface RawLog {
  address: Address;
  topics: readonly Hex[];
  data: Hex;
  blockNumber: bigint;
  transactionHash: Hex;
  logIndex: number;
}

/** viem's log of a mined block as a {@link RawLog} (a mined block's logs are never pending). */
export function toRawLog(log: Log): RawLog {
  return {
    address: log.address,
    topics: log.topics as readonly Hex[],
    data: log.data,
    blockNumber: log.blockNumber!,
    transactionHash: log.transactionHash!,
    logIndex: log.logIndex!,
  };
}

/** Chain order: by block, then by log index. */
export function compareLogs(a: Pick<RawLog, "blockNumber" | "logIndex">, b: Pick<RawLog, "blockNumber" | "logIndex">): number {
  return a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1;
}
