import type { Hex } from "viem";
import { z } from "zod/v4";

import { canonicalHash } from "../encoding/canonical.js";
import { problemsOf, type DocumentProblem } from "./card.js";
import { calendarDate, text } from "./schema.js";

/**
 * A valuation review's report document: what a reviewer (第三方服务机构) attaches the hash of with
 * `attachReview(assetId, VALUATION, reportHash, reportURI)`. The figure a holder's ledger (台账) shows comes
 * from here, and only from a document whose canonical hash is the recorded `reportHash`.
 */
export const VALUATION_SCHEMA_ID = "provenance-ledger/valuation-report@1";

const VALUATION_METHODS = {
  cost: { en: "Cost approach", "zh-CN": "成本法" },
  income: { en: "Income approach", "zh-CN": "收益法" },
  market: { en: "Market approach", "zh-CN": "市场法" },
} as const;

export const ValuationReport = z
  .object({
    schema: z.literal(VALUATION_SCHEMA_ID, { error: `must be "${VALUATION_SCHEMA_ID}"` }),
    assetId: z.string().regex(/^[1-9][0-9]*$/, "the asset's registration number (decimal)"),
    /** A decimal amount in the currency's major unit: exact, never a float. */
    figure: z.string().regex(/^(0|[1-9][0-9]{0,20})(\.[0-9]{1,6})?$/, "a decimal amount like 1250000.00 (at most 6 decimals)"),
    currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code like CNY"),
    method: z.enum(["cost", "income", "market"]).meta({ "x-value-labels": VALUATION_METHODS }),
    valuationDate: calendarDate,
    valuer: text(200),
    basis: text(4000).optional(),
  })
  .strict();

export type ValuationReport = z.infer<typeof ValuationReport>;

export function checkValuationReport(value: unknown): { ok: true; report: ValuationReport; hash: Hex } | { ok: false; problems: DocumentProblem[] } {
  const parsed = ValuationReport.safeParse(value);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  return { ok: true, report: value as ValuationReport, hash: canonicalHash(value) };
}
