import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import express, { type Router } from "express";

import type { AuthServices } from "./auth/index.js";
import type { ApiContext } from "./context.js";
import { invalidRequest, tooManyRequests } from "./problems.js";
import { NoQuery, Problem } from "./schemas.js";
import type { z } from "./zod.js";

type AnyObject = z.AnyZodObject;

export interface RouteSpec<P extends AnyObject, Q extends AnyObject> {
  /** OpenAPI-style path: `/parties/{address}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  response: z.ZodTypeAny;
  /** Problems beyond 400 that the route can answer. */
  problems?: readonly ProblemStatus[];
  /**
   * Default GET. A POST or PUT takes its body as text (`body`). A POST computes an answer and changes nothing;
   * a PUT stores what it is sent (a content-addressed document), idempotently.
   */
  method?: "get" | "post" | "put";
  /** What the body is, for the OpenAPI document (POST and PUT only). */
  bodyDescription?: string;
  /** The body's media type in the OpenAPI document (default text/plain); the server reads any as text. */
  bodyMediaType?: string;
  /**
   * The per-client limit this route's requests count against: checked first, before the body is read, so
   * that a limited client costs nothing more (429 with Retry-After).
   */
  rateLimit?: keyof AuthServices["limits"];
  /** The route may answer 201 (`withStatus(201, ...)`): what that means, for the OpenAPI document. */
  created?: string;
  /**
   * A document rather than JSON: the handler returns its bytes and a file name, served as an attachment
   * of this media type (`response` then describes nothing).
   */
  produces?: DocumentType;
  handle(input: RouteInput<P, Q>, context: ApiContext): unknown;
}

