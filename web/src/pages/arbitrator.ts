import { getAll, getJson, getOptional, type Asset, type Dispute, type DisputeEscrow, type EscrowLeaf, type EvidenceChain, type EvidenceEntry } from "../api.js";
import { facts, h, hex, table } from "../dom.js";
import { formatAmount, formatTime } from "../format.js";
import { escrowLeafItem, formatMoney, settlementToken, transactionRef } from "../money.js";
import { enumText, lang, t } from "../i18n.js";
import { fieldError, go, load, lookupForm, pageLink, routeParamError, type Page } from "./page.js";

let result: HTMLElement;
let form: HTMLFormElement;

export const arbitratorPage: Page = {
  mount(main) {
    form = lookupForm({
      id: "arbitrator-asset",
      label: t("assetLabel"),
      hint: t("lookupNumberHint"),
      button: t("openButton"),
      value: "",
      pattern: "[0-9]+",
      inputmode: "numeric",
      onSubmit(value) {
        if (!/^[0-9]{1,78}$/.test(value)) return fieldError(form, "arbitrator-asset", t("numberInvalid"));
        fieldError(form, "arbitrator-asset", undefined);
        go("arbitrator", { asset: value.replace(/^0+(?=\d)/, "") });
      },
    });
    result = h("section", { id: "arbitrator-result", "aria-live": "polite" });
    main.replaceChildren(h("h1", { tabindex: "-1" }, t("arbTitle")), h("p", { class: "intro" }, t("arbIntro")), form, result);
  },

  async update(params) {
    const asset = params.get("asset");
    fieldError(form, "arbitrator-asset", undefined);
    if (asset === null || !/^[0-9]{1,78}$/.test(asset)) {
      result.replaceChildren();
      // A link with a bad number says so; a link without one is just the empty form.
      if (asset !== null) routeParamError(form, "arbitrator-asset", "asset", asset, t("numberInvalid"));
      return;
    }
    form.querySelector<HTMLInputElement>("#arbitrator-asset")!.value = asset;
    await load(result, () => arbitratorView(asset));
  },
};

/** The whole chain: the API verifies it all on every page; the entries come 500 at a time. */
async function evidenceOf(assetId: string): Promise<{ verification: EvidenceChain["verification"]; entries: EvidenceEntry[] }> {
  const first = await getJson<EvidenceChain>(`/assets/${assetId}/evidence?limit=500`);
  const entries = [...first.items];
  let next = first.next;
  while (next !== null) {
    const page: EvidenceChain = await getJson<EvidenceChain>(`/assets/${assetId}/evidence?limit=500&cursor=${encodeURIComponent(next)}`);
    entries.push(...page.items);
    next = page.next;
  }
  return { verification: first.verification, entries };
}

