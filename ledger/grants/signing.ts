import type { Address } from "viem";

/**
 * EIP-712 typed data of a signed grant (`GrantRegistry.grantBySig`): the TypeScript twin of
 * `GrantRegistry.GRANT_TYPEHASH` and its domain. Enums are signed as their uint8 values.
 */
export const GRANT_EIP712_TYPES = {
  Grant: [
    { name: "grantor", type: "address" },
    { name: "grantee", type: "address" },
    { name: "assetId", type: "uint256" },
    { name: "rights", type: "uint8" },
    { name: "scopeKind", type: "uint8" },
    { name: "scopeData", type: "bytes32" },
    { name: "purposeHash", type: "bytes32" },
    { name: "usageMode", type: "uint8" },
    { name: "validFrom", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "royaltyBps", type: "uint16" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export function grantEip712Domain(chainId: bigint, grantRegistry: Address) {
  return { name: "ProvenanceLedger GrantRegistry", version: "1", chainId, verifyingContract: grantRegistry } as const;
}
