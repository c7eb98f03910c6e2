import type { Abi } from "viem";

import { LEDGER_ABIS } from "../ledger/events/index.js";
import { ROLE_IDS } from "../ledger/roles.js";
import * as LedgerTypes from "../ledger/types.js";
import { DisputeKind, DisputeStatus, enumName, EpochStatus, Remedy } from "../ledger/types.js";
import { FailureError } from "./io.js";
import { readableArgs } from "./readable.js";
import { dateFromNow } from "./time.js";

/**
 * Plain-language explanations of the contracts' refusals, by error name: what the rule is and what to do.
 * `describeRevert` names the error and its arguments; this says why, so that a user who meets a rule of the
 * security audit (docs/security-rules.md) for the first time learns it from the message.
 */

const nameIn = (values: Readonly<Record<string, number | bigint>>, value: unknown): string =>
  Object.keys(values).find((name) => String(values[name]) === String(value)) ?? String(value);

const role = (value: unknown) => nameIn(ROLE_IDS, value);
const kind = (value: unknown) => nameIn(DisputeKind, value);
const remedy = (value: unknown) => nameIn(Remedy, value);

type Args = Readonly<Record<string, unknown>>;

/**
 * What the command knows besides the error's arguments: the chain's clock when the refusal happened (for
 * "how long is left"), and facts read from the chain for errors that name no time themselves (a settlement's
 * challenge window behind `RevenueVaultNotClaimable`).
 */
export interface RefusalFacts {
  now?: bigint;
  epoch?: { status: number; challengeEndsAt: bigint };
}

/** A moment named by a refusal: its date and how far it is from the chain's clock. */
const date = (seconds: unknown, facts: RefusalFacts) => {
  const value = Number(seconds);
  return Number.isFinite(value) && value > 0 ? dateFromNow(BigInt(value), facts.now) : String(seconds);
};
/** Said after a wait that only the chain's clock ends. */
const DEV_CLOCK_HINT = "on the embedded chain, `provenance dev advance-time <duration>` moves its clock";

