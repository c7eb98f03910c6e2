import { maxUint256 } from "viem";

import { HEX_ADDRESS, hasValidCase } from "../../ledger/encoding/address.js";
import { z } from "./zod.js";

/**
 * The API's schemas: request parameters and queries (validated on every request) and response bodies
 * (documented). `/openapi.json` is generated from these same objects, so the document cannot drift from
 * what the server checks.
 */


// ------------------------------------------------------------------------------------------------
// Inputs
// ------------------------------------------------------------------------------------------------

/** A 20-byte address in any case; mixed case must carry a valid EIP-55 checksum (a typo is caught). */
export const AddressInput = z
  .string()
  .regex(HEX_ADDRESS, "must be a 20-byte hex address (0x + 40 hex digits)")
  // zod runs refinements even after the regex failed: leave malformed input to the regex's message.
  .refine((value) => !HEX_ADDRESS.test(value) || hasValidCase(value), "mixed-case address with an invalid EIP-55 checksum")
  .transform((value) => value.toLowerCase())
  .openapi({ type: "string", example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", description: "Address, any case" });

/** A uint256 as a decimal string, no sign, no leading '+', at most 78 digits. */
function uint256(what: string, options: { positive?: boolean } = {}) {
  return z
    .string()
    .regex(/^[0-9]{1,78}$/, `${what} must be a decimal integer`)
    .transform((value) => BigInt(value))
    .refine((value) => value <= maxUint256, `${what} exceeds uint256`)
    .refine((value) => !options.positive || value > 0n, `${what} must be positive`)
    .openapi({ type: "string", pattern: "^[0-9]{1,78}$", example: "1" });
}

export const IdInput = uint256("id");
export const AmountInput = uint256("amount", { positive: true });
export const TimestampInput = uint256("timestamp");

const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

export const PageQuery = {
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_PAGE_SIZE, `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`)
    .optional()
    .openapi({ type: "string", description: `Items per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`, example: "50" }),
  cursor: z
    .string()
    .max(400, "cursor too long")
    .regex(/^[A-Za-z0-9_-]+$/, "cursor is not one this API issued")
    .optional()
    .openapi({ description: "Opaque: the `next` of the previous page" }),
};

/** A query object that rejects fields it does not know (a typo in a filter must not widen a list). */
export function query<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape).strict();
}

export const NoQuery = query({});

export function enumName<T extends Record<string, number>>(values: T, what: string) {
  const names = Object.keys(values) as [string, ...string[]];
  return z
    .enum(names, { errorMap: () => ({ message: `${what} must be one of ${names.join(", ")}` }) })
    .transform((name) => values[name]!);
}

// ------------------------------------------------------------------------------------------------
// Outputs
// ------------------------------------------------------------------------------------------------

