import { expect } from "chai";
import fc from "fast-check";
import type { Address } from "viem";

import {
  allocationTree,
  allocationToJson,
  creditedAllocation,
  splitRevenue,
  SplitError,
  type Allocation,
  type SplitContext,
  type SplitCredit,
} from "../../ledger/split/index.js";
import { addr, amountOf, context, lineage, policy, ratio, resolverOf } from "./helpers.js";

/** Settlements after a rejected, partly claimed one (finding F06 of the audit). */

const [X, Y, Z] = [addr(1, 0x11), addr(2, 0x11), addr(3, 0x11)];

/** X, Y and Z each contribute 1 to collection, weighted 100%: equal thirds. */
const thirds = context(1n, {
  policy: policy([10_000, 0, 0, 0]),
  contributions: [
    { id: 1n, contributor: X, stage: 0, measure: 1n },
    { id: 2n, contributor: Y, stage: 0, measure: 1n },
    { id: 3n, contributor: Z, stage: 0, measure: 1n },
  ],
});

function amounts(allocation: Allocation): Record<string, bigint> {
  return Object.fromEntries(allocation.entries.map((e) => [e.account, e.amount]));
}

/** Accounts and amounts of `allocation`, as a map (lower-case). */
function byAccount(allocation: Allocation): Map<string, bigint> {
  return new Map(allocation.entries.map((e) => [e.account, e.amount]));
}

/** `credits` merged by account. */
function merged(...lists: readonly SplitCredit[][]): SplitCredit[] {
  const total = new Map<string, bigint>();
  for (const list of lists) for (const { account, amount } of list) total.set(account, (total.get(account) ?? 0n) + amount);
  return [...total].map(([account, amount]) => ({ account: account as Address, amount }));
}

/** The leaves of `allocation` chosen by `mask` (bit i: entry i), claimed in full: what a claim pays. */
function claimed(allocation: Allocation, mask: readonly boolean[]): SplitCredit[] {
  return allocation.entries.filter((_, i) => mask[i % Math.max(1, mask.length)] === true).map((e) => ({ account: e.account, amount: e.amount }));
}

const total = (credits: readonly SplitCredit[]): bigint => credits.reduce((sum, c) => sum + c.amount, 0n);

