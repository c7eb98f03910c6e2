/**
 * keccak256 for large batches: the Keccak-f[1600] permutation compiled to WebAssembly (64-bit lanes), with
 * the sponge in TypeScript.
 *
 * Why: viem's keccak256 (noble-hashes) takes about 10 µs per 64-byte hash on the 2-core machine the split
 * engine is measured on; a Merkle tree over a million allocation leaves needs three million hashes (two per
 * leaf, one per inner node), 30 s. This permutation takes a fraction of that. Its result is checked against
 * viem's keccak256 in `test/split/keccak.test.ts`, for every input length up to several blocks.
 *
 * Kept rather than a library (issue 12) on `npm run bench:keccak` (`scripts/bench/keccak.ts`, figures in
 * `bench/baseline.json` under "keccak"): the three side by side in one process, main-thread CPU time on
 * that machine, median of 3 runs (1 for the million-leaf tree), Node 22:
 *
 *   workload                              this file   hash-wasm 4.13          @noble/hashes 2.3
 *   Merkle node (64 B, sorted pair)       0.81 µs     2.24 µs (2.8x slower)   11.7 µs (14x)
 *   leaf (96 B, then 32 B)                1.78 µs     3.59 µs (2.0x)          19.7 µs (11x)
 *   EIP-55 checksum (40 B)                0.72 µs     1.52 µs (2.1x)          9.5 µs (13x)
 *   allocation tree, 1,000,000 leaves     3.4 s       5.5 s (1.6x)            32.4 s (9.6x)
 *   10 MB streamed in 1 KB / 48 KB        140 / 135   153 / 155 MB/s          21 / 17 MB/s
 *
 * hash-wasm's permutation is at least as fast (it streams 10-15% faster), but each hash through its API
 * is three calls into WebAssembly, a copy in and a copy of the digest out; the entry points below write
 * messages straight into the state. The tree (the node and leaf rows) dominates a split; the stream does not.
 *
 * The WebAssembly module is assembled here, at load time, from the description of the permutation below
 * (no binary blob in the repository, nothing fetched): one exported function `f(pointer)` that permutes the
 * 200-byte state at `pointer` in its memory, in place. Pure computation, synchronous, no I/O.
 */

// ------------------------------------------------------------------------------------------------
// The permutation's constants, derived as FIPS 202 specifies them (not copied from a table)
// ------------------------------------------------------------------------------------------------

/** Lane (x, y) of the state is lane index x + 5y; its bytes are at 8(x + 5y), little-endian. */
const lane = (x: number, y: number): number => ((x % 5) + 5) % 5 + 5 * (((y % 5) + 5) % 5);

/** ρ offsets: lane (1, 0) rotates by 1, and the t-th lane of the walk (x, y) -> (y, 2x + 3y) by (t+1)(t+2)/2. */
function rhoOffsets(): number[] {
  const offsets = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t += 1) {
    offsets[lane(x, y)] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return offsets;
}

/** ι round constants, from the degree-8 LFSR x^8 + x^6 + x^5 + x^4 + 1. */
function roundConstants(): bigint[] {
  const constants: bigint[] = [];
  let r = 1;
  for (let round = 0; round < 24; round += 1) {
    let rc = 0n;
    for (let j = 0; j < 7; j += 1) {
      if (r & 1) rc |= 1n << BigInt((1 << j) - 1);
      r = ((r << 1) ^ ((r >> 7) * 0x71)) & 0xff;
    }
    constants.push(rc);
  }
  return constants;
}

// ------------------------------------------------------------------------------------------------
// The WebAssembly module
// ------------------------------------------------------------------------------------------------

/** Memory layout of the module: the round constants, then the state. */
const RC_OFFSET = 0;
const STATE_OFFSET = 256;
const RATE = 136;

const op = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i64Load: 0x29,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i64And: 0x83,
  i64Xor: 0x85,
  i64Rotl: 0x89,
} as const;

function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function sleb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => [...uleb(text.length), ...[...text].map((c) => c.charCodeAt(0))];

/**
 * The body of `f(pointer)`: load the 25 lanes into locals, run 24 rounds (θ, ρ and π, χ, ι — one round
 * unrolled, in a loop over the round constants), store the lanes back.
 */
