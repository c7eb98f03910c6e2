import type { RateLimiter } from "./rateLimit.js";
import type { NonceStore } from "./nonces.js";
import type { SessionStore } from "./sessions.js";

export { mayReadRestricted, signedInAccount } from "./access.js";
export { nonceStore, signedNonceStore } from "./nonces.js";
export { tokenBucketLimiter } from "./rateLimit.js";
export { sessionStore, signedSessionStore } from "./sessions.js";
export { verifySignIn } from "./signIn.js";

/** Sign-in (nonces, sessions) and the per-client rate limits: what the auth and document routes share. */
export interface AuthServices {
  /** The EIP-4361 domain sign-in messages must name: configured, or the host of the pages' address. */
  domain(): string;
  nonces: NonceStore;
  sessions: SessionStore;
  /** The clock sessions, nonces and limits run on (ms since the epoch; injected by tests). */
  now(): number;
  limits: {
    /** `PUT /cards/{hash}`, `PUT /reports/{hash}`. */
    documents: RateLimiter;
    /** `GET /auth/nonce`, `POST /auth/session`. */
    signIn: RateLimiter;
  };
}

/** Nonces live 5 minutes, sessions 15: short-lived, as sign-ins for reading go. */
export const NONCE_TTL_MS = 5 * 60_000;
export const SESSION_TTL_MS = 15 * 60_000;
/** Outstanding nonces and live sessions kept at most (the oldest forgotten first). */
export const MAX_NONCES = 10_000;
export const MAX_SESSIONS = 10_000;
