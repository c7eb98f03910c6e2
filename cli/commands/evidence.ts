import type { Command } from "commander";
import { getAddress, toEventSelector, type AbiEvent, type AbiParameter, type Address, type Hex } from "viem";
import { z } from "zod";

import { assetRegistryAbi, contributionLedgerAbi, disputeCourtAbi, grantRegistryAbi, revenueVaultAbi } from "../../ledger/abi.js";
import { HEX_ADDRESS } from "../../ledger/encoding/address.js";
import type { RawLog } from "../../ledger/events/index.js";
import { checkChain, genesisHead, payloadHashOf, replayEvidence } from "../../ledger/evidence/index.js";
import { progressOn, readLogs } from "../chainData.js";
import type { CliContext } from "../context.js";
import { FailureError, InputError, toJson } from "../io.js";
import { ABIS } from "../tx.js";
import { parseId, parseUint, parseWith } from "../validate.js";

const EVENTS: ReadonlyMap<string, AbiEvent> = new Map(
  [...assetRegistryAbi, ...grantRegistryAbi, ...contributionLedgerAbi, ...revenueVaultAbi, ...disputeCourtAbi]
    .filter((item) => item.type === "event")
    .map((item) => [item.name, item as AbiEvent]),
);
const EVIDENCE_APPENDED = EVENTS.get("EvidenceAppended")!;

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be lower-case 0x + 64 hex digits");
const decimal = z.string().regex(/^\d+$/, "must be a decimal integer string");

/** The replay report: everything needed to check the chain again later, offline. */
const reportSchema = z.object({
  type: z.literal("provenance.evidence-report"),
  version: z.literal(1),
  chainId: z.number().int(),
  registry: z.string().regex(HEX_ADDRESS),
  assetId: decimal,
  genesis: hex32,
  entries: z.array(
    z.object({
      seq: z.number().int().positive(),
      kind: hex32,
      eventName: z.string().nullable(),
      actor: z.string().regex(HEX_ADDRESS),
      transactionHash: hex32,
      blockNumber: decimal,
      timestamp: decimal,
      time: z.string(),
      payloadHash: hex32,
      head: hex32,
      args: z.record(z.unknown()).nullable(),
    }),
  ),
  onChain: z.object({ seq: z.number().int().nonnegative(), head: hex32, block: decimal }),
  recomputedHead: hex32,
  verdict: z.enum(["valid", "invalid"]),
  problems: z.array(z.record(z.unknown())),
});
type Report = z.infer<typeof reportSchema>;

/** JSON values back to what the ABI encoder takes: integers were written as decimal strings. */
function revive(parameter: AbiParameter, value: unknown): unknown {
  const array = /^(.*)\[(\d*)\]$/.exec(parameter.type);
  if (array !== null) {
    if (!Array.isArray(value)) throw new TypeError(`${parameter.name ?? "argument"} is not an array`);
    return value.map((item) => revive({ ...parameter, type: array[1]! } as AbiParameter, item));
  }
  if (parameter.type === "tuple") {
    const components = (parameter as { components: readonly AbiParameter[] }).components;
    const record = value as Record<string, unknown>;
    return Object.fromEntries(components.map((c) => [c.name!, revive(c, record[c.name!])]));
  }
  if (/^u?int\d*$/.test(parameter.type)) {
    if (typeof value !== "string" && typeof value !== "number") throw new TypeError(`${parameter.name ?? "argument"} is not a number`);
    return BigInt(value);
  }
  return value;
}

