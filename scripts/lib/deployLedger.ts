import type { NetworkConnection } from "hardhat/types/network";

import ProvenanceLedgerModule, { provenanceLedgerModule } from "../../ignition/modules/ProvenanceLedger.js";
import TestTokenModule, { testTokenModule } from "../../ignition/modules/TestToken.js";
import type {
  AssetRegistry,
  ContributionLedger,
  DisputeCourt,
  GrantRegistry,
  LedgerAccessManager,
  RevenueVault,
  TestToken,
} from "../../types/ethers-contracts/index.js";
import { DEFAULT_EVM_VERSION, type EvmVersion, ensureEvmBuild } from "../evm/build.js";
import { checkChainRuns, describeChain } from "../evm/chainCheck.js";

/** The ledger's contracts, typed, as one deployment holds them. */
export interface LedgerContracts {
  accessManager: LedgerAccessManager;
  registry: AssetRegistry;
  grants: GrantRegistry;
  contributions: ContributionLedger;
  vault: RevenueVault;
  court: DisputeCourt;
  /** The settlement token: the test token (anyone may mint it) unless the deployment names another ERC-20. */
  token: TestToken;
}

export interface DeployLedgerOptions {
  /** Ignition's deployment id (default: Ignition's, `chain-<id>`); deploying again under it attaches. */
  deploymentId?: string;
  /** The ERC-20 revenue is paid in; without it the TestToken module is deployed and used. */
  settlementToken?: string;
  /**
   * Other parameters of the ProvenanceLedger module: `noticePeriodSeconds` (at least 60), `challengeWindowSeconds`
   * (at least 60), `rulingPeriodSeconds`, `answerPeriodSeconds` (the respondent's time before any ruling, at
   * least 3600), `disputeMinimumBond` (every kind's smallest bond, in the token's smallest unit), ...
   */
  parameters?: Record<string, string | number | bigint>;
  /**
   * The EVM version the contracts are built for (LEDGER_EVM_VERSION): "cancun" (default) deploys Hardhat's build;
   * an older one builds (or reuses) artifacts-evm/<version>, minutes the first time. The chain is checked to run
   * that version's opcodes before any transaction.
   */
  evmVersion?: EvmVersion;
  /** Progress of the older-EVM build (it takes minutes the first time); default: none. */
  log?: (line: string) => void;
}

/**
 * Deploys the ledger with its Ignition modules through `connection`, or attaches to the deployment Ignition
 * recorded under the same id, and returns the contracts typed. A chain that does not run the opcodes of
 * `evmVersion` is refused (ChainEvmMismatchError) before anything is sent.
 */
export async function deployLedgerContracts(
  connection: NetworkConnection<"l1" | "generic">,
  options: DeployLedgerOptions = {},
): Promise<LedgerContracts> {
  const { ethers, ignition, networkConfig, provider } = connection;
  const evmVersion = options.evmVersion ?? DEFAULT_EVM_VERSION;
  const where = networkConfig.type === "http" ? await networkConfig.url.get() : `Hardhat's in-process network "${connection.networkName}"`;
  await checkChainRuns((args) => provider.request(args), evmVersion, await describeChain((args) => provider.request(args), where));
  const build = await ensureEvmBuild(evmVersion, options.log === undefined ? {} : { log: options.log });
  const deploymentId = options.deploymentId === undefined ? {} : { deploymentId: options.deploymentId };
  let settlementToken = options.settlementToken;
  if (settlementToken === undefined) {
    const tokenModule = build === undefined ? TestTokenModule : testTokenModule(build.artifacts.TestToken);
    const { token } = await ignition.deploy(tokenModule, { ...deploymentId, displayUi: false });
    settlementToken = await token.getAddress();
  }
  const ledgerModule = build === undefined ? ProvenanceLedgerModule : provenanceLedgerModule(build.artifacts);
  const deployed = await ignition.deploy(ledgerModule, {
    ...deploymentId,
    displayUi: false,
    parameters: { ProvenanceLedger: { ...options.parameters, settlementToken } },
  });
  const at = async <T>(name: string, contract: { getAddress(): Promise<string> } | string): Promise<T> =>
    (await ethers.getContractAt(name, typeof contract === "string" ? contract : await contract.getAddress())) as unknown as T;
  return {
    accessManager: await at<LedgerAccessManager>("LedgerAccessManager", deployed.accessManager),
    registry: await at<AssetRegistry>("AssetRegistry", deployed.registry),
    grants: await at<GrantRegistry>("GrantRegistry", deployed.grants),
    contributions: await at<ContributionLedger>("ContributionLedger", deployed.contributions),
    vault: await at<RevenueVault>("RevenueVault", deployed.vault),
    court: await at<DisputeCourt>("DisputeCourt", deployed.court),
    token: await at<TestToken>("TestToken", settlementToken),
  };
}
