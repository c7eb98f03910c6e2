import { expect } from "chai";

import { PeriodError, reportPeriod, shanghaiDate, yearEndingOn } from "../../ledger/reports/index.js";

describe("accounting periods: the default year", () => {
  it("is the year ending on the given day: the same day a year before, plus one", () => {
    expect(yearEndingOn("2027-01-05")).to.equal("2026-01-06");
    expect(yearEndingOn("2026-12-31")).to.equal("2026-01-01");
    // 1 March 2028 back a year is 1 March 2027; the year is then 2 March 2027 – 1 March 2028 (366 days: 2028 is a leap year).
    expect(yearEndingOn("2028-03-01")).to.equal("2027-03-02");
    // 29 February has no twin a year before: the year runs from 1 March, 366 days in all, which a period may have.
    expect(yearEndingOn("2028-02-29")).to.equal("2027-03-01");
    const leap = reportPeriod(yearEndingOn("2028-02-29"), "2028-02-29");
    expect(Number(leap.end - leap.start) / 86_400).to.equal(366);
  });

  it("refuses what is not a calendar day", () => {
    expect(() => yearEndingOn("2027-02-29")).to.throw(PeriodError, "not a calendar date");
  });

  it("days are China Standard Time: 16:00 UTC is the next day", () => {
    // 2026-12-31T15:59:59Z is 23:59:59 in UTC+8; a second later it is 2027-01-01 00:00:00 there.
    expect(shanghaiDate(BigInt(Date.UTC(2026, 11, 31, 15, 59, 59) / 1000))).to.equal("2026-12-31");
    expect(shanghaiDate(BigInt(Date.UTC(2026, 11, 31, 16, 0, 0) / 1000))).to.equal("2027-01-01");
  });
});
