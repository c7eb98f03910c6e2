import { createHash } from "node:crypto";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { keccak256, toHex, type Address, type Hex } from "viem";

import { foldLogs } from "../../ledger/events/index.js";
import type { MemoryState } from "../../ledger/state/index.js";
import { PartyKind } from "../../ledger/types.js";
import { LEDGER_REDUCER_VERSION, reducer } from "../../services/indexer/reducers/ledger.js";
import { inspectStore } from "../../services/indexer/store/digest.js";
import { createIndexer } from "../../services/indexer/sync/engine.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment, type DeployedContract } from "../../services/shared/deployment.js";
import type { DemoContracts } from "../../scripts/demo/seed.js";
import { ledgerAddresses, toRawLogs } from "../../scripts/lib/ledgerState.js";
import { deployDemo } from "../helpers/demo.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";

/**
 * The digest by hand, as the route documents it: sha256 over the entries in bytewise key order, each key
 * and value prefixed with its length (4 bytes, big endian).
 */
function digestByHand(state: MemoryState): Hex {
  const entries = [...state.all()].map(([k, v]) => [Buffer.from(k, "utf8"), Buffer.from(v, "utf8")] as const);
  entries.sort(([a], [b]) => Buffer.compare(a, b));
  const hash = createHash("sha256");
  for (const [k, v] of entries) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(k.length);
    hash.update(length).update(k);
    length.writeUInt32BE(v.length);
    hash.update(length).update(v);
  }
  return `0x${hash.digest("hex")}`;
}

interface Answer {
  status: number;
  type: string;
  body: Record<string, unknown>;
}

