import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname } from "node:path";

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
