import { getAddress } from "viem";

import { escrowAccount, escrowDisputeId, planSplit, type SplitContext, type SplitPlan } from "../../ledger/split/index.js";
import {
  key,
  listing,
  prefetchState,
  readDocument,
  settlementOf,
  splitContextOf,
  type ChainPosition,
  type ClaimRecord,
  type DisputeRecord,
  type EpochRecord,
} from "../../ledger/state/index.js";
import { DisputeKind, EpochStatus } from "../../ledger/types.js";
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

/** The chain's time as the index knows it: the latest indexed block's timestamp (undefined when unknown). */
export async function indexedTime(context: ApiContext): Promise<bigint | undefined> {
  return (await context.sources.status()).indexedTime;
}

/** One dispute's escrow leaf of a settlement, and whether the court released it. */
interface EscrowLeafView {
  epochId: string;
  disputeId: string;
  account: string;
  index: string;
  amount: string;
  status: "HELD" | "RELEASED" | "SETTLEMENT_REJECTED";
  released: { recipient: string | null; paid: string; returned: string; at: ChainPosition } | null;
}

/** How the court released an escrow leaf, from its spent-leaf record (null while it was not). */
export function escrowRelease(claim: ClaimRecord | undefined): EscrowLeafView["released"] {
  if (claim === undefined || claim.account !== "escrow") return null;
  return { recipient: claim.recipients[0] ?? null, paid: claim.amounts[0] ?? "0", returned: claim.returned ?? "0", at: claim.at };
}

/**
 * The escrow leaves of a settlement, by leaf index: HELD until the court releases one (RELEASED), or until
 * the settlement is rejected (SETTLEMENT_REJECTED: the vault gives its unspent leaves back to the product's
 * revenue). Undefined when the state at its block does not reproduce its root: its leaves are unknown.
 */
export async function escrowLeavesOf(context: ApiContext, epoch: EpochRecord): Promise<EscrowLeafView[] | undefined> {
  const { allocation, tree, rootMatches } = await settlementAllocation(context, epoch);
  if (!rootMatches) return undefined;
  const leaves: EscrowLeafView[] = [];
  for (const entry of allocation.entries) {
    const disputeId = escrowDisputeId(entry.account);
    const leaf = disputeId === undefined ? undefined : tree.claim(entry.account);
    if (disputeId === undefined || leaf === undefined) continue;
    const released = escrowRelease(readDocument<ClaimRecord>(context.sources.state, key.claim(BigInt(epoch.epochId), leaf.index)));
    leaves.push({
      epochId: epoch.epochId,
      disputeId: disputeId.toString(),
      account: getAddress(leaf.account),
      index: leaf.index.toString(),
      amount: leaf.amount.toString(),
      status: released !== null ? "RELEASED" : epoch.status === EpochStatus.REJECTED ? "SETTLEMENT_REJECTED" : "HELD",
      released,
    });
  }
  return leaves.sort((a, b) => (BigInt(a.index) < BigInt(b.index) ? -1 : 1));
}

/**
 * Where a dispute's escrow is: its leaf in every settlement posted while it was open (of its product, or of
 * a product derived from it: a parent's disputed record is paid through the child's royalty), held or
 * released. Only a contribution dispute holds escrow.
 */
export async function disputeEscrow(context: ApiContext, dispute: DisputeRecord) {
  const account = escrowAccount(BigInt(dispute.disputeId));
  const leaves: EscrowLeafView[] = [];
  const unverified: string[] = [];
  if (dispute.kind === DisputeKind.CONTRIBUTION) {
    for (const epoch of await allEpochs(context)) {
      // A settlement's state is that of its block: a dispute opened after it has no leaf in it.
      if (BigInt(epoch.stateBlock) < BigInt(dispute.at.block)) continue;
      const ofEpoch = await escrowLeavesOf(context, epoch);
      if (ofEpoch === undefined) unverified.push(epoch.epochId);
      else leaves.push(...ofEpoch.filter((leaf) => leaf.disputeId === dispute.disputeId));
    }
  }
  const sum = (values: string[]) => values.reduce((total, value) => total + BigInt(value), 0n).toString();
  return {
    disputeId: dispute.disputeId,
    account: getAddress(account),
    leaves,
    held: sum(leaves.filter((leaf) => leaf.status === "HELD").map((leaf) => leaf.amount)),
    paid: sum(leaves.map((leaf) => leaf.released?.paid ?? "0")),
    returned: sum(leaves.map((leaf) => leaf.released?.returned ?? "0")),
    unverified,
  };
}