const EXPLANATIONS: Readonly<Record<string, (args: Args, facts: RefusalFacts) => string>> = {
  // --- access (LedgerAccess over the AccessManager) ---
  LedgerAccessUnauthorized: (a) => `${String(a.account)} does not hold the ${role(a.roleId)} role`,
  LedgerAccessExecutionDelay: (a) =>
    `${String(a.account)} holds the ${role(a.roleId)} role with an execution delay of ${String(a.executionDelay)} s, which the ledger refuses: ` +
    "its actions are not scheduled through the AccessManager. The admin must grant ledger roles with an execution delay of 0 " +
    "(a grant delay makes new members wait instead)",
  LedgerAccessTargetClosed: (a) =>
    `the AccessManager closed the contract ${String(a.target)}: no action that needs a role runs until the admin opens it again ` +
    "(setTargetClosed(target, false))",

  // --- registration ---
  AssetRegistryDuplicateFingerprint: (a) =>
    `this fingerprint is already registered to asset ${String(a.assetId)}, which is applied, in notice or issued: ` +
    "the same data is never registered twice (object to that registration instead: `provenance asset object`)",
  AssetRegistryDesensitizationReviewRequired: (a) =>
    String(a.reviewId) === "0"
      ? `asset ${String(a.assetId)} needs a DESENSITIZATION review first: a product classified below its most sensitive parent waits for ` +
        "a reviewer's report (`provenance asset review <asset> DESENSITIZATION <report-hash>`) before the registrar accepts it, and " +
        "IMPORTANT -> GENERAL names such a report with --review"
      : `review ${String(a.reviewId)} is not a DESENSITIZATION review of asset ${String(a.assetId)} attached since it became IMPORTANT`,
  AssetRegistrySelfObjection: (a) => `${String(a.objector)} holds (or applied for) asset ${String(a.assetId)}: a holder cannot object to its own asset`,
  AssetRegistryUnderObjection: (a) => `asset ${String(a.assetId)} has an open objection: the court's ruling on it comes first`,
  AssetRegistryNoticeNotOver: (a, f) =>
    `the public notice of asset ${String(a.assetId)} runs until ${date(a.noticeEndsAt, f)}: the certificate is issued after it ends ` +
    `(${DEV_CLOCK_HINT})`,
  AssetRegistryNoticeClosed: (a) =>
    `the public notice of asset ${String(a.assetId)} is over: an objection now is one to the issued certificate (\`provenance asset object\` after issue)`,
  AssetRegistryInvalidStatus: (a) => `asset ${String(a.assetId)} is ${nameIn(LedgerTypes.AssetStatus, a.status)}, which this action does not apply to`,
  AssetRegistryInvalidNoticePeriod: (a) => `${String(a.noticePeriod)} s is outside the notice period's bounds (at least 60 s, at most 365 days)`,
  AssetRegistryRoyaltiesExceedTotal: (a) =>
    `the parents' royalties, stacked down their grant chains, come to ${String(a.totalBps)} bps, above 10000 (100%)`,
  PartyRegistryInvalidAccount: (a) => `${String(a.account)} cannot be a party: it is zero or a dispute's escrow account`,

  // --- grants ---
  GrantRegistryRoyaltiesExceedTotal: (a) =>
    `this sub-grant's royalty stacked on those of every grant above it comes to ${String(a.totalBps)} bps, above 10000 (100%): ` +
    "royalties stack down a grant chain, a sub-licence never lowers what the grantors above it earn",
  GrantRegistryHeldByArbitrator: (a) => `an arbitrator suspended grant ${String(a.grantId)}: only an arbitrator resumes it`,
  GrantRegistryInvalidStatus: (a) => `grant ${String(a.grantId)} is ${nameIn(LedgerTypes.GrantStatus, a.status)}, which this action does not apply to`,
  GrantRegistryExpiredSignature: (a, f) => `the signature expired at ${date(a.deadline, f)}: the grantor signs again (\`provenance grant sign\`)`,
  GrantRegistryInvalidWindow: (a, f) =>
    `the window from ${date(a.validFrom, f)} to ${date(a.validUntil, f)} is empty or already over: it must end after it starts and after now`,
  GrantRegistryInvalidUsagePeriod: (a, f) =>
    `the usage period from ${date(a.periodStart, f)} to ${date(a.periodEnd, f)} must be over and inside the grant's window`,

  // --- contributions ---
  ContributionLedgerExpiredSignature: (a, f) => `the signature expired at ${date(a.deadline, f)}: the holder signs again (\`provenance contribution sign-confirmation\`)`,
  ContributionLedgerNotConfirmable: (a) =>
    `contribution ${String(a.contributionId)} is ${nameIn(LedgerTypes.ContributionStatus, a.status)}: only a RECORDED contribution is confirmed`,
  ContributionLedgerNotDisputable: (a) =>
    `contribution ${String(a.contributionId)} is ${nameIn(LedgerTypes.ContributionStatus, a.status)}: only a RECORDED or CONFIRMED contribution is disputed`,

  // --- revenue ---
  RevenueVaultStaleStateBlock: (a) =>
    `the settlement was computed from the state at block ${String(a.stateBlock)}, before the last settlement or rejection of the same ` +
    `product and policy version (block ${String(a.lastSettlementBlock)}): compute it again from a state block at or after that one ` +
    "(`provenance settlement propose` uses the latest block by default)",
  RevenueVaultEscrowLeaf: (a) =>
    `leaf ${String(a.index)} of settlement ${String(a.epochId)} is a dispute's escrow: only the court releases it, as the ruling says ` +
    "(`provenance dispute release-escrow`)",
  RevenueVaultInvalidChallengeWindow: (a) => `${String(a.challengeWindow)} s is outside the challenge window's bounds (at least 60 s, at most 90 days)`,
  RevenueVaultNotClaimable: (a, f) => {
    const epoch = f.epoch;
    if (epoch === undefined) return `settlement ${String(a.epochId)} is in its challenge window, paused or rejected: nothing of it can be claimed now`;
    if (epoch.status === EpochStatus.POSTED && f.now !== undefined && f.now < epoch.challengeEndsAt) {
      return `settlement ${String(a.epochId)} is in its challenge window until ${date(epoch.challengeEndsAt, f)}: it is claimed after that (${DEV_CLOCK_HINT})`;
    }
    if (epoch.status === EpochStatus.PAUSED) return `settlement ${String(a.epochId)} is paused by an open SETTLEMENT dispute: it is claimed once the court rules`;
    return `settlement ${String(a.epochId)} is ${enumName(EpochStatus, epoch.status)}: nothing of it can be claimed`;
  },
  RevenueVaultChallengeWindowOver: (a, f) =>
    `the challenge window of settlement ${String(a.epochId)} closed at ${date(a.challengeEndsAt, f)}: it can no longer be rejected, only disputed in the court (\`provenance dispute open SETTLEMENT\`)`,
  RevenueVaultInvalidEpochStatus: (a) => `settlement ${String(a.epochId)} is ${nameIn(EpochStatus, a.status)}, which this action does not apply to`,

  // --- disputes ---
  DisputeCourtBondTooLow: (a) =>
    `a ${kind(a.kind)} dispute needs a bond of at least ${String(a.minimumBond)} (smallest units of the settlement token); ${String(a.bond)} arrived`,
  DisputeCourtNoStanding: (a) =>
    `${String(a.account)} has no standing for this ${kind(a.kind)} dispute. ` +
    (Number(a.kind) === DisputeKind.SETTLEMENT
      ? "A settlement is disputed by the product's holder, or with --standing naming your own contribution to the product or a parent of it you hold"
      : Number(a.kind) === DisputeKind.GRANT
        ? "A grant is disputed by its grantee, its grantor, the asset's holder or a grantor above it"
        : "A third party disputes a contribution or a split policy only as a contributor to the product: pass --standing <your contribution id>"),
  DisputeCourtSelfDispute: (a) => `${String(a.account)} would answer its own dispute (a holder cannot object to its own asset or dispute its own record)`,
  DisputeCourtAlreadyDisputed: (a) => `you already have dispute ${String(a.disputeId)} open on this subject: add evidence to it instead`,
  DisputeCourtRepeatNotAllowed: (a) =>
    `your earlier ${kind(a.kind)} dispute on this subject (asset ${String(a.assetId)}) was ruled or lapsed: ` +
    "an arbitrator must allow a repeat first (`provenance dispute allow-repeat <dispute>`)",
  DisputeCourtAnswerPeriodNotOver: (a, f) =>
    `the respondent has until ${date(a.answerEndsAt, f)} to answer dispute ${String(a.disputeId)}: no ruling before then (${DEV_CLOCK_HINT})`,
  DisputeCourtNotOpen: (a) => `dispute ${String(a.disputeId)} is ${nameIn(DisputeStatus, a.status)}, no longer open`,
  DisputeCourtRulingPeriodOver: (a, f) =>
    `the ruling deadline of dispute ${String(a.disputeId)} passed (${date(a.rulingDeadline, f)}): it can only lapse now (\`provenance dispute lapse\`)`,
  DisputeCourtRulingPeriodNotOver: (a, f) => `dispute ${String(a.disputeId)} may be ruled until ${date(a.rulingDeadline, f)}; it lapses only after that (${DEV_CLOCK_HINT})`,
  DisputeCourtSubjectMismatch: (a) => `there is no ${kind(a.kind)} subject ${String(a.subjectId)} on asset ${String(a.assetId)}`,
  DisputeCourtInvalidRelease: (a) =>
    `a contributor's part of ${String(a.contributorPart)} does not fit the outcome of dispute ${String(a.disputeId)}: ` +
    "DISMISS or a lapse (LAPSED) pays the whole leaf, VOID_CONTRIBUTION pays nothing, ADJUST_CONTRIBUTION pays the arbitrator's part (at most the leaf)",
  DisputeCourtStillOpen: (a) =>
    `dispute ${String(a.disputeId)} is still open: its escrow is released, and a repeat allowed, only once it is ruled or lapsed`,
  DisputeCourtNoEscrow: (a) => `dispute ${String(a.disputeId)} is not a contribution dispute: it holds no escrow`,
  DisputeCourtNothingToWithdraw: (a) => `no bond is credited to ${String(a.account)}`,
  DisputeCourtInvalidRemedy: (a) => `${remedy(a.remedy)} is not a remedy of a ${kind(a.kind)} dispute`,
  DisputeCourtInvalidRuling: (a) =>
    `the ruling's fields do not fit ${remedy(a.remedy)}: --adjusted-measure only with ADJUST_CONTRIBUTION, --transfer-to only with ` +
    "TRANSFER_HOLDING, --forfeit-bond only with DISMISS (and a bond)",
  DisputeCourtNotParty: (a) =>
    String(a.disputeId) === "0"
      ? `${String(a.account)} may not withdraw that bond: only the party it was credited to (or its successor) may`
      : `${String(a.account)} is neither the claimant nor the respondent of dispute ${String(a.disputeId)}`,
  DisputeCourtNotLiveParty: (a) => `${String(a.account)} is not a live registered party`,
  DisputeCourtInvalidAnswerPeriod: (a) => `${String(a.answerPeriod)} s is outside the answer period's bounds (at least an hour, shorter than the ruling period)`,
  DisputeCourtInvalidRulingPeriod: (a) => `${String(a.rulingPeriod)} s is outside the ruling period's bounds (longer than the answer period, at most 365 days)`,

  // --- the settlement token (bonds and deposits) ---
  ERC20InsufficientAllowance: (a) => `the token allowance of ${String(a.spender)} is ${String(a.allowance)}, ${String(a.needed)} is needed`,
  ERC20InsufficientBalance: (a) => `${String(a.sender)} holds ${String(a.balance)} of the settlement token, ${String(a.needed)} is needed`,
};

