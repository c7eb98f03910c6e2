import type { Hex } from "viem";
import { z as z4 } from "zod/v4";

import { CARD_SECTIONS, cardJsonSchema, diffCards, publicSections, RESTRICTED_SECTIONS, ValuationReport } from "../../../ledger/cards/index.js";
import { mayReadRestricted, signedInAccount } from "../auth/index.js";
import { AssetCardVersions, CardDiff, CardDocument, CardSectionContent, ReportDocument, StoredDocument } from "../cardSchemas.js";
import type { ApiContext } from "../context.js";
import { acceptDocument, assetsRecordingCard, readStoredDocument, requireDocumentStore, reviewsRecordingReport } from "../documents.js";
import { requireAsset } from "../present.js";
import { conflict, forbidden, notFound, unauthorized } from "../problems.js";
import { defineRoute, withStatus } from "../route.js";
import { IdInput, query } from "../schemas.js";
import { z } from "../zod.js";

/** Asset cards: the card store (`PUT`/`GET /cards/{hash}`), review reports, an asset's card versions and their diff, the JSON Schemas. */

const HashInput = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex hash (0x and 64 hex digits)")
  .transform((value) => value.toLowerCase() as Hex)
  .openapi({ type: "string", example: "0x" + "ab".repeat(32), description: "keccak256 of the document's RFC 8785 canonical JSON" });

const HashParams = z.object({ hash: HashInput });
const SectionParams = z.object({
  hash: HashInput,
  section: z.enum(CARD_SECTIONS, { errorMap: () => ({ message: `section must be one of ${CARD_SECTIONS.join(", ")}` }) }),
});
const IdParams = z.object({ id: IdInput });

const VersionInput = z
  .string({ required_error: "required" })
  .regex(/^[0-9]{1,9}$/, "a card version number (0 is the application's card)")
  .transform(Number)
  .openapi({ type: "string", example: "0" });
const DiffQuery = query({ from: VersionInput, to: VersionInput });

const isRestricted = (section: string) => (RESTRICTED_SECTIONS as readonly string[]).includes(section);

/** The card `hash` names, from the store: 404 when no asset records it or the store does not hold it, 503 without a store. */
async function recordedCard(context: ApiContext, hash: Hex): Promise<{ assets: bigint[]; card: Record<string, unknown> }> {
  const store = requireDocumentStore(context.documents);
  const assets = await assetsRecordingCard(context.sources.state, hash);
  if (assets.length === 0) throw notFound(`no asset records the card ${hash}`);
  const card = await readStoredDocument(store, hash);
  if (card === undefined) throw notFound(`the card ${hash} is recorded on chain, but this node does not hold its document: PUT /cards/${hash} stores it`);
  return { assets, card };
}

const DOCUMENT_REFUSALS =
  "Refused, nothing stored: 413 over 256 KiB (before it is read); 400 not JSON, or every problem of the document with its field path; " +
  "422 its canonical hash (keccak256 of its RFC 8785 canonical JSON) is not {hash}; 404 the chain does not record {hash}; " +
  "429 more than the per-client limit of uploads a minute (Retry-After); 503 the node keeps no documents. Stored as canonical bytes.";

/**
 * `PUT /cards/{hash}` or `PUT /reports/{hash}`: one route shape, the document's kind deciding its checks
 * (`acceptDocument`) and what the answer lists as recording it (assets or reviews).
 */
function storeDocumentRoute(spec: { kind: "card" | "report"; summary: string; description: string; recordedBy: "assets" | "reviews" }) {
  return defineRoute({
    path: `/${spec.kind}s/{hash}`,
    method: "put",
    tag: "cards",
    summary: spec.summary,
    description: `${spec.description} ${DOCUMENT_REFUSALS}`,
    bodyDescription: `The ${spec.kind} document (JSON, at most 256 KiB)`,
    bodyMediaType: "application/json",
    params: HashParams,
    response: StoredDocument,
    created: "Stored: the document was new",
    problems: [404, 413, 422, 429, 503],
    rateLimit: "documents",
    async handle({ params, body }, context) {
      const accepted = await acceptDocument(spec.kind, params.hash, body, { state: context.sources.state, documents: context.documents });
      return withStatus(accepted.created ? 201 : 200, { hash: accepted.hash, [spec.recordedBy]: accepted.recordedBy, held: true });
    },
  });
}

