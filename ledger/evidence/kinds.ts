/**
 * The domain events that extend an asset's evidence chain, by contract. Every one of them is followed in
 * its transaction by an `EvidenceAppended` whose `kind` is its selector.
 */
export const EVIDENCE_EVENTS = {
  AssetRegistry: [
    "AssetApplied",
    "ReviewAttached",
    "ApplicationAccepted",
    "ApplicationRefused",
    "ObjectionFiled",
    "ObjectionResolved",
    "CertificateIssued",
    "CardChanged",
    "AssetReclassified",
    "HoldingTransferred",
    "HoldingSucceeded",
    "AssetCancelled",
    "AssetDestroyed",
    "AssetPledged",
    "PledgeReleased",
  ],
  GrantRegistry: ["Granted", "GrantSuspended", "GrantResumed", "GrantRevoked", "UsageRecorded"],
  ContributionLedger: ["ContributionRecorded", "ContributionConfirmed", "SplitPolicySet"],
  RevenueVault: ["RevenueDeposited", "SettlementPosted", "SettlementRejected", "SettlementPaused", "SettlementResumed"],
  DisputeCourt: ["DisputeOpened", "DisputeEvidenceSubmitted", "DisputeRuled", "DisputeLapsed"],
} as const;
