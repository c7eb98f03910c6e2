import { nameIn } from "../../../ledger/certificates/claims.js";
import { getAll, getJson, type CatalogItem, type PartySummary } from "../api.js";
import { h, hex, table } from "../dom.js";
import { chinaDate } from "../chinaTime.js";
import { enumNames, enumText, lang, t, type EnumField } from "../i18n.js";
import { fieldError, go, load, pageLink, routeParamError, routeParamMessage, type Page } from "./page.js";

/**
 * The asset catalog (资产目录, 001: "形成公共数据资产目录清单"): every registered asset, filtered by holder,
 * category, classification, kind and status, a page at a time, and the same as CSV. The filters are the
 * route's parameters, so a filtered catalog is a link to publish.
 */

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** The enumerated filters: the API's query parameter and the enum table that labels its names. */
const ENUM_FILTERS: { param: string; field: EnumField; label: "category" | "classification" | "assetKindColumn" | "status" }[] = [
  { param: "category", field: "category", label: "category" },
  { param: "classification", field: "classification", label: "classification" },
  { param: "kind", field: "kind", label: "assetKindColumn" },
  { param: "status", field: "status", label: "status" },
];
const PAGE_SIZE = 50;

let form: HTMLFormElement;
let result: HTMLElement;

/** The registered parties as suggestions for an address field (suggestions only: a failure leaves a plain field). */
export function partySuggestions(id: string): HTMLDataListElement {
  const list = h("datalist", { id });
  void getAll<PartySummary>("/parties")
    .then((parties) => list.replaceChildren(...parties.map((p) => h("option", { value: p.account }, enumText("partyKind", p.kind)))))
    .catch(() => {});
  return list;
}

function filterForm(): HTMLFormElement {
  const holder = h("input", {
    id: "catalog-holder",
    name: "holder",
    type: "text",
    pattern: "0x[0-9a-fA-F]{40}",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "catalog-holder-hint",
    list: "catalog-parties",
  });
  const selects = ENUM_FILTERS.map(({ param, field, label }) =>
    h(
      "div",
      { class: "field" },
      h("label", { for: `catalog-${param}` }, t(label)),
      h("select", { id: `catalog-${param}`, name: param }, h("option", { value: "" }, t("filterAny")), ...enumNames(field).map((name) => h("option", { value: name }, enumText(field, name)))),
    ),
  );
  const element = h(
    "form",
    { class: "filters", id: "catalog-filters", novalidate: true },
    h("div", { class: "field field-wide" }, h("label", { for: "catalog-holder" }, t("filterHolder")), holder, partySuggestions("catalog-parties"), h("p", { id: "catalog-holder-hint", class: "hint" }, t("filterHolderHint"))),
    ...selects,
    h("div", { class: "field field-submit" }, h("button", { type: "submit" }, t("showButton"))),
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = holder.value.trim();
    if (value !== "" && !ADDRESS.test(value)) return fieldError(element, "catalog-holder", t("addressInvalid"));
    fieldError(element, "catalog-holder", undefined);
    const params: Record<string, string> = {};
    if (value !== "") params.holder = value;
    for (const { param } of ENUM_FILTERS) {
      const chosen = element.querySelector<HTMLSelectElement>(`#catalog-${param}`)!.value;
      if (chosen !== "") params[param] = chosen;
    }
    go("catalog", params);
  });
  return element;
}

export const catalogPage: Page = {
  mount(main) {
    form = filterForm();
    result = h("section", { id: "catalog-result", "aria-live": "polite" });
    main.replaceChildren(h("h1", { tabindex: "-1" }, t("catalogTitle")), h("p", { class: "intro" }, t("catalogIntro")), form, result);
  },

  async update(params) {
    fieldError(form, "catalog-holder", undefined);
    const filters = new URLSearchParams();
    const holder = params.get("holder");
    if (holder !== null) {
      if (!ADDRESS.test(holder)) {
        result.replaceChildren();
        return routeParamError(form, "catalog-holder", "holder", holder, t("addressInvalid"));
      }
      filters.set("holder", holder);
    }
    form.querySelector<HTMLInputElement>("#catalog-holder")!.value = holder ?? "";
    for (const { param, field } of ENUM_FILTERS) {
      const value = params.get(param);
      const select = form.querySelector<HTMLSelectElement>(`#catalog-${param}`)!;
      if (value !== null && !enumNames(field).includes(value)) {
        select.value = "";
        const expected = t("enumExpected", { names: enumNames(field).join(", ") });
        result.replaceChildren(h("p", { class: "error", role: "alert", id: "route-error" }, routeParamMessage(param, value, expected)));
        return;
      }
      select.value = value ?? "";
      if (value !== null) filters.set(param, value);
    }
    const cursor = params.get("cursor");
    await load(result, () => catalogView(filters, cursor));
  },
};

async function catalogView(filters: URLSearchParams, cursor: string | null): Promise<Node[]> {
  const query = new URLSearchParams(filters);
  query.set("limit", String(PAGE_SIZE));
  if (cursor !== null) query.set("cursor", cursor);
  const answer = await getJson<{ items: CatalogItem[]; next: string | null }>(`/catalog?${query.toString()}`);
  const csvQuery = filters.toString();
  const csv = h("a", { class: "button", id: "catalog-csv", href: `/catalog.csv${csvQuery === "" ? "" : `?${csvQuery}`}`, download: "catalog.csv" }, t("downloadCsv"));
  const filterParams = Object.fromEntries(filters);
  const paging = h(
    "p",
    { class: "paging" },
    cursor === null ? null : pageLink("catalog", filterParams, t("firstPage")),
    answer.next === null ? null : pageLink("catalog", { ...filterParams, cursor: answer.next }, t("nextPage")),
  );
  if (answer.items.length === 0) {
    return [h("p", { class: "muted", id: "catalog-empty" }, cursor === null ? t("catalogEmpty") : t("catalogPageEmpty")), paging];
  }
  const locale = lang();
  return [
    h("div", { class: "downloads" }, csv),
    table(
      t("catalogCaption"),
      [t("registrationNumber"), t("catalogNameColumn"), t("status"), t("holder"), t("appliedDate"), t("issuedDate")],
      answer.items.map((item) => {
        const holderName = nameIn(item.holderName, locale);
        // The classes under the name: six columns fit a laptop's width, nine did not.
        const classes = [enumText("kind", item.kind), enumText("category", item.category), enumText("classification", item.classification)].join(" · ");
        return [
          pageLink("certificate", { number: item.registrationNumber }, item.registrationNumber),
          h("span", {}, item.name ?? h("span", { class: "muted" }, "—"), h("span", { class: "muted line-sub" }, classes)),
          h("span", { class: `status-text status-${item.status}` }, enumText("status", item.status)),
          holderName === undefined ? hex(item.holder, 6) : h("span", {}, h("span", { class: "party-name" }, holderName), h("span", { class: "line-sub" }, hex(item.holder, 4))),
          chinaDate(item.applied.timestamp),
          item.issued === null ? "—" : chinaDate(item.issued.timestamp),
        ];
      }),
    ),
    h("p", { class: "hint" }, t("chinaTimeNote")),
    paging,
  ];
}
