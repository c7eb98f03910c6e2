import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { ConfigError } from "../../services/shared/errors.js";
import { inspectStore } from "../../services/indexer/store/digest.js";
import { createIndexer } from "../../services/indexer/sync/engine.js";
import { anvilReorg, CHAIN_CLIENTS, chainLogCount, mineActivity, prng, startChain, type TestChain } from "./helpers/chain.js";
import { referenceSync, tokenIndexer } from "./helpers/indexer.js";

type TestIndexer = Awaited<ReturnType<typeof tokenIndexer>>;

/** Runs the ledger node's entry (`services/node/main.ts`) to the head with the given flags and environment. */
function runNode(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "services/node/main.ts", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

/** The state the chain gives under the usual finality depth: what instant finality must give too. */
const depth64 = (chain: TestChain) => referenceSync(chain, { finalityDepth: 64 });

for (const client of CHAIN_CLIENTS) {
  describe(`indexer: instant finality (finality depth 0) on ${client}`, function () {
    this.timeout(120_000);
    let chain: TestChain;
    const random = prng(0xf1a1);

    before(async () => {
      chain = await startChain({ client });
      await mineActivity(chain, { blocks: 20, perBlock: 5, random });
    });
    after(async () => chain?.close());

    async function headBlock(): Promise<{ number: number; hash: string }> {
      const block = await chain.rpc<{ number: string; hash: string }>("eth_getBlockByNumber", ["latest", false]);
      return { number: Number(block.number), hash: block.hash };
    }

    /** At the head, the state of a depth-64 sync, and nothing kept for reorgs but the cursor's own hash. */
    async function expectFinalAtHead(indexer: TestIndexer) {
      const head = await headBlock();
      const reference = await depth64(chain);
      expect(indexer.store.cursor).to.deep.include({ number: head.number, hash: head.hash });
      expect(await indexer.store.digestState()).to.equal(reference.digest);
      expect(await indexer.store.countEvents()).to.equal(await chainLogCount(chain));
      expect(indexer.store.safe).to.equal(head.number);
      expect(indexer.store.undoBlocks.size).to.equal(0);
      expect([...indexer.store.hashes]).to.deep.equal([[head.number, head.hash]]);
    }

    it("follows the chain to the head with the state of a depth-64 sync, keeping no undo data and no hash but the cursor's", async () => {
      // A depth-64 sync of this short chain keeps undo data for every block that wrote state: the store
      // reports it, so the absence below is meaningful.
      const deep = await tokenIndexer(chain, { finalityDepth: 64 });
      try {
        await deep.syncOnce();
        // Nothing final yet (21 blocks < 64): safe is the block before the token's, and every block after it is hashed.
        const { safe, cursor } = deep.store;
        expect(safe).to.equal(Number(chain.token.fromBlock) - 1);
        expect([...deep.store.hashes.keys()].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: cursor.number - safe }, (_, i) => safe + 1 + i));
        expect(deep.store.undoBlocks.size).to.be.greaterThan(10);
      } finally {
        await deep.close();
      }

      const indexer = await tokenIndexer(chain, { finalityDepth: 0, range: { initial: 3, max: 6 } });
      const { dbPath } = indexer;
      try {
        await indexer.syncOnce();
        expect(indexer.events.filter((e) => e.type === "range").length).to.be.greaterThan(3);
        await expectFinalAtHead(indexer);
        await mineActivity(chain, { blocks: 4, perBlock: 3, random });
        await indexer.syncOnce();
        await expectFinalAtHead(indexer);
      } finally {
        await indexer.close();
      }
      // What was written is what a reopened store reads back.
      const reopened = await tokenIndexer(chain, { finalityDepth: 0, dbPath });
      try {
        await expectFinalAtHead(reopened);
      } finally {
        await reopened.close();
      }
    });

    it("runs as the ledger node with --finality-depth 0 to the head, and INDEXER_FINALITY_DEPTH=0 too", async () => {
      const dbPath = join(chain.dir, "node-db-0");
      const flags = ["--rpc-url", chain.url, "--db", dbPath, "--deployment", chain.deploymentDir, "--reducer", "services/indexer/reducers/erc20.ts", "--until-head", "--log-level", "warn"];
      const run = await runNode([...flags, "--finality-depth", "0"]);
      expect(run, run.stderr).to.deep.include({ code: 0 });
      const reference = await depth64(chain);
      const stored = await inspectStore(dbPath);
      expect(stored.cursor?.number).to.equal(reference.cursor);
      expect(stored.digest).to.equal(reference.digest);

      await mineActivity(chain, { blocks: 2, perBlock: 2, random });
      const again = await runNode(flags, { INDEXER_FINALITY_DEPTH: "0" });
      expect(again, again.stderr).to.deep.include({ code: 0 });
      expect((await inspectStore(dbPath)).digest).to.equal((await depth64(chain)).digest);
    });

    if (client === "anvil") {
      it("rebuilds from the first block when a block it took as final is replaced (anvil_reorg of depth 1)", async () => {
        const indexer = await tokenIndexer(chain, { finalityDepth: 0 });
        try {
          await indexer.syncOnce();
          await anvilReorg(chain, { depth: 1, perBlock: 3, random });
          await indexer.syncOnce();
          expect(indexer.events.filter((e) => e.type === "rebuild").map((e) => e.type === "rebuild" && e.reason)).to.deep.equal(["deep reorg"]);
          expect(indexer.events.filter((e) => e.type === "reorg")).to.deep.equal([]);
          expect((await indexer.metrics.deepReorgRebuildsTotal.get()).values[0]!.value).to.equal(1);
          await expectFinalAtHead(indexer);
          const reference = await referenceSync(chain);
          expect(await indexer.store.digestState()).to.equal(reference.digest);
        } finally {
          await indexer.close();
        }
      });

      it("waits for a node whose head is below the cursor instead of wiping, and rebuilds once a changed chain passes it", async () => {
        const indexer = await tokenIndexer(chain, { finalityDepth: 0 });
        try {
          await indexer.syncOnce();
          const cursor = indexer.store.cursor;
          const digest = await indexer.store.digestState();
          // The node's head 2 blocks below the cursor, on the same chain: a lagging replica, as far as anyone can tell.
          await chain.rpc("anvil_rollback", [2]);
          expect(await indexer.syncOnce()).to.deep.equal({ head: cursor.number - 2, cursor: cursor.number });
          expect(indexer.store.cursor).to.deep.equal(cursor);
          expect(await indexer.store.digestState()).to.equal(digest);
          expect(indexer.events.filter((e) => e.type === "rebuild")).to.deep.equal([]);
          // It was not lagging: new blocks pass the cursor, and the stored cursor block is not their parent.
          await mineActivity(chain, { blocks: 3, perBlock: 3, random });
          await indexer.syncOnce();
          expect(indexer.events.filter((e) => e.type === "rebuild")).to.have.length(1);
          await expectFinalAtHead(indexer);
        } finally {
          await indexer.close();
        }
      });
    }
  });
}

