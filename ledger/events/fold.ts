import { MemoryState, reduceLedgerEvent, type LedgerEvent } from "../state/index.js";
import { LEDGER_ABIS, type LedgerAddresses, type LedgerContractName } from "./abis.js";
import { createLogDecoder, type DecodableContract } from "./decode.js";
import type { RawLog } from "./log.js";

export interface FoldLogsParameters<log extends RawLog> {
  /** The ledger's contracts by name (decoded with {@link LEDGER_ABIS}), or contracts with their own ABIs. */
  contracts: LedgerAddresses | readonly DecodableContract[];
  /** The timestamp of the log's block. */
  timestampOf: (log: log) => bigint;
  /**
   * A log whose ABI names its event but that does not decode: thrown (the default: no deployed contract
   * emits one), or skipped, as the indexer stores such a log without reducing it.
   */
  undecodable?: "throw" | "skip";
  /** Each event as it is folded. */
  onEvent?: (event: LedgerEvent) => void;
}

/** The contracts of a deployment's ledger, with their ABIs. */
function ledgerContracts(addresses: LedgerAddresses): DecodableContract<LedgerContractName>[] {
  return (Object.entries(addresses) as [LedgerContractName, LedgerAddresses[LedgerContractName]][]).flatMap(([name, address]) =>
    address === undefined ? [] : [{ name, address, abi: LEDGER_ABIS[name] }],
  );
}

/**
 * The ledger state the logs lead to: each decoded with its contract's ABI and folded by the reducers the
 * indexer runs, in the order given (chain order). Logs of other addresses, and logs no ABI knows, are skipped.
 */
export async function foldLogs<log extends RawLog>(
  logs: Iterable<log> | AsyncIterable<log>,
  { contracts, timestampOf, undecodable = "throw", onEvent }: FoldLogsParameters<log>,
): Promise<MemoryState> {
  const decode = createLogDecoder(Array.isArray(contracts) ? (contracts as readonly DecodableContract[]) : ledgerContracts(contracts as LedgerAddresses));
  const state = new MemoryState();
  const fold = (log: log) => {
    const decoded = decode(log);
    if (decoded.kind === "unknown") return;
    if (decoded.kind === "undecodable") {
      if (undecodable === "throw") throw decoded.error;
      return;
    }
    const event: LedgerEvent = {
      contract: decoded.event.contract,
      eventName: decoded.event.eventName,
      args: decoded.event.args as Readonly<Record<string, unknown>>,
      blockNumber: log.blockNumber,
      timestamp: timestampOf(log),
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
    };
    reduceLedgerEvent(event, state);
    onEvent?.(event);
  };
  if (Symbol.iterator in logs) for (const log of logs) fold(log);
  else for await (const log of logs) fold(log);
  return state;
}
