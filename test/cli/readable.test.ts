import { expect } from "chai";

import { InputError } from "../../cli/io.js";
import { displayArgs, explainRefusal } from "../../cli/refusals.js";
import { dateFromNow, formatDuration, isoDate } from "../../cli/time.js";
import { enumChoices, parseDecimals, parseDuration, parseEnum } from "../../cli/validate.js";
import { AssetStatus, EpochStatus, Remedy } from "../../ledger/types.js";

/** 2026-01-01T00:00:00Z: 56 years of 365 days and 14 leap days (1972..2024) after 1970, times 86400 s. */
const NEW_YEAR_2026 = (56n * 365n + 14n) * 86_400n;

describe("provenance CLI: dates, durations and names as people read them", () => {
  it("prints a moment as an ISO date in UTC, and its distance from the chain's clock", () => {
    expect(isoDate(NEW_YEAR_2026)).to.equal("2026-01-01T00:00:00Z");
    // 7 days later, less one hour: 6 days 23 hours to go, in two units.
    expect(dateFromNow(NEW_YEAR_2026 + 7n * 86_400n, NEW_YEAR_2026 + 3_600n)).to.equal("2026-01-08T00:00:00Z (in 6 days 23 hours)");
    expect(dateFromNow(NEW_YEAR_2026, NEW_YEAR_2026 + 90n)).to.equal("2026-01-01T00:00:00Z (1 minute 30 seconds ago)");
    expect(dateFromNow(NEW_YEAR_2026, undefined)).to.equal("2026-01-01T00:00:00Z");
    expect(formatDuration(0)).to.equal("0 seconds");
    expect(formatDuration(86_400 + 60 + 1)).to.equal("1 day 1 minute");
  });

  it("parses durations with units, largest first", () => {
    expect(parseDuration("d", "7d")).to.equal(604_800n);
    expect(parseDuration("d", "3d1h")).to.equal(3n * 86_400n + 3_600n);
    expect(parseDuration("d", "3600s")).to.equal(3_600n);
    expect(parseDuration("d", "1w2d")).to.equal(9n * 86_400n);
    for (const bad of ["3600", "1h3d", "1d1d", "0d", "7 days", "-1d", "", "5300w", "40000d"]) {
      expect(() => parseDuration("d", bad), bad).to.throw(InputError);
    }
  });

  it("--units is an integer 0..36 (and, once connected, the token's own decimals)", () => {
    expect(parseDecimals("--units", undefined)).to.equal(0);
    expect(parseDecimals("--units", "2")).to.equal(2);
    for (const bad of ["-1", "2.5", "two", "37", ""]) expect(() => parseDecimals("--units", bad), bad).to.throw(InputError);
  });

  it("never lists or accepts NONE", () => {
    expect(enumChoices(AssetStatus)).to.deep.equal(["APPLIED", "IN_NOTICE", "ISSUED", "REFUSED", "CANCELLED", "DESTROYED"]);
    expect(() => parseEnum("remedy", Remedy, "none")).to.throw(InputError, /is not one of DISMISS,/);
    expect(() => parseEnum("remedy", Remedy, "0")).to.throw(InputError);
    expect(parseEnum("remedy", Remedy, "adjust-contribution")).to.equal(Remedy.ADJUST_CONTRIBUTION);
  });

  it("prints a refusal's enum arguments by name and its moments as dates, with how long is left", () => {
    expect(displayArgs("AssetRegistryInvalidStatus", { assetId: 4n, status: 2 })).to.deep.equal({ assetId: "4", status: "IN_NOTICE" });
    expect(displayArgs("DisputeCourtAnswerPeriodNotOver", { disputeId: 1n, answerEndsAt: NEW_YEAR_2026 })).to.deep.equal({
      disputeId: "1",
      answerEndsAt: "2026-01-01T00:00:00Z",
    });
    const now = NEW_YEAR_2026 - 2n * 86_400n;
    expect(explainRefusal("DisputeCourtAnswerPeriodNotOver", { disputeId: 1n, answerEndsAt: NEW_YEAR_2026 }, { now })).to.contain(
      "the respondent has until 2026-01-01T00:00:00Z (in 2 days) to answer dispute 1",
    );
    const window = { status: EpochStatus.POSTED, challengeEndsAt: NEW_YEAR_2026 };
    expect(explainRefusal("RevenueVaultNotClaimable", { epochId: 3n }, { now, epoch: window })).to.contain(
      "settlement 3 is in its challenge window until 2026-01-01T00:00:00Z (in 2 days)",
    );
    expect(explainRefusal("RevenueVaultNotClaimable", { epochId: 3n }, { now, epoch: { ...window, status: EpochStatus.PAUSED } })).to.contain(
      "paused by an open SETTLEMENT dispute",
    );
    expect(explainRefusal("RevenueVaultNotClaimable", { epochId: 3n }, { now: NEW_YEAR_2026, epoch: { ...window, status: EpochStatus.REJECTED } })).to.contain(
      "settlement 3 is REJECTED",
    );
  });
});