/** The media types of documents a route may answer with. */
const DOCUMENT_TYPES = {
  pdf: "application/pdf",
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;
type DocumentType = (typeof DOCUMENT_TYPES)[keyof typeof DOCUMENT_TYPES];

/** What a handler is given: the validated path and query, the body (POST/PUT, as text) and the caller's credentials. */
interface RouteInput<P extends AnyObject, Q extends AnyObject> {
  params: z.output<P>;
  query: z.output<Q>;
  body: string;
  /** The `Authorization` header as sent, if any (a session token: `Bearer …`). */
  authorization: string | undefined;
  /** The caller's address as express sees it (for rate limits). */
  ip: string;
}

type ProblemStatus = 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

/**
 * What a route with `produces` returns: the document is rendered once its inputs are read consistently, so
 * that a read taken again across an indexer write does not render it again.
 */
export interface ApiDocument {
  render(): Promise<Uint8Array>;
  filename: string;
}

/**
 * The largest body a POST or PUT route reads (256 KiB: a card document's limit, `MAX_CARD_BYTES`; a
 * credential is a few kilobytes). Larger ones are refused with 413 from their Content-Length, unread.
 */
const MAX_BODY = 256 * 1024;

/** A JSON answer with a status other than 200: a PUT that stored something new answers 201. */
class StatusAnswer {
  constructor(
    readonly status: 200 | 201,
    readonly body: unknown,
  ) {}
}

export const withStatus = (status: 200 | 201, body: unknown) => new StatusAnswer(status, body);

/** A route registered with express and documented in OpenAPI from the same schemas. */
export interface ApiRoute {
  readonly path: string;
  register(router: Router, context: ApiContext): void;
  document(registry: OpenAPIRegistry): void;
}

const PROBLEM_DESCRIPTIONS = {
  400: "Malformed request: a parameter or query field is invalid or unknown",
  401: "Sign-in required, or the session has expired",
  403: "The signed-in account may not read or do this",
  404: "No such resource",
  409: "The resource exists, but not in a state that has this answer yet",
  422: "Well-formed, but cannot be answered for this resource",
  413: "The body is larger than this route accepts",
  429: "Too many requests from this client: retry after the time the Retry-After header gives",
  503: "A source this answer needs is not available",
} as const;

/** How many times an answer is read again when the indexer wrote during it, before it is served as read. */
const MAX_READS = 5;
/** How long an answer waits, at most, for writes in progress to end (a range's batch takes milliseconds). */
const MAX_WAIT_MS = 1_000;

/**
 * Runs a handler until it read one state: the store's seqlock was even before and unchanged after (a
 * request reads many keys; a range committed between two of them would mix two states). While a write is
 * in progress it waits for it, a millisecond or two at a time. Indexer commits are short and far apart, so
 * nearly every answer is read once; after MAX_READS reads, or MAX_WAIT_MS, the last answer is served (and
 * logged).
 */
async function consistently<T>(context: ApiContext, read: () => T | Promise<T>): Promise<T> {
  const { sources, logger } = context;
  if (sources.writeSeq === undefined) return read();
  const deadline = Date.now() + MAX_WAIT_MS;
  for (let reads = 1; ; ) {
    const before = sources.writeSeq();
    if (before % 2 === 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      continue;
    }
    const answer = await read();
    if (sources.writeSeq() === before && before % 2 === 0) return answer;
    if (reads >= MAX_READS || Date.now() >= deadline) {
      logger.warn({ reads }, "the indexer kept writing during a request: served an answer that may mix two states");
      return answer;
    }
    reads += 1;
  }
}

export function defineRoute<P extends AnyObject, Q extends AnyObject>(spec: RouteSpec<P, Q>): ApiRoute {
  const expressPath = spec.path.replace(/\{(\w+)\}/g, ":$1");
  return {
    path: spec.path,
    register(router, context) {
      const method = spec.method ?? "get";
      const limiter = spec.rateLimit === undefined ? undefined : context.auth.limits[spec.rateLimit];
      // The limit, the path and the query are checked before a body is read: a refused request sends it for nothing.
      const checked = new WeakMap<express.Request, { params: z.output<P>; query: z.output<Q> }>();
      const check: express.RequestHandler = (req, _res, next) => {
        const waitMs = limiter?.take(req.ip ?? "");
        if (waitMs !== undefined) throw tooManyRequests(`too many ${spec.rateLimit === "documents" ? "document uploads" : "sign-in requests"} from this client: retry after ${Math.ceil(waitMs / 1000)} s`, waitMs / 1000);
        const params = spec.params === undefined ? { success: true as const, data: {} } : spec.params.safeParse(req.params);
        if (!params.success) throw invalidRequest("path", params.error);
        // A route without query fields still rejects unknown ones: `?verbose=1` is a client's mistake to hear about.
        const query = (spec.query ?? NoQuery).safeParse(req.query);
        if (!query.success) throw invalidRequest("query", query.error);
        checked.set(req, { params: params.data as z.output<P>, query: query.data as z.output<Q> });
        next();
      };
      const handlers: express.RequestHandler[] = method === "get" ? [check] : [check, express.text({ type: () => true, limit: MAX_BODY })];
      router[method](expressPath, ...handlers, async (req, res) => {
        const { params, query } = checked.get(req)!;
        const text = typeof req.body === "string" ? req.body : "";
        const input: RouteInput<P, Q> = {
          params,
          query,
          body: text,
          authorization: req.get("authorization"),
          ip: req.ip ?? "",
        };
        const handle = () => spec.handle(input, context);
        // A POST or PUT acts on what it is sent: run once, not again across the indexer's writes.
        const answer = method === "get" ? await consistently(context, handle) : await handle();
        if (answer instanceof StatusAnswer) {
          res.status(answer.status).json(answer.body);
          return;
        }
        if (spec.produces === undefined) {
          res.json(answer);
          return;
        }
        const { render, filename } = answer as ApiDocument;
        res.type(spec.produces).attachment(filename).send(Buffer.from(await render()));
      });
    },
    document(registry) {
      const problems = [400, ...(spec.problems ?? [])] as (400 | ProblemStatus)[];
      registry.registerPath({
        method: spec.method ?? "get",
        path: spec.path,
        summary: spec.summary,
        ...(spec.description === undefined ? {} : { description: spec.description }),
        tags: [spec.tag],
        request: {
          ...(spec.params === undefined ? {} : { params: spec.params }),
          ...(spec.query === undefined ? {} : { query: spec.query }),
          ...(spec.method === "post" || spec.method === "put"
            ? {
                body: {
                  description: spec.bodyDescription ?? "",
                  required: true,
                  content: { [spec.bodyMediaType ?? "text/plain"]: { schema: spec.bodyMediaType === "application/json" ? { type: "object" } : { type: "string" } } },
                },
              }
            : {}),
        },
        responses: {
          200:
            spec.produces === undefined
              ? { description: "OK", content: { "application/json": { schema: spec.response } } }
              : { description: "OK", content: { [spec.produces]: { schema: { type: "string", format: "binary" } } } },
          ...(spec.created === undefined ? {} : { 201: { description: spec.created, content: { "application/json": { schema: spec.response } } } }),
          ...Object.fromEntries(
            problems.map((status) => [
              status,
              { description: PROBLEM_DESCRIPTIONS[status], content: { "application/problem+json": { schema: Problem } } },
            ]),
          ),
        },
      });
    },
  };
}