function permutationBody(): number[] {
  // Locals: 0 the pointer (parameter), 1 the round constant's address, then i64 locals: a[25], b[25], c[5], d.
  const ROUND = 1;
  const a = (i: number): number => 2 + i;
  const b = (i: number): number => 27 + i;
  const c = (i: number): number => 52 + i;
  const D = 57;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const rho = rhoOffsets();
  const code: number[] = [];

  for (let i = 0; i < 25; i += 1) code.push(...get(0), op.i64Load, 3, ...uleb(8 * i), ...set(a(i)));
  code.push(op.i32Const, ...sleb(RC_OFFSET), ...set(ROUND));
  code.push(op.loop, 0x40);
  // θ: c[x] = a[x, 0] ^ ... ^ a[x, 4]; a[x, y] ^= c[x - 1] ^ rotl(c[x + 1], 1).
  for (let x = 0; x < 5; x += 1) {
    code.push(...get(a(lane(x, 0))));
    for (let y = 1; y < 5; y += 1) code.push(...get(a(lane(x, y))), op.i64Xor);
    code.push(...set(c(x)));
  }
  for (let x = 0; x < 5; x += 1) {
    code.push(...get(c((x + 4) % 5)), ...get(c((x + 1) % 5)), op.i64Const, 1, op.i64Rotl, op.i64Xor, ...set(D));
    for (let y = 0; y < 5; y += 1) code.push(...get(a(lane(x, y))), ...get(D), op.i64Xor, ...set(a(lane(x, y))));
  }
  // ρ and π: b[y, 2x + 3y] = rotl(a[x, y], ρ[x, y]).
  for (let x = 0; x < 5; x += 1) {
    for (let y = 0; y < 5; y += 1) {
      const offset = rho[lane(x, y)]!;
      code.push(...get(a(lane(x, y))));
      if (offset !== 0) code.push(op.i64Const, ...sleb(offset), op.i64Rotl);
      code.push(...set(b(lane(y, 2 * x + 3 * y))));
    }
  }
  // χ: a[x, y] = b[x, y] ^ (~b[x + 1, y] & b[x + 2, y]).
  for (let x = 0; x < 5; x += 1) {
    for (let y = 0; y < 5; y += 1) {
      code.push(...get(b(lane(x, y))));
      code.push(...get(b(lane(x + 1, y))), op.i64Const, ...sleb(-1), op.i64Xor);
      code.push(...get(b(lane(x + 2, y))), op.i64And, op.i64Xor, ...set(a(lane(x, y))));
    }
  }
  // ι: a[0, 0] ^= RC[round]; next round while the address is inside the table.
  code.push(...get(a(0)), ...get(ROUND), op.i64Load, 3, 0, op.i64Xor, ...set(a(0)));
  code.push(...get(ROUND), op.i32Const, 8, op.i32Add, op.localTee, ROUND);
  code.push(op.i32Const, ...sleb(RC_OFFSET + 8 * 24), op.i32LtU, op.brIf, 0, op.end);
  for (let i = 0; i < 25; i += 1) code.push(...get(0), ...get(a(i)), op.i64Store, 3, ...uleb(8 * i));
  code.push(op.end);

  const locals = vector([
    [1, 0x7f],
    [56, 0x7e],
  ]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // type 0: (i32) -> ()
    ...section(1, vector([[0x60, 1, 0x7f, 0]])),
    ...section(3, vector([[0]])),
    // one memory of one page, no maximum
    ...section(5, vector([[0x00, 1]])),
    ...section(7, vector([
      [...name("f"), 0x00, 0],
      [...name("memory"), 0x02, 0],
    ])),
    ...section(10, vector([permutationBody()])),
  ];
  return Uint8Array.from(bytes);
}

/** The part of the WebAssembly JS API used here (the project's `lib` settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface Permutation {
  /** Permutes the 200-byte state at `pointer` of the module's memory in place. */
  f: (pointer: number) => void;
  /** The state at STATE_OFFSET, and its first 32 bytes (the digest once permuted). */
  state: Uint8Array;
  digest: Uint8Array;
  /** The state as 32-bit words (for copies), and as bytes with a DataView (for writing a message). */
  words: Uint32Array;
  message: { bytes: Uint8Array; view: DataView };
}

let permutation: Permutation | undefined;

function instantiate(): Permutation {
  if (permutation !== undefined) return permutation;
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instance = new wasm.Instance(new wasm.Module(moduleBytes()), {});
  const f = instance.exports.f as (pointer: number) => void;
  const memory = new Uint8Array((instance.exports.memory as { buffer: ArrayBuffer }).buffer);
  const constants = new DataView(memory.buffer, RC_OFFSET, 8 * 24);
  for (const [i, rc] of roundConstants().entries()) constants.setBigUint64(8 * i, rc, true);
  const state = memory.subarray(STATE_OFFSET, STATE_OFFSET + 200);
  permutation = {
    f,
    state,
    digest: state.subarray(0, 32),
    words: new Uint32Array(memory.buffer, STATE_OFFSET, 50),
    message: { bytes: state, view: new DataView(memory.buffer, STATE_OFFSET, 200) },
  };
  return permutation;
}

// ------------------------------------------------------------------------------------------------
// The sponge
// ------------------------------------------------------------------------------------------------

/**
 * keccak256 of `input` (bytes `from .. to`), written to `out` at `outOffset` (32 bytes; may overlap the
 * input). Allocates nothing: the building block of the Merkle tree's loops.
 */
