import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import { startCliWorld, type CliWorld } from "./harness.js";

const ALICE = 6;
const GOOD_HASH = "0x" + "11".repeat(32);
const until = "2099-01-01T00:00:00Z";

describe("provenance CLI: input is validated before anything is sent", function () {
  this.timeout(120_000);
  let world: CliWorld;
  let alice: string;

  before(async () => {
    world = await startCliWorld();
    alice = world.ledger.alice.address;
  });
  after(async () => {
    await world?.close();
  });

  /** Bad input: exit code 2, a message naming the argument and saying why, and no transaction. */
  const cases: { input: string; args: string[]; message: RegExp }[] = [
    { input: "address", args: ["party", "register", "0x12345", "ENTERPRISE", GOOD_HASH], message: /account: not an address/ },
    { input: "address (bad checksum)", args: ["asset", "pledge", "1", "0x70997970c51812DC3A010C7d01b50e0d17dc79C8", GOOD_HASH], message: /pledgee: not an address .*checksum/ },
    { input: "address (escrow)", args: ["party", "register", "0x9d660651cabcbebb9e03f1820000000000000001", "ENTERPRISE", GOOD_HASH], message: /account: that is a dispute's escrow account/ },
    { input: "address (zero)", args: ["asset", "transfer", "1", "0x0000000000000000000000000000000000000000", "SALE", GOOD_HASH], message: /to: the zero address/ },
    { input: "id (negative)", args: ["asset", "accept", "-1"], message: /asset: must be a non-negative integer/ },
    { input: "id (zero)", args: ["asset", "issue", "0"], message: /asset: ids start at 1/ },
    { input: "id (above uint256)", args: ["asset", "cancel", (2n ** 256n).toString(), GOOD_HASH], message: /asset: .* is above the largest uint256/ },
    { input: "id (not a number)", args: ["grant", "revoke", "abc", GOOD_HASH], message: /grant: must be a non-negative integer/ },
    { input: "amount (fraction without --units)", args: ["deposit", "1", "12.5"], message: /amount: 12.5 has a fraction/ },
    { input: "amount (too many decimals)", args: ["deposit", "1", "12.505", "--units", "2"], message: /amount: 12.505 has more than 2 decimals/ },
    { input: "amount (zero)", args: ["deposit", "1", "0"], message: /amount: must be more than zero/ },
    { input: "amount (not a number)", args: ["deposit", "1", "1e18"], message: /amount: must be a decimal number/ },
    { input: "hash (short)", args: ["asset", "refuse", "1", "0x1234"], message: /reason-hash: not a 32-byte hash/ },
    { input: "hash (zero)", args: ["asset", "cancel", "1", "0x" + "00".repeat(32)], message: /reason-hash: must not be zero/ },
    { input: "date", args: ["grant", "create", "--grantee", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "--asset", "1", "--rights", "USE", "--purpose", GOOD_HASH, "--until", "next tuesday"], message: /--until: not a date/ },
    { input: "date (impossible)", args: ["grant", "usage", "1", "5", "2026-02-31", "2026-03-01", GOOD_HASH], message: /period-start: 2026-02-31 is not a real date|period-end: must be after/ },
    { input: "window (ends before it starts)", args: ["grant", "create", "--grantee", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "--asset", "1", "--rights", "USE", "--purpose", GOOD_HASH, "--from", "2030-01-01", "--until", "2029-01-01"], message: /--until: the window must end after it starts/ },
    { input: "basis points", args: ["grant", "create", "--grantee", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "--asset", "1", "--rights", "USE", "--purpose", GOOD_HASH, "--until", until, "--royalty", "10001"], message: /--royalty: 10001 basis points is more than 100%/ },
    { input: "weights (sum)", args: ["policy", "set", "1", "--weights", "5000,5000,1000,0"], message: /--weights: they sum to 11000, not 10000/ },
    { input: "enum (stage)", args: ["contribution", "record", "--product", "1", "--stage", "MARKETING", "--role", "HOLDER", "--measure", "5", "--evidence-hash", GOOD_HASH], message: /--stage: "MARKETING" is not one of COLLECTION, PROCESSING, CIRCULATION, APPLICATION/ },
    { input: "enum (role)", args: ["contribution", "record", "--product", "1", "--stage", "COLLECTION", "--role", "OWNER", "--measure", "5", "--evidence-hash", GOOD_HASH], message: /--role: "OWNER" is not one of HOLDER, PROCESSOR, OPERATOR, PROVIDER/ },
    { input: "enum (scope)", args: ["grant", "create", "--grantee", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "--asset", "1", "--rights", "USE", "--purpose", GOOD_HASH, "--until", until, "--scope", "CITY"], message: /--scope: "CITY" is not one of WHOLE, DOMAIN, SCENARIO/ },
    { input: "enum (rights)", args: ["grant", "create", "--grantee", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "--asset", "1", "--rights", "USE,RESELL", "--purpose", GOOD_HASH, "--until", until], message: /--rights: "RESELL" is not one of/ },
    { input: "enum (remedy)", args: ["dispute", "rule", "1", "BANISH", "--ruling-hash", GOOD_HASH], message: /remedy: "BANISH" is not one of/ },
    { input: "enum (dispute kind)", args: ["dispute", "open", "FEUD", "1", "0", "--grounds-hash", GOOD_HASH], message: /kind: "FEUD" is not one of OBJECTION, GRANT, CONTRIBUTION, SETTLEMENT, POLICY/ },
    { input: "enum (classification CORE)", args: ["asset", "apply", "--kind", "RESOURCE", "--category", "PUBLIC", "--classification", "CORE", "--fingerprint", GOOD_HASH, "--card-hash", GOOD_HASH, "--card-uri", "x"], message: /core data is never registrable/ },
    { input: "enum (the court's transfer reason)", args: ["asset", "transfer", "1", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "OBJECTION_UPHELD", GOOD_HASH], message: /reason: OBJECTION_UPHELD is the court's: .*dispute rule <dispute> TRANSFER_HOLDING/ },
    { input: "enum (NONE)", args: ["party", "register", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "NONE", GOOD_HASH], message: /kind: "NONE" is not one of ENTERPRISE,/ },
    { input: "units (not an integer)", args: ["deposit", "1", "12.5", "--units", "2.5"], message: /--units: the token's decimals, an integer such as 2/ },
    { input: "parent link", args: ["asset", "apply", "--kind", "PRODUCT", "--category", "PUBLIC", "--fingerprint", GOOD_HASH, "--card-hash", GOOD_HASH, "--card-uri", "x", "--parent", "3"], message: /--parent #1: "3" is not <asset id>:<grant id>/ },
    { input: "scope data", args: ["grant", "create", "--grantee", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "--asset", "1", "--rights", "USE", "--purpose", GOOD_HASH, "--until", until, "--scope", "SCENARIO"], message: /--scope-data: a DOMAIN or SCENARIO grant needs its code's hash/ },
    { input: "ruling fields", args: ["dispute", "rule", "1", "ADJUST_CONTRIBUTION", "--ruling-hash", GOOD_HASH], message: /--adjusted-measure: ADJUST_CONTRIBUTION needs the new measure/ },
    { input: "standing (wrong kind)", args: ["dispute", "open", "GRANT", "1", "1", "--standing", "3", "--grounds-hash", GOOD_HASH], message: /--standing: only a CONTRIBUTION, SETTLEMENT or POLICY dispute names a standing, not GRANT/ },
    { input: "bond (not an amount)", args: ["dispute", "open", "GRANT", "1", "1", "--bond", "lots", "--grounds-hash", GOOD_HASH], message: /--bond: must be a decimal number/ },
    { input: "objection subject", args: ["dispute", "open", "OBJECTION", "1", "2", "--grounds-hash", GOOD_HASH], message: /subject: an OBJECTION dispute files its objection now: pass 0/ },
    { input: "forfeit without dismissal", args: ["dispute", "rule", "1", "UPHOLD", "--ruling-hash", GOOD_HASH, "--forfeit-bond"], message: /--forfeit-bond: only with DISMISS/ },
    { input: "escrow release without a settlement", args: ["dispute", "release-escrow", "1"], message: /--epoch: name the settlement whose escrow leaf to release/ },
    { input: "escrow part (not an amount)", args: ["dispute", "release-escrow", "1", "--epoch", "1", "--contributor-part", "-4"], message: /--contributor-part: must be a decimal number/ },
    { input: "bond recipient", args: ["dispute", "withdraw-bond", "--to", "0x1234"], message: /--to: not an address/ },
    { input: "removed command", args: ["asset", "resolve-objection", "1", "dismissed", GOOD_HASH], message: /asset resolve-objection: removed.*only the court's ruling resolves it/ },
    { input: "missing file", args: ["settlement", "submit", "--from", "nope.json"], message: /--from: cannot read nope.json: ENOENT/ },
    { input: "unknown option", args: ["asset", "accept", "1", "--fast"], message: /unknown option '--fast'/ },
  ];

  it("refuses each kind of bad input with exit code 2 and a message naming the argument, sending nothing", async () => {
    const before = await world.nonce(alice);
    for (const { input, args, message } of cases) {
      const result = await world.cli(["--account", String(ALICE), ...args]);
      expect(result.code, `${input}: ${result.stderr}`).to.equal(2);
      expect(result.stderr, input).to.match(message);
    }
    expect(await world.nonce(alice)).to.equal(before);
  });

  it("--json reports bad input as a JSON error naming the argument", async () => {
    const result = await world.cli(["--json", "--account", String(ALICE), "asset", "transfer", "1", alice, "THEFT", GOOD_HASH]);
    expect(result.code).to.equal(2);
    expect(result.json()).to.deep.equal({
      ok: false,
      error: {
        kind: "InputError",
        // OBJECTION_UPHELD is the court's reason (a TRANSFER_HOLDING ruling): never offered to a registrar.
        message: `reason: "THEFT" is not one of SALE, SUCCESSION, COURT_ORDER, GIFT, OTHER`,
        argument: "reason",
        allowed: ["SALE", "SUCCESSION", "COURT_ORDER", "GIFT", "OTHER"],
      },
    });
  });

  it("checks a batch file field by field, naming the record", async () => {
    const file = join(world.dir, "bad-records.json");
    await writeFile(file, JSON.stringify([{ product: "1", stage: "COLLECTION", role: "HOLDER", measure: "5", evidenceHash: GOOD_HASH }, { product: "1", stage: "COLLECTION", role: "PROCESSOR", measure: "0", evidenceHash: GOOD_HASH }]));
    const result = await world.cli(["--account", String(ALICE), "contribution", "record", "--file", file]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("records[1].measure: must be more than zero");
    await writeFile(file, JSON.stringify([{ product: "1", stage: "COLLECTION", role: "HOLDER", measure: "5", evidenceHash: GOOD_HASH, extra: true }]));
    expect((await world.cli(["--account", String(ALICE), "contribution", "record", "--file", file])).stderr).to.match(/is not valid:\n {2}- 0: Unrecognized key\(s\) in object: 'extra'/);
  });

  it("never prints a key: a missing or malformed one is bad input, its value not shown", async () => {
    const missing = await world.cli(["asset", "accept", "1"]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("no signing key: set PROVENANCE_PRIVATE_KEY");

    const secret = "0x" + "ab".repeat(31) + "zz";
    const malformed = await world.cli(["--json", "asset", "accept", "1"], { env: { PROVENANCE_PRIVATE_KEY: secret } });
    expect(malformed.code).to.equal(2);
    expect(malformed.stderr).to.contain("PROVENANCE_PRIVATE_KEY does not hold a private key");
    expect(malformed.stdout + malformed.stderr).not.to.contain("abababab");

    const named = await world.cli(["--key-env", "MY_KEY", "asset", "accept", "1"], { env: { PROVENANCE_PRIVATE_KEY: "0x" + "01".repeat(32) } });
    expect(named.stderr).to.contain("no signing key: set MY_KEY");
    // There is no flag that takes a key.
    const flag = await world.cli(["--private-key", "0x" + "01".repeat(32), "asset", "accept", "1"]);
    expect(flag.code).to.equal(2);
    expect(flag.stderr).to.contain("unknown option '--private-key'");
  });

  it("fails with exit code 1 and a clear message when the node is unreachable", async () => {
    const { run } = await import("../../cli/program.js");
    let stderr = "";
    const code = await run({
      argv: ["--rpc-url", "http://127.0.0.1:9", "evidence", "head", "1"],
      env: {},
      stdout: { write: () => {} },
      stderr: {
        write: (t) => {
          stderr += t;
        },
      },
      cwd: world.dir,
    });
    expect(code).to.equal(1);
    expect(stderr).to.contain("cannot reach the node at http://127.0.0.1:9");
  });

  it("refuses an unknown asset in read-only helpers with exit code 2", async () => {
    const result = await world.cli(["asset", "show", "999"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("there is no asset 999");
  });

  it("bin/provenance.js runs the compiled tool, or the sources with PROVENANCE_FROM_SOURCE=1, forwarding output and exit codes", function () {
    const shellNode = spawnSync("node", ["--version"], { encoding: "utf8" });
    if (shellNode.status !== 0) this.skip();
    const help = spawnSync("node", ["cli/bin/provenance.js", "--help"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    expect(help.status, help.stderr).to.equal(0);
    expect(help.stdout).to.contain("Usage: provenance");
    expect(help.stdout).to.match(/evidence +evidence hash chains/);
    const bad = spawnSync("node", ["cli/bin/provenance.js", "asset", "show", "x"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.contain("asset: must be a non-negative integer");
    const fromSource = spawnSync("node", ["cli/bin/provenance.js", "asset", "show", "x"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", PROVENANCE_FROM_SOURCE: "1" },
    });
    expect(fromSource.status).to.equal(2);
    expect(fromSource.stderr).to.equal(bad.stderr);
  });
});
