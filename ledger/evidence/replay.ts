import {
  decodeEventLog,
  encodeAbiParameters,
  getAddress,
  keccak256,
  toEventSelector,
  type AbiEvent,
  type AbiParameter,
  type Address,
  type Hex,
} from "viem";

import { assetRegistryAbi, contributionLedgerAbi, disputeCourtAbi, grantRegistryAbi, revenueVaultAbi } from "../abi.js";
import { checkChain, genesisHead, type ChainProblem, type EvidenceEntry } from "./chain.js";

/** A log as any JSON-RPC node returns it; the replay needs nothing else. */
export interface RawLog {
  address: Address;
  topics: readonly Hex[];
  data: Hex;
  blockNumber: bigint;
  transactionHash: Hex;
  logIndex: number;
}

/** Every event of the ledger's contracts, by selector. */
const LEDGER_EVENTS: ReadonlyMap<Hex, AbiEvent> = new Map(
  [...assetRegistryAbi, ...grantRegistryAbi, ...contributionLedgerAbi, ...revenueVaultAbi, ...disputeCourtAbi]
    .filter((item): item is Extract<typeof item, { type: "event" }> => item.type === "event")
    .map((event) => [toEventSelector(event as AbiEvent), event as AbiEvent]),
);

const EVIDENCE_APPENDED = toEventSelector(
  assetRegistryAbi.find((item) => item.type === "event" && item.name === "EvidenceAppended") as AbiEvent,
);

/** A decoded ledger event: its ABI, name and arguments by name. */
export interface DecodedLedgerEvent {
  event: AbiEvent;
  eventName: string;
  args: Readonly<Record<string, unknown>>;
}

/** Decodes a log of one of the ledger's contracts; `undefined` for a log it does not know. */
export function decodeLedgerLog(log: Pick<RawLog, "topics" | "data">): DecodedLedgerEvent | undefined {
  const selector = log.topics[0];
  const event = selector === undefined ? undefined : LEDGER_EVENTS.get(selector);
  if (event === undefined) return undefined;
  try {
    const decoded = decodeEventLog({
      abi: [event],
      data: log.data,
      topics: log.topics as [Hex, ...Hex[]],
      strict: true,
    });
    return { event, eventName: event.name, args: decoded.args as Readonly<Record<string, unknown>> };
  } catch {
    return undefined; // same selector, different shape: not one of ours
  }
}

/**
 * The payload hash the contract put on the chain for a domain event: keccak256 of the ABI encoding of
 * all its arguments, indexed ones included, in declaration order.
 */
export function payloadHashOf(event: AbiEvent, args: Readonly<Record<string, unknown>>): Hex {
  const values = event.inputs.map((input, index) => args[input.name ?? String(index)]);
  return keccak256(encodeAbiParameters(event.inputs as readonly AbiParameter[], values as readonly unknown[]));
}

/** One replayed entry: the chain entry, the domain event it commits to, and where both are. */
export interface ReplayedEntry extends EvidenceEntry {
  eventName: string | undefined;
  args: Readonly<Record<string, unknown>> | undefined;
  blockNumber: bigint;
  transactionHash: Hex;
  logIndex: number;
}

export type ReplayProblem =
  | ChainProblem
  | { kind: "missing-domain-event"; seq: number; transactionHash: Hex }
  | { kind: "payload-mismatch"; seq: number; eventName: string; expected: Hex; recorded: Hex };

export interface EvidenceReplay {
  assetId: bigint;
  genesis: Hex;
  /** The head recomputed from the events. */
  head: Hex;
  entries: ReplayedEntry[];
  ok: boolean;
  problems: ReplayProblem[];
}

export interface ReplayInput {
  chainId: bigint;
  /** The AssetRegistry, which keeps the evidence chains. */
  registry: Address;
  assetId: bigint;
  /**
   * Every log of the ledger's contracts in the transactions that touched the asset, in any order.
   * Logs of other assets or contracts are ignored.
   */
  logs: readonly RawLog[];
  /**
   * The ledger contracts whose events may be domain events (the registry is always one). When given,
   * a log of any other contract is never taken as a domain event.
   */
  contracts?: readonly Address[];
  /** The `evidenceHead(assetId)` the contract reports now, to prove nothing is missing at the end. */
  onChain?: { seq: number; head: Hex };
}

/**
 * Replays an asset's evidence chain from raw logs: finds its `EvidenceAppended` entries in order, pairs
 * each with its domain event (the nearest earlier log of the same transaction whose selector is the
 * entry's kind), recomputes the payload hash from the decoded event and every head from the genesis, and
 * lists what does not match. A clean replay proves that the events shown are exactly the ones the chain
 * committed to: nothing inserted, dropped or altered.
 */
export function replayEvidence(input: ReplayInput): EvidenceReplay {
  const registry = getAddress(input.registry);
  const assetTopic = encodeAbiParameters([{ type: "uint256" }], [input.assetId]);
  const logs = [...input.logs].sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  const problems: ReplayProblem[] = [];
  const entries: ReplayedEntry[] = [];
  const claimed = new Set<RawLog>();
  const trusted =
    input.contracts === undefined ? undefined : new Set([registry, ...input.contracts.map((a) => getAddress(a))]);

  logs.forEach((log, position) => {
    if (log.topics[0] !== EVIDENCE_APPENDED || log.topics[1] !== assetTopic) return;
    if (getAddress(log.address) !== registry) return;
    const decoded = decodeLedgerLog(log);
    if (decoded === undefined) return;
    const entry = toEntry(decoded.args);
    let domain: RawLog | undefined;
    for (let i = position - 1; i >= 0; i--) {
      const candidate = logs[i]!;
      if (candidate.transactionHash !== log.transactionHash) break;
      if (trusted !== undefined && !trusted.has(getAddress(candidate.address))) continue;
      if (candidate.topics[0] === entry.kind && !claimed.has(candidate)) {
        domain = candidate;
        break;
      }
    }
    const domainEvent = domain === undefined ? undefined : decodeLedgerLog(domain);
    if (domain === undefined || domainEvent === undefined) {
      problems.push({ kind: "missing-domain-event", seq: entry.seq, transactionHash: log.transactionHash });
    } else {
      claimed.add(domain);
      const expected = payloadHashOf(domainEvent.event, domainEvent.args);
      if (expected !== entry.payloadHash) {
        problems.push({
          kind: "payload-mismatch",
          seq: entry.seq,
          eventName: domainEvent.eventName,
          expected,
          recorded: entry.payloadHash,
        });
      }
    }
    entries.push({
      ...entry,
      eventName: domainEvent?.eventName,
      args: domainEvent?.args,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
    });
  });

  const genesis = genesisHead(input.chainId, registry, input.assetId);
  const chain = checkChain(genesis, entries, input.onChain);
  problems.push(...chain.problems);
  return { assetId: input.assetId, genesis, head: chain.head, entries, ok: problems.length === 0, problems };
}

function toEntry(args: Readonly<Record<string, unknown>>): EvidenceEntry {
  return {
    seq: Number(args.seq),
    kind: args.kind as Hex,
    payloadHash: args.payloadHash as Hex,
    actor: args.actor as Address,
    timestamp: args.timestamp as bigint,
    head: args.head as Hex,
  };
}
