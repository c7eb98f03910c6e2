import { maxUint256, type Address } from "viem";

import { addressProblem, toAccount } from "../encoding/address.js";
import { EmptyStageRule, Stage } from "../types.js";
import { normalizeAddress } from "./address.js";
import { SplitError } from "./errors.js";
import { MAX_ESCROW_DISPUTE_ID } from "./escrow.js";
import type { SplitContext, SplitContextResolver, SplitContribution } from "./types.js";

/** Basis points in a whole: stage weights sum to it, royalties to at most it. */
export const BPS = 10_000;
/** Levels of parents above the product a split follows; the product is level 0. */
export const MAX_LINEAGE_DEPTH = 32;
/**
 * Splits of a context a whole lineage may take: one per path from the product (an ancestor reached by two
 * paths is split twice). Bounds the work of a lineage that is a lattice of diamonds, whose paths double at
 * each level.
 */
export const MAX_LINEAGE_VISITS = 10_000;

const MAX_UINT32 = 2 ** 32 - 1;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A validated context: holder, contributors and licensors lower-case; parents by asset id, then royalty,
 * then licensors (see {@link compareParents}).
 */
export interface CheckedContext {
  assetId: bigint;
  policyVersion: number;
  stageWeightsBps: readonly [number, number, number, number];
  /** The contracts' `EmptyStageRule` value. */
  emptyStageRule: EmptyStageRule;
  holder: Address;
  /** The contributions as given (validated); `contributors[i]` is the lower-case contributor of the i-th. */
  contributions: readonly SplitContribution[];
  contributors: readonly Address[];
  parents: readonly CheckedParent[];
  /** Everything paid upstream: the parents' root royalties and their chains' licensors. */
  royaltyBps: number;
}

/** A validated sub-grantor: account lower-case. */
interface CheckedLicensor {
  account: Address;
  royaltyBps: number;
  grantId: bigint;
}

/** A validated parent: licensors by grant id ascending (an empty list for a direct grant). */
interface CheckedParent {
  assetId: bigint;
  royaltyBps: number;
  licensors: readonly CheckedLicensor[];
}

/** A context with its parents' nodes: the lineage is a DAG of these, one node per asset. */
export interface LineageNode {
  context: CheckedContext;
  parents: readonly { royaltyBps: number; licensors: readonly CheckedLicensor[]; node: LineageNode }[];
}