/** Why the contract refused, in words, when the error is one a user can act on; undefined otherwise. */
export function explainRefusal(name: string, args: Args, facts: RefusalFacts = {}): string | undefined {
  return EXPLANATIONS[name]?.(args, facts);
}

type ErrorInputs = readonly { name?: string | undefined; internalType?: string | undefined }[];
const ERROR_INPUTS = new Map<string, ErrorInputs>();
for (const abi of Object.values(LEDGER_ABIS) as Abi[]) {
  for (const item of abi) if (item.type === "error") ERROR_INPUTS.set(item.name, item.inputs);
}

/**
 * An error's arguments as the CLI prints them: enum values by name (`status: IN_NOTICE`), moments as
 * ISO dates in UTC, everything else as its decimal or hex text (bigints as decimal strings, for `--json`).
 */
export function displayArgs(error: string, args: Args): Record<string, string> {
  return Object.fromEntries(Object.entries(readableArgs(ERROR_INPUTS.get(error) ?? [], args)).map(([name, value]) => [name, String(value)]));
}

/** "ErrorName(arg: value, ...)" with {@link displayArgs}. */
export function errorText(error: string, args: Args): string {
  return `${error}(${Object.entries(displayArgs(error, args)).map(([name, value]) => `${name}: ${value}`).join(", ")})`;
}

/**
 * A refusal the command sees coming before it sends anything (a check of chain state), reported as the
 * contract's own would be: the error's name and arguments, what it means, exit code 1.
 */
export function knownRefusal(action: string, error: string, args: Record<string, unknown>, known: RefusalFacts = {}): FailureError {
  const explanation = explainRefusal(error, args, known);
  return new FailureError(`${action}: the contract would refuse: ${errorText(error, args)}${explanation === undefined ? "" : `: ${explanation}`}`, {
    error,
    args: displayArgs(error, args),
    ...(explanation === undefined ? {} : { explanation }),
  });
}

