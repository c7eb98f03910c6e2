import { getAddress, type Address, type Hex } from "viem";

import { signatureMatches, type ReadCredential } from "./credential.js";

/**
 * Checks a certificate credential against the ledger, never against whoever shows it: valid only when
 * (a) its signature is the issuer's, (b) the issuer held the registrar role at the block the credential was
 * issued at, read from the chain, (c) the certificate is still ISSUED, and (d) its fingerprint and holder are
 * still the chain's. Every check is named, and what changed since issue (the evidence entries after the
 * credential's) is listed, so that "cancelled since" comes with the entry that cancelled it.
 */

/** What the verification reads from the ledger (the chain, directly or through an indexer that follows it). */
export interface CertificateLedger {
  readonly chainId: number;
  readonly registry: Address;
  /** Whether `account` held the registrar role at `block`; undefined when the chain has no such block yet. */
  registrarAt(account: Address, block: bigint): Promise<boolean | undefined>;
  /**
   * The asset as the registry has it now, with the registration it maps `fingerprint` to; undefined when
   * the registry has no such registration.
   */
  assetNow(assetId: bigint, fingerprint: Hex): Promise<LedgerAsset | undefined>;
  /** The asset's evidence entries after `seq`, in order; `afterBlock` is a block where the chain had `seq` entries (none is earlier). */
  evidenceAfter(assetId: bigint, seq: number, afterBlock: bigint): Promise<EvidenceChange[]>;
}

export interface LedgerAsset {
  /** The AssetStatus name: ISSUED, CANCELLED, DESTROYED... */
  status: string;
  holder: Address;
  /** The registration the registry maps the credential's fingerprint to now (0 for none). */
  fingerprintOwner: bigint;
  evidence: { seq: number; head: Hex };
}

/** An evidence entry that changed an asset after the credential was issued. */
export interface EvidenceChange {
  seq: number;
  /** The domain event it records (AssetCancelled, HoldingTransferred, AssetPledged...); the selector when unknown. */
  eventName: string;
  block: string;
  transaction: Hex;
  actor: Address;
  timestamp: string;
}

type CheckName = "signature" | "ledger" | "issuer-role" | "status" | "fingerprint" | "holder";
interface CredentialCheck {
  name: CheckName;
  outcome: "pass" | "fail" | "skipped";
  detail: string;
}

export interface CredentialVerdict {
  valid: boolean;
  checks: CredentialCheck[];
  credential: {
    registrationNumber: string;
    issuer: Address;
    holder: Address;
    chainId: number;
    registry: Address;
    issuedAtBlock: string;
    evidenceSeq: number;
  };
  /** The evidence entries after the credential's (empty when the ledger cannot be read for this credential). */
  changesSince: EvidenceChange[];
}

/** The domain events that end a certificate's validity or move it to another holder. */
const STATUS_EVENTS = new Set(["AssetCancelled", "AssetDestroyed"]);
const HOLDER_EVENTS = new Set(["HoldingTransferred", "HoldingSucceeded"]);

const entryText = (change: EvidenceChange) => `evidence entry #${change.seq} (${change.eventName}, block ${change.block}, transaction ${change.transaction})`;

