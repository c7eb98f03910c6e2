import { rm } from "node:fs/promises";
import { network } from "hardhat";

import ProvenanceLedgerModule from "../ignition/modules/ProvenanceLedger.js";
import TestTokenModule from "../ignition/modules/TestToken.js";
import type {
  AssetRegistry,
  ContributionLedger,
  DisputeCourt,
  GrantRegistry,
  LedgerAccessManager,
  RevenueVault,
  TestToken,
} from "../types/ethers-contracts/index.js";
import { readIgnitionDeployment } from "../services/indexer/deployment.js";
import { createLogger } from "../services/indexer/logger.js";
import { LEDGER_REDUCER_VERSION, reducer } from "../services/indexer/reducers/ledger.js";
import { createIndexer } from "../services/indexer/sync/engine.js";
import { seedDemo } from "./demo/seed.js";

/**
 * `npm start`: the ledger on an embedded chain. Serves an in-process Hardhat chain over JSON-RPC on
 * 127.0.0.1, deploys the contracts with the Ignition module through that endpoint (as on any network),
 * seeds a demo unless LEDGER_DEMO=0, starts the indexer (LevelDB under `.ledger/`) following the chain,
 * prints what a newcomer needs, and runs until Ctrl-C.
 */
const HOST = "127.0.0.1";
const port = Number(process.env.LEDGER_RPC_PORT ?? "8545");
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  throw new Error(`LEDGER_RPC_PORT must be a port number (1-65535), got "${process.env.LEDGER_RPC_PORT}"`);
}
const seed = process.env.LEDGER_DEMO !== "0";

const server = await network.createServer("default", HOST, port);
const { address, port: boundPort } = await server.listen().catch((error: unknown) => {
  throw new Error(`cannot listen on ${HOST}:${port} (set LEDGER_RPC_PORT to use another port)`, { cause: error });
});
const rpcUrl = `http://${address}:${boundPort}`;
console.log(`embedded chain: ${rpcUrl}`);

// The embedded chain starts empty on every run, so the previous run's Ignition journal for it is void.
await rm(new URL("../ignition/deployments/chain-31337", import.meta.url), { recursive: true, force: true });
const connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
const { ethers, ignition, provider } = connection;
// The embedded chain settles revenue in a test token; other networks pass their own token's address.
const { token } = await ignition.deploy(TestTokenModule, { displayUi: false });
const deployed = await ignition.deploy(ProvenanceLedgerModule, {
  // A one-minute public-notice window keeps the demo quick; real deployments keep the module's week.
  parameters: {
    ProvenanceLedger: { noticePeriodSeconds: seed ? 60 : 7 * 24 * 3600, settlementToken: await token.getAddress() },
  },
  displayUi: false,
});
const contracts = {
  accessManager: (await ethers.getContractAt("LedgerAccessManager", await deployed.accessManager.getAddress())) as unknown as LedgerAccessManager,
  registry: (await ethers.getContractAt("AssetRegistry", await deployed.registry.getAddress())) as unknown as AssetRegistry,
  grants: (await ethers.getContractAt("GrantRegistry", await deployed.grants.getAddress())) as unknown as GrantRegistry,
  contributions: (await ethers.getContractAt("ContributionLedger", await deployed.contributions.getAddress())) as unknown as ContributionLedger,
  vault: (await ethers.getContractAt("RevenueVault", await deployed.vault.getAddress())) as unknown as RevenueVault,
  court: (await ethers.getContractAt("DisputeCourt", await deployed.court.getAddress())) as unknown as DisputeCourt,
  token: (await ethers.getContractAt("TestToken", await token.getAddress())) as unknown as TestToken,
};
const chainId = (await ethers.provider.getNetwork()).chainId;
console.log(`chain id ${chainId}; contracts (recorded in ignition/deployments/chain-${chainId}/):`);
for (const [name, contract] of Object.entries(contracts)) console.log(`  ${name.padEnd(14)} ${await contract.getAddress()}`);

if (seed) {
  const demo = await seedDemo(
    contracts,
    await ethers.getSigners(),
    async (seconds) => {
      await provider.request({ method: "evm_increaseTime", params: [seconds] });
      await provider.request({ method: "evm_mine", params: [] });
    },
    (line) => console.log(`  demo: ${line}`),
  );
  for (const [label, assetId] of Object.entries(demo.assets)) {
    const [seq, head] = await contracts.registry.evidenceHead(assetId);
    console.log(`  certificate #${assetId} (${label}): holder ${await contracts.registry.holderOf(assetId)}, evidence ${seq} entries, head ${head}`);
  }
}

// The indexer follows the chain from the deployment record, with the ledger's reducers; the embedded
// chain is new on every run, so is its store.
const deploymentDir = new URL(`../ignition/deployments/chain-${chainId}`, import.meta.url).pathname;
const dbPath = new URL(`../.ledger/indexer-chain-${chainId}`, import.meta.url).pathname;
await rm(dbPath, { recursive: true, force: true });
const { contracts: indexed } = await readIgnitionDeployment(deploymentDir);
const indexer = await createIndexer({
  rpcUrl,
  dbPath,
  contracts: indexed,
  reducer,
  reducerVersion: LEDGER_REDUCER_VERSION,
  expectedChainId: Number(chainId),
  finalityDepth: 5,
  pollIntervalMs: 1_000,
  logger: createLogger(process.env.LEDGER_LOG_LEVEL ?? "warn"),
});
const caughtUp = await indexer.syncOnce();
console.log(`indexer: ${await indexer.store.countEvents()} events up to block ${caughtUp.cursor}, in ${dbPath}; following the chain`);
const stopIndexer = new AbortController();
const following = indexer.run({ signal: stopIndexer.signal }).catch((error: unknown) => {
  console.error("indexer stopped:", error);
});

console.log("ledger is up; Ctrl-C stops it");
const stop = async () => {
  console.log("stopping");
  stopIndexer.abort();
  await following;
  await indexer.close();
  await connection.close();
  await server.close();
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
await server.afterClosed();
