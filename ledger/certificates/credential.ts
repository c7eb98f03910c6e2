import { getAddress, isAddress, parseSignature, recoverAddress, sha256, stringToBytes, type Address, type Hex } from "viem";
import { z } from "zod";

import type { CertificateClaims } from "./claims.js";

/**
 * A registration certificate as a W3C Verifiable Credential (VC Data Model 1.1), in its JWT encoding
 * (`vc` claim, RFC 7519), signed ES256K (RFC 8812: ECDSA on secp256k1 over SHA-256) by a registrar's
 * Ethereum key.
 *
 * Identifiers are did:pkh (`did:pkh:eip155:<chainId>:<address>`): the DID *is* the Ethereum account, so
 * it resolves with no registry, on any EVM chain (a consortium chain has no ERC-1056 registry), and the
 * authority a verifier checks is the account's registrar role on the ledger, not a DID document a key
 * holder could rotate (did:ethr lets an identity's owner change, which would cut the DID loose from the
 * account that holds the role). Any did:pkh resolver and any JWT-VC verifier (did-jwt-vc, for one) checks
 * the signature; the ledger checks are this package's `verifyCertificateCredential`.
 *
 * Signing and decoding are written here on viem's primitives rather than with a VC library: a credential
 * is three base64url parts and one secp256k1 signature, and the interoperability test verifies what this
 * produces with did-jwt-vc, a library the project does not use to make it.
 */

const CREDENTIAL_TYPE = "DataRegistrationCertificate";
const STATUS_TYPE = "ProvenanceLedgerAssetStatus";
const VC_CONTEXT = "https://www.w3.org/2018/credentials/v1";

/** The credential is not one: unreadable as a JWT-VC, or not a registration certificate. */
export class CredentialFormatError extends Error {
  override name = "CredentialFormatError";
}

export function didOf(chainId: number, account: Address): string {
  return `did:pkh:eip155:${chainId}:${getAddress(account)}`;
}

/** The chain and account of a did:pkh on an EVM chain; undefined for any other DID. */
function accountOfDid(did: string): { chainId: number; account: Address } | undefined {
  const match = /^did:pkh:eip155:([0-9]{1,20}):(0x[0-9a-fA-F]{40})$/.exec(did);
  if (match === null || !isAddress(match[2]!, { strict: false })) return undefined;
  return { chainId: Number(match[1]), account: getAddress(match[2]!) };
}

/** Where the credential's status lives: the asset's status in the registry, on its chain (CAIP-10 registry + asset). */
function statusIdOf(chainId: number, registry: Address, registrationNumber: string): string {
  return `eip155:${chainId}:${getAddress(registry)}/assets/${registrationNumber}`;
}

/** The JWT claims set of a certificate credential issued by `issuer`; valid from the block the claims were read at. */
export function credentialPayload(claims: CertificateClaims, issuer: Address) {
  return {
    iss: didOf(claims.chainId, issuer),
    sub: didOf(claims.chainId, claims.holder),
    nbf: Number(claims.asOf.timestamp),
    jti: `urn:provenance-ledger:${statusIdOf(claims.chainId, claims.registry, claims.registrationNumber)}/evidence/${claims.evidenceHead.seq}`,
    vc: {
      "@context": [VC_CONTEXT],
      type: ["VerifiableCredential", CREDENTIAL_TYPE],
      credentialSubject: { certificate: claims },
      // Not a status list the registrar must keep: the registry's own record of the asset, read from the chain.
      credentialStatus: {
        id: statusIdOf(claims.chainId, claims.registry, claims.registrationNumber),
        type: STATUS_TYPE,
        chainId: claims.chainId,
        registry: claims.registry,
        registrationNumber: claims.registrationNumber,
      },
    },
  };
}

export type CredentialPayload = ReturnType<typeof credentialPayload>;

const base64url = {
  encode(bytes: Uint8Array): string {
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
  decode(text: string): Uint8Array {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new CredentialFormatError("not base64url");
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "="));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  },
};
const encodeJson = (value: unknown) => base64url.encode(stringToBytes(JSON.stringify(value)));

/** Signs a hash with the issuer's key: a viem local account's `sign({ hash })`. */
type HashSigner = (hash: Hex) => Promise<Hex>;

