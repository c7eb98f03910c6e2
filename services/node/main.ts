import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";

import { z } from "zod";

import { createLogger, INDEXER_RANGE_DEFAULTS, IndexerError, type Reducer } from "../indexer/index.js";
import { readIgnitionDeployment } from "../shared/deployment.js";
import { ConfigError } from "../shared/errors.js";
import { readPartyBook } from "../shared/partyBook.js";
import { startLedgerNode, type LedgerNode } from "./index.js";

/**
 * The ledger node as a process (`npm run indexer`): follows a deployment's contracts on any EVM JSON-RPC
 * endpoint into LevelDB (`services/indexer`), and serves the HTTP API over them if asked (`services/api`).
 *
 *   node --import tsx services/node/main.ts --rpc-url http://127.0.0.1:8545 --db data/indexer \
 *     --deployment chain-31337 [--reducer services/indexer/reducers/erc20.ts] [--until-head]
 *
 * With `--api-port` (and optionally `--api-host`, default 127.0.0.1) the same process serves the HTTP API
 * (`services/api`) over the state it indexes, with the ledger's reducer unless `--reducer` says otherwise:
 *
 *   node --import tsx services/node/main.ts --rpc-url http://127.0.0.1:8545 --db data/indexer \
 *     --deployment chain-31337 --api-port 8080
 *
 * Every flag has an environment variable (below); flags win. Exit codes: 0 stopped (SIGINT, SIGTERM,
 * or caught up with --until-head), 2 bad configuration, 1 failure.
 */
const FLAGS = {
  "rpc-url": { env: "INDEXER_RPC_URL", help: "JSON-RPC endpoint, http(s) (required)" },
  db: { env: "INDEXER_DB", help: "LevelDB directory (required; created if missing)" },
  deployment: { env: "INDEXER_DEPLOYMENT", help: "Ignition deployment: a directory, or an id under ignition/deployments/ (required)" },
  contracts: { env: "INDEXER_CONTRACTS", help: "comma-separated contract names to follow (default: all of the deployment)" },
  reducer: { env: "INDEXER_REDUCER", help: "module exporting `reducer` (default: store logs only)" },
  "reducer-version": { env: "INDEXER_REDUCER_VERSION", help: "change it when the reducer changes: the state is rebuilt" },
  "finality-depth": { env: "INDEXER_FINALITY_DEPTH", help: "blocks that may reorganise (default 64; 0: instant finality, as QBFT/IBFT)" },
  "poll-interval-ms": { env: "INDEXER_POLL_INTERVAL_MS", help: "head polling interval in live mode (default 2000)" },
  concurrency: { env: "INDEXER_CONCURRENCY", help: "block ranges fetched ahead (default 2)" },
  "initial-range": { env: "INDEXER_INITIAL_RANGE", help: "first eth_getLogs range, blocks (default 10; it adapts)" },
  "max-range": { env: "INDEXER_MAX_RANGE", help: "widest eth_getLogs range, blocks (default 100000)" },
  "timeout-ms": { env: "INDEXER_TIMEOUT_MS", help: "per RPC request (default 30000)" },
  "progress-interval-ms": { env: "INDEXER_PROGRESS_INTERVAL_MS", help: "backfill progress log interval (default 10000)" },
  "log-level": { env: "INDEXER_LOG_LEVEL", help: "trace, debug, info, warn, error (default info)" },
  "until-head": { env: "INDEXER_UNTIL_HEAD", help: "exit once caught up with the head (flag, or env 1/true)" },
  "api-port": { env: "INDEXER_API_PORT", help: "also serve the HTTP API on this port (0: a free one); implies the ledger reducer" },
  "api-host": { env: "INDEXER_API_HOST", help: "the API's listening address (default 127.0.0.1)" },
  "party-book": { env: "INDEXER_PARTY_BOOK", help: "party profile documents (JSON array) whose names certificates show" },
  "web-url": { env: "INDEXER_WEB_URL", help: "where people reach the pages: printed certificates' QR codes and the sign-in domain (default: the API's URL)" },
  "session-secret": { env: "INDEXER_SESSION_SECRET", help: "shared by replicas behind one address (32+ characters): a sign-in on one holds on all (default: per process)" },
  documents: { env: "INDEXER_DOCUMENTS", help: "directory of the card and report documents (default: <db>-documents)" },
} as const;

