import { getAddress, toEventSelector, type AbiEvent, type AbiParameter, type Address, type Hex } from "viem";
import { z } from "zod";

import { assetRegistryAbi, contributionLedgerAbi, disputeCourtAbi, grantRegistryAbi, revenueVaultAbi } from "../abi.js";
import { HEX_ADDRESS } from "../encoding/address.js";
import type { RawLog } from "../events/log.js";
import { checkChain, genesisHead, type EvidenceEntry } from "./chain.js";
import { payloadHashOf, payloadHashOfLog, type EvidenceReplay, type ReplayProblem } from "./replay.js";

/**
 * The replay report (`provenance evidence replay --out`) and its re-check. Every field is either derived
 * from what the chain hashes (checked offline, {@link checkReportOffline}) or one no hash in the report
 * covers ({@link NOT_VERIFIABLE_OFFLINE}: which transactions, which blocks, what the registry reported),
 * checked against a node by {@link checkReportOnChain}. Pure: the caller reads the file and the node.
 */

const REPORT_TYPE = "provenance.evidence-report";
const REPORT_VERSION = 1;

interface ReportEntry {
  seq: number;
  kind: Hex;
  eventName: string | null;
  actor: string;
  transactionHash: Hex;
  blockNumber: string;
  timestamp: string;
  /** The timestamp as ISO 8601 (UTC), for people. */
  time: string;
  payloadHash: Hex;
  head: Hex;
  /** The domain event's arguments by name; integers as decimal strings (small ones as numbers). */
  args: Record<string, unknown> | null;
}

export interface EvidenceReport {
  type: typeof REPORT_TYPE;
  version: typeof REPORT_VERSION;
  chainId: number;
  registry: string;
  assetId: string;
  genesis: Hex;
  entries: ReportEntry[];
  /** The registry's `evidenceHead(assetId)` at `block` (whose hash is `blockHash`, absent in older reports). */
  onChain: { seq: number; head: Hex; block: string; blockHash?: Hex };
  recomputedHead: Hex;
  verdict: "valid" | "invalid";
  problems: Record<string, unknown>[];
}

/** Fields no hash in the report covers: only a node can vouch for them. */
export const NOT_VERIFIABLE_OFFLINE = [
  "entries[*].transactionHash",
  "entries[*].blockNumber",
  "onChain.seq",
  "onChain.head",
  "onChain.block",
  "onChain.blockHash",
] as const;

/** One thing wrong with a report: the fields (paths into the report) it implicates and one line for people. */
interface ReportProblem {
  kind: string;
  seq?: number;
  fields: string[];
  message: string;
  [detail: string]: unknown;
}

/** A report that is not one (not an object of the expected shape): bad input rather than a failed check. */
interface ShapeIssue {
  field: string;
  message: string;
}

const DOMAIN_EVENTS = [...assetRegistryAbi, ...grantRegistryAbi, ...contributionLedgerAbi, ...revenueVaultAbi, ...disputeCourtAbi].filter(
  (item) => item.type === "event",
) as unknown as readonly AbiEvent[];
const EVENTS_BY_NAME = new Map<string, AbiEvent[]>();
for (const event of DOMAIN_EVENTS) EVENTS_BY_NAME.set(event.name, [...(EVENTS_BY_NAME.get(event.name) ?? []), event]);
const EVIDENCE_APPENDED = toEventSelector(DOMAIN_EVENTS.find((e) => e.name === "EvidenceAppended")!);

/** JSON values: bigints as decimal strings, nested. */
function jsonReady(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonReady);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonReady(v)]));
  return value;
}

/** A unix timestamp as ISO 8601 (UTC); undefined past what a date can hold (year 275760). */
function isoTime(timestamp: bigint): string | undefined {
  const ms = Number(timestamp) * 1000;
  return ms <= 8.64e15 ? new Date(ms).toISOString() : undefined;
}

