import { expect } from "chai";

import { chainLogCount, mineActivity, prng, startChain, type TestChain } from "./helpers/chain.js";
import { referenceSync, tokenIndexer } from "./helpers/indexer.js";

describe("indexer: reorgs on a real Hardhat node", function () {
  this.timeout(60_000);
  let chain: TestChain;
  const random = prng(0x5eed);

  before(async () => {
    chain = await startChain();
    await mineActivity(chain, { blocks: 30, perBlock: 6, random });
  });
  after(async () => chain?.close());

  /** Indexes `depth` blocks, reverts them, mines `replacement` other blocks, syncs again. */
  async function reorg(indexer: Awaited<ReturnType<typeof tokenIndexer>>, depth: number, replacement: number) {
    const snapshot = await chain.rpc<string>("evm_snapshot");
    await mineActivity(chain, { blocks: depth, perBlock: 4, random });
    await indexer.syncOnce();
    expect(indexer.store.cursor.number).to.equal(await chain.head());
    expect(await chain.rpc<boolean>("evm_revert", [snapshot])).to.equal(true);
    await mineActivity(chain, { blocks: replacement, perBlock: 3, random });
    await indexer.syncOnce();
  }

  async function expectCanonical(indexer: Awaited<ReturnType<typeof tokenIndexer>>) {
    const reference = await referenceSync(chain);
    expect(indexer.store.cursor.number).to.equal(reference.cursor);
    expect(await indexer.store.countEvents()).to.equal(await chainLogCount(chain));
    expect(await indexer.store.digestState()).to.equal(reference.digest);
  }

  it("rolls back a reorg of depth 1, of a few blocks, and to a shorter chain", async () => {
    const indexer = await tokenIndexer(chain);
    try {
      await indexer.syncOnce();
      await expectCanonical(indexer);

      await reorg(indexer, 1, 2);
      const reorgs = () => indexer.events.filter((e) => e.type === "reorg");
      expect(reorgs().map((e) => e.type === "reorg" && e.depth)).to.deep.equal([1]);
      await expectCanonical(indexer);

      await reorg(indexer, 4, 5);
      expect(reorgs().map((e) => e.type === "reorg" && e.depth)).to.deep.equal([1, 4]);
      await expectCanonical(indexer);

      // The new branch is shorter than the indexed one: found at the node's head.
      await reorg(indexer, 4, 2);
      expect(reorgs().map((e) => e.type === "reorg" && e.depth)).to.deep.equal([1, 4, 4]);
      await expectCanonical(indexer);
      expect((await indexer.metrics.reorgsTotal.get()).values[0]!.value).to.equal(3);
      expect((await indexer.metrics.deepReorgRebuildsTotal.get()).values[0]!.value).to.equal(0);
    } finally {
      await indexer.close();
    }
  });

  it("rebuilds from the deployment block after a reorg deeper than the finality depth, on its own", async () => {
    const indexer = await tokenIndexer(chain, { finalityDepth: 3 });
    try {
      await indexer.syncOnce();
      await reorg(indexer, 8, 9);
      expect(indexer.events.filter((e) => e.type === "rebuild")).to.have.length(1);
      expect((await indexer.metrics.deepReorgRebuildsTotal.get()).values[0]!.value).to.equal(1);
      await expectCanonical(indexer);
      // And it goes on following the chain.
      await mineActivity(chain, { blocks: 3, perBlock: 2, random });
      await indexer.syncOnce();
      await expectCanonical(indexer);
    } finally {
      await indexer.close();
    }
  });

  it("follows the head in live mode through new blocks and reorgs, by the backfill's path", async () => {
    const indexer = await tokenIndexer(chain, { pollIntervalMs: 10, range: { initial: 4, max: 8 } });
    const stop = new AbortController();
    const running = indexer.run({ signal: stop.signal });
    try {
      for (let round = 0; round < 4; round++) {
        const snapshot = await chain.rpc<string>("evm_snapshot");
        await mineActivity(chain, { blocks: 3, perBlock: 3, random });
        await new Promise((resolve) => setTimeout(resolve, 30 * (1 + round)));
        await chain.rpc("evm_revert", [snapshot]);
        await mineActivity(chain, { blocks: 4, perBlock: 2, random });
      }
      const head = await chain.head();
      const headHash = (await chain.rpc<{ hash: string }>("eth_getBlockByNumber", [`0x${head.toString(16)}`, false])).hash;
      const deadline = Date.now() + 20_000;
      while (indexer.store.cursor.hash !== headHash && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      stop.abort();
      await running;
      expect(indexer.store.cursor).to.deep.include({ number: head, hash: headHash });
      // The indexer saw (most of) the doomed branches before they were replaced.
      expect(indexer.events.filter((e) => e.type === "reorg").length).to.be.at.least(1);
      await expectCanonical(indexer);
      // Each range applied once and in order: the ranges between reorgs tile the blocks.
      let next = -1;
      for (const event of indexer.events) {
        if (event.type === "range") {
          if (next >= 0) expect(event.from).to.equal(next);
          next = event.to + 1;
        } else if (event.type === "reorg") next = event.ancestor + 1;
      }
    } finally {
      stop.abort();
      await running.catch(() => {});
      await indexer.close();
    }
  });

  it("undoes a reorg after a restart from the undo data it stored, and rebuilds when its configuration changes", async () => {
    const first = await tokenIndexer(chain, { finalityDepth: 10 });
    await first.syncOnce();
    const snapshot = await chain.rpc<string>("evm_snapshot");
    await mineActivity(chain, { blocks: 4, perBlock: 3, random });
    await first.syncOnce();
    await first.close();

    await chain.rpc("evm_revert", [snapshot]);
    await mineActivity(chain, { blocks: 5, perBlock: 3, random });
    const second = await tokenIndexer(chain, { finalityDepth: 10, dbPath: first.dbPath });
    try {
      await second.syncOnce();
      expect(second.events.filter((e) => e.type === "reorg").map((e) => e.type === "reorg" && e.depth)).to.deep.equal([4]);
      await expectCanonical(second);
    } finally {
      await second.close();
    }

    // Another reducer version: the old state is not mixed with the new one, but rebuilt.
    const third = await tokenIndexer(chain, { finalityDepth: 10, dbPath: first.dbPath, reducerVersion: "2" });
    try {
      expect(third.store.cursor.hash).to.equal(null);
      await third.syncOnce();
      await expectCanonical(third);
    } finally {
      await third.close();
    }
  });
});
