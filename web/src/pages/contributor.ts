import {
  ApiError,
  getAll,
  getJson,
  getOptional,
  type Asset,
  type Contribution,
  type Dispute,
  type DisputeEscrow,
  type Grant,
  type Party,
  type PartySummary,
  type Receipt,
  type Settlement,
  type SettlementClaim,
  type SplitComponent,
  type SplitPreview,
} from "../api.js";
import { facts, h, hex, svg, table } from "../dom.js";
import { apportionPercents, formatAmount, formatPercent, formatTime } from "../format.js";
import { amountNote, escrowLeafItem, formatMoney, settlementToken, type SettlementToken } from "../money.js";
import { enumText, lang, t } from "../i18n.js";
import { fieldError, go, load, lookupForm, pageLink, routeParamError, type Page } from "./page.js";

/** Any amount works for the share: the page shows the exact fraction of it each account gets. */
const PREVIEW_AMOUNT = 1_000_000n;

let result: HTMLElement;
let form: HTMLFormElement;

export const contributorPage: Page = {
  mount(main) {
    const suggestions = h("datalist", { id: "known-parties" });
    form = lookupForm({
      id: "contributor-address",
      label: t("addressLabel"),
      hint: t("addressHint"),
      button: t("showButton"),
      value: "",
      pattern: "0x[0-9a-fA-F]{40}",
      list: "known-parties",
      onSubmit(value) {
        if (!/^0x[0-9a-fA-F]{40}$/.test(value)) return fieldError(form, "contributor-address", t("addressInvalid"));
        fieldError(form, "contributor-address", undefined);
        go("contributor", { address: value });
      },
    });
    result = h("section", { id: "contributor-result", "aria-live": "polite" });
    main.replaceChildren(h("h1", { tabindex: "-1" }, t("contribTitle")), h("p", { class: "intro" }, t("contribIntro")), form, suggestions, result);
    // Suggestions only: a failure here leaves a plain text field.
    void getAll<PartySummary>("/parties")
      .then((parties) => suggestions.replaceChildren(...parties.map((p) => h("option", { value: p.account }, enumText("partyKind", p.kind)))))
      .catch(() => {});
  },

  async update(params) {
    const address = params.get("address");
    fieldError(form, "contributor-address", undefined);
    if (address === null || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
      result.replaceChildren();
      // A link with a bad address says so; a link without one is just the empty form.
      if (address !== null) routeParamError(form, "contributor-address", "address", address, t("addressInvalid"));
      return;
    }
    form.querySelector<HTMLInputElement>("#contributor-address")!.value = address;
    await load(result, () => contributorView(address));
  },
};

interface ProductShare {
  productId: string;
  preview: SplitPreview | undefined;
  settlements: { settlement: Settlement; leaf: SettlementClaim | undefined }[];
}

/**
 * The products that pay this account a sub-licence royalty: derived under a chain of grants in which it
 * granted a sub-grant (royalties stack down a grant chain, each sub-grant's to its grantor).
 */
async function licensedProducts(account: string, grants: Grant[]): Promise<string[]> {
  const subGrantAssets = [...new Set(grants.filter((g) => g.grantor.toLowerCase() === account && g.parentId !== "0").map((g) => g.assetId))];
  const children = (await Promise.all(subGrantAssets.map((assetId) => getAll<Asset>(`/assets?parent=${assetId}`)))).flat();
  return children
    .filter((child) => child.parents.some((p) => p.licensors.some((licensor) => licensor.grantor.toLowerCase() === account)))
    .map((child) => child.assetId);
}