describe("indexer: the finality depth's bad values", function () {
  this.timeout(60_000);
  const contract = { name: "T", address: "0x00000000000000000000000000000000000000aa" as const, abi: [], fromBlock: 1n };

  for (const bad of [-1, 1.5, Number.NaN]) {
    it(`refuses finalityDepth ${bad}, naming the field, before it touches the store`, async () => {
      const dbPath = join("/tmp", `finality-bad-${process.pid}-${Date.now()}`);
      // Nothing wrong but the finality depth; the RPC URL is never reached, the settings being checked first.
      const error = await createIndexer({ rpcUrl: "http://127.0.0.1:9", dbPath, contracts: [contract], finalityDepth: bad }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).issues).to.have.length(1);
      expect((error as ConfigError).issues[0]).to.match(/^finalityDepth: /);
      expect(existsSync(dbPath)).to.equal(false);
    });
  }

  for (const [how, args, env, named] of [
    ["--finality-depth=-1", ["--finality-depth=-1"], {}, /--finality-depth \(INDEXER_FINALITY_DEPTH\): Number must be greater than or equal to 0/],
    ["--finality-depth -1", ["--finality-depth", "-1"], {}, /'--finality-depth' argument is ambiguous/],
    ["INDEXER_FINALITY_DEPTH=1.5", [], { INDEXER_FINALITY_DEPTH: "1.5" }, /--finality-depth \(INDEXER_FINALITY_DEPTH\): must be an integer/],
  ] as const) {
    it(`stops the ledger node with exit code 2 and the flag named on ${how}`, async () => {
      const dbPath = join("/tmp", `finality-bad-node-${process.pid}-${Date.now()}`);
      const run = await runNode(["--rpc-url", "http://127.0.0.1:9", "--db", dbPath, "--deployment", "nowhere", ...args], env);
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.match(named);
      expect(run.stderr.trim().split("\n"), run.stderr).to.have.length(2); // "invalid ...:" and that one issue
      expect(existsSync(dbPath)).to.equal(false);
    });
  }
});
