import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toHex, type Hex } from "viem";

import { PartyKind } from "../../ledger/types.js";
import { inspectStore } from "../../services/indexer/store/digest.js";
import type { DemoResult } from "../../scripts/demo/seed.js";
import { runCliInProcess } from "../cli/harness.js";
import { deployDemo } from "../helpers/demo.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";

/**
 * Read replicas: two ledger node processes (`npm run indexer`: services/node/main.ts with the API) on one
 * chain, one killed with SIGKILL in the middle of its sync and started again on the same store. Both end at
 * the same block with the same state digest, `provenance nodes compare` says they agree, and the API
 * answers the same bytes to the same requests.
 */

/** Empty blocks mined after the demo: with small ranges they make the sync last seconds, long enough to kill a node in it. */
const EMPTY_BLOCKS = 1_500;
/** Blocks per eth_getLogs range: many small commits. */
const MAX_RANGE = 3;
/** What both replicas print on certificates: the same pages' address behind the load balancer. */
const WEB_URL = "http://ledger.replicas.test";

interface NodeProcess {
  readonly child: ChildProcess;
  /** The API's URL, from the node's "API listening" log line. */
  readonly url: string;
  readonly dbPath: string;
}

/** One GET's answer, as bytes. */
interface Answer {
  status: number;
  type: string | null;
  bytes: Buffer;
}

interface Readiness {
  ready: boolean;
  indexedBlock: number;
  indexedBlockHash: Hex | null;
  headBlock: number | null;
}

