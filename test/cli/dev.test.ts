import { cp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

import { expect } from "chai";
import { mnemonicToAccount } from "viem/accounts";

import { startCliWorld, type CliWorld } from "./harness.js";

const MNEMONIC = "test test test test test test test test test test test junk";
/** Dev account 7, as `dev mint 7 …` names it (the README's customer). */
const ACCOUNT_7 = mnemonicToAccount(MNEMONIC, { addressIndex: 7 }).address;
/** A dev account the test ledger never registers as a party. */
const UNREGISTERED = mnemonicToAccount(MNEMONIC, { addressIndex: 19 }).address;
const GETH = "Geth/v1.14.0-stable-e0f8e9b2/linux-amd64/go1.22.2";

/** `2026-01-08T10:00:00Z`, written out independently of the CLI's own formatting. */
const utc = (seconds: bigint) => {
  const d = new Date(Number(seconds) * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
};

/**
 * A node that is not a local dev chain, simulated: every request is forwarded to the test's Hardhat node,
 * but `eth_chainId` and `web3_clientVersion` answer what a production node would.
 */
async function impostor(upstream: string, answers: { chainId?: number; clientVersion?: string }): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    const parsed = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const forwarded = (await (
      await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body })
    ).json()) as { id: number; result?: unknown }[] | { id: number; result?: unknown };
    const results = Array.isArray(forwarded) ? forwarded : [forwarded];
    for (const result of results) {
      const call = calls.find((c) => c.id === result.id);
      if (call?.method === "eth_chainId" && answers.chainId !== undefined) result.result = `0x${answers.chainId.toString(16)}`;
      if (call?.method === "web3_clientVersion" && answers.clientVersion !== undefined) result.result = answers.clientVersion;
    }
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(Array.isArray(forwarded) ? results : results[0]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("provenance CLI: embedded-chain helpers, dates and names", function () {
  this.timeout(180_000);
  let world: CliWorld;

  before(async () => {
    world = await startCliWorld();
  });
  after(async () => {
    await world?.close();
  });

  const latest = async () => {
    const block = await world.connection.ethers.provider.getBlock("latest");
    return { number: block!.number, timestamp: BigInt(block!.timestamp) };
  };
  /** Everything a refused helper could have changed: the chain's head and clock, the token's supply. */
  const chainState = async () => ({ ...(await latest()), supply: await world.ledger.token.totalSupply() });

  it("lists the dev group and its commands in --help, each marked embedded chain only", async () => {
    const root = await world.cli(["--help"]);
    expect(root.stdout).to.match(/\n +dev +\[embedded chain only\]/);
    const group = await world.cli(["dev", "--help"]);
    expect(group.stdout).to.match(/mint .*\[embedded chain only\]/).and.match(/advance-time .*\[embedded chain only\]/);
  });

  it("dev mint: mints the test token to a dev account by index or to an address, in decimals or smallest units", async () => {
    const { token, carol } = world.ledger;
    const before = await token.balanceOf(ACCOUNT_7);
    const minted = await world.cli(["--account", "0", "dev", "mint", "7", "500.00", "--units", "2"]);
    expect(minted.code, minted.stderr).to.equal(0);
    // 500.00 of a two-decimal token is 50000 smallest units.
    expect(await token.balanceOf(ACCOUNT_7)).to.equal(before + 50_000n);
    expect(minted.stdout).to.contain(`minted 50000 (500.00 LTY) to ${ACCOUNT_7}`);

    const carolBefore = await token.balanceOf(carol.address);
    const json = await world.cli(["--json", "--account", "0", "dev", "mint", carol.address, "1250"]);
    expect(json.code, json.stderr).to.equal(0);
    expect(json.json<{ minted: Record<string, string> }>().minted).to.deep.equal({ to: carol.address, amount: "1250", balance: String(carolBefore + 1250n) });
  });

  it("dev advance-time: moves the clock by a duration or to a date, printing the new chain time; asset show and refusals give dates", async () => {
    const { alice } = world.ledger;
    // An application in its public notice: 7 days from the block that accepted it.
    const applied = await world.cli(["--json", "--account", "6", "asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE", "--fingerprint", "text:dev:data", "--card-hash", "text:dev:card", "--card-uri", "ipfs://dev"]);
    expect(applied.code, applied.stderr).to.equal(0);
    const assetId = applied.json<{ ids: { assetId: string[] } }>().ids.assetId[0]!;
    type Events = { events: { eventName: string; args: Record<string, string> }[] };
    // The transaction's events print enum values by name too.
    expect(applied.json<Events>().events.find((e) => e.eventName === "AssetApplied")?.args).to.include({ kind: "RESOURCE", category: "ENTERPRISE", classification: "GENERAL" });
    const accept = await world.cli(["--json", "--account", "1", "asset", "accept", assetId]);
    expect(accept.code, accept.stderr).to.equal(0);
    const accepted = await latest();
    const noticeEndsAt = accepted.timestamp + 7n * 86_400n;
    expect(accept.json<Events>().events.find((e) => e.eventName === "ApplicationAccepted")?.args).to.include({ noticeEndsAt: utc(noticeEndsAt) });

    const shown = await world.cli(["asset", "show", assetId]);
    expect(shown.stdout).to.contain(`public notice until ${utc(noticeEndsAt)} (in 7 days) on the chain's clock`);
    expect(shown.stdout).not.to.contain(String(noticeEndsAt));
    const json = await world.cli(["--json", "asset", "show", assetId]);
    expect(json.json()).to.include({ status: "IN_NOTICE", noticeEndsAt: utc(noticeEndsAt), holder: alice.address });

    // Issuing now is refused with the date and how long is left, the error's argument as a date too.
    const early = await world.cli(["--account", "1", "asset", "issue", assetId]);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.contain(`AssetRegistryNoticeNotOver(assetId: ${assetId}, noticeEndsAt: ${utc(noticeEndsAt)})`);
    expect(early.stderr).to.contain(`runs until ${utc(noticeEndsAt)} (in 7 days)`).and.contain("provenance dev advance-time");
    // An enum argument of a refusal by name: accepting again finds the asset IN_NOTICE, not status 2.
    const again = await world.cli(["--account", "1", "asset", "accept", assetId]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain(`AssetRegistryInvalidStatus(assetId: ${assetId}, status: IN_NOTICE)`).and.contain(`asset ${assetId} is IN_NOTICE`);

    const before = await latest();
    const moved = await world.cli(["dev", "advance-time", "3d1h"]);
    expect(moved.code, moved.stderr).to.equal(0);
    const after = await latest();
    // 3 days and an hour: 3 × 86400 + 3600 = 262800 s, give or take the seconds the test itself took.
    expect(Number(after.timestamp - before.timestamp)).to.be.within(262_800, 262_805);
    expect(after.number).to.equal(before.number + 1);
    expect(moved.stdout).to.contain(`chain time: ${utc(after.timestamp)} (was ${utc(before.timestamp)}`);
    // 7 days - 3 days 1 hour = 3 days 23 hours left (less the few seconds above: the larger units are rounded down).
    expect((await world.cli(["asset", "show", assetId])).stdout).to.match(/public notice until \S+ \(in 3 days 2[23] hours/);

    const target = noticeEndsAt + 60n;
    const to = await world.cli(["--json", "dev", "advance-time", "--to", utc(target)]);
    expect(to.code, to.stderr).to.equal(0);
    const reached = await latest();
    expect(Number(reached.timestamp - target)).to.be.within(0, 5);
    expect(to.json()).to.include({ ok: true, now: utc(reached.timestamp), before: utc(after.timestamp) });
    expect((await world.cli(["asset", "show", assetId])).stdout).to.contain(`public notice ended ${utc(noticeEndsAt)} (`).and.contain("ago) on the chain's clock");

    expect((await world.cli(["--account", "1", "asset", "issue", assetId])).code).to.equal(0);
    expect((await world.cli(["asset", "show", assetId])).stdout).to.contain(`public notice ended ${utc(noticeEndsAt)}`);
  });

  it("refuses bad durations, dates and --units with exit 2, the chain unchanged", async () => {
    const cases: { args: string[]; message: RegExp }[] = [
      { args: ["dev", "advance-time", "3600"], message: /duration: 3600 has no unit: give a duration such as 7d, 3d1h, 90m or 3600s/ },
      { args: ["dev", "advance-time", "1h3d"], message: /duration: 1h3d: give each unit once, largest first/ },
      { args: ["dev", "advance-time", "0s"], message: /duration: must be more than zero/ },
      { args: ["dev", "advance-time", "soon"], message: /duration: not a duration such as/ },
      { args: ["dev", "advance-time"], message: /duration: give how far to move the clock .* or --to <date>, one of the two/ },
      { args: ["dev", "advance-time", "1d", "--to", "2099-01-01"], message: /one of the two/ },
      { args: ["dev", "advance-time", "--to", "2001-01-01T00:00:00Z"], message: /--to: the chain's clock is already at \S+, after 2001-01-01T00:00:00Z: it only moves forward/ },
      { args: ["--account", "0", "dev", "mint", "7", "5.5", "--units", "1"], message: /--units: LTY has 2 decimals, not 1: pass --units 2 to give the amount as a decimal \(--units 2: 12.50 LTY\), or omit --units/ },
      { args: ["--account", "0", "dev", "mint", "7", "5", "--units", "two"], message: /--units: the token's decimals, an integer such as 2 \(got "two"\)/ },
      { args: ["--account", "0", "dev", "mint", "7", "5", "--units", "37"], message: /--units: 37 decimals is more than any token uses/ },
      { args: ["--account", "0", "dev", "mint", "1000", "5"], message: /account: 1000 is not one of the dev chain's accounts/ },
      { args: ["--account", "7", "deposit", "1", "12.5", "--units", "3"], message: /--units: LTY has 2 decimals, not 3/ },
      { args: ["--account", "6", "dispute", "open", "GRANT", "1", "1", "--grounds-hash", "text:g", "--bond", "100", "--units", "1"], message: /--units: LTY has 2 decimals, not 1/ },
      { args: ["--account", "6", "asset", "object", "1", "text:g", "--bond", "100.000", "--units", "3"], message: /--units: LTY has 2 decimals, not 3/ },
      { args: ["--account", "4", "dispute", "release-escrow", "1", "--epoch", "1", "--contributor-part", "1.5", "--units", "1"], message: /--units: LTY has 2 decimals, not 1/ },
    ];
    const before = await chainState();
    for (const { args, message } of cases) {
      const result = await world.cli(args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).to.equal(2);
      expect(result.stderr, args.join(" ")).to.match(message);
    }
    expect(await chainState()).to.deep.equal(before);
  });

  for (const [label, answers, named] of [
    ["chain id 31337 from a node that is not Hardhat's or anvil's", { clientVersion: GETH }, `chain 31337 (${GETH})`],
    ["Hardhat answering another chain id", { chainId: 1337 }, "chain 1337 (HardhatNetwork"],
  ] as const) {
    it(`refuses the dev helpers (and --account) in one line on ${label}, the chain unchanged`, async () => {
      const node = await impostor(world.url, answers);
      try {
        const run = (args: string[]) => world.cli(["--rpc-url", node.url, ...args]);
        const before = await chainState();
        for (const args of [
          ["--account", "0", "dev", "mint", "7", "500.00", "--units", "2"],
          ["dev", "advance-time", "7d"],
          ["dev", "advance-time", "--to", "2099-01-01T00:00:00Z"],
        ]) {
          const refused = await run(args);
          expect(refused.code, refused.stderr).to.equal(2);
          const command = `dev ${args.includes("mint") ? "mint" : "advance-time"}`;
          expect(refused.stderr).to.contain(`provenance: ${command}: embedded chain only: ${named}`).and.contain("is not a local Hardhat or anvil dev chain");
          expect(refused.stderr.trim().split("\n"), refused.stderr).to.have.length(1);
        }
        if (answers.chainId === undefined) {
          // The deployment is the node's chain's: only the dev key is refused.
          const signed = await run(["--account", "1", "asset", "accept", "1"]);
          expect(signed.code).to.equal(2);
          expect(signed.stderr).to.contain(`--account picks a public dev key; chain 31337 (${GETH}) is not a local dev chain`);
        }
        expect(await chainState()).to.deep.equal(before);
      } finally {
        node.server.close();
      }
    });
  }

  it("refuses dev mint when the deployment settles in a token other than the test token, the chain unchanged", async () => {
    const copy = join(world.dir, "real-token-deployment");
    await cp(world.deploymentDir, copy, { recursive: true });
    const addressesFile = join(copy, "deployed_addresses.json");
    const addresses = JSON.parse(await readFile(addressesFile, "utf8")) as Record<string, string>;
    // A deployment given LEDGER_SETTLEMENT_TOKEN deploys no test token.
    delete addresses["TestToken#TestToken"];
    await writeFile(addressesFile, JSON.stringify(addresses));
    const before = await chainState();
    const refused = await world.cli(["--deployment", copy, "--account", "0", "dev", "mint", "7", "1"]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain(`dev mint: the deployment's settlement token ${await world.ledger.token.getAddress()} is not the test token`);
    expect(await chainState()).to.deep.equal(before);
  });

  it("never offers NONE (nor CORE data) as a choice, and refuses it", async () => {
    // Every command's --help, found from the root's.
    const commandsOf = (help: string) => [...(help.split("Commands:")[1] ?? "").matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== "help");
    const groups = commandsOf((await world.cli(["--help"])).stdout);
    expect(groups).to.include.members(["asset", "dispute", "party", "dev"]);
    let checked = 0;
    for (const group of groups) {
      const groupHelp = (await world.cli([group, "--help"])).stdout;
      for (const sub of commandsOf(groupHelp)) {
        const help = (await world.cli([group, sub, "--help"])).stdout;
        expect(help, `${group} ${sub} --help`).not.to.match(/\bNONE\b/);
        checked += 1;
      }
    }
    expect(checked).to.be.greaterThan(40);
    expect((await world.cli(["asset", "apply", "--help"])).stdout).to.match(/--classification <classification> +GENERAL, IMPORTANT \(core data/);
    // Help wraps its lines: compare with the spaces collapsed.
    const ruleHelp = (await world.cli(["dispute", "rule", "--help"])).stdout.replace(/\s+/g, " ");
    expect(ruleHelp).to.contain("GRANT: DISMISS, UPHOLD, REVOKE_GRANT; CONTRIBUTION: DISMISS, VOID_CONTRIBUTION, ADJUST_CONTRIBUTION;");

    const before = await chainState();
    const remedy = await world.cli(["--account", "4", "dispute", "rule", "1", "NONE", "--ruling-hash", "text:r"]);
    expect(remedy.code).to.equal(2);
    expect(remedy.stderr).to.contain(`remedy: "NONE" is not one of DISMISS, UPHOLD, REVOKE_CERTIFICATE, TRANSFER_HOLDING, REVOKE_GRANT, VOID_CONTRIBUTION, ADJUST_CONTRIBUTION, REJECT_SETTLEMENT`);
    const byNumber = await world.cli(["--account", "4", "dispute", "rule", "1", "0", "--ruling-hash", "text:r"]);
    expect(byNumber.code).to.equal(2);
    const kind = await world.cli(["--account", "1", "party", "register", ACCOUNT_7, "NONE", "text:p"]);
    expect(kind.code).to.equal(2);
    expect(kind.stderr).to.contain(`kind: "NONE" is not one of ENTERPRISE, STATE_OWNED_ENTERPRISE, PUBLIC_INSTITUTION, INDIVIDUAL, PUBLIC_DATA_AUTHORITY`);
    expect(await chainState()).to.deep.equal(before);
  });

  it("party show: the legal form by name and the registration time as a date; an unregistered account says so", async () => {
    const { alice } = world.ledger;
    const registeredAt = (await world.ledger.registry.party(alice.address)).registeredAt;
    const shown = await world.cli(["--json", "party", "show", alice.address]);
    expect(shown.json()).to.include({ registered: true, kind: "ENTERPRISE", registeredAt: utc(registeredAt), successor: null });
    const stranger = await world.cli(["party", "show", UNREGISTERED]);
    expect(stranger.stdout).to.contain(`${UNREGISTERED}: not a registered party`).and.not.contain("NONE");
  });
});
