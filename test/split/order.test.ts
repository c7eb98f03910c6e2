import { expect } from "chai";
import fc from "fast-check";

import { sortByAccount, sortByLeadingKey } from "../../ledger/split/order.js";

/** Accounts that often share their first 32 bits, and sometimes repeat. */
const accounts = fc.array(
  fc.tuple(fc.constantFrom("00000000", "0000ffff", "ffffffff", "12345678"), fc.constantFrom("00", "01", "fe"), fc.nat({ max: 3 })).map(
    ([leading, middle, last]) => `0x${leading}${middle.padEnd(30, "0")}${last.toString(16).padStart(2, "0")}`,
  ),
  { maxLength: 60 },
);

describe("split: fast sorts", () => {
  it("sort accounts as a stable comparison sort does, and mark the repeats", () => {
    fc.assert(
      fc.property(accounts, fc.constantFrom(21, 3), (items, indexBits) => {
        const expected = items.map((_, i) => i).sort((a, b) => (items[a]! < items[b]! ? -1 : items[a]! > items[b]! ? 1 : a - b));
        const { order, repeats } = sortByAccount(items, indexBits);
        expect([...order]).to.deep.equal(expected);
        expect([...repeats]).to.deep.equal(expected.map((p, k) => (k > 0 && items[p] === items[expected[k - 1]!] ? 1 : 0)));
      }),
    );
  });

  it("sort by a leading key, then by the full comparison", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 5 })), { maxLength: 80 }), fc.constantFrom(21, 4), (items, indexBits) => {
        const leading = Uint32Array.from(items, ([key]) => key * 0x4000_0000);
        const compare = (a: number, b: number): number => items[a]![1] - items[b]![1] || a - b;
        const expected = items.map((_, i) => i).sort((a, b) => leading[a]! - leading[b]! || compare(a, b));
        expect([...sortByLeadingKey(leading, compare, indexBits)]).to.deep.equal(expected);
      }),
    );
  });
});
