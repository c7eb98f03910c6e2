import { grantRegistryAbi } from "../../abi.js";
import { GrantStatus } from "../../types.js";
import { index, key } from "../keys.js";
import type { GrantRecord, UsageRecord } from "../records.js";
import { add, type Documents } from "./documents.js";
import { at } from "./event.js";
import { contractReducer } from "./handlers.js";

/** contracts/grants/GrantRegistry.sol: authorization grants, their status and recorded usage. */
export const grantRegistry = contractReducer("GrantRegistry", grantRegistryAbi, {
  Granted: ({ event, args, docs }) => {
    const terms = args.terms;
    const grant: GrantRecord = {
      grantId: args.grantId.toString(),
      assetId: args.assetId.toString(),
      grantor: args.grantor,
      grantee: args.grantee,
      parentId: args.parentId.toString(),
      rights: terms.rights,
      scopeKind: terms.scopeKind,
      scopeData: terms.scopeData,
      purposeHash: terms.purposeHash,
      usageMode: terms.usageMode,
      validFrom: terms.validFrom.toString(),
      validUntil: terms.validUntil.toString(),
      royaltyBps: terms.royaltyBps,
      status: GrantStatus.ACTIVE,
      usageCount: 0,
      usageUnits: "0",
      at: at(event),
    };
    const grantId = args.grantId;
    docs.write(key.grant(grantId), grant);
    docs.mark(index.grantsOfAsset(args.assetId, grantId));
    docs.mark(index.grantsOfParty(grant.grantor, grantId));
    docs.mark(index.grantsOfParty(grant.grantee, grantId));
  },
  GrantSuspended: ({ args, docs }) => setGrantStatus(docs, args.grantId, GrantStatus.SUSPENDED),
  GrantResumed: ({ args, docs }) => setGrantStatus(docs, args.grantId, GrantStatus.ACTIVE),
  GrantRevoked: ({ args, docs }) => setGrantStatus(docs, args.grantId, GrantStatus.REVOKED),
  UsageRecorded: ({ event, args, docs }) => {
    const grantId = args.grantId;
    const grant = docs.require<GrantRecord>(key.grant(grantId));
    grant.usageCount += 1;
    grant.usageUnits = add(grant.usageUnits, args.units);
    const usage: UsageRecord = {
      grantId: grantId.toString(),
      units: args.units.toString(),
      periodStart: args.periodStart.toString(),
      periodEnd: args.periodEnd.toString(),
      evidenceHash: args.evidenceHash,
      at: at(event),
    };
    docs.write(key.usage(grantId, grant.usageCount), usage);
    docs.write(key.grant(grantId), grant);
  },
});

function setGrantStatus(docs: Documents, grantId: bigint, status: number): void {
  docs.update<GrantRecord>(key.grant(grantId), (grant) => {
    grant.status = status;
  });
}
