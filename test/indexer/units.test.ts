import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import {
  encodeAbiParameters,
  erc20Abi,
  HttpRequestError,
  pad,
  ResponseBodyTooLargeError,
  RpcRequestError,
  TimeoutError,
  toEventSelector,
  type Hex,
} from "viem";

import { InconsistentRpcDataError, RangeTooLargeError, RpcTransientError } from "../../services/indexer/errors.js";
import { createDecoder } from "../../services/indexer/indexing/decode.js";
import { RangeStateTx } from "../../services/indexer/indexing/stateTx.js";
import { backoffDelay, classifyRpcError } from "../../services/indexer/source/retry.js";
import { checkRange, parseLogs } from "../../services/indexer/source/validate.js";
import { countBlockLogs, decodeBlockLogs, encodeBlockLogs } from "../../services/indexer/store/blockLogs.js";
import { blockOfEventsKey, eventsKey } from "../../services/indexer/store/keys.js";
import { openStore } from "../../services/indexer/store/store.js";
import type { BlockHeader, IndexedLog } from "../../services/indexer/types.js";

const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const address = "0x00000000000000000000000000000000000000aa";

function header(n: number, parent = n - 1): BlockHeader {
  return { number: n, hash: h(n), parentHash: h(parent), timestamp: BigInt(n) };
}
function log(block: number, logIndex: number, transactionIndex = logIndex): IndexedLog {
  return { address, topics: [], data: "0x", blockNumber: block, blockHash: h(block), transactionHash: h(1_000 + logIndex), transactionIndex, logIndex };
}