const Address = z.string().openapi({ description: "Checksummed address", example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
const Hash = z.string().openapi({ example: "0x" + "ab".repeat(32) });
const Decimal = z.string().openapi({ description: "Unsigned integer as a decimal string", example: "1280000" });

const ChainPosition = z
  .object({ block: Decimal, timestamp: Decimal, tx: Hash, logIndex: z.number().int() })
  .openapi("ChainPosition", { description: "Where a fact was recorded on chain" });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ in: z.string(), field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

export function pageOf<T extends z.ZodTypeAny>(name: string, item: T) {
  return z
    .object({
      items: z.array(item),
      next: z.string().nullable().openapi({ description: "Cursor of the next page; null on the last page" }),
    })
    .openapi(name);
}

export const Party = z
  .object({
    account: Address,
    kind: z.string(),
    profileHash: Hash,
    registrar: Address.nullable(),
    successor: Address.nullable(),
    predecessors: z.array(Address),
    /** The live party this account resolves to through successions. */
    resolvesTo: Address,
    roles: z.array(z.string()),
    registered: ChainPosition.nullable(),
    earnings: z
      .object({
        earned: Decimal.openapi({
          description:
            "The party's leaves in posted (not rejected) settlements, what it claimed of settlements rejected afterwards, and what the court released to it from escrow",
        }),
        claimed: Decimal.openapi({ description: "Its own settlement leaves claimed, to whichever recipient the claim named" }),
        escrowReleased: Decimal.openapi({ description: "What the court paid to this address from dispute escrow leaves (a disputed record's share released to its contributor)" }),
        bondsWithdrawn: Decimal.openapi({ description: "Dispute bonds withdrawn to this address" }),
        received: Decimal.openapi({
          description:
            "Everything the vault and the court transferred to this address: claims paid to it, escrow released to it, bonds withdrawn to it — what its token balance gained from them. Each receipt is under `links.receipts`",
        }),
      })
      .openapi({ description: "Amounts in the settlement token's smallest unit" }),
    bonds: z
      .object({ credited: Decimal, withdrawn: Decimal, owed: Decimal.openapi({ description: "Credited and not withdrawn: `provenance dispute withdraw-bond`" }) })
      .openapi({ description: "Dispute bonds the court credited to the account (returned to it as claimant, or forfeited to it as respondent)" }),
    links: z.record(z.string()),
  })
  .openapi("Party");

export const Receipt = z
  .object({
    source: z.enum(["CLAIM", "ESCROW_RELEASE", "BOND_WITHDRAWAL"]).openapi({
      description: "CLAIM: a settlement leaf claimed; ESCROW_RELEASE: the court's release of a dispute's escrow leaf; BOND_WITHDRAWAL: dispute bonds withdrawn",
    }),
    recipient: Address,
    amount: Decimal,
    account: Address.openapi({ description: "Whose entitlement was paid: the leaf's account (a party's, or a dispute's escrow account), or the account whose bonds were withdrawn" }),
    epochId: Decimal.nullable().openapi({ description: "The settlement paid from (a claim or an escrow release)" }),
    index: Decimal.nullable().openapi({ description: "The leaf's index in the settlement" }),
    disputeId: Decimal.nullable().openapi({ description: "The dispute whose escrow was released" }),
    at: ChainPosition.openapi({ description: "The transaction, block and time of the payment" }),
  })
  .openapi("Receipt", { description: "An amount the vault or the court transferred to an address" });

export const PartySummary = z
  .object({ account: Address, kind: z.string(), successor: Address.nullable(), registered: ChainPosition })
  .openapi("PartySummary");

const Licensor = z
  .object({
    grantId: Decimal,
    grantor: Address.openapi({ description: "The sub-grant's grantor as recorded (its successor, if succeeded, is paid)" }),
    royaltyBps: z.number().int().openapi({ description: "The sub-grant's own royalty, stacked on those above it" }),
  })
  .openapi("Licensor", { description: "A sub-grant of the chain a product was derived under: its royalty is paid to its grantor (a sub-licence royalty)" });

const ParentLink = z
  .object({
    assetId: Decimal,
    grantId: Decimal.openapi({ description: "The grant the product was derived under (0: the applicant held the parent)" }),
    royaltyBps: z.number().int().openapi({ description: "The root grant's royalty: revenue of the parent asset, split by its own rules" }),
    licensors: z.array(Licensor).openapi({
      description: "The sub-grants from the derivation grant up to (not including) the root: royalties stack down a grant chain, each sub-grant's to its grantor",
    }),
  })
  .openapi("ParentLink");

const CardVersion = z
  .object({ version: z.number().int(), cardHash: Hash, cardURI: z.string(), at: ChainPosition })
  .openapi("CardVersion");

export const Asset = z
  .object({
    assetId: Decimal,
    kind: z.string(),
    category: z.string(),
    classification: z.string(),
    status: z.string(),
    applicant: Address,
    owner: Address.nullable(),
    holder: Address.openapi({ description: "The owner (or before issue the applicant), resolved through successions" }),
    fingerprint: Hash,
    cards: z.array(CardVersion),
    parents: z.array(ParentLink),
    noticeEndsAt: Decimal.nullable(),
    pledge: z.object({ pledgee: Address }).nullable(),
    openObjections: z.number().int(),
    openDisputes: z.number().int(),
    applied: ChainPosition,
    issued: ChainPosition.nullable(),
    evidence: z.object({ seq: z.number().int(), head: z.string() }),
    links: z.record(z.string()),
  })
  .openapi("Asset");

const PartyName = z
  .object({ en: z.string().optional(), "zh-CN": z.string().optional() })
  .nullable()
  .openapi("PartyName", {
    description: "A party's name from the party book, shown only where its profile document hashes to the party's on-chain profile hash; null otherwise",
  });

export const Certificate = z
  .object({
    registrationNumber: Decimal,
    kind: z.string(),
    category: z.string(),
    classification: z.string(),
    status: z.string(),
    holder: Address,
    holderName: PartyName,
    fingerprint: Hash,
    issued: z.object({ transaction: Hash, block: Decimal, timestamp: Decimal }).nullable(),
    card: z.object({ version: z.number().int(), cardHash: Hash, cardURI: z.string() }),
    parents: z.array(Decimal).openapi({ description: "Registration numbers of the assets this one is derived from" }),
    encumbrances: z.object({
      pledge: z.object({ pledgee: Address, pledgeeName: PartyName }).nullable(),
      openObjections: z.number().int(),
    }),
    evidenceHead: z.object({ seq: z.number().int(), head: Hash }),
    chainId: z.number().int(),
    registry: Address,
    asOf: z.object({ block: Decimal, timestamp: Decimal }).openapi({ description: "The indexed block these facts were read at" }),
    checkUrl: z.string().openapi({ description: "The certificate-check page for this certificate as of these facts: what the printed QR code opens" }),
  })
  .openapi("Certificate", {
    description:
      "The registration certificate of an asset: what the printed certificate shows and a registrar's verifiable credential signs (every field but checkUrl)",
  });

const CredentialCheck = z.object({
  name: z.enum(["signature", "ledger", "issuer-role", "status", "fingerprint", "holder"]),
  outcome: z.enum(["pass", "fail", "skipped"]),
  detail: z.string(),
});

export const CredentialVerdict = z
  .object({
    valid: z.boolean(),
    checks: z.array(CredentialCheck),
    credential: z.object({
      registrationNumber: Decimal,
      issuer: Address,
      holder: Address,
      chainId: z.number().int(),
      registry: Address,
      issuedAtBlock: Decimal,
      evidenceSeq: z.number().int(),
    }),
    changesSince: z.array(
      z.object({ seq: z.number().int(), eventName: z.string(), block: Decimal, transaction: Hash, actor: Address, timestamp: Decimal }),
    ),
  })
  .openapi("CredentialVerdict", { description: "A certificate credential checked against the chain: valid only when every check passes" });

export interface LineageNodeShape {
  assetId: string;
  grantId: string;
  royaltyBps: number;
  licensors: { grantId: string; grantor: string; royaltyBps: number }[];
  parents: LineageNodeShape[] | null;
}
// Recursive: zod-to-openapi 7 cannot render z.lazy, so the node is described by hand (with a $ref to itself).
const LineageNode: z.ZodType<LineageNodeShape> = z
  .lazy(() =>
    z.object({
      assetId: Decimal,
      grantId: Decimal,
      royaltyBps: z.number().int(),
      licensors: z.array(Licensor),
      parents: z.array(LineageNode).nullable(),
    }),
  )
  .openapi("LineageNode", {
    type: "object",
    properties: {
      assetId: { type: "string" },
      grantId: { type: "string" },
      royaltyBps: { type: "integer", description: "The root grant's royalty, to the parent asset" },
      licensors: { type: "array", items: { $ref: "#/components/schemas/Licensor" }, description: "Sub-grants whose royalties go to their grantors" },
      parents: { type: ["array", "null"], items: { $ref: "#/components/schemas/LineageNode" } },
    },
    required: ["assetId", "grantId", "royaltyBps", "licensors", "parents"],
  });

export const Lineage = z
  .object({
    assetId: Decimal,
    parents: z.array(LineageNode).openapi({ description: "Ancestors, nested; `parents: null` where the depth bound cut the tree" }),
    links: z.record(z.string()),
  })
  .openapi("Lineage");

export const Review = z
  .object({ reviewId: Decimal, assetId: Decimal, reviewer: Address, kind: z.string(), reportHash: Hash, reportURI: z.string(), at: ChainPosition })
  .openapi("Review");

export const Objection = z
  .object({
    objectionId: Decimal,
    disputeId: Decimal.nullable().openapi({ description: "The OBJECTION dispute of the court that filed it (an objection is always one); its ruling resolves it" }),
    assetId: Decimal,
    objector: Address,
    groundsHash: Hash,
    groundsURI: z.string(),
    status: z.string(),
    resolver: Address.nullable(),
    rulingHash: Hash.nullable(),
    at: ChainPosition,
  })
  .openapi("Objection");

export const Grant = z
  .object({
    grantId: Decimal,
    assetId: Decimal,
    grantor: Address,
    grantee: Address,
    parentId: Decimal,
    rights: z.array(z.string()),
    scopeKind: z.string(),
    scopeData: Hash,
    purposeHash: Hash,
    usageMode: z.string(),
    validFrom: Decimal,
    validUntil: Decimal,
    royaltyBps: z.number().int(),
    status: z.string(),
    usageCount: z.number().int(),
    usageUnits: Decimal,
    at: ChainPosition,
  })
  .openapi("Grant");

export const Contribution = z
  .object({
    contributionId: Decimal,
    productId: Decimal,
    contributor: Address,
    stage: z.string(),
    role: z.string(),
    measure: Decimal,
    authorization: Decimal,
    evidenceHash: Hash,
    evidenceURI: z.string(),
    status: z.string(),
    disputeId: Decimal.nullable(),
    statusBeforeDispute: z.string().nullable(),
    confirmer: Address.nullable(),
    at: ChainPosition,
  })
  .openapi("Contribution");

export const Policy = z
  .object({
    productId: Decimal,
    version: z.number().int(),
    stageWeightsBps: z.array(z.number().int()).length(4),
    emptyStageRule: z.string(),
    holder: Address,
    at: ChainPosition,
  })
  .openapi("Policy");

export const Deposit = z
  .object({ depositId: Decimal, productId: Decimal, payer: Address, amount: Decimal, policyVersion: z.number().int(), payerRef: Hash, at: ChainPosition })
  .openapi("Deposit");

export const Settlement = z
  .object({
    epochId: Decimal,
    productId: Decimal,
    policyVersion: z.number().int(),
    amount: Decimal,
    merkleRoot: Hash,
    stateBlock: Decimal,
    inputsHash: Hash,
    challengeEndsAt: Decimal,
    settler: Address,
    status: z.enum(["POSTED", "PAUSED", "REJECTED"]).openapi({ description: "As the vault records it (`EpochStatus`)" }),
    phase: z.enum(["IN_CHALLENGE", "FINAL", "PAUSED", "REJECTED"]).openapi({
      description:
        "The status with the chain's clock applied, at the latest indexed block's time: a POSTED settlement is IN_CHALLENGE until `challengeEndsAt` " +
        "(an arbitrator may still reject it), then FINAL (its leaves are claimable; only a court dispute of the settlement could still pause it)",
    }),
    claimed: Decimal.openapi({ description: "Whole leaves spent: claims and released escrow leaves" }),
    returned: Decimal.openapi({ description: "What escrow releases of this settlement gave back to the product's unsettled revenue" }),
    at: ChainPosition,
    rejected: ChainPosition.nullable().openapi({
      description: "Where it was rejected. What was claimed before is credited by the next settlement of the product and version",
    }),
  })
  .openapi("Settlement");

const EscrowRelease = z
  .object({
    recipient: Address.nullable().openapi({ description: "The contributor whose share was held (resolved); null when nothing was paid" }),
    paid: Decimal,
    returned: Decimal.openapi({ description: "Given back to the product's unsettled revenue, to be settled again" }),
    at: ChainPosition,
  })
  .openapi("EscrowRelease", {
    description: "How the court released an escrow leaf, as the dispute's outcome said: dismissed or lapsed, all paid; voided, all returned; adjusted, the arbitrator's part paid and the rest returned",
  });

export const EscrowLeaf = z
  .object({
    epochId: Decimal,
    disputeId: Decimal,
    account: Address.openapi({ description: "The dispute's escrow account" }),
    index: Decimal,
    amount: Decimal,
    status: z.enum(["HELD", "RELEASED", "SETTLEMENT_REJECTED"]).openapi({
      description:
        "HELD until the court releases it; RELEASED (see `released`); SETTLEMENT_REJECTED: the settlement was rejected before a release, and the leaf went back to the product's unsettled revenue with the rest of it",
    }),
    released: EscrowRelease.nullable(),
  })
  .openapi("EscrowLeaf", { description: "A dispute's escrow leaf in one settlement: the disputed record's share, held until the court releases it" });

export const SettlementEscrow = z
  .object({ epochId: Decimal, leaves: z.array(EscrowLeaf).openapi({ description: "By leaf index" }) })
  .openapi("SettlementEscrow");

export const DisputeEscrow = z
  .object({
    disputeId: Decimal,
    account: Address.openapi({ description: "The dispute's escrow account" }),
    leaves: z.array(EscrowLeaf).openapi({ description: "Its leaf in every settlement that holds one, by settlement" }),
    held: Decimal.openapi({ description: "The sum of the leaves still HELD" }),
    paid: Decimal.openapi({ description: "What its releases paid to the contributor" }),
    returned: Decimal.openapi({ description: "What its releases gave back to the product's unsettled revenue" }),
    unverified: z.array(Decimal).openapi({
      description: "Settlements whose Merkle root the split of the state at their block does not reproduce: their leaves are unknown here",
    }),
  })
  .openapi("DisputeEscrow", {
    description: "Where a contribution dispute's escrow is: held in each settlement posted while it was open, until the court releases it as the outcome says",
  });

export const SettlementClaim = z
  .object({
    epochId: Decimal,
    merkleRoot: Hash,
    index: Decimal,
    account: Address,
    amount: Decimal,
    proof: z.array(Hash),
    claimed: z.object({ recipient: Address, at: ChainPosition }).nullable().openapi({ description: "A party's claim of the leaf; always null for an escrow leaf" }),
    escrowFor: Decimal.nullable().openapi({ description: "The dispute whose escrow leaf this is (never claimable: the court releases it), if any" }),
    released: EscrowRelease.nullable().openapi({ description: "An escrow leaf's release, once the court made it" }),
  })
  .openapi("SettlementClaim", {
    description: "A party's leaf of a settlement with its Merkle proof (what IRevenueVault.claim takes), or a dispute's escrow leaf and its release",
  });

export const Claim = z
  .object({
    epochId: Decimal,
    index: Decimal,
    account: z.string().openapi({ description: "The leaf's account, or \"escrow\" for an escrow leaf the court released" }),
    amount: Decimal.openapi({ description: "The leaf's whole amount (for an escrow release: paid + returned)" }),
    recipients: z.array(Address).openapi({ description: "Who was paid: the claim's recipient, or the escrow release's contributor (none when nothing was paid)" }),
    amounts: z.array(Decimal),
    returned: Decimal.openapi({ description: "What an escrow release gave back to the product's unsettled revenue (0 for a claim)" }),
    disputeId: Decimal.nullable(),
    at: ChainPosition,
  })
  .openapi("Claim");

export const Dispute = z
  .object({
    disputeId: Decimal,
    assetId: Decimal,
    kind: z.string(),
    subjectId: Decimal,
    claimant: Address,
    respondent: Address.openapi({ description: "Fixed when the dispute opened; the zero address for a holder's dispute of its own settlement (nobody answers)" }),
    bond: Decimal.openapi({ description: "The bond paid when it opened, in the settlement token's smallest unit (at least the kind's minimum)" }),
    groundsHash: Hash,
    groundsURI: z.string(),
    rulingDeadline: Decimal,
    status: z.string(),
    remedy: z.string(),
    ruling: z
      .object({
        arbitrator: Address.nullable(),
        adjustedMeasure: Decimal,
        transferTo: Address.nullable(),
        bondForfeited: z.boolean(),
        rulingHash: z.string(),
        rulingURI: z.string(),
        at: ChainPosition,
      })
      .nullable(),
    evidence: z.array(z.object({ submitter: Address, evidenceHash: Hash, evidenceURI: z.string(), at: ChainPosition })),
    bondCredit: z
      .object({ account: Address, amount: Decimal, at: ChainPosition })
      .nullable()
      .openapi({ description: "Where the bond went at the ruling or lapse: credited to the claimant (returned) or the respondent (forfeited), who withdraws it" }),
    repeatAllowed: z
      .object({ arbitrator: Address, at: ChainPosition })
      .nullable()
      .openapi({ description: "Set when an arbitrator let the claimant dispute the same subject again" }),
    at: ChainPosition,
  })
  .openapi("Dispute");

export const EvidenceEntry = z
  .object({
    seq: z.number().int(),
    kind: Hash,
    eventName: z.string().nullable(),
    payloadHash: Hash,
    actor: Address,
    timestamp: Decimal,
    head: Hash,
    at: ChainPosition,
  })
  .openapi("EvidenceEntry");

export const EvidenceChain = z
  .object({
    assetId: Decimal,
    verification: z.object({
      verified: z.boolean().openapi({ description: "Replayed from the stored logs: every head recomputes and the last is the one the state records" }),
      length: z.number().int(),
      genesis: Hash,
      head: Hash.openapi({ description: "The head recomputed from the logs" }),
      recordedHead: z.object({ seq: z.number().int(), head: z.string() }),
      problems: z.array(z.record(z.unknown())),
    }),
    items: z.array(EvidenceEntry),
    next: z.string().nullable(),
  })
  .openapi("EvidenceChain");

const Share = z.object({ numerator: Decimal, denominator: Decimal });
const Path = z.array(Decimal).openapi({ description: "Asset ids from the product to the asset whose split gave this part" });

/** Why an account gets part of a split: one of the engine's basis components. */
export const SplitComponent = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("holder"), path: Path, share: Share }).openapi({ description: "What remains for the holder of the path's last asset" }),
    z.object({ kind: z.literal("contribution"), path: Path, stage: z.number().int(), contributionIds: z.array(Decimal), share: Share }),
    z
      .object({ kind: z.literal("escrow"), path: Path, stage: z.number().int(), disputeId: Decimal, contributionIds: z.array(Decimal), share: Share })
      .openapi({ description: "A disputed contribution's part, held in the dispute's escrow until the court releases it" }),
    z
      .object({ kind: z.literal("licensor"), path: Path, grantId: Decimal, share: Share })
      .openapi({ description: "A sub-licence royalty: the royalty of sub-grant `grantId`, paid to its grantor (`path` ends with the licensed parent)" }),
  ])
  .openapi("SplitComponent");

