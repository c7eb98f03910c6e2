import { mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { HARDHAT_DEV_KEYS } from "../../cli/devKeys.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import { startAnvil } from "../helpers/anvil.js";
import { deployLedger } from "../helpers/ledger.js";
import { runCliInProcess, startCliWorld, type CliWorld } from "./harness.js";

/**
 * `provenance role`: an administrator adds and removes a city's registrar, and `role members` lists who holds
 * each role. The oracle is the AccessManager itself (`hasRole` through ethers) and the deployment's known grants:
 * test/helpers/ledger.ts grants REGISTRAR to account 1, REVIEWER to 2, DATA_AUTHORITY to 3, ARBITRATOR to 4,
 * SETTLER to 5; the Ignition module makes account 0 the first ADMIN and grants COURT, ARBITRATOR, REGISTRAR to
 * the DisputeCourt.
 */

// Hardhat's dev accounts by index, as `--account` takes them.
const ADMIN = 0;
const REGISTRAR = 1;
const OUTSIDER = 11;
/** A city's new registrar, and the parties it records: holding nothing at the start. */
const CITY_REGISTRAR = 12;
const NEW_PARTY = 13;
const LATER_PARTY = 14;

interface MemberRow {
  role: string;
  since: string;
  roleId: string;
  account: string;
  grantedInBlock: string;
  effective: boolean;
  contract: string | null;
  party: string | null;
}

describe("provenance CLI: role grant, revoke and members", function () {
  this.timeout(300_000);
  let world: CliWorld;
  const address: Record<number, string> = {};

  before(async () => {
    world = await startCliWorld();
    const signers = await world.connection.ethers.getSigners();
    for (const index of [ADMIN, REGISTRAR, OUTSIDER, CITY_REGISTRAR, NEW_PARTY, LATER_PARTY]) address[index] = signers[index]!.address;
  });
  after(async () => {
    await world?.close();
  });

  const hasRole = async (role: keyof typeof ROLE_IDS, account: string) => (await world.ledger.accessManager.hasRole(ROLE_IDS[role], account))[0];
  const blockNumber = () => world.connection.ethers.provider.getBlockNumber();
  const court = () => world.ledger.disputeCourt.getAddress();

  async function membersOf(role: string): Promise<MemberRow[]> {
    const result = await world.cli(["--json", "role", "members", role]);
    expect(result.code, result.stderr).to.equal(0);
    return result.json<{ members: MemberRow[] }>().members;
  }
  const accountsOf = (rows: MemberRow[]) => rows.map((row) => row.account).sort();

  /** A registrar's action: recording `party` as an enterprise, signed by dev account `signer`. */
  const registerParty = (signer: number, party: number) =>
    world.cli(["--account", String(signer), "party", "register", address[party]!, "ENTERPRISE", `text:profile:${party}`]);

  /** Runs a refused command and checks that it sent nothing: same block, same memberships. */
  async function refusedWithoutChange(args: string[], code: number, message: RegExp, watched: [keyof typeof ROLE_IDS, string][]) {
    const blockBefore = await blockNumber();
    const heldBefore = await Promise.all(watched.map(([role, account]) => hasRole(role, account)));
    const result = await world.cli(args);
    expect(result.code, `${args.join(" ")}: ${result.stderr}`).to.equal(code);
    expect(result.stderr).to.match(message);
    expect(await blockNumber(), `${args.join(" ")} mined a block`).to.equal(blockBefore);
    expect(await Promise.all(watched.map(([role, account]) => hasRole(role, account)))).to.deep.equal(heldBefore);
    return result;
  }

  it("lists the deployment's registrars: the demo registrar and the court", async () => {
    const courtAddress = await court();
    const rows = await membersOf("registrar");
    expect(accountsOf(rows)).to.deep.equal([address[REGISTRAR]!, courtAddress].sort());
    expect(rows.every((row) => row.role === "REGISTRAR" && row.roleId === "1" && row.effective)).to.equal(true);
    expect(rows.find((row) => row.account === address[REGISTRAR])?.contract).to.equal(null);
    expect(rows.find((row) => row.account === courtAddress)?.contract).to.equal("DisputeCourt");
  });

  it("lists every role without a filter, by name", async () => {
    const result = await world.cli(["role", "members"]);
    expect(result.code, result.stderr).to.equal(0);
    // One ADMIN (account 0), two REGISTRARs, the court's COURT and ARBITRATOR plus account 4's ARBITRATOR.
    for (const line of ["ADMIN: 1", "REGISTRAR: 2", "REVIEWER: 1", "DATA_AUTHORITY: 1", "ARBITRATOR: 2", "SETTLER: 1", "COURT: 1"]) {
      expect(result.stdout).to.contain(line);
    }
    expect(result.stdout).to.contain(`${await court()}  effective since`);
  });

  it("grants a city's registrar, which then registers parties; revoking takes that away again", async () => {
    const city = address[CITY_REGISTRAR]!;
    await refusedWithoutChange(["--account", String(CITY_REGISTRAR), "party", "register", address[NEW_PARTY]!, "ENTERPRISE", "text:p"], 1, /LedgerAccessUnauthorized/, [
      ["REGISTRAR", city],
    ]);

    const granted = await world.cli(["--json", "--account", String(ADMIN), "role", "grant", "registrar", city]);
    expect(granted.code, granted.stderr).to.equal(0);
    expect(granted.json()).to.include({ ok: true, changed: true, role: "REGISTRAR", roleId: "1", account: city });
    expect(await hasRole("REGISTRAR", city)).to.equal(true);

    const registered = await registerParty(CITY_REGISTRAR, NEW_PARTY);
    expect(registered.code, registered.stderr).to.equal(0);
    expect((await world.ledger.registry.party(address[NEW_PARTY]!)).registeredAt).to.not.equal(0n);

    const rows = await membersOf("1");
    expect(accountsOf(rows)).to.deep.equal([address[REGISTRAR]!, await court(), city].sort());
    const cityRow = rows.find((row) => row.account === city)!;
    expect(cityRow.grantedInBlock).to.equal(String(granted.json<{ blockNumber: string }>().blockNumber));
    expect(cityRow.effective).to.equal(true);

    const revoked = await world.cli(["--account", String(ADMIN), "role", "revoke", "REGISTRAR", city]);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(revoked.stdout).to.contain(`REGISTRAR revoked from ${city}`);
    expect(await hasRole("REGISTRAR", city)).to.equal(false);
    await refusedWithoutChange(["--account", String(CITY_REGISTRAR), "party", "register", address[LATER_PARTY]!, "ENTERPRISE", "text:p"], 1, /LedgerAccessUnauthorized/, [
      ["REGISTRAR", city],
    ]);
    expect(accountsOf(await membersOf("REGISTRAR"))).to.deep.equal([address[REGISTRAR]!, await court()].sort());
  });

  it("sends nothing when the account already holds the role, and says so (exit 0)", async () => {
    const result = await refusedWithoutChange(["--account", String(ADMIN), "role", "grant", "REGISTRAR", address[REGISTRAR]!], 0, /^$/, [["REGISTRAR", address[REGISTRAR]!]]);
    expect(result.stdout).to.match(new RegExp(`${address[REGISTRAR]} already holds REGISTRAR \\(effective since .*\\): nothing sent`));
  });

  it("adds a second administrator, and refuses to revoke the last one", async () => {
    const second = address[OUTSIDER]!;
    const granted = await world.cli(["--account", String(ADMIN), "role", "grant", "0", second]);
    expect(granted.code, granted.stderr).to.equal(0);
    expect(granted.stdout).to.contain(`${second} is now an administrator of the ledger`);
    expect(accountsOf(await membersOf("admin"))).to.deep.equal([address[ADMIN]!, second].sort());

    // With two administrators either may go: the second one leaves, signed by the first.
    const revoked = await world.cli(["--account", String(ADMIN), "role", "revoke", "ADMIN", second]);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(accountsOf(await membersOf("ADMIN"))).to.deep.equal([address[ADMIN]!]);

    await refusedWithoutChange(["--account", String(ADMIN), "role", "revoke", "ADMIN", address[ADMIN]!], 1, /is the ledger's last administrator/, [["ADMIN", address[ADMIN]!]]);
  });

  it("grants ADMIN with an execution delay, and then refuses that administrator's direct grants", async () => {
    const delayed = address[OUTSIDER]!;
    const granted = await world.cli(["--account", String(ADMIN), "role", "grant", "ADMIN", delayed, "--delay", "3600"]);
    expect(granted.code, granted.stderr).to.equal(0);
    expect(await world.ledger.accessManager.hasRole(ROLE_IDS.ADMIN, delayed)).to.deep.equal([true, 3600n]);
    // AccessManager would take its grantRole only as a scheduled operation, which this tool does not send.
    await refusedWithoutChange(["--account", String(OUTSIDER), "role", "grant", "REVIEWER", address[CITY_REGISTRAR]!], 1, /holds ADMIN with an execution delay of 3600 s/, [
      ["REVIEWER", address[CITY_REGISTRAR]!],
    ]);
    const revoked = await world.cli(["--account", String(ADMIN), "role", "revoke", "ADMIN", delayed]);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(await hasRole("ADMIN", delayed)).to.equal(false);
  });

  it("refuses, sending nothing, what the AccessManager or the ledger would refuse", async () => {
    const city = address[CITY_REGISTRAR]!;
    const watched: [keyof typeof ROLE_IDS, string][] = [
      ["REGISTRAR", city],
      ["ADMIN", address[ADMIN]!],
      ["REGISTRAR", await court()],
      ["COURT", city],
    ];
    const cases: { name: string; args: string[]; code: number; message: RegExp }[] = [
      {
        name: "signer not an admin",
        args: ["--account", String(REGISTRAR), "role", "grant", "REGISTRAR", city],
        code: 1,
        message: new RegExp(`the signer ${address[REGISTRAR]} does not hold ADMIN, the role that administers REGISTRAR`),
      },
      {
        name: "signer not an admin (revoke)",
        args: ["--account", String(REGISTRAR), "role", "revoke", "REGISTRAR", address[REGISTRAR]!],
        code: 1,
        message: /does not hold ADMIN, the role that administers REGISTRAR/,
      },
      { name: "not held", args: ["--account", String(ADMIN), "role", "revoke", "REGISTRAR", city], code: 1, message: new RegExp(`${city} does not hold REGISTRAR: nothing to revoke`) },
      {
        name: "the court's roles",
        args: ["--account", String(ADMIN), "role", "revoke", "REGISTRAR", await court()],
        code: 1,
        message: /is the deployment's DisputeCourt, which carries rulings out with COURT, ARBITRATOR, REGISTRAR/,
      },
      { name: "COURT to an account without code", args: ["--account", String(ADMIN), "role", "grant", "court", city], code: 2, message: /account: .* has no code: COURT is the dispute court contract's own role/ },
      {
        name: "unknown role",
        args: ["--account", String(ADMIN), "role", "grant", "MAYOR", city],
        code: 2,
        message: /role: "MAYOR" is not one of ADMIN \(0\), REGISTRAR \(1\), REVIEWER \(2\), DATA_AUTHORITY \(3\), ARBITRATOR \(4\), SETTLER \(5\), COURT \(6\)/,
      },
      { name: "unknown role id", args: ["--account", String(ADMIN), "role", "revoke", "7", city], code: 2, message: /role: "7" is not one of ADMIN \(0\)/ },
      { name: "unknown role (members)", args: ["role", "members", "mayor"], code: 2, message: /role: "mayor" is not one of/ },
      { name: "bad address", args: ["--account", String(ADMIN), "role", "grant", "REGISTRAR", "0x1234"], code: 2, message: /account: not an address/ },
      { name: "zero address", args: ["--account", String(ADMIN), "role", "revoke", "REGISTRAR", "0x0000000000000000000000000000000000000000"], code: 2, message: /account: the zero address/ },
      { name: "execution delay", args: ["--account", String(ADMIN), "role", "grant", "REGISTRAR", city, "--delay", "60"], code: 2, message: /--delay: the ledger refuses a REGISTRAR with an execution delay/ },
      { name: "delay not a number", args: ["--account", String(ADMIN), "role", "grant", "ADMIN", city, "--delay", "1h"], code: 2, message: /--delay: must be a non-negative integer/ },
      { name: "no signing key", args: ["role", "grant", "REGISTRAR", city], code: 2, message: /no signing key: set PROVENANCE_PRIVATE_KEY/ },
    ];
    for (const { name, args, code, message } of cases) {
      const result = await refusedWithoutChange(args, code, message, watched);
      expect(result.stdout, name).to.equal("");
    }
  });

  it("shows a grant that a role's grant delay holds back as not yet effective", async () => {
    const reviewer = address[CITY_REGISTRAR]!;
    const hour = 3600n;
    // A new grant delay takes effect after AccessManager's minimum setback (5 days): the clock is moved past it.
    await (await world.ledger.accessManager.connect(world.ledger.admin).setGrantDelay(ROLE_IDS.REVIEWER, hour)).wait();
    const setback = await world.ledger.accessManager.minSetback();
    await world.connection.ethers.provider.send("evm_increaseTime", [Number(setback) + 1]);
    await world.connection.ethers.provider.send("evm_mine", []);

    const granted = await world.cli(["--json", "--account", String(ADMIN), "role", "grant", "REVIEWER", reviewer]);
    expect(granted.code, granted.stderr).to.equal(0);
    const grantBlock = await world.connection.ethers.provider.getBlock(Number(granted.json<{ blockNumber: string }>().blockNumber));
    const effectiveAt = new Date((grantBlock!.timestamp + Number(hour)) * 1000).toISOString().replace(".000Z", "Z");
    expect(granted.json()).to.include({ since: effectiveAt });
    expect(await hasRole("REVIEWER", reviewer)).to.equal(false);

    const pending = (await membersOf("REVIEWER")).find((row) => row.account === reviewer);
    expect(pending).to.include({ effective: false, since: effectiveAt });
    const listed = await world.cli(["role", "members", "reviewer"]);
    expect(listed.stdout).to.contain(`${reviewer}  effective from ${effectiveAt}`);
    // Granted already, though not yet effective: granting again changes nothing.
    const again = await refusedWithoutChange(["--account", String(ADMIN), "role", "grant", "REVIEWER", reviewer], 0, /^$/, [["REVIEWER", reviewer]]);
    expect(again.stdout).to.contain(`already holds REVIEWER (effective from ${effectiveAt})`);
  });

  it("--json names the signer and the role it lacks", async () => {
    const result = await world.cli(["--json", "--account", String(REGISTRAR), "role", "grant", "REVIEWER", address[CITY_REGISTRAR]!]);
    expect(result.code).to.equal(1);
    expect(result.json<{ error: Record<string, unknown> }>().error).to.include({ kind: "FailureError", signer: address[REGISTRAR], role: "REVIEWER", requiredRole: "ADMIN" });
  });
});

/**
 * The same operator's task on a second client set up as a consortium chain: anvil with its own chain id, zero
 * gas price and no base fee. Off the dev chain id `--account` is refused, so every command signs with a key
 * from the environment, as an operator does on a real network.
 */
describe("provenance CLI: role grant and revoke on anvil as a consortium chain (chain 7777, zero gas)", function () {
  this.timeout(300_000);
  const CHAIN_ID = 7777;
  let anvil: Awaited<ReturnType<typeof startAnvil>> | undefined;
  let connection: NetworkConnection<"generic"> | undefined;
  let dir: string | undefined;
  let deploymentDir: string;
  let ledger: Awaited<ReturnType<typeof deployLedger>>;
  const address: Record<number, string> = {};

  before(async () => {
    anvil = await startAnvil({ chainId: CHAIN_ID, gasPrice: 0n, baseFee: 0n });
    connection = await network.create({ network: "localhost", override: { url: anvil.url } });
    dir = await mkdtemp(join(tmpdir(), "cli-roles-anvil-"));
    const deploymentId = `cli-roles-anvil-${process.pid}-${Date.now()}`;
    deploymentDir = join(dir, "deployment");
    try {
      ledger = await deployLedger(connection, { deploymentId });
    } finally {
      await rename(join("ignition", "deployments", deploymentId), deploymentDir).catch(() => {});
    }
    const signers = await connection.ethers.getSigners();
    for (const index of [ADMIN, REGISTRAR, CITY_REGISTRAR, NEW_PARTY, LATER_PARTY]) address[index] = signers[index]!.address;
  });
  after(async () => {
    await connection?.close();
    await anvil?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** The CLI signing with dev account `signer`'s key in PROVENANCE_PRIVATE_KEY (or no key). */
  const cli = (signer: number | undefined, args: string[]) =>
    runCliInProcess(["--rpc-url", anvil!.url, "--deployment", deploymentDir, ...args], signer === undefined ? {} : { PROVENANCE_PRIVATE_KEY: HARDHAT_DEV_KEYS[signer]! }, dir!);
  const blockNumber = () => connection!.ethers.provider.getBlockNumber();
  const isRegistrar = async (account: string) => (await ledger.accessManager.hasRole(ROLE_IDS.REGISTRAR, account))[0];
  const registrars = async () => {
    const result = await cli(undefined, ["--json", "role", "members", "REGISTRAR"]);
    expect(result.code, result.stderr).to.equal(0);
    return (JSON.parse(result.stdout) as { members: MemberRow[] }).members.map((row) => row.account).sort();
  };

  it("adds a city's registrar and removes it, with keys from the environment", async () => {
    const city = address[CITY_REGISTRAR]!;
    const court = await ledger.disputeCourt.getAddress();
    expect(await registrars()).to.deep.equal([address[REGISTRAR]!, court].sort());

    // The public dev keys are refused off the dev chain before anything else is said about the account (a
    // non-admin here, so a later check would have answered with exit 1), and nothing is sent.
    const blockBefore = await blockNumber();
    const devKey = await cli(undefined, ["--account", String(REGISTRAR), "role", "grant", "REGISTRAR", city]);
    expect(devKey.code).to.equal(2);
    expect(devKey.stderr).to.contain(`--account picks a public dev key; chain ${CHAIN_ID}`);
    const notAdmin = await cli(REGISTRAR, ["role", "grant", "REGISTRAR", city]);
    expect(notAdmin.code).to.equal(1);
    expect(notAdmin.stderr).to.contain(`the signer ${address[REGISTRAR]} does not hold ADMIN`);
    expect(await blockNumber()).to.equal(blockBefore);
    expect(await isRegistrar(city)).to.equal(false);

    const granted = await cli(ADMIN, ["role", "grant", "REGISTRAR", city]);
    expect(granted.code, granted.stderr).to.equal(0);
    expect(await isRegistrar(city)).to.equal(true);
    const registered = await cli(CITY_REGISTRAR, ["party", "register", address[NEW_PARTY]!, "ENTERPRISE", "text:profile:new"]);
    expect(registered.code, registered.stderr).to.equal(0);
    expect(await registrars()).to.deep.equal([address[REGISTRAR]!, court, city].sort());

    const revoked = await cli(ADMIN, ["role", "revoke", "REGISTRAR", city]);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(await isRegistrar(city)).to.equal(false);
    const refused = await cli(CITY_REGISTRAR, ["party", "register", address[LATER_PARTY]!, "ENTERPRISE", "text:profile:later"]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain("LedgerAccessUnauthorized");
    expect(await registrars()).to.deep.equal([address[REGISTRAR]!, court].sort());
  });
});
