import type { Command } from "commander";

import {
  AssetKind,
  AssetStatus,
  Classification,
  DataCategory,
  DisputeKind,
  enumName,
  ReviewKind,
  TransferReason,
} from "../../ledger/types.js";
import type { CliContext } from "../context.js";
import { otherDeployment, uploadDocument, UPLOAD_WAIT_MS, type DocumentCollection, type UploadOutcome } from "../documentApi.js";
import { readCardFile, readValuationReportFile, type CheckedDocument } from "../documentFile.js";
import { FailureError, InputError } from "../io.js";
import { ApiUnavailable } from "../ledgerApi.js";
import { ABIS, type TxCall } from "../tx.js";
import { uploadLine } from "./cards.js";
import { dateFromNow, isoDate } from "../time.js";
import { checkUnits } from "../token.js";
import { enumChoices, parseAddress, parseAmount, parseDecimals, parseEnum, parseHash, parseId, parseText, parseUint } from "../validate.js";
import { openDispute, remediesOf } from "./disputes.js";

/** The choices `--help` lists: those {@link parseEnum} accepts, never a sentinel such as NONE. */
const names = (values: Record<string, number>, except: readonly string[] = []) => enumChoices(values, except).join(", ");

const collect = (value: string, previous: string[] = []) => [...previous, value];

const API_URL_HELP = "the ledger's HTTP API the document is uploaded to (env PROVENANCE_API_URL, default http://127.0.0.1:8080)";

/**
 * The URI recorded with a document given as a file: a name derived from its hash rather than a location.
 * The chain's record outlives any one API host (a localhost URL on chain would mislead every other reader);
 * whoever runs the ledger's API serves the document at `/cards/<hash>` (`/reports/<hash>`).
 */
const cardUriOf = (hash: string) => `provenance-card:${hash}`;
const reportUriOf = (hash: string) => `provenance-report:${hash}`;

/** A document that goes with a transaction: where it is uploaded after it, and how to upload it later. */
interface Attached {
  what: "card" | "valuation report";
  collection: DocumentCollection;
  checked: CheckedDocument<unknown>;
  /** The API's base URL; undefined with --no-upload. */
  apiBase: string | undefined;
  /** The command that uploads it later. */
  later: string;
}

/**
 * Sends the transaction that records a document's hash, then uploads the document, waiting until the API
 * has indexed the transaction. A failed upload leaves the transaction standing: the output says so and how to
 * upload later, and the command ends with exit 1 (its result already printed).
 */
async function sendWithDocument(cli: CliContext, call: TxCall, attached: Attached | undefined): Promise<void> {
  if (attached === undefined) {
    await cli.send(call);
    return;
  }
  const { what, checked } = attached;
  const result = await cli.send(call, { print: false });
  const lines = [`${what}: ${checked.file}, hash ${checked.hash}`];
  if (attached.apiBase === undefined) {
    lines.push(`not uploaded (--no-upload): upload it with \`${attached.later}\``);
    cli.printTx(result, undefined, { lines, fields: { document: { file: checked.file, hash: checked.hash, uploaded: false } } });
    return;
  }
  let outcome: UploadOutcome;
  try {
    const other = await otherDeployment(attached.apiBase, await cli.connection());
    outcome =
      other === undefined
        ? await uploadDocument(attached.apiBase, attached.collection, checked.hash, checked.canonical, UPLOAD_WAIT_MS)
        : { ok: false, url: attached.apiBase, reason: `the API is not this deployment's: ${other}` };
  } catch (error) {
    if (!(error instanceof ApiUnavailable)) throw error;
    outcome = { ok: false, url: attached.apiBase, reason: `cannot reach the API: ${error.message}` };
  }
  if (outcome.ok) lines.push(uploadLine(outcome, what));
  else lines.push(`NOT uploaded: ${outcome.reason}`, `upload it later with \`${attached.later}\``);
  const document = { file: checked.file, hash: checked.hash, uploaded: outcome.ok, url: outcome.url, ...(outcome.ok ? { status: outcome.status } : { reason: outcome.reason }) };
  cli.printTx(result, undefined, { lines, fields: { document } });
  if (!outcome.ok) {
    throw new FailureError(
      `${call.action}: the transaction stands (block ${result.blockNumber}), but the ${what} was not uploaded: ${outcome.reason}. Upload it later: ${attached.later}`,
      { transactionHash: result.transactionHash, document },
    ).afterOutput();
  }
}

