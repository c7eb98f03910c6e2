import { createLogDecoder, type DecodeResult as LogDecodeResult } from "../../../ledger/events/index.js";
import type { DecodedEvent, IndexedContract, IndexedLog } from "../types.js";

type DecodeResult = LogDecodeResult<DecodedEvent>;

export type Decoder = (log: IndexedLog, timestamp: bigint) => DecodeResult;

/** Decodes logs with the ABI of the contract that emitted them (see `createLogDecoder`), as reducers receive them. */
export function createDecoder(contracts: readonly IndexedContract[]): Decoder {
  const decode = createLogDecoder(contracts);
  return (log, timestamp) => {
    const decoded = decode(log);
    if (decoded.kind !== "decoded") return decoded;
    return {
      kind: "decoded",
      event: {
        contract: decoded.event.contract,
        address: log.address,
        eventName: decoded.event.eventName,
        args: decoded.event.args as DecodedEvent["args"],
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
  };
}