/** The report of a replay, as `evidence replay --out` writes it. */
export function buildEvidenceReport(input: {
  chainId: number;
  registry: Address;
  replay: EvidenceReplay;
  onChain: { seq: number; head: Hex; block: bigint; blockHash: Hex };
}): EvidenceReport {
  const { replay } = input;
  return {
    type: REPORT_TYPE,
    version: REPORT_VERSION,
    chainId: input.chainId,
    registry: getAddress(input.registry),
    assetId: replay.assetId.toString(),
    genesis: replay.genesis,
    entries: replay.entries.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      eventName: e.eventName ?? null,
      actor: e.actor,
      transactionHash: e.transactionHash,
      blockNumber: e.blockNumber.toString(),
      timestamp: e.timestamp.toString(),
      time: isoTime(e.timestamp) ?? "",
      payloadHash: e.payloadHash,
      head: e.head,
      args: e.args === undefined ? null : (jsonReady(e.args) as Record<string, unknown>),
    })),
    onChain: { seq: input.onChain.seq, head: input.onChain.head, block: input.onChain.block.toString(), blockHash: input.onChain.blockHash },
    recomputedHead: replay.head,
    verdict: replay.ok ? "valid" : "invalid",
    problems: jsonReady(replay.problems) as Record<string, unknown>[],
  };
}

// ---- shape ------------------------------------------------------------------------------------------

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x and 64 lower-case hex digits");
const address = z.string().regex(HEX_ADDRESS, "must be an address (0x and 40 hex digits)");
const decimalBelow = (bits: number) =>
  z
    .string()
    .regex(/^(0|[1-9]\d*)$/, "must be a decimal integer string")
    .refine((s) => BigInt(s) < 1n << BigInt(bits), `must be less than 2^${bits}`);
const uint32 = z.number().int("must be an integer").min(0, "must not be negative").max(0xffffffff, "must be less than 2^32");

const entrySchema = z
  .object({
    seq: uint32,
    kind: hex32,
    eventName: z.string().nullable(),
    actor: address,
    transactionHash: hex32,
    blockNumber: decimalBelow(64),
    timestamp: decimalBelow(64),
    time: z.string(),
    payloadHash: hex32,
    head: hex32,
    args: z.record(z.unknown()).nullable(),
  })
  .passthrough();
const onChainSchema = z.object({ seq: uint32, head: hex32, block: decimalBelow(64), blockHash: hex32.optional() }).passthrough();
const reportSchema = z
  .object({
    type: z.literal(REPORT_TYPE),
    version: z.literal(REPORT_VERSION),
    chainId: z.number().int("must be an integer").positive("must be positive").max(Number.MAX_SAFE_INTEGER),
    registry: address,
    assetId: decimalBelow(256),
    genesis: hex32,
    entries: z.array(entrySchema),
    onChain: onChainSchema,
    recomputedHead: hex32,
    verdict: z.enum(["valid", "invalid"], { message: 'must be "valid" or "invalid"' }),
    problems: z.array(z.record(z.unknown())),
  })
  .passthrough();

/** `["entries", 2, "seq"]` as `entries[2].seq`. */
function fieldPath(path: readonly (string | number)[]): string {
  let text = "";
  for (const part of path) text += typeof part === "number" ? `[${part}]` : text === "" ? part : `.${part}`;
  return text;
}

/** Checks the shape of a parsed report file; the values are checked by {@link checkReportOffline}. */
export function parseEvidenceReport(value: unknown): { report: EvidenceReport } | { issues: ShapeIssue[] } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { issues: [{ field: "(the report)", message: "must be a JSON object" }] };
  }
  const record = value as Record<string, unknown>;
  // The document's identity first: another document, or another version, is not worth a list of field errors.
  if (record.type !== REPORT_TYPE) {
    return { issues: [{ field: "type", message: `${describeValue(record.type)} is not "${REPORT_TYPE}": not an evidence report` }] };
  }
  if (record.version !== REPORT_VERSION) {
    return { issues: [{ field: "version", message: `${describeValue(record.version)}: this tool reads version ${REPORT_VERSION} reports` }] };
  }
  const parsed = reportSchema.safeParse(value);
  if (parsed.success) return { report: parsed.data as unknown as EvidenceReport };
  return {
    issues: parsed.error.issues.map((issue) => ({ field: fieldPath(issue.path) || "(the report)", message: issue.message.replace(/\s+/g, " ") })),
  };
}

