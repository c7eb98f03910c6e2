import { getAddress, type Address } from "viem";

import { verifyAllocationProof } from "../ledger/split/index.js";
import { EpochStatus } from "../ledger/types.js";
import type { Connection } from "./connection.js";
import type { CliContext } from "./context.js";
import { FailureError, InputError, type CliError } from "./io.js";
import { ApiUnavailable, openLedgerApi, type LedgerApi } from "./ledgerApi.js";
import { findEpochOfRoot, readClaimOf, readEpoch, readPostedSettlement, recomputeSettlement, type EpochNow } from "./postedSettlement.js";
import { parseClaimDocument, parseProofFile, type Leaf } from "./settlementFile.js";
import { dateFromNow } from "./time.js";
import { formatToken, settlementToken } from "./token.js";
import { ABIS } from "./tx.js";

/**
 * The leaves a `claim` sends, gathered from what a contributor has (an API claim document, the settler's
 * settlement file) or is shown (an epoch number: the API's leaf, or the leaf rebuilt from chain data), and
 * checked against the chain before anything is sent: the proof against the root posted on chain, not claimed
 * yet, claimable now, and the signer entitled to the leaf's account.
 */

/** Where a leaf came from, said in the output: only the chain's root makes it trustworthy. */
type LeafSource = { kind: "file"; path: string } | { kind: "api"; url: string } | { kind: "chain" };

export interface ClaimLeaf {
  epochId: bigint;
  productId: bigint;
  leaf: Leaf;
  source: LeafSource;
}

export interface ClaimRequest {
  /** The account of the leaves: the signer, or a predecessor it succeeded (`--for`). */
  account: Address;
  signer: Address;
  /** `--proof` files, in the order given. */
  proofFiles: readonly string[];
  /** `--epoch` ids, in the order given. */
  epochs: readonly bigint[];
  /** Rebuild from the chain, never ask the API. */
  fromChain: boolean;
  apiUrl: string;
}

/** An epoch that cannot be claimed, and why; `input` when the user named something that is not there. */
interface ClaimProblem {
  epochId: bigint;
  reason: "unknown-epoch" | "no-leaf" | "root-mismatch" | "forged-leaf" | "claimed" | "not-claimable" | "not-entitled";
  message: string;
  input: boolean;
  details?: Record<string, unknown>;
}

/** For a signer with no leaf of its own: a predecessor's leaves are claimed with --for. */
const successorHint = (request: ClaimRequest) =>
  request.account.toLowerCase() === request.signer.toLowerCase() ? "; a predecessor's leaves you succeeded to are claimed with --for <its address>" : "";

const describeSource = (source: LeafSource) =>
  source.kind === "file" ? source.path : source.kind === "api" ? `the API's answer (${source.url})` : "the leaf rebuilt from chain data";

/** Reads and checks the `--proof` files (no network): the leaf of `account` in each. */
async function leavesOfFiles(cli: CliContext, request: ClaimRequest): Promise<{ path: string; parsed: ReturnType<typeof parseProofFile>; leaf: Leaf }[]> {
  const found = [];
  for (const path of request.proofFiles) {
    const parsed = parseProofFile(path, await cli.readJsonFile(path, "--proof"));
    if (parsed.form === "claim") {
      const { leaf, escrowFor } = parsed.document;
      if (escrowFor !== undefined) {
        throw new InputError(`--proof: ${path} is the escrow leaf of dispute ${escrowFor}: only the court releases it (\`provenance dispute release-escrow\`)`, { argument: "--proof" });
      }
      if (leaf.account !== request.account.toLowerCase()) {
        throw new InputError(
          `--proof: ${path} is the leaf of ${getAddress(leaf.account)}, not of ${request.account}` +
            (request.account.toLowerCase() === request.signer.toLowerCase() ? ` (claiming for a predecessor you succeeded? pass --for ${getAddress(leaf.account)})` : ""),
          { argument: "--proof" },
        );
      }
      found.push({ path, parsed, leaf });
    } else {
      const leaf = parsed.file.parsedLeaves.find((l) => l.account === request.account.toLowerCase());
      if (leaf === undefined) throw new InputError(`--proof: ${path} has no leaf for ${request.account}`, { argument: "--proof" });
      found.push({ path, parsed, leaf });
    }
  }
  return found;
}

