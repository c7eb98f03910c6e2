import { keccak256 } from "viem";

import {
  ApiError,
  getAll,
  getJson,
  getOptional,
  postText,
  type Asset,
  type Certificate,
  type CredentialVerdict,
  type EvidenceChain,
  type EvidenceEntry,
  type Grant,
  type Lineage,
  type LineageNode,
  type Objection,
  type PartyName,
  type Review,
} from "../api.js";
import { nameIn } from "../../../ledger/certificates/claims.js";
import { assetCardBlock } from "./assetCard.js";
import { facts, h, hex, svg, table } from "../dom.js";
import { formatPercent, formatTime, groupDigits } from "../format.js";
import { enumText, lang, t } from "../i18n.js";
import { fieldError, go, load, lookupForm, pageLink, routeParamError, routeParamMessage, type Page } from "./page.js";

/**
 * Certificate check: by registration number, or by a data file hashed in the browser with the ledger's
 * fingerprint function, keccak256 of the file's bytes (as `scripts/demo/seed.ts` and the CLI hash data).
 * A certificate opened from a printed one's QR code (`printed=<evidence entries at printing>`) says what
 * changed since; a registrar's credential file dropped on the page is checked by the API against the chain.
 */

const ZERO_HASH = `0x${"00".repeat(32)}`;
/** A registration number: a uint256 in decimal (at most 78 digits). */
const NUMBER = /^[0-9]{1,78}$/;
const FINGERPRINT = /^0x[0-9a-fA-F]{64}$/;
/** A printed certificate's evidence-chain length: a whole number (its upper bound is the chain's length now). */
const PRINTED = /^[0-9]{1,15}$/;
/** Evidence events that end a certificate's validity, and those that move it to another holder. */
const ENDING_EVENTS = new Set(["AssetCancelled", "AssetDestroyed"]);
const HOLDER_EVENTS = new Set(["HoldingTransferred", "HoldingSucceeded"]);
let result: HTMLElement;
let form: HTMLFormElement;
let fileStatus: HTMLElement;
/** The file last hashed here, to name it beside its fingerprint (the route carries only the hash). */
let lastFile: { name: string; size: number; fingerprint: string } | undefined;
let credentialStatus: HTMLElement;
let credentialResult: HTMLElement;
/** The last credential checked and what the API said, shown again when the page is rebuilt in the other language. */
type CredentialOutcome =
  | { file: string; verdict: CredentialVerdict }
  | { file: string; notACredential: string }
  | { file: string; failed: string };
let lastCheck: CredentialOutcome | undefined;

async function fingerprintOf(file: File): Promise<void> {
  fileStatus.textContent = t("hashing", { name: file.name });
  const fingerprint = keccak256(new Uint8Array(await file.arrayBuffer()));
  lastFile = { name: file.name, size: file.size, fingerprint };
  fileStatus.textContent = "";
  go("certificate", { fingerprint });
}

/**
 * A box to drop a file on or choose one in. The browser's own file button speaks the browser's language, not
 * the page's: the input is hidden (still focusable and labelled) behind a button-like label in the page's
 * language. Returns the box and its status line (role=status) for what is being done with the file.
 */
function fileDropZone(options: { id: string; inputId: string; label: string; button: string; hint: string; dropHere: string; onFile: (file: File) => void }): {
  zone: HTMLElement;
  status: HTMLElement;
} {
  const { inputId } = options;
  const input = h("input", { id: inputId, type: "file", class: "visually-hidden", "aria-describedby": `${inputId}-hint` });
  const chosen = h("span", { class: "muted", id: `${inputId}-chosen` }, t("noFileChosen"));
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    chosen.textContent = file?.name ?? t("noFileChosen");
    if (file !== undefined) options.onFile(file);
  });
  const status = h("p", { class: "muted", role: "status" });
  const zone = h(
    "div",
    { class: "dropzone", id: options.id },
    h("label", { for: inputId }, options.label),
    h("div", { class: "file-picker" }, input, h("label", { for: inputId, class: "button", "aria-hidden": "true" }, options.button), chosen),
    h("p", { id: `${inputId}-hint`, class: "hint" }, options.hint),
    h("p", { class: "drop-target", "aria-hidden": "true" }, options.dropHere),
    status,
  );
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const file = event.dataTransfer?.files[0];
    // The chooser would still name the file chosen before: clear it, the result names the dropped one.
    input.value = "";
    chosen.textContent = file?.name ?? t("noFileChosen");
    if (file !== undefined) options.onFile(file);
  });
  return { zone, status };
}

