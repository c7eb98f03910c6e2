import { getAddress, isHex, recoverMessageAddress, type Address } from "viem";
import { parseSiweMessage, validateSiweMessage } from "viem/siwe";

import { badRequest, unauthorized } from "../problems.js";
import type { NonceStore } from "./nonces.js";

/** How far a message's `issuedAt` may be ahead of this server's clock: clients' clocks drift. */
const ISSUED_AT_SKEW_MS = 60_000;

/** What a sign-in message must match: this API's domain and chain, at this time. */
export interface SignInExpectations {
  /** RFC 3986 authority (host[:port]) the API is served at, as configured: never taken from a request's Host header. */
  domain: string;
  chainId: number;
  now: number;
  nonces: NonceStore;
}

const REQUIRED = ["domain", "address", "uri", "version", "chainId", "nonce", "issuedAt"] as const;

/**
 * Checks a Sign-In with Ethereum (EIP-4361) message and its signature (an EOA's `personal_sign`), and
 * answers the account that signed in. The nonce is spent by the first attempt that names it, accepted or
 * not: a message is good for one try. Refusals: 400 for a text that is not an EIP-4361 message, 401 for
 * one that is but does not sign this client in here and now (domain, chain, nonce, times, signer).
 */
export async function verifySignIn(message: string, signature: string, expected: SignInExpectations): Promise<Address> {
  const parsed = parseSiweMessage(message);
  const missing = REQUIRED.filter((field) => parsed[field] === undefined);
  if (missing.length > 0) {
    throw badRequest(
      `not an EIP-4361 sign-in message: no ${missing.join(", ")}`,
      missing.map((field) => ({ in: "body", field: `message.${field}`, message: "missing or malformed" })),
    );
  }
  if (!isHex(signature) || signature.length !== 132) {
    throw badRequest("the signature must be 65 bytes of hex (0x and 130 hex digits)", [{ in: "body", field: "signature", message: "0x and 130 hex digits" }]);
  }
  const spent = expected.nonces.consume(parsed.nonce!);
  if (spent === "unknown") throw unauthorized(`nonce ${parsed.nonce} was not issued here, or was already used: ask /auth/nonce for a new one`);
  if (spent === "expired") throw unauthorized(`nonce ${parsed.nonce} has expired: ask /auth/nonce for a new one`);
  if (parsed.domain !== expected.domain) throw unauthorized(`the message signs in to ${parsed.domain}, not to this API (${expected.domain})`);
  if (parsed.chainId !== expected.chainId) throw unauthorized(`the message is for chain ${parsed.chainId}, not this deployment's chain ${expected.chainId}`);
  const now = new Date(expected.now);
  const issuedAt = parsed.issuedAt!;
  if (Number.isNaN(issuedAt.getTime())) throw badRequest("the message's Issued At is not an RFC 3339 date-time", [{ in: "body", field: "message.issuedAt", message: "not an RFC 3339 date-time" }]);
  if (issuedAt.getTime() > expected.now + ISSUED_AT_SKEW_MS) throw unauthorized(`the message is issued at ${issuedAt.toISOString()}, in the future`);
  if (parsed.expirationTime !== undefined && !(parsed.expirationTime.getTime() > expected.now)) {
    throw unauthorized(`the message expired at ${Number.isNaN(parsed.expirationTime.getTime()) ? "an invalid time" : parsed.expirationTime.toISOString()}`);
  }
  if (parsed.notBefore !== undefined && !(parsed.notBefore.getTime() <= expected.now)) throw unauthorized("the message is not valid yet (Not Before)");
  // viem's conformity checks on top (version 1, the nonce's form, the address): none of the above repeats.
  if (!validateSiweMessage({ message: parsed, domain: expected.domain, nonce: parsed.nonce!, time: now })) {
    throw unauthorized("the message is not a valid EIP-4361 message (version 1, an alphanumeric nonce of 8 or more, an address)");
  }
  let signer: Address;
  try {
    signer = await recoverMessageAddress({ message, signature });
  } catch {
    throw unauthorized("the signature is not a signature of this message");
  }
  const account = getAddress(parsed.address!);
  if (signer !== account) throw unauthorized(`the message is signed by ${signer}, not by the account it names (${account})`);
  return account;
}
