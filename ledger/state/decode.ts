import { decodeEventLog, toEventSelector, type Abi, type AbiEvent, type Address, type Hex } from "viem";

import {
  accessManagerAbi,
  assetRegistryAbi,
  contributionLedgerAbi,
  disputeCourtAbi,
  grantRegistryAbi,
  revenueVaultAbi,
} from "../abi.js";
import type { RawLog } from "../evidence/replay.js";
import type { LedgerEvent } from "./reduce.js";

/** The ledger's contracts by the names the reducers know them by. */
export const LEDGER_ABIS = {
  LedgerAccessManager: accessManagerAbi,
  AssetRegistry: assetRegistryAbi,
  GrantRegistry: grantRegistryAbi,
  ContributionLedger: contributionLedgerAbi,
  RevenueVault: revenueVaultAbi,
  DisputeCourt: disputeCourtAbi,
} as const satisfies Record<string, Abi>;

export type LedgerContractName = keyof typeof LEDGER_ABIS;

/** A log as a JSON-RPC node returns it, with the fields decoding needs: the evidence replay's. */
export type LedgerLog = RawLog;

/**
 * Decodes logs of the ledger's contracts (by address) into events for {reduceLedgerEvent}, in the order
 * given (chain order). Logs of other addresses, and logs no ABI knows, are skipped.
 */
export function decodeLedgerLogs(
  logs: readonly LedgerLog[],
  addresses: Readonly<Partial<Record<LedgerContractName, Address>>>,
  timestampOf: (blockNumber: bigint) => bigint,
): LedgerEvent[] {
  const byAddress = new Map<string, { name: LedgerContractName; events: Map<Hex, AbiEvent> }>();
  for (const [name, address] of Object.entries(addresses) as [LedgerContractName, Address | undefined][]) {
    if (address === undefined) continue;
    const events = new Map<Hex, AbiEvent>();
    for (const item of LEDGER_ABIS[name] as Abi) {
      if (item.type === "event") events.set(toEventSelector(item), item);
    }
    byAddress.set(address.toLowerCase(), { name, events });
  }
  const decoded: LedgerEvent[] = [];
  for (const log of logs) {
    const contract = byAddress.get(log.address.toLowerCase());
    const event = log.topics[0] === undefined ? undefined : contract?.events.get(log.topics[0]);
    if (contract === undefined || event === undefined) continue;
    const { args } = decodeEventLog({ abi: [event], data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: true });
    decoded.push({
      contract: contract.name,
      eventName: event.name,
      args: args as Readonly<Record<string, unknown>>,
      blockNumber: log.blockNumber,
      timestamp: timestampOf(log.blockNumber),
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
    });
  }
  return decoded;
}
