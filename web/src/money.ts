import { getJson, type EscrowLeaf, type Ledger } from "./api.js";
import { h, hex } from "./dom.js";
import { formatAmount } from "./format.js";
import { t, type TextKey } from "./i18n.js";

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
function releaseOutcome(released: { recipient: string | null; paid: string; returned: string }, known: SettlementToken | null): string {
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

/**
 * One escrow leaf as a list item: released (what the court paid to whom, what it returned, when, which
 * transaction), given back by the settlement's rejection, or still held. `texts` are the page's own
 * sentences for the three; `vars` fill them, with the leaf's amount and settlement.
 */
export function escrowLeafItem(
  leaf: EscrowLeaf,
  known: SettlementToken | null,
  time: (seconds: string) => string,
  texts: { released: TextKey; rejected: TextKey; held: TextKey },
  vars: Record<string, string> = {},
): HTMLElement {
  const all = { ...vars, amount: formatMoney(leaf.amount, known), epoch: leaf.epochId };
  if (leaf.released !== null) {
    const { at } = leaf.released;
    const outcome = releaseOutcome(leaf.released, known);
    return h("li", { class: "escrow-released" }, t(texts.released, { ...all, date: time(at.timestamp), outcome }), " ", transactionRef(at.tx, at.block));
  }
  if (leaf.status === "SETTLEMENT_REJECTED") return h("li", { class: "escrow-rejected" }, t(texts.rejected, all));
  return h("li", { class: "escrow-still-held" }, t(texts.held, all));
}