/** Gathers the leaves to claim and checks each against the chain; throws one error naming every epoch that cannot be claimed. */
export async function gatherClaims(cli: CliContext, request: ClaimRequest): Promise<ClaimLeaf[]> {
  const files = await leavesOfFiles(cli, request);
  const connection = await cli.connection();
  const epochs = new Map<bigint, EpochNow>();
  const epochOf = async (epochId: bigint, argument: string) => {
    let epoch = epochs.get(epochId);
    if (epoch === undefined) {
      epoch = await readEpoch(connection, epochId, argument);
      epochs.set(epochId, epoch);
    }
    return epoch;
  };
  const problems: ClaimProblem[] = [];
  const leaves = new Map<bigint, ClaimLeaf>();

  for (const { path, parsed, leaf } of files) {
    let epochId: bigint;
    if (parsed.form === "claim") {
      epochId = parsed.document.epochId;
    } else {
      const { file } = parsed;
      if (file.chainId !== connection.chainId || file.vault.toLowerCase() !== connection.deployment.addresses.RevenueVault.toLowerCase()) {
        throw new InputError(`--proof: ${path} is for chain ${file.chainId} vault ${file.vault}, not this deployment`, { argument: "--proof" });
      }
      // A file proposed but not stamped by `settlement submit`: the epoch that posted its root.
      const stamped = file.epochId === undefined ? await findEpochOfRoot(connection, BigInt(file.productId), file.merkleRoot as `0x${string}`) : BigInt(file.epochId);
      if (stamped === undefined) {
        throw new InputError(`--proof: the Merkle root of ${path} was never posted for product ${file.productId} (submit it first: \`provenance settlement submit --from ${path}\`)`, {
          argument: "--proof",
        });
      }
      epochId = stamped;
    }
    const epoch = await epochOf(epochId, "--proof");
    if (!leaves.has(epochId)) leaves.set(epochId, { epochId, productId: epoch.productId, leaf, source: { kind: "file", path } });
  }

  let api: LedgerApi | undefined;
  let apiDown = request.fromChain;
  for (const epochId of request.epochs) {
    if (leaves.has(epochId)) continue;
    let epoch: EpochNow;
    try {
      epoch = await epochOf(epochId, "--epoch");
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ epochId, reason: "unknown-epoch", message: error.message.replace(/^--epoch: /, ""), input: true });
      continue;
    }
    if (!apiDown) {
      const asked = await leafFromApi(cli, connection, request, epochId, api);
      api = asked.api;
      if (asked.outcome === "unreachable") apiDown = true;
      else if (asked.outcome !== "rebuild") {
        if ("reason" in asked.outcome) problems.push(asked.outcome);
        else leaves.set(epochId, { ...asked.outcome, productId: epoch.productId });
        continue;
      }
    }
    const rebuilt = await leafFromChain(connection, cli, epochId, request);
    if ("reason" in rebuilt) problems.push(rebuilt);
    else leaves.set(epochId, { ...rebuilt, epochId });
  }

  problems.push(...(await checkAgainstChain(cli, connection, [...leaves.values()], epochs, request)));
  if (problems.length > 0) throw problemsError(problems);
  return [...leaves.values()];
}

/**
 * The API's leaf of `account` in settlement `epochId`, or a problem (the API says there is none, or its answer
 * names another leaf), or "rebuild" when the chain must answer instead: the API is not running, serves another
 * deployment, has not indexed the settlement, or answers with something that is not a claim document.
 */
