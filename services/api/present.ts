import { getAddress } from "viem";

import {
  key,
  MAX_STORED_ID,
  readDocument,
  settlementPhase,
  type AssetRecord,
  type AsyncStateReader,
  type ContributionRecord,
  type DisputeRecord,
  type EpochRecord,
  type GrantRecord,
  type ObjectionRecord,
  type PolicyRecord,
  type ReviewRecord,
} from "../../ledger/state/index.js";
import {
  AssetKind,
  AssetStatus,
  Classification,
  ContributionRole,
  ContributionStatus,
  DataCategory,
  DisputeKind,
  DisputeStatus,
  EmptyStageRule,
  EpochStatus,
  enumName,
  GrantStatus,
  ObjectionStatus,
  PartyKind,
  Remedy,
  ReviewKind,
  Rights,
  ScopeKind,
  Stage,
  UsageMode,
} from "../../ledger/types.js";
import { notFound } from "./problems.js";

/**
 * Stored records as the API answers them: enums by name rather than by the contracts' numbers (a client
 * reads "ISSUED", not 3), everything else as stored (amounts and ids already decimal strings, addresses
 * checksummed as the events carry them).
 */


function rightsOf(bits: number): string[] {
  return Object.entries(Rights)
    .filter(([name, bit]) => name !== "ALL" && (bits & bit) !== 0)
    .map(([name]) => name);
}

/** Ids above what the state's 20-digit keys hold cannot exist: a 404, like any other unknown id. */
export function requireDocument<T>(state: Pick<AsyncStateReader, "get">, what: string, id: bigint, keyOf: (id: bigint) => string): T {
  const document = id > MAX_STORED_ID ? undefined : readDocument<T>(state, keyOf(id));
  if (document === undefined) throw notFound(`no ${what} ${id}`);
  return document;
}

export const requireAsset = (state: Pick<AsyncStateReader, "get">, id: bigint) => requireDocument<AssetRecord>(state, "asset", id, key.asset);

export function presentAssetCore(asset: AssetRecord) {
  return {
    kind: enumName(AssetKind, asset.kind),
    category: enumName(DataCategory, asset.category),
    classification: enumName(Classification, asset.classification),
    status: enumName(AssetStatus, asset.status),
  };
}

export function presentAsset(asset: AssetRecord, holder: string) {
  const base = `/assets/${asset.assetId}`;
  return {
    assetId: asset.assetId,
    ...presentAssetCore(asset),
    applicant: asset.applicant,
    owner: asset.owner,
    holder: getAddress(holder),
    fingerprint: asset.fingerprint,
    cards: asset.cards,
    parents: asset.parents.map((parent) => ({ ...parent, licensors: parent.licensors ?? [] })),
    noticeEndsAt: asset.noticeEndsAt,
    pledge: asset.pledgee === null ? null : { pledgee: asset.pledgee },
    openObjections: asset.openObjections,
    openDisputes: asset.openDisputes,
    applied: asset.applied,
    issued: asset.issued,
    evidence: asset.evidence,
    links: {
      certificate: `${base}/certificate`,
      lineage: `${base}/lineage`,
      children: `/assets?parent=${asset.assetId}`,
      reviews: `${base}/reviews`,
      objections: `${base}/objections`,
      evidence: `${base}/evidence`,
      grants: `/grants?asset=${asset.assetId}`,
      disputes: `/disputes?asset=${asset.assetId}`,
      contributions: `/contributions?product=${asset.assetId}`,
      policies: `/products/${asset.assetId}/policies`,
      deposits: `/deposits?product=${asset.assetId}`,
      settlements: `/settlements?product=${asset.assetId}`,
    },
  };
}

export const presentReview = (review: ReviewRecord) => ({ ...review, kind: enumName(ReviewKind, review.kind) });

/** An objection, with the OBJECTION dispute that filed it (every objection is one; null only for a state from before the court filed them all). */
export const presentObjection = (objection: ObjectionRecord, disputeId: string | null) => ({
  ...objection,
  disputeId,
  status: enumName(ObjectionStatus, objection.status),
});

export const presentGrant = (grant: GrantRecord) => ({
  ...grant,
  rights: rightsOf(grant.rights),
  scopeKind: enumName(ScopeKind, grant.scopeKind),
  usageMode: enumName(UsageMode, grant.usageMode),
  status: enumName(GrantStatus, grant.status),
});

export const presentContribution = (record: ContributionRecord) => ({
  ...record,
  stage: enumName(Stage, record.stage),
  role: enumName(ContributionRole, record.role),
  status: enumName(ContributionStatus, record.status),
  statusBeforeDispute: record.statusBeforeDispute === null ? null : enumName(ContributionStatus, record.statusBeforeDispute),
});

export const presentPolicy = (policy: PolicyRecord) => ({ ...policy, emptyStageRule: enumName(EmptyStageRule, policy.emptyStageRule) });

export const presentDispute = (dispute: DisputeRecord) => ({
  ...dispute,
  bondCredit: dispute.bondCredit ?? null,
  repeatAllowed: dispute.repeatAllowed ?? null,
  kind: enumName(DisputeKind, dispute.kind),
  status: enumName(DisputeStatus, dispute.status),
  remedy: enumName(Remedy, dispute.remedy),
});

export const partyKindName = (kind: number) => enumName(PartyKind, kind);

/** A settlement as the API answers it: the vault's status, and its phase at `now` (the indexed chain time). */
export const presentEpoch = (epoch: EpochRecord, now: bigint | undefined) => ({
  ...epoch,
  status: EPOCH_STATUS[epoch.status] ?? "POSTED",
  phase: settlementPhase(epoch, now),
  returned: epoch.returned ?? "0",
  rejected: epoch.rejected ?? null,
});

/** A settlement epoch's status by name, typed for the API schema (`EpochStatus` in ledger/types.ts). */
const EPOCH_STATUS: Readonly<Record<number, "POSTED" | "PAUSED" | "REJECTED">> = {
  [EpochStatus.POSTED]: "POSTED",
  [EpochStatus.PAUSED]: "PAUSED",
  [EpochStatus.REJECTED]: "REJECTED",
};
