import { readFileSync } from "node:fs";

import { expect } from "chai";
import fc from "fast-check";
import { keccak256, stringToBytes } from "viem";

import {
  cardHashOf,
  cardJsonSchema,
  checkCard,
  checkValuationReport,
  diffCards,
  fieldLabel,
  MAX_CARD_BYTES,
  publicSections,
  valueLabel,
  type AssetCard,
} from "../../ledger/cards/index.js";

const FIXTURE = new URL("../fixtures/cards/card-v1.json", import.meta.url);
const cardV1 = (): AssetCard => JSON.parse(readFileSync(FIXTURE, "utf8")) as AssetCard;

/** A JSON value with its object keys shuffled (recursively) by `order`: the same document written another way. */
function reordered(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => reordered(item, order));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(order(Object.keys(value)).map((key) => [key, reordered((value as Record<string, unknown>)[key], order)]));
}

describe("asset cards", () => {
  describe("the hash the chain records", () => {
    it("is keccak256 of the RFC 8785 form: keys sorted by UTF-16 code units, no whitespace, strings as written", () => {
      // A tiny document written out canonically by hand: keys "a" < "b" < "z" at every level; JCS escapes neither "é" nor "二".
      const canonical = '{"a":[1,"二"],"b":{"x":null,"y":true},"z":"é"}';
      expect(cardHashOf({ z: "é", b: { y: true, x: null }, a: [1, "二"] })).to.equal(keccak256(stringToBytes(canonical)));
    });

    it("is the same whatever the key order or spacing of the file, and differs for any one field changed", () => {
      const card = cardV1();
      const expected = cardHashOf(card);
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          // A deterministic shuffle from the seed: rotate each key list by seed mod its length.
          const rotated = reordered(card, (keys) => keys.map((_, index) => keys[(index + Math.abs(seed)) % keys.length]!));
          const respaced = JSON.parse(JSON.stringify(rotated, null, seed % 2 === 0 ? 2 : "\t")) as unknown;
          return cardHashOf(respaced) === expected;
        }),
        { numRuns: 50 },
      );
      const tampered = cardV1();
      tampered.basic.volume = "约 1.3 TB，12 亿条记录";
      expect(cardHashOf(tampered)).not.to.equal(expected);
    });

    it("checkCard answers the hash of the document as given, with its canonical size", () => {
      const card = cardV1();
      const check = checkCard(card);
      expect(check.ok).to.equal(true);
      if (!check.ok) return;
      expect(check.hash).to.equal(cardHashOf(card));
      expect(check.bytes).to.equal(Buffer.byteLength(JSON.stringify(reordered(card, (keys) => [...keys].sort())), "utf8"));
    });
  });

  describe("validation", () => {
    it("lists every problem with its field path", () => {
      const card = cardV1() as unknown as Record<string, Record<string, unknown>>;
      card.basic!.timeSpan = { from: "2024-02-30", to: "2020-01-01" };
      card.basic!.dataType = "tabular";
      delete card.usage!.scenarios;
      (card.rights!.holder as Record<string, unknown>).account = "0x12";
      (card as Record<string, unknown>).extra = 1;
      const check = checkCard(card);
      expect(check.ok).to.equal(false);
      if (check.ok) return;
      const byPath = new Map(check.problems.map((problem) => [problem.path, problem.message]));
      expect([...byPath.keys()].sort()).to.deep.equal(
        ["(document)", "basic.dataType", "basic.timeSpan.from", "basic.timeSpan.to", "rights.holder.account", "usage.scenarios"].sort(),
      );
      expect(byPath.get("basic.timeSpan.from")).to.equal("not a calendar date");
      expect(byPath.get("basic.timeSpan.to")).to.equal("the time span ends before it starts");
      expect(byPath.get("usage.scenarios")).to.equal("required");
      expect(byPath.get("(document)")).to.equal("unknown field(s): extra");
    });

    it("refuses control characters in text (an ANSI escape would act in a terminal), keeping line breaks", () => {
      const card = cardV1();
      card.basic.name = "交通\u001b[2J数据";
      card.basic.description = "第一行\n第二行";
      const check = checkCard(card);
      expect(check.ok).to.equal(false);
      if (!check.ok) expect(check.problems).to.deep.equal([{ path: "basic.name", message: "must not contain control characters (only line breaks)" }]);
    });

    it("refuses a document of another schema, a non-object and an oversize card", () => {
      const other = { ...cardV1(), schema: "provenance-ledger/asset-card@2" };
      const check = checkCard(other);
      expect(check.ok).to.equal(false);
      if (!check.ok) expect(check.problems).to.deep.include({ path: "schema", message: 'must be "provenance-ledger/asset-card@1"' });
      expect(checkCard([]).ok).to.equal(false);
      const huge = cardV1();
      huge.basic.description = "长".repeat(4000);
      huge.rights.restrictions = Array.from({ length: 100 }, () => "限".repeat(1000));
      const big = checkCard(huge);
      expect(big.ok).to.equal(false);
      // 100 restrictions of 1,000 three-byte characters are 300,000 bytes: over MAX_CARD_BYTES (262,144).
      if (!big.ok) expect(big.problems[0]!.message).to.match(new RegExp(`at most ${MAX_CARD_BYTES}$`));
    });
  });

  describe("restricted sections", () => {
    it("publishes every section but management", () => {
      const { card, withheld } = publicSections(cardV1());
      expect(Object.keys(card).sort()).to.deep.equal(["basic", "rights", "schema", "usage"]);
      expect(withheld).to.deep.equal(["management"]);
    });

    it("marks management restricted in the JSON Schema, with labels in both languages", () => {
      const schema = cardJsonSchema() as { properties: Record<string, { "x-restricted"?: boolean; "x-label"?: unknown; properties?: Record<string, { "x-label"?: unknown }> }> };
      expect(schema.properties.management!["x-restricted"]).to.equal(true);
      expect(schema.properties.basic!["x-restricted"]).to.equal(undefined);
      expect(schema.properties.basic!["x-label"]).to.deep.equal({ en: "Basic information", "zh-CN": "基本信息" });
      expect(schema.properties.basic!.properties!.updateFrequency!["x-label"]).to.deep.equal({ en: "Update frequency", "zh-CN": "更新频率" });
    });
  });

  describe("labels", () => {
    it("names a field with its parents, list items numbered from one", () => {
      expect(fieldLabel(["rights", "processors", 1, "grantId"])).to.deep.equal({
        en: "Rights information › Processors (right to process and use) › #2 › Grant",
        "zh-CN": "权利信息 › 数据加工使用者 › 第2项 › 授权编号",
      });
      expect(valueLabel(["usage", "modes", 0], "raw-data-stays-in-domain")).to.deep.equal({ en: "Raw data stays in its domain", "zh-CN": "原始数据不出域" });
      expect(valueLabel(["basic", "name"], "anything")).to.equal(undefined);
    });
  });

  describe("the diff of two versions", () => {
    it("lists exactly the fields changed, added and removed, by section", () => {
      const before = cardV1();
      const after = cardV1();
      after.basic.volume = "约 1.5 TB，15 亿条记录";
      after.rights.operators.push({ name: "长沙交通大数据有限公司" });
      after.usage.scenarios.push("公交线网优化");
      delete after.management.contact.phone;
      // By hand: four fields; the new operator is one field (its name); scenarios compare whole (a list of texts).
      expect(diffCards(before, after)).to.deep.equal([
        {
          path: "basic.volume",
          section: "basic",
          label: { en: "Basic information › Volume", "zh-CN": "基本信息 › 数据规模" },
          change: "changed",
          before: "约 1.2 TB，12 亿条记录",
          after: "约 1.5 TB，15 亿条记录",
        },
        {
          path: "rights.operators[0].name",
          section: "rights",
          label: { en: "Rights information › Operators (right to operate products) › #1 › Name", "zh-CN": "权利信息 › 数据产品经营者 › 第1项 › 名称" },
          change: "added",
          after: "长沙交通大数据有限公司",
        },
        {
          path: "usage.scenarios",
          section: "usage",
          label: { en: "Usage information › Allowed scenarios", "zh-CN": "使用信息 › 允许的应用场景" },
          change: "changed",
          before: ["交通信号配时优化", "物流路径规划"],
          after: ["交通信号配时优化", "物流路径规划", "公交线网优化"],
        },
        {
          path: "management.contact.phone",
          section: "management",
          label: { en: "Management information › Contact › Phone", "zh-CN": "管理信息 › 联系人 › 电话" },
          change: "removed",
          before: "0731-88880000",
        },
      ]);
    });

    it("finds nothing between a card and itself written another way", () => {
      const card = cardV1();
      expect(diffCards(card, reordered(card, (keys) => [...keys].reverse()))).to.deep.equal([]);
    });
  });

  describe("valuation reports", () => {
    const report = {
      schema: "provenance-ledger/valuation-report@1",
      assetId: "3",
      figure: "1250000.00",
      currency: "CNY",
      method: "income",
      valuationDate: "2026-06-30",
      valuer: "湖南湘资资产评估有限公司",
    };

    it("accepts a report and hashes it canonically", () => {
      const check = checkValuationReport(report);
      expect(check.ok).to.equal(true);
      if (check.ok) expect(check.hash).to.equal(cardHashOf(report));
    });

    it("refuses floats, other currencies' spellings and unknown methods, naming each field", () => {
      const check = checkValuationReport({ ...report, figure: 1250000, currency: "rmb", method: "dcf" });
      expect(check.ok).to.equal(false);
      if (!check.ok) expect(check.problems.map((problem) => problem.path).sort()).to.deep.equal(["currency", "figure", "method"]);
    });
  });
});
