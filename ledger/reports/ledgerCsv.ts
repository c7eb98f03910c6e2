import type { PartyName } from "../certificates/index.js";
import { bilingual, csvBytes } from "./csv.js";
import { inBothLanguages, type HolderLedger, type RevenueKind } from "./ledger.js";

/**
 * A holder's ledger as one CSV file: one bilingual header row, then one row per line, its section in the
 * first column. The first row (section 报告 report) states what the file is: holder, period, block, chain,
 * token. Columns are shared by all sections (what each holds per section is said in README); amounts are
 * the token's smallest unit as decimal strings, exact; a valuation's figure is the report's decimal, in
 * its currency. Rows are in a fixed order (sections, then as the report lists them), so that the same
 * report gives the same bytes.
 */

export const SECTION_LABELS = {
  report: { zh: "报告", en: "report" },
  assets: { zh: "资产登记", en: "Assets" },
  valuations: { zh: "估值", en: "Valuations" },
  encumbrances: { zh: "权利负担", en: "Encumbrances" },
  grants: { zh: "授权", en: "Grants" },
  revenue: { zh: "收益", en: "Revenue" },
} as const;

const COLUMNS = [
  { zh: "栏目", en: "Section" },
  { zh: "资产编号", en: "Asset No." },
  { zh: "编号", en: "Item" },
  { zh: "事项", en: "Kind" },
  { zh: "状态", en: "Status" },
  { zh: "相对方", en: "Counterparty" },
  { zh: "相对方名称", en: "Counterparty name" },
  { zh: "金额", en: "Amount" },
  { zh: "单位", en: "Unit" },
  { zh: "说明", en: "Detail" },
  { zh: "时间(UTC+8)", en: "Time" },
  { zh: "区块", en: "Block" },
  { zh: "交易", en: "Tx" },
] as const;

type Row = [string, string, string, string, string, string, string, string, string, string, string, string, string];

const section = (name: keyof typeof SECTION_LABELS) => bilingual(SECTION_LABELS[name]);
const nameText = (name: PartyName | null) => (name === null ? "" : `${name["zh-CN"]} / ${name.en}`);

/** The unit of amounts in the token's smallest unit: "LTY/10^2" says that 100 of them make one LTY. */
export function smallestUnit(token: HolderLedger["token"]): string {
  return token === null ? "smallest unit" : `${token.symbol}/10^${token.decimals}`;
}

export const REVENUE_LABELS: Readonly<Record<RevenueKind, { zh: string; en: string }>> = {
  DEPOSIT: { zh: "收入存入", en: "DEPOSIT" },
  CLAIM: { zh: "领取分配", en: "CLAIM" },
  ESCROW_RELEASE: { zh: "托管释放", en: "ESCROW_RELEASE" },
  BOND_WITHDRAWAL: { zh: "保证金取回", en: "BOND_WITHDRAWAL" },
};

/** The rows of the report's CSV, header first. */
function holderLedgerRows(report: HolderLedger): Row[] {
  const unit = smallestUnit(report.token);
  const token = report.token === null ? "token unknown: amounts in its smallest unit" : `token ${report.token.symbol} (${report.token.decimals} decimals) ${report.token.address}`;
  const rows: Row[] = [
    COLUMNS.map(bilingual) as Row,
    [
      section("report"),
      "",
      "",
      "台账 holder's ledger",
      "",
      report.holder,
      nameText(report.holderName),
      "",
      "",
      `period ${report.period.from}..${report.period.to} (${report.period.timeZone}, both days inclusive); at block ${report.atBlock}; chain ${report.chainId}; ${token}`,
      report.atTime,
      report.atBlock,
      "",
    ],
  ];
  for (const line of report.sections.assets) {
    rows.push([
      section("assets"),
      line.assetId,
      line.name ?? "",
      `${line.event} ${line.label.zh}`,
      line.status,
      line.relation,
      "",
      "",
      "",
      [`${line.kind} ${line.category} ${line.classification}`, inBothLanguages(line.detail)].filter((part) => part !== "").join("; "),
      line.time,
      line.block,
      line.tx,
    ]);
  }
  for (const line of report.sections.valuations) {
    rows.push([
      section("valuations"),
      line.assetId,
      `review ${line.reviewId}`,
      line.method === null ? "VALUATION" : `VALUATION ${line.method}`,
      line.valuationDate === null ? "" : `valued ${line.valuationDate}`,
      line.reviewer,
      nameText(line.reviewerName),
      line.figure ?? "",
      line.currency ?? "",
      [line.valuer === null ? "" : `valuer ${line.valuer}`, `source: ${inBothLanguages(line.source)}`, line.reportURI].filter((part) => part !== "").join("; "),
      line.time,
      line.block,
      line.tx,
    ]);
  }
  for (const line of report.sections.encumbrances) {
    rows.push([section("encumbrances"), line.assetId, line.id ?? "", line.type, "", line.counterparty, nameText(line.counterpartyName), "", "", inBothLanguages(line.detail), line.time, line.block, line.tx]);
  }
  for (const line of report.sections.grants) {
    const changed = line.statusChanged === null ? "" : `; ${line.status} at block ${line.statusChanged.block} tx ${line.statusChanged.tx} (${line.statusChanged.time})`;
    rows.push([
      section("grants"),
      line.assetId,
      `grant ${line.grantId}`,
      line.direction,
      line.status,
      line.counterparty,
      nameText(line.counterpartyName),
      "",
      "",
      `rights ${line.rights.join("+")}; scope ${line.scopeKind}; usage ${line.usageMode}; royalty ${line.royaltyBps} bps; valid ${line.validFrom}..${line.validUntil}${changed}`,
      line.time,
      line.block,
      line.tx,
    ]);
  }
  for (const line of report.sections.revenue) {
    rows.push([
      section("revenue"),
      line.assetId ?? "",
      line.epochId === null ? "" : `settlement ${line.epochId}`,
      `${line.kind} ${REVENUE_LABELS[line.kind].zh}`,
      "",
      line.counterparty,
      "",
      line.amount,
      unit,
      line.reference,
      line.time,
      line.block,
      line.tx,
    ]);
  }
  for (const [kind, total] of Object.entries(report.totals) as [RevenueKind, string][]) {
    rows.push([section("revenue"), "", "", `合计 TOTAL ${kind}`, "", "", "", total, unit, `${REVENUE_LABELS[kind].zh} within the period`, "", "", ""]);
  }
  return rows;
}

export const holderLedgerCsv = (report: HolderLedger): Uint8Array => csvBytes(holderLedgerRows(report));
