import type { Command } from "commander";

import type { CliContext } from "../context.js";

/** `provenance catalog` and `provenance ledger-report`: the asset catalog and a holder's ledger (台账). */
export function registerReports(_program: Command, _cli: CliContext): void {}
