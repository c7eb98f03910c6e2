import type { Command } from "commander";

import { escrowAccount } from "../../../ledger/split/index.js";
import { DisputeKind, Remedy } from "../../../ledger/types.js";
import type { CliContext } from "../context.js";
import { InputError } from "../io.js";
import { parseSettlementFile } from "../settlementFile.js";
import { ABIS } from "../tx.js";
import { parseAddress, parseAmount, parseDecimals, parseEnum, parseHash, parseId, parseText, parseUint } from "../validate.js";
import { ensureAllowance } from "./revenue.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Remedies by the dispute kinds they apply to (DISMISS and UPHOLD to every kind), checked on chain too. */
const REMEDY_KINDS: Partial<Record<number, number>> = {
  [Remedy.REVOKE_CERTIFICATE]: DisputeKind.OBJECTION,
  [Remedy.TRANSFER_HOLDING]: DisputeKind.OBJECTION,
  [Remedy.REVOKE_GRANT]: DisputeKind.GRANT,
  [Remedy.VOID_CONTRIBUTION]: DisputeKind.CONTRIBUTION,
  [Remedy.ADJUST_CONTRIBUTION]: DisputeKind.CONTRIBUTION,
  [Remedy.REJECT_SETTLEMENT]: DisputeKind.SETTLEMENT,
};

