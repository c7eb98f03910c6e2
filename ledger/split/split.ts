/**
 * The revenue split engine: how `amount` of a product's revenue is shared, exact to the smallest unit.
 *
 * Semantics (the same input always gives the same allocation; the order of contributions, parents and
 * licensors in the input never matters):
 *
 * 1. Royalties come off the top, and royalties stack down a grant chain (`IGrantRegistry`): a product
 *    derived from parent `i` under a grant pays the `royaltyBps` of that grant AND of every grant above it.
 *    - The ROOT (direct) grant's royalty, `amount · royaltyBps_i / 10,000`, is revenue OF THE PARENT,
 *      split again by these same rules through the parent's own context — its policy, holder,
 *      contributions and parents — and so on up the whole lineage. An ancestor reached by two paths is
 *      paid on each path, separately. A cycle, a path of more than 32 levels above the product or more
 *      than 10,000 contexts along all paths is refused.
 *    - Each SUB-grant's royalty in the chain, `amount · royaltyBps_g / 10,000`, is paid directly to that
 *      sub-grant's grantor (the licensee that sub-licensed; a `licensor` component): a sub-grant can
 *      never lower what flows to the grantors above it.
 *    Everything a product pays upstream — its parents' root royalties and their chains' sub-grant
 *    royalties — is at most 10,000 bps.
 * 2. The rest `R = amount − royalties` is split by stage (collection, processing, circulation,
 *    application). A stage with at least one contribution takes its weight `w_s / 10,000` of `R`. The
 *    weight of an empty stage goes to the holder (TO_HOLDER), or is spread over the non-empty stages pro
 *    rata to their weights (PRO_RATA: stage `s` takes `w_s / W` of `R`, `W` the sum of the non-empty
 *    stages' weights). If every stage is empty, R goes to the holder; so it does under PRO_RATA when the
 *    non-empty stages all weigh 0 (there is nothing to spread over), and for a product without a policy
 *    (version 0).
 * 3. Within a stage, each contribution takes its part pro rata to its measure. A disputed contribution
 *    (one the reducer passes with a `disputeId`) counts exactly like a confirmed one, but its part is paid
 *    to the dispute's escrow account ({@link escrowAccount}) instead of its contributor.
 * 4. Every party's share of `amount` is first computed EXACTLY, as a rational (bigint numerator and
 *    denominator; no floating point anywhere), summed over every place the account appears (holder,
 *    contributor in several stages, licensor, on several lineage paths): one account, one entry.
 * 5. Then ONE largest-remainder pass over the whole lineage: each party gets the floor of its exact share;
 *    the units left over (the sum of the fractional parts, an integer) go one each to the parties with the
 *    largest fractional parts. Equal fractional parts are ordered by account ascending (lower-case hex, i.e.
 *    by the address as a number): the lower address gets the unit first. The amounts sum exactly to
 *    `amount`; a party left with 0 is omitted.
 *
 * The allocation lists its entries by account ascending, accounts lower-case; each entry's basis gives
 * its exact share, whether it was rounded up, and the components of the share ({@link BasisComponent}).
 *
 * A settlement after a rejected one credits what the rejected one already paid: see `credit.ts`
 * ({@link creditedAllocation}); this module's functions are plain splits.
 *
 * Arithmetic: a context's inflow is an exact fraction of `amount` (`amount · Π royaltyBps / 10,000^depth`);
 * all contributions of one stage of one context share one reduced denominator
 * (`10,000^(depth+1) · D · M_s`, `D` = 10,000 or `W`, `M_s` the stage's total measure), so a party's share
 * costs one multiplication, and its floor and remainder one division. Fractional parts with different
 * denominators are ordered exactly: first by `floor(2^53 · remainder / denominator)`, then, only when that
 * ties, by cross-multiplication.
 */
import { maxUint256, type Address } from "viem";

import { EmptyStageRule, Stage } from "../types.js";
import { SplitError } from "./errors.js";
import { escrowAccount } from "./escrow.js";
import { BPS, loadLineage, type LineageNode } from "./lineage.js";
import { sortByAccount } from "./order.js";
import type { Allocation, AllocationEntry, BasisComponent, Fraction, SplitInput, StageValue } from "./types.js";

