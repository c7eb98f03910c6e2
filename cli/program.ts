import { Command, CommanderError, Option } from "commander";

import { registerAssets } from "./commands/assets.js";
import { registerCards } from "./commands/cards.js";
import { registerCertificates } from "./commands/certificates.js";
import { registerContributions } from "./commands/contributions.js";
import { registerDev } from "./commands/dev.js";
import { registerDisputes } from "./commands/disputes.js";
import { registerEvidence } from "./commands/evidence.js";
import { registerGrants } from "./commands/grants.js";
import { registerNodes } from "./commands/nodes.js";
import { registerParties } from "./commands/parties.js";
import { registerReports } from "./commands/reports.js";
import { registerRevenue } from "./commands/revenue.js";
import { registerRoles } from "./commands/roles.js";
import { registerVerify } from "./commands/verify.js";
import { DEFAULT_KEY_ENV, DEFAULT_RPC_URL, type GlobalOptions } from "./connection.js";
import { CliContext } from "./context.js";
import { CliError, EXIT, toJson, type CliIO, type ExitCode } from "./io.js";

/**
 * The `provenance` program, built over an injected IO so that tests run it in-process. Every command
 * validates its input, then connects; `run` never throws and returns the exit code.
 */
function buildProgram(io: CliIO): { program: Command; cli: CliContext } {
  const program = new Command("provenance");
  const cli = new CliContext(io, () => program.opts<GlobalOptions>());
  program
    .description("Command-line tool of the provenance ledger: one command per contract action, evidence replay and split verification.")
    .addOption(new Option("--rpc-url <url>", `JSON-RPC endpoint (env PROVENANCE_RPC_URL, default ${DEFAULT_RPC_URL})`))
    .addOption(new Option("--key-env <name>", `environment variable holding the signing key (default ${DEFAULT_KEY_ENV})`))
    .addOption(new Option("--account <index>", "sign with Hardhat's dev account <index> (embedded chain only: refused on any other chain)"))
    .addOption(new Option("--deployment <dir|chain-id>", "Ignition deployment record (default ignition/deployments/chain-<chain id>)"))
    .option("--json", "machine-readable output (bigints as decimal strings)", false)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  registerParties(program, cli);
  registerRoles(program, cli);
  registerAssets(program, cli);
  registerCards(program, cli);
  registerGrants(program, cli);
  registerContributions(program, cli);
  registerRevenue(program, cli);
  registerDisputes(program, cli);
  registerEvidence(program, cli);
  registerCertificates(program, cli);
  registerReports(program, cli);
  registerVerify(program, cli);
  registerNodes(program, cli);
  registerDev(program, cli);

  // Subcommands report usage errors through the root's IO and exit override too.
  const configure = (command: Command) => {
    for (const sub of command.commands) {
      sub.exitOverride().configureOutput({ writeOut: (t) => io.stdout.write(t), writeErr: (t) => io.stderr.write(t) }).showHelpAfterError(false);
      configure(sub);
    }
  };
  configure(program);
  return { program, cli };
}

export async function run(io: CliIO): Promise<ExitCode> {
  const { program, cli } = buildProgram(io);
  try {
    await program.parseAsync([...io.argv], { from: "user" });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; anything else commander refuses is bad input.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) return EXIT.OK;
      if (error.code === "commander.help") return EXIT.OK;
      return EXIT.BAD_INPUT;
    }
    const json = cli.json;
    if (error instanceof CliError) {
      if (json && !error.printed) io.stdout.write(`${toJson({ ok: false, error: { kind: error.name, message: error.message, ...error.details } })}\n`);
      io.stderr.write(`provenance: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (json) io.stdout.write(`${toJson({ ok: false, error: { kind: "InternalError", message } })}\n`);
    io.stderr.write(`provenance: unexpected error: ${message}\n`);
    return EXIT.FAILED;
  }
}
