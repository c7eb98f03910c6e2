import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname } from "node:path";

import { isDevNodeClient } from "../../services/shared/devChain.js";

/**
 * What `npm start` checks before it touches anything (the previous run's store, the deployment record, the
 * chain): that the ports it will listen on are free and that no other `npm start` uses the same store.
 */

/** A setting `npm start` cannot run with: `message` is one line for the user, naming what to change. */
export class StartRefusedError extends Error {
  override name = "StartRefusedError";
}

/**
 * Refuses when `host:port` cannot be listened on, naming the setting to change (the port's when it is taken,
 * else the host's). Port 0 (any free port) checks the host alone. Another process may still take the port
 * before the caller listens: the caller handles that too; this catches the common case before anything is
 * deleted.
 */
export async function assertPortFree(host: string, port: number, variables: { port: string; host?: string }): Promise<void> {
  const code = await new Promise<string | undefined>((resolve) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
  if (code === undefined) return;
  if (code === "EADDRINUSE") throw new StartRefusedError(`port ${port} on ${host} is in use: set ${variables.port} to a free port (0: any free port)`);
  throw new StartRefusedError(`cannot listen on ${host}:${port} (${code}): set ${variables.host ?? variables.port}`);
}

/** Whether process `pid` runs (a process of another user counts: EPERM). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface StoreLock {
  /** Removes the lock file if it is still this process's; idempotent, synchronous (safe in an `exit` handler). */
  release(): void;
}

/**
 * Takes the lock file `path` for this process: created exclusively (O_EXCL) with this pid in it. Held by a
 * running process: refused, naming its pid and `otherwise` (what the user may do instead). Left by a process
 * that is gone (killed, a crash): taken over, saying so through `notice`.
 */
export async function lockStore(path: string, otherwise: string, notice: (line: string) => void): Promise<StoreLock> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
      if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
        throw new StartRefusedError(`the ledger store is in use by another npm start (pid ${holder}, lock ${path}): stop it, or ${otherwise}`);
      }
      notice(`taking over the lock ${path} of process ${Number.isNaN(holder) ? "?" : holder}, which is no longer running`);
      unlinkSync(path);
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        try {
          if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // gone already
        }
      },
    };
  }
  throw new StartRefusedError(`cannot take the lock ${path}: another npm start took it at the same time`);
}

/** The node did not answer at all (refused, timed out, not JSON-RPC): distinct from an error answer. */
class Unreachable {
  constructor(readonly reason: string) {}
}

/** One JSON-RPC call by `fetch`, before any Hardhat connection exists: the result, `undefined` for an error answer. */
async function rpcAnswer(url: string, method: string): Promise<unknown> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    return ((await response.json()) as { result?: unknown }).result;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return new Unreachable(cause ?? (error as Error).name);
  }
}

/** Refuses a LEDGER_RPC_URL that does not answer JSON-RPC (`eth_chainId`), in one line, before anything is touched. */
export async function assertReachable(url: string): Promise<void> {
  const answer = await rpcAnswer(url, "eth_chainId");
  if (answer instanceof Unreachable || typeof answer !== "string") {
    const why = answer instanceof Unreachable ? answer.reason : "no chain id in the answer";
    throw new StartRefusedError(`cannot reach a JSON-RPC node at ${url} (${why}): is it running? check LEDGER_RPC_URL`);
  }
}

/**
 * Refuses LEDGER_DEMO=1 on a node that is not a local dev node with `accounts` unlocked dev accounts: the
 * demo signs with the node's own accounts and moves its clock (`evm_increaseTime`), which only Hardhat's and
 * anvil's nodes do. Nothing is sent.
 */
export async function assertDemoNode(url: string, accounts: number): Promise<void> {
  const [clientVersion, unlocked] = await Promise.all([rpcAnswer(url, "web3_clientVersion"), rpcAnswer(url, "eth_accounts")]);
  const client = typeof clientVersion === "string" ? clientVersion : undefined;
  if (!isDevNodeClient(client)) {
    const what = client === undefined ? "does not say what it is (web3_clientVersion)" : `is ${client}`;
    throw new StartRefusedError(`LEDGER_DEMO=1 needs a local dev node (anvil or Hardhat's): the node at ${url} ${what}; unset LEDGER_DEMO`);
  }
  const count = Array.isArray(unlocked) ? unlocked.length : 0;
  if (count < accounts) {
    throw new StartRefusedError(`LEDGER_DEMO=1 needs ${accounts} unlocked dev accounts: the node at ${url} has ${count} (anvil: --accounts ${accounts})`);
  }
}