export const SplitPreview = z
  .object({
    productId: Decimal,
    amount: Decimal,
    policyVersion: z.number().int(),
    stateBlock: z.number().int(),
    entries: z.array(
      z.object({
        account: Address,
        escrowFor: Decimal.nullable().openapi({ description: "The dispute whose escrow this account is, if any" }),
        amount: Decimal,
        exact: z.object({ numerator: Decimal, denominator: Decimal }),
        roundedUp: z.boolean(),
        components: z.array(SplitComponent),
      }),
    ),
  })
  .openapi("SplitPreview", { description: "How the amount would be split now: entries by account ascending, summing to the amount" });

export const Ledger = z
  .object({
    chainId: z.number().int(),
    contracts: z.record(Address).openapi({ description: "The deployment's contracts by name" }),
    settlementToken: z
      .object({ address: Address, symbol: z.string(), decimals: z.number().int() })
      .nullable()
      .openapi({ description: "The ERC-20 revenue is paid in; amounts everywhere are in its smallest unit (divide by 10^decimals). Null when the token does not describe itself" }),
  })
  .openapi("Ledger");

/** A block number in a query: decimal, no sign, within what a JavaScript number holds exactly. */
export const BlockInput = z
  .string()
  .regex(/^[0-9]{1,16}$/, "must be a block number (a decimal integer)")
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n), "must be a block number below 2^53")
  .openapi({ type: "string", pattern: "^[0-9]{1,16}$", example: "1024" });

