import { nameIn, type PartyName } from "../../../ledger/certificates/claims.js";
import type { Bilingual } from "../../../ledger/reports/index.js";
import {
  getJson,
  type HolderLedger,
  type LedgerAssetLine,
  type LedgerEncumbranceLine,
  type LedgerGrantLine,
  type LedgerProof,
  type LedgerRevenueLine,
  type LedgerValuationLine,
} from "../api.js";
import { isCalendarDate } from "../chinaTime.js";
import { facts, h, hex, table } from "../dom.js";
import { formatAmount, formatPercent, groupDigits } from "../format.js";
import { enumText, lang, t, type TextKey } from "../i18n.js";
import { partySuggestions } from "./catalog.js";
import { fieldError, go, load, pageLink, routeParamError, type Page } from "./page.js";

/**
 * The holder's ledger (台账, 004: "分类分级建立数据资产目录和台账"; 001 §5 数据资产入表) for an accounting period:
 * its assets and their status changes, valuation reports, encumbrances, grants in force and revenue, each line
 * with the transaction and block that prove it. The report states the block it was computed at; the CSV and
 * the workbook are asked for at that block, so that what is downloaded is what is shown.
 */

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BLOCK = /^[0-9]{1,20}$/;

let form: HTMLFormElement;
let result: HTMLElement;

function input(id: string, attrs: Record<string, string | boolean>): HTMLInputElement {
  return h("input", { id, name: id, autocomplete: "off", spellcheck: "false", "aria-describedby": `${id}-hint`, ...attrs });
}

function ledgerForm(): HTMLFormElement {
  const holder = input("ledger-holder", { type: "text", pattern: "0x[0-9a-fA-F]{40}", required: true, list: "ledger-parties" });
  // Either end may be left out: the API then reports the year up to the ledger's latest event.
  const from = input("ledger-from", { type: "date" });
  const to = input("ledger-to", { type: "date" });
  const atBlock = input("ledger-at-block", { type: "text", inputmode: "numeric", pattern: "[0-9]+" });
  const field = (id: string, label: TextKey, hint: TextKey, element: HTMLInputElement, wide = false) =>
    h("div", { class: wide ? "field field-wide" : "field" }, h("label", { for: id }, t(label)), element, h("p", { id: `${id}-hint`, class: "hint" }, t(hint)));
  const element = h(
    "form",
    { class: "filters", id: "ledger-form", novalidate: true },
    field("ledger-holder", "ledgerHolder", "addressHint", holder, true),
    partySuggestions("ledger-parties"),
    field("ledger-from", "ledgerFrom", "dateHint", from),
    field("ledger-to", "ledgerTo", "dateHint", to),
    field("ledger-at-block", "ledgerAtBlock", "ledgerAtBlockHint", atBlock),
    h("div", { class: "field field-submit" }, h("button", { type: "submit" }, t("ledgerShow"))),
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = { holder: holder.value.trim(), from: from.value.trim(), to: to.value.trim(), atBlock: atBlock.value.trim() };
    if (!ADDRESS.test(values.holder)) return fieldError(element, "ledger-holder", t("addressInvalid"));
    if (values.from !== "" && !isCalendarDate(values.from)) return fieldError(element, "ledger-from", t("dateInvalid"));
    if (values.to !== "" && !isCalendarDate(values.to)) return fieldError(element, "ledger-to", t("dateInvalid"));
    if (values.atBlock !== "" && !BLOCK.test(values.atBlock)) return fieldError(element, "ledger-at-block", t("blockInvalid"));
    fieldError(element, "ledger-holder", undefined);
    go("ledger", Object.fromEntries(Object.entries(values).filter(([, value]) => value !== "")));
  });
  return element;
}

