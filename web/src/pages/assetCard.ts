import { getAddress } from "viem";
import { createSiweMessage } from "viem/siwe";

import {
  ApiError,
  getJson,
  getJsonWith,
  postJson,
  type Asset,
  type AuthSession,
  type CardChange,
  type CardDiff,
  type CardDocument,
  type CardVersions,
  type Label,
} from "../api.js";
import { cardSchema, parsePath, type CardPath, type CardSchema } from "../cardSchema.js";
import { facts, h, hex, table } from "../dom.js";
import { formatTime, groupDigits } from "../format.js";
import { lang, t } from "../i18n.js";
import { load } from "./page.js";

/**
 * The certificate page's asset card (数据资产卡片): the current version's four parts with the schema's labels,
 * every version the chain recorded (and whether this node holds its content), and a field-by-field diff
 * between any two. Restricted parts (management: contacts, security measures) are named, not shown, unless
 * the reader has signed in with Ethereum (EIP-4361) as someone allowed to read them.
 */

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The session of this page load, if the reader signed in; forgotten on reload (nothing is stored). */
let session: AuthSession | undefined;

function bearer(): Record<string, string> {
  if (session === undefined) return {};
  if (Date.parse(session.expiresAt) <= Date.now()) {
    session = undefined;
    return {};
  }
  return { authorization: `Bearer ${session.token}` };
}

const inLang = (label: Label) => label[lang()];
const listSeparator = () => (lang() === "zh-CN" ? "、" : ", ");

/** The reason an API call failed: the problem's detail when the API sent one. */
function reasonOf(error: unknown): string {
  if (error instanceof ApiError) return error.problem?.detail ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A card value as one line of text, for the diff table: enumerated values by their labels, lists joined,
 * objects as `label: value` pairs.
 */
function valueText(schema: CardSchema, path: CardPath, value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") {
    const label = schema.valueLabel(path, value);
    return label === undefined ? value : inLang(label);
  }
  if (Array.isArray(value)) return value.length === 0 ? t("none") : value.map((item, index) => valueText(schema, [...path, index], item)).join(listSeparator());
  if (typeof value === "object") {
    const separator = lang() === "zh-CN" ? "；" : "; ";
    return Object.entries(value as Record<string, unknown>)
      .map(([name, inner]) => `${inLang(schema.label([...path, name]))}${t("labelSeparator")}${valueText(schema, [...path, name], inner)}`)
      .join(separator);
  }
  return String(value);
}

/** A card value as the card shows it: nested objects as definition lists, lists as lists, accounts in full. */
function valueNode(schema: CardSchema, path: CardPath, value: unknown): Node {
  if (value === null || value === undefined) return document.createTextNode("—");
  if (typeof value === "string") {
    if (ADDRESS.test(value)) return h("code", { class: "hex-full" }, value);
    const label = schema.valueLabel(path, value);
    return document.createTextNode(label === undefined ? value : inLang(label));
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return document.createTextNode(t("none"));
    const objects = value.some((item) => item !== null && typeof item === "object");
    return h(objects ? "ol" : "ul", { class: "card-list" }, ...value.map((item, index) => h("li", {}, valueNode(schema, [...path, index], item))));
  }
  if (typeof value === "object") return fieldList(schema, path, value as Record<string, unknown>);
  return document.createTextNode(String(value));
}

/** An object's fields in the schema's order (then any the schema does not know), each with its label. */
function fieldList(schema: CardSchema, path: CardPath, object: Record<string, unknown>): HTMLDListElement {
  const known = schema.fieldsOf(path);
  const names = [...known.filter((name) => name in object), ...Object.keys(object).filter((name) => !known.includes(name))];
  const list = h("dl", { class: "facts card-fields" });
  for (const name of names) {
    const fieldPath = [...path, name];
    list.append(h("div", { "data-path": fieldPath.join(".") }, h("dt", {}, inLang(schema.label(fieldPath))), h("dd", {}, valueNode(schema, fieldPath, object[name]))));
  }
  return list;
}

/** The card block of registration `assetId`, drawn into `region` (and again after a sign-in). */
export function assetCardBlock(assetId: string, recorded: Asset["cards"]): HTMLElement {
  const region = h("section", { id: "asset-card", class: "asset-card", "aria-labelledby": "asset-card-heading" });
  const draw = () => void load(region, () => assetCardView(assetId, recorded, draw));
  draw();
  return region;
}

