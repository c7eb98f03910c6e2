import { expect } from "chai";
import fc from "fast-check";
import { getAddress, type Hex } from "viem";

import { buildChain, checkChain, genesisHead, type EvidenceLink } from "../../ledger/evidence/chain.js";

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => ("0x" + Buffer.from(b).toString("hex")) as Hex);
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress("0x" + Buffer.from(b).toString("hex")));
const link = fc.record({
  kind: bytes32,
  payloadHash: bytes32,
  actor: address,
  timestamp: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
});
/** Links numbered 1..n, as the contract numbers them. */
const links = fc
  .array(link, { minLength: 1, maxLength: 12 })
  .map((items): EvidenceLink[] => items.map((item, index) => ({ ...item, seq: index + 1 })));
const genesis = fc.tuple(fc.bigInt({ min: 1n, max: 2n ** 32n }), address, fc.bigInt({ min: 1n, max: 2n ** 64n })).map(
  ([chainId, registry, assetId]) => genesisHead(chainId, registry, assetId),
);

describe("evidence chain: properties", () => {
  it("an honest chain verifies, against its own last head", () => {
    fc.assert(
      fc.property(genesis, links, (g, items) => {
        const entries = buildChain(g, items);
        const result = checkChain(g, entries, { seq: entries.length, head: entries.at(-1)!.head });
        expect(result.problems).to.deep.equal([]);
        expect(result.head).to.equal(entries.at(-1)!.head);
      }),
    );
  });

  it("altering any field of any entry is detected", () => {
    fc.assert(
      fc.property(genesis, links, fc.nat(), fc.constantFrom("kind", "payloadHash", "actor", "timestamp"), bytes32, (g, items, i, field, replacement) => {
        const entries = buildChain(g, items);
        const onChain = { seq: entries.length, head: entries.at(-1)!.head };
        const index = i % entries.length;
        const altered = entries.map((e) => ({ ...e }));
        const victim = altered[index]!;
        if (field === "actor") victim.actor = getAddress("0x" + replacement.slice(2, 42));
        else if (field === "timestamp") victim.timestamp = BigInt("0x" + replacement.slice(2, 18));
        else victim[field] = replacement;
        fc.pre(JSON.stringify(victim, bigintJson) !== JSON.stringify(entries[index], bigintJson));
        expect(checkChain(g, altered, onChain).ok).to.equal(false);
        // Even recomputing every head after the alteration cannot reach the recorded head.
        expect(checkChain(g, buildChain(g, altered), onChain).ok).to.equal(false);
      }),
    );
  });

  it("dropping, duplicating or swapping entries is detected", () => {
    fc.assert(
      fc.property(genesis, links, fc.nat(), fc.constantFrom("drop", "duplicate", "swap"), (g, items, i, change) => {
        const entries = buildChain(g, items);
        const onChain = { seq: entries.length, head: entries.at(-1)!.head };
        const index = i % entries.length;
        const changed = [...entries];
        if (change === "drop") changed.splice(index, 1);
        else if (change === "duplicate") changed.splice(index, 0, entries[index]!);
        else {
          fc.pre(entries.length > 1);
          const other = (index + 1) % entries.length;
          [changed[index], changed[other]] = [changed[other]!, changed[index]!];
        }
        expect(checkChain(g, changed, onChain).ok).to.equal(false);
      }),
    );
  });

  it("a chain of one asset does not verify as another asset's", () => {
    fc.assert(
      fc.property(genesis, genesis, links, (g1, g2, items) => {
        fc.pre(g1 !== g2);
        const entries = buildChain(g1, items);
        expect(checkChain(g2, entries).ok).to.equal(false);
      }),
    );
  });
});

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
