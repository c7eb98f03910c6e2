import { expect } from "chai";
import { getAddress, toEventSelector, type AbiEvent } from "viem";

import { assetRegistryAbi, grantRegistryAbi } from "../../ledger/abi.js";
import { canonicalHash, canonicalJson } from "../../ledger/encoding/canonical.js";
import { holderLedger, holderLedgerCsv, reportPeriod, type HolderLedgerInput } from "../../ledger/reports/index.js";
import { asyncStateReader, key, index, MemoryState, type ChainPosition, type GrantRecord } from "../../ledger/state/index.js";
import { AssetKind, AssetStatus, Classification, DataCategory, DisputeKind, DisputeStatus, GrantStatus, ObjectionStatus, ReviewKind } from "../../ledger/types.js";

/**
 * A holder's ledger over a hand-built state: which assets, events, valuations, encumbrances, grants and
 * revenue lines a period of March 2026 (Asia/Shanghai) takes, each expectation derived by hand below.
 */

const HOLDER = getAddress("0x00000000000000000000000000000000000000a1");
const OTHER = getAddress("0x00000000000000000000000000000000000000b2");
const PLEDGEE = getAddress("0x00000000000000000000000000000000000000c3");
const REVIEWER = getAddress("0x00000000000000000000000000000000000000d4");
const PAYER = getAddress("0x00000000000000000000000000000000000000e5");

/** Unix seconds of a UTC+8 wall-clock time: the UTC time 8 hours earlier. */
const cst = (y: number, m: number, d: number, h = 12) => BigInt(Date.UTC(y, m - 1, d, h - 8) / 1000);
let logIndex = 0;
const at = (time: bigint, block: number, tx: string): ChainPosition => ({ block: String(block), timestamp: String(time), tx, logIndex: logIndex++ });
const tx = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

const selector = (abi: readonly unknown[], name: string) =>
  toEventSelector((abi as AbiEvent[]).find((item) => item.type === "event" && item.name === name)!);

const REPORT = {
  schema: "provenance-ledger/valuation-report@1",
  assetId: "1",
  figure: "1250000.50",
  currency: "CNY",
  method: "income",
  valuationDate: "2026-03-15",
  valuer: "湖南资产评估有限公司",
};
const REPORT_HASH = canonicalHash(REPORT);
const MISSING_REPORT_HASH = `0x${"77".repeat(32)}`;

function asset(id: number, fields: Record<string, unknown>) {
  return {
    assetId: String(id),
    kind: AssetKind.PRODUCT,
    category: DataCategory.ENTERPRISE,
    classification: Classification.GENERAL,
    status: AssetStatus.ISSUED,
    applicant: HOLDER,
    owner: HOLDER,
    fingerprint: `0x${String(id).padStart(64, "0")}`,
    cards: [{ version: 0, cardHash: `0x${"c0".repeat(32)}`, cardURI: "ipfs://card", at: at(cst(2026, 1, 5), 10, tx(id * 100)) }],
    parents: [],
    noticeEndsAt: null,
    pledgee: null,
    openObjections: 0,
    openDisputes: 0,
    applied: at(cst(2026, 1, 5), 10, tx(id * 100)),
    issued: at(cst(2026, 2, 15), 20, tx(id * 100 + 1)),
    evidence: { seq: 0, head: "0x" },
    ...fields,
  };
}

function putAsset(state: MemoryState, record: ReturnType<typeof asset>) {
  state.put(key.asset(BigInt(record.assetId)), JSON.stringify(record));
  if (record.owner !== null) state.put(index.assetsOfHolder(record.owner, BigInt(record.assetId)), "");
}

function putEvidence(state: MemoryState, assetId: number, seq: number, event: string, position: ChainPosition) {
  const abi = event.startsWith("Grant") ? grantRegistryAbi : assetRegistryAbi;
  state.put(
    key.evidence(BigInt(assetId), seq),
    JSON.stringify({ assetId: String(assetId), seq, kind: selector(abi, event), payloadHash: "0x", actor: HOLDER, timestamp: position.timestamp, head: "0x", at: position }),
  );
}

