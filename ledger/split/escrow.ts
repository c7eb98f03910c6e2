import { encodeAbiParameters, keccak256, type Address } from "viem";

/**
 * The account of the escrow leaf of dispute `disputeId`, lower-case: the twin of
 * `IRevenueVault.escrowAccount`, `address(uint160(uint256(keccak256(abi.encode("provenance-ledger.escrow",
 * disputeId)))))` — the last 20 bytes of the hash. Nobody holds its key; the court releases its leaf.
 */
export function escrowAccount(disputeId: bigint): Address {
  const hash = keccak256(encodeAbiParameters([{ type: "string" }, { type: "uint256" }], ["provenance-ledger.escrow", disputeId]));
  return `0x${hash.slice(26)}`;
}
