import { getAddress } from "viem";

import { checkValuationReport } from "../cards/valuation.js";
import type { PartyName } from "../certificates/index.js";
import {
  collectEntries,
  holderOf,
  idOf,
  key,
  listing,
  readDocument,
  resolveParty,
  type AssetRecord,
  type AsyncStateReader,
  type ChainPosition,
  type DepositRecord,
  type DisputeRecord,
  type EpochRecord,
  type EvidenceRecord,
  type GrantRecord,
  type ObjectionRecord,
  type PartyRecord,
  type ReceiptRecord,
  type ReceiptSource,
  type ReviewRecord,
} from "../state/index.js";
import {
  AssetKind,
  AssetStatus,
  Classification,
  DataCategory,
  DisputeKind,
  DisputeStatus,
  enumName,
  GrantStatus,
  ObjectionStatus,
  ReviewKind,
  Rights,
  ScopeKind,
  UsageMode,
} from "../types.js";
import { eventOfKind, POSITION_EVENTS, REGISTRATION_EVENTS } from "./events.js";
import { inPeriod, shanghaiTime, type ReportPeriod } from "./period.js";

/**
 * A holder's ledger (数据资产台账, 004 "分类分级建立数据资产目录和台账") for an accounting period: what an
 * accountant needs to put data assets on the balance sheet (数据资产入表, 001 §5), each line with the
 * transaction and block that prove it. Computed from the ledger state as of one block alone, so the same
 * block gives the same report whenever it is asked for.
 */

/** Where a line's fact was recorded: its transaction, block, and the block's time in UTC+8. */
interface Proof {
  tx: string;
  block: string;
  time: string;
}

interface SettlementTokenInfo {
  address: string;
  symbol: string;
  decimals: number;
}

/** A line's explanation in both languages: the workbook and the CSV give both, a page its own. */
export interface Bilingual {
  zh: string;
  en: string;
}

const both = (zh: string, en: string): Bilingual => ({ zh, en });
const NO_DETAIL = both("", "");

/** Both languages in one text cell (Chinese first), or nothing when there is nothing to say. */
export const inBothLanguages = (text: Bilingual): string => (text.zh === "" ? text.en : text.en === "" ? text.zh : `${text.zh} / ${text.en}`);

/** Asset statuses as the registration documents name them. */
const STATUS_ZH: Readonly<Record<string, string>> = {
  APPLIED: "已申请",
  IN_NOTICE: "公示中",
  ISSUED: "已发证",
  REFUSED: "不予登记",
  CANCELLED: "已注销",
  DESTROYED: "已销毁",
};

const REVIEW_KIND_ZH: Readonly<Record<string, string>> = {
  AUTHENTICITY: "真实性",
  COMPLIANCE: "合规性",
  AUDIT: "审计",
  VALUATION: "价值评估",
  DESENSITIZATION: "脱敏",
};

const DISPUTE_KIND_ZH: Readonly<Record<string, string>> = {
  GRANT: "授权",
  CONTRIBUTION: "贡献",
  SETTLEMENT: "结算",
  POLICY: "分配规则",
};

/** How the holder stands to an asset of its ledger. */
type Relation = "HOLDER" | "FORMER_HOLDER";

export interface AssetLine extends Proof {
  assetId: string;
  name: string | null;
  kind: string;
  category: string;
  classification: string;
  /** The asset's status at the report's block. */
  status: string;
  relation: Relation;
  /** `POSITION` (the asset as it stands at the block, proved by the last event that set its holder or status), or the event of a change within the period. */
  event: string;
  label: Bilingual;
  detail: Bilingual;
}

export interface ValuationLine extends Proof {
  assetId: string;
  reviewId: string;
  reviewer: string;
  reviewerName: PartyName | null;
  reportHash: string;
  reportURI: string;
  /** The report's figure (decimal, the currency's major unit); null when its document is not held or not a valid report of this asset. */
  figure: string | null;
  currency: string | null;
  method: string | null;
  valuationDate: string | null;
  valuer: string | null;
  /** Where the figure came from: `report 0x… (held)`, or why there is none. */
  source: Bilingual;
}