const BPS_N = BigInt(BPS);
const STAGES = [Stage.COLLECTION, Stage.PROCESSING, Stage.CIRCULATION, Stage.APPLICATION] as const;

/**
 * A component as the walk credits it. Several contributions of one account in one stage of one context
 * visit are credited separately, and merged into one component afterwards.
 */
type Draft =
  | { kind: "holder"; path: readonly bigint[]; share: Fraction }
  | { kind: "contribution"; path: readonly bigint[]; stage: StageValue; contributionIds: bigint[]; share: Fraction }
  | {
      kind: "escrow";
      path: readonly bigint[];
      stage: StageValue;
      disputeId: bigint;
      contributionIds: bigint[];
      share: Fraction;
    }
  | { kind: "licensor"; path: readonly bigint[]; grantId: bigint; share: Fraction };

/** Splits `amount` of the product's revenue; see the module comment for the rules. */
export function splitRevenue({ amount, context, resolveParent }: SplitInput): Allocation {
  checkAmount(amount);
  const lineage = loadLineage(context, resolveParent);

  // Every credit in walk order, each already as an entry of its own (the final entry of an account
  // credited once, which is nearly every account): amount = the floor of its share, for now. Its
  // fractional part is kept as a rounding key (see `roundingKey`).
  const credits: AllocationEntry[] = [];
  const drafts: Draft[] = [];
  const accounts: Address[] = [];
  const keys: number[] = [];
  let floorSum = 0n;
  walkLineage(lineage, { numerator: amount, denominator: 1n }, (account, draft) => {
    const { numerator, denominator } = draft.share;
    const floor = numerator / denominator;
    floorSum += floor;
    keys.push(roundingKey(numerator - floor * denominator, denominator));
    accounts.push(account);
    drafts.push(draft);
    credits.push({ account, amount: floor, basis: { exact: draft.share, roundedUp: false, components: [draft] } });
  });

  // One entry per account, by account ascending; the credits of an account credited several times merge.
  const { order, repeats } = sortByAccount(accounts);
  const entries: AllocationEntry[] = [];
  const entryKeys = new Float64Array(order.length);
  for (let k = 0; k < order.length; ) {
    let end = k + 1;
    while (end < order.length && repeats[end] === 1) end += 1;
    if (end === k + 1) {
      entryKeys[entries.length] = keys[order[k]!]!;
      entries.push(credits[order[k]!]!);
    } else {
      const run = Array.from(order.subarray(k, end));
      const { exact, components } = mergeCredits(run.map((i) => drafts[i]!));
      const floor = exact.numerator / exact.denominator;
      for (const i of run) floorSum -= credits[i]!.amount;
      floorSum += floor;
      entryKeys[entries.length] = roundingKey(exact.numerator - floor * exact.denominator, exact.denominator);
      entries.push({ account: accounts[run[0]!]!, amount: floor, basis: { exact, roundedUp: false, components } });
    }
    k = end;
  }
  return finishAllocation(amount, floorSum, entries, entryKeys);
}

/**
 * The part of a product's split that does not depend on the amount: every account's exact share of ONE
 * unit of revenue, with its components (shares of one unit too), by account ascending. Every share is
 * linear in the amount, so `apportion(planSplit(input), amount)` is `splitRevenue({ ...input, amount })`:
 * the same entries, amounts and rounding; exact shares equal as numbers (not always written with the same
 * numerator and denominator). Worth it when one state is split for many amounts: a plan of 2,000
 * contributions takes about a millisecond, an apportionment over a handful of accounts microseconds.
 */
export interface SplitPlan {
  readonly assetId: bigint;
  readonly accounts: readonly { account: Address; unitShare: Fraction; components: readonly BasisComponent[] }[];
}

