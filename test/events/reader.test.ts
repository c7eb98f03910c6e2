import { expect } from "chai";

import { createAdaptiveRange, createLogReader, type BlockRange } from "../../ledger/events/index.js";

/** A node that answers one log per block and refuses ranges wider than `limit` blocks. */
function node(limit: number, failing: ReadonlySet<bigint> = new Set()) {
  const calls: [bigint, bigint][] = [];
  const getLogs = async ({ fromBlock, toBlock }: BlockRange) => {
    calls.push([fromBlock, toBlock]);
    for (const block of failing) if (block >= fromBlock && block <= toBlock) throw new Error(`block ${block} is broken`);
    if (toBlock - fromBlock + 1n > BigInt(limit)) throw new RangeError("range too large");
    const logs: bigint[] = [];
    for (let block = fromBlock; block <= toBlock; block++) logs.push(block);
    return logs;
  };
  return { calls, getLogs };
}

/** What `promise` rejects with (chai-as-promised is not loaded in tests without a network). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => expect.fail("resolved"), (error: unknown) => error);
}

const blocks = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));

describe("events: the log reader", () => {
  it("adapts the range: finds a node's limit in few refusals, grows on light answers, shrinks on heavy ones", () => {
    const range = createAdaptiveRange({ initial: 1_000, min: 1, max: 10_000, targetLogs: 1_000 });
    let refusals = 0;
    for (let i = 0; i < 40; i++) {
      const width = range.size;
      if (width > 37) {
        range.refused(width);
        refusals++;
      } else range.succeeded(width, 10);
    }
    expect(range.size).to.equal(37);
    expect(refusals).to.be.below(12);
    const light = createAdaptiveRange({ initial: 10, min: 1, max: 1_000, targetLogs: 1_000 });
    light.succeeded(10, 0);
    expect(light.size).to.equal(20);
    light.succeeded(20, 5_000);
    expect(light.size).to.equal(4);
  });

  it("asks for a range at once, and splits it into consecutive pieces when the node refuses it", async () => {
    const { calls, getLogs } = node(30);
    const refused: BlockRange[] = [];
    const reader = createLogReader({ getLogs, range: { initial: 100, min: 1, max: 1_000, targetLogs: 1_000 }, onRefusal: (range) => refused.push(range) });
    expect(await reader.readRange({ fromBlock: 1n, toBlock: 100n })).to.deep.equal(blocks(1, 100));
    expect(calls[0]).to.deep.equal([1n, 100n]);
    expect(refused[0]).to.deep.equal({ fromBlock: 1n, toBlock: 100n });
    // Every piece is contiguous with the one before it.
    const answered = calls.filter(([from, to]) => to - from + 1n <= 30n);
    for (let i = 1; i < answered.length; i++) expect(answered[i]![0]).to.equal(answered[i - 1]![1] + 1n);
    expect(reader.rangeSize).to.be.at.most(30);
  });

  it("splits only what the caller calls a refusal, and throws a refused single block", async () => {
    const broken = node(1_000, new Set([7n]));
    const strict = createLogReader({ getLogs: broken.getLogs, isRangeRefusal: (error) => error instanceof RangeError });
    expect(await rejection(strict.readRange({ fromBlock: 1n, toBlock: 10n }))).to.have.property("message", "block 7 is broken");
    expect(broken.calls).to.deep.equal([[1n, 10n]]);

    const any = node(1_000, new Set([7n]));
    const reader = createLogReader({ getLogs: any.getLogs, range: { initial: 10, min: 1, max: 10, targetLogs: 1_000 } });
    expect(await rejection(reader.readLogs({ fromBlock: 1n, toBlock: 10n }))).to.have.property("message", "block 7 is broken");
    expect(any.calls.at(-1)).to.deep.equal([7n, 7n]);
  });

  it("reads a long range in ranges of the adaptive size, reporting each answered range", async () => {
    const { calls, getLogs } = node(16);
    const answered: BlockRange[] = [];
    const reader = createLogReader({ getLogs, range: { initial: 8, min: 1, max: 64, targetLogs: 1_000 }, onLogs: (range) => answered.push(range) });
    expect(await reader.readLogs({ fromBlock: 5n, toBlock: 204n })).to.deep.equal(blocks(5, 204));
    expect(calls[0]).to.deep.equal([5n, 12n]);
    expect(answered.reduce((sum, { fromBlock, toBlock }) => sum + (toBlock - fromBlock + 1n), 0n)).to.equal(200n);
    expect(reader.rangeSize).to.be.within(1, 16);
    expect(await reader.readLogs({ fromBlock: 9n, toBlock: 8n })).to.deep.equal([]);
  });
});
