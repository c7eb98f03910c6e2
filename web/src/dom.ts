/**
 * A tiny DOM builder. Every API value goes in as text (textContent / attribute), never as HTML, so a
 * card URI or a grounds URI cannot inject markup.
 */

import { shortHex } from "./format.js";

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

function apply(element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(element: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "object" ? child : String(child));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  apply(element, attrs);
  append(element, children);
  return element;
}

/** A definition list from label/value pairs (values may be nodes). */
export function facts(rows: [string, Child][], layout: "grid" | "inline" = "grid"): HTMLDListElement {
  const list = h("dl", { class: `facts ${layout}` });
  // <div> groups are valid in a <dl> and let the inline layout keep each label with its value.
  for (const [label, value] of rows) list.append(h("div", {}, h("dt", {}, label), h("dd", {}, value)));
  return list;
}

/**
 * A cell whose text is at most this wide (in Latin letters; a CJK character counts two) is kept on one
 * line: a date, an amount, a status. Longer text wraps, at spaces (CSS keeps CJK words whole) or, for a URI,
 * anywhere. Without this a narrow table squeezed its short columns to one character per line.
 */
const SHORT_CELL = 28;
const WIDE_CHARACTER = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += WIDE_CHARACTER.test(character) ? 2 : 1;
  return width;
}

/** A cell labelled with its column's header, which a phone shows beside the value (one card per row). */
function cell(content: Child, header: string | undefined): HTMLTableCellElement {
  const text = typeof content === "object" && content !== null ? (content.textContent ?? "") : content === null || content === undefined || content === false ? "" : String(content);
  return h("td", { role: "cell", class: displayWidth(text) <= SHORT_CELL ? "short" : null, "data-label": header }, h("span", { class: "cell-value" }, content));
}

/**
 * A table with a caption and column headers; rows are arrays of cells. Wider than the page, it scrolls
 * sideways in its own box, so the page itself never does; at phone width each row is a card of
 * label–value lines (style.css). The roles are explicit because a table restyled as blocks loses its
 * implicit ones in some browsers.
 */
export function table(caption: string, headers: string[], rows: Child[][]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { role: "table" },
      h("caption", {}, caption),
      h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, ...headers.map((header) => h("th", { scope: "col", role: "columnheader" }, header)))),
      h("tbody", { role: "rowgroup" }, ...rows.map((cells) => h("tr", { role: "row" }, ...cells.map((content, index) => cell(content, headers[index]))))),
    ),
  );
}

/** A hash or address, shortened, with the full value in a title and selectable as a <code>. */
export function hex(value: string | null | undefined, keep = 6): Node {
  if (value === null || value === undefined) return document.createTextNode("—");
  return h("code", { title: value, class: "hex" }, shortHex(value, keep));
}