export const ledgerPage: Page = {
  mount(main) {
    form = ledgerForm();
    result = h("section", { id: "ledger-result", "aria-live": "polite" });
    main.replaceChildren(h("h1", { tabindex: "-1" }, t("ledgerTitle")), h("p", { class: "intro" }, t("ledgerIntro")), form, result);
  },

  async update(params) {
    fieldError(form, "ledger-holder", undefined);
    const holder = params.get("holder");
    if (holder === null) {
      result.replaceChildren();
      return;
    }
    // Each parameter in its field as given; the first that is not valid is said there.
    const checks: [string, string, RegExp | ((value: string) => boolean), TextKey][] = [
      ["holder", "ledger-holder", ADDRESS, "addressInvalid"],
      ["from", "ledger-from", isCalendarDate, "dateInvalid"],
      ["to", "ledger-to", isCalendarDate, "dateInvalid"],
      ["atBlock", "ledger-at-block", BLOCK, "blockInvalid"],
    ];
    for (const [name, inputId] of checks) form.querySelector<HTMLInputElement>(`#${inputId}`)!.value = params.get(name) ?? "";
    for (const [name, inputId, valid, message] of checks) {
      const value = params.get(name);
      if (value === null && name !== "holder") continue;
      const ok = value !== null && (valid instanceof RegExp ? valid.test(value) : valid(value));
      if (!ok) {
        result.replaceChildren();
        return routeParamError(form, inputId, name, value ?? "", t(message));
      }
    }
    const query = new URLSearchParams();
    for (const name of ["from", "to", "atBlock"]) {
      const value = params.get(name);
      if (value !== null) query.set(name, value);
    }
    await load(result, () => ledgerView(holder, query));
  },
};

async function ledgerView(holder: string, query: URLSearchParams): Promise<Node[]> {
  const ledger = await getJson<HolderLedger>(`/holders/${holder}/ledger?${query.toString()}`);
  const locale = lang();
  // The downloads at the block this report was computed at: the same report, whenever they are asked for.
  const pinned = new URLSearchParams({ from: ledger.period.from, to: ledger.period.to, atBlock: ledger.atBlock }).toString();
  const base = `/holders/${ledger.holder}/ledger`;
  const name = nameIn(ledger.holderName, locale);
  const file = `ledger-${ledger.holder}-${ledger.period.from}-${ledger.period.to}`;
  return [
    h(
      "article",
      { class: "ledger-report", "aria-labelledby": "ledger-heading" },
      h("h2", { id: "ledger-heading" }, t("ledgerHeading", { from: ledger.period.from, to: ledger.period.to })),
      facts([
        [t("holder"), h("span", {}, name === undefined ? null : h("span", { class: "party-name" }, name, " "), hex(ledger.holder, 8), " ", pageLink("catalog", { holder: ledger.holder }, t("holderCatalogLink")))],
        [t("ledgerPeriod"), t("ledgerPeriodValue", { from: ledger.period.from, to: ledger.period.to, timeZone: ledger.period.timeZone })],
        [t("ledgerComputedAt"), h("span", { id: "ledger-at" }, t("ledgerComputedAtValue", { block: groupDigits(ledger.atBlock), time: shownTime(ledger.atTime) }))],
        [t("ledgerToken"), ledger.token === null ? t("none") : h("span", {}, `${ledger.token.symbol} (${t("decimalsValue", { decimals: ledger.token.decimals })}) `, hex(ledger.token.address, 6))],
      ]),
      h(
        "div",
        { class: "downloads" },
        h("a", { class: "button", id: "ledger-csv", href: `${base}.csv?${pinned}`, download: `${file}.csv` }, t("downloadCsv")),
        h("a", { class: "button", id: "ledger-xlsx", href: `${base}.xlsx?${pinned}`, download: `${file}.xlsx` }, t("downloadXlsx")),
      ),
    ),
    assetsSection(ledger.sections.assets),
    valuationsSection(ledger.sections.valuations),
    encumbrancesSection(ledger.sections.encumbrances),
    grantsSection(ledger.sections.grants),
    revenueSection(ledger.sections.revenue, ledger.totals, ledger.token),
    h("p", { class: "hint" }, t("chinaTimeNote")),
  ];
}

/** A time the report states in UTC+8 (`2026-01-01T08:00:00+08:00`), as the page shows it: `2026-01-01 08:00:00`. */
const shownTime = (time: string) => time.replace("T", " ").replace(/\+08:00$/, "");

