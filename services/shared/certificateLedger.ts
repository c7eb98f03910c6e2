import { decodeEventLog, getAddress, toEventSelector, zeroAddress, type AbiEvent, type Address, type Hex, type PublicClient } from "viem";

import { accessManagerAbi, assetRegistryAbi, contributionLedgerAbi, disputeCourtAbi, grantRegistryAbi, revenueVaultAbi } from "../../ledger/abi.js";
import type { CertificateLedger, EvidenceChange } from "../../ledger/certificates/index.js";
import { createLogReader, DEFAULT_RANGE_OPTIONS } from "../../ledger/events/index.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import { AssetKind, AssetStatus, Classification, DataCategory, enumName } from "../../ledger/types.js";

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
 * What the registry keeps of `assetId` at `blockNumber`, and the registration it maps `fingerprint` to then;
 * undefined for a registration number the registry does not have. The credential check reads it at the head,
 * a registrar's tool before signing at the block of the facts it signs.
 */
export async function registryRecordAt(client: PublicClient, registry: Address, assetId: bigint, fingerprint: Hex, blockNumber: bigint) {
  const at = { address: registry, abi: assetRegistryAbi, blockNumber } as const;
  let info: { kind: number; category: number; classification: number; status: number; cardVersion: number; openObjections: number; pledgee: Address };
  try {
    info = await client.readContract({ ...at, functionName: "asset", args: [assetId] });
  } catch (error) {
    // `asset` reverts for an unknown registration number.
    if (isCallFailure(error)) return undefined;
    throw error;
  }
  const [holder, [seq, head], fingerprintOwner] = await Promise.all([
    client.readContract({ ...at, functionName: "holderOf", args: [assetId] }),
    client.readContract({ ...at, functionName: "evidenceHead", args: [assetId] }),
    client.readContract({ ...at, functionName: "assetOfFingerprint", args: [fingerprint] }),
  ]);
  return {
    status: enumName(AssetStatus, info.status),
    kind: enumName(AssetKind, info.kind),
    category: enumName(DataCategory, info.category),
    classification: enumName(Classification, info.classification),
    cardVersion: Number(info.cardVersion),
    openObjections: Number(info.openObjections),
    pledgee: info.pledgee === zeroAddress ? null : getAddress(info.pledgee),
    holder: getAddress(holder),
    evidence: { seq: Number(seq), head },
    fingerprintOwner,
  };
}

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
      const record = await registryRecordAt(client, registry, assetId, fingerprint, await client.getBlockNumber({ cacheTime: 0 }));
      return record === undefined ? undefined : { status: record.status, holder: record.holder, fingerprintOwner: record.fingerprintOwner, evidence: record.evidence };
    },
    async evidenceAfter(assetId, seq, afterBlock) {
      const toBlock = await client.getBlockNumber({ cacheTime: 0 });
      const reader = createLogReader({
        range: DEFAULT_RANGE_OPTIONS,
        getLogs: ({ fromBlock, toBlock: to }) =>
          client.getLogs({ address: registry, event: EVIDENCE_APPENDED, args: { assetId }, fromBlock, toBlock: to, strict: true }) as Promise<
            { blockNumber: bigint; transactionHash: Hex; logIndex: number; data: Hex; topics: [Hex, ...Hex[]] }[]
          >,
      });
      // Entries after `seq` were appended after `afterBlock`, where the chain stood at `seq`: no need to read the asset's whole history.
      const fromBlock = afterBlock + 1n > deployment.fromBlock ? afterBlock + 1n : deployment.fromBlock;
      if (fromBlock > toBlock) return [];
      const logs = await reader.readLogs({ fromBlock, toBlock });
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
