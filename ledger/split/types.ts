import type { Address } from "viem";

import type { Stage } from "../types.js";

/** A stage by value, as `Stage` in `ledger/types.ts` (the contracts' enum): 0 collection … 3 application. */
export type StageValue = (typeof Stage)[keyof typeof Stage];

/** What happens to the weight of a stage without contributions (the contracts' `EmptyStageRule`). */
export type EmptyStageRuleName = "TO_HOLDER" | "PRO_RATA";

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

/** A parent the product was derived from, and the revenue share of the grant it was derived under. */
export interface SplitParent {
  assetId: bigint;
  /** 0 … 10,000; the parents of one product sum to at most 10,000. */
  royaltyBps: number;
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
    };

/** Why an entry has its amount. */
export interface AllocationBasis {
  /** The account's exact share: the sum of its components' shares. */
  exact: Fraction;
  /** Whether the largest-remainder pass gave the account one unit above the floor of `exact`. */
  roundedUp: boolean;
  /** In the order path, kind, stage, dispute id. */
  components: readonly BasisComponent[];
}

export interface AllocationEntry {
  /** Lower-case hex. */
  account: Address;
  amount: bigint;
  basis: AllocationBasis;
}

/** The split of `amount`: entries by account ascending, amounts positive and summing to `amount`. */
export interface Allocation {
  amount: bigint;
  entries: readonly AllocationEntry[];
}
