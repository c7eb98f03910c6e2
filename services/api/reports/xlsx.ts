import ExcelJS from "exceljs";
import { formatUnits } from "viem";

import {
  REVENUE_LABELS,
  SECTION_LABELS,
  smallestUnit,
  type AssetLine,
  type EncumbranceLine,
  type GrantLine,
  type HolderLedger,
  type RevenueLine,
  type ValuationLine,
} from "../../../ledger/reports/index.js";
import type { PartyName } from "../../../ledger/certificates/index.js";

/**
 * A holder's ledger as an .xlsx workbook (exceljs): a first sheet 说明 About, then one sheet per section,
 * each with two header rows (Chinese, English below), frozen, and set column widths. Amounts are numbers
 * with the token's decimals applied and a number format of that many decimals, next to a text column with
 * the exact smallest units: a spreadsheet number is a double (15–17 significant digits), which cannot hold
 * every uint256. The workbook's created/modified dates are the report's block time, so that the same report
 * gives the same workbook.
 */

type Cell = string | number | null;

interface Column<L> {
  zh: string;
  en: string;
  width: number;
  value(line: L): Cell;
  numFmt?: string;
}

const EXACT_NOTE = "exact, text: a spreadsheet number cannot hold every uint256";
const nameZh = (name: PartyName | null) => name?.["zh-CN"] ?? "";
const proofColumns = <L extends { time: string; block: string; tx: string }>(): Column<L>[] => [
  { zh: "时间(UTC+8)", en: "Time (UTC+8)", width: 26, value: (line) => line.time },
  { zh: "区块", en: "Block", width: 10, value: (line) => Number(line.block) },
  { zh: "交易", en: "Transaction", width: 68, value: (line) => line.tx },
];

/** `#,##0.00…` with `decimals` decimals. */
const numberFormat = (decimals: number) => (decimals === 0 ? "#,##0" : `#,##0.${"0".repeat(decimals)}`);

const ASSET_COLUMNS: Column<AssetLine>[] = [
  { zh: "登记编号", en: "Registration No.", width: 10, value: (line) => line.assetId },
  { zh: "资产名称", en: "Name", width: 28, value: (line) => line.name },
  { zh: "事项", en: "Event", width: 22, value: (line) => line.label.zh },
  { zh: "事件", en: "Event (chain)", width: 20, value: (line) => line.event },
  { zh: "说明", en: "Detail (Chinese)", width: 50, value: (line) => line.detail.zh },
  { zh: "说明（英文）", en: "Detail", width: 50, value: (line) => line.detail.en },
  { zh: "报告区块时状态", en: "Status at block", width: 14, value: (line) => line.status },
  { zh: "持有关系", en: "Relation", width: 16, value: (line) => line.relation },
  { zh: "资产类型", en: "Kind", width: 10, value: (line) => line.kind },
  { zh: "数据类别", en: "Category", width: 12, value: (line) => line.category },
  { zh: "分级", en: "Classification", width: 14, value: (line) => line.classification },
  ...proofColumns<AssetLine>(),
];

/** Decimals a valuation figure is shown with: its own, at least 2, at most 6 (the report schema's bound). */
const figureDecimals = (figure: string) => Math.min(6, Math.max(2, figure.split(".")[1]?.length ?? 0));

const VALUATION_COLUMNS: Column<ValuationLine>[] = [
  { zh: "登记编号", en: "Registration No.", width: 10, value: (line) => line.assetId },
  { zh: "审查编号", en: "Review", width: 8, value: (line) => line.reviewId },
  { zh: "评估值", en: "Figure", width: 20, value: (line) => (line.figure === null ? null : Number(line.figure)) },
  { zh: "评估值(精确)", en: `Figure (${EXACT_NOTE})`, width: 24, value: (line) => line.figure },
  { zh: "币种", en: "Currency", width: 8, value: (line) => line.currency },
  { zh: "评估方法", en: "Method", width: 10, value: (line) => line.method },
  { zh: "评估基准日", en: "Valuation date", width: 14, value: (line) => line.valuationDate },
  { zh: "评估机构", en: "Valuer", width: 28, value: (line) => line.valuer },
  { zh: "审查人", en: "Reviewer", width: 44, value: (line) => line.reviewer },
  { zh: "审查人名称", en: "Reviewer name", width: 24, value: (line) => nameZh(line.reviewerName) },
  { zh: "数据来源", en: "Source (Chinese)", width: 60, value: (line) => line.source.zh },
  { zh: "数据来源（英文）", en: "Source", width: 60, value: (line) => line.source.en },
  { zh: "报告地址", en: "Report URI", width: 30, value: (line) => line.reportURI },
  ...proofColumns<ValuationLine>(),
];

