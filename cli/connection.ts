import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import {
  createPublicClient,
  createWalletClient,
  http,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type WalletClient,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";

import type { LedgerContractName } from "../ledger/events/index.js";
import { readIgnitionDeployment, type IgnitionDeployment } from "../services/shared/deployment.js";
import { DEV_CHAIN_ID, isDevNodeClient } from "../services/shared/devChain.js";
import { HARDHAT_DEV_KEYS } from "./devKeys.js";
import { FailureError, InputError, type CliIO } from "./io.js";
import { parseUint } from "./validate.js";

/** Options every command takes (commander's global options). */
export interface GlobalOptions {
  rpcUrl?: string;
  keyEnv?: string;
  account?: string;
  deployment?: string;
  json?: boolean;
}

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
export const DEFAULT_KEY_ENV = "PROVENANCE_PRIVATE_KEY";
/** The well-known mnemonic of Hardhat's dev accounts: public, so only ever used on a dev chain. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/**
 * The package root, where `ignition/deployments/` lives, whatever the working directory: the nearest folder
 * above this module holding package.json (this module runs from cli/ as a source and from cli/dist/ bundled).
 */
const PACKAGE_ROOT = packageRootAbove(dirname(fileURLToPath(import.meta.url)));

function packageRootAbove(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

interface LedgerDeployment {
  dir: string;
  /** The ledger's contracts by the reducers' names, and the settlement token when recorded. */
  addresses: Record<LedgerContractName, Address>;
  /** The earliest block of the deployment: where log scans start. */
  fromBlock: bigint;
}

/** The node, before any deployment is read: where it is, its chain, and whether it is a local dev chain. */
export interface NodeInfo {
  rpcUrl: string;
  client: PublicClient;
  chainId: number;
  chain: Chain;
  /** What the node says it is (`web3_clientVersion`); undefined when it does not say. */
  clientVersion: string | undefined;
  /** A local development chain: see {@link isDevChain}. */
  devChain: boolean;
}

export interface Connection extends NodeInfo {
  deployment: LedgerDeployment;
}

export interface Signer {
  account: Account;
  wallet: WalletClient;
}

const LEDGER_CONTRACTS: readonly LedgerContractName[] = [
  "LedgerAccessManager",
  "AssetRegistry",
  "GrantRegistry",
  "ContributionLedger",
  "RevenueVault",
  "DisputeCourt",
];

/** Checks the connection options without touching the network: a bad URL is bad input (exit 2). */
function rpcUrlOf(options: GlobalOptions, io: CliIO): string {
  const url = options.rpcUrl ?? io.env.PROVENANCE_RPC_URL ?? DEFAULT_RPC_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`--rpc-url: ${JSON.stringify(url)} is not a URL`, { argument: "--rpc-url" });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InputError(`--rpc-url: only http(s) endpoints are supported (got ${parsed.protocol})`, { argument: "--rpc-url" });
  }
  return url;
}

/** Hardhat's (and anvil's) dev account `index`, from their public mnemonic: for a local dev chain only. */
export function devAccount(index: number): Account {
  // The first 20 from a table: deriving a key from the mnemonic costs about half a second per command.
  const key = HARDHAT_DEV_KEYS[index];
  return key === undefined ? mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index }) : privateKeyToAccount(key);
}

/**
 * The account that signs, checked before any connection: `--account <index>` (a Hardhat dev account,
 * refused off a dev chain later), or the private key in `$PROVENANCE_PRIVATE_KEY` / `--key-env NAME`.
 * The key is never echoed, not even in an error message.
 */
