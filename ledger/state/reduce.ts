import { ContributionStatus, DisputeStatus, ObjectionStatus } from "../types.js";
import { index, key } from "./keys.js";
import type {
  AssetRecord,
  BondRecord,
  ChainPosition,
  ClaimRecord,
  ContributionRecord,
  DepositRecord,
  DisputeRecord,
  EpochRecord,
  EvidenceRecord,
  GrantRecord,
  LicensorRecord,
  ObjectionRecord,
  ParentRecord,
  PartyRecord,
  PolicyRecord,
  ReviewRecord,
  Totals,
  UsageRecord,
} from "./records.js";
import type { StateWriter } from "./store.js";

/**
 * Ledger reducers: decoded contract events -> ledger state. Pure and deterministic: the same events, in
 * chain order, give byte-identical state, whether folded by the indexer into LevelDB or by
 * {MemoryState} from logs alone. Events of other contracts and events the ledger does not model
 * (approvals, configuration) change nothing.
 */

/** A decoded event as the indexer delivers it (its `DecodedEvent` fits). */
export interface LedgerEvent {
  /** The emitting contract's name: AssetRegistry, GrantRegistry, ContributionLedger, RevenueVault, DisputeCourt, LedgerAccessManager. */
  readonly contract: string;
  readonly eventName: string;
  readonly args: Readonly<Record<string, unknown>> | readonly unknown[];
  readonly blockNumber: bigint;
  readonly timestamp: bigint;
  readonly transactionHash: string;
  readonly logIndex: number;
}

/** Raised for an event whose arguments do not have the shape of the contracts' ABI. */
export class LedgerEventError extends Error {
  constructor(event: LedgerEvent, detail: string) {
    super(`${event.contract}.${event.eventName} at block ${event.blockNumber} log ${event.logIndex}: ${detail}`);
    this.name = "LedgerEventError";
  }
}

type Handler = (event: LedgerEvent, args: Args, state: Documents) => void;

/** Folds one event into the state. */
export function reduceLedgerEvent(event: LedgerEvent, state: StateWriter): void {
  const handler = HANDLERS[`${event.contract}.${event.eventName}`];
  if (handler === undefined) return;
  if (Array.isArray(event.args)) throw new LedgerEventError(event, "arguments without names");
  const documents = new Documents(state);
  handler(event, new Args(event, event.args as Readonly<Record<string, unknown>>), documents);
  const totals = documents.totals();
  totals.events += 1;
  documents.putTotals(totals);
}

// ------------------------------------------------------------------------------------------------
// Argument access with shape checks
// ------------------------------------------------------------------------------------------------

class Args {
  constructor(
    private readonly event: LedgerEvent,
    private readonly values: Readonly<Record<string, unknown>>,
  ) {}

  big(name: string): bigint {
    const value = this.values[name];
    if (typeof value === "bigint") return value;
    if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
    throw new LedgerEventError(this.event, `${name} is not an integer`);
  }

  num(name: string): number {
    const value = this.big(name);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new LedgerEventError(this.event, `${name} is too large`);
    return Number(value);
  }

  text(name: string): string {
    const value = this.values[name];
    if (typeof value !== "string") throw new LedgerEventError(this.event, `${name} is not a string`);
    return value;
  }

  bool(name: string): boolean {
    const value = this.values[name];
    if (typeof value !== "boolean") throw new LedgerEventError(this.event, `${name} is not a boolean`);
    return value;
  }

  list(name: string): readonly unknown[] {
    const value = this.values[name];
    if (!Array.isArray(value)) throw new LedgerEventError(this.event, `${name} is not a list`);
    return value;
  }

  record(name: string): Args {
    const value = this.values[name];
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new LedgerEventError(this.event, `${name} is not a tuple`);
    }
    return new Args(this.event, value as Readonly<Record<string, unknown>>);
  }

  fail(detail: string): never {
    throw new LedgerEventError(this.event, detail);
  }
}

function at(event: LedgerEvent): ChainPosition {
  return {
    block: event.blockNumber.toString(),
    timestamp: event.timestamp.toString(),
    tx: event.transactionHash,
    logIndex: event.logIndex,
  };
}

