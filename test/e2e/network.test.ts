import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import { spawnNode } from "../../scripts/bench/ledgerEvents.js";
import { startStack } from "./stack.js";

/** Hardhat's first dev account: funded on the node, as a real network's deployer would be. */
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ROOT = new URL("../../", import.meta.url).pathname;

/** The contract addresses `npm start` printed, by name. */
function addressesIn(output: string): Record<string, string> {
  return Object.fromEntries([...output.matchAll(/^\s{2}(\w+)\s+(0x[0-9a-fA-F]{40})$/gm)].map((match) => [match[1]!, match[2]!]));
}

describe("end to end: npm start on another network", function () {
  this.timeout(300_000);
  let node: ChildProcess;
  let rpcUrl: string;
  const deploymentId = `e2e-network-${process.pid}-${Date.now()}`;

  before(async () => {
    ({ url: rpcUrl, node } = await spawnNode());
  });

  after(async () => {
    node?.kill("SIGTERM");
    if (node !== undefined && node.exitCode === null) await once(node, "exit");
    await rm(join(ROOT, "ignition/deployments", deploymentId), { recursive: true, force: true });
    await rm(join(ROOT, ".ledger", `indexer-${deploymentId}`), { recursive: true, force: true });
    await rm(join(ROOT, ".ledger", `indexer-${deploymentId}-documents`), { recursive: true, force: true });
  });

  async function blockNumber(): Promise<number> {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    });
    return Number(((await response.json()) as { result: string }).result);
  }

  it("deploys there with the key from the environment on the first run, attaches to the recorded deployment on the next", async () => {
    const env = { LEDGER_RPC_URL: rpcUrl, LEDGER_DEPLOYER_KEY: DEPLOYER_KEY, LEDGER_DEPLOYMENT_ID: deploymentId };
    const first = await startStack(env);
    const deployed = addressesIn(first.output());
    expect(Object.keys(deployed).sort()).to.deep.equal(["accessManager", "contributions", "court", "grants", "registry", "token", "vault"]);
    expect(first.output()).to.not.match(/demo:/); // no demo on a network whose clock cannot be moved
    expect(first.output()).to.contain("LEDGER_SETTLEMENT_TOKEN is not set");
    const ready = (await (await fetch(`${first.apiUrl}/ready`)).json()) as { ready: boolean; indexedBlock: number };
    expect(ready.ready).to.equal(true);
    expect(await first.stop()).to.equal(0);
    const afterDeploy = await blockNumber();
    expect(ready.indexedBlock).to.equal(afterDeploy);

    const second = await startStack(env);
    expect(addressesIn(second.output())).to.deep.equal(deployed);
    // Attaching sent nothing; the indexer, from its kept store, is caught up.
    expect(await blockNumber()).to.equal(afterDeploy);
    const resumed = (await (await fetch(`${second.apiUrl}/ready`)).json()) as { ready: boolean; indexedBlock: number };
    expect(resumed).to.include({ ready: true, indexedBlock: afterDeploy });
    expect(await second.stop()).to.equal(0);
  });

  it("refuses bad settings before touching the network, naming each", async () => {
    const before = await blockNumber();
    const refused = await startStack(
      { LEDGER_RPC_URL: "ftp://example.org", LEDGER_API_PORT: "http", LEDGER_EVM_VERSION: "istanbul", LEDGER_SESSION_SECRET: "short", LEDGER_FINALITY_DEPTH: "-1" },
      60_000,
    ).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    expect(refused).to.match(/LEDGER_RPC_URL: must be an http\(s\) URL/);
    expect(refused).to.match(/LEDGER_API_PORT: must be a port number/);
    expect(refused).to.match(/LEDGER_EVM_VERSION: one of berlin, london, paris, shanghai, cancun/);
    expect(refused).to.match(/LEDGER_SESSION_SECRET: at least 32 characters/);
    expect(refused).to.match(/LEDGER_FINALITY_DEPTH: /);
    expect(await blockNumber()).to.equal(before);
  });
});
