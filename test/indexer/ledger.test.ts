import { createHash } from "node:crypto";
import { rename } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { key, readDocument, type AssetRecord, type MemoryState, type Totals } from "../../ledger/state/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { LEDGER_REDUCER_VERSION, reducer } from "../../services/indexer/reducers/ledger.js";
import { ledgerStateAt } from "../../services/indexer/settlement.js";
import { createIndexer } from "../../services/indexer/sync/engine.js";
import { CHAIN_CLIENTS, startChain, type TestChain } from "./helpers/chain.js";
import { everyEvidenceKind, type Scenario } from "../helpers/scenario.js";
import { foldChain } from "../helpers/state.js";

/** The indexer's state digest, computed over an in-memory state: sha256 of length-prefixed keys and values. */
function digestOf(state: MemoryState): string {
  const hash = createHash("sha256");
  const length = Buffer.alloc(4);
  for (const [stateKey, value] of state.all()) {
    const keyBytes = Buffer.from(stateKey);
    const valueBytes = Buffer.from(value);
    length.writeUInt32BE(keyBytes.length);
    hash.update(length).update(keyBytes);
    length.writeUInt32BE(valueBytes.length);
    hash.update(length).update(valueBytes);
  }
  return `0x${hash.digest("hex")}`;
}

// The same scenario on each client: Hardhat's EDR and anvil must give the state the logs fold to.
for (const client of CHAIN_CLIENTS) {
  describe(`indexer: the ledger's contracts on ${client}`, function () {
    this.timeout(120_000);
    let chain: TestChain;
    let scenario: Scenario;
    let deploymentDir: string;

    before(async () => {
      chain = await startChain({ client });
      const connection = await network.create({ network: "localhost", override: { url: chain.url } });
      const deploymentId = `ledger-indexer-test-${process.pid}-${Date.now()}`;
      scenario = await everyEvidenceKind(connection, { deploymentId });
      deploymentDir = join(chain.dir, "ledger-deployment");
      await rename(join("ignition", "deployments", deploymentId), deploymentDir);
    });

    after(async () => {
      await chain?.close();
    });

    it("indexes a scenario through every contract into the state an independent rebuild from the logs gives", async () => {
      const { contracts, chainId } = await readIgnitionDeployment(deploymentDir);
      expect(contracts.map((c) => c.name).sort()).to.deep.equal(
        ["AssetRegistry", "ContributionLedger", "DisputeCourt", "GrantRegistry", "LedgerAccessManager", "RevenueVault", "TestToken"].sort(),
      );
      const indexer = await createIndexer({
        rpcUrl: chain.url,
        dbPath: join(chain.dir, "ledger-db"),
        contracts,
        reducer,
        reducerVersion: LEDGER_REDUCER_VERSION,
        finalityDepth: 5,
        range: { initial: 20, max: 500 },
        ...(chainId === undefined ? {} : { expectedChainId: chainId }),
      });
      try {
        await indexer.syncOnce();
        const connection = await network.create({ network: "localhost", override: { url: chain.url } });
        const rebuild = await foldChain(connection, scenario.ledger);
        expect(indexer.store.cursor.number).to.equal(Number(rebuild.lastBlock));
        expect(await indexer.store.digestState()).to.equal(digestOf(rebuild.state));

        // And the state is the ledger's: spot checks against the contracts.
        const [seq, head] = await scenario.ledger.registry.evidenceHead(scenario.assetIds[0]!);
        const asset = readDocument<AssetRecord>({ get: (k) => indexer.store.readState(k) }, key.asset(scenario.assetIds[0]!))!;
        expect(asset.evidence).to.deep.equal({ seq: Number(seq), head });
        // Every log of the deployment's contracts is stored once, modelled or not.
        const logs = await connection.ethers.provider.getLogs({
          address: contracts.map((c) => c.address),
          fromBlock: 0,
          toBlock: indexer.store.cursor.number,
        });
        expect(await indexer.store.countEvents()).to.equal(logs.length);
        const totals = readDocument<Totals>({ get: (k) => indexer.store.readState(k) }, key.totals())!;
        expect(totals.events).to.be.greaterThan(100);

        // The state at any past block is the stored logs up to it, folded: at the cursor, the same state.
        const atCursor = await ledgerStateAt(indexer.store, contracts, indexer.store.cursor.number);
        expect(digestOf(atCursor)).to.equal(digestOf(rebuild.state));
        const earlier = await ledgerStateAt(indexer.store, contracts, Number(rebuild.events[40]!.blockNumber));
        expect(earlier.size).to.be.lessThan(atCursor.size);
        await expect(ledgerStateAt(indexer.store, contracts, indexer.store.cursor.number + 1)).to.be.rejectedWith(RangeError, /not indexed yet/);
      } finally {
        await indexer.close();
      }
    });
  });
}
