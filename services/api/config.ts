import { isIP } from "node:net";

import { HEX_ADDRESS } from "../../ledger/encoding/address.js";
import { ConfigError, formatIssues } from "../shared/errors.js";
import { z } from "./zod.js";

/** The API server's settings, checked at start-up; every bad field is named. */
const apiConfigSchema = z.object({
  /** Loopback unless told otherwise: the API is read-only but not meant to face a network by accident. */
  host: z
    .string()
    .refine((host) => isIP(host) !== 0 || host === "localhost", "must be an IP address (or localhost)")
    .default("127.0.0.1"),
  /** 0 picks a free port. */
  port: z.coerce.number({ invalid_type_error: "must be a number" }).int("must be an integer").min(0).max(65_535).default(8080),
  /** `/ready` answers 200 while the indexer is at most this many blocks behind the head it last saw. */
  readyMaxLagBlocks: z.number().int().min(0).default(0),
  deployment: z.object({
    chainId: z.number().int().positive(),
    contracts: z
      .record(z.string().regex(HEX_ADDRESS, "must be an address"))
      .refine((contracts) => contracts.AssetRegistry !== undefined, "must include the AssetRegistry"),
    settlementToken: z
      .object({
        address: z.string().regex(HEX_ADDRESS, "must be an address"),
        symbol: z.string().max(32),
        decimals: z.number().int().min(0).max(77),
      })
      .optional(),
  }),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;

export function parseApiConfig(input: unknown): ApiConfig {
  const parsed = apiConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError("invalid API configuration", formatIssues(parsed.error));
  return parsed.data;
}