type Flag = keyof typeof FLAGS;

const optionalInt = (min: number) => z.coerce.number({ invalid_type_error: "must be a number" }).int("must be an integer").min(min).optional();

const cliSchema = z.object({
  "rpc-url": z.string({ required_error: "required" }).url("must be a URL"),
  db: z.string({ required_error: "required" }).min(1),
  deployment: z.string({ required_error: "required" }).min(1),
  contracts: z
    .string()
    .transform((s) => s.split(",").map((name) => name.trim()).filter((name) => name !== ""))
    .optional(),
  reducer: z.string().min(1).optional(),
  "reducer-version": z.string().optional(),
  "finality-depth": optionalInt(0),
  "poll-interval-ms": optionalInt(1),
  concurrency: optionalInt(1),
  "initial-range": optionalInt(1),
  "max-range": optionalInt(1),
  "timeout-ms": optionalInt(1),
  "progress-interval-ms": optionalInt(1),
  "log-level": z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  "until-head": z
    .union([z.boolean(), z.enum(["1", "true", "0", "false", ""])])
    .transform((v) => v === true || v === "1" || v === "true")
    .default(false),
  "api-port": z.coerce.number({ invalid_type_error: "must be a number" }).int("must be an integer").min(0).max(65_535).optional(),
  "api-host": z.string().min(1).optional(),
  "party-book": z.string().min(1).optional(),
  "web-url": z.string().url("must be a URL").optional(),
  "session-secret": z.string().min(32, "at least 32 characters (e.g. openssl rand -hex 32)").optional(),
  documents: z.string().min(1).optional(),
});

function usage(): string {
  const lines = Object.entries(FLAGS).map(([flag, { env, help }]) => `  --${flag.padEnd(22)} ${env.padEnd(30)} ${help}`);
  return `usage: node --import tsx services/node/main.ts [flags]\n${lines.join("\n")}`;
}

/** The command line's flags; a malformed one (an unknown flag, `--finality-depth -1`) is a configuration error. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: flag === "until-head" ? "boolean" : "string" }])),
        help: { type: "boolean" },
      } as Record<string, { type: "string" | "boolean" }>,
      strict: true,
    });
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS_") !== true) throw error;
    throw new ConfigError("invalid command line", [(error as Error).message.replaceAll("\n", " ")]);
  }
}

function readConfig(argv: string[], env: NodeJS.ProcessEnv) {
  const { values } = parseFlags(argv);
  if (values.help === true) {
    console.log(usage());
    process.exit(0);
  }
  const raw: Record<string, unknown> = {};
  for (const [flag, { env: name }] of Object.entries(FLAGS) as [Flag, { env: string }][]) {
    const value = values[flag] ?? env[name];
    if (value !== undefined) raw[flag] = value;
  }
  const parsed = cliSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const flag = String(issue.path[0]) as Flag;
      return `--${flag} (${FLAGS[flag]?.env ?? "?"}): ${issue.message}`;
    });
    throw new ConfigError("invalid configuration", issues);
  }
  return parsed.data;
}

async function loadReducer(path: string): Promise<Reducer> {
  const url = pathToFileURL(isAbsolute(path) ? path : resolve(path)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`cannot load the reducer module ${path}: ${(error as Error).message}`);
  }
  const reducer = module.reducer ?? module.default;
  if (typeof reducer !== "function") throw new ConfigError(`${path} exports no \`reducer\` function`);
  return reducer as Reducer;
}

/**
 * The node's memory stays flat as the chain grows: the indexer holds one range at a time (and those fetched
 * ahead), but V8 lets its old generation grow to about three times its live size between full collections,
 * and every range fetched ahead lives long enough to be promoted there. A growth of 50% per collection
 * (read by V8 at each one, so it may be set here) kept a 100k-event backfill at 196 MB of RSS instead of
 * 272 MB, for the same CPU time. `NODE_OPTIONS` with a heap flag of its own wins.
 */