function dropZone(): HTMLElement {
  const { zone, status } = fileDropZone({
    id: "dropzone",
    inputId: "fingerprint-file",
    label: t("fileLabel"),
    button: t("chooseFile"),
    hint: t("fileHint"),
    dropHere: t("dropHere"),
    onFile: (file) => void fingerprintOf(file),
  });
  fileStatus = status;
  return zone;
}

export const certificatePage: Page = {
  mount(main) {
    form = lookupForm({
      id: "registration-number",
      label: t("lookupNumberLabel"),
      hint: t("lookupNumberHint"),
      button: t("lookupButton"),
      value: "",
      pattern: "[0-9]+",
      inputmode: "numeric",
      onSubmit(value) {
        if (!NUMBER.test(value)) return fieldError(form, "registration-number", t("numberInvalid"));
        fieldError(form, "registration-number", undefined);
        go("certificate", { number: value.replace(/^0+(?=\d)/, "") });
      },
    });
    result = h("section", { id: "certificate-result", "aria-live": "polite" });
    main.replaceChildren(
      h("h1", { tabindex: "-1" }, t("certTitle")),
      h("p", { class: "intro" }, t("certIntro")),
      h("div", { class: "lookups" }, form, dropZone(), credentialBox()),
      result,
    );
  },

  async update(params) {
    const number = params.get("number");
    const fingerprint = params.get("fingerprint");
    fieldError(form, "registration-number", undefined);
    if (number !== null) {
      if (!NUMBER.test(number)) {
        result.replaceChildren();
        return routeParamError(form, "registration-number", "number", number, t("numberInvalid"));
      }
      form.querySelector<HTMLInputElement>("#registration-number")!.value = number;
      const printed = params.get("printed");
      await load(result, () => certificateView(number, printed ?? undefined));
    } else if (fingerprint !== null) {
      // A fingerprint comes from a hashed file, not a text field: the message goes where the result would.
      if (!FINGERPRINT.test(fingerprint)) {
        result.replaceChildren(h("p", { class: "error", role: "alert", id: "route-error" }, routeParamMessage("fingerprint", fingerprint, t("fingerprintInvalid"))));
        return;
      }
      await load(result, () => fileMatchView(fingerprint));
    } else {
      result.replaceChildren();
    }
  },
};

async function fileMatchView(fingerprint: string): Promise<Node[]> {
  const matches = await getAll<Asset>(`/assets?fingerprint=${fingerprint}`);
  const file = lastFile?.fingerprint === fingerprint ? lastFile : undefined;
  const label = file === undefined ? t("fingerprint") : t("fileFingerprint", { name: file.name, size: groupDigits(String(file.size)) });
  const summary = h("div", { class: "file-result" }, facts([[label, h("code", { class: "hex-full" }, fingerprint)]]));
  if (matches.length === 0) {
    return [summary, h("p", { class: "verdict bad", id: "file-verdict" }, t("fileNoMatch"))];
  }
  const numbers = matches.map((asset) => asset.assetId).join(", ");
  return [summary, h("p", { class: "verdict ok", id: "file-verdict" }, t("fileMatches", { numbers })), ...(await certificateView(matches[0]!.assetId))];
}

/**
 * The certificate of registration `id`; with `printed` (from a printed certificate's QR code: the evidence
 * entries it was printed with), a notice first of what changed since printing.
 */
