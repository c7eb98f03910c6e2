/**
 * Enums and bit sets of the contracts (`contracts/types/LedgerTypes.sol`, `GrantRights.sol`), by value:
 * the TypeScript twin of every Solidity enum, member for member (test/types.test.ts checks it). Solidity
 * enums are ABI-encoded as uint8 in declaration order. Each enum is also a type: the union of its values.
 */
export const PartyKind = {
  NONE: 0,
  ENTERPRISE: 1,
  STATE_OWNED_ENTERPRISE: 2,
  PUBLIC_INSTITUTION: 3,
  INDIVIDUAL: 4,
  PUBLIC_DATA_AUTHORITY: 5,
} as const;
export const AssetKind = { RESOURCE: 0, PRODUCT: 1 } as const;
export const DataCategory = { PUBLIC: 0, ENTERPRISE: 1, PERSONAL: 2 } as const;
export const Classification = { GENERAL: 0, IMPORTANT: 1, CORE: 2 } as const;
export const AssetStatus = {
  NONE: 0,
  APPLIED: 1,
  IN_NOTICE: 2,
  ISSUED: 3,
  REFUSED: 4,
  CANCELLED: 5,
  DESTROYED: 6,
} as const;
export const ReviewKind = { AUTHENTICITY: 0, COMPLIANCE: 1, AUDIT: 2, VALUATION: 3, DESENSITIZATION: 4 } as const;
export const TransferReason = {
  SALE: 0,
  SUCCESSION: 1,
  COURT_ORDER: 2,
  GIFT: 3,
  OBJECTION_UPHELD: 4,
  OTHER: 5,
} as const;
export const ObjectionStatus = { NONE: 0, OPEN: 1, DISMISSED: 2, UPHELD: 3 } as const;
export const ScopeKind = { WHOLE: 0, DOMAIN: 1, SCENARIO: 2 } as const;
export const UsageMode = { DELIVERY: 0, API: 1, COMPUTE_IN_DOMAIN: 2 } as const;
export const GrantStatus = { NONE: 0, ACTIVE: 1, SUSPENDED: 2, REVOKED: 3 } as const;
export const Rights = { USE: 1, PROCESS: 2, OPERATE: 4, SUBLICENSE: 8, ALL: 15 } as const;
export const Stage = { COLLECTION: 0, PROCESSING: 1, CIRCULATION: 2, APPLICATION: 3 } as const;
export const ContributionRole = { HOLDER: 0, PROCESSOR: 1, OPERATOR: 2, PROVIDER: 3 } as const;
export const ContributionStatus = { NONE: 0, RECORDED: 1, CONFIRMED: 2, DISPUTED: 3, VOIDED: 4 } as const;
export const EmptyStageRule = { TO_HOLDER: 0, PRO_RATA: 1 } as const;
export const DisputeKind = { OBJECTION: 0, GRANT: 1, CONTRIBUTION: 2, SETTLEMENT: 3, POLICY: 4 } as const;
export const DisputeStatus = { NONE: 0, OPEN: 1, RULED: 2, LAPSED: 3 } as const;
/** `EpochStatus` (formerly `IRevenueVault.EpochStatus`): a settlement epoch of the revenue vault. */
export const EpochStatus = { NONE: 0, POSTED: 1, PAUSED: 2, REJECTED: 3 } as const;
export const Remedy = {
  NONE: 0,
  DISMISS: 1,
  UPHOLD: 2,
  REVOKE_CERTIFICATE: 3,
  TRANSFER_HOLDING: 4,
  REVOKE_GRANT: 5,
  VOID_CONTRIBUTION: 6,
  ADJUST_CONTRIBUTION: 7,
  REJECT_SETTLEMENT: 8,
} as const;

type ValueOf<T> = T[keyof T];
export type PartyKind = ValueOf<typeof PartyKind>;
export type AssetKind = ValueOf<typeof AssetKind>;
export type DataCategory = ValueOf<typeof DataCategory>;
export type Classification = ValueOf<typeof Classification>;
export type AssetStatus = ValueOf<typeof AssetStatus>;
export type ReviewKind = ValueOf<typeof ReviewKind>;
export type TransferReason = ValueOf<typeof TransferReason>;
export type ObjectionStatus = ValueOf<typeof ObjectionStatus>;
export type ScopeKind = ValueOf<typeof ScopeKind>;
export type UsageMode = ValueOf<typeof UsageMode>;
export type GrantStatus = ValueOf<typeof GrantStatus>;
export type Stage = ValueOf<typeof Stage>;
export type ContributionRole = ValueOf<typeof ContributionRole>;
export type ContributionStatus = ValueOf<typeof ContributionStatus>;
export type EmptyStageRule = ValueOf<typeof EmptyStageRule>;
export type DisputeKind = ValueOf<typeof DisputeKind>;
export type DisputeStatus = ValueOf<typeof DisputeStatus>;
export type EpochStatus = ValueOf<typeof EpochStatus>;
export type Remedy = ValueOf<typeof Remedy>;

/** The name of an enum's value, as the CLI and the API print it; `UNKNOWN_<n>` for a value the enum lacks. */
export function enumName(values: Readonly<Record<string, number>>, value: number | bigint): string {
  for (const [name, candidate] of Object.entries(values)) if (candidate === Number(value)) return name;
  return `UNKNOWN_${value}`;
}