/** The compact JWT of `payload`, signed ES256K (r ‖ s, 64 bytes, low s). */
export async function signCredential(payload: CredentialPayload, sign: HashSigner): Promise<string> {
  const signingInput = `${encodeJson({ alg: "ES256K", typ: "JWT" })}.${encodeJson(payload)}`;
  const { r, s } = parseSignature(await sign(sha256(stringToBytes(signingInput))));
  const bytes = new Uint8Array(64);
  bytes.set(hexBytes(r), 0);
  bytes.set(hexBytes(s), 32);
  return `${signingInput}.${base64url.encode(bytes)}`;
}

function hexBytes(hex: Hex): Uint8Array {
  const digits = hex.slice(2).padStart(64, "0");
  return Uint8Array.from({ length: 32 }, (_, i) => Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16));
}

/**
 * The credential in the VC Data Model's JSON form, with its JWT as the proof (`JwtProof2020`, as
 * did-jwt-vc writes it): what `--out cert.vc.json` saves. The JWT alone is what is signed.
 */
function credentialDocument(jwt: string, payload: CredentialPayload) {
  return {
    "@context": payload.vc["@context"],
    type: payload.vc.type,
    issuer: { id: payload.iss },
    issuanceDate: new Date(payload.nbf * 1000).toISOString().replace(".000Z", "Z"),
    credentialSubject: { id: payload.sub, ...payload.vc.credentialSubject },
    credentialStatus: payload.vc.credentialStatus,
    ...(payload.jti === undefined ? {} : { id: payload.jti }),
    proof: { type: "JwtProof2020", jwt },
  };
}

const issuePath = (issue: z.ZodIssue) => issue.path.join(".");
const Decimal = z.string().regex(/^[0-9]{1,78}$/, "must be a decimal integer");
const Hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex hash");
const AddressField = z.string().refine((value) => isAddress(value, { strict: false }), "must be an address");
const Name = z.object({ en: z.string().optional(), "zh-CN": z.string().optional() }).strict().nullable();
const ClaimsShape = z.object({
    registrationNumber: Decimal,
    kind: z.string(),
    category: z.string(),
    classification: z.string(),
    status: z.string(),
    holder: AddressField,
    holderName: Name,
    fingerprint: Hash,
    issued: z.object({ transaction: Hash, block: Decimal, timestamp: Decimal }).strict().nullable(),
    card: z.object({ version: z.number().int().min(0), cardHash: Hash, cardURI: z.string() }).strict(),
    parents: z.array(Decimal),
    encumbrances: z
      .object({
        pledge: z.object({ pledgee: AddressField, pledgeeName: Name }).strict().nullable(),
        openObjections: z.number().int().min(0),
      })
      .strict(),
    evidenceHead: z.object({ seq: z.number().int().min(0), head: Hash }).strict(),
    chainId: z.number().int().positive(),
    registry: AddressField,
    asOf: z.object({ block: Decimal, timestamp: Decimal }).strict(),
});
const ClaimsSchema = ClaimsShape.strict();

/**
 * The claims of a certificate as the API answers them (`GET /assets/{id}/certificate`, which adds fields
 * such as `checkUrl`): exactly the fields a credential signs, checked. Throws CredentialFormatError.
 */
export function certificateClaimsFrom(value: unknown): CertificateClaims {
  const parsed = ClaimsShape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CredentialFormatError(`not a certificate: ${issuePath(issue)}: ${issue.message}`);
  }
  return parsed.data as CertificateClaims;
}
const PayloadSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  nbf: z.number().int().nonnegative(),
  jti: z.string().optional(),
  vc: z.object({
    "@context": z.array(z.string()).refine((contexts) => contexts[0] === VC_CONTEXT, `must start with ${VC_CONTEXT}`),
    type: z.array(z.string()).refine((types) => types.includes("VerifiableCredential") && types.includes(CREDENTIAL_TYPE), `must include VerifiableCredential and ${CREDENTIAL_TYPE}`),
    credentialSubject: z.object({ certificate: ClaimsSchema }),
    credentialStatus: z.object({ id: z.string(), type: z.literal(STATUS_TYPE) }).passthrough(),
  }),
});

/** A credential read from a file: its JWT, the signed claims, and the issuer's and holder's accounts. */
export interface ReadCredential {
  jwt: string;
  payload: CredentialPayload;
  claims: CertificateClaims;
  issuer: { did: string; account: Address };
  subject: { did: string; account: Address };
  /**
   * Where the JSON form says something its JWT does not sign (a claim changed in the file): the fields,
   * empty when the file is the JWT itself or agrees with it. Such a credential fails its signature check.
   */
  unsignedChanges: string[];
}