async function certificateView(id: string, printed?: string): Promise<Node[]> {
  const asset = await getOptional<Asset>(`/assets/${id}`);
  if (asset === undefined) return [h("p", { class: "verdict bad" }, t("notFoundNumber", { number: id }))];
  const [certificate, reviews, objections, grants, lineage, children] = await Promise.all([
    getJson<Certificate>(`/assets/${id}/certificate`),
    getAll<Review>(`/assets/${id}/reviews`),
    getAll<Objection>(`/assets/${id}/objections`),
    getAll<Grant>(`/grants?asset=${id}`),
    getJson<Lineage>(`/assets/${id}/lineage`),
    getAll<Asset>(`/assets?parent=${id}`),
  ]);
  const locale = lang();
  const time = (seconds: string) => formatTime(seconds, locale);
  const status =
    asset.status === "IN_NOTICE" && asset.noticeEndsAt !== null ? t("statusInNotice", { date: time(asset.noticeEndsAt) }) : enumText("status", asset.status);
  const card = certificate.card;

  const verifyStatus = h("p", { id: "verify-result", role: "status" });
  const verifyButton = h("button", { type: "button", id: "verify-chain" }, t("verifyOnChain"));
  verifyButton.addEventListener("click", () => void verify(id, verifyStatus, verifyButton));
  // A certificate that was never issued has no document to print (the API answers 404 or 409).
  const download =
    certificate.issued === null
      ? null
      : h("a", { class: "button", id: "download-pdf", href: `/assets/${id}/certificate.pdf?lang=${locale}`, download: `certificate-${id}-${locale}.pdf` }, t("downloadPdf"));
  const pledge = certificate.encumbrances.pledge;

  return [
    ...(printed === undefined ? [] : await printedNotice(certificate, printed)),
    h(
      "article",
      { class: "certificate", "aria-labelledby": "certificate-heading" },
      h("h2", { id: "certificate-heading" }, t("certHeading", { number: certificate.registrationNumber })),
      h("p", { class: `status status-${asset.status}` }, status),
      facts([
        [t("holder"), h("span", {}, partyName(certificate.holderName), hex(certificate.holder, 8), " ", pageLink("contributor", { address: certificate.holder }, t("holderLink")))],
        [t("assetKind"), enumText("kind", certificate.kind)],
        [t("category"), enumText("category", certificate.category)],
        [t("classification"), enumText("classification", certificate.classification)],
        [t("fingerprint"), h("code", { class: "hex-full" }, certificate.fingerprint)],
        [t("objections"), asset.openObjections > 0 ? t("openObjections", { count: asset.openObjections }) : t("none")],
        [t("pledge"), pledge === null ? t("notPledged") : h("span", {}, t("pledgedTo"), " ", partyName(pledge.pledgeeName), hex(pledge.pledgee, 8))],
        [
          t("issued"),
          certificate.issued === null
            ? t("notIssued")
            : h("span", {}, `${time(certificate.issued.timestamp)} · ${t("block")} ${groupDigits(certificate.issued.block)} · ${t("transaction")} `, hex(certificate.issued.transaction)),
        ],
        [t("registry"), h("span", {}, hex(certificate.registry, 8), ` (${t("chain")} ${certificate.chainId})`)],
        [t("evidenceHead"), h("span", {}, `${certificate.evidenceHead.seq} · `, hex(certificate.evidenceHead.head))],
        [t("cardUri"), h("span", {}, `${t("version")} ${card.version} · `, h("code", {}, card.cardURI))],
      ]),
      h("div", { class: "verify" }, download, verifyButton, verifyStatus, " ", pageLink("arbitrator", { asset: id }, t("timelineLink"))),
    ),
    // The card's content, its versions and their diff: loaded on their own, the certificate does not wait for them.
    assetCardBlock(id, asset.cards),
    objections.length === 0
      ? h("section", {}, h("h3", {}, t("objections")), h("p", { class: "muted" }, t("none")), h("p", { class: "hint" }, t("objectionsNote")))
      : h(
          "div",
          {},
          table(
            t("objections"),
            [t("idColumn"), t("objector"), t("grounds"), t("status"), t("filed"), t("objectionDispute")],
            objections.map((o) => [
              o.objectionId,
              hex(o.objector, 8),
              h("code", {}, o.groundsURI),
              enumText("objectionStatus", o.status),
              time(o.at.timestamp),
              o.disputeId === null ? "—" : pageLink("arbitrator", { asset: id }, t("numbered", { n: o.disputeId })),
            ]),
          ),
          h("p", { class: "hint" }, t("objectionsNote")),
        ),
    reviews.length === 0
      ? h("section", {}, h("h3", {}, t("reviews")), h("p", { class: "muted" }, t("none")))
      : table(
          t("reviews"),
          [t("idColumn"), t("reviewKindColumn"), t("reviewer"), t("report"), t("recorded")],
          reviews.map((r) => [r.reviewId, enumText("reviewKind", r.kind), hex(r.reviewer, 8), h("code", {}, r.reportURI), time(r.at.timestamp)]),
        ),
    grants.length === 0
      ? h("section", {}, h("h3", {}, t("grants")), h("p", { class: "muted" }, t("none")))
      : table(
          t("grants"),
          [t("idColumn"), t("grantee"), t("rights"), t("scope"), t("usageMode"), t("window"), t("royalty"), t("status")],
          grants.map((g) => [
            g.grantId,
            hex(g.grantee, 8),
            g.rights.map((right) => enumText("rights", right)).join(locale === "zh-CN" ? "、" : ", "),
            h("span", {}, enumText("scopeKind", g.scopeKind), g.scopeData === ZERO_HASH ? "" : " ", g.scopeData === ZERO_HASH ? null : hex(g.scopeData)),
            enumText("usageMode", g.usageMode),
            t("windowValue", { from: time(g.validFrom), until: time(g.validUntil) }),
            formatPercent(BigInt(g.royaltyBps), 10_000n),
            enumText("grantStatus", g.status),
          ]),
        ),
    await lineageView(asset, lineage, children),
  ];
}

