import { decodeEventLog, getAddress, toEventSelector, type AbiEvent, type Address, type Hex, type PublicClient } from "viem";

import { accessManagerAbi, assetRegistryAbi, contributionLedgerAbi, disputeCourtAbi, grantRegistryAbi, revenueVaultAbi } from "../../ledger/abi.js";
import type { CertificateLedger, EvidenceChange } from "../../ledger/certificates/index.js";
import { createLogReader, DEFAULT_RANGE_OPTIONS } from "../../ledger/events/index.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import { AssetStatus, enumName } from "../../ledger/types.js";

/** The domain event each evidence kind (its selector) records. */
const EVENT_OF_KIND = new Map<string, string>(
  [...assetRegistryAbi, ...grantRegistryAbi, ...contributionLedgerAbi, ...revenueVaultAbi, ...disputeCourtAbi]
    .filter((item) => item.type === "event")
    .map((item) => [toEventSelector(item as AbiEvent), (item as AbiEvent).name]),
);
const EVIDENCE_APPENDED = assetRegistryAbi.find((item) => item.type === "event" && item.name === "EvidenceAppended") as AbiEvent;

/** A contract reverted or a block is unknown: the chain cannot answer this question. */
const isCallFailure = (error: unknown) => error instanceof Error && /revert|not found|unknown block|header not found|invalid block/i.test(error.message);

/**
 * What a certificate credential is checked against, read straight from an EVM node: the AccessManager's
 * `hasRole` at the block of issue, the registry's record of the asset now, and its `EvidenceAppended`
 * logs since. The CLI and the API's credential check both read through this.
 */
export function chainCertificateLedger(
  client: PublicClient,
  deployment: { chainId: number; registry: Address; accessManager: Address; fromBlock: bigint },
): CertificateLedger {
  const registry = getAddress(deployment.registry);
  // `cacheTime: 0`: viem caches the block number for a polling interval, and a check must see the block just mined.
  return {
    chainId: deployment.chainId,
    registry,
    async registrarAt(account, block) {
      if (block > (await client.getBlockNumber({ cacheTime: 0 }))) return undefined;
      const [isMember] = await client.readContract({
        address: deployment.accessManager,
        abi: accessManagerAbi,
        functionName: "hasRole",
        args: [ROLE_IDS.REGISTRAR, account],
        blockNumber: block,
      });
      return isMember;
    },
    async assetNow(assetId, fingerprint) {
      const blockNumber = await client.getBlockNumber({ cacheTime: 0 });
      let info: { status: number };
      try {
        info = await client.readContract({ address: registry, abi: assetRegistryAbi, functionName: "asset", args: [assetId], blockNumber });
      } catch (error) {
        // `asset` reverts for an unknown registration number.
        if (isCallFailure(error)) return undefined;
        throw error;
      }
      const [holder, [seq, head], fingerprintOwner] = await Promise.all([
        client.readContract({ address: registry, abi: assetRegistryAbi, functionName: "holderOf", args: [assetId], blockNumber }),
        client.readContract({ address: registry, abi: assetRegistryAbi, functionName: "evidenceHead", args: [assetId], blockNumber }),
        client.readContract({ address: registry, abi: assetRegistryAbi, functionName: "assetOfFingerprint", args: [fingerprint], blockNumber }),
      ]);
      return { status: enumName(AssetStatus, info.status), holder: getAddress(holder), fingerprintOwner, evidence: { seq: Number(seq), head } };
    },
    async evidenceAfter(assetId, seq) {
      const toBlock = await client.getBlockNumber({ cacheTime: 0 });
      const reader = createLogReader({
        range: DEFAULT_RANGE_OPTIONS,
        getLogs: ({ fromBlock, toBlock: to }) =>
          client.getLogs({ address: registry, event: EVIDENCE_APPENDED, args: { assetId }, fromBlock, toBlock: to, strict: true }) as Promise<
            { blockNumber: bigint; transactionHash: Hex; logIndex: number; data: Hex; topics: [Hex, ...Hex[]] }[]
          >,
      });
      const logs = await reader.readLogs({ fromBlock: deployment.fromBlock, toBlock });
      const changes: EvidenceChange[] = [];
      for (const log of logs) {
        const { args } = decodeEventLog({ abi: [EVIDENCE_APPENDED], data: log.data, topics: log.topics }) as unknown as {
          args: { seq: number; kind: Hex; actor: Address; timestamp: bigint };
        };
        if (args.seq <= seq) continue;
        changes.push({
          seq: args.seq,
          eventName: EVENT_OF_KIND.get(args.kind) ?? args.kind,
          block: log.blockNumber.toString(),
          transaction: log.transactionHash,
          actor: getAddress(args.actor),
          timestamp: args.timestamp.toString(),
        });
      }
      return changes.sort((a, b) => a.seq - b.seq);
    },
  };
}