async function contributorView(address: string): Promise<Node[]> {
  const account = address.toLowerCase();
  const [token, party, contributions, disputes, grants, receipts] = await Promise.all([
    settlementToken(),
    getOptional<Party>(`/parties/${address}`),
    getAll<Contribution>(`/contributions?party=${address}`),
    getAll<Dispute>(`/disputes?party=${address}`),
    getAll<Grant>(`/grants?grantor=${address}`),
    getAll<Receipt>(`/parties/${address}/receipts`),
  ]);
  // The disputes on this account's records: open ones (the record names them) and ruled or lapsed ones
  // (the record no longer does; the dispute's subject is the record), whose escrow may have been released.
  const ownDisputes = new Map<string, Contribution>();
  const byId = new Map(contributions.map((c) => [c.contributionId, c]));
  for (const d of disputes) {
    const subject = d.kind === "CONTRIBUTION" ? byId.get(d.subjectId) : undefined;
    if (subject !== undefined && subject.productId === d.assetId) ownDisputes.set(d.disputeId, subject);
  }
  for (const c of contributions) if (c.disputeId !== null) ownDisputes.set(c.disputeId, c);
  const disputeById = new Map<string, Dispute>(disputes.map((d) => [d.disputeId, d]));
  await Promise.all(
    [...ownDisputes.keys()].filter((id) => !disputeById.has(id)).map(async (id) => disputeById.set(id, await getJson<Dispute>(`/disputes/${id}`))),
  );
  // Each dispute's escrow in every settlement (of its product, or of a product derived from it), held or released.
  const escrowOf = new Map<string, DisputeEscrow>(
    await Promise.all([...ownDisputes.keys()].map(async (id) => [id, await getJson<DisputeEscrow>(`/disputes/${id}/escrow`)] as const)),
  );

  const licensed = await licensedProducts(account, grants);
  const productIds = [...new Set([...contributions.map((c) => c.productId), ...licensed])].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const products: ProductShare[] = await Promise.all(
    productIds.map(async (productId) => {
      const [preview, settlements] = await Promise.all([previewOf(productId), getAll<Settlement>(`/settlements?product=${productId}`)]);
      return {
        productId,
        preview,
        settlements: await Promise.all(
          settlements.map(async (settlement) => ({
            settlement,
            leaf: await getOptional<SettlementClaim>(`/settlements/${settlement.epochId}/claims/${address}`),
          })),
        ),
      };
    }),
  );

  const locale = lang();
  const time = (seconds: string) => formatTime(seconds, locale);

  const nodes: Node[] = [
    h("h2", {}, hex(address, 40)),
    facts([
      [t("partyKind"), party === undefined ? t("notAParty") : enumText("partyKind", party.kind)],
      [t("roles"), party === undefined || party.roles.length === 0 ? t("none") : party.roles.join(", ")],
      [t("earned"), party === undefined ? "—" : formatMoney(party.earnings.earned, token)],
      [t("claimed"), party === undefined ? "—" : formatMoney(party.earnings.claimed, token)],
      [t("escrowReleasedToYou"), party === undefined ? "—" : formatMoney(party.earnings.escrowReleased, token)],
      [t("bondsWithdrawn"), party === undefined ? "—" : formatMoney(party.earnings.bondsWithdrawn, token)],
      [t("receivedTotal"), party === undefined ? "—" : h("strong", { id: "received-total", title: t("receivedHint") }, formatMoney(party.earnings.received, token))],
      ...(party !== undefined && party.bonds.owed !== "0"
        ? [[t("bondsOwed"), t("bondsOwedValue", { amount: formatMoney(party.bonds.owed, token) })] as [string, string]]
        : []),
      ...(party?.successor ? [[t("successor"), pageLink("contributor", { address: party.successor }, party.successor)] as [string, Node]] : []),
    ]),
    contributions.length === 0
      ? h("section", {}, h("h3", {}, t("contributions")), h("p", { class: "muted" }, t("noContributions")))
      : table(
          t("contributions"),
          [t("idColumn"), t("product"), t("stage"), t("role"), t("measure"), t("status"), t("evidence"), t("recorded")],
          contributions.map((c) => [
            c.contributionId,
            pageLink("certificate", { number: c.productId }, t("numbered", { n: c.productId })),
            enumText("stage", c.stage),
            enumText("role", c.role),
            formatAmount(c.measure),
            h("span", { class: `badge status-${c.status}` }, enumText("contributionStatus", c.status), c.disputeId === null ? "" : ` · ${t("disputeRef", { id: c.disputeId })}`),
            h("code", {}, c.evidenceURI),
            time(c.at.timestamp),
          ]),
        ),
  ];

  if (products.length > 0) {
    nodes.push(
      h(
        "section",
        { "aria-labelledby": "shares-heading" },
        h("h3", { id: "shares-heading" }, t("shares")),
        h("p", { class: "hint" }, t("sharesIntro")),
        ...products.map((p) => shareChart(p, account, ownDisputes)),
      ),
    );
  }

  const rows = products.flatMap((p) =>
    p.settlements.map(({ settlement: s, leaf }) => [
      t("numbered", { n: s.epochId }),
      pageLink("certificate", { number: s.productId }, t("numbered", { n: s.productId })),
      formatMoney(s.amount, token),
      enumText("settlementPhase", s.phase),
      time(s.challengeEndsAt),
      leaf === undefined ? t("noLeaf") : formatMoney(leaf.amount, token),
      leaf === undefined ? "—" : claimState(s, leaf, time),
      leaf === undefined ? "—" : proofOf(leaf),
    ]),
  );
  nodes.push(
    rows.length === 0
      ? h("section", {}, h("h3", {}, t("settlements")), h("p", { class: "muted" }, t("noSettlements")))
      : h(
          "div",
          {},
          table(t("settlements"), [t("epoch"), t("product"), t("amount"), t("status"), t("challengeEnds"), t("yourLeaf"), t("claimState"), t("proofColumn")], rows),
          h("p", { class: "hint" }, amountNote(token)),
        ),
  );

  nodes.push(receiptsTable(receipts, token, time));

  // Escrow is held until the court releases it, then shown as paid (to whom, how much, which transaction).
  const escrowLines: Node[] = [];
  for (const [disputeId, contribution] of ownDisputes) {
    const dispute = disputeById.get(disputeId);
    const status = enumText("disputeStatus", dispute?.status);
    const escrow = escrowOf.get(disputeId);
    const leaves = escrow?.leaves ?? [];
    if (leaves.length === 0) escrowLines.push(h("li", {}, t("escrowPreview", { id: disputeId, status, contribution: contribution.contributionId })));
    const vars = { id: disputeId, status, contribution: contribution.contributionId };
    const texts = { released: "escrowLineReleased", rejected: "escrowLineRejected", held: "escrowLine" } as const;
    for (const leaf of leaves) escrowLines.push(escrowLeafItem(leaf, token, time, texts, vars));
    if (escrow !== undefined && escrow.unverified.length > 0) escrowLines.push(h("li", { class: "muted" }, t("escrowUnverified", { epochs: escrow.unverified.join(", ") })));
  }
  nodes.push(
    h(
      "section",
      { id: "escrow", "aria-labelledby": "escrow-heading" },
      h("h3", { id: "escrow-heading" }, t("escrow")),
      escrowLines.length === 0 ? h("p", { class: "muted" }, t("noEscrow")) : h("ul", {}, ...escrowLines),
    ),
  );

  nodes.push(
    disputes.length === 0
      ? h("section", {}, h("h3", {}, t("disputes")), h("p", { class: "muted" }, t("noDisputes")))
      : table(
          t("disputes"),
          [t("idColumn"), t("disputeKindColumn"), t("subject"), t("claimant"), t("respondent"), t("status"), t("rulingDeadline")],
          disputes.map((d) => [
            pageLink("arbitrator", { asset: d.assetId }, t("numbered", { n: d.disputeId })),
            enumText("disputeKind", d.kind),
            `${enumText("disputeKind", d.kind)} ${t("numbered", { n: d.subjectId })} · ${t("product")} ${t("numbered", { n: d.assetId })}`,
            hex(d.claimant, 8),
            /^0x0{40}$/.test(d.respondent) ? "—" : hex(d.respondent, 8),
            enumText("disputeStatus", d.status),
            time(d.rulingDeadline),
          ]),
        ),
  );
  return nodes;
}

