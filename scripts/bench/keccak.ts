/**
 * keccak256 implementations side by side (issue 12): the hand-assembled WebAssembly permutation of
 * `ledger/encoding/keccak.ts`, `@noble/hashes` (`keccak_256`, pure JS, what viem uses) and `hash-wasm`
 * (`createKeccak(256)`, compiled C in WebAssembly), in the same process, on the workloads the split engine
 * hashes:
 *
 *   (a) Merkle nodes: keccak256 of a sorted pair of 32-byte hashes (64 bytes), the inner nodes of a tree;
 *   (b) allocation leaves: keccak256(keccak256(abi.encode(uint256, address, uint256))) (96 bytes, then 32);
 *   (c) EIP-55 checksums: keccak256 of 40 ASCII hex digits;
 *   (d) the inputs hash: a 10 MB message streamed in 1 KB updates (and in the 48 KB updates
 *       `splitInputsHash` makes), eight times a run;
 *   (e) the allocation tree end to end (encode, double-hash and sort the leaves, hash the nodes) for 100,000
 *       and 1,000,000 leaves: `allocationTree` itself for the hand-written keccak, and the same algorithm
 *       with each implementation swapped in (checked to give `allocationTree`'s root).
 *
 * The hand-written keccak runs each workload twice: through its generic `keccak256Into` (the same job as
 * the libraries do, through their public APIs) and through the entry points the tree uses
 * (`hashSortedPair`, `beginMessage` + `finishDoubleKeccak`). Every implementation's output is compared with
 * the others' (random messages of every length up to three blocks, and each workload's results): a
 * mismatch throws.
 *
 * Each workload runs `KECCAK_BENCH_ROUNDS` times (default 3; once for trees above 100,000 leaves), the
 * implementations interleaved, after a smaller warm-up run each. The median round's main-thread CPU time
 * (which, unlike wall time, does not grow while other jobs hold the cores; both are printed) is reported in
 * ns per hash (or MB/s, or ms), next to `bench/baseline.json` (section "keccak"; `BENCH_SAVE_BASELINE=1`
 * replaces it). The full run takes ~15 min on the loaded 2-core machine (noble is most of it). Run:
 * `npm run bench:keccak`, or `node --import tsx scripts/bench/keccak.ts [hashes, default 1000000] [tree sizes...]`.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak } from "hash-wasm";
import { bytesToHex, type Address } from "viem";

import { writeAddress, writeUint256 } from "../../ledger/encoding/address.js";
import {
  beginMessage,
  finishDoubleKeccak,
  hashSortedPair,
  Keccak256Stream,
  keccak256Into,
} from "../../ledger/encoding/keccak.js";
import { sortByLeadingKey } from "../../ledger/split/order.js";
import { allocationTree } from "../../ledger/split/tree.js";
import type { AllocationEntry } from "../../ledger/split/types.js";
import { report, type Figure } from "./report.js";

// ------------------------------------------------------------------------------------------------
// The implementations, behind one interface
// ------------------------------------------------------------------------------------------------

interface Stream {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

interface Implementation {
  name: string;
  /** keccak256 of `input[from .. to]`, written to `out` at `outOffset`. */
  into(input: Uint8Array, from: number, to: number, out: Uint8Array, outOffset: number): void;
  stream(): Stream;
}

const handWritten: Implementation = {
  name: "hand-written WebAssembly",
  into: keccak256Into,
  stream() {
    const stream = new Keccak256Stream();
    return { update: (bytes) => void stream.update(bytes), digest: () => stream.digest() };
  },
};

const noble: Implementation = {
  name: "@noble/hashes keccak_256",
  into(input, from, to, out, outOffset) {
    out.set(keccak_256(input.subarray(from, to)), outOffset);
  },
  stream() {
    const hasher = keccak_256.create();
    return { update: (bytes) => void hasher.update(bytes), digest: () => hasher.digest() };
  },
};

const oneShot = await createKeccak(256);
const hashWasm: Implementation = {
  name: "hash-wasm createKeccak(256)",
  into(input, from, to, out, outOffset) {
    out.set(oneShot.init().update(input.subarray(from, to)).digest("binary"), outOffset);
  },
  stream() {
    // Created up front (creation is async), with its own WebAssembly instance; the streams here never overlap.
    streamHasher.init();
    return { update: (bytes) => void streamHasher.update(bytes), digest: () => streamHasher.digest("binary") };
  },
};
const streamHasher = await createKeccak(256);

