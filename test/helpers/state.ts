import type { NetworkConnection } from "hardhat/types/network";

import type { LedgerEvent, MemoryState } from "../../ledger/state/index.js";
import { ledgerAddresses, ledgerStateFromNode } from "../../scripts/lib/ledgerState.js";
import type { Ledger } from "./ledger.js";

/**
 * Every log of the ledger's contracts so far, decoded for the reducers, and the state they fold into: an
 * independent rebuild from logs alone (no indexer).
 */
export async function foldChain(
  connection: NetworkConnection<"generic">,
  ledger: Ledger,
): Promise<{ events: LedgerEvent[]; state: MemoryState; lastBlock: bigint }> {
  return ledgerStateFromNode(connection.ethers.provider, await ledgerAddresses({ ...ledger, court: ledger.disputeCourt }));
}
