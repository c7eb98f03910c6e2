import { planSplit, type SplitContext, type SplitPlan } from "../../ledger/split/index.js";
import {
  key,
  listing,
  prefetchState,
  settlementOf,
  splitContextOf,
  type EpochRecord,
} from "../../ledger/state/index.js";
import { keepIfStable, type ApiContext, type SettlementAllocation, type SplitSnapshot } from "./context.js";

/**
 * Recomputes what the settler posted: the split of the epoch's amount under its policy version, from the
 * state at its `stateBlock` (every event up to that block, replayed from the stored logs). Cached per epoch,
 * root and block: a settlement never changes them, and a reorg that replaced it changes the key.
 */
export function settlementAllocation(context: ApiContext, epoch: EpochRecord): Promise<SettlementAllocation> {
  const cacheKey = `${epoch.epochId}:${epoch.merkleRoot}:${epoch.stateBlock}`;
  let allocation = context.caches.allocations.get(cacheKey);
  if (allocation === undefined) {
    allocation = (async () => {
      const stateBlock = BigInt(epoch.stateBlock);
      const state = await context.sources.stateAt(stateBlock);
      const { allocation: result, tree } = settlementOf(state, BigInt(epoch.productId), epoch.policyVersion, BigInt(epoch.amount), stateBlock);
      return { allocation: result, tree, rootMatches: tree.root.toLowerCase() === epoch.merkleRoot.toLowerCase() };
    })();
    context.caches.allocations.set(cacheKey, allocation);
    // A failure is not cached, nor what was read across a write: the next request computes it again.
    keepIfStable(context, allocation, () => context.caches.allocations.delete(cacheKey));
  }
  return allocation;
}

/** Bounds of a lineage walk, as the split engine's (32 levels, 10,000 contexts). */
const MAX_LINEAGE_ASSETS = 10_000;

/**
 * The current state a product's split reads, fetched ahead (policies and contributions of the product and
 * of every ancestor): the split engine and `views.ts` read synchronously. Cached per product until the
 * indexer's cursor moves.
 */
export function splitStateOf(context: ApiContext, productId: bigint): Promise<SplitSnapshot> {
  const revision = context.sources.revision();
  const cacheKey = productId.toString();
  const cached = context.caches.splitStates.get(cacheKey);
  if (cached !== undefined && cached.revision === revision) return cached.state;
  const { state } = context.sources;
  const prefixes: string[] = [];
  const seen = new Set<bigint>();
  const queue = [productId];
  while (queue.length > 0 && seen.size < MAX_LINEAGE_ASSETS) {
    const assetId = queue.pop()!;
    if (seen.has(assetId)) continue;
    seen.add(assetId);
    prefixes.push(listing.policiesOf(assetId), listing.contributionsOfProduct(assetId));
    const raw = state.get(key.asset(assetId));
    if (raw === undefined) continue;
    for (const parent of (JSON.parse(raw) as { parents: { assetId: string }[] }).parents) queue.push(BigInt(parent.assetId));
  }
  const fetched = prefetchState(state, prefixes).then((snapshot): SplitSnapshot => {
    const contexts = new Map<bigint, SplitContext | undefined>();
    const plans = new Map<bigint, { plan: SplitPlan } | { error: unknown }>();
    const contextOf = (assetId: bigint) => {
      if (!contexts.has(assetId)) contexts.set(assetId, splitContextOf(snapshot, assetId));
      return contexts.get(assetId);
    };
    return {
      state: snapshot,
      contextOf,
      planOf(assetId) {
        let planned = plans.get(assetId);
        if (planned === undefined) {
          try {
            const splitContext = contextOf(assetId);
            if (splitContext === undefined) throw new Error(`asset ${assetId} is not in the state`);
            planned = { plan: planSplit({ context: splitContext, resolveParent: contextOf }) };
          } catch (error) {
            planned = { error };
          }
          plans.set(assetId, planned);
        }
        if ("error" in planned) throw planned.error;
        return planned.plan;
      },
    };
  });
  context.caches.splitStates.set(cacheKey, { revision, state: fetched });
  keepIfStable(context, fetched, () => context.caches.splitStates.delete(cacheKey));
  return fetched;
}

/** The epochs of the ledger (all of them, or a product's), for a party's earnings. */
export async function allEpochs(context: ApiContext): Promise<EpochRecord[]> {
  const epochs: EpochRecord[] = [];
  for await (const [, value] of context.sources.state.entries(listing.epochs)) epochs.push(JSON.parse(value) as EpochRecord);
  return epochs;
}

