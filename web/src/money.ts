import { getJson, type Ledger } from "./api.js";
import { h, hex } from "./dom.js";
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

/** What the court's release of an escrow leaf did, in words: what it paid to whom, what it gave back to the product's revenue. */
export function releaseOutcome(released: { recipient: string | null; paid: string; returned: string }, known: SettlementToken | null): string {
  const { recipient, paid, returned } = released;
  return [
    recipient === null || paid === "0" ? t("escrowNothingPaid") : t("escrowPaidTo", { paid: formatMoney(paid, known), recipient }),
    ...(returned === "0" ? [] : [t("escrowReturned", { returned: formatMoney(returned, known) })]),
  ].join(t("clauseSeparator"));
}

/** Which transaction paid, as a short hash (the full one on hover) and its block. */
export function transactionRef(tx: string, block: string): HTMLElement {
  return h("span", { class: "tx-ref" }, `(${t("inTransaction")} `, hex(tx, 10), ` · ${block})`);
}
