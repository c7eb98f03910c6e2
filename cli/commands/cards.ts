import type { Command } from "commander";

import type { CliContext } from "../context.js";

/** `provenance card hash|validate|show|…`: asset card documents. */
export function registerCards(_program: Command, _cli: CliContext): void {}
