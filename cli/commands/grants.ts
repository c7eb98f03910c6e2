import type { Command } from "commander";
import type { Address, Hex } from "viem";
import { z } from "zod";

import { HEX_ADDRESS } from "../../ledger/encoding/address.js";
import { GRANT_EIP712_TYPES, grantEip712Domain } from "../../ledger/grants/signing.js";
import { enumName, GrantStatus, Rights, ScopeKind, UsageMode } from "../../ledger/types.js";
import type { CliContext } from "../context.js";
import { InputError } from "../io.js";
import { ABIS } from "../tx.js";
import { dateFromNow, isoDate } from "../time.js";
import { enumChoices, parseAddress, parseBps, parseDate, parseEnum, parseHash, parseId, parseUint, parseWith } from "../validate.js";

/** The contract's `GrantTerms`, validated. */
interface GrantTerms {
  grantee: Address;
  assetId: bigint;
  rights: number;
  scopeKind: number;
  scopeData: Hex;
  purposeHash: Hex;
  usageMode: number;
  validFrom: bigint;
  validUntil: bigint;
  royaltyBps: number;
}

interface TermsOptions {
  grantee: string;
  asset: string;
  rights: string;
  scope: string;
  scopeData?: string;
  purpose: string;
  usage: string;
  from?: string;
  until: string;
  royalty: string;
}

const ZERO_HASH = `0x${"00".repeat(32)}` as Hex;

/** A set of rights by name (`USE,PROCESS`), as `--rights` takes them. */
function rightsNames(bits: number): string[] {
  return enumChoices(Rights, ["ALL"]).filter((right) => (bits & Rights[right as keyof typeof Rights]) !== 0);
}

/** Rights as names joined by commas (`USE,PROCESS`) or their bit set as a number (1..15). */
function parseRights(name: string, raw: string): number {
  if (/^\d+$/.test(raw.trim())) {
    const value = Number(parseUint(name, raw, 8));
    if (value < 1 || value > Rights.ALL) throw new InputError(`${name}: ${value} is not a set of rights (1..15)`, { argument: name });
    return value;
  }
  let bits = 0;
  for (const part of raw.split(",")) bits |= parseEnum(name, Rights, part);
  return bits;
}

function addTermsOptions(command: Command, withAsset: boolean): Command {
  command.requiredOption("--grantee <address>", "who receives the rights (a live party)");
  if (withAsset) command.requiredOption("--asset <id>", "the asset granted on");
  return command
    .requiredOption("--rights <rights>", `${enumChoices(Rights, ["ALL"]).join(", ")} (comma-separated) or ALL`)
    .option("--scope <scope>", enumChoices(ScopeKind).join(", "), "WHOLE")
    .option("--scope-data <hash>", "the domain or scenario code's hash (not with WHOLE)")
    .requiredOption("--purpose <hash>", "hash of the stated purpose")
    .option("--usage <mode>", enumChoices(UsageMode).join(", "), "DELIVERY")
    .option("--from <date>", "start of the window (ISO 8601 or unix seconds; default: now on the chain's clock)")
    .requiredOption("--until <date>", "end of the window (ISO 8601 or unix seconds)")
    .option(
      "--royalty <bps>",
      "the grantor's share of a derived product's revenue, in basis points; for a sub-grant, on top of every grant above it (stacked, at most 10000 in all)",
      "0",
    );
}

function parseTerms(opts: TermsOptions, assetId?: bigint): GrantTerms {
  const scopeKind = parseEnum("--scope", ScopeKind, opts.scope);
  const scopeData = opts.scopeData === undefined ? ZERO_HASH : parseHash("--scope-data", opts.scopeData, { allowZero: true });
  if ((scopeKind === ScopeKind.WHOLE) !== (scopeData === ZERO_HASH)) {
    throw new InputError(
      scopeKind === ScopeKind.WHOLE ? "--scope-data: a WHOLE grant has no scope code" : "--scope-data: a DOMAIN or SCENARIO grant needs its code's hash",
      { argument: "--scope-data" },
    );
  }
  // Without --from the window starts at the chain's clock, filled in by `withStart` once connected.
  const validFrom = opts.from === undefined ? 0n : parseDate("--from", opts.from);
  const validUntil = parseDate("--until", opts.until);
  if (opts.from !== undefined && validUntil <= validFrom) throw new InputError("--until: the window must end after it starts (--from)", { argument: "--until" });
  return {
    grantee: parseAddress("--grantee", opts.grantee),
    assetId: assetId ?? parseId("--asset", opts.asset),
    rights: parseRights("--rights", opts.rights),
    scopeKind,
    scopeData,
    purposeHash: parseHash("--purpose", opts.purpose),
    usageMode: parseEnum("--usage", UsageMode, opts.usage),
    validFrom,
    validUntil,
    royaltyBps: parseBps("--royalty", opts.royalty),
  };
}