export function planSplit({ context, resolveParent }: Omit<SplitInput, "amount">): SplitPlan {
  const lineage = loadLineage(context, resolveParent);
  const drafts: Draft[] = [];
  const accounts: Address[] = [];
  walkLineage(lineage, { numerator: 1n, denominator: 1n }, (account, draft) => {
    accounts.push(account);
    drafts.push(draft);
  });
  const { order, repeats } = sortByAccount(accounts);
  const planned: { account: Address; unitShare: Fraction; components: readonly BasisComponent[] }[] = [];
  for (let k = 0; k < order.length; ) {
    let end = k + 1;
    while (end < order.length && repeats[end] === 1) end += 1;
    const run = Array.from(order.subarray(k, end));
    const { exact, components } = run.length === 1 ? { exact: drafts[run[0]!]!.share, components: [drafts[run[0]!]!] } : mergeCredits(run.map((i) => drafts[i]!));
    planned.push({ account: accounts[run[0]!]!, unitShare: exact, components });
    k = end;
  }
  return { assetId: lineage.context.assetId, accounts: planned };
}

/** Splits `amount` by a plan: see {@link SplitPlan}. */
export function apportion(plan: SplitPlan, amount: bigint): Allocation {
  checkAmount(amount);
  const scale = (share: Fraction): Fraction => ({ numerator: share.numerator * amount, denominator: share.denominator });
  const entries: AllocationEntry[] = [];
  const keys = new Float64Array(plan.accounts.length);
  let floorSum = 0n;
  for (const { account, unitShare, components } of plan.accounts) {
    const exact = scale(unitShare);
    const floor = exact.numerator / exact.denominator;
    floorSum += floor;
    keys[entries.length] = roundingKey(exact.numerator - floor * exact.denominator, exact.denominator);
    const scaled = components.map((component) => ({ ...component, share: scale(component.share) }));
    entries.push({ account, amount: floor, basis: { exact, roundedUp: false, components: scaled } });
  }
  return finishAllocation(amount, floorSum, entries, keys);
}

/** The largest-remainder pass over entries at their floors, the sum checked, accounts left with 0 dropped. */
function finishAllocation(amount: bigint, floorSum: bigint, entries: AllocationEntry[], keys: Float64Array): Allocation {
  roundLargestRemainder(amount - floorSum, entries, keys.subarray(0, entries.length));
  let total = 0n;
  let zeros = 0;
  for (const entry of entries) {
    total += entry.amount;
    if (entry.amount === 0n) zeros += 1;
  }
  if (total !== amount) throw new Error(`split invariant broken: the parts sum to ${total}, not ${amount}`);
  return { amount, entries: zeros === 0 ? entries : entries.filter((entry) => entry.amount !== 0n) };
}

/**
 * The walk over the lineage: credits every account its exact share of `inflow` (a fraction of the amount
 * split), in walk order: royalties to the parents first (each split again through its own context, then
 * its chain's sub-grantors), then the holder's and the contributions' parts of the rest.
 */
