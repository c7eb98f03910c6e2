import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { Level } from "level";
import { numberToHex } from "viem";

import { inspectStore } from "../../services/indexer/store/digest.js";
import { chainLogCount, mineActivity, prng, startChain, type TestChain } from "./helpers/chain.js";
import { referenceSync } from "./helpers/indexer.js";

interface ChildRun {
  /** The exit code, or null when killed. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** The highest block the child said it applied. */
  applied: number;
}

/** When to SIGKILL the child: ms after spawn, ms after it opened its store, or `delayMs` after it applied `atBlock`. */
interface Kill {
  afterMs?: number;
  afterOpenMs?: number;
  atBlock?: number;
  delayMs?: number;
}

/**
 * Runs `services/node/main.ts` as its own process (as in production), synced to the head
 * (--until-head), and SIGKILLs it as `kill` says.
 */
function runIndexer(
  chain: TestChain,
  dbPath: string,
  kill: Kill = {},
): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "services/node/main.ts",
      "--rpc-url",
      chain.url,
      "--db",
      dbPath,
      "--deployment",
      chain.deploymentDir,
      "--reducer",
      "services/indexer/reducers/erc20.ts",
      "--finality-depth",
      "5",
      "--initial-range",
      "6",
      "--max-range",
      "12",
      "--concurrency",
      "3",
      "--until-head",
      "--log-level",
      "debug",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let applied = -1;
  let stderr = "";
  let buffered = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      const record = JSON.parse(line) as { msg: string; to?: number };
      if (record.msg === "store opened" && kill.afterOpenMs !== undefined) killIn(kill.afterOpenMs);
      if (record.msg === "range applied" && record.to !== undefined) {
        applied = Math.max(applied, record.to);
        if (kill.atBlock !== undefined && applied >= kill.atBlock) killIn(kill.delayMs ?? 0);
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timers: NodeJS.Timeout[] = [];
  function killIn(ms: number) {
    timers.push(setTimeout(() => child.kill("SIGKILL"), ms));
  }
  if (kill.afterMs !== undefined) killIn(kill.afterMs);
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      resolve({ code, signal, stderr, applied });
    }),
  );
}

describe("indexer: kill -9 at random points of a sync", function () {
  this.timeout(90_000);
  let chain: TestChain;
  const random = prng(0xc0ffee);
  // Kill points are drawn anew on every run; INDEXER_TEST_SEED replays one.
  const seed = Number(process.env.INDEXER_TEST_SEED ?? Math.floor(Math.random() * 2 ** 32));
  const killRandom = prng(seed);

  before(async () => {
    chain = await startChain();
    await mineActivity(chain, { blocks: 300, perBlock: 8, random });
  });
  after(async () => chain?.close());

  it("resumes from the cursor with no gap and no duplicate, and ends at the uninterrupted state", async () => {
    let head = await chain.head();
    const dbPath = join(chain.dir, "crash-db");
    let previousCursor = -1;
    let midSyncKills = 0;
    const outcomes: string[] = [];
    // Kills during start-up or the store's opening, just after it, and at random blocks of the
    // sync, each plus a random few ms so that it lands anywhere in a fetch, a reduce or a batch write.
    // A kill can come too late, after the node reached the head and exited (a loaded machine delays the
    // timer, a faster indexer leaves less to kill): then the chain grows and the plan goes on, so that the
    // kills that land mid-sync do not depend on the machine's speed.
    // The first seven always run; the three more only while fewer than three kills have landed mid-sync.
    const plan = ["start", "block", "open", "block", "block", "open", "block", "block", "block", "block"] as const;
    for (const [index, when] of plan.entries()) {
      if (index >= 7 && midSyncKills >= 3) break;
      const remaining = head - Math.max(previousCursor, 0);
      const kill: Kill =
        when === "start"
          ? { afterMs: 300 + Math.floor(killRandom() * 600) }
          : when === "open"
            ? { afterOpenMs: Math.floor(killRandom() * 30) }
            : { atBlock: Math.max(previousCursor, 0) + Math.ceil(remaining * (0.1 + 0.3 * killRandom())), delayMs: Math.floor(killRandom() * 20) };
      const run = await runIndexer(chain, dbPath, kill);
      expect(run.stderr, `seed ${seed}: ${run.stderr}`).to.equal("");
      if (run.signal !== "SIGKILL") {
        expect(run.code, `seed ${seed}`).to.equal(0);
        outcomes.push(`${when}: reached the head ${head}`);
        previousCursor = head;
        if (midSyncKills >= 3) break;
        await mineActivity(chain, { blocks: 100, perBlock: 8, random });
        head = await chain.head();
        continue;
      }
      if (!existsSync(join(dbPath, "CURRENT"))) continue; // killed before the store was created
      // The LOCK file is still there; only the OS-held lock died with the process.
      expect(existsSync(join(dbPath, "LOCK"))).to.equal(true);
      const { cursor, events } = await inspectStore(dbPath);
      const at = cursor?.number ?? -1;
      expect(at).to.be.at.least(previousCursor);
      if (at > previousCursor && at < head) midSyncKills++;
      outcomes.push(`${when}: killed at cursor ${at} of ${head}`);
      // Exactly the chain's logs up to the cursor: no gap, no duplicate.
      const expected = at < 0 ? 0 : (await chain.rpc<unknown[]>("eth_getLogs", [{ address: chain.token.address, fromBlock: "0x0", toBlock: numberToHex(at) }])).length;
      expect(events, `seed ${seed}: logs stored at cursor ${at}`).to.equal(expected);
      previousCursor = at;
    }
    expect(midSyncKills, `seed ${seed}: kills that landed mid-sync (${outcomes.join("; ")})`).to.be.at.least(3);

    const reference = await referenceSync(chain);
    const final = await runIndexer(chain, dbPath);
    expect(final.code, final.stderr).to.equal(0);
    const state = await inspectStore(dbPath);
    expect(state.cursor?.number).to.equal(head);
    expect(state.events).to.equal(await chainLogCount(chain));
    expect(state.digest).to.equal(reference.digest);
  });

  it("refuses, with a clear message, a store another live process holds", async () => {
    const dbPath = join(chain.dir, "locked-db");
    const holder = new Level(dbPath);
    await holder.open();
    try {
      const run = await runIndexer(chain, dbPath);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/in use by another process/);
    } finally {
      await holder.close();
    }
  });
});
