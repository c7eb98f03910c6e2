import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { AbiCoder, keccak256, type ContractTransactionReceipt, type ContractTransactionResponse, type LogDescription } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { NOTICE_PERIOD, fileApplication, type ApplicationInput, type Ledger, type LedgerActors } from "./ledger.js";
import type { AssetRegistry } from "../../types/ethers-contracts/index.js";

type Connection = NetworkConnection<"generic">;

/** Sends a transaction and returns its (non-null) receipt. */
export async function send(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt;
}

/** The registry's logs named `eventName` in `receipt`, decoded, in emission order. */
export async function registryEvents(
  registry: AssetRegistry,
  receipt: ContractTransactionReceipt,
  eventName: string,
): Promise<LogDescription[]> {
  const address = (await registry.getAddress()).toLowerCase();
  const topic = registry.interface.getEvent(eventName as "Transfer").topicHash;
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address && log.topics[0] === topic)
    .map((log) => registry.interface.parseLog(log))
    .filter((parsed): parsed is LogDescription => parsed !== null);
}

/** The names of the registry's events in `receipt`, in emission order. */
export async function registryEventNames(registry: AssetRegistry, receipt: ContractTransactionReceipt): Promise<string[]> {
  const address = (await registry.getAddress()).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => registry.interface.parseLog(log)?.name ?? "?");
}

/** The selector (topic0) of a registry event: the `kind` of its evidence entries. */
export function eventKind(registry: AssetRegistry, eventName: string): string {
  return registry.interface.getEvent(eventName as "Transfer").topicHash;
}

const coder = AbiCoder.defaultAbiCoder();

/** `head_0` of an asset's evidence chain (IEvidenceLedger). */
export function genesisHead(chainId: bigint, registry: string, assetId: bigint): string {
  return keccak256(coder.encode(["uint256", "address", "uint256"], [chainId, registry, assetId]));
}

/** `head_n` from `head_{n-1}` (IEvidenceLedger). */
export function nextHead(
  previous: string,
  seq: bigint,
  kind: string,
  payloadHash: string,
  actor: string,
  timestamp: bigint,
): string {
  return keccak256(
    coder.encode(
      ["bytes32", "uint32", "bytes32", "bytes32", "address", "uint64"],
      [previous, seq, kind, payloadHash, actor, timestamp],
    ),
  );
}

/** keccak256(abi.encode(values)) — the payload hash of an evidence entry. */
export function payloadHash(types: string[], values: unknown[]): string {
  return keccak256(coder.encode(types, values));
}

/**
 * Files `count` applications from `applicant`, accepts them all, waits out one notice window and issues
 * them: `count` certificates in far fewer blocks than `issueAsset` in a loop.
 */
export async function issueMany(
  connection: Connection,
  ledger: Ledger,
  applicant: HardhatEthersSigner,
  count: number,
  overrides: Partial<ApplicationInput> = {},
): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await fileApplication(ledger, applicant, overrides));
  for (const id of ids) await send(ledger.registry.connect(ledger.registrar).acceptApplication(id));
  await connection.networkHelpers.time.increase(NOTICE_PERIOD);
  for (const id of ids) await send(ledger.registry.connect(ledger.registrar).issueCertificate(id));
  return ids;
}

/** The fixture's actors by name, in the order `deployLedger` takes the signers. */
export const ACTOR_NAMES = [
  "admin",
  "registrar",
  "reviewer",
  "authority",
  "arbitrator",
  "settler",
  "alice",
  "bob",
  "carol",
  "institution",
  "individual",
  "outsider",
] as const satisfies readonly (keyof LedgerActors)[];

export type ActorName = (typeof ACTOR_NAMES)[number];

/** Every actor name except those given: the callers a restricted function must refuse. */
export function actorsExcept(...excluded: ActorName[]): ActorName[] {
  return ACTOR_NAMES.filter((name) => !excluded.includes(name));
}
