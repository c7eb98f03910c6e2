import { catalogCsv, catalogMatches, catalogRow, cardName, CATALOG_ENUMS, holderLedgerCsv, type CatalogFilter, type CatalogRow } from "../../../ledger/reports/index.js";
import { collectEntries, holderOf, listing, type AssetRecord, type AsyncStateReader } from "../../../ledger/state/index.js";
import type { ApiContext } from "../context.js";
import { pageOf } from "../pagination.js";
import { computeHolderLedger, heldDocument, verifiedName } from "../reports/holderLedger.js";
import { holderLedgerWorkbook } from "../reports/xlsx.js";
import { defineRoute, type ApiDocument } from "../route.js";
import { AddressInput, enumName, pageOf as pageSchema, PageQuery, query } from "../schemas.js";
import { z } from "../zod.js";

/** The asset catalog (目录) and a holder's ledger (台账) for an accounting period, as JSON, CSV and .xlsx. */

/** An enum filter by name, in any case (`issued`, `ISSUED`); a 400 names the allowed values. */
const enumFilter = <T extends Record<string, number>>(values: T, what: string) =>
  z
    .string()
    .transform((text) => text.toUpperCase())
    .pipe(enumName(values, what))
    .optional()
    .openapi({ type: "string", enum: Object.keys(values), description: `${what}, by name (any case): ${Object.keys(values).join(", ")}` });

const CatalogFilters = {
  holder: AddressInput.optional().openapi({ type: "string", description: "The holder's address (resolved through successions)" }),
  category: enumFilter(CATALOG_ENUMS.category, "category"),
  classification: enumFilter(CATALOG_ENUMS.classification, "classification"),
  kind: enumFilter(CATALOG_ENUMS.kind, "kind"),
  status: enumFilter(CATALOG_ENUMS.status, "status"),
};

const Position = z.object({ block: z.string(), timestamp: z.string(), tx: z.string() });
const Name = z.object({ en: z.string(), "zh-CN": z.string() }).nullable();

const CatalogItem = z
  .object({
    assetId: z.string(),
    registrationNumber: z.string(),
    name: z.string().nullable().openapi({ description: "basic.name of the current card, when the node holds its document" }),
    kind: z.string(),
    category: z.string(),
    classification: z.string(),
    status: z.string(),
    holder: z.string(),
    holderName: Name,
    applied: Position,
    issued: Position.nullable(),
    cardHash: z.string(),
  })
  .openapi("CatalogItem");

const Proof = { tx: z.string(), block: z.string(), time: z.string().openapi({ description: "ISO 8601 in UTC+8" }) };

/** A line's explanation in Chinese and English. */
const BilingualText = z.object({ zh: z.string(), en: z.string() });

const HolderLedgerReport = z
  .object({
    holder: z.string(),
    holderName: Name,
    period: z.object({ from: z.string(), to: z.string(), timeZone: z.literal("Asia/Shanghai") }),
    atBlock: z.string(),
    atTime: z.string().openapi({ description: "The time of the last ledger event at or before atBlock, in UTC+8" }),
    chainId: z.number().int(),
    contracts: z.record(z.string()),
    token: z.object({ address: z.string(), symbol: z.string(), decimals: z.number().int() }).nullable(),
    sections: z.object({
      assets: z.array(z.object({ assetId: z.string(), event: z.string(), status: z.string(), relation: z.string(), detail: BilingualText, ...Proof }).passthrough()),
      valuations: z.array(
        z.object({ assetId: z.string(), reviewId: z.string(), figure: z.string().nullable(), currency: z.string().nullable(), source: BilingualText, ...Proof }).passthrough(),
      ),
      encumbrances: z.array(z.object({ assetId: z.string(), type: z.enum(["PLEDGE", "OBJECTION", "DISPUTE"]), counterparty: z.string(), detail: BilingualText, ...Proof }).passthrough()),
      grants: z.array(z.object({ grantId: z.string(), direction: z.enum(["GIVEN", "RECEIVED"]), status: z.string(), ...Proof }).passthrough()),
      revenue: z.array(
        z
          .object({
            kind: z.enum(["DEPOSIT", "CLAIM", "ESCROW_RELEASE", "BOND_WITHDRAWAL"]),
            amount: z.string().openapi({ description: "In the token's smallest unit, decimal" }),
            ...Proof,
          })
          .passthrough(),
      ),
    }),
    totals: z.record(z.string()),
  })
  .openapi("HolderLedger");

const LedgerParams = z.object({ address: AddressInput });
const LedgerQuery = query({
  from: z
    .string()
    .optional()
    .openapi({ description: "First day of the period, YYYY-MM-DD (Asia/Shanghai); default: one year before `to`, plus a day", example: "2026-01-01" }),
  to: z
    .string()
    .optional()
    .openapi({
      description: "Last day of the period, YYYY-MM-DD (Asia/Shanghai), inclusive; at most 366 days after from; default: the day of the ledger's last event at atBlock",
      example: "2026-12-31",
    }),
  atBlock: z
    .string()
    .regex(/^[0-9]{1,20}$/, "atBlock must be a block number")
    .transform(BigInt)
    .optional()
    .openapi({ type: "string", description: "The block to compute the report at (default: the indexed block); 409 beyond it" }),
});

