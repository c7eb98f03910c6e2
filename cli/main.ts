import { run } from "./program.js";

/** Entry point of `bin/provenance.js`: the program over the real process. */
process.exitCode = await run({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
