import type { z } from "zod";

/**
 * Settings that cannot work; lists every bad field. Shared by every service (indexer, API, node) and the
 * CLI: a configuration error is nobody's in particular. Never retryable.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly retryable = false;
  readonly issues: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
  constructor(message: string, issues: readonly string[] = []) {
    super(issues.length === 0 ? message : `${message}:\n  - ${issues.join("\n  - ")}`);
    this.issues = issues;
    this.details = { issues };
  }
}

/** Lists every issue of a zod error as `field: message`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(settings)"}: ${issue.message}`);
}