/** Starts a ledger node as `npm run indexer` does, serving its API on a free port; resolves once it listens. */
async function spawnLedgerNode(chain: TestChain, deploymentDir: string, dbPath: string): Promise<NodeProcess> {
  const args = [
    ...["--import", "tsx", "services/node/main.ts"],
    ...["--rpc-url", chain.url, "--db", dbPath, "--deployment", deploymentDir],
    ...["--api-port", "0", "--web-url", WEB_URL],
    ...["--max-range", String(MAX_RANGE), "--initial-range", String(MAX_RANGE), "--concurrency", "1"],
    ...["--poll-interval-ms", "200", "--log-level", "info"],
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code, signal) => reject(new Error(`the node exited (${code ?? signal}) before listening: ${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (process.env.REPLICAS_DEBUG === "1") process.stderr.write(`${dbPath}: ${line}\n`);
      try {
        const record = JSON.parse(line) as { msg?: string; url?: string };
        if (record.msg === "API listening" && record.url !== undefined) resolve(record.url);
      } catch {
        // Not a log record.
      }
    });
  });
  return { child, url, dbPath };
}

async function stop(node: NodeProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (node === undefined || node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = once(node.child, "exit");
  node.child.kill(signal);
  await exited;
}

async function readiness(node: NodeProcess): Promise<Readiness> {
  return (await (await fetch(`${node.url}/ready`)).json()) as Readiness;
}

/** Polls `/ready` until `done` says so; generous: the machine may be loaded. */
async function waitFor(node: NodeProcess, done: (ready: Readiness) => boolean, what: string, timeoutMs = 240_000): Promise<Readiness> {
  const deadline = Date.now() + (process.env.REPLICAS_DEBUG === "1" ? 30_000 : timeoutMs);
  for (;;) {
    const ready = await readiness(node);
    if (done(ready)) return ready;
    if (Date.now() > deadline) throw new Error(`${node.url}: ${what} within ${timeoutMs} ms; last /ready ${JSON.stringify(ready)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("read replicas: two ledger nodes on one chain, one killed mid-sync", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let demo: DemoResult;
  let deploymentDir: string;
  let head: number;
  let firstBlock: number;
  let a: NodeProcess | undefined;
  let b: NodeProcess | undefined;
  /** Where node A was when it was killed. */
  let killedAt: number;
  /** Its indexed block on the first /ready after the restart. */
  let resumedAt: number;

  before(async () => {
    chain = await startChain();
    const connection = await network.create({ network: "localhost", override: { url: chain.url } });
    deploymentDir = join(chain.dir, "demo-deployment");
    const deployed = await deployDemo(connection, deploymentDir);
    demo = deployed.demo;
    firstBlock = Number(await connection.ethers.provider.getBlockNumber());
    // Empty blocks, then one more ledger event: events before and after the stretch the kill lands in.
    // One evm_mine each: after a `hardhat_mine` of this stretch the indexer stalled at the demo's last block
    // ("block N+1 does not follow the stored block N", retried forever); not explained yet, reported.
    for (let i = 0; i < EMPTY_BLOCKS; i += 1) await chain.rpc("evm_mine");
    const signers = await connection.ethers.getSigners();
    await (await deployed.contracts.registry.connect(signers[1]!).registerParty(signers[12]!.address, PartyKind.ENTERPRISE, keccak256(toHex("replica")))).wait();
    head = await chain.head();
    await connection.close();

    a = await spawnLedgerNode(chain, deploymentDir, join(chain.dir, "node-a"));
    b = await spawnLedgerNode(chain, deploymentDir, join(chain.dir, "node-b"));
    // A: killed once it has committed ranges past the demo, before it has caught up.
    const midway = await waitFor(a, (r) => r.indexedBlock > firstBlock && r.indexedBlock < head - 10 * MAX_RANGE, "no commit past the demo");
    await stop(a, "SIGKILL");
    killedAt = midway.indexedBlock;
    expect(a.child.signalCode).to.equal("SIGKILL");
    a = await spawnLedgerNode(chain, deploymentDir, a.dbPath);
    resumedAt = (await readiness(a)).indexedBlock;
    await Promise.all([a, b].map((node) => waitFor(node, (r) => r.ready && r.indexedBlock === head, "not caught up")));
  });

  after(async () => {
    await stop(a, "SIGKILL");
    await stop(b, "SIGKILL");
    await chain?.close();
  });

  it("resumes the killed node from its store, not from the start", () => {
    expect(killedAt).to.be.greaterThan(firstBlock);
    expect(killedAt).to.be.lessThan(head);
    // A commit may have landed between the last /ready and the kill: never less than what was seen.
    expect(resumedAt).to.be.at.least(killedAt);
  });

  it("gives both nodes the same digest at the same block, on the API and in their stores read offline", async () => {
    const answers = await Promise.all([a!, b!].map(async (node) => (await fetch(`${node.url}/ledger/digest`)).json()));
    expect(answers[0]).to.deep.equal(answers[1]);
    const [readyA, readyB] = await Promise.all([readiness(a!), readiness(b!)]);
    expect(readyA.indexedBlockHash).to.equal((await chain.rpc<{ hash: Hex }>("eth_getBlockByNumber", [toHex(head), false])).hash);
    expect(readyA.indexedBlockHash).to.equal(readyB.indexedBlockHash);
    // Also below the indexed block (folded from each node's stored logs), at the demo's last block.
    const atDemo = await Promise.all([a!, b!].map(async (node) => (await fetch(`${node.url}/ledger/digest?atBlock=${firstBlock}`)).json()));
    expect(atDemo[0]).to.deep.equal(atDemo[1]);

    // The stores themselves, once the nodes have stopped: the digest the API gave, the same events.
    await stop(a, "SIGTERM");
    await stop(b, "SIGTERM");
    const [storeA, storeB] = await Promise.all([inspectStore(a!.dbPath), inspectStore(b!.dbPath)]);
    expect(storeA).to.deep.equal(storeB);
    expect(storeA.cursor?.number).to.equal(head);
    expect(storeA.digest).to.equal((answers[0] as { digest: Hex }).digest);
    a = await spawnLedgerNode(chain, deploymentDir, a!.dbPath);
    b = await spawnLedgerNode(chain, deploymentDir, b!.dbPath);
    await Promise.all([a, b].map((node) => waitFor(node, (r) => r.ready && r.indexedBlock === head, "not caught up after a restart")));
  });

  it("`provenance nodes compare` says they agree", async () => {
    const run = await runCliInProcess(["nodes", "compare", a!.url, b!.url], {}, chain.dir);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include(`state digests at block ${head}:`);
    expect(run.stdout.trim().split("\n").at(-1)).to.equal("agree");
  });

  it("answers the same bytes to the same requests on both nodes", async () => {
    const product = demo.assets.product!;
    const paths = [
      "/ledger",
      "/assets",
      `/assets/${product}`,
      `/assets/${product}/evidence`,
      `/assets/${product}/certificate`,
      "/parties",
      "/settlements",
      `/settlements/${demo.epochId}`,
      `/products/${product}/split?amount=1000000007`,
      `/ledger/digest?atBlock=${firstBlock + 1}`,
    ];
    for (const path of paths) {
      const [fromA, fromB] = (await Promise.all(
        [a!, b!].map(async (node) => {
          const response = await fetch(node.url + path);
          return { status: response.status, type: response.headers.get("content-type"), bytes: Buffer.from(await response.arrayBuffer()) };
        }),
      )) as [Answer, Answer];
      expect(fromA.status, `${path}: ${fromA.bytes.toString()}`).to.equal(200);
      expect(fromB.status, path).to.equal(200);
      expect(fromB.type, path).to.equal(fromA.type);
      expect(fromB.bytes.equals(fromA.bytes), `${path}: the two nodes' bytes differ`).to.equal(true);
    }
  });
});