export interface EncumbranceLine extends Proof {
  assetId: string;
  type: "PLEDGE" | "OBJECTION" | "DISPUTE";
  /** The objection's or the dispute's id; null for a pledge. */
  id: string | null;
  /** The pledgee, the objector, or the dispute's other side (its claimant, or whom the holder disputes). */
  counterparty: string;
  counterpartyName: PartyName | null;
  detail: Bilingual;
}

export interface GrantLine extends Proof {
  grantId: string;
  assetId: string;
  direction: "GIVEN" | "RECEIVED";
  counterparty: string;
  counterpartyName: PartyName | null;
  rights: string[];
  scopeKind: string;
  usageMode: string;
  royaltyBps: number;
  validFrom: string;
  validUntil: string;
  /** At the report's block. */
  status: string;
  /** Where a suspended or revoked grant got that status; null for an active one (or when not found). */
  statusChanged: Proof | null;
}

export type RevenueKind = "DEPOSIT" | ReceiptSource;

export interface RevenueLine extends Proof {
  kind: RevenueKind;
  /** The product the revenue was deposited for or paid from; null for a bond withdrawal. */
  assetId: string | null;
  /** The settlement paid from (claims, escrow releases); null otherwise. */
  epochId: string | null;
  /** The payer of a deposit; whose entitlement a receipt paid (the leaf's account, the escrow, the bonds' owner). */
  counterparty: string;
  /** In the token's smallest unit, as a decimal string. */
  amount: string;
  /** The payer's reference of a deposit; the dispute of an escrow release; empty otherwise. */
  reference: string;
}

export interface HolderLedger {
  holder: string;
  holderName: PartyName | null;
  period: { from: string; to: string; timeZone: string };
  atBlock: string;
  atTime: string;
  chainId: number;
  contracts: Record<string, string>;
  token: SettlementTokenInfo | null;
  sections: {
    assets: AssetLine[];
    valuations: ValuationLine[];
    encumbrances: EncumbranceLine[];
    grants: GrantLine[];
    revenue: RevenueLine[];
  };
  /** Revenue of the period by kind, in the token's smallest unit. */
  totals: Record<RevenueKind, string>;
}

export interface HolderLedgerInput {
  /** The ledger state as of `atBlock`. */
  state: AsyncStateReader;
  holder: string;
  period: ReportPeriod;
  atBlock: bigint;
  /** The chain time of `atBlock` as the report states it (unix seconds). */
  atTime: bigint;
  chainId: number;
  contracts: Readonly<Record<string, string>>;
  token: SettlementTokenInfo | null;
  /** A party's verified name (its profile document hashes to its on-chain profile hash in `state`), else null. */
  nameOf(account: string): PartyName | null;
  /** A card or report document (canonical bytes) by hash, undefined when not held. */
  document(hash: string): Promise<Uint8Array | undefined>;
  /** Where a suspended or revoked grant got its status (GrantSuspended / GrantRevoked), when that can be found. */
  grantStatusChange?(grant: GrantRecord): Promise<ChainPosition | undefined>;
}

const proofOf = (at: { tx: string; block: string; timestamp: string }): Proof => ({ tx: at.tx, block: at.block, time: shanghaiTime(at.timestamp) });

const lower = (address: string) => address.toLowerCase();

function rightsOf(bits: number): string[] {
  return Object.entries(Rights)
    .filter(([name, bit]) => name !== "ALL" && (bits & bit) !== 0)
    .map(([name]) => name);
}

async function documentsOf<T>(state: AsyncStateReader, prefix: string): Promise<T[]> {
  return (await collectEntries(state, prefix)).map(([, value]) => JSON.parse(value) as T);
}

