import fc from "fast-check";
import { getAddress, type Address } from "viem";

import type {
  Allocation,
  AllocationEntry,
  Fraction,
  SplitContext,
  SplitContribution,
  SplitParent,
  SplitPolicy,
  StageValue,
} from "../../ledger/split/index.js";

/** A lower-case address whose last bytes are `n` (hex) after an optional prefix byte. */
export function addr(n: number | bigint, prefix = 0): Address {
  return `0x${prefix.toString(16).padStart(2, "0")}${BigInt(n).toString(16).padStart(38, "0")}` as Address;
}

export const NO_POLICY: SplitPolicy = { version: 0, stageWeightsBps: [0, 0, 0, 0], emptyStageRule: "TO_HOLDER" };

export function policy(weights: [number, number, number, number], rule: SplitPolicy["emptyStageRule"] = "TO_HOLDER"): SplitPolicy {
  return { version: 1, stageWeightsBps: weights, emptyStageRule: rule };
}

export function context(assetId: bigint, fields: Partial<Omit<SplitContext, "assetId">> = {}): SplitContext {
  return { assetId, policy: NO_POLICY, holder: addr(0xa0), contributions: [], parents: [], ...fields };
}

/** A resolver over `contexts`, counting its calls per asset. */
export function resolverOf(contexts: readonly SplitContext[]): ((assetId: bigint) => SplitContext | undefined) & {
  calls: Map<bigint, number>;
} {
  const byId = new Map(contexts.map((c) => [c.assetId, c]));
  const calls = new Map<bigint, number>();
  const resolve = (assetId: bigint): SplitContext | undefined => {
    calls.set(assetId, (calls.get(assetId) ?? 0) + 1);
    return byId.get(assetId);
  };
  return Object.assign(resolve, { calls });
}

// ------------------------------------------------------------------------------------------------
// Fractions
// ------------------------------------------------------------------------------------------------

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** `f` in lowest terms, as "n/d" (readable in assertion messages). */
export function ratio(f: Fraction): string {
  const g = gcd(f.numerator, f.denominator);
  return `${f.numerator / g}/${f.denominator / g}`;
}

export function sum(fractions: readonly Fraction[]): Fraction {
  return fractions.reduce(
    (acc, f) => ({ numerator: acc.numerator * f.denominator + f.numerator * acc.denominator, denominator: acc.denominator * f.denominator }),
    { numerator: 0n, denominator: 1n },
  );
}

/** The fractional part of `f`, in lowest terms. */
export function fractionalPart(f: Fraction): string {
  return ratio({ numerator: f.numerator % f.denominator, denominator: f.denominator });
}

/** -1, 0, 1 as a < b, a = b, a > b. */
export function compareFractions(a: Fraction, b: Fraction): number {
  const x = a.numerator * b.denominator;
  const y = b.numerator * a.denominator;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function entryOf(allocation: Allocation, account: string): AllocationEntry | undefined {
  return allocation.entries.find((entry) => entry.account === account.toLowerCase());
}

export function amountOf(allocation: Allocation, account: string): bigint {
  return entryOf(allocation, account)?.amount ?? 0n;
}

/** The exact share of `account`, 0 if it has no entry. */
export function exactOf(allocation: Allocation, account: string): Fraction {
  return entryOf(allocation, account)?.basis.exact ?? { numerator: 0n, denominator: 1n };
}

// ------------------------------------------------------------------------------------------------
// Generators
// ------------------------------------------------------------------------------------------------

/** Weights summing to 10,000: three cuts of [0, 10,000]. */
export const weights = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }))
  .map(([a, b, c]): [number, number, number, number] => {
    const [x, y, z] = [a, b, c].sort((p, q) => p - q) as [number, number, number];
    return [x, y - x, z - y, 10_000 - z];
  });

export const splitPolicy: fc.Arbitrary<SplitPolicy> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(NO_POLICY) },
  {
    weight: 4,
    arbitrary: fc.record({
      version: fc.integer({ min: 1, max: 5 }),
      stageWeightsBps: weights,
      emptyStageRule: fc.constantFrom("TO_HOLDER" as const, "PRO_RATA" as const),
    }),
  },
);

