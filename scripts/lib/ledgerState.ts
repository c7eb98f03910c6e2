import type { Log, Provider } from "ethers";
import type { Address, Hex } from "viem";

import { foldLogs, type LedgerAddresses, type LedgerContractName, type RawLog } from "../../ledger/events/index.js";
import type { LedgerEvent, MemoryState } from "../../ledger/state/index.js";

/**
 * The ledger state as of the latest block, folded from every log of the given contracts read straight
 * from the node (no indexer): what a settler, the demo or a test needs for a settlement proposal.
 */
export async function ledgerStateFromNode(
  provider: Provider,
  addresses: LedgerAddresses,
): Promise<{ events: LedgerEvent[]; state: MemoryState; lastBlock: bigint }> {
  const lastBlock = BigInt(await provider.getBlockNumber());
  const logs = await provider.getLogs({ address: Object.values(addresses) as string[], fromBlock: 0, toBlock: Number(lastBlock) });
  const blocks = [...new Set(logs.map((log) => log.blockNumber))];
  const headers = await Promise.all(blocks.map((block) => provider.getBlock(block)));
  const timestamps = new Map(blocks.map((block, i) => [BigInt(block), BigInt(headers[i]!.timestamp)]));
  const rawLogs = toRawLogs(logs);
  const events: LedgerEvent[] = [];
  const state = await foldLogs(rawLogs, {
    contracts: addresses,
    timestampOf: (log) => timestamps.get(log.blockNumber)!,
    onEvent: (event) => events.push(event),
  });
  return { events, state, lastBlock };
}

/** ethers' logs as {@link RawLog}s, the shape the ledger's decoder and replay read: the one adapter between the two client stacks. */
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

/** The addresses of the ledger's contracts, by the names the reducers know them by. */
export async function ledgerAddresses(contracts: {
  accessManager: { getAddress(): Promise<string> };
  registry: { getAddress(): Promise<string> };
  grants: { getAddress(): Promise<string> };
  contributions: { getAddress(): Promise<string> };
  vault: { getAddress(): Promise<string> };
  court: { getAddress(): Promise<string> };
}): Promise<Record<LedgerContractName, Address>> {
  return {
    LedgerAccessManager: (await contracts.accessManager.getAddress()) as Address,
    AssetRegistry: (await contracts.registry.getAddress()) as Address,
    GrantRegistry: (await contracts.grants.getAddress()) as Address,
    ContributionLedger: (await contracts.contributions.getAddress()) as Address,
    RevenueVault: (await contracts.vault.getAddress()) as Address,
    DisputeCourt: (await contracts.court.getAddress()) as Address,
  };
}
