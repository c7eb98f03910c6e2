import type { Command } from "commander";
import { BlockNotFoundError, getAddress, TransactionReceiptNotFoundError, type AbiEvent, type Address, type Hex } from "viem";

import { assetRegistryAbi } from "../../ledger/abi.js";
import type { RawLog } from "../../ledger/events/index.js";
import {
  buildEvidenceReport,
  checkReportBinding,
  checkReportOffline,
  checkReportOnChain,
  describeReplayProblem,
  NOT_VERIFIABLE_OFFLINE,
  parseEvidenceReport,
  replayEvidence,
  type EvidenceReport,
  type ObservedChain,
  type ObservedReceipt,
  type ReplayProblem,
} from "../../ledger/evidence/index.js";
import { progressOn, readLogs } from "../chainData.js";
import { fromNode, type Connection } from "../connection.js";
import type { CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { ABIS } from "../tx.js";
import { parseId, parseUint } from "../validate.js";

const EVIDENCE_APPENDED = assetRegistryAbi.find((item) => item.type === "event" && item.name === "EvidenceAppended") as AbiEvent;

/** One line per problem, the entry and field first; `--json` keeps the problem's details and the fields it names. */
function problemLines(problems: readonly { message: string }[]): string {
  return problems.map((p) => `  - ${p.message}`).join("\n");
}

function timeline(report: EvidenceReport, problems: readonly ReplayProblem[]): string {
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
      : `verdict: INVALID\n${problemLines(problems.map((p) => ({ message: describeReplayProblem(p) })))}`,
  );
  return lines.join("\n");
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

const NOT_VERIFIABLE_NOTE = "not verifiable offline — checked against the node with --rpc-url";

/** Reads what the node says about a report's claims: its block, the registry's head then and now, every receipt. */
async function observeReport(connection: Connection, report: EvidenceReport): Promise<ObservedChain> {
  const { client } = connection;
  const registry = getAddress(report.registry.toLowerCase());
  const assetId = BigInt(report.assetId);
  const block = BigInt(report.onChain.block);
  const evidenceHead = async (blockNumber?: bigint) => {
    const [seq, head] = (await client.readContract({
      address: registry,
      abi: ABIS.AssetRegistry,
      functionName: "evidenceHead",
      args: [assetId],
      ...(blockNumber === undefined ? {} : { blockNumber }),
    })) as readonly [number, Hex];
    return { seq: Number(seq), head };
  };
  const latestBlock = await fromNode("the latest block", () => client.getBlockNumber());
  let blockHash: Hex | undefined;
  let headAtBlock: { seq: number; head: Hex } | undefined;
  if (block <= latestBlock) {
    blockHash = await fromNode(`block ${block}`, async () => {
      try {
        return (await client.getBlock({ blockNumber: block })).hash;
      } catch (error) {
        if (error instanceof BlockNotFoundError) return undefined;
        throw error;
      }
    });
    // A node without the state of that block (not an archive node) answers with an error: the check falls back.
    headAtBlock = await evidenceHead(block).catch(() => undefined);
  }
  const currentHead = await fromNode("the registry's evidence head", () => evidenceHead());
  const receipts = new Map<string, ObservedReceipt | undefined>();
  const hashes = [...new Set(report.entries.map((e) => e.transactionHash.toLowerCase() as Hex))];
  for (let i = 0; i < hashes.length; i += 100) {
    await Promise.all(
      hashes.slice(i, i + 100).map(async (hash) => {
        const receipt = await fromNode(`the receipt of ${hash}`, async () => {
          try {
            return await client.getTransactionReceipt({ hash });
          } catch (error) {
            if (error instanceof TransactionReceiptNotFoundError) return undefined;
            throw error;
          }
        });
        receipts.set(
          hash,
          receipt === undefined
            ? undefined
            : {
                status: receipt.status,
                blockNumber: receipt.blockNumber,
                logs: receipt.logs.map((log) => ({
                  address: log.address,
                  topics: log.topics,
                  data: log.data,
                  blockNumber: log.blockNumber,
                  transactionHash: log.transactionHash,
                  logIndex: log.logIndex,
                })),
              },
        );
      }),
    );
  }
  return { latestBlock, blockHash, headAtBlock, currentHead, receipts };
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
      const [seq, head] = (await fromNode("the registry's evidence head", () =>
        client.readContract({ address: deployment.addresses.AssetRegistry, abi: ABIS.AssetRegistry, functionName: "evidenceHead", args: [assetId] }),
      )) as readonly [number, Hex];
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
      const count = (await fromNode("the registry's asset count", () => client.readContract({ address: registry, abi: ABIS.AssetRegistry, functionName: "assetCount" }))) as bigint;
      if (assetId > count) throw new InputError(`asset: there is no asset ${assetId} (the last is ${count})`, { argument: "asset" });
      // The head and the logs as of one block, so that a transaction landing meanwhile does not skew the check.
      const block = await fromNode("the latest block", () => client.getBlockNumber());
      const [seq, head] = (await fromNode("the registry's evidence head", () =>
        client.readContract({ address: registry, abi: ABIS.AssetRegistry, functionName: "evidenceHead", args: [assetId], blockNumber: block }),
      )) as readonly [number, Hex];
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
        const receipts = await Promise.all(hashes.slice(i, i + 100).map((hash) => fromNode(`the receipt of ${hash}`, () => client.getTransactionReceipt({ hash }))));
        for (const receipt of receipts) {
          for (const log of receipt.logs) {
            if (!ledger.has(log.address.toLowerCase())) continue;
            logs.push({ address: log.address, topics: log.topics, data: log.data, blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex });
          }
        }
      }
      const replay = replayEvidence({ chainId: BigInt(chainId), registry, assetId, logs, contracts: Object.values(deployment.addresses) as Address[], onChain: { seq, head } });
      const blockHash = await fromNode(`block ${block}`, async () => (await client.getBlock({ blockNumber: block })).hash);
      const report = buildEvidenceReport({ chainId, registry, replay, onChain: { seq, head, block, blockHash } });
      if (opts.out !== undefined) await cli.writeJsonFile(opts.out, report);
      if (cli.json) cli.out({ ok: replay.ok, ...report });
      else cli.line(timeline(report, replay.problems) + (opts.out === undefined ? "" : `\nreport written to ${opts.out}`));
      if (!replay.ok) throw new FailureError(`the evidence chain of asset ${assetId} does not check out (${plural(replay.problems.length, "problem")})`, { problems: report.problems }).afterOutput();
    });

  evidence
    .command("verify-report")
    .description(
      "re-check a saved replay report: offline, every field derived from what the chain hashes (genesis, heads, payload hashes from the arguments, times, the verdict); " +
        "with --rpc-url (or PROVENANCE_RPC_URL), also the transactions, blocks and on-chain head against the node",
    )
    .argument("<report>", "the report file")
    .option("--online", "check against the node even without --rpc-url / PROVENANCE_RPC_URL (default http://127.0.0.1:8545)")
    .option("--offline", "check the file alone, even with --rpc-url or PROVENANCE_RPC_URL set")
    .action(async (file: string, opts: { online?: boolean; offline?: boolean }) => {
      if (opts.online === true && opts.offline === true) throw new InputError("--online and --offline: give one or the other", { argument: "--online" });
      const online = opts.offline !== true && (opts.online === true || cli.options.rpcUrl !== undefined || (cli.io.env.PROVENANCE_RPC_URL ?? "") !== "");
      const parsed = parseEvidenceReport(await cli.readJsonFile(file, "report"));
      if ("issues" in parsed) {
        const lines = parsed.issues.map((issue) => `${issue.field}: ${issue.message}`);
        throw new InputError(`${file} is not a readable evidence report:\n  - ${lines.join("\n  - ")}`, {
          file: cli.path(file),
          issues: parsed.issues,
          fields: parsed.issues.map((issue) => issue.field),
        });
      }
      const { report } = parsed;
      const offline = checkReportOffline(report);
      const problems = [...offline.problems];
      let node: { rpcUrl: string; chainId: number; deployment: string; latestBlock?: bigint; currentHead?: { seq: number; head: Hex } } | undefined;
      if (online) {
        const connection = await cli.connection();
        const binding = checkReportBinding(report, {
          chainId: connection.chainId,
          registry: connection.deployment.addresses.AssetRegistry,
          deployment: connection.deployment.dir,
        });
        problems.push(...binding);
        node = { rpcUrl: connection.rpcUrl, chainId: connection.chainId, deployment: connection.deployment.dir };
        if (binding.length === 0) {
          const observed = await observeReport(connection, report);
          problems.push(...checkReportOnChain(report, observed, Object.values(connection.deployment.addresses)));
          node = { ...node, latestBlock: observed.latestBlock, currentHead: observed.currentHead };
        }
      }
      const ok = problems.length === 0;
      const summary = {
        file: cli.path(file),
        mode: online ? "online" : "offline",
        assetId: report.assetId,
        chainId: report.chainId,
        entries: report.entries.length,
        recomputedHead: offline.head,
        onChainHead: report.onChain.head,
        verdict: ok ? "valid" : "invalid",
        problems,
        notVerifiableOffline: [...NOT_VERIFIABLE_OFFLINE],
        ...(node === undefined ? {} : { node }),
      };
      if (cli.json) cli.out({ ok, ...summary });
      else {
        const lines = [
          ok
            ? `${file}: VALID${online ? "" : " offline"}: ${report.entries.length} entries of asset #${report.assetId} (chain ${report.chainId}, registry ${report.registry}) recompute from the genesis to the recorded on-chain head ${report.onChain.head}; every time, the recomputed head, the verdict and the problems agree`
            : `${file}: INVALID (${plural(problems.length, "problem")})\n${problemLines(problems)}`,
        ];
        if (online && node !== undefined) {
          lines.push(`checked against the node at ${node.rpcUrl} (chain ${node.chainId}): ${NOT_VERIFIABLE_OFFLINE.join(", ")}`);
          const current = node.currentHead;
          if (current !== undefined && current.seq !== report.onChain.seq) {
            lines.push(`the chain has grown since block ${report.onChain.block}: ${current.seq} entries now, head ${current.head}`);
          }
        } else {
          lines.push(`${NOT_VERIFIABLE_NOTE}: ${NOT_VERIFIABLE_OFFLINE.join(", ")}`);
        }
        cli.line(lines.join("\n"));
      }
      if (!ok) throw new FailureError(`${file} does not verify (${plural(problems.length, "problem")})`, { problems }).afterOutput();
    });
}