const stage = fc.constantFrom<StageValue>(0, 1, 2, 3);

/**
 * An account of asset `prefix`'s pool of `size` (so that accounts recur across stages and with the
 * holder), as lower-case or checksummed text.
 */
function account(prefix: number, size = 6): fc.Arbitrary<Address> {
  return fc
    .tuple(fc.integer({ min: 1, max: size }), fc.boolean())
    .map(([n, checksummed]) => (checksummed ? getAddress(addr(n, prefix)) : addr(n, prefix)));
}

/** Contributions with unique ids (starting at `firstId`), from asset `prefix`'s pool. */
function contributions(prefix: number, firstId: bigint, maxLength = 8): fc.Arbitrary<SplitContribution[]> {
  return fc
    .array(
      fc.record({
        contributor: account(prefix),
        stage,
        measure: fc.bigInt({ min: 1n, max: 1_000n }),
        disputeId: fc.option(fc.constantFrom(1n, 2n, 3n), { freq: 5, nil: undefined }),
      }),
      { maxLength },
    )
    .map((items) => items.map((item, i) => ({ ...item, id: firstId + BigInt(i) })));
}

/**
 * The link to parent `parentId` of asset `childId` within `budget` bps: a root royalty and, one time in
 * three, the sub-grantors of a grant chain (up to 3, grant ids unique per parent; accounts from the child's
 * pool, so a sub-grantor may also be the child's holder or contributor, or from a pool of their own).
 */
function parentLink(childId: bigint, parentId: bigint, budget: number): fc.Arbitrary<SplitParent> {
  return fc.integer({ min: 0, max: budget }).chain((royaltyBps) =>
    fc
      .option(
        fc.uniqueArray(
          fc.record({
            grantId: fc.bigInt({ min: 1n, max: 40n }),
            account: fc.oneof(account(Number(childId)), account(0xf0)),
            share: fc.integer({ min: 0, max: 100 }),
          }),
          { minLength: 1, maxLength: 3, selector: (l) => l.grantId },
        ),
        { freq: 3, nil: undefined },
      )
      .map((chain) => {
        if (chain === undefined) return { assetId: parentId, royaltyBps };
        // Each sub-grantor takes a part of what the budget leaves, so the chain stays within it.
        let left = budget - royaltyBps;
        const licensors = chain.map(({ grantId, account: grantor, share }) => {
          const bps = Math.floor((left * share) / 100);
          left -= bps;
          return { account: grantor, royaltyBps: bps, grantId: 1_000n * childId + grantId };
        });
        return { assetId: parentId, royaltyBps, licensors };
      }),
  );
}

/**
 * A lineage of `1 + ancestors` assets, ids 1 (the product) upward: asset i's parents are among the assets
 * above it, so there are no cycles but there are diamonds; some parents are derived under grant chains
 * (licensors). Each asset has its own account pool (prefix = its id) and contribution ids.
 */
export function lineage(maxAncestors = 3): fc.Arbitrary<SplitContext[]> {
  return fc.integer({ min: 0, max: maxAncestors }).chain((ancestors) =>
    fc.tuple(
      ...Array.from({ length: ancestors + 1 }, (_, i) => {
        const assetId = BigInt(i + 1);
        const above = Array.from({ length: ancestors - i }, (_, k) => BigInt(i + 2 + k));
        const parents: fc.Arbitrary<SplitParent[]> =
          above.length === 0
            ? fc.constant([])
            : fc
                .subarray(above)
                .chain((ids) => fc.tuple(...ids.map((parentId) => parentLink(assetId, parentId, Math.floor(10_000 / ids.length)))));
        return fc.record({
          assetId: fc.constant(assetId),
          policy: splitPolicy,
          holder: account(i + 1),
          contributions: contributions(i + 1, 100n * assetId),
          parents,
        });
      }),
    ),
  );
}

/** Amounts from 1 unit to 10^24. */
export const amount = fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 10n ** 24n }));

/** A copy of `items` in the order of `keys` (a permutation drawn by fast-check). */
export function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i % Math.max(1, keys.length)]! * 1_000 + i }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}
