// The `provenance` tool's compiled form: cli/main.ts and everything it imports (the ledger, services/shared,
// npm packages) bundled by esbuild into one ES module, cli/dist/provenance.mjs, so that a command starts in
// a few hundred milliseconds instead of transpiling TypeScript on every start. `npm ci` builds it (the
// `prepare` script: `node cli/bin/bundle.js`); the launcher (provenance.js) rebuilds it when a source
// changed since. cli/dist/ is build output, not committed.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIST = new URL("../dist/", import.meta.url);
export const BUNDLE = new URL("provenance.mjs", DIST);
/** What the bundle was built from: `{ builtAtMs, inputs }`, the project files esbuild read. */
const MANIFEST = new URL("provenance.inputs.json", DIST);
/**
 * A changed dependency means a rebuild: `npm install` rewrites the lockfile (npm's own files in node_modules
 * carry a fixed mtime). Not node_modules/.package-lock.json: `npm ci` writes that one after `prepare` has
 * built the bundle, which made every fresh install's bundle stale at once.
 */
const INSTALLED = "package-lock.json";

function mtimeMs(relative) {
  try {
    return statSync(ROOT + relative).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY; // a source gone: stale
  }
}

/**
 * Whether the bundle is there and no file it was built from changed after the build began: one stat per
 * source (about 70), a few milliseconds. A new import needs an edit to a file already listed, so the list
 * from the last build covers the next one.
 */
export function bundleIsCurrent() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
    statSync(BUNDLE);
  } catch {
    return false;
  }
  return [...manifest.inputs, INSTALLED].every((input) => mtimeMs(input) < manifest.builtAtMs);
}

/** Builds the bundle (about half a second); written under temporary names and renamed, so that a launcher running at the same time reads either the old or the new one whole. */
export async function buildBundle() {
  const { build } = await import("esbuild");
  const builtAtMs = Date.now();
  const suffix = `.${process.pid}.tmp`;
  const outfile = fileURLToPath(BUNDLE) + suffix;
  mkdirSync(DIST, { recursive: true });
  try {
    const result = await build({
      entryPoints: [ROOT + "cli/main.ts"],
      absWorkingDir: ROOT,
      bundle: true,
      platform: "node",
      format: "esm",
      // The shell's node may be 20 (package.json's engines): the bundle runs on it without the bundled Node 22.
      target: "node20",
      outfile,
      metafile: true,
      logLevel: "error",
      // CommonJS packages in the bundle (cli-progress...) call require() for Node's built-ins.
      banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    });
    const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith("node_modules/"));
    renameSync(outfile, fileURLToPath(BUNDLE));
    writeFileSync(fileURLToPath(MANIFEST) + suffix, JSON.stringify({ builtAtMs, inputs }, null, 1) + "\n");
    renameSync(fileURLToPath(MANIFEST) + suffix, fileURLToPath(MANIFEST));
  } finally {
    rmSync(outfile, { force: true });
  }
}

// `node cli/bin/bundle.js`: build now (npm's `prepare`, `npm run build:cli`); with --if-stale only when a
// source changed (the CLI benchmark, between timed runs).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    if (!(process.argv.includes("--if-stale") && bundleIsCurrent())) await buildBundle();
  } catch (error) {
    process.stderr.write(`cannot bundle the provenance tool: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
