import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Hex } from "viem";
import { z } from "zod";

import { createLogger, silentLogger } from "../services/indexer/index.js";
import { ApiListenError, startLedgerNode, type PreloadDocument } from "../services/node/index.js";
import { readIgnitionDeployment } from "../services/shared/deployment.js";
import { ConfigError, formatIssues } from "../services/shared/errors.js";
import { readPartyBook } from "../services/shared/partyBook.js";
import type { PartyProfile } from "../ledger/parties/profile.js";
import { seedDemo } from "./demo/seed.js";
import { DEFAULT_EVM_VERSION, EVM_VERSIONS } from "./evm/build.js";
import { ChainEvmMismatchError } from "./evm/chainCheck.js";
import { deployLedgerContracts } from "./lib/deployLedger.js";
import { assertDemoNode, assertPortFree, assertReachable, lockStore, StartRefusedError, type StoreLock } from "./lib/startChecks.js";

/**
 * `npm start`: the whole ledger, up and followed.
 *
 * Embedded (the default): serves an in-process Hardhat chain over JSON-RPC on 127.0.0.1, deploys the
 * contracts with the Ignition module through that endpoint (as on any network), seeds a demo unless
 * LEDGER_DEMO=0, indexes the chain into LevelDB under `.ledger/` and serves the read-only HTTP API
 * (one ledger node, `services/node/`: the indexer and the API in this process) and the web pages (`web/`, built by `npm start` before this script) on 127.0.0.1, prints the URLs, and
 * runs until Ctrl-C. The embedded chain lives in this process's memory: the chain, its deployment record and
 * its index are new on every run (the banner says so, and how to keep a ledger: LEDGER_RPC_URL).
 *
 * Before it touches anything (the previous run's store and deployment record, a chain), it checks that its
 * ports are free and takes the lock `.ledger/<deployment id>.lock` (one `npm start` per store); a refusal is
 * one line naming the setting to change, and exit code 1.
 *
 * Another network: with LEDGER_RPC_URL set (and LEDGER_DEPLOYER_KEY in the environment or in Hardhat's
 * keystore), the same command deploys there, or attaches to the deployment Ignition recorded for that
 * chain (`ignition/deployments/<id>`), and indexes and serves it. No demo by default: a real network's clock
 * cannot be moved. LEDGER_DEMO=1 seeds one on a local dev node reached by URL (anvil, or Hardhat's `node`),
 * with the node's own unlocked dev accounts, after checking that the node is one.
 */
const settingsSchema = z.object({
  LEDGER_RPC_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), "must be an http(s) URL")
    .optional(),
  LEDGER_RPC_PORT: z.coerce.number({ invalid_type_error: "must be a port number" }).int().min(0).max(65_535).default(8545),
  LEDGER_API_HOST: z.string().min(1).default("127.0.0.1"),
  LEDGER_API_PORT: z.coerce.number({ invalid_type_error: "must be a port number" }).int().min(0).max(65_535).default(8080),
  /** Default 1 on the embedded chain, 0 with LEDGER_RPC_URL (where 1 needs a local dev node). */
  LEDGER_DEMO: z.enum(["0", "1"]).optional(),
  LEDGER_SETTLEMENT_TOKEN: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address")
    .optional(),
  LEDGER_DEPLOYMENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only")
    .optional(),
  /** 0 for a chain with instant finality (QBFT, IBFT, Raft): nothing is kept to undo a reorg. */
  LEDGER_FINALITY_DEPTH: z.coerce.number().int().min(0).default(64),
  /** The chain's EVM version: an older one than Cancun deploys the older-EVM build (scripts/evm/build.ts). */
  LEDGER_EVM_VERSION: z.enum(EVM_VERSIONS, { errorMap: () => ({ message: `one of ${EVM_VERSIONS.join(", ")}` }) }).default(DEFAULT_EVM_VERSION),
  /** Shared by replicas behind one address: a sign-in on one holds on all (default: sessions per process). */
  LEDGER_SESSION_SECRET: z.string().min(32, "at least 32 characters (e.g. openssl rand -hex 32)").optional(),
  LEDGER_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error"]).default("warn"),
  /** A party book (JSON array of profile documents) whose names certificates show; the demo brings its own. */
  LEDGER_PARTY_BOOK: z.string().min(1).optional(),
  /** Where people reach the pages (a printed certificate's QR code opens it); default: the API's address. */
  LEDGER_WEB_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), "must be an http(s) URL")
    .optional(),
});
const parsed = settingsSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(`npm start: bad configuration:\n${formatIssues(parsed.error).map((line) => `  ${line}`).join("\n")}`);
  process.exit(2);
}
const settings = parsed.data;
const embedded = settings.LEDGER_RPC_URL === undefined;
const seed = embedded ? settings.LEDGER_DEMO !== "0" : settings.LEDGER_DEMO === "1";
const HOST = "127.0.0.1";
/** The dev accounts the demo gives roles and parties (scripts/demo/seed.ts). */
const DEMO_ACCOUNTS = 10;
/** Hardhat's default chain, which the embedded one is: its deployment id is known before it starts. */
const EMBEDDED_CHAIN_ID = 31337;
const ROOT = new URL("../", import.meta.url).pathname;
const deploymentDirOf = (id: string) => `${ROOT}ignition/deployments/${id}`;
const storeOf = (id: string) => `${ROOT}.ledger/indexer-${id}`;
/** The card and report documents the node keeps, beside its index (the node's default). */
const documentsOf = (id: string) => `${storeOf(id)}-documents`;