/** The party's name before its address; nothing when the party book has none. */
function partyName(name: PartyName): Node | null {
  // In the page's language, else in the other one, as the printed certificate does.
  const text = nameIn(name, lang());
  return text === undefined ? null : h("span", { class: "party-name" }, text, " ");
}

/** An evidence entry after some point: what a printed certificate or a credential does not know about. */
interface LaterEntry {
  seq: number;
  eventName: string | null;
  timestamp: string;
  transaction: string;
}

/** The later entries in order, each with its event in the page's language; the ones that end or move the certificate marked. */
function laterEntriesList(entries: LaterEntry[], id: string): HTMLElement {
  const locale = lang();
  return h(
    "ol",
    { class: "later-entries", id },
    ...entries.map((entry) => {
      const event = entry.eventName ?? "—";
      const ends = ENDING_EVENTS.has(event) || HOLDER_EVENTS.has(event);
      return h(
        "li",
        { class: ends ? "ends" : null, "data-event": event },
        h("span", { class: "entry-seq" }, `#${entry.seq}`),
        " ",
        h("strong", {}, enumText("event", event)),
        event === enumText("event", event) ? null : h("span", { class: "muted" }, ` (${event})`),
        ` · ${formatTime(entry.timestamp, locale)} · ${t("inTransaction")} `,
        hex(entry.transaction),
      );
    }),
  );
}

/**
 * What changed since a certificate was printed with `printedParam` evidence entries: the entries after it and,
 * prominently, whether the certificate is cancelled or destroyed now, or has another holder.
 */
async function printedNotice(certificate: Certificate, printedParam: string): Promise<Node[]> {
  const length = certificate.evidenceHead.seq;
  if (!PRINTED.test(printedParam) || Number(printedParam) > length) {
    // From a hand-edited or mistyped link: said where the notice would be, and the certificate still shown.
    return [h("p", { class: "error", role: "alert", id: "route-error" }, routeParamMessage("printed", printedParam, t("printedInvalid", { length })))];
  }
  const printed = Number(printedParam);
  // The API pages the chain in order of seq; a cursor cannot start mid-chain, so the earlier entries are read and passed over.
  const entries = printed === length ? [] : (await getAll<EvidenceEntry>(`/assets/${certificate.registrationNumber}/evidence`)).filter((entry) => entry.seq > printed);
  const later: LaterEntry[] = entries.map((entry) => ({ seq: entry.seq, eventName: entry.eventName, timestamp: entry.timestamp, transaction: entry.at.tx }));
  const ended = later.filter((entry) => ENDING_EVENTS.has(entry.eventName ?? "")).at(-1);
  const moved = later.filter((entry) => HOLDER_EVENTS.has(entry.eventName ?? "")).at(-1);
  const endedNow = certificate.status === "CANCELLED" || certificate.status === "DESTROYED";
  const verdicts: Node[] = [];
  if (endedNow) {
    verdicts.push(
      h(
        "p",
        { class: "verdict bad", id: "printed-status" },
        ended === undefined ? t("printedEnded", { status: enumText("status", certificate.status) }) : t("printedEndedBy", { status: enumText("status", certificate.status), seq: ended.seq }),
      ),
    );
  }
  if (moved !== undefined) {
    verdicts.push(h("p", { class: "verdict bad", id: "printed-holder" }, t("printedHolderChanged", { seq: moved.seq }), " ", partyName(certificate.holderName), hex(certificate.holder, 8)));
  }
  if (verdicts.length === 0 && later.length > 0) verdicts.push(h("p", { class: "verdict ok", id: "printed-status" }, t("printedStillValid")));
  return [
    h(
      "section",
      { class: "printed-notice", id: "printed-notice", "aria-labelledby": "printed-heading" },
      h("h2", { id: "printed-heading" }, t("printedHeading", { printed })),
      ...verdicts,
      later.length === 0
        ? h("p", { class: "verdict ok", id: "printed-unchanged" }, t("printedUnchanged"))
        : h("div", {}, h("p", {}, t("printedSince", { count: later.length })), laterEntriesList(later, "printed-entries")),
    ),
  ];
}

