import { contributionLedgerAbi } from "../../abi.js";
import { ContributionStatus } from "../../types.js";
import { index, key } from "../keys.js";
import type { ContributionRecord, PolicyRecord } from "../records.js";
import { at } from "./event.js";
import { contractReducer } from "./handlers.js";

/** contracts/contributions/ContributionLedger.sol: contribution records, their status, split policies. */
export const contributionLedger = contractReducer("ContributionLedger", contributionLedgerAbi, {
  ContributionRecorded: ({ event, args, docs }) => {
    const contributionId = args.contributionId;
    const productId = args.productId;
    const record: ContributionRecord = {
      contributionId: contributionId.toString(),
      productId: productId.toString(),
      contributor: args.contributor,
      stage: args.stage,
      role: args.role,
      measure: args.measure.toString(),
      authorization: args.authorization.toString(),
      evidenceHash: args.evidenceHash,
      evidenceURI: args.evidenceURI,
      status: ContributionStatus.RECORDED,
      disputeId: null,
      statusBeforeDispute: null,
      confirmer: null,
      at: at(event),
    };
    docs.write(key.contribution(contributionId), record);
    docs.mark(index.contributionsOfProduct(productId, contributionId));
    docs.mark(index.contributionsOfParty(record.contributor, contributionId));
  },
  ContributionConfirmed: ({ args, docs }) => {
    docs.update<ContributionRecord>(key.contribution(args.contributionId), (record) => {
      record.status = ContributionStatus.CONFIRMED;
      record.confirmer = args.confirmer;
    });
  },
  ContributionDisputed: ({ args, docs }) => {
    docs.update<ContributionRecord>(key.contribution(args.contributionId), (record) => {
      record.statusBeforeDispute = args.priorStatus;
      record.status = ContributionStatus.DISPUTED;
      record.disputeId = args.disputeId.toString();
    });
  },
  ContributionRuled: ({ args, docs }) => {
    docs.update<ContributionRecord>(key.contribution(args.contributionId), (record) => {
      record.status = args.status;
      const measure = args.measure;
      if (measure !== 0n) record.measure = measure.toString();
      record.disputeId = null;
      record.statusBeforeDispute = null;
    });
  },
  SplitPolicySet: ({ event, args, docs }) => {
    const weights = args.stageWeightsBps;
    const policy: PolicyRecord = {
      productId: args.productId.toString(),
      version: args.version,
      stageWeightsBps: [...weights],
      emptyStageRule: args.emptyStageRule,
      holder: args.holder,
      at: at(event),
    };
    docs.write(key.policy(args.productId, policy.version), policy);
  },
});
