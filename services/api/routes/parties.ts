import { getAddress } from "viem";

import { ROLE_IDS } from "../../../ledger/roles.js";
import {
  key,
  listing,
  readDocument,
  resolveParty,
  type BondRecord,
  type ClaimRecord,
  type PartyRecord,
  type ReceiptRecord,
  type ReceivedRecord,
} from "../../../ledger/state/index.js";
import { EpochStatus } from "../../../ledger/types.js";
import { pageOf } from "../pagination.js";
import { partyKindName } from "../present.js";
import { notFound } from "../problems.js";
import type { ApiContext } from "../context.js";
import { defineRoute } from "../route.js";
import { AddressInput, Claim, pageOf as pageSchema, PageQuery, Party, PartySummary, query, Receipt } from "../schemas.js";
import { allEpochs, settlementAllocation } from "../settlements.js";
import { z } from "../zod.js";

const AddressParams = z.object({ address: AddressInput });

/**
 * What the party earned and what it was paid. Earned: its leaves of posted settlements (claimed or not),
 * what it claimed of settlements rejected afterwards (paid, and credited by the next settlement), and what
 * the court paid it from escrow leaves (a disputed record's share released to it). Received: every
 * transfer of the vault and the court to the address — claims paid to it, escrow released to it, bonds
 * withdrawn to it — as the reducers recorded them (see `ReceivedRecord`).
 */
async function earningsOf(context: ApiContext, account: string) {
  const { state } = context.sources;
  const rejected = new Set<string>();
  const epochs = await allEpochs(context);
  for (const epoch of epochs) if (epoch.status === EpochStatus.REJECTED) rejected.add(epoch.epochId);
  const received = readDocument<ReceivedRecord>(state, key.received(account));
  const escrowReleased = BigInt(received?.escrowReleases ?? "0");
  const bondsWithdrawn = BigInt(received?.bondWithdrawals ?? "0");
  let claimed = 0n;
  let earned = escrowReleased;
  for await (const [indexKey] of state.entries(listing.claimsOfParty(account))) {
    const [epochId, index] = indexKey.split("/").slice(-2) as [string, string];
    const claim = readDocument<ClaimRecord>(state, key.claim(BigInt(epochId), BigInt(index)));
    if (claim === undefined || claim.account === "escrow") continue;
    claimed += BigInt(claim.amount);
    if (rejected.has(claim.epochId)) earned += BigInt(claim.amount); // paid before the rejection: it stays paid
  }
  for (const epoch of epochs) {
    if (epoch.status === EpochStatus.REJECTED) continue;
    const { tree, rootMatches } = await settlementAllocation(context, epoch);
    // A settlement whose root the state does not reproduce is not counted: its leaves are unknown here.
    if (rootMatches) earned += tree.claim(account as `0x${string}`)?.amount ?? 0n;
  }
  return {
    earned: earned.toString(),
    claimed: claimed.toString(),
    escrowReleased: escrowReleased.toString(),
    bondsWithdrawn: bondsWithdrawn.toString(),
    received: (BigInt(received?.claims ?? "0") + escrowReleased + bondsWithdrawn).toString(),
  };
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
          receipts: `/parties/${checksummed}/receipts`,
          disputes: `/disputes?party=${checksummed}`,
        },
      };
    },
  }),
  defineRoute({
    path: "/parties/{address}/claims",
    tag: "parties",
    summary: "The party's settlement leaves that were claimed, by settlement (what it was paid from every source: `/parties/{address}/receipts`)",
    params: AddressParams,
    query: query(PageQuery),
    response: pageSchema("ClaimPage", Claim),
    handle: ({ params, query: page }, context) =>
      pageOf(context.sources.state, listing.claimsOfParty(params.address), page, (indexKey) => {
        const [epochId, index] = indexKey.split("/").slice(-2) as [string, string];
        return readDocument<ClaimRecord>(context.sources.state, key.claim(BigInt(epochId), BigInt(index)));
      }),
  }),
  defineRoute({
    path: "/parties/{address}/receipts",
    tag: "parties",
    summary: "Every amount the vault and the court paid to an address, in chain order: claims, escrow releases, bond withdrawals",
    description:
      "One item per payment event (a batch claim is one item per leaf), with its source, amount, settlement and leaf or dispute, and its " +
      "transaction, block and time. They sum to `earnings.received` of `/parties/{address}`: what the address's token balance gained from the two " +
      "contracts. Any address may be asked (a recipient need not be a party).",
    params: AddressParams,
    query: query(PageQuery),
    response: pageSchema("ReceiptPage", Receipt),
    handle: ({ params, query: page }, context) =>
      pageOf(context.sources.state, listing.receiptsOf(params.address), page, (_key, value) => {
        const receipt = JSON.parse(value) as ReceiptRecord;
        return { ...receipt, account: getAddress(receipt.account) };
      }),
  }),
];