/** Every amount the vault and the court paid to this address, with its source: what its token balance gained from them. */
function receiptsTable(receipts: Receipt[], token: SettlementToken | null, time: (seconds: string) => string): HTMLElement {
  if (receipts.length === 0) return h("section", { id: "receipts" }, h("h3", {}, t("receipts")), h("p", { class: "muted" }, t("noReceipts")));
  const paidFor = (r: Receipt) =>
    r.source === "CLAIM"
      ? t("receiptClaim", { epoch: r.epochId ?? "", index: r.index ?? "", account: r.account })
      : r.source === "ESCROW_RELEASE"
        ? t("receiptEscrow", { dispute: r.disputeId ?? "", epoch: r.epochId ?? "" })
        : t("receiptBonds", { account: r.account });
  return h(
    "div",
    { id: "receipts" },
    table(
      t("receipts"),
      [t("source"), t("amount"), t("paidFor"), t("transaction"), t("time")],
      receipts.map((r) => [enumText("receiptSource", r.source), formatMoney(r.amount, token), paidFor(r), h("span", {}, hex(r.at.tx, 10), ` · ${r.at.block}`), time(r.at.timestamp)]),
    ),
    h("p", { class: "hint" }, t("receivedHint")),
  );
}

async function previewOf(productId: string): Promise<SplitPreview | undefined> {
  try {
    // One page of 500 accounts: the share chart groups everyone but this account and its escrow anyway.
    return await getJson<SplitPreview>(`/products/${productId}/split?amount=${PREVIEW_AMOUNT}&limit=500`);
  } catch (error) {
    // 422: no split policy yet — the product's revenue cannot be split, which the page says.
    if (error instanceof ApiError && error.status === 422) return undefined;
    throw error;
  }
}

