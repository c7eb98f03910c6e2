import { encodeAbiParameters, getAddress, keccak256, toEventSelector, type AbiEvent, type AbiParameter, type Address, type Hex } from "viem";

import { assetRegistryAbi, contributionLedgerAbi, disputeCourtAbi, grantRegistryAbi, revenueVaultAbi } from "../abi.js";
import { createSelectorDecoder } from "../events/decode.js";
import { compareLogs, type RawLog } from "../events/log.js";
import { checkChain, genesisHead, keccakHex, type ChainProblem, type EvidenceEntry } from "./chain.js";

/** Every event of the ledger's contracts that can be a domain event, by selector. */
const LEDGER_EVENTS = createSelectorDecoder([assetRegistryAbi, grantRegistryAbi, contributionLedgerAbi, revenueVaultAbi, disputeCourtAbi]);

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
  const decoded = LEDGER_EVENTS.decode(log);
  // Undecodable: same selector, different shape: not one of ours.
  if (decoded.kind !== "decoded") return undefined;
  const { abiEvent, eventName, args } = decoded.event;
  return { event: abiEvent, eventName, args: args as Readonly<Record<string, unknown>> };
}

/**
 * The payload hash the contract put on the chain for a domain event: keccak256 of the ABI encoding of
 * all its arguments, indexed ones included, in declaration order.
 */
export function payloadHashOf(event: AbiEvent, args: Readonly<Record<string, unknown>>): Hex {
  const values = event.inputs.map((input, index) => args[input.name ?? String(index)]);
  return keccak256(encodeAbiParameters(event.inputs as readonly AbiParameter[], values as readonly unknown[]));
}

/** Words a parameter takes in the head of an ABI encoding: its size when static, one offset when dynamic. */
function headWords(parameter: AbiParameter): number | "dynamic" {
  const type = parameter.type;
  const fixedArray = /^(.*)\[(\d+)\]$/.exec(type);
  if (fixedArray !== null) {
    const inner = headWords({ ...parameter, type: fixedArray[1]! } as AbiParameter);
    return inner === "dynamic" ? "dynamic" : inner * Number(fixedArray[2]);
  }
  if (type.endsWith("[]") || type === "string" || type === "bytes") return "dynamic";
  if (type === "tuple") {
    let words = 0;
    for (const component of (parameter as { components: readonly AbiParameter[] }).components) {
      const size = headWords(component);
      if (size === "dynamic") return "dynamic";
      words += size;
    }
    return words;
  }
  return 1;
}

/**
 * {@link payloadHashOf} straight from the log's bytes: the encoding of all arguments is the data's, with
 * the indexed arguments' words (from the topics) put back in their places and the data's offsets moved
 * by as many words. Byte for byte what `abi.encode` gives, without decoding; `undefined` when an indexed
 * argument is not a one-word value (its topic is then a hash).
 */
export function payloadHashOfLog(event: AbiEvent, log: Pick<RawLog, "topics" | "data">): Hex | undefined {
  const data = log.data.slice(2);
  let dataWord = 0;
  let topic = 1;
  let inserted = 0;
  const sizes: (number | "dynamic")[] = [];
  for (const input of event.inputs) {
    const size = headWords(input);
    if (input.indexed === true) {
      if (size !== 1) return undefined;
      inserted += 1;
    }
    sizes.push(size);
  }
  let head = "";
  event.inputs.forEach((input, i) => {
    const size = sizes[i]!;
    if (input.indexed === true) {
      head += log.topics[topic++]!.slice(2);
    } else if (size === "dynamic") {
      const offset = BigInt(`0x${data.slice(dataWord * 64, dataWord * 64 + 64)}`) + BigInt(inserted * 32);
      head += offset.toString(16).padStart(64, "0");
      dataWord += 1;
    } else {
      head += data.slice(dataWord * 64, (dataWord + size) * 64);
      dataWord += size;
    }
  });
  return keccakHex(`0x${head}${data.slice(dataWord * 64)}`);
}