describe("indexer units", () => {
  it("parses eth_getLogs answers strictly: hashes lowered, and every log's hashes checked, repeated or not", () => {
    const raw = (block: string, tx: string) => ({
      address: address.toUpperCase().replace("0X", "0x"),
      topics: [h(7)],
      data: "0xAB",
      blockNumber: "0x2",
      blockHash: block,
      transactionHash: tx,
      transactionIndex: "0x0",
      logIndex: "0x0",
    });
    const upper = h(2).toUpperCase().replace("0X", "0x");
    const [first, second] = parseLogs([raw(upper, h(9)), { ...raw(upper, h(9)), logIndex: "0x1" }]);
    expect(first).to.deep.equal({ address, topics: [h(7)], data: "0xab", blockNumber: 2, blockHash: h(2), transactionHash: h(9), transactionIndex: 0, logIndex: 0 });
    expect(second!.blockHash).to.equal(h(2));
    // A second log whose hash differs from the first's is checked on its own: a short or non-hex one is refused.
    for (const bad of [h(2).slice(0, 64), `${h(2).slice(0, 65)}g`, 2]) {
      expect(() => parseLogs([raw(h(2), h(9)), raw(bad as string, h(9))]), String(bad)).to.throw(InconsistentRpcDataError, /blockHash/);
      expect(() => parseLogs([raw(h(2), h(9)), raw(h(2), bad as string)]), String(bad)).to.throw(InconsistentRpcDataError, /transactionHash/);
    }
  });

  it("keeps a seqlock for readers: even at rest, odd while a range or a rollback is written, moved on by each", async () => {
    const dir = await mkdtemp(join(tmpdir(), "store-seqlock-"));
    const store = await openStore({ path: join(dir, "db"), fingerprint: "seqlock", initialBlock: 0 });
    try {
      const at = store.writeSeq;
      expect(at % 2).to.equal(0);
      const writing = store.commitRange({
        from: 1,
        to: 1,
        toHash: h(1),
        logs: [log(1, 0)],
        timestamps: new Map([[1, 1n]]),
        state: new Map([["k", "v"]]),
        undo: new Map([[1, new Map([["k", null]])]]),
        hashes: new Map([[1, h(1)]]),
        safe: 0,
      });
      expect(store.writeSeq).to.equal(at + 1);
      await writing;
      expect(store.writeSeq).to.equal(at + 2);
      expect(store.readState("k")).to.equal("v");
      expect(await store.rollback(0)).to.deep.equal({ blocks: 1, events: 1 });
      expect(store.writeSeq).to.equal(at + 4);
      expect(store.readState("k")).to.equal(undefined);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("blocks of logs sort by block number and keep every field of every log", () => {
    const blocks = [2, 1, 300, 255, 256, 2 ** 40];
    const keys = blocks.map(eventsKey).sort();
    expect(keys.map(blockOfEventsKey)).to.deep.equal([...blocks].sort((a, b) => a - b));

    const logs = [{ ...log(7, 0), transactionIndex: 0 }, { ...log(7, 3), transactionIndex: 2, topics: [h(5), h(6)], data: "0xabcd" as const }];
    const value = encodeBlockLogs(logs[0]!.blockHash, 1_700_000_000n, logs);
    expect(countBlockLogs(value)).to.equal(2);
    expect(decodeBlockLogs(7, value)).to.deep.equal(logs.map((l) => ({ ...l, timestamp: 1_700_000_000n })));
    expect(countBlockLogs(encodeBlockLogs(h(1), 0n, []))).to.equal(0);
    expect(() => countBlockLogs("not a stored block")).to.throw(/malformed/);
  });

  it("checks logs against their headers: block hash, order, duplicates, range, links", () => {
    const headers = new Map([1, 2, 3].map((n) => [n, header(n)]));
    const base = { from: 1, to: 3, headers, linked: true, addresses: new Set([address]) };
    expect(() => checkRange({ ...base, logs: [log(1, 0), log(1, 1), log(3, 0)] })).not.to.throw();
    const bad: [string, IndexedLog[], Partial<typeof base>?][] = [
      ["wrong block hash", [{ ...log(2, 0), blockHash: h(99) }]],
      ["duplicate", [log(1, 0), log(1, 0)]],
      ["out of order", [log(2, 0), log(1, 3)]],
      ["outside the range", [log(4, 0)]],
      ["unasked address", [{ ...log(1, 0), address: "0x00000000000000000000000000000000000000bb" }]],
      ["transactions out of order", [log(1, 0, 2), log(1, 1, 1)]],
      ["broken link", [], { headers: new Map([...headers, [2, header(2, 7)]]) }],
      ["missing header", [], { headers: new Map([[1, header(1)], [3, header(3)]]) }],
    ];
    for (const [why, logs, override] of bad) {
      expect(() => checkRange({ ...base, ...override, logs }), why).to.throw(InconsistentRpcDataError);
    }
  });

  it("classifies RPC failures: refused ranges, transient errors", () => {
    const range = { method: "eth_getLogs", from: 1, to: 100 };
    const refusals = [
      new RpcRequestError({ body: {}, url: "u", error: { code: -32005, message: "query returned more than 10000 results" } }),
      new RpcRequestError({ body: {}, url: "u", error: { code: -32000, message: "exceed maximum block range: 5000" } }),
      new RpcRequestError({ body: {}, url: "u", error: { code: -32602, message: "Log response size exceeded." } }),
      new ResponseBodyTooLargeError({ maxSize: 10, size: 11 }),
    ];
    for (const error of refusals) expect(classifyRpcError(error, range), error.message).to.be.instanceOf(RangeTooLargeError);
    const transient = [
      new HttpRequestError({ url: "u", status: 500, details: "upstream exploded" }),
      new HttpRequestError({ url: "u", status: 429 }),
      new HttpRequestError({ url: "u", cause: new SyntaxError("Unexpected end of JSON input") }),
      new TimeoutError({ body: {}, url: "u" }),
    ];
    for (const error of transient) expect(classifyRpcError(error, range), error.message).to.be.instanceOf(RpcTransientError);
    expect(classifyRpcError(refusals[0], { method: "eth_blockNumber" })).to.be.instanceOf(RpcTransientError);
  });

  it("classifies both clients' answers alike: an unknown method is fatal, logs past the node's head are retried", () => {
    // Their own words (2026-12, Hardhat 3.17 / EDR 0.3.8 and anvil 1.7.1) for a method they do not serve.
    const unsupported = [
      new RpcRequestError({ body: {}, url: "u", error: { code: -32004, message: "Method foo_bar is not supported" } }),
      new RpcRequestError({ body: {}, url: "u", error: { code: -32601, message: "Method not found" } }),
    ];
    for (const error of unsupported) {
      const classified = classifyRpcError(error, { method: "foo_bar" });
      expect(classified.retryable, error.message).to.equal(false);
      expect(classified.message).to.equal("the node does not serve foo_bar");
    }
    // anvil refuses eth_getLogs from a block past its head (Hardhat answers []): a node behind the others of a
    // load balancer. Waiting helps, a narrower range would not.
    const behind = new RpcRequestError({ body: {}, url: "u", error: { code: -32602, message: "BlockOutOfRangeError: block height is 3 but requested was 8" } });
    expect(classifyRpcError(behind, { method: "eth_getLogs", from: 8, to: 9 })).to.be.instanceOf(RpcTransientError);
  });

  it("backs off exponentially with full jitter, capped", () => {
    const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, policy, () => 0.999)).to.equal(99);
    expect(backoffDelay(3, policy, () => 0.5)).to.equal(400);
    expect(backoffDelay(20, policy, () => 0.999)).to.equal(999);
  });

  it("records each key's value before the block as undo data, once per block", () => {
    const committed = new Map([["a", "1"]]);
    const tx = new RangeStateTx((key) => committed.get(key));
    tx.enterBlock(7, true);
    tx.put("a", "2");
    tx.put("a", "3");
    tx.put("b", "x");
    tx.enterBlock(8, true);
    tx.del("a");
    expect(tx.get("a")).to.equal(undefined);
    tx.enterBlock(9, false);
    tx.put("c", "y");
    expect([...tx.undo]).to.deep.equal([
      [7, new Map<string, string | null>([["a", "1"], ["b", null]])],
      [8, new Map([["a", "3"]])],
    ]);
    expect([...tx.finish()]).to.deep.equal([["a", null], ["b", "x"], ["c", "y"]]);
  });

  it("holds documents parsed across blocks without undo data, and writes each as its last JSON", () => {
    const committed = new Map([["doc", JSON.stringify({ n: 1, tags: ["a"] })]]);
    const tx = new RangeStateTx((key) => committed.get(key));
    tx.enterBlock(5, false);
    const doc = JSON.parse(tx.get("doc")!) as { n: number; tags: string[] };
    doc.n = 2;
    tx.holdDocument("doc", doc);
    expect(tx.heldDocument("doc")).to.equal(doc);
    tx.enterBlock(6, false);
    doc.tags.push("b");
    tx.holdDocument("doc", doc);
    // A raw read sees the held document as JSON.
    expect(tx.get("doc")).to.equal('{"n":2,"tags":["a","b"]}');
    // The first block that records undo data: the held value is written first, as the earlier blocks left it.
    tx.enterBlock(7, true);
    expect(tx.heldDocument("doc")).to.equal(undefined);
    const again = JSON.parse(tx.get("doc")!) as { n: number };
    again.n = 3;
    tx.holdDocument("doc", again); // written through: block 7 keeps undo data
    tx.holdDocument("other", { x: 1 });
    expect([...tx.undo]).to.deep.equal([[7, new Map<string, string | null>([["doc", '{"n":2,"tags":["a","b"]}'], ["other", null]])]]);
    expect(Object.fromEntries(tx.finish())).to.deep.equal({ doc: '{"n":3,"tags":["a","b"]}', other: '{"x":1}' });
  });

  it("a put or a delete replaces a held document", () => {
    const tx = new RangeStateTx(() => undefined);
    tx.enterBlock(1, false);
    tx.holdDocument("a", { v: 1 });
    tx.holdDocument("b", { v: 1 });
    tx.put("a", "plain");
    tx.del("b");
    expect(tx.heldDocument("a")).to.equal(undefined);
    expect([...tx.finish()]).to.deep.equal([["a", "plain"], ["b", null]]);
  });

  it("decodes known events, and tells unknown and undecodable ones apart without throwing", () => {
    const decode = createDecoder([{ name: "Token", address, abi: erc20Abi, fromBlock: 0 }]);
    const transfer = toEventSelector("Transfer(address,address,uint256)");
    const from = pad("0x01", { size: 32 });
    const to = pad("0x02", { size: 32 });
    const good = { ...log(5, 3), topics: [transfer, from, to], data: encodeAbiParameters([{ type: "uint256" }], [42n]) };
    const decoded = decode(good, 1_700_000_000n);
    expect(decoded.kind).to.equal("decoded");
    if (decoded.kind !== "decoded") return;
    expect(decoded.event).to.deep.include({ contract: "Token", eventName: "Transfer", blockNumber: 5n, logIndex: 3, timestamp: 1_700_000_000n });
    expect(decoded.event.args).to.deep.equal({ from: "0x0000000000000000000000000000000000000001", to: "0x0000000000000000000000000000000000000002", value: 42n });
    expect(decode({ ...good, topics: [h(123)] }, 0n).kind).to.equal("unknown");
    expect(decode({ ...good, topics: [] }, 0n).kind).to.equal("unknown");
    expect(decode({ ...good, address: "0x00000000000000000000000000000000000000bb" }, 0n).kind).to.equal("unknown");
    expect(decode({ ...good, data: "0x" }, 0n).kind).to.equal("undecodable");
    expect(decode({ ...good, topics: [transfer, from] }, 0n).kind).to.equal("undecodable");
  });
});
