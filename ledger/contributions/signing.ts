import type { Address } from "viem";

/**
 * EIP-712 typed data of a signed confirmation (`ContributionLedger.confirmBySig`): the TypeScript twin of
 * `ContributionLedger.CONFIRM_TYPEHASH`, `ConfirmContributions(address holder,uint256[] contributionIds,
 * uint256 nonce,uint256 deadline)`, and its domain. The holder of every contribution's product signs its own
 * address (a signed message names the account on whose behalf it acts: finding F08), the ids, its current
 * nonce (`ContributionLedger.nonces(holder)`) and a deadline.
 */
export const CONFIRM_CONTRIBUTIONS_EIP712_TYPES = {
  ConfirmContributions: [
    { name: "holder", type: "address" },
    { name: "contributionIds", type: "uint256[]" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export function contributionsEip712Domain(chainId: bigint, contributionLedger: Address) {
  return { name: "ProvenanceLedger Contributions", version: "1", chainId, verifyingContract: contributionLedger } as const;
}
