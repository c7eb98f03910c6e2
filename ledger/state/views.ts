import type { Address } from "viem";

import {
  allocationTree,
  creditedAllocation,
  planSplit,
  splitInputsHash,
  type Allocation,
  type AllocationTree,
  type SplitContext,
  type SplitContribution,
  type SplitCredit,
  type SplitInput,
  type SplitPolicy,
  type StageValue,
} from "../split/index.js";
import { ContributionStatus, EmptyStageRule, EpochStatus } from "../types.js";
import { key, listing } from "./keys.js";
import type {
  AssetRecord,
  ChainPosition,
  ClaimRecord,
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
function countedContributions(state: StateReader, productId: bigint): SplitContribution[] {
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
 * holder; its counted contributions; its parents with their grant chains' royalties (the root grant's to
 * the parent, each sub-grant's to its grantor, resolved through successions now).
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
    parents: asset.parents.map((parent) => ({
      assetId: BigInt(parent.assetId),
      royaltyBps: parent.royaltyBps,
      licensors: parent.licensors.map((licensor) => ({
        account: resolveParty(state, licensor.grantor) as Address,
        royaltyBps: licensor.royaltyBps,
        grantId: BigInt(licensor.grantId),
      })),
    })),
  };
}

/**
 * Revenue of `productId` deposited under `policyVersion` and not settled: what the vault's `unsettled`
 * reports. A rejected epoch gives back what was not claimed of it (its leaves spent stay spent), and an
 * escrow release gives back what it did not pay.
 */
export function unsettledAmount(state: StateReader, productId: bigint, policyVersion: number): bigint {
  let amount = 0n;
  for (const [indexKey] of state.entries(listing.depositsOfProduct(productId))) {
    const deposit = readDocument<DepositRecord>(state, key.deposit(BigInt(indexKey.slice(indexKey.lastIndexOf("/") + 1))));
    if (deposit !== undefined && deposit.policyVersion === policyVersion) amount += BigInt(deposit.amount);
  }
  for (const epoch of epochsOf(state, productId, policyVersion)) {
    amount -= epoch.status === EpochStatus.REJECTED ? BigInt(epoch.claimed) : BigInt(epoch.amount);
    amount += BigInt(epoch.returned);
  }
  return amount;
}

/**
 * A settlement as its readers need it, the chain's clock applied (the vault's `EpochStatus` has no state
 * for it: no event marks the end of a window): POSTED splits into IN_CHALLENGE, while the settler's
 * challenge window runs and an arbitrator may still reject it, and FINAL, once it ended and its leaves are
 * claimable. PAUSED (a court dispute of the settlement holds it) and REJECTED are the vault's own.
 */
const SettlementPhase = { IN_CHALLENGE: "IN_CHALLENGE", FINAL: "FINAL", PAUSED: "PAUSED", REJECTED: "REJECTED" } as const;
type SettlementPhase = (typeof SettlementPhase)[keyof typeof SettlementPhase];

/**
 * The phase of `epoch` at chain time `now` (unix seconds; the latest indexed block's timestamp). Without
 * a known time a posted settlement is taken as still in its window: FINAL is never claimed early.
 */
export function settlementPhase(epoch: Pick<EpochRecord, "status" | "challengeEndsAt">, now: bigint | undefined): SettlementPhase {
  if (epoch.status === EpochStatus.REJECTED) return SettlementPhase.REJECTED;
  if (epoch.status === EpochStatus.PAUSED) return SettlementPhase.PAUSED;
  // The vault lets leaves be claimed from `challengeEndsAt` on (`block.timestamp < challengeEndsAt` refuses).
  return now !== undefined && now >= BigInt(epoch.challengeEndsAt) ? SettlementPhase.FINAL : SettlementPhase.IN_CHALLENGE;
}

/** The epochs of a product under one policy version, by epoch id. */
function epochsOf(state: StateReader, productId: bigint, policyVersion: number): EpochRecord[] {
  const epochs: EpochRecord[] = [];
  for (const [indexKey] of state.entries(listing.epochsOfProduct(productId))) {
    const epoch = readDocument<EpochRecord>(state, key.epoch(BigInt(indexKey.slice(indexKey.lastIndexOf("/") + 1))));
    if (epoch !== undefined && epoch.policyVersion === policyVersion) epochs.push(epoch);
  }
  return epochs;
}

/** -1, 0, 1 as position `a` is before, at or after `b` on the chain. */
function comparePositions(a: ChainPosition, b: ChainPosition): number {
  const x = BigInt(a.block);
  const y = BigInt(b.block);
  return x < y ? -1 : x > y ? 1 : a.logIndex - b.logIndex;
}

