import type { ErrorRequestHandler, Response } from "express";
import type { Logger } from "pino";
import type { ZodError } from "zod";

/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Handlers throw an {ApiProblem}; the
 * error handler answers it as is, and answers anything else as a 500 whose detail says nothing of the
 * cause (logged with its stack, never sent).
 */

export interface ProblemField {
  in: "path" | "query" | "body";
  field: string;
  message: string;
}

const TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export class ApiProblem extends Error {
  override readonly name = "ApiProblem";

  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 422 | 429 | 503,
    readonly detail: string,
    readonly errors?: readonly ProblemField[],
    /** Response headers the status calls for: `Retry-After` (429), `WWW-Authenticate` (401). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(detail);
  }
}

export const notFound = (detail: string) => new ApiProblem(404, detail);
export const conflict = (detail: string) => new ApiProblem(409, detail);
export const unavailable = (detail: string) => new ApiProblem(503, detail);
export const unprocessable = (detail: string) => new ApiProblem(422, detail);
export const badRequest = (detail: string, errors?: readonly ProblemField[]) => new ApiProblem(400, detail, errors);
export const forbidden = (detail: string) => new ApiProblem(403, detail);
export const tooLarge = (detail: string) => new ApiProblem(413, detail);
/** RFC 6750: a bearer token was missing (`error` absent), or is invalid or expired (`invalid_token`). */
export const unauthorized = (detail: string, invalidToken = false) =>
  new ApiProblem(401, detail, undefined, { "WWW-Authenticate": invalidToken ? `Bearer error="invalid_token"` : "Bearer" });
/** A 429 telling the client how many whole seconds to wait. */
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new ApiProblem(429, detail, undefined, { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) });

/** A 400 listing every invalid field of a request part. */
export function invalidRequest(where: "path" | "query", error: ZodError): ApiProblem {
  const errors = error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return { in: where, field: issue.keys.join(", "), message: `unknown ${where} field${issue.keys.length > 1 ? "s" : ""}` };
    }
    return { in: where, field: issue.path.length > 0 ? issue.path.join(".") : "(whole)", message: issue.message };
  });
  return new ApiProblem(400, `invalid ${where === "path" ? "path parameters" : "query"}: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`, errors);
}

export function sendProblem(res: Response, status: number, detail: string | undefined, instance: string, errors?: readonly ProblemField[]): void {
  res
    .status(status)
    .type("application/problem+json")
    .send(
      JSON.stringify({
        type: "about:blank",
        title: TITLES[status] ?? "Error",
        status,
        ...(detail === undefined ? {} : { detail }),
        instance,
        ...(errors === undefined ? {} : { errors }),
      }),
    );
}

/** Express's own 4xx errors (a malformed percent-encoding in the path, ...) keep their status. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof ApiProblem) {
      for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
      sendProblem(res, error.status, error.detail, req.originalUrl, error.errors);
      return;
    }
    const status = clientErrorStatus(error);
    // The body parser refused a body over the route's limit, before reading it whole.
    if (status === 413) {
      const limit = (error as { limit?: unknown }).limit;
      sendProblem(res, 413, `the body is larger than this route accepts${typeof limit === "number" ? ` (${limit} bytes)` : ""}`, req.originalUrl);
      return;
    }
    if (status !== undefined) {
      sendProblem(res, status === 404 ? 404 : 400, status === 404 ? "no such resource" : "malformed request", req.originalUrl);
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, "request failed");
    sendProblem(res, 500, "the server failed to answer; the failure is logged", req.originalUrl);
  };
}