/** The documents an index lists (`idx-…/<owner>/<id>` → `keyOf(id)`), dangling entries skipped. */
async function indexed<T>(state: AsyncStateReader, prefix: string, keyOf: (id: bigint) => string): Promise<T[]> {
  const documents: T[] = [];
  for (const [indexKey] of await collectEntries(state, prefix)) {
    const document = readDocument<T>(state, keyOf(idOf(indexKey)));
    if (document !== undefined) documents.push(document);
  }
  return documents;
}

/** The current card's `basic.name`, when its document is held. */
async function nameOfAsset(input: HolderLedgerInput, asset: AssetRecord): Promise<string | null> {
  const bytes = await input.document(asset.cards[asset.cards.length - 1]!.cardHash.toLowerCase());
  if (bytes === undefined) return null;
  try {
    const card = JSON.parse(new TextDecoder().decode(bytes)) as { basic?: { name?: unknown } };
    return typeof card.basic?.name === "string" ? card.basic.name : null;
  } catch {
    return null;
  }
}

/** What a change line says beyond its event, from the records the same transaction wrote. */
function detailOf(event: string, entry: EvidenceRecord, asset: AssetRecord, reviews: readonly ReviewRecord[], objections: readonly ObjectionRecord[]): Bilingual {
  const sameTx = (at: { tx: string }) => lower(at.tx) === lower(entry.at.tx);
  if (event === "AssetApplied" || event === "CardChanged") {
    const card = asset.cards.find((version) => sameTx(version.at));
    return card === undefined ? NO_DETAIL : both(`卡片第 ${card.version} 版：${card.cardHash}`, `card version ${card.version}: ${card.cardHash}`);
  }
  if (event === "ReviewAttached") {
    const review = reviews.find((candidate) => sameTx(candidate.at));
    if (review === undefined) return NO_DETAIL;
    const kind = enumName(ReviewKind, review.kind);
    return both(`审查报告 ${review.reviewId}（${REVIEW_KIND_ZH[kind] ?? kind}），出具方 ${review.reviewer}`, `review ${review.reviewId} (${kind}) by ${review.reviewer}`);
  }
  if (event === "ObjectionFiled") {
    const objection = objections.find((candidate) => sameTx(candidate.at));
    return objection === undefined ? NO_DETAIL : both(`异议 ${objection.objectionId}，异议人 ${objection.objector}`, `objection ${objection.objectionId} by ${objection.objector}`);
  }
  return NO_DETAIL;
}

interface IncludedAsset {
  asset: AssetRecord;
  relation: Relation;
  evidence: EvidenceRecord[];
  reviews: ReviewRecord[];
}

/**
 * The holder's assets: every asset it holds at the block (resolved through successions; an application
 * not yet issued is its applicant's), and every asset it applied for and no longer holds that has evidence
 * within the period (transferred away, or succeeded). The state keeps an asset's current holder only: an
 * asset the holder received and passed on again is not found here.
 */
async function includedAssets(input: HolderLedgerInput, holder: string): Promise<IncludedAsset[]> {
  const { state, period } = input;
  const included: IncludedAsset[] = [];
  for (const asset of await documentsOf<AssetRecord>(state, listing.assets)) {
    const holds = lower(holderOf(state, asset)) === holder;
    if (!holds && lower(resolveParty(state, asset.applicant)) !== holder && lower(asset.applicant) !== holder) continue;
    const evidence = await documentsOf<EvidenceRecord>(state, listing.evidenceOf(BigInt(asset.assetId)));
    if (!holds && !evidence.some((entry) => inPeriod(period, entry.at.timestamp))) continue;
    const reviews = await indexed<ReviewRecord>(state, listing.reviewsOfAsset(BigInt(asset.assetId)), key.review);
    included.push({ asset, relation: holds ? "HOLDER" : "FORMER_HOLDER", evidence, reviews });
  }
  return included;
}