/** Re-checks a report: genesis, every head, every payload hash from the event's arguments, the on-chain head. */
function verifyReport(report: Report): { ok: boolean; head: Hex; problems: Record<string, unknown>[] } {
  const problems: Record<string, unknown>[] = [];
  const genesis = genesisHead(BigInt(report.chainId), getAddress(report.registry), BigInt(report.assetId));
  if (genesis !== report.genesis) problems.push({ kind: "genesis-mismatch", expected: genesis, recorded: report.genesis });
  const entries = report.entries.map((e) => ({
    seq: e.seq,
    kind: e.kind as Hex,
    payloadHash: e.payloadHash as Hex,
    actor: getAddress(e.actor),
    timestamp: BigInt(e.timestamp),
    head: e.head as Hex,
  }));
  const chain = checkChain(genesis, entries, { seq: report.onChain.seq, head: report.onChain.head as Hex });
  problems.push(...chain.problems);
  for (const entry of report.entries) {
    const event = entry.eventName === null ? undefined : EVENTS.get(entry.eventName);
    if (event === undefined || entry.args === null) {
      problems.push({ kind: "missing-domain-event", seq: entry.seq });
      continue;
    }
    if (toEventSelector(event) !== entry.kind) problems.push({ kind: "kind-mismatch", seq: entry.seq, eventName: entry.eventName });
    let expected: Hex;
    try {
      const args = Object.fromEntries(event.inputs.map((input) => [input.name!, revive(input, entry.args![input.name!])]));
      expected = payloadHashOf(event, args);
    } catch (error) {
      problems.push({ kind: "unreadable-args", seq: entry.seq, reason: (error as Error).message });
      continue;
    }
    if (expected !== entry.payloadHash) problems.push({ kind: "payload-mismatch", seq: entry.seq, eventName: entry.eventName, expected, recorded: entry.payloadHash });
  }
  return { ok: problems.length === 0, head: chain.head, problems };
}

function describeProblem(problem: Record<string, unknown>): string {
  const { kind, ...rest } = problem;
  return `${String(kind)}: ${Object.entries(rest).map(([k, v]) => `${k} ${String(v)}`).join(", ")}`;
}

function timeline(report: Report): string {
  const lines = [
    `evidence chain of asset #${report.assetId} (chain ${report.chainId}, registry ${report.registry})`,
    `  genesis ${report.genesis}`,
  ];
  for (const e of report.entries) {
    lines.push(
      `  #${String(e.seq).padEnd(4)} ${e.time}  ${(e.eventName ?? "?").padEnd(24)} by ${e.actor}  block ${e.blockNumber} tx ${e.transactionHash.slice(0, 10)}…  head ${e.head.slice(0, 14)}…`,
    );
  }
  lines.push(`  on-chain head: ${report.onChain.seq} entries, ${report.onChain.head} (block ${report.onChain.block})`);
  lines.push(
    report.verdict === "valid"
      ? `verdict: VALID: ${report.entries.length} entries replayed from the events end in the on-chain head`
      : `verdict: INVALID\n${report.problems.map((p) => `  - ${describeProblem(p)}`).join("\n")}`,
  );
  return lines.join("\n");
}