async function leafFromApi(
  cli: CliContext,
  connection: Connection,
  request: ClaimRequest,
  epochId: bigint,
  opened: LedgerApi | undefined,
): Promise<{ api: LedgerApi | undefined; outcome: Omit<ClaimLeaf, "productId"> | ClaimProblem | "rebuild" | "unreachable" }> {
  const note = (text: string) => cli.io.stderr.write(`claim: ${text}\n`);
  let api = opened;
  try {
    api ??= await openLedgerApi(request.apiUrl, connection);
    const answer = await api.leafOf(epochId, request.account);
    if (answer.kind === "unknown-settlement") {
      note(`the API at ${api.baseUrl} has not indexed settlement ${epochId} yet: rebuilding its leaf from the chain`);
      return { api, outcome: "rebuild" };
    }
    if (answer.kind === "no-leaf") {
      const message = `${request.account} has no leaf in settlement ${epochId}, says the API (\`--from-chain\` checks it against the chain)${successorHint(request)}`;
      return { api, outcome: { epochId, reason: "no-leaf", message, input: true } };
    }
    const source: LeafSource = { kind: "api", url: answer.url };
    let document: ReturnType<typeof parseClaimDocument>;
    try {
      document = parseClaimDocument(describeSource(source), answer.document);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      note(`${error.message.split("\n")[0]}: rebuilding the leaf of settlement ${epochId} from the chain`);
      return { api, outcome: "rebuild" };
    }
    if (document.epochId !== epochId || document.leaf.account !== request.account.toLowerCase()) {
      const message = `the API answered with the leaf of ${getAddress(document.leaf.account)} in settlement ${document.epochId} when asked for ${request.account} in ${epochId}: not used`;
      return { api, outcome: { epochId, reason: "forged-leaf", message, input: false } };
    }
    return { api, outcome: { epochId, leaf: document.leaf, source } };
  } catch (error) {
    if (!(error instanceof ApiUnavailable)) throw error;
    note(`the API at ${request.apiUrl} cannot answer (${error.message}): rebuilding the leaves from the chain`);
    return { api, outcome: "unreachable" };
  }
}

/** The leaf of `account` in settlement `epochId`, recomputed from chain data; the rebuilt root must be the posted one. */
async function leafFromChain(connection: Connection, cli: CliContext, epochId: bigint, request: ClaimRequest): Promise<Omit<ClaimLeaf, "epochId"> | ClaimProblem> {
  const posted = await readPostedSettlement(connection, epochId, "--epoch");
  const proposal = await recomputeSettlement(connection, posted, cli.io.stderr);
  if (proposal.merkleRoot.toLowerCase() !== posted.merkleRoot.toLowerCase()) {
    return {
      epochId,
      reason: "root-mismatch",
      message:
        `the split recomputed from chain data does not reproduce the Merkle root posted for settlement ${epochId} ` +
        `(${proposal.merkleRoot}, posted ${posted.merkleRoot}; see \`provenance verify split ${posted.productId} ${epochId}\`): claim with the settler's file (--proof)`,
      input: false,
    };
  }
  const claim = proposal.tree.claim(request.account);
  if (claim === undefined) {
    const message = `${request.account} has no leaf in settlement ${epochId} of product ${posted.productId} (rebuilt from the chain)${successorHint(request)}`;
    return { epochId, reason: "no-leaf", message, input: true };
  }
  return { productId: posted.productId, leaf: { index: claim.index, account: claim.account.toLowerCase() as Address, amount: claim.amount, proof: claim.proof }, source: { kind: "chain" } };
}