async function assetLines(input: HolderLedgerInput, assets: readonly IncludedAsset[]): Promise<AssetLine[]> {
  const lines: AssetLine[] = [];
  for (const { asset, relation, evidence, reviews } of assets) {
    const objections = await indexed<ObjectionRecord>(input.state, listing.objectionsOfAsset(BigInt(asset.assetId)), key.objection);
    const common = {
      assetId: asset.assetId,
      name: await nameOfAsset(input, asset),
      kind: enumName(AssetKind, asset.kind),
      category: enumName(DataCategory, asset.category),
      classification: enumName(Classification, asset.classification),
      status: enumName(AssetStatus, asset.status),
      relation,
    };
    const named = evidence.map((entry) => ({ entry, event: eventOfKind(entry.kind) }));
    const position = named.filter(({ event }) => POSITION_EVENTS.has(event)).at(-1);
    const holder = getAddress(holderOf(input.state, asset));
    lines.push({
      ...common,
      event: "POSITION",
      label: { zh: "报告区块时状态", en: "position at the report's block" },
      detail: both(
        `${STATUS_ZH[common.status] ?? common.status}，持有权人 ${holder}${asset.pledgee === null ? "" : `，已质押给 ${asset.pledgee}`}`,
        `${common.status}, held by ${holder}${asset.pledgee === null ? "" : `, pledged to ${asset.pledgee}`}`,
      ),
      ...proofOf(position?.entry.at ?? asset.applied),
    });
    for (const { entry, event } of named) {
      const label = REGISTRATION_EVENTS[event];
      if (label === undefined || !inPeriod(input.period, entry.at.timestamp)) continue;
      lines.push({ ...common, event, label, detail: detailOf(event, entry, asset, reviews, objections), ...proofOf(entry.at) });
    }
  }
  return lines;
}

async function valuationLines(input: HolderLedgerInput, assets: readonly IncludedAsset[]): Promise<ValuationLine[]> {
  const lines: ValuationLine[] = [];
  for (const { asset, reviews } of assets) {
    for (const review of reviews.filter((candidate) => candidate.kind === ReviewKind.VALUATION)) {
      const base = {
        assetId: asset.assetId,
        reviewId: review.reviewId,
        reviewer: review.reviewer,
        reviewerName: input.nameOf(review.reviewer),
        reportHash: review.reportHash,
        reportURI: review.reportURI,
        ...proofOf(review.at),
      };
      const none = { figure: null, currency: null, method: null, valuationDate: null, valuer: null };
      const bytes = await input.document(review.reportHash.toLowerCase());
      if (bytes === undefined) {
        lines.push({ ...base, ...none, source: both("本节点未保存评估报告文件：评估值未知", "report document not held: figure unknown") });
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        value = undefined;
      }
      const checked = checkValuationReport(value);
      if (!checked.ok || lower(checked.hash) !== lower(review.reportHash)) {
        lines.push({ ...base, ...none, source: both(
            `报告 ${review.reportHash} 已保存，但不是有效的价值评估报告：评估值未知`,
            `report ${review.reportHash} held but not a valid valuation report: figure unknown`,
          ),
        });
      } else if (checked.report.assetId !== asset.assetId) {
        lines.push({ ...base, ...none, source: both(
            `报告 ${review.reportHash} 评估的是资产 ${checked.report.assetId}，不是 ${asset.assetId}：评估值不予采用`,
            `report ${review.reportHash} values asset ${checked.report.assetId}, not ${asset.assetId}: figure not used`,
          ),
        });
      } else {
        const { report } = checked;
        lines.push({
          ...base,
          figure: report.figure,
          currency: report.currency,
          method: report.method,
          valuationDate: report.valuationDate,
          valuer: report.valuer,
          source: both(`评估报告 ${review.reportHash}（本节点已保存，哈希已核对）`, `report ${review.reportHash} (held)`),
        });
      }
    }
  }
  return lines;
}

