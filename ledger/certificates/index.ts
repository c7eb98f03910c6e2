export { certificateCheckUrl, nameIn, type CertificateClaims, type PartyName } from "./claims.js";
export {
  certificateClaimsFrom,
  CredentialFormatError,
  credentialPayload,
  didOf,
  issueCredential,
  readCredential,
  signCredential,
  type ReadCredential,
} from "./credential.js";
export {
  verifyCertificateCredential,
  type CertificateLedger,
  type CredentialVerdict,
  type EvidenceChange,
  type LedgerAsset,
} from "./verify.js";
