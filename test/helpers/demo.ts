import { rename } from "node:fs/promises";
import { join } from "node:path";

import type { NetworkConnection } from "hardhat/types/network";

import ProvenanceLedgerModule from "../../ignition/modules/ProvenanceLedger.js";
import TestTokenModule from "../../ignition/modules/TestToken.js";
import { seedDemo, type DemoContracts, type DemoResult } from "../../scripts/demo/seed.js";
import type {
  AssetRegistry,
  ContributionLedger,
  DisputeCourt,
  GrantRegistry,
  LedgerAccessManager,
  RevenueVault,
  TestToken,
} from "../../types/ethers-contracts/index.js";

/**
 * The demo `npm start` seeds, deployed by the Ignition modules through `connection` (an HTTP network),
 * its deployment record moved to `recordDir` for an indexer to read.
 */
export async function deployDemo(
  connection: NetworkConnection<"generic">,
  recordDir: string,
): Promise<{ contracts: DemoContracts; demo: DemoResult }> {
  const { ethers, ignition, networkHelpers } = connection;
  const deploymentId = `demo-${process.pid}-${Date.now()}`;
  const { token } = await ignition.deploy(TestTokenModule, { deploymentId, displayUi: false });
  const deployed = await ignition.deploy(ProvenanceLedgerModule, {
    deploymentId,
    displayUi: false,
    parameters: { ProvenanceLedger: { noticePeriodSeconds: 60, settlementToken: await token.getAddress() } },
  });
  await rename(join("ignition", "deployments", deploymentId), recordDir);
  const contracts: DemoContracts = {
    accessManager: (await ethers.getContractAt("LedgerAccessManager", await deployed.accessManager.getAddress())) as unknown as LedgerAccessManager,
    registry: (await ethers.getContractAt("AssetRegistry", await deployed.registry.getAddress())) as unknown as AssetRegistry,
    grants: (await ethers.getContractAt("GrantRegistry", await deployed.grants.getAddress())) as unknown as GrantRegistry,
    contributions: (await ethers.getContractAt("ContributionLedger", await deployed.contributions.getAddress())) as unknown as ContributionLedger,
    vault: (await ethers.getContractAt("RevenueVault", await deployed.vault.getAddress())) as unknown as RevenueVault,
    court: (await ethers.getContractAt("DisputeCourt", await deployed.court.getAddress())) as unknown as DisputeCourt,
    token: (await ethers.getContractAt("TestToken", await token.getAddress())) as unknown as TestToken,
  };
  const demo = await seedDemo(contracts, await ethers.getSigners(), (seconds) => networkHelpers.time.increase(seconds).then(() => {}));
  return { contracts, demo };
}