/** Terms with the window's start defaulted to the chain's clock when `--from` was not given. */
async function withStart(cli: CliContext, opts: TermsOptions, terms: GrantTerms): Promise<GrantTerms> {
  if (opts.from !== undefined) return terms;
  const now = await cli.chainTime();
  if (terms.validUntil <= now) {
    throw new InputError(`--until: the window must end after it starts: ${isoDate(terms.validUntil)} is not after now, ${isoDate(now)} on the chain's clock`, {
      argument: "--until",
    });
  }
  return { ...terms, validFrom: now };
}

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x + 64 hex digits");
const address = z.string().regex(HEX_ADDRESS, "must be an address");
const uint = z.union([z.string().regex(/^\d+$/, "must be a non-negative integer"), z.number().int().nonnegative()]).transform((v) => BigInt(v));

/** A signed grant as `grant sign` writes it and `grant submit-signed` reads it. */
const signedGrantSchema = z.object({
  type: z.literal("provenance.signed-grant"),
  chainId: z.number().int(),
  grantRegistry: address,
  grantor: address,
  deadline: uint,
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be hex"),
  terms: z.object({
    grantee: address,
    assetId: uint,
    rights: z.number().int().min(1).max(15),
    scopeKind: z.number().int().min(0).max(2),
    scopeData: hex32,
    purposeHash: hex32,
    usageMode: z.number().int().min(0).max(2),
    validFrom: uint,
    validUntil: uint,
    royaltyBps: z.number().int().min(0).max(10_000),
  }),
});

