import type { Address } from "viem";

import type { Connection } from "./connection.js";
import { shortMessage } from "./connection.js";
import { FailureError } from "./io.js";

/**
 * The ledger's HTTP API (`npm start` serves it), read for what a contributor is shown: a settlement leaf
 * and its Merkle proof. Nothing it says is trusted: the caller checks every leaf against the root posted on
 * chain before sending anything.
 */

/** The API cannot answer: not running, another deployment, or an answer that is not the API's. */
export class ApiUnavailable extends Error {
  override name = "ApiUnavailable";
}

/** The API's answer for one account's leaf of a settlement. */
type LeafAnswer =
  /** The claim document, unparsed: the caller parses and checks it. */
  | { kind: "leaf"; url: string; document: unknown }
  /** The API knows the settlement and says the account has no leaf in it. */
  | { kind: "no-leaf"; url: string; detail: string }
  /** The API has not indexed the settlement (it lags the chain). */
  | { kind: "unknown-settlement"; url: string };

export interface LedgerApi {
  readonly baseUrl: string;
  leafOf(epochId: bigint, account: Address): Promise<LeafAnswer>;
}

const TIMEOUT_MS = 10_000;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: "application/json" } });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new ApiUnavailable(cause ?? shortMessage(error));
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    throw new ApiUnavailable(`${url} answered ${response.status} with something that is not JSON`);
  }
}

/** An answer of the API: its status, its body (parsed JSON, or the text when it is not JSON), and a 429's Retry-After in seconds. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  retryAfterSeconds: number | undefined;
}

/**
 * One request to the API (GET, or PUT/POST with a text body), with a bearer token when signed in. Only a
 * failure to reach it throws ({@link ApiUnavailable}); every status is the caller's to read.
 */
export async function apiRequest(
  url: string,
  options: { method?: "GET" | "PUT" | "POST"; body?: string; token?: string | undefined } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? "GET",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new ApiUnavailable(cause ?? shortMessage(error));
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the caller says what it expected.
  }
  const retryAfter = Number(response.headers.get("retry-after"));
  return { status: response.status, body, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined };
}

/** The `detail` of an RFC 9457 problem answer, else "no detail". */
export const detailOf = (body: unknown) =>
  typeof body === "object" && body !== null && "detail" in body && typeof body.detail === "string" ? body.detail : "no detail";

/**
 * Opens the API at `baseUrl` and checks it serves this deployment (`GET /ledger`: the chain id and the
 * RevenueVault), so that a leaf of another ledger is not mistaken for a forged one.
 */
export async function openLedgerApi(baseUrl: string, connection: Connection): Promise<LedgerApi> {
  const base = baseUrl.replace(/\/+$/, "");
  const ledger = await getJson(`${base}/ledger`);
  const body = ledger.body as { chainId?: unknown; contracts?: { RevenueVault?: unknown } };
  if (ledger.status !== 200 || typeof body.chainId !== "number" || typeof body.contracts?.RevenueVault !== "string") {
    throw new ApiUnavailable(`${base}/ledger answered ${ledger.status} without the deployment (is it the provenance API?)`);
  }
  const vault = connection.deployment.addresses.RevenueVault;
  if (body.chainId !== connection.chainId || body.contracts.RevenueVault.toLowerCase() !== vault.toLowerCase()) {
    throw new ApiUnavailable(
      `it serves chain ${body.chainId}, vault ${body.contracts.RevenueVault}; this deployment is chain ${connection.chainId}, vault ${vault}`,
    );
  }
  return {
    baseUrl: base,
    async leafOf(epochId, account) {
      const url = `${base}/settlements/${epochId}/claims/${account}`;
      const answer = await getJson(url);
      if (answer.status === 200) return { kind: "leaf", url, document: answer.body };
      if (answer.status === 404) {
        // A 404 is either "no leaf" or "no such settlement": the settlement's own page tells them apart.
        const settlement = await getJson(`${base}/settlements/${epochId}`);
        if (settlement.status === 404) return { kind: "unknown-settlement", url };
        if (settlement.status === 200) return { kind: "no-leaf", url, detail: detailOf(answer.body) };
      }
      throw new ApiUnavailable(`${url} answered ${answer.status}: ${detailOf(answer.body)}`);
    },
  };
}

/** Asks the API for an answer or a document; a failure to reach it is the command's failure (exit 1), said in one line. */
export async function askApi(url: string, options: { accept?: string; timeoutMs: number }): Promise<Response> {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs), ...(options.accept === undefined ? {} : { headers: { accept: options.accept } }) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? shortMessage(error);
    throw new FailureError(`cannot reach the API at ${url}: ${cause} (is \`npm start\` running? see --api-url)`, { url });
  }
}

/** The `detail` of the API's problem answer (RFC 9457), else its status. */
export async function problemDetail(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail === "string") return body.detail;
  } catch {
    // Not a problem document: the status says enough.
  }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}