/** The transaction that proves a line (short; the full hash on hover) and its block. */
const proof = (line: LedgerProof) => h("span", { class: "proof" }, hex(line.tx, 6), ` · ${groupDigits(line.block)}`);

/** When a line was recorded (UTC+8), and under it the transaction and block that prove it. */
const recorded = (line: LedgerProof) => h("span", {}, h("span", { class: "nowrap" }, shownTime(line.time)), h("span", { class: "line-sub" }, proof(line)));

const numberLink = (assetId: string | null) => (assetId === null ? "—" : pageLink("certificate", { number: assetId }, assetId));

/** A party: its name (from the party book), its address under it. */
function party(account: string, name: PartyName | null): Node {
  const text = nameIn(name, lang());
  return text === undefined ? hex(account, 6) : h("span", {}, h("span", { class: "party-name" }, text), h("span", { class: "line-sub" }, hex(account, 4)));
}

const HEX_VALUE = /(0x[0-9a-fA-F]{64}|0x[0-9a-fA-F]{40})/;

/** Text with its addresses and hashes shortened (the full value on hover), as the tables show them. */
function withShortHex(text: string): Node[] {
  return text.split(HEX_VALUE).map((part, index) => (index % 2 === 1 ? hex(part, 6) : document.createTextNode(part)));
}

/** Text the API writes in English only (a line's detail): marked so, for screen readers and translation. */
/** A line's explanation in the page's language (the API gives both), addresses and hashes shortened. */
function explained(text: Bilingual): Node | string {
  const shown = lang() === "zh-CN" ? text.zh : text.en;
  return shown === "" ? "—" : h("span", {}, ...withShortHex(shown));
}

/** A section: its table, or its title and "none in this period". */
function section(id: string, title: string, headers: string[], rows: (Node | string)[][], after: Node[] = []): HTMLElement {
  if (rows.length === 0) return h("section", { id, class: "ledger-section" }, h("h3", {}, title), h("p", { class: "muted" }, t("ledgerSectionEmpty")), ...after);
  return h("section", { id, class: "ledger-section" }, table(title, headers, rows), ...after);
}

function assetsSection(lines: LedgerAssetLine[]): HTMLElement {
  const locale = lang();
  return section(
    "ledger-assets",
    t("ledgerAssets"),
    [t("assetNumberShort"), t("assetName"), t("ledgerEvent"), t("ledgerStatusAtBlock"), t("ledgerDetail"), t("ledgerRecorded")],
    lines.map((line) => [
      numberLink(line.assetId),
      h(
        "span",
        {},
        line.name ?? "—",
        h("span", { class: "muted line-sub" }, [enumText("kind", line.kind), enumText("category", line.category), enumText("classification", line.classification)].join(" · ")),
      ),
      locale === "zh-CN" ? line.label.zh : line.label.en,
      `${enumText("status", line.status)}${line.relation === "FORMER_HOLDER" ? ` (${enumText("holderRelation", line.relation)})` : ""}`,
      explained(line.detail),
      recorded(line),
    ]),
  );
}

/** A valuation's figure, in its currency's major unit as the report states it: "1,200,000.00 CNY". */
function figureText(figure: string, currency: string | null): string {
  const [whole = "", fraction] = figure.split(".");
  const grouped = /^[0-9]+$/.test(whole) ? groupDigits(whole) : whole;
  return `${grouped}${fraction === undefined ? "" : `.${fraction}`}${currency === null ? "" : ` ${currency}`}`;
}

function valuationsSection(lines: LedgerValuationLine[]): HTMLElement {
  return section(
    "ledger-valuations",
    t("ledgerValuations"),
    [t("assetNumberShort"), t("ledgerFigure"), t("ledgerMethod"), t("ledgerValuationDate"), t("ledgerValuer"), t("ledgerReport"), t("ledgerRecorded")],
    lines.map((line) => [
      numberLink(line.assetId),
      line.figure === null ? h("span", { class: "muted" }, t("ledgerFigureUnknown")) : h("span", { class: "figure" }, figureText(line.figure, line.currency)),
      line.method === null ? "—" : enumText("valuationMethod", line.method),
      line.valuationDate ?? "—",
      h("span", {}, line.valuer ?? "—", h("span", { class: "muted line-sub" }, t("ledgerReviewedBy"), " ", party(line.reviewer, line.reviewerName))),
      // Where the figure came from: the report document the chain records the hash of (or why there is no figure).
      h("span", {}, hex(line.reportHash, 6), line.figure === null ? h("span", { class: "muted line-sub" }, explained(line.source)) : h("span", { class: "muted line-sub" }, t("ledgerReportHeld"))),
      recorded(line),
    ]),
  );
}