const isUint = (value: unknown, max: bigint): value is bigint => typeof value === "bigint" && value >= 0n && value <= max;
const isInt = (value: unknown, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max;

/** Validates a context; throws a {@link SplitError} naming the asset and the faulty field. */
function checkContext(context: SplitContext): CheckedContext {
  const assetId: unknown = context.assetId;
  if (!isUint(assetId, maxUint256)) {
    throw new SplitError("INVALID_ASSET", `asset id is not a uint256: ${String(assetId)}`, { assetId });
  }
  const at = { assetId };
  const where = `asset ${assetId}`;

  const policy: unknown = context.policy;
  if (typeof policy !== "object" || policy === null) {
    throw new SplitError("INVALID_POLICY", `${where}: no policy (a product without one has version 0)`, at);
  }
  if (!Array.isArray(context.contributions) || !Array.isArray(context.parents)) {
    throw new SplitError("INVALID_ASSET", `${where}: contributions and parents must be arrays`, at);
  }
  const { version, stageWeightsBps, emptyStageRule } = context.policy;
  if (!isInt(version, MAX_UINT32)) {
    throw new SplitError("INVALID_POLICY", `${where}: policy version is not a uint32: ${String(version)}`, { ...at, version });
  }
  const rule = emptyStageRule === "TO_HOLDER" ? EmptyStageRule.TO_HOLDER : emptyStageRule === "PRO_RATA" ? EmptyStageRule.PRO_RATA : undefined;
  if (rule === undefined) {
    throw new SplitError("INVALID_POLICY", `${where}: unknown empty-stage rule ${String(emptyStageRule)}`, {
      ...at,
      emptyStageRule,
    });
  }
  if (!Array.isArray(stageWeightsBps) || stageWeightsBps.length !== 4 || !stageWeightsBps.every((w) => isInt(w, BPS))) {
    throw new SplitError("INVALID_WEIGHTS", `${where}: stage weights must be four integers of 0 to 10,000 bps`, {
      ...at,
      stageWeightsBps,
    });
  }
  const totalBps = stageWeightsBps.reduce((sum, w) => sum + w, 0);
  if (version === 0 && (totalBps !== 0 || rule !== EmptyStageRule.TO_HOLDER)) {
    throw new SplitError("INVALID_WEIGHTS", `${where}: policy version 0 (no policy) must have zero weights and TO_HOLDER`, {
      ...at,
      stageWeightsBps,
      emptyStageRule,
    });
  }
  if (version !== 0 && totalBps !== BPS) {
    throw new SplitError("INVALID_WEIGHTS", `${where}: stage weights sum to ${totalBps} bps, not 10,000`, {
      ...at,
      stageWeightsBps,
      totalBps,
    });
  }

  const holder = normalizeAddress(context.holder, `${where}: holder`, at);

  // Contribution ids are unique. A reducer usually lists them ascending, which proves it in passing;
  // otherwise a set (of doubles where they fit: much cheaper than a set of bigints) finds a repeat.
  const contributions = context.contributions;
  const contributors = new Array<Address>(contributions.length);
  let ascending = true;
  let previous = -1n;
  for (let i = 0; i < contributions.length; i += 1) {
    const c = contributions[i]!;
    const id: unknown = c.id;
    if (!isUint(id, maxUint256)) {
      throw new SplitError("INVALID_CONTRIBUTION", `${where}: contribution id is not a uint256: ${String(id)}`, { ...at, id });
    }
    if (ascending && id <= previous) ascending = false;
    previous = id;
    const stage: unknown = c.stage;
    if (stage !== Stage.COLLECTION && stage !== Stage.PROCESSING && stage !== Stage.CIRCULATION && stage !== Stage.APPLICATION) {
      throw new SplitError("INVALID_CONTRIBUTION", `${where}: contribution ${id} has no stage 0-3: ${String(stage)}`, {
        ...at,
        id,
        stage,
      });
    }
    const measure: unknown = c.measure;
    if (!isUint(measure, maxUint256) || measure === 0n) {
      throw new SplitError("INVALID_CONTRIBUTION", `${where}: contribution ${id} has a measure that is not positive: ${String(measure)}`, {
        ...at,
        id,
        measure,
      });
    }
    const disputeId: unknown = c.disputeId;
    // Its part goes to the dispute's escrow account, whose low 64 bits are the dispute id.
    if (disputeId !== undefined && !isUint(disputeId, MAX_ESCROW_DISPUTE_ID)) {
      throw new SplitError("INVALID_CONTRIBUTION", `${where}: contribution ${id} has a dispute id that is not a uint64: ${String(disputeId)}`, {
        ...at,
        id,
        disputeId,
      });
    }
    const contributor = toAccount(c.contributor);
    if (contributor === undefined) {
      const value: unknown = c.contributor;
      throw new SplitError(
        "INVALID_ADDRESS",
        `${where}: contributor of contribution ${id} ${addressProblem(value)}: ${String(value)}`,
        { ...at, id, value },
      );
    }
    contributors[i] = contributor;
  }
  if (!ascending) {
    const small = new Set<number>();
    const large = new Set<bigint>();
    for (const { id } of contributions) {
      const seen = id <= MAX_SAFE ? small : large;
      const before = seen.size;
      if (id <= MAX_SAFE) small.add(Number(id));
      else large.add(id);
      if (seen.size === before) {
        throw new SplitError("DUPLICATE_CONTRIBUTION", `${where}: contribution ${id} appears twice`, { ...at, id });
      }
    }
  }

  // Royalties stack: each parent's root royalty, plus every sub-grantor's of its chain.
  let royaltyBps = 0;
  let licensorBps = 0;
  const parents = context.parents.map((p): CheckedParent => {
    const parentId: unknown = p.assetId;
    if (!isUint(parentId, maxUint256)) {
      throw new SplitError("INVALID_ASSET", `${where}: parent asset id is not a uint256: ${String(parentId)}`, {
        ...at,
        parent: parentId,
      });
    }
    if (!isInt(p.royaltyBps, BPS)) {
      throw new SplitError("INVALID_ROYALTY", `${where}: royalty to parent ${parentId} is not 0 to 10,000 bps: ${String(p.royaltyBps)}`, {
        ...at,
        parent: parentId,
        royaltyBps: p.royaltyBps,
      });
    }
    royaltyBps += p.royaltyBps;
    const licensors = checkLicensors(p.licensors, where, { ...at, parent: parentId });
    for (const licensor of licensors) licensorBps += licensor.royaltyBps;
    return { assetId: parentId, royaltyBps: p.royaltyBps, licensors };
  });
  royaltyBps += licensorBps;
  if (royaltyBps > BPS) {
    const ofWhich = licensorBps > 0 ? ` (${licensorBps} of them to sub-grantors)` : "";
    throw new SplitError("ROYALTIES_EXCEED_TOTAL", `${where}: royalties to parents sum to ${royaltyBps} bps${ofWhich}, above 10,000`, {
      ...at,
      royaltyBps,
      licensorBps,
    });
  }
  parents.sort(compareParents);

  return {
    assetId,
    policyVersion: version,
    stageWeightsBps: [stageWeightsBps[0], stageWeightsBps[1], stageWeightsBps[2], stageWeightsBps[3]],
    emptyStageRule: rule,
    holder,
    contributions,
    contributors,
    parents,
    royaltyBps,
  };
}

/**
 * Validates the sub-grantors of one parent's grant chain (`undefined`: none) and orders them by grant id;
 * a grant appears once in a chain.
 */
function checkLicensors(value: unknown, where: string, at: Readonly<Record<string, unknown>>): CheckedLicensor[] {
  if (value === undefined) return [];
  const parent = String(at.parent);
  if (!Array.isArray(value)) {
    throw new SplitError("INVALID_ROYALTY", `${where}: licensors of parent ${parent} must be an array`, at);
  }
  const licensors = (value as readonly Partial<CheckedLicensor>[]).map((l): CheckedLicensor => {
    const grantId: unknown = l?.grantId;
    if (!isUint(grantId, maxUint256) || grantId === 0n) {
      throw new SplitError("INVALID_ROYALTY", `${where}: licensor of parent ${parent} has a grant id that is not a positive uint256: ${String(grantId)}`, {
        ...at,
        grantId,
      });
    }
    if (!isInt(l.royaltyBps, BPS)) {
      throw new SplitError(
        "INVALID_ROYALTY",
        `${where}: royalty of sub-grant ${grantId} (parent ${parent}) is not 0 to 10,000 bps: ${String(l.royaltyBps)}`,
        { ...at, grantId, royaltyBps: l.royaltyBps },
      );
    }
    const account = normalizeAddress(l.account, `${where}: grantor of sub-grant ${grantId} (parent ${parent})`, { ...at, grantId });
    return { account, royaltyBps: l.royaltyBps, grantId };
  });
  licensors.sort((a, b) => compareBigint(a.grantId, b.grantId));
  for (let i = 1; i < licensors.length; i += 1) {
    if (licensors[i]!.grantId === licensors[i - 1]!.grantId) {
      const grantId = licensors[i]!.grantId;
      throw new SplitError("INVALID_ROYALTY", `${where}: sub-grant ${grantId} appears twice in the chain of parent ${parent}`, { ...at, grantId });
    }
  }
  return licensors;
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical order of parents: asset id, royalty, then licensors element by element (grant id, account,
 * royalty; a prefix first). The contracts refuse a parent twice, but the order never depends on the input.
 */
function compareParents(a: CheckedParent, b: CheckedParent): number {
  const byAsset = compareBigint(a.assetId, b.assetId);
  if (byAsset !== 0) return byAsset;
  if (a.royaltyBps !== b.royaltyBps) return a.royaltyBps - b.royaltyBps;
  const length = Math.min(a.licensors.length, b.licensors.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.licensors[i]!;
    const y = b.licensors[i]!;
    const order = compareBigint(x.grantId, y.grantId) || (x.account < y.account ? -1 : x.account > y.account ? 1 : 0) || x.royaltyBps - y.royaltyBps;
    if (order !== 0) return order;
  }
  return a.licensors.length - b.licensors.length;
}

/**
 * Resolves and validates the whole lineage of `root`: each asset's context once (an ancestor reached by
 * several paths shares one node), refusing an unknown parent, a cycle, a path of more than
 * {@link MAX_LINEAGE_DEPTH} levels above the product, and more than {@link MAX_LINEAGE_VISITS} contexts
 * counted along all paths.
 */
export function loadLineage(root: SplitContext, resolveParent: SplitContextResolver | undefined): LineageNode {
  const done = new Map<bigint, { node: LineageNode; height: number; visits: number }>();
  const onPath: bigint[] = [];

  const visit = (context: SplitContext, level: number): { node: LineageNode; height: number; visits: number } => {
    const checked = checkContext(context);
    onPath.push(checked.assetId);
    const parents: { royaltyBps: number; licensors: readonly CheckedLicensor[]; node: LineageNode }[] = [];
    let height = 0;
    let visits = 1;
    for (const parent of checked.parents) {
      const path = [...onPath, parent.assetId];
      if (onPath.includes(parent.assetId)) {
        throw new SplitError("LINEAGE_CYCLE", `lineage cycle: ${path.join(" -> ")}`, { path });
      }
      let result = done.get(parent.assetId);
      if (result === undefined) {
        if (level + 1 > MAX_LINEAGE_DEPTH) {
          throw new SplitError("LINEAGE_TOO_DEEP", `lineage deeper than ${MAX_LINEAGE_DEPTH} levels: ${path.join(" -> ")}`, {
            path,
          });
        }
        result = visit(resolve(parent.assetId, checked.assetId), level + 1);
        done.set(parent.assetId, result);
      } else if (level + 1 + result.height > MAX_LINEAGE_DEPTH) {
        throw new SplitError(
          "LINEAGE_TOO_DEEP",
          `lineage deeper than ${MAX_LINEAGE_DEPTH} levels: ${path.join(" -> ")} and ${result.height} more`,
          { path },
        );
      }
      parents.push({ royaltyBps: parent.royaltyBps, licensors: parent.licensors, node: result.node });
      height = Math.max(height, result.height + 1);
      visits += result.visits;
      if (visits > MAX_LINEAGE_VISITS) {
        throw new SplitError(
          "LINEAGE_TOO_LARGE",
          `lineage of asset ${checked.assetId} has more than ${MAX_LINEAGE_VISITS} contexts along all its paths`,
          { assetId: checked.assetId, path: [...onPath] },
        );
      }
    }
    onPath.pop();
    return { node: { context: checked, parents }, height, visits };
  };

  const resolve = (assetId: bigint, childId: bigint): SplitContext => {
    const where = { assetId, child: childId };
    if (resolveParent === undefined) {
      throw new SplitError("UNKNOWN_PARENT", `parent ${assetId} of asset ${childId}: no resolver given`, where);
    }
    let context: SplitContext | undefined;
    try {
      context = resolveParent(assetId);
    } catch (cause) {
      throw new SplitError("UNKNOWN_PARENT", `parent ${assetId} of asset ${childId}: the resolver failed`, where, { cause });
    }
    if (context === undefined) {
      throw new SplitError("UNKNOWN_PARENT", `parent ${assetId} of asset ${childId} is unknown to the resolver`, where);
    }
    if (context.assetId !== assetId) {
      throw new SplitError(
        "UNKNOWN_PARENT",
        `parent ${assetId} of asset ${childId}: the resolver answered with asset ${String(context.assetId)}`,
        { ...where, answered: context.assetId },
      );
    }
    return context;
  };

  return visit(root, 0).node;
}
