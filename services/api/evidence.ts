import type { Address, Hex } from "viem";

import { replayEvidence, type ReplayProblem } from "../../ledger/evidence/index.js";
import { LEDGER_ABIS } from "../../ledger/events/index.js";
import { collectEntries, listing, type AssetRecord, type EvidenceRecord } from "../../ledger/state/index.js";
import { keepIfStable, type ApiContext, type EvidenceVerification } from "./context.js";

/** A replay problem as the API answers it (its fields are numbers and hex strings already). */
export function presentProblem(problem: ReplayProblem): Record<string, unknown> {
  return { ...problem };
}

/**
 * Replays an asset's evidence chain from the logs the indexer stored (the transactions of its entries):
 * every domain event re-hashed, every head recomputed from the genesis, the last compared with the head
 * the state records. Cached per asset and recorded head: an unchanged chain is not replayed again.
 */
export function verifyEvidence(context: ApiContext, asset: AssetRecord): Promise<EvidenceVerification> {
  const cacheKey = `${asset.assetId}:${asset.evidence.seq}:${asset.evidence.head}`;
  let verification = context.caches.evidence.get(cacheKey);
  if (verification === undefined) {
    verification = (async () => {
      const entries = (await collectEntries(context.sources.state, listing.evidenceOf(BigInt(asset.assetId)))).map(
        ([, value]) => JSON.parse(value) as EvidenceRecord,
      );
      const transactions = new Set(entries.map((entry) => entry.at.tx.toLowerCase()));
      const logs = (await context.sources.logsOfBlocks(entries.map((entry) => BigInt(entry.at.block)))).filter((log) =>
        transactions.has(log.transactionHash.toLowerCase()),
      );
      const { contracts, chainId } = context.deployment;
      const registry = contracts.AssetRegistry as Address;
      const replay = replayEvidence({
        chainId: BigInt(chainId),
        registry,
        assetId: BigInt(asset.assetId),
        logs,
        contracts: Object.entries(contracts)
          .filter(([name]) => name in LEDGER_ABIS)
          .map(([, address]) => address as Address),
        ...(asset.evidence.seq === 0 ? {} : { onChain: { seq: asset.evidence.seq, head: asset.evidence.head as Hex } }),
      });
      return {
        verified: replay.ok,
        length: replay.entries.length,
        genesis: replay.genesis,
        head: replay.head,
        recordedHead: asset.evidence,
        problems: replay.problems,
        eventNames: new Map(replay.entries.map((entry) => [entry.seq, entry.eventName])),
      };
    })();
    context.caches.evidence.set(cacheKey, verification);
    keepIfStable(context, verification, () => context.caches.evidence.delete(cacheKey));
  }
  return verification;
}
