import { disputeCourtAbi } from "../../abi.js";
import { DisputeStatus, Remedy } from "../../types.js";
import { index, key } from "../keys.js";
import type { AssetRecord, BondRecord, DisputeRecord } from "../records.js";
import { add, isZeroAddress, type Documents } from "./documents.js";
import { at } from "./event.js";
import { contractReducer } from "./handlers.js";
import { recordReceipt } from "./receipts.js";

/** contracts/court/DisputeCourt.sol: disputes, their evidence and rulings, bonds credited and withdrawn. */
export const disputeCourt = contractReducer("DisputeCourt", disputeCourtAbi, {
  DisputeOpened: ({ event, args, docs }) => {
    const disputeId = args.disputeId;
    const assetId = args.assetId;
    const dispute: DisputeRecord = {
      disputeId: disputeId.toString(),
      assetId: assetId.toString(),
      kind: args.kind,
      subjectId: args.subjectId.toString(),
      claimant: args.claimant,
      respondent: args.respondent,
      bond: args.bond.toString(),
      groundsHash: args.groundsHash,
      groundsURI: args.groundsURI,
      rulingDeadline: args.rulingDeadline.toString(),
      status: DisputeStatus.OPEN,
      remedy: Remedy.NONE,
      ruling: null,
      evidence: [],
      bondCredit: null,
      repeatAllowed: null,
      at: at(event),
    };
    docs.write(key.dispute(disputeId), dispute);
    docs.mark(index.disputesOfAsset(assetId, disputeId));
    docs.mark(index.disputesOfParty(dispute.claimant, disputeId));
    // A holder's dispute of its own settlement has no respondent (zero).
    if (!isZeroAddress(dispute.respondent)) docs.mark(index.disputesOfParty(dispute.respondent, disputeId));
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.openDisputes += 1;
    });
  },
  DisputeEvidenceSubmitted: ({ event, args, docs }) => {
    docs.update<DisputeRecord>(key.dispute(args.disputeId), (dispute) => {
      dispute.evidence.push({
        submitter: args.submitter,
        evidenceHash: args.evidenceHash,
        evidenceURI: args.evidenceURI,
        at: at(event),
      });
    });
  },
  DisputeRuled: ({ event, args, docs }) => {
    docs.update<DisputeRecord>(key.dispute(args.disputeId), (dispute) => {
      dispute.status = DisputeStatus.RULED;
      dispute.remedy = args.remedy;
      const transferTo = args.transferTo;
      dispute.ruling = {
        arbitrator: args.arbitrator,
        adjustedMeasure: args.adjustedMeasure.toString(),
        transferTo: isZeroAddress(transferTo) ? null : transferTo,
        bondForfeited: args.bondForfeited,
        rulingHash: args.rulingHash,
        rulingURI: args.rulingURI,
        at: at(event),
      };
    });
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.openDisputes -= 1;
    });
  },
  DisputeLapsed: ({ event, args, docs }) => {
    docs.update<DisputeRecord>(key.dispute(args.disputeId), (dispute) => {
      dispute.status = DisputeStatus.LAPSED;
      dispute.remedy = Remedy.DISMISS;
      dispute.ruling = {
        arbitrator: null,
        adjustedMeasure: "0",
        transferTo: null,
        bondForfeited: false,
        rulingHash: "",
        rulingURI: "",
        at: at(event),
      };
    });
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.openDisputes -= 1;
    });
  },
  // Bonds are pulled: a ruling or lapse credits the bond to an account, whose party withdraws it.
  BondCredited: ({ event, args, docs }) => {
    const disputeId = args.disputeId;
    const account = args.account;
    const amount = args.amount;
    docs.update<DisputeRecord>(key.dispute(args.disputeId), (dispute) => {
      dispute.bondCredit = { account, amount: amount.toString(), at: at(event) };
    });
    const bond = bondOf(docs, account);
    bond.credited = add(bond.credited, amount);
    docs.write(key.bond(account), bond);
    docs.mark(index.bondCreditsOfParty(account, disputeId));
  },
  BondWithdrawn: ({ event, args, docs }) => {
    const account = args.account;
    const amount = args.amount;
    const bond = bondOf(docs, account);
    bond.withdrawn = add(bond.withdrawn, amount);
    bond.withdrawals.push({ recipient: args.recipient, amount: amount.toString(), at: at(event) });
    docs.write(key.bond(account), bond);
    recordReceipt(docs, {
      source: "BOND_WITHDRAWAL",
      recipient: args.recipient,
      amount: amount.toString(),
      account,
      epochId: null,
      index: null,
      disputeId: null,
      at: at(event),
    });
  },
  RepeatAllowed: ({ event, args, docs }) => {
    docs.update<DisputeRecord>(key.dispute(args.disputeId), (dispute) => {
      dispute.repeatAllowed = { arbitrator: args.arbitrator, at: at(event) };
    });
  },
});

/** The bonds credited to and withdrawn by `account` so far (none yet: a fresh record). */
function bondOf(docs: Documents, account: string): BondRecord {
  return docs.read<BondRecord>(key.bond(account)) ?? { account, credited: "0", withdrawn: "0", withdrawals: [] };
}