function grant(id: number, fields: Partial<GrantRecord>): GrantRecord {
  return {
    grantId: String(id),
    assetId: "1",
    grantor: HOLDER,
    grantee: OTHER,
    parentId: "0",
    rights: 1 | 2,
    scopeKind: 0,
    scopeData: "0x",
    purposeHash: "0x",
    usageMode: 1,
    validFrom: String(cst(2026, 1, 1, 0)),
    validUntil: String(cst(2026, 12, 31, 0)),
    royaltyBps: 500,
    status: GrantStatus.ACTIVE,
    usageCount: 0,
    usageUnits: "0",
    at: at(cst(2026, 1, 20), 15, tx(9000 + id)),
    ...fields,
  };
}

function scenario() {
  logIndex = 0;
  const state = new MemoryState();
  state.put(key.party(HOLDER), JSON.stringify({ account: HOLDER, kind: 1, profileHash: "0x", registrar: OTHER, successor: null, predecessors: [], at: at(cst(2026, 1, 1), 1, tx(1)) }));

  // Asset 1: the holder's product, issued in February; in March its card changed (10th) and it was pledged (12th).
  const cardChange = at(cst(2026, 3, 10), 30, tx(130));
  const pledge = at(cst(2026, 3, 12), 31, tx(131));
  const valuation = at(cst(2026, 3, 20), 32, tx(132));
  const product = asset(1, {
    pledgee: PLEDGEE,
    cards: [
      { version: 0, cardHash: `0x${"c0".repeat(32)}`, cardURI: "ipfs://card-v0", at: at(cst(2026, 1, 5), 10, tx(100)) },
      { version: 1, cardHash: `0x${"c1".repeat(32)}`, cardURI: "ipfs://card-v1", at: cardChange },
    ],
  });
  putAsset(state, product);
  putEvidence(state, 1, 1, "AssetApplied", product.applied);
  putEvidence(state, 1, 2, "CertificateIssued", product.issued!);
  putEvidence(state, 1, 3, "CardChanged", cardChange);
  putEvidence(state, 1, 4, "AssetPledged", pledge);
  putEvidence(state, 1, 5, "ReviewAttached", valuation);
  // Two valuation reviews: one whose report the store holds, one whose report it does not.
  state.put(key.review(1n), JSON.stringify({ reviewId: "1", assetId: "1", reviewer: REVIEWER, kind: ReviewKind.VALUATION, reportHash: REPORT_HASH, reportURI: "ipfs://val-1", at: valuation }));
  state.put(index.reviewsOfAsset(1n, 1n), "");
  const otherValuation = at(cst(2026, 4, 2), 40, tx(140));
  state.put(key.review(2n), JSON.stringify({ reviewId: "2", assetId: "1", reviewer: REVIEWER, kind: ReviewKind.VALUATION, reportHash: MISSING_REPORT_HASH, reportURI: "ipfs://val-2", at: otherValuation }));
  state.put(index.reviewsOfAsset(1n, 2n), "");
  // A compliance review is not a valuation.
  state.put(key.review(3n), JSON.stringify({ reviewId: "3", assetId: "1", reviewer: REVIEWER, kind: ReviewKind.COMPLIANCE, reportHash: MISSING_REPORT_HASH, reportURI: "x", at: valuation }));
  state.put(index.reviewsOfAsset(1n, 3n), "");
  // An open objection, an open contribution dispute, and the objection's own (OBJECTION) dispute.
  const objectionAt = at(cst(2026, 3, 3), 29, tx(129));
  state.put(key.objection(1n), JSON.stringify({ objectionId: "1", assetId: "1", objector: OTHER, groundsHash: "0x", groundsURI: "ipfs://grounds", status: ObjectionStatus.OPEN, resolver: null, rulingHash: null, at: objectionAt }));
  state.put(index.objectionsOfAsset(1n, 1n), "");
  const disputeAt = at(cst(2026, 3, 4), 29, tx(128));
  state.put(key.dispute(1n), JSON.stringify({ disputeId: "1", assetId: "1", kind: DisputeKind.CONTRIBUTION, subjectId: "4", claimant: OTHER, respondent: HOLDER, bond: "1000", status: DisputeStatus.OPEN, at: disputeAt }));
  state.put(index.disputesOfAsset(1n, 1n), "");
  state.put(key.dispute(2n), JSON.stringify({ disputeId: "2", assetId: "1", kind: DisputeKind.OBJECTION, subjectId: "1", claimant: OTHER, respondent: HOLDER, bond: "1000", status: DisputeStatus.OPEN, at: objectionAt }));
  state.put(index.disputesOfAsset(1n, 2n), "");

  // Asset 2: applied for by the holder, transferred away on 5 March: in the ledger as its former holder.
  const transferred = at(cst(2026, 3, 5), 28, tx(250));
  putAsset(state, asset(2, { owner: OTHER, kind: AssetKind.RESOURCE }));
  putEvidence(state, 2, 1, "HoldingTransferred", transferred);
  // Asset 3: transferred away in January, nothing since: not in March's ledger.
  putAsset(state, asset(3, { owner: OTHER }));
  putEvidence(state, 3, 1, "HoldingTransferred", at(cst(2026, 1, 25), 16, tx(350)));
  // Asset 4: someone else's.
  putAsset(state, asset(4, { owner: OTHER, applicant: OTHER }));

  // Revenue: a deposit into product 1 in March (in), one on 1 April (out), a claim paid to the holder in March.
  const deposit = at(cst(2026, 3, 11), 30, tx(400));
  state.put(key.deposit(1n), JSON.stringify({ depositId: "1", productId: "1", payer: PAYER, amount: "123456789012345678901234567890", policyVersion: 1, payerRef: "0xref", at: deposit }));
  state.put(index.depositsOfProduct(1n, 1n), "");
  state.put(key.deposit(2n), JSON.stringify({ depositId: "2", productId: "1", payer: PAYER, amount: "5", policyVersion: 1, payerRef: "0x", at: at(cst(2026, 4, 1, 0), 39, tx(401)) }));
  state.put(index.depositsOfProduct(1n, 2n), "");
  // 31 March 23:59 UTC+8 is still March; block 29 comes before the deposit's block 30.
  const claim = at(cst(2026, 3, 31, 23) + 59n * 60n, 29, tx(402));
  state.put(key.epoch(1n), JSON.stringify({ epochId: "1", productId: "1" }));
  state.put(
    key.receipt(HOLDER, 29n, claim.logIndex),
    JSON.stringify({ source: "CLAIM", recipient: HOLDER, amount: "500", account: HOLDER, epochId: "1", index: "0", disputeId: null, at: claim }),
  );

  // Grants: 1 given, active all year (in); 2 received, revoked in February (out); 3 given, revoked on 20 March (in, REVOKED).
  for (const record of [
    grant(1, {}),
    grant(2, { grantor: OTHER, grantee: HOLDER, status: GrantStatus.REVOKED }),
    grant(3, { status: GrantStatus.REVOKED }),
    grant(4, { validFrom: String(cst(2026, 4, 1, 0)), validUntil: String(cst(2026, 5, 1, 0)) }),
  ]) {
    state.put(key.grant(BigInt(record.grantId)), JSON.stringify(record));
    state.put(index.grantsOfParty(record.grantor, BigInt(record.grantId)), "");
    state.put(index.grantsOfParty(record.grantee, BigInt(record.grantId)), "");
  }
  const revocations: Record<string, ChainPosition> = { "2": at(cst(2026, 2, 20), 18, tx(502)), "3": at(cst(2026, 3, 20), 32, tx(503)) };
  return { state, cardChange, pledge, valuation, otherValuation, objectionAt, disputeAt, transferred, deposit, claim, revocations, product };
}