let lock: StoreLock | undefined;
process.on("exit", () => lock?.release());
/** A refusal or a failure the user can act on: one line, the lock released, exit code 1 (closing the chain and the API). */
function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}
async function refuseOrThrow<T>(step: Promise<T>): Promise<T> {
  return step.catch((error: unknown) => {
    if (error instanceof StartRefusedError) fail(error.message);
    throw error;
  });
}
const takeLock = (id: string) =>
  refuseOrThrow(
    lockStore(`${ROOT}.ledger/${id}.lock`, "set LEDGER_DEPLOYMENT_ID to run another ledger beside it", (line) => console.log(`npm start: ${line}`)),
  );

// --- checks before anything is touched ------------------------------------------------------------------
// A party book that is not one is refused here, in one line, before anything starts.
const givenPartyBook: PartyProfile[] | undefined =
  settings.LEDGER_PARTY_BOOK === undefined
    ? undefined
    : await readPartyBook(settings.LEDGER_PARTY_BOOK, "LEDGER_PARTY_BOOK").catch((error: unknown) =>
        fail(error instanceof ConfigError ? [error.message.split("\n")[0], ...error.issues].join(" ") : String(error)),
      );
if (embedded && settings.LEDGER_RPC_PORT !== 0 && settings.LEDGER_RPC_PORT === settings.LEDGER_API_PORT) {
  fail(`LEDGER_RPC_PORT and LEDGER_API_PORT are both ${settings.LEDGER_RPC_PORT}: set one of them to another port`);
}
if (embedded) await refuseOrThrow(assertPortFree(HOST, settings.LEDGER_RPC_PORT, { port: "LEDGER_RPC_PORT" }));
await refuseOrThrow(assertPortFree(settings.LEDGER_API_HOST, settings.LEDGER_API_PORT, { port: "LEDGER_API_PORT", host: "LEDGER_API_HOST" }));
if (embedded) lock = await takeLock(settings.LEDGER_DEPLOYMENT_ID ?? `chain-${EMBEDDED_CHAIN_ID}`);

