import type { Command } from "commander";

import type { CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { askApi, problemDetail } from "../ledgerApi.js";
import { parseUint } from "../validate.js";

/**
 * `provenance nodes compare`: do two ledger nodes (indexer + API replicas) hold the same state? Every node
 * is a deterministic function of the chain, so two nodes of one chain with one reducer version have the
 * same state digest at every block they both indexed (`GET /ledger/digest`).
 */

const TIMEOUT_MS = 60_000;

/** A node as the command names it: its label (A, B) and its API's base URL. */
interface Node {
  label: "A" | "B";
  url: string;
}

interface NodeDigest {
  node: "A" | "B";
  url: string;
  indexedBlock: number;
  digest: string;
  blockHash: string | null;
  reducerVersion: string;
  events: number;
}

/** An http(s) URL, without trailing slashes; anything else is bad input (exit 2, nothing asked). */
function parseApiUrl(argument: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`${argument}: ${JSON.stringify(raw)} is not a URL (e.g. http://127.0.0.1:8080)`, { argument });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InputError(`${argument}: ${JSON.stringify(raw)} is not an http(s) URL`, { argument });
  }
  if (url.search !== "" || url.hash !== "") throw new InputError(`${argument}: the API's base URL takes no query or fragment`, { argument });
  return url.href.replace(/\/+$/, "");
}

const named = (node: Node) => `node ${node.label} (${node.url})`;

/** GETs a JSON answer; a node that cannot be reached, or answers something else than the API would, is named. */
async function getJson(node: Node, path: string): Promise<{ status: number; body: Record<string, unknown>; response: Response }> {
  let response: Response;
  try {
    response = await askApi(`${node.url}${path}`, { accept: "application/json", timeoutMs: TIMEOUT_MS });
  } catch (error) {
    throw new FailureError(`${named(node)} is unreachable: ${(error as Error).message}`, { node: node.label, url: node.url });
  }
  if (!(response.headers.get("content-type") ?? "").includes("json")) {
    throw new FailureError(`${named(node)} answered ${path} with ${response.status} and no JSON: is it a provenance ledger API?`, { node: node.label, url: node.url });
  }
  return { status: response.status, body: (await response.clone().json()) as Record<string, unknown>, response };
}

/** Where the node is: `/ready` answers its indexed block whether it has caught up (200) or not (503). */
async function indexedBlockOf(node: Node): Promise<number> {
  const { status, body } = await getJson(node, "/ready");
  if ((status !== 200 && status !== 503) || typeof body.indexedBlock !== "number") {
    throw new FailureError(`${named(node)} answered /ready with ${status} and no indexed block: is it a provenance ledger API?`, { node: node.label, url: node.url });
  }
  return body.indexedBlock;
}

async function digestOf(node: Node, block: number, indexedBlock: number): Promise<NodeDigest> {
  const { status, body, response } = await getJson(node, `/ledger/digest?atBlock=${block}`);
  if (status === 409) {
    throw new FailureError(`${named(node)} has not indexed block ${block} yet: ${await problemDetail(response)}`, { node: node.label, url: node.url, block });
  }
  if (status !== 200) {
    throw new FailureError(`${named(node)} answered the digest at block ${block} with ${status}: ${await problemDetail(response)}`, {
      node: node.label,
      url: node.url,
      status,
    });
  }
  const { digest, blockHash, reducerVersion, events } = body as { digest: string; blockHash: string | null; reducerVersion: string; events: number };
  return { node: node.label, url: node.url, indexedBlock, digest, blockHash, reducerVersion, events };
}

export function registerNodes(program: Command, cli: CliContext): void {
  const nodes = program.command("nodes").description("ledger nodes (indexer + API replicas) and whether they agree");
  nodes
    .command("compare")
    .description("compare two nodes' state digests at a common block: `agree` (exit 0) or `DISAGREE` (exit 1)")
    .argument("<apiUrlA>", "the first node's API, e.g. http://127.0.0.1:8080")
    .argument("<apiUrlB>", "the second node's API")
    .option("--block <n>", "the block to compare at (default: the lower of the two nodes' indexed blocks)")
    .action(async (rawA: string, rawB: string, opts: { block?: string }) => {
      const a: Node = { label: "A", url: parseApiUrl("<apiUrlA>", rawA) };
      const b: Node = { label: "B", url: parseApiUrl("<apiUrlB>", rawB) };
      const requested = opts.block === undefined ? undefined : Number(parseUint("--block", opts.block, 53));

      const [indexedA, indexedB] = await Promise.all([indexedBlockOf(a), indexedBlockOf(b)]);
      for (const [node, indexed] of [[a, indexedA], [b, indexedB]] as const) {
        if (requested !== undefined && indexed < requested) {
          throw new FailureError(`${named(node)} is at block ${indexed}, not yet at block ${requested}`, { node: node.label, url: node.url, indexedBlock: indexed });
        }
      }
      const block = requested ?? Math.min(indexedA, indexedB);
      const [digestA, digestB] = await Promise.all([digestOf(a, block, indexedA), digestOf(b, block, indexedB)]);

      const comparable = digestA.reducerVersion === digestB.reducerVersion;
      const agree = comparable && digestA.digest === digestB.digest;
      const verdict = !comparable
        ? `not comparable: the nodes fold with different reducer versions (${digestA.reducerVersion} and ${digestB.reducerVersion})`
        : agree
          ? "agree"
          : "DISAGREE";
      if (cli.json) cli.out({ ok: agree, block, comparable, agree, nodes: [digestA, digestB] });
      else {
        const width = Math.max(a.url.length, b.url.length);
        cli.line(
          [
            `state digests at block ${block}:`,
            `  node  ${"API".padEnd(width)}  indexed block  digest${" ".repeat(62)}reducer`,
            ...[digestA, digestB].map(
              (d) => `  ${d.node.padEnd(4)}  ${d.url.padEnd(width)}  ${String(d.indexedBlock).padStart(13)}  ${d.digest}  ${d.reducerVersion}`,
            ),
            verdict,
          ].join("\n"),
        );
      }
      if (!agree) {
        throw new FailureError(comparable ? `the nodes DISAGREE at block ${block}` : verdict, { block, comparable }).afterOutput();
      }
    });
}