describe("holder's ledger (pure): a hand-built state, March 2026 in Asia/Shanghai", () => {
  const documents = new Map([[REPORT_HASH, new TextEncoder().encode(canonicalJson(REPORT))]]);

  async function report(s = scenario(), holder: string = HOLDER) {
    const input: HolderLedgerInput = {
      state: asyncStateReader(s.state),
      holder,
      period: reportPeriod("2026-03-01", "2026-03-31"),
      atBlock: 45n,
      atTime: cst(2026, 4, 3),
      chainId: 31337,
      contracts: { AssetRegistry: OTHER },
      token: { address: PAYER, symbol: "LTY", decimals: 2 },
      nameOf: (account) => (account.toLowerCase() === PLEDGEE.toLowerCase() ? { en: "Bank", "zh-CN": "银行" } : null),
      document: async (hash) => documents.get(hash as `0x${string}`),
      grantStatusChange: async (record) => s.revocations[record.grantId],
    };
    return holderLedger(input);
  }

  it("lists each asset's position and its registration changes within the period, with the transaction proving each", async () => {
    const s = scenario();
    const ledger = (await report(s))!;
    const lines = ledger.sections.assets.map((line) => [line.assetId, line.relation, line.event, line.tx, line.time]);
    expect(lines).to.deep.equal([
      // Asset 1: its position is proved by the issue (15 Feb); in March: card changed (10th, 12:00), pledged (12th), valuation review attached (20th).
      ["1", "HOLDER", "POSITION", tx(101), "2026-02-15T12:00:00+08:00"],
      ["1", "HOLDER", "CardChanged", tx(130), "2026-03-10T12:00:00+08:00"],
      ["1", "HOLDER", "AssetPledged", tx(131), "2026-03-12T12:00:00+08:00"],
      ["1", "HOLDER", "ReviewAttached", tx(132), "2026-03-20T12:00:00+08:00"],
      // Asset 2: transferred away on 5 March.
      ["2", "FORMER_HOLDER", "POSITION", tx(250), "2026-03-05T12:00:00+08:00"],
      ["2", "FORMER_HOLDER", "HoldingTransferred", tx(250), "2026-03-05T12:00:00+08:00"],
    ]);
    const cardLine = ledger.sections.assets.find((line) => line.event === "CardChanged")!;
    expect(cardLine.detail).to.deep.equal({ zh: `卡片第 1 版：0x${"c1".repeat(32)}`, en: `card version 1: 0x${"c1".repeat(32)}` });
    expect(cardLine.block).to.equal("30");
    expect(ledger.sections.assets.find((line) => line.event === "ReviewAttached")!.detail).to.deep.equal({
      zh: `审查报告 1（价值评估），出具方 ${REVIEWER}`,
      en: `review 1 (VALUATION) by ${REVIEWER}`,
    });
    expect(ledger.sections.assets[0]!.detail).to.deep.equal({ zh: `已发证，持有权人 ${HOLDER}，已质押给 ${PLEDGEE}`, en: `ISSUED, held by ${HOLDER}, pledged to ${PLEDGEE}` });
  });

  it("takes a valuation's figure from the report document only where it is held, and says so", async () => {
    const ledger = (await report())!;
    expect(ledger.sections.valuations.map((line) => [line.reviewId, line.figure, line.currency, line.method, line.valuationDate, line.source.en, line.tx])).to.deep.equal([
      ["1", "1250000.50", "CNY", "income", "2026-03-15", `report ${REPORT_HASH} (held)`, tx(132)],
      ["2", null, null, null, null, "report document not held: figure unknown", tx(140)],
    ]);
  });

  it("refuses a held report that values another asset", async () => {
    const s = scenario();
    const other = { ...REPORT, assetId: "9" };
    const hash = canonicalHash(other);
    documents.set(hash, new TextEncoder().encode(canonicalJson(other)));
    s.state.put(key.review(2n), JSON.stringify({ reviewId: "2", assetId: "1", reviewer: REVIEWER, kind: ReviewKind.VALUATION, reportHash: hash, reportURI: "x", at: s.otherValuation }));
    const ledger = (await report(s))!;
    expect(ledger.sections.valuations[1]!.figure).to.equal(null);
    expect(ledger.sections.valuations[1]!.source).to.deep.equal({
      zh: `报告 ${hash} 评估的是资产 9，不是 1：评估值不予采用`,
      en: `report ${hash} values asset 9, not 1: figure not used`,
    });
    documents.delete(hash);
  });

  it("lists the pledge in force with its AssetPledged transaction, the open objection once, and the open contribution dispute", async () => {
    const ledger = (await report())!;
    expect(ledger.sections.encumbrances.map((line) => [line.type, line.id, line.counterparty, line.counterpartyName?.en ?? null, line.tx])).to.deep.equal([
      ["PLEDGE", null, PLEDGEE, "Bank", tx(131)],
      ["OBJECTION", "1", OTHER, null, tx(129)],
      ["DISPUTE", "1", OTHER, null, tx(128)],
    ]);
  });

  it("names the other side of a dispute the holder brought: whom it disputes, not itself", async () => {
    const s = scenario();
    // Dispute 3: the holder (claimant) disputes PLEDGEE's contribution to its asset 1.
    s.state.put(key.dispute(3n), JSON.stringify({ disputeId: "3", assetId: "1", kind: DisputeKind.CONTRIBUTION, subjectId: "5", claimant: HOLDER, respondent: PLEDGEE, bond: "1000", status: DisputeStatus.OPEN, at: at(cst(2026, 3, 5), 30, tx(150)) }));
    s.state.put(index.disputesOfAsset(1n, 3n), "");
    const line = (await report(s))!.sections.encumbrances.find((encumbrance) => encumbrance.id === "3" && encumbrance.type === "DISPUTE");
    expect(line).to.include({ counterparty: PLEDGEE, tx: tx(150) });
    expect(line!.counterpartyName?.en).to.equal("Bank");
  });

  it("lists grants in force during the period: active ones, and those revoked within it with where", async () => {
    const ledger = (await report())!;
    // Grant 2 was revoked in February and grant 4 starts in April: neither was in force in March.
    expect(ledger.sections.grants.map((line) => [line.grantId, line.direction, line.status, line.statusChanged?.tx ?? null, line.rights])).to.deep.equal([
      ["1", "GIVEN", "ACTIVE", null, ["USE", "PROCESS"]],
      ["3", "GIVEN", "REVOKED", tx(503), ["USE", "PROCESS"]],
    ]);
    expect(ledger.sections.grants[0]).to.include({ validFrom: "2026-01-01T00:00:00+08:00", validUntil: "2026-12-31T00:00:00+08:00", royaltyBps: 500 });
  });

  it("lists deposits into the holder's products and what it received within the period, in chain order, with exact totals", async () => {
    const ledger = (await report())!;
    // The claim (block 29) before the deposit (block 30); the 1 April deposit is outside March.
    expect(ledger.sections.revenue.map((line) => [line.kind, line.amount, line.block, line.time])).to.deep.equal([
      ["CLAIM", "500", "29", "2026-03-31T23:59:00+08:00"],
      ["DEPOSIT", "123456789012345678901234567890", "30", "2026-03-11T12:00:00+08:00"],
    ]);
    expect(ledger.totals).to.deep.equal({ DEPOSIT: "123456789012345678901234567890", CLAIM: "500", ESCROW_RELEASE: "0", BOND_WITHDRAWAL: "0" });
  });

  it("answers undefined for an account with no party record and nothing held or applied for", async () => {
    expect(await report(scenario(), getAddress("0x00000000000000000000000000000000000000f6"))).to.equal(undefined);
  });

  it("writes the CSV with a BOM, CRLF line ends, a report row first and the exact amounts", async () => {
    const bytes = holderLedgerCsv((await report())!);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith("\uFEFF栏目 Section,资产编号 Asset No.,")).to.equal(true);
    const rows = text.slice(1).split("\r\n");
    expect(rows.at(-1)).to.equal("");
    expect(rows[1]!.startsWith("报告 report,,,台账 holder's ledger,,0x00000000000000000000000000000000000000A1,")).to.equal(true);
    expect(rows[1]).to.contain("period 2026-03-01..2026-03-31 (Asia/Shanghai, both days inclusive); at block 45");
    expect(rows).to.include(
      `收益 Revenue,1,,DEPOSIT 收入存入,,${PAYER},,123456789012345678901234567890,LTY/10^2,0xref,2026-03-11T12:00:00+08:00,30,${tx(400)}`,
    );
    expect(rows).to.include("收益 Revenue,,,合计 TOTAL CLAIM,,,,500,LTY/10^2,领取分配 within the period,,,");
    // The same state gives the same bytes.
    expect(Buffer.from(holderLedgerCsv((await report())!)).equals(Buffer.from(bytes))).to.equal(true);
  });
});