export async function verifyCertificateCredential(credential: ReadCredential, ledger: CertificateLedger): Promise<CredentialVerdict> {
  const { claims, issuer, subject } = credential;
  const checks: CredentialCheck[] = [];
  const check = (name: CheckName, outcome: CredentialCheck["outcome"], detail: string) => checks.push({ name, outcome, detail });
  const summary: CredentialVerdict["credential"] = {
    registrationNumber: claims.registrationNumber,
    issuer: issuer.account,
    holder: getAddress(claims.holder),
    chainId: claims.chainId,
    registry: getAddress(claims.registry),
    issuedAtBlock: claims.asOf.block,
    evidenceSeq: claims.evidenceHead.seq,
  };
  let changesSince: EvidenceChange[] = [];

  // (a) The signature, and that the file says nothing the signature does not cover.
  if (credential.unsignedChanges.length > 0) {
    check("signature", "fail", `the file says what its signature does not cover (${credential.unsignedChanges.join(", ")}): altered after signing`);
  } else if (!(await signatureMatches(credential.jwt, issuer.account))) {
    check("signature", "fail", `the signature is not ${issuer.account}'s: the credential was altered, or signed by another key`);
  } else {
    check("signature", "pass", `signed by ${issuer.account}`);
  }

  // The credential must be about this ledger: its chain and registry, and the DIDs on that chain.
  const mismatches = [
    claims.chainId !== ledger.chainId ? `chain ${claims.chainId}, this ledger is on chain ${ledger.chainId}` : undefined,
    getAddress(claims.registry) !== getAddress(ledger.registry) ? `registry ${getAddress(claims.registry)}, this ledger's is ${getAddress(ledger.registry)}` : undefined,
    [issuer.did, subject.did].some((did) => !did.startsWith(`did:pkh:eip155:${claims.chainId}:`)) ? `DIDs on another chain than its claims' ${claims.chainId}` : undefined,
    getAddress(subject.account) !== getAddress(claims.holder) ? `subject ${subject.account} but holder ${getAddress(claims.holder)}` : undefined,
  ].filter((text) => text !== undefined);
  if (mismatches.length > 0) {
    check("ledger", "fail", `the credential is for ${mismatches.join("; ")}`);
    for (const name of ["issuer-role", "status", "fingerprint", "holder"] as const) check(name, "skipped", "not checked: the credential is not about this ledger");
    return { valid: false, checks, credential: summary, changesSince };
  }
  check("ledger", "pass", `chain ${ledger.chainId}, registry ${getAddress(ledger.registry)}`);

  // (b) The issuer's registrar role at the block of issue.
  const block = BigInt(claims.asOf.block);
  const held = await ledger.registrarAt(issuer.account, block);
  if (held === undefined) check("issuer-role", "fail", `the credential claims block ${block}, which the chain has not reached`);
  else if (!held) check("issuer-role", "fail", `${issuer.account} did not hold the registrar role at block ${block}, when the credential was issued`);
  else check("issuer-role", "pass", `${issuer.account} held the registrar role at block ${block}`);

  // (c) and (d): the certificate as the registry has it now, and what changed it since.
  const assetId = BigInt(claims.registrationNumber);
  const asset = await ledger.assetNow(assetId, claims.fingerprint);
  if (asset === undefined) {
    check("status", "fail", `the registry has no registration ${claims.registrationNumber}`);
    for (const name of ["fingerprint", "holder"] as const) check(name, "skipped", "not checked: no such registration");
    return { valid: false, checks, credential: summary, changesSince };
  }
  changesSince = asset.evidence.seq > claims.evidenceHead.seq ? await ledger.evidenceAfter(assetId, claims.evidenceHead.seq, block) : [];
  const lastOf = (names: ReadonlySet<string>) => changesSince.filter((change) => names.has(change.eventName)).at(-1);

  if (asset.status === "ISSUED") check("status", "pass", `ISSUED on chain${changesSince.length > 0 ? ` (${changesSince.length} evidence entries since issue, none ending it)` : ""}`);
  else {
    const cause = lastOf(STATUS_EVENTS);
    check("status", "fail", `the certificate is ${asset.status} on chain${cause === undefined ? "" : `, since ${entryText(cause)}`}`);
  }

  if (asset.fingerprintOwner === assetId) check("fingerprint", "pass", `the registry maps ${claims.fingerprint} to registration ${assetId}`);
  else {
    check(
      "fingerprint",
      "fail",
      asset.fingerprintOwner === 0n
        ? `the registry maps no registration to the fingerprint ${claims.fingerprint}`
        : `the registry maps the fingerprint ${claims.fingerprint} to registration ${asset.fingerprintOwner}, not ${assetId}`,
    );
  }

  if (getAddress(asset.holder) === getAddress(claims.holder)) check("holder", "pass", `held by ${getAddress(claims.holder)}`);
  else {
    const cause = lastOf(HOLDER_EVENTS);
    check("holder", "fail", `now held by ${getAddress(asset.holder)}, not ${getAddress(claims.holder)}${cause === undefined ? "" : `: transferred by ${entryText(cause)}`}`);
  }

  return { valid: checks.every((c) => c.outcome === "pass"), checks, credential: summary, changesSince };
}
