import type { Abi, Address } from "viem";

import {
  accessManagerAbi,
  assetRegistryAbi,
  contributionLedgerAbi,
  disputeCourtAbi,
  grantRegistryAbi,
  revenueVaultAbi,
} from "../abi.js";

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

/** Where a deployment's ledger contracts are, by name. */
export type LedgerAddresses = Readonly<Partial<Record<LedgerContractName, Address>>>;
