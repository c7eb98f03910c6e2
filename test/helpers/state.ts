import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Hex } from "viem";

import { decodeLedgerLogs, MemoryState, reduceLedgerEvent, type LedgerEvent } from "../../ledger/state/index.js";
import type { Ledger } from "./ledger.js";

/**
 * Every log of the chain so far, decoded for the ledger's reducers, and the state they fold into: an
 * independent rebuild from logs alone (no indexer).
 */
export async function foldChain(
  connection: NetworkConnection<"generic">,
  ledger: Ledger,
): Promise<{ events: LedgerEvent[]; state: MemoryState; lastBlock: bigint }> {
  const { provider } = connection.ethers;
  const lastBlock = BigInt(await provider.getBlockNumber());
  const logs = await provider.getLogs({ fromBlock: 0, toBlock: Number(lastBlock) });
  const timestamps = new Map<bigint, bigint>();
  for (const log of logs) {
    const block = BigInt(log.blockNumber);
    if (!timestamps.has(block)) timestamps.set(block, BigInt((await provider.getBlock(log.blockNumber))!.timestamp));
  }
  const address = async (contract: { getAddress(): Promise<string> }) => (await contract.getAddress()) as Address;
  const events = decodeLedgerLogs(
    logs.map((log) => ({
      address: log.address as Address,
      topics: log.topics as Hex[],
      data: log.data as Hex,
      blockNumber: BigInt(log.blockNumber),
      transactionHash: log.transactionHash as Hex,
      logIndex: log.index,
    })),
    {
      LedgerAccessManager: await address(ledger.accessManager),
      AssetRegistry: await address(ledger.registry),
      GrantRegistry: await address(ledger.grants),
      ContributionLedger: await address(ledger.contributions),
      RevenueVault: await address(ledger.vault),
      DisputeCourt: await address(ledger.disputeCourt),
    },
    (block) => timestamps.get(block)!,
  );
  const state = new MemoryState();
  for (const event of events) reduceLedgerEvent(event, state);
  return { events, state, lastBlock };
}