// ------------------------------------------------------------------------------------------------
// Typed documents over the key-value state
// ------------------------------------------------------------------------------------------------

class Documents {
  constructor(readonly state: StateWriter) {}

  read<T>(documentKey: string): T | undefined {
    const raw = this.state.get(documentKey);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  /** A document the contracts guarantee exists (they emit nothing about unknown ids). */
  require<T>(documentKey: string, args: Args): T {
    return this.read<T>(documentKey) ?? args.fail(`no ${documentKey} in the state`);
  }

  write(documentKey: string, document: object): void {
    this.state.put(documentKey, JSON.stringify(document));
  }

  mark(indexKey: string): void {
    this.state.put(indexKey, "");
  }

  unmark(indexKey: string): void {
    this.state.del(indexKey);
  }

  totals(): Totals {
    return this.read<Totals>(key.totals()) ?? { events: 0, deposited: "0", paidOut: "0" };
  }

  putTotals(totals: Totals): void {
    this.write(key.totals(), totals);
  }
}

// ------------------------------------------------------------------------------------------------
// Handlers, by contract
// ------------------------------------------------------------------------------------------------

const add = (a: string, b: bigint): string => (BigInt(a) + b).toString();

const HANDLERS: Readonly<Record<string, Handler>> = {
  // --- access manager ---
  "LedgerAccessManager.RoleGranted": (event, args, docs) => {
    docs.write(key.role(args.big("roleId"), args.text("account")), {
      roleId: args.big("roleId").toString(),
      account: args.text("account"),
      at: at(event),
    });
  },
  "LedgerAccessManager.RoleRevoked": (_event, args, docs) => {
    docs.state.del(key.role(args.big("roleId"), args.text("account")));
  },

  // --- parties ---
  "AssetRegistry.PartyRegistered": (event, args, docs) => {
    const party: PartyRecord = {
      account: args.text("account"),
      kind: args.num("kind"),
      profileHash: args.text("profileHash"),
      registrar: args.text("registrar"),
      successor: null,
      predecessors: [],
      at: at(event),
    };
    docs.write(key.party(party.account), party);
  },
  "AssetRegistry.PartySucceeded": (_event, args, docs) => {
    const predecessor = docs.require<PartyRecord>(key.party(args.text("predecessor")), args);
    const successor = docs.require<PartyRecord>(key.party(args.text("successor")), args);
    predecessor.successor = successor.account;
    successor.predecessors.push(predecessor.account);
    docs.write(key.party(predecessor.account), predecessor);
    docs.write(key.party(successor.account), successor);
  },

  // --- registrations ---
  "AssetRegistry.AssetApplied": (event, args, docs) => {
    const assetId = args.big("assetId");
    const parents = args.list("parents").map((raw): ParentRecord => {
      const link = new Args(event, raw as Readonly<Record<string, unknown>>);
      return { assetId: link.big("assetId").toString(), ...derivationRoyalties(docs, args, link.big("grantId")) };
    });
    const asset: AssetRecord = {
      assetId: assetId.toString(),
      kind: args.num("kind"),
      category: args.num("category"),
      classification: args.num("classification"),
      status: 1, // APPLIED
      applicant: args.text("applicant"),
      owner: null,
      fingerprint: args.text("fingerprint"),
      cards: [{ version: 0, cardHash: args.text("cardHash"), cardURI: args.text("cardURI"), at: at(event) }],
      parents,
      noticeEndsAt: null,
      pledgee: null,
      openObjections: 0,
      openDisputes: 0,
      applied: at(event),
      issued: null,
      evidence: { seq: 0, head: "" },
    };
    docs.write(key.asset(assetId), asset);
    docs.mark(index.assetsByFingerprint(asset.fingerprint, assetId));
    for (const parent of parents) docs.mark(index.childrenOf(BigInt(parent.assetId), assetId));
  },
  "AssetRegistry.ReviewAttached": (event, args, docs) => {
    const review: ReviewRecord = {
      reviewId: args.big("reviewId").toString(),
      assetId: args.big("assetId").toString(),
      reviewer: args.text("reviewer"),
      kind: args.num("kind"),
      reportHash: args.text("reportHash"),
      reportURI: args.text("reportURI"),
      at: at(event),
    };
    docs.write(key.review(args.big("reviewId")), review);
    docs.mark(index.reviewsOfAsset(args.big("assetId"), args.big("reviewId")));
  },
  "AssetRegistry.ApplicationAccepted": (_event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.status = 2; // IN_NOTICE
      asset.noticeEndsAt = args.big("noticeEndsAt").toString();
    });
  },
  "AssetRegistry.ApplicationRefused": (_event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.status = 4; // REFUSED
    });
  },
  "AssetRegistry.ObjectionFiled": (event, args, docs) => {
    const objection: ObjectionRecord = {
      objectionId: args.big("objectionId").toString(),
      assetId: args.big("assetId").toString(),
      objector: args.text("objector"),
      groundsHash: args.text("groundsHash"),
      groundsURI: args.text("groundsURI"),
      status: ObjectionStatus.OPEN,
      resolver: null,
      rulingHash: null,
      at: at(event),
    };
    docs.write(key.objection(args.big("objectionId")), objection);
    docs.mark(index.objectionsOfAsset(args.big("assetId"), args.big("objectionId")));
    updateAsset(docs, args, (asset) => {
      asset.openObjections += 1;
    });
  },
  "AssetRegistry.ObjectionResolved": (_event, args, docs) => {
    const objection = docs.require<ObjectionRecord>(key.objection(args.big("objectionId")), args);
    objection.status = args.bool("upheld") ? ObjectionStatus.UPHELD : ObjectionStatus.DISMISSED;
    objection.resolver = args.text("resolver");
    objection.rulingHash = args.text("rulingHash");
    docs.write(key.objection(args.big("objectionId")), objection);
    updateAsset(docs, args, (asset) => {
      asset.openObjections -= 1;
    });
  },
  "AssetRegistry.CertificateIssued": (event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.status = 3; // ISSUED
      asset.issued = at(event);
    });
  },
  "AssetRegistry.CardChanged": (event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.cards.push({ version: args.num("version"), cardHash: args.text("cardHash"), cardURI: args.text("cardURI"), at: at(event) });
    });
  },
  "AssetRegistry.AssetReclassified": (_event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.classification = args.num("to");
    });
  },
  "AssetRegistry.AssetCancelled": (_event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.status = 5; // CANCELLED
    });
  },
  "AssetRegistry.AssetDestroyed": (_event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.status = 6; // DESTROYED
    });
  },
  "AssetRegistry.AssetPledged": (_event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.pledgee = args.text("pledgee");
    });
  },
  "AssetRegistry.PledgeReleased": (_event, args, docs) => {
    updateAsset(docs, args, (asset) => {
      asset.pledgee = null;
    });
  },
  // Every change of the certificate's owner (issue, transfer, succession) is an ERC-721 Transfer.
  "AssetRegistry.Transfer": (_event, args, docs) => {
    const assetId = args.big("tokenId");
    const from = args.text("from");
    const to = args.text("to");
    if (!isZeroAddress(from)) docs.unmark(index.assetsOfHolder(from, assetId));
    docs.mark(index.assetsOfHolder(to, assetId));
    const asset = docs.require<AssetRecord>(key.asset(assetId), args);
    asset.owner = to;
    docs.write(key.asset(assetId), asset);
  },
  "AssetRegistry.EvidenceAppended": (event, args, docs) => {
    const assetId = args.big("assetId");
    const entry: EvidenceRecord = {
      assetId: assetId.toString(),
      seq: args.num("seq"),
      kind: args.text("kind"),
      payloadHash: args.text("payloadHash"),
      actor: args.text("actor"),
      timestamp: args.big("timestamp").toString(),
      head: args.text("head"),
      at: at(event),
    };
    docs.write(key.evidence(assetId, entry.seq), entry);
    updateAsset(docs, args, (asset) => {
      asset.evidence = { seq: entry.seq, head: entry.head };
    });
  },

  // --- grants ---
  "GrantRegistry.Granted": (event, args, docs) => {
    const terms = args.record("terms");
    const grant: GrantRecord = {
      grantId: args.big("grantId").toString(),
      assetId: args.big("assetId").toString(),
      grantor: args.text("grantor"),
      grantee: args.text("grantee"),
      parentId: args.big("parentId").toString(),
      rights: terms.num("rights"),
      scopeKind: terms.num("scopeKind"),
      scopeData: terms.text("scopeData"),
      purposeHash: terms.text("purposeHash"),
      usageMode: terms.num("usageMode"),
      validFrom: terms.big("validFrom").toString(),
      validUntil: terms.big("validUntil").toString(),
      royaltyBps: terms.num("royaltyBps"),
      status: 1, // ACTIVE
      usageCount: 0,
      usageUnits: "0",
      at: at(event),
    };
    const grantId = args.big("grantId");
    docs.write(key.grant(grantId), grant);
    docs.mark(index.grantsOfAsset(args.big("assetId"), grantId));
    docs.mark(index.grantsOfParty(grant.grantor, grantId));
    docs.mark(index.grantsOfParty(grant.grantee, grantId));
  },
  "GrantRegistry.GrantSuspended": (_event, args, docs) => setGrantStatus(docs, args, 2),
  "GrantRegistry.GrantResumed": (_event, args, docs) => setGrantStatus(docs, args, 1),
  "GrantRegistry.GrantRevoked": (_event, args, docs) => setGrantStatus(docs, args, 3),
  "GrantRegistry.UsageRecorded": (event, args, docs) => {
    const grantId = args.big("grantId");
    const grant = docs.require<GrantRecord>(key.grant(grantId), args);
    grant.usageCount += 1;
    grant.usageUnits = add(grant.usageUnits, args.big("units"));
    const usage: UsageRecord = {
      grantId: grantId.toString(),
      units: args.big("units").toString(),
      periodStart: args.big("periodStart").toString(),
      periodEnd: args.big("periodEnd").toString(),
      evidenceHash: args.text("evidenceHash"),
      at: at(event),
    };
    docs.write(key.usage(grantId, grant.usageCount), usage);
    docs.write(key.grant(grantId), grant);
  },

  // --- contributions and policies ---
  "ContributionLedger.ContributionRecorded": (event, args, docs) => {
    const contributionId = args.big("contributionId");
    const productId = args.big("productId");
    const record: ContributionRecord = {
      contributionId: contributionId.toString(),
      productId: productId.toString(),
      contributor: args.text("contributor"),
      stage: args.num("stage"),
      role: args.num("role"),
      measure: args.big("measure").toString(),
      authorization: args.big("authorization").toString(),
      evidenceHash: args.text("evidenceHash"),
      evidenceURI: args.text("evidenceURI"),
      status: ContributionStatus.RECORDED,
      disputeId: null,
      statusBeforeDispute: null,
      confirmer: null,
      at: at(event),
    };
    docs.write(key.contribution(contributionId), record);
    docs.mark(index.contributionsOfProduct(productId, contributionId));
    docs.mark(index.contributionsOfParty(record.contributor, contributionId));
  },
  "ContributionLedger.ContributionConfirmed": (_event, args, docs) => {
    updateContribution(docs, args, (record) => {
      record.status = ContributionStatus.CONFIRMED;
      record.confirmer = args.text("confirmer");
    });
  },
  "ContributionLedger.ContributionDisputed": (_event, args, docs) => {
    updateContribution(docs, args, (record) => {
      record.statusBeforeDispute = args.num("priorStatus");
      record.status = ContributionStatus.DISPUTED;
      record.disputeId = args.big("disputeId").toString();
    });
  },
  "ContributionLedger.ContributionRuled": (_event, args, docs) => {
    updateContribution(docs, args, (record) => {
      record.status = args.num("status");
      const measure = args.big("measure");
      if (measure !== 0n) record.measure = measure.toString();
      record.disputeId = null;
      record.statusBeforeDispute = null;
    });
  },
  "ContributionLedger.SplitPolicySet": (event, args, docs) => {
    const weights = args.list("stageWeightsBps").map((weight) => Number(weight));
    if (weights.length !== 4) args.fail("stageWeightsBps is not 4 weights");
    const policy: PolicyRecord = {
      productId: args.big("productId").toString(),
      version: args.num("version"),
      stageWeightsBps: weights as [number, number, number, number],
      emptyStageRule: args.num("emptyStageRule"),
      holder: args.text("holder"),
      at: at(event),
    };
    docs.write(key.policy(args.big("productId"), policy.version), policy);
  },

  // --- revenue ---
  "RevenueVault.RevenueDeposited": (event, args, docs) => {
    const depositId = args.big("depositId");
    const deposit: DepositRecord = {
      depositId: depositId.toString(),
      productId: args.big("productId").toString(),
      payer: args.text("payer"),
      amount: args.big("amount").toString(),
      policyVersion: args.num("policyVersion"),
      payerRef: args.text("payerRef"),
      at: at(event),
    };
    docs.write(key.deposit(depositId), deposit);
    docs.mark(index.depositsOfProduct(args.big("productId"), depositId));
    const totals = docs.totals();
    totals.deposited = add(totals.deposited, args.big("amount"));
    docs.putTotals(totals);
  },
  "RevenueVault.SettlementPosted": (event, args, docs) => {
    const epochId = args.big("epochId");
    const epoch: EpochRecord = {
      epochId: epochId.toString(),
      productId: args.big("productId").toString(),
      policyVersion: args.num("policyVersion"),
      amount: args.big("amount").toString(),
      merkleRoot: args.text("merkleRoot"),
      stateBlock: args.big("stateBlock").toString(),
      inputsHash: args.text("inputsHash"),
      challengeEndsAt: args.big("challengeEndsAt").toString(),
      settler: args.text("settler"),
      status: 1,
      claimed: "0",
      returned: "0",
      at: at(event),
      rejected: null,
    };
    docs.write(key.epoch(epochId), epoch);
    docs.mark(index.epochsOfProduct(args.big("productId"), epochId));
  },
  // What was paid of it before stays paid: the next settlement of its product and version credits it.
  "RevenueVault.SettlementRejected": (event, args, docs) => setEpochStatus(docs, args, 3, at(event)),
  "RevenueVault.SettlementPaused": (_event, args, docs) => setEpochStatus(docs, args, 2),
  "RevenueVault.SettlementResumed": (_event, args, docs) => setEpochStatus(docs, args, 1),
  "RevenueVault.RevenueClaimed": (event, args, docs) => {
    const epochId = args.big("epochId");
    const leafIndex = args.big("index");
    const claim: ClaimRecord = {
      epochId: epochId.toString(),
      index: leafIndex.toString(),
      account: args.text("account"),
      amount: args.big("amount").toString(),
      recipients: [args.text("recipient")],
      amounts: [args.big("amount").toString()],
      returned: "0",
      disputeId: null,
      at: at(event),
    };
    recordPayout(docs, args, claim, args.big("amount"), 0n);
    docs.mark(index.claimsOfParty(claim.account, epochId, leafIndex));
  },
  // The court releases a whole escrow leaf: `paid` to the contributor, `returned` to unsettled revenue.
  "RevenueVault.EscrowReleased": (event, args, docs) => {
    const paid = args.big("paid");
    const returned = args.big("returned");
    const claim: ClaimRecord = {
      epochId: args.big("epochId").toString(),
      index: args.big("index").toString(),
      account: "escrow",
      amount: (paid + returned).toString(),
      recipients: paid === 0n ? [] : [args.text("recipient")],
      amounts: paid === 0n ? [] : [paid.toString()],
      returned: returned.toString(),
      disputeId: args.big("disputeId").toString(),
      at: at(event),
    };
    recordPayout(docs, args, claim, paid, returned);
  },

  // --- disputes ---
  "DisputeCourt.DisputeOpened": (event, args, docs) => {
    const disputeId = args.big("disputeId");
    const assetId = args.big("assetId");
    const dispute: DisputeRecord = {
      disputeId: disputeId.toString(),
      assetId: assetId.toString(),
      kind: args.num("kind"),
      subjectId: args.big("subjectId").toString(),
      claimant: args.text("claimant"),
      respondent: args.text("respondent"),
      bond: args.big("bond").toString(),
      groundsHash: args.text("groundsHash"),
      groundsURI: args.text("groundsURI"),
      rulingDeadline: args.big("rulingDeadline").toString(),
      status: DisputeStatus.OPEN,
      remedy: 0,
      ruling: null,
      evidence: [],
      bondCredit: null,
      repeatAllowed: null,
      at: at(event),
    };
    docs.write(key.dispute(disputeId), dispute);
    docs.mark(index.disputesOfAsset(assetId, disputeId));
    docs.mark(index.disputesOfParty(dispute.claimant, disputeId));
    // A holder's dispute of its own settlement has no respondent (zero).
    if (!isZeroAddress(dispute.respondent)) docs.mark(index.disputesOfParty(dispute.respondent, disputeId));
    updateAsset(docs, args, (asset) => {
      asset.openDisputes += 1;
    });
  },
  "DisputeCourt.DisputeEvidenceSubmitted": (event, args, docs) => {
    updateDispute(docs, args, (dispute) => {
      dispute.evidence.push({
        submitter: args.text("submitter"),
        evidenceHash: args.text("evidenceHash"),
        evidenceURI: args.text("evidenceURI"),
        at: at(event),
      });
    });
  },
  "DisputeCourt.DisputeRuled": (event, args, docs) => {
    updateDispute(docs, args, (dispute) => {
      dispute.status = DisputeStatus.RULED;
      dispute.remedy = args.num("remedy");
      const transferTo = args.text("transferTo");
      dispute.ruling = {
        arbitrator: args.text("arbitrator"),
        adjustedMeasure: args.big("adjustedMeasure").toString(),
        transferTo: isZeroAddress(transferTo) ? null : transferTo,
        bondForfeited: args.bool("bondForfeited"),
        rulingHash: args.text("rulingHash"),
        rulingURI: args.text("rulingURI"),
        at: at(event),
      };
    });
    updateAsset(docs, args, (asset) => {
      asset.openDisputes -= 1;
    });
  },
  "DisputeCourt.DisputeLapsed": (event, args, docs) => {
    updateDispute(docs, args, (dispute) => {
      dispute.status = DisputeStatus.LAPSED;
      dispute.remedy = 1; // DISMISS
      dispute.ruling = {
        arbitrator: null,
        adjustedMeasure: "0",
        transferTo: null,
        bondForfeited: false,
        rulingHash: "",
        rulingURI: "",
        at: at(event),
      };
    });
    updateAsset(docs, args, (asset) => {
      asset.openDisputes -= 1;
    });
  },
  // Bonds are pulled: a ruling or lapse credits the bond to an account, whose party withdraws it.
  "DisputeCourt.BondCredited": (event, args, docs) => {
    const disputeId = args.big("disputeId");
    const account = args.text("account");
    const amount = args.big("amount");
    updateDispute(docs, args, (dispute) => {
      dispute.bondCredit = { account, amount: amount.toString(), at: at(event) };
    });
    const bond = bondOf(docs, account);
    bond.credited = add(bond.credited, amount);
    docs.write(key.bond(account), bond);
    docs.mark(index.bondCreditsOfParty(account, disputeId));
  },
  "DisputeCourt.BondWithdrawn": (event, args, docs) => {
    const account = args.text("account");
    const amount = args.big("amount");
    const bond = bondOf(docs, account);
    bond.withdrawn = add(bond.withdrawn, amount);
    bond.withdrawals.push({ recipient: args.text("recipient"), amount: amount.toString(), at: at(event) });
    docs.write(key.bond(account), bond);
  },
  "DisputeCourt.RepeatAllowed": (event, args, docs) => {
    updateDispute(docs, args, (dispute) => {
      dispute.repeatAllowed = { arbitrator: args.text("arbitrator"), at: at(event) };
    });
  },
};