/** A value from a report in a message: short, one line, never `[object Object]`. */
function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

// ---- offline ----------------------------------------------------------------------------------------

const ENTRY_KEYS = new Set(Object.keys(entrySchema.shape));
const ON_CHAIN_KEYS = new Set(Object.keys(onChainSchema.shape));
const REPORT_KEYS = new Set(Object.keys(reportSchema.shape));

function unknownKeys(record: Record<string, unknown>, known: ReadonlySet<string>, at: string): ReportProblem[] {
  return Object.keys(record)
    .filter((key) => !known.has(key))
    .map((key) => {
      const field = at === "" ? key : `${at}.${key}`;
      return { kind: "unknown-field", fields: [field], message: `${field}: not a field of a version ${REPORT_VERSION} report: nothing checks it` };
    });
}

/** The head of a message about an entry: which entry (its seq as recorded) and which field. */
function entryLabel(entry: { seq: unknown }, index: number, field?: string): string {
  const seq = typeof entry.seq === "number" ? `#${entry.seq}` : `at entries[${index}]`;
  return field === undefined ? `entry ${seq}` : `entry ${seq} ${field}`;
}

/**
 * A JSON argument back to what the ABI encoder takes, checked against its parameter type; problems name
 * the argument's path. Addresses are lower-cased: the hash is over the 20 bytes, whatever the case.
 */
function reviveArgument(parameter: AbiParameter, value: unknown, path: string, problems: ShapeIssue[]): unknown {
  const type = parameter.type;
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  const bad = (expected: string) => {
    problems.push({ field: path, message: value === undefined ? `missing (${type})` : `${describeValue(value)} is not ${expected}` });
    return undefined;
  };
  if (array !== null) {
    if (!Array.isArray(value)) return bad(`an array (${type})`);
    if (array[2] !== "" && value.length !== Number(array[2])) return bad(`an array of ${array[2]} (${type})`);
    return value.map((item, i) => reviveArgument({ ...parameter, type: array[1]! } as AbiParameter, item, `${path}[${i}]`, problems));
  }
  if (type === "tuple") {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return bad("an object (a tuple)");
    const components = (parameter as { components: readonly AbiParameter[] }).components;
    const record = value as Record<string, unknown>;
    const names = new Set(components.map((c) => c.name!));
    for (const key of Object.keys(record)) if (!names.has(key)) problems.push({ field: `${path}.${key}`, message: "not a component of this tuple" });
    return Object.fromEntries(components.map((c) => [c.name!, reviveArgument(c, record[c.name!], `${path}.${c.name!}`, problems)]));
  }
  const integer = /^(u?)int(\d*)$/.exec(type);
  if (integer !== null) {
    const bits = BigInt(integer[2] === "" ? 256 : Number(integer[2]));
    const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
    if (typeof text !== "string" || !/^-?(0|[1-9]\d*)$/.test(text)) return bad(`an integer (${type})`);
    const n = BigInt(text);
    const [min, max] = integer[1] === "u" ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
    return n < min || n > max ? bad(`in the range of ${type}`) : n;
  }
  if (type === "address") return typeof value === "string" && HEX_ADDRESS.test(value) ? value.toLowerCase() : bad("an address");
  if (type === "bool") return typeof value === "boolean" ? value : bad("true or false");
  if (type === "string") return typeof value === "string" ? value : bad("a string");
  const bytes = /^bytes(\d*)$/.exec(type);
  if (bytes !== null) {
    const ok = typeof value === "string" && /^0x([0-9a-fA-F]{2})*$/.test(value) && (bytes[1] === "" || value.length === 2 + 2 * Number(bytes[1]));
    return ok ? value.toLowerCase() : bad(`hex of ${bytes[1] === "" ? "whole bytes" : `${bytes[1]} bytes`} (${type})`);
  }
  return bad(`a value of a type this tool knows (${type})`);
}

