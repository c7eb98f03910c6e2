import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

/**
 * Foundry's anvil, the second EVM client the ledger is tested on: an independent implementation (Rust, revm)
 * beside Hardhat's EDR. The binary comes from the lockfile (`@foundry-rs/anvil` and its platform package), so a
 * fresh `npm ci` brings it; this runs the binary itself rather than the package's Node wrapper, so that a kill
 * reaches anvil and no wrapper process is left behind.
 */
export interface AnvilOptions {
  /** Default 31337, anvil's (and Hardhat's) dev chain id; a consortium chain has its own. */
  chainId?: number;
  /** `--hardfork`: e.g. "berlin" (no EIP-1559, no PUSH0/MCOPY/transient storage), "london", "cancun" (anvil's default is newer). */
  hardfork?: string;
  /** `--gas-price` in wei: 0 as on a zero-gas consortium chain. */
  gasPrice?: bigint;
  /** `--base-fee`: the first block's base fee (EIP-1559 chains only). */
  baseFee?: bigint;
  /** Funded dev accounts from the well-known mnemonic (default 20, as Hardhat's). */
  accounts?: number;
  /** Any other flags. */
  args?: readonly string[];
}

export interface Anvil {
  readonly url: string;
  readonly process: ChildProcess;
  /** A JSON-RPC call; an error answer throws with the node's message. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  close(): Promise<void>;
}

const PLATFORM_PACKAGES: Record<string, string | undefined> = {
  "linux-x64": "@foundry-rs/anvil-linux-amd64",
  "linux-arm64": "@foundry-rs/anvil-linux-arm64",
  "darwin-x64": "@foundry-rs/anvil-darwin-amd64",
  "darwin-arm64": "@foundry-rs/anvil-darwin-arm64",
  "win32-x64": "@foundry-rs/anvil-win32-amd64",
};

/** The anvil binary of this platform's package (installed as an optional dependency of `@foundry-rs/anvil`). */
function anvilBinary(): string {
  const name = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (name === undefined) throw new Error(`anvil has no binary package for ${process.platform}-${process.arch}`);
  // Resolved from the wrapper package, whose optional dependency it is.
  const wrapper = createRequire(import.meta.url).resolve("@foundry-rs/anvil/package.json");
  return join(dirname(createRequire(wrapper).resolve(`${name}/package.json`)), "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
}

let rpcId = 0;

/** Starts anvil on a free port of 127.0.0.1 and resolves once it listens. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const args = ["--host", "127.0.0.1", "--port", "0", "--accounts", String(options.accounts ?? 20), "--chain-id", String(options.chainId ?? 31337)];
  if (options.hardfork !== undefined) args.push("--hardfork", options.hardfork);
  if (options.gasPrice !== undefined) args.push("--gas-price", options.gasPrice.toString());
  if (options.baseFee !== undefined) args.push("--base-fee", options.baseFee.toString());
  args.push(...(options.args ?? []));
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`anvil did not listen within 30 s:\n${output}`)), 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with ${code}:\n${output}`));
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output += `${line}\n`;
      const match = /^Listening on (\S+)$/.exec(line.trim());
      if (match !== null) {
        clearTimeout(timer);
        resolve(`http://${match[1]!}`);
      }
    });
  });
  // Keep draining stdout (anvil logs every request) so that the pipe never fills and stalls it.
  child.stdout!.resume();
  async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
    });
    const answer = (await response.json()) as { result?: T; error?: { message: string } };
    if (answer.error !== undefined) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result as T;
  }
  return {
    url,
    process: child,
    rpc,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