// ------------------------------------------------------------------------------------------------
// Shared updates
// ------------------------------------------------------------------------------------------------

function updateAsset(docs: Documents, args: Args, change: (asset: AssetRecord) => void): void {
  const assetKey = key.asset(args.big("assetId"));
  const asset = docs.require<AssetRecord>(assetKey, args);
  change(asset);
  docs.write(assetKey, asset);
}

function updateContribution(docs: Documents, args: Args, change: (record: ContributionRecord) => void): void {
  const recordKey = key.contribution(args.big("contributionId"));
  const record = docs.require<ContributionRecord>(recordKey, args);
  change(record);
  docs.write(recordKey, record);
}

function updateDispute(docs: Documents, args: Args, change: (dispute: DisputeRecord) => void): void {
  const disputeKey = key.dispute(args.big("disputeId"));
  const dispute = docs.require<DisputeRecord>(disputeKey, args);
  change(dispute);
  docs.write(disputeKey, dispute);
}

function setGrantStatus(docs: Documents, args: Args, status: number): void {
  const grantKey = key.grant(args.big("grantId"));
  const grant = docs.require<GrantRecord>(grantKey, args);
  grant.status = status;
  docs.write(grantKey, grant);
}

function setEpochStatus(docs: Documents, args: Args, status: number, rejected?: ChainPosition): void {
  const epochKey = key.epoch(args.big("epochId"));
  const epoch = docs.require<EpochRecord>(epochKey, args);
  epoch.status = status;
  if (rejected !== undefined) epoch.rejected = rejected;
  docs.write(epochKey, epoch);
}

