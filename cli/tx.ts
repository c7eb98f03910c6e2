import {
  BaseError,
  ContractFunctionRevertedError,
  erc20Abi,
  parseAbi,
  parseEventLogs,
  toEventSelector,
  type Abi,
  type AbiEvent,
  type AbiParameter,
  type Address,
  type Hex,
} from "viem";

import { LEDGER_ABIS, type LedgerContractName } from "../ledger/events/index.js";
import type { Connection, Signer } from "./connection.js";
import { shortMessage } from "./connection.js";
import { feeFields, type FeeFields } from "./fees.js";
import { FailureError } from "./io.js";
import { readableArgs } from "./readable.js";
import { displayArgs, errorText, explainRefusal, type RefusalFacts } from "./refusals.js";

type AbiError = Extract<Abi[number], { type: "error" }>;

/** The ledger's ABIs by contract name, widened to viem's `Abi` for lookups by name at run time. */
export const ABIS: Record<LedgerContractName, Abi> = LEDGER_ABIS;

/** OpenZeppelin's ERC-20 errors (ERC-6093) and SafeERC20's: what a deposit or a bond runs into. */
const TOKEN_ERRORS = parseAbi([
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ERC20InvalidSender(address sender)",
  "error ERC20InvalidReceiver(address receiver)",
  "error ERC20InvalidApprover(address approver)",
  "error ERC20InvalidSpender(address spender)",
  "error SafeERC20FailedOperation(address token)",
]);

/** Every custom error of the ledger (and ERC-20's): a revert bubbling up from another contract decodes too. */
const ALL_ERRORS: AbiError[] = dedupe(
  [...Object.values(ABIS), TOKEN_ERRORS as Abi].flatMap((abi) => abi.filter((item): item is AbiError => item.type === "error")),
);
const ALL_EVENTS_ABI: Abi = dedupe([...Object.values(ABIS), erc20Abi as Abi].flatMap((abi) => abi.filter((item) => item.type === "event")));

