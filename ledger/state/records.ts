/**
 * The documents of the ledger state, as stored (JSON). Amounts, measures and uint256 ids are decimal
 * strings; addresses are checksummed as the chain's events carry them; enums are the contracts' numbers
 * (see `ledger/types.ts`). `at` marks where a fact was recorded on chain.
 */

export interface ChainPosition {
  block: string;
  timestamp: string;
  tx: string;
  logIndex: number;
}

export interface PartyRecord {
  account: string;
  kind: number;
  profileHash: string;
  registrar: string;
  /** Set once the party was succeeded (merger, split): everything it held and earned moves on. */
  successor: string | null;
  predecessors: string[];
  at: ChainPosition;
}

export interface RoleRecord {
  roleId: string;
  account: string;
  at: ChainPosition;
}

interface CardVersion {
  version: number;
  cardHash: string;
  cardURI: string;
  at: ChainPosition;
}

/** A sub-grant of the chain a product was derived under: its royalty is paid to its grantor. */
export interface LicensorRecord {
  grantId: string;
  /** The sub-grant's grantor as the event carries it; the split resolves it through successions. */
  grantor: string;
  royaltyBps: number;
}

export interface ParentRecord {
  assetId: string;
  /** The derivation grant (0 when the applicant held the parent itself). */
  grantId: string;
  /**
   * The ROOT grant's royalty of the derivation grant's chain: revenue of the parent asset (0 when the
   * applicant held the parent). Royalties stack: the sub-grants below the root are `licensors`.
   */
  royaltyBps: number;
  /**
   * The sub-grants of the chain, from the derivation grant up to but excluding the root (none for a direct
   * grant): each one's royalty goes to its grantor. Grants never change once made, so this is fixed at
   * filing.
   */
  licensors: LicensorRecord[];
}

export interface AssetRecord {
  assetId: string;
  kind: number;
  category: number;
  classification: number;
  status: number;
  applicant: string;
  /** The certificate's owner on chain (null before issue); the holder is this owner resolved. */
  owner: string | null;
  fingerprint: string;
  cards: CardVersion[];
  parents: ParentRecord[];
  noticeEndsAt: string | null;
  pledgee: string | null;
  openObjections: number;
  /** Open court disputes on the asset (any kind). */
  openDisputes: number;
  applied: ChainPosition;
  issued: ChainPosition | null;
  evidence: { seq: number; head: string };
}

export interface ReviewRecord {
  reviewId: string;
  assetId: string;
  reviewer: string;
  kind: number;
  reportHash: string;
  reportURI: string;
  at: ChainPosition;
}

export interface ObjectionRecord {
  objectionId: string;
  assetId: string;
  objector: string;
  groundsHash: string;
  groundsURI: string;
  status: number;
  resolver: string | null;
  rulingHash: string | null;
  at: ChainPosition;
}

export interface GrantRecord {
  grantId: string;
  assetId: string;
  grantor: string;
  grantee: string;
  parentId: string;
  rights: number;
  scopeKind: number;
  scopeData: string;
  purposeHash: string;
  usageMode: number;
  validFrom: string;
  validUntil: string;
  royaltyBps: number;
  status: number;
  usageCount: number;
  usageUnits: string;
  at: ChainPosition;
}

export interface UsageRecord {
  grantId: string;
  units: string;
  periodStart: string;
  periodEnd: string;
  evidenceHash: string;
  at: ChainPosition;
}

export interface ContributionRecord {
  contributionId: string;
  productId: string;
  contributor: string;
  stage: number;
  role: number;
  measure: string;
  authorization: string;
  evidenceHash: string;
  evidenceURI: string;
  status: number;
  /** While DISPUTED: the dispute and the status it had. */
  disputeId: string | null;
  statusBeforeDispute: number | null;
  confirmer: string | null;
  at: ChainPosition;
}

export interface PolicyRecord {
  productId: string;
  version: number;
  stageWeightsBps: [number, number, number, number];
  emptyStageRule: number;
  holder: string;
  at: ChainPosition;
}

export interface DepositRecord {
  depositId: string;
  productId: string;
  payer: string;
  amount: string;
  policyVersion: number;
  payerRef: string;
  at: ChainPosition;
}