/** `--api-url`/`--no-upload` as the upload's target, checked before anything is sent. */
function uploadTarget(cli: CliContext, opts: { upload: boolean; apiUrl?: string }): string | undefined {
  return opts.upload ? cli.apiUrl(opts.apiUrl).replace(/\/+$/, "") : undefined;
}

const laterCommand = (command: string, file: string, apiBase: string | undefined) =>
  `provenance ${command} ${file}${apiBase === undefined ? "" : ` --api-url ${apiBase}`}`;

/** A card naming a holder account other than `holder` says something the chain does not. */
function checkCardHolder(checked: CheckedDocument<{ rights: { holder: { account?: string | undefined } } }>, holder: string, whose: string): void {
  const named = checked.document.rights.holder.account;
  if (named !== undefined && named.toLowerCase() !== holder.toLowerCase()) {
    throw new InputError(`--card: ${checked.file} names ${named} as the holder (rights.holder.account), but ${whose} is ${holder}`, { argument: "--card", file: checked.file });
  }
}

/** Registration and the certificate's life: applicant, reviewer, registrar, holder and pledgee actions. */
export function registerAssets(program: Command, cli: CliContext): void {
  const asset = program.command("asset").description("registrations and certificates (AssetRegistry)");

  asset
    .command("apply")
    .description("file a first registration (any live party); prints the new asset id")
    .requiredOption("--kind <kind>", names(AssetKind))
    .requiredOption("--category <category>", names(DataCategory))
    .option("--classification <classification>", `${names(Classification, ["CORE"])} (core data is never registrable)`, "GENERAL")
    .requiredOption("--fingerprint <hash>", "hash of the data")
    .option("--card <file>", "the asset card document: checked against the schema, its hash recorded, uploaded to the API after the transaction")
    .option("--card-hash <hash>", "hash of the asset card, instead of --card")
    .option("--card-uri <uri>", "where the card is published (with --card, default provenance-card:<hash>)")
    .option("--parent <asset:grant>", "a parent of a product and the grant it is derived under (0: held); repeatable", collect)
    .option("--no-upload", "with --card: record the hash only (upload later with `provenance card upload`)")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (opts: {
      kind: string; category: string; classification: string; fingerprint: string; card?: string; cardHash?: string; cardUri?: string; parent?: string[];
      upload: boolean; apiUrl?: string;
    }) => {
      const parents = (opts.parent ?? []).map((link, i) => {
        const [assetId, grantId, ...rest] = link.split(":");
        if (assetId === undefined || grantId === undefined || rest.length > 0) {
          throw new InputError(`--parent #${i + 1}: ${JSON.stringify(link)} is not <asset id>:<grant id> (grant 0 when the applicant holds the parent)`, {
            argument: "--parent",
          });
        }
        return { assetId: parseId(`--parent #${i + 1} asset`, assetId), grantId: parseUint(`--parent #${i + 1} grant`, grantId) };
      });
      const application = {
        kind: parseEnum("--kind", AssetKind, opts.kind),
        category: parseEnum("--category", DataCategory, opts.category),
        classification: parseEnum("--classification", Classification, opts.classification, ["CORE"]),
        fingerprint: parseHash("--fingerprint", opts.fingerprint),
        parents,
      };
      if (application.classification === Classification.CORE) {
        throw new InputError("--classification: core data is never registrable (003 §3)", { argument: "--classification" });
      }
      if (application.kind === AssetKind.RESOURCE && parents.length > 0) {
        throw new InputError("--parent: a data resource has no parents; only a PRODUCT is derived", { argument: "--parent" });
      }
      if ((opts.card === undefined) === (opts.cardHash === undefined)) {
        throw new InputError("--card <file> or --card-hash <hash>: give the asset card one way, exactly", { argument: "--card" });
      }
      let card: Attached | undefined;
      let cardHash: string;
      let cardURI: string;
      if (opts.card === undefined) {
        if (opts.cardUri === undefined) throw new InputError("--card-uri: required with --card-hash (where the card is published)", { argument: "--card-uri" });
        cardHash = parseHash("--card-hash", opts.cardHash);
        cardURI = parseText("--card-uri", opts.cardUri);
      } else {
        const apiBase = uploadTarget(cli, opts);
        const checked = await readCardFile(cli, opts.card, "--card");
        // The applicant becomes the holder: a card naming someone else would contradict the record.
        checkCardHolder(checked, cli.account().account.address, "the applicant (the signing account)");
        cardHash = checked.hash;
        cardURI = opts.cardUri === undefined ? cardUriOf(checked.hash) : parseText("--card-uri", opts.cardUri);
        card = { what: "card", collection: "cards", checked, apiBase, later: laterCommand("card upload", opts.card, apiBase) };
      }
      const call = { action: "asset apply", contract: "AssetRegistry", functionName: "fileApplication", args: [{ ...application, cardHash, cardURI }] } as const;
      await sendWithDocument(cli, call, card);
    });

  asset
    .command("review")
    .description("attach a third-party review report (reviewer); prints the review id")
    .argument("<asset>", "asset id")
    .argument("<kind>", names(ReviewKind))
    .argument("[report-hash]", "hash of the report (or --report <file>)")
    .argument("[report-uri]", "where the report is", "")
    .option("--report <file>", "a VALUATION review's report document: checked against the valuation report schema, its hash recorded, uploaded after the transaction")
    .option("--report-uri <uri>", "with --report: where the report is (default provenance-report:<hash>)")
    .option("--no-upload", "with --report: record the hash only (upload later with `provenance asset upload-report`)")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (rawAsset: string, rawKind: string, reportHash: string | undefined, reportUri: string, opts: { report?: string; reportUri?: string; upload: boolean; apiUrl?: string }) => {
      const assetId = parseId("asset", rawAsset);
      const kind = parseEnum("kind", ReviewKind, rawKind);
      const call = (hash: string, uri: string) => ({ action: "asset review", contract: "AssetRegistry", functionName: "attachReview", args: [assetId, kind, hash, uri] }) as const;
      if (opts.report === undefined) {
        if (reportHash === undefined) throw new InputError("report-hash: required (or --report <file> for a VALUATION review)", { argument: "report-hash" });
        if (opts.reportUri !== undefined) throw new InputError("--report-uri: only with --report (otherwise the report URI is the argument after the hash)", { argument: "--report-uri" });
        await cli.send(call(parseHash("report-hash", reportHash), parseText("report-uri", reportUri)));
        return;
      }
      if (reportHash !== undefined) throw new InputError("report-hash and --report: give the report's hash or its file, not both (--report-uri for its URI)", { argument: "--report" });
      // Only a valuation report has a schema the ledger reads (its figure goes into the holder's ledger).
      if (kind !== ReviewKind.VALUATION) throw new InputError(`--report: only a VALUATION review's report is a document the ledger reads; for ${rawKind.toUpperCase()} give the report's hash`, { argument: "--report" });
      const apiBase = uploadTarget(cli, opts);
      const checked = await readValuationReportFile(cli, opts.report, "--report");
      if (BigInt(checked.document.assetId) !== assetId) {
        throw new InputError(`--report: ${opts.report} values asset ${checked.document.assetId}, not asset ${assetId}`, { argument: "--report", file: opts.report });
      }
      const uri = opts.reportUri === undefined ? reportUriOf(checked.hash) : parseText("--report-uri", opts.reportUri);
      await sendWithDocument(cli, call(checked.hash, uri), {
        what: "valuation report",
        collection: "reports",
        checked,
        apiBase,
        later: laterCommand("asset upload-report", opts.report, apiBase),
      });
    });

  asset
    .command("upload-report")
    .description("upload a valuation report document to the API: taken only when a review records its hash (asset review … VALUATION --report)")
    .argument("<file>", "the valuation report (JSON)")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (file: string, opts: { apiUrl?: string }) => {
      const checked = await readValuationReportFile(cli, file);
      const base = cli.apiUrl(opts.apiUrl).replace(/\/+$/, "");
      const outcome = await uploadDocument(base, "reports", checked.hash, checked.canonical);
      if (!outcome.ok) {
        const hint = outcome.status === 404 ? `; no review the API has indexed records ${checked.hash} (attach it with \`asset review <asset> VALUATION --report ${file}\` first)` : "";
        throw new FailureError(`asset upload-report: ${file} (hash ${checked.hash}) refused: ${outcome.reason}${hint}`, { file, hash: checked.hash, url: outcome.url });
      }
      cli.result({ file, hash: checked.hash, url: outcome.url, status: outcome.status, held: outcome.held, reviews: outcome.records }, uploadLine(outcome, "valuation report"));
    });

  const simple = (name: string, description: string, functionName: string, hashName?: string) => {
    const command = asset.command(name).description(description).argument("<asset>", "asset id");
    if (hashName !== undefined) command.argument(`<${hashName}>`, "hash of the supporting document (0x + 64 hex, or text:<label>)");
    command.action(async (assetId: string, hash?: string) => {
      const args: unknown[] = [parseId("asset", assetId)];
      if (hashName !== undefined) args.push(parseHash(hashName, hash));
      await cli.send({ action: `asset ${name}`, contract: "AssetRegistry", functionName, args });
    });
  };
  simple("accept", "accept an application and open its public-notice window (registrar)", "acceptApplication");
  simple("refuse", "refuse an application (registrar)", "refuseApplication", "reason-hash");
  simple("issue", "issue the certificate after the notice window (registrar)", "issueCertificate");
  simple("cancel", "cancellation registration (registrar)", "cancel", "reason-hash");
  simple("destroy", "record the destruction of a cancelled asset's data (registrar)", "recordDestruction", "report-hash");
  simple("release", "release a pledge (pledgee)", "releasePledge");
  simple("sync-succession", "move the holding to the holder's successor (anyone)", "syncSuccession");

  asset
    .command("object")
    .description(
      "object to a registration, in its notice window or after issue (any live party but its holder): opens an OBJECTION dispute " +
        "in the court, with a bond (approves the court when needed); the court's ruling resolves it. Prints the dispute and objection ids",
    )
    .argument("<asset>", "asset id")
    .argument("<grounds-hash>", "hash of the grounds")
    .argument("[grounds-uri]", "where the grounds are", "")
    .option("--bond <amount>", "the bond in the settlement token (default: the court's minimum for an OBJECTION)")
    .option("--units <decimals>", "the token's decimals, to give the bond as a decimal")
    .action(async (assetId: string, groundsHash: string, groundsUri: string, opts: { bond?: string; units?: string }) => {
      const units = parseDecimals("--units", opts.units);
      const input = {
        action: "asset object",
        kind: DisputeKind.OBJECTION,
        assetId: parseId("asset", assetId),
        subjectId: 0n,
        standingId: 0n,
        bond: opts.bond === undefined ? undefined : parseAmount("--bond", opts.bond, units),
        groundsHash: parseHash("grounds-hash", groundsHash),
        groundsURI: parseText("grounds-uri", groundsUri),
      };
      await checkUnits(cli, units);
      await openDispute(cli, input);
    });

  // Kept so that an old script meets the new rule by name rather than "unknown command".
  asset
    .command("resolve-objection", { hidden: true })
    .description("removed: only the court's ruling resolves an objection")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new InputError(
        "asset resolve-objection: removed. An objection is a dispute of kind OBJECTION and only the court's ruling resolves it: " +
          `\`provenance dispute rule <dispute> ${remediesOf(DisputeKind.OBJECTION).join("|")} --ruling-hash <hash>\` (arbitrator)`,
        { argument: "resolve-objection" },
      );
    });

  asset
    .command("change-card")
    .description("change registration: a new asset-card version (registrar)")
    .argument("<asset>", "asset id")
    .argument("[card-hash]", "hash of the new card (or --card <file>)")
    .argument("[card-uri]", "where it is published")
    .option("--card <file>", "the new card document: checked against the schema, its hash recorded, uploaded to the API after the transaction")
    .option("--card-uri <uri>", "with --card: where it is published (default provenance-card:<hash>)")
    .option("--no-upload", "with --card: record the hash only (upload later with `provenance card upload`)")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (rawAsset: string, cardHash: string | undefined, cardUri: string | undefined, opts: { card?: string; cardUri?: string; upload: boolean; apiUrl?: string }) => {
      const assetId = parseId("asset", rawAsset);
      const call = (hash: string, uri: string) => ({ action: "asset change-card", contract: "AssetRegistry", functionName: "changeCard", args: [assetId, hash, uri] }) as const;
      if (opts.card === undefined) {
        if (cardHash === undefined || cardUri === undefined) {
          throw new InputError("card-hash and card-uri: both required (or --card <file>)", { argument: cardHash === undefined ? "card-hash" : "card-uri" });
        }
        if (opts.cardUri !== undefined) throw new InputError("--card-uri: only with --card (otherwise the URI is the argument after the hash)", { argument: "--card-uri" });
        await cli.send(call(parseHash("card-hash", cardHash), parseText("card-uri", cardUri)));
        return;
      }
      if (cardHash !== undefined) throw new InputError("card-hash and --card: give the card's hash or its file, not both (--card-uri for its URI)", { argument: "--card" });
      const apiBase = uploadTarget(cli, opts);
      const checked = await readCardFile(cli, opts.card, "--card");
      const uri = opts.cardUri === undefined ? cardUriOf(checked.hash) : parseText("--card-uri", opts.cardUri);
      // The card states the holder of record: checked against the registry before the registrar signs.
      const { client, deployment } = await cli.connection();
      const registry = { address: deployment.addresses.AssetRegistry, abi: ABIS.AssetRegistry };
      const count = (await client.readContract({ ...registry, functionName: "assetCount" })) as bigint;
      if (assetId > count) throw new InputError(`asset: there is no asset ${assetId} (the last is ${count})`, { argument: "asset" });
      const holder = (await client.readContract({ ...registry, functionName: "holderOf", args: [assetId] })) as string;
      checkCardHolder(checked, holder, `asset ${assetId}'s holder`);
      await sendWithDocument(cli, call(checked.hash, uri), { what: "card", collection: "cards", checked, apiBase, later: laterCommand("card upload", opts.card, apiBase) });
    });

  asset
    .command("reclassify")
    .description("reclassify an issued asset (registrar); IMPORTANT -> GENERAL needs a DESENSITIZATION review")
    .argument("<asset>", "asset id")
    .argument("<to>", "GENERAL or IMPORTANT")
    .option("--review <id>", "the desensitization review that allows IMPORTANT -> GENERAL", "0")
    .action(async (assetId: string, to: string, opts: { review: string }) => {
      const classification = parseEnum("to", Classification, to, ["CORE"]);
      if (classification === Classification.CORE) throw new InputError("to: never to CORE (cancel the asset instead)", { argument: "to" });
      const args = [parseId("asset", assetId), classification, parseUint("--review", opts.review)];
      await cli.send({ action: "asset reclassify", contract: "AssetRegistry", functionName: "reclassify", args });
    });

  asset
    .command("transfer")
    .description("transfer registration: move the holding right (registrar; a transfer ordered by the court is carried out by its ruling)")
    .argument("<asset>", "asset id")
    .argument("<to>", "the new holder, a live party")
    .argument("<reason>", names(TransferReason, ["OBJECTION_UPHELD"]))
    .argument("<evidence-hash>", "hash of the contract or order")
    .action(async (assetId: string, to: string, reason: string, evidenceHash: string) => {
      const transferReason = parseEnum("reason", TransferReason, reason, ["OBJECTION_UPHELD"]);
      // The ledger records OBJECTION_UPHELD for the court's transfers only: a registrar's would claim a ruling there was not.
      if (transferReason === TransferReason.OBJECTION_UPHELD) {
        throw new InputError(
          "reason: OBJECTION_UPHELD is the court's: an upheld objection moves the holding by the ruling `provenance dispute rule <dispute> TRANSFER_HOLDING --transfer-to <address>`",
          { argument: "reason", allowed: enumChoices(TransferReason, ["OBJECTION_UPHELD"]) },
        );
      }
      const args = [parseId("asset", assetId), parseAddress("to", to), transferReason, parseHash("evidence-hash", evidenceHash)];
      await cli.send({ action: "asset transfer", contract: "AssetRegistry", functionName: "transferHolding", args });
    });

  asset
    .command("pledge")
    .description("pledge an issued certificate (holder)")
    .argument("<asset>", "asset id")
    .argument("<pledgee>", "the pledgee's address")
    .argument("<contract-hash>", "hash of the pledge contract")
    .action(async (assetId: string, pledgee: string, contractHash: string) => {
      const args = [parseId("asset", assetId), parseAddress("pledgee", pledgee), parseHash("contract-hash", contractHash)];
      await cli.send({ action: "asset pledge", contract: "AssetRegistry", functionName: "pledge", args });
    });

  asset
    .command("show")
    .description("a registration: status, holder, classification, the public notice's end, card version, evidence head")
    .argument("<asset>", "asset id")
    .action(async (raw: string) => {
      const assetId = parseId("asset", raw);
      const { client, deployment } = await cli.connection();
      const registry = { address: deployment.addresses.AssetRegistry, abi: ABIS.AssetRegistry };
      const count = (await client.readContract({ ...registry, functionName: "assetCount" })) as bigint;
      if (assetId > count) throw new InputError(`asset: there is no asset ${assetId} (the last is ${count})`, { argument: "asset" });
      const info = (await client.readContract({ ...registry, functionName: "asset", args: [assetId] })) as {
        kind: number; category: number; classification: number; status: number; applicant: string;
        noticeEndsAt: bigint; cardVersion: number; openObjections: number; pledgee: string;
      };
      const holder = (await client.readContract({ ...registry, functionName: "holderOf", args: [assetId] })) as string;
      const awaitsDesensitization = (await client.readContract({ ...registry, functionName: "awaitsDesensitization", args: [assetId] })) as boolean;
      const [seq, head] = (await client.readContract({ ...registry, functionName: "evidenceHead", args: [assetId] })) as readonly [number, string];
      const now = await cli.chainTime();
      const inNotice = info.status === AssetStatus.IN_NOTICE;
      const noticeEndsAt = info.noticeEndsAt === 0n ? null : isoDate(info.noticeEndsAt);
      const value = {
        assetId,
        kind: enumName(AssetKind, info.kind),
        category: enumName(DataCategory, info.category),
        classification: enumName(Classification, info.classification),
        status: enumName(AssetStatus, info.status),
        applicant: info.applicant,
        holder,
        noticeEndsAt,
        chainTime: isoDate(now),
        cardVersion: info.cardVersion,
        openObjections: info.openObjections,
        pledgee: /^0x0{40}$/.test(info.pledgee) ? null : info.pledgee,
        awaitsDesensitization,
        evidence: { seq, head },
      };
      cli.result(
        value,
        [
          `asset #${assetId}: ${value.kind} (${value.category}, ${value.classification}), ${value.status}`,
          `  holder ${holder}${value.pledgee === null ? "" : `, pledged to ${value.pledgee}`}`,
          ...(noticeEndsAt === null
            ? []
            : inNotice
              ? [
                  now < info.noticeEndsAt
                    ? `  public notice until ${dateFromNow(info.noticeEndsAt, now)} on the chain's clock; the certificate is issued after it`
                    : `  public notice ended ${dateFromNow(info.noticeEndsAt, now)} on the chain's clock: ${
                        info.openObjections > 0 ? "the certificate waits for the court's ruling on the open objection" : "the registrar may issue the certificate"
                      }`,
                ]
              : [`  public notice ended ${noticeEndsAt}`]),
          `  card version ${info.cardVersion}; open objections ${info.openObjections}`,
          ...(awaitsDesensitization ? ["  classified below its most sensitive parent: waits for a DESENSITIZATION review before acceptance"] : []),
          `  evidence: ${seq} entries, head ${head}`,
        ].join("\n"),
      );
    });
}
