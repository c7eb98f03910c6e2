import { createRequire } from "node:module";
import { dirname } from "node:path";

import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import express, { type Express } from "express";
import type { Logger } from "pino";
import { pino } from "pino";
import { Histogram, Registry } from "prom-client";

import type { CertificateLedger } from "../../ledger/certificates/index.js";
import type { PartyProfile } from "../../ledger/parties/profile.js";
import type { DocumentStore } from "../shared/documentStore.js";
import {
  MAX_NONCES,
  MAX_SESSIONS,
  NONCE_TTL_MS,
  nonceStore,
  SESSION_TTL_MS,
  sessionStore,
  signedNonceStore,
  signedSessionStore,
  tokenBucketLimiter,
  type AuthServices,
} from "./auth/index.js";
import { parseApiConfig } from "./config.js";
import { Lru } from "./lru.js";
import { problemHandler, sendProblem } from "./problems.js";
import { assetRoutes } from "./routes/assets.js";
import { authRoutes } from "./routes/auth.js";
import { cardRoutes } from "./routes/cards.js";
import { certificateRoutes } from "./routes/certificates.js";
import { grantRoutes } from "./routes/grants.js";
import { ledgerRoutes } from "./routes/ledger.js";
import { partyRoutes } from "./routes/parties.js";
import { reportRoutes } from "./routes/reports.js";
import { revenueRoutes } from "./routes/revenue.js";
import type { ApiContext, ApiDeployment, EvidenceVerification, SettlementAllocation, SplitSnapshot } from "./context.js";
import type { ApiRoute } from "./route.js";
import { Health, Readiness } from "./schemas.js";
import type { LedgerSources } from "./sources.js";
import { mountWebPages } from "./web.js";

export interface ApiOptions {
  /** The indexed state and what derives from it (`indexerSources(indexer, contracts)` for a running indexer). */
  sources: LedgerSources;
  deployment: ApiDeployment;
  /** Where the API adds its metrics and which `/metrics` serves (give the indexer's: one scrape for both). */
  registry?: Registry;
  logger?: Logger;
  /** `/ready` answers 200 while the indexer is at most this many blocks behind the head (default 0). */
  readyMaxLagBlocks?: number;
  certificates?: {
    /** The chain credentials are checked against (`chainCertificateLedger`); without it the check answers 503. */
    ledger?: CertificateLedger;
    /** Party profile documents: where one hashes to a party's on-chain profile hash, its name is shown. */
    partyBook?: readonly PartyProfile[];
    /** The pages' public address, for the QR code of printed certificates (default: where the API listens). */
    webUrl?: string | (() => string);
  };
  /** Card and review-report documents (content-addressed); without it the card store answers 503 and valuations show no figures. */
  documents?: DocumentStore;
  /** Sign-In with Ethereum: who may read cards' restricted sections. */
  auth?: {
    /**
     * The EIP-4361 domain sign-in messages must name (host[:port]); default: the host of `certificates.webUrl`
     * (where the pages are served). Never a request's Host header, which the client chooses.
     */
    domain?: string;
    /** The clock of nonces, sessions and rate limits (ms since the epoch; default Date.now): tests move it. */
    now?: () => number;
    /**
     * A secret the replicas behind one address share (at least 32 characters): nonces and session tokens are
     * then HMAC-signed, so any replica accepts what another issued. Without it they live in this process.
     */
    secret?: string;
  };
  /** Requests a minute per client ip: document uploads (default 30) and sign-in requests (default 60). */
  rateLimits?: { documentsPerMinute?: number; signInsPerMinute?: number };
}

/** Every resource route, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...ledgerRoutes,
  ...partyRoutes,
  ...assetRoutes,
  ...authRoutes,
  ...cardRoutes,
  ...certificateRoutes,
  ...grantRoutes,
  ...revenueRoutes,
  ...reportRoutes,
];

const TITLE = "provenance-ledger API";

/** The OpenAPI 3.1 document of the API, generated from the schemas the server validates with. */
function openApiDocument(): object {
  const registry = new OpenAPIRegistry();
  for (const route of API_ROUTES) route.document(registry);
  registry.registerPath({
    method: "get",
    path: "/health",
    tags: ["operations"],
    summary: "200 while the process runs",
    responses: { 200: { description: "OK", content: { "application/json": { schema: Health } } } },
  });
  registry.registerPath({
    method: "get",
    path: "/ready",
    tags: ["operations"],
    summary: "200 once the indexer has caught up with the chain head, 503 until then",
    responses: {
      200: { description: "Caught up", content: { "application/json": { schema: Readiness } } },
      503: { description: "Behind the head", content: { "application/json": { schema: Readiness } } },
    },
  });
  registry.registerPath({
    method: "get",
    path: "/metrics",
    tags: ["operations"],
    summary: "Prometheus metrics: indexed block, lag, events/s, request latency by route",
    responses: { 200: { description: "Prometheus text format" } },
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: TITLE,
      version: "1",
      description:
        "Read-only access to the indexed provenance ledger. JSON; amounts, measures and uint256 ids as decimal strings; " +
        "addresses accepted in any case, answered checksummed; lists paginated with `limit` and an opaque `cursor` (`next`); " +
        "errors as RFC 9457 problem details. `/certificates/verify` checks a credential it is sent and stores nothing. " +
        "The only writes are documents the chain already records the hash of (`PUT /cards/{hash}`, `PUT /reports/{hash}`); " +
        "cards' restricted sections are read with a session from Sign-In with Ethereum (`/auth/nonce`, `/auth/session`, then `Authorization: Bearer <token>`).",
    },
  });
}

