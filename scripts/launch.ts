/**
 * `npm start`, first step: brings the contracts' build up to date with a visible progress line, then runs the
 * ledger (`hardhat run --no-compile scripts/start.ts`).
 *
 * On a fresh clone Hardhat compiles every contract with solc-js through the IR pipeline (hardhat.config.ts):
 * about 3 minutes on an idle 2-core machine, up to 15 under load, and silent. So the build runs here as a
 * child (`hardhat build --quiet`, what `hardhat run` does before a script); when it starts the compiler, this
 * process says what is happening and that it happens once, and shows the time spent against an estimate: the duration of the last
 * compile on this machine (recorded in cache/), else DEFAULT_COMPILE_SECONDS. On a terminal one line is
 * redrawn every second; otherwise a line every 15 s. Ctrl-C stops the compile (its whole process group) and
 * exits. A build with nothing to compile finishes in a few seconds without a word.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

const ROOT = new URL("../", import.meta.url).pathname;
const HARDHAT = ROOT + "node_modules/.bin/hardhat";
/** The last compile's duration on this machine: Hardhat's cache/ is per checkout and git-ignored. */
const RECORD = ROOT + "cache/start-compile.json";
/** A full compile measured on an idle 2-core machine (solc-js 0.8.28, viaIR, optimizer on): 3 min; 4 with margin. */
const DEFAULT_COMPILE_SECONDS = 240;
const MIN_RECORDED_SECONDS = 30;
const BUILD_DEBUG_NAMESPACE = "hardhat:core:solidity:build-system";
const TICK_MS = process.stdout.isTTY ? 1_000 : 15_000;

/**
 * OpenZeppelin's TransientSlot (used by ReentrancyGuardTransient, which RevenueVault and DisputeCourt inherit)
 * makes solc warn that transient storage "can break composability" at every compile. It is not ours to change,
 * and its guards clear their slot before the call returns (the use the warning itself calls safe): dropped here,
 * that one warning pointing into @openzeppelin/contracts only.
 */
function isKnownLibraryWarning(block: string): boolean {
  // Hardhat names the file by its npm source name (npm/@openzeppelin/contracts@5.x/…) or, as on a fresh
  // clone's first compile, by its path (./node_modules/@openzeppelin/contracts/…).
  const inOpenZeppelinTransientSlot = /-->\s+(?:npm\/@openzeppelin\/contracts@[^/]+|(?:\.\/)?node_modules\/@openzeppelin\/contracts)\/utils\/TransientSlot\.sol:/;
  return block.includes("Transient storage as defined by EIP-1153") && inOpenZeppelinTransientSlot.test(block);
}