async function arbitratorView(assetId: string): Promise<Node[]> {
  const asset = await getOptional<Asset>(`/assets/${assetId}`);
  if (asset === undefined) return [h("p", { class: "verdict bad" }, t("notFoundNumber", { number: assetId }))];
  const [evidence, disputes] = await Promise.all([evidenceOf(assetId), getAll<Dispute>(`/disputes?asset=${assetId}`)]);
  const locale = lang();
  const time = (seconds: string) => formatTime(seconds, locale);

  const verificationBox = h("div", { id: "replay", class: "replay" }, ...verificationNodes(evidence.verification));
  const again = h("button", { type: "button", id: "replay-again" }, t("replayAgain"));
  again.addEventListener("click", () => {
    again.disabled = true;
    void load(verificationBox, async () => verificationNodes((await getJson<EvidenceChain>(`/assets/${assetId}/evidence?limit=1`)).verification)).finally(
      () => (again.disabled = false),
    );
  });

  const timeline = h(
    "ol",
    { class: "timeline", id: "timeline", "aria-label": t("timeline") },
    ...evidence.entries.map((entry) =>
      h(
        "li",
        { class: "timeline-entry" },
        h("span", { class: "seq", "aria-label": `${t("seq")} ${entry.seq}` }, String(entry.seq)),
        h(
          "div",
          { class: "entry-body" },
          h("p", { class: "entry-title" }, h("strong", {}, entry.eventName === null ? entry.kind : enumText("event", entry.eventName)), entry.eventName === null ? null : h("span", { class: "muted" }, ` ${entry.eventName}`)),
          facts([
            [t("actor"), pageLink("contributor", { address: entry.actor }, entry.actor)],
            [t("time"), time(entry.timestamp)],
            [t("transaction"), h("span", {}, hex(entry.at.tx, 10), ` · ${entry.at.block}`)],
            [t("head"), hex(entry.head, 10)],
          ], "inline"),
        ),
      ),
    ),
  );

  const disputeViews = await Promise.all(disputes.map((d) => disputeView(d, time)));
  return [
    h("h2", {}, t("certHeading", { number: assetId }), " ", h("span", { class: `badge status-${asset.status}` }, enumText("status", asset.status))),
    h("p", {}, pageLink("certificate", { number: assetId }, t("certificateLink"))),
    h("section", { "aria-labelledby": "replay-heading" }, h("h3", { id: "replay-heading" }, t("replay")), verificationBox, again),
    h("section", { "aria-labelledby": "timeline-heading" }, h("h3", { id: "timeline-heading" }, t("timeline")), timeline),
    h(
      "section",
      { "aria-labelledby": "disputes-heading", id: "disputes" },
      h("h3", { id: "disputes-heading" }, t("openDisputes")),
      disputes.length === 0 ? h("p", { class: "muted" }, t("noDisputes")) : h("div", {}, ...disputeViews),
    ),
  ];
}