/**
 * A leaf spent: the whole leaf counts as claimed of its epoch (as the vault's `Epoch.claimed`), `paid` left
 * the vault, `returned` went back to the product's unsettled revenue.
 */
function recordPayout(docs: Documents, args: Args, claim: ClaimRecord, paid: bigint, returned: bigint): void {
  const epochId = BigInt(claim.epochId);
  docs.write(key.claim(epochId, BigInt(claim.index)), claim);
  const epoch = docs.require<EpochRecord>(key.epoch(epochId), args);
  epoch.claimed = add(epoch.claimed, paid + returned);
  if (returned !== 0n) epoch.returned = add(epoch.returned, returned);
  docs.write(key.epoch(epochId), epoch);
  const totals = docs.totals();
  totals.paidOut = add(totals.paidOut, paid);
  docs.putTotals(totals);
}

/** The grant registry's bound on a chain of grants (`MAX_GRANT_DEPTH`): a longer walk means a corrupt state. */
const MAX_GRANT_DEPTH = 4;

/**
 * What a product derived under `grantId` pays upstream for that parent: royalties stack down the grant
 * chain. The root grant's royalty goes to the parent asset; each sub-grant below it (from the derivation
 * grant up) is a licensor paid its own royalty. Grants never change once made, so the documents give the
 * chain as it was at filing.
 */
function derivationRoyalties(docs: Documents, args: Args, grantId: bigint): Omit<ParentRecord, "assetId"> {
  if (grantId === 0n) return { grantId: "0", royaltyBps: 0, licensors: [] };
  const licensors: LicensorRecord[] = [];
  let grant = docs.require<GrantRecord>(key.grant(grantId), args);
  while (grant.parentId !== "0") {
    if (licensors.length >= MAX_GRANT_DEPTH) args.fail(`grant ${grantId} has more than ${MAX_GRANT_DEPTH} grants above it`);
    licensors.push({ grantId: grant.grantId, grantor: grant.grantor, royaltyBps: grant.royaltyBps });
    grant = docs.require<GrantRecord>(key.grant(BigInt(grant.parentId)), args);
  }
  return { grantId: grantId.toString(), royaltyBps: grant.royaltyBps, licensors };
}

function bondOf(docs: Documents, account: string): BondRecord {
  return docs.read<BondRecord>(key.bond(account)) ?? { account, credited: "0", withdrawn: "0", withdrawals: [] };
}

function isZeroAddress(address: string): boolean {
  return /^0x0{40}$/i.test(address);
}
