import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

import { getAddress, type Address } from "viem";

/**
 * Sessions of signed-in accounts: a random 32-byte bearer token (base64url) per sign-in, valid `ttlMs`.
 * In memory, per process: replicas of the API do not share them (a client signs in to the replica it
 * talks to), and a restart signs everyone out. At most `max` live at once, the oldest forgotten first.
 */
interface Session {
  token: string;
  address: Address;
  expiresAt: number;
}

export interface SessionStore {
  create(address: string): Session;
  /** The live session of a token; "expired" for one past its time; undefined for a token never issued (or forgotten). */
  find(token: string): Session | "expired" | undefined;
}

export function sessionStore({ ttlMs, max, now }: { ttlMs: number; max: number; now: () => number }): SessionStore {
  const sessions = new Map<string, Session>();
  return {
    create(address) {
      const time = now();
      for (const [token, session] of sessions) {
        if (session.expiresAt > time && sessions.size < max) break;
        sessions.delete(token);
      }
      const session: Session = { token: randomBytes(32).toString("base64url"), address: getAddress(address), expiresAt: time + ttlMs };
      sessions.set(session.token, session);
      return session;
    },
    find(token) {
      const session = sessions.get(token);
      if (session === undefined) return undefined;
      if (now() >= session.expiresAt) {
        sessions.delete(token);
        return "expired";
      }
      return session;
    },
  };
}

/** The account (20 bytes), the expiry (8 bytes, ms) and an HMAC-SHA256 (32 bytes): 60 bytes, 80 base64url characters. */
const SIGNED_TOKEN_BYTES = 60;

/**
 * Sessions every replica sharing `secret` accepts: the token carries its account and expiry under an
 * HMAC-SHA256 with the secret, so a client signed in on one replica is signed in on all of them, and a
 * restart signs nobody out. Nothing is stored.
 */
export function signedSessionStore({ secret, ttlMs, now }: { secret: string; ttlMs: number; now: () => number }): SessionStore {
  const mac = (body: Buffer) => createHmac("sha256", secret).update("ledger-sign-in-session").update(body).digest();
  return {
    create(address) {
      const account = getAddress(address);
      const expiresAt = now() + ttlMs;
      const body = Buffer.alloc(28);
      Buffer.from(account.slice(2), "hex").copy(body);
      body.writeBigUInt64BE(BigInt(expiresAt), 20);
      return { token: Buffer.concat([body, mac(body)]).toString("base64url"), address: account, expiresAt };
    },
    find(token) {
      const bytes = Buffer.from(token, "base64url");
      if (bytes.length !== SIGNED_TOKEN_BYTES || bytes.toString("base64url") !== token) return undefined;
      const body = bytes.subarray(0, 28);
      if (!timingSafeEqual(bytes.subarray(28), mac(body))) return undefined;
      const expiresAt = Number(body.readBigUInt64BE(20));
      if (now() >= expiresAt) return "expired";
      return { token, address: getAddress(`0x${body.subarray(0, 20).toString("hex")}`), expiresAt };
    },
  };
}
