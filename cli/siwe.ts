import type { Account, Address } from "viem";
import { createSiweMessage } from "viem/siwe";

import { ledgerOf } from "./documentApi.js";
import { FailureError, InputError } from "./io.js";
import { apiRequest, ApiUnavailable, detailOf } from "./ledgerApi.js";

/**
 * Sign-In with Ethereum (EIP-4361) at the ledger's API, with the key the CLI signs transactions with: what
 * lets the holder, a registrar or a reviewer read the restricted sections of asset cards.
 */

const SIGN_IN_STATEMENT = "Sign in to read restricted sections of asset cards.";

/** The message's own lifetime: the API's session (15 min) is what lasts, the message only has to reach it. */
const MESSAGE_LIFETIME_MS = 10 * 60 * 1000;

export interface Session {
  token: string;
  address: Address;
  expiresAt: string;
}

/**
 * Asks the API for a nonce, signs an EIP-4361 message for it (domain and URI the API's, chain id the one it
 * serves) and exchanges it for a session token.
 */
export async function signIn(base: string, account: Account): Promise<Session> {
  if (account.type !== "local" || account.signMessage === undefined) {
    throw new InputError("--sign-in: the signing account cannot sign messages here (a local key is needed)", { argument: "--sign-in" });
  }
  try {
    const nonce = await apiRequest(`${base}/auth/nonce`);
    const answer = nonce.body as { nonce?: unknown; domain?: unknown; chainId?: unknown };
    if (nonce.status !== 200 || typeof answer.nonce !== "string") {
      throw new FailureError(`sign-in: ${base}/auth/nonce answered ${nonce.status}: ${detailOf(nonce.body)}`, { status: nonce.status });
    }
    // The domain is the host this CLI connects to, never what the API asks for: a message signed for another
    // domain would let the API reached here sign in there as this account (what EIP-4361's domain binding stops).
    const domain = new URL(base).host;
    if (typeof answer.domain === "string" && answer.domain !== domain) {
      throw new FailureError(
        `sign-in: the API at ${base} takes messages for the domain ${answer.domain}, not ${domain}: reach it at its own address (--api-url) to sign in`,
        { domain, asked: answer.domain },
      );
    }
    const chainId = typeof answer.chainId === "number" ? answer.chainId : (await ledgerOf(base)).chainId;
    const issuedAt = new Date();
    const message = createSiweMessage({
      address: account.address,
      chainId,
      domain,
      uri: base,
      version: "1",
      nonce: answer.nonce,
      statement: SIGN_IN_STATEMENT,
      issuedAt,
      expirationTime: new Date(issuedAt.getTime() + MESSAGE_LIFETIME_MS),
    });
    const signature = await account.signMessage({ message });
    const session = await apiRequest(`${base}/auth/session`, { method: "POST", body: JSON.stringify({ message, signature }) });
    const body = session.body as Partial<Session>;
    if (session.status !== 200 && session.status !== 201) {
      throw new FailureError(`sign-in refused: ${detailOf(session.body)} (the API answered ${session.status})`, { status: session.status });
    }
    if (typeof body.token !== "string" || typeof body.address !== "string") {
      throw new FailureError(`sign-in: ${base}/auth/session answered without a session token (is it the provenance API?)`);
    }
    return { token: body.token, address: body.address, expiresAt: String(body.expiresAt) };
  } catch (error) {
    if (error instanceof ApiUnavailable) throw new FailureError(`cannot reach the API at ${base}: ${error.message} (is \`npm start\` running? see --api-url)`);
    throw error;
  }
}
