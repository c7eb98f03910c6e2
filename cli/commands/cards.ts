import type { Command } from "commander";

import { CARD_SECTIONS, cardJsonSchema, fieldLabel, valueLabel, type CardChange, type Label } from "../../ledger/cards/index.js";
import { canonicalJson } from "../../ledger/encoding/canonical.js";
import type { CliContext } from "../context.js";
import { readCardFile } from "../documentFile.js";
import { uploadDocument, type UploadOutcome } from "../documentApi.js";
import { FailureError, InputError } from "../io.js";
import { apiRequest, ApiUnavailable, detailOf, type ApiAnswer } from "../ledgerApi.js";
import { signIn, type Session } from "../siwe.js";
import { isoDate } from "../time.js";
import { parseId, parseUint } from "../validate.js";

/**
 * Asset cards (数据资产卡片) as documents: their hash as the chain records it, checked offline; the upload to the
 * API's card store; and what the API serves of an asset's cards — a version's four sections (the restricted
 * ones to a signed-in holder, registrar or reviewer) and the field-by-field diff of two versions.
 */

const LANGUAGES = ["en", "zh-CN"] as const;
type Language = (typeof LANGUAGES)[number];

const API_URL_HELP = "the ledger's HTTP API (env PROVENANCE_API_URL, default http://127.0.0.1:8080)";
const SIGN_IN_HELP = "sign in (Sign-In with Ethereum) with the signing key (--account / --key-env): the holder, registrars and reviewers read restricted sections";

function parseLanguage(raw: string): Language {
  const lang = LANGUAGES.find((known) => known === raw);
  if (lang === undefined) throw new InputError(`--lang: ${JSON.stringify(raw)} is not one of ${LANGUAGES.join(", ")}`, { argument: "--lang" });
  return lang;
}

const apiBase = (url: string) => url.replace(/\/+$/, "");

/** A card version number: the chain counts them from 0 (the card filed with the application) in uint32. */
const parseVersion = (name: string, raw: string) => Number(parseUint(name, raw, 32));

/** One request; an API that cannot be reached is the command's failure (exit 1), said in one line. */
async function ask(url: string, session?: Session): Promise<ApiAnswer> {
  try {
    return await apiRequest(url, { token: session?.token });
  } catch (error) {
    if (error instanceof ApiUnavailable) throw new FailureError(`cannot reach the API at ${url}: ${error.message} (is \`npm start\` running? see --api-url)`, { url });
    throw error;
  }
}

/** The upload's outcome in one line: stored or already held, and the assets that record the card. */
export function uploadLine(outcome: UploadOutcome & { ok: true }, what = "card"): string {
  const recorded = outcome.records.length === 0 ? "" : `, recorded by ${what === "card" ? "asset" : "review"} ${outcome.records.join(", ")}`;
  return `${what} uploaded to ${outcome.url}: ${outcome.held} (${outcome.status})${recorded}`;
}

// --- rendering ---------------------------------------------------------------------------------

const NONE: Label = { en: "none", "zh-CN": "无" };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The field's own label (the last of "Basic information › Name"). */
function ownLabel(path: readonly (string | number)[], lang: Language): string {
  return fieldLabel(path)[lang].split(" › ").at(-1) ?? String(path.at(-1));
}

/** A value as people read it: an enumerated value by its label, a list joined, null and empty as "none". */
function formatValue(path: readonly (string | number)[], value: unknown, lang: Language): string {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return NONE[lang];
  if (Array.isArray(value) && !value.some(isPlainObject)) return value.map((item, i) => formatValue([...path, i], item, lang)).join("; ");
  if (typeof value === "string") return valueLabel(path, value)?.[lang] ?? value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return canonicalJson(value);
}