// --- the chain ---------------------------------------------------------------------------------------
let rpcUrl: string;
let connection: NetworkConnection<"l1" | "generic">;
let closeChain = async () => {};
if (embedded) {
  const server = await network.createServer("default", HOST, settings.LEDGER_RPC_PORT);
  const { address, port } = await server.listen().catch((error: unknown) => {
    // Taken since the check above: still one line, and nothing deleted yet.
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return fail(`cannot listen on ${HOST}:${settings.LEDGER_RPC_PORT} (${code}): set LEDGER_RPC_PORT to a free port (0: any free port)`);
  });
  rpcUrl = `http://${address}:${port}`;
  // The embedded chain starts empty on every run, so the previous run's Ignition journal and index are void.
  const id = settings.LEDGER_DEPLOYMENT_ID ?? `chain-${EMBEDDED_CHAIN_ID}`;
  const previous = [deploymentDirOf(id), storeOf(id), documentsOf(id)].filter((path) => existsSync(path));
  if (previous.length > 0) {
    const shown = previous.map((path) => path.slice(ROOT.length)).join(" and ");
    console.log(`previous run's ${shown} discarded: the embedded chain is new on every run (LEDGER_RPC_URL keeps a ledger)`);
  }
  for (const path of previous) await rm(path, { recursive: true, force: true });
  connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
  closeChain = () => server.close();
} else if (seed) {
  rpcUrl = settings.LEDGER_RPC_URL!;
  await refuseOrThrow(assertReachable(rpcUrl));
  // The demo signs with the node's own unlocked dev accounts, so the node must be a local dev node.
  await refuseOrThrow(assertDemoNode(rpcUrl, DEMO_ACCOUNTS));
  connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
} else {
  rpcUrl = settings.LEDGER_RPC_URL!;
  await refuseOrThrow(assertReachable(rpcUrl));
  // The `ledger` network of hardhat.config.ts reads LEDGER_RPC_URL and LEDGER_DEPLOYER_KEY.
  connection = await network.create({ network: "ledger" });
}
console.log(`${embedded ? "embedded chain" : "chain"}: ${rpcUrl}`);
const { ethers, provider } = connection;
const chainId = (await ethers.provider.getNetwork()).chainId;
const deploymentId = settings.LEDGER_DEPLOYMENT_ID ?? `chain-${chainId}`;
// Another network's id is known only now: locked before its deployment record or store is touched.
if (!embedded) lock = await takeLock(deploymentId);

// --- the contracts: deployed, or attached to the recorded deployment ------------------------------------
// A record whose contracts the chain does not hold (a dev node restarted empty, another chain under the same
// id) would be "attached" to addresses without code: refused, nothing sent.
const recorded = !embedded && existsSync(`${deploymentDirOf(deploymentId)}/deployed_addresses.json`);
if (recorded) {
  const { contracts: recordedContracts } = await readIgnitionDeployment(deploymentDirOf(deploymentId));
  for (const contract of recordedContracts) {
    if ((await ethers.provider.getCode(contract.address)) === "0x") {
      fail(
        `ignition/deployments/${deploymentId} records ${contract.name} at ${contract.address}, where chain ${chainId} has no contract ` +
          "(a dev node restarted empty?): set LEDGER_DEPLOYMENT_ID to deploy afresh, or remove that folder",
      );
    }
  }
}
if (!embedded && settings.LEDGER_SETTLEMENT_TOKEN === undefined) {
  console.warn("LEDGER_SETTLEMENT_TOKEN is not set: revenue settles in the test token (anyone may mint it)");
}
const contracts = await deployLedgerContracts(connection, {
  deploymentId,
  evmVersion: settings.LEDGER_EVM_VERSION,
  log: (line) => console.log(line),
  ...(settings.LEDGER_SETTLEMENT_TOKEN === undefined ? {} : { settlementToken: settings.LEDGER_SETTLEMENT_TOKEN }),
}).catch((error: unknown) => {
  // Checked before any transaction: one line naming LEDGER_EVM_VERSION.
  if (error instanceof ChainEvmMismatchError) fail(error.message);
  throw error;
});
console.log(`chain id ${chainId}; contracts (recorded in ignition/deployments/${deploymentId}/):`);
for (const [name, contract] of Object.entries(contracts)) console.log(`  ${name.padEnd(14)} ${await contract.getAddress()}`);

