import { expect } from "chai";
import fc from "fast-check";

import { apportion, planSplit, splitRevenue, SplitError, type Allocation, type BasisComponent } from "../../ledger/split/index.js";
import { amount, lineage, ratio, resolverOf } from "./helpers.js";

/** An allocation with every fraction in lowest terms: what is equal as numbers compares equal. */
function canonical(allocation: Allocation) {
  const component = (c: BasisComponent) => ({ ...c, share: ratio(c.share) });
  return {
    amount: allocation.amount,
    entries: allocation.entries.map((entry) => ({
      account: entry.account,
      amount: entry.amount,
      exact: ratio(entry.basis.exact),
      roundedUp: entry.basis.roundedUp,
      components: entry.basis.components.map(component),
    })),
  };
}

describe("split: a plan apportioned", () => {
  it("gives the allocation splitRevenue gives, for every amount split by one plan", () => {
    fc.assert(
      fc.property(lineage(), fc.array(amount, { minLength: 1, maxLength: 4 }), (contexts, amounts) => {
        const input = { context: contexts[0]!, resolveParent: resolverOf(contexts) };
        const plan = planSplit(input);
        for (const amountToSplit of amounts) {
          expect(canonical(apportion(plan, amountToSplit))).to.deep.equal(canonical(splitRevenue({ ...input, amount: amountToSplit })));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses an amount that is not a positive uint256, as splitRevenue does", () => {
    const plan = planSplit({ context: { assetId: 1n, policy: { version: 0, stageWeightsBps: [0, 0, 0, 0], emptyStageRule: "TO_HOLDER" }, holder: `0x${"11".repeat(20)}`, contributions: [], parents: [] } });
    for (const bad of [0n, -1n, 2n ** 256n]) {
      expect(() => apportion(plan, bad)).to.throw(SplitError, /positive uint256/);
    }
    expect(apportion(plan, 5n).entries.map((entry) => entry.amount)).to.deep.equal([5n]);
  });
});
