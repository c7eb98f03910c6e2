import { assetRegistryAbi } from "../../abi.js";
import { AssetStatus, ObjectionStatus } from "../../types.js";
import { index, key } from "../keys.js";
import type {
  AssetRecord,
  EvidenceRecord,
  GrantRecord,
  LicensorRecord,
  ObjectionRecord,
  ParentRecord,
  PartyRecord,
  ReviewRecord,
} from "../records.js";
import { isZeroAddress, type Documents } from "./documents.js";
import { at } from "./event.js";
import { contractReducer } from "./handlers.js";

/**
 * contracts/registry/AssetRegistry.sol (with PartyRegistry.sol): parties, registrations and their life
 * cycle, objections, reviews, pledges, certificate ownership (ERC-721 transfers) and evidence entries.
 */
export const assetRegistry = contractReducer("AssetRegistry", assetRegistryAbi, {
  // --- parties ---
  PartyRegistered: ({ event, args, docs }) => {
    const party: PartyRecord = {
      account: args.account,
      kind: args.kind,
      profileHash: args.profileHash,
      registrar: args.registrar,
      successor: null,
      predecessors: [],
      at: at(event),
    };
    docs.write(key.party(party.account), party);
  },
  PartySucceeded: ({ args, docs }) => {
    const predecessor = docs.require<PartyRecord>(key.party(args.predecessor));
    const successor = docs.require<PartyRecord>(key.party(args.successor));
    predecessor.successor = successor.account;
    successor.predecessors.push(predecessor.account);
    docs.write(key.party(predecessor.account), predecessor);
    docs.write(key.party(successor.account), successor);
  },

  // --- registrations ---
  AssetApplied: ({ event, args, docs }) => {
    const assetId = args.assetId;
    const parents = args.parents.map(
      (link): ParentRecord => ({ assetId: link.assetId.toString(), ...derivationRoyalties(docs, link.grantId) }),
    );
    const asset: AssetRecord = {
      assetId: assetId.toString(),
      kind: args.kind,
      category: args.category,
      classification: args.classification,
      status: AssetStatus.APPLIED,
      applicant: args.applicant,
      owner: null,
      fingerprint: args.fingerprint,
      cards: [{ version: 0, cardHash: args.cardHash, cardURI: args.cardURI, at: at(event) }],
      parents,
      noticeEndsAt: null,
      pledgee: null,
      openObjections: 0,
      openDisputes: 0,
      applied: at(event),
      issued: null,
      evidence: { seq: 0, head: "" },
    };
    docs.write(key.asset(assetId), asset);
    docs.mark(index.assetsByFingerprint(asset.fingerprint, assetId));
    docs.mark(index.assetsOfCard(args.cardHash, assetId));
    for (const parent of parents) docs.mark(index.childrenOf(BigInt(parent.assetId), assetId));
  },
  ReviewAttached: ({ event, args, docs }) => {
    const review: ReviewRecord = {
      reviewId: args.reviewId.toString(),
      assetId: args.assetId.toString(),
      reviewer: args.reviewer,
      kind: args.kind,
      reportHash: args.reportHash,
      reportURI: args.reportURI,
      at: at(event),
    };
    docs.write(key.review(args.reviewId), review);
    docs.mark(index.reviewsOfAsset(args.assetId, args.reviewId));
    docs.mark(index.reviewsOfReport(args.reportHash, args.reviewId));
  },
  ApplicationAccepted: ({ args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.status = AssetStatus.IN_NOTICE;
      asset.noticeEndsAt = args.noticeEndsAt.toString();
    });
  },
  ApplicationRefused: ({ args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.status = AssetStatus.REFUSED;
    });
  },
  ObjectionFiled: ({ event, args, docs }) => {
    const objection: ObjectionRecord = {
      objectionId: args.objectionId.toString(),
      assetId: args.assetId.toString(),
      objector: args.objector,
      groundsHash: args.groundsHash,
      groundsURI: args.groundsURI,
      status: ObjectionStatus.OPEN,
      resolver: null,
      rulingHash: null,
      at: at(event),
    };
    docs.write(key.objection(args.objectionId), objection);
    docs.mark(index.objectionsOfAsset(args.assetId, args.objectionId));
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.openObjections += 1;
    });
  },
  ObjectionResolved: ({ args, docs }) => {
    const objection = docs.require<ObjectionRecord>(key.objection(args.objectionId));
    objection.status = args.upheld ? ObjectionStatus.UPHELD : ObjectionStatus.DISMISSED;
    objection.resolver = args.resolver;
    objection.rulingHash = args.rulingHash;
    docs.write(key.objection(args.objectionId), objection);
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.openObjections -= 1;
    });
  },
  CertificateIssued: ({ event, args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.status = AssetStatus.ISSUED;
      asset.issued = at(event);
    });
  },
  CardChanged: ({ event, args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.cards.push({ version: args.version, cardHash: args.cardHash, cardURI: args.cardURI, at: at(event) });
    });
    // An asset changed back to an earlier card records it again: marking is idempotent.
    docs.mark(index.assetsOfCard(args.cardHash, args.assetId));
  },
  AssetReclassified: ({ args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.classification = args.to;
    });
  },
  AssetCancelled: ({ args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.status = AssetStatus.CANCELLED;
    });
  },
  AssetDestroyed: ({ args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.status = AssetStatus.DESTROYED;
    });
  },
  AssetPledged: ({ args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.pledgee = args.pledgee;
    });
  },
  PledgeReleased: ({ args, docs }) => {
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.pledgee = null;
    });
  },
  // Every change of the certificate's owner (issue, transfer, succession) is an ERC-721 Transfer.
  Transfer: ({ args, docs }) => {
    const assetId = args.tokenId;
    const from = args.from;
    const to = args.to;
    if (!isZeroAddress(from)) docs.unmark(index.assetsOfHolder(from, assetId));
    docs.mark(index.assetsOfHolder(to, assetId));
    const asset = docs.require<AssetRecord>(key.asset(assetId));
    asset.owner = to;
    docs.write(key.asset(assetId), asset);
  },
  EvidenceAppended: ({ event, args, docs }) => {
    const assetId = args.assetId;
    const entry: EvidenceRecord = {
      assetId: assetId.toString(),
      seq: args.seq,
      kind: args.kind,
      payloadHash: args.payloadHash,
      actor: args.actor,
      timestamp: args.timestamp.toString(),
      head: args.head,
      at: at(event),
    };
    docs.write(key.evidence(assetId, entry.seq), entry);
    docs.update<AssetRecord>(key.asset(args.assetId), (asset) => {
      asset.evidence = { seq: entry.seq, head: entry.head };
    });
  },
});

