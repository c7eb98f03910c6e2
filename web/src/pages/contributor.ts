import { escrowAccount } from "../../../ledger/split/escrow.js";
import {
  ApiError,
  getAll,
  getJson,
  getOptional,
  type Asset,
  type Contribution,
  type Dispute,
  type Grant,
  type Party,
  type PartySummary,
  type Settlement,
  type SettlementClaim,
  type SplitComponent,
  type SplitPreview,
} from "../api.js";
import { facts, h, hex, svg, table } from "../dom.js";
import { formatAmount, formatPercent, formatTime } from "../format.js";
import { amountNote, formatMoney, settlementToken } from "../money.js";
import { enumText, lang, t } from "../i18n.js";
import { fieldError, go, load, lookupForm, pageLink, type Page } from "./page.js";

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
    if (address === null || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
      result.replaceChildren();
      return;
    }
    form.querySelector<HTMLInputElement>("#contributor-address")!.value = address;
    await load(result, () => contributorView(address));
  },
};

interface ProductShare {
  productId: string;
  preview: SplitPreview | undefined;
  settlements: { settlement: Settlement; leaf: SettlementClaim | undefined; escrow: { disputeId: string; leaf: SettlementClaim }[] }[];
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
  const [token, party, contributions, disputes, grants] = await Promise.all([
    settlementToken(),
    getOptional<Party>(`/parties/${address}`),
    getAll<Contribution>(`/contributions?party=${address}`),
    getAll<Dispute>(`/disputes?party=${address}`),
    getAll<Grant>(`/grants?grantor=${address}`),
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

  const licensed = await licensedProducts(account, grants);
  const productIds = [...new Set([...contributions.map((c) => c.productId), ...licensed])].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const products: ProductShare[] = await Promise.all(
    productIds.map(async (productId) => {
      const [preview, settlements] = await Promise.all([previewOf(productId), getAll<Settlement>(`/settlements?product=${productId}`)]);
      const disputesHere = [...ownDisputes.entries()].filter(([, c]) => c.productId === productId).map(([id]) => id);
      return {
        productId,
        preview,
        settlements: await Promise.all(
          settlements.map(async (settlement) => {
            const claims = (who: string) => getOptional<SettlementClaim>(`/settlements/${settlement.epochId}/claims/${who}`);
            const escrow = await Promise.all(disputesHere.map(async (disputeId) => ({ disputeId, leaf: await claims(escrowAccount(BigInt(disputeId))) })));
            return {
              settlement,
              leaf: await claims(address),
              escrow: escrow.filter((e): e is { disputeId: string; leaf: SettlementClaim } => e.leaf !== undefined),
            };
          }),
        ),
      };
    }),
  );

  const locale = lang();
  const time = (seconds: string) => formatTime(seconds, locale);
  // The chain's clock may run ahead of this browser's (the demo moves it): the latest recorded time is a
  // lower bound of the chain's now.
  const seen = [...contributions.map((c) => c.at.timestamp), ...products.flatMap((p) => p.settlements.map((s) => s.settlement.at.timestamp))];
  const chainNow = seen.reduce((max, ts) => (BigInt(ts) > max ? BigInt(ts) : max), BigInt(Math.floor(Date.now() / 1000)));

  const nodes: Node[] = [
    h("h2", {}, hex(address, 40)),
    facts([
      [t("partyKind"), party === undefined ? t("notAParty") : enumText("partyKind", party.kind)],
      [t("roles"), party === undefined || party.roles.length === 0 ? t("none") : party.roles.join(", ")],
      [t("earned"), party === undefined ? "—" : formatMoney(party.earnings.earned, token)],
      [t("claimed"), party === undefined ? "—" : formatMoney(party.earnings.claimed, token)],
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
      enumText("settlementStatus", s.status),
      time(s.challengeEndsAt),
      leaf === undefined ? t("noLeaf") : formatMoney(leaf.amount, token),
      leaf === undefined ? "—" : claimState(s, leaf, chainNow, time),
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

  const escrowLines: Node[] = [];
  for (const [disputeId, contribution] of ownDisputes) {
    const dispute = disputeById.get(disputeId);
    const status = enumText("disputeStatus", dispute?.status);
    const held = products.flatMap((p) => p.settlements.flatMap((s) => s.escrow.filter((e) => e.disputeId === disputeId).map((e) => ({ epoch: s.settlement.epochId, leaf: e.leaf }))));
    if (held.length === 0) escrowLines.push(h("li", {}, t("escrowPreview", { id: disputeId, status, contribution: contribution.contributionId })));
    for (const { epoch, leaf } of held) {
      const vars = { id: disputeId, status, amount: formatMoney(leaf.amount, token), epoch, contribution: contribution.contributionId };
      if (leaf.released === null) {
        escrowLines.push(h("li", {}, t("escrowLine", vars)));
        continue;
      }
      const { recipient, paid, returned, at } = leaf.released;
      const outcome = [
        recipient === null || paid === "0" ? t("escrowNothingPaid") : t("escrowPaidTo", { paid: formatMoney(paid, token), recipient }),
        ...(returned === "0" ? [] : [t("escrowReturned", { returned: formatMoney(returned, token) })]),
      ].join(t("clauseSeparator"));
      escrowLines.push(h("li", { class: "escrow-released" }, t("escrowLineReleased", { ...vars, date: time(at.timestamp), outcome })));
    }
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
          [t("idColumn"), t("kind"), t("subject"), t("claimant"), t("respondent"), t("status"), t("rulingDeadline")],
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

function claimState(s: Settlement, leaf: SettlementClaim, chainNow: bigint, time: (seconds: string) => string): Node | string {
  if (leaf.claimed !== null) {
    return h("span", { class: "badge ok", title: t("claimedTo", { recipient: leaf.claimed.recipient }) }, t("claimedBy", { date: time(leaf.claimed.at.timestamp) }));
  }
  if (s.status !== "POSTED") return t("notClaimable", { status: enumText("settlementStatus", s.status) });
  if (BigInt(s.challengeEndsAt) > chainNow) return t("claimableAfter", { date: time(s.challengeEndsAt) });
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
  let others: Fraction = { n: 0n, d: 1n };
  for (const entry of product.preview.entries) {
    const exact = { n: BigInt(entry.exact.numerator), d: BigInt(entry.exact.denominator) * total };
    if (entry.account.toLowerCase() === account) mine = add(mine, exact);
    else if (entry.escrowFor !== null && ownDisputes.has(entry.escrowFor)) escrows.set(entry.escrowFor, add(escrows.get(entry.escrowFor) ?? { n: 0n, d: 1n }, exact));
    else others = add(others, exact);
  }
  segments.push({ key: "mine", label: t("yourShare"), share: mine, className: "seg-mine" });
  for (const [id, share] of escrows) segments.push({ key: `escrow-${id}`, label: t("inEscrow", { id }), share, className: "seg-escrow" });
  segments.push({ key: "others", label: t("others"), share: others, className: "seg-others" });

  const WIDTH = 560;
  const BAR = 28;
  let x = 0;
  const myShare = formatPercent(mine.n, mine.d);
  const titleId = `share-title-${product.productId}`;
  const descId = `share-desc-${product.productId}`;
  const legend = segments.map((s) => `${s.label} ${formatPercent(s.share.n, s.share.d)}`).join("; ");
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
    h("ul", { class: "legend" }, ...segments.map((s) => h("li", {}, h("span", { class: `swatch ${s.className}`, "aria-hidden": "true" }), t("shareLegend", { label: s.label, share: formatPercent(s.share.n, s.share.d) })))),
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
