import { readFile } from "node:fs/promises";
import { join } from "node:path";

import type { Abi, Address } from "viem";
import { z } from "zod";

import { HEX_ADDRESS } from "../../ledger/encoding/address.js";
import { ConfigError, formatIssues } from "./errors.js";

/** A deployed contract: its name in the deployment, address, ABI, and the block it was deployed in. */
export interface DeployedContract {
  /** A name for reducers and logs, e.g. "AssetRegistry". Unique within one deployment. */
  readonly name: string;
  readonly address: Address;
  /** Its ABI; the indexer uses only the `event` items. */
  readonly abi: Abi;
  readonly fromBlock: bigint | number;
}

/** An Ignition deployment record: the chain and every deployed contract with its ABI and block. */
export interface IgnitionDeployment {
  readonly chainId: number | undefined;
  readonly contracts: readonly DeployedContract[];
}

const addressesSchema = z.record(z.string().regex(HEX_ADDRESS, "must be an address"));
const artifactSchema = z.object({ abi: z.array(z.object({ type: z.string() }).passthrough()) });
const journalLineSchema = z
  .object({
    type: z.string(),
    futureId: z.string().optional(),
    chainId: z.number().optional(),
    receipt: z.object({ blockNumber: z.number(), contractAddress: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads `ignition/deployments/<id>/`: `deployed_addresses.json` (future id → address), the ABI of
 * each from `artifacts/<future id>.json`, and from `journal.jsonl` the chain id and the block of
 * each contract's deployment receipt. A contract with no deployment receipt (an `m.contractAt`)
 * starts at the deployment's earliest block. Contract names are the part of the future id after
 * `#` ("ProvenanceLedger#AssetRegistry" → "AssetRegistry"), or the whole id when two modules clash.
 * `only` keeps the named contracts.
 */
export async function readIgnitionDeployment(dir: string, options: { only?: readonly string[] } = {}): Promise<IgnitionDeployment> {
  const addressesPath = join(dir, "deployed_addresses.json");
  const addresses = addressesSchema.safeParse(await readJson(addressesPath));
  if (!addresses.success) throw new ConfigError(`${addressesPath} is not an Ignition address record`, formatIssues(addresses.error));

  const journalPath = join(dir, "journal.jsonl");
  let journal: string;
  try {
    journal = await readFile(journalPath, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${journalPath}: ${(error as Error).message}`);
  }
  let chainId: number | undefined;
  const blocks = new Map<string, number>();
  for (const [i, line] of journal.split("\n").entries()) {
    if (line.trim() === "") continue;
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(line);
    } catch {
      // The last line of a journal cut short by a crash: Ignition ignores it as well.
      continue;
    }
    const entry = journalLineSchema.safeParse(parsedJson);
    if (!entry.success) throw new ConfigError(`${journalPath} line ${i + 1} is not a journal message`, formatIssues(entry.error));
    const message = entry.data;
    if (message.type === "DEPLOYMENT_INITIALIZE" && message.chainId !== undefined) chainId = message.chainId;
    if (message.type === "TRANSACTION_CONFIRM" && message.futureId !== undefined && message.receipt?.contractAddress) {
      blocks.set(message.futureId, message.receipt.blockNumber);
    }
  }
  if (blocks.size === 0) throw new ConfigError(`${journalPath} records no confirmed deployment`);
  const earliest = Math.min(...blocks.values());

  const entries = Object.entries(addresses.data);
  const shortNames = entries.map(([futureId]) => futureId.slice(futureId.indexOf("#") + 1));
  const contracts: DeployedContract[] = [];
  for (const [i, [futureId, address]] of entries.entries()) {
    const short = shortNames[i]!;
    const name = shortNames.indexOf(short) === shortNames.lastIndexOf(short) ? short : futureId;
    if (options.only !== undefined && !options.only.includes(name)) continue;
    const artifactPath = join(dir, "artifacts", `${futureId}.json`);
    const artifact = artifactSchema.safeParse(await readJson(artifactPath));
    if (!artifact.success) throw new ConfigError(`${artifactPath} has no ABI`, formatIssues(artifact.error));
    contracts.push({ name, address: address as Address, abi: artifact.data.abi as unknown as Abi, fromBlock: blocks.get(futureId) ?? earliest });
  }
  if (options.only !== undefined) {
    const missing = options.only.filter((name) => !contracts.some((c) => c.name === name));
    if (missing.length > 0) throw new ConfigError(`${addressesPath} has no contract named ${missing.join(", ")}`);
  }
  return { chainId, contracts };
}