async function encumbranceLines(input: HolderLedgerInput, assets: readonly IncludedAsset[]): Promise<EncumbranceLine[]> {
  const { state } = input;
  const lines: EncumbranceLine[] = [];
  for (const { asset, relation, evidence } of assets) {
    if (relation !== "HOLDER") continue;
    const assetId = BigInt(asset.assetId);
    if (asset.pledgee !== null) {
      // The pledge in force is the last one recorded: a released pledge clears `pledgee`.
      const pledged = evidence.filter((entry) => eventOfKind(entry.kind) === "AssetPledged").at(-1);
      lines.push({
        assetId: asset.assetId,
        type: "PLEDGE",
        id: null,
        counterparty: asset.pledgee,
        counterpartyName: input.nameOf(asset.pledgee),
        detail: both("自所示交易起质押", "pledged since the transaction shown"),
        ...proofOf(pledged?.at ?? asset.applied),
      });
    }
    for (const objection of await indexed<ObjectionRecord>(state, listing.objectionsOfAsset(assetId), key.objection)) {
      if (objection.status !== ObjectionStatus.OPEN) continue;
      lines.push({
        assetId: asset.assetId,
        type: "OBJECTION",
        id: objection.objectionId,
        counterparty: objection.objector,
        counterpartyName: input.nameOf(objection.objector),
        detail: both(`未决异议，理由 ${objection.groundsURI}`, `open objection, grounds ${objection.groundsURI}`),
        ...proofOf(objection.at),
      });
    }
    for (const dispute of await indexed<DisputeRecord>(state, listing.disputesOfAsset(assetId), key.dispute)) {
      // An objection is a court dispute of kind OBJECTION: listed once, as the objection above.
      if (dispute.status !== DisputeStatus.OPEN || dispute.kind === DisputeKind.OBJECTION) continue;
      // The other side: the claimant, unless the holder itself brought the dispute (then whom it disputes).
      const other = dispute.claimant.toLowerCase() === input.holder.toLowerCase() ? dispute.respondent : dispute.claimant;
      const kind = enumName(DisputeKind, dispute.kind);
      lines.push({
        assetId: asset.assetId,
        type: "DISPUTE",
        id: dispute.disputeId,
        counterparty: other,
        counterpartyName: input.nameOf(other),
        detail: both(
          `未决${DISPUTE_KIND_ZH[kind] ?? kind}争议：${dispute.claimant} 对 ${dispute.respondent}，保证金 ${dispute.bond}`,
          `open ${kind} dispute of ${dispute.claimant} against ${dispute.respondent}, bond ${dispute.bond}`,
        ),
        ...proofOf(dispute.at),
      });
    }
  }
  return lines;
}

async function grantLines(input: HolderLedgerInput, holder: string): Promise<GrantLine[]> {
  const { state, period } = input;
  const lines: GrantLine[] = [];
  for (const grant of await indexed<GrantRecord>(state, listing.grantsOfParty(holder), key.grant)) {
    const overlaps = BigInt(grant.validFrom) < period.end && BigInt(grant.validUntil) >= period.start && BigInt(grant.at.timestamp) < period.end;
    if (!overlaps) continue;
    let statusChanged: Proof | null = null;
    if (grant.status !== GrantStatus.ACTIVE) {
      const change = await input.grantStatusChange?.(grant);
      // Suspended or revoked before the period began: not in force during it.
      if (change !== undefined && BigInt(change.timestamp) < period.start) continue;
      statusChanged = change === undefined ? null : proofOf(change);
    }
    const given = lower(grant.grantor) === holder;
    const counterparty = given ? grant.grantee : grant.grantor;
    lines.push({
      grantId: grant.grantId,
      assetId: grant.assetId,
      direction: given ? "GIVEN" : "RECEIVED",
      counterparty,
      counterpartyName: input.nameOf(counterparty),
      rights: rightsOf(grant.rights),
      scopeKind: enumName(ScopeKind, grant.scopeKind),
      usageMode: enumName(UsageMode, grant.usageMode),
      royaltyBps: grant.royaltyBps,
      validFrom: shanghaiTime(grant.validFrom),
      validUntil: shanghaiTime(grant.validUntil),
      status: enumName(GrantStatus, grant.status),
      statusChanged,
      ...proofOf(grant.at),
    });
  }
  return lines;
}