async function assetCardView(assetId: string, recorded: Asset["cards"], redraw: () => void): Promise<Node[]> {
  const heading = h("h2", { id: "asset-card-heading" }, t("assetCard"));
  let schema: CardSchema;
  let versions: CardVersions;
  try {
    [schema, versions] = await Promise.all([cardSchema(), getJson<CardVersions>(`/assets/${assetId}/cards`)]);
  } catch (error) {
    // Without the node's card store the chain's record of the versions is still worth showing.
    return [heading, h("p", { class: "error", id: "card-error" }, t("cardUnavailable", { detail: reasonOf(error) })), recordedVersionsTable(recorded)];
  }
  const current = versions.versions.find((v) => v.version === versions.currentVersion) ?? versions.versions.at(-1);
  const nodes: Node[] = [heading];
  if (current === undefined) {
    nodes.push(h("p", { class: "muted" }, t("none")));
  } else {
    nodes.push(
      facts([
        [t("cardCurrentVersion"), h("span", {}, `${current.version} · ${formatTime(current.at.timestamp, lang())} · ${t("block")} ${groupDigits(current.at.block)}`)],
        [t("cardHash"), h("code", { class: "hex-full" }, current.cardHash)],
      ]),
    );
    nodes.push(...(current.held ? await currentCard(schema, current.cardHash, redraw) : [h("p", { class: "verdict bad", id: "card-not-held" }, t("cardNotHeld"))]));
  }
  nodes.push(versionList(versions));
  if (versions.versions.length >= 2) nodes.push(diffBox(assetId, schema, versions));
  return nodes;
}

/** The current version's sections, each under its label; a withheld one named, with the way to read it. */
async function currentCard(schema: CardSchema, hash: string, redraw: () => void): Promise<Node[]> {
  let served: CardDocument;
  try {
    served = await getJsonWith<CardDocument>(`/cards/${hash}`, bearer());
  } catch (error) {
    return [h("p", { class: "error", id: "card-error" }, t("cardUnavailable", { detail: reasonOf(error) }))];
  }
  const nodes: Node[] = [];
  if (served.signedInAs !== null) nodes.push(h("p", { class: "muted", id: "signed-in-as" }, t("signedInAs", { address: served.signedInAs })));
  const sections = schema.sections();
  // Sections the schema does not know (a newer schema) still show, after the known ones.
  const unknown = Object.keys(served.card).filter((name) => name !== "schema" && !sections.some((s) => s.name === name));
  for (const { name, label } of [...sections, ...unknown.map((name) => ({ name, label: schema.sectionLabel(name) }))]) {
    const content = served.card[name];
    const body =
      served.withheld.includes(name) || content === undefined
        ? withheldNotice(name, hash, redraw)
        : typeof content === "object" && content !== null && !Array.isArray(content)
          ? fieldList(schema, [name], content as Record<string, unknown>)
          : valueNode(schema, [name], content);
    nodes.push(h("section", { class: "card-section", id: `card-${name}`, "aria-labelledby": `card-${name}-heading` }, h("h3", { id: `card-${name}-heading` }, inLang(label)), body));
  }
  return nodes;
}

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** A withheld section: who may read it, and where a wallet is present, the button to sign in with it. */
function withheldNotice(section: string, hash: string, redraw: () => void): HTMLElement {
  const notice = h("div", { class: "restricted", "data-section": section }, h("p", {}, t("cardRestricted")));
  const ethereum = (window as unknown as { ethereum?: Eip1193 }).ethereum;
  if (ethereum === undefined) return notice;
  const status = h("p", { class: "muted", role: "status" });
  const button = h("button", { type: "button", class: "sign-in" }, t("signIn"));
  button.addEventListener("click", () => {
    button.disabled = true;
    status.textContent = t("signingIn");
    signIn(ethereum, hash, section).then(redraw, (error: unknown) => {
      button.disabled = false;
      status.textContent = t("signInFailed", { detail: reasonOf(error) });
    });
  });
  notice.append(button, status);
  return notice;
}

/**
 * Sign-In with Ethereum (EIP-4361): a single-use nonce from the API, the message signed by the wallet
 * (`personal_sign`), a short session in exchange. The restricted section is then read with it, so that a
 * refusal (403: not the holder, a registrar or a reviewer) is said here rather than after the redraw.
 */
async function signIn(ethereum: Eip1193, hash: string, section: string): Promise<void> {
  const accounts = (await ethereum.request({ method: "eth_requestAccounts" })) as string[];
  const account = accounts[0];
  if (account === undefined) throw new Error(t("noWalletAccount"));
  // The API names the domain and chain its messages must carry (its configured host may not be this page's).
  const { nonce, domain, chainId } = await getJson<{ nonce: string; domain: string; chainId: number }>("/auth/nonce");
  const now = new Date();
  const message = createSiweMessage({
    address: getAddress(account),
    chainId,
    domain,
    uri: location.origin,
    version: "1",
    nonce,
    statement: "Sign in to read the restricted sections of asset cards.",
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 5 * 60_000),
  });
  const signature = (await ethereum.request({ method: "personal_sign", params: [message, account] })) as string;
  session = await postJson<AuthSession>("/auth/session", { message, signature });
  await getJsonWith(`/cards/${hash}/sections/${section}`, bearer());
}

