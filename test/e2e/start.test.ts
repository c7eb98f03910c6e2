import { readdir, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";

import { expect } from "chai";

import { startExpectingExit, startStack, type RefusedStart, type Stack } from "./stack.js";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Every file under `dir` with its size and mtime: what a refused start must leave as it was. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { size, mtimeMs } = await stat(path);
    files[path.slice(dir.length)] = `${size} ${mtimeMs}`;
  }
  return files;
}

/** A refusal as the user sees it: a non-zero exit soon, one line naming the setting, no stack trace. */
function expectOneLineRefusal(run: RefusedStart, pattern: RegExp): void {
  expect(run.code, run.output).to.equal(1);
  // Hardhat's own start-up (the build check, loading the config) is most of it.
  expect(run.elapsedMs, run.output).to.be.below(60_000);
  const refusals = run.output.split("\n").filter((line) => line.startsWith("npm start: "));
  expect(refusals, run.output).to.have.length(1);
  expect(refusals[0]).to.match(pattern);
  expect(run.output).to.not.match(/^\s+at /m);
  expect(run.output).to.not.contain("report-bug");
}

describe("end to end: npm start refuses taken ports and a store in use, before touching anything", function () {
  this.timeout(420_000);
  const deploymentId = `e2e-start-${process.pid}-${Date.now()}`;
  const deploymentDir = join(ROOT, "ignition/deployments", deploymentId);
  const storeDir = join(ROOT, ".ledger", `indexer-${deploymentId}`);
  let first: Stack;
  let blocker: Server;
  let takenPort: number;
  let untouched: { record: Record<string, string>; storeInode: number };

  before(async () => {
    first = await startStack({ LEDGER_DEPLOYMENT_ID: deploymentId, LEDGER_DEMO: "0" });
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    takenPort = (blocker.address() as { port: number }).port;
    untouched = { record: await snapshot(deploymentDir), storeInode: (await stat(storeDir)).ino };
    expect(Object.keys(untouched.record)).to.include("/deployed_addresses.json");
  });

  after(async () => {
    blocker?.close();
    await first?.stop();
    await rm(deploymentDir, { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });
    await rm(`${storeDir}-documents`, { recursive: true, force: true });
    await rm(join(ROOT, ".ledger", `${deploymentId}.lock`), { force: true });
  });

  it("names LEDGER_RPC_PORT when the chain's port is taken", async () => {
    const run = await startExpectingExit({ LEDGER_DEPLOYMENT_ID: deploymentId, LEDGER_RPC_PORT: String(takenPort) });
    expectOneLineRefusal(run, new RegExp(`^npm start: port ${takenPort} on 127\\.0\\.0\\.1 is in use: set LEDGER_RPC_PORT `));
  });

  it("names LEDGER_API_PORT when the API's port is taken", async () => {
    const run = await startExpectingExit({ LEDGER_DEPLOYMENT_ID: deploymentId, LEDGER_API_PORT: String(takenPort) });
    expectOneLineRefusal(run, new RegExp(`^npm start: port ${takenPort} on 127\\.0\\.0\\.1 is in use: set LEDGER_API_PORT `));
  });

  it("names the running instance's pid when a second start uses the same deployment id", async () => {
    const run = await startExpectingExit({ LEDGER_DEPLOYMENT_ID: deploymentId });
    expectOneLineRefusal(run, new RegExp(`^npm start: the ledger store is in use by another npm start \\(pid ${first.pid}, .*set LEDGER_DEPLOYMENT_ID`));
  });

  it("left the first instance's deployment record and store as they were, and it still serves", async () => {
    expect(await snapshot(deploymentDir)).to.deep.equal(untouched.record);
    // The store is live (the indexer follows the chain, LevelDB compacts): the same directory, not one
    // deleted and made again, still LevelDB's (CURRENT) and still locked by the first instance (LOCK).
    expect((await stat(storeDir)).ino).to.equal(untouched.storeInode);
    expect(Object.keys(await snapshot(storeDir))).to.include.members(["/CURRENT", "/LOCK"]);
    const ready = (await (await fetch(`${first.apiUrl}/ready`)).json()) as { ready: boolean };
    expect(ready.ready).to.equal(true);
    const addresses = JSON.parse(await readFile(join(deploymentDir, "deployed_addresses.json"), "utf8")) as Record<string, string>;
    const registry = Object.entries(addresses).find(([future]) => /AssetRegistry$/.test(future))?.[1];
    expect(registry).to.match(/^0x[0-9a-fA-F]{40}$/);
    const code = await fetch(first.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getCode", params: [registry, "latest"] }),
    });
    expect(((await code.json()) as { result: string }).result).to.not.equal("0x");
  });
});
