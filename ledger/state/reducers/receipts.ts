import { key } from "../keys.js";
import type { ReceiptRecord, ReceiptSource, ReceivedRecord } from "../records.js";
import { add, type Documents } from "./documents.js";

const TOTAL_OF_SOURCE = {
  CLAIM: "claims",
  ESCROW_RELEASE: "escrowReleases",
  BOND_WITHDRAWAL: "bondWithdrawals",
} as const satisfies Record<ReceiptSource, keyof ReceivedRecord>;

/**
 * Records an amount the vault or the court paid to `receipt.recipient` (every path that moves the token
 * out: claims, escrow releases, bond withdrawals), and adds it to the recipient's totals, so that what the
 * ledger says an account received is what its token balance gained from the two contracts.
 */
export function recordReceipt(docs: Documents, receipt: ReceiptRecord): void {
  if (BigInt(receipt.amount) === 0n) return;
  docs.write(key.receipt(receipt.recipient, BigInt(receipt.at.block), receipt.at.logIndex), receipt);
  const totals = docs.read<ReceivedRecord>(key.received(receipt.recipient)) ?? {
    account: receipt.recipient,
    claims: "0",
    escrowReleases: "0",
    bondWithdrawals: "0",
  };
  const field = TOTAL_OF_SOURCE[receipt.source];
  totals[field] = add(totals[field], BigInt(receipt.amount));
  docs.write(key.received(receipt.recipient), totals);
}
