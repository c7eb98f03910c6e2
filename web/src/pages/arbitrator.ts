import { escrowAccount } from "../../../ledger/split/escrow.js";
import { getAll, getJson, getOptional, type Asset, type Dispute, type EvidenceChain, type EvidenceEntry, type Settlement, type SettlementClaim } from "../api.js";
import { facts, h, hex, table } from "../dom.js";
import { formatTime } from "../format.js";
import { formatMoney, settlementToken } from "../money.js";
import { enumText, lang, t } from "../i18n.js";
import { fieldError, go, load, lookupForm, pageLink, type Page } from "./page.js";

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
    if (asset === null || !/^[0-9]{1,78}$/.test(asset)) {
      result.replaceChildren();
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
  const [evidence, disputes, settlements] = await Promise.all([
    evidenceOf(assetId),
    getAll<Dispute>(`/disputes?asset=${assetId}`),
    getAll<Settlement>(`/settlements?product=${assetId}`),
  ]);
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

  const disputeViews = await Promise.all(disputes.map((d) => disputeView(d, settlements, time)));
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

async function disputeView(dispute: Dispute, settlements: Settlement[], time: (s: string) => string): Promise<HTMLElement> {
  const token = await settlementToken();
  const money = (amount: string) => formatMoney(amount, token);
  const party = (address: string) => pageLink("contributor", { address }, address);
  // Only a contribution dispute holds escrow: the disputed record's share, paid to the dispute's escrow leaf
  // in every settlement while it is open, and released by the court as the outcome says.
  const contribution = dispute.kind === "CONTRIBUTION";
  const account = escrowAccount(BigInt(dispute.disputeId));
  const held = contribution
    ? (
        await Promise.all(settlements.map(async (s) => ({ s, leaf: await getOptional<SettlementClaim>(`/settlements/${s.epochId}/claims/${account}`) })))
      ).filter((x): x is { s: Settlement; leaf: SettlementClaim } => x.leaf !== undefined)
    : [];
  const escrowLine = ({ s, leaf }: { s: Settlement; leaf: SettlementClaim }) => {
    if (leaf.released === null) return h("li", {}, t("escrowSettled", { amount: money(leaf.amount), epoch: s.epochId }));
    const { recipient, paid, returned, at } = leaf.released;
    const outcome = [
      recipient === null || paid === "0" ? t("escrowNothingPaid") : t("escrowPaidTo", { paid: money(paid), recipient }),
      ...(returned === "0" ? [] : [t("escrowReturned", { returned: money(returned) })]),
    ].join(t("clauseSeparator"));
    return h("li", { class: "escrow-released" }, t("escrowReleased", { amount: money(leaf.amount), epoch: s.epochId, date: time(at.timestamp), outcome }));
  };
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
      [t("remedy"), enumText("remedy", dispute.remedy)],
      ...(contribution
        ? [
            [
              t("escrowHeld"),
              h(
                "span",
                { class: "escrow-held" },
                t("escrowAccount", { account }),
                held.length === 0 ? ` — ${t("escrowNone")}` : h("ul", {}, ...held.map(escrowLine)),
              ),
            ] as [string, Node],
          ]
        : []),
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