/** Grants: direct, EIP-712 signed and relayed, sub-grants; suspension, resumption, revocation; usage. */
export function registerGrants(program: Command, cli: CliContext): void {
  const grant = program.command("grant").description("authorization grants (GrantRegistry)");

  addTermsOptions(grant.command("create").description("grant rights on an asset, as its holder or a public-data authority"), true).action(
    async (opts: TermsOptions) => {
      const terms = await withStart(cli, opts, parseTerms(opts));
      await cli.send({ action: "grant create", contract: "GrantRegistry", functionName: "grant", args: [terms] });
    },
  );

  addTermsOptions(grant.command("sign").description("sign grant terms off chain (EIP-712) for anyone to relay; writes a file"), true)
    .option("--deadline <date>", "last moment the signature may be used (default: 24 hours on the chain's clock)")
    .requiredOption("--out <file>", "where to write the signed grant")
    .action(async (opts: TermsOptions & { deadline?: string; out: string }) => {
      const parsed = parseTerms(opts);
      const explicitDeadline = opts.deadline === undefined ? undefined : parseDate("--deadline", opts.deadline);
      const signer = await cli.signer();
      const terms = await withStart(cli, opts, parsed);
      const deadline = explicitDeadline ?? (await cli.chainTime()) + 86_400n;
      const { client, chainId, deployment } = await cli.connection();
      const registry = deployment.addresses.GrantRegistry;
      const nonce = (await client.readContract({ address: registry, abi: ABIS.GrantRegistry, functionName: "nonces", args: [signer.account.address] })) as bigint;
      const signature = await signer.wallet.signTypedData({
        account: signer.account,
        domain: grantEip712Domain(BigInt(chainId), registry),
        types: GRANT_EIP712_TYPES,
        primaryType: "Grant",
        message: { grantor: signer.account.address, ...terms, nonce, deadline },
      });
      const signed = { type: "provenance.signed-grant", chainId, grantRegistry: registry, grantor: signer.account.address, deadline, nonce, signature, terms };
      await cli.writeJsonFile(opts.out, signed);
      cli.result(
        { file: cli.path(opts.out), grantor: signer.account.address, nonce, deadline: isoDate(deadline) },
        `signed grant of asset ${terms.assetId} to ${terms.grantee} by ${signer.account.address} (nonce ${nonce}), to relay before ${isoDate(deadline)}, written to ${opts.out}`,
      );
    });

  grant
    .command("submit-signed")
    .description("relay a grant its grantor signed (anyone may relay)")
    .argument("<file>", "the file `grant sign` wrote")
    .action(async (file: string) => {
      const signed = parseWith(file, signedGrantSchema, await cli.readJsonFile(file, "signed grant"));
      const { chainId, deployment } = await cli.connection();
      if (signed.chainId !== chainId || signed.grantRegistry.toLowerCase() !== deployment.addresses.GrantRegistry.toLowerCase()) {
        throw new InputError(`${file}: signed for chain ${signed.chainId} registry ${signed.grantRegistry}, not this deployment`, { argument: "file" });
      }
      await cli.send({
        action: "grant submit-signed",
        contract: "GrantRegistry",
        functionName: "grantBySig",
        args: [signed.terms, signed.grantor, signed.deadline, signed.signature],
      });
    });

  addTermsOptions(
    grant
      .command("sub-grant")
      .description("sub-grant part of a grant you hold with SUBLICENSE (narrower only); its royalty is paid to you, on top of the royalties above")
      .argument("<parent>", "parent grant id"),
    false,
  ).action(async (parent: string, opts: TermsOptions) => {
    const parentId = parseId("parent", parent);
    // The asset is the parent's; the contract's GrantTerms still carries it.
    const parsed = parseTerms(opts, 1n);
    const { client, deployment } = await cli.connection();
    const termsWithoutAsset = await withStart(cli, opts, parsed);
    const parentGrant = (await client.readContract({ address: deployment.addresses.GrantRegistry, abi: ABIS.GrantRegistry, functionName: "grantCount" })) as bigint;
    if (parentId > parentGrant) throw new InputError(`parent: there is no grant ${parentId} (the last is ${parentGrant})`, { argument: "parent" });
    const record = (await client.readContract({ address: deployment.addresses.GrantRegistry, abi: ABIS.GrantRegistry, functionName: "getGrant", args: [parentId] })) as { assetId: bigint };
    await cli.send({ action: "grant sub-grant", contract: "GrantRegistry", functionName: "subGrant", args: [parentId, { ...termsWithoutAsset, assetId: record.assetId }] });
  });

  grant
    .command("show")
    .description("a grant: grantor, grantee, asset, rights, scope, usage mode, validity window, royalty, status")
    .argument("<grant>", "grant id")
    .action(async (raw: string) => {
      const grantId = parseId("grant", raw);
      const { client, deployment } = await cli.connection();
      const registry = { address: deployment.addresses.GrantRegistry, abi: ABIS.GrantRegistry };
      const count = (await client.readContract({ ...registry, functionName: "grantCount" })) as bigint;
      if (grantId > count) throw new InputError(`grant: there is no grant ${grantId} (the last is ${count})`, { argument: "grant" });
      const [record, valid, now] = await Promise.all([
        client.readContract({ ...registry, functionName: "getGrant", args: [grantId] }) as Promise<{
          grantor: Address; grantee: Address; assetId: bigint; parentId: bigint; depth: number; rights: number; scopeKind: number;
          scopeData: Hex; usageMode: number; validFrom: bigint; validUntil: bigint; royaltyBps: number; status: number;
        }>,
        client.readContract({ ...registry, functionName: "isValid", args: [grantId] }) as Promise<boolean>,
        cli.chainTime(),
      ]);
      const value = {
        grantId,
        grantor: record.grantor,
        grantee: record.grantee,
        assetId: record.assetId,
        parentId: record.parentId === 0n ? null : record.parentId,
        rights: rightsNames(record.rights),
        scope: enumName(ScopeKind, record.scopeKind),
        scopeData: record.scopeKind === ScopeKind.WHOLE ? null : record.scopeData,
        usage: enumName(UsageMode, record.usageMode),
        validFrom: isoDate(record.validFrom),
        validUntil: isoDate(record.validUntil),
        royaltyBps: record.royaltyBps,
        status: enumName(GrantStatus, record.status),
        validNow: valid,
      };
      cli.result(
        value,
        [
          `grant #${grantId}${value.parentId === null ? "" : ` (sub-grant of #${value.parentId})`} on asset ${record.assetId}: ${value.status}${valid ? ", valid now" : ", not valid now"}`,
          `  ${record.grantor} -> ${record.grantee}`,
          `  rights ${value.rights.join(", ")}; scope ${value.scope}${value.scopeData === null ? "" : ` ${value.scopeData}`}; usage ${value.usage}; royalty ${record.royaltyBps} bps`,
          `  from ${dateFromNow(record.validFrom, now)} until ${dateFromNow(record.validUntil, now)}`,
        ].join("\n"),
      );
    });

  for (const [name, functionName, who] of [
    ["suspend", "suspend", "suspend a grant and every sub-grant below it"],
    ["resume", "resume", "resume a suspended grant (only an arbitrator, once an arbitrator suspended it)"],
    ["revoke", "revoke", "revoke a grant for good, and every sub-grant below it"],
  ] as const) {
    grant
      .command(name)
      .description(`${who} (its grantor or an arbitrator)`)
      .argument("<grant>", "grant id")
      .argument("<reason-hash>", "hash of the reasons")
      .action(async (grantId: string, reasonHash: string) => {
        await cli.send({ action: `grant ${name}`, contract: "GrantRegistry", functionName, args: [parseId("grant", grantId), parseHash("reason-hash", reasonHash)] });
      });
  }

  grant
    .command("usage")
    .description("record a usage receipt against a grant (its grantee)")
    .argument("<grant>", "grant id")
    .argument("<units>", "metered units used (positive)")
    .argument("<period-start>", "ISO 8601 or unix seconds")
    .argument("<period-end>", "ISO 8601 or unix seconds; over, inside the grant's window")
    .argument("<evidence-hash>", "hash of the metering evidence")
    .action(async (grantId: string, units: string, start: string, end: string, evidenceHash: string) => {
      const unitsValue = parseUint("units", units, 64);
      if (unitsValue === 0n) throw new InputError("units: must be more than zero", { argument: "units" });
      const periodStart = parseDate("period-start", start);
      const periodEnd = parseDate("period-end", end);
      if (periodEnd <= periodStart) throw new InputError("period-end: must be after period-start", { argument: "period-end" });
      await cli.send({
        action: "grant usage",
        contract: "GrantRegistry",
        functionName: "recordUsage",
        args: [parseId("grant", grantId), unitsValue, periodStart, periodEnd, parseHash("evidence-hash", evidenceHash)],
      });
    });
}