export const StateDigest = z
  .object({
    block: z.number().int(),
    blockHash: Hash.nullable().openapi({
      description: "The block's hash when the node knows it (the indexed block, a block that may still reorganise, a block with a ledger log); else null",
    }),
    digest: Hash.openapi({
      description:
        "sha256 over the reducer state as of the block: every key and value in key order (bytewise), each prefixed with its length as 4 bytes big endian",
    }),
    reducerVersion: z.string().openapi({ description: "The reducer the state was folded with: digests of different versions are not comparable" }),
    events: z.number().int().openapi({ description: "The deployment's logs up to the block, inclusive" }),
  })
  .openapi("StateDigest", { description: "What replicas compare: two nodes on the same chain with the same reducer version have the same digest at every block" });

export const Health = z.object({ status: z.literal("ok") }).openapi("Health");
export const Readiness = z
  .object({
    ready: z.boolean(),
    indexedBlock: z.number().int(),
    indexedBlockHash: Hash.nullable().openapi({ description: "The indexed block's hash; null before the first block" }),
    headBlock: z.number().int().nullable(),
    lagBlocks: z.number().int().nullable(),
  })
  .openapi("Readiness");

// The card store's and sign-in's answers live beside their routes; re-exported for the pages' types.
export * from "./cardSchemas.js";
