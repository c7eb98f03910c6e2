import { randomBytes } from "node:crypto";

/**
 * Sign-in nonces (EIP-4361 `nonce`): issued by the API, each accepted once, within `ttlMs` of its issue.
 * At most `max` are outstanding: issuing one more forgets the oldest (a client that asked that long ago
 * asks again). In memory, per process.
 *
 * Not viem's `generateSiweNonce`: it draws from `Math.random`, and a nonce is a security token. 16 bytes
 * from the system's CSPRNG, as 32 hex digits (EIP-4361 wants 8 or more alphanumerics).
 */
export interface NonceStore {
  issue(): { nonce: string; expiresAt: number };
  /** Spends a nonce: "ok" once; "expired" past its time; "unknown" if never issued, spent or forgotten. */
  consume(nonce: string): "ok" | "expired" | "unknown";
}

export function nonceStore({ ttlMs, max, now }: { ttlMs: number; max: number; now: () => number }): NonceStore {
  // Insertion order is issue order: the first key is the oldest.
  const outstanding = new Map<string, number>();
  return {
    issue() {
      const time = now();
      for (const [nonce, expiresAt] of outstanding) {
        if (expiresAt > time && outstanding.size < max) break;
        outstanding.delete(nonce);
      }
      const nonce = randomBytes(16).toString("hex");
      const expiresAt = time + ttlMs;
      outstanding.set(nonce, expiresAt);
      return { nonce, expiresAt };
    },
    consume(nonce) {
      const expiresAt = outstanding.get(nonce);
      if (expiresAt === undefined) return "unknown";
      outstanding.delete(nonce);
      return now() < expiresAt ? "ok" : "expired";
    },
  };
}
