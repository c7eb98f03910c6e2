import { decodeEventLog, toEventSelector, type AbiEvent, type Hex } from "viem";

import type { DecodedEvent, IndexedContract, IndexedLog } from "../types.js";

export type DecodeResult =
  | { readonly kind: "decoded"; readonly event: DecodedEvent }
  /** No configured contract at the address, or no event of its ABI with this topic0. */
  | { readonly kind: "unknown" }
  /** The ABI names the event but the log does not decode with it (wrong indexing, short data). */
  | { readonly kind: "undecodable"; readonly error: unknown };

export type Decoder = (log: IndexedLog, timestamp: bigint) => DecodeResult;

/** Decodes logs with the ABI of the contract that emitted them, by (address, topic0). */
export function createDecoder(contracts: readonly IndexedContract[]): Decoder {
  const byAddress = new Map<string, { name: string; events: Map<Hex, AbiEvent> }>();
  for (const contract of contracts) {
    const events = new Map<Hex, AbiEvent>();
    for (const item of contract.abi) {
      if (item.type === "event" && !item.anonymous) events.set(toEventSelector(item), item);
    }
    byAddress.set(contract.address.toLowerCase(), { name: contract.name, events });
  }
  return (log, timestamp) => {
    const contract = byAddress.get(log.address);
    const selector = log.topics[0];
    const abiEvent = selector === undefined ? undefined : contract?.events.get(selector);
    if (contract === undefined || abiEvent === undefined) return { kind: "unknown" };
    try {
      const decoded = decodeEventLog({ abi: [abiEvent], topics: log.topics as [Hex, ...Hex[]], data: log.data, strict: true });
      return {
        kind: "decoded",
        event: {
          contract: contract.name,
          address: log.address,
          eventName: decoded.eventName,
          args: decoded.args as DecodedEvent["args"],
          blockNumber: BigInt(log.blockNumber),
          blockHash: log.blockHash,
          timestamp,
          transactionHash: log.transactionHash,
          transactionIndex: log.transactionIndex,
          logIndex: log.logIndex,
          topics: log.topics,
          data: log.data,
        },
      };
    } catch (error) {
      return { kind: "undecodable", error };
    }
  };
}
