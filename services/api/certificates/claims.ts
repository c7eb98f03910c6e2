import { getAddress, type Address, type Hex } from "viem";

import type { CertificateClaims, PartyName } from "../../../ledger/certificates/index.js";
import { profileHashOf } from "../../../ledger/parties/profile.js";
import { holderOf, key, readDocument, type AssetRecord, type AsyncStateReader, type PartyRecord } from "../../../ledger/state/index.js";
import type { ApiContext } from "../context.js";
import { presentAssetCore } from "../present.js";

/**
 * A party's name from the party book, only where its profile document hashes to the profile hash the
 * registrar recorded on chain for that party: a name nobody recorded, or one edited since, is not shown.
 */
function partyName(context: ApiContext, state: Pick<AsyncStateReader, "get">, account: string): PartyName | null {
  const profile = context.certificates.partyBook.get(account.toLowerCase());
  if (profile === undefined) return null;
  const party = readDocument<PartyRecord>(state, key.party(account));
  return party !== undefined && party.profileHash.toLowerCase() === profileHashOf(profile) ? profile.name : null;
}

/** What the certificate of `asset` states, from the state the indexer has reached (`asOf`). */
export async function certificateClaims(context: ApiContext, asset: AssetRecord): Promise<CertificateClaims> {
  const { state } = context.sources;
  const status = await context.sources.status();
  const holder = getAddress(holderOf(state, asset));
  const card = asset.cards[asset.cards.length - 1]!;
  return {
    registrationNumber: asset.assetId,
    ...presentAssetCore(asset),
    holder,
    holderName: partyName(context, state, holder),
    fingerprint: asset.fingerprint as Hex,
    issued: asset.issued === null ? null : { transaction: asset.issued.tx as Hex, block: asset.issued.block, timestamp: asset.issued.timestamp },
    card: { version: card.version, cardHash: card.cardHash as Hex, cardURI: card.cardURI },
    parents: asset.parents.map((parent) => parent.assetId),
    encumbrances: {
      pledge: asset.pledgee === null ? null : { pledgee: getAddress(asset.pledgee), pledgeeName: partyName(context, state, asset.pledgee) },
      openObjections: asset.openObjections,
    },
    evidenceHead: { seq: asset.evidence.seq, head: asset.evidence.head as Hex },
    chainId: context.deployment.chainId,
    registry: getAddress(context.deployment.contracts.AssetRegistry!) as Address,
    asOf: { block: String(status.indexedBlock), timestamp: String(status.indexedTime ?? 0n) },
  };
}
