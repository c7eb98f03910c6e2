import { decodeEventLog, type AbiEvent, type Hex } from "viem";

import { key, settlementOf, type SettlementProposal } from "../ledger/state/index.js";
import { ledgerStateAt, progressOn, readLogs } from "./chainData.js";
import type { Connection } from "./connection.js";
import type { CliStream } from "./io.js";
import { FailureError, InputError } from "./io.js";
import { ABIS } from "./tx.js";

const SETTLEMENT_POSTED = ABIS.RevenueVault.find((item) => item.type === "event" && item.name === "SettlementPosted") as AbiEvent;

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