export function accountOf(options: GlobalOptions, io: CliIO): { account: Account; dev: boolean } {
  if (options.account !== undefined) {
    if (options.keyEnv !== undefined) throw new InputError("--account and --key-env: give one or the other", { argument: "--account" });
    const index = Number(parseUint("--account", options.account, 16));
    if (index > 999) throw new InputError(`--account: ${index} is not one of the dev chain's accounts`, { argument: "--account" });
    return { account: devAccount(index), dev: true };
  }
  const name = options.keyEnv ?? DEFAULT_KEY_ENV;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new InputError(`--key-env: ${JSON.stringify(name)} is not an environment variable name`, { argument: "--key-env" });
  }
  const raw = io.env[name];
  if (raw === undefined || raw.trim() === "") {
    throw new InputError(`no signing key: set ${name} to a private key, or on the embedded chain pass --account <index>`, {
      argument: name,
    });
  }
  const key = raw.trim().startsWith("0x") ? raw.trim() : `0x${raw.trim()}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new InputError(`${name} does not hold a private key (0x followed by 64 hex digits); its value is not shown`, { argument: name });
  }
  try {
    return { account: privateKeyToAccount(key as `0x${string}`), dev: false };
  } catch {
    throw new InputError(`${name} does not hold a valid secp256k1 private key; its value is not shown`, { argument: name });
  }
}

function deploymentDirOf(options: GlobalOptions, io: CliIO, chainId: number): string {
  const given = options.deployment;
  const relative = given === undefined || /^\d+$/.test(given) ? join("ignition", "deployments", `chain-${given ?? chainId}`) : given;
  if (isAbsolute(relative)) return relative;
  // From the working directory first (a deployment next to the user), then the package's own records.
  const fromCwd = resolve(io.cwd, relative);
  const explicitDir = given !== undefined && !/^\d+$/.test(given);
  return existsSync(fromCwd) || explicitDir ? fromCwd : resolve(PACKAGE_ROOT, relative);
}

/**
 * Whether the node is a local development chain, where Hardhat's public dev keys (`--account`) and the
 * `dev` helpers (minting the test token, moving the clock) make sense. The chain id alone does not tell:
 * 31337 is only a default, which a private network may also use, and there the public keys would sign real
 * transactions anyone can forge. So the node must also say it is Hardhat's or anvil's (`web3_clientVersion`),
 * which is also what answers `evm_increaseTime` and `evm_mine`.
 */
function isDevChain(chainId: number, clientVersion: string | undefined): boolean {
  return chainId === DEV_CHAIN_ID && isDevNodeClient(clientVersion);
}

/** Reaches the node: its chain id and what it is, in one batched request; no deployment is read. */
export async function probeNode(options: GlobalOptions, io: CliIO): Promise<NodeInfo> {
  const rpcUrl = rpcUrlOf(options, io);
  // Batched JSON-RPC: replays and state folds ask for many blocks and receipts.
  const transport = http(rpcUrl, { batch: { batchSize: 100 }, retryCount: 2, timeout: 60_000 });
  const probe = createPublicClient({ transport });
  let chainId: number;
  let clientVersion: string | undefined;
  try {
    [chainId, clientVersion] = await Promise.all([
      probe.getChainId(),
      // A node that does not implement it is simply not a dev node.
      probe.request({ method: "web3_clientVersion" }).then(
        (version) => (typeof version === "string" ? version : undefined),
        () => undefined,
      ),
    ]);
  } catch (error) {
    throw new FailureError(`cannot reach the node at ${rpcUrl}: ${shortMessage(error)} (is \`npm start\` running? see --rpc-url)`, { rpcUrl }, error);
  }
  const chain: Chain = {
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  };
  const client = createPublicClient({ chain, transport }) as PublicClient;
  return { rpcUrl, client, chainId, chain, clientVersion, devChain: isDevChain(chainId, clientVersion) };
}

/** "chain 1 (Geth/v1.14.0)": how a refusal names a node that is not a dev chain. */
export function describeNode(node: NodeInfo): string {
  return `chain ${node.chainId}${node.clientVersion === undefined ? "" : ` (${node.clientVersion})`}`;
}

/** Connects to the node, learns its chain id and reads the deployment recorded for it. */
export async function connect(options: GlobalOptions, io: CliIO): Promise<Connection> {
  const node = await probeNode(options, io);
  const { chainId } = node;
  const dir = deploymentDirOf(options, io, chainId);
  if (!existsSync(dir)) {
    throw new InputError(`no deployment recorded for chain ${chainId} at ${dir} (pass --deployment <dir|chain-id>)`, { argument: "--deployment" });
  }
  let deployed: IgnitionDeployment;
  try {
    deployed = await readIgnitionDeployment(dir);
  } catch (error) {
    throw new InputError(`--deployment: ${shortMessage(error)}`, { argument: "--deployment" });
  }
  if (deployed.chainId !== undefined && deployed.chainId !== chainId) {
    throw new InputError(`--deployment: ${dir} is a deployment on chain ${deployed.chainId}, the node is chain ${chainId}`, {
      argument: "--deployment",
    });
  }
  const addresses = {} as Record<LedgerContractName, Address>;
  let fromBlock: bigint | undefined;
  for (const name of LEDGER_CONTRACTS) {
    const contract = deployed.contracts.find((c) => c.name === name);
    if (contract === undefined) throw new InputError(`--deployment: ${dir} has no ${name}`, { argument: "--deployment" });
    addresses[name] = contract.address;
    const block = BigInt(contract.fromBlock);
    fromBlock = fromBlock === undefined || block < fromBlock ? block : fromBlock;
  }
  return { ...node, deployment: { dir, addresses, fromBlock: fromBlock ?? 0n } };
}

export function signerFor(connection: Connection, chosen: { account: Account; dev: boolean }): Signer {
  if (chosen.dev && !connection.devChain) {
    throw new InputError(`--account picks a public dev key; ${describeNode(connection)} is not a local dev chain: use ${DEFAULT_KEY_ENV}`, {
      argument: "--account",
    });
  }
  const wallet = createWalletClient({ account: chosen.account, chain: connection.chain, transport: http(connection.rpcUrl) });
  return { account: chosen.account, wallet };
}

/** Runs a read against the node; a failure is the node's (exit 1), said in one line. */
export async function fromNode<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new FailureError(`cannot read ${what} from the node: ${shortMessage(error)}`, { what }, error);
  }
}

export function shortMessage(error: unknown): string {
  if (error !== null && typeof error === "object" && "shortMessage" in error && typeof error.shortMessage === "string") {
    return error.shortMessage;
  }
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
