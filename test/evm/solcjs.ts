import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const solc = require("solc") as { compile(input: string, callbacks?: { import(path: string): { contents: string } | { error: string } }): string };
const ROOT = new URL("../../", import.meta.url).pathname;

export interface CompiledContract {
  abi: unknown[];
  bytecode: string;
}

/**
 * Small test contracts compiled with solc-js (the project's 0.8.28) for `evmVersion`, without the IR pipeline (seconds,
 * not minutes): the Cancun build of the mocks cannot run on an older chain. `@openzeppelin/` and `contracts/` imports
 * are read from node_modules and the project.
 */
export function compileForEvm(sources: Record<string, string>, evmVersion: string): Record<string, CompiledContract> {
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: { evmVersion, optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import(path) {
        const file = path.startsWith("@openzeppelin/") ? join(ROOT, "node_modules", path) : join(ROOT, path);
        try {
          return { contents: readFileSync(file, "utf8") };
        } catch {
          return { error: `not found: ${path}` };
        }
      },
    }),
  ) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((error) => error.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((error) => error.formattedMessage).join("\n"));
  const compiled: Record<string, CompiledContract> = {};
  for (const contracts of Object.values(output.contracts)) {
    for (const [name, contract] of Object.entries(contracts)) compiled[name] = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  }
  return compiled;
}
