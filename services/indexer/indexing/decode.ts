import { toEventSelector, type AbiEvent, type Hex } from "viem";

import type { DecodedEvent, IndexedContract, IndexedLog } from "../types.js";
import { compileEventDecoder, type EventArgsDecoder } from "./eventCoder.js";

export type DecodeResult =
  | { readonly kind: "decoded"; readonly event: DecodedEvent }
  /** No configured contract at the address, or no event of its ABI with this topic0. */
  | { readonly kind: "unknown" }
  /** The ABI names the event but the log does not decode with it (wrong indexing, short data). */
  | { readonly kind: "undecodable"; readonly error: unknown };

export type Decoder = (log: IndexedLog, timestamp: bigint) => DecodeResult;

/** Decodes logs with the ABI of the contract that emitted them, by (address, topic0). */
export function createDecoder(contracts: readonly IndexedContract[]): Decoder {
  const byAddress = new Map<string, { name: string; events: Map<Hex, { event: AbiEvent; decodeArgs: EventArgsDecoder }> }>();
  for (const contract of contracts) {
    const events = new Map<Hex, { event: AbiEvent; decodeArgs: EventArgsDecoder }>();
    for (const item of contract.abi) {
      if (item.type === "event" && !item.anonymous) events.set(toEventSelector(item), { event: item, decodeArgs: compileEventDecoder(item) });
    }
    byAddress.set(contract.address.toLowerCase(), { name: contract.name, events });
  }
  return (log, timestamp) => {
    const contract = byAddress.get(log.address);
    const selector = log.topics[0];
    const compiled = selector === undefined ? undefined : contract?.events.get(selector);
    if (contract === undefined || compiled === undefined) return { kind: "unknown" };
    try {
      const args = compiled.decodeArgs(log.topics, log.data) as DecodedEvent["args"];
      return {
        kind: "decoded",
        event: {
          contract: contract.name,
          address: log.address,
          eventName: compiled.event.name,
          args,
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