/** The "check a credential" box: a registrar's credential file, dropped or chosen, checked by the API against the chain. */
function credentialBox(): HTMLElement {
  const { zone, status } = fileDropZone({
    id: "credential-dropzone",
    inputId: "credential-file",
    label: t("credentialLabel"),
    button: t("chooseCredential"),
    hint: t("credentialHint"),
    dropHere: t("dropCredentialHere"),
    onFile: (file) => void checkCredential(file),
  });
  credentialStatus = status;
  credentialResult = h("div", { id: "credential-result", "aria-live": "polite" });
  if (lastCheck !== undefined) credentialResult.replaceChildren(credentialView(lastCheck));
  return h("div", { class: "credential-check" }, zone, credentialResult);
}

/** Counts the checks started: an older check's answer arriving after a newer file was dropped is dropped. */
let credentialChecks = 0;

async function checkCredential(file: File): Promise<void> {
  const check = ++credentialChecks;
  credentialStatus.textContent = t("checkingCredential", { name: file.name });
  credentialResult.setAttribute("aria-busy", "true");
  let outcome: CredentialOutcome;
  try {
    const text = await file.text();
    outcome =
      text.trim() === ""
        ? { file: file.name, notACredential: t("credentialEmpty") }
        : { file: file.name, verdict: await postText<CredentialVerdict>("/certificates/verify", text) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      // The API's own words on what is wrong with the file (its field error, without the problem's restated prefix).
      outcome = { file: file.name, notACredential: error.problem?.errors?.[0]?.message ?? error.message };
    } else {
      const detail = error instanceof ApiError ? (error.problem?.detail ?? error.message) : error instanceof Error ? error.message : String(error);
      outcome = { file: file.name, failed: detail };
    }
  }
  if (check !== credentialChecks) return;
  lastCheck = outcome;
  credentialStatus.textContent = "";
  credentialResult.removeAttribute("aria-busy");
  credentialResult.replaceChildren(credentialView(outcome));
}

const CHECK_MARKS = { pass: "✓", fail: "✗", skipped: "–" } as const;

/** What the check of one file found, in a panel of its own under the box. */
function credentialView(outcome: CredentialOutcome): HTMLElement {
  const panel = (...children: Node[]) => h("div", { class: "credential-outcome" }, ...children);
  const file = h("p", { class: "muted credential-file" }, t("credentialFile", { name: outcome.file }));
  if ("failed" in outcome) return panel(file, h("p", { class: "error", id: "credential-verdict" }, t("credentialCheckFailed", { detail: outcome.failed })));
  if ("notACredential" in outcome) {
    return panel(file, h("p", { class: "verdict bad", id: "credential-verdict" }, t("credentialNotOne", { detail: outcome.notACredential })));
  }
  const { verdict } = outcome;
  const failed = verdict.checks.filter((check) => check.outcome === "fail").length;
  const { credential } = verdict;
  const number = credential.registrationNumber;
  return panel(
    file,
    h("p", { class: `verdict ${verdict.valid ? "ok" : "bad"}`, id: "credential-verdict" }, verdict.valid ? t("credentialValid") : t("credentialInvalid", { count: failed })),
    h(
      "ul",
      { class: "checks", id: "credential-checks" },
      ...verdict.checks.map((check) =>
        h(
          "li",
          { class: `check ${check.outcome}`, "data-check": check.name },
          h("span", { class: "mark", "aria-hidden": "true" }, CHECK_MARKS[check.outcome]),
          h(
            "span",
            { class: "check-text" },
            h("strong", { class: "check-name" }, enumText("credentialCheck", check.name)),
            `${t("labelSeparator")}${enumText("checkOutcome", check.outcome)}`,
            // The API explains each check in English: kept as it is, marked so that a screen reader reads it as English.
            h("span", { class: "check-detail", lang: "en" }, check.detail),
          ),
        ),
      ),
    ),
    facts([
      [t("credentialNumber"), h("span", {}, t("numbered", { n: number }), " ", pageLink("certificate", { number }, t("certificateLink")))],
      [t("credentialIssuer"), hex(credential.issuer, 8)],
      [t("holder"), hex(credential.holder, 8)],
      [t("credentialIssuedAt"), t("credentialIssuedAtValue", { block: groupDigits(credential.issuedAtBlock), seq: credential.evidenceSeq })],
    ]),
    verdict.changesSince.length === 0
      ? h("p", { class: "muted", id: "credential-unchanged" }, t("credentialUnchanged"))
      : h(
          "div",
          {},
          h("p", {}, t("credentialChanges", { count: verdict.changesSince.length })),
          laterEntriesList(
            verdict.changesSince.map((change) => ({ seq: change.seq, eventName: change.eventName, timestamp: change.timestamp, transaction: change.transaction })),
            "credential-changes",
          ),
        ),
  );
}