function walkLineage(lineage: LineageNode, inflow: Fraction, credit: (account: Address, draft: Draft) => void): void {
  const stageTotals = new Map<LineageNode, readonly [bigint, bigint, bigint, bigint]>();
  const escrows = new Map<bigint, Address>();
  const escrowOf = (disputeId: bigint): Address => {
    let account = escrows.get(disputeId);
    if (account === undefined) {
      account = escrowAccount(disputeId);
      escrows.set(disputeId, account);
    }
    return account;
  };
  const splitContext = (node: LineageNode, inflow: Fraction, path: readonly bigint[]): void => {
    const context = node.context;
    // Royalties off the top, parents in their canonical order (asset id, royalty, licensors): the root
    // grant's royalty split through the parent's context, then each sub-grant's to its grantor.
    for (const parent of node.parents) {
      let parentPath: readonly bigint[] | undefined;
      if (parent.royaltyBps !== 0) {
        parentPath = [...path, parent.node.context.assetId];
        const royalty = reduce(inflow.numerator * BigInt(parent.royaltyBps), inflow.denominator * BPS_N);
        splitContext(parent.node, royalty, parentPath);
      }
      for (const { account, royaltyBps, grantId } of parent.licensors) {
        if (royaltyBps === 0) continue;
        parentPath ??= [...path, parent.node.context.assetId];
        const share = reduce(inflow.numerator * BigInt(royaltyBps), inflow.denominator * BPS_N);
        credit(account, { kind: "licensor", path: parentPath, grantId, share });
      }
    }
    const restBps = BPS - context.royaltyBps;
    if (restBps === 0) return;
    const rest = reduce(inflow.numerator * BigInt(restBps), inflow.denominator * BPS_N);

    let totals = stageTotals.get(node);
    if (totals === undefined) {
      const sums: [bigint, bigint, bigint, bigint] = [0n, 0n, 0n, 0n];
      for (const c of context.contributions) sums[c.stage] += c.measure;
      totals = sums;
      stageTotals.set(node, totals);
    }
    const weights = context.stageWeightsBps;
    let nonEmptyWeight = 0;
    for (const stage of STAGES) if (totals[stage] > 0n) nonEmptyWeight += weights[stage];
    if (context.policyVersion === 0 || nonEmptyWeight === 0) {
      credit(context.holder, { kind: "holder", path, share: rest });
      return;
    }
    // Stage s takes w_s / D of the rest; under TO_HOLDER the holder takes (10,000 − W) / 10,000.
    const toHolder = context.emptyStageRule === EmptyStageRule.TO_HOLDER;
    if (toHolder && nonEmptyWeight < BPS) {
      const share = reduce(rest.numerator * BigInt(BPS - nonEmptyWeight), rest.denominator * BPS_N);
      credit(context.holder, { kind: "holder", path, share });
    }
    const divisor = BigInt(toHolder ? BPS : nonEmptyWeight);
    // A contribution's share is coefficient(stage) · measure: one denominator for the whole stage.
    const coefficients = STAGES.map((stage) =>
      totals[stage] > 0n && weights[stage] > 0
        ? reduce(rest.numerator * BigInt(weights[stage]), rest.denominator * divisor * totals[stage])
        : undefined,
    );
    const { contributions, contributors } = context;
    for (let i = 0; i < contributions.length; i += 1) {
      const { id, stage, measure, disputeId } = contributions[i]!;
      const coefficient = coefficients[stage];
      if (coefficient === undefined) continue;
      const share = { numerator: coefficient.numerator * measure, denominator: coefficient.denominator };
      if (disputeId === undefined) {
        credit(contributors[i]!, { kind: "contribution", path, stage, contributionIds: [id], share });
      } else {
        credit(escrowOf(disputeId), { kind: "escrow", path, stage, disputeId, contributionIds: [id], share });
      }
    }
  };
  splitContext(lineage, inflow, [lineage.context.assetId]);
}

function checkAmount(amount: unknown): asserts amount is bigint {
  if (typeof amount !== "bigint" || amount <= 0n || amount > maxUint256) {
    throw new SplitError("INVALID_AMOUNT", `the amount to split must be a positive uint256: ${String(amount)}`, { amount });
  }
}

/**
 * The components of an account credited several times (`drafts` in walk order): credits of one stage of
 * one context visit (same path array) merge into one component; components in their canonical order; the
 * exact share summed in that order.
 */
function mergeCredits(drafts: readonly Draft[]): { exact: Fraction; components: BasisComponent[] } {
  const sorted = [...drafts].sort(compareComponents); // stable: a visit's credits stay together
  const components: Draft[] = [];
  for (const draft of sorted) {
    const last = components.at(-1);
    if (
      last !== undefined &&
      (last.kind === "contribution" || last.kind === "escrow") &&
      draft.kind === last.kind &&
      draft.path === last.path &&
      draft.stage === last.stage
    ) {
      // Same stage of the same visit: one coefficient, one denominator.
      last.share = { numerator: last.share.numerator + draft.share.numerator, denominator: last.share.denominator };
      last.contributionIds.push(...draft.contributionIds); // a copy of ours, made below
    } else {
      // A holder's or a licensor's credit stays a component of its own (one per visit, one per sub-grant).
      components.push(draft.kind === "holder" || draft.kind === "licensor" ? draft : { ...draft, contributionIds: [...draft.contributionIds] });
    }
  }
  let exact = components[0]!.share;
  for (const component of components) {
    if (component.kind === "contribution" || component.kind === "escrow") component.contributionIds.sort(compareBigint);
    if (component !== components[0]) exact = add(exact, component.share);
  }
  return { exact, components };
}