/** Every version the chain recorded, with its block and whether this node holds its content. */
function versionList(versions: CardVersions): HTMLElement {
  const locale = lang();
  const versionsTable = table(
    t("cardVersions"),
    [t("version"), t("recorded"), t("blockColumn"), t("cardHash"), t("cardUri"), t("cardContent")],
    versions.versions.map((v) => [
      v.version === versions.currentVersion ? t("versionCurrent", { version: v.version }) : String(v.version),
      formatTime(v.at.timestamp, locale),
      groupDigits(v.at.block),
      hex(v.cardHash),
      h("code", {}, v.cardURI),
      v.held ? t("cardHeld") : h("span", { class: "muted" }, t("cardNotHeldShort")),
    ]),
  );
  versionsTable.id = "card-versions";
  return versionsTable;
}

/** The chain's record of the versions as the asset carries it, when the card store cannot be asked. */
function recordedVersionsTable(recorded: Asset["cards"]): HTMLElement {
  const locale = lang();
  return table(
    t("cardVersions"),
    [t("version"), t("cardHash"), t("cardUri"), t("recorded")],
    recorded.map((c) => [c.version, hex(c.cardHash), h("code", {}, c.cardURI), formatTime(c.at.timestamp, locale)]),
  );
}

/** Two version selects (previous → current at first) and the diff between them. */
function diffBox(assetId: string, schema: CardSchema, versions: CardVersions): HTMLElement {
  const numbers = versions.versions.map((v) => v.version);
  const current = numbers.includes(versions.currentVersion) ? versions.currentVersion : numbers.at(-1)!;
  const previous = numbers[Math.max(0, numbers.indexOf(current) - 1)]!;
  const select = (id: string, selected: number) =>
    h("select", { id, name: id }, ...numbers.map((n) => h("option", { value: n, selected: n === selected }, t("versionN", { version: n }))));
  const from = select("diff-from", previous);
  const to = select("diff-to", current);
  const result = h("div", { id: "card-diff-result", "aria-live": "polite" });
  const show = () => void load(result, () => diffView(assetId, schema, Number(from.value), Number(to.value)));
  from.addEventListener("change", show);
  to.addEventListener("change", show);
  show();
  return h(
    "section",
    { class: "card-diff", id: "card-diff", "aria-labelledby": "card-diff-heading" },
    h("h3", { id: "card-diff-heading" }, t("cardDiff")),
    // Each label with its select, so that a narrow screen breaks between the pairs, not inside one.
    h("div", { class: "diff-pick" }, h("span", {}, h("label", { for: "diff-from" }, t("diffFrom")), " ", from, h("span", { "aria-hidden": "true" }, " →")), h("span", {}, h("label", { for: "diff-to" }, t("diffTo")), " ", to)),
    result,
  );
}

const CHANGE_TEXT = { added: "changeAdded", removed: "changeRemoved", changed: "changeChanged" } as const;

async function diffView(assetId: string, schema: CardSchema, from: number, to: number): Promise<Node[]> {
  if (from === to) return [h("p", { class: "muted" }, t("diffSameVersion"))];
  let diff: CardDiff;
  try {
    diff = await getJsonWith<CardDiff>(`/assets/${assetId}/cards/diff?from=${from}&to=${to}`, bearer());
  } catch (error) {
    // 404 (no such version), 409 (a version's content is not held here), 503 (no card store): the API's reason.
    return [h("p", { class: "error", id: "diff-error" }, t("diffUnavailable", { detail: reasonOf(error) }))];
  }
  const withheld =
    diff.withheld.length === 0
      ? null
      : h("p", { class: "muted", id: "diff-withheld" }, t("diffWithheld", { sections: diff.withheld.map((name) => inLang(schema.sectionLabel(name))).join(listSeparator()) }));
  if (diff.changes.length === 0) return [h("p", { class: "muted", id: "diff-none" }, t("diffNone", { from, to })), ...(withheld === null ? [] : [withheld])];
  // A field absent on one side (added, removed) shows a dash there.
  const cellOf = (change: CardChange, side: "before" | "after") => (side in change ? valueText(schema, parsePath(change.path), change[side]) : "—");
  return [
    table(
      t("diffCaption", { from, to }),
      [t("fieldColumn"), t("changeColumn"), t("beforeColumn"), t("afterColumn")],
      diff.changes.map((change) => [
        h("span", { class: "diff-field", "data-path": change.path }, inLang(change.label)),
        h("span", { class: `change change-${change.change}` }, t(CHANGE_TEXT[change.change])),
        cellOf(change, "before"),
        cellOf(change, "after"),
      ]),
    ),
    ...(withheld === null ? [] : [withheld]),
  ];
}
