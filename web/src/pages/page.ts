import { ApiError } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

/** A page: `mount` builds its form once (per visit and language), `update` shows the route's parameters. */
export interface Page {
  mount(main: HTMLElement): void;
  update(params: URLSearchParams): Promise<void>;
}

/** Navigates within the app; the hashchange listener updates the page. */
export function go(page: string, params: Record<string, string>): void {
  const query = new URLSearchParams(params).toString();
  const target = `#/${page}${query === "" ? "" : `?${query}`}`;
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = target;
}

/** A link to another page of the app. */
export function pageLink(page: string, params: Record<string, string>, text: string): HTMLAnchorElement {
  return h("a", { href: `#/${page}?${new URLSearchParams(params).toString()}` }, text);
}

/**
 * Runs `work` into `region`, showing "loading" meanwhile and a readable error if it fails. A newer run
 * on the same region wins: an older answer arriving late is dropped.
 */
const generations = new WeakMap<HTMLElement, number>();
export async function load(region: HTMLElement, work: () => Promise<Node[]>): Promise<void> {
  const generation = (generations.get(region) ?? 0) + 1;
  generations.set(region, generation);
  region.setAttribute("aria-busy", "true");
  region.replaceChildren(h("p", { class: "muted" }, t("loading")));
  let nodes: Node[];
  try {
    nodes = await work();
  } catch (error) {
    const detail = error instanceof ApiError ? (error.problem?.detail ?? error.message) : error instanceof Error ? error.message : String(error);
    nodes = [h("p", { class: "error", role: "alert" }, t("errorPrefix", { detail }))];
  }
  if (generations.get(region) !== generation) return;
  region.removeAttribute("aria-busy");
  region.replaceChildren(...nodes);
}

/** A labelled single-field form that submits on Enter and on its button. */
export function lookupForm(options: {
  id: string;
  label: string;
  hint: string;
  button: string;
  value: string;
  pattern: string;
  inputmode?: string;
  list?: string;
  onSubmit: (value: string) => void;
}): HTMLFormElement {
  const input = h("input", {
    id: options.id,
    name: options.id,
    type: "text",
    value: options.value,
    required: true,
    pattern: options.pattern,
    inputmode: options.inputmode,
    autocomplete: "off",
    spellcheck: "false",
    list: options.list,
    "aria-describedby": `${options.id}-hint`,
  });
  const form = h(
    "form",
    { class: "lookup", novalidate: true },
    h("label", { for: options.id }, options.label),
    h("div", { class: "row" }, input, h("button", { type: "submit" }, options.button)),
    h("p", { id: `${options.id}-hint`, class: "hint" }, options.hint),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    options.onSubmit(input.value.trim());
  });
  return form;
}

/** Route parameters longer than this are cut short in a message: the message names the value, not echoes a page of it. */
const SHOWN_PARAMETER = 80;

/** What is wrong with a route parameter (a bookmarked or hand-edited link), naming it and the form expected. */
export function routeParamMessage(name: string, value: string, expected: string): string {
  const shown = value.length > SHOWN_PARAMETER ? `${value.slice(0, SHOWN_PARAMETER)}…` : value;
  return t("urlParamInvalid", { name, value: shown, expected });
}

/**
 * A route parameter that is not valid, shown in the field it fills: the value as given, marked invalid, and
 * what was wrong — rather than an empty form that says nothing.
 */
export function routeParamError(form: HTMLFormElement, inputId: string, name: string, value: string, expected: string): void {
  form.querySelector<HTMLInputElement>(`#${inputId}`)!.value = value;
  fieldError(form, inputId, routeParamMessage(name, value, expected));
}

/** Marks a field invalid with a message announced to screen readers. */
export function fieldError(form: HTMLFormElement, inputId: string, message: string | undefined): void {
  const input = form.querySelector<HTMLInputElement>(`#${inputId}`)!;
  form.querySelector(".field-error")?.remove();
  if (message === undefined) {
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", `${inputId}-hint`);
    return;
  }
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", `${inputId}-hint ${inputId}-error`);
  form.append(h("p", { id: `${inputId}-error`, class: "field-error", role: "alert" }, message));
  input.focus();
}
