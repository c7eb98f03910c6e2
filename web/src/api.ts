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

/** Labels in the pages' two languages, as the card schema and the API give them. */
export interface Label {
  en: string;
  "zh-CN": string;
}
/** `GET /cards/{hash}`: the card's public sections, and the restricted ones only for an allowed session. */
export type CardDocument = z.infer<typeof Schemas.CardDocument>;
/** `GET /assets/{id}/cards`: every version of an asset's card, oldest first, and whether this node holds its content. */
export type CardVersions = z.infer<typeof Schemas.AssetCardVersions>;
/** `GET /assets/{id}/cards/diff?from=&to=`, and one field-level difference of it (ledger/cards/card.ts `CardChange`). */
export type CardDiff = z.infer<typeof Schemas.CardDiff>;
export type CardChange = CardDiff["changes"][number];
/** A Sign-In with Ethereum session (`POST /auth/session`). */
export interface AuthSession {
  token: string;
  address: string;
  expiresAt: string;
}
/**
 * The catalog's rows and the holder's ledger, as the API answers them: the types of the pure report code
 * that computes them (`ledger/reports`), imported as types only (nothing of it is bundled).
 */
export type {
  AssetLine as LedgerAssetLine,
  CatalogRow as CatalogItem,
  EncumbranceLine as LedgerEncumbranceLine,
  GrantLine as LedgerGrantLine,
  HolderLedger,
  RevenueLine as LedgerRevenueLine,
  ValuationLine as LedgerValuationLine,
} from "../../ledger/reports/index.js";
import type { RevenueLine } from "../../ledger/reports/index.js";
/** Where a ledger line's fact was recorded; `time` is the block's time in UTC+8 (`2026-01-01T08:00:00+08:00`). */
export type LedgerProof = Pick<RevenueLine, "tx" | "block" | "time">;

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

/** GET with extra headers (a session's `authorization`). */
export async function getJsonWith<T>(path: string, headers: Record<string, string>): Promise<T> {
  return jsonOf<T>(await fetch(path, { headers: { accept: "application/json", ...headers } }), path);
}

/** POSTs `value` as a JSON body and reads the JSON answer. */
export async function postJson<T>(path: string, value: unknown): Promise<T> {
  const response = await fetch(path, { method: "POST", headers: { accept: "application/json", "content-type": "application/json" }, body: JSON.stringify(value) });
  return jsonOf<T>(response, path);
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
