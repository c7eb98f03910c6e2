import type { Address, Hex } from "viem";
import { z } from "zod";

import { HEX_ADDRESS } from "../ledger/encoding/address.js";
import { verifyAllocationProof } from "../ledger/split/index.js";
import type { SettlementProposal } from "../ledger/state/index.js";
import { InputError } from "./io.js";
import { parseWith } from "./validate.js";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x + 64 hex digits");
const decimal = z.string().regex(/^\d+$/, "must be a decimal integer string");

/**
 * The settlement file: what `settlement propose` writes, `settlement submit` posts (and stamps with the
 * epoch id), and `claim` / `dispute release-escrow` take leaves and proofs from.
 */
const settlementFileSchema = z.object({
  type: z.literal("provenance.settlement"),
  chainId: z.number().int(),
  vault: z.string().regex(HEX_ADDRESS),
  productId: decimal,
  policyVersion: z.number().int().nonnegative(),
  amount: decimal,
  merkleRoot: hex32,
  stateBlock: decimal,
  inputsHash: hex32,
  epochId: decimal.optional(),
  leaves: z
    .array(z.object({ index: decimal, account: z.string().regex(HEX_ADDRESS), amount: decimal, proof: z.array(hex32) }))
    .min(1),
});

export type SettlementFile = z.infer<typeof settlementFileSchema>;

export interface Leaf {
  index: bigint;
  account: Address;
  amount: bigint;
  proof: Hex[];
}

export function settlementFileOf(chainId: number, vault: Address, proposal: SettlementProposal): SettlementFile {
  const leaves = Array.from({ length: proposal.tree.length }, (_, i) => proposal.tree.claimAt(i)).map((leaf) => ({
    index: leaf.index.toString(),
    account: leaf.account,
    amount: leaf.amount.toString(),
    proof: leaf.proof,
  }));
  return {
    type: "provenance.settlement",
    chainId,
    vault,
    productId: proposal.productId.toString(),
    policyVersion: proposal.policyVersion,
    amount: proposal.amount.toString(),
    merkleRoot: proposal.merkleRoot,
    stateBlock: proposal.stateBlock.toString(),
    inputsHash: proposal.inputsHash,
    leaves,
  };
}

/**
 * Reads and checks a settlement file: the schema, and every leaf's proof against the root and the leaves'
 * sum against the amount, so that a corrupted file is refused before anything is sent.
 */
export function parseSettlementFile(source: string, value: unknown): SettlementFile & { parsedLeaves: Leaf[] } {
  const file = parseWith(source, settlementFileSchema, value);
  const parsedLeaves = file.leaves.map((leaf) => ({
    index: BigInt(leaf.index),
    account: leaf.account.toLowerCase() as Address,
    amount: BigInt(leaf.amount),
    proof: leaf.proof as Hex[],
  }));
  for (const leaf of parsedLeaves) {
    if (!verifyAllocationProof(file.merkleRoot as Hex, leaf, leaf.proof)) {
      throw new InputError(`${source}: the proof of leaf ${leaf.index} (${leaf.account}) does not lead to the root ${file.merkleRoot}`, { source });
    }
  }
  const sum = parsedLeaves.reduce((total, leaf) => total + leaf.amount, 0n);
  if (sum !== BigInt(file.amount)) throw new InputError(`${source}: the leaves sum to ${sum}, not the amount ${file.amount}`, { source });
  return { ...file, parsedLeaves };
}

/**
 * A party's leaf of a settlement as the API serves it (`GET /settlements/{epoch}/claims/{account}`, the
 * SettlementClaim schema) and the contributor page shows it: what a contributor has without the settler's
 * file. Unknown fields are ignored, so that a newer API's answer still reads.
 */
const claimDocumentSchema = z.object({
  epochId: decimal,
  merkleRoot: hex32,
  index: decimal,
  account: z.string().regex(HEX_ADDRESS),
  amount: decimal,
  proof: z.array(hex32),
  escrowFor: decimal.nullable().optional(),
});

export interface ClaimDocument {
  epochId: bigint;
  /** The root the API says the settlement has; the one posted on chain is what counts. */
  merkleRoot: Hex;
  leaf: Leaf;
  /** The dispute whose escrow leaf this is (never claimable), if any. */
  escrowFor: bigint | undefined;
}

/** Reads an API claim document; the proof is checked against the root posted on chain by the caller, not here. */
export function parseClaimDocument(source: string, value: unknown): ClaimDocument {
  const document = parseWith(source, claimDocumentSchema, value);
  return {
    epochId: BigInt(document.epochId),
    merkleRoot: document.merkleRoot as Hex,
    leaf: { index: BigInt(document.index), account: document.account.toLowerCase() as Address, amount: BigInt(document.amount), proof: document.proof as Hex[] },
    escrowFor: document.escrowFor === null || document.escrowFor === undefined ? undefined : BigInt(document.escrowFor),
  };
}

/** What `claim --proof` takes: the settler's settlement file, or one leaf as the API serves it. */
export type ProofFile = { form: "settlement"; file: SettlementFile & { parsedLeaves: Leaf[] } } | { form: "claim"; document: ClaimDocument };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Tells the two forms apart by their marks (the settlement file's `type`, the claim document's `proof` and
 * `epochId`) and checks the one found; anything else is refused saying what each form looks like, and an
 * API error answer saved by mistake is recognised as such.
 */
export function parseProofFile(source: string, value: unknown): ProofFile {
  if (isRecord(value) && value.type === "provenance.settlement") return { form: "settlement", file: parseSettlementFile(source, value) };
  if (isRecord(value) && ("proof" in value || "epochId" in value) && !("leaves" in value)) return { form: "claim", document: parseClaimDocument(source, value) };
  if (isRecord(value) && typeof value.status === "number" && typeof value.detail === "string") {
    throw new InputError(`${source} is an error answer of the API (${value.status}: ${value.detail}), not a proof`, { source });
  }
  throw new InputError(
    `${source} is neither a settlement file (\`"type": "provenance.settlement"\` with every leaf and proof, from \`provenance settlement propose --out\`) ` +
      "nor a claim document of the API (`GET /settlements/{epoch}/claims/{account}`: epochId, merkleRoot, index, account, amount, proof)",
    { source },
  );
}
