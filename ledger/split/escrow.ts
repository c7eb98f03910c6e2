import { keccak256, stringToBytes, type Address } from "viem";

import { HEX_ADDRESS } from "../encoding/address.js";

/**
 * The fixed top 96 bits of every escrow account: `uint96(bytes12(keccak256("provenance-ledger.escrow")))`
 * (keccak of the UTF-8 string), as `EscrowAccounts.TAG`.
 */
export const ESCROW_TAG: bigint = BigInt(keccak256(stringToBytes("provenance-ledger.escrow"))) >> 160n;

/** Dispute ids fit the low 64 bits of an escrow account. */
export const MAX_ESCROW_DISPUTE_ID: bigint = 2n ** 64n - 1n;

/**
 * The account of the escrow leaf of dispute `disputeId`, lower-case: the twin of
 * `EscrowAccounts.account` (and `IRevenueVault.escrowAccount`), `address(uint160(uint256(TAG) << 64 |
 * disputeId))` — the tag, then the dispute id in 16 hex digits. Nobody holds its key (that would take
 * matching 96 fixed bits), the party registry never registers it, and only the court's release moves its
 * leaf. Throws a RangeError for an id that is negative or does not fit 64 bits, as the contract reverts.
 */
export function escrowAccount(disputeId: bigint): Address {
  if (typeof disputeId !== "bigint" || disputeId < 0n || disputeId > MAX_ESCROW_DISPUTE_ID) {
    throw new RangeError(`dispute id ${String(disputeId)} does not fit the 64 bits of an escrow account`);
  }
  return `0x${((ESCROW_TAG << 64n) | disputeId).toString(16).padStart(40, "0")}`;
}

const TAG_HEX = ESCROW_TAG.toString(16).padStart(24, "0");

/** Whether `account` (any case) is the escrow account of some dispute: its top 96 bits are the tag. */
export function isEscrowAccount(account: string): boolean {
  return HEX_ADDRESS.test(account) && account.slice(2, 26).toLowerCase() === TAG_HEX;
}

/** The dispute whose escrow account `account` is; `undefined` for any other account. */
export function escrowDisputeId(account: string): bigint | undefined {
  return isEscrowAccount(account) ? BigInt(`0x${account.slice(26)}`) : undefined;
}
