import type { Address } from "viem";

import type { Stage } from "../types.js";

/** A stage by value, as `Stage` in `ledger/types.ts` (the contracts' enum): 0 collection … 3 application. */
export type StageValue = (typeof Stage)[keyof typeof Stage];

/** What happens to the weight of a stage without contributions (the contracts' `EmptyStageRule`). */
type EmptyStageRuleName = "TO_HOLDER" | "PRO_RATA";

/**
 * A product's split policy, as `IContributionLedger.splitPolicyVersion` reports it. Version 0 means "no
 * policy": everything after royalties goes to the holder, and the weights must then be all zero (what the
 * contract reports before the first policy).
 */
export interface SplitPolicy {
  version: number;
  /** Basis points by stage (COLLECTION, PROCESSING, CIRCULATION, APPLICATION), summing to 10,000. */
  stageWeightsBps: readonly [number, number, number, number];
  emptyStageRule: EmptyStageRuleName;
}

/**
 * A contribution that counts in the split: CONFIRMED, or CONFIRMED when a dispute opened on it (then
 * `disputeId` is set, and its part is paid to the dispute's escrow account instead of the contributor).
 */
export interface SplitContribution {
  id: bigint;
  contributor: Address;
  stage: StageValue;
  /** In the product's agreed unit; positive. */
  measure: bigint;
  disputeId?: bigint | undefined;
}

/**
 * A sub-grantor a product pays directly: the grantor of a sub-grant in the chain of grants the product was
 * derived under (royalties stack down a grant chain, see `IGrantRegistry`).
 */
interface SplitLicensor {
  /** The sub-grant's grantor, resolved through successions at the state read. */
  account: Address;
  /** The sub-grant's own royalty: 0 … 10,000. */
  royaltyBps: number;
  /** The sub-grant's id: a grant appears once in a chain. */
  grantId: bigint;
}

/**
 * A parent the product was derived from, and the royalties of the grant chain it was derived under: the
 * ROOT (direct) grant's royalty is revenue of the parent asset; each sub-grant's royalty is paid to that
 * sub-grant's grantor.
 */
export interface SplitParent {
  assetId: bigint;
  /** The root grant's royalty to the parent asset, 0 … 10,000 (0 when the applicant held the parent). */
  royaltyBps: number;
  /** The sub-grants of the chain below the root, down to the derivation grant; none for a direct grant. */
  licensors?: readonly SplitLicensor[] | undefined;
}

/** Everything the split of one asset's revenue depends on, read at the settlement's state block. */
export interface SplitContext {
  assetId: bigint;
  policy: SplitPolicy;
  /** The asset's current holder. */
  holder: Address;
  contributions: readonly SplitContribution[];
  parents: readonly SplitParent[];
}

/**
 * The context of a parent asset; `undefined` for an asset it does not know. Called at most once per asset
 * and split (an ancestor reached by several paths is resolved once).
 */
export type SplitContextResolver = (assetId: bigint) => SplitContext | undefined;

export interface SplitInput {
  /** The revenue to split, in the token's smallest unit; positive and below 2^256. */
  amount: bigint;
  /** The product whose revenue it is. */
  context: SplitContext;
  /** The contexts of its parents, their parents, and so on. Not needed without parents. */
  resolveParent?: SplitContextResolver | undefined;
}

/** What a rejected settlement already paid an account, credited by the next settlement of the product. */
export interface SplitCredit {
  /** Any case; the allocation answers in lower case. */
  account: Address;
  /** Positive, in the token's smallest unit. */
  amount: bigint;
}

/**
 * A split with credits ({@link creditedAllocation}): `amount` is what is settled now, and each party's
 * share of `amount + Σ credits` is reduced by its credit.
 */
export interface CreditedSplitInput extends SplitInput {
  /** At most one per account; none (or empty) for a plain split. */
  credits?: readonly SplitCredit[] | undefined;
}

/** An exact non-negative rational, not necessarily in lowest terms; `denominator` > 0. */
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

/**
 * One reason why an account receives part of the revenue, with that part's exact value in token units.
 *
 * `path` is the chain of asset ids from the product to the asset whose split produced the part: `[product]`
 * for the product's own split, `[product, parent]` for a part of the royalty the product pays to
 * `parent`, and so on up the lineage. An ancestor reached by two paths gives components on each.
 */
export type BasisComponent =
  | {
      kind: "holder";
      path: readonly bigint[];
      /** What remains for the holder of the path's last asset: no policy, empty stages, or all stages empty. */
      share: Fraction;
    }
  | {
      kind: "contribution";
      path: readonly bigint[];
      stage: StageValue;
      /** The account's contributions in the stage, by id ascending. */
      contributionIds: readonly bigint[];
      share: Fraction;
    }
  | {
      kind: "escrow";
      path: readonly bigint[];
      stage: StageValue;
      disputeId: bigint;
      /** The disputed contributions of the stage under this dispute, by id ascending. */
      contributionIds: readonly bigint[];
      share: Fraction;
    }
  | {
      /**
       * The royalty of a sub-grant in the chain the path's second-to-last asset was derived under, paid to
       * the sub-grant's grantor. `path` ends with the parent asset the grant chain licenses, as a
       * royalty's parts do.
       */
      kind: "licensor";
      path: readonly bigint[];
      grantId: bigint;
      share: Fraction;
    };

/** Why an entry has its amount. */
interface AllocationBasis {
  /** The account's exact share: the sum of its components' shares. */
  exact: Fraction;
  /** Whether the largest-remainder pass gave the account one unit above the floor of `exact`. */
  roundedUp: boolean;
  /** In the order path, kind (holder, contribution, escrow, licensor), stage, dispute id, grant id. */
  components: readonly BasisComponent[];
}

export interface AllocationEntry {
  /** Lower-case hex. */
  account: Address;
  amount: bigint;
  basis: AllocationBasis;
  /**
   * Only in a credited allocation: what rejected settlements already paid the account (0 if nothing).
   * `basis` is then the account's share of `amount + Σ credits`, and `amount` is that share minus the
   * credit, unless some party was overpaid (see {@link AllocationCredits}).
   */
  credit?: bigint;
  /**
   * Only when the credits were prorated ({@link AllocationCredits}): the exact part of the amount the
   * account takes, pro rata to what it is still owed, and whether the largest-remainder pass rounded it up.
   */
  prorated?: { exact: Fraction; roundedUp: boolean };
}

/** How a credited allocation took the credits into account. */
interface AllocationCredits {
  /** Σ credits: the split was of `amount + total`. */
  total: bigint;
  /** Every credit (lower-case accounts, ascending), also of accounts left without an entry. */
  credits: readonly SplitCredit[];
  /**
   * Whether some party had already been paid more than its share of `amount + total`: the amount then
   * does not cover every other party's share minus its credit, and is shared pro rata to those
   * (exactly, one largest-remainder pass, ties to the lower account).
   */
  prorated: boolean;
}

/** The split of `amount`: entries by account ascending, amounts positive and summing to `amount`. */
export interface Allocation {
  amount: bigint;
  entries: readonly AllocationEntry[];
  /** Only for an allocation with credits ({@link creditedAllocation}). */
  credits?: AllocationCredits;
}