/** The payload hash of a log whose indexed arguments are not one word each: decoded, then encoded. */
function payloadHashFromDecoded(event: AbiEvent, log: Pick<RawLog, "topics" | "data">): Hex {
  const decoded = decodeLedgerLog(log);
  return decoded === undefined ? ("0x" as Hex) : payloadHashOf(event, decoded.args);
}

/** One replayed entry: the chain entry, the domain event it commits to, and where both are. */
interface ReplayedEntry extends EvidenceEntry {
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
  const logs = [...input.logs].sort(compareLogs);
  const problems: ReplayProblem[] = [];
  const entries: ReplayedEntry[] = [];
  const claimed = new Set<RawLog>();
  // Addresses compared in lower case: checksumming every candidate log (a keccak each) dominated long chains.
  const registryLower = registry.toLowerCase();
  const trusted =
    input.contracts === undefined ? undefined : new Set([registryLower, ...input.contracts.map((a) => a.toLowerCase())]);

  logs.forEach((log, position) => {
    if (log.topics[0] !== EVIDENCE_APPENDED || log.topics[1] !== assetTopic) return;
    if (log.address.toLowerCase() !== registryLower) return;
    const entry = evidenceEntryOf(log);
    if (entry === undefined) return;
    let domain: RawLog | undefined;
    for (let i = position - 1; i >= 0; i--) {
      const candidate = logs[i]!;
      if (candidate.transactionHash !== log.transactionHash) break;
      if (trusted !== undefined && !trusted.has(candidate.address.toLowerCase())) continue;
      if (candidate.topics[0] === entry.kind && !claimed.has(candidate)) {
        domain = candidate;
        break;
      }
    }
    // The payload is rebuilt from the log's bytes; the arguments are decoded only when someone reads them.
    const abiEvent = LEDGER_EVENTS.event(domain?.topics[0]);
    if (domain === undefined || abiEvent === undefined) {
      problems.push({ kind: "missing-domain-event", seq: entry.seq, transactionHash: log.transactionHash });
    } else {
      claimed.add(domain);
      const expected = payloadHashOfLog(abiEvent, domain) ?? payloadHashFromDecoded(abiEvent, domain);
      if (expected !== entry.payloadHash) {
        problems.push({ kind: "payload-mismatch", seq: entry.seq, eventName: abiEvent.name, expected, recorded: entry.payloadHash });
      }
    }
    const replayed = {
      ...entry,
      eventName: abiEvent?.name,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
    } as ReplayedEntry;
    let args: Readonly<Record<string, unknown>> | undefined | null = null;
    Object.defineProperty(replayed, "args", {
      enumerable: true,
      get: () => {
        if (args === null) args = domain === undefined ? undefined : decodeLedgerLog(domain)?.args;
        return args;
      },
    });
    entries.push(replayed);
  });

  const genesis = genesisHead(input.chainId, registry, input.assetId);
  const chain = checkChain(genesis, entries, input.onChain);
  problems.push(...chain.problems);
  return { assetId: input.assetId, genesis, head: chain.head, entries, ok: problems.length === 0, problems };
}

/**
 * The entry an `EvidenceAppended` log carries, read from its words (topics: asset, seq, kind; data:
 * payload hash, actor, timestamp, head); `undefined` for a log of another shape.
 */
function evidenceEntryOf(log: Pick<RawLog, "topics" | "data">): EvidenceEntry | undefined {
  if (log.topics.length !== 4 || log.data.length !== 2 + 4 * 64) return undefined;
  const word = (i: number) => log.data.slice(2 + i * 64, 2 + (i + 1) * 64);
  const seq = BigInt(log.topics[2]!);
  const actor = BigInt(`0x${word(1)}`);
  const timestamp = BigInt(`0x${word(2)}`);
  if (seq > 0xffffffffn || actor >> 160n !== 0n || timestamp >> 64n !== 0n) return undefined;
  return {
    seq: Number(seq),
    kind: log.topics[3]!.toLowerCase() as Hex,
    payloadHash: `0x${word(0).toLowerCase()}`,
    actor: getAddress(`0x${word(1).slice(24)}`),
    timestamp,
    head: `0x${word(3).toLowerCase()}`,
  };
}