function verificationNodes(v: EvidenceChain["verification"]): Node[] {
  return [
    h(
      "p",
      { class: v.verified ? "verdict ok" : "verdict bad", id: "replay-verdict", role: "status" },
      v.verified ? t("verified", { length: v.length, head: v.head }) : t("notVerified", { count: v.problems.length }),
    ),
    facts([
      [t("length"), String(v.length)],
      [t("genesis"), h("code", { class: "hex-full" }, v.genesis)],
      [t("recomputedHead"), h("code", { class: "hex-full" }, v.head)],
      [t("recordedHead"), h("span", {}, `${v.recordedHead.seq} · `, h("code", { class: "hex-full" }, v.recordedHead.head))],
      [t("problems"), v.problems.length === 0 ? t("none") : h("ul", {}, ...v.problems.map((p) => h("li", {}, h("code", {}, JSON.stringify(p)))))],
    ]),
  ];
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

async function disputeView(dispute: Dispute, time: (s: string) => string): Promise<HTMLElement> {
  const token = await settlementToken();
  const money = (amount: string) => formatMoney(amount, token);
  const party = (address: string) => pageLink("contributor", { address }, address);
  // Only a contribution dispute holds escrow: the disputed record's share, paid to the dispute's escrow leaf
  // in every settlement while it is open (of its product or of one derived from it), held until the court
  // releases it as the outcome says.
  const contribution = dispute.kind === "CONTRIBUTION";
  const escrow = contribution ? await getJson<DisputeEscrow>(`/disputes/${dispute.disputeId}/escrow`) : undefined;
  const escrowLine = (leaf: EscrowLeaf) =>
    escrowLeafItem(leaf, token, time, { released: "escrowReleased", rejected: "escrowRejectedIn", held: "escrowHeldIn" });
  const ruling = dispute.ruling;
  const rulingFacts: [string, Node | string][] =
    ruling === null
      ? []
      : [
          [t("ruledBy"), ruling.arbitrator === null ? t("lapsedNoRuling") : party(ruling.arbitrator)],
          [t("ruledAt"), h("span", {}, time(ruling.at.timestamp), " ", transactionRef(ruling.at.tx, ruling.at.block))],
          // The measure is in the product's own unit, as the contribution recorded it.
          ...(dispute.remedy === "ADJUST_CONTRIBUTION" ? [[t("adjustedMeasure"), formatAmount(ruling.adjustedMeasure)] as [string, string]] : []),
          ...(ruling.transferTo === null ? [] : [[t("transferTo"), party(ruling.transferTo)] as [string, Node]]),
          ...(ruling.arbitrator === null
            ? []
            : [[t("rulingDocument"), h("span", { class: "ruling-document" }, ruling.rulingURI === "" ? null : h("code", {}, ruling.rulingURI), " ", hex(ruling.rulingHash))] as [string, Node]]),
        ];
  const credit = dispute.bondCredit;
  const bondOutcome =
    credit === null
      ? dispute.status === "OPEN"
        ? t("bondHeldByCourt")
        : dispute.ruling?.bondForfeited === true && dispute.respondent === ZERO_ADDRESS
          ? t("bondToRevenue", { amount: money(dispute.bond) })
          : t("none")
      : dispute.ruling?.bondForfeited === true
        ? t("bondForfeited", { amount: money(credit.amount), account: credit.account })
        : t("bondReturned", { amount: money(credit.amount), account: credit.account });
  return h(
    "article",
    { class: "dispute", "aria-labelledby": `dispute-${dispute.disputeId}` },
    h("h4", { id: `dispute-${dispute.disputeId}` }, `${t("dispute")} ${t("numbered", { n: dispute.disputeId })} · ${enumText("disputeKind", dispute.kind)} · ${enumText("disputeStatus", dispute.status)}`),
    facts([
      [t("subject"), `${enumText("disputeKind", dispute.kind)} ${t("numbered", { n: dispute.subjectId })}`],
      [t("claimant"), party(dispute.claimant)],
      [t("respondent"), dispute.respondent === ZERO_ADDRESS ? t("noRespondent") : party(dispute.respondent)],
      [t("grounds"), h("span", {}, h("code", {}, dispute.groundsURI), " ", hex(dispute.groundsHash))],
      [t("bond"), money(dispute.bond)],
      [t("bondOutcome"), h("span", { class: "bond-outcome" }, bondOutcome)],
      [t("rulingDeadline"), time(dispute.rulingDeadline)],
      [t("remedy"), h("span", { class: "remedy" }, enumText("remedy", dispute.remedy))],
      ...rulingFacts,
      ...(escrow === undefined
        ? []
        : [
            [
              t("escrowLabel"),
              h(
                "span",
                { class: "escrow-held" },
                t("escrowAccount", { account: escrow.account }),
                escrow.leaves.length === 0
                  ? ` — ${t("escrowNone")}`
                  : h(
                      "span",
                      {},
                      ` — ${t("escrowTotals", { held: money(escrow.held), paid: money(escrow.paid), returned: money(escrow.returned) })}`,
                      h("ul", {}, ...escrow.leaves.map(escrowLine)),
                    ),
                escrow.unverified.length === 0 ? null : h("p", { class: "muted" }, t("escrowUnverified", { epochs: escrow.unverified.join(", ") })),
              ),
            ] as [string, Node],
          ]),
    ]),
    dispute.repeatAllowed === null ? null : h("p", { class: "muted" }, t("repeatAllowed")),
    dispute.evidence.length === 0
      ? h("p", { class: "muted" }, t("noEvidenceSubmitted"))
      : table(
          `${t("evidence")} · ${t("dispute")} ${t("numbered", { n: dispute.disputeId })}`,
          [t("submittedBy"), t("evidence"), t("payload"), t("time")],
          dispute.evidence.map((e) => [hex(e.submitter, 8), h("code", {}, e.evidenceURI), hex(e.evidenceHash), time(e.at.timestamp)]),
        ),
  );
}
