import { rename } from "node:fs/promises";
import { join } from "node:path";

import type { NetworkConnection } from "hardhat/types/network";

import { seedDemo, type DemoContracts, type DemoResult } from "../../scripts/demo/seed.js";
import { deployLedgerContracts } from "../../scripts/lib/deployLedger.js";

/**
 * The demo `npm start` seeds, deployed by the Ignition modules through `connection` (an HTTP network),
 * its deployment record moved to `recordDir` for an indexer to read.
 */
export async function deployDemo(
  connection: NetworkConnection<"generic">,
  recordDir: string,
): Promise<{ contracts: DemoContracts; demo: DemoResult }> {
  const { ethers, networkHelpers } = connection;
  const deploymentId = `demo-${process.pid}-${Date.now()}`;
  const contracts = await deployLedgerContracts(connection, { deploymentId, parameters: { noticePeriodSeconds: 60 } });
  await rename(join("ignition", "deployments", deploymentId), recordDir);
  const demo = await seedDemo(contracts, await ethers.getSigners(), (seconds) => networkHelpers.time.increase(seconds).then(() => {}));
  return { contracts, demo };
}
