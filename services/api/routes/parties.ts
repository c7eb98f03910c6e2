import { getAddress } from "viem";

import { ROLE_IDS } from "../../../ledger/roles.js";
import { isEscrowAccount } from "../../../ledger/split/index.js";
import { key, listing, readDocument, resolveParty, type BondRecord, type ClaimRecord, type PartyRecord } from "../../../ledger/state/index.js";
import { EpochStatus } from "../../../ledger/types.js";
import { pageOf } from "../pagination.js";
import { partyKindName } from "../present.js";
import { notFound } from "../problems.js";
import type { ApiContext } from "../context.js";
import { defineRoute } from "../route.js";
import { AddressInput, Claim, pageOf as pageSchema, PageQuery, Party, PartySummary, query } from "../schemas.js";
import { allEpochs, settlementAllocation } from "../settlements.js";
import { z } from "../zod.js";

const AddressParams = z.object({ address: AddressInput });

/**
 * What the party earned and what it was paid: its leaves of posted settlements (claimed or not), what it
 * claimed of settlements rejected afterwards (paid, and credited by the next settlement), and what the
 * court paid it from escrow leaves (a disputed contribution's share released to it).
 */
async function earningsOf(context: ApiContext, account: string): Promise<{ earned: string; claimed: string }> {
  const { state } = context.sources;
  const rejected = new Set<string>();
  const epochs = await allEpochs(context);
  for (const epoch of epochs) if (epoch.status === EpochStatus.REJECTED) rejected.add(epoch.epochId);
  let claimed = 0n;
  let earned = 0n;
  for await (const [indexKey] of state.entries(listing.claimsOfParty(account))) {
    const [epochId, index] = indexKey.split("/").slice(-2) as [string, string];
    const claim = readDocument<ClaimRecord>(state, key.claim(BigInt(epochId), BigInt(index)));
    if (claim === undefined || claim.account === "escrow") continue;
    claimed += BigInt(claim.amount);
    if (rejected.has(claim.epochId)) earned += BigInt(claim.amount); // paid before the rejection: it stays paid
  }
  for (const epoch of epochs) {
    const { allocation, tree, rootMatches } = await settlementAllocation(context, epoch);
    // A settlement whose root the state does not reproduce is not counted: its leaves are unknown here.
    if (!rootMatches) continue;
    if (epoch.status !== EpochStatus.REJECTED) earned += tree.claim(account as `0x${string}`)?.amount ?? 0n;
    // Escrow leaves the court released to this account.
    for (const entry of allocation.entries) {
      if (!isEscrowAccount(entry.account)) continue;
      const leaf = tree.claim(entry.account);
      const release = leaf === undefined ? undefined : readDocument<ClaimRecord>(state, key.claim(BigInt(epoch.epochId), leaf.index));
      if (release?.account !== "escrow" || release.recipients[0]?.toLowerCase() !== account) continue;
      const paid = BigInt(release.amounts[0] ?? "0");
      earned += paid;
      claimed += paid;
    }
  }
  return { earned: earned.toString(), claimed: claimed.toString() };
}

/** The dispute bonds the court credited to the account and what it withdrew (bonds are pulled, never pushed). */
function bondsOf(context: ApiContext, account: string): { credited: string; withdrawn: string; owed: string } {
  const bond = readDocument<BondRecord>(context.sources.state, key.bond(account));
  const credited = BigInt(bond?.credited ?? "0");
  const withdrawn = BigInt(bond?.withdrawn ?? "0");
  return { credited: credited.toString(), withdrawn: withdrawn.toString(), owed: (credited - withdrawn).toString() };
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
    summary: "A party: kind, roles, successor and predecessors, amounts earned and claimed, dispute bonds owed to it",
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
        bonds: bondsOf(context, account),
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