/** Each object's field names in the schema's order, by path without array indexes (`rights.processors`): the API stores cards canonical, keys sorted. */
let schemaOrder: Map<string, string[]> | undefined;
function fieldOrder(path: readonly (string | number)[]): string[] {
  if (schemaOrder === undefined) {
    const order = new Map<string, string[]>();
    type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[] };
    const visit = (node: Node | undefined, at: string) => {
      if (node === undefined || typeof node !== "object") return;
      if (node.properties !== undefined) {
        order.set(at, Object.keys(node.properties));
        for (const [name, inner] of Object.entries(node.properties)) visit(inner, at === "" ? name : `${at}.${name}`);
      }
      visit(node.items, at);
      for (const alternative of node.anyOf ?? []) visit(alternative, at);
    };
    visit(cardJsonSchema() as Node, "");
    schemaOrder = order;
  }
  return schemaOrder.get(path.filter((part) => typeof part === "string").join(".")) ?? [];
}

/** An object's entries in the schema's order (fields it does not know last, as given). */
function orderedEntries(path: readonly (string | number)[], value: Record<string, unknown>): [string, unknown][] {
  const order = fieldOrder(path);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return Object.entries(value).sort(([a], [b]) => rank(a) - rank(b));
}

/** A section's fields, one per line, nested objects and lists of objects indented under their label. */
function sectionLines(path: (string | number)[], value: unknown, lang: Language, indent: string): string[] {
  const lines: string[] = [];
  const entries: [string | number, unknown][] = isPlainObject(value) ? orderedEntries(path, value) : Array.isArray(value) ? [...value.entries()] : [];
  for (const [name, inner] of entries) {
    const at = [...path, name];
    const label = ownLabel(at, lang);
    if (isPlainObject(inner) || (Array.isArray(inner) && inner.some(isPlainObject))) {
      lines.push(`${indent}${label}:`, ...sectionLines(at, inner, lang, `${indent}  `));
    } else {
      lines.push(`${indent}${label}: ${formatValue(at, inner, lang)}`);
    }
  }
  return lines;
}

const sectionLabel = (section: string, lang: Language) => fieldLabel([section])[lang];

/** The versions an asset's card has had, as the API lists them. */
interface CardVersions {
  assetId: string;
  currentVersion: number;
  versions: { version: number; cardHash: string; cardURI: string; at: { block: string | number; timestamp: string | number; tx: string }; held: boolean }[];
}

async function versionsOf(base: string, assetId: bigint): Promise<CardVersions> {
  const url = `${base}/assets/${assetId}/cards`;
  const answer = await ask(url);
  if (answer.status === 404) throw new FailureError(`no asset ${assetId}: ${detailOf(answer.body)} (the API answered 404)`, { assetId, status: 404 });
  const body = answer.body as Partial<CardVersions>;
  if (answer.status !== 200 || !Array.isArray(body.versions)) {
    throw new FailureError(`${url} answered ${answer.status}: ${detailOf(answer.body)}`, { url, status: answer.status });
  }
  return body as CardVersions;
}

/** Why a restricted section was not shown: not signed in, or the API's refusal of this session. */
async function withheldReason(base: string, hash: string, section: string, session: Session | undefined): Promise<{ content?: unknown; reason: string }> {
  if (session === undefined) return { reason: "restricted to the holder, registrars and reviewers: sign in with --sign-in" };
  const answer = await ask(`${base}/cards/${hash}/sections/${section}`, session);
  if (answer.status === 200) return { content: (answer.body as { content?: unknown }).content, reason: "" };
  return { reason: `${detailOf(answer.body)} (the API answered ${answer.status})` };
}

// --- commands ----------------------------------------------------------------------------------