const implementations = [handWritten, noble, hashWasm];
/**
 * The hand-written keccak through the entry points `allocationTree` uses (`hashSortedPair`, `beginMessage`
 * + `finishDoubleKeccak`; `allocationTree` itself in (e)), under this name; under `handWritten.name`,
 * through `keccak256Into` and `Keccak256Stream`, as the libraries through their public APIs.
 */
const HAND_TREE = `${handWritten.name}, tree entry points`;

// ------------------------------------------------------------------------------------------------
// Agreement
// ------------------------------------------------------------------------------------------------

function same(label: string, outputs: readonly (readonly [string, Uint8Array | string])[]): void {
  const [firstName, first] = outputs[0]!;
  const reference = typeof first === "string" ? first : bytesToHex(first);
  for (const [name, output] of outputs.slice(1)) {
    const value = typeof output === "string" ? output : bytesToHex(output);
    if (value !== reference) throw new Error(`keccak mismatch on ${label}: ${name} gives ${value.slice(0, 20)}…, ${firstName} ${reference.slice(0, 20)}…`);
  }
}

/** Random messages of every length up to three blocks and a bit, one-shot and streamed in random pieces. */
function checkAgreement(): void {
  for (let length = 0; length <= 3 * 136 + 12; length += 1) {
    const message = randomBytes(length + 7);
    const from = length % 7;
    const outputs = implementations.map((implementation) => {
      const out = new Uint8Array(32);
      implementation.into(message, from, from + length, out, 0);
      return [implementation.name, out] as const;
    });
    same(`a random ${length}-byte message`, outputs);
    const streamed = implementations.map((implementation) => {
      const stream = implementation.stream();
      for (let offset = from; offset < from + length; ) {
        const end = Math.min(from + length, offset + 1 + ((offset * 37) % 150));
        stream.update(message.subarray(offset, end));
        offset = end;
      }
      return [`${implementation.name}, streamed`, stream.digest()] as const;
    });
    same(`a random ${length}-byte message, streamed`, [...outputs.slice(0, 1), ...streamed]);
  }
  console.log("agreement: the three implementations give the same keccak256 on random messages of 0 to 420 bytes");
}

// ------------------------------------------------------------------------------------------------
// Timing
// ------------------------------------------------------------------------------------------------

const ROUNDS = Number(process.env.KECCAK_BENCH_ROUNDS ?? 3);
/** The size of the warm-up run of each contender (V8 optimises the loops, WebAssembly tiers up). */
const WARM_UP = 20_000;

