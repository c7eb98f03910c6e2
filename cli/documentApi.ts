import type { Hex } from "viem";

import type { Connection } from "./connection.js";
import { apiRequest, ApiUnavailable, detailOf, type ApiAnswer } from "./ledgerApi.js";

/**
 * The API's document store (`PUT /cards/{hash}`, `PUT /reports/{hash}`): it takes a document only once its
 * hash is recorded on chain and indexed, so an upload right after the transaction waits for the indexer.
 */

export type DocumentCollection = "cards" | "reports";

/** What became of an upload. */
export type UploadOutcome =
  | { ok: true; url: string; status: 200 | 201; held: "stored" | "already held"; records: string[] }
  | { ok: false; url: string; reason: string; status?: number };

/** How long an upload waits for the API to index the transaction that records the hash (~30 s, as long as a slow indexer takes). */
export const UPLOAD_WAIT_MS = 30_000;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The problem's field errors (`errors: [{field, message}]`), one per line, after its detail. */
function problemText(answer: ApiAnswer): string {
  const errors = (answer.body as { errors?: { field?: unknown; message?: unknown }[] } | undefined)?.errors;
  const lines = Array.isArray(errors) ? errors.map((error) => `\n  ${String(error.field ?? "(document)")}: ${String(error.message ?? "")}`) : [];
  return `${detailOf(answer.body)}${lines.join("")}`;
}

/**
 * PUTs a document (its canonical JSON) to `{base}/{collection}/{hash}`. With `waitMs`, a 404 (no indexed
 * transaction records the hash yet), a 503 (the API not ready) and a 429 (after its Retry-After) are tried
 * again with backoff until `waitMs` has passed; anything else is the answer.
 */
export async function uploadDocument(base: string, collection: DocumentCollection, hash: Hex, canonical: string, waitMs = 0): Promise<UploadOutcome> {
  const url = `${base}/${collection}/${hash}`;
  const deadline = Date.now() + waitMs;
  let delay = FIRST_RETRY_MS;
  for (;;) {
    let answer: ApiAnswer;
    try {
      answer = await apiRequest(url, { method: "PUT", body: canonical });
    } catch (error) {
      if (error instanceof ApiUnavailable) return { ok: false, url, reason: `cannot reach the API: ${error.message}` };
      throw error;
    }
    if (answer.status === 200 || answer.status === 201) {
      const body = answer.body as { assets?: unknown; reviews?: unknown };
      const records = collection === "cards" ? body.assets : body.reviews;
      return {
        ok: true,
        url,
        status: answer.status,
        held: answer.status === 201 ? "stored" : "already held",
        records: Array.isArray(records) ? records.map(String) : [],
      };
    }
    const retryable = answer.status === 404 || answer.status === 503 || answer.status === 429;
    const wait = answer.status === 429 && answer.retryAfterSeconds !== undefined ? answer.retryAfterSeconds * 1_000 : delay;
    if (!retryable || Date.now() + wait > deadline) {
      const waited = waitMs > 0 && retryable ? ` (still so after waiting ${Math.round(waitMs / 1000)} s for the API to index the transaction)` : "";
      return { ok: false, url, status: answer.status, reason: `the API answered ${answer.status}: ${problemText(answer)}${waited}` };
    }
    await sleep(wait);
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }
}

/** `GET /ledger`: the chain id and contracts the API serves. */
export async function ledgerOf(base: string): Promise<{ chainId: number; contracts: Record<string, string> }> {
  const answer = await apiRequest(`${base}/ledger`);
  const body = answer.body as { chainId?: unknown; contracts?: unknown };
  if (answer.status !== 200 || typeof body.chainId !== "number" || typeof body.contracts !== "object" || body.contracts === null) {
    throw new ApiUnavailable(`${base}/ledger answered ${answer.status} without the deployment (is it the provenance API?)`);
  }
  return { chainId: body.chainId, contracts: body.contracts as Record<string, string> };
}

/** Why the API at `base` is not this deployment's (a document uploaded there would never be taken), or undefined. */
export async function otherDeployment(base: string, connection: Connection): Promise<string | undefined> {
  const ledger = await ledgerOf(base);
  const registry = connection.deployment.addresses.AssetRegistry;
  if (ledger.chainId !== connection.chainId || ledger.contracts.AssetRegistry?.toLowerCase() !== registry.toLowerCase()) {
    return `it serves chain ${ledger.chainId}, registry ${ledger.contracts.AssetRegistry ?? "none"}; this deployment is chain ${connection.chainId}, registry ${registry}`;
  }
  return undefined;
}