function boundHeapGrowth(): void {
  if (/--heap-growing-percent|--max-old-space-size/.test(process.env.NODE_OPTIONS ?? "")) return;
  setFlagsFromString("--heap-growing-percent=50");
}

async function main(): Promise<number> {
  boundHeapGrowth();
  const config = readConfig(process.argv.slice(2), process.env);
  const logger = createLogger(config["log-level"]);
  const deploymentDir =
    config.deployment.includes("/") || config.deployment.startsWith(".")
      ? resolve(config.deployment)
      : resolve("ignition", "deployments", config.deployment);
  const deployment = await readIgnitionDeployment(deploymentDir, config.contracts === undefined ? {} : { only: config.contracts });
  const servesApi = config["api-port"] !== undefined;
  // The API reads the ledger's state: serving it implies the ledger's reducer unless another is named.
  const reducer = config.reducer !== undefined ? await loadReducer(config.reducer) : servesApi ? undefined : null;
  const reducerVersion = config["reducer-version"];
  const range = {
    ...(config["initial-range"] === undefined ? {} : { initial: config["initial-range"] }),
    ...(config["max-range"] === undefined ? {} : { max: config["max-range"] }),
  };
  if (range.initial !== undefined && range.max !== undefined && range.initial > range.max) range.initial = range.max;
  if (range.initial === undefined && range.max !== undefined) range.initial = Math.min(range.max, INDEXER_RANGE_DEFAULTS.initial);

  const node: LedgerNode = await startLedgerNode({
    rpcUrl: config["rpc-url"],
    dbPath: resolve(config.db),
    deployment,
    // undefined: the ledger's reducer and its version (with the API); null: store the logs only.
    reducer,
    ...(reducerVersion === undefined ? {} : { reducerVersion }),
    ...(config.documents === undefined ? {} : { documents: { dir: resolve(config.documents) } }),
    logger,
    ...(servesApi
      ? {
          api: {
            port: config["api-port"]!,
            ...(config["api-host"] === undefined ? {} : { host: config["api-host"] }),
            ...(config["party-book"] === undefined ? {} : { partyBook: await readPartyBook(config["party-book"], "--party-book") }),
            ...(config["web-url"] === undefined ? {} : { webUrl: config["web-url"] }),
            ...(config["session-secret"] === undefined ? {} : { signIn: { secret: config["session-secret"] } }),
          },
        }
      : {}),
    indexer: {
      ...(config["finality-depth"] === undefined ? {} : { finalityDepth: config["finality-depth"] }),
      ...(config["poll-interval-ms"] === undefined ? {} : { pollIntervalMs: config["poll-interval-ms"] }),
      ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
      ...(config["timeout-ms"] === undefined ? {} : { timeoutMs: config["timeout-ms"] }),
      ...(config["progress-interval-ms"] === undefined ? {} : { progressIntervalMs: config["progress-interval-ms"] }),
      range,
      onEvent(event) {
        if (event.type === "range") logger.debug({ from: event.from, to: event.to, events: event.events }, "range applied");
      },
    },
  });
  logger.info(
    { deployment: deploymentDir, contracts: deployment.contracts.map((c) => `${c.name}@${c.address} from ${c.fromBlock}`) },
    "indexing",
  );
  if (node.api !== undefined) logger.info({ url: node.api.url, docs: `${node.api.url}/docs` }, "API listening");
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  try {
    await node.run({ signal: stop.signal, untilHead: config["until-head"] && !servesApi });
    // The process's peak memory (resident set, MiB): what an operator sizes a node by.
    logger.info({ cursor: node.indexer.store.cursor.number, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }, "stopped");
  } finally {
    await node.close();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`indexer: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(`indexer: ${error instanceof IndexerError ? error.message : "failed"}`);
    console.error(error);
    process.exitCode = 1;
  },
);
