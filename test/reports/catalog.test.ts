import { expect } from "chai";

import { catalogCsv, catalogMatches, catalogRow, csvBytes, inPeriod, PeriodError, reportPeriod, shanghaiTime } from "../../ledger/reports/index.js";
import type { AssetRecord } from "../../ledger/state/index.js";
import { AssetKind, AssetStatus, Classification, DataCategory } from "../../ledger/types.js";

describe("reports (pure): periods, CSV and the catalog", () => {
  describe("accounting periods in Asia/Shanghai", () => {
    it("runs from 00:00 UTC+8 of the first day to 00:00 UTC+8 after the last", () => {
      const period = reportPeriod("2026-01-01", "2026-12-31");
      // 2026-01-01T00:00+08:00 is 2025-12-31T16:00Z; the end is 2027-01-01T00:00+08:00.
      expect(period.start).to.equal(BigInt(Date.UTC(2025, 11, 31, 16) / 1000));
      expect(period.end).to.equal(BigInt(Date.UTC(2026, 11, 31, 16) / 1000));
      expect(inPeriod(period, period.start)).to.equal(true);
      expect(inPeriod(period, period.end - 1n)).to.equal(true);
      expect(inPeriod(period, period.end)).to.equal(false);
      expect(inPeriod(period, period.start - 1n)).to.equal(false);
    });

    it("accepts a leap year's 366 days, refuses 367, an inverted period and dates not on the calendar", () => {
      expect(() => reportPeriod("2028-01-01", "2028-12-31")).not.to.throw();
      const refusal = (from: string, to: string) => {
        try {
          reportPeriod(from, to);
        } catch (error) {
          expect(error).to.be.instanceOf(PeriodError);
          return [(error as PeriodError).field, (error as Error).message];
        }
        throw new Error("accepted");
      };
      expect(refusal("2026-01-01", "2027-01-02")).to.deep.equal(["period", "the period has 367 days: at most one year (366 days), split the report"]);
      expect(refusal("2026-03-02", "2026-03-01")).to.deep.equal(["period", "the period is inverted: from 2026-03-02 is after to 2026-03-01"]);
      expect(refusal("2026-02-30", "2026-03-01")).to.deep.equal(["from", "from: 2026-02-30 is not a calendar date"]);
      expect(refusal("2026-01-01", "2026-1-31")).to.deep.equal(["to", 'to must be a date as YYYY-MM-DD, not "2026-1-31"']);
    });

    it("writes times as ISO 8601 with +08:00", () => {
      // 1767225600 is 2026-01-01T00:00:00Z, i.e. 08:00 in Shanghai.
      expect(shanghaiTime(1767225600n)).to.equal("2026-01-01T08:00:00+08:00");
    });
  });

  it("writes CSV as RFC 4180 with a BOM: quotes only where needed, quotes doubled, CRLF", () => {
    const bytes = csvBytes([
      ["a", "b,c", 'say "hi"'],
      ["line\nbreak", "中文", ""],
    ]);
    expect([...bytes.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.slice(3))).to.equal('a,"b,c","say ""hi"""\r\n"line\nbreak",中文,\r\n');
  });

  it("keeps what a spreadsheet would run as a formula as text: a leading apostrophe, quoted when it must be", () => {
    const bytes = csvBytes([["=HYPERLINK(\"http://x\",\"a\")", "+1", "-2", "@SUM(A1)", "\tx", "0x12", "长沙=数据", "2026-01-01"]]);
    // By hand: the first four and the tab get an apostrophe (the first then quoted, its quotes doubled); the rest untouched.
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.slice(3))).to.equal(
      '"\'=HYPERLINK(""http://x"",""a"")",\'+1,\'-2,\'@SUM(A1),\'\tx,0x12,长沙=数据,2026-01-01\r\n',
    );
  });

  describe("the catalog", () => {
    const position = (block: string, timestamp: string, tx: string) => ({ block, timestamp, tx, logIndex: 0 });
    const asset: AssetRecord = {
      assetId: "7",
      kind: AssetKind.RESOURCE,
      category: DataCategory.PUBLIC,
      classification: Classification.IMPORTANT,
      status: AssetStatus.ISSUED,
      applicant: "0x00000000000000000000000000000000000000a1",
      owner: "0x00000000000000000000000000000000000000a1",
      fingerprint: "0x",
      cards: [
        { version: 0, cardHash: "0xc0", cardURI: "", at: position("5", "1767225600", "0xaa") },
        { version: 1, cardHash: "0xc1", cardURI: "", at: position("9", "1767225700", "0xcc") },
      ],
      parents: [],
      noticeEndsAt: null,
      pledgee: null,
      openObjections: 0,
      openDisputes: 0,
      applied: position("5", "1767225600", "0xaa"),
      issued: position("8", "1767312000", "0xbb"),
      evidence: { seq: 3, head: "0x" },
    };

    it("filters by holder, category, classification, kind and status together", () => {
      const holder = asset.owner!;
      expect(catalogMatches(asset, holder, {})).to.equal(true);
      expect(catalogMatches(asset, holder, { holder, category: DataCategory.PUBLIC, classification: Classification.IMPORTANT, kind: AssetKind.RESOURCE, status: AssetStatus.ISSUED })).to.equal(true);
      expect(catalogMatches(asset, holder, { holder: "0x00000000000000000000000000000000000000b2" })).to.equal(false);
      expect(catalogMatches(asset, holder, { category: DataCategory.ENTERPRISE })).to.equal(false);
      expect(catalogMatches(asset, holder, { classification: Classification.GENERAL })).to.equal(false);
      expect(catalogMatches(asset, holder, { kind: AssetKind.PRODUCT })).to.equal(false);
      expect(catalogMatches(asset, holder, { status: AssetStatus.CANCELLED })).to.equal(false);
    });

    it("writes one bilingual header row and a row per asset, the current card's hash, times in UTC+8", () => {
      const row = catalogRow(asset, asset.owner!, { en: "Bureau, Changsha", "zh-CN": "长沙市数据局" }, "交通流量");
      expect(row).to.deep.include({ registrationNumber: "7", status: "ISSUED", kind: "RESOURCE", category: "PUBLIC", classification: "IMPORTANT", cardHash: "0xc1" });
      const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(catalogCsv([row]));
      const [header, line, end] = text.slice(1).split("\r\n");
      expect(header).to.equal(
        "登记编号 Registration No.,资产名称 Name,资产类型 Kind,数据类别 Category,分级 Classification,状态 Status,持有人 Holder,持有人名称 Holder name (zh-CN),持有人英文名称 Holder name (en)," +
          "申请时间(UTC+8) Applied,申请区块 Applied block,申请交易 Applied tx,发证时间(UTC+8) Issued,发证区块 Issued block,发证交易 Issued tx,资产卡片哈希 Card hash",
      );
      // 1767225600 = 2026-01-01T08:00+08:00; 1767312000 is a day later.
      expect(line).to.equal(
        '7,交通流量,RESOURCE,PUBLIC,IMPORTANT,ISSUED,0x00000000000000000000000000000000000000A1,长沙市数据局,"Bureau, Changsha",2026-01-01T08:00:00+08:00,5,0xaa,2026-01-02T08:00:00+08:00,8,0xbb,0xc1',
      );
      expect(end).to.equal("");
    });
  });
});
