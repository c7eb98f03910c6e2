import { ROLE_IDS } from "../ledger/roles.js";
import { DisputeKind, Remedy } from "../ledger/types.js";
import { FailureError } from "./io.js";

/**
 * Plain-language explanations of the contracts' refusals, by error name: what the rule is and what to do.
 * `describeRevert` names the error and its arguments; this says why, so that a user who meets a rule of the
 * security audit (docs/security-rules.md) for the first time learns it from the message.
 */

const nameIn = (values: Readonly<Record<string, number | bigint>>, value: unknown): string =>
  Object.keys(values).find((name) => String(values[name]) === String(value)) ?? String(value);

const role = (value: unknown) => nameIn(ROLE_IDS, value);
const kind = (value: unknown) => nameIn(DisputeKind, value);
const date = (seconds: unknown) => {
  const value = Number(seconds);
  return Number.isFinite(value) && value > 0 ? new Date(value * 1000).toISOString().replace(".000Z", "Z") : String(seconds);
};

type Args = Readonly<Record<string, unknown>>;

const EXPLANATIONS: Readonly<Record<string, (args: Args) => string>> = {
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
  AssetRegistryInvalidNoticePeriod: (a) => `${String(a.noticePeriod)} s is outside the notice period's bounds (at least 60 s, at most 365 days)`,
  AssetRegistryRoyaltiesExceedTotal: (a) =>
    `the parents' royalties, stacked down their grant chains, come to ${String(a.totalBps)} bps, above 10000 (100%)`,
  PartyRegistryInvalidAccount: (a) => `${String(a.account)} cannot be a party: it is zero or a dispute's escrow account`,

  // --- grants ---
  GrantRegistryRoyaltiesExceedTotal: (a) =>
    `this sub-grant's royalty stacked on those of every grant above it comes to ${String(a.totalBps)} bps, above 10000 (100%): ` +
    "royalties stack down a grant chain, a sub-licence never lowers what the grantors above it earn",
  GrantRegistryHeldByArbitrator: (a) => `an arbitrator suspended grant ${String(a.grantId)}: only an arbitrator resumes it`,

  // --- revenue ---
  RevenueVaultStaleStateBlock: (a) =>
    `the settlement was computed from the state at block ${String(a.stateBlock)}, before the last settlement or rejection of the same ` +
    `product and policy version (block ${String(a.lastSettlementBlock)}): compute it again from a state block at or after that one ` +
    "(`provenance settlement propose` uses the latest block by default)",
  RevenueVaultEscrowLeaf: (a) =>
    `leaf ${String(a.index)} of settlement ${String(a.epochId)} is a dispute's escrow: only the court releases it, as the ruling says ` +
    "(`provenance dispute release-escrow`)",
  RevenueVaultInvalidChallengeWindow: (a) => `${String(a.challengeWindow)} s is outside the challenge window's bounds (at least 60 s, at most 90 days)`,
  RevenueVaultNotClaimable: (a) => `settlement ${String(a.epochId)} is in its challenge window, paused or rejected: nothing of it can be claimed now`,

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
  DisputeCourtAnswerPeriodNotOver: (a) =>
    `the respondent has until ${date(a.answerEndsAt)} to answer dispute ${String(a.disputeId)}: no ruling before then`,
  DisputeCourtRulingPeriodOver: (a) =>
    `the ruling deadline of dispute ${String(a.disputeId)} passed (${date(a.rulingDeadline)}): it can only lapse now (\`provenance dispute lapse\`)`,
  DisputeCourtRulingPeriodNotOver: (a) => `dispute ${String(a.disputeId)} may be ruled until ${date(a.rulingDeadline)}; it lapses only after that`,
  DisputeCourtSubjectMismatch: (a) => `there is no ${kind(a.kind)} subject ${String(a.subjectId)} on asset ${String(a.assetId)}`,
  DisputeCourtInvalidRelease: (a) =>
    `a contributor's part of ${String(a.contributorPart)} does not fit the outcome of dispute ${String(a.disputeId)}: ` +
    "dismissed or lapsed pays the whole leaf, VOID_CONTRIBUTION pays nothing, ADJUST_CONTRIBUTION pays the arbitrator's part (at most the leaf)",
  DisputeCourtStillOpen: (a) =>
    `dispute ${String(a.disputeId)} is still open: its escrow is released, and a repeat allowed, only once it is ruled or lapsed`,
  DisputeCourtNoEscrow: (a) => `dispute ${String(a.disputeId)} is not a contribution dispute: it holds no escrow`,
  DisputeCourtNothingToWithdraw: (a) => `no bond is credited to ${String(a.account)}`,
  DisputeCourtInvalidRemedy: (a) => `${nameIn(Remedy, a.remedy)} is not a remedy of a ${kind(a.kind)} dispute`,
  DisputeCourtInvalidRuling: (a) =>
    `the ruling's fields do not fit ${nameIn(Remedy, a.remedy)}: --adjusted-measure only with ADJUST_CONTRIBUTION, --transfer-to only with ` +
    "TRANSFER_HOLDING, --forfeit-bond only when dismissing",
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
export function explainRefusal(name: string, args: Args): string | undefined {
  return EXPLANATIONS[name]?.(args);
}

/**
 * A refusal the command sees coming before it sends anything (a check of chain state), reported as the
 * contract's own would be: the error's name and arguments, what it means, exit code 1.
 */
export function knownRefusal(action: string, error: string, args: Record<string, unknown>): FailureError {
  const explanation = explainRefusal(error, args);
  const text = `${error}(${Object.entries(args).map(([name, value]) => `${name}: ${String(value)}`).join(", ")})`;
  return new FailureError(`${action}: the contract would refuse: ${text}${explanation === undefined ? "" : `: ${explanation}`}`, {
    error,
    args,
    ...(explanation === undefined ? {} : { explanation }),
  });
}
