import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";

/** `scripts/start.ts` run as `npm start` runs it (Hardhat's `run`, under the project's Node 22), ports 0 unless `env` says otherwise. */
function spawnStart(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(join(ROOT, "node_modules/.bin/node"), [join(ROOT, "node_modules/.bin/hardhat"), "run", "scripts/start.ts"], {
    cwd: ROOT,
    env: { ...process.env, LEDGER_RPC_PORT: "0", LEDGER_API_PORT: "0", ...env },
    stdio: "pipe",
  });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** The real `npm start` stack in a child process: its URLs, its output, and a clean stop. */
export interface Stack {
  /** The process running scripts/start.ts. */
  readonly pid: number;
  readonly rpcUrl: string;
  readonly apiUrl: string;
  /** The Ignition deployment record of this run (its own id, removed by `stop`). */
  readonly deploymentDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Ctrl-C: resolves with the exit code once the process has stopped. */
  stop(): Promise<number | null>;
}

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Runs `scripts/start.ts` as `npm start` does (Hardhat's `run`, under the project's Node 22), on ports the
 * OS picks and a deployment id of its own, and waits until it prints that the ledger is up. With
 * LEDGER_DEPLOYMENT_ID in `env` the deployment is the caller's: `stop` leaves its record and store.
 */
export async function startStack(env: Record<string, string> = {}, timeoutMs = 240_000): Promise<Stack> {
  const ownDeployment = env.LEDGER_DEPLOYMENT_ID === undefined;
  const deploymentId = env.LEDGER_DEPLOYMENT_ID ?? `e2e-${process.pid}-${Date.now()}`;
  const { child, output, exited } = spawnStart({ LEDGER_DEPLOYMENT_ID: deploymentId, ...env });

  const up = await Promise.race([
    new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        if (/ledger is up/.test(output())) {
          clearInterval(poll);
          resolve(true);
        }
      }, 100);
      void exited.then(() => {
        clearInterval(poll);
        resolve(false);
      });
    }),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
  ]);
  const cleanup = async () => {
    if (!ownDeployment) return;
    await rm(join(ROOT, "ignition/deployments", deploymentId), { recursive: true, force: true });
    await rm(join(ROOT, ".ledger", `indexer-${deploymentId}`), { recursive: true, force: true });
    await rm(join(ROOT, ".ledger", `indexer-${deploymentId}-documents`), { recursive: true, force: true });
  };
  if (!up) {
    child.kill("SIGKILL");
    await exited;
    await cleanup();
    throw new Error(`npm start did not come up:\n${output()}`);
  }
  const url = (label: string) => {
    const match = new RegExp(`^\\s*${label}:\\s+(http://\\S+)`, "m").exec(output());
    if (match === null) throw new Error(`npm start printed no ${label} URL:\n${output()}`);
    return match[1]!;
  };
  return {
    pid: child.pid!,
    rpcUrl: url("(?:embedded chain|chain)"),
    apiUrl: url("api"),
    deploymentDir: join(ROOT, "ignition/deployments", deploymentId),
    output,
    async stop() {
      child.kill("SIGINT");
      const code = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000).unref())]);
      if (code === null) child.kill("SIGKILL");
      await cleanup();
      return code;
    },
  };
}

/** How a start that should refuse ended: its exit code (null: still running at the deadline, then killed), output and time. */
export interface RefusedStart {
  code: number | null;
  output: string;
  elapsedMs: number;
}

/**
 * Runs `scripts/start.ts` as `startStack` does, with `env` as given over the same defaults (ports 0), and
 * waits for it to exit by itself; still running after `timeoutMs`, it is killed and `code` is null.
 */
export async function startExpectingExit(env: Record<string, string>, timeoutMs = 60_000): Promise<RefusedStart> {
  const started = performance.now();
  const { child, output, exited } = spawnStart(env);
  const deadline = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await exited;
  clearTimeout(deadline);
  return { code: child.signalCode === "SIGKILL" ? null : code, output: output(), elapsedMs: performance.now() - started };
}

/** What a run of the `provenance` executable gave. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The real `provenance` executable, as `npx provenance` runs it, pointed at the stack's chain and deployment.
 * Its key comes only from `key` (as PROVENANCE_PRIVATE_KEY) or from `--account`, never from the environment the
 * tests run in.
 */
export function runProvenance(stack: Stack, args: readonly string[], options: { cwd?: string; key?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "PROVENANCE_PRIVATE_KEY"));
    if (options.key !== undefined) env.PROVENANCE_PRIVATE_KEY = options.key;
    const child = spawn(process.execPath, [join(ROOT, "cli/bin/provenance.js"), "--rpc-url", stack.rpcUrl, "--deployment", stack.deploymentDir, ...args], {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env,
      stdio: "pipe",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
