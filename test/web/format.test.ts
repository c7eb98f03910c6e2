import { expect } from "chai";

import { formatAmount, formatPercent, groupDigits, shortHex } from "../../web/src/format.js";

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

  it("shortens long hashes and leaves short values whole", () => {
    expect(shortHex(`0x${"ab".repeat(32)}`)).to.equal("0xababab…ababab");
    expect(shortHex("0x1234")).to.equal("0x1234");
  });
});