describe("split: credited allocations (a settlement after a rejected one)", () => {
  it("without credits, exactly the plain split", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 24n }), lineage(), (amountToSplit, contexts) => {
        const input = { amount: amountToSplit, context: contexts[0]!, resolveParent: resolverOf(contexts) };
        const plain = JSON.stringify(allocationToJson(splitRevenue(input)));
        expect(JSON.stringify(allocationToJson(creditedAllocation(input)))).to.equal(plain);
        expect(JSON.stringify(allocationToJson(creditedAllocation({ ...input, credits: [] })))).to.equal(plain);
      }),
      { numRuns: 50 },
    );
  });

  describe("by hand: thirds of X, Y, Z", () => {
    it("nobody overpaid: each share of amount + credits, minus its credit", () => {
      // X was paid 3. amount 11 + 3 = 14: thirds of 14/3 = 4 2/3 each, floors 4, 4, 4 and two units left,
      // to X and Y (equal fractional parts: the lower accounts first): 5, 5, 4. Minus the credit: X 2, Y 5, Z 4.
      const allocation = creditedAllocation({ amount: 11n, context: thirds, credits: [{ account: X, amount: 3n }] });
      expect(amounts(allocation)).to.deep.equal({ [X]: 2n, [Y]: 5n, [Z]: 4n });
      expect(allocation.entries.map((e) => e.credit)).to.deep.equal([3n, 0n, 0n]);
      expect(ratio(allocation.entries[0]!.basis.exact)).to.equal("14/3");
      expect(allocation.credits).to.deep.equal({ total: 3n, credits: [{ account: X, amount: 3n }], prorated: false });
      expect(allocation.entries.every((e) => e.prorated === undefined)).to.equal(true);
    });

    it("X overpaid: the amount pro rata to what Y and Z are still owed", () => {
      // X was paid 9. amount 11 + 9 = 20: 6 2/3 each, floors 6, 6, 6, two units to X and Y: 7, 7, 6.
      // Targets: X 7 − 9 = −2 (overpaid), Y 7, Z 6. Owed 13 in all, 11 to share: Y 77/13 = 5 12/13,
      // Z 66/13 = 5 1/13; floors 5 + 5 and one unit left, to Y's larger remainder: Y 6, Z 5.
      const allocation = creditedAllocation({ amount: 11n, context: thirds, credits: [{ account: X, amount: 9n }] });
      expect(amounts(allocation)).to.deep.equal({ [Y]: 6n, [Z]: 5n });
      expect(allocation.entries.map((e) => [e.credit, ratio(e.prorated!.exact), e.prorated!.roundedUp])).to.deep.equal([
        [0n, "77/13", true],
        [0n, "66/13", false],
      ]);
      expect(allocation.credits!.prorated).to.equal(true);
    });

    it("prorated ties: the lower account gets the unit first", () => {
      // X was paid 10. 9 + 10 = 19: 6 1/3 each, one unit to X: 7, 6, 6. Targets: X −3, Y 6, Z 6. 9 over
      // 12 owed: 4 1/2 each; one unit left for two equal remainders: Y (lower) 5, Z 4.
      const allocation = creditedAllocation({ amount: 9n, context: thirds, credits: [{ account: X, amount: 10n }] });
      expect(amounts(allocation)).to.deep.equal({ [Y]: 5n, [Z]: 4n });
    });

    it("a credited account the split no longer pays counts as overpaid", () => {
      // W (not in the split) was paid 5: the amount goes pro rata to the whole shares of X, Y and Z.
      const W = addr(9, 0x99);
      // 6 + 5 = 11: 3 2/3 each, two units to X and Y: 4, 4, 3. Owed 11, 6 to share: X 24/11 = 2 2/11,
      // Y 24/11, Z 18/11 = 1 7/11: floors 2, 2, 1 and one unit to Z's largest remainder: 2, 2, 2.
      const allocation = creditedAllocation({ amount: 6n, context: thirds, credits: [{ account: W, amount: 5n }] });
      expect(amounts(allocation)).to.deep.equal({ [X]: 2n, [Y]: 2n, [Z]: 2n });
      expect(allocation.credits!.credits).to.deep.equal([{ account: W, amount: 5n }]);
    });

    it("an account credited exactly its share has no leaf", () => {
      // 11 + 5 = 16: 5 1/3 each, one unit to X: 6, 5, 5. Y was paid its 5: X 6, Z 5.
      const allocation = creditedAllocation({ amount: 11n, context: thirds, credits: [{ account: Y, amount: 5n }] });
      expect(amounts(allocation)).to.deep.equal({ [X]: 6n, [Z]: 5n });
      expect(allocationTree(allocation).length).to.equal(2);
    });
  });

  it("refuses credits it cannot take: twice the same account, amounts not positive, a bad address", () => {
    const refuse = (credits: unknown, message: RegExp, code = "INVALID_CREDIT"): void => {
      let caught: unknown;
      try {
        creditedAllocation({ amount: 5n, context: thirds, credits: credits as SplitCredit[] });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(SplitError);
      expect((caught as SplitError).code).to.equal(code);
      expect((caught as SplitError).message).to.match(message);
    };
    refuse([{ account: X, amount: 1n }, { account: X.toUpperCase().replace("0X", "0x"), amount: 2n }], /credited twice/);
    refuse([{ account: X, amount: 0n }], /credit of .* is not a positive uint256: 0/);
    refuse([{ account: X, amount: 1 }], /not a positive uint256: 1/);
    refuse([{ account: addr(0), amount: 1n }], /credited account is the zero address/, "INVALID_ADDRESS");
    refuse("X", /credits must be an array/);
    expect(() => creditedAllocation({ amount: 0n, context: thirds, credits: [{ account: X, amount: 1n }] })).to.throw(SplitError, /positive uint256/);
    expect(() => creditedAllocation({ amount: 2n ** 256n - 1n, context: thirds, credits: [{ account: X, amount: 1n }] })).to.throw(
      SplitError,
      /amount plus the credits is not a uint256/,
    );
  });

  describe("properties: settle, claim some leaves, reject, settle what came back", () => {
    const rejectedAfterClaims = fc.record({
      amount: fc.oneof(fc.bigInt({ min: 1n, max: 10_000n }), fc.bigInt({ min: 1n, max: 10n ** 24n })),
      contexts: lineage(),
      mask: fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
    });

    it("every party ends with its share of the rejected amount, and the leaves sum to what came back", () => {
      fc.assert(
        fc.property(rejectedAfterClaims, ({ amount: settled, contexts, mask }) => {
          const input = { context: contexts[0]!, resolveParent: resolverOf(contexts) };
          const first = splitRevenue({ ...input, amount: settled });
          const paid = claimed(first, mask);
          const returned = settled - total(paid); // what the vault gives back on rejection
          fc.pre(returned > 0n);
          const next = creditedAllocation({ ...input, amount: returned, credits: paid });
          expect(next.entries.reduce((sum, e) => sum + e.amount, 0n)).to.equal(returned);
          expect(next.credits?.prorated ?? false).to.equal(false);
          // Nothing changed in between, so nobody was overpaid: claimed + new leaf = share, for everyone.
          const before = new Map(paid.map((c) => [c.account, c.amount]));
          const after = byAccount(next);
          for (const entry of first.entries) {
            expect((before.get(entry.account) ?? 0n) + (after.get(entry.account) ?? 0n), entry.account).to.equal(entry.amount);
          }
          for (const account of after.keys()) expect(byAccount(first).has(account)).to.equal(true);
        }),
        { numRuns: 300 },
      );
    });

    it("two rejections in a row: the second settlement's credits and claims are both credited", () => {
      fc.assert(
        fc.property(rejectedAfterClaims, fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), ({ amount: settled, contexts, mask }, mask2) => {
          const input = { context: contexts[0]!, resolveParent: resolverOf(contexts) };
          const first = splitRevenue({ ...input, amount: settled });
          const paid1 = claimed(first, mask);
          const returned1 = settled - total(paid1);
          fc.pre(returned1 > 0n);
          const second = creditedAllocation({ ...input, amount: returned1, credits: paid1 });
          const paid2 = claimed(second, mask2);
          const returned2 = returned1 - total(paid2);
          fc.pre(returned2 > 0n);
          // The second epoch is rejected too: its own credits come back, plus what it paid.
          const third = creditedAllocation({ ...input, amount: returned2, credits: merged(paid1, paid2) });
          expect(third.entries.reduce((sum, e) => sum + e.amount, 0n)).to.equal(returned2);
          const got = new Map<string, bigint>(merged(paid1, paid2).map((c) => [c.account, c.amount]));
          for (const [account, amount] of byAccount(third)) got.set(account, (got.get(account) ?? 0n) + amount);
          for (const entry of first.entries) expect(got.get(entry.account), entry.account).to.equal(entry.amount);
          expect(got.size).to.equal(first.entries.length);
        }),
        { numRuns: 200 },
      );
    });

    it("whatever the credits: the leaves sum to the amount, none above what is owed, prorated exactly", () => {
      // Credits to arbitrary accounts of the lineage's pools, as if the state had changed since.
      const credits = fc.uniqueArray(
        fc.record({ n: fc.integer({ min: 1, max: 6 }), prefix: fc.integer({ min: 1, max: 3 }), amount: fc.bigInt({ min: 1n, max: 5_000n }) }),
        { maxLength: 5, selector: (k) => `${k.n}/${k.prefix}` },
      );
      fc.assert(
        fc.property(fc.bigInt({ min: 1n, max: 20_000n }), lineage(2), credits, (settled, contexts: SplitContext[], raw) => {
          const given = raw.map((k) => ({ account: addr(k.n, k.prefix), amount: k.amount }));
          const input = { context: contexts[0]!, resolveParent: resolverOf(contexts) };
          const allocation = creditedAllocation({ ...input, amount: settled, credits: given });
          expect(allocation.entries.reduce((sum, e) => sum + e.amount, 0n)).to.equal(settled);
          const whole = splitRevenue({ ...input, amount: settled + total(given) });
          const credit = new Map(given.map((c) => [c.account, c.amount]));
          const owed = whole.entries.map((e) => ({ account: e.account, owed: e.amount - (credit.get(e.account) ?? 0n) }));
          const overpaid = owed.some((o) => o.owed < 0n) || given.some((c) => amountOf(whole, c.account) === 0n);
          expect(allocation.credits?.prorated ?? false).to.equal(overpaid);
          const deficits = owed.filter((o) => o.owed > 0n);
          const sumOwed = deficits.reduce((sum, o) => sum + o.owed, 0n);
          for (const entry of allocation.entries) {
            const o = deficits.find((d) => d.account === entry.account)!;
            expect(entry.amount <= o.owed, "never more than owed").to.equal(true);
            if (!overpaid) {
              expect(entry.amount).to.equal(o.owed);
            } else {
              // Within one unit of its exact pro-rata part, and one largest-remainder pass.
              const exact = (settled * o.owed) / sumOwed;
              expect(entry.amount === exact || entry.amount === exact + 1n).to.equal(true);
              expect(ratio(entry.prorated!.exact)).to.equal(ratio({ numerator: settled * o.owed, denominator: sumOwed }));
            }
          }
          if (overpaid) {
            const rest = (d: { owed: bigint }) => (settled * d.owed) % sumOwed;
            const up = deficits.filter((d) => allocation.entries.find((e) => e.account === d.account)?.prorated?.roundedUp === true);
            const down = deficits.filter((d) => rest(d) !== 0n && !up.includes(d));
            for (const u of up) for (const d of down) expect(rest(u) > rest(d) || (rest(u) === rest(d) && u.account < d.account)).to.equal(true);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
