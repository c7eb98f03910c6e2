import { expect } from "chai";

import { apportionPercents, formatAmount, formatPercent, groupDigits, shortHex, type Fraction } from "../../web/src/format.js";

describe("web: amounts and shares formatted without floating point", () => {
  it("groups digits and places the decimal point by string arithmetic, beyond 2^53", () => {
    expect(groupDigits("1280000")).to.equal("1,280,000");
    expect(groupDigits("0")).to.equal("0");
    expect(groupDigits("007")).to.equal("7");
    expect(formatAmount("1280000", 2)).to.equal("12,800.00");
    expect(formatAmount("5", 2)).to.equal("0.05");
    expect(formatAmount("0", 2)).to.equal("0.00");
    // 2^256 - 1: a double would print 1.157920892373162e+77.
    const max = (2n ** 256n - 1n).toString();
    expect(formatAmount(max).replaceAll(",", "")).to.equal(max);
    expect(formatAmount("123456789012345678901", 18)).to.equal("123.456789012345678901");
    expect(() => formatAmount("-1")).to.throw(/not an amount/);
    expect(() => formatAmount("1e9")).to.throw(/not an amount/);
  });

  it("shows a share as a percentage rounded down, never larger than it is", () => {
    expect(formatPercent(1n, 3n)).to.equal("33.33 %");
    expect(formatPercent(2n, 3n)).to.equal("66.66 %");
    expect(formatPercent(1_500n, 10_000n)).to.equal("15.00 %");
    expect(formatPercent(1n, 1n, 0)).to.equal("100 %");
    expect(formatPercent(0n, 7n)).to.equal("0.00 %");
    expect(() => formatPercent(1n, 0n)).to.throw(/positive denominator/);
  });

  it("apportions the parts of a whole into percentages that add up to exactly 100", () => {
    const f = (numerator: bigint, denominator: bigint): Fraction => ({ numerator, denominator });
    // 1/7, 2/7, 4/7 in hundredths of a percent: 10000/7 = 1428 rest 4/7, 20000/7 = 2857 rest 1/7,
    // 40000/7 = 5714 rest 2/7. Rounded down they add to 9999 (the legend read 99.99 %); the missing
    // hundredth goes to the largest rest, 4/7, the first part's.
    expect(apportionPercents([f(1n, 7n), f(2n, 7n), f(4n, 7n)])).to.deep.equal(["14.29 %", "28.57 %", "57.14 %"]);
    // Three equal thirds: 3333 each, rests all 1/3, one hundredth missing: the first part gets it.
    expect(apportionPercents([f(1n, 3n), f(1n, 3n), f(1n, 3n)])).to.deep.equal(["33.34 %", "33.33 %", "33.33 %"]);
    // 2/3 and 1/3: 6666 rest 2/3 and 3333 rest 1/3; the larger rest rounds up to 66.67.
    expect(apportionPercents([f(1n, 3n), f(2n, 3n)])).to.deep.equal(["33.33 %", "66.67 %"]);
    // Different denominators: 5/12 = 4166 rest 8/12, 1/3 = 3333 rest 1/3 (= 4/12), 1/4 = 2500 exactly.
    expect(apportionPercents([f(1n, 3n), f(5n, 12n), f(1n, 4n)])).to.deep.equal(["33.33 %", "41.67 %", "25.00 %"]);
    // Exact parts stay as they are; a zero part stays zero.
    expect(apportionPercents([f(1n, 8n), f(3n, 8n), f(1n, 2n)])).to.deep.equal(["12.50 %", "37.50 %", "50.00 %"]);
    expect(apportionPercents([f(0n, 5n), f(5n, 5n)])).to.deep.equal(["0.00 %", "100.00 %"]);
    // Whole percents: 33 rest 1/3 each, one percent missing.
    expect(apportionPercents([f(1n, 3n), f(1n, 3n), f(1n, 3n)], 0)).to.deep.equal(["34 %", "33 %", "33 %"]);
    // Amounts beyond 2^53: 1 and 2^64 - 1 units of 2^64 → 0.00 % and 100.00 % (the first is 5.4e-18 %).
    expect(apportionPercents([f(1n, 2n ** 64n), f(2n ** 64n - 1n, 2n ** 64n)])).to.deep.equal(["0.00 %", "100.00 %"]);
    expect(() => apportionPercents([f(1n, 3n), f(1n, 3n)])).to.throw(/not to one whole/);
    expect(() => apportionPercents([f(1n, 0n), f(1n, 1n)])).to.throw(/positive denominator/);
  });

  it("shortens long hashes and leaves short values whole", () => {
    expect(shortHex(`0x${"ab".repeat(32)}`)).to.equal("0xababab…ababab");
    expect(shortHex("0x1234")).to.equal("0x1234");
  });
});
