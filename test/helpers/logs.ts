import type { Log } from "ethers";
import type { Address, Hex } from "viem";

import type { RawLog } from "../../ledger/events/index.js";

/** ethers' logs in the shape the ledger's replay reads (what any JSON-RPC node returns). */
export function toRawLogs(logs: readonly Log[]): RawLog[] {
  return logs.map((log) => ({
    address: log.address as Address,
    topics: log.topics as Hex[],
    data: log.data as Hex,
    blockNumber: BigInt(log.blockNumber),
    transactionHash: log.transactionHash as Hex,
    logIndex: log.index,
  }));
}