function dedupe<T extends { type: string; name?: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = `${item.type}:${item.name ?? ""}:${JSON.stringify(item)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function abiWithErrors(abi: Abi): Abi {
  return [...abi, ...ALL_ERRORS];
}

/** A decoded event of a receipt, for output. */
export interface EmittedEvent {
  address: Address;
  eventName: string;
  args: Readonly<Record<string, unknown>>;
}

export interface TxResult {
  action: string;
  transactionHash: Hex;
  blockNumber: bigint;
  from: Address;
  /** The ids the events returned (assetId, grantId, ...), by name; several when a batch made several. */
  ids: Record<string, bigint[]>;
  events: EmittedEvent[];
}

export interface TxCall {
  /** The command, for messages: "asset apply". */
  action: string;
  contract: LedgerContractName | { address: Address; abi: Abi };
  functionName: string;
  args: readonly unknown[];
}

/** An event's ABI inputs by its name and topic (several tokens share `Transfer`'s name, not its topic). */
function eventInputs(name: string | undefined, topic: Hex | undefined): readonly AbiParameter[] {
  const event = ALL_EVENTS_ABI.find(
    (item): item is AbiEvent => item.type === "event" && item.name === name && (topic === undefined || toEventSelector(item) === topic),
  );
  return event?.inputs ?? [];
}

/** The names of event arguments that are ids worth printing. */
const ID_ARGS = /^(assetId|reviewId|objectionId|grantId|contributionId|depositId|epochId|disputeId|version)$/;

/**
 * What the refusal's explanation may need besides the error's arguments: the chain's clock, and for a
 * settlement that cannot be claimed yet, its status and challenge window. Best effort: a node that does not
 * answer leaves the explanation without them.
 */
async function refusalFacts(connection: Connection, name: string, args: Record<string, unknown>): Promise<RefusalFacts> {
  try {
    const now = (await connection.client.getBlock({ blockTag: "latest" })).timestamp;
    if (name !== "RevenueVaultNotClaimable" || typeof args.epochId !== "bigint") return { now };
    const epoch = (await connection.client.readContract({
      address: connection.deployment.addresses.RevenueVault,
      abi: ABIS.RevenueVault,
      functionName: "epoch",
      args: [args.epochId],
    })) as { status: number; challengeEndsAt: bigint };
    return { now, epoch: { status: Number(epoch.status), challengeEndsAt: BigInt(epoch.challengeEndsAt) } };
  } catch {
    return {};
  }
}

/**
 * "ErrorName(arg: value, ...)" from a viem error, enum values by name and moments as dates, with what it
 * means when the refusal is one a user can act on (`explanation`, see refusals.ts), or undefined when it is
 * not a contract revert.
 */
async function describeRevert(
  connection: Connection,
  error: unknown,
): Promise<{ name: string; args: Record<string, unknown>; text: string; explanation?: string } | undefined> {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(revert instanceof ContractFunctionRevertedError)) return undefined;
  if (revert.data !== undefined) {
    const inputs = "inputs" in revert.data.abiItem ? revert.data.abiItem.inputs : [];
    const values = revert.data.args ?? [];
    const args: Record<string, unknown> = {};
    for (const [i, input] of inputs.entries()) args[input.name ?? String(i)] = values[i];
    const name = revert.data.errorName;
    const explanation = explainRefusal(name, args, await refusalFacts(connection, name, args));
    return { name, args: displayArgs(name, args), text: errorText(name, args), ...(explanation === undefined ? {} : { explanation }) };
  }
  if (revert.reason !== undefined) return { name: "Error", args: { reason: revert.reason }, text: `Error(${revert.reason})` };
  if (revert.signature !== undefined) return { name: revert.signature, args: {}, text: `unknown error ${revert.signature}` };
  return { name: "revert", args: {}, text: "reverted without a reason" };
}

/**
 * Simulates the call (a revert is decoded and reported before anything is signed), sends it, waits for the
 * receipt, and decodes its events.
 */
export async function sendTx(connection: Connection, signer: Signer, call: TxCall): Promise<TxResult> {
  const { address, abi } =
    typeof call.contract === "string" ? { address: connection.deployment.addresses[call.contract], abi: ABIS[call.contract] } : call.contract;
  let hash: Hex;
  try {
    const { request } = await connection.client.simulateContract({
      address,
      abi: abiWithErrors(abi),
      functionName: call.functionName,
      args: call.args,
      account: signer.account,
      // As the next block will run it: a settlement's stateBlock must be before the block it lands in.
      blockTag: "pending",
    });
    // The fee fields replace whatever the simulation's request carried (none): its type cannot see that.
    const fees = await feeFields(connection.client);
    hash = await signer.wallet.writeContract({ ...request, ...fees, chain: connection.chain, account: signer.account } as typeof request & FeeFields);
  } catch (error) {
    const revert = await describeRevert(connection, error);
    if (revert !== undefined) {
      const why = revert.explanation === undefined ? "" : `: ${revert.explanation}`;
      throw new FailureError(
        `${call.action}: the contract refused: ${revert.text}${why}`,
        { error: revert.name, args: revert.args, ...(revert.explanation === undefined ? {} : { explanation: revert.explanation }) },
        error,
      );
    }
    throw new FailureError(`${call.action}: ${shortMessage(error)}`, {}, error);
  }
  const receipt = await connection.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") {
    throw new FailureError(`${call.action}: transaction ${hash} reverted in block ${receipt.blockNumber}`, { transactionHash: hash });
  }
  // Printed as they are (`--json`): enum values by name and moments as dates; ids, amounts and addresses unchanged.
  const events = parseEventLogs({ abi: ALL_EVENTS_ABI, logs: receipt.logs }).map((log) => ({
    address: log.address,
    eventName: log.eventName ?? "?",
    args: readableArgs(eventInputs(log.eventName, log.topics[0]), (log.args ?? {}) as Readonly<Record<string, unknown>>),
  }));
  const ids: Record<string, bigint[]> = {};
  for (const event of events) {
    if (event.eventName === "EvidenceAppended" || event.eventName === "Approval" || event.eventName === "Transfer") continue;
    for (const [name, value] of Object.entries(event.args)) {
      if (!ID_ARGS.test(name) || (typeof value !== "bigint" && typeof value !== "number")) continue;
      ids[name] ??= [];
      const list = ids[name];
      if (!list.includes(BigInt(value))) list.push(BigInt(value));
    }
  }
  return { action: call.action, transactionHash: hash, blockNumber: receipt.blockNumber, from: signer.account.address, ids, events };
}
