import { mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { encodeFunctionData, parseAbi, type Address, type Hex } from "viem";

import TestTokenModule from "../../../ignition/modules/TestToken.js";
import { startAnvil } from "../../helpers/anvil.js";
import { readIgnitionDeployment } from "../../../services/shared/deployment.js";
import type { IndexedContract } from "../../../services/indexer/types.js";

/** The EVM clients the indexer is tested on: Hardhat's EDR, served in this process, and Foundry's anvil, in its own. */
export type ChainClient = "hardhat" | "anvil";
export const CHAIN_CLIENTS: readonly ChainClient[] = ["hardhat", "anvil"];

/** A real node served over HTTP on 127.0.0.1, with the TestToken deployed by Ignition. */
export interface TestChain {
  readonly client: ChainClient;
  readonly url: string;
  readonly accounts: readonly Address[];
  readonly token: IndexedContract;
  /** The Ignition deployment record, moved out of the repository into a temporary directory. */
  readonly deploymentDir: string;
  /** A scratch directory removed by `close`. */
  readonly dir: string;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  head(): Promise<number>;
  close(): Promise<void>;
}

let rpcId = 0;

async function jsonRpc<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return (await response.json()) as T;
}

/** Starts the node (`client`, default Hardhat) and deploys the TestToken on it through Hardhat's `localhost` network. */
export async function startChain(options: { client?: ChainClient } = {}): Promise<TestChain> {
  const client = options.client ?? "hardhat";
  let url: string;
  let stopNode: () => Promise<void>;
  if (client === "anvil") {
    const anvil = await startAnvil();
    url = anvil.url;
    stopNode = () => anvil.close();
  } else {
    const server = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await server.listen();
    url = `http://${address}:${port}`;
    stopNode = () => server.close();
  }
  const dir = await mkdtemp(join(tmpdir(), "indexer-test-"));
  const connection = await network.create({ network: "localhost", override: { url } }).catch(async (error: unknown) => {
    await stopNode();
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  async function close() {
    await connection.close();
    await stopNode();
    await rm(dir, { recursive: true, force: true });
  }
  try {
    // Ignition writes the record under ignition/deployments/<id>; a unique id, moved out at once.
    const deploymentId = `indexer-test-${process.pid}-${Date.now()}`;
    try {
      await connection.ignition.deploy(TestTokenModule, { deploymentId, displayUi: false });
    } finally {
      await rename(join("ignition", "deployments", deploymentId), join(dir, "deployment")).catch(() => {});
    }
    const deploymentDir = join(dir, "deployment");
    const { contracts } = await readIgnitionDeployment(deploymentDir);
    const token = contracts.find((c) => c.name === "TestToken")!;

    async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
      const answer = await jsonRpc<{ result?: T; error?: { message: string } }>(url, { jsonrpc: "2.0", id: ++rpcId, method, params });
      if (answer.error !== undefined) throw new Error(`${method}: ${answer.error.message}`);
      return answer.result as T;
    }
    const accounts = await rpc<Address[]>("eth_accounts");
    return { client, url, accounts, token, deploymentDir, dir, rpc, head: async () => Number(await rpc<Hex>("eth_blockNumber")), close };
  } catch (error) {
    await close();
    throw error;
  }
}

const tokenAbi = parseAbi([
  "function mint(address to, uint256 amount)",
  "function transfer(address to, uint256 amount) returns (bool)",
  "function approve(address spender, uint256 amount) returns (bool)",
]);

/** A small deterministic PRNG (mulberry32), so that a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A transaction request for one token call drawn from `random`: a mint, a transfer or an approval (some to zero). */
function tokenCall(chain: TestChain, random: () => number, options: { mint?: boolean } = {}) {
  const pick = () => chain.accounts[Math.floor(random() * chain.accounts.length)]!;
  const r = random();
  const amount = BigInt(1 + Math.floor(random() * 1_000));
  const data =
    options.mint === true || r < 0.3
      ? encodeFunctionData({ abi: tokenAbi, functionName: "mint", args: [pick(), amount * 1_000_000n] })
      : r < 0.85
        ? encodeFunctionData({ abi: tokenAbi, functionName: "transfer", args: [pick(), amount] })
        : encodeFunctionData({ abi: tokenAbi, functionName: "approve", args: [pick(), r < 0.9 ? 0n : amount] });
  return { from: pick(), to: chain.token.address, data, gas: "0x30000" };
}

/**
 * Mines `blocks` linked blocks (evm_mine, one at a time: Hardhat's `hardhat_mine` with a count leaves
 * zero parent hashes) of `perBlock` token calls each — mints, transfers and approvals (some to zero)
 * between the node's accounts — sent as one JSON-RPC batch per block with automine off (both clients
 * serve evm_setAutomine and evm_mine). Every block opens with a mint of an amount drawn from `random`,
 * so every block has a log and two forks never share one.
 */
export async function mineActivity(chain: TestChain, options: { blocks: number; perBlock: number; random: () => number }): Promise<void> {
  await chain.rpc("evm_setAutomine", [false]);
  try {
    for (let b = 0; b < options.blocks; b++) {
      const calls = [];
      for (let i = 0; i < options.perBlock; i++) {
        const call = tokenCall(chain, options.random, { mint: i === 0 });
        calls.push({ jsonrpc: "2.0", id: ++rpcId, method: "eth_sendTransaction", params: [call] });
      }
      if (calls.length > 0) {
        const answers = await jsonRpc<{ error?: { message: string } }[]>(chain.url, calls);
        const failed = answers.find((answer) => answer.error !== undefined);
        if (failed !== undefined) throw new Error(`eth_sendTransaction: ${failed.error!.message}`);
      }
      await chain.rpc("evm_mine");
    }
  } finally {
    await chain.rpc("evm_setAutomine", [true]);
  }
}

/**
 * A real reorg on anvil: `anvil_reorg(depth, [[tx, blockOffset], ...])` replaces the last `depth` blocks
 * with as many new ones, the head's number unchanged, block `offset` of them carrying the given
 * transactions. Each new block gets `perBlock` token calls drawn from `random`, the first a mint, so the
 * new branch's logs differ from the old one's.
 */
export async function anvilReorg(chain: TestChain, options: { depth: number; perBlock: number; random: () => number }): Promise<void> {
  if (chain.client !== "anvil") throw new Error(`anvil_reorg needs anvil, not ${chain.client}`);
  const pairs: [ReturnType<typeof tokenCall>, number][] = [];
  for (let offset = 0; offset < options.depth; offset++) {
    for (let i = 0; i < options.perBlock; i++) pairs.push([tokenCall(chain, options.random, { mint: i === 0 }), offset]);
  }
  await chain.rpc("anvil_reorg", [options.depth, pairs]);
}

/** Every log of the token on the node's chain, straight from one eth_getLogs. */
export async function chainLogCount(chain: TestChain): Promise<number> {
  const logs = await chain.rpc<unknown[]>("eth_getLogs", [{ address: chain.token.address, fromBlock: "0x0", toBlock: "latest" }]);
  return logs.length;
}
