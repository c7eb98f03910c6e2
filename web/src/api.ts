import type { z } from "zod";

import type * as Schemas from "../../services/api/schemas.js";

/**
 * The API's JSON, typed from the same zod schemas the server validates and documents with (a type-only
 * import: nothing of zod reaches the bundle), so a page cannot read a field the API does not send.
 */
export type Asset = z.infer<typeof Schemas.Asset>;
export type Certificate = z.infer<typeof Schemas.Certificate>;
export type CredentialVerdict = z.infer<typeof Schemas.CredentialVerdict>;
export type PartyName = Certificate["holderName"];
export type Lineage = z.infer<typeof Schemas.Lineage>;
export type LineageNode = Schemas.LineageNodeShape;
export type Review = z.infer<typeof Schemas.Review>;
export type Objection = z.infer<typeof Schemas.Objection>;
export type Grant = z.infer<typeof Schemas.Grant>;
export type Party = z.infer<typeof Schemas.Party>;
export type PartySummary = z.infer<typeof Schemas.PartySummary>;
export type Contribution = z.infer<typeof Schemas.Contribution>;
export type Settlement = z.infer<typeof Schemas.Settlement>;
export type SettlementClaim = z.infer<typeof Schemas.SettlementClaim>;
export type Dispute = z.infer<typeof Schemas.Dispute>;
export type DisputeEscrow = z.infer<typeof Schemas.DisputeEscrow>;
export type EscrowLeaf = z.infer<typeof Schemas.EscrowLeaf>;
export type Receipt = z.infer<typeof Schemas.Receipt>;
export type EvidenceChain = z.infer<typeof Schemas.EvidenceChain>;
export type EvidenceEntry = z.infer<typeof Schemas.EvidenceEntry>;
export type SplitPreview = z.infer<typeof Schemas.SplitPreview>;
export type SplitComponent = z.infer<typeof Schemas.SplitComponent>;
export type Problem = z.infer<typeof Schemas.Problem>;
export type Ledger = z.infer<typeof Schemas.Ledger>;
interface Page<T> {
  items: T[];
  next: string | null;
}

/** An answer other than 2xx, with the API's problem details when it sent them. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    path: string,
  ) {
    super(problem?.detail ?? `${status} from ${path}`);
  }
}

/** The JSON of a 2xx answer; otherwise an ApiError with the problem details the API sent. */
async function jsonOf<T>(response: Response, path: string): Promise<T> {
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok) {
    const problem = type.includes("json") ? ((await response.json()) as Problem) : undefined;
    throw new ApiError(response.status, problem, path);
  }
  return (await response.json()) as T;
}

/** The API is served by the same server as the pages: paths are relative to the page's origin. */
export async function getJson<T>(path: string): Promise<T> {
  return jsonOf<T>(await fetch(path, { headers: { accept: "application/json" } }), path);
}

/** POSTs `text` as the body (text/plain: a file's content as read, e.g. a credential to check) and reads the JSON answer. */
export async function postText<T>(path: string, text: string): Promise<T> {
  const response = await fetch(path, { method: "POST", headers: { accept: "application/json", "content-type": "text/plain; charset=utf-8" }, body: text });
  return jsonOf<T>(response, path);
}

/** Every item of a paginated list (a filtered page may be short while `next` is set: keep following). */
export async function getAll<T>(path: string, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const separator = path.includes("?") ? "&" : "?";
    const answer: Page<T> = await getJson<Page<T>>(`${path}${separator}limit=500${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
    items.push(...answer.items);
    cursor = answer.next;
    if (cursor === null) return items;
  }
  return items;
}

/** The answer, or undefined on a 404 (an id that does not exist, an account without a leaf). */
export async function getOptional<T>(path: string): Promise<T | undefined> {
  try {
    return await getJson<T>(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}
