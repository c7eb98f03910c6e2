import { mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { run } from "../../cli/program.js";
import { deployLedger, type Ledger } from "../helpers/ledger.js";

/** What one in-process run of the CLI gave. */
interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document `--json` prints. */
  json<T = Record<string, unknown>>(): T;
}

/** The CLI run in this process with `argv`, its output captured: exit code, stdout, stderr. */
export async function runCliInProcess(
  argv: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run({
    argv: [...argv],
    env,
    stdout: {
      write: (text) => {
        stdout += text;
      },
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
    },
    cwd,
  });
  return { code, stdout, stderr };
}

/**
 * A real Hardhat node over HTTP with the ledger deployed by Ignition (deployment record moved to a
 * temporary directory), and a runner for the CLI pointed at both.
 */
export interface CliWorld {
  url: string;
  dir: string;
  deploymentDir: string;
  connection: NetworkConnection<"generic">;
  ledger: Ledger;
  cli(args: readonly string[], options?: { env?: Record<string, string>; cwd?: string }): Promise<CliRun>;
  nonce(address: string): Promise<number>;
  close(): Promise<void>;
}

export async function startCliWorld(): Promise<CliWorld> {
  const server = await network.createServer("default", "127.0.0.1", 0);
  const { address, port } = await server.listen();
  const url = `http://${address}:${port}`;
  const connection = await network.create({ network: "localhost", override: { url } });
  const dir = await mkdtemp(join(tmpdir(), "cli-test-"));
  const deploymentId = `cli-test-${process.pid}-${Date.now()}`;
  const ledger = await deployLedger(connection, { deploymentId });
  const deploymentDir = join(dir, "deployment");
  await rename(join("ignition", "deployments", deploymentId), deploymentDir);

  async function cli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
    const { code, stdout, stderr } = await runCliInProcess(["--rpc-url", url, "--deployment", deploymentDir, ...args], options.env ?? {}, options.cwd ?? dir);
    return {
      code,
      stdout,
      stderr,
      json<T>() {
        return JSON.parse(stdout) as T;
      },
    };
  }

  return {
    url,
    dir,
    deploymentDir,
    connection,
    ledger,
    cli,
    nonce: async (account) => connection.ethers.provider.getTransactionCount(account),
    async close() {
      await connection.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