/** The dispute court: open, add evidence, rule, lapse, release escrow. */
export function registerDisputes(program: Command, cli: CliContext): void {
  const dispute = program.command("dispute").description("disputes (DisputeCourt)");

  dispute
    .command("open")
    .description("open a dispute on an asset (any live party); prints the dispute id")
    .argument("<kind>", Object.keys(DisputeKind).join(", "))
    .argument("<asset>", "asset id")
    .argument("<subject>", "grant id, contribution id, epoch id or policy version (0 for OBJECTION)")
    .requiredOption("--grounds-hash <hash>", "hash of the grounds")
    .option("--grounds-uri <uri>", "where the grounds are", "")
    .option("--bond <amount>", "a bond in the settlement token (approves the court when needed)", "0")
    .option("--units <decimals>", "the token's decimals, to give the bond as a decimal")
    .action(async (kind: string, asset: string, subject: string, opts: { groundsHash: string; groundsUri: string; bond: string; units?: string }) => {
      const disputeKind = parseEnum("kind", DisputeKind, kind);
      const subjectId = parseUint("subject", subject);
      if (disputeKind === DisputeKind.OBJECTION && subjectId !== 0n) {
        throw new InputError("subject: an OBJECTION dispute files its objection now: pass 0", { argument: "subject" });
      }
      const bond = parseAmount("--bond", opts.bond, parseDecimals("--units", opts.units), { allowZero: true });
      const args = [disputeKind, parseId("asset", asset), subjectId, bond, parseHash("--grounds-hash", opts.groundsHash), parseText("--grounds-uri", opts.groundsUri)];
      cli.account();
      const approval = bond > 0n ? await ensureAllowance(cli, (await cli.connection()).deployment.addresses.DisputeCourt, bond, "dispute open") : undefined;
      await cli.send({ action: "dispute open", contract: "DisputeCourt", functionName: "openDispute", args }, { before: approval });
    });

  dispute
    .command("evidence")
    .description("add evidence to an open dispute (its claimant or respondent)")
    .argument("<dispute>", "dispute id")
    .argument("<evidence-hash>", "hash of the evidence")
    .argument("[evidence-uri]", "where it is", "")
    .action(async (id: string, hash: string, uri: string) => {
      const args = [parseId("dispute", id), parseHash("evidence-hash", hash), parseText("evidence-uri", uri)];
      await cli.send({ action: "dispute evidence", contract: "DisputeCourt", functionName: "submitEvidence", args });
    });

  dispute
    .command("rule")
    .description("rule on an open dispute and carry out the remedy (arbitrator)")
    .argument("<dispute>", "dispute id")
    .argument("<remedy>", Object.keys(Remedy).filter((r) => r !== "NONE").join(", "))
    .requiredOption("--ruling-hash <hash>", "hash of the ruling")
    .option("--ruling-uri <uri>", "where the ruling is published", "")
    .option("--adjusted-measure <n>", "the new measure (ADJUST_CONTRIBUTION)")
    .option("--transfer-to <address>", "the new holder (TRANSFER_HOLDING)")
    .option("--forfeit-bond", "pay the claimant's bond to the respondent instead of returning it", false)
    .action(async (id: string, remedyName: string, opts: { rulingHash: string; rulingUri: string; adjustedMeasure?: string; transferTo?: string; forfeitBond: boolean }) => {
      const disputeId = parseId("dispute", id);
      const remedy = parseEnum("remedy", Remedy, remedyName);
      if (remedy === Remedy.NONE) throw new InputError("remedy: NONE is not a ruling", { argument: "remedy" });
      const adjusting = remedy === Remedy.ADJUST_CONTRIBUTION;
      const transferring = remedy === Remedy.TRANSFER_HOLDING;
      if (adjusting !== (opts.adjustedMeasure !== undefined)) {
        throw new InputError(adjusting ? "--adjusted-measure: ADJUST_CONTRIBUTION needs the new measure" : "--adjusted-measure: only with ADJUST_CONTRIBUTION", { argument: "--adjusted-measure" });
      }
      if (transferring !== (opts.transferTo !== undefined)) {
        throw new InputError(transferring ? "--transfer-to: TRANSFER_HOLDING needs the new holder" : "--transfer-to: only with TRANSFER_HOLDING", { argument: "--transfer-to" });
      }
      const adjustedMeasure = opts.adjustedMeasure === undefined ? 0n : parseUint("--adjusted-measure", opts.adjustedMeasure);
      if (adjusting && adjustedMeasure === 0n) throw new InputError("--adjusted-measure: must be more than zero", { argument: "--adjusted-measure" });
      const ruling = {
        remedy,
        adjustedMeasure,
        transferTo: opts.transferTo === undefined ? "0x0000000000000000000000000000000000000000" : parseAddress("--transfer-to", opts.transferTo),
        forfeitBond: opts.forfeitBond,
        rulingHash: parseHash("--ruling-hash", opts.rulingHash),
        rulingURI: parseText("--ruling-uri", opts.rulingUri),
      };
      const kindOfRemedy = REMEDY_KINDS[remedy];
      if (kindOfRemedy !== undefined) {
        const { client, deployment } = await cli.connection();
        const abi = ABIS.DisputeCourt;
        const count = (await client.readContract({ address: deployment.addresses.DisputeCourt, abi, functionName: "disputeCount" })) as bigint;
        if (disputeId > count) throw new InputError(`dispute: there is no dispute ${disputeId} (the last is ${count})`, { argument: "dispute" });
        const record = (await client.readContract({ address: deployment.addresses.DisputeCourt, abi, functionName: "dispute", args: [disputeId] })) as { kind: number };
        if (record.kind !== kindOfRemedy) {
          const name = (values: Record<string, number>, v: number) => Object.keys(values).find((k) => values[k] === v);
          throw new InputError(`remedy: ${remedyName.toUpperCase()} is not a remedy of a ${name(DisputeKind, record.kind)} dispute`, { argument: "remedy" });
        }
      }
      await cli.send({ action: "dispute rule", contract: "DisputeCourt", functionName: "rule", args: [disputeId, ruling] });
    });

  dispute
    .command("lapse")
    .description("close a dispute whose ruling deadline passed without a ruling (anyone)")
    .argument("<dispute>", "dispute id")
    .action(async (id: string) => {
      await cli.send({ action: "dispute lapse", contract: "DisputeCourt", functionName: "lapse", args: [parseId("dispute", id)] });
    });

  dispute
    .command("release-escrow")
    .description("pay out a ruled contribution dispute's escrow leaf of a settlement (arbitrator)")
    .argument("<dispute>", "dispute id")
    .requiredOption("--proof <file>", "the settlement file holding the escrow leaf")
    .option("--epoch <id>", "the epoch, when the file is not stamped")
    .requiredOption("--pay <address:amount>", "a recipient and its amount (smallest unit); repeatable, summing to the leaf", collect)
    .action(async (id: string, opts: { proof: string; epoch?: string; pay: string[] }) => {
      const disputeId = parseId("dispute", id);
      const payments = opts.pay.map((entry, i) => {
        const [address, amount, ...rest] = entry.split(":");
        if (address === undefined || amount === undefined || rest.length > 0) {
          throw new InputError(`--pay #${i + 1}: ${JSON.stringify(entry)} is not <address>:<amount>`, { argument: "--pay" });
        }
        return { address: parseAddress(`--pay #${i + 1} address`, address), amount: parseAmount(`--pay #${i + 1} amount`, amount, 0, { allowZero: true }) };
      });
      const file = parseSettlementFile(opts.proof, await cli.readJsonFile(opts.proof, "--proof"));
      const epochId = opts.epoch !== undefined ? parseId("--epoch", opts.epoch) : file.epochId !== undefined ? BigInt(file.epochId) : undefined;
      if (epochId === undefined) throw new InputError(`--proof: ${opts.proof} has no epoch id (pass --epoch)`, { argument: "--epoch" });
      const escrow = escrowAccount(disputeId).toLowerCase();
      const leaf = file.parsedLeaves.find((l) => l.account === escrow);
      if (leaf === undefined) throw new InputError(`--proof: ${opts.proof} has no escrow leaf for dispute ${disputeId} (${escrow})`, { argument: "--proof" });
      const total = payments.reduce((sum, p) => sum + p.amount, 0n);
      if (total !== leaf.amount) throw new InputError(`--pay: the amounts sum to ${total}, the escrow leaf holds ${leaf.amount}`, { argument: "--pay" });
      const args = [disputeId, epochId, leaf.index, leaf.amount, leaf.proof, payments.map((p) => p.address), payments.map((p) => p.amount)];
      await cli.send({ action: "dispute release-escrow", contract: "DisputeCourt", functionName: "releaseEscrow", args });
    });
}
