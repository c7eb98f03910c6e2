import type { Command } from "commander";
import type { Address, Hex } from "viem";

import { escrowAccount } from "../../ledger/split/index.js";
import { DisputeKind, DisputeStatus, enumName, Remedy } from "../../ledger/types.js";
import type { CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { readPostedSettlement, recomputeSettlement } from "../postedSettlement.js";
import { knownRefusal } from "../refusals.js";
import { parseSettlementFile, type Leaf } from "../settlementFile.js";
import { dateFromNow, isoDate } from "../time.js";
import { checkUnits, formatToken, settlementToken } from "../token.js";
import { ABIS, type EmittedEvent, type TxResult } from "../tx.js";
import { enumChoices, parseAddress, parseAmount, parseDecimals, parseEnum, parseHash, parseId, parseText, parseUint } from "../validate.js";
import { ensureAllowance } from "./revenue.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/**
 * The remedies each kind of dispute admits, as `DisputeCourt._allows` decides (DISMISS: every kind): what
 * `dispute rule` lists in `--help`, checks before sending, and names when it refuses one.
 */
const REMEDIES_BY_KIND: Readonly<Record<DisputeKind, readonly Remedy[]>> = {
  [DisputeKind.OBJECTION]: [Remedy.DISMISS, Remedy.UPHOLD, Remedy.REVOKE_CERTIFICATE, Remedy.TRANSFER_HOLDING],
  [DisputeKind.GRANT]: [Remedy.DISMISS, Remedy.UPHOLD, Remedy.REVOKE_GRANT],
  [DisputeKind.CONTRIBUTION]: [Remedy.DISMISS, Remedy.VOID_CONTRIBUTION, Remedy.ADJUST_CONTRIBUTION],
  [DisputeKind.SETTLEMENT]: [Remedy.DISMISS, Remedy.REJECT_SETTLEMENT],
  [DisputeKind.POLICY]: [Remedy.DISMISS, Remedy.UPHOLD],
};

/** The names of the remedies a kind of dispute is ruled with. */
export function remediesOf(kind: number): string[] {
  return (REMEDIES_BY_KIND[kind as DisputeKind] ?? []).map((remedy) => enumName(Remedy, remedy));
}

/** "OBJECTION: DISMISS, UPHOLD, …; GRANT: …": the rulings by kind, for `--help`. */
const RULINGS_HELP = Object.entries(DisputeKind)
  .map(([name, kind]) => `${name}: ${remediesOf(kind).join(", ")}`)
  .join("; ");

/** The kinds where a third party names its own standing (`standingId`): a contribution of its own, or a parent it holds. */
const STANDING_KINDS: ReadonlySet<number> = new Set([DisputeKind.CONTRIBUTION, DisputeKind.SETTLEMENT, DisputeKind.POLICY]);

/** A dispute as `IDisputeCourt.dispute` returns it. */
interface CourtDispute {
  kind: number;
  status: number;
  remedy: number;
  assetId: bigint;
  subjectId: bigint;
  claimant: Address;
  respondent: Address;
  bond: bigint;
  answerEndsAt: bigint;
  rulingDeadline: bigint;
}


function court(cli: CliContext) {
  return cli.connection().then(({ client, deployment }) => ({
    client,
    read: <T>(functionName: string, args: readonly unknown[] = []) =>
      client.readContract({ address: deployment.addresses.DisputeCourt, abi: ABIS.DisputeCourt, functionName, args }) as Promise<T>,
    address: deployment.addresses.DisputeCourt,
  }));
}

/** The dispute `disputeId`, or bad input naming the argument when there is none. */
async function readDispute(cli: CliContext, disputeId: bigint, argument = "dispute"): Promise<CourtDispute> {
  const { read } = await court(cli);
  const count = await read<bigint>("disputeCount");
  if (disputeId > count) throw new InputError(`${argument}: there is no dispute ${disputeId} (the last is ${count})`, { argument });
  return read<CourtDispute>("dispute", [disputeId]);
}

const eventOf = (result: TxResult, name: string): EmittedEvent | undefined => result.events.find((e) => e.eventName === name);

export interface OpenDisputeInput {
  action: string;
  kind: number;
  assetId: bigint;
  subjectId: bigint;
  standingId: bigint;
  /** The bond in the token's smallest unit; undefined: the court's minimum for the kind. */
  bond: bigint | undefined;
  groundsHash: Hex;
  groundsURI: string;
}

/**
 * Opens a dispute: the bond defaults to the court's minimum for the kind, a bond below it and a dispute the
 * claimant may not open again are refused before the court is approved, then the court is approved for
 * the bond (when short) and the dispute opened. Prints the dispute, its bond and its deadlines.
 */
export async function openDispute(cli: CliContext, input: OpenDisputeInput): Promise<TxResult> {
  const signer = cli.account().account.address;
  const { read, address } = await court(cli);
  const token = await settlementToken(cli);
  const kindName = enumName(DisputeKind, input.kind);
  const minimum = await read<bigint>("minimumBond", [input.kind]);
  const bond = input.bond ?? minimum;
  if (bond < minimum) {
    throw new InputError(`--bond: ${formatToken(bond, token)} is below the court's minimum bond for a ${kindName} dispute, ${formatToken(minimum, token)}`, {
      argument: "--bond",
      minimumBond: minimum,
    });
  }
  if (input.kind === DisputeKind.OBJECTION) {
    // Anyone may object but the asset's holder (before issue, its applicant): said before the court is approved.
    const { client, deployment } = await cli.connection();
    const registry = { address: deployment.addresses.AssetRegistry, abi: ABIS.AssetRegistry };
    const count = (await client.readContract({ ...registry, functionName: "assetCount" })) as bigint;
    if (input.assetId > count) throw new InputError(`asset: there is no asset ${input.assetId} (the last is ${count})`, { argument: "asset" });
    const holder = (await client.readContract({ ...registry, functionName: "holderOf", args: [input.assetId] })) as Address;
    if (holder.toLowerCase() === signer.toLowerCase()) throw knownRefusal(input.action, "DisputeCourtSelfDispute", { account: signer });
  }
  const [openDisputeId, repeatBarred] = await read<readonly [bigint, boolean]>("claimState", [signer, input.kind, input.assetId, input.subjectId]);
  if (openDisputeId !== 0n) {
    throw knownRefusal(input.action, "DisputeCourtAlreadyDisputed", { disputeId: openDisputeId });
  }
  if (repeatBarred) {
    throw knownRefusal(input.action, "DisputeCourtRepeatNotAllowed", { kind: input.kind, assetId: input.assetId, subjectId: input.subjectId });
  }
  const approval = await ensureAllowance(cli, address, bond, input.action);
  const args = [input.kind, input.assetId, input.subjectId, input.standingId, bond, input.groundsHash, input.groundsURI];
  const result = await cli.send({ action: input.action, contract: "DisputeCourt", functionName: "openDispute", args }, { print: false, before: approval });
  const disputeId = result.ids.disputeId?.[0];
  const opened = disputeId === undefined ? undefined : await read<CourtDispute>("dispute", [disputeId]);
  const now = await cli.chainTime();
  const objectionId = eventOf(result, "ObjectionFiled")?.args.objectionId;
  const lines: string[] = [];
  if (opened !== undefined) {
    lines.push(
      `dispute #${disputeId}: ${kindName} on asset ${opened.assetId}${objectionId === undefined ? "" : ` (objection #${String(objectionId)})`}`,
      `respondent: ${opened.respondent === ZERO_ADDRESS ? "none (a holder disputes the ledger's own settlement)" : opened.respondent}`,
      `bond: ${formatToken(opened.bond, token)} held by the court until the ruling (returned, or forfeited to the respondent if dismissed as unfounded)`,
      `no ruling before ${dateFromNow(opened.answerEndsAt, now)} (the respondent's time to answer); ruling deadline ${dateFromNow(opened.rulingDeadline, now)}`,
    );
  }
  cli.printTx(result, approval, {
    lines,
    fields:
      opened === undefined
        ? {}
        : {
            dispute: {
              disputeId,
              respondent: opened.respondent,
              bond: opened.bond,
              answerEndsAt: isoDate(opened.answerEndsAt),
              rulingDeadline: isoDate(opened.rulingDeadline),
            },
          },
  });
  return result;
}

/** The escrow leaf of a dispute in a settlement: from a settlement file, or recomputed from chain data. */
async function escrowLeafOf(cli: CliContext, disputeId: bigint, assetId: bigint, opts: { proof?: string; epoch?: string }): Promise<{ epochId: bigint; leaf: Leaf }> {
  const escrow = escrowAccount(disputeId).toLowerCase();
  if (opts.proof !== undefined) {
    const file = parseSettlementFile(opts.proof, await cli.readJsonFile(opts.proof, "--proof"));
    const epochId = opts.epoch !== undefined ? parseId("--epoch", opts.epoch) : file.epochId !== undefined ? BigInt(file.epochId) : undefined;
    if (epochId === undefined) throw new InputError(`--proof: ${opts.proof} has no epoch id (pass --epoch)`, { argument: "--epoch" });
    if (BigInt(file.productId) !== assetId) {
      throw new InputError(`--proof: ${opts.proof} settles product ${file.productId}; dispute ${disputeId} is on product ${assetId}`, { argument: "--proof" });
    }
    const leaf = file.parsedLeaves.find((l) => l.account === escrow);
    if (leaf === undefined) throw new InputError(`--proof: ${opts.proof} has no escrow leaf for dispute ${disputeId} (${escrow})`, { argument: "--proof" });
    return { epochId, leaf };
  }
  if (opts.epoch === undefined) throw new InputError("--epoch: name the settlement whose escrow leaf to release (or pass --proof <settlement file>)", { argument: "--epoch" });
  const epochId = parseId("--epoch", opts.epoch);
  const connection = await cli.connection();
  const posted = await readPostedSettlement(connection, epochId, "--epoch");
  if (posted.productId !== assetId) {
    throw new InputError(`--epoch: settlement ${epochId} is of product ${posted.productId}; dispute ${disputeId} is on product ${assetId}`, { argument: "--epoch" });
  }
  const proposal = await recomputeSettlement(connection, posted, cli.io.stderr);
  if (proposal.merkleRoot.toLowerCase() !== posted.merkleRoot.toLowerCase()) {
    throw new FailureError(`settlement ${epochId}: the split recomputed from chain data does not reproduce its Merkle root (see \`provenance verify split\`); pass --proof with the settler's file`, { epochId });
  }
  const claim = proposal.tree.claim(escrow as Address);
  if (claim === undefined) throw new InputError(`--epoch: settlement ${epochId} holds no escrow leaf for dispute ${disputeId}`, { argument: "--epoch" });
  return { epochId, leaf: { index: claim.index, account: claim.account, amount: claim.amount, proof: claim.proof } };
}

/** The dispute court: open (with a bond), add evidence, rule, lapse, allow a repeat, withdraw bonds, release escrow. */
export function registerDisputes(program: Command, cli: CliContext): void {
  const dispute = program
    .command("dispute")
    .description("disputes (DisputeCourt): every dispute costs a bond; objections are disputes of kind OBJECTION");

  dispute
    .command("open")
    .description(
      "open a dispute on an asset (a live party with standing), paying a bond (approves the court when needed); prints the dispute id",
    )
    .argument("<kind>", enumChoices(DisputeKind).join(", "))
    .argument("<asset>", "asset id")
    .argument("<subject>", "grant id, contribution id, epoch id or policy version (0 for OBJECTION: the objection is filed now)")
    .requiredOption("--grounds-hash <hash>", "hash of the grounds")
    .option("--grounds-uri <uri>", "where the grounds are", "")
    .option(
      "--standing <id>",
      "a third party's standing: your own contribution id on the product (CONTRIBUTION, SETTLEMENT, POLICY) or a parent asset of it you hold (SETTLEMENT)",
      "0",
    )
    .option("--bond <amount>", "the bond in the settlement token (default: the court's minimum for the kind, see `dispute settings`)")
    .option("--units <decimals>", "the token's decimals, to give the bond as a decimal (100.00 with --units 2)")
    .action(async (kind: string, asset: string, subject: string, opts: { groundsHash: string; groundsUri: string; standing: string; bond?: string; units?: string }) => {
      const disputeKind = parseEnum("kind", DisputeKind, kind);
      const units = parseDecimals("--units", opts.units);
      const subjectId = parseUint("subject", subject);
      if (disputeKind === DisputeKind.OBJECTION && subjectId !== 0n) {
        throw new InputError("subject: an OBJECTION dispute files its objection now: pass 0", { argument: "subject" });
      }
      const standingId = parseUint("--standing", opts.standing);
      if (standingId !== 0n && !STANDING_KINDS.has(disputeKind)) {
        throw new InputError(`--standing: only a CONTRIBUTION, SETTLEMENT or POLICY dispute names a standing, not ${enumName(DisputeKind, disputeKind)}`, { argument: "--standing" });
      }
      const input = {
        action: "dispute open",
        kind: disputeKind,
        assetId: parseId("asset", asset),
        subjectId,
        standingId,
        bond: opts.bond === undefined ? undefined : parseAmount("--bond", opts.bond, units),
        groundsHash: parseHash("--grounds-hash", opts.groundsHash),
        groundsURI: parseText("--grounds-uri", opts.groundsUri),
      };
      await checkUnits(cli, units);
      await openDispute(cli, input);
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
    .description("rule on an open dispute after the respondent's time to answer, and carry out the remedy (arbitrator); the only way an objection is resolved")
    .argument("<dispute>", "dispute id")
    .argument("<remedy>", `the ruling, by the dispute's kind: ${RULINGS_HELP}`)
    .requiredOption("--ruling-hash <hash>", "hash of the ruling")
    .option("--ruling-uri <uri>", "where the ruling is published", "")
    .option("--adjusted-measure <n>", "the new measure (ADJUST_CONTRIBUTION)")
    .option("--transfer-to <address>", "the new holder (TRANSFER_HOLDING)")
    .option("--forfeit-bond", "with DISMISS only: the claim was unfounded, the claimant's bond goes to the respondent (without one: to the product's revenue)", false)
    .action(async (id: string, remedyName: string, opts: { rulingHash: string; rulingUri: string; adjustedMeasure?: string; transferTo?: string; forfeitBond: boolean }) => {
      const disputeId = parseId("dispute", id);
      const remedy = parseEnum("remedy", Remedy, remedyName);
      const adjusting = remedy === Remedy.ADJUST_CONTRIBUTION;
      const transferring = remedy === Remedy.TRANSFER_HOLDING;
      if (adjusting !== (opts.adjustedMeasure !== undefined)) {
        throw new InputError(adjusting ? "--adjusted-measure: ADJUST_CONTRIBUTION needs the new measure" : "--adjusted-measure: only with ADJUST_CONTRIBUTION", { argument: "--adjusted-measure" });
      }
      if (transferring !== (opts.transferTo !== undefined)) {
        throw new InputError(transferring ? "--transfer-to: TRANSFER_HOLDING needs the new holder" : "--transfer-to: only with TRANSFER_HOLDING", { argument: "--transfer-to" });
      }
      if (opts.forfeitBond && remedy !== Remedy.DISMISS) {
        throw new InputError("--forfeit-bond: only with DISMISS (a claim dismissed as unfounded)", { argument: "--forfeit-bond" });
      }
      const adjustedMeasure = opts.adjustedMeasure === undefined ? 0n : parseUint("--adjusted-measure", opts.adjustedMeasure);
      if (adjusting && adjustedMeasure === 0n) throw new InputError("--adjusted-measure: must be more than zero", { argument: "--adjusted-measure" });
      const ruling = {
        remedy,
        adjustedMeasure,
        transferTo: opts.transferTo === undefined ? ZERO_ADDRESS : parseAddress("--transfer-to", opts.transferTo),
        forfeitBond: opts.forfeitBond,
        rulingHash: parseHash("--ruling-hash", opts.rulingHash),
        rulingURI: parseText("--ruling-uri", opts.rulingUri),
      };
      const record = await readDispute(cli, disputeId);
      if (!REMEDIES_BY_KIND[record.kind as DisputeKind]?.includes(remedy)) {
        const kindName = enumName(DisputeKind, record.kind);
        throw new InputError(`remedy: ${enumName(Remedy, remedy)} is not a remedy of a ${kindName} dispute: rule it ${remediesOf(record.kind).join(", ")}`, {
          argument: "remedy",
          allowed: remediesOf(record.kind),
        });
      }

      const result = await cli.send({ action: "dispute rule", contract: "DisputeCourt", functionName: "rule", args: [disputeId, ruling] }, { print: false });
      const token = await settlementToken(cli);
      const lines: string[] = [];
      const credited = eventOf(result, "BondCredited");
      if (credited !== undefined) {
        lines.push(`bond: ${formatToken(credited.args.amount as bigint, token)} credited to ${String(credited.args.account)} (withdraw it with \`provenance dispute withdraw-bond\`)`);
      }
      const deposited = eventOf(result, "BondDeposited");
      if (deposited !== undefined) {
        lines.push(
          `bond: ${formatToken(deposited.args.amount as bigint, token)} forfeited and deposited as revenue of product ${String(deposited.args.productId)} (deposit ${String(deposited.args.depositId)}): the dispute had no respondent`,
        );
      }
      if (record.kind === DisputeKind.CONTRIBUTION) {
        lines.push(`escrow held for this contribution in settlements is released with \`provenance dispute release-escrow ${disputeId} --epoch <settlement>\``);
      }
      cli.printTx(result, undefined, { lines });
    });

  dispute
    .command("lapse")
    .description("close a dispute whose ruling deadline passed without a ruling (anyone): a dismissal, the bond credited back to the claimant")
    .argument("<dispute>", "dispute id")
    .action(async (id: string) => {
      await cli.send({ action: "dispute lapse", contract: "DisputeCourt", functionName: "lapse", args: [parseId("dispute", id)] });
    });

  dispute
    .command("allow-repeat")
    .description("let the claimant of a ruled or lapsed dispute open another on the same subject (arbitrator)")
    .argument("<dispute>", "dispute id")
    .action(async (id: string) => {
      await cli.send({ action: "dispute allow-repeat", contract: "DisputeCourt", functionName: "allowRepeat", args: [parseId("dispute", id)] });
    });

  dispute
    .command("withdraw-bond")
    .description("withdraw the bonds credited to you (returned, or forfeited to you as a respondent); bonds are never sent unasked")
    .option("--to <address>", "who is paid (default: you)")
    .option("--for <account>", "the account the bonds were credited to, when it is a predecessor you succeeded (default: you)")
    .action(async (opts: { to?: string; for?: string }) => {
      const signer = cli.account().account.address;
      const account = opts.for === undefined ? signer : parseAddress("--for", opts.for);
      const recipient = opts.to === undefined ? signer : parseAddress("--to", opts.to);
      const { read } = await court(cli);
      const credit = await read<bigint>("bondCredit", [account]);
      if (credit === 0n) throw knownRefusal("dispute withdraw-bond", "DisputeCourtNothingToWithdraw", { account });
      const result = await cli.send({ action: "dispute withdraw-bond", contract: "DisputeCourt", functionName: "withdrawBond", args: [account, recipient] }, { print: false });
      const withdrawn = (eventOf(result, "BondWithdrawn")?.args.amount as bigint | undefined) ?? credit;
      cli.printTx(result, undefined, { lines: [`withdrew ${formatToken(withdrawn, await settlementToken(cli))} to ${recipient}`], fields: { amount: withdrawn, recipient } });
    });

  dispute
    .command("release-escrow")
    .description(
      "release a ruled or lapsed contribution dispute's escrow leaf of a settlement, as the outcome says: DISMISS or LAPSED, all to the " +
        "contributor (anyone); VOID_CONTRIBUTION, all back to the product's unsettled revenue (anyone); ADJUST_CONTRIBUTION, the arbitrator's " +
        "--contributor-part to the contributor and the rest back to unsettled revenue",
    )
    .argument("<dispute>", "dispute id")
    .option("--epoch <id>", "the settlement whose escrow leaf to release (its leaf and proof are recomputed from chain data)")
    .option("--proof <file>", "a settlement file holding the escrow leaf, instead of recomputing it")
    .option("--contributor-part <amount>", "ADJUST_CONTRIBUTION only: the contributor's part of the leaf under the adjusted measure")
    .option("--units <decimals>", "the token's decimals, to give --contributor-part as a decimal")
    .action(async (id: string, opts: { epoch?: string; proof?: string; contributorPart?: string; units?: string }) => {
      const disputeId = parseId("dispute", id);
      const decimals = parseDecimals("--units", opts.units);
      const givenPart = opts.contributorPart === undefined ? undefined : parseAmount("--contributor-part", opts.contributorPart, decimals, { allowZero: true });
      if (opts.proof === undefined && opts.epoch === undefined) {
        throw new InputError("--epoch: name the settlement whose escrow leaf to release (or pass --proof <settlement file>)", { argument: "--epoch" });
      }
      await checkUnits(cli, decimals);
      const record = await readDispute(cli, disputeId);
      if (record.kind !== DisputeKind.CONTRIBUTION) {
        throw new InputError(`dispute: dispute ${disputeId} is a ${enumName(DisputeKind, record.kind)} dispute; only contribution disputes hold escrow`, { argument: "dispute" });
      }
      if (record.status === DisputeStatus.OPEN) {
        throw knownRefusal("dispute release-escrow", "DisputeCourtStillOpen", { disputeId });
      }
      const { epochId, leaf } = await escrowLeafOf(cli, disputeId, record.assetId, opts);
      let contributorPart: bigint;
      const outcome = record.status === DisputeStatus.LAPSED ? "LAPSED" : enumName(Remedy, record.remedy);
      if (record.remedy === Remedy.ADJUST_CONTRIBUTION) {
        if (givenPart === undefined) {
          throw new InputError(`--contributor-part: dispute ${disputeId} was ruled ADJUST_CONTRIBUTION: give the contributor's part of the leaf's ${leaf.amount} (the rest returns to unsettled revenue)`, {
            argument: "--contributor-part",
          });
        }
        if (givenPart > leaf.amount) throw new InputError(`--contributor-part: ${givenPart} is more than the escrow leaf's ${leaf.amount}`, { argument: "--contributor-part" });
        contributorPart = givenPart;
      } else {
        contributorPart = record.remedy === Remedy.VOID_CONTRIBUTION ? 0n : leaf.amount;
        if (givenPart !== undefined && givenPart !== contributorPart) {
          throw new InputError(
            `--contributor-part: dispute ${disputeId} ended ${outcome}, which pays the contributor ${contributorPart === 0n ? "nothing" : "the whole leaf"} (${contributorPart}); only an ADJUST_CONTRIBUTION ruling takes a part`,
            { argument: "--contributor-part" },
          );
        }
      }
      const args = [disputeId, epochId, leaf.index, leaf.amount, leaf.proof, contributorPart];
      const result = await cli.send({ action: "dispute release-escrow", contract: "DisputeCourt", functionName: "releaseEscrow", args }, { print: false });
      const token = await settlementToken(cli);
      const released = eventOf(result, "EscrowReleased")?.args;
      const paid = (released?.paid as bigint | undefined) ?? contributorPart;
      const returned = (released?.returned as bigint | undefined) ?? leaf.amount - contributorPart;
      const recipient = released?.recipient as string | undefined;
      const lines = [
        `escrow leaf ${leaf.index} of settlement ${epochId}, ${formatToken(leaf.amount, token)}, released as dispute ${disputeId} ended (${outcome}):`,
        `  paid ${formatToken(paid, token)}${paid > 0n && recipient !== undefined ? ` to the contributor ${recipient}` : ""}`,
        `  returned ${formatToken(returned, token)} to product ${record.assetId}'s unsettled revenue${returned > 0n ? " (settled again by the next settlement)" : ""}`,
      ];
      cli.printTx(result, undefined, { lines, fields: { release: { epochId, index: leaf.index, amount: leaf.amount, recipient: recipient ?? null, paid, returned } } });
    });

  dispute
    .command("show")
    .description("a dispute: kind, parties, bond, answer period, ruling deadline, outcome")
    .argument("<dispute>", "dispute id")
    .action(async (id: string) => {
      const disputeId = parseId("dispute", id);
      const record = await readDispute(cli, disputeId);
      const { read } = await court(cli);
      const token = await settlementToken(cli);
      const credits = await Promise.all(
        [record.claimant, record.respondent].filter((a) => a !== ZERO_ADDRESS).map(async (account) => ({ account, credit: await read<bigint>("bondCredit", [account]) })),
      );
      const now = await cli.chainTime();
      const open = record.status === DisputeStatus.OPEN;
      const value = {
        disputeId,
        kind: enumName(DisputeKind, record.kind),
        status: enumName(DisputeStatus, record.status),
        // The ruling's remedy, in the names `dispute rule` takes; none while open (a lapse is a DISMISS).
        remedy: open ? null : enumName(Remedy, record.remedy),
        assetId: record.assetId,
        subjectId: record.subjectId,
        claimant: record.claimant,
        respondent: record.respondent === ZERO_ADDRESS ? null : record.respondent,
        bond: record.bond,
        answerEndsAt: isoDate(record.answerEndsAt),
        rulingDeadline: isoDate(record.rulingDeadline),
        chainTime: isoDate(now),
        bondCredits: credits,
      };
      const outcome = record.status === DisputeStatus.RULED ? `, ruled ${value.remedy}` : record.status === DisputeStatus.LAPSED ? " (no ruling before the deadline)" : "";
      cli.result(
        value,
        [
          `dispute #${disputeId}: ${value.kind} on asset ${record.assetId}, subject ${record.subjectId}: ${value.status}${outcome}`,
          `  claimant ${record.claimant}; respondent ${value.respondent ?? "none"}`,
          `  bond held by the court ${formatToken(record.bond, token)}`,
          ...(open
            ? [
                `  respondent's time to answer: until ${dateFromNow(record.answerEndsAt, now)} (no ruling before)`,
                `  ruling deadline: ${dateFromNow(record.rulingDeadline, now)} (then anyone may lapse it); rulings of a ${value.kind} dispute: ${remediesOf(record.kind).join(", ")}`,
              ]
            : []),
          ...credits.filter((c) => c.credit > 0n).map((c) => `  bonds credited to ${c.account}, not yet withdrawn: ${formatToken(c.credit, token)}`),
        ].join("\n"),
      );
    });

  dispute
    .command("settings")
    .description("the court's rules in force: the minimum bond of each kind, the answer period, the ruling period")
    .action(async () => {
      const { read } = await court(cli);
      const token = await settlementToken(cli);
      const [answerPeriod, rulingPeriod] = await Promise.all([read<number>("answerPeriod"), read<number>("rulingPeriod")]);
      const minimumBonds = Object.fromEntries(
        await Promise.all(Object.entries(DisputeKind).map(async ([name, kind]) => [name, await read<bigint>("minimumBond", [kind])] as const)),
      );
      const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
      const hours = (seconds: number) =>
        seconds % 86_400 === 0 ? plural(seconds / 86_400, "day") : seconds % 3_600 === 0 ? plural(seconds / 3_600, "hour") : `${seconds} s`;
      cli.result(
        { bondToken: token.address, answerPeriod, rulingPeriod, minimumBonds },
        [
          `bonds are paid in ${token.symbol ?? "the settlement token"} ${token.address}`,
          ...Object.entries(minimumBonds).map(([name, amount]) => `  minimum bond, ${name}: ${formatToken(amount, token)}`),
          `respondent's time to answer before any ruling: ${hours(answerPeriod)}`,
          `ruling period (then the dispute may lapse): ${hours(rulingPeriod)}`,
        ].join("\n"),
      );
    });
}
