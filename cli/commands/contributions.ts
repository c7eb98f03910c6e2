import type { Command } from "commander";
import type { AbiEvent } from "viem";
import { z } from "zod";

import { isContributionId } from "../../ledger/contributions/ids.js";
import { CONFIRM_CONTRIBUTIONS_EIP712_TYPES, contributionsEip712Domain } from "../../ledger/contributions/signing.js";
import { compileEventDecoder } from "../../ledger/events/index.js";
import { ContributionRole, ContributionStatus, EmptyStageRule, enumName, Stage } from "../../ledger/types.js";
import { readLogs } from "../chainData.js";
import type { CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { ABIS } from "../tx.js";
import { isoDate } from "../time.js";
import { enumChoices, parseAddress, parseBps, parseDate, parseEnum, parseHash, parseId, parseText, parseUint, parseWith } from "../validate.js";

const CONTRIBUTION_RECORDED = ABIS.ContributionLedger.find((item) => item.type === "event" && item.name === "ContributionRecorded") as AbiEvent;
const decodeContributionRecorded = compileEventDecoder(CONTRIBUTION_RECORDED);

interface RecordFields {
  product: unknown;
  stage: unknown;
  role: unknown;
  measure: unknown;
  authorization?: unknown;
  evidenceHash: unknown;
  evidenceUri?: unknown;
}

/** One `ContributionInput`, each field checked and named (`records[2].stage`). */
function parseRecord(prefix: string, fields: RecordFields) {
  const measure = parseUint(`${prefix}measure`, fields.measure);
  if (measure === 0n) throw new InputError(`${prefix}measure: must be more than zero`, { argument: `${prefix}measure` });
  const role = parseEnum(`${prefix}role`, ContributionRole, fields.role);
  const authorization = parseUint(`${prefix}authorization`, fields.authorization ?? "0");
  if (role !== ContributionRole.HOLDER && authorization === 0n) {
    throw new InputError(`${prefix}authorization: a ${enumName(ContributionRole, role)} names its grant id (or, as PROVIDER, the parent asset id)`, {
      argument: `${prefix}authorization`,
    });
  }
  return {
    productId: parseId(`${prefix}product`, fields.product),
    stage: parseEnum(`${prefix}stage`, Stage, fields.stage),
    role,
    measure,
    authorization,
    evidenceHash: parseHash(`${prefix}evidence-hash`, fields.evidenceHash),
    evidenceURI: parseText(`${prefix}evidence-uri`, fields.evidenceUri ?? ""),
  };
}

const scalar = z.union([z.string(), z.number().int()]).transform(String);
/** A file of records for a batch: what `contribution record --file` reads. */
const recordsFileSchema = z
  .array(
    z.object({
      product: scalar,
      stage: scalar,
      role: scalar,
      measure: scalar,
      authorization: scalar.optional(),
      evidenceHash: z.string(),
      evidenceUri: z.string().optional(),
    }).strict(),
  )
  .min(1, "must list at least one record")
  .max(500, "at most 500 records a batch");

const signedConfirmationSchema = z.object({
  type: z.literal("provenance.signed-confirmation"),
  chainId: z.number().int(),
  contributionLedger: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  holder: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  contributionIds: z.array(z.string().regex(/^\d+$/)).min(1),
  deadline: z.string().regex(/^\d+$/),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
});

function parseIds(name: string, raw: readonly string[]): bigint[] {
  const ids = raw.flatMap((part) => part.split(",")).filter((s) => s !== "").map((id, i) => parseId(`${name} #${i + 1}`, id));
  if (ids.length === 0) throw new InputError(`${name}: give at least one id`, { argument: name });
  if (new Set(ids).size !== ids.length) throw new InputError(`${name}: an id is listed twice`, { argument: name });
  return ids;
}

/** Contributions (record, confirm one by one / in batches / by the holder's signature) and split policies. */
export function registerContributions(program: Command, cli: CliContext): void {
  const contribution = program.command("contribution").description("contribution records (ContributionLedger)");

  contribution
    .command("record")
    .description("record your contributions to a product: one from options, or a batch from --file")
    .option("--file <records.json>", "a JSON array of {product, stage, role, measure, authorization, evidenceHash, evidenceUri}")
    .option("--product <id>", "the product (any issued asset)")
    .option("--stage <stage>", enumChoices(Stage).join(", "))
    .option("--role <role>", enumChoices(ContributionRole).join(", "))
    .option("--measure <n>", "the measure, in the product's agreed unit (positive integer)")
    .option("--authorization <id>", "grant id (PROCESSOR, OPERATOR) or parent asset id (PROVIDER); 0 for HOLDER", "0")
    .option("--evidence-hash <hash>", "hash of the evidence")
    .option("--evidence-uri <uri>", "where the evidence is", "")
    .action(async (opts: { file?: string; product?: string; stage?: string; role?: string; measure?: string; authorization: string; evidenceHash?: string; evidenceUri: string }) => {
      let inputs: ReturnType<typeof parseRecord>[];
      if (opts.file !== undefined) {
        if (opts.product !== undefined) throw new InputError("--file and --product: give one or the other", { argument: "--file" });
        const records = parseWith(opts.file, recordsFileSchema, await cli.readJsonFile(opts.file, "--file"));
        inputs = records.map((record, i) => parseRecord(`records[${i}].`, record));
      } else {
        for (const [flag, value] of [["--product", opts.product], ["--stage", opts.stage], ["--role", opts.role], ["--measure", opts.measure], ["--evidence-hash", opts.evidenceHash]] as const) {
          if (value === undefined) throw new InputError(`${flag}: required (or pass --file with a batch)`, { argument: flag });
        }
        inputs = [
          parseRecord("--", {
            product: opts.product,
            stage: opts.stage,
            role: opts.role,
            measure: opts.measure,
            authorization: opts.authorization,
            evidenceHash: opts.evidenceHash,
            evidenceUri: opts.evidenceUri,
          }),
        ];
      }
      await cli.send({ action: "contribution record", contract: "ContributionLedger", functionName: "record", args: [inputs] });
    });

  contribution
    .command("confirm")
    .description("confirm recorded contributions, in one transaction (the product's holder or a reviewer)")
    .argument("<ids...>", "contribution ids (space- or comma-separated)")
    .action(async (raw: string[]) => {
      await cli.send({ action: "contribution confirm", contract: "ContributionLedger", functionName: "confirm", args: [parseIds("ids", raw)] });
    });

  contribution
    .command("sign-confirmation")
    .description("sign a confirmation of contributions off chain (EIP-712: your address as holder, the ids, your nonce, a deadline), as the products' holder; writes a file")
    .argument("<ids...>", "contribution ids")
    .option("--deadline <date>", "last moment the signature may be used (default: 24 hours on the chain's clock)")
    .requiredOption("--out <file>", "where to write the signed confirmation")
    .action(async (raw: string[], opts: { deadline?: string; out: string }) => {
      const ids = parseIds("ids", raw);
      const explicitDeadline = opts.deadline === undefined ? undefined : parseDate("--deadline", opts.deadline);
      const signer = await cli.signer();
      const deadline = explicitDeadline ?? (await cli.chainTime()) + 86_400n;
      const { client, chainId, deployment } = await cli.connection();
      const ledger = deployment.addresses.ContributionLedger;
      const nonce = (await client.readContract({ address: ledger, abi: ABIS.ContributionLedger, functionName: "nonces", args: [signer.account.address] })) as bigint;
      const signature = await signer.wallet.signTypedData({
        account: signer.account,
        domain: contributionsEip712Domain(BigInt(chainId), ledger),
        types: CONFIRM_CONTRIBUTIONS_EIP712_TYPES,
        primaryType: "ConfirmContributions",
        // The holder is part of the signed message: the signature confirms for this holder only (EIP-1271 wallets that share a key included).
        message: { holder: signer.account.address, contributionIds: ids, nonce, deadline },
      });
      const signed = { type: "provenance.signed-confirmation", chainId, contributionLedger: ledger, holder: signer.account.address, contributionIds: ids, deadline, nonce, signature };
      await cli.writeJsonFile(opts.out, signed);
      cli.result(
        { file: cli.path(opts.out), holder: signer.account.address, nonce, deadline: isoDate(deadline) },
        `signed confirmation of ${ids.join(", ")} by ${signer.account.address}, valid until ${isoDate(deadline)}, written to ${opts.out}`,
      );
    });

  contribution
    .command("confirm-signed")
    .description("relay a confirmation the holder signed (anyone may relay)")
    .argument("<file>", "the file `contribution sign-confirmation` wrote")
    .action(async (file: string) => {
      const signed = parseWith(file, signedConfirmationSchema, await cli.readJsonFile(file, "signed confirmation"));
      const { chainId, deployment } = await cli.connection();
      if (signed.chainId !== chainId || signed.contributionLedger.toLowerCase() !== deployment.addresses.ContributionLedger.toLowerCase()) {
        throw new InputError(`${file}: signed for chain ${signed.chainId} ledger ${signed.contributionLedger}, not this deployment`, { argument: "file" });
      }
      const args = [signed.contributionIds.map(BigInt), parseAddress("holder", signed.holder), BigInt(signed.deadline), signed.signature];
      await cli.send({ action: "contribution confirm-signed", contract: "ContributionLedger", functionName: "confirmBySig", args });
    });

  contribution
    .command("show")
    .description("a contribution: product, contributor, stage, role, status")
    .argument("<contribution>", "contribution id")
    .action(async (raw: string) => {
      const contributionId = parseId("contribution", raw);
      const connection = await cli.connection();
      const { client, deployment } = connection;
      const ledger = { address: deployment.addresses.ContributionLedger, abi: ABIS.ContributionLedger };
      const absent = async (why: string) => {
        const last = (await client.readContract({ ...ledger, functionName: "contributionCount" })) as bigint;
        return new InputError(`contribution: there is no contribution ${contributionId} (${why}; the last id is ${last})`, { argument: "contribution" });
      };
      // Ids come in windows of 13 in 16 (ledger/contributions/ids.ts): offsets 13-15 and window 0 are never assigned.
      if (!isContributionId(contributionId)) throw await absent("ids end in offsets 0-12 of a window of 16, from 16 on");
      // An id that can name a record may still be unassigned, and then it has no `ContributionRecorded` event.
      // Storage keeps no stage or role: they are read from that event.
      const [recorded] = await readLogs(connection, {
        address: [ledger.address],
        fromBlock: deployment.fromBlock,
        toBlock: await client.getBlockNumber(),
        event: CONTRIBUTION_RECORDED,
        args: { contributionId },
      });
      if (recorded === undefined) throw await absent("no record has that id");
      const event = decodeContributionRecorded(recorded.topics, recorded.data) as { stage: number; role: number };
      const record = (await client.readContract({ ...ledger, functionName: "contribution", args: [contributionId] })) as {
        productId: bigint; contributor: string; status: number;
      };
      const value = {
        contributionId,
        productId: record.productId,
        contributor: record.contributor,
        stage: enumName(Stage, event.stage),
        role: enumName(ContributionRole, event.role),
        status: enumName(ContributionStatus, record.status),
      };
      cli.result(value, `contribution #${contributionId} to product ${record.productId}: ${value.status}, ${value.stage} as ${value.role}, by ${record.contributor}`);
    });

  const policy = program.command("policy").description("split policies (ContributionLedger)");
  policy
    .command("show")
    .description("a product's split policy in force: stage weights, the empty-stage rule, version, since when")
    .argument("<product>", "product id")
    .action(async (raw: string) => {
      const productId = parseId("product", raw);
      const { client, deployment } = await cli.connection();
      const record = (await client.readContract({
        address: deployment.addresses.ContributionLedger,
        abi: ABIS.ContributionLedger,
        functionName: "splitPolicy",
        args: [productId],
      })) as { version: number; stageWeightsBps: readonly number[]; emptyStageRule: number; effectiveFrom: bigint };
      if (record.version === 0) throw new FailureError(`product ${productId} has no split policy yet (\`provenance policy set\`, its holder)`, { productId });
      const weights = Object.fromEntries(enumChoices(Stage).map((stage, i) => [stage, record.stageWeightsBps[i] ?? 0]));
      const value = { productId, version: record.version, weightsBps: weights, emptyStage: enumName(EmptyStageRule, record.emptyStageRule), effectiveFrom: isoDate(record.effectiveFrom) };
      cli.result(
        value,
        [
          `split policy v${record.version} of product ${productId}, in force since ${value.effectiveFrom}`,
          `  ${Object.entries(weights).map(([stage, bps]) => `${stage} ${bps} bps`).join(", ")}; an empty stage's weight: ${value.emptyStage}`,
        ].join("\n"),
      );
    });

  policy
    .command("set")
    .description("set a new version of a product's split policy (its holder)")
    .argument("<product>", "product id")
    .requiredOption("--weights <c,p,ci,a>", "basis points of COLLECTION,PROCESSING,CIRCULATION,APPLICATION, summing to 10000")
    .option("--empty-stage <rule>", `${enumChoices(EmptyStageRule).join(" or ")}: where the weight of a stage without contributions goes`, "TO_HOLDER")
    .action(async (product: string, opts: { weights: string; emptyStage: string }) => {
      const parts = opts.weights.split(",");
      if (parts.length !== 4) throw new InputError(`--weights: give four weights (collection,processing,circulation,application), got ${parts.length}`, { argument: "--weights" });
      const weights = parts.map((w, i) => parseBps(`--weights[${Object.keys(Stage)[i]}]`, w));
      const total = weights.reduce((a, b) => a + b, 0);
      if (total !== 10_000) throw new InputError(`--weights: they sum to ${total}, not 10000`, { argument: "--weights" });
      const args = [parseId("product", product), weights, parseEnum("--empty-stage", EmptyStageRule, opts.emptyStage)];
      await cli.send({ action: "policy set", contract: "ContributionLedger", functionName: "setSplitPolicy", args });
    });
}