/** What the contract would check, checked first: the proof against the posted root, not claimed, claimable, entitled. */
async function checkAgainstChain(
  cli: CliContext,
  connection: Connection,
  leaves: readonly ClaimLeaf[],
  epochs: ReadonlyMap<bigint, EpochNow>,
  request: ClaimRequest,
): Promise<ClaimProblem[]> {
  if (leaves.length === 0) return [];
  const { client, deployment } = connection;
  const vault = { address: deployment.addresses.RevenueVault, abi: ABIS.RevenueVault };
  const token = await settlementToken(cli);
  const now = await cli.chainTime();
  const problems: ClaimProblem[] = [];
  for (const { epochId, leaf, source } of leaves) {
    const epoch = epochs.get(epochId)!;
    if (!verifyAllocationProof(epoch.merkleRoot, leaf, leaf.proof)) {
      problems.push({
        epochId,
        reason: "forged-leaf",
        message:
          `${describeSource(source)}: leaf ${leaf.index} of ${getAddress(leaf.account)} for ${formatToken(leaf.amount, token)} does not verify against the Merkle root ` +
          `posted on chain for settlement ${epochId} (${epoch.merkleRoot})` +
          (source.kind === "api" ? "; the API is wrong or was tampered with (`--from-chain` rebuilds the leaf from the chain)" : ""),
        input: source.kind === "file",
        details: { index: leaf.index, amount: leaf.amount, merkleRoot: epoch.merkleRoot },
      });
      continue;
    }
    const claimed = (await client.readContract({ ...vault, functionName: "isClaimed", args: [epochId, leaf.index] })) as boolean;
    if (claimed) {
      const record = await readClaimOf(connection, epochId, leaf.account, leaf.index);
      problems.push({
        epochId,
        reason: "claimed",
        message:
          `leaf ${leaf.index} of ${getAddress(leaf.account)} was already claimed (RevenueVaultAlreadyClaimed(epochId: ${epochId}, index: ${leaf.index}))` +
          (record === undefined ? "" : `: ${formatToken(record.amount, token)} paid to ${record.recipient} in transaction ${record.transactionHash} (block ${record.blockNumber})`),
        input: false,
        details: record === undefined ? { index: leaf.index } : { index: leaf.index, ...record },
      });
      continue;
    }
    if (epoch.status !== EpochStatus.POSTED) {
      const status = epoch.status === EpochStatus.PAUSED ? "paused by the dispute court" : "rejected (its next settlement pays it)";
      problems.push({ epochId, reason: "not-claimable", message: `RevenueVaultNotClaimable(epochId: ${epochId}): the settlement is ${status}`, input: false });
    } else if (now < epoch.challengeEndsAt) {
      problems.push({
        epochId,
        reason: "not-claimable",
        message: `RevenueVaultNotClaimable(epochId: ${epochId}): its challenge window ends at ${dateFromNow(epoch.challengeEndsAt, now)} on the chain's clock; claim after that`,
        input: false,
        details: { challengeEndsAt: epoch.challengeEndsAt },
      });
    }
  }
  const registry = { address: deployment.addresses.AssetRegistry, abi: ABIS.AssetRegistry };
  const entitled = (await client.readContract({ ...registry, functionName: "resolveParty", args: [request.account] })) as Address;
  if (entitled.toLowerCase() !== request.signer.toLowerCase()) {
    for (const { epochId } of leaves) {
      problems.push({
        epochId,
        reason: "not-entitled",
        message:
          `RevenueVaultNotEntitled(account: ${request.account}, caller: ${request.signer}): ${request.account}'s leaves are claimed by the live party it resolves to, ${entitled}, ` +
          "who signs the claim (and may name any --recipient)",
        input: false,
      });
    }
  }
  return problems;
}

/** One error for every epoch that cannot be claimed: exit 2 when each was named wrongly, 1 when the contract would refuse one. */
function problemsError(problems: ClaimProblem[]): CliError {
  const sorted = [...problems].sort((a, b) => (a.epochId < b.epochId ? -1 : a.epochId > b.epochId ? 1 : 0));
  const lines = sorted.map((p) => `  settlement ${p.epochId}: ${p.message}`);
  const message = `claim: nothing was sent; ${sorted.length === 1 ? "a settlement" : `${sorted.length} settlements`} cannot be claimed:\n${lines.join("\n")}`;
  const details = { problems: sorted.map(({ epochId, reason, message: text, details: more }) => ({ epochId, reason, message: text, ...more })) };
  return problems.every((p) => p.input) ? new InputError(message, details) : new FailureError(message, details);
}