/** The domain event an entry names: by name, the one whose selector is the entry's kind when several share it. */
function eventOf(entry: ReportEntry): { event: AbiEvent | undefined; kindMatches: boolean } {
  const candidates = entry.eventName === null ? [] : (EVENTS_BY_NAME.get(entry.eventName) ?? []);
  const exact = candidates.find((e) => toEventSelector(e) === entry.kind);
  return { event: exact ?? candidates[0], kindMatches: exact !== undefined };
}

/** Canonical JSON (sorted keys) to compare problem lists, whatever the key order in the file. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(jsonReady(value)) ?? "null";
}

/** One line for a problem a replay finds (also what `evidence replay` prints). */
export function describeReplayProblem(problem: ReplayProblem): string {
  switch (problem.kind) {
    case "gap":
      return `entry #${problem.seq} seq: a gap: entry ${problem.expectedSeq} expected here (an entry was dropped, inserted or reordered)`;
    case "head-mismatch":
      return `entry #${problem.seq} head: ${problem.recorded} is not the hash of the previous head, seq, kind, payloadHash, actor and timestamp (${problem.expected}): one of them was altered`;
    case "head-differs-from-chain":
      return `onChain.head: the entries end in ${problem.expected}, the registry's head is ${problem.onChain}`;
    case "length-differs-from-chain":
      return `onChain.seq: ${problem.length} entries, the registry counts ${problem.onChainSeq}`;
    case "missing-domain-event":
      return `entry #${problem.seq} eventName: no domain event of the entry's kind in transaction ${problem.transactionHash}`;
    case "payload-mismatch":
      return `entry #${problem.seq} payloadHash: ${problem.recorded} is not the hash of its ${problem.eventName} arguments (${problem.expected})`;
  }
}

const HASHED_FIELDS = ["seq", "kind", "payloadHash", "actor", "timestamp", "head"] as const;

interface OfflineCheck {
  ok: boolean;
  genesis: Hex;
  /** The head recomputed from the genesis and the entries. */
  head: Hex;
  verdict: "valid" | "invalid";
  /** What a replay of these entries finds: what the report's `problems` must be. */
  chainProblems: ReplayProblem[];
  /** Everything wrong with the report, the chain's problems included. */
  problems: ReportProblem[];
}

/**
 * Re-checks a report from its own content: the genesis from chain id, registry and asset; every entry's
 * kind against its event's selector, its arguments against the event's types and its payload hash, its
 * time against its timestamp, its head from the previous one; the blocks in order; the recomputed head,
 * verdict and problems against what these give; and no field the format does not define.
 */