async function verify(id: string, status: HTMLElement, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  status.className = "";
  status.textContent = t("verifying");
  try {
    // The API replays the whole chain from the stored logs whatever the page size: one entry is enough here.
    const chain = await getJson<EvidenceChain>(`/assets/${id}/evidence?limit=1`);
    const { verification } = chain;
    status.className = verification.verified ? "verdict ok" : "verdict bad";
    status.textContent = verification.verified
      ? t("verified", { length: verification.length, head: verification.head })
      : t("notVerified", { count: verification.problems.length });
  } catch (error) {
    status.className = "verdict bad";
    status.textContent = t("errorPrefix", { detail: error instanceof Error ? error.message : String(error) });
  } finally {
    button.disabled = false;
  }
}

/** What a product pays for one parent: the root grant's royalty and every sub-licence royalty of the chain, stacked. */
const stacked = (link: { royaltyBps: number; licensors: { royaltyBps: number }[] }) =>
  link.licensors.reduce((sum, licensor) => sum + licensor.royaltyBps, link.royaltyBps);

/** The lineage graph's ranks: parents at negative ranks (recursively), the asset at 0, derived products at 1. */
interface LineageModel {
  asset: Asset;
  parentCount: number;
  childCount: number;
  ranks: number[];
  /** Asset ids per rank, in registration order. */
  byRank: Map<number, string[]>;
  edges: { from: string; to: string; royaltyBps: number }[];
  known: Map<string, Asset>;
}