const ENCUMBRANCE_COLUMNS: Column<EncumbranceLine>[] = [
  { zh: "登记编号", en: "Registration No.", width: 10, value: (line) => line.assetId },
  { zh: "类型", en: "Type", width: 12, value: (line) => line.type },
  { zh: "编号", en: "Id", width: 8, value: (line) => line.id },
  { zh: "相对方", en: "Counterparty", width: 44, value: (line) => line.counterparty },
  { zh: "相对方名称", en: "Counterparty name", width: 24, value: (line) => nameZh(line.counterpartyName) },
  { zh: "说明", en: "Detail (Chinese)", width: 50, value: (line) => line.detail.zh },
  { zh: "说明（英文）", en: "Detail", width: 50, value: (line) => line.detail.en },
  ...proofColumns<EncumbranceLine>(),
];

const GRANT_COLUMNS: Column<GrantLine>[] = [
  { zh: "授权编号", en: "Grant", width: 8, value: (line) => line.grantId },
  { zh: "登记编号", en: "Registration No.", width: 10, value: (line) => line.assetId },
  { zh: "方向", en: "Direction", width: 10, value: (line) => line.direction },
  { zh: "相对方", en: "Counterparty", width: 44, value: (line) => line.counterparty },
  { zh: "相对方名称", en: "Counterparty name", width: 24, value: (line) => nameZh(line.counterpartyName) },
  { zh: "权利", en: "Rights", width: 24, value: (line) => line.rights.join("+") },
  { zh: "范围", en: "Scope", width: 10, value: (line) => line.scopeKind },
  { zh: "使用方式", en: "Usage mode", width: 18, value: (line) => line.usageMode },
  { zh: "分成(基点)", en: "Royalty (bps)", width: 12, value: (line) => line.royaltyBps },
  { zh: "生效(UTC+8)", en: "Valid from", width: 26, value: (line) => line.validFrom },
  { zh: "到期(UTC+8)", en: "Valid until", width: 26, value: (line) => line.validUntil },
  { zh: "报告区块时状态", en: "Status at block", width: 14, value: (line) => line.status },
  { zh: "状态变更交易", en: "Status changed (tx)", width: 68, value: (line) => line.statusChanged?.tx ?? null },
  { zh: "状态变更时间(UTC+8)", en: "Status changed", width: 26, value: (line) => line.statusChanged?.time ?? null },
  ...proofColumns<GrantLine>(),
];

function revenueColumns(report: HolderLedger): Column<RevenueLine>[] {
  const decimals = report.token?.decimals ?? 0;
  const symbol = report.token?.symbol ?? "";
  return [
    { zh: "类型", en: "Kind", width: 18, value: (line) => `${REVENUE_LABELS[line.kind].zh} ${line.kind}` },
    { zh: "登记编号", en: "Product", width: 10, value: (line) => line.assetId },
    { zh: "结算编号", en: "Settlement", width: 10, value: (line) => line.epochId },
    { zh: "相对方", en: "Payer / entitlement", width: 44, value: (line) => line.counterparty },
    { zh: `金额(${symbol})`, en: `Amount (${symbol})`, width: 20, value: (line) => Number(formatUnits(BigInt(line.amount), decimals)), numFmt: numberFormat(decimals) },
    { zh: "金额(最小单位,精确)", en: `Amount (${smallestUnit(report.token)}, ${EXACT_NOTE})`, width: 26, value: (line) => line.amount },
    { zh: "参考", en: "Reference", width: 40, value: (line) => line.reference },
    ...proofColumns<RevenueLine>(),
  ];
}

