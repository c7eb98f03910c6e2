import { expect } from "chai";
import fc from "fast-check";

import {
  apportion,
  planSplit,
  splitRevenue,
  type Allocation,
  type BasisComponent,
  type Fraction,
  type SplitContext,
} from "../../ledger/split/index.js";
import { addr, amount, context, entryOf, lineage, NO_POLICY, policy, ratio, resolverOf, sum } from "./helpers.js";

/** Royalties stack down grant chains (finding F07 of the audit; `IGrantRegistry`). */

const [A, B, C, D] = [addr(0xa, 0xaa), addr(0xb, 0xbb), addr(0xc, 0xcc), addr(0xd, 0xdd)];

function amounts(allocation: Allocation): Record<string, bigint> {
  return Object.fromEntries(allocation.entries.map((e) => [e.account, e.amount]));
}

function shown(component: BasisComponent): Record<string, unknown> {
  return { ...component, share: ratio(component.share) };
}

function split(amountToSplit: bigint, contexts: readonly SplitContext[]): Allocation {
  return splitRevenue({ amount: amountToSplit, context: contexts[0]!, resolveParent: resolverOf(contexts) });
}

describe("split: royalties stack down grant chains", () => {
  describe("the audit's case: A licenses B (PROCESS + SUBLICENSE, 30%), B sub-licenses C, C derives P", () => {
    // A holds the parent (asset 2, no policy: all its revenue to A); C holds P (asset 1), no contributions,
    // no policy. Grant 1 is A's to B (the root), grant 2 B's sub-grant to C (the derivation grant).
    const parentOfP = context(2n, { holder: A });
    const productP = (subGrantBps: number) =>
      context(1n, { holder: C, parents: [{ assetId: 2n, royaltyBps: 3_000, licensors: [{ account: B, royaltyBps: subGrantBps, grantId: 2n }] }] });

    it("B's sub-grant at 0%: A gets 30% of P's revenue, C 70%, B nothing", () => {
      // 1,000,000 · 30% = 300,000 to asset 2 (all to A); the rest 700,000 to P's holder C.
      const allocation = split(1_000_000n, [productP(0), parentOfP]);
      expect(amounts(allocation)).to.deep.equal({ [A]: 300_000n, [C]: 700_000n });
      expect(entryOf(allocation, A)!.basis.components.map(shown)).to.deep.equal([{ kind: "holder", path: [1n, 2n], share: "300000/1" }]);
    });

    it("B's sub-grant at 10%: A 30%, B 10%, C 60% — the sub-grant adds to A's royalty, never takes from it", () => {
      // 30% of 1,000,000 to asset 2 (A); 10% to B as licensor of grant 2; C keeps 100% − 40% = 60%.
      const allocation = split(1_000_000n, [productP(1_000), parentOfP]);
      expect(amounts(allocation)).to.deep.equal({ [A]: 300_000n, [B]: 100_000n, [C]: 600_000n });
      expect(entryOf(allocation, B)!.basis.components.map(shown)).to.deep.equal([
        { kind: "licensor", path: [1n, 2n], grantId: 2n, share: "100000/1" },
      ]);
      expect(entryOf(allocation, C)!.basis.components.map(shown)).to.deep.equal([{ kind: "holder", path: [1n], share: "600000/1" }]);
    });

    it("rounds like any split: 7 units at 30% / 10% / 60%", () => {
      // Exact: A 21/10, B 7/10, C 42/10: floors 2, 0, 4 (6); one unit left, to the largest fractional
      // part, B's 7/10.
      expect(amounts(split(7n, [productP(1_000), parentOfP]))).to.deep.equal({ [A]: 2n, [B]: 1n, [C]: 4n });
    });
  });

  it("a chain of three grants below the root: each sub-grantor its own royalty, the root's to the parent's own split", () => {
    // Grants: 1 A→B 10% (root), 2 B→C 5%, 3 C→D 20% (derivation grant); D derives P (asset 1). The parent
    // (asset 2) splits its 10% by its policy: 50% collection (bob), the empty rest to its holder A.
    const bob = addr(0x0b, 0x02);
    const parent = context(2n, { holder: A, policy: policy([5_000, 0, 0, 5_000]), contributions: [{ id: 1n, contributor: bob, stage: 0, measure: 3n }] });
    const product = context(1n, {
      holder: D,
      parents: [
        {
          assetId: 2n,
          royaltyBps: 1_000,
          licensors: [
            { account: C, royaltyBps: 2_000, grantId: 3n },
            { account: B, royaltyBps: 500, grantId: 2n },
          ],
        },
      ],
    });
    const allocation = split(200_000n, [product, parent]);
    // Asset 2: 20,000 — bob 10,000, A 10,000. B: 5% = 10,000. C: 20% = 40,000. D: 65% = 130,000.
    expect(amounts(allocation)).to.deep.equal({ [A]: 10_000n, [bob]: 10_000n, [B]: 10_000n, [C]: 40_000n, [D]: 130_000n });
  });

  it("a sub-grantor that is also the product's holder: one entry, a component per place, licensor last", () => {
    const allocation = split(1_000n, [
      context(1n, { holder: B, parents: [{ assetId: 2n, royaltyBps: 2_500, licensors: [{ account: B, royaltyBps: 500, grantId: 4n }] }] }),
      context(2n, { holder: A }),
    ]);
    expect(amounts(allocation)).to.deep.equal({ [A]: 250n, [B]: 750n });
    expect(entryOf(allocation, B)!.basis.components.map(shown)).to.deep.equal([
      { kind: "holder", path: [1n], share: "700/1" },
      { kind: "licensor", path: [1n, 2n], grantId: 4n, share: "50/1" },
    ]);
  });

  it("a root royalty of 0 with a paying sub-grant: the parent is resolved, takes nothing, the sub-grantor is paid", () => {
    const resolve = resolverOf([context(2n, { holder: A })]);
    const allocation = splitRevenue({
      amount: 100n,
      context: context(1n, { holder: C, parents: [{ assetId: 2n, royaltyBps: 0, licensors: [{ account: B, royaltyBps: 1_500, grantId: 2n }] }] }),
      resolveParent: resolve,
    });
    expect(amounts(allocation)).to.deep.equal({ [B]: 15n, [C]: 85n });
    expect(resolve.calls.get(2n)).to.equal(1);
  });

  describe("properties, over random lineages whose parents are derived under random grant chains", () => {
    it("each parent's side receives exactly its root royalty's share, each sub-grantor exactly its own, the parts sum to the amount", () => {
      fc.assert(
        // An amount large enough that no party is left with 0 (and so out of the components).
        fc.property(fc.bigInt({ min: 10n ** 30n, max: 10n ** 40n }), lineage(), (amountToSplit, contexts) => {
          const allocation = split(amountToSplit, contexts);
          expect(allocation.entries.reduce((total, e) => total + e.amount, 0n)).to.equal(amountToSplit);
          const components = allocation.entries.flatMap((e) => e.basis.components.map((c) => ({ account: e.account, c })));
          const exactly = (bps: number): string => ratio({ numerator: amountToSplit * BigInt(bps), denominator: 10_000n });
          const product = contexts[0]!;
          let upstreamBps = 0;
          for (const parent of product.parents) {
            // The parent's side: everything on paths through it, but the licensors of the product's own link.
            const side = components.filter(
              ({ c }) => c.path.length >= 2 && c.path[0] === 1n && c.path[1] === parent.assetId && !(c.kind === "licensor" && c.path.length === 2),
            );
            if (parent.royaltyBps > 0) expect(ratio(sum(side.map(({ c }) => c.share)))).to.equal(exactly(parent.royaltyBps));
            else expect(side).to.deep.equal([]);
            upstreamBps += parent.royaltyBps;
            for (const licensor of parent.licensors ?? []) {
              upstreamBps += licensor.royaltyBps;
              const paid = components.filter(
                ({ c }) => c.kind === "licensor" && c.path.length === 2 && c.path[1] === parent.assetId && c.grantId === licensor.grantId,
              );
              if (licensor.royaltyBps === 0) {
                expect(paid).to.deep.equal([]);
              } else {
                expect(paid.map(({ account }) => account)).to.deep.equal([licensor.account.toLowerCase()]);
                expect(ratio(paid[0]!.c.share)).to.equal(exactly(licensor.royaltyBps));
              }
            }
          }
          // What the product keeps (path [1]) is the rest, exactly.
          const own = components.filter(({ c }) => c.path.length === 1).map(({ c }) => c.share);
          const kept: Fraction = own.length === 0 ? { numerator: 0n, denominator: 1n } : sum(own);
          expect(ratio(kept)).to.equal(exactly(10_000 - upstreamBps));
        }),
        { numRuns: 300 },
      );
    });

    it("a sub-grantor is paid as a parent without a policy held by it would be: the same entries to the unit", () => {
      // The oracle: every licensor replaced by a virtual parent asset (no policy, the sub-grantor its holder)
      // with the licensor's royalty as its root royalty. Exact shares and rounding must come out the same.
      fc.assert(
        fc.property(amount, lineage(), (amountToSplit, contexts) => {
          let next = 1_000_000n;
          const virtual: SplitContext[] = [];
          const rewritten = contexts.map((c) => ({
            ...c,
            parents: c.parents.flatMap((p) => [
              { assetId: p.assetId, royaltyBps: p.royaltyBps },
              ...(p.licensors ?? []).map((l) => {
                next += 1n;
                virtual.push({ assetId: next, policy: NO_POLICY, holder: l.account, contributions: [], parents: [] });
                return { assetId: next, royaltyBps: l.royaltyBps };
              }),
            ]),
          }));
          const expected = split(amountToSplit, [...rewritten, ...virtual]);
          const actual = split(amountToSplit, contexts);
          expect(actual.entries.map((e) => [e.account, e.amount, ratio(e.basis.exact), e.basis.roundedUp])).to.deep.equal(
            expected.entries.map((e) => [e.account, e.amount, ratio(e.basis.exact), e.basis.roundedUp]),
          );
        }),
        { numRuns: 300 },
      );
    });

    it("a plan apportioned pays the sub-grantors as the split does", () => {
      fc.assert(
        fc.property(lineage(), amount, (contexts, amountToSplit) => {
          const input = { context: contexts[0]!, resolveParent: resolverOf(contexts) };
          const viaPlan = apportion(planSplit(input), amountToSplit);
          const direct = splitRevenue({ ...input, amount: amountToSplit });
          expect(viaPlan.entries.map((e) => [e.account, e.amount])).to.deep.equal(direct.entries.map((e) => [e.account, e.amount]));
          const licensorShares = (a: Allocation) =>
            a.entries.flatMap((e) => e.basis.components.filter((c) => c.kind === "licensor").map((c) => `${e.account}:${c.path.join(">")}:${ratio(c.share)}`));
          expect(licensorShares(viaPlan)).to.deep.equal(licensorShares(direct));
        }),
      );
    });
  });
});
