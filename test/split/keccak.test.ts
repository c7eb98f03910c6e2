import { expect } from "chai";
import fc from "fast-check";
import { bytesToHex, concatBytes, keccak256 } from "viem";

import {
  beginMessage,
  finishDoubleKeccak,
  hashSortedPair,
  Keccak256Stream,
  keccak256Bytes,
  keccak256Into,
} from "../../ledger/encoding/keccak.js";

/** Messages around the rate (136 bytes) and its multiples, where padding and block boundaries bite. */
const message = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 140 }),
  fc.uint8Array({ minLength: 260, maxLength: 560 }),
  fc.constantFrom(135, 136, 137, 271, 272, 273).chain((length) => fc.uint8Array({ minLength: length, maxLength: length })),
);

describe("split: WebAssembly keccak256", () => {
  it("is viem's keccak256 at every length up to several blocks", () => {
    for (let length = 0; length <= 3 * 136 + 1; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      expect(bytesToHex(keccak256Bytes(bytes)), `length ${length}`).to.equal(keccak256(bytes));
    }
  });

  it("is viem's keccak256 on random messages, and of any slice written anywhere", () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.nat(), (bytes, a, b) => {
        expect(bytesToHex(keccak256Bytes(bytes))).to.equal(keccak256(bytes));
        const from = bytes.length === 0 ? 0 : a % bytes.length;
        const to = from + (bytes.length === 0 ? 0 : b % (bytes.length - from + 1));
        const out = new Uint8Array(40);
        keccak256Into(bytes, from, to, out, 5);
        expect(bytesToHex(out.subarray(5, 37))).to.equal(keccak256(bytes.subarray(from, to)));
      }),
    );
  });

  it("streams in any pieces, interleaved with other streams and one-shot hashes", () => {
    fc.assert(
      fc.property(message, message, fc.array(fc.nat({ max: 300 }), { maxLength: 8 }), (first, second, cuts) => {
        const a = new Keccak256Stream();
        const b = new Keccak256Stream();
        let offset = 0;
        for (const cut of cuts) {
          const end = Math.min(first.length, offset + cut);
          a.update(first.subarray(offset, end));
          b.update(second.subarray(Math.min(offset, second.length), Math.min(end, second.length)));
          keccak256Bytes(first); // takes the module's state in between
          offset = end;
        }
        a.update(first.subarray(offset));
        b.update(second.subarray(Math.min(offset, second.length)));
        expect(bytesToHex(a.digest())).to.equal(keccak256(first));
        expect(bytesToHex(b.digest())).to.equal(keccak256(second));
      }),
    );
  });

  it("hashes leaves (keccak256 twice) and sorted pairs as viem's keccak256, between streams", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 135 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        message,
        (leaf, left, right, streamed) => {
          const stream = new Keccak256Stream().update(streamed);
          const { bytes } = beginMessage();
          bytes.set(leaf);
          const out = new Uint32Array(12);
          finishDoubleKeccak(leaf.length, out, 2);
          expect(bytesToHex(new Uint8Array(out.buffer, 8, 32))).to.equal(keccak256(keccak256(leaf, "bytes")));

          const nodes = new Uint32Array(8 * 3);
          const nodeBytes = new Uint8Array(nodes.buffer);
          nodeBytes.set(left, 32);
          nodeBytes.set(right, 64);
          hashSortedPair(nodes, nodeBytes, 8, 16, 0);
          const [low, high] = bytesToHex(left) <= bytesToHex(right) ? [left, right] : [right, left];
          expect(bytesToHex(nodeBytes.subarray(0, 32))).to.equal(keccak256(concatBytes([low, high])));
          expect(bytesToHex(stream.digest())).to.equal(keccak256(streamed));
        },
      ),
    );
  });

  it("refuses a stream used after its digest", () => {
    const stream = new Keccak256Stream().update(new Uint8Array([1, 2, 3]));
    stream.digest();
    expect(() => stream.update(new Uint8Array(1))).to.throw(/already digested/);
    expect(() => stream.digest()).to.throw(/already digested/);
  });
});
