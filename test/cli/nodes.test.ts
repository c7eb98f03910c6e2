import { createServer, type Server } from "node:http";
import { join } from "node:path";

import { expect } from "chai";
import { Level } from "level";
import { network } from "hardhat";

import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment, type DeployedContract } from "../../services/shared/deployment.js";
import { LEDGER_REDUCER_VERSION } from "../../services/indexer/reducers/ledger.js";
import { deployDemo } from "../helpers/demo.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";
import { runCliInProcess } from "./harness.js";

interface CompareJson {
  ok: boolean;
  block: number;
  comparable: boolean;
  agree: boolean;
  nodes: { node: string; url: string; indexedBlock: number; digest: string; reducerVersion: string; events: number }[];
}

describe("provenance nodes compare", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let deployment: { chainId?: number | undefined; contracts: readonly DeployedContract[] };
  const nodes: LedgerNode[] = [];
  let a: LedgerNode;
  let b: LedgerNode;
  /** A replica whose store was doctored: one state entry the chain never made. */
  let doctored: LedgerNode;
  /** A replica that folds the same chain under another reducer version. */
  let otherVersion: LedgerNode;

  const cli = (args: readonly string[]) => runCliInProcess(args, {}, chain.dir);
  const urlOf = (node: LedgerNode) => node.api!.url;

  async function startNode(name: string, options: { reducerVersion?: string } = {}): Promise<LedgerNode> {
    const node = await startLedgerNode({ rpcUrl: chain.url, dbPath: join(chain.dir, name), deployment, api: { port: 0 }, ...options });
    nodes.push(node);
    await node.syncOnce();
    return node;
  }

  before(async () => {
    chain = await startChain();
    const connection = await network.create({ network: "localhost", override: { url: chain.url } });
    const recordDir = join(chain.dir, "demo-deployment");
    await deployDemo(connection, recordDir);
    deployment = await readIgnitionDeployment(recordDir);
    a = await startNode("a");
    b = await startNode("b");
    // Synced like the others, stopped, one entry written into its state behind the indexer's back, started again.
    const first = await startNode("doctored");
    await first.close();
    nodes.splice(nodes.indexOf(first), 1);
    const db = new Level<string, string>(join(chain.dir, "doctored"), { keyEncoding: "utf8", valueEncoding: "utf8" });
    await db.put("s:doctored", "an entry the chain never made");
    await db.close();
    doctored = await startNode("doctored");
    otherVersion = await startNode("other-version", { reducerVersion: `${LEDGER_REDUCER_VERSION}-other` });
  });

  after(async () => {
    for (const node of nodes) await node.close();
    await chain?.close();
  });

  it("says `agree` (exit 0) for two replicas of one chain, with each node's indexed block and the digest at the common block", async () => {
    const indexed = a.indexer.store.cursor.number;
    const expected = (await b.indexer.store.digestState()).toString();
    const run = await cli(["nodes", "compare", urlOf(a), urlOf(b)]);
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).to.equal(`state digests at block ${indexed}:`);
    expect(lines[2]).to.match(new RegExp(`^  A +${urlOf(a)} +${indexed}  ${expected}  ${LEDGER_REDUCER_VERSION}$`));
    expect(lines[3]).to.match(new RegExp(`^  B +${urlOf(b)} +${indexed}  ${expected}  ${LEDGER_REDUCER_VERSION}$`));
    expect(lines.at(-1)).to.equal("agree");
  });

  it("compares at --block, below both nodes' indexed block, and prints JSON with --json", async () => {
    const block = a.indexer.store.cursor.number - 5;
    const run = await cli(["nodes", "compare", urlOf(a), `${urlOf(b)}/`, "--block", String(block), "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const answer = JSON.parse(run.stdout) as CompareJson;
    expect(answer).to.include({ ok: true, block, comparable: true, agree: true });
    expect(answer.nodes.map((n) => [n.node, n.url, n.indexedBlock])).to.deep.equal([
      ["A", urlOf(a), a.indexer.store.cursor.number],
      ["B", urlOf(b), b.indexer.store.cursor.number],
    ]);
    expect(answer.nodes[0]!.digest).to.equal(answer.nodes[1]!.digest);
  });

  it("says `DISAGREE` (exit 1) against a node whose state was doctored", async () => {
    const run = await cli(["nodes", "compare", urlOf(a), urlOf(doctored)]);
    expect(run.code).to.equal(1);
    expect(run.stdout.trim().split("\n").at(-1)).to.equal("DISAGREE");
    expect(run.stderr).to.match(/the nodes DISAGREE at block \d+/);
    const json = JSON.parse((await cli(["--json", "nodes", "compare", urlOf(a), urlOf(doctored)])).stdout) as CompareJson;
    expect(json).to.include({ ok: false, comparable: true, agree: false });
    expect(json.nodes[0]!.digest).to.equal(await a.indexer.store.digestState());
    expect(json.nodes[1]!.digest).to.equal(await doctored.indexer.store.digestState());
    // Below its indexed block the doctored node folds its stored logs (which are the chain's): it agrees there.
    const earlier = await cli(["nodes", "compare", urlOf(a), urlOf(doctored), "--block", String(a.indexer.store.cursor.number - 1)]);
    expect(earlier.code, earlier.stdout).to.equal(0);
  });

  it("reports different reducer versions as not comparable (exit 1)", async () => {
    const run = await cli(["nodes", "compare", urlOf(a), urlOf(otherVersion)]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include(
      `not comparable: the nodes fold with different reducer versions (${LEDGER_REDUCER_VERSION} and ${LEDGER_REDUCER_VERSION}-other)`,
    );
    expect(run.stdout).not.to.match(/^(agree|DISAGREE)$/m);
  });

  it("fails (exit 1) naming the node that is not yet at --block, or that cannot be reached", async () => {
    const beyond = b.indexer.store.cursor.number + 1;
    const notYet = await cli(["nodes", "compare", urlOf(a), urlOf(b), "--block", String(beyond)]);
    expect(notYet.code).to.equal(1);
    expect(notYet.stderr).to.include(`node A (${urlOf(a)}) is at block ${beyond - 1}, not yet at block ${beyond}`);

    // A port that was just free: nothing listens there.
    const closed = await listening(createServer());
    const deadUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await cli(["nodes", "compare", urlOf(a), deadUrl]);
    expect(unreachable.code).to.equal(1);
    expect(unreachable.stderr).to.include(`node B (${deadUrl}) is unreachable`);
    expect(unreachable.stderr).to.include("ECONNREFUSED");
  });

  it("refuses a bad URL or block with exit 2 before any request", async () => {
    let requests = 0;
    const counting = await listening(
      createServer((_req, res) => {
        requests += 1;
        res.end();
      }),
    );
    const countingUrl = `http://127.0.0.1:${(counting.address() as { port: number }).port}`;
    try {
      const cases: [string[], RegExp][] = [
        [[countingUrl, "not a url"], /<apiUrlB>: "not a url" is not a URL/],
        [["ftp://127.0.0.1:21", countingUrl], /<apiUrlA>: "ftp:\/\/127.0.0.1:21" is not an http\(s\) URL/],
        [[countingUrl, `${countingUrl}/?x=1`], /<apiUrlB>: the API's base URL takes no query or fragment/],
        [[countingUrl, countingUrl, "--block", "-3"], /--block/],
        [[countingUrl, countingUrl, "--block", "1.5"], /--block/],
        [[countingUrl, countingUrl, "--block", String(2 ** 53)], /--block: 9007199254740992 is above the largest uint53/],
      ];
      for (const [args, message] of cases) {
        const run = await cli(["nodes", "compare", ...args]);
        expect(run.code, args.join(" ")).to.equal(2);
        expect(run.stderr, args.join(" ")).to.match(message);
      }
      expect(requests).to.equal(0);
    } finally {
      await new Promise((resolve) => counting.close(resolve));
    }
  });
});

async function listening(server: Server): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}
