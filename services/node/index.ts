import type { Registry } from "prom-client";

import type { PreloadDocument, RunningApi } from "../api/index.js";
import {
  ConfigError,
  createIndexer,
  createIndexerMetrics,
  LEDGER_REDUCER_VERSION,
  ledgerReducer,
  silentLogger,
  type Indexer,
  type IndexerOptions,
  type Logger,
  type Reducer,
  type SyncReport,
} from "../indexer/index.js";
import { createPublicClient, http } from "viem";

import type { CertificateLedger } from "../../ledger/certificates/index.js";
import type { PartyProfile } from "../../ledger/parties/profile.js";
import type { DeployedContract } from "../shared/deployment.js";
import type { DocumentStore } from "../shared/documentStore.js";
import { FileDocumentStore } from "../shared/fileDocumentStore.js";

/**
 * The composition root: one ledger node is an indexer following a deployment into LevelDB, the HTTP API
 * over what it indexes (in the same process: LevelDB allows one process per store), and one Prometheus
 * registry for both. `npm start` (`scripts/start.ts`), the standalone node (`services/node/main.ts`), the
 * API tests and the API benchmark all start it here.
 */
export interface LedgerNodeOptions {
  /** JSON-RPC endpoint, http(s). */
  rpcUrl: string;
  /** LevelDB directory (created if missing). */
  dbPath: string;
  /** The deployment followed (an Ignition record, `readIgnitionDeployment`): its chain id is checked against the node's. */
  deployment: { chainId?: number | undefined; contracts: readonly DeployedContract[] };
  /** Folds the events into state. Default (absent or undefined): the ledger's reducer (what the API reads); null: store the logs only. */
  reducer?: Reducer | null | undefined;
  /** Default: the ledger reducer's version when the reducer is the default one. */
  reducerVersion?: string;
  /** The HTTP API; absent: none. */
  api?: {
    /** 0 picks a free port (default 8080). */
    port?: number;
    /** Default 127.0.0.1. */
    host?: string;
    /** Default: the node's logger, `component: "api"`. */
    logger?: Logger;
    readyMaxLagBlocks?: number;
    /** Party profile documents whose names certificates show (where they hash to the on-chain profile hash). */
    partyBook?: readonly PartyProfile[];
    /** The pages' public address, for printed certificates' QR codes (default: where the API listens). */
    webUrl?: string;
    /**
     * Sign-In with Ethereum: the EIP-4361 domain messages must name (default: the host of `webUrl`, else of
     * where the API listens), and the clock of nonces, sessions and rate limits (default Date.now; tests move it).
     */
    signIn?: { domain?: string; now?: () => number; secret?: string };
    /** Requests a minute per client ip: document uploads (default 30), sign-in requests (default 60). */
    rateLimits?: { documentsPerMinute?: number; signInsPerMinute?: number };
  };
  /**
   * The card and review-report documents (content-addressed canonical JSON, `<dir>/<hash>.json`). `dir`
   * defaults to `<dbPath>-documents`, beside the index (not in it: a rebuilt index keeps its documents).
   * `preload`: documents stored as if PUT, with the same checks (hash, schema, recorded on chain), once the
   * indexer has indexed the transaction recording them: after each sync that reaches the head, until then
   * pending; one a PUT would refuse is logged and dropped.
   */
  documents?: { dir?: string; preload?: readonly PreloadDocument[] };
  /** The indexer's logger (default: silent). */
  logger?: Logger;
  /** Where the indexer's and the API's metrics go (default: a registry of their own). */
  registry?: Registry;
  /** More of the indexer's settings: finality depth, polling, concurrency, ranges, timeouts, `onEvent`... */
  indexer?: Omit<IndexerOptions, "rpcUrl" | "dbPath" | "contracts" | "reducer" | "reducerVersion" | "logger" | "metrics" | "expectedChainId">;
}

export interface LedgerNode {
  readonly indexer: Indexer;
  /** Undefined without `options.api`. */
  readonly api: RunningApi | undefined;
  /** The card and report documents the node keeps (`options.documents.dir`). */
  readonly documents: DocumentStore;
  /** Preloaded documents not stored yet: the chain does not record them (yet). */
  pendingDocuments(): readonly PreloadDocument[];
  /** Syncs to the head as it is now, once. */
  syncOnce(): Promise<SyncReport>;
  /** Follows the chain (the indexer's live mode) until `signal` aborts or, with `untilHead`, it is caught up. */
  run(options?: { signal?: AbortSignal; untilHead?: boolean }): Promise<void>;
  /** Stops the API, then the indexer, and closes the store. */
  close(): Promise<void>;
}