async function revenueLines(input: HolderLedgerInput, holder: string, assets: readonly IncludedAsset[]): Promise<RevenueLine[]> {
  const { state, period } = input;
  const positioned: { at: ChainPosition; line: RevenueLine }[] = [];
  for (const { asset, relation } of assets) {
    if (relation !== "HOLDER" || asset.kind !== AssetKind.PRODUCT) continue;
    for (const deposit of await indexed<DepositRecord>(state, listing.depositsOfProduct(BigInt(asset.assetId)), key.deposit)) {
      if (!inPeriod(period, deposit.at.timestamp)) continue;
      positioned.push({
        at: deposit.at,
        line: {
          kind: "DEPOSIT",
          assetId: deposit.productId,
          epochId: null,
          counterparty: deposit.payer,
          amount: deposit.amount,
          reference: deposit.payerRef,
          ...proofOf(deposit.at),
        },
      });
    }
  }
  for (const receipt of await documentsOf<ReceiptRecord>(state, listing.receiptsOf(holder))) {
    if (!inPeriod(period, receipt.at.timestamp)) continue;
    const epoch = receipt.epochId === null ? undefined : readDocument<EpochRecord>(state, key.epoch(BigInt(receipt.epochId)));
    positioned.push({
      at: receipt.at,
      line: {
        kind: receipt.source,
        assetId: epoch?.productId ?? null,
        epochId: receipt.epochId,
        counterparty: receipt.account,
        amount: receipt.amount,
        reference: receipt.disputeId === null ? "" : `dispute ${receipt.disputeId}`,
        ...proofOf(receipt.at),
      },
    });
  }
  // Chain order: by block, then by the log that recorded it.
  positioned.sort((a, b) => {
    const blocks = BigInt(a.at.block) - BigInt(b.at.block);
    return blocks !== 0n ? (blocks < 0n ? -1 : 1) : a.at.logIndex - b.at.logIndex;
  });
  return positioned.map(({ line }) => line);
}

function revenueTotals(lines: readonly RevenueLine[]): Record<RevenueKind, string> {
  const totals: Record<RevenueKind, bigint> = { DEPOSIT: 0n, CLAIM: 0n, ESCROW_RELEASE: 0n, BOND_WITHDRAWAL: 0n };
  for (const line of lines) totals[line.kind] += BigInt(line.amount);
  return Object.fromEntries(Object.entries(totals).map(([kind, total]) => [kind, total.toString()])) as Record<RevenueKind, string>;
}

/**
 * The holder's ledger for the period, from the state as of `atBlock`; undefined for an account the ledger
 * does not know (no party record, nothing held or applied for).
 */
export async function holderLedger(input: HolderLedgerInput): Promise<HolderLedger | undefined> {
  const holder = lower(input.holder);
  const assets = await includedAssets(input, holder);
  const party = readDocument<PartyRecord>(input.state, key.party(holder));
  if (party === undefined && assets.length === 0) return undefined;
  const revenue = await revenueLines(input, holder, assets);
  return {
    holder: getAddress(holder),
    holderName: input.nameOf(holder),
    period: { from: input.period.from, to: input.period.to, timeZone: input.period.timeZone },
    atBlock: input.atBlock.toString(),
    atTime: shanghaiTime(input.atTime),
    chainId: input.chainId,
    contracts: { ...input.contracts },
    token: input.token,
    sections: {
      assets: await assetLines(input, assets),
      valuations: await valuationLines(input, assets),
      encumbrances: await encumbranceLines(input, assets),
      grants: await grantLines(input, holder),
      revenue,
    },
    totals: revenueTotals(revenue),
  };
}