export function registerCards(program: Command, cli: CliContext): void {
  const card = program
    .command("card")
    .description("asset cards (数据资产卡片): hash and validate a card file offline, upload it, show an asset's card and the diff of two versions");

  card
    .command("hash")
    .description("the card's hash as the chain records it: keccak256 of its RFC 8785 canonical JSON (offline); an invalid card is refused with every problem")
    .argument("<file>", "the card document (JSON)")
    .action(async (file: string) => {
      const checked = await readCardFile(cli, file);
      cli.result({ file, hash: checked.hash, bytes: Buffer.byteLength(checked.canonical, "utf8") }, checked.hash);
    });

  card
    .command("validate")
    .description("check a card file against the card schema (offline): `valid` and its hash, or every problem with its field path")
    .argument("<file>", "the card document (JSON)")
    .action(async (file: string) => {
      const checked = await readCardFile(cli, file);
      const bytes = Buffer.byteLength(checked.canonical, "utf8");
      cli.result({ file, valid: true, hash: checked.hash, bytes }, `valid: ${file}\n  hash ${checked.hash} (${bytes} bytes canonical)`);
    });

  card
    .command("upload")
    .description("upload a card document to the API's card store: taken only when an asset records its hash (apply or change-card)")
    .argument("<file>", "the card document (JSON)")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (file: string, opts: { apiUrl?: string }) => {
      const checked = await readCardFile(cli, file);
      const base = apiBase(cli.apiUrl(opts.apiUrl));
      const outcome = await uploadDocument(base, "cards", checked.hash, checked.canonical);
      if (!outcome.ok) {
        const hint = outcome.status === 404 ? `; no asset the API has indexed records ${checked.hash} as its card (apply or change-card with this file first)` : "";
        throw new FailureError(`card upload: ${file} (hash ${checked.hash}) refused: ${outcome.reason}${hint}`, { file, hash: checked.hash, url: outcome.url, ...(outcome.status === undefined ? {} : { status: outcome.status }) });
      }
      cli.result({ file, hash: checked.hash, url: outcome.url, status: outcome.status, held: outcome.held, assets: outcome.records }, uploadLine(outcome));
    });

  card
    .command("versions")
    .description("an asset's card versions: hash, block, URI, and whether the API holds the document")
    .argument("<asset>", "asset id")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (raw: string, opts: { apiUrl?: string }) => {
      const assetId = parseId("asset", raw);
      const base = apiBase(cli.apiUrl(opts.apiUrl));
      const listed = await versionsOf(base, assetId);
      const lines = [`asset ${assetId}: ${listed.versions.length} card version${listed.versions.length === 1 ? "" : "s"}, current ${listed.currentVersion}`];
      for (const v of listed.versions) {
        lines.push(`  version ${v.version}: ${v.cardHash}, block ${v.at.block}, ${isoDate(Number(v.at.timestamp))}, ${v.held ? "held" : "not held (upload it)"}; ${v.cardURI}`);
      }
      cli.result(listed, lines.join("\n"));
    });

  card
    .command("show")
    .description("an asset's card (the current version by default), its four sections labelled; restricted sections with --sign-in")
    .argument("<asset>", "asset id")
    .option("--version <n>", "a card version (0: the card filed with the application)")
    .option("--sign-in", SIGN_IN_HELP, false)
    .option("--lang <lang>", `labels in ${LANGUAGES.join(" or ")}`, "en")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (raw: string, opts: { version?: string; signIn: boolean; lang: string; apiUrl?: string }) => {
      const assetId = parseId("asset", raw);
      const wanted = opts.version === undefined ? undefined : parseVersion("--version", opts.version);
      const lang = parseLanguage(opts.lang);
      const base = apiBase(cli.apiUrl(opts.apiUrl));
      const signer = opts.signIn ? cli.account().account : undefined;

      const listed = await versionsOf(base, assetId);
      const version = wanted ?? listed.currentVersion;
      const entry = listed.versions.find((v) => v.version === version);
      if (entry === undefined) {
        const known = listed.versions.map((v) => v.version).join(", ");
        throw new InputError(`--version: asset ${assetId} has no card version ${version} (its versions: ${known})`, { argument: "--version" });
      }
      const session = signer === undefined ? undefined : await signIn(base, signer);
      const answer = await ask(`${base}/cards/${entry.cardHash}`, session);
      if (answer.status === 404) {
        throw new FailureError(
          `the API does not hold card version ${version} of asset ${assetId} (hash ${entry.cardHash}): upload the document with \`provenance card upload <file>\``,
          { assetId, version, cardHash: entry.cardHash, status: 404 },
        );
      }
      if (answer.status !== 200) throw new FailureError(`${base}/cards/${entry.cardHash} answered ${answer.status}: ${detailOf(answer.body)}`, { status: answer.status });
      const served = answer.body as { card?: Record<string, unknown>; withheld?: string[] };
      const sections: Record<string, unknown> = { ...served.card };
      const withheld: { section: string; reason: string }[] = [];
      for (const section of served.withheld ?? []) {
        const { content, reason } = await withheldReason(base, entry.cardHash, section, session);
        if (content === undefined) withheld.push({ section, reason });
        else sections[section] = content;
      }

      const lines = [
        `asset ${assetId}, card version ${version}${version === listed.currentVersion ? " (current)" : ` (current: ${listed.currentVersion})`}`,
        `  hash ${entry.cardHash}, recorded in block ${entry.at.block} at ${isoDate(Number(entry.at.timestamp))}, transaction ${entry.at.tx}`,
        `  URI ${entry.cardURI}`,
        ...(session === undefined ? [] : [`  signed in as ${session.address}`]),
      ];
      for (const section of CARD_SECTIONS) {
        const refused = withheld.find((w) => w.section === section);
        if (refused !== undefined) lines.push(`${sectionLabel(section, lang)}: withheld — ${refused.reason}`);
        else if (section in sections) lines.push(`${sectionLabel(section, lang)}`, ...sectionLines([section], sections[section], lang, "  "));
      }
      cli.result(
        { assetId, version, cardHash: entry.cardHash, cardURI: entry.cardURI, at: entry.at, card: sections, withheld, signedInAs: session?.address ?? null },
        lines.join("\n"),
      );
    });

  card
    .command("diff")
    .description("what changed between two card versions of an asset, field by field (restricted sections' changes with --sign-in)")
    .argument("<asset>", "asset id")
    .requiredOption("--from <n>", "the older version")
    .requiredOption("--to <n>", "the newer version")
    .option("--sign-in", SIGN_IN_HELP, false)
    .option("--lang <lang>", `labels in ${LANGUAGES.join(" or ")}`, "en")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (raw: string, opts: { from: string; to: string; signIn: boolean; lang: string; apiUrl?: string }) => {
      const assetId = parseId("asset", raw);
      const from = parseVersion("--from", opts.from);
      const to = parseVersion("--to", opts.to);
      const lang = parseLanguage(opts.lang);
      const base = apiBase(cli.apiUrl(opts.apiUrl));
      const signer = opts.signIn ? cli.account().account : undefined;
      const session = signer === undefined ? undefined : await signIn(base, signer);
      const url = `${base}/assets/${assetId}/cards/diff?from=${from}&to=${to}`;
      const answer = await ask(url, session);
      if (answer.status !== 200) {
        throw new FailureError(`card diff of asset ${assetId}, versions ${from} → ${to}: ${detailOf(answer.body)} (the API answered ${answer.status})`, {
          assetId,
          status: answer.status,
        });
      }
      const diff = answer.body as { from: { version: number; cardHash: string }; to: { version: number; cardHash: string }; changes: CardChange[]; withheld: string[] };
      const lines = [
        `asset ${assetId}: card version ${diff.from.version} → ${diff.to.version} (${diff.from.cardHash} → ${diff.to.cardHash}), ${diff.changes.length} change${diff.changes.length === 1 ? "" : "s"}`,
      ];
      for (const change of diff.changes) {
        const path = pathParts(change.path);
        const before = formatValue(path, change.before, lang);
        const after = formatValue(path, change.after, lang);
        const label = change.label[lang];
        if (change.change === "added") lines.push(`  + ${label}: ${after}`);
        else if (change.change === "removed") lines.push(`  - ${label}: ${before}`);
        else lines.push(`  ~ ${label}: ${before} → ${after}`);
      }
      for (const section of diff.withheld) {
        lines.push(`  ${sectionLabel(section, lang)}: changes withheld — ${session === undefined ? "sign in with --sign-in" : `not readable by ${session.address}`}`);
      }
      cli.result({ ...diff, signedInAs: session?.address ?? null }, lines.join("\n"));
    });
}

/** `rights.processors[1].grantId` as its parts, for the value labels. */
function pathParts(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) => (match[2] === undefined ? match[1]! : Number(match[2])));
}