describe("GET /ledger/digest: the state digest replicas compare", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let connection: NetworkConnection<"generic">;
  let contracts: DemoContracts;
  let deployment: { chainId?: number | undefined; contracts: readonly DeployedContract[] };
  let node: LedgerNode;
  /** The live store's own digest when its cursor was at the demo's last block, before one more party was registered. */
  let demoEnd: { block: number; digest: Hex };

  async function get(path: string): Promise<Answer> {
    const response = await fetch(node.api!.url + path);
    const type = response.headers.get("content-type") ?? "";
    return { status: response.status, type, body: (await response.json()) as Record<string, unknown> };
  }

  const blockHash = async (block: number) => (await chain.rpc<{ hash: Hex }>("eth_getBlockByNumber", [toHex(block), false])).hash;

  /** The deployment's logs up to `block`, from the chain (the oracle for `events`). */
  async function chainLogsUpTo(block: number) {
    return connection.ethers.provider.getLogs({ address: deployment.contracts.map((c) => c.address), fromBlock: 0, toBlock: block });
  }

  before(async () => {
    chain = await startChain();
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    const recordDir = join(chain.dir, "demo-deployment");
    ({ contracts } = await deployDemo(connection, recordDir));
    deployment = await readIgnitionDeployment(recordDir);
    node = await startLedgerNode({ rpcUrl: chain.url, dbPath: join(chain.dir, "db"), deployment, api: { port: 0 } });
    await node.syncOnce();
    demoEnd = { block: node.indexer.store.cursor.number, digest: await node.indexer.store.digestState() };
    // One more ledger event after it: the demo's last block is now below the indexed block.
    const signers = await connection.ethers.getSigners();
    const profileHash = keccak256(toHex("profile:replica-test"));
    await (await contracts.registry.connect(signers[1]!).registerParty(signers[12]!.address, PartyKind.ENTERPRISE, profileHash)).wait();
    await node.syncOnce();
  });

  after(async () => {
    await node?.close();
    await chain?.close();
  });

  it("answers the indexed block's digest: a second indexer of the same chain has the same, the chain the same hash and logs", async () => {
    const answer = await get("/ledger/digest");
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const indexed = node.indexer.store.cursor.number;
    expect(indexed).to.be.greaterThan(demoEnd.block);

    // A second indexer, from an empty store in its own directory, to the same head.
    const secondDb = join(chain.dir, "second-db");
    const second = await createIndexer({
      rpcUrl: chain.url,
      dbPath: secondDb,
      contracts: deployment.contracts,
      reducer,
      reducerVersion: LEDGER_REDUCER_VERSION,
    });
    try {
      await second.syncOnce();
      expect(second.store.cursor.number).to.equal(indexed);
    } finally {
      await second.close();
    }
    const { digest } = await inspectStore(secondDb);
    expect(answer.body).to.deep.equal({
      block: indexed,
      blockHash: await blockHash(indexed),
      digest,
      reducerVersion: LEDGER_REDUCER_VERSION,
      events: (await chainLogsUpTo(indexed)).length,
    });
    expect(digest).not.to.equal(demoEnd.digest); // the party registered after the demo changed the state
  });

  it("answers an earlier block's digest from the stored logs: what the live store's digest was at that block", async () => {
    const answer = await get(`/ledger/digest?atBlock=${demoEnd.block}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body).to.deep.equal({
      block: demoEnd.block,
      // The demo's last block has a log: its hash is stored with it.
      blockHash: await blockHash(demoEnd.block),
      digest: demoEnd.digest,
      reducerVersion: LEDGER_REDUCER_VERSION,
      events: (await chainLogsUpTo(demoEnd.block)).length,
    });
  });

  it("answers a block within the demo: the digest of the chain's own logs up to it, folded and hashed by hand", async () => {
    const logs = await chainLogsUpTo(demoEnd.block);
    const middle = logs[Math.floor(logs.length / 2)]!.blockNumber;
    const upToMiddle = logs.filter((log) => log.blockNumber <= middle);
    const timestamps = new Map<bigint, bigint>();
    for (const block of new Set(upToMiddle.map((log) => log.blockNumber))) {
      timestamps.set(BigInt(block), BigInt((await connection.ethers.provider.getBlock(block))!.timestamp));
    }
    const addresses = await ledgerAddresses(contracts);
    const state = await foldLogs(toRawLogs(upToMiddle.filter((log) => Object.values(addresses).includes(log.address as Address))), {
      contracts: addresses,
      timestampOf: (log) => timestamps.get(log.blockNumber)!,
    });
    const answer = await get(`/ledger/digest?atBlock=${middle}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body).to.include({ block: middle, digest: digestByHand(state), events: upToMiddle.length });
  });

  it("answers the empty state at the block before the deployment, and 404 before it", async () => {
    const first = Math.min(...deployment.contracts.map((c) => Number(c.fromBlock)));
    const empty = await get(`/ledger/digest?atBlock=${first - 1}`);
    expect(empty.status, JSON.stringify(empty.body)).to.equal(200);
    // sha256 of nothing: no entries are hashed.
    expect(empty.body).to.include({ block: first - 1, digest: "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", events: 0 });
    if (first >= 2) {
      const before = await get(`/ledger/digest?atBlock=${first - 2}`);
      expect(before.status).to.equal(404);
      expect(before.type).to.match(/^application\/problem\+json/);
      expect(before.body.detail).to.match(new RegExp(`block ${first - 2} is before the deployment`));
    }
  });

  it("refuses a block not indexed yet with 409, saying where the node is", async () => {
    const indexed = node.indexer.store.cursor.number;
    const answer = await get(`/ledger/digest?atBlock=${indexed + 1}`);
    expect(answer.status).to.equal(409);
    expect(answer.type).to.match(/^application\/problem\+json/);
    expect(answer.body.detail).to.match(new RegExp(`block ${indexed + 1} is not indexed yet \\(the node is at block ${indexed}\\)`));
  });

  it("refuses a malformed block with 400 naming atBlock, and unknown query fields", async () => {
    for (const bad of ["abc", "-1", "1.5", "0x10", "", "12345678901234567", "9007199254740993"]) {
      const answer = await get(`/ledger/digest?atBlock=${encodeURIComponent(bad)}`);
      expect(answer.status, bad).to.equal(400);
      const errors = answer.body.errors as { in: string; field: string; message: string }[];
      expect(errors.map((e) => [e.in, e.field]), bad).to.deep.equal([["query", "atBlock"]]);
      expect(errors[0]!.message, bad).to.match(/block number/);
    }
    const unknown = await get("/ledger/digest?block=1");
    expect(unknown.status).to.equal(400);
    expect(unknown.body.errors).to.deep.equal([{ in: "query", field: "block", message: "unknown query field" }]);
  });

  it("says the indexed block's hash on /ready, and documents the route in OpenAPI", async () => {
    const ready = await get("/ready");
    const indexed = node.indexer.store.cursor.number;
    expect(ready.body).to.include({ indexedBlock: indexed, indexedBlockHash: await blockHash(indexed) });
    const document = (await get("/openapi.json")).body as { paths: Record<string, { get?: { responses: Record<string, unknown> } }> };
    expect(Object.keys(document.paths["/ledger/digest"]!.get!.responses).sort()).to.deep.equal(["200", "400", "404", "409", "503"]);
  });
});
