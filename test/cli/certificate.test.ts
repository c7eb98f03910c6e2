import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, keccak256, stringToBytes, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { certificateClaimsFrom, issueCredential, type CertificateClaims } from "../../ledger/certificates/index.js";
import type { DemoContracts, DemoResult } from "../../scripts/demo/seed.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { deployDemo } from "../helpers/demo.js";
import { pdfText } from "../helpers/pdf.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";
import { runCliInProcess } from "./harness.js";

/**
 * Hardhat's well-known dev accounts (public keys of the test mnemonic), as the demo gives them roles:
 * 1 registrar, 2 reviewer, 3 data authority (holder of #1), 5 operator (holder of #3), 8 cold-chain
 * enterprise (applicant of #4 in its public notice, holder of #5), 9 the bank.
 */
const REGISTRAR = { index: "1", address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address, key: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" } as const;
const REVIEWER = { index: "2", address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address, key: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" } as const;
const AUTHORITY = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const OPERATOR = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const COLD_CHAIN = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";
const BANK = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface VerdictJson {
  ok: boolean;
  valid: boolean;
  checks: { name: string; outcome: string; detail: string }[];
  changesSince: { seq: number; eventName: string; block: string; transaction: string }[];
}

/** A local URL nothing listens on: a port the system gave and took back. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** The API passed through, with `tamper` applied to certificate answers: an API that says something the chain does not. */
async function lyingProxy(upstream: string, tamper: (certificate: Record<string, unknown>) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const answer = await fetch(upstream + req.url);
    let body = await answer.text();
    if (answer.status === 200 && /\/certificate$/.test(req.url ?? "")) {
      const certificate = JSON.parse(body) as Record<string, unknown>;
      tamper(certificate);
      body = JSON.stringify(certificate);
    }
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** base64url of a JSON value, as a JWT encodes its parts. */
const base64urlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("provenance certificate: the printable PDF and the registrar's credential, checked against the chain", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let connection: NetworkConnection<"generic">;
  let node: LedgerNode;
  let apiUrl: string;
  let recordDir: string;
  let contracts: DemoContracts;
  let demo: DemoResult;
  let registry: Address;

  const cli = (args: readonly string[]): Promise<Run> => runCliInProcess(["--rpc-url", chain.url, "--deployment", recordDir, ...args], {}, chain.dir);
  const file = (name: string) => join(chain.dir, name);
  const certificateOf = async (id: number): Promise<CertificateClaims> => {
    const response = await fetch(`${apiUrl}/assets/${id}/certificate`);
    expect(response.status).to.equal(200);
    return certificateClaimsFrom(await response.json());
  };
  /** A credential made by hand (not by the CLI, which refuses what these tests need), written as the JSON form. */
  async function handMade(name: string, claims: CertificateClaims, key: `0x${string}`): Promise<string> {
    const { document } = await issueCredential(claims, privateKeyToAccount(key));
    await writeFile(file(name), JSON.stringify(document, null, 2));
    return name;
  }
  async function verify(name: string): Promise<Run & { verdict: VerdictJson }> {
    const human = await cli(["certificate", "verify", name]);
    const json = await cli(["--json", "certificate", "verify", name]);
    expect(json.code, json.stderr).to.equal(human.code);
    return { ...human, verdict: JSON.parse(json.stdout) as VerdictJson };
  }
  const outcomes = (verdict: VerdictJson) => Object.fromEntries(verdict.checks.map((check) => [check.name, check.outcome]));
  const detailOf = (verdict: VerdictJson, name: string) => verdict.checks.find((check) => check.name === name)?.detail;

  before(async () => {
    chain = await startChain();
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    recordDir = join(chain.dir, "demo-deployment");
    ({ contracts, demo } = await deployDemo(connection, recordDir));
    registry = getAddress(await contracts.registry.getAddress());
    node = await startLedgerNode({
      rpcUrl: chain.url,
      dbPath: join(chain.dir, "api-db"),
      deployment: await readIgnitionDeployment(recordDir),
      api: { port: 0, partyBook: demo.partyBook },
      indexer: { finalityDepth: 5 },
    });
    apiUrl = node.api!.url;
    await node.syncOnce();
    // The keys above are the accounts the tests name.
    expect(privateKeyToAccount(REGISTRAR.key).address).to.equal(REGISTRAR.address);
    expect(privateKeyToAccount(REVIEWER.key).address).to.equal(REVIEWER.address);
  });

  after(async () => {
    await node?.close();
    await connection?.close();
    await chain?.close();
  });

  describe("pdf", () => {
    it("writes the certificate's PDF in Chinese by default, and in English: the registration number, the holder's name, the registry", async () => {
      const zh = await cli(["certificate", "pdf", "3", "--out", "cert-3.pdf", "--api-url", apiUrl]);
      expect(zh.code, zh.stderr).to.equal(0);
      const bytes = await readFile(file("cert-3.pdf"));
      expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
      expect(zh.stdout).to.equal(`certificate 3 (zh-CN) written to cert-3.pdf (${bytes.length.toLocaleString("en-US")} bytes)\n`);
      const zhText = await pdfText(bytes);
      // The operator holds product No. 3; its Chinese name is the demo's party book entry.
      expect(zhText).to.contain("湘江数据运营有限公司").and.contain(OPERATOR).and.contain(registry);
      expect(zhText).to.match(/登记编号：\s*3\b/);

      const en = await cli(["certificate", "pdf", "3", "--lang", "en", "--out", "cert-3-en.pdf", "--api-url", apiUrl]);
      expect(en.code, en.stderr).to.equal(0);
      expect(en.stdout).to.match(/^certificate 3 \(en\) written to cert-3-en\.pdf \([\d,]+ bytes\)\n$/);
      const enText = await pdfText(await readFile(file("cert-3-en.pdf")));
      expect(enText).to.contain("Xiangjiang Data Operations Co.").and.contain(registry);
      expect(enText).to.match(/Registration No\. 3\b/);
    });

    it("says why there is no certificate: still in application (409), no such asset (404); exit 1, no file", async () => {
      const inNotice = await cli(["certificate", "pdf", "4", "--out", "cert-4.pdf", "--api-url", apiUrl]);
      expect(inNotice.code).to.equal(1);
      expect(inNotice.stderr).to.equal(
        "provenance: no certificate for asset 4: asset 4 is still in application (IN_NOTICE): no certificate was issued yet (the API answered 409)\n",
      );
      expect(existsSync(file("cert-4.pdf"))).to.equal(false);

      const unknown = await cli(["certificate", "pdf", "999", "--out", "cert-999.pdf", "--api-url", apiUrl]);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.equal("provenance: no certificate for asset 999: no asset 999 (the API answered 404)\n");
      expect(existsSync(file("cert-999.pdf"))).to.equal(false);
    });

    it("refuses a bad --lang and an API that is not there with one line each", async () => {
      // A closed port: the language is refused before any request (otherwise: exit 1, cannot reach).
      const nowhere = await closedPort();
      const badLang = await cli(["certificate", "pdf", "3", "--lang", "fr", "--out", "x.pdf", "--api-url", nowhere]);
      expect(badLang.code).to.equal(2);
      expect(badLang.stderr).to.equal('provenance: --lang: "fr" is not one of zh-CN, en\n');

      const down = await cli(["certificate", "pdf", "3", "--out", "x.pdf", "--api-url", nowhere]);
      expect(down.code).to.equal(1);
      expect(down.stderr).to.equal(`provenance: cannot reach the API at ${nowhere}/assets/3/certificate.pdf?lang=zh-CN: ECONNREFUSED (is \`npm start\` running? see --api-url)\n`);
    });
  });

  describe("party register --profile", () => {
    const GRAIN = "0xBcd4042DE499D14e55001CcbB24a551F3b954096"; // dev account 10, not a party in the demo

    it("records the hash of the profile document (RFC 8785 canonical JSON), whatever its key order", async () => {
      await writeFile(file("grain.json"), JSON.stringify({ name: { "zh-CN": "湖南粮食集团", en: "Hunan Grain Group" }, account: GRAIN.toLowerCase() }, null, 4));
      // By hand: the keys sorted, no whitespace, the account checksummed.
      const expected = keccak256(stringToBytes(`{"account":"${GRAIN}","name":{"en":"Hunan Grain Group","zh-CN":"湖南粮食集团"}}`));
      const registered = await cli(["--json", "--account", REGISTRAR.index, "party", "register", GRAIN, "ENTERPRISE", "--profile", "grain.json"]);
      expect(registered.code, registered.stderr).to.equal(0);
      const output = JSON.parse(registered.stdout) as { profileHash: string; events: { eventName: string; args: Record<string, unknown> }[] };
      expect(output.profileHash).to.equal(expected);
      expect(output.events.find((event) => event.eventName === "PartyRegistered")?.args).to.include({ account: GRAIN, profileHash: expected });
    });

    it("refuses a profile of another account, a document that is not a profile, both or neither of hash and file: exit 2", async () => {
      await writeFile(file("bank.json"), JSON.stringify({ account: BANK, name: { en: "Bank of Changsha" } }));
      const other = await cli(["--account", REGISTRAR.index, "party", "register", GRAIN, "ENTERPRISE", "--profile", "bank.json"]);
      expect(other.code).to.equal(2);
      expect(other.stderr).to.equal(`provenance: --profile: bank.json is the profile of ${BANK}, not of ${GRAIN}\n`);

      await writeFile(file("nameless.json"), JSON.stringify({ account: GRAIN, name: {} }));
      const nameless = await cli(["--account", REGISTRAR.index, "party", "register", GRAIN, "ENTERPRISE", "--profile", "nameless.json"]);
      expect(nameless.code).to.equal(2);
      expect(nameless.stderr).to.equal(
        'provenance: --profile: nameless.json is not a profile document: "name" needs at least one of en, zh-CN, each a non-empty text of at most 200 characters\n',
      );

      const both = await cli(["--account", REGISTRAR.index, "party", "register", GRAIN, "ENTERPRISE", "text:profile", "--profile", "grain.json"]);
      const neither = await cli(["--account", REGISTRAR.index, "party", "register", GRAIN, "ENTERPRISE"]);
      for (const refused of [both, neither]) {
        expect(refused.code).to.equal(2);
        expect(refused.stderr).to.equal("provenance: profile-hash and --profile: give one or the other\n");
      }
      const missing = await cli(["--account", REGISTRAR.index, "party", "register", GRAIN, "ENTERPRISE", "--profile", "missing.json"]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.equal("provenance: --profile: cannot read missing.json: ENOENT\n");
    });
  });

  describe("credential and verify", () => {
    it("the registrar issues the credential of certificate 3 (JSON form and JWT), and both verify VALID, every check passed", async () => {
      const issued = await cli(["--account", REGISTRAR.index, "certificate", "credential", "3", "--out", "cert-3.vc.json", "--api-url", apiUrl]);
      expect(issued.code, issued.stderr).to.equal(0);
      const claims = await certificateOf(3);
      expect(issued.stdout).to.contain("credential for certificate 3 written to cert-3.vc.json (JSON credential with its JWT)");
      expect(issued.stdout).to.contain(`holder: ${OPERATOR} (Xiangjiang Data Operations Co.), did:pkh:eip155:31337:${OPERATOR}`);
      expect(issued.stdout).to.contain(`evidence: ${claims.evidenceHead.seq} entries, head ${claims.evidenceHead.head}`);
      expect(issued.stdout).to.contain(`ISSUED as of block ${claims.asOf.block}`);
      expect(issued.stdout).to.contain(`issuer: did:pkh:eip155:31337:${REGISTRAR.address}`);
      const document = JSON.parse(await readFile(file("cert-3.vc.json"), "utf8")) as { issuer: { id: string }; credentialSubject: { certificate: CertificateClaims } };
      expect(document.issuer.id).to.equal(`did:pkh:eip155:31337:${REGISTRAR.address}`);
      expect(document.credentialSubject.certificate).to.deep.equal(claims);

      const jwt = await cli(["--account", REGISTRAR.index, "certificate", "credential", "3", "--out", "cert-3.jwt", "--api-url", apiUrl]);
      expect(jwt.code, jwt.stderr).to.equal(0);
      expect(await readFile(file("cert-3.jwt"), "utf8")).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);

      for (const name of ["cert-3.vc.json", "cert-3.jwt"]) {
        const { code, stdout, verdict } = await verify(name);
        expect(code, stdout).to.equal(0);
        expect(stdout.trimEnd().split("\n").at(-1)).to.equal("VALID");
        expect(stdout).to.contain(`  ✓ signature: signed by ${REGISTRAR.address}`);
        expect(stdout).to.contain(`  ✓ issuer-role: ${REGISTRAR.address} held the registrar role at block ${claims.asOf.block}`);
        expect(verdict).to.include({ ok: true, valid: true });
        expect(outcomes(verdict)).to.deep.equal({ signature: "pass", ledger: "pass", "issuer-role": "pass", status: "pass", fingerprint: "pass", holder: "pass" });
        expect(verdict.changesSince).to.deep.equal([]);
      }
    });

    it("refuses to sign for a signer without the registrar role, and for a certificate still in application; nothing written", async () => {
      const reviewer = await cli(["--account", REVIEWER.index, "certificate", "credential", "3", "--out", "by-reviewer.vc.json", "--api-url", apiUrl]);
      expect(reviewer.code).to.equal(1);
      expect(reviewer.stderr).to.equal(
        `provenance: account ${REVIEWER.address} does not hold the registrar role: only a registrar issues certificate credentials\n`,
      );
      expect(existsSync(file("by-reviewer.vc.json"))).to.equal(false);

      const inNotice = await cli(["--account", REGISTRAR.index, "certificate", "credential", "4", "--out", "cert-4.vc.json", "--api-url", apiUrl]);
      expect(inNotice.code).to.equal(1);
      expect(inNotice.stderr).to.equal("provenance: asset 4 is still in application (IN_NOTICE): no certificate was issued yet, there is nothing to sign\n");
      expect(existsSync(file("cert-4.vc.json"))).to.equal(false);
    });

    it("refuses to sign facts the chain does not state at their block (an API that lies about the evidence head or the holder)", async () => {
      const claims = await certificateOf(3);
      const forgedHead = `0x${"ab".repeat(32)}`;
      const lying = await lyingProxy(apiUrl, (certificate) => {
        certificate.evidenceHead = { seq: claims.evidenceHead.seq, head: forgedHead };
        certificate.holder = BANK;
      });
      try {
        const refused = await cli(["--account", REGISTRAR.index, "certificate", "credential", "3", "--out", "lied.vc.json", "--api-url", lying.url]);
        expect(refused.code).to.equal(1);
        expect(refused.stderr).to.equal(
          `provenance: the API's facts differ from the chain at block ${claims.asOf.block}: ` +
            `holder ${OPERATOR} on chain, ${BANK} in the API; ` +
            `evidence head #${claims.evidenceHead.seq} ${claims.evidenceHead.head} on chain, #${claims.evidenceHead.seq} ${forgedHead} in the API; is the indexer behind?\n`,
        );
        expect(existsSync(file("lied.vc.json"))).to.equal(false);
      } finally {
        await lying.close();
      }
    });

    it("refuses to sign an API's classification, pledge, objections, card version or parents that the registry does not have", async () => {
      const claims = await certificateOf(3);
      const lying = await lyingProxy(apiUrl, (certificate) => {
        certificate.classification = "IMPORTANT";
        certificate.card = { ...(certificate.card as Record<string, unknown>), version: 4 };
        certificate.encumbrances = { pledge: { pledgee: BANK, pledgeeName: null }, openObjections: 2 };
        certificate.parents = ["1", "4"];
      });
      try {
        const refused = await cli(["--account", REGISTRAR.index, "certificate", "credential", "3", "--out", "lied-more.vc.json", "--api-url", lying.url]);
        expect(refused.code).to.equal(1);
        // The demo's product No. 3: GENERAL, card version 1 (changed once), not pledged, no objection, derived from No. 1 and No. 2 (not No. 4).
        expect(refused.stderr).to.equal(
          `provenance: the API's facts differ from the chain at block ${claims.asOf.block}: ` +
            "classification GENERAL on chain, IMPORTANT in the API; card version 1 on chain, 4 in the API; " +
            `pledgee none on chain, ${BANK} in the API; 0 open objections on chain, 2 in the API; ` +
            "parents 4 in the API are not on chain; is the indexer behind?\n",
        );
        expect(existsSync(file("lied-more.vc.json"))).to.equal(false);
      } finally {
        await lying.close();
      }
    });

    it("a file that is not a credential: exit 1 naming what is wrong; a missing file: exit 2 with its path", async () => {
      await writeFile(file("malformed.vc.json"), "this is not a credential\n");
      const malformed = await cli(["certificate", "verify", "malformed.vc.json"]);
      expect(malformed.code).to.equal(1);
      expect(malformed.stderr).to.equal(
        "provenance: malformed.vc.json: not a certificate credential: not a JWT (three base64url parts separated by dots) nor a JSON credential\n",
      );

      await writeFile(file("no-proof.vc.json"), JSON.stringify({ type: ["VerifiableCredential"] }));
      const noProof = await cli(["certificate", "verify", "no-proof.vc.json"]);
      expect(noProof.code).to.equal(1);
      expect(noProof.stderr).to.equal('provenance: no-proof.vc.json: not a certificate credential: a JSON credential needs a "proof" of type JwtProof2020 with its "jwt"\n');

      const missing = await cli(["certificate", "verify", "missing.vc.json"]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.equal("provenance: cannot read missing.vc.json: ENOENT\n");
    });

    it("a claim changed in the JSON form, or in the JWT's payload (same signature), fails the signature check", async () => {
      const document = JSON.parse(await readFile(file("cert-3.vc.json"), "utf8")) as { credentialSubject: { certificate: { classification: string } } };
      expect(document.credentialSubject.certificate.classification).to.equal("GENERAL");
      document.credentialSubject.certificate.classification = "CORE";
      await writeFile(file("tampered.vc.json"), JSON.stringify(document, null, 2));
      const json = await verify("tampered.vc.json");
      expect(json.code).to.equal(1);
      expect(json.stdout.trimEnd().split("\n").at(-1)).to.equal("NOT VALID: failed checks signature");
      expect(json.stderr).to.equal("provenance: tampered.vc.json: NOT VALID: failed checks signature\n");
      expect(detailOf(json.verdict, "signature")).to.equal(
        "the file says what its signature does not cover (credentialSubject.certificate.classification): altered after signing",
      );
      // Only the signature: the chain's facts are unchanged.
      expect(outcomes(json.verdict)).to.deep.equal({ signature: "fail", ledger: "pass", "issuer-role": "pass", status: "pass", fingerprint: "pass", holder: "pass" });

      const [header, payload, signature] = (await readFile(file("cert-3.jwt"), "utf8")).trim().split(".") as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { vc: { credentialSubject: { certificate: { classification: string } } } };
      claims.vc.credentialSubject.certificate.classification = "CORE";
      await writeFile(file("tampered.jwt"), `${header}.${base64urlJson(claims)}.${signature}\n`);
      const jwt = await verify("tampered.jwt");
      expect(jwt.code).to.equal(1);
      expect(jwt.stdout.trimEnd().split("\n").at(-1)).to.equal("NOT VALID: failed checks signature");
      expect(detailOf(jwt.verdict, "signature")).to.equal(`the signature is not ${REGISTRAR.address}'s: the credential was altered, or signed by another key`);
    });

    it("a credential of another chain, or another registry, signed by the registrar: the ledger check fails, nothing else is checked", async () => {
      const claims = await certificateOf(3);
      const otherChain = await verify(await handMade("other-chain.vc.json", { ...claims, chainId: 1 }, REGISTRAR.key));
      expect(otherChain.code).to.equal(1);
      expect(otherChain.stdout.trimEnd().split("\n").at(-1)).to.equal("NOT VALID: failed checks ledger");
      expect(detailOf(otherChain.verdict, "ledger")).to.equal("the credential is for chain 1, this ledger is on chain 31337");
      expect(otherChain.stdout).to.contain("  – issuer-role: not checked: the credential is not about this ledger");

      const elsewhere = "0x000000000000000000000000000000000000dEaD";
      const otherRegistry = await verify(await handMade("other-registry.vc.json", { ...claims, registry: elsewhere }, REGISTRAR.key));
      expect(otherRegistry.code).to.equal(1);
      expect(otherRegistry.stdout.trimEnd().split("\n").at(-1)).to.equal("NOT VALID: failed checks ledger");
      expect(detailOf(otherRegistry.verdict, "ledger")).to.equal(`the credential is for registry ${elsewhere}, this ledger's is ${registry}`);
    });

    it("a credential signed by a non-registrar fails the issuer-role check; one for an unknown registration fails the status check", async () => {
      const claims = await certificateOf(3);
      const byReviewer = await verify(await handMade("by-reviewer.vc.json", claims, REVIEWER.key));
      expect(byReviewer.code).to.equal(1);
      expect(byReviewer.stdout.trimEnd().split("\n").at(-1)).to.equal("NOT VALID: failed checks issuer-role");
      expect(detailOf(byReviewer.verdict, "issuer-role")).to.equal(
        `${REVIEWER.address} did not hold the registrar role at block ${claims.asOf.block}, when the credential was issued`,
      );

      const unknown = await verify(await handMade("unknown.vc.json", { ...claims, registrationNumber: "999" }, REGISTRAR.key));
      expect(unknown.code).to.equal(1);
      expect(unknown.stdout.trimEnd().split("\n").at(-1)).to.equal("NOT VALID: failed checks status");
      expect(detailOf(unknown.verdict, "status")).to.equal("the registry has no registration 999");
      expect(outcomes(unknown.verdict)).to.include({ fingerprint: "skipped", holder: "skipped" });
    });

    it("cancelled since issue: the status check fails naming the AssetCancelled entry; a lagging API's facts are not signed", async () => {
      const claims = await certificateOf(5);
      expect(claims.holder).to.equal(COLD_CHAIN);
      const issued = await cli(["--account", REGISTRAR.index, "certificate", "credential", "5", "--out", "cert-5.jwt", "--api-url", apiUrl]);
      expect(issued.code, issued.stderr).to.equal(0);
      expect((await verify("cert-5.jwt")).code).to.equal(0);

      const cancel = await cli(["--json", "--account", REGISTRAR.index, "asset", "cancel", "5", "text:reason:licence-revoked"]);
      expect(cancel.code, cancel.stderr).to.equal(0);
      const { transactionHash, blockNumber } = JSON.parse(cancel.stdout) as { transactionHash: string; blockNumber: string };

      const cancelled = await verify("cert-5.jwt");
      expect(cancelled.code).to.equal(1);
      expect(cancelled.stdout.trimEnd().split("\n").at(-1)).to.equal("NOT VALID: failed checks status");
      // The cancellation is the first entry after the credential's.
      const entry = claims.evidenceHead.seq + 1;
      expect(detailOf(cancelled.verdict, "status")).to.equal(
        `the certificate is CANCELLED on chain, since evidence entry #${entry} (AssetCancelled, block ${blockNumber}, transaction ${transactionHash})`,
      );
      expect(cancelled.verdict.changesSince.map((change) => [change.seq, change.eventName, change.block])).to.deep.equal([[entry, "AssetCancelled", String(blockNumber)]]);
      expect(cancelled.stdout).to.contain("evidence entries since issue (1):").and.contain(`  #${entry} AssetCancelled at `);

      // The API has not indexed the cancellation yet: its facts say ISSUED, the chain has moved on.
      const lagging = await cli(["--account", REGISTRAR.index, "certificate", "credential", "5", "--out", "cert-5-again.jwt", "--api-url", apiUrl]);
      expect(lagging.code).to.equal(1);
      expect(lagging.stderr).to.equal(
        `provenance: certificate 5 changed after block ${claims.asOf.block}, the block of the API's facts: it is CANCELLED now; the credential would not verify (is the indexer behind?)\n`,
      );
      await node.syncOnce();
      const indexed = await cli(["--account", REGISTRAR.index, "certificate", "credential", "5", "--out", "cert-5-again.jwt", "--api-url", apiUrl]);
      expect(indexed.code).to.equal(1);
      expect(indexed.stderr).to.equal("provenance: certificate 5 is CANCELLED: only an ISSUED certificate gets a credential\n");
      expect(existsSync(file("cert-5-again.jwt"))).to.equal(false);
    });

    it("transferred since issue: the holder check fails naming the HoldingTransferred entry", async () => {
      await node.syncOnce();
      const claims = await certificateOf(1);
      expect(claims.holder).to.equal(AUTHORITY);
      const issued = await cli(["--account", REGISTRAR.index, "certificate", "credential", "1", "--out", "cert-1.vc.json", "--api-url", apiUrl]);
      expect(issued.code, issued.stderr).to.equal(0);

      const transfer = await cli(["--json", "--account", REGISTRAR.index, "asset", "transfer", "1", BANK, "SALE", "text:contract:sale-of-traffic-data"]);
      expect(transfer.code, transfer.stderr).to.equal(0);
      const { transactionHash, blockNumber } = JSON.parse(transfer.stdout) as { transactionHash: string; blockNumber: string };

      const moved = await verify("cert-1.vc.json");
      expect(moved.code).to.equal(1);
      expect(moved.stdout.trimEnd().split("\n").at(-1)).to.equal("NOT VALID: failed checks holder");
      const entry = claims.evidenceHead.seq + 1;
      expect(detailOf(moved.verdict, "holder")).to.equal(
        `now held by ${BANK}, not ${AUTHORITY}: transferred by evidence entry #${entry} (HoldingTransferred, block ${blockNumber}, transaction ${transactionHash})`,
      );
      expect(outcomes(moved.verdict)).to.include({ signature: "pass", status: "pass", fingerprint: "pass" });
    });
  });
});