/**
 * CPU time of this process's main thread so far, in ms (Linux; `undefined` elsewhere): on a shared
 * machine, wall time grows with the other jobs' load; this does not (as in `split.ts`).
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

interface Timing {
  wall: number;
  /** Main-thread CPU time, or the wall time where it cannot be read. */
  cpu: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** A contender: its name, and a run over `count` items returning its result (compared with the others'). */
type Contender = readonly [string, (count: number) => Uint8Array | string];

/**
 * Runs each contender on `count` items `rounds` times, interleaved, after a warm-up run each on fewer;
 * checks that their results agree; returns each one's median wall and CPU times in ms.
 */
function race(label: string, count: number, contenders: readonly Contender[], rounds = ROUNDS): Map<string, Timing> {
  const times = new Map<string, Timing[]>(contenders.map(([name]) => [name, []]));
  same(`${label} (warm-up)`, contenders.map(([name, run]) => [name, run(Math.min(count, WARM_UP))] as const));
  for (let round = 0; round < rounds; round += 1) {
    const results: [string, Uint8Array | string][] = [];
    // A different order each round: whoever runs first pays for the garbage of whoever ran before.
    for (let k = 0; k < contenders.length; k += 1) {
      const [name, run] = contenders[(k + round) % contenders.length]!;
      const cpuStart = mainThreadCpuMs();
      const start = performance.now();
      const result = run(count);
      const wall = performance.now() - start;
      const cpuEnd = mainThreadCpuMs();
      times.get(name)!.push({ wall, cpu: cpuStart === undefined || cpuEnd === undefined ? wall : cpuEnd - cpuStart });
      results.push([name, result]);
    }
    same(label, results);
  }
  return new Map(
    [...times].map(([name, values]) => [name, { wall: median(values.map((t) => t.wall)), cpu: median(values.map((t) => t.cpu)) }]),
  );
}

/** A digest of a large output buffer, for the agreement check. */
function fingerprint(bytes: Uint8Array): string {
  const out = new Uint8Array(32);
  keccak256Into(bytes, 0, bytes.length, out, 0);
  return bytesToHex(out);
}

// ------------------------------------------------------------------------------------------------
// The workloads
// ------------------------------------------------------------------------------------------------

/** (a) The inner nodes of a tree over `n + 1` random leaves: `n` sorted-pair hashes; the root. */
function merkleNodes(count: number): Map<string, Timing> {
  const leaves = randomBytes(32 * (count + 1));
  const nodes = new Uint32Array(8 * (2 * count + 1));
  const bytes = new Uint8Array(nodes.buffer);
  const pair = new Uint8Array(64);
  /** Node i = hash of the sorted pair (2i + 1, 2i + 2), as `allocationTree` does, with `into`. */
  const generic = (into: Implementation["into"]) => (hashes: number): string => {
    const n = hashes + 1;
    bytes.set(leaves.subarray(0, 32 * n), 32 * (n - 1));
    for (let i = n - 2; i >= 0; i -= 1) {
      const a = 32 * (2 * i + 1);
      const b = a + 32;
      let order = 0;
      for (let k = 0; k < 32 && order === 0; k += 1) order = bytes[a + k]! - bytes[b + k]!;
      const first = order <= 0 ? a : b;
      const second = order <= 0 ? b : a;
      pair.set(bytes.subarray(first, first + 32), 0);
      pair.set(bytes.subarray(second, second + 32), 32);
      into(pair, 0, 64, bytes, 32 * i);
    }
    return bytesToHex(bytes.subarray(0, 32));
  };
  const tree = (hashes: number): string => {
    const n = hashes + 1;
    bytes.set(leaves.subarray(0, 32 * n), 32 * (n - 1));
    for (let i = n - 2; i >= 0; i -= 1) hashSortedPair(nodes, bytes, 8 * (2 * i + 1), 8 * (2 * i + 2), 8 * i);
    return bytesToHex(bytes.subarray(0, 32));
  };
  return race("(a) Merkle nodes", count, [
    [HAND_TREE, tree],
    [handWritten.name, generic(handWritten.into)],
    [noble.name, generic(noble.into)],
    [hashWasm.name, generic(hashWasm.into)],
  ]);
}

/** (b) `n` leaves: keccak256(keccak256(96-byte encoding)), the encodings prepared beforehand. */
function leaves(count: number): Map<string, Timing> {
  const distinct = Math.min(count, 1 << 16);
  const messages = new Uint8Array(96 * distinct);
  const view = new DataView(messages.buffer);
  const random = randomBytes(52 * distinct);
  for (let j = 0; j < distinct; j += 1) {
    view.setUint32(96 * j + 28, j); // index
    messages.set(random.subarray(52 * j, 52 * j + 20), 96 * j + 44); // address
    messages.set(random.subarray(52 * j + 20, 52 * j + 52), 96 * j + 64); // amount
  }
  const out = new Uint32Array(8 * count);
  const outBytes = new Uint8Array(out.buffer);
  const inner = new Uint8Array(32);
  const generic = (into: Implementation["into"]) => (n: number): string => {
    for (let i = 0; i < n; i += 1) {
      const at = 96 * (i % distinct);
      into(messages, at, at + 96, inner, 0);
      into(inner, 0, 32, outBytes, 32 * i);
    }
    return fingerprint(outBytes.subarray(0, 32 * n));
  };
  const tree = (n: number): string => {
    for (let i = 0; i < n; i += 1) {
      const at = 96 * (i % distinct);
      beginMessage().bytes.set(messages.subarray(at, at + 96));
      finishDoubleKeccak(96, out, 8 * i);
    }
    return fingerprint(outBytes.subarray(0, 32 * n));
  };
  return race("(b) leaves", count, [
    [HAND_TREE, tree],
    [handWritten.name, generic(handWritten.into)],
    [noble.name, generic(noble.into)],
    [hashWasm.name, generic(hashWasm.into)],
  ]);
}

/** (c) `n` hashes of 40 ASCII hex digits (an EIP-55 checksum each). */
function checksums(count: number): Map<string, Timing> {
  const distinct = Math.min(count, 1 << 14);
  const digits = new TextEncoder().encode(randomBytes(20 * distinct).toString("hex"));
  const hash = new Uint8Array(32);
  const run = (into: Implementation["into"]) => (n: number): Uint8Array => {
    const sum = new Uint8Array(32);
    for (let i = 0; i < n; i += 1) {
      const at = 40 * (i % distinct);
      into(digits, at, at + 40, hash, 0);
      sum[i & 31]! ^= hash[i & 31]!;
    }
    return sum;
  };
  return race("(c) checksums", count, [
    [handWritten.name, run(handWritten.into)],
    [noble.name, run(noble.into)],
    [hashWasm.name, run(hashWasm.into)],
  ]);
}

/**
 * (d) One `bytes`-byte message, streamed in `piece`-byte updates, `STREAMS` times a run (one stream would
 * be a few ticks of the CPU clock).
 */
function streamed(bytes: number, piece: number): Map<string, Timing> {
  const message = randomBytes(bytes);
  const run = (implementation: Implementation) => (length: number): string => {
    let digests = "";
    for (let s = 0; s < (length === bytes ? STREAMS : 1); s += 1) {
      const stream = implementation.stream();
      for (let offset = 0; offset < length; offset += piece) stream.update(message.subarray(offset, Math.min(length, offset + piece)));
      digests += bytesToHex(stream.digest());
    }
    return digests;
  };
  return race(`(d) ${piece}-byte updates`, bytes, implementations.map((implementation) => [implementation.name, run(implementation)] as const));
}

/** (e) The entries of an allocation of `n` parties: lower-case addresses ascending, random amounts. */
function allocation(n: number): { amount: bigint; entries: AllocationEntry[] } {
  const random = randomBytes(20 * n);
  const entries: AllocationEntry[] = [];
  let amount = 0n;
  for (let i = 0; i < n; i += 1) {
    // The index in the first four bytes keeps the addresses ascending; the rest is random.
    const account = `0x${i.toString(16).padStart(8, "0")}${random.subarray(20 * i, 20 * i + 16).toString("hex")}` as Address;
    const share = BigInt(1 + random.readUInt32BE(20 * i + 16)) * 1_000_000_007n;
    amount += share;
    entries.push({ account, amount: share, basis: share } as unknown as AllocationEntry);
  }
  return { amount, entries };
}

/**
 * `allocationTree(...).root` with `into` for every hash: the same encoding, leaf order and node layout
 * (without its checks, its proofs' bookkeeping and its entry points).
 */
function treeRoot(entries: readonly AllocationEntry[], into: Implementation["into"]): string {
  const n = entries.length;
  const leafBytes = new Uint8Array(32 * n);
  const message = new Uint8Array(96);
  const view = new DataView(message.buffer);
  const inner = new Uint8Array(32);
  for (let i = 0; i < n; i += 1) {
    const { account, amount } = entries[i]!;
    writeUint256(view, 0, BigInt(i));
    writeAddress(message, 44, account);
    writeUint256(view, 64, amount);
    into(message, 0, 96, inner, 0);
    into(inner, 0, 32, leafBytes, 32 * i);
  }
  const compare = (bytes: Uint8Array, a: number, b: number): number => {
    for (let k = 0; k < 32; k += 1) {
      const d = bytes[a + k]! - bytes[b + k]!;
      if (d !== 0) return d;
    }
    return 0;
  };
  const leafView = new DataView(leafBytes.buffer);
  const leading = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) leading[i] = leafView.getUint32(32 * i);
  const order = sortByLeadingKey(leading, (a, b) => compare(leafBytes, 32 * a, 32 * b) || a - b);
  const size = 2 * n - 1;
  const nodes = new Uint8Array(32 * size);
  for (let k = 0; k < n; k += 1) nodes.set(leafBytes.subarray(32 * order[k]!, 32 * order[k]! + 32), 32 * (size - 1 - k));
  const pair = new Uint8Array(64);
  for (let i = n - 2; i >= 0; i -= 1) {
    const a = 32 * (2 * i + 1);
    const b = a + 32;
    const [first, second] = compare(nodes, a, b) <= 0 ? [a, b] : [b, a];
    pair.set(nodes.subarray(first, first + 32), 0);
    pair.set(nodes.subarray(second, second + 32), 32);
    into(pair, 0, 64, nodes, 32 * i);
  }
  return bytesToHex(nodes.subarray(0, 32));
}

