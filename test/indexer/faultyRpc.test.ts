import { expect } from "chai";

import { chainLogCount, mineActivity, prng, startChain, type TestChain } from "./helpers/chain.js";
import { startFaultyProxy } from "./helpers/faultyProxy.js";
import { referenceSync, tokenIndexer } from "./helpers/indexer.js";

describe("indexer: faulty and limited RPC endpoints", function () {
  this.timeout(60_000);
  let chain: TestChain;
  let reference: { digest: string; events: number; cursor: number };
  // Faults are drawn anew on every run; INDEXER_TEST_SEED replays one.
  const seed = Number(process.env.INDEXER_TEST_SEED ?? Math.floor(Math.random() * 2 ** 32));

  before(async () => {
    chain = await startChain();
    await mineActivity(chain, { blocks: 150, perBlock: 6, random: prng(0xfa17) });
    reference = await referenceSync(chain);
    expect(reference.events).to.equal(await chainLogCount(chain));
  });
  after(async () => chain?.close());

  async function syncThrough(url: string, overrides: Parameters<typeof tokenIndexer>[1] = {}) {
    let largestRange = 0;
    const indexer = await tokenIndexer(chain, {
      rpcUrl: url,
      onEvent(event) {
        if (event.type === "range") largestRange = Math.max(largestRange, event.events);
      },
      ...overrides,
    });
    try {
      await indexer.run({ untilHead: true });
      return {
        cursor: indexer.store.cursor.number,
        digest: await indexer.store.digestState(),
        events: await indexer.store.countEvents(),
        retries: (await indexer.metrics.rpcRetriesTotal.get()).values.reduce((sum, v) => sum + v.value, 0),
        splits: (await indexer.metrics.rangeSplitsTotal.get()).values[0]!.value,
        rangeSize: indexer.source.rangeSize,
        largestRange,
      };
    } finally {
      await indexer.close();
    }
  }

  it("syncs to the clean state through a proxy that fails, delays, cuts off or corrupts ~22% of requests", async () => {
    const proxy = await startFaultyProxy(
      chain.url,
      { error500: 0.04, tooMany: 0.03, reset: 0.03, delay: 0.05, delayMs: 600, truncate: 0.03, corrupt: 0.04, wrongBlockHashEvery: 10 },
      {},
      prng(seed),
    );
    try {
      const result = await syncThrough(proxy.url, {
        concurrency: 4,
        range: { initial: 4, max: 4 },
        headerBatchSize: 4,
        timeoutMs: 400,
        retry: { retries: 20, baseDelayMs: 2, maxDelayMs: 50 },
      });
      const why = `seed ${seed}, faults ${JSON.stringify(proxy.counts)}`;
      expect(result.cursor, why).to.equal(reference.cursor);
      expect(result.events, why).to.equal(reference.events);
      expect(result.digest, why).to.equal(reference.digest);
      expect(result.retries, why).to.be.greaterThan(0);
      const faults = Object.entries(proxy.counts)
        .filter(([kind]) => kind !== "requests")
        .reduce((sum, [, n]) => sum + n, 0);
      expect(faults / proxy.counts.requests!, why).to.be.greaterThan(0.12);
      expect(proxy.counts.corruptBlockHash, why).to.be.greaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it("splits ranges a node refuses as too wide, and learns its limit", async () => {
    const proxy = await startFaultyProxy(chain.url, {}, { maxBlockRange: 7 }, prng(seed));
    try {
      const result = await syncThrough(proxy.url, { range: { initial: 100, max: 1_000 }, concurrency: 2 });
      expect(result.digest).to.equal(reference.digest);
      expect(result.events).to.equal(reference.events);
      expect(proxy.counts.refusedRange).to.be.greaterThan(0);
      expect(result.splits).to.be.greaterThan(0);
      // The limit is learnt in a few refusals, not one per range.
      expect(proxy.counts.refusedRange).to.be.below(15);
      expect(result.rangeSize).to.be.at.most(14);
    } finally {
      await proxy.close();
    }
  });

  it("splits ranges refused for too many results, and answers over the response size limit", async () => {
    const proxy = await startFaultyProxy(chain.url, {}, { maxResults: 25 }, prng(seed));
    try {
      const byResults = await syncThrough(proxy.url, { range: { initial: 64, max: 1_000 } });
      expect(byResults.digest).to.equal(reference.digest);
      expect(proxy.counts.refusedResults).to.be.greaterThan(0);
      expect(byResults.splits).to.be.greaterThan(0);
      // A refused range is shortened, not read in pieces held together: no applied range holds more
      // logs than the node answers at once (a range's memory stays bounded).
      expect(byResults.largestRange).to.be.within(1, 25);
    } finally {
      await proxy.close();
    }
    // viem refuses to read an answer over maxResponseBytes (10 MiB by default): 12 KiB here.
    const bySize = await syncThrough(chain.url, { range: { initial: 64, max: 1_000 }, maxResponseBytes: 12 * 1024 });
    expect(bySize.digest).to.equal(reference.digest);
    expect(bySize.splits).to.be.greaterThan(0);
    // ~0.3 KiB per token log: an answer of more than ~40 logs would pass the limit.
    expect(bySize.largestRange).to.be.within(1, 40);
  });
});
