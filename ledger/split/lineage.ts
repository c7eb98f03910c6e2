import type { Address } from "viem";

import { addressProblem, normalizeAddress, toAccount } from "./address.js";
import { SplitError } from "./errors.js";
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

const MAX_UINT256 = 2n ** 256n - 1n;
const MAX_UINT32 = 2 ** 32 - 1;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A validated context: holder and contributors lower-case, parents by asset id then royalty. */
export interface CheckedContext {
  assetId: bigint;
  policyVersion: number;
  stageWeightsBps: readonly [number, number, number, number];
  /** The contracts' `EmptyStageRule` value: 0 TO_HOLDER, 1 PRO_RATA. */
  emptyStageRule: 0 | 1;
  holder: Address;
  /** The contributions as given (validated); `contributors[i]` is the lower-case contributor of the i-th. */
  contributions: readonly SplitContribution[];
  contributors: readonly Address[];
  parents: readonly { assetId: bigint; royaltyBps: number }[];
  royaltyBps: number;
}

/** A context with its parents' nodes: the lineage is a DAG of these, one node per asset. */
export interface LineageNode {
  context: CheckedContext;
  parents: readonly { royaltyBps: number; node: LineageNode }[];
}

const isUint = (value: unknown, max: bigint): value is bigint => typeof value === "bigint" && value >= 0n && value <= max;
const isInt = (value: unknown, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max;

/** Validates a context; throws a {@link SplitError} naming the asset and the faulty field. */
export function checkContext(context: SplitContext): CheckedContext {
  const assetId: unknown = context.assetId;
  if (!isUint(assetId, MAX_UINT256)) {
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
  const rule = emptyStageRule === "TO_HOLDER" ? 0 : emptyStageRule === "PRO_RATA" ? 1 : undefined;
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
  if (version === 0 && (totalBps !== 0 || rule !== 0)) {
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
    if (!isUint(id, MAX_UINT256)) {
      throw new SplitError("INVALID_CONTRIBUTION", `${where}: contribution id is not a uint256: ${String(id)}`, { ...at, id });
    }
    if (ascending && id <= previous) ascending = false;
    previous = id;
    const stage: unknown = c.stage;
    if (stage !== 0 && stage !== 1 && stage !== 2 && stage !== 3) {
      throw new SplitError("INVALID_CONTRIBUTION", `${where}: contribution ${id} has no stage 0-3: ${String(stage)}`, {
        ...at,
        id,
        stage,
      });
    }
    const measure: unknown = c.measure;
    if (!isUint(measure, MAX_UINT256) || measure === 0n) {
      throw new SplitError("INVALID_CONTRIBUTION", `${where}: contribution ${id} has a measure that is not positive: ${String(measure)}`, {
        ...at,
        id,
        measure,
      });
    }
    const disputeId: unknown = c.disputeId;
    if (disputeId !== undefined && !isUint(disputeId, MAX_UINT256)) {
      throw new SplitError("INVALID_CONTRIBUTION", `${where}: contribution ${id} has a dispute id that is not a uint256: ${String(disputeId)}`, {
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

  let royaltyBps = 0;
  const parents = context.parents.map((p) => {
    const parentId: unknown = p.assetId;
    if (!isUint(parentId, MAX_UINT256)) {
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
    return { assetId: parentId, royaltyBps: p.royaltyBps };
  });
  if (royaltyBps > BPS) {
    throw new SplitError("ROYALTIES_EXCEED_TOTAL", `${where}: royalties to parents sum to ${royaltyBps} bps, above 10,000`, {
      ...at,
      royaltyBps,
    });
  }
  parents.sort((a, b) => (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : a.royaltyBps - b.royaltyBps));

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
    const parents: { royaltyBps: number; node: LineageNode }[] = [];
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
      parents.push({ royaltyBps: parent.royaltyBps, node: result.node });
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
