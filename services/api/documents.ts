import type { Hex } from "viem";

import { checkCard, checkValuationReport, MAX_CARD_BYTES, parseJsonDocument, type DocumentProblem } from "../../ledger/cards/index.js";
import { canonicalHash, canonicalJson } from "../../ledger/encoding/canonical.js";
import { collectEntries, idOf, key, listing, readDocument, type AsyncStateReader, type ReviewRecord } from "../../ledger/state/index.js";
import { ReviewKind } from "../../ledger/types.js";
import type { DocumentStore } from "../shared/documentStore.js";
import { badRequest, notFound, tooLarge, unavailable, unprocessable, type ApiProblem } from "./problems.js";

/**
 * What the document store takes: a card or review report whose canonical hash is the one named, and which
 * the chain records (the indexed state's `idx-card/…`, `idx-report/…`). `PUT /cards/{hash}`,
 * `PUT /reports/{hash}` and the node's preloaded documents all pass through here, so the same checks hold
 * whatever the way in. Nothing is stored unless every check passes.
 */

export type DocumentKind = "card" | "report";

/** The asset ids that record `hash` as a card version, ascending. */
export async function assetsRecordingCard(state: AsyncStateReader, hash: string): Promise<bigint[]> {
  return (await collectEntries(state, listing.assetsOfCard(hash))).map(([entry]) => idOf(entry));
}

/** The reviews that record `hash` as their report, by review id. */
export async function reviewsRecordingReport(state: AsyncStateReader, hash: string): Promise<ReviewRecord[]> {
  const reviews: ReviewRecord[] = [];
  for (const [entry] of await collectEntries(state, listing.reviewsOfReport(hash))) {
    const review = readDocument<ReviewRecord>(state, key.review(idOf(entry)));
    if (review !== undefined) reviews.push(review);
  }
  return reviews;
}

export function requireDocumentStore(documents: DocumentStore | undefined): DocumentStore {
  if (documents === undefined) throw unavailable("this node keeps no card or report documents (no document store configured)");
  return documents;
}

function invalidDocument(what: string, problems: readonly DocumentProblem[]): ApiProblem {
  return badRequest(
    `not a valid ${what}: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ")}`,
    problems.map((problem) => ({ in: "body", field: problem.path, message: problem.message })),
  );
}

export interface AcceptedDocument {
  hash: Hex;
  /** Asset ids (cards) or review ids (reports) that record it, as decimal strings. */
  recordedBy: string[];
  /** False when the store held it already. */
  created: boolean;
}

/**
 * Checks `text` as the document `kind` named `hash` and stores its canonical bytes. Refusals, in this
 * order: 413 over 256 KiB; 400 not JSON, or not a valid card (every problem, with its path) / not a valid
 * valuation report (for a hash a VALUATION review records) / not a JSON object (other reports); 422 its
 * canonical hash is another; 404 no asset (review) records it; 503 no store.
 */
export async function acceptDocument(
  kind: DocumentKind,
  hash: Hex,
  text: string,
  sources: { state: AsyncStateReader; documents: DocumentStore | undefined },
): Promise<AcceptedDocument> {
  const store = requireDocumentStore(sources.documents);
  const named = hash.toLowerCase() as Hex;
  const size = Buffer.byteLength(text, "utf8");
  if (size > MAX_CARD_BYTES) throw tooLarge(`the document is ${size} bytes; at most ${MAX_CARD_BYTES}`);
  const parsed = parseJsonDocument(text);
  if ("problems" in parsed) throw invalidDocument(kind === "card" ? "card" : "report", parsed.problems);
  const { value } = parsed;

  let recordedBy: string[];
  if (kind === "card") {
    const check = checkCard(value);
    if (!check.ok) throw invalidDocument("card", check.problems);
    if (check.hash !== named) throw unprocessable(`the document hashes to ${check.hash}, not ${named}: it is not the card the hash names`);
    const assets = await assetsRecordingCard(sources.state, named);
    if (assets.length === 0) throw notFound(`no asset records the card ${named} (in its application or a card change)`);
    recordedBy = assets.map(String);
  } else {
    const reviews = await reviewsRecordingReport(sources.state, named);
    const valuations = reviews.filter((review) => review.kind === ReviewKind.VALUATION);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw invalidDocument("report", [{ path: "(document)", message: "a report is a JSON object" }]);
    }
    if (valuations.length > 0) {
      const check = checkValuationReport(value);
      if (!check.ok) throw invalidDocument("valuation report", check.problems);
    }
    const actual = canonicalHash(value);
    if (actual !== named) throw unprocessable(`the document hashes to ${actual}, not ${named}: it is not the report the hash names`);
    // A valuation is of one asset: a report naming another cannot be what this review values.
    const reportAsset = (value as { assetId?: unknown }).assetId;
    if (valuations.length > 0 && !valuations.some((review) => review.assetId === reportAsset)) {
      throw unprocessable(`the valuation report is of asset ${String(reportAsset)}, but the valuation reviews recording it are of asset ${valuations.map((r) => r.assetId).join(", ")}`);
    }
    if (reviews.length === 0) throw notFound(`no review records the report ${named}`);
    recordedBy = reviews.map((review) => review.reviewId);
  }

  const bytes = new TextEncoder().encode(canonicalJson(value));
  if (bytes.length > MAX_CARD_BYTES) throw tooLarge(`the document is ${bytes.length} bytes in canonical form; at most ${MAX_CARD_BYTES}`);
  const created = !(await store.has(named));
  if (created) await store.put(named, bytes);
  return { hash: named, recordedBy, created };
}

/** A stored document parsed back (the store keeps canonical JSON only). */
export async function readStoredDocument(store: DocumentStore, hash: Hex): Promise<Record<string, unknown> | undefined> {
  const bytes = await store.get(hash);
  return bytes === undefined ? undefined : (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>);
}

/** A document handed to the node at start (the demo's cards and reports): stored once the chain records it. */
export interface PreloadDocument {
  hash: Hex;
  json: unknown;
}

/**
 * Stores a preloaded document with the same checks as a PUT, as a card or a report by what the state
 * records its hash as: "pending" while the state records it as neither (the indexer has not reached the
 * transaction yet). Throws the refusal (an ApiProblem) for a document a PUT would refuse.
 */
export async function preloadDocument(
  document: PreloadDocument,
  sources: { state: AsyncStateReader; documents: DocumentStore | undefined },
): Promise<"stored" | "held" | "pending"> {
  const hash = document.hash.toLowerCase() as Hex;
  const kind: DocumentKind | undefined =
    (await assetsRecordingCard(sources.state, hash)).length > 0 ? "card" : (await collectEntries(sources.state, listing.reviewsOfReport(hash), { limit: 1 })).length > 0 ? "report" : undefined;
  if (kind === undefined) return "pending";
  const accepted = await acceptDocument(kind, hash, JSON.stringify(document.json), sources);
  return accepted.created ? "stored" : "held";
}