/** The chain credentials are checked against: the deployment's registry and access manager, read over the node's RPC. */
async function certificateLedgerOf(rpcUrl: string, chainId: number, contracts: readonly DeployedContract[]): Promise<{ ledger?: CertificateLedger }> {
  const registry = contracts.find((contract) => contract.name === "AssetRegistry");
  const accessManager = contracts.find((contract) => contract.name === "LedgerAccessManager");
  if (registry === undefined || accessManager === undefined) return {};
  const { chainCertificateLedger } = await import("../shared/certificateLedger.js");
  const client = createPublicClient({ transport: http(rpcUrl) });
  return {
    ledger: chainCertificateLedger(client, { chainId, registry: registry.address, accessManager: accessManager.address, fromBlock: BigInt(registry.fromBlock) }),
  };
}

export type { PreloadDocument } from "../api/index.js";

/**
 * The HTTP API's modules (routes, certificates, spreadsheets, PDFs), loaded when first needed: a node that
 * only indexes (`--until-head`, a replica catching up) starts without them, about a second sooner.
 */
let apiModule: Promise<typeof import("../api/index.js")> | undefined;
const loadApi = () => (apiModule ??= import("../api/index.js"));

/** The API could not listen (the port taken, the address not local...). */
export class ApiListenError extends Error {
  override name = "ApiListenError";
}

/**
 * Opens the store, connects to the node (checking its chain id), and starts the API if asked; it does not
 * sync yet: `syncOnce()` or `run()` do (so that `/ready` says 503 while the node catches up).
 */
export async function startLedgerNode(options: LedgerNodeOptions): Promise<LedgerNode> {
  const logger = options.logger ?? silentLogger();
  const defaultReducer = options.reducer === undefined;
  const reducer = defaultReducer ? ledgerReducer : (options.reducer ?? undefined);
  const reducerVersion = options.reducerVersion ?? (defaultReducer ? LEDGER_REDUCER_VERSION : undefined);
  const { chainId, contracts } = options.deployment;
  const documents = await FileDocumentStore.open(options.documents?.dir ?? `${options.dbPath}-documents`);
  let pending = [...(options.documents?.preload ?? [])];
  // Runs after every sync that reached the head; one at a time (a poll may come while one is running).
  let preloading: Promise<void> = Promise.resolve();
  const preload = (): Promise<void> => {
    if (pending.length === 0) return preloading;
    preloading = preloading.then(async () => {
      const { indexerSources, preloadDocument } = await loadApi();
      const sources = { state: indexerSources(indexer, contracts).state, documents };
      const still: PreloadDocument[] = [];
      for (const document of pending) {
        try {
          if ((await preloadDocument(document, sources)) === "pending") still.push(document);
        } catch (error) {
          logger.warn({ hash: document.hash, err: (error as Error).message }, "preloaded document refused: not stored");
        }
      }
      pending = still;
    });
    return preloading;
  };
  const onEvent = options.indexer?.onEvent;
  const indexer = await createIndexer({
    ...options.indexer,
    onEvent(event) {
      onEvent?.(event);
      if (event.type === "caughtUp") void preload();
    },
    rpcUrl: options.rpcUrl,
    dbPath: options.dbPath,
    contracts,
    ...(reducer === undefined ? {} : { reducer }),
    ...(reducerVersion === undefined ? {} : { reducerVersion }),
    ...(chainId === undefined ? {} : { expectedChainId: chainId }),
    logger,
    metrics: createIndexerMetrics(options.registry),
  });

  let api: RunningApi | undefined;
  if (options.api !== undefined) {
    const { port, host, readyMaxLagBlocks, partyBook, webUrl, signIn, rateLimits } = options.api;
    try {
      const { apiDeployment, indexerSources, startApi } = await loadApi();
      api = await startApi({
        sources: indexerSources(indexer, contracts),
        deployment: await apiDeployment(options.rpcUrl, indexer.chainId, contracts),
        registry: indexer.metrics.registry,
        logger: options.api.logger ?? logger.child({ component: "api" }),
        ...(port === undefined ? {} : { port }),
        ...(host === undefined ? {} : { host }),
        ...(readyMaxLagBlocks === undefined ? {} : { readyMaxLagBlocks }),
        certificates: {
          ...(await certificateLedgerOf(options.rpcUrl, indexer.chainId, contracts)),
          ...(partyBook === undefined ? {} : { partyBook }),
          ...(webUrl === undefined ? {} : { webUrl }),
        },
        documents,
        ...(signIn === undefined ? {} : { auth: signIn }),
        ...(rateLimits === undefined ? {} : { rateLimits }),
      });
    } catch (error) {
      await indexer.close();
      if (error instanceof ConfigError) throw error;
      throw new ApiListenError(`cannot serve the API on ${host ?? "127.0.0.1"}:${port ?? 8080}`, { cause: error });
    }
  }

  let closing: Promise<void> | undefined;
  return {
    indexer,
    api,
    documents,
    pendingDocuments: () => pending,
    async syncOnce() {
      const report = await indexer.syncOnce();
      await preload();
      return report;
    },
    run: (runOptions) => indexer.run(runOptions),
    close() {
      closing ??= (async () => {
        try {
          await api?.close();
        } finally {
          await indexer.close();
        }
      })();
      return closing;
    },
  };
}
