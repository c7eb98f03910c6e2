import type { Hex } from "viem";
import { z } from "zod/v4";

import { canonicalHash, canonicalJson } from "../encoding/canonical.js";
import { AssetCard, CARD_SECTIONS, RESTRICTED_SECTIONS, type Label } from "./schema.js";

/** One thing wrong with a document: where (a JSON path like `basic.timeSpan.to`, or `(document)`) and why. */
export interface DocumentProblem {
  path: string;
  message: string;
}

/** The largest card document the ledger reads or stores (canonical bytes). */
export const MAX_CARD_BYTES = 256 * 1024;

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(document)";
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join("");
}

/** zod's issues as problems: every one, with its field path, unrecognized keys named. */
export function problemsOf(error: z.ZodError): DocumentProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") return { path: pathText(issue.path), message: `unknown field(s): ${issue.keys.join(", ")}` };
    if (issue.code === "invalid_type" && issue.input === undefined) return { path: pathText(issue.path), message: "required" };
    return { path: pathText(issue.path), message: issue.message };
  });
}

/** Parses a document's text as JSON: a problem rather than a SyntaxError. */
export function parseJsonDocument(textOrBytes: string | Uint8Array): { value: unknown } | { problems: DocumentProblem[] } {
  const text = typeof textOrBytes === "string" ? textOrBytes : new TextDecoder("utf-8", { fatal: false }).decode(textOrBytes);
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { problems: [{ path: "(document)", message: `not JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

/** A card checked against the schema: the card and its hash, or every problem. */
export type CardCheck = { ok: true; card: AssetCard; hash: Hex; bytes: number } | { ok: false; problems: DocumentProblem[] };

/**
 * Checks a card document (a parsed JSON value) against the schema. The hash is of the document as given,
 * canonicalized — not of zod's output — so that what is hashed is exactly what is stored and served.
 */
export function checkCard(value: unknown): CardCheck {
  const parsed = AssetCard.safeParse(value);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const canonical = canonicalJson(value);
  const bytes = Buffer.byteLength(canonical, "utf8");
  if (bytes > MAX_CARD_BYTES) return { ok: false, problems: [{ path: "(document)", message: `${bytes} bytes canonical; at most ${MAX_CARD_BYTES}` }] };
  return { ok: true, card: value as AssetCard, hash: canonicalHash(value), bytes };
}

/** The card hash the chain records: keccak256 of the card's RFC 8785 canonical JSON. */
export function cardHashOf(card: unknown): Hex {
  return canonicalHash(card);
}

/** The card without its restricted sections (what anyone may read), and which sections were withheld. */
export function publicSections(card: AssetCard): { card: Partial<AssetCard>; withheld: string[] } {
  const open: Record<string, unknown> = {};
  const withheld: string[] = [];
  for (const [name, value] of Object.entries(card)) {
    if ((RESTRICTED_SECTIONS as readonly string[]).includes(name)) withheld.push(name);
    else open[name] = value;
  }
  return { card: open as Partial<AssetCard>, withheld };
}

// --- labels and diffs ------------------------------------------------------------------------------

interface Meta {
  "x-label"?: Label;
  "x-value-labels"?: Record<string, Label>;
}

function metaOf(schema: z.ZodType | undefined): Meta {
  return (schema === undefined ? undefined : (z.globalRegistry.get(schema) as Meta | undefined)) ?? {};
}

/** The schema under optional/nullable wrappers: where an object's shape or an array's element is. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    else return current;
  }
}

/** The schema of the field at `path` (numeric parts: array elements), with the labels on the way. */
function fieldAt(path: readonly (string | number)[]): { schema: z.ZodType | undefined; labels: Label[] } {
  let schema: z.ZodType | undefined = AssetCard;
  const labels: Label[] = [];
  for (const part of path) {
    if (schema === undefined) break;
    const inner = unwrap(schema);
    if (typeof part === "number") {
      schema = inner instanceof z.ZodArray ? (inner.element as z.ZodType) : undefined;
      labels.push({ en: `#${part + 1}`, "zh-CN": `第${part + 1}项` });
      continue;
    }
    schema = inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>)[part] : undefined;
    const label = metaOf(schema)["x-label"] ?? metaOf(schema === undefined ? undefined : unwrap(schema))["x-label"];
    labels.push(label ?? { en: part, "zh-CN": part });
  }
  return { schema, labels };
}

