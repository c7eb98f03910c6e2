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
import { InputError } from "../io.js";
import { ABIS } from "../tx.js";
import { dateFromNow, isoDate } from "../time.js";
import { checkUnits } from "../token.js";
import { enumChoices, parseAddress, parseAmount, parseDecimals, parseEnum, parseHash, parseId, parseText, parseUint } from "../validate.js";
import { openDispute, remediesOf } from "./disputes.js";

/** The choices `--help` lists: those {@link parseEnum} accepts, never a sentinel such as NONE. */
const names = (values: Record<string, number>, except: readonly string[] = []) => enumChoices(values, except).join(", ");

const collect = (value: string, previous: string[] = []) => [...previous, value];

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
    .requiredOption("--card-hash <hash>", "hash of the asset card")
    .requiredOption("--card-uri <uri>", "where the card is published")
    .option("--parent <asset:grant>", "a parent of a product and the grant it is derived under (0: held); repeatable", collect)
    .action(async (opts: { kind: string; category: string; classification: string; fingerprint: string; cardHash: string; cardUri: string; parent?: string[] }) => {
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
        cardHash: parseHash("--card-hash", opts.cardHash),
        cardURI: parseText("--card-uri", opts.cardUri),
        parents,
      };
      if (application.classification === Classification.CORE) {
        throw new InputError("--classification: core data is never registrable (003 §3)", { argument: "--classification" });
      }
      if (application.kind === AssetKind.RESOURCE && parents.length > 0) {
        throw new InputError("--parent: a data resource has no parents; only a PRODUCT is derived", { argument: "--parent" });
      }
      await cli.send({ action: "asset apply", contract: "AssetRegistry", functionName: "fileApplication", args: [application] });
    });

  asset
    .command("review")
    .description("attach a third-party review report (reviewer); prints the review id")
    .argument("<asset>", "asset id")
    .argument("<kind>", names(ReviewKind))
    .argument("<report-hash>", "hash of the report")
    .argument("[report-uri]", "where the report is", "")
    .action(async (assetId: string, kind: string, reportHash: string, reportUri: string) => {
      const args = [parseId("asset", assetId), parseEnum("kind", ReviewKind, kind), parseHash("report-hash", reportHash), parseText("report-uri", reportUri)];
      await cli.send({ action: "asset review", contract: "AssetRegistry", functionName: "attachReview", args });
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
    .argument("<card-hash>", "hash of the new card")
    .argument("<card-uri>", "where it is published")
    .action(async (assetId: string, cardHash: string, cardUri: string) => {
      const args = [parseId("asset", assetId), parseHash("card-hash", cardHash), parseText("card-uri", cardUri)];
      await cli.send({ action: "asset change-card", contract: "AssetRegistry", functionName: "changeCard", args });
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
