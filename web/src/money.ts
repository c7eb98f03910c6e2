import { getJson, type Ledger } from "./api.js";
import { formatAmount } from "./format.js";
import { t } from "./i18n.js";

export type SettlementToken = NonNullable<Ledger["settlementToken"]>;

let token: Promise<SettlementToken | null> | undefined;

/** The token revenue is paid in, asked of the API once per page load; null when it is not known. */
export function settlementToken(): Promise<SettlementToken | null> {
  token ??= getJson<Ledger>("/ledger").then(
    (ledger) => ledger.settlementToken,
    () => null,
  );
  return token;
}

/** An amount of revenue (smallest units, a decimal string): "12,800.00 LTY", or "1,280,000 units" when the token is unknown. */
export function formatMoney(amount: string, known: SettlementToken | null): string {
  return known === null ? t("units", { amount: formatAmount(amount) }) : `${formatAmount(amount, known.decimals)} ${known.symbol}`;
}

/** The note under a table of amounts: in which token, or that they are in its smallest unit. */
export function amountNote(known: SettlementToken | null): string {
  return known === null ? t("amountNote") : t("amountNoteToken", { symbol: known.symbol, decimals: String(known.decimals) });
}
