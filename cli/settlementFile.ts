import type { Address, Hex } from "viem";
import { z } from "zod";

import { HEX_ADDRESS } from "../ledger/encoding/address.js";
import { verifyAllocationProof } from "../ledger/split/index.js";
import type { SettlementProposal } from "../ledger/state/index.js";
import { InputError } from "./io.js";
import { parseWith } from "./validate.js";

/**
 * The settlement file: what `settlement propose` writes, `settlement submit` posts (and stamps with the
 * epoch id), and `claim` / `dispute release-escrow` take leaves and proofs from.
 */
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x + 64 hex digits");
const decimal = z.string().regex(/^\d+$/, "must be a decimal integer string");

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
