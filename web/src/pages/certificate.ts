import { keccak256 } from "viem";

import { getAll, getJson, getOptional, type Asset, type Certificate, type EvidenceChain, type Grant, type Lineage, type LineageNode, type Objection, type Review } from "../api.js";
import { facts, h, hex, svg, table } from "../dom.js";
import { formatPercent, formatTime, groupDigits } from "../format.js";
import { enumText, lang, t } from "../i18n.js";
import { fieldError, go, load, lookupForm, pageLink, type Page } from "./page.js";

/**
 * Certificate check: by registration number, or by a data file hashed in the browser with the ledger's
 * fingerprint function, keccak256 of the file's bytes (as `scripts/demo/seed.ts` and the CLI hash data).
 */

const ZERO_HASH = `0x${"00".repeat(32)}`;
let result: HTMLElement;
let form: HTMLFormElement;
let fileStatus: HTMLElement;
/** The file last hashed here, to name it beside its fingerprint (the route carries only the hash). */
let lastFile: { name: string; size: number; fingerprint: string } | undefined;

async function fingerprintOf(file: File): Promise<void> {
  fileStatus.textContent = t("hashing", { name: file.name });
  const fingerprint = keccak256(new Uint8Array(await file.arrayBuffer()));
  lastFile = { name: file.name, size: file.size, fingerprint };
  fileStatus.textContent = "";
  go("certificate", { fingerprint });
}

