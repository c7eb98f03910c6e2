import { randomBytes } from "node:crypto";

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