/** The grant registry's bound on a chain of grants (`MAX_GRANT_DEPTH`): a longer walk means a corrupt state. */
const MAX_GRANT_DEPTH = 4;

/**
 * What a product derived under `grantId` pays upstream for that parent: royalties stack down the grant
 * chain. The root grant's royalty goes to the parent asset; each sub-grant below it (from the derivation
 * grant up) is a licensor paid its own royalty. Grants never change once made, so the documents give the
 * chain as it was at filing.
 */
function derivationRoyalties(docs: Documents, grantId: bigint): Omit<ParentRecord, "assetId"> {
  if (grantId === 0n) return { grantId: "0", royaltyBps: 0, licensors: [] };
  const licensors: LicensorRecord[] = [];
  let grant = docs.require<GrantRecord>(key.grant(grantId));
  while (grant.parentId !== "0") {
    if (licensors.length >= MAX_GRANT_DEPTH) docs.fail(`grant ${grantId} has more than ${MAX_GRANT_DEPTH} grants above it`);
    licensors.push({ grantId: grant.grantId, grantor: grant.grantor, royaltyBps: grant.royaltyBps });
    grant = docs.require<GrantRecord>(key.grant(BigInt(grant.parentId)));
  }
  return { grantId: grantId.toString(), royaltyBps: grant.royaltyBps, licensors };
}
