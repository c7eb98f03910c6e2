/**
 * Timings of the split engine: `splitRevenue` + `allocationTree(...).root` for 10,000 and 1,000,000
 * contributors in one stage (budgets: 100 ms and 10 s on the project's 2-core machine), and
 * `splitInputsHash` for the same inputs. Run: `node_modules/.bin/node --import tsx scripts/bench/split.ts`;
 * arguments override the party counts, e.g. `... split.ts 1000 50000`.
 *
 * The input is what a reducer hands over: checksummed addresses (as viem decodes them from logs), flat
 * strings, ids ascending, random measures. Each size runs in a process of its own, after a warm-up (a
 * service splits again and again): eleven times up to 100,000 parties (median and worst printed), once
 * above. Wall time, and the main thread's CPU time, which does not grow while other jobs hold the cores.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

import { bytesToHex, type Address } from "viem";

import { allocationTree, splitInputsHash, splitRevenue, type SplitContext } from "../../ledger/split/index.js";
import { Stage } from "../../ledger/types.js";
import { report } from "./report.js";
import { keccak256Bytes } from "../../ledger/encoding/keccak.js";

/** A deterministic pseudo-random generator (xorshift32), so every run splits the same input. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** EIP-55: a letter upper-case when the matching nibble of keccak256(lower-case hex) is 8 or more. */
function checksummed(lower: string): Address {
  const hash = keccak256Bytes(new TextEncoder().encode(lower.slice(2)));
  const codes = Array.from(lower, (char) => char.charCodeAt(0));
  for (let i = 0; i < 40; i += 1) {
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f;
    if (nibble >= 8 && codes[i + 2]! >= 0x61) codes[i + 2]! -= 0x20;
  }
  return String.fromCharCode(...codes) as Address; // a flat string, as decoded from a log
}

/** `parties` distinct contributors at PROCESSING, measures 1 to 1,000,000, under a TO_HOLDER policy. */
function context(parties: number): SplitContext {
  const next = generator(parties);
  const bytes = new Uint8Array(20);
  const view = new DataView(bytes.buffer);
  const contributions = Array.from({ length: parties }, (_, i) => {
    for (let w = 0; w < 4; w += 1) view.setUint32(4 * w, next());
    view.setUint32(16, i);
    return { id: BigInt(i + 1), contributor: checksummed(bytesToHex(bytes)), stage: Stage.PROCESSING, measure: BigInt(1 + (next() % 1_000_000)) };
  });
  return {
    assetId: 1n,
    policy: { version: 1, stageWeightsBps: [2_000, 5_000, 2_000, 1_000], emptyStageRule: "TO_HOLDER" },
    holder: checksummed("0x00000000000000000000000000000000000000aa"),
    contributions,
    parents: [],
  };
}

/**
 * CPU time of this process's main thread so far, in ms (Linux; `undefined` elsewhere): unlike wall time,
 * it does not grow while other jobs on a shared machine hold the cores.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

interface Timing {
  wall: number;
  cpu: number | undefined;
}

function time<T>(run: () => T): [T, Timing] {
  const cpuStart = mainThreadCpuMs();
  const start = performance.now();
  const result = run();
  const wall = performance.now() - start;
  const cpuEnd = mainThreadCpuMs();
  return [result, { wall, cpu: cpuStart === undefined || cpuEnd === undefined ? undefined : cpuEnd - cpuStart }];
}

const ms = ({ wall, cpu }: Timing): string => `${wall.toFixed(0)} ms${cpu === undefined ? "" : ` (CPU ${cpu.toFixed(0)})`}`;

const amount = 1_234_567_890_123_456_789n;

/** Splits `parties` contributors `runs` times (after a warm-up) and prints the timings. */
async function bench(parties: number): Promise<void> {
  // Warm-up: compile the WebAssembly keccak and let V8 optimise the hot loops.
  const warmUp = { amount, context: context(10_000) };
  for (let i = 0; i < 5; i += 1) allocationTree(splitRevenue(warmUp));

  const input = { amount, context: context(parties) };
  const runs = parties > 100_000 ? 1 : 11;
  const totals: Timing[] = [];
  for (let run = 0; run < runs; run += 1) {
    const [allocation, split] = time(() => splitRevenue(input));
    const [root, tree] = time(() => allocationTree(allocation).root);
    const total = { wall: split.wall + tree.wall, cpu: split.cpu === undefined || tree.cpu === undefined ? undefined : split.cpu + tree.cpu };
    totals.push(total);
    console.log(
      `${parties.toLocaleString("en")} contributors, run ${run + 1}: split ${ms(split)} + Merkle root ${ms(tree)} = ` +
        `${ms(total)}; ${allocation.entries.length.toLocaleString("en")} leaves, root ${root.slice(0, 10)}…`,
    );
  }
  const [, hash] = time(() => splitInputsHash(input));
  totals.sort((a, b) => a.wall - b.wall);
  console.log(
    `${parties.toLocaleString("en")} contributors: split + Merkle root median ${ms(totals[totals.length >> 1]!)}, ` +
      `worst ${ms(totals.at(-1)!)} over ${runs} run(s); inputs hash ${ms(hash)}`,
  );
  await report(`split, ${parties.toLocaleString("en")} parties`, [
    { name: "split + Merkle root (median wall)", value: totals[totals.length >> 1]!.wall, unit: "ms" },
    { name: "split + Merkle root (worst wall)", value: totals.at(-1)!.wall, unit: "ms" },
    { name: "inputs hash", value: hash.wall, unit: "ms" },
  ]);
}

const sizes = process.argv.slice(2).map(Number);
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${cpus().length} cores`);
if (sizes.length === 1) {
  await bench(sizes[0]!);
} else {
  // Each size in a process of its own: a large split leaves a large heap behind, which the next size
  // would pay for in garbage collection.
  for (const parties of sizes.length > 0 ? sizes : [10_000, 1_000_000]) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(parties)], { stdio: "inherit" });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