/** (e) `n` leaves: `allocationTree` (the hand-written keccak's entry points), and `treeRoot` with each. */
function tree(n: number): Map<string, Timing> {
  const input = allocation(n);
  const warmUp = allocation(Math.min(n, WARM_UP));
  const pick = (count: number) => (count === n ? input : warmUp);
  // One round above 100,000 leaves, as in split.ts: a round is seconds per contender.
  return race(
    `(e) allocation tree of ${n} leaves`,
    n,
    [
      [HAND_TREE, (count) => allocationTree(pick(count)).root],
      [handWritten.name, (count) => treeRoot(pick(count).entries, handWritten.into)],
      [noble.name, (count) => treeRoot(pick(count).entries, noble.into)],
      [hashWasm.name, (count) => treeRoot(pick(count).entries, hashWasm.into)],
    ],
    n > 100_000 ? 1 : ROUNDS,
  );
}

// ------------------------------------------------------------------------------------------------
// The run
// ------------------------------------------------------------------------------------------------

const [hashesArgument, ...treeArguments] = process.argv.slice(2).map(Number);
const HASHES = hashesArgument ?? 1_000_000;
const TREES = treeArguments.length > 0 ? treeArguments : [100_000, 1_000_000];
const STREAM_BYTES = 10 * 1024 * 1024;
const STREAMS = 8;
console.log(
  `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${cpus().length} cores; node ${process.version}; ` +
    `median of ${ROUNDS} rounds (1 for trees above 100,000 leaves) of main-thread CPU time`,
);