/** Parents (recursively, before) and derived products (after) of an asset, as an SVG graph that fits its box. */
async function lineageView(asset: Asset, lineage: Lineage, children: Asset[]): Promise<HTMLElement> {
  const rank = new Map<string, number>([[asset.assetId, 0]]);
  const edges: LineageModel["edges"] = [];
  const walk = (child: string, parents: LineageNode[] | null, depth: number) => {
    for (const parent of parents ?? []) {
      rank.set(parent.assetId, Math.min(rank.get(parent.assetId) ?? 0, -depth));
      edges.push({ from: parent.assetId, to: child, royaltyBps: stacked(parent) });
      walk(parent.assetId, parent.parents, depth + 1);
    }
  };
  walk(asset.assetId, lineage.parents, 1);
  for (const child of children) {
    if (!rank.has(child.assetId)) rank.set(child.assetId, 1);
    const link = child.parents.find((p) => p.assetId === asset.assetId);
    edges.push({ from: asset.assetId, to: child.assetId, royaltyBps: link === undefined ? 0 : stacked(link) });
  }
  const known = new Map<string, Asset>([[asset.assetId, asset], ...children.map((child) => [child.assetId, child] as [string, Asset])]);
  await Promise.all(
    [...rank.keys()].filter((id) => !known.has(id)).map(async (id) => {
      const node = await getOptional<Asset>(`/assets/${id}`);
      if (node !== undefined) known.set(id, node);
    }),
  );
  const byRank = new Map<number, string[]>();
  for (const [id, r] of [...rank.entries()].sort((a, b) => Number(BigInt(a[0]) - BigInt(b[0])))) byRank.set(r, [...(byRank.get(r) ?? []), id]);
  const model: LineageModel = { asset, parentCount: lineage.parents.length, childCount: children.length, ranks: [...byRank.keys()].sort((a, b) => a - b), byRank, edges, known };

  // Left to right where it fits, top to bottom where it does not (a phone): redrawn when the box's width
  // crosses over. Before the box is on the page, the window's width stands in for it.
  const wrap = h("div", { class: "graph-wrap" });
  let drawn: "across" | "down" | undefined;
  const draw = (available: number) => {
    const across = lineageGraph(model, "across");
    const direction = Number(across.getAttribute("width")) <= available ? "across" : "down";
    if (direction === drawn) return;
    drawn = direction;
    wrap.replaceChildren(direction === "across" ? across : lineageGraph(model, "down"));
  };
  draw(document.documentElement.clientWidth - 64);
  const observer = new ResizeObserver(() => {
    if (!wrap.isConnected) return observer.disconnect();
    const style = getComputedStyle(wrap);
    draw(wrap.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight));
  });
  observer.observe(wrap);

  const list = (ids: string[]) =>
    ids.length === 0 ? t("none") : h("span", {}, ...ids.flatMap((id, i) => [i > 0 ? ", " : "", pageLink("certificate", { number: id }, t("numbered", { n: id }))]));
  return h(
    "section",
    { class: "lineage-section", "aria-labelledby": "lineage-heading" },
    h("h3", { id: "lineage-heading" }, t("lineage")),
    wrap,
    facts([
      [t("lineageParents"), list(lineage.parents.map((p) => p.assetId))],
      [t("lineageChildren"), list(children.map((c) => c.assetId))],
    ]),
    royaltiesView(asset),
  );
}

/** The graph's type: a node's title and the lines under it, in px (the SVG sets them, so they are measured right). */
const TITLE_PX = 14;
const DETAIL_PX = 12;
const LINE_PX = 17;
const PAD_X = 10;
let measuring: CanvasRenderingContext2D | null | undefined;

/** The rendered width of `text` in the page's font, so that a node is as wide as its label in any language. */
function textWidth(text: string, px: number, weight: number): number {
  measuring ??= document.createElement("canvas").getContext("2d");
  // No canvas: one em per character is wider than any glyph of these labels, Latin or CJK.
  if (measuring === null) return text.length * px;
  measuring.font = `${weight} ${px}px ${getComputedStyle(document.documentElement).fontFamily}`;
  return measuring.measureText(text).width;
}

/**
 * The lineage drawn `across` (parents to the left, one line under a node's title) or `down` (parents above,
 * narrower nodes with kind and status on lines of their own). Every node has the width of the widest label.
 */