/** A field's label in both languages, its parents' labels first ("Basic information › Name"). */
export function fieldLabel(path: readonly (string | number)[]): Label {
  const { labels } = fieldAt(path);
  return { en: labels.map((label) => label.en).join(" › "), "zh-CN": labels.map((label) => label["zh-CN"]).join(" › ") };
}

/** The label of an enumerated value at `path` (e.g. `usage.modes[0]` = "usable-not-visible" → 数据可用不可见), if it has one. */
export function valueLabel(path: readonly (string | number)[], value: unknown): Label | undefined {
  if (typeof value !== "string") return undefined;
  const { schema } = fieldAt(path);
  if (schema === undefined) return undefined;
  return metaOf(unwrap(schema))["x-value-labels"]?.[value] ?? metaOf(schema)["x-value-labels"]?.[value];
}

export interface CardChange {
  /** `basic.name`, `rights.processors[1].grantId`: arrays of objects are compared item by item, other values whole. */
  path: string;
  section: string;
  label: Label;
  change: "added" | "removed" | "changed";
  /** The values (JSON), absent where the field is absent. */
  before?: unknown;
  after?: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function listsObjects(path: readonly (string | number)[]): boolean {
  const { schema } = fieldAt(path);
  if (schema === undefined) return false;
  const inner = unwrap(schema);
  return inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodObject;
}

/** Leaf fields of a card: objects descend, arrays of objects descend by index, anything else is one value. */
function leaves(value: unknown, path: (string | number)[], into: Map<string, { path: (string | number)[]; value: unknown }>): void {
  if (isPlainObject(value)) {
    for (const [name, inner] of Object.entries(value)) leaves(inner, [...path, name], into);
    return;
  }
  // Lists of objects (processors, review reports) compare item by item, an empty one having no fields.
  if (Array.isArray(value) && (listsObjects(path) || value.some(isPlainObject))) {
    for (const [index, inner] of value.entries()) leaves(inner, [...path, index], into);
    return;
  }
  into.set(pathText(path), { path, value });
}

/**
 * The field-by-field difference between two versions of a card, in the order of the newer card's fields
 * and then the removed ones. Equal values (by canonical JSON) are not listed.
 */
export function diffCards(before: unknown, after: unknown): CardChange[] {
  const old = new Map<string, { path: (string | number)[]; value: unknown }>();
  const now = new Map<string, { path: (string | number)[]; value: unknown }>();
  leaves(before, [], old);
  leaves(after, [], now);
  const changes: CardChange[] = [];
  const entry = (path: (string | number)[], change: CardChange["change"], values: Pick<CardChange, "before" | "after">): CardChange => ({
    path: pathText(path),
    section: String(path[0] ?? ""),
    label: fieldLabel(path),
    change,
    ...values,
  });
  for (const [name, { path, value }] of now) {
    const previous = old.get(name);
    if (previous === undefined) changes.push(entry(path, "added", { after: value }));
    else if (canonicalJson(previous.value ?? null) !== canonicalJson(value ?? null)) changes.push(entry(path, "changed", { before: previous.value, after: value }));
  }
  for (const [name, { path, value }] of old) if (!now.has(name)) changes.push(entry(path, "removed", { before: value }));
  const order = (change: CardChange) => (CARD_SECTIONS as readonly string[]).indexOf(change.section);
  return changes.sort((a, b) => order(a) - order(b));
}