checkAgreement();

interface Row {
  workload: string;
  times: Map<string, Timing>;
  /** From ms to the figure's unit. */
  convert: (ms: number) => number;
  unit: string;
}
const rows: Row[] = [];
const perItem = (count: number) => (ms: number) => (ms * 1e6) / count;
const rate = (ms: number) => (STREAMS * STREAM_BYTES) / 1e6 / (ms / 1000);
const record = (workload: string, times: Map<string, Timing>, convert: (ms: number) => number, unit: string): void => {
  rows.push({ workload, times, convert, unit });
  console.log(`${workload}: done`);
};

const count = HASHES.toLocaleString("en");
record(`(a) ${count} Merkle nodes (64 B)`, merkleNodes(HASHES), perItem(HASHES), "ns/hash");
record(`(b) ${count} leaves (96 B, hashed twice)`, leaves(HASHES), perItem(HASHES), "ns/leaf");
record(`(c) ${count} checksums (40 B)`, checksums(HASHES), perItem(HASHES), "ns/hash");
record("(d) 10 MB streamed, 1 KB updates", streamed(STREAM_BYTES, 1024), rate, "MB/s");
record("(d) 10 MB streamed, 48 KB updates", streamed(STREAM_BYTES, 256 * 192), rate, "MB/s");
for (const n of TREES) record(`(e) allocation tree, ${n.toLocaleString("en")} leaves`, tree(n), (ms) => ms, "ms");

// Side by side: a line per workload, a column per implementation, the libraries against the hand-written.
const columns = [HAND_TREE, handWritten.name, noble.name, hashWasm.name];
for (const clock of ["cpu", "wall"] as const) {
  const header = ["workload", "hand, tree path", "hand, generic", "@noble/hashes", "", "hash-wasm", ""];
  const table = rows.map(({ workload, times, convert, unit }) => {
    const reference = (times.get(HAND_TREE) ?? times.get(handWritten.name)!)[clock];
    return [
      workload,
      ...columns.flatMap((column) => {
        const ms = times.get(column)?.[clock];
        const cell = ms === undefined ? "-" : `${convert(ms).toFixed(unit === "ms" ? 0 : 1)} ${unit}`;
        if (column === HAND_TREE || column === handWritten.name) return [cell];
        return [cell, ms === undefined ? "" : `×${(ms / reference).toFixed(2)}`];
      }),
    ];
  });
  const widths = header.map((title, c) => Math.max(title.length, ...table.map((row) => row[c]!.length)));
  console.log(
    `\n${clock === "cpu" ? "main-thread CPU time" : "wall time"}; ×: the library's time over the hand-written keccak's ` +
      "(its tree path where it has one)",
  );
  for (const row of [header, ...table]) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "));
}

await report(
  "keccak",
  rows.flatMap(({ workload, times, convert, unit }) =>
    [...times].map(([name, { cpu }]): Figure => ({ name: `${workload}: ${name}`, value: convert(cpu), unit, higherIsBetter: unit === "MB/s" })),
  ),
);