export interface EpochRecord {
  epochId: string;
  productId: string;
  policyVersion: number;
  amount: string;
  merkleRoot: string;
  stateBlock: string;
  inputsHash: string;
  challengeEndsAt: string;
  settler: string;
  /** `EpochStatus` (ledger/types.ts): POSTED, PAUSED or REJECTED. */
  status: number;
  /** Whole leaves spent, as the vault's `Epoch.claimed`: claims and released escrow leaves. */
  claimed: string;
  /** What escrow releases of this epoch gave back to the product's unsettled revenue. */
  returned: string;
  at: ChainPosition;
  /** Where it was rejected; null while it was not. */
  rejected: ChainPosition | null;
}

/** A leaf spent: claimed by its party, or (account "escrow") an escrow leaf released by the court. */
export interface ClaimRecord {
  epochId: string;
  index: string;
  /** The leaf's account; "escrow" for an escrow leaf. */
  account: string;
  /** The leaf's whole amount (for an escrow release: paid + returned). */
  amount: string;
  /** A claim's recipient and amount; an escrow release's recipient and what it was paid (none when 0). */
  recipients: string[];
  amounts: string[];
  /** What an escrow release gave back to the product's unsettled revenue; "0" for a claim. */
  returned: string;
  disputeId: string | null;
  at: ChainPosition;
}

/** How an amount left the vault or the court for an account: what a {ReceiptRecord} records. */
export type ReceiptSource = "CLAIM" | "ESCROW_RELEASE" | "BOND_WITHDRAWAL";

/**
 * An amount the vault or the court transferred to an account (one ERC-20 transfer, or one leaf of a batch
 * claim's single transfer): a claim of a settlement leaf paid to it, the court's release of a dispute's
 * escrow leaf paid to it, dispute bonds withdrawn to it. By recipient, as the token's balances are.
 */
export interface ReceiptRecord {
  source: ReceiptSource;
  recipient: string;
  amount: string;
  /** Whose entitlement was paid: the claimed leaf's account, the released escrow leaf's account, the account whose bonds were withdrawn. */
  account: string;
  /** The settlement and leaf paid from (a claim or an escrow release); null for a bond withdrawal. */
  epochId: string | null;
  index: string | null;
  /** The dispute whose escrow was released; null otherwise (a bond withdrawal takes all credited bonds at once). */
  disputeId: string | null;
  at: ChainPosition;
}

/** What an account was paid by the vault and the court, by source (the sums of its {ReceiptRecord}s). */
export interface ReceivedRecord {
  account: string;
  claims: string;
  escrowReleases: string;
  bondWithdrawals: string;
}

interface DisputeEvidence {
  submitter: string;
  evidenceHash: string;
  evidenceURI: string;
  at: ChainPosition;
}

export interface DisputeRecord {
  disputeId: string;
  assetId: string;
  kind: number;
  subjectId: string;
  claimant: string;
  respondent: string;
  bond: string;
  groundsHash: string;
  groundsURI: string;
  rulingDeadline: string;
  /** `DisputeStatus` (ledger/types.ts): OPEN, RULED or LAPSED. */
  status: number;
  remedy: number;
  ruling: {
    arbitrator: string | null;
    adjustedMeasure: string;
    transferTo: string | null;
    bondForfeited: boolean;
    rulingHash: string;
    rulingURI: string;
    at: ChainPosition;
  } | null;
  evidence: DisputeEvidence[];
  /** Where the bond went once ruled or lapsed (credited, to be withdrawn: see {@link BondRecord}). */
  bondCredit: { account: string; amount: string; at: ChainPosition } | null;
  /** Set when an arbitrator let the claimant dispute the same subject again. */
  repeatAllowed: { arbitrator: string; at: ChainPosition } | null;
  at: ChainPosition;
}

/**
 * The bonds the court owes one account (bonds are pulled: credited at a ruling or lapse, withdrawn by the
 * account's party). `credited − withdrawn` is the court's `bondCredit(account)`.
 */
export interface BondRecord {
  account: string;
  credited: string;
  withdrawn: string;
  withdrawals: { recipient: string; amount: string; at: ChainPosition }[];
}

export interface EvidenceRecord {
  assetId: string;
  seq: number;
  kind: string;
  payloadHash: string;
  actor: string;
  timestamp: string;
  head: string;
  at: ChainPosition;
}

export interface Totals {
  events: number;
  deposited: string;
  paidOut: string;
}
