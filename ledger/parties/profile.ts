import { getAddress, isAddress, type Address, type Hex } from "viem";

import { canonicalHash } from "../encoding/canonical.js";

import type { PartyName } from "../certificates/claims.js";

/**
 * A party's profile document: what a registrar records the hash of (`registerParty(account, kind,
 * profileHash)`). The hash is keccak256 of the document's RFC 8785 canonical JSON, so that anyone holding the
 * document can prove it is the one the chain names, whatever its key order or spacing. The party book is a
 * list of such documents: a name is shown only where its document hashes to the party's on-chain profile hash.
 */
export interface PartyProfile {
  account: Address;
  name: PartyName;
}

export function profileHashOf(profile: PartyProfile): Hex {
  const document = { account: getAddress(profile.account), name: profile.name };
  return canonicalHash(document);
}

/** A party book's entries, checked: each one names an account and at least one name in a language the ledger speaks. */
export function parsePartyBook(value: unknown): { profiles: PartyProfile[] } | { problems: string[] } {
  if (!Array.isArray(value)) return { problems: ["the party book must be a JSON array of profile documents"] };
  const checked = value.map((entry: unknown, index) => {
    const problem = entryProblem(entry);
    return problem === undefined ? (entry as PartyProfile) : `entry ${index}: ${problem}`;
  });
  const problems = checked.filter((entry) => typeof entry === "string");
  if (problems.length > 0) return { problems };
  return { profiles: (checked as PartyProfile[]).map((profile) => ({ account: getAddress(profile.account), name: profile.name })) };
}

function entryProblem(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object") return "not an object";
  const { account, name } = entry as { account?: unknown; name?: unknown };
  if (typeof account !== "string" || !isAddress(account, { strict: false })) return '"account" must be an address';
  if (name === null || typeof name !== "object") return '"name" must be an object like {"en": "...", "zh-CN": "..."}';
  const names = Object.entries(name as Record<string, unknown>);
  const unknown = names.filter(([lang]) => lang !== "en" && lang !== "zh-CN").map(([lang]) => lang);
  if (unknown.length > 0) return `"name" has languages other than en and zh-CN: ${unknown.join(", ")}`;
  if (names.length === 0 || names.some(([, text]) => typeof text !== "string" || text.trim() === "" || text.length > 200)) {
    return '"name" needs at least one of en, zh-CN, each a non-empty text of at most 200 characters';
  }
  return undefined;
}
