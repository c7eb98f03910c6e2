import type { Address } from "viem";

import { createLogDecoder, LEDGER_ABIS } from "../../../ledger/events/index.js";
import type { PartyName } from "../../../ledger/certificates/index.js";
import { profileHashOf } from "../../../ledger/parties/profile.js";
import { eventOfKind, holderLedger, PeriodError, reportPeriod, shanghaiDate, yearEndingOn, type HolderLedger, type ReportPeriod } from "../../../ledger/reports/index.js";
import {
  asyncStateReader,
  collectEntries,
  key,
  listing,
  readDocument,
  type AsyncStateReader,
  type ChainPosition,
  type EvidenceRecord,
  type GrantRecord,
  type PartyRecord,
} from "../../../ledger/state/index.js";
import type { ApiContext } from "../context.js";
import { badRequest, conflict, notFound } from "../problems.js";

/**
 * A party's name from the party book, only where its profile document hashes to the profile hash recorded
 * for it in `state` (as `certificates/claims.ts` does for the live state; here for the report's block).
 */
export function verifiedName(context: ApiContext, state: Pick<AsyncStateReader, "get">, account: string): PartyName | null {
  const profile = context.certificates.partyBook.get(account.toLowerCase());
  if (profile === undefined) return null;
  const party = readDocument<PartyRecord>(state, key.party(account));
  return party !== undefined && party.profileHash.toLowerCase() === profileHashOf(profile) ? profile.name : null;
}

/** A held document by hash; undefined when the node keeps none or not this one. */
export function heldDocument(context: ApiContext, hash: string): Promise<Uint8Array | undefined> {
  return context.documents === undefined ? Promise.resolve(undefined) : context.documents.get(hash.toLowerCase() as `0x${string}`);
}

const STATUS_EVENTS = new Set(["GrantSuspended", "GrantRevoked", "GrantResumed"]);

/**
 * Where a grant got its current status: the last GrantSuspended/GrantRevoked/GrantResumed of it, found among
 * the stored logs of the blocks where its asset's evidence records such an event (an evidence entry names the
 * event, not the grant: the log says which grant).
 */
async function grantStatusChange(context: ApiContext, state: AsyncStateReader, grant: GrantRecord): Promise<ChainPosition | undefined> {
  const registry = context.deployment.contracts.GrantRegistry;
  if (registry === undefined) return undefined;
  const entries = (await collectEntries(state, listing.evidenceOf(BigInt(grant.assetId))))
    .map(([, value]) => JSON.parse(value) as EvidenceRecord)
    .filter((entry) => STATUS_EVENTS.has(eventOfKind(entry.kind)));
  if (entries.length === 0) return undefined;
  const timeOfTx = new Map(entries.map((entry) => [entry.at.tx.toLowerCase(), entry.at.timestamp]));
  const decode = createLogDecoder([{ name: "GrantRegistry", address: registry as Address, abi: LEDGER_ABIS.GrantRegistry }]);
  let found: ChainPosition | undefined;
  for (const log of await context.sources.logsOfBlocks([...new Set(entries.map((entry) => BigInt(entry.at.block)))])) {
    const timestamp = timeOfTx.get(log.transactionHash.toLowerCase());
    if (timestamp === undefined) continue;
    const decoded = decode(log);
    if (decoded.kind !== "decoded" || !STATUS_EVENTS.has(decoded.event.eventName)) continue;
    if ((decoded.event.args as { grantId?: bigint }).grantId?.toString() !== grant.grantId) continue;
    found = { block: log.blockNumber.toString(), timestamp, tx: log.transactionHash, logIndex: log.logIndex };
  }
  return found;
}

/**
 * The state as of `atBlock` (default: the indexed block) and the block's time as the report states it.
 * The indexed block reads the live state, any earlier one the state folded from the stored logs up to it:
 * the same documents either way. 409 for a block the indexer has not reached.
 */
async function stateAtBlock(context: ApiContext, atBlock: bigint | undefined): Promise<{ state: AsyncStateReader; block: bigint }> {
  const indexed = BigInt((await context.sources.status()).indexedBlock);
  const block = atBlock ?? indexed;
  if (block > indexed) throw conflict(`block ${block} is not indexed yet (the indexer is at block ${indexed}): ask again later, or for an earlier block`);
  if (block === indexed) return { state: context.sources.state, block };
  return { state: asyncStateReader(await context.sources.stateAt(block)), block };
}

/**
 * The period asked for, or a 400 naming the field. Without `to`, it ends on the day of `atTime` (the ledger's
 * last event at the report's block); without `from`, it is the year ending on `to`.
 */
function periodOf(asked: { from?: string | undefined; to?: string | undefined }, atTime: bigint): ReportPeriod {
  try {
    const to = asked.to ?? shanghaiDate(atTime);
    return reportPeriod(asked.from ?? yearEndingOn(to), to);
  } catch (error) {
    if (!(error instanceof PeriodError)) throw error;
    const field = error.field === "period" ? "from, to" : error.field;
    throw badRequest(error.message, [{ in: "query", field, message: error.message }]);
  }
}

/** The holder's ledger for the period at `atBlock`; 400 for a bad period, 404 for an account the ledger does not know. */
export async function computeHolderLedger(
  context: ApiContext,
  holder: string,
  asked: { from?: string | undefined; to?: string | undefined },
  atBlock: bigint | undefined,
): Promise<HolderLedger> {
  const { state, block } = await stateAtBlock(context, atBlock);
  const atTime = await context.sources.lastEventTime(block);
  const period = periodOf(asked, atTime);
  const token = context.deployment.settlementToken;
  const report = await holderLedger({
    state,
    holder,
    period,
    atBlock: block,
    atTime,
    chainId: context.deployment.chainId,
    contracts: context.deployment.contracts,
    token: token === undefined ? null : { address: token.address, symbol: token.symbol, decimals: token.decimals },
    nameOf: (account) => verifiedName(context, state, account),
    document: (hash) => heldDocument(context, hash),
    grantStatusChange: (grant) => grantStatusChange(context, state, grant),
  });
  if (report === undefined) throw notFound(`${holder} is not a party of this ledger and holds or applied for no asset (at block ${block})`);
  return report;
}
