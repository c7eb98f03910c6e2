import { decodeEventLog, type AbiEvent, type Address, type Hex } from "viem";

import { key, settlementOf, type SettlementProposal } from "../ledger/state/index.js";
import type { EpochStatus } from "../ledger/types.js";
import { ledgerStateAt, progressOn, readLogs } from "./chainData.js";
import type { Connection } from "./connection.js";
import type { CliStream } from "./io.js";
import { FailureError, InputError } from "./io.js";
import { ABIS } from "./tx.js";

const eventOf = (name: string) => ABIS.RevenueVault.find((item) => item.type === "event" && item.name === name) as AbiEvent;
const SETTLEMENT_POSTED = eventOf("SettlementPosted");
const REVENUE_CLAIMED = eventOf("RevenueClaimed");

/** What `SettlementPosted` recorded of a settlement. */
export interface PostedSettlement {
  epochId: bigint;
  productId: bigint;
  policyVersion: number;
  amount: bigint;
  merkleRoot: Hex;
  stateBlock: bigint;
  inputsHash: Hex;
}

/** The settlement `epochId` as posted on chain (from its event); `argument` names the option for messages. */
export async function readPostedSettlement(connection: Connection, epochId: bigint, argument = "epoch"): Promise<PostedSettlement> {
  const { client, deployment } = connection;
  const vault = deployment.addresses.RevenueVault;
  const count = (await client.readContract({ address: vault, abi: ABIS.RevenueVault, functionName: "epochCount" })) as bigint;
  if (epochId > count) throw new InputError(`${argument}: there is no epoch ${epochId} (the last is ${count})`, { argument });
  const [posted] = await readLogs(connection, {
    address: [vault],
    fromBlock: deployment.fromBlock,
    toBlock: await client.getBlockNumber(),
    event: SETTLEMENT_POSTED,
    args: { epochId },
  });
  if (posted === undefined) throw new FailureError(`no SettlementPosted event for epoch ${epochId}`, { epochId });
  const { args } = decodeEventLog({ abi: [SETTLEMENT_POSTED], data: posted.data, topics: posted.topics as [Hex, ...Hex[]] });
  return { epochId, ...(args as unknown as Omit<PostedSettlement, "epochId">) };
}

/** The settlement `epochId` as the vault holds it now (`IRevenueVault.epoch`): status, window, root, claimed. */
export interface EpochNow {
  epochId: bigint;
  productId: bigint;
  policyVersion: number;
  status: EpochStatus;
  challengeEndsAt: bigint;
  amount: bigint;
  claimed: bigint;
  merkleRoot: Hex;
}

/** The vault's record of `epochId`; an epoch that does not exist is bad input naming `argument`. */
export async function readEpoch(connection: Connection, epochId: bigint, argument = "epoch"): Promise<EpochNow> {
  const { client, deployment } = connection;
  const vault = { address: deployment.addresses.RevenueVault, abi: ABIS.RevenueVault };
  const count = (await client.readContract({ ...vault, functionName: "epochCount" })) as bigint;
  if (epochId > count) throw new InputError(`${argument}: there is no settlement ${epochId} (the last is ${count})`, { argument, epochId });
  const record = (await client.readContract({ ...vault, functionName: "epoch", args: [epochId] })) as Omit<EpochNow, "epochId" | "challengeEndsAt" | "status"> & {
    status: number;
    challengeEndsAt: bigint | number;
  };
  return {
    epochId,
    productId: record.productId,
    policyVersion: Number(record.policyVersion),
    status: record.status as EpochStatus,
    challengeEndsAt: BigInt(record.challengeEndsAt),
    amount: record.amount,
    claimed: record.claimed,
    merkleRoot: record.merkleRoot,
  };
}

/**
 * The epoch that posted `merkleRoot` for `productId` (a settlement file not stamped with its epoch id), or
 * undefined when no settlement of the product has that root.
 */
export async function findEpochOfRoot(connection: Connection, productId: bigint, merkleRoot: Hex): Promise<bigint | undefined> {
  const { client, deployment } = connection;
  const logs = await readLogs(connection, {
    address: [deployment.addresses.RevenueVault],
    fromBlock: deployment.fromBlock,
    toBlock: await client.getBlockNumber(),
    event: SETTLEMENT_POSTED,
    args: { productId },
  });
  const matching = logs
    .map((log) => decodeEventLog({ abi: [SETTLEMENT_POSTED], data: log.data, topics: log.topics as [Hex, ...Hex[]] }).args as unknown as { epochId: bigint; merkleRoot: Hex })
    .filter((posted) => posted.merkleRoot.toLowerCase() === merkleRoot.toLowerCase());
  // The same root posted twice (a rejected epoch settled again identically): the latest is the live one.
  return matching.at(-1)?.epochId;
}

/** A leaf's claim as `RevenueClaimed` recorded it: who was paid, how much, in which transaction. */
export interface ClaimedLeaf {
  recipient: Address;
  amount: bigint;
  transactionHash: Hex;
  blockNumber: bigint;
}

/** The claim of leaf `index` of `epochId` by `account`, if it was claimed. */
export async function readClaimOf(connection: Connection, epochId: bigint, account: Address, index: bigint): Promise<ClaimedLeaf | undefined> {
  const { client, deployment } = connection;
  const logs = await readLogs(connection, {
    address: [deployment.addresses.RevenueVault],
    fromBlock: deployment.fromBlock,
    toBlock: await client.getBlockNumber(),
    event: REVENUE_CLAIMED,
    args: { epochId, account },
  });
  for (const log of logs) {
    const args = decodeEventLog({ abi: [REVENUE_CLAIMED], data: log.data, topics: log.topics as [Hex, ...Hex[]] }).args as unknown as {
      index: bigint;
      amount: bigint;
      recipient: Address;
    };
    if (args.index === index) return { recipient: args.recipient, amount: args.amount, transactionHash: log.transactionHash, blockNumber: log.blockNumber };
  }
  return undefined;
}

/**
 * The allocation of a posted settlement recomputed from chain data as of its `stateBlock`: the same split
 * the settler computed (and `verify split` checks), with every leaf's proof.
 */
export async function recomputeSettlement(connection: Connection, posted: PostedSettlement, stderr: CliStream): Promise<SettlementProposal> {
  const { state } = await ledgerStateAt(connection, posted.stateBlock, progressOn(stderr, "reading logs"));
  if (state.get(key.asset(posted.productId)) === undefined) {
    throw new FailureError(`product ${posted.productId} did not exist at block ${posted.stateBlock}`, { productId: posted.productId });
  }
  return settlementOf(state, posted.productId, posted.policyVersion, posted.amount, posted.stateBlock);
}
