import type { Address } from "viem";

import {
  allocationTree,
  splitInputsHash,
  splitRevenue,
  type Allocation,
  type AllocationTree,
  type SplitContext,
  type SplitContribution,
  type SplitPolicy,
  type StageValue,
} from "../split/index.js";
import { ContributionStatus, EmptyStageRule } from "../types.js";
import { index, key, listing } from "./keys.js";
import type {
  AssetRecord,
  ContributionRecord,
  DepositRecord,
  EpochRecord,
  PartyRecord,
  PolicyRecord,
} from "./records.js";
import type { StateReader } from "./store.js";

/**
 * Read models over the ledger state: the documents by id, successions resolved, and what the split engine
 * needs. Shared by the indexer's settlement proposals, the API and the command-line tool.
 */

export function readDocument<T>(state: Pick<StateReader, "get">, documentKey: string): T | undefined {
  const raw = state.get(documentKey);
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}

/** The live party `account` resolves to through recorded successions (itself when never succeeded). */
export function resolveParty(state: Pick<StateReader, "get">, account: string): string {
  let current = account;
  // Successions are bounded on chain (16 generations); the bound here only guards a corrupt state.
  for (let generation = 0; generation <= 64; generation += 1) {
    const party = readDocument<PartyRecord>(state, key.party(current));
    if (party?.successor == null) return current;
    current = party.successor;
  }
  throw new Error(`succession of ${account} does not end`);
}

/** The resolved holder of an asset: its certificate's owner, or before issue its applicant. */
export function holderOf(state: Pick<StateReader, "get">, asset: AssetRecord): string {
  return resolveParty(state, asset.owner ?? asset.applicant);
}

/** The latest split policy of a product (undefined before its first). */
export function latestPolicy(state: StateReader, productId: bigint): PolicyRecord | undefined {
  let latest: PolicyRecord | undefined;
  for (const [, raw] of state.entries(listing.policiesOf(productId))) latest = JSON.parse(raw) as PolicyRecord;
  return latest;
}

function toSplitPolicy(policy: PolicyRecord | undefined): SplitPolicy {
  if (policy === undefined) return { version: 0, stageWeightsBps: [0, 0, 0, 0], emptyStageRule: "TO_HOLDER" };
  return {
    version: policy.version,
    stageWeightsBps: policy.stageWeightsBps,
    emptyStageRule: policy.emptyStageRule === EmptyStageRule.PRO_RATA ? "PRO_RATA" : "TO_HOLDER",
  };
}

/**
 * The contributions that count in a product's split: CONFIRMED ones, and DISPUTED ones that were
 * CONFIRMED when the dispute opened (their part goes to the dispute's escrow).
 */
export function countedContributions(state: StateReader, productId: bigint): SplitContribution[] {
  const counted: SplitContribution[] = [];
  for (const [indexKey] of state.entries(listing.contributionsOfProduct(productId))) {
    const id = BigInt(indexKey.slice(indexKey.lastIndexOf("/") + 1));
    const record = readDocument<ContributionRecord>(state, key.contribution(id));
    if (record === undefined) continue;
    const disputed =
      record.status === ContributionStatus.DISPUTED && record.statusBeforeDispute === ContributionStatus.CONFIRMED;
    if (record.status !== ContributionStatus.CONFIRMED && !disputed) continue;
    counted.push({
      id,
      contributor: record.contributor as Address,
      stage: record.stage as StageValue,
      measure: BigInt(record.measure),
      disputeId: disputed ? BigInt(record.disputeId!) : undefined,
    });
  }
  return counted;
}

/**
 * The split context of an asset: the given policy version (a settlement's), or its latest policy; its
 * holder; its counted contributions; its parents with their grants' royalties.
 */
