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

/** A table with a caption and column headers; rows are arrays of cells. */
export function table(caption: string, headers: string[], rows: Child[][]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...headers.map((header) => h("th", { scope: "col" }, header)))),
      h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((cell) => h("td", {}, cell))))),
    ),
  );
}

/** A hash or address, shortened, with the full value in a title and selectable as a <code>. */
export function hex(value: string | null | undefined, keep = 6): Node {
  if (value === null || value === undefined) return document.createTextNode("—");
  return h("code", { title: value, class: "hex" }, shortHex(value, keep));
}
