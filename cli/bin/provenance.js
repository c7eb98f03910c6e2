#!/usr/bin/env node
// Launcher of the `provenance` command-line tool. It runs the compiled bundle, cli/dist/provenance.mjs
// (bundle.js: built by `npm ci`, rebuilt here first when a source changed since), in this process: it
// needs Node 20 or later. PROVENANCE_FROM_SOURCE=1, or a bundle that cannot be built, runs the TypeScript
// sources through tsx instead (about a second slower per command), which needs Node >= 22.12: an older node
// then re-executes this tool with the project's bundled Node 22 (the `node` devDependency), forwarding
// arguments, standard streams, signals and the exit code.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);

async function runBundle() {
  const { BUNDLE, buildBundle, bundleIsCurrent } = await import("./bundle.js");
  if (!bundleIsCurrent()) {
    try {
      await buildBundle();
    } catch (error) {
      process.stderr.write(`provenance: cannot build cli/dist/ (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); running from the TypeScript sources\n`);
      return false;
    }
  }
  await import(BUNDLE.href);
  return true;
}

async function runSources() {
  const main = new URL("../main.ts", import.meta.url);
  if (major > 22 || (major === 22 && minor >= 12)) {
    const { register } = await import("tsx/esm/api");
    register();
    await import(main.href);
    return;
  }
  const bundled = fileURLToPath(new URL("../../node_modules/.bin/node", import.meta.url));
  if (!existsSync(bundled)) {
    process.stderr.write(`provenance: needs Node >= 22.12 to run from the sources (this is ${process.versions.node}) and found no bundled node at ${bundled}; run the README's install\n`);
    process.exit(1);
  }
  const child = spawn(bundled, ["--import", import.meta.resolve("tsx"), fileURLToPath(main), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  const forward = (signal) => child.kill(signal);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, forward);
  child.on("error", (error) => {
    process.stderr.write(`provenance: cannot start ${bundled}: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal !== null) {
      // Die of the same signal, so that the caller sees what the child saw.
      for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.off(s, forward);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}

const fromSources = process.env.PROVENANCE_FROM_SOURCE === "1" || major < 20;
if (fromSources || !(await runBundle())) await runSources();
