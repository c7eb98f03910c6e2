import { revenueVaultAbi } from "../../abi.js";
import { escrowAccount } from "../../split/index.js";
import { EpochStatus } from "../../types.js";
import { index, key } from "../keys.js";
import type { ChainPosition, ClaimRecord, DepositRecord, EpochRecord } from "../records.js";
import { add, type Documents } from "./documents.js";
import { at } from "./event.js";
import { contractReducer } from "./handlers.js";
import { recordReceipt } from "./receipts.js";

/** contracts/vault/RevenueVault.sol: deposits, settlement epochs and their status, claims, escrow releases. */
export const revenueVault = contractReducer("RevenueVault", revenueVaultAbi, {
  RevenueDeposited: ({ event, args, docs }) => {
    const depositId = args.depositId;
    const deposit: DepositRecord = {
      depositId: depositId.toString(),
      productId: args.productId.toString(),
      payer: args.payer,
      amount: args.amount.toString(),
      policyVersion: args.policyVersion,
      payerRef: args.payerRef,
      at: at(event),
    };
    docs.write(key.deposit(depositId), deposit);
    docs.mark(index.depositsOfProduct(args.productId, depositId));
    docs.updateTotals((totals) => {
      totals.deposited = add(totals.deposited, args.amount);
    });
  },
  SettlementPosted: ({ event, args, docs }) => {
    const epochId = args.epochId;
    const epoch: EpochRecord = {
      epochId: epochId.toString(),
      productId: args.productId.toString(),
      policyVersion: args.policyVersion,
      amount: args.amount.toString(),
      merkleRoot: args.merkleRoot,
      stateBlock: args.stateBlock.toString(),
      inputsHash: args.inputsHash,
      challengeEndsAt: args.challengeEndsAt.toString(),
      settler: args.settler,
      status: EpochStatus.POSTED,
      claimed: "0",
      returned: "0",
      at: at(event),
      rejected: null,
    };
    docs.write(key.epoch(epochId), epoch);
    docs.mark(index.epochsOfProduct(args.productId, epochId));
  },
  // What was paid of it before stays paid: the next settlement of its product and version credits it.
  SettlementRejected: ({ event, args, docs }) => setEpochStatus(docs, args.epochId, EpochStatus.REJECTED, at(event)),
  SettlementPaused: ({ args, docs }) => setEpochStatus(docs, args.epochId, EpochStatus.PAUSED),
  SettlementResumed: ({ args, docs }) => setEpochStatus(docs, args.epochId, EpochStatus.POSTED),
  RevenueClaimed: ({ event, args, docs }) => {
    const epochId = args.epochId;
    const leafIndex = args.index;
    const claim: ClaimRecord = {
      epochId: epochId.toString(),
      index: leafIndex.toString(),
      account: args.account,
      amount: args.amount.toString(),
      recipients: [args.recipient],
      amounts: [args.amount.toString()],
      returned: "0",
      disputeId: null,
      at: at(event),
    };
    recordPayout(docs, claim, args.amount, 0n);
    docs.mark(index.claimsOfParty(claim.account, epochId, leafIndex));
    recordReceipt(docs, {
      source: "CLAIM",
      recipient: args.recipient,
      amount: claim.amount,
      account: args.account,
      epochId: claim.epochId,
      index: claim.index,
      disputeId: null,
      at: claim.at,
    });
  },
  // The court releases a whole escrow leaf: `paid` to the contributor, `returned` to unsettled revenue.
  EscrowReleased: ({ event, args, docs }) => {
    const paid = args.paid;
    const returned = args.returned;
    const claim: ClaimRecord = {
      epochId: args.epochId.toString(),
      index: args.index.toString(),
      account: "escrow",
      amount: (paid + returned).toString(),
      recipients: paid === 0n ? [] : [args.recipient],
      amounts: paid === 0n ? [] : [paid.toString()],
      returned: returned.toString(),
      disputeId: args.disputeId.toString(),
      at: at(event),
    };
    recordPayout(docs, claim, paid, returned);
    recordReceipt(docs, {
      source: "ESCROW_RELEASE",
      recipient: args.recipient,
      amount: paid.toString(),
      account: escrowAccount(args.disputeId),
      epochId: claim.epochId,
      index: claim.index,
      disputeId: claim.disputeId,
      at: claim.at,
    });
  },
});

function setEpochStatus(docs: Documents, epochId: bigint, status: number, rejected?: ChainPosition): void {
  docs.update<EpochRecord>(key.epoch(epochId), (epoch) => {
    epoch.status = status;
    if (rejected !== undefined) epoch.rejected = rejected;
  });
}

/**
 * A leaf spent: the whole leaf counts as claimed of its epoch (as the vault's `Epoch.claimed`), `paid` left
 * the vault, `returned` went back to the product's unsettled revenue.
 */
function recordPayout(docs: Documents, claim: ClaimRecord, paid: bigint, returned: bigint): void {
  const epochId = BigInt(claim.epochId);
  docs.write(key.claim(epochId, BigInt(claim.index)), claim);
  docs.update<EpochRecord>(key.epoch(epochId), (epoch) => {
    epoch.claimed = add(epoch.claimed, paid + returned);
    if (returned !== 0n) epoch.returned = add(epoch.returned, returned);
  });
  docs.updateTotals((totals) => {
    totals.paidOut = add(totals.paidOut, paid);
  });
}