/** Evidence chains: the on-chain head, a replay from the node's logs into a report, and a report's re-check. */
export function registerEvidence(program: Command, cli: CliContext): void {
  const evidence = program.command("evidence").description("evidence hash chains of assets");

  evidence
    .command("head")
    .description("the length and head of an asset's evidence chain, as the registry reports it")
    .argument("<asset>", "asset id")
    .action(async (raw: string) => {
      const assetId = parseId("asset", raw);
      const { client, deployment } = await cli.connection();
      const [seq, head] = (await client.readContract({ address: deployment.addresses.AssetRegistry, abi: ABIS.AssetRegistry, functionName: "evidenceHead", args: [assetId] })) as readonly [number, Hex];
      cli.result({ assetId, seq, head }, `asset #${assetId}: ${seq} evidence entries, head ${head}`);
    });

  evidence
    .command("replay")
    .description("rebuild an asset's evidence chain from the node's logs (no indexer) and check it against the on-chain head")
    .argument("<asset>", "asset id")
    .option("--out <file>", "write the report (JSON) for `evidence verify-report`")
    .option("--log-chunk <blocks>", "blocks per getLogs request", "5000")
    .action(async (raw: string, opts: { out?: string; logChunk: string }) => {
      const assetId = parseId("asset", raw);
      const chunk = parseUint("--log-chunk", opts.logChunk, 32);
      if (chunk === 0n) throw new InputError("--log-chunk: must be more than zero", { argument: "--log-chunk" });
      const connection = await cli.connection();
      const { client, deployment, chainId } = connection;
      const registry = deployment.addresses.AssetRegistry;
      const count = (await client.readContract({ address: registry, abi: ABIS.AssetRegistry, functionName: "assetCount" })) as bigint;
      if (assetId > count) throw new InputError(`asset: there is no asset ${assetId} (the last is ${count})`, { argument: "asset" });
      // The head and the logs as of one block, so that a transaction landing meanwhile does not skew the check.
      const block = await client.getBlockNumber();
      const [seq, head] = (await client.readContract({ address: registry, abi: ABIS.AssetRegistry, functionName: "evidenceHead", args: [assetId], blockNumber: block })) as readonly [number, Hex];
      const appended = await readLogs(connection, {
        address: [registry],
        fromBlock: deployment.fromBlock,
        toBlock: block,
        event: EVIDENCE_APPENDED,
        args: { assetId },
        chunk,
        progress: progressOn(cli.io.stderr, "reading the evidence logs"),
      });
      // The domain events sit in the same transactions, possibly on other ledger contracts: their receipts.
      const ledger = new Set(Object.values(deployment.addresses).map((a) => a.toLowerCase()));
      const logs: RawLog[] = [];
      const hashes = [...new Set(appended.map((log) => log.transactionHash))];
      for (let i = 0; i < hashes.length; i += 100) {
        const receipts = await Promise.all(hashes.slice(i, i + 100).map((hash) => client.getTransactionReceipt({ hash })));
        for (const receipt of receipts) {
          for (const log of receipt.logs) {
            if (!ledger.has(log.address.toLowerCase())) continue;
            logs.push({ address: log.address, topics: log.topics, data: log.data, blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex });
          }
        }
      }
      const replay = replayEvidence({ chainId: BigInt(chainId), registry, assetId, logs, contracts: Object.values(deployment.addresses) as Address[], onChain: { seq, head } });
      const report: Report = JSON.parse(
        toJson({
          type: "provenance.evidence-report",
          version: 1,
          chainId,
          registry,
          assetId,
          genesis: replay.genesis,
          entries: replay.entries.map((e) => ({
            seq: e.seq,
            kind: e.kind,
            eventName: e.eventName ?? null,
            actor: e.actor,
            transactionHash: e.transactionHash,
            blockNumber: e.blockNumber,
            timestamp: e.timestamp,
            time: new Date(Number(e.timestamp) * 1000).toISOString(),
            payloadHash: e.payloadHash,
            head: e.head,
            args: e.args ?? null,
          })),
          onChain: { seq, head, block },
          recomputedHead: replay.head,
          verdict: replay.ok ? "valid" : "invalid",
          problems: replay.problems,
        }),
      ) as Report;
      if (opts.out !== undefined) await cli.writeJsonFile(opts.out, report);
      if (cli.json) cli.out({ ok: replay.ok, ...report });
      else cli.line(timeline(report) + (opts.out === undefined ? "" : `\nreport written to ${opts.out}`));
      if (!replay.ok) throw new FailureError(`the evidence chain of asset ${assetId} does not check out (${replay.problems.length} problems)`, { problems: report.problems }).afterOutput();
    });

  evidence
    .command("verify-report")
    .description("re-check a saved replay report offline: genesis, every head, every payload hash, the recorded on-chain head")
    .argument("<report>", "the report file")
    .action(async (file: string) => {
      const report = parseWith(file, reportSchema, await cli.readJsonFile(file, "report"));
      const check = verifyReport(report);
      const summary = {
        file: cli.path(file),
        assetId: report.assetId,
        chainId: report.chainId,
        entries: report.entries.length,
        recomputedHead: check.head,
        onChainHead: report.onChain.head,
        verdict: check.ok ? "valid" : "invalid",
        problems: check.problems,
      };
      if (cli.json) cli.out({ ok: check.ok, ...summary });
      else
        cli.line(
          check.ok
            ? `${file}: VALID: ${report.entries.length} entries of asset #${report.assetId} recompute to the recorded on-chain head ${report.onChain.head}`
            : `${file}: INVALID\n${check.problems.map((p) => `  - ${describeProblem(p)}`).join("\n")}`,
        );
      if (!check.ok) throw new FailureError(`${file} does not verify (${check.problems.length} problems)`, { problems: check.problems }).afterOutput();
    });
}
