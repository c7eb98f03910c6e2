/**
 * The ledger's contracts built for an EVM older than Cancun (`npm run build:evm -- <target>`).
 *
 * The default build (`hardhat build`, artifacts/) targets Cancun: it emits PUSH0 (Shanghai) and MCOPY, and the
 * reentrancy lock lives in transient storage (TLOAD/TSTORE, EIP-1153). Many consortium chains (Besu/QBFT,
 * FISCO-style) run Berlin or London. This build takes the exact solc input of the Cancun build from Hardhat's
 * build-info and changes two things: `settings.evmVersion`, and contracts/utils/ReentrancyLock.sol, whose content
 * becomes contracts-legacy-evm/ReentrancyLock.sol (OpenZeppelin's storage-based ReentrancyGuard, same error, same
 * ABI). Sources no deployable contract imports any more are left out: solc rejects `tstore` in inline assembly for
 * a pre-Cancun target even in a file nothing uses (TransientSlot.sol), and a build-info may hold other files.
 * Everything else — compiler, optimizer, viaIR, remappings, sources — is the Cancun build's.
 *
 * Artifacts in Hardhat's format go to artifacts-evm/<target>/<ContractName>.json with a stamp of the input each
 * was compiled from, so a second run with the same input is instant, and a change recompiles only what it touches.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Abi, Artifact } from "@nomicfoundation/ignition-core";

/** The EVM versions the ledger can be built for, oldest first: Berlin (EIP-2929 gas) is the oldest the ledger runs on. */
export const EVM_VERSIONS = ["berlin", "london", "paris", "shanghai", "cancun"] as const;
export type EvmVersion = (typeof EVM_VERSIONS)[number];
/** The default build: Hardhat's (artifacts/), what the tests and `hardhat ignition deploy` use. */
export const DEFAULT_EVM_VERSION: EvmVersion = "cancun";
/** The targets that need this build (every one but the default). */
export const OLDER_EVM_VERSIONS = EVM_VERSIONS.filter((version) => version !== DEFAULT_EVM_VERSION);

/** The contracts a deployment creates (the ledger's six and the test settlement token). */
export const DEPLOYABLE_CONTRACTS = [
  "LedgerAccessManager",
  "AssetRegistry",
  "GrantRegistry",
  "ContributionLedger",
  "RevenueVault",
  "DisputeCourt",
  "TestToken",
] as const;
export type DeployableContract = (typeof DEPLOYABLE_CONTRACTS)[number];

/** An artifact in Hardhat 3's format (what Ignition's `m.contract(name, artifact, args)` takes). */
export type EvmArtifact = Artifact;

export interface EvmBuild {
  evmVersion: EvmVersion;
  artifacts: Record<DeployableContract, EvmArtifact>;
}

export class EvmVersionError extends Error {
  override name = "EvmVersionError";
}

/** The build failed: no Cancun build to start from, a source missing, or solc's errors (all of them). */
export class EvmBuildError extends Error {
  override name = "EvmBuildError";
}