// ------------------------------------------------------------------------------------------------
// Rounding
// ------------------------------------------------------------------------------------------------

/**
 * The rounding key of a share whose fractional part is `remainder / denominator`: floor(2^53 · remainder /
 * denominator), -1 for no fractional part. The key is an exact integer in a double; a larger key means a
 * larger fractional part, and equal keys are told apart exactly by {@link compareFractionalParts}.
 */
function roundingKey(remainder: bigint, denominator: bigint): number {
  return remainder === 0n ? -1 : Number((remainder << 53n) / denominator);
}

/** -1, 0 or 1 as the fractional part of `a` is larger than, equal to or smaller than that of `b`. */
function compareFractionalParts(a: Fraction, b: Fraction): number {
  const x = (a.numerator % a.denominator) * b.denominator;
  const y = (b.numerator % b.denominator) * a.denominator;
  return x > y ? -1 : x < y ? 1 : 0;
}

/**
 * The largest-remainder pass: `leftover` units (the sum of the fractional parts) one each to the entries
 * (by account ascending, amounts at their floors) with the largest fractional parts, equal ones to the
 * lower account first. Adds the unit to the amount and sets `roundedUp`.
 */
function roundLargestRemainder(leftover: bigint, entries: readonly AllocationEntry[], keys: Float64Array): void {
  let fractional = 0;
  for (const key of keys) if (key >= 0) fractional += 1;
  if (leftover < 0n || leftover > BigInt(fractional)) {
    throw new Error(`split invariant broken: ${leftover} units left over for ${fractional} fractional parts`);
  }
  const units = Number(leftover);
  if (units === 0) return;
  const roundUp = (i: number): void => {
    const entry = entries[i]!;
    entry.amount += 1n;
    entry.basis.roundedUp = true;
  };
  // Every key above the threshold (the units-th largest key) wins; among keys equal to it, the exact order.
  const sorted = keys.slice().sort();
  const threshold = sorted[sorted.length - units]!;
  let above = 0;
  const ties: number[] = [];
  for (let i = 0; i < keys.length; i += 1) {
    if (keys[i]! > threshold) {
      roundUp(i);
      above += 1;
    } else if (keys[i] === threshold) {
      ties.push(i);
    }
  }
  ties.sort((i, j) => compareFractionalParts(entries[i]!.basis.exact, entries[j]!.basis.exact) || i - j);
  for (let k = 0; k < units - above; k += 1) roundUp(ties[k]!);
}

// ------------------------------------------------------------------------------------------------
// Fractions and orders
// ------------------------------------------------------------------------------------------------

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function reduce(numerator: bigint, denominator: bigint): Fraction {
  const divisor = gcd(numerator, denominator);
  return divisor <= 1n ? { numerator, denominator } : { numerator: numerator / divisor, denominator: denominator / divisor };
}

function add(a: Fraction, b: Fraction): Fraction {
  if (a.denominator === b.denominator) return { numerator: a.numerator + b.numerator, denominator: a.denominator };
  return reduce(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const KIND_ORDER = { holder: 0, contribution: 1, escrow: 2, licensor: 3 } as const;

/** Components by path (asset ids element by element, a prefix first), kind, stage, dispute id, grant id. */
function compareComponents(a: BasisComponent, b: BasisComponent): number {
  const length = Math.min(a.path.length, b.path.length);
  for (let i = 0; i < length; i += 1) {
    const byAsset = compareBigint(a.path[i]!, b.path[i]!);
    if (byAsset !== 0) return byAsset;
  }
  if (a.path.length !== b.path.length) return a.path.length - b.path.length;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (a.kind === "licensor" && b.kind === "licensor") return compareBigint(a.grantId, b.grantId);
  if (a.kind === "holder" || b.kind === "holder" || a.kind === "licensor" || b.kind === "licensor") return 0;
  if (a.stage !== b.stage) return a.stage - b.stage;
  if (a.kind === "escrow" && b.kind === "escrow") return compareBigint(a.disputeId, b.disputeId);
  return 0;
}
