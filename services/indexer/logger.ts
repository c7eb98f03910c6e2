import { pino, type Logger } from "pino";

export type { Logger } from "pino";

/** One JSON line per record on stdout (pino), `service: "indexer"` on each. */
export function createLogger(level: string = "info"): Logger {
  return pino({ level, base: { service: "indexer" } });
}

/** A logger that writes nothing (library use, tests). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
