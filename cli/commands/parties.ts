import type { Command } from "commander";
import type { Address, Hex } from "viem";

import { parsePartyBook, profileHashOf } from "../../ledger/parties/profile.js";
import { isEscrowAccount } from "../../ledger/split/index.js";
import { enumName, PartyKind } from "../../ledger/types.js";
import type { CliContext } from "../context.js";
import { InputError } from "../io.js";
import { ABIS } from "../tx.js";
import { isoDate } from "../time.js";
import { enumChoices, parseAddress, parseEnum, parseHash } from "../validate.js";

/** The hash of a party's profile document read from `file`, which must name `account`. */
async function profileHashOfFile(cli: CliContext, file: string, account: Address): Promise<Hex> {
  // A party book of one: its problems name "entry 0", which is the file here.
  const parsed = parsePartyBook([await cli.readJsonFile(file, "--profile")]);
  if ("problems" in parsed) {
    throw new InputError(`--profile: ${file} is not a profile document: ${parsed.problems.map((problem) => problem.replace(/^entry 0: /, "")).join("; ")}`, {
      argument: "--profile",
    });
  }
  const profile = parsed.profiles[0]!;
  if (profile.account !== account) {
    throw new InputError(`--profile: ${file} is the profile of ${profile.account}, not of ${account}`, { argument: "--profile" });
  }
  return profileHashOf(profile);
}

/** Parties and succession: what a registrar records in the PartyRegistry (part of the AssetRegistry). */
export function registerParties(program: Command, cli: CliContext): void {
  const party = program.command("party").description("parties of the ledger and enterprise succession");

  party
    .command("register")
    .description("record an account as a party (registrar)")
    .argument("<account>", "the party's address")
    .argument("<kind>", `its legal form: ${enumChoices(PartyKind).join(", ")}`)
    .argument("[profile-hash]", "hash of the off-chain profile (0x + 64 hex, or text:<label>); or --profile")
    .option("--profile <file.json>", 'the profile document {"account": …, "name": {"en": …, "zh-CN": …}}: its hash is recorded, and certificates show its name')
    .action(async (account: string, kind: string, profileHash: string | undefined, opts: { profile?: string }) => {
      const party = parseAddress("account", account);
      const partyKind = parseEnum("kind", PartyKind, kind);
      if (isEscrowAccount(party)) {
        throw new InputError("account: that is a dispute's escrow account, owned by the court: it is never a party", { argument: "account" });
      }
      if ((profileHash === undefined) === (opts.profile === undefined)) {
        throw new InputError("profile-hash and --profile: give one or the other", { argument: "profile-hash" });
      }
      const hash = opts.profile === undefined ? parseHash("profile-hash", profileHash) : await profileHashOfFile(cli, opts.profile, party);
      const result = await cli.send(
        { action: "party register", contract: "AssetRegistry", functionName: "registerParty", args: [party, partyKind, hash] },
        { print: false },
      );
      cli.printTx(result, undefined, opts.profile === undefined ? {} : { lines: [`profile: ${opts.profile}, hash ${hash}`], fields: { profile: cli.path(opts.profile), profileHash: hash } });
    });

  party
    .command("succeed")
    .description("record that a predecessor's rights pass to a successor: merger or split (registrar)")
    .argument("<predecessor>", "the party that ceases")
    .argument("<successor>", "the party that continues it")
    .argument("<evidence-hash>", "hash of the merger or split documents")
    .action(async (predecessor: string, successor: string, evidenceHash: string) => {
      const args = [parseAddress("predecessor", predecessor), parseAddress("successor", successor), parseHash("evidence-hash", evidenceHash)];
      await cli.send({ action: "party succeed", contract: "AssetRegistry", functionName: "recordSuccession", args });
    });

  party
    .command("show")
    .description("a party's record and the live party its rights resolve to")
    .argument("<account>", "the party's address")
    .action(async (account: string) => {
      const address = parseAddress("account", account);
      const { client, deployment } = await cli.connection();
      const registry = { address: deployment.addresses.AssetRegistry, abi: ABIS.AssetRegistry };
      const record = (await client.readContract({ ...registry, functionName: "party", args: [address] })) as {
        kind: number;
        generation: number;
        registeredAt: number;
        successor: string;
      };
      const resolved = (await client.readContract({ ...registry, functionName: "resolveParty", args: [address] })) as string;
      const registered = record.registeredAt !== 0;
      // Not registered: no legal form, rather than the contract's NONE.
      const kind = registered ? enumName(PartyKind, record.kind) : null;
      const successor = /^0x0{40}$/.test(record.successor) ? null : record.successor;
      const registeredAt = registered ? isoDate(record.registeredAt) : null;
      const value = { account: address, registered, kind, generation: record.generation, registeredAt, successor, resolvesTo: resolved };
      cli.result(
        value,
        `${address}: ${registered ? `${kind}, registered at ${registeredAt}` : "not a registered party"}${successor === null ? "" : `; succeeded by ${successor}`}; resolves to ${resolved}`,
      );
    });
}