function minutes(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  return whole % 60 === 0 ? `${whole / 60} min` : `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}

function recordedSeconds(): number | undefined {
  try {
    const { seconds } = JSON.parse(readFileSync(RECORD, "utf8")) as { seconds?: unknown };
    return typeof seconds === "number" && seconds > 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `child` in its own process group until it exits; SIGINT, SIGTERM and SIGHUP here are passed to the group once. */
function supervise(child: ChildProcess, onSignal: (signal: NodeJS.Signals) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, onSignal);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      for (const s of signals) process.off(s, onSignal);
      resolve({ code, signal });
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function buildContracts(): Promise<void> {
  const recorded = recordedSeconds();
  const estimate = recorded ?? DEFAULT_COMPILE_SECONDS;
  const started = Date.now();
  let announced = false;
  let progressShown = false;
  const elapsed = () => (Date.now() - started) / 1000;
  const clearProgress = () => {
    if (progressShown && process.stdout.isTTY) process.stdout.write("\r\x1b[K");
    progressShown = false;
  };
  const announce = () => {
    if (announced) return;
    announced = true;
    const basis = recorded === undefined ? `none recorded here yet: 3 to 15 min on ${cpus().length} cores, by load` : "the last compile here";
    console.log(`Compiling the Solidity contracts, once (later starts reuse artifacts/): about ${minutes(estimate)} (${basis}); Ctrl-C stops it.`);
  };
  const showProgress = () => {
    if (!announced) return;
    const seconds = elapsed();
    // Below 100% until the compiler is done: the estimate is a guess, the end is not.
    const percent = Math.min(99, Math.floor((seconds / estimate) * 100));
    const beyond = seconds > estimate ? ", longer than estimated" : "";
    const line = `  compiling: ${minutes(seconds)} of about ${minutes(estimate)} (${percent}%${beyond})`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\r\x1b[K${line}`);
      progressShown = true;
    } else {
      console.log(line);
    }
  };

  // Hardhat's build system logs "Compiling N root files ..." (a debug line) only when solc is about to run:
  // the sign that this is a compile and not a check that finds everything up to date.
  const child = spawn(process.execPath, [HARDHAT, "build", "--quiet"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DEBUG: BUILD_DEBUG_NAMESPACE, DEBUG_COLORS: "no" },
  });
  // The compiler's messages, a blank line after each: passed on whole, less the debug lines and the one
  // known library warning.
  const pending = { stdout: "", stderr: "" };
  const block = { stdout: "", stderr: "" };
  const pass = (stream: "stdout" | "stderr", final: boolean) => {
    const lines = pending[stream].split(/(?<=\n)/);
    pending[stream] = final || lines.at(-1)!.endsWith("\n") ? "" : lines.pop()!;
    let text = "";
    for (const line of lines) {
      if (line.includes(BUILD_DEBUG_NAMESPACE)) {
        if (/ Compiling \d+ root files/.test(line)) {
          announce();
          showProgress();
        }
        continue;
      }
      block[stream] += line;
      if (line.trim() === "") {
        if (!isKnownLibraryWarning(block[stream])) text += block[stream];
        block[stream] = "";
      }
    }
    if (final) {
      if (!isKnownLibraryWarning(block[stream])) text += block[stream];
      block[stream] = "";
    }
    if (text.trim() === "") return;
    clearProgress();
    process[stream].write(text);
  };
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream]!.setEncoding("utf8").on("data", (chunk: string) => {
      pending[stream] += chunk;
      pass(stream, false);
    });
  }

  const ticker = setInterval(showProgress, TICK_MS);
  let stoppedBy: NodeJS.Signals | undefined;
  const { code, signal } = await supervise(child, (received) => {
    stoppedBy ??= received;
    killGroup(child, "SIGTERM");
    setTimeout(() => killGroup(child, "SIGKILL"), 5_000).unref();
  });
  clearInterval(ticker);
  pass("stdout", true);
  pass("stderr", true);
  clearProgress();

  if (stoppedBy !== undefined) {
    if (announced) console.log(`stopped compiling after ${minutes(elapsed())}; the next npm start compiles again`);
    process.exit(128 + (stoppedBy === "SIGINT" ? 2 : stoppedBy === "SIGHUP" ? 1 : 15));
  }
  if (code !== 0) {
    console.error(`npm start: compiling the contracts failed (hardhat build exited ${code ?? signal}); the compiler's messages are above`);
    process.exit(1);
  }
  const seconds = elapsed();
  // A build of a few changed files says little about a whole one: only a long compile is kept as the estimate.
  if (announced && seconds >= MIN_RECORDED_SECONDS) {
    writeFileSync(RECORD, JSON.stringify({ seconds: Math.round(seconds), cores: cpus().length, recordedAt: new Date().toISOString() }) + "\n");
    console.log(`compiled in ${minutes(seconds)} (recorded in cache/start-compile.json for the next estimate)`);
  } else if (announced) {
    console.log(`compiled in ${minutes(seconds)}`);
  }
}

async function runLedger(): Promise<never> {
  // Its own process group, so that a terminal's Ctrl-C reaches it once, through here, and it stops cleanly.
  const child = spawn(process.execPath, [HARDHAT, "run", "--no-compile", "scripts/start.ts"], { cwd: ROOT, detached: true, stdio: "inherit" });
  const { code, signal } = await supervise(child, (received) => killGroup(child, received));
  process.exit(code ?? (signal === "SIGINT" ? 130 : 1));
}

await buildContracts();
await runLedger();