/** Whether a leaf is claimed, claimable, or not yet: by the settlement's phase at the indexed chain time (not this browser's clock). */
function claimState(s: Settlement, leaf: SettlementClaim, time: (seconds: string) => string): Node | string {
  if (leaf.claimed !== null) {
    return h("span", { class: "badge ok", title: t("claimedTo", { recipient: leaf.claimed.recipient }) }, t("claimedBy", { date: time(leaf.claimed.at.timestamp) }));
  }
  if (s.phase === "IN_CHALLENGE") return t("claimableAfter", { date: time(s.challengeEndsAt) });
  if (s.phase !== "FINAL") return t("notClaimable", { status: enumText("settlementPhase", s.phase) });
  return h("strong", { class: "badge claimable" }, t("claimable"));
}

function proofOf(leaf: SettlementClaim): HTMLElement {
  return h(
    "details",
    { class: "proof" },
    h("summary", {}, t("proof", { index: leaf.index })),
    leaf.proof.length === 0 ? h("p", {}, t("proofEmpty")) : h("ol", {}, ...leaf.proof.map((node) => h("li", {}, h("code", { class: "hex-full" }, node)))),
  );
}

/** The product's split as one 100% bar: this account, the escrow of its disputed records, everyone else. */
function shareChart(product: ProductShare, account: string, ownDisputes: Map<string, Contribution>): HTMLElement {
  const heading = t("shareOfProduct", { product: product.productId });
  if (product.preview === undefined) return h("div", { class: "share" }, h("h4", {}, heading), h("p", { class: "muted" }, t("noPolicy", { product: product.productId })));
  const total = BigInt(product.preview.amount);
  // Each entry's exact share of `total` as numerator / denominator; summed per segment as fractions.
  type Fraction = { n: bigint; d: bigint };
  const add = (a: Fraction, b: Fraction): Fraction => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
  const segments: { key: string; label: string; share: Fraction; className: string }[] = [];
  let mine: Fraction = { n: 0n, d: 1n };
  const escrows = new Map<string, Fraction>();
  for (const entry of product.preview.entries) {
    const exact = { n: BigInt(entry.exact.numerator), d: BigInt(entry.exact.denominator) * total };
    if (entry.account.toLowerCase() === account) mine = add(mine, exact);
    else if (entry.escrowFor !== null && ownDisputes.has(entry.escrowFor)) escrows.set(entry.escrowFor, add(escrows.get(entry.escrowFor) ?? { n: 0n, d: 1n }, exact));
  }
  // Everyone else is the rest of the whole, whether or not the preview's page listed every account.
  const listed = [...escrows.values()].reduce(add, mine);
  const others: Fraction = { n: listed.d - listed.n, d: listed.d };
  segments.push({ key: "mine", label: t("yourShare"), share: mine, className: "seg-mine" });
  for (const [id, share] of escrows) segments.push({ key: `escrow-${id}`, label: t("inEscrow", { id }), share, className: "seg-escrow" });
  segments.push({ key: "others", label: t("others"), share: others, className: "seg-others" });

  const WIDTH = 560;
  const BAR = 28;
  let x = 0;
  // Shown to 0.01 % and adding up to exactly 100 %, as the bar does.
  const shown = apportionPercents(segments.map((s) => ({ numerator: s.share.n, denominator: s.share.d })));
  const myShare = shown[0]!;
  const titleId = `share-title-${product.productId}`;
  const descId = `share-desc-${product.productId}`;
  const legend = segments.map((s, i) => `${s.label} ${shown[i]}`).join("; ");
  const chart = svg(
    "svg",
    { class: "share-chart", role: "img", "aria-labelledby": `${titleId} ${descId}`, viewBox: `0 0 ${WIDTH} ${BAR}`, preserveAspectRatio: "none", "data-product": product.productId },
    svg("title", { id: titleId }, t("shareChartTitle", { product: product.productId, share: myShare })),
    svg("desc", { id: descId }, legend),
    svg("defs", {}, svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, svg("rect", { width: 6, height: 6, class: "hatch-bg" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "hatch-line" }))),
    ...segments.map((s) => {
      // Pixel widths only: the shares themselves are shown as exact percentages in the legend.
      const width = s.share.d === 0n ? 0 : Number((s.share.n * BigInt(WIDTH) * 1000n) / s.share.d) / 1000;
      const rect = svg("rect", { x, y: 0, width, height: BAR, class: s.className, "data-segment": s.key });
      x += width;
      return rect;
    }),
  );
  const own = product.preview.entries.find((entry) => entry.account.toLowerCase() === account);
  return h(
    "figure",
    { class: "share" },
    h("figcaption", {}, h("strong", {}, heading), " — ", t("shareLegend", { label: t("yourShare"), share: myShare })),
    chart,
    h("ul", { class: "legend" }, ...segments.map((s, i) => h("li", {}, h("span", { class: `swatch ${s.className}`, "aria-hidden": "true" }), t("shareLegend", { label: s.label, share: shown[i]! })))),
    own === undefined || own.components.length === 0
      ? null
      : h(
          "details",
          { class: "share-why", "data-product": product.productId },
          h("summary", {}, t("shareWhy", { product: product.productId })),
          h(
            "ul",
            {},
            ...own.components.map((component) =>
              h("li", { "data-kind": component.kind }, t("shareLegend", { label: componentLabel(component), share: formatPercent(BigInt(component.share.numerator), BigInt(component.share.denominator) * total) })),
            ),
          ),
        ),
  );
}

const STAGES = ["COLLECTION", "PROCESSING", "CIRCULATION", "APPLICATION"] as const;

/** One reason of a split entry, in words: the holder's remainder, contributions, escrow, a sub-licence royalty. */
function componentLabel(component: SplitComponent): string {
  const label =
    component.kind === "holder"
      ? t("holderComponent")
      : component.kind === "contribution"
        ? t("contributionComponent", { stage: enumText("stage", STAGES[component.stage]), ids: component.contributionIds.join(", ") })
        : component.kind === "escrow"
          ? t("escrowComponent", { id: component.disputeId })
          : t("licensorComponent", { grant: component.grantId });
  // A part of a royalty: the split of a parent (the path's last asset) gave it.
  const parent = component.path.length > 1 ? component.path[component.path.length - 1] : undefined;
  return parent === undefined ? label : `${label}, ${t("viaParent", { parent })}`;
}
