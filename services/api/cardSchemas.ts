import { z } from "./zod.js";

/**
 * The card store's and sign-in's answers (`routes/cards.ts`): re-exported by `schemas.ts`, whose types
 * the pages import. Imports nothing of `schemas.ts` (no cycle).
 */

const Hash = z.string().openapi({ example: "0x" + "ab".repeat(32) });
const Decimal = z.string().openapi({ description: "Unsigned integer as a decimal string", example: "3" });
const Label = z.object({ en: z.string(), "zh-CN": z.string() }).openapi("Label");
const Document = z.record(z.unknown());

/** Where a card version was recorded: block, its time and the transaction. */
const RecordedAt = z.object({ block: Decimal, timestamp: Decimal, tx: Hash }).openapi("RecordedAt");

export const StoredDocument = z
  .object({
    hash: Hash,
    assets: z.array(Decimal).optional().openapi({ description: "(cards) The assets that record this card hash" }),
    reviews: z.array(Decimal).optional().openapi({ description: "(reports) The reviews that record this report hash" }),
    held: z.literal(true),
  })
  .openapi("StoredDocument", { description: "A document the store now holds: 201 when it is new, 200 when it was held already" });

export const CardDocument = z
  .object({
    hash: Hash,
    assets: z.array(Decimal).openapi({ description: "The assets that record this card hash (applied with it or changed to it)" }),
    card: Document.openapi({ description: "The card: every section for an allowed session, else the public ones" }),
    withheld: z.array(z.string()).openapi({ description: "Restricted sections left out (sign in as the holder, a registrar or a reviewer)" }),
    signedInAs: z.string().nullable(),
  })
  .openapi("CardDocument");

export const CardSectionContent = z
  .object({ hash: Hash, section: z.string(), content: z.unknown() })
  .openapi("CardSectionContent");

export const ReportDocument = z
  .object({
    hash: Hash,
    reviews: z.array(Decimal).openapi({ description: "The reviews that record this report hash" }),
    report: Document,
  })
  .openapi("ReportDocument");

export const AssetCardVersions = z
  .object({
    assetId: Decimal,
    currentVersion: z.number().int(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        cardHash: Hash,
        cardURI: z.string(),
        at: RecordedAt,
        held: z.boolean().openapi({ description: "Whether the card store holds this version's document" }),
      }),
    ),
  })
  .openapi("AssetCardVersions", { description: "Every card version of an asset, oldest first" });

const CardChange = z
  .object({
    path: z.string().openapi({ example: "basic.name" }),
    section: z.string(),
    label: Label,
    change: z.enum(["added", "removed", "changed"]),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .openapi("CardChange");

const VersionRef = z.object({ version: z.number().int(), cardHash: Hash });

export const CardDiff = z
  .object({
    assetId: Decimal,
    from: VersionRef,
    to: VersionRef,
    changes: z.array(CardChange),
    withheld: z.array(z.string()).openapi({ description: "Restricted sections whose changes are not shown to this session" }),
  })
  .openapi("CardDiff");
