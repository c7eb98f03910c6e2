import { getAddress } from "viem";

import { ROLE_IDS } from "../../../ledger/roles.js";
import { key, listing, readDocument, resolveParty, type ClaimRecord, type PartyRecord } from "../../../ledger/state/index.js";
import { pageOf } from "../pagination.js";
import { partyKindName } from "../present.js";
import { notFound } from "../problems.js";
import { defineRoute, type ApiContext } from "../route.js";
import { AddressInput, Claim, pageOf as pageSchema, PageQuery, Party, PartySummary, query } from "../schemas.js";
import { allEpochs, settlementAllocation } from "../settlements.js";
import { z } from "../zod.js";

const AddressParams = z.object({ address: AddressInput });

/** What the party earned in posted settlements (its leaves) and what it claimed. */
async function earningsOf(context: ApiContext, account: string): Promise<{ earned: string; claimed: string }> {
  let claimed = 0n;
  for await (const [indexKey] of context.sources.state.entries(listing.claimsOfParty(account))) {
    const [epochId, index] = indexKey.split("/").slice(-2) as [string, string];
    const claim = readDocument<ClaimRecord>(context.sources.state, key.claim(BigInt(epochId), BigInt(index)));
    if (claim !== undefined) claimed += BigInt(claim.amount);
  }
  let earned = 0n;
  for (const epoch of await allEpochs(context)) {
    if (epoch.status === 3) continue; // rejected: nothing of it was owed
    const { tree, rootMatches } = await settlementAllocation(context, epoch);
    // A settlement whose root the state does not reproduce is not counted: its leaves are unknown here.
    if (rootMatches) earned += tree.claim(account as `0x${string}`)?.amount ?? 0n;
  }
  return { earned: earned.toString(), claimed: claimed.toString() };
}

export const partyRoutes = [
  defineRoute({
    path: "/parties",
    tag: "parties",
    summary: "Registered parties, by address",
    query: query(PageQuery),
    response: pageSchema("PartyPage", PartySummary),
    handle: ({ query: page }, context) =>
      pageOf(context.sources.state, listing.parties, page, (_key, value) => {
        const party = JSON.parse(value) as PartyRecord;
        return { account: party.account, kind: partyKindName(party.kind), successor: party.successor, registered: party.at };
      }),
  }),
  defineRoute({
    path: "/parties/{address}",
    tag: "parties",
    summary: "A party: kind, roles, successor and predecessors, amounts earned and claimed",
    description: "Any account that is a registered party or holds a role. Its assets, grants, contributions and disputes are under `links`.",
    params: AddressParams,
    response: Party,
    problems: [404],
    async handle({ params }, context) {
      const { state } = context.sources;
      const account = params.address;
      const party = readDocument<PartyRecord>(state, key.party(account));
      const roles = Object.entries(ROLE_IDS)
        .filter(([, roleId]) => state.get(key.role(roleId, account)) !== undefined)
        .map(([name]) => name);
      if (party === undefined && roles.length === 0) throw notFound(`${getAddress(account)} is neither a registered party nor a role holder`);
      const checksummed = getAddress(account);
      return {
        account: checksummed,
        kind: party === undefined ? "NONE" : partyKindName(party.kind),
        profileHash: party?.profileHash ?? "0x" + "00".repeat(32),
        registrar: party?.registrar ?? null,
        successor: party?.successor ?? null,
        predecessors: party?.predecessors ?? [],
        resolvesTo: getAddress(resolveParty(state, party?.account ?? checksummed)),
        roles,
        registered: party?.at ?? null,
        earnings: await earningsOf(context, account),
        links: {
          assets: `/assets?holder=${checksummed}`,
          grants: `/grants?party=${checksummed}`,
          contributions: `/contributions?party=${checksummed}`,
          claims: `/parties/${checksummed}/claims`,
          disputes: `/disputes?party=${checksummed}`,
        },
      };
    },
  }),
  defineRoute({
    path: "/parties/{address}/claims",
    tag: "parties",
    summary: "Revenue a party claimed, by settlement",
    params: AddressParams,
    query: query(PageQuery),
    response: pageSchema("ClaimPage", Claim),
    handle: ({ params, query: page }, context) =>
      pageOf(context.sources.state, listing.claimsOfParty(params.address), page, (indexKey) => {
        const [epochId, index] = indexKey.split("/").slice(-2) as [string, string];
        return readDocument<ClaimRecord>(context.sources.state, key.claim(BigInt(epochId), BigInt(index)));
      }),
  }),
];

