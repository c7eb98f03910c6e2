import type { Address } from "viem";

import { ROLE_IDS } from "../../../ledger/roles.js";
import { holderOf, key, readDocument, type AssetRecord, type AsyncStateReader } from "../../../ledger/state/index.js";
import { unauthorized } from "../problems.js";
import type { SessionStore } from "./sessions.js";

/**
 * The signed-in account of a request: none without an `Authorization` header; a 401 for a header that is
 * not a live session's bearer token (a client that sent one must hear that it no longer counts, not be
 * served less in silence).
 */
export function signedInAccount(authorization: string | undefined, sessions: SessionStore): Address | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization.trim());
  if (match === null) throw unauthorized("the Authorization header must be `Bearer <token>`, a token from POST /auth/session", true);
  const session = sessions.find(match[1]!);
  if (session === undefined) throw unauthorized("the session token is not one this API issued (sessions are per process unless the replicas share a session secret): sign in again", true);
  if (session === "expired") throw unauthorized("the session has expired: sign in again", true);
  return session.address;
}

/** The roles whose members read every card's restricted sections: registrars review applications, reviewers attach reports. */
const READER_ROLES = [ROLE_IDS.REGISTRAR, ROLE_IDS.REVIEWER] as const;

/**
 * Whether `account` may read the restricted sections of a card recorded by `assetIds`: the holder of one
 * of those assets (its certificate's owner, or before issue its applicant, resolved through successions),
 * or a registrar or reviewer of the ledger's access manager, as indexed.
 */
export function mayReadRestricted(state: Pick<AsyncStateReader, "get">, account: string, assetIds: readonly bigint[]): boolean {
  const reader = account.toLowerCase();
  if (READER_ROLES.some((roleId) => state.get(key.role(roleId, reader)) !== undefined)) return true;
  return assetIds.some((assetId) => {
    const asset = readDocument<AssetRecord>(state, key.asset(assetId));
    return asset !== undefined && holderOf(state, asset).toLowerCase() === reader;
  });
}
