import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

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

/** 8 random bytes, the expiry (6 bytes, ms), a 16-byte HMAC: 60 hex digits. */
const SIGNED_NONCE = /^[0-9a-f]{60}$/;

/**
 * Nonces every replica sharing `secret` accepts: each carries its expiry and an HMAC-SHA256 under the secret,
 * so a nonce issued by one replica is checked by another without a shared store. Each replica still accepts a
 * nonce once (it remembers the ones spent until they expire, at most `max`); a message signed for one nonce
 * could be presented once to each replica within the nonce's 5 minutes, which only whoever already holds the
 * signed message (and so could have used its session) can do.
 */
export function signedNonceStore({ secret, ttlMs, max, now }: { secret: string; ttlMs: number; max: number; now: () => number }): NonceStore {
  const mac = (body: Buffer) => createHmac("sha256", secret).update("ledger-sign-in-nonce").update(body).digest().subarray(0, 16);
  const spent = new Map<string, number>();
  return {
    issue() {
      const expiresAt = now() + ttlMs;
      const body = Buffer.alloc(14);
      randomBytes(8).copy(body);
      body.writeUIntBE(expiresAt, 8, 6);
      return { nonce: Buffer.concat([body, mac(body)]).toString("hex"), expiresAt };
    },
    consume(nonce) {
      if (!SIGNED_NONCE.test(nonce)) return "unknown";
      const bytes = Buffer.from(nonce, "hex");
      const body = bytes.subarray(0, 14);
      if (!timingSafeEqual(bytes.subarray(14), mac(body))) return "unknown";
      const expiresAt = body.readUIntBE(8, 6);
      if (now() >= expiresAt) return "expired";
      if (spent.has(nonce)) return "unknown";
      const time = now();
      for (const [old, until] of spent) {
        if (until > time && spent.size < max) break;
        spent.delete(old);
      }
      spent.set(nonce, expiresAt);
      return "ok";
    },
  };
}