/**
 * Reads a certificate credential: a compact JWT, or the JSON form with the JWT as its proof. Throws
 * CredentialFormatError naming what is wrong when the text is not one. Checks no signature.
 */
export function readCredential(text: string): ReadCredential {
  const trimmed = text.trim();
  let jwt: string;
  let document: Record<string, unknown> | undefined;
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new CredentialFormatError(`not JSON: ${(error as Error).message}`);
    }
    const proof = (parsed as { proof?: { type?: unknown; jwt?: unknown } }).proof;
    if (proof === undefined || proof.type !== "JwtProof2020" || typeof proof.jwt !== "string") {
      throw new CredentialFormatError('a JSON credential needs a "proof" of type JwtProof2020 with its "jwt"');
    }
    document = parsed as Record<string, unknown>;
    jwt = proof.jwt.trim();
  } else {
    jwt = trimmed;
  }
  const parts = jwt.split(".");
  if (parts.length !== 3) throw new CredentialFormatError("not a JWT (three base64url parts separated by dots) nor a JSON credential");
  const json = (part: string, what: string): unknown => {
    try {
      return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(base64url.decode(part)));
    } catch {
      throw new CredentialFormatError(`the JWT's ${what} is not base64url-encoded JSON`);
    }
  };
  const header = json(parts[0]!, "header") as { alg?: unknown };
  if (header.alg !== "ES256K") throw new CredentialFormatError(`unsupported signature algorithm ${JSON.stringify(header.alg)} (expected ES256K)`);
  const parsed = PayloadSchema.safeParse(json(parts[1]!, "payload"));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CredentialFormatError(`not a registration-certificate credential: ${issuePath(issue)}: ${issue.message}`);
  }
  const payload = parsed.data as unknown as CredentialPayload;
  const issuer = accountOfDid(payload.iss);
  if (issuer === undefined) throw new CredentialFormatError(`the issuer ${payload.iss} is not a did:pkh of an Ethereum account (did:pkh:eip155:<chain>:<address>)`);
  const subject = accountOfDid(payload.sub);
  if (subject === undefined) throw new CredentialFormatError(`the subject ${payload.sub} is not a did:pkh of an Ethereum account`);
  const claims = payload.vc.credentialSubject.certificate as CertificateClaims;
  return {
    jwt,
    payload,
    claims,
    issuer: { did: payload.iss, account: issuer.account },
    subject: { did: payload.sub, account: subject.account },
    unsignedChanges: document === undefined ? [] : unsignedChanges(document, credentialDocument(jwt, payload)),
  };
}

/** The fields where a credential's JSON form differs from what its JWT signs. */
function unsignedChanges(given: unknown, signed: unknown, path = ""): string[] {
  if (given === null || signed === null || typeof given !== "object" || typeof signed !== "object") {
    return JSON.stringify(given) === JSON.stringify(signed) ? [] : [path || "(document)"];
  }
  const keys = new Set([...Object.keys(given), ...Object.keys(signed)]);
  return [...keys].flatMap((key) =>
    unsignedChanges((given as Record<string, unknown>)[key], (signed as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`),
  );
}

/** The accounts that could have made the JWT's signature (ES256K carries no recovery bit: both are tried). */
export async function signatureMatches(jwt: string, account: Address): Promise<boolean> {
  const [header, payload, signature] = jwt.split(".");
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(signature ?? "");
  } catch {
    return false;
  }
  if (bytes.length !== 64) return false;
  const hex = (slice: Uint8Array): Hex => `0x${[...slice].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  const hash = sha256(stringToBytes(`${header}.${payload}`));
  for (const yParity of [0, 1]) {
    try {
      const recovered = await recoverAddress({ hash, signature: { r: hex(bytes.slice(0, 32)), s: hex(bytes.slice(32)), yParity } });
      if (recovered === getAddress(account)) return true;
    } catch {
      // Not a point on the curve for this parity: try the other.
    }
  }
  return false;
}

/** Issues the credential of `claims` signed by `issuer` (a viem local account): its JWT and its JSON form. */
export async function issueCredential(claims: CertificateClaims, issuer: { address: Address; sign(args: { hash: Hex }): Promise<Hex> }) {
  const payload = credentialPayload(claims, issuer.address);
  const jwt = await signCredential(payload, (hash) => issuer.sign({ hash }));
  return { jwt, payload, document: credentialDocument(jwt, payload) };
}
