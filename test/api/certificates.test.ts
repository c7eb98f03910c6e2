import { join } from "node:path";

import { expect } from "chai";
import { id as labelHash } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { keccak256, stringToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { certificateClaimsFrom, issueCredential, type CertificateClaims, type CredentialVerdict } from "../../ledger/certificates/index.js";
import type { PartyProfile } from "../../ledger/parties/profile.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import { AssetKind, Classification, DataCategory } from "../../ledger/types.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import type { DemoContracts, DemoResult } from "../../scripts/demo/seed.js";
import { deployDemo } from "../helpers/demo.js";
import { decodeQr, pdfText } from "../helpers/pdf.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";

/** Hardhat's dev keys: account 1 is the demo's registrar, 2 its reviewer (no registrar role), 10 an outsider. */
const KEYS = {
  registrar: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  reviewer: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  newcomer: "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
} as const;

describe("certificates over the API: the certificate's facts, its PDF, and a credential checked against the chain", function () {
  this.timeout(240_000);
  let chain: TestChain;
  let connection: NetworkConnection<"generic">;
  let node: LedgerNode;
  let contracts: DemoContracts;
  let demo: DemoResult;
  let url: string;

  const get = (path: string) => fetch(url + path);
  const json = async <T>(path: string): Promise<T> => (await (await get(path)).json()) as T;
  const claimsOf = async (assetId: bigint | string): Promise<CertificateClaims> => certificateClaimsFrom(await json(`/assets/${assetId}/certificate`));
  const verify = async (body: string) => {
    const response = await fetch(`${url}/certificates/verify`, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: response.status, body: (await response.json()) as CredentialVerdict & { detail?: string } };
  };
  const outcomes = (verdict: CredentialVerdict) => Object.fromEntries(verdict.checks.map((c) => [c.name, c.outcome]));
  const detailOf = (verdict: CredentialVerdict, name: string) => verdict.checks.find((c) => c.name === name)!.detail;
  const sync = async () => {
    await node.syncOnce();
  };

  before(async () => {
    chain = await startChain();
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    const recordDir = join(chain.dir, "demo-deployment");
    ({ contracts, demo } = await deployDemo(connection, recordDir));
    node = await startLedgerNode({
      rpcUrl: chain.url,
      dbPath: join(chain.dir, "certificates-db"),
      deployment: await readIgnitionDeployment(recordDir),
      api: { port: 0, partyBook: demo.partyBook, webUrl: "https://ledger.example.org/pages/" },
      indexer: { finalityDepth: 5 },
    });
    url = node.api!.url;
    await sync();
  });

  after(async () => {
    await node?.close();
    await connection?.close();
    await chain?.close();
  });

  describe("the certificate's facts", () => {
    it("names the holder and the pledgee from the party book, where the profile document hashes to the on-chain profile hash", async () => {
      // The operator's profile document, in RFC 8785 form written out by hand (keys sorted, no spaces).
      const canonical = `{"account":"${demo.parties.operator}","name":{"en":"Xiangjiang Data Operations Co.","zh-CN":"湘江数据运营有限公司"}}`;
      const party = await json<{ profileHash: string }>(`/parties/${demo.parties.operator}`);
      expect(party.profileHash).to.equal(keccak256(stringToBytes(canonical)));

      const product = await json<Record<string, unknown>>(`/assets/${demo.assets.product}/certificate`);
      expect(product).to.deep.include({
        registrationNumber: String(demo.assets.product),
        holder: demo.parties.operator,
        holderName: { en: "Xiangjiang Data Operations Co.", "zh-CN": "湘江数据运营有限公司" },
        fingerprint: labelHash("data:Urban logistics routing index"),
        parents: [String(demo.assets.traffic), String(demo.assets.shipments)],
        encumbrances: { pledge: null, openObjections: 0 },
      });
      const shipments = await json<{ encumbrances: unknown; holderName: unknown }>(`/assets/${demo.assets.shipments}/certificate`);
      expect(shipments.holderName).to.deep.equal({ en: "Furong Logistics Ltd.", "zh-CN": "芙蓉物流有限公司" });
      expect(shipments.encumbrances).to.deep.equal({
        pledge: { pledgee: demo.parties.bank, pledgeeName: { en: "Bank of Changsha", "zh-CN": "长沙银行" } },
        openObjections: 0,
      });
    });

    it("reads the facts at the indexed block, and links the check page of exactly that state", async () => {
      const certificate = await json<CertificateClaims & { checkUrl: string }>(`/assets/${demo.assets.product}/certificate`);
      const [seq, head] = await contracts.registry.evidenceHead(demo.assets.product!);
      expect(certificate.evidenceHead).to.deep.equal({ seq: Number(seq), head });
      expect(certificate.asOf.block).to.equal(String(node.indexer.store.cursor.number));
      const block = await connection.ethers.provider.getBlock(node.indexer.store.cursor.number);
      expect(certificate.asOf.timestamp).to.equal(String(block!.timestamp));
      expect(certificate.checkUrl).to.equal(`https://ledger.example.org/pages/#/certificate?number=${demo.assets.product}&printed=${seq}`);
    });

    it("shows no name for a party whose book entry does not hash to its on-chain profile hash", async () => {
      const honest: PartyProfile = demo.partyBook.find((p) => p.account === demo.parties.logistics)!;
      const tampered: PartyProfile = { ...honest, name: { en: "Furong Logistics Holdings" } };
      const other = await startLedgerNode({
        rpcUrl: chain.url,
        dbPath: join(chain.dir, "certificates-db-tampered"),
        deployment: await readIgnitionDeployment(join(chain.dir, "demo-deployment")),
        api: { port: 0, partyBook: [tampered] },
        indexer: { finalityDepth: 5 },
      });
      try {
        await other.syncOnce();
        const answer = (await (await fetch(`${other.api!.url}/assets/${demo.assets.shipments}/certificate`)).json()) as CertificateClaims & { checkUrl: string };
        expect(answer.holderName).to.equal(null);
        // Without a web address the QR code opens the pages where this API serves them.
        expect(answer.checkUrl.startsWith(`${other.api!.url}/#/certificate?number=${demo.assets.shipments}&printed=`)).to.equal(true);
      } finally {
        await other.close();
      }
    });
  });

  describe("GET /assets/{id}/certificate.pdf", () => {
    it("serves the certificate as a PDF attachment, in Chinese by default and in English on request", async () => {
      const zh = await get(`/assets/${demo.assets.product}/certificate.pdf`);
      expect(zh.status).to.equal(200);
      expect(zh.headers.get("content-type")).to.match(/^application\/pdf/);
      expect(zh.headers.get("content-disposition")).to.match(/attachment; filename="?certificate-3-zh-CN\.pdf"?/);
      const zhBytes = new Uint8Array(await zh.arrayBuffer());
      expect(Buffer.from(zhBytes.slice(0, 5)).toString("latin1")).to.equal("%PDF-");
      const zhText = await pdfText(zhBytes);
      expect(zhText).to.include("湘江数据运营有限公司");
      expect(zhText).to.include(demo.parties.operator);

      const en = await get(`/assets/${demo.assets.product}/certificate.pdf?lang=en`);
      expect(en.headers.get("content-disposition")).to.match(/certificate-3-en\.pdf/);
      const enText = await pdfText(new Uint8Array(await en.arrayBuffer()));
      expect(enText).to.include("Xiangjiang Data Operations Co.");
      expect(enText).to.include(labelHash("data:Urban logistics routing index"));
    });

    it("prints every issued certificate of the demo, each with a QR code that opens its check page as printed", async () => {
      // The demo issues #1 (traffic data), #2 (shipments), #3 (the product) and #5 (the licensed product); #4 is in its notice.
      const issued = [demo.assets.traffic, demo.assets.shipments, demo.assets.product, demo.assets.licensedProduct].map(String);
      expect(issued).to.deep.equal(["1", "2", "3", "5"]);
      for (const assetId of issued) {
        const { checkUrl, evidenceHead } = await json<{ checkUrl: string; evidenceHead: { seq: number } }>(`/assets/${assetId}/certificate`);
        expect(checkUrl).to.equal(`https://ledger.example.org/pages/#/certificate?number=${assetId}&printed=${evidenceHead.seq}`);
        const pdf = new Uint8Array(await (await get(`/assets/${assetId}/certificate.pdf`)).arrayBuffer());
        expect(await pdfText(pdf)).to.include(await contracts.registry.getAddress());
        expect(await decodeQr(pdf, 1)).to.equal(checkUrl);
      }
    });

    it("answers 404 for an unknown or never-issued asset, 409 for one in application, 400 for another language", async () => {
      const problem = async (path: string) => {
        const response = await get(path);
        expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
        return { status: response.status, detail: ((await response.json()) as { detail: string }).detail };
      };
      expect(await problem("/assets/999/certificate.pdf")).to.deep.equal({ status: 404, detail: "no asset 999" });
      expect(await problem(`/assets/${demo.assets.coldChainLogs}/certificate.pdf`)).to.deep.equal({
        status: 409,
        detail: `asset ${demo.assets.coldChainLogs} is still in application (IN_NOTICE): no certificate was issued yet`,
      });
      expect((await problem(`/assets/${demo.assets.product}/certificate.pdf?lang=fr`)).status).to.equal(400);

      // An application refused: never issued.
      const [, registrar] = await connection.ethers.getSigners();
      const logistics = await connection.ethers.getSigner(demo.parties.logistics!);
      await (
        await contracts.registry.connect(logistics).fileApplication({
          kind: AssetKind.RESOURCE,
          category: DataCategory.ENTERPRISE,
          classification: Classification.GENERAL,
          fingerprint: labelHash("data:refused"),
          cardHash: labelHash("card:refused"),
          cardURI: "ipfs://refused",
          parents: [],
        })
      ).wait();
      const refusedId = await contracts.registry.assetCount();
      await (await contracts.registry.connect(registrar!).refuseApplication(refusedId, labelHash("reason"))).wait();
      await sync();
      expect(await problem(`/assets/${refusedId}/certificate.pdf`)).to.deep.equal({
        status: 404,
        detail: `asset ${refusedId} was never issued a certificate (REFUSED)`,
      });
    });
  });

  describe("POST /certificates/verify", () => {
    it("finds a registrar's credential valid for every issued certificate of the demo", async () => {
      for (const assetId of [demo.assets.traffic, demo.assets.shipments, demo.assets.product, demo.assets.licensedProduct]) {
        const { jwt } = await issueCredential(await claimsOf(assetId!), privateKeyToAccount(KEYS.registrar));
        const { body: verdict } = await verify(jwt);
        expect(verdict.valid, `#${assetId}: ${JSON.stringify(verdict.checks)}`).to.equal(true);
      }
    });

    it("finds a registrar's credential valid, in either form, with every check passed", async () => {
      const claims = await claimsOf(demo.assets.product!);
      const { jwt, document } = await issueCredential(claims, privateKeyToAccount(KEYS.registrar));
      for (const body of [jwt, JSON.stringify(document, null, 2)]) {
        const { status, body: verdict } = await verify(body);
        expect(status).to.equal(200);
        expect(verdict.valid, JSON.stringify(verdict.checks)).to.equal(true);
        expect(outcomes(verdict)).to.deep.equal({ signature: "pass", ledger: "pass", "issuer-role": "pass", status: "pass", fingerprint: "pass", holder: "pass" });
        expect(verdict.credential).to.include({ registrationNumber: "3", issuer: privateKeyToAccount(KEYS.registrar).address, holder: demo.parties.operator });
      }
    });

    it("fails the signature check of a credential with one claim changed, in its JSON form or in its JWT", async () => {
      const claims = await claimsOf(demo.assets.product!);
      const { jwt, document } = await issueCredential(claims, privateKeyToAccount(KEYS.registrar));
      const edited = structuredClone(document);
      edited.credentialSubject.certificate.encumbrances.openObjections = 0;
      edited.credentialSubject.certificate.classification = "IMPORTANT";
      const jsonTampered = (await verify(JSON.stringify(edited))).body;
      expect(jsonTampered.valid).to.equal(false);
      expect(outcomes(jsonTampered).signature).to.equal("fail");
      expect(detailOf(jsonTampered, "signature")).to.include("credentialSubject.certificate.classification");

      const [header, payload, signature] = jwt.split(".") as [string, string, string];
      const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      decoded.vc.credentialSubject.certificate.parents = [];
      const reencoded = `${header}.${Buffer.from(JSON.stringify(decoded)).toString("base64url")}.${signature}`;
      const jwtTampered = (await verify(reencoded)).body;
      expect(jwtTampered.valid).to.equal(false);
      expect(outcomes(jwtTampered).signature).to.equal("fail");
      expect(detailOf(jwtTampered, "signature")).to.match(/is not 0x70997970C51812dc3A010C7d01b50e0d17dc79C8's/);
    });

    it("fails the issuer-role check of a credential signed by a non-registrar, and of one claiming a block not yet mined", async () => {
      const claims = await claimsOf(demo.assets.product!);
      const reviewer = privateKeyToAccount(KEYS.reviewer);
      const byReviewer = (await verify((await issueCredential(claims, reviewer)).jwt)).body;
      expect(byReviewer.valid).to.equal(false);
      expect(outcomes(byReviewer)).to.include({ signature: "pass", "issuer-role": "fail", status: "pass" });
      expect(detailOf(byReviewer, "issuer-role")).to.equal(`${reviewer.address} did not hold the registrar role at block ${claims.asOf.block}, when the credential was issued`);

      const future = { ...claims, asOf: { ...claims.asOf, block: "100000000" } };
      const ahead = (await verify((await issueCredential(future, privateKeyToAccount(KEYS.registrar))).jwt)).body;
      expect(detailOf(ahead, "issuer-role")).to.equal("the credential claims block 100000000, which the chain has not reached");
    });

    it("reads the role at the block of issue: a registrar's credential stays valid after the role is revoked, and one from before the grant does not", async () => {
      const [admin] = await connection.ethers.getSigners();
      const newcomer = privateKeyToAccount(KEYS.newcomer);
      const before = await claimsOf(demo.assets.product!);
      await (await contracts.accessManager.connect(admin!).grantRole(ROLE_IDS.REGISTRAR, newcomer.address, 0)).wait();
      await sync();
      const during = await claimsOf(demo.assets.product!);
      await (await contracts.accessManager.connect(admin!).revokeRole(ROLE_IDS.REGISTRAR, newcomer.address)).wait();

      const issuedDuring = (await verify((await issueCredential(during, newcomer)).jwt)).body;
      expect(outcomes(issuedDuring)["issuer-role"], JSON.stringify(issuedDuring.checks)).to.equal("pass");
      const backdated = (await verify((await issueCredential(before, newcomer)).jwt)).body;
      expect(outcomes(backdated)["issuer-role"]).to.equal("fail");
    });

    it("fails the ledger check of a credential for another chain or registry, and checks nothing else", async () => {
      const claims = await claimsOf(demo.assets.product!);
      const registrar = privateKeyToAccount(KEYS.registrar);
      const otherChain = (await verify((await issueCredential({ ...claims, chainId: 1 }, registrar)).jwt)).body;
      expect(otherChain.valid).to.equal(false);
      expect(outcomes(otherChain)).to.deep.equal({ signature: "pass", ledger: "fail", "issuer-role": "skipped", status: "skipped", fingerprint: "skipped", holder: "skipped" });
      expect(detailOf(otherChain, "ledger")).to.equal("the credential is for chain 1, this ledger is on chain 31337");

      const elsewhere = "0x000000000000000000000000000000000000dEaD";
      const otherRegistry = (await verify((await issueCredential({ ...claims, registry: elsewhere }, registrar)).jwt)).body;
      expect(detailOf(otherRegistry, "ledger")).to.equal(`the credential is for registry ${elsewhere}, this ledger's is ${await contracts.registry.getAddress()}`);
    });

    it("fails the status check of a credential for an unknown registration, naming it", async () => {
      const claims = await claimsOf(demo.assets.product!);
      const unknown = (await verify((await issueCredential({ ...claims, registrationNumber: "999" }, privateKeyToAccount(KEYS.registrar))).jwt)).body;
      expect(outcomes(unknown)).to.include({ status: "fail", fingerprint: "skipped", holder: "skipped" });
      expect(detailOf(unknown, "status")).to.equal("the registry has no registration 999");
    });

    it("fails the status check of a certificate cancelled since issue, with the evidence entry that cancelled it", async () => {
      const claims = await claimsOf(demo.assets.licensedProduct!);
      const { jwt } = await issueCredential(claims, privateKeyToAccount(KEYS.registrar));
      const fresh = (await verify(jwt)).body;
      expect(fresh.valid, JSON.stringify(fresh.checks)).to.equal(true);

      const [, registrar] = await connection.ethers.getSigners();
      const receipt = await (await contracts.registry.connect(registrar!).cancel(demo.assets.licensedProduct!, labelHash("reason:cancelled"))).wait();
      const verdict = (await verify(jwt)).body;
      expect(verdict.valid).to.equal(false);
      expect(outcomes(verdict)).to.include({ signature: "pass", "issuer-role": "pass", status: "fail", holder: "pass" });
      const seq = claims.evidenceHead.seq + 1;
      expect(detailOf(verdict, "status")).to.equal(
        `the certificate is CANCELLED on chain, since evidence entry #${seq} (AssetCancelled, block ${receipt!.blockNumber}, transaction ${receipt!.hash})`,
      );
      expect(verdict.changesSince.map((c) => [c.seq, c.eventName, c.actor])).to.deep.equal([[seq, "AssetCancelled", registrar!.address]]);
    });

    it("answers 400 naming what is wrong for a body that is not a certificate credential", async () => {
      const problem = async (body: string) => {
        const { status, body: answer } = await verify(body);
        expect(status).to.equal(400);
        return answer.detail;
      };
      expect(await problem("")).to.equal("send the credential as the request body");
      expect(await problem("hello")).to.match(/^not a certificate credential: not a JWT/);
      expect(await problem("{")).to.match(/^not a certificate credential: not JSON/);
      expect(await problem('{"proof":{}}')).to.match(/JwtProof2020/);
      const claims = await claimsOf(demo.assets.product!);
      const { jwt } = await issueCredential(claims, privateKeyToAccount(KEYS.registrar));
      const [, payload] = jwt.split(".") as [string, string];
      const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      const noneAlg = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`;
      expect(await problem(noneAlg)).to.match(/unsupported signature algorithm "none"/);
      delete decoded.vc.credentialSubject.certificate.fingerprint;
      const missing = `${jwt.split(".")[0]}.${Buffer.from(JSON.stringify(decoded)).toString("base64url")}.${jwt.split(".")[2]}`;
      expect(await problem(missing)).to.match(/vc\.credentialSubject\.certificate\.fingerprint: Required/);
    });
  });
});