function requestMetrics(registry: Registry): Histogram<"method" | "route" | "status"> {
  const name = "api_request_duration_seconds";
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) return existing as Histogram<"method" | "route" | "status">;
  return new Histogram({
    name,
    help: "HTTP request latency by route (the route's pattern, not the URL)",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
}

function swaggerPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${TITLE}</title><link rel="stylesheet" href="./swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="./swagger-ui-bundle.js"></script><script src="./initializer.js"></script></body>
</html>`;
}

/**
 * The HTTP API over the indexed ledger state, as an express 5 app: read-only, JSON, validated with zod,
 * errors as problem+json. It reads the state of an indexer running in the same process.
 */
export function createApi(options: ApiOptions): Express {
  const config = parseApiConfig({
    deployment: options.deployment,
    ...(options.readyMaxLagBlocks === undefined ? {} : { readyMaxLagBlocks: options.readyMaxLagBlocks }),
  });
  const logger = options.logger ?? pino({ level: "silent" });
  const registry = options.registry ?? new Registry();
  const latency = requestMetrics(registry);
  const { webUrl } = options.certificates ?? {};
  const pagesUrl = typeof webUrl === "function" ? webUrl : () => webUrl ?? "http://127.0.0.1:8080";
  const now = options.auth?.now ?? Date.now;
  const configuredDomain = options.auth?.domain;
  const secret = options.auth?.secret;
  const auth: AuthServices = {
    // The pages' address is known only once the server listens (startApi): read when a sign-in is checked.
    domain: () => configuredDomain ?? new URL(pagesUrl()).host,
    nonces:
      secret === undefined
        ? nonceStore({ ttlMs: NONCE_TTL_MS, max: MAX_NONCES, now })
        : signedNonceStore({ secret, ttlMs: NONCE_TTL_MS, max: MAX_NONCES, now }),
    sessions:
      secret === undefined ? sessionStore({ ttlMs: SESSION_TTL_MS, max: MAX_SESSIONS, now }) : signedSessionStore({ secret, ttlMs: SESSION_TTL_MS, now }),
    now,
    limits: {
      documents: tokenBucketLimiter({ perMinute: options.rateLimits?.documentsPerMinute ?? 30, now }),
      signIn: tokenBucketLimiter({ perMinute: options.rateLimits?.signInsPerMinute ?? 60, now }),
    },
  };
  const context: ApiContext = {
    sources: options.sources,
    deployment: config.deployment,
    certificates: {
      ledger: options.certificates?.ledger,
      partyBook: new Map((options.certificates?.partyBook ?? []).map((profile) => [profile.account.toLowerCase(), profile])),
      webUrl: pagesUrl,
    },
    documents: options.documents,
    auth,
    logger,
    caches: {
      splitStates: new Lru<string, { revision: string; state: Promise<SplitSnapshot> }>(64),
      allocations: new Lru<string, Promise<SettlementAllocation>>(256),
      evidence: new Lru<string, Promise<EvidenceVerification>>(256),
    },
  };
  const document = JSON.stringify(openApiDocument());
  const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.setHeader("x-content-type-options", "nosniff");
    res.on("finish", () => {
      // The route's pattern keeps the label set small; anything unmatched is one label.
      const route = (req.route as { path?: string } | undefined)?.path ?? "unmatched";
      latency.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/ready", async (_req, res) => {
    const { indexedBlock, indexedBlockHash, headBlock } = await options.sources.status();
    const lag = headBlock === undefined ? null : Math.max(0, headBlock - indexedBlock);
    const ready = lag !== null && lag <= config.readyMaxLagBlocks;
    res.status(ready ? 200 : 503).json({ ready, indexedBlock, indexedBlockHash: indexedBlockHash ?? null, headBlock: headBlock ?? null, lagBlocks: lag });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get("/openapi.json", (_req, res) => {
    res.type("application/json").send(document);
  });
  // Swagger UI from swagger-ui-dist's files: no CDN, works offline.
  app.get("/docs", (req, res) => {
    if (!req.originalUrl.split("?")[0]!.endsWith("/")) {
      res.redirect(301, "/docs/");
      return;
    }
    res.type("html").send(swaggerPage());
  });
  app.get("/docs/initializer.js", (_req, res) => {
    res.type("application/javascript").send(`window.ui = SwaggerUIBundle({ url: "../openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`);
  });
  app.use("/docs", express.static(swaggerDir, { index: false, fallthrough: true }));

  const router = express.Router();
  for (const route of API_ROUTES) route.register(router, context);
  app.use(router);
  mountWebPages(app);

  app.use((req, res) => {
    sendProblem(res, 404, `no route ${req.method} ${req.path}`, req.originalUrl);
  });
  app.use(problemHandler(logger));
  return app;
}
