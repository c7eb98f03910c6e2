import {
  holderOf,
  idOf,
  key,
  listing,
  readDocument,
  type AssetRecord,
  type DisputeRecord,
  type EvidenceRecord,
  type ObjectionRecord,
  type ReviewRecord,
} from "../../../ledger/state/index.js";
import { DisputeKind } from "../../../ledger/types.js";
import { presentProblem, verifyEvidence } from "../evidence.js";
import { pageOf } from "../pagination.js";
import { presentAsset, presentObjection, presentReview, requireAsset } from "../present.js";
import { badRequest } from "../problems.js";
import { defineRoute } from "../route.js";
import {
  AddressInput,
  Asset,
  EvidenceChain,
  IdInput,
  Lineage,
  Objection,
  pageOf as pageSchema,
  PageQuery,
  query,
  Review,
  type LineageNodeShape,
} from "../schemas.js";
import { z } from "../zod.js";

const IdParams = z.object({ id: IdInput });

/** Depth and size bounds of a lineage answer (the split engine refuses deeper lineages anyway). */
const MAX_LINEAGE_DEPTH = 32;
const MAX_LINEAGE_NODES = 1_000;

const AssetQuery = query({
  ...PageQuery,
  fingerprint: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex hash")
    .optional()
    .openapi({ description: "Registrations of this fingerprint (the hash of the data)" }),
  holder: AddressInput.optional().openapi({ description: "Certificates this account holds on chain" }),
  parent: IdInput.optional().openapi({ description: "Assets derived from this one (lineage down)" }),
});

export const assetRoutes = [
  defineRoute({
    path: "/assets",
    tag: "assets",
    summary: "Assets: all, by fingerprint, by holder, or derived from a parent",
    query: AssetQuery,
    response: pageSchema("AssetPage", Asset),
    handle({ query: q }, context) {
      const { state } = context.sources;
      if ([q.fingerprint, q.holder, q.parent].filter((value) => value !== undefined).length > 1) {
        throw badRequest("give at most one of fingerprint, holder, parent", [
          { in: "query", field: "fingerprint, holder, parent", message: "at most one" },
        ]);
      }
      const prefix =
        q.fingerprint !== undefined
          ? listing.assetsByFingerprint(q.fingerprint)
          : q.holder !== undefined
            ? listing.assetsOfHolder(q.holder)
            : q.parent !== undefined
              ? listing.childrenOf(q.parent)
              : listing.assets;
      const indexed = prefix !== listing.assets;
      return pageOf(state, prefix, q, (entryKey, value) => {
        const asset = indexed ? readDocument<AssetRecord>(state, key.asset(idOf(entryKey))) : (JSON.parse(value) as AssetRecord);
        return asset === undefined ? undefined : presentAsset(asset, holderOf(state, asset));
      });
    },
  }),
  defineRoute({
    path: "/assets/{id}",
    tag: "assets",
    summary: "An asset: status, card versions, classification, parents, pledge, open objections and disputes",
    params: IdParams,
    response: Asset,
    problems: [404],
    handle({ params }, context) {
      const asset = requireAsset(context.sources.state, params.id);
      return presentAsset(asset, holderOf(context.sources.state, asset));
    },
  }),
  defineRoute({
    path: "/assets/{id}/lineage",
    tag: "assets",
    summary: "The ancestors of an asset (lineage up), nested",
    description: "Lineage down is `/assets?parent={id}`.",
    params: IdParams,
    response: Lineage,
    problems: [404],
    handle({ params }, context) {
      const { state } = context.sources;
      const asset = requireAsset(state, params.id);
      let nodes = 0;
      const parentsOf = (record: AssetRecord, depth: number): LineageNodeShape[] =>
        record.parents.map((parent) => {
          nodes += 1;
          const ancestor = readDocument<AssetRecord>(state, key.asset(BigInt(parent.assetId)));
          const deeper = ancestor !== undefined && depth < MAX_LINEAGE_DEPTH && nodes < MAX_LINEAGE_NODES;
          return { ...parent, licensors: parent.licensors ?? [], parents: deeper ? parentsOf(ancestor, depth + 1) : ancestor === undefined ? [] : null };
        });
      return { assetId: asset.assetId, parents: parentsOf(asset, 1), links: { children: `/assets?parent=${asset.assetId}` } };
    },
  }),
  defineRoute({
    path: "/assets/{id}/reviews",
    tag: "assets",
    summary: "Reviews attached to an asset's application",
    params: IdParams,
    query: query(PageQuery),
    response: pageSchema("ReviewPage", Review),
    problems: [404],
    handle({ params, query: page }, context) {
      const { state } = context.sources;
      requireAsset(state, params.id);
      return pageOf(state, listing.reviewsOfAsset(params.id), page, (indexKey) => {
        const review = readDocument<ReviewRecord>(state, key.review(idOf(indexKey)));
        return review === undefined ? undefined : presentReview(review);
      });
    },
  }),
  defineRoute({
    path: "/assets/{id}/objections",
    tag: "assets",
    summary: "Objections filed against an asset, in its public notice or after issue",
    description: "Every objection is a dispute of kind OBJECTION (with a bond), filed and resolved by the court: `disputeId` names it.",
    params: IdParams,
    query: query(PageQuery),
    response: pageSchema("ObjectionPage", Objection),
    problems: [404],
    async handle({ params, query: page }, context) {
      const { state } = context.sources;
      requireAsset(state, params.id);
      // The court's OBJECTION disputes of the asset, by the objection each filed (its subject).
      const disputeOf = new Map<string, string>();
      for await (const [indexKey] of state.entries(listing.disputesOfAsset(params.id))) {
        const dispute = readDocument<DisputeRecord>(state, key.dispute(idOf(indexKey)));
        if (dispute !== undefined && dispute.kind === DisputeKind.OBJECTION) disputeOf.set(dispute.subjectId, dispute.disputeId);
      }
      return pageOf(state, listing.objectionsOfAsset(params.id), page, (indexKey) => {
        const objection = readDocument<ObjectionRecord>(state, key.objection(idOf(indexKey)));
        return objection === undefined ? undefined : presentObjection(objection, disputeOf.get(objection.objectionId) ?? null);
      });
    },
  }),
  defineRoute({
    path: "/assets/{id}/evidence",
    tag: "assets",
    summary: "The evidence chain of an asset, replayed and verified",
    description:
      "Every entry's domain event is re-hashed and every head recomputed from the genesis, from the logs the indexer stored; " +
      "`verified` says the chain is intact and ends at the head the state records. Entries are paginated; the verification covers the whole chain.",
    params: IdParams,
    query: query(PageQuery),
    response: EvidenceChain,
    problems: [404],
    async handle({ params, query: page }, context) {
      const { state } = context.sources;
      const asset = requireAsset(state, params.id);
      const verification = await verifyEvidence(context, asset);
      const entries = await pageOf(state, listing.evidenceOf(params.id), page, (_key, value) => {
        const entry = JSON.parse(value) as EvidenceRecord;
        return {
          seq: entry.seq,
          kind: entry.kind,
          eventName: verification.eventNames.get(entry.seq) ?? null,
          payloadHash: entry.payloadHash,
          actor: entry.actor,
          timestamp: entry.timestamp,
          head: entry.head,
          at: entry.at,
        };
      });
      return {
        assetId: asset.assetId,
        verification: {
          verified: verification.verified,
          length: verification.length,
          genesis: verification.genesis,
          head: verification.head,
          recordedHead: verification.recordedHead,
          problems: verification.problems.map(presentProblem),
        },
        ...entries,
      };
    },
  }),
];

