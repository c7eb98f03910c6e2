import type { Address, Hex } from "viem";

/**
 * What a registration certificate states (登记证书): the facts the printed certificate shows and the
 * verifiable credential signs, as read from the ledger at one block (`asOf`). Enums by name, amounts and
 * ids as decimal strings, addresses checksummed: the API's JSON, the PDF and the credential say the same.
 */
export interface CertificateClaims {
  /** The registration number: the asset id in the registry. */
  registrationNumber: string;
  /** RESOURCE or PRODUCT. */
  kind: string;
  /** PUBLIC, ENTERPRISE or PERSONAL. */
  category: string;
  /** GENERAL, IMPORTANT or CORE. */
  classification: string;
  /** The asset's status at `asOf`: ISSUED, CANCELLED, DESTROYED (or APPLIED / IN_NOTICE before issue). */
  status: string;
  holder: Address;
  /** The holder's name from the party book, only where its profile document hashes to the party's on-chain profile hash. */
  holderName: PartyName | null;
  /** keccak256 of the registered data. */
  fingerprint: Hex;
  /** The issuing transaction (the CertificateIssued event); null before issue. */
  issued: { transaction: Hex; block: string; timestamp: string } | null;
  /** The current asset-card version and its hash. */
  card: { version: number; cardHash: Hex; cardURI: string };
  /** The registration numbers of the assets this one is derived from (its lineage, one level up). */
  parents: string[];
  /** Rights of others on the certificate at `asOf`. */
  encumbrances: { pledge: { pledgee: Address; pledgeeName: PartyName | null } | null; openObjections: number };
  /** The asset's evidence chain at `asOf`: its length and head. */
  evidenceHead: { seq: number; head: Hex };
  chainId: number;
  /** The AssetRegistry contract. */
  registry: Address;
  /** The block the claims were read at: the chain's state they describe. */
  asOf: { block: string; timestamp: string };
}

/** A party's name, in one or both of the ledger's languages. */
export interface PartyName {
  en?: string;
  "zh-CN"?: string;
}

/** The name in `lang` where the party book has it, else the other one; undefined without any. */
export function nameIn(name: { [L in keyof PartyName]?: string | undefined } | null, lang: "en" | "zh-CN"): string | undefined {
  if (name === null) return undefined;
  return lang === "en" ? (name.en ?? name["zh-CN"]) : (name["zh-CN"] ?? name.en);
}

/**
 * The certificate-check page of one certificate, on a deployment's web address: it opens the certificate and
 * says what changed since `printedSeq` (the evidence entries after it, a cancellation).
 */
export function certificateCheckUrl(webBase: string, registrationNumber: string, printedSeq: number): string {
  const base = webBase.endsWith("/") ? webBase : `${webBase}/`;
  return `${base}#/certificate?number=${registrationNumber}&printed=${printedSeq}`;
}