const LEDGER_DESCRIPTION =
  "The holder's assets (held at atBlock, and those it applied for and no longer holds that changed within the period) with their registration " +
  "and status changes in the period; VALUATION reviews with the figure from the report document when held; pledges, open objections and " +
  "disputes at atBlock; grants given and received in force during the period; deposits into its products and amounts it received in the " +
  "period. Every line carries the tx and block that prove it. Computed from the state as of atBlock: the same request at the same block " +
  "gives the same bytes. 400 for a malformed date, an inverted period or one over 366 days; 404 for an unknown account; 409 for a block not indexed yet.";

type FilterQuery = { [K in keyof CatalogFilter]?: CatalogFilter[K] | undefined };

const filterOf = (q: FilterQuery): CatalogFilter => ({ holder: q.holder, category: q.category, classification: q.classification, kind: q.kind, status: q.status });

/** The catalog row of a stored asset, if it passes the filter (the name is filled in afterwards: it may need the document store). */
function matching(state: AsyncStateReader, raw: string, filter: CatalogFilter): { asset: AssetRecord; holder: string } | undefined {
  const asset = JSON.parse(raw) as AssetRecord;
  const holder = holderOf(state, asset);
  return catalogMatches(asset, holder, filter) ? { asset, holder } : undefined;
}

async function rowOf(context: ApiContext, { asset, holder }: { asset: AssetRecord; holder: string }): Promise<CatalogRow> {
  const document = await heldDocument(context, asset.cards[asset.cards.length - 1]!.cardHash);
  return catalogRow(asset, holder, verifiedName(context, context.sources.state, holder), document === undefined ? null : cardName(document));
}

export const reportRoutes = [
  defineRoute({
    path: "/catalog",
    tag: "reports",
    summary: "The asset catalog (数据资产目录): every registered asset, filterable by holder, category, classification, kind and status",
    description: "Enum filters by name, in any case. Each item's name is its current card's basic.name when the node holds that document, else null.",
    query: query({ ...PageQuery, ...CatalogFilters }),
    response: pageSchema("CatalogPage", CatalogItem),
    async handle({ query: q }, context) {
      const filter = filterOf(q);
      const page = await pageOf(context.sources.state, listing.assets, q, (_key, value) => matching(context.sources.state, value, filter));
      return { items: await Promise.all(page.items.map((item) => rowOf(context, item))), next: page.next };
    },
  }),
  defineRoute({
    path: "/catalog.csv",
    tag: "reports",
    summary: "The asset catalog as CSV (UTF-8 with a BOM, CRLF, bilingual header; times ISO 8601 in UTC+8): every matching asset",
    query: query(CatalogFilters),
    response: z.unknown(),
    produces: "text/csv; charset=utf-8",
    async handle({ query: q }, context): Promise<ApiDocument> {
      const filter = filterOf(q);
      const rows: CatalogRow[] = [];
      for (const [, value] of await collectEntries(context.sources.state, listing.assets)) {
        const item = matching(context.sources.state, value, filter);
        if (item !== undefined) rows.push(await rowOf(context, item));
      }
      const bytes = catalogCsv(rows);
      return { render: async () => bytes, filename: "catalog.csv" };
    },
  }),
  defineRoute({
    path: "/holders/{address}/ledger",
    tag: "reports",
    summary: "A holder's ledger (台账) for an accounting period, as of a block",
    description: LEDGER_DESCRIPTION,
    params: LedgerParams,
    query: LedgerQuery,
    response: HolderLedgerReport,
    problems: [404, 409],
    handle({ params, query: q }, context) {
      return computeHolderLedger(context, params.address, q, q.atBlock);
    },
  }),
  defineRoute({
    path: "/holders/{address}/ledger.csv",
    tag: "reports",
    summary: "A holder's ledger as one CSV file (UTF-8 with a BOM, CRLF, bilingual header, a section column; amounts in the token's smallest unit)",
    description: LEDGER_DESCRIPTION,
    params: LedgerParams,
    query: LedgerQuery,
    response: z.unknown(),
    produces: "text/csv; charset=utf-8",
    problems: [404, 409],
    async handle({ params, query: q }, context): Promise<ApiDocument> {
      const report = await computeHolderLedger(context, params.address, q, q.atBlock);
      const bytes = holderLedgerCsv(report);
      return { render: async () => bytes, filename: `ledger-${report.holder}-${report.period.from}-${report.period.to}-block-${report.atBlock}.csv` };
    },
  }),
  defineRoute({
    path: "/holders/{address}/ledger.xlsx",
    tag: "reports",
    summary: "A holder's ledger as an .xlsx workbook: an About sheet and one sheet per section, Chinese headers with English below",
    description: LEDGER_DESCRIPTION,
    params: LedgerParams,
    query: LedgerQuery,
    response: z.unknown(),
    produces: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    problems: [404, 409],
    async handle({ params, query: q }, context): Promise<ApiDocument> {
      const report = await computeHolderLedger(context, params.address, q, q.atBlock);
      return {
        render: () => holderLedgerWorkbook(report),
        filename: `ledger-${report.holder}-${report.period.from}-${report.period.to}-block-${report.atBlock}.xlsx`,
      };
    },
  }),
];