function lineageGraph(model: LineageModel, direction: "across" | "down"): SVGSVGElement {
  const labels = new Map<string, { title: string; details: string[] }>();
  for (const ids of model.byRank.values()) {
    for (const id of ids) {
      const node = model.known.get(id);
      const details = node === undefined ? [] : [enumText("kind", node.kind), enumText("status", node.status)];
      labels.set(id, { title: t("numbered", { n: id }), details: direction === "across" && details.length > 0 ? [details.join(" · ")] : details });
    }
  }
  const widest = Math.max(
    ...[...labels.values()].map(({ title, details }) => Math.max(textWidth(title, TITLE_PX, 700), ...details.map((line) => textWidth(line, DETAIL_PX, 400)))),
  );
  const nodeW = Math.max(96, Math.ceil(widest) + 2 * PAD_X + 2);
  const lines = Math.max(...[...labels.values()].map((label) => 1 + label.details.length));
  const nodeH = 12 + lines * LINE_PX;
  // Along the flow, room for an edge and its royalty; across it, room between siblings.
  const along = direction === "across" ? 84 : 48;
  const beside = direction === "across" ? 20 : 16;
  const [flowSize, sideSize] = direction === "across" ? [nodeW, nodeH] : [nodeH, nodeW];
  const widestRank = Math.max(...[...model.byRank.values()].map((ids) => ids.length));
  const sideExtent = widestRank * sideSize + (widestRank - 1) * beside + 16;
  const flowExtent = model.ranks.length * flowSize + (model.ranks.length - 1) * along + 16;
  const [width, height] = direction === "across" ? [flowExtent, sideExtent] : [sideExtent, flowExtent];

  const position = new Map<string, { x: number; y: number }>();
  for (const [index, r] of model.ranks.entries()) {
    const ids = model.byRank.get(r)!;
    const start = (sideExtent - (ids.length * sideSize + (ids.length - 1) * beside)) / 2;
    for (const [slot, id] of ids.entries()) {
      const flow = 8 + index * (flowSize + along);
      const side = start + slot * (sideSize + beside);
      position.set(id, direction === "across" ? { x: flow, y: side } : { x: side, y: flow });
    }
  }

  const description = t("lineageDesc", { number: model.asset.assetId, parents: model.parentCount, children: model.childCount });
  return svg(
    "svg",
    { class: `lineage ${direction}`, role: "group", "aria-labelledby": "lineage-title lineage-desc", viewBox: `0 0 ${width} ${height}`, width, height },
    svg("title", { id: "lineage-title" }, t("lineage")),
    svg("desc", { id: "lineage-desc" }, description),
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "8", markerHeight: "8", orient: "auto" }, svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }))),
    ...model.edges.map((edge) => {
      const from = position.get(edge.from)!;
      const to = position.get(edge.to)!;
      const [x1, y1, x2, y2] = direction === "across" ? [from.x + nodeW, from.y + nodeH / 2, to.x, to.y + nodeH / 2] : [from.x + nodeW / 2, from.y + nodeH, to.x + nodeW / 2, to.y];
      const path =
        direction === "across"
          ? `M${x1},${y1} C${x1 + along / 2},${y1} ${x2 - along / 2},${y2} ${x2},${y2}`
          : `M${x1},${y1} C${x1},${y1 + along / 2} ${x2},${y2 - along / 2} ${x2},${y2}`;
      const royalty = formatPercent(BigInt(edge.royaltyBps), 10_000n, 0);
      const label =
        edge.royaltyBps === 0
          ? null
          : direction === "across"
            ? svg("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, "text-anchor": "middle", "font-size": DETAIL_PX }, royalty)
            : svg("text", { x: (x1 + x2) / 2 + 6, y: (y1 + y2) / 2 + 4, "font-size": DETAIL_PX }, royalty);
      return svg("g", { class: "edge" }, svg("path", { d: path, "marker-end": "url(#arrow)" }), label);
    }),
    ...[...position.entries()].map(([id, { x, y }]) => {
      const { title, details } = labels.get(id)!;
      const self = id === model.asset.assetId;
      return svg(
        "a",
        { href: `#/certificate?number=${id}`, class: self ? "node self" : "node", "aria-label": [title, ...details].join(" ") },
        svg("rect", { x, y, width: nodeW, height: nodeH, rx: 6 }),
        svg("text", { x: x + PAD_X, y: y + 20, class: "node-title", "font-size": TITLE_PX }, title),
        ...details.map((line, index) => svg("text", { x: x + PAD_X, y: y + 20 + (index + 1) * LINE_PX, class: "node-kind", "font-size": DETAIL_PX }, line)),
      );
    }),
  );
}

/** What the asset pays its parents, grant chain by grant chain: the root grant's royalty and each sub-licence royalty. */
function royaltiesView(asset: Asset): HTMLElement | null {
  const paying = asset.parents.filter((p) => p.royaltyBps > 0 || p.licensors.length > 0);
  if (paying.length === 0) return null;
  return h(
    "div",
    { class: "royalties", id: "royalties" },
    h("h4", {}, t("royalties")),
    h(
      "ul",
      {},
      ...paying.map((p) =>
        h(
          "li",
          {},
          t("royaltyToParent", { royalty: formatPercent(BigInt(p.royaltyBps), 10_000n), parent: p.assetId, grant: p.grantId }),
          p.licensors.length === 0
            ? null
            : h(
                "ul",
                {},
                ...p.licensors.map((l) =>
                  h("li", { class: "licensor" }, t("royaltyToLicensor", { label: t("licensorComponent", { grant: l.grantId }), royalty: formatPercent(BigInt(l.royaltyBps), 10_000n), grantor: l.grantor })),
                ),
              ),
        ),
      ),
    ),
    h("p", { class: "hint" }, t("royaltiesNote")),
  );
}