function addSheet<L>(workbook: ExcelJS.Workbook, name: string, columns: readonly Column<L>[], lines: readonly L[], cellFormat?: (line: L, column: Column<L>) => string | undefined) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 2 }] });
  sheet.columns = columns.map((column) => ({ width: column.width }));
  sheet.addRow(columns.map((column) => column.zh)).font = { bold: true };
  sheet.addRow(columns.map((column) => column.en)).font = { italic: true };
  for (const line of lines) {
    const row = sheet.addRow(columns.map((column) => column.value(line)));
    columns.forEach((column, index) => {
      const format = cellFormat?.(line, column) ?? column.numFmt;
      if (format !== undefined) row.getCell(index + 1).numFmt = format;
    });
  }
  return sheet;
}

/** The workbook's bytes. */
export async function holderLedgerWorkbook(report: HolderLedger): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const at = new Date(report.atTime);
  workbook.creator = "provenance-ledger";
  workbook.lastModifiedBy = "provenance-ledger";
  workbook.created = at;
  workbook.modified = at;

  const token = report.token;
  const about: [string, string, Cell][] = [
    ["持有人", "Holder", report.holder],
    ["持有人名称", "Holder name", report.holderName === null ? "(not in the party book)" : `${report.holderName["zh-CN"]} / ${report.holderName.en}`],
    ["会计期间", "Period", `${report.period.from} – ${report.period.to} (both days inclusive)`],
    ["时区", "Time zone", `${report.period.timeZone} (UTC+8): every time in this workbook`],
    ["报告区块", "At block", Number(report.atBlock)],
    ["区块时间", "At time", `${report.atTime} (the last ledger event at or before the block)`],
    ["链", "Chain id", report.chainId],
    ...Object.entries(report.contracts).map(([name, address]): [string, string, Cell] => ["合约", name, address]),
    ["结算代币", "Token", token === null ? "unknown: amounts in its smallest unit" : `${token.symbol}, ${token.decimals} decimals, ${token.address}`],
    [
      "说明",
      "Note",
      "Amount columns are numbers with the token's decimals applied; the exact amount (smallest units) is the text column beside each: a spreadsheet number is a double and cannot hold every uint256.",
    ],
    ["说明", "Reproducible", `The same report at block ${report.atBlock} gives the same lines: they are computed from the ledger state as of that block.`],
    ...(Object.entries(report.totals).map(([kind, total]): [string, string, Cell] => [
      `合计 ${REVENUE_LABELS[kind as keyof typeof REVENUE_LABELS].zh}`,
      `Total ${kind} (${smallestUnit(token)}, exact)`,
      total,
    ])),
  ];
  addSheet(
    workbook,
    "说明 About",
    [
      { zh: "项目", en: "Item", width: 14, value: (row: [string, string, Cell]) => row[0] },
      { zh: "", en: "", width: 36, value: (row: [string, string, Cell]) => row[1] },
      { zh: "内容", en: "Value", width: 90, value: (row: [string, string, Cell]) => row[2] },
    ],
    about,
  );
  addSheet(workbook, bilingualSheet("assets"), ASSET_COLUMNS, report.sections.assets);
  addSheet(workbook, bilingualSheet("valuations"), VALUATION_COLUMNS, report.sections.valuations, (line, column) =>
    column.en === "Figure" && line.figure !== null ? numberFormat(figureDecimals(line.figure)) : undefined,
  );
  addSheet(workbook, bilingualSheet("encumbrances"), ENCUMBRANCE_COLUMNS, report.sections.encumbrances);
  addSheet(workbook, bilingualSheet("grants"), GRANT_COLUMNS, report.sections.grants);
  addSheet(workbook, bilingualSheet("revenue"), revenueColumns(report), report.sections.revenue);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

const bilingualSheet = (section: Exclude<keyof typeof SECTION_LABELS, "report">) => `${SECTION_LABELS[section].zh} ${SECTION_LABELS[section].en}`;
