import { expect } from "chai";
import { getAddress, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import {
  CredentialFormatError,
  credentialPayload,
  issueCredential,
  readCredential,
  signCredential,
  verifyCertificateCredential,
  type CertificateClaims,
  type CertificateLedger,
  type CredentialVerdict,
  type EvidenceChange,
  type LedgerAsset,
} from "../../ledger/certificates/index.js";
import { hashOf, SAMPLE_CLAIMS } from "../helpers/certificates.js";

/**
 * The credential of a certificate checked against a ledger held in memory: each check's pass and fail, with
 * the details written out by hand, and what `readCredential` refuses.
 */

const registrar = privateKeyToAccount(`0x${"11".repeat(32)}`);
const stranger = privateKeyToAccount(`0x${"22".repeat(32)}`);
const { holder, registry: REGISTRY } = SAMPLE_CLAIMS;
const buyer = getAddress("0xa0Ee7A142d267C1f36714E4a8F75612F20a79720");
const hash = hashOf;
/** Certificate No. 3 as read at block 50: its evidence chain had 7 entries then. */
const CLAIMS = SAMPLE_CLAIMS;

/** What the ledger says; by default it agrees with CLAIMS, the registrar holding its role from block 10 on, the chain at block 60. */
interface FakeChain {
  head: bigint;
  /** The blocks each account held the registrar role in: [from, until) (until undefined: still). */
  roles: Map<Address, { from: bigint; until?: bigint }>;
  assets: Map<bigint, LedgerAsset>;
  evidence: EvidenceChange[];
}

function fakeChain(): FakeChain {
  return {
    head: 60n,
    roles: new Map([[registrar.address, { from: 10n }]]),
    assets: new Map([[3n, { status: "ISSUED", holder, fingerprintOwner: 3n, evidence: { seq: 7, head: hash("head:7") } }]]),
    evidence: [],
  };
}

function ledgerOf(chain: FakeChain): CertificateLedger {
  return {
    chainId: 31337,
    registry: REGISTRY,
    async registrarAt(account, block) {
      if (block > chain.head) return undefined;
      const role = chain.roles.get(getAddress(account));
      return role !== undefined && block >= role.from && (role.until === undefined || block < role.until);
    },
    async assetNow(assetId) {
      return chain.assets.get(assetId);
    },
    async evidenceAfter(_assetId, seq) {
      return chain.evidence.filter((change) => change.seq > seq);
    },
  };
}

/** An evidence entry after the credential's, in block 55 + its seq. */
const entry = (seq: number, eventName: string): EvidenceChange => ({
  seq,
  eventName,
  block: String(55 + seq),
  transaction: hash(`tx:${seq}`),
  actor: registrar.address,
  timestamp: String(1767229200 + seq * 12),
});

/** The chain after `changes` to the asset were recorded: its head moves past the credential's. */
function afterChanges(chain: FakeChain, asset: Partial<LedgerAsset>, changes: EvidenceChange[]): FakeChain {
  const before = chain.assets.get(3n)!;
  const last = changes.at(-1)!;
  chain.assets.set(3n, { ...before, ...asset, evidence: { seq: last.seq, head: hash(`head:${last.seq}`) } });
  chain.evidence.push(...changes);
  return chain;
}

async function verdictOf(jwtOrDocument: string, chain = fakeChain()): Promise<CredentialVerdict> {
  return verifyCertificateCredential(readCredential(jwtOrDocument), ledgerOf(chain));
}
const outcomes = (verdict: CredentialVerdict) => Object.fromEntries(verdict.checks.map((check) => [check.name, check.outcome]));
const detail = (verdict: CredentialVerdict, name: string) => verdict.checks.find((check) => check.name === name)?.detail;
const ALL_PASS = { signature: "pass", ledger: "pass", "issuer-role": "pass", status: "pass", fingerprint: "pass", holder: "pass" };

const base64urlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** The JWT with its payload replaced (and re-encoded), the header and the signature kept. */
function withPayload(jwt: string, edit: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split(".") as [string, string, string];
  const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  edit(decoded);
  return `${header}.${base64urlJson(decoded)}.${signature}`;
}
/** A JWT of any payload (a credential's, edited), signed ES256K by `account`. */
const signed = (payload: unknown, account = registrar) => signCredential(payload as ReturnType<typeof credentialPayload>, (h) => account.sign({ hash: h }));

describe("certificate credentials: issued, read and checked against a ledger in memory", () => {
  describe("a credential as issued", () => {
    it("passes every check, in its JWT and in its JSON form, with no changes since", async () => {
      const { jwt, document } = await issueCredential(CLAIMS, registrar);
      for (const form of [jwt, JSON.stringify(document, null, 2)]) {
        const verdict = await verdictOf(form);
        expect(verdict.valid).to.equal(true);
        expect(outcomes(verdict)).to.deep.equal(ALL_PASS);
        expect(verdict.changesSince).to.deep.equal([]);
        expect(verdict.credential).to.deep.equal({
          registrationNumber: "3",
          issuer: registrar.address,
          holder,
          chainId: 31337,
          registry: REGISTRY,
          issuedAtBlock: "50",
          evidenceSeq: 7,
        });
      }
      const verdict = await verdictOf(jwt);
      expect(detail(verdict, "signature")).to.equal(`signed by ${registrar.address}`);
      expect(detail(verdict, "ledger")).to.equal(`chain 31337, registry ${REGISTRY}`);
      expect(detail(verdict, "issuer-role")).to.equal(`${registrar.address} held the registrar role at block 50`);
      expect(detail(verdict, "status")).to.equal("ISSUED on chain");
      expect(detail(verdict, "fingerprint")).to.equal(`the registry maps ${CLAIMS.fingerprint} to registration 3`);
      expect(detail(verdict, "holder")).to.equal(`held by ${holder}`);
    });

    it("names the issuer and the holder by did:pkh on the claims' chain, and is valid from the block the claims were read at", async () => {
      const { payload, document } = await issueCredential(CLAIMS, registrar);
      expect(payload.iss).to.equal(`did:pkh:eip155:31337:${registrar.address}`);
      expect(payload.sub).to.equal(`did:pkh:eip155:31337:${holder}`);
      // asOf.timestamp 1767229200 = 2026-01-01T01:00:00Z.
      expect(payload.nbf).to.equal(1767229200);
      expect(document.issuanceDate).to.equal("2026-01-01T01:00:00Z");
      expect(document.credentialStatus.id).to.equal(`eip155:31337:${REGISTRY}/assets/3`);
    });

    it("stays valid after changes that end nothing (a new card), listing them", async () => {
      const { jwt } = await issueCredential(CLAIMS, registrar);
      const chain = afterChanges(fakeChain(), {}, [entry(8, "CardChanged"), entry(9, "AssetPledged")]);
      const verdict = await verdictOf(jwt, chain);
      expect(verdict.valid).to.equal(true);
      expect(detail(verdict, "status")).to.equal("ISSUED on chain (2 evidence entries since issue, none ending it)");
      expect(verdict.changesSince.map((change) => change.eventName)).to.deep.equal(["CardChanged", "AssetPledged"]);
    });
  });

  describe("signature", () => {
    it("fails for a claim changed in the JSON form: the fields that differ from the JWT are named", async () => {
      const { document } = await issueCredential(CLAIMS, registrar);
      const edited = structuredClone(document);
      edited.credentialSubject.certificate.holder = buyer;
      edited.issuanceDate = "2027-01-01T00:00:00Z";
      const read = readCredential(JSON.stringify(edited));
      expect(read.unsignedChanges).to.deep.equal(["issuanceDate", "credentialSubject.certificate.holder"]);
      const verdict = await verifyCertificateCredential(read, ledgerOf(fakeChain()));
      expect(verdict.valid).to.equal(false);
      expect(detail(verdict, "signature")).to.equal(
        "the file says what its signature does not cover (issuanceDate, credentialSubject.certificate.holder): altered after signing",
      );
      // The JWT inside is still the registrar's: the rest is checked from what it signs.
      expect(outcomes(verdict)).to.deep.equal({ ...ALL_PASS, signature: "fail" });
    });

    it("the JSON form re-ordered or re-indented is the same credential", async () => {
      const { document } = await issueCredential(CLAIMS, registrar);
      const reordered = Object.fromEntries(Object.entries(document).reverse());
      expect(readCredential(JSON.stringify(reordered)).unsignedChanges).to.deep.equal([]);
    });

    it("fails for a claim changed in the JWT's payload under the same signature", async () => {
      const { jwt } = await issueCredential(CLAIMS, registrar);
      const tampered = withPayload(jwt, (payload) => {
        (payload.vc as { credentialSubject: { certificate: CertificateClaims } }).credentialSubject.certificate.card.version = 2;
      });
      const verdict = await verdictOf(tampered);
      expect(outcomes(verdict)).to.deep.equal({ ...ALL_PASS, signature: "fail" });
      expect(detail(verdict, "signature")).to.equal(`the signature is not ${registrar.address}'s: the credential was altered, or signed by another key`);
    });

    it("fails for a JWT naming the registrar as issuer but signed by another key", async () => {
      const forged = await signCredential(credentialPayload(CLAIMS, registrar.address), (h) => stranger.sign({ hash: h }));
      const verdict = await verdictOf(forged);
      expect(outcomes(verdict)).to.deep.equal({ ...ALL_PASS, signature: "fail" });
    });

    it("fails for a signature that is not 64 bytes", async () => {
      const { jwt } = await issueCredential(CLAIMS, registrar);
      const verdict = await verdictOf(`${jwt.split(".").slice(0, 2).join(".")}.${Buffer.alloc(65, 1).toString("base64url")}`);
      expect(outcomes(verdict).signature).to.equal("fail");
    });
  });

  describe("ledger", () => {
    const skippedAfterLedger = { "issuer-role": "skipped", status: "skipped", fingerprint: "skipped", holder: "skipped" };

    it("fails for another chain or another registry, and checks nothing else", async () => {
      const otherChain = await verdictOf((await issueCredential({ ...CLAIMS, chainId: 1 }, registrar)).jwt);
      expect(outcomes(otherChain)).to.deep.equal({ signature: "pass", ledger: "fail", ...skippedAfterLedger });
      expect(detail(otherChain, "ledger")).to.equal("the credential is for chain 1, this ledger is on chain 31337");
      expect(detail(otherChain, "status")).to.equal("not checked: the credential is not about this ledger");

      const elsewhere = getAddress("0x000000000000000000000000000000000000dEaD");
      const otherRegistry = await verdictOf((await issueCredential({ ...CLAIMS, registry: elsewhere }, registrar)).jwt);
      expect(outcomes(otherRegistry)).to.deep.equal({ signature: "pass", ledger: "fail", ...skippedAfterLedger });
      expect(detail(otherRegistry, "ledger")).to.equal(`the credential is for registry ${elsewhere}, this ledger's is ${REGISTRY}`);
    });

    it("fails for DIDs on another chain than the claims', and for a subject that is not the holder", async () => {
      const payload = credentialPayload(CLAIMS, registrar.address);
      const otherDid = await verdictOf(await signed({ ...payload, iss: `did:pkh:eip155:1:${registrar.address}` }));
      expect(outcomes(otherDid)).to.deep.equal({ signature: "pass", ledger: "fail", ...skippedAfterLedger });
      expect(detail(otherDid, "ledger")).to.equal("the credential is for DIDs on another chain than its claims' 31337");

      const otherSubject = await verdictOf(await signed({ ...payload, sub: `did:pkh:eip155:31337:${buyer}` }));
      expect(outcomes(otherSubject)).to.deep.equal({ signature: "pass", ledger: "fail", ...skippedAfterLedger });
      expect(detail(otherSubject, "ledger")).to.equal(`the credential is for subject ${buyer} but holder ${holder}`);
    });
  });

  describe("issuer-role", () => {
    it("fails for a signer that never held the role", async () => {
      const verdict = await verdictOf((await issueCredential(CLAIMS, stranger)).jwt);
      expect(outcomes(verdict)).to.deep.equal({ ...ALL_PASS, "issuer-role": "fail" });
      expect(detail(verdict, "issuer-role")).to.equal(`${stranger.address} did not hold the registrar role at block 50, when the credential was issued`);
    });

    it("is read at the block of issue: a role granted after it fails, a role revoked after it passes", async () => {
      const { jwt } = await issueCredential(CLAIMS, registrar);
      const grantedLater = fakeChain();
      grantedLater.roles.set(registrar.address, { from: 51n });
      expect(outcomes(await verdictOf(jwt, grantedLater))["issuer-role"]).to.equal("fail");
      const revokedLater = fakeChain();
      revokedLater.roles.set(registrar.address, { from: 10n, until: 51n });
      expect(outcomes(await verdictOf(jwt, revokedLater))["issuer-role"]).to.equal("pass");
    });

    it("fails for a block the chain has not reached", async () => {
      const { jwt } = await issueCredential({ ...CLAIMS, asOf: { block: "61", timestamp: CLAIMS.asOf.timestamp } }, registrar);
      const verdict = await verdictOf(jwt);
      expect(detail(verdict, "issuer-role")).to.equal("the credential claims block 61, which the chain has not reached");
      expect(outcomes(verdict)["issuer-role"]).to.equal("fail");
    });
  });

  describe("status", () => {
    it("fails for a registration the registry does not have, skipping fingerprint and holder", async () => {
      const verdict = await verdictOf((await issueCredential({ ...CLAIMS, registrationNumber: "999" }, registrar)).jwt);
      expect(outcomes(verdict)).to.deep.equal({ signature: "pass", ledger: "pass", "issuer-role": "pass", status: "fail", fingerprint: "skipped", holder: "skipped" });
      expect(detail(verdict, "status")).to.equal("the registry has no registration 999");
    });

    it("fails for a certificate cancelled since, naming the entry; destroyed after that, naming the last one", async () => {
      const { jwt } = await issueCredential(CLAIMS, registrar);
      const cancelled = await verdictOf(jwt, afterChanges(fakeChain(), { status: "CANCELLED" }, [entry(8, "CardChanged"), entry(9, "AssetCancelled")]));
      expect(outcomes(cancelled)).to.deep.equal({ ...ALL_PASS, status: "fail" });
      // entry(9): block 55 + 9 = 64, transaction keccak("tx:9").
      expect(detail(cancelled, "status")).to.equal(`the certificate is CANCELLED on chain, since evidence entry #9 (AssetCancelled, block 64, transaction ${hash("tx:9")})`);
      expect(cancelled.changesSince.map((change) => change.seq)).to.deep.equal([8, 9]);

      const destroyed = await verdictOf(jwt, afterChanges(fakeChain(), { status: "DESTROYED" }, [entry(8, "AssetCancelled"), entry(9, "AssetDestroyed")]));
      expect(detail(destroyed, "status")).to.equal(`the certificate is DESTROYED on chain, since evidence entry #9 (AssetDestroyed, block 64, transaction ${hash("tx:9")})`);
    });
  });

  describe("fingerprint", () => {
    it("fails when the registry maps the fingerprint to no registration, or to another", async () => {
      const { jwt } = await issueCredential(CLAIMS, registrar);
      const none = fakeChain();
      none.assets.set(3n, { ...none.assets.get(3n)!, fingerprintOwner: 0n });
      const unmapped = await verdictOf(jwt, none);
      expect(outcomes(unmapped)).to.deep.equal({ ...ALL_PASS, fingerprint: "fail" });
      expect(detail(unmapped, "fingerprint")).to.equal(`the registry maps no registration to the fingerprint ${CLAIMS.fingerprint}`);

      const other = fakeChain();
      other.assets.set(3n, { ...other.assets.get(3n)!, fingerprintOwner: 4n });
      expect(detail(await verdictOf(jwt, other), "fingerprint")).to.equal(`the registry maps the fingerprint ${CLAIMS.fingerprint} to registration 4, not 3`);
    });
  });

  describe("holder", () => {
    it("fails for a certificate transferred since, naming the transfer; without an entry, says who holds it", async () => {
      const { jwt } = await issueCredential(CLAIMS, registrar);
      const transferred = await verdictOf(jwt, afterChanges(fakeChain(), { holder: buyer }, [entry(8, "HoldingTransferred")]));
      expect(outcomes(transferred)).to.deep.equal({ ...ALL_PASS, holder: "fail" });
      expect(detail(transferred, "holder")).to.equal(`now held by ${buyer}, not ${holder}: transferred by evidence entry #8 (HoldingTransferred, block 63, transaction ${hash("tx:8")})`);

      const moved = fakeChain();
      moved.assets.set(3n, { ...moved.assets.get(3n)!, holder: buyer });
      expect(detail(await verdictOf(jwt, moved), "holder")).to.equal(`now held by ${buyer}, not ${holder}`);
    });
  });

  describe("readCredential refuses what is not a certificate credential", () => {
    const refusal = (text: string) => {
      try {
        readCredential(text);
      } catch (error) {
        expect(error).to.be.instanceOf(CredentialFormatError);
        return (error as Error).message;
      }
      expect.fail(`read: ${text}`);
    };

    it("text that is neither a JWT nor JSON, broken JSON, JSON without its JWT proof", () => {
      expect(refusal("hello")).to.equal("not a JWT (three base64url parts separated by dots) nor a JSON credential");
      expect(refusal("{ not json")).to.match(/^not JSON: /);
      expect(refusal(JSON.stringify({ proof: { type: "Ed25519Signature2020" } }))).to.equal('a JSON credential needs a "proof" of type JwtProof2020 with its "jwt"');
      expect(refusal(JSON.stringify({ proof: { type: "JwtProof2020", jwt: 42 } }))).to.equal('a JSON credential needs a "proof" of type JwtProof2020 with its "jwt"');
    });

    it("a JWT whose parts are not base64url JSON, or signed with another algorithm", async () => {
      const { jwt } = await issueCredential(CLAIMS, registrar);
      const [, payload, signature] = jwt.split(".") as [string, string, string];
      expect(refusal(`not*base64.${payload}.${signature}`)).to.equal("the JWT's header is not base64url-encoded JSON");
      expect(refusal(`${base64urlJson({ alg: "ES256K" })}.${Buffer.from("not json").toString("base64url")}.${signature}`)).to.equal(
        "the JWT's payload is not base64url-encoded JSON",
      );
      expect(refusal(`${base64urlJson({ alg: "HS256", typ: "JWT" })}.${payload}.${signature}`)).to.equal('unsupported signature algorithm "HS256" (expected ES256K)');
    });

    it("a JWT-VC that is not a registration certificate, or whose claims are incomplete", async () => {
      const payload = credentialPayload(CLAIMS, registrar.address);
      const otherType = await signed({ ...payload, vc: { ...payload.vc, type: ["VerifiableCredential", "UniversityDegree"] } });
      expect(refusal(otherType)).to.equal("not a registration-certificate credential: vc.type: must include VerifiableCredential and DataRegistrationCertificate");

      const { fingerprint: _dropped, ...withoutFingerprint } = CLAIMS;
      const incomplete = await signed({ ...payload, vc: { ...payload.vc, credentialSubject: { certificate: withoutFingerprint } } });
      expect(refusal(incomplete)).to.equal("not a registration-certificate credential: vc.credentialSubject.certificate.fingerprint: Required");
    });

    it("an issuer or a subject that is not a did:pkh of an Ethereum account", async () => {
      const payload = credentialPayload(CLAIMS, registrar.address);
      expect(refusal(await signed({ ...payload, iss: "did:web:registrar.example" }))).to.equal(
        "the issuer did:web:registrar.example is not a did:pkh of an Ethereum account (did:pkh:eip155:<chain>:<address>)",
      );
      expect(refusal(await signed({ ...payload, sub: "did:pkh:eip155:31337:0x1234" }))).to.equal(
        "the subject did:pkh:eip155:31337:0x1234 is not a did:pkh of an Ethereum account",
      );
    });
  });
});