function encumbrancesSection(lines: LedgerEncumbranceLine[]): HTMLElement {
  return section(
    "ledger-encumbrances",
    t("ledgerEncumbrances"),
    [t("assetNumberShort"), t("ledgerEncumbranceType"), t("idColumn"), t("ledgerCounterparty"), t("ledgerDetail"), t("ledgerRecorded")],
    lines.map((line) => [
      numberLink(line.assetId),
      enumText("encumbrance", line.type),
      line.id ?? "—",
      party(line.counterparty, line.counterpartyName),
      explained(line.detail),
      recorded(line),
    ]),
  );
}

function grantsSection(lines: LedgerGrantLine[]): HTMLElement {
  const locale = lang();
  const separator = locale === "zh-CN" ? "、" : ", ";
  return section(
    "ledger-grants",
    t("ledgerGrants"),
    [t("ledgerGrant"), t("assetNumberShort"), t("ledgerDirection"), t("ledgerCounterparty"), t("ledgerRightsScope"), t("royalty"), t("window"), t("status"), t("ledgerRecorded")],
    lines.map((line) => [
      line.grantId,
      numberLink(line.assetId),
      enumText("grantDirection", line.direction),
      party(line.counterparty, line.counterpartyName),
      h(
        "span",
        {},
        line.rights.map((right) => enumText("rights", right)).join(separator),
        h("span", { class: "muted line-sub" }, `${enumText("scopeKind", line.scopeKind)} · ${enumText("usageMode", line.usageMode)}`),
      ),
      formatPercent(BigInt(line.royaltyBps), 10_000n),
      // The two days on lines of their own: the table has nine columns to fit.
      h("span", {}, h("span", { class: "line-sub" }, shownTime(line.validFrom).slice(0, 10)), h("span", { class: "line-sub" }, `– ${shownTime(line.validUntil).slice(0, 10)}`)),
      h("span", {}, enumText("grantStatus", line.status), line.statusChanged === null ? null : h("span", { class: "muted line-sub" }, proof(line.statusChanged))),
      recorded(line),
    ]),
  );
}

const REVENUE_KINDS: LedgerRevenueLine["kind"][] = ["DEPOSIT", "CLAIM", "ESCROW_RELEASE", "BOND_WITHDRAWAL"];

function revenueSection(lines: LedgerRevenueLine[], totals: HolderLedger["totals"], token: HolderLedger["token"]): HTMLElement {
  const money = (amount: string) => (token === null ? t("units", { amount: formatAmount(amount) }) : `${formatAmount(amount, token.decimals)} ${token.symbol}`);
  const totalsList = h(
    "ul",
    { class: "ledger-totals", id: "ledger-totals" },
    ...REVENUE_KINDS.map((kind) => h("li", { "data-kind": kind }, `${enumText("revenueKind", kind)}${t("labelSeparator")}`, h("strong", {}, money(totals[kind] ?? "0")))),
  );
  return section(
    "ledger-revenue",
    t("ledgerRevenue"),
    [t("ledgerRevenueKind"), t("product"), t("epoch"), t("ledgerCounterparty"), t("amount"), t("ledgerReference"), t("ledgerRecorded")],
    lines.map((line) => [
      enumText("revenueKind", line.kind),
      numberLink(line.assetId),
      line.epochId ?? "—",
      hex(line.counterparty, 6),
      h("span", { class: "amount" }, money(line.amount)),
      line.reference === "" ? "—" : h("span", {}, ...withShortHex(line.reference)),
      recorded(line),
    ]),
    [h("p", { class: "ledger-totals-title" }, t("ledgerTotals")), totalsList],
  );
}