export function keccak256Into(
  input: Uint8Array,
  from: number,
  to: number,
  out: Uint8Array,
  outOffset: number,
): void {
  const { f, state, digest } = permutation ?? instantiate();
  if (streamInState !== undefined) streamInState.evict();
  let offset = from;
  let fresh = true;
  // Absorb the full blocks; the last block (possibly empty) is padded with 0x01 ... 0x80.
  while (to - offset >= RATE) {
    if (fresh) {
      for (let i = 0; i < RATE; i += 1) state[i] = input[offset + i]!;
      state.fill(0, RATE);
      fresh = false;
    } else {
      for (let i = 0; i < RATE; i += 1) state[i]! ^= input[offset + i]!;
    }
    f(STATE_OFFSET);
    offset += RATE;
  }
  const rest = to - offset;
  if (fresh) {
    for (let i = 0; i < rest; i += 1) state[i] = input[offset + i]!;
    state.fill(0, rest);
  } else {
    for (let i = 0; i < rest; i += 1) state[i]! ^= input[offset + i]!;
  }
  state[rest]! ^= 0x01;
  state[RATE - 1]! ^= 0x80;
  f(STATE_OFFSET);
  out.set(digest, outOffset);
}

/** keccak256 of `input`, as 32 bytes. */
export function keccak256Bytes(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  keccak256Into(input, 0, input.length, out, 0);
  return out;
}

/** The stream whose state is in the module's memory now; it saves it before anyone else permutes. */
let streamInState: Keccak256Stream | undefined;

/**
 * keccak256 of a message given in pieces, for messages too large to hold at once (the canonical encoding
 * of a million contributions). Streams may interleave with each other and with {@link keccak256Into}: the
 * state of a stream lives in the module's memory while it is used, and is saved when another takes it.
 */
export class Keccak256Stream {
  private readonly saved = new Uint8Array(200);
  /** Bytes absorbed into the current (incomplete) block. */
  private filled = 0;
  private done = false;

  update(bytes: Uint8Array): this {
    if (this.done) throw new Error("keccak256 stream already digested");
    const { f, state } = this.load();
    let filled = this.filled;
    for (let offset = 0; offset < bytes.length; ) {
      const take = Math.min(RATE - filled, bytes.length - offset);
      for (let i = 0; i < take; i += 1) state[filled + i]! ^= bytes[offset + i]!;
      filled += take;
      offset += take;
      if (filled === RATE) {
        f(STATE_OFFSET);
        filled = 0;
      }
    }
    this.filled = filled;
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error("keccak256 stream already digested");
    this.done = true;
    const { f, state, digest } = this.load();
    state[this.filled]! ^= 0x01;
    state[RATE - 1]! ^= 0x80;
    f(STATE_OFFSET);
    streamInState = undefined;
    return digest.slice();
  }

  /** Saves this stream's state out of the module's memory (another stream or a hash needs it). */
  evict(): void {
    if (streamInState !== this) return;
    this.saved.set((permutation ?? instantiate()).state);
    streamInState = undefined;
  }

  private load(): Permutation {
    const p = permutation ?? instantiate();
    if (streamInState !== this) {
      if (streamInState !== undefined) streamInState.evict();
      p.state.set(this.saved);
      streamInState = this;
    }
    return p;
  }
}

// ------------------------------------------------------------------------------------------------
// Merkle tree hashing, without copies
// ------------------------------------------------------------------------------------------------

/**
 * The state, zeroed, for a message of at most 135 bytes to be written in place (its bytes, and a DataView
 * for big-endian words), then hashed by {@link finishDoubleKeccak}. The object is the same at every call.
 */
export function beginMessage(): { bytes: Uint8Array; view: DataView } {
  const p = permutation ?? instantiate();
  if (streamInState !== undefined) streamInState.evict();
  p.words.fill(0);
  return p.message;
}

/**
 * keccak256(keccak256(message)) of the `length`-byte message written after {@link beginMessage}: an
 * OpenZeppelin standard leaf hash. Written to `out` (32-bit words) at word `outWord`.
 */
export function finishDoubleKeccak(length: number, out: Uint32Array, outWord: number): void {
  const { f, state, words } = permutation ?? instantiate();
  state[length]! ^= 0x01;
  state[RATE - 1]! ^= 0x80;
  f(STATE_OFFSET);
  // The digest stays in place as the second message.
  words.fill(0, 8);
  state[32] = 0x01;
  state[RATE - 1] = 0x80;
  f(STATE_OFFSET);
  for (let w = 0; w < 8; w += 1) out[outWord + w] = words[w]!;
}

/**
 * keccak256 of two 32-byte nodes of `nodes` (at words `a` and `b`), the lower first: OpenZeppelin's
 * `hashPair`. `bytes` is the same buffer as `nodes`; the hash is written at word `outWord`.
 */
export function hashSortedPair(nodes: Uint32Array, bytes: Uint8Array, a: number, b: number, outWord: number): void {
  const { f, state, words } = permutation ?? instantiate();
  if (streamInState !== undefined) streamInState.evict();
  let order = 0;
  for (let k = 0; k < 32 && order === 0; k += 1) order = bytes[4 * a + k]! - bytes[4 * b + k]!;
  const first = order <= 0 ? a : b;
  const second = order <= 0 ? b : a;
  for (let w = 0; w < 8; w += 1) {
    words[w] = nodes[first + w]!;
    words[8 + w] = nodes[second + w]!;
  }
  words.fill(0, 16);
  state[64] = 0x01;
  state[RATE - 1] = 0x80;
  f(STATE_OFFSET);
  for (let w = 0; w < 8; w += 1) nodes[outWord + w] = words[w]!;
}
