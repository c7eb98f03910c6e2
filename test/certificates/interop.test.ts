import { expect } from "chai";
import { verifyCredential } from "did-jwt-vc";
import { Resolver } from "did-resolver";
import { getResolver } from "pkh-did-resolver";
import { privateKeyToAccount } from "viem/accounts";

import { credentialPayload, issueCredential, signCredential, type CertificateClaims } from "../../ledger/certificates/index.js";
import { SAMPLE_CLAIMS } from "../helpers/certificates.js";

/**
 * Interoperability: a certificate credential made by this project verifies with did-jwt-vc (a JWT-VC library
 * the project does not use to make it) and a did:pkh resolver, with no chain: the signature is the issuer
 * DID's, whatever the ledger says. A claim changed, or a signature by another key, fails there too.
 */

// Hardhat's dev account 1, the demo's registrar, and account 2, a reviewer: well-known test keys.
const registrar = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const reviewer = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const REGISTRAR_DID = "did:pkh:eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const CLAIMS = SAMPLE_CLAIMS;

/**
 * did-jwt-vc 4 types its resolver with its own did-resolver 4, pkh-did-resolver 2 needs did-resolver 6: the
 * resolution results differ in type only ('@context' widened in 6), so the resolver is passed as did-jwt-vc's.
 */
const resolver = new Resolver(getResolver()) as unknown as Parameters<typeof verifyCredential>[1];

/** did-jwt-vc's refusal, as a message (it rejects with an Error). */
async function refusalOf(jwt: string): Promise<string> {
  try {
    await verifyCredential(jwt, resolver);
  } catch (error) {
    return (error as Error).message;
  }
  return expect.fail("did-jwt-vc accepted the credential");
}

describe("certificate credentials verify with did-jwt-vc and a did:pkh resolver", () => {
  it("accepts the credential as issued: the issuer is the registrar's did:pkh, the subject carries the claims", async () => {
    expect(registrar.address).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    const { jwt } = await issueCredential(CLAIMS, registrar);
    const verified = await verifyCredential(jwt, resolver);
    expect(verified.issuer).to.equal(REGISTRAR_DID);
    expect(verified.signer.id).to.match(new RegExp(`^${REGISTRAR_DID}#`));
    const credential = verified.verifiableCredential;
    expect(credential.issuer).to.deep.equal({ id: REGISTRAR_DID });
    expect(credential.type).to.deep.equal(["VerifiableCredential", "DataRegistrationCertificate"]);
    expect(credential.credentialSubject).to.deep.equal({ id: `did:pkh:eip155:31337:${SAMPLE_CLAIMS.holder}`, certificate: CLAIMS });
    // nbf 1767229200 = 2026-01-01T01:00:00Z: valid from the block the claims were read at.
    expect(credential.issuanceDate).to.equal("2026-01-01T01:00:00.000Z");
  });

  it("refuses the JWT with one claim changed (payload re-encoded, same signature)", async () => {
    const { jwt } = await issueCredential(CLAIMS, registrar);
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { vc: { credentialSubject: { certificate: CertificateClaims } } };
    expect(decoded.vc.credentialSubject.certificate.status).to.equal("ISSUED");
    decoded.vc.credentialSubject.certificate.classification = "CORE";
    const tampered = `${header}.${Buffer.from(JSON.stringify(decoded)).toString("base64url")}.${signature}`;
    expect(await refusalOf(tampered)).to.match(/invalid_signature/);
  });

  it("refuses a JWT naming the registrar as issuer but signed by another key", async () => {
    const forged = await signCredential(credentialPayload(CLAIMS, registrar.address), (h) => reviewer.sign({ hash: h }));
    expect(await refusalOf(forged)).to.match(/invalid_signature/);
    // The same credential issued (and signed) by the reviewer verifies there: as the reviewer's, which the ledger check refuses.
    const byReviewer = await verifyCredential((await issueCredential(CLAIMS, reviewer)).jwt, resolver);
    expect(byReviewer.issuer).to.equal(`did:pkh:eip155:31337:${reviewer.address}`);
  });
});