export const cardRoutes = [
  defineRoute({
    path: "/schemas/asset-card",
    tag: "cards",
    summary: "The asset card's JSON Schema (draft 2020-12), with bilingual labels (`x-label`, `x-value-labels`) and `x-restricted` sections",
    response: z.record(z.unknown()).openapi("JsonSchema"),
    handle: () => cardJsonSchema(),
  }),
  defineRoute({
    path: "/schemas/valuation-report",
    tag: "cards",
    summary: "The JSON Schema of a valuation review's report document",
    response: z.record(z.unknown()),
    handle: () => z4.toJSONSchema(ValuationReport),
  }),
  storeDocumentRoute({
    kind: "card",
    summary: "Stores an asset card the chain records the hash of",
    description: "The body is the card's JSON, in any key order and spacing; {hash} must be recorded as a card hash by some asset (its application or a card change).",
    recordedBy: "assets",
  }),
  defineRoute({
    path: "/cards/{hash}",
    tag: "cards",
    summary: "An asset card: its public sections, or all of them for the holder, a registrar or a reviewer signed in",
    description:
      "Restricted sections (`x-restricted` in the schema: management) are left out and listed in `withheld` unless the session's account holds an asset " +
      "that records this card, or is a registrar or a reviewer. 401 for an Authorization header that is not a live session.",
    params: HashParams,
    response: CardDocument,
    problems: [401, 404, 503],
    async handle({ params, authorization }, context) {
      const { assets, card } = await recordedCard(context, params.hash);
      const account = signedInAccount(authorization, context.auth.sessions);
      const allowed = account !== undefined && mayReadRestricted(context.sources.state, account, assets);
      const shown = allowed ? { card, withheld: [] } : publicSections(card as Parameters<typeof publicSections>[0]);
      return { hash: params.hash, assets: assets.map(String), card: shown.card, withheld: shown.withheld, signedInAs: account ?? null };
    },
  }),
  defineRoute({
    path: "/cards/{hash}/sections/{section}",
    tag: "cards",
    summary: "One section of an asset card",
    description: "A restricted section (management) needs a session: 401 without one, 403 when its account neither holds an asset recording this card nor is a registrar or a reviewer.",
    params: SectionParams,
    response: CardSectionContent,
    problems: [401, 403, 404, 503],
    async handle({ params, authorization }, context) {
      const { assets, card } = await recordedCard(context, params.hash);
      const account = signedInAccount(authorization, context.auth.sessions);
      if (isRestricted(params.section)) {
        if (account === undefined) throw unauthorized(`the ${params.section} section is restricted: sign in (GET /auth/nonce, POST /auth/session) as the holder, a registrar or a reviewer`);
        if (!mayReadRestricted(context.sources.state, account, assets)) {
          throw forbidden(`${account} may not read the ${params.section} section: it holds none of the assets recording this card (${assets.join(", ")}) and is neither a registrar nor a reviewer`);
        }
      }
      return { hash: params.hash, section: params.section, content: card[params.section] ?? null };
    },
  }),
  storeDocumentRoute({
    kind: "report",
    summary: "Stores a review's report document the chain records the hash of",
    description:
      "{hash} must be the report hash of some review. For a hash a VALUATION review records, the body must be a valuation report (`/schemas/valuation-report`) of that review's asset (else 422); " +
      "for the other review kinds, any JSON object whose canonical hash is {hash}.",
    recordedBy: "reviews",
  }),
  defineRoute({
    path: "/reports/{hash}",
    tag: "cards",
    summary: "A review's report document",
    params: HashParams,
    response: ReportDocument,
    problems: [404, 503],
    async handle({ params }, context) {
      const store = requireDocumentStore(context.documents);
      const reviews = await reviewsRecordingReport(context.sources.state, params.hash);
      if (reviews.length === 0) throw notFound(`no review records the report ${params.hash}`);
      const report = await readStoredDocument(store, params.hash);
      if (report === undefined) throw notFound(`the report ${params.hash} is recorded on chain, but this node does not hold its document: PUT /reports/${params.hash} stores it`);
      return { hash: params.hash, reviews: reviews.map((review) => review.reviewId), report };
    },
  }),
  defineRoute({
    path: "/assets/{id}/cards",
    tag: "cards",
    summary: "Every card version of an asset, oldest first, with whether this node holds its document",
    params: IdParams,
    response: AssetCardVersions,
    problems: [404],
    async handle({ params }, context) {
      const asset = requireAsset(context.sources.state, params.id);
      const held = async (hash: string) => (context.documents === undefined ? false : context.documents.has(hash.toLowerCase() as Hex));
      const versions = await Promise.all(
        asset.cards.map(async (card) => ({
          version: card.version,
          cardHash: card.cardHash,
          cardURI: card.cardURI,
          at: { block: card.at.block, timestamp: card.at.timestamp, tx: card.at.tx },
          held: await held(card.cardHash),
        })),
      );
      return { assetId: asset.assetId, currentVersion: asset.cards.at(-1)?.version ?? 0, versions };
    },
  }),
  defineRoute({
    path: "/assets/{id}/cards/diff",
    tag: "cards",
    summary: "The field-by-field difference between two card versions of an asset",
    description:
      "Changes of restricted sections are shown only to a session of the asset's holder, a registrar or a reviewer; otherwise they are left out and " +
      "the restricted sections of either version are listed in `withheld`. 404 an unknown asset or version; 409 a version whose document this node does not hold.",
    params: IdParams,
    query: DiffQuery,
    response: CardDiff,
    problems: [401, 404, 409, 503],
    async handle({ params, query: q, authorization }, context) {
      const store = requireDocumentStore(context.documents);
      const { state } = context.sources;
      const asset = requireAsset(state, params.id);
      const versionOf = (version: number) => {
        const card = asset.cards.find((candidate) => candidate.version === version);
        if (card === undefined) throw notFound(`asset ${asset.assetId} has no card version ${version} (versions 0 to ${asset.cards.at(-1)?.version ?? 0})`);
        return card;
      };
      const [from, to] = [versionOf(q.from), versionOf(q.to)];
      const documentOf = async (version: { version: number; cardHash: string }) => {
        const card = await readStoredDocument(store, version.cardHash.toLowerCase() as Hex);
        if (card === undefined) throw conflict(`this node does not hold card version ${version.version} (${version.cardHash}): PUT /cards/${version.cardHash} stores it`);
        return card;
      };
      const [before, after] = [await documentOf(from), await documentOf(to)];
      const account = signedInAccount(authorization, context.auth.sessions);
      const allowed = account !== undefined && mayReadRestricted(state, account, [BigInt(asset.assetId)]);
      const changes = diffCards(before, after);
      const withheld = allowed ? [] : RESTRICTED_SECTIONS.filter((section) => section in before || section in after);
      return {
        assetId: asset.assetId,
        from: { version: from.version, cardHash: from.cardHash },
        to: { version: to.version, cardHash: to.cardHash },
        changes: allowed ? changes : changes.filter((change) => !isRestricted(change.section)),
        withheld,
      };
    },
  }),
];
