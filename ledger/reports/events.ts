import { toEventSelector, type AbiEvent } from "viem";

import { assetRegistryAbi, contributionLedgerAbi, disputeCourtAbi, grantRegistryAbi, revenueVaultAbi } from "../abi.js";

/** The domain event an evidence entry records, by its `kind` (the event's selector, topic0). */
const EVENT_OF_KIND: ReadonlyMap<string, string> = new Map(
  [...assetRegistryAbi, ...grantRegistryAbi, ...contributionLedgerAbi, ...revenueVaultAbi, ...disputeCourtAbi]
    .filter((item) => item.type === "event")
    .map((item) => [toEventSelector(item as AbiEvent), (item as AbiEvent).name]),
);

/** The event name of an evidence entry's kind; the selector itself when no ABI of the ledger has it. */
export const eventOfKind = (kind: string): string => EVENT_OF_KIND.get(kind.toLowerCase()) ?? kind;

/**
 * The registration and status changes of an asset a holder's ledger lists (its "assets" section), with
 * their labels. Grants, contributions, revenue and disputes have sections of their own.
 */
export const REGISTRATION_EVENTS: Readonly<Record<string, { zh: string; en: string }>> = {
  AssetApplied: { zh: "申请登记", en: "applied" },
  ReviewAttached: { zh: "附审查报告", en: "review attached" },
  ApplicationAccepted: { zh: "受理并公示", en: "accepted, in public notice" },
  ApplicationRefused: { zh: "不予登记", en: "refused" },
  ObjectionFiled: { zh: "提出异议", en: "objection filed" },
  ObjectionResolved: { zh: "异议处理", en: "objection resolved" },
  CertificateIssued: { zh: "颁发登记证书", en: "certificate issued" },
  CardChanged: { zh: "变更资产卡片", en: "card changed" },
  AssetReclassified: { zh: "变更分级", en: "reclassified" },
  HoldingTransferred: { zh: "转移登记", en: "transferred" },
  HoldingSucceeded: { zh: "继受（合并、分立）", en: "succeeded" },
  AssetCancelled: { zh: "注销登记", en: "cancelled" },
  AssetDestroyed: { zh: "销毁", en: "destroyed" },
  AssetPledged: { zh: "质押登记", en: "pledged" },
  PledgeReleased: { zh: "解除质押", en: "pledge released" },
};

/** Events that set who holds an asset or its status: the last one before a report's block proves its position then. */
export const POSITION_EVENTS: ReadonlySet<string> = new Set([
  "AssetApplied",
  "ApplicationAccepted",
  "ApplicationRefused",
  "CertificateIssued",
  "HoldingTransferred",
  "HoldingSucceeded",
  "AssetCancelled",
  "AssetDestroyed",
]);
