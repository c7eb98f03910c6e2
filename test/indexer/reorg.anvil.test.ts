import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";

import { anvilReorg, chainLogCount, mineActivity, prng, startChain, type TestChain } from "./helpers/chain.js";
import { read } from "./helpers/faultyProxy.js";
import { referenceSync, tokenIndexer } from "./helpers/indexer.js";

type TestIndexer = Awaited<ReturnType<typeof tokenIndexer>>;

/**
 * A JSON-RPC proxy that runs `hook` once, after the node has answered the next eth_getLogs and before that
 * answer goes back: the chain changes between the indexer's log read and whatever it reads next.
 */
async function startHookProxy(upstream: string): Promise<{ url: string; armLogsHook(hook: () => Promise<void>): void; close(): Promise<void> }> {
  let pending: (() => Promise<void>) | undefined;
  const server = createServer(async (request, response) => {
    const body = await read(request);
    const answer = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
    const text = await answer.text();
    const hook = pending;
    if (hook !== undefined && (JSON.parse(body) as { method?: string }).method === "eth_getLogs") {
      pending = undefined;
      await hook();
    }
    response.writeHead(answer.status, { "content-type": "application/json" }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    armLogsHook: (hook) => (pending = hook),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("indexer: real reorgs on anvil (anvil_reorg, anvil_rollback)", function () {
  this.timeout(120_000);
  let chain: TestChain;
  const random = prng(0xa5711);

  before(async () => {
    chain = await startChain({ client: "anvil" });
    await mineActivity(chain, { blocks: 30, perBlock: 6, random });
  });
  after(async () => chain?.close());

  /** The cursor, event count and state of a fresh sync of the chain as it is now, and every log the chain has. */
  async function expectCanonical(indexer: TestIndexer) {
    const reference = await referenceSync(chain);
    expect(indexer.store.cursor.number).to.equal(reference.cursor);
    expect(indexer.store.cursor.number).to.equal(await chain.head());
    expect(await indexer.store.countEvents()).to.equal(await chainLogCount(chain));
    expect(await indexer.store.digestState()).to.equal(reference.digest);
  }

  const rollbacks = (indexer: TestIndexer) => indexer.events.flatMap((e) => (e.type === "reorg" ? [{ depth: e.depth, events: e.events }] : []));
  const rebuilds = (indexer: TestIndexer) => indexer.events.filter((e) => e.type === "rebuild").length;
  const metric = async (counter: { get(): Promise<{ values: { value: number }[] }> }) => (await counter.get()).values[0]?.value ?? 0;

  /** The token's logs in [from, to] on the chain as it is now: what a rollback of those blocks must undo. */
  async function logsIn(from: number, to: number): Promise<number> {
    const hex = (n: number) => `0x${n.toString(16)}`;
    return (await chain.rpc<unknown[]>("eth_getLogs", [{ address: chain.token.address, fromBlock: hex(from), toBlock: hex(to) }])).length;
  }

  it("rolls back reorgs of depth 1 and 4, and one to a shorter chain, to the common ancestor", async () => {
    const indexer = await tokenIndexer(chain); // finality depth 5
    try {
      await indexer.syncOnce();
      await expectCanonical(indexer);

      // Depth 1: the head block replaced by another, the head's number unchanged.
      let head = await chain.head();
      let doomed = await logsIn(head, head);
      await anvilReorg(chain, { depth: 1, perBlock: 3, random });
      expect(await chain.head()).to.equal(head);
      await indexer.syncOnce();
      expect(rollbacks(indexer)).to.deep.equal([{ depth: 1, events: doomed }]);
      await expectCanonical(indexer);

      // Depth 4, after a few more blocks.
      await mineActivity(chain, { blocks: 3, perBlock: 4, random });
      await indexer.syncOnce();
      head = await chain.head();
      const doomed4 = await logsIn(head - 3, head);
      await anvilReorg(chain, { depth: 4, perBlock: 2, random });
      await indexer.syncOnce();
      expect(rollbacks(indexer)).to.deep.equal([
        { depth: 1, events: doomed },
        { depth: 4, events: doomed4 },
      ]);
      await expectCanonical(indexer);

      // A shorter chain: the last 2 blocks dropped, the 2 before them replaced. The node's head is 2 below
      // the cursor and not the block stored there: a rollback of 4 blocks to the common ancestor.
      head = await chain.head();
      doomed = await logsIn(head - 3, head);
      await chain.rpc("anvil_rollback", [2]);
      await anvilReorg(chain, { depth: 2, perBlock: 3, random });
      expect(await chain.head()).to.equal(head - 2);
      await indexer.syncOnce();
      expect(rollbacks(indexer).map((r) => r.depth)).to.deep.equal([1, 4, 4]);
      expect(rollbacks(indexer)[2]!.events).to.equal(doomed);
      await expectCanonical(indexer);
      expect(await metric(indexer.metrics.reorgsTotal)).to.equal(3);
      expect(await metric(indexer.metrics.reorgedBlocksTotal)).to.equal(1 + 4 + 4);
      expect(await metric(indexer.metrics.deepReorgRebuildsTotal)).to.equal(0);
      expect(rebuilds(indexer)).to.equal(0);
    } finally {
      await indexer.close();
    }
  });

  it("waits for a node whose head fell below the cursor on the same chain, and rolls back once a new branch passes it", async () => {
    const indexer = await tokenIndexer(chain);
    try {
      await indexer.syncOnce();
      const cursor = indexer.store.cursor;
      const events = await indexer.store.countEvents();
      // anvil_rollback alone: the node's head is a block the store holds, as on a replica that lags.
      await chain.rpc("anvil_rollback", [2]);
      expect(await indexer.syncOnce()).to.deep.equal({ head: cursor.number - 2, cursor: cursor.number });
      expect(indexer.store.cursor).to.deep.equal(cursor);
      expect(await indexer.store.countEvents()).to.equal(events);
      expect(rollbacks(indexer)).to.deep.equal([]);
      // New blocks on the shorter chain pass the cursor: its block is no longer the chain's.
      await mineActivity(chain, { blocks: 3, perBlock: 3, random });
      await indexer.syncOnce();
      expect(rollbacks(indexer).map((r) => r.depth)).to.deep.equal([2]);
      await expectCanonical(indexer);
    } finally {
      await indexer.close();
    }
  });

  it("rebuilds from the deployment block after a reorg of 6 blocks under a finality depth of 3, on its own", async () => {
    const indexer = await tokenIndexer(chain, { finalityDepth: 3 });
    try {
      await indexer.syncOnce();
      await anvilReorg(chain, { depth: 6, perBlock: 3, random });
      await indexer.syncOnce();
      expect(rebuilds(indexer)).to.equal(1);
      expect(rollbacks(indexer)).to.deep.equal([]);
      expect(await metric(indexer.metrics.deepReorgRebuildsTotal)).to.equal(1);
      await expectCanonical(indexer);
      // And it goes on following the chain, a shallow reorg being a rollback again.
      await mineActivity(chain, { blocks: 3, perBlock: 2, random });
      await indexer.syncOnce();
      await anvilReorg(chain, { depth: 2, perBlock: 2, random });
      await indexer.syncOnce();
      expect(rollbacks(indexer).map((r) => r.depth)).to.deep.equal([2]);
      await expectCanonical(indexer);
    } finally {
      await indexer.close();
    }
  });

  it("follows the head in live mode through real reorgs", async () => {
    const indexer = await tokenIndexer(chain, { pollIntervalMs: 10, range: { initial: 4, max: 8 } });
    const stop = new AbortController();
    const running = indexer.run({ signal: stop.signal });
    try {
      for (let round = 0; round < 4; round++) {
        await mineActivity(chain, { blocks: 3, perBlock: 3, random });
        await new Promise((resolve) => setTimeout(resolve, 30 * (1 + round)));
        await anvilReorg(chain, { depth: 1 + (round % 3), perBlock: 2, random });
      }
      const head = await chain.head();
      const headHash = (await chain.rpc<{ hash: string }>("eth_getBlockByNumber", [`0x${head.toString(16)}`, false])).hash;
      const deadline = Date.now() + 30_000;
      while (indexer.store.cursor.hash !== headHash && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      stop.abort();
      await running;
      expect(indexer.store.cursor).to.deep.include({ number: head, hash: headHash });
      await expectCanonical(indexer);
    } finally {
      stop.abort();
      await running.catch(() => {});
      await indexer.close();
    }
  });

  for (const finalityDepth of [5, 0]) {
    it(`keeps no hash read after the logs: a reorg between a range's reads is found on the next pass (finality depth ${finalityDepth})`, async () => {
      const proxy = await startHookProxy(chain.url);
      const indexer = await tokenIndexer(chain, { rpcUrl: proxy.url, finalityDepth });
      try {
        await indexer.syncOnce();
        // A block without logs of the token, replaced, after the indexer has read its (no) logs, by one with a mint.
        await chain.rpc("evm_mine");
        proxy.armLogsHook(() => anvilReorg(chain, { depth: 1, perBlock: 1, random }));
        await indexer.syncOnce();
        await indexer.syncOnce();
        if (finalityDepth > 0) expect(rollbacks(indexer)).to.deep.equal([{ depth: 1, events: 0 }]);
        else expect(rebuilds(indexer)).to.equal(1);
        await expectCanonical(indexer);
      } finally {
        await indexer.close();
        await proxy.close();
      }
    });
  }
});