/**
 * What the next settlement of `productId` under `policyVersion` must credit (finding F06): what rejected
 * epochs of that product and version paid before their rejection and no settlement has credited since,
 * by lower-case account, ascending. The epochs' postings and rejections are replayed in chain order: a
 * posting takes every pending credit (its allocation credited them), a rejection adds back the credits its
 * epoch took plus everything paid out of it — each claim to its leaf's account, each escrow release's paid
 * part to its recipient. Empty when no rejection is pending.
 */
export function pendingCredits(state: StateReader, productId: bigint, policyVersion: number): SplitCredit[] {
  const steps: { at: ChainPosition; epoch: EpochRecord; rejection: boolean }[] = [];
  for (const epoch of epochsOf(state, productId, policyVersion)) {
    steps.push({ at: epoch.at, epoch, rejection: false });
    if (epoch.rejected !== null) steps.push({ at: epoch.rejected, epoch, rejection: true });
  }
  steps.sort((a, b) => comparePositions(a.at, b.at));
  let pending = new Map<string, bigint>();
  const taken = new Map<string, Map<string, bigint>>();
  const credit = (account: string, amount: bigint): void => {
    if (amount === 0n) return;
    const lower = account.toLowerCase();
    pending.set(lower, (pending.get(lower) ?? 0n) + amount);
  };
  for (const { epoch, rejection } of steps) {
    if (!rejection) {
      taken.set(epoch.epochId, pending);
      pending = new Map();
      continue;
    }
    for (const [account, amount] of taken.get(epoch.epochId) ?? []) credit(account, amount);
    for (const [, raw] of state.entries(listing.claimsOfEpoch(BigInt(epoch.epochId)))) {
      const claim = JSON.parse(raw) as ClaimRecord;
      if (claim.account !== "escrow") credit(claim.account, BigInt(claim.amount));
      else for (const [i, recipient] of claim.recipients.entries()) credit(recipient, BigInt(claim.amounts[i]!));
    }
  }
  return [...pending]
    .map(([account, amount]) => ({ account: account as Address, amount }))
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

/**
 * Credits keyed by the accounts the split pays. A credit is recorded under the account that was paid (a
 * leaf's account, a release's recipient); when that account is no longer paid by the split because it was
 * succeeded since (a holder merged away: the split pays the resolved holder), its credit follows it to its
 * successor, so that the successor is not paid the predecessor's share a second time. Contributors stay
 * under their own account in a split (their successor claims their leaves), so their credits stay too.
 */
function creditsToPayees(
  state: StateReader,
  credits: readonly SplitCredit[],
  split: Omit<SplitInput, "amount">,
): SplitCredit[] {
  if (credits.length === 0) return [];
  const paid = new Set(planSplit(split).accounts.map(({ account }) => account.toLowerCase()));
  const moved = new Map<string, bigint>();
  for (const { account, amount } of credits) {
    const payee = paid.has(account) ? account : resolveParty(state, account).toLowerCase();
    moved.set(payee, (moved.get(payee) ?? 0n) + amount);
  }
  return [...moved]
    .map(([account, amount]) => ({ account: account as Address, amount }))
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

/** What a settler posts for a product and a policy version, and what contributors claim with. */
export interface SettlementProposal {
  productId: bigint;
  policyVersion: number;
  amount: bigint;
  /** The last block whose events the state includes: the settlement's `stateBlock`. */
  stateBlock: bigint;
  /** What rejected settlements already paid, credited by this one (see `pendingCredits`); usually none. */
  credits: SplitCredit[];
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
 * allocation (crediting what rejected settlements of the product and version already paid, see
 * `pendingCredits` and `creditedAllocation`), tree, Merkle root and inputs hash (which commits to the
 * credits). What a settler posts (see `proposeSettlement`) and what anyone recomputes to check a posted
 * one: the vault refuses a state block before the last settlement or rejection of the product and
 * version, so the credits at the state block are exactly those the posted settlement took.
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
  const resolveParent = (assetId: bigint) => splitContextOf(state, assetId);
  const credits = creditsToPayees(state, pendingCredits(state, productId, policyVersion), { context, resolveParent });
  const input = { amount, context, resolveParent, credits };
  const allocation = creditedAllocation(input);
  const tree = allocationTree(allocation);
  return {
    productId,
    policyVersion,
    amount,
    stateBlock,
    credits,
    allocation,
    tree,
    merkleRoot: tree.root,
    inputsHash: splitInputsHash(input),
  };
}