let partyBook = givenPartyBook;
/** The demo's cards and reports: the node stores them once it has indexed the transactions recording them. */
let demoDocuments: readonly PreloadDocument[] = [];
if (seed && recorded) {
  console.log("  demo: not seeded again: this deployment was seeded when it was made (LEDGER_DEPLOYMENT_ID for a new one)");
} else if (seed) {
  const demo = await seedDemo(
    contracts,
    await ethers.getSigners(),
    async (seconds) => {
      await provider.request({ method: "evm_increaseTime", params: [seconds] });
      await provider.request({ method: "evm_mine", params: [] });
    },
    (line) => console.log(`  demo: ${line}`),
  );
  partyBook = [...(partyBook ?? []), ...demo.partyBook];
  demoDocuments = (demo as { documents?: readonly PreloadDocument[] }).documents ?? [];
  for (const [label, assetId] of Object.entries(demo.assets)) {
    const [seq, head] = await contracts.registry.evidenceHead(assetId);
    console.log(`  asset #${assetId} (${label}): holder ${await contracts.registry.holderOf(assetId)}, evidence ${seq} entries, head ${head}`);
  }
}

// --- the ledger node: the indexer and the API ----------------------------------------------------------
// It follows the chain from the deployment record with the ledger's reducers. The embedded chain is new on
// every run, so is its store; another network's store is kept and resumed.
const deploymentDir = deploymentDirOf(deploymentId);
const dbPath = storeOf(deploymentId);
const { contracts: indexed } = await readIgnitionDeployment(deploymentDir);
const node = await startLedgerNode({
  rpcUrl,
  dbPath,
  deployment: { chainId: Number(chainId), contracts: indexed },
  logger: createLogger(settings.LEDGER_LOG_LEVEL),
  documents: { dir: documentsOf(deploymentId), preload: demoDocuments },
  api: {
    host: settings.LEDGER_API_HOST,
    port: settings.LEDGER_API_PORT,
    logger: silentLogger(),
    ...(partyBook === undefined ? {} : { partyBook }),
    ...(settings.LEDGER_WEB_URL === undefined ? {} : { webUrl: settings.LEDGER_WEB_URL }),
    ...(settings.LEDGER_SESSION_SECRET === undefined ? {} : { signIn: { secret: settings.LEDGER_SESSION_SECRET } }),
  },
  indexer: { finalityDepth: embedded ? 5 : settings.LEDGER_FINALITY_DEPTH, pollIntervalMs: 1_000 },
}).catch((error: unknown) => {
  if (!(error instanceof ApiListenError)) throw error;
  // Taken since the check above (the chain is served and the store rebuilt: exit, which closes them).
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? String(error.cause);
  return fail(`${error.message} (${code}): set ${code === "EADDRINUSE" ? "LEDGER_API_PORT to a free port (0: any free port)" : "LEDGER_API_HOST"}`);
});
const caughtUp = await node.syncOnce();
console.log(`indexer: ${await node.indexer.store.countEvents()} events up to block ${caughtUp.cursor}, in ${dbPath}; following the chain`);
if (demoDocuments.length > 0) {
  const held = (await Promise.all(demoDocuments.map((document) => node.documents.has(document.hash.toLowerCase() as Hex)))).filter(Boolean).length;
  const missing = demoDocuments.length - held;
  console.log(`documents: ${held} of the demo's cards and reports in ${documentsOf(deploymentId)}${missing > 0 ? ` (${missing} refused or not recorded on chain: see the log)` : ""}`);
}
const stopIndexer = new AbortController();
const following = node.run({ signal: stopIndexer.signal }).catch((error: unknown) => {
  console.error("indexer stopped:", error);
});

const api = node.api!;
console.log(`api: ${api.url}`);
console.log(`  web pages ${api.url}/ (certificate check, contributor view, arbitrator view, catalog, holder's ledger)`);
console.log(`  docs ${api.url}/docs · OpenAPI ${api.url}/openapi.json · ready ${api.url}/ready · metrics ${api.url}/metrics`);
console.log(`  e.g. ${api.url}/assets/1/certificate · ${api.url}/assets/3/certificate.pdf · ${api.url}/parties · ${api.url}/settlements`);

if (embedded) {
  console.log("note: the embedded chain and its index live in this process: both are new on every run (the demo makes the same ids again).");
  console.log("  To keep a ledger, point LEDGER_RPC_URL at a node that keeps its state (e.g. anvil --state <file>) or a real network; README: Keeping a ledger.");
}
console.log("ledger is up; Ctrl-C stops it");
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("stopping");
  stopIndexer.abort();
  await node.close();
  await following;
  await connection.close();
  await closeChain();
  lock?.release();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