export function splitContextOf(state: StateReader, assetId: bigint, policyVersion?: number): SplitContext | undefined {
  const asset = readDocument<AssetRecord>(state, key.asset(assetId));
  if (asset === undefined) return undefined;
  const policy =
    policyVersion === undefined
      ? latestPolicy(state, assetId)
      : policyVersion === 0
        ? undefined
        : readDocument<PolicyRecord>(state, key.policy(assetId, policyVersion));
  if (policyVersion !== undefined && policyVersion !== 0 && policy === undefined) {
    throw new Error(`asset ${assetId} has no split policy version ${policyVersion}`);
  }
  return {
    assetId,
    policy: toSplitPolicy(policy),
    holder: holderOf(state, asset) as Address,
    contributions: countedContributions(state, assetId),
    parents: asset.parents.map((parent) => ({ assetId: BigInt(parent.assetId), royaltyBps: parent.royaltyBps })),
  };
}

/**
 * Revenue of `productId` deposited under `policyVersion` and not settled: what the vault's `unsettled`
 * reports. A rejected epoch gives back what was not claimed of it.
 */
export function unsettledAmount(state: StateReader, productId: bigint, policyVersion: number): bigint {
  let amount = 0n;
  for (const [indexKey] of state.entries(listing.depositsOfProduct(productId))) {
    const deposit = readDocument<DepositRecord>(state, key.deposit(BigInt(indexKey.slice(indexKey.lastIndexOf("/") + 1))));
    if (deposit !== undefined && deposit.policyVersion === policyVersion) amount += BigInt(deposit.amount);
  }
  for (const [indexKey] of state.entries(listing.epochsOfProduct(productId))) {
    const epoch = readDocument<EpochRecord>(state, key.epoch(BigInt(indexKey.slice(indexKey.lastIndexOf("/") + 1))));
    if (epoch === undefined || epoch.policyVersion !== policyVersion) continue;
    amount -= epoch.status === 3 ? BigInt(epoch.claimed) : BigInt(epoch.amount);
  }
  return amount;
}

/** What a settler posts for a product and a policy version, and what contributors claim with. */
export interface SettlementProposal {
  productId: bigint;
  policyVersion: number;
  amount: bigint;
  /** The last block whose events the state includes: the settlement's `stateBlock`. */
  stateBlock: bigint;
  allocation: Allocation;
  tree: AllocationTree;
  merkleRoot: `0x${string}`;
  inputsHash: `0x${string}`;
}

/**
 * Proposes the settlement of everything unsettled of `productId` under `policyVersion`, from the state
 * at `stateBlock` (the state must hold exactly the events up to that block). Undefined when nothing is
 * unsettled.
 */
export function proposeSettlement(
  state: StateReader,
  productId: bigint,
  policyVersion: number,
  stateBlock: bigint,
): SettlementProposal | undefined {
  const amount = unsettledAmount(state, productId, policyVersion);
  return amount <= 0n ? undefined : settlementOf(state, productId, policyVersion, amount, stateBlock);
}

/**
 * The settlement of `amount` of `productId` under `policyVersion` from the state at `stateBlock`: its
 * allocation, tree, Merkle root and inputs hash. What a settler posts (see `proposeSettlement`) and what
 * anyone recomputes to check a posted one.
 */
export function settlementOf(
  state: StateReader,
  productId: bigint,
  policyVersion: number,
  amount: bigint,
  stateBlock: bigint,
): SettlementProposal {
  const context = splitContextOf(state, productId, policyVersion);
  if (context === undefined) throw new Error(`product ${productId} is not in the state at block ${stateBlock}`);
  const input = { amount, context, resolveParent: (assetId: bigint) => splitContextOf(state, assetId) };
  const allocation = splitRevenue(input);
  const tree = allocationTree(allocation);
  return {
    productId,
    policyVersion,
    amount,
    stateBlock,
    allocation,
    tree,
    merkleRoot: tree.root,
    inputsHash: splitInputsHash(input),
  };
}

/** The index entries of one owner, as ids. */
export function idsOf(state: StateReader, indexPrefix: string, options: { after?: string; limit?: number } = {}): bigint[] {
  const ids: bigint[] = [];
  for (const [indexKey] of state.entries(indexPrefix, options)) ids.push(BigInt(indexKey.slice(indexKey.lastIndexOf("/") + 1)));
  return ids;
}

export { index as stateIndex };
