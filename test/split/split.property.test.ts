import { expect } from "chai";
import fc from "fast-check";
import type { Address } from "viem";

import { allocationToJson, escrowAccount, splitRevenue, type Allocation, type SplitContext } from "../../ledger/split/index.js";
import {
  addr,
  amount,
  amountOf,
  compareFractions,
  context,
  exactOf,
  fractionalPart,
  lineage,
  policy,
  ratio,
  resolverOf,
  shuffled,
  splitPolicy,
  sum,
  weights,
} from "./helpers.js";

/** Splits `amount` of the first context of `contexts`, the others resolvable. */
function split(amountToSplit: bigint, contexts: readonly SplitContext[]): Allocation {
  return splitRevenue({ amount: amountToSplit, context: contexts[0]!, resolveParent: resolverOf(contexts) });
}

describe("split: properties", () => {
  it("the parts sum exactly to the amount; each is its exact share rounded by one largest-remainder pass", () => {
    fc.assert(
      fc.property(amount, lineage(), (amountToSplit, contexts) => {
        const allocation = split(amountToSplit, contexts);
        expect(allocation.amount).to.equal(amountToSplit);
        expect(allocation.entries.reduce((total, e) => total + e.amount, 0n)).to.equal(amountToSplit);
        for (const [i, entry] of allocation.entries.entries()) {
          expect(entry.amount > 0n, "positive").to.equal(true);
          if (i > 0) expect(allocation.entries[i - 1]!.account < entry.account, "by account, once each").to.equal(true);
          expect(entry.account).to.equal(entry.account.toLowerCase());
          const floor = entry.basis.exact.numerator / entry.basis.exact.denominator;
          expect(entry.amount).to.equal(entry.basis.roundedUp ? floor + 1n : floor);
          expect(ratio(sum(entry.basis.components.map((c) => c.share)))).to.equal(ratio(entry.basis.exact));
        }
        // Largest remainder: no fractional part left unrounded is above one rounded up (ties: lower account first).
        const up = allocation.entries.filter((e) => e.basis.roundedUp);
        const down = allocation.entries.filter((e) => !e.basis.roundedUp && e.basis.exact.numerator % e.basis.exact.denominator !== 0n);
        const frac = (e: (typeof allocation.entries)[number]) => ({
          numerator: e.basis.exact.numerator % e.basis.exact.denominator,
          denominator: e.basis.exact.denominator,
        });
        for (const u of up) {
          for (const d of down) {
            const order = compareFractions(frac(u), frac(d));
            expect(order > 0 || (order === 0 && u.account < d.account), `${u.account} rounded up before ${d.account}`).to.equal(true);
          }
        }
      }),
    );
  });

  it("with an amount large enough that nobody is left out, the exact shares sum to the amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 10n ** 30n, max: 10n ** 40n }), lineage(), (amountToSplit, contexts) => {
        const allocation = split(amountToSplit, contexts);
        expect(ratio(sum(allocation.entries.map((e) => e.basis.exact)))).to.equal(`${amountToSplit}/1`);
      }),
    );
  });

  it("the order of contributions, parents and licensors never changes the result", () => {
    fc.assert(
      fc.property(amount, lineage(), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (amountToSplit, contexts, keys) => {
        const reordered = contexts.map((c) => ({
          ...c,
          contributions: shuffled(c.contributions, keys),
          parents: shuffled(c.parents, [...keys].reverse()).map((p) => (p.licensors === undefined ? p : { ...p, licensors: shuffled(p.licensors, keys) })),
        }));
        const expected = JSON.stringify(allocationToJson(split(amountToSplit, contexts)));
        expect(JSON.stringify(allocationToJson(split(amountToSplit, reordered)))).to.equal(expected);
      }),
    );
  });

  it("equal contributions in one stage get amounts within one unit", () => {
    fc.assert(
      fc.property(
        amount,
        lineage(2),
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (amountToSplit, contexts, count, stage, measure) => {
          // Contributors of their own (prefix 0xee), once each.
          const equals = Array.from({ length: count }, (_, i) => ({ id: 10_000n + BigInt(i), contributor: addr(i + 1, 0xee), stage, measure }));
          const product = { ...contexts[0]!, contributions: [...contexts[0]!.contributions, ...equals] };
          const allocation = split(amountToSplit, [product, ...contexts.slice(1)]);
          const amounts = equals.map((c) => amountOf(allocation, c.contributor));
          // bigints: Math.min/Math.max take numbers only.
          let low = amounts[0]!;
          let high = low;
          for (const amount of amounts) {
            if (amount < low) low = amount;
            if (amount > high) high = amount;
          }
          expect(high - low <= 1n, `${amounts.join(", ")}`).to.equal(true);
        },
      ),
    );
  });

  it("raising one contribution's measure never lowers what its account receives", () => {
    fc.assert(
      fc.property(amount, lineage(2), fc.nat(), fc.nat(), fc.bigInt({ min: 1n, max: 10n ** 6n }), (amountToSplit, contexts, a, c, raise) => {
        const withContributions = contexts.filter((ctx) => ctx.contributions.length > 0);
        fc.pre(withContributions.length > 0);
        const target = withContributions[a % withContributions.length]!;
        const index = c % target.contributions.length;
        const raised = target.contributions[index]!;
        const payee: Address = raised.disputeId === undefined ? raised.contributor : escrowAccount(raised.disputeId);
        const changed = contexts.map((ctx) =>
          ctx !== target
            ? ctx
            : { ...ctx, contributions: ctx.contributions.map((x, i) => (i === index ? { ...x, measure: x.measure + raise } : x)) },
        );
        const before = split(amountToSplit, contexts);
        const after = split(amountToSplit, changed);
        expect(compareFractions(exactOf(after, payee), exactOf(before, payee))).to.be.at.least(0);
        expect(amountOf(after, payee) >= amountOf(before, payee), `${amountOf(before, payee)} -> ${amountOf(after, payee)}`).to.equal(true);
      }),
    );
  });

  it("an ancestor reached by two paths is paid on each: the sum of splitting each path's royalty on its own", () => {
    const asset = (assetId: bigint) =>
      fc.record({
        policy: splitPolicy,
        contributions: fc.array(
          fc.record({
            contributor: fc.integer({ min: 1, max: 5 }).map((n) => addr(n, Number(assetId))),
            stage: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
            measure: fc.bigInt({ min: 1n, max: 1_000n }),
          }),
          { maxLength: 6 },
        ),
      });
    const bps = fc.integer({ min: 1, max: 5_000 });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 20n, max: 10n ** 24n }),
        asset(1n),
        asset(2n),
        asset(3n),
        asset(4n),
        fc.tuple(bps, bps, bps, bps),
        (units, p, x, y, c, [toX, toY, xToC, yToC]) => {
          // P derives from X and Y, both from C. Each asset has accounts of its own.
          const numbered = (assetId: bigint, a: typeof p) => ({
            ...a,
            contributions: a.contributions.map((k, i) => ({ ...k, id: 100n * assetId + BigInt(i) })),
          });
          const ancestor = context(4n, { ...numbered(4n, c), holder: addr(0xa0, 4) });
          const contexts = [
            context(1n, { ...numbered(1n, p), holder: addr(0xa0, 1), parents: [{ assetId: 2n, royaltyBps: toX }, { assetId: 3n, royaltyBps: toY }] }),
            context(2n, { ...numbered(2n, x), holder: addr(0xa0, 2), parents: [{ assetId: 4n, royaltyBps: xToC }] }),
            context(3n, { ...numbered(3n, y), holder: addr(0xa0, 3), parents: [{ assetId: 4n, royaltyBps: yToC }] }),
            ancestor,
          ];
          // Each path's royalty to C a whole amount, large enough that no party of C is left with 0.
          const amountToSplit = units * 10n ** 8n;
          const allocation = split(amountToSplit, contexts);
          const viaX = splitRevenue({ amount: (amountToSplit * BigInt(toX * xToC)) / 10n ** 8n, context: ancestor });
          const viaY = splitRevenue({ amount: (amountToSplit * BigInt(toY * yToC)) / 10n ** 8n, context: ancestor });
          const accountsOfC = new Set([...viaX.entries, ...viaY.entries].map((e) => e.account));
          for (const account of accountsOfC) {
            const entry = allocation.entries.find((e) => e.account === account);
            const components = entry?.basis.components ?? [];
            for (const k of components) expect(["1>2>4", "1>3>4"]).to.include(k.path.join(">"));
            expect(ratio(exactOf(allocation, account))).to.equal(ratio(sum([exactOf(viaX, account), exactOf(viaY, account)])));
            const separately = amountOf(viaX, account) + amountOf(viaY, account);
            const together = amountOf(allocation, account);
            expect(together - separately <= 2n && separately - together <= 2n, `${together} vs ${separately}`).to.equal(true);
          }
        },
      ),
    );
  });

  it("an escrow leaf gets exactly what the contributor would have had", () => {
    fc.assert(
      fc.property(
        fc.oneof(amount, fc.bigInt({ min: 10n ** 30n, max: 10n ** 40n })),
        lineage(2),
        fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (amountToSplit, contexts, stage, measure) => {
          // A contributor of its own, with one contribution, then the same contribution under a dispute of its own.
          const contributor = addr(1, 0xdd);
          const dispute = 99n;
          const contribution = { id: 9_999n, contributor, stage, measure };
          const withIt = (disputeId?: bigint) => [
            { ...contexts[0]!, contributions: [...contexts[0]!.contributions, { ...contribution, disputeId }] },
            ...contexts.slice(1),
          ];
          const confirmed = split(amountToSplit, withIt());
          const disputed = split(amountToSplit, withIt(dispute));
          const escrow = escrowAccount(dispute);
          expect(ratio(exactOf(disputed, escrow))).to.equal(ratio(exactOf(confirmed, contributor)));
          expect(amountOf(disputed, contributor)).to.equal(0n);
          const difference = amountOf(disputed, escrow) - amountOf(confirmed, contributor);
          expect(difference >= -1n && difference <= 1n).to.equal(true);
          // The same amount to the unit, and to everyone else, unless another party's fractional part ties
          // with it (the order of the accounts then decides); with a large amount nobody is left out, so
          // every tie is visible.
          const own = exactOf(confirmed, contributor);
          const tied = confirmed.entries.some(
            (e) => e.account !== contributor && own.numerator % own.denominator !== 0n && fractionalPart(e.basis.exact) === fractionalPart(own),
          );
          if (amountToSplit >= 10n ** 30n && !tied) {
            expect(difference).to.equal(0n);
            for (const entry of confirmed.entries) {
              if (entry.account !== contributor) expect(amountOf(disputed, entry.account), entry.account).to.equal(entry.amount);
            }
          }
        },
      ),
    );
  });

  it("without contributions or parents, the holder gets everything, whatever the weights", () => {
    fc.assert(
      fc.property(amount, weights, (amountToSplit, stageWeights) => {
        const allocation = splitRevenue({ amount: amountToSplit, context: context(1n, { policy: policy(stageWeights) }) });
        expect(allocation.entries.map((e) => [e.account, e.amount])).to.deep.equal([[addr(0xa0), amountToSplit]]);
      }),
    );
  });
});