function dropZone(): HTMLElement {
  // The browser's own file button speaks the browser's language, not the page's: the input is hidden
  // (still focusable and labelled) behind a button-like label in the page's language.
  const input = h("input", { id: "fingerprint-file", type: "file", class: "visually-hidden", "aria-describedby": "fingerprint-file-hint" });
  const chosen = h("span", { class: "muted", id: "fingerprint-file-chosen" }, t("noFileChosen"));
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    chosen.textContent = file?.name ?? t("noFileChosen");
    if (file !== undefined) void fingerprintOf(file);
  });
  fileStatus = h("p", { class: "muted", role: "status" });
  const zone = h(
    "div",
    { class: "dropzone", id: "dropzone" },
    h("label", { for: "fingerprint-file" }, t("fileLabel")),
    h("div", { class: "file-picker" }, input, h("label", { for: "fingerprint-file", class: "button", "aria-hidden": "true" }, t("chooseFile")), chosen),
    h("p", { id: "fingerprint-file-hint", class: "hint" }, t("fileHint")),
    h("p", { class: "drop-target", "aria-hidden": "true" }, t("dropHere")),
    fileStatus,
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
    if (file !== undefined) void fingerprintOf(file);
  });
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
        if (!/^[0-9]{1,78}$/.test(value)) return fieldError(form, "registration-number", t("numberInvalid"));
        fieldError(form, "registration-number", undefined);
        go("certificate", { number: value.replace(/^0+(?=\d)/, "") });
      },
    });
    result = h("section", { id: "certificate-result", "aria-live": "polite" });
    main.replaceChildren(
      h("h1", { tabindex: "-1" }, t("certTitle")),
      h("p", { class: "intro" }, t("certIntro")),
      h("div", { class: "lookups" }, form, dropZone()),
      result,
    );
  },

  async update(params) {
    const number = params.get("number");
    const fingerprint = params.get("fingerprint");
    if (number !== null && /^[0-9]{1,78}$/.test(number)) {
      form.querySelector<HTMLInputElement>("#registration-number")!.value = number;
      await load(result, () => certificateView(number));
    } else if (fingerprint !== null && /^0x[0-9a-fA-F]{64}$/.test(fingerprint)) {
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

async function certificateView(id: string): Promise<Node[]> {
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

  return [
    h(
      "article",
      { class: "certificate", "aria-labelledby": "certificate-heading" },
      h("h2", { id: "certificate-heading" }, t("certHeading", { number: certificate.registrationNumber })),
      h("p", { class: `status status-${asset.status}` }, status),
      facts([
        [t("holder"), h("span", {}, hex(certificate.holder, 8), " ", pageLink("contributor", { address: certificate.holder }, t("holderLink")))],
        [t("kind"), enumText("kind", certificate.kind)],
        [t("category"), enumText("category", certificate.category)],
        [t("classification"), enumText("classification", certificate.classification)],
        [t("fingerprint"), h("code", { class: "hex-full" }, certificate.fingerprint)],
        [t("objections"), asset.openObjections > 0 ? t("openObjections", { count: asset.openObjections }) : t("none")],
        [t("pledge"), asset.pledge === null ? t("notPledged") : h("span", {}, t("pledgedTo"), " ", hex(asset.pledge.pledgee, 8))],
        [
          t("issued"),
          certificate.issued === null
            ? t("notIssued")
            : h("span", {}, `${time(certificate.issued.timestamp)} · ${t("block")} ${groupDigits(certificate.issued.block)} · ${t("transaction")} `, hex(certificate.issued.transaction)),
        ],
        [t("registry"), h("span", {}, hex(certificate.registry, 8), ` (${t("chain")} ${certificate.chainId})`)],
        [t("evidenceHead"), h("span", {}, `${certificate.evidenceHead.seq} · `, hex(certificate.evidenceHead.head)), ],
        [t("cardUri"), h("span", {}, `${t("version")} ${card.version} · `, h("code", {}, card.cardURI))],
      ]),
      h("div", { class: "verify" }, verifyButton, verifyStatus, " ", pageLink("arbitrator", { asset: id }, t("timelineLink"))),
    ),
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
    table(
      t("cardVersions"),
      [t("version"), t("cardHash"), t("cardUri"), t("recorded")],
      asset.cards.map((c) => [c.version, hex(c.cardHash), h("code", {}, c.cardURI), time(c.at.timestamp)]),
    ),
    reviews.length === 0
      ? h("section", {}, h("h3", {}, t("reviews")), h("p", { class: "muted" }, t("none")))
      : table(
          t("reviews"),
          [t("idColumn"), t("kind"), t("reviewer"), t("report"), t("recorded")],
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

/** Parents (recursively, to the left) and derived products (to the right) of an asset, as an SVG graph. */
async function lineageView(asset: Asset, lineage: Lineage, children: Asset[]): Promise<HTMLElement> {
  const column = new Map<string, number>([[asset.assetId, 0]]);
  const edges: { from: string; to: string; royaltyBps: number }[] = [];
  const walk = (child: string, parents: LineageNode[] | null, depth: number) => {
    for (const parent of parents ?? []) {
      column.set(parent.assetId, Math.min(column.get(parent.assetId) ?? 0, -depth));
      edges.push({ from: parent.assetId, to: child, royaltyBps: stacked(parent) });
      walk(parent.assetId, parent.parents, depth + 1);
    }
  };
  walk(asset.assetId, lineage.parents, 1);
  for (const child of children) {
    if (!column.has(child.assetId)) column.set(child.assetId, 1);
    const link = child.parents.find((p) => p.assetId === asset.assetId);
    edges.push({ from: asset.assetId, to: child.assetId, royaltyBps: link === undefined ? 0 : stacked(link) });
  }
  const known = new Map<string, Asset>([[asset.assetId, asset], ...children.map((child) => [child.assetId, child] as [string, Asset])]);
  await Promise.all(
    [...column.keys()].filter((id) => !known.has(id)).map(async (id) => {
      const node = await getOptional<Asset>(`/assets/${id}`);
      if (node !== undefined) known.set(id, node);
    }),
  );

  const NODE_W = 168;
  const NODE_H = 48;
  const GAP_X = 84;
  const GAP_Y = 20;
  const columns = [...new Set(column.values())].sort((a, b) => a - b);
  const rows = new Map<number, string[]>();
  for (const [id, col] of [...column.entries()].sort((a, b) => Number(BigInt(a[0]) - BigInt(b[0])))) rows.set(col, [...(rows.get(col) ?? []), id]);
  const tallest = Math.max(...[...rows.values()].map((ids) => ids.length));
  const height = tallest * NODE_H + (tallest - 1) * GAP_Y + 16;
  const width = columns.length * NODE_W + (columns.length - 1) * GAP_X + 16;
  const position = new Map<string, { x: number; y: number }>();
  for (const [index, col] of columns.entries()) {
    const ids = rows.get(col)!;
    const top = (height - (ids.length * NODE_H + (ids.length - 1) * GAP_Y)) / 2;
    for (const [row, id] of ids.entries()) position.set(id, { x: 8 + index * (NODE_W + GAP_X), y: top + row * (NODE_H + GAP_Y) });
  }

  const parentCount = lineage.parents.length;
  const description = t("lineageDesc", { number: asset.assetId, parents: parentCount, children: children.length });
  const graph = svg(
    "svg",
    { class: "lineage", role: "group", "aria-labelledby": "lineage-title lineage-desc", viewBox: `0 0 ${width} ${height}`, width, height },
    svg("title", { id: "lineage-title" }, t("lineage")),
    svg("desc", { id: "lineage-desc" }, description),
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "8", markerHeight: "8", orient: "auto" }, svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }))),
    ...edges.map((edge) => {
      const from = position.get(edge.from)!;
      const to = position.get(edge.to)!;
      const x1 = from.x + NODE_W;
      const y1 = from.y + NODE_H / 2;
      const x2 = to.x;
      const y2 = to.y + NODE_H / 2;
      return svg(
        "g",
        { class: "edge" },
        svg("path", { d: `M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2},${y2}`, "marker-end": "url(#arrow)" }),
        edge.royaltyBps > 0 ? svg("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, "text-anchor": "middle" }, formatPercent(BigInt(edge.royaltyBps), 10_000n, 0)) : null,
      );
    }),
    ...[...position.entries()].map(([id, { x, y }]) => {
      const node = known.get(id);
      const kind = node === undefined ? "" : enumText("kind", node.kind);
      const self = id === asset.assetId;
      return svg(
        "a",
        { href: `#/certificate?number=${id}`, class: self ? "node self" : "node", "aria-label": `${t("numbered", { n: id })} ${kind}` },
        svg("rect", { x, y, width: NODE_W, height: NODE_H, rx: 6 }),
        svg("text", { x: x + 10, y: y + 20, class: "node-title" }, t("numbered", { n: id })),
        svg("text", { x: x + 10, y: y + 38, class: "node-kind" }, node === undefined ? "" : `${kind} · ${enumText("status", node.status)}`),
      );
    }),
  );
  const list = (ids: string[]) =>
    ids.length === 0 ? t("none") : h("span", {}, ...ids.flatMap((id, i) => [i > 0 ? ", " : "", pageLink("certificate", { number: id }, t("numbered", { n: id }))]));
  return h(
    "section",
    { class: "lineage-section", "aria-labelledby": "lineage-heading" },
    h("h3", { id: "lineage-heading" }, t("lineage")),
    h("div", { class: "graph-wrap" }, graph),
    facts([
      [t("lineageParents"), list(lineage.parents.map((p) => p.assetId))],
      [t("lineageChildren"), list(children.map((c) => c.assetId))],
    ]),
    royaltiesView(asset),
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