export function checkReportOffline(report: EvidenceReport): OfflineCheck {
  const problems: ReportProblem[] = [];
  const chainProblems: ReplayProblem[] = [];
  problems.push(...unknownKeys(report as unknown as Record<string, unknown>, REPORT_KEYS, ""));
  problems.push(...unknownKeys(report.onChain, ON_CHAIN_KEYS, "onChain"));

  const registry = getAddress(report.registry.toLowerCase());
  const genesis = genesisHead(BigInt(report.chainId), registry, BigInt(report.assetId));
  if (genesis !== report.genesis) {
    problems.push({
      kind: "genesis-mismatch",
      fields: ["genesis", "chainId", "registry", "assetId"],
      message: `genesis: ${report.genesis} is not the genesis of asset ${report.assetId} of registry ${report.registry} on chain ${report.chainId} (${genesis}): one of chainId, registry, assetId, genesis was altered`,
      expected: genesis,
      recorded: report.genesis,
    });
  }

  const onChainBlock = BigInt(report.onChain.block);
  let previousBlock = 0n;
  const entryFieldProblem = (index: number, kind: string, names: readonly string[], message: string, extra: Record<string, unknown> = {}) => {
    const entry = report.entries[index]!;
    problems.push({ kind, seq: entry.seq, fields: names.map((n) => `entries[${index}].${n}`), message, ...extra });
  };
  report.entries.forEach((entry, index) => {
    problems.push(...unknownKeys(entry as unknown as Record<string, unknown>, ENTRY_KEYS, `entries[${index}]`));
    const label = (field?: string) => entryLabel(entry, index, field);
    const time = isoTime(BigInt(entry.timestamp));
    if (entry.time !== time) {
      const should = time === undefined ? "beyond any date" : time;
      entryFieldProblem(index, "time-mismatch", ["time", "timestamp"], `${label("time")}: ${describeValue(entry.time)} is not its timestamp ${entry.timestamp} (${should})`);
    }
    // Which of two disagreeing blocks is wrong only the node can tell: both are named.
    const block = BigInt(entry.blockNumber);
    if (index > 0 && block < previousBlock) {
      problems.push({
        kind: "block-order",
        seq: entry.seq,
        fields: [`entries[${index}].blockNumber`, `entries[${index - 1}].blockNumber`],
        message: `${label("blockNumber")}: block ${block} is before the previous entry's block ${previousBlock}`,
      });
    }
    if (block > onChainBlock) {
      problems.push({
        kind: "block-order",
        seq: entry.seq,
        fields: [`entries[${index}].blockNumber`, "onChain.block"],
        message: `${label("blockNumber")}: block ${block} is after onChain.block ${onChainBlock}, where the registry's head was read`,
      });
    }
    previousBlock = block;

    if (entry.eventName === null || entry.args === null) {
      if (entry.eventName !== null || entry.args !== null) {
        entryFieldProblem(index, "missing-domain-event", ["eventName", "args"], `${label()}: eventName and args are both given or both null`);
      }
      const problem: ReplayProblem = { kind: "missing-domain-event", seq: entry.seq, transactionHash: entry.transactionHash };
      chainProblems.push(problem);
      problems.push({ ...problem, fields: [`entries[${index}].eventName`, `entries[${index}].args`], message: describeReplayProblem(problem) });
      return;
    }
    const { event, kindMatches } = eventOf(entry);
    if (event === undefined) {
      entryFieldProblem(index, "unknown-event", ["eventName"], `${label("eventName")}: ${describeValue(entry.eventName)} is not an event of the ledger's contracts`);
      return;
    }
    if (!kindMatches) {
      entryFieldProblem(index, "kind-mismatch", ["kind", "eventName"], `${label("kind")}: ${entry.kind} is not the selector of ${entry.eventName} (${toEventSelector(event)})`, {
        eventName: entry.eventName,
      });
    }
    const issues: ShapeIssue[] = [];
    const inputs = event.inputs.map((input, i) => input.name ?? String(i));
    for (const key of Object.keys(entry.args)) {
      if (!inputs.includes(key)) issues.push({ field: `args.${key}`, message: `not an argument of ${entry.eventName}` });
    }
    const args = Object.fromEntries(event.inputs.map((input, i) => [inputs[i]!, reviveArgument(input, entry.args![inputs[i]!], `args.${inputs[i]!}`, issues)]));
    for (const issue of issues) {
      entryFieldProblem(index, "unreadable-args", [issue.field], `${label(issue.field)}: ${issue.message}`);
    }
    if (issues.length > 0) return;
    let expected: Hex;
    try {
      expected = payloadHashOf(event, args);
    } catch {
      // Types were checked above; an encoder refusal past them is still the report's arguments, said plainly.
      entryFieldProblem(index, "unreadable-args", ["args"], `${label("args")}: cannot be ABI-encoded as the arguments of ${entry.eventName}`);
      return;
    }
    if (expected !== entry.payloadHash) {
      const problem: ReplayProblem = { kind: "payload-mismatch", seq: entry.seq, eventName: entry.eventName, expected, recorded: entry.payloadHash };
      chainProblems.push(problem);
      problems.push({ ...problem, fields: [`entries[${index}].payloadHash`, `entries[${index}].args`], message: describeReplayProblem(problem) });
    }
  });

  const entries: EvidenceEntry[] = report.entries.map((e) => ({
    seq: e.seq,
    kind: e.kind,
    payloadHash: e.payloadHash,
    actor: getAddress(e.actor.toLowerCase()),
    timestamp: BigInt(e.timestamp),
    head: e.head,
  }));
  const chain = checkChain(genesis, entries, { seq: report.onChain.seq, head: report.onChain.head });
  for (const problem of chain.problems) {
    chainProblems.push(problem);
    problems.push({ ...problem, fields: chainProblemFields(problem, report), message: describeReplayProblem(problem) });
  }

  const verdict = chainProblems.length === 0 ? "valid" : "invalid";
  if (report.recomputedHead !== chain.head) {
    problems.push({
      kind: "recomputed-head-mismatch",
      fields: ["recomputedHead"],
      message: `recomputedHead: ${report.recomputedHead} is not the head the entries recompute to (${chain.head})`,
      expected: chain.head,
      recorded: report.recomputedHead,
    });
  }
  if (report.verdict !== verdict) {
    problems.push({ kind: "verdict-mismatch", fields: ["verdict"], message: `verdict: the report says ${report.verdict}, its entries give ${verdict}` });
  }
  if (canonical(report.problems) !== canonical(chainProblems)) {
    const list = (all: readonly Record<string, unknown>[]) => {
      const items = all.slice(0, 5);
      const more = all.length > items.length ? ` and ${all.length - items.length} more` : "";
      return items.length === 0 ? "none" : items.map((p) => `${p.kind === undefined ? "a problem without a kind" : describeValue(p.kind)}${p.seq === undefined ? "" : ` at #${describeValue(p.seq)}`}`).join(", ") + more;
    };
    problems.push({
      kind: "problems-mismatch",
      fields: ["problems"],
      message: `problems: the report lists ${list(report.problems)}; its entries give ${list(chainProblems as unknown as Record<string, unknown>[])}`,
    });
  }
  return { ok: problems.length === 0, genesis, head: chain.head, verdict, chainProblems, problems };
}

/** The fields a problem of {@link checkChain} implicates; its entry found by position (seqs may repeat). */
function chainProblemFields(problem: ReplayProblem, report: EvidenceReport): string[] {
  switch (problem.kind) {
    case "gap": {
      const index = report.entries.findIndex((e, i) => e.seq === problem.seq && (i === 0 ? 0 : report.entries[i - 1]!.seq) + 1 === problem.expectedSeq);
      return [`entries[${index}].seq`];
    }
    case "head-mismatch": {
      const index = report.entries.findIndex((e) => e.seq === problem.seq && e.head === problem.recorded);
      return HASHED_FIELDS.map((f) => `entries[${index}].${f}`);
    }
    case "head-differs-from-chain":
      return ["onChain.head"];
    case "length-differs-from-chain":
      return ["onChain.seq", "entries"];
    default:
      return [];
  }
}

// ---- online -----------------------------------------------------------------------------------------

/** A transaction receipt as far as the check needs it. */
export interface ObservedReceipt {
  status: "success" | "reverted";
  blockNumber: bigint;
  logs: readonly RawLog[];
}

/** What the node says about a report's claims, read by the caller. */
export interface ObservedChain {
  latestBlock: bigint;
  /** The hash of block `onChain.block`; undefined when the node has no such block. */
  blockHash: Hex | undefined;
  /** The registry's `evidenceHead(assetId)` at `onChain.block`; undefined when the node keeps no state that old. */
  headAtBlock: { seq: number; head: Hex } | undefined;
  /** The registry's `evidenceHead(assetId)` now. */
  currentHead: { seq: number; head: Hex };
  /** Receipts by lower-case transaction hash; undefined for a transaction the node does not know. */
  receipts: ReadonlyMap<string, ObservedReceipt | undefined>;
}

/**
 * Which node and which deployment: the report's chain must be the node's, its registry the deployment's
 * AssetRegistry (otherwise any contract emitting look-alike events would pass). Checked first: if either
 * differs, nothing else on the node is about this report.
 */
export function checkReportBinding(report: EvidenceReport, node: { chainId: number; registry: Address; deployment: string }): ReportProblem[] {
  if (report.chainId !== node.chainId) {
    return [{ kind: "chain-mismatch", fields: ["chainId"], message: `chainId: the report is of chain ${report.chainId}, the node is chain ${node.chainId}` }];
  }
  if (report.registry.toLowerCase() !== node.registry.toLowerCase()) {
    return [
      {
        kind: "registry-mismatch",
        fields: ["registry"],
        message: `registry: ${report.registry} is not the AssetRegistry of the deployment ${node.deployment} (${node.registry}); pass --deployment for the one it belongs to`,
      },
    ];
  }
  return [];
}

/**
 * Compares a report with the node: the head the registry had at `onChain.block` (and that block's hash),
 * and for every entry its transaction: mined successfully in that block, emitting that `EvidenceAppended`
 * (asset, seq, kind, payload hash, actor, timestamp, head) from the registry, after a domain event of
 * that kind from a ledger contract whose arguments hash to the payload hash.
 */
export function checkReportOnChain(report: EvidenceReport, observed: ObservedChain, contracts: readonly Address[]): ReportProblem[] {
  const problems: ReportProblem[] = [];
  const block = BigInt(report.onChain.block);
  if (block > observed.latestBlock) {
    problems.push({ kind: "block-not-found", fields: ["onChain.block"], message: `onChain.block: block ${block} is not on the chain yet (the latest is ${observed.latestBlock})` });
  } else if (observed.blockHash === undefined) {
    problems.push({ kind: "block-not-found", fields: ["onChain.block"], message: `onChain.block: the node has no block ${block}` });
  } else if (report.onChain.blockHash !== undefined && report.onChain.blockHash !== observed.blockHash) {
    problems.push({
      kind: "block-hash-mismatch",
      fields: ["onChain.blockHash", "onChain.block"],
      message: `onChain.blockHash: block ${block} is ${observed.blockHash} on the node, not ${report.onChain.blockHash}`,
    });
  }
  // Without the state at that block, the current head vouches for it when the chain has not grown since.
  const atBlock = observed.headAtBlock ?? (observed.currentHead.seq === report.onChain.seq ? observed.currentHead : undefined);
  if (atBlock === undefined) {
    if (block <= observed.latestBlock) {
      problems.push({
        kind: "head-unavailable",
        fields: ["onChain.seq", "onChain.head"],
        message: `onChain: the node keeps no state at block ${block} and the chain has grown since (${observed.currentHead.seq} ${observed.currentHead.seq === 1 ? "entry" : "entries"} now): check against an archive node`,
      });
    }
  } else {
    if (atBlock.seq !== report.onChain.seq) {
      problems.push({ kind: "on-chain-seq-mismatch", fields: ["onChain.seq"], message: `onChain.seq: the registry counted ${atBlock.seq} entries at block ${block}, not ${report.onChain.seq}` });
    }
    if (atBlock.head !== report.onChain.head) {
      problems.push({ kind: "on-chain-head-mismatch", fields: ["onChain.head"], message: `onChain.head: the registry's head at block ${block} was ${atBlock.head}, not ${report.onChain.head}` });
    }
  }

  const registry = report.registry.toLowerCase();
  const ledger = new Set([registry, ...contracts.map((a) => a.toLowerCase())]);
  const assetTopic = `0x${BigInt(report.assetId).toString(16).padStart(64, "0")}`;
  report.entries.forEach((entry, index) => {
    const at = (field: string) => `entries[${index}].${field}`;
    const push = (kind: string, fields: readonly string[], message: string) => problems.push({ kind, seq: entry.seq, fields: fields.map(at), message });
    const receipt = observed.receipts.get(entry.transactionHash.toLowerCase());
    if (receipt === undefined) {
      push("transaction-not-found", ["transactionHash"], `entry #${entry.seq} transactionHash: ${entry.transactionHash} is not a transaction on chain ${report.chainId}`);
      return;
    }
    if (receipt.status !== "success") {
      push("transaction-reverted", ["transactionHash"], `entry #${entry.seq} transactionHash: ${entry.transactionHash} reverted: it appended nothing`);
      return;
    }
    if (receipt.blockNumber.toString() !== entry.blockNumber) {
      push("block-mismatch", ["blockNumber"], `entry #${entry.seq} blockNumber: transaction ${entry.transactionHash} is in block ${receipt.blockNumber}, not ${entry.blockNumber}`);
    }
    const seqTopic = `0x${entry.seq.toString(16).padStart(64, "0")}`;
    const position = receipt.logs.findIndex(
      (log) => log.address.toLowerCase() === registry && log.topics[0] === EVIDENCE_APPENDED && log.topics[1] === assetTopic && log.topics[2] === seqTopic,
    );
    const log = receipt.logs[position];
    if (log === undefined || log.topics.length !== 4 || log.data.length !== 2 + 4 * 64) {
      push("entry-not-in-transaction", ["transactionHash", "seq"], `entry #${entry.seq} transactionHash: ${entry.transactionHash} appended no entry #${entry.seq} to the chain of asset ${report.assetId}`);
      return;
    }
    const word = (i: number) => `0x${log.data.slice(2 + i * 64, 2 + (i + 1) * 64).toLowerCase()}`;
    const emitted: Record<string, string> = {
      kind: log.topics[3]!.toLowerCase(),
      payloadHash: word(0),
      actor: `0x${word(1).slice(26)}`,
      timestamp: BigInt(word(2)).toString(),
      head: word(3),
    };
    const recorded: Record<string, string> = { kind: entry.kind, payloadHash: entry.payloadHash, actor: entry.actor.toLowerCase(), timestamp: entry.timestamp, head: entry.head };
    for (const field of Object.keys(emitted)) {
      if (emitted[field] !== recorded[field]) {
        push("entry-differs-from-chain", [field], `entry #${entry.seq} ${field}: the chain's entry has ${emitted[field]}, the report ${recorded[field]}`);
      }
    }
    // The domain event: the nearest earlier log of the transaction with the entry's kind, from a ledger contract.
    const domain = receipt.logs
      .slice(0, position)
      .reverse()
      .find((l) => ledger.has(l.address.toLowerCase()) && l.topics[0] === emitted.kind);
    const abiEvent = domain === undefined ? undefined : DOMAIN_EVENTS.find((e) => toEventSelector(e) === domain.topics[0]);
    if (domain === undefined || abiEvent === undefined) {
      push("missing-domain-event", ["eventName"], `entry #${entry.seq} eventName: transaction ${entry.transactionHash} has no domain event of kind ${emitted.kind}`);
      return;
    }
    // An event whose indexed arguments are hashed into topics cannot be re-encoded from the log: the entry's own hash stands.
    const payload = payloadHashOfLog(abiEvent, domain);
    if (payload !== undefined && payload !== entry.payloadHash) {
      push("payload-differs-from-chain", ["args", "payloadHash"], `entry #${entry.seq} args: the chain's ${abiEvent.name} hashes to ${payload}, the report's payloadHash is ${entry.payloadHash}`);
    }
  });
  return problems;
}