/** `text` as an EVM version (case and surrounding blanks ignored); the error lists the versions there are. */
export function parseEvmVersion(text: string): EvmVersion {
  const version = text.trim().toLowerCase();
  const known = EVM_VERSIONS.find((candidate) => candidate === version);
  if (known === undefined) throw new EvmVersionError(`unknown EVM version "${text}": use one of ${EVM_VERSIONS.join(", ")}`);
  return known;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The file the older-EVM build swaps, as the solc input names it, and its twin. */
const LOCK_SOURCE = "project/contracts/utils/ReentrancyLock.sol";
const LOCK_TWIN = join(ROOT, "contracts-legacy-evm", "ReentrancyLock.sol");
const require = createRequire(import.meta.url);

interface SolcInput {
  language: string;
  sources: Record<string, { content: string }>;
  settings: { evmVersion?: string; remappings?: string[]; outputSelection?: unknown; [key: string]: unknown };
}

type HardhatArtifact = EvmArtifact & { buildInfoId: string; inputSourceName: string };

interface BuildInfo {
  solcVersion: string;
  solcLongVersion: string;
  input: SolcInput;
}


export interface EnsureEvmBuildOptions {
  /** Progress lines (which build, elapsed time); default: none. */
  log?: (line: string) => void;
  /** Where the Cancun build is (default: the project's artifacts/) and where this one goes (artifacts-evm/). */
  artifactsDir?: string;
  outputDir?: string;
}

/**
 * The build for `target`: undefined for Cancun (Hardhat's own artifacts are the build); otherwise compiled from the
 * Cancun build's input, or read back when the stamp says the input is unchanged.
 */
export async function ensureEvmBuild(target: EvmVersion, options: EnsureEvmBuildOptions = {}): Promise<EvmBuild | undefined> {
  if (target === DEFAULT_EVM_VERSION) return undefined;
  const log = options.log ?? (() => {});
  const artifactsDir = options.artifactsDir ?? join(ROOT, "artifacts");
  const outputDir = join(options.outputDir ?? join(ROOT, "artifacts-evm"), target);

  const jobs = await compileJobs(artifactsDir, target);
  const solcVersion = (require("solc") as { version(): string }).version();
  const stampFile = join(outputDir, "stamp.json");
  const stamp = await readStamp(stampFile, target, solcVersion);
  await mkdir(outputDir, { recursive: true });
  const artifacts = {} as Record<DeployableContract, EvmArtifact>;
  const started = Date.now();
  let compiled = 0;
  for (const [index, job] of jobs.entries()) {
    const inputHash = createHash("sha256").update(JSON.stringify(job.input)).digest("hex");
    const names = job.contracts.map((contract) => contract.contractName as DeployableContract);
    if (names.every((name) => stamp.inputHashes[name] === inputHash && existsSync(join(outputDir, `${name}.json`)))) {
      for (const name of names) artifacts[name] = JSON.parse(await readFile(join(outputDir, `${name}.json`), "utf8")) as EvmArtifact;
      continue;
    }
    const label = `${names.join(", ")} for ${target} (${index + 1}/${jobs.length})`;
    log(`compiling ${label} with solc ${solcVersion}: this takes minutes`);
    const output = await compileInWorker(job.input, (seconds) => log(`  still compiling ${label}: ${seconds} s`));
    const errors = (output.errors ?? []).filter((error) => error.severity === "error");
    if (errors.length > 0) {
      throw new EvmBuildError(`solc failed to build ${label}:\n${errors.map((error) => error.formattedMessage ?? error.message).join("\n")}`);
    }
    for (const contract of job.contracts) {
      const built = output.contracts?.[contract.inputSourceName]?.[contract.contractName];
      if (built === undefined) throw new EvmBuildError(`solc produced no ${contract.contractName} (${contract.inputSourceName}) for ${target}`);
      const name = contract.contractName as DeployableContract;
      artifacts[name] = {
        _format: contract._format,
        contractName: contract.contractName,
        sourceName: contract.sourceName,
        abi: built.abi,
        bytecode: `0x${built.evm.bytecode.object}`,
        deployedBytecode: `0x${built.evm.deployedBytecode.object}`,
        linkReferences: built.evm.bytecode.linkReferences,
        deployedLinkReferences: built.evm.deployedBytecode.linkReferences,
      };
      await writeFile(join(outputDir, `${name}.json`), JSON.stringify(artifacts[name], null, 2) + "\n");
    }
    // The stamp names an artifact only once it is written: an interrupted build is never taken for a finished one.
    for (const name of names) stamp.inputHashes[name] = inputHash;
    await writeFile(stampFile, JSON.stringify(stamp, null, 2) + "\n");
    compiled++;
  }
  if (compiled > 0) log(`built ${DEPLOYABLE_CONTRACTS.length} contracts for ${target} in ${Math.round((Date.now() - started) / 1000)} s: ${outputDir}`);
  return { evmVersion: target, artifacts };
}

/**
 * What artifacts-evm/<target>/stamp.json says was built from which input: the sha256 of the solc input each
 * contract was compiled from. A stamp of another target or solc counts as none.
 */
interface Stamp {
  evmVersion: string;
  solcVersion: string;
  inputHashes: Partial<Record<DeployableContract, string>>;
}

async function readStamp(file: string, evmVersion: EvmVersion, solcVersion: string): Promise<Stamp> {
  const none: Stamp = { evmVersion, solcVersion, inputHashes: {} };
  if (!existsSync(file)) return none;
  try {
    const stamp = JSON.parse(await readFile(file, "utf8")) as Stamp;
    return stamp.evmVersion === evmVersion && stamp.solcVersion === solcVersion && typeof stamp.inputHashes === "object" ? stamp : none;
  } catch {
    return none;
  }
}

interface CompileJob {
  input: SolcInput;
  contracts: HardhatArtifact[];
}

/**
 * One solc input per build-info the deployable contracts' Cancun artifacts came from (Hardhat compiles in
 * several jobs, and a build-info keeps the sources as they were when its job ran): that input with the target's
 * EVM version and the twin lock, its sources cut down to what the job's contracts import.
 */
async function compileJobs(artifactsDir: string, target: EvmVersion): Promise<CompileJob[]> {
  const byBuildInfo = new Map<string, HardhatArtifact[]>();
  for (const name of DEPLOYABLE_CONTRACTS) {
    const artifact = await readArtifact(artifactsDir, name);
    byBuildInfo.set(artifact.buildInfoId, [...(byBuildInfo.get(artifact.buildInfoId) ?? []), artifact]);
  }
  const twin = await readFile(LOCK_TWIN, "utf8");
  const jobs: CompileJob[] = [];
  for (const [buildInfoId, contracts] of [...byBuildInfo].sort(([a], [b]) => a.localeCompare(b))) {
    const file = join(artifactsDir, "build-info", `${buildInfoId}.json`);
    if (!existsSync(file)) throw new EvmBuildError(`the Cancun build's ${file} is missing: run \`npx hardhat build\` first`);
    const { input } = JSON.parse(await readFile(file, "utf8")) as BuildInfo;
    const contents = new Map(Object.entries(input.sources).map(([key, source]) => [key, source.content]));
    contents.set(LOCK_SOURCE, twin);
    const closure = await importClosure(
      contracts.map((contract) => contract.inputSourceName),
      contents,
      input.settings.remappings ?? [],
    );
    const sources = Object.fromEntries(Object.entries(closure).map(([key, source]) => [key, { content: withoutMcopy(source.content) }]));
    // Only the deployable contracts' code is generated: the same code, minutes less than every contract.
    const outputSelection: Record<string, Record<string, string[]>> = {};
    for (const contract of contracts) {
      outputSelection[contract.inputSourceName] = {
        ...outputSelection[contract.inputSourceName],
        [contract.contractName]: ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences", "evm.deployedBytecode.object", "evm.deployedBytecode.linkReferences"],
      };
    }
    jobs.push({ input: { ...input, sources, settings: { ...input.settings, evmVersion: target, outputSelection } }, contracts });
  }
  return jobs;
}

async function readArtifact(artifactsDir: string, name: DeployableContract): Promise<HardhatArtifact> {
  const path = await findArtifactPath(artifactsDir, name);
  return JSON.parse(await readFile(path, "utf8")) as HardhatArtifact;
}

/** artifacts/contracts/<dir>/<Name>.sol/<Name>.json; the source's folder is read from the contracts' layout. */
async function findArtifactPath(artifactsDir: string, name: DeployableContract): Promise<string> {
  const contractsDir = join(artifactsDir, "contracts");
  if (!existsSync(contractsDir)) throw new EvmBuildError(`no Cancun build in ${artifactsDir}: run \`npx hardhat build\` first`);
  for (const folder of await readdir(contractsDir)) {
    const path = join(contractsDir, folder, `${name}.sol`, `${name}.json`);
    if (existsSync(path)) return path;
  }
  throw new EvmBuildError(`the Cancun build has no ${name} in ${contractsDir}: run \`npx hardhat build\` first`);
}

const IMPORT = /^\s*import\s+(?:[^"']*?\s+from\s+)?["']([^"']+)["']\s*;/gm;

/** The sources `roots` import, directly or not, as solc resolves them (relative paths, then remappings). */
async function importClosure(roots: string[], contents: Map<string, string>, remappings: string[]): Promise<Record<string, { content: string }>> {
  const sources: Record<string, { content: string }> = {};
  const pending = [...roots];
  while (pending.length > 0) {
    const key = pending.pop()!;
    if (sources[key] !== undefined) continue;
    const content = contents.get(key) ?? (await readSourceFromDisk(key));
    sources[key] = { content };
    for (const match of content.matchAll(IMPORT)) pending.push(resolveImport(key, match[1]!, remappings));
  }
  return Object.fromEntries(Object.entries(sources).sort(([a], [b]) => a.localeCompare(b)));
}

function resolveImport(from: string, path: string, remappings: string[]): string {
  if (path.startsWith("./") || path.startsWith("../")) return posix.normalize(posix.join(posix.dirname(from), path));
  let best: { prefix: string; target: string } | undefined;
  for (const remapping of remappings) {
    const [context, rest] = remapping.includes(":") ? remapping.split(":", 2) as [string, string] : ["", remapping];
    const [prefix, target] = rest.split("=", 2) as [string, string];
    if (from.startsWith(context) && path.startsWith(prefix) && (best === undefined || prefix.length > best.prefix.length)) best = { prefix, target };
  }
  return best === undefined ? path : best.target + path.slice(best.prefix.length);
}

/** A source the Cancun input lacks (the twin's imports): `npm/<package>@<version>/<path>` from node_modules. */
async function readSourceFromDisk(key: string): Promise<string> {
  const match = /^npm\/((?:@[^/]+\/)?[^/@]+)@([^/]+)\/(.+)$/.exec(key);
  if (match === null) throw new EvmBuildError(`cannot find the source ${key} of the older-EVM build`);
  const [, name, version, path] = match as unknown as [string, string, string, string];
  const packageJson = require.resolve(`${name}/package.json`);
  const installed = (JSON.parse(await readFile(packageJson, "utf8")) as { version: string }).version;
  if (installed !== version) throw new EvmBuildError(`${key}: the Cancun build used ${name}@${version}, node_modules has ${installed}: run \`npx hardhat build\``);
  return readFile(join(dirname(packageJson), path), "utf8");
}

/**
 * `source` with every inline-assembly `mcopy(dst, src, length)` (EIP-5656, Cancun) replaced by a Yul block that
 * moves the same bytes with MLOAD/MSTORE. OpenZeppelin 5.7 uses MCOPY in Bytes, Arrays, Memory and
 * SignatureChecker (the ERC-1271 call GrantRegistry makes for a contract signer, ERC721's Strings import Bytes),
 * and solc refuses `mcopy` for an older target even where no code path reaches it. The block has MCOPY's
 * semantics: exactly `length` bytes are written (the last partial word is merged with what follows), and
 * overlapping ranges are copied as by memmove (front to back when the destination is below the source, back to
 * front otherwise). Each operand is evaluated once. It stays pure and memory-safe: it reads at most 31 bytes past
 * either range and writes back what it read there.
 */
export function withoutMcopy(source: string): string {
  let result = "";
  let rest = source;
  for (let at = findMcopy(rest); at !== -1; at = findMcopy(rest)) {
    const open = rest.indexOf("(", at);
    const args: string[] = [];
    let depth = 0;
    let start = open + 1;
    let end = -1;
    for (let i = open + 1; i < rest.length && end === -1; i++) {
      const char = rest[i];
      if (char === "(") depth++;
      else if (char === ")" && depth > 0) depth--;
      else if (char === ")") {
        args.push(rest.slice(start, i).trim());
        end = i;
      } else if (char === "," && depth === 0) {
        args.push(rest.slice(start, i).trim());
        start = i + 1;
      }
    }
    if (end === -1 || args.length !== 3) throw new EvmBuildError(`cannot read the mcopy at "${rest.slice(at, at + 80)}"`);
    const [destination, from, length] = args as [string, string, string];
    result += rest.slice(0, at) + memmove(destination, from, length);
    rest = rest.slice(end + 1);
  }
  return result + rest;
}

/** The next `mcopy(` that is the builtin (not part of a longer identifier nor in a comment line), or -1. */
function findMcopy(text: string): number {
  for (const match of text.matchAll(/(?<![\w$.])mcopy\s*\(/g)) {
    const line = text.slice(text.lastIndexOf("\n", match.index) + 1, match.index);
    if (!line.includes("//") && !/^\s*\*/.test(line)) return match.index;
  }
  return -1;
}

function memmove(destination: string, from: string, length: string): string {
  const partial = (offset: string) =>
    `if tail_legacyEvm { let at_legacyEvm := add(dst_legacyEvm, ${offset}) ` +
    `mstore(at_legacyEvm, or(and(mload(add(src_legacyEvm, ${offset})), not(keep_legacyEvm)), and(mload(at_legacyEvm), keep_legacyEvm))) }`;
  return (
    `{ /* mcopy for EVMs before Cancun (scripts/evm/build.ts) */ ` +
    `let dst_legacyEvm := ${destination} let src_legacyEvm := ${from} let len_legacyEvm := ${length} ` +
    "let tail_legacyEvm := and(len_legacyEvm, 31) let body_legacyEvm := sub(len_legacyEvm, tail_legacyEvm) " +
    "let keep_legacyEvm := shr(shl(3, tail_legacyEvm), not(0)) " +
    "switch gt(dst_legacyEvm, src_legacyEvm) " +
    "case 0 { for { let i_legacyEvm := 0 } lt(i_legacyEvm, body_legacyEvm) { i_legacyEvm := add(i_legacyEvm, 0x20) } " +
    "{ mstore(add(dst_legacyEvm, i_legacyEvm), mload(add(src_legacyEvm, i_legacyEvm))) } " +
    `${partial("body_legacyEvm")} } ` +
    `default { ${partial("body_legacyEvm")} ` +
    "for { let i_legacyEvm := body_legacyEvm } gt(i_legacyEvm, 0) { } " +
    "{ i_legacyEvm := sub(i_legacyEvm, 0x20) mstore(add(dst_legacyEvm, i_legacyEvm), mload(add(src_legacyEvm, i_legacyEvm))) } } }"
  );
}

interface SolcOutput {
  errors?: { severity: string; message: string; formattedMessage?: string }[];
  contracts?: Record<
    string,
    Record<
      string,
      {
        abi: Abi;
        evm: {
          bytecode: { object: string; linkReferences: Artifact["linkReferences"] };
          deployedBytecode: { object: string; linkReferences: Artifact["linkReferences"] };
        };
      }
    >
  >;
}

/** solc-js is synchronous and takes minutes: it runs in a worker so that this thread can report progress. */
async function compileInWorker(input: SolcInput, progress: (seconds: number) => void): Promise<SolcOutput> {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const solc = require(workerData.solcPath);
     parentPort.postMessage(solc.compile(workerData.input));`,
    { eval: true, workerData: { solcPath: require.resolve("solc"), input: JSON.stringify(input) } },
  );
  const started = Date.now();
  const timer = setInterval(() => progress(Math.round((Date.now() - started) / 1000)), 30_000);
  try {
    const output = await new Promise<string>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new EvmBuildError(`solc's worker exited with ${code} before answering`)));
    });
    return JSON.parse(output) as SolcOutput;
  } finally {
    clearInterval(timer);
    await worker.terminate();
  }
}

/** `npm run build:evm -- <target>`: builds (or confirms) the artifacts for one EVM version; exit 2 on a bad target. */
async function main(argv: string[]): Promise<number> {
  const [text, ...rest] = argv;
  if (text === undefined || rest.length > 0) {
    console.error(`usage: npm run build:evm -- <evm version>  (one of ${OLDER_EVM_VERSIONS.join(", ")}; cancun is \`npx hardhat build\`)`);
    return 2;
  }
  let target: EvmVersion;
  try {
    target = parseEvmVersion(text);
  } catch (error) {
    console.error(`evm version: ${(error as Error).message}`);
    return 2;
  }
  if (target === DEFAULT_EVM_VERSION) {
    console.log("cancun is the default build: `npx hardhat build` (artifacts/)");
    return 0;
  }
  try {
    const started = Date.now();
    await ensureEvmBuild(target, { log: (line) => console.log(line) });
    console.log(`artifacts-evm/${target} is current (${Math.round((Date.now() - started) / 1000)} s)`);
    return 0;
  } catch (error) {
    if (error instanceof EvmBuildError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
