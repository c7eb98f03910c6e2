
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { id as labelHash } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { build } from "vite";

import { certificateClaimsFrom, issueCredential } from "../../ledger/certificates/index.js";
import type { DemoContracts, DemoResult } from "../../scripts/demo/seed.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { deployDemo } from "../helpers/demo.js";
import { pdfText } from "../helpers/pdf.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";
import { launchChromium } from "../helpers/chromium.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const ARTIFACTS = join(ROOT, "test-artifacts/web");
const VIEWPORTS = { desktop: { width: 1200, height: 900 }, phone: { width: 375, height: 812 } } as const;
/** Generous: the machine's two cores run the chain, the node, Chromium and other work at once. */
const STEP_TIMEOUT = 60_000;
/** Hardhat's dev account 1, the demo's registrar (`seedDemo` grants it the REGISTRAR role). */
const REGISTRAR_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/**
 * The certificate page's printable certificate, its "what changed since printing" notice and its credential
 * check, in headless Chromium against the demo ledger: a Hardhat node, the demo deployed and seeded, one ledger
 * node following it (indexer and API, with the demo's party book) serving the freshly built pages.
 */
describe("certificate documents and credentials on the certificate page", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let connection: NetworkConnection<"generic">;
  let contracts: DemoContracts;
  let demo: DemoResult;
  let node: LedgerNode;
  let following: Promise<void>;
  const stopFollowing = new AbortController();
  let apiUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  /** Asset 5's evidence-chain length before the registrar cancels it (test d), for the printed link of test e. */
  let seqBeforeCancel: number | undefined;

  const registrar = privateKeyToAccount(REGISTRAR_KEY);
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(apiUrl + path);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as T;
  };
  /** A registrar's credential for the certificate as the API states it now, in its JSON form (.vc.json). */
  const credentialFor = async (assetId: number) => {
    const claims = certificateClaimsFrom(await api(`/assets/${assetId}/certificate`));
    return { claims, ...(await issueCredential(claims, registrar)) };
  };
  const nameOf = (account: string, language: "en" | "zh-CN") => demo.partyBook.find((p) => getAddress(p.account) === getAddress(account))?.name[language];

  async function openAs(language: "en" | "zh-CN", width: keyof typeof VIEWPORTS = "desktop"): Promise<void> {
    await context?.close();
    context = await browser.newContext({
      locale: language === "en" ? "en-US" : "zh-CN",
      timezoneId: "Asia/Shanghai",
      viewport: VIEWPORTS[width],
      acceptDownloads: true,
      ...(width === "phone" ? { isMobile: true, hasTouch: true } : {}),
    });
    context.setDefaultTimeout(STEP_TIMEOUT);
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  }

  /** Chooses a file in the credential box, as the file dialog would. */
  const chooseCredential = (name: string, text: string) =>
    page.locator("#credential-file").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });

  /** Drops a file on the credential box, as a DataTransfer from the desktop brings it. */
  async function dropCredential(name: string, text: string): Promise<void> {
    const transfer = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: "application/json" }));
      return transfer;
    })()`);
    await page.dispatchEvent("#credential-dropzone", "dragover", { dataTransfer: transfer });
    await page.dispatchEvent("#credential-dropzone", "drop", { dataTransfer: transfer });
  }

  /** The checks as listed: name (the data-check attribute, the API's) and outcome (the item's class). */
  const listedChecks = () =>
    page.locator("#credential-checks > li").evaluateAll((items) => items.map((item) => ({ name: item.getAttribute("data-check"), outcome: item.className.replace("check ", "") })));

  before(async () => {
    await build({ root: join(ROOT, "web"), logLevel: "warn" });
    const launching = launchChromium();
    chain = await startChain();
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    const recordDir = join(chain.dir, "demo-deployment");
    ({ contracts, demo } = await deployDemo(connection, recordDir));
    node = await startLedgerNode({
      rpcUrl: chain.url,
      dbPath: join(chain.dir, "ledger-db"),
      deployment: await readIgnitionDeployment(recordDir),
      api: { port: 0, partyBook: demo.partyBook },
      indexer: { finalityDepth: 5, pollIntervalMs: 250 },
    });
    await node.syncOnce();
    // Following the chain from here: the cancellation sent in a test reaches the API by itself.
    following = node.run({ signal: stopFollowing.signal });
    apiUrl = node.api!.url;
    browser = await launching;
    await mkdir(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    stopFollowing.abort();
    await following?.catch(() => {});
    await node?.close();
    await connection?.close();
    await chain?.close();
  });

  beforeEach(async () => {
    pageErrors = [];
    await openAs("en");
  });

  afterEach(async () => {
    await context?.close();
    expect(pageErrors, "errors thrown in the page").to.deep.equal([]);
  });

  it("downloads the certificate as a PDF in the page's language, and names the holder and the pledgee from the party book", async () => {
    // Certificate No. 2: the logistics enterprise's shipment records, pledged to the bank (scripts/demo/seed.ts).
    const asset = await api<{ holder: string; pledge: { pledgee: string } }>("/assets/2");
    await page.goto(`${apiUrl}/#/certificate?number=2`);
    const article = page.locator("article.certificate");
    await article.waitFor();
    const text = await article.innerText();
    expect(text).to.include(`Furong Logistics Ltd.`).and.include("Bank of Changsha");
    expect(nameOf(asset.holder, "en")).to.equal("Furong Logistics Ltd.");
    expect(nameOf(asset.pledge.pledgee, "en")).to.equal("Bank of Changsha");

    const link = page.getByRole("link", { name: "Download certificate (PDF)" });
    expect(await link.getAttribute("href")).to.equal("/assets/2/certificate.pdf?lang=en");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const pdf = await readFile(await download.path());
    expect(pdf.subarray(0, 4).toString("latin1")).to.equal("%PDF");
    expect(await pdfText(pdf)).to.match(/Registration No\. 2\b/);

    // The language switch re-renders the page: the link asks for the Chinese certificate.
    await page.getByLabel("Language").selectOption("zh-CN");
    const zhLink = page.getByRole("link", { name: "下载证书 (PDF)" });
    await zhLink.waitFor();
    expect(await page.locator("article.certificate").innerText()).to.include("芙蓉物流有限公司").and.include("长沙银行");
    const [zhDownload] = await Promise.all([page.waitForEvent("download"), zhLink.click()]);
    const zhText = await pdfText(await readFile(await zhDownload.path()));
    expect(zhText).to.include("登记").and.match(/登记编号：\s*2\b/);

    // No. 4 is still in its public notice: never issued, so there is nothing to print.
    await page.goto(`${apiUrl}/#/certificate?number=4`);
    await page.locator("article.certificate").waitFor();
    expect(await page.locator("#download-pdf").count()).to.equal(0);
  });

  it("checks a dropped credential: valid, every check passed", async () => {
    const { document } = await credentialFor(3);
    await page.goto(`${apiUrl}/#/certificate`);
    // Before any lookup: a bank may come with nothing but the file.
    await page.getByLabel("Check an electronic certificate").waitFor();
    await dropCredential("certificate-3.vc.json", JSON.stringify(document, null, 2));
    await page.locator("#credential-verdict.ok").waitFor();
    expect(await page.locator("#credential-verdict").innerText()).to.match(/^Valid: signed by a registrar of this ledger/);
    // The six checks of issue 14, in the order the API makes them, each passed.
    expect(await listedChecks()).to.deep.equal(
      ["signature", "ledger", "issuer-role", "status", "fingerprint", "holder"].map((name) => ({ name, outcome: "pass" })),
    );
    const checks = await page.locator("#credential-checks").innerText();
    for (const line of ["Signature: passed", "Ledger (chain and registry): passed", "Issuer's registrar role: passed", "Certificate status: passed", "Data fingerprint: passed", "Holder: passed"]) {
      expect(checks).to.include(line);
    }
    // The API's reason under each name: the signer is the registrar's account.
    expect(checks).to.include(`signed by ${registrar.address}`);
    const outcome = page.locator(".credential-outcome");
    expect(await outcome.innerText()).to.include("certificate-3.vc.json").and.include("No. 3").and.include("No change on the ledger since the credential was issued.");
    await page.screenshot({ path: join(ARTIFACTS, "credential-valid-en.png"), fullPage: true });

    // The credential's certificate is a link away; the verdict stays while the certificate opens.
    await outcome.getByRole("link", { name: "Open the certificate" }).click();
    await page.getByRole("heading", { name: "Registration certificate No. 3" }).waitFor();
    expect(await page.locator("#credential-verdict").innerText()).to.match(/^Valid/);
  });

  it("refuses a credential with one claim changed in its JSON form: the signature check fails", async () => {
    const { document } = await credentialFor(3);
    // The file claims the bank holds certificate No. 3; the signed JWT inside still says who does.
    const forged = structuredClone(document);
    forged.credentialSubject.certificate.holder = getAddress(demo.parties.bank!);
    await page.goto(`${apiUrl}/#/certificate`);
    await chooseCredential("certificate-3.vc.json", JSON.stringify(forged));
    await page.locator("#credential-verdict.bad").waitFor();
    // Only the signature covers the altered JSON; the chain checks read the signed claims, which still hold.
    expect(await page.locator("#credential-verdict").innerText()).to.equal("NOT valid: 1 check(s) failed.");
    const checks = await listedChecks();
    expect(checks.find((check) => check.name === "signature")?.outcome).to.equal("fail");
    expect(checks.filter((check) => check.outcome === "fail")).to.have.length(1);
    expect(await page.locator('#credential-checks > li[data-check="signature"]').innerText()).to.include("Signature: failed").and.include("credentialSubject.certificate.holder");

    // A file that is no credential at all: the API's reason, not a verdict.
    await chooseCredential("notes.txt", "a shipment list, not a certificate");
    await page.locator(".credential-outcome").filter({ hasText: "notes.txt" }).waitFor();
    expect(await page.locator("#credential-verdict").innerText()).to.match(/^This file is not a certificate credential: \S/);
    expect(await page.locator("#credential-checks").count()).to.equal(0);
  });

  it("says a credential of a certificate cancelled since is not valid, with the entry that cancelled it", async () => {
    const { claims, document } = await credentialFor(5);
    expect(claims.status).to.equal("ISSUED");
    seqBeforeCancel = claims.evidenceHead.seq;
    const [, registrarSigner] = await connection.ethers.getSigners();
    expect(getAddress(registrarSigner!.address)).to.equal(registrar.address);
    await (await contracts.registry.connect(registrarSigner!).cancel(5n, labelHash("cancelled: the cold-chain data set was withdrawn"))).wait();
    // The node follows the chain: the API says CANCELLED once it has indexed the cancellation.
    for (let attempt = 0; (await api<{ status: string }>("/assets/5")).status !== "CANCELLED"; attempt += 1) {
      if (attempt >= 240) throw new Error("the API did not index the cancellation of No. 5");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    await page.goto(`${apiUrl}/#/certificate`);
    await chooseCredential("certificate-5.vc.json", JSON.stringify(document));
    await page.locator("#credential-verdict.bad").waitFor();
    expect(await page.locator("#credential-verdict").innerText()).to.match(/^NOT valid: \d+ check\(s\) failed\.$/);
    const checks = await listedChecks();
    expect(checks.find((check) => check.name === "signature")?.outcome).to.equal("pass");
    expect(checks.find((check) => check.name === "status")?.outcome).to.equal("fail");
    expect(await page.locator('#credential-checks > li[data-check="status"]').innerText()).to.include("Certificate status: failed").and.include("CANCELLED");
    // One entry since the credential: the cancellation, the next in the chain.
    const changes = page.locator("#credential-changes > li");
    expect(await changes.count()).to.equal(1);
    expect(await changes.first().getAttribute("data-event")).to.equal("AssetCancelled");
    expect(await changes.first().innerText()).to.match(new RegExp(`^#${seqBeforeCancel + 1}\\s+Cancelled \\(AssetCancelled\\)`));
    await page.screenshot({ path: join(ARTIFACTS, "credential-cancelled-en.png"), fullPage: true });

    // The language switch re-renders the verdict in Chinese.
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.locator("#credential-verdict.bad").waitFor();
    expect(await page.locator("#credential-verdict").innerText()).to.match(/^无效：\d+ 项核验未通过。$/);
    const zhChecks = await page.locator("#credential-checks").innerText();
    expect(zhChecks).to.include("签名：通过").and.include("证书状态：未通过").and.include("签发人登记机构身份");
    expect(await page.locator("#credential-changes > li").first().innerText()).to.include("注销登记");
    await page.screenshot({ path: join(ARTIFACTS, "credential-cancelled-zh.png"), fullPage: true });

    // A phone: the verdict fits 375 px, nothing off the page.
    await openAs("zh-CN", "phone");
    await page.goto(`${apiUrl}/#/certificate`);
    await chooseCredential("certificate-5.vc.json", JSON.stringify(document));
    await page.locator("#credential-verdict.bad").waitFor();
    expect(await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth")).to.equal(0);
    await page.screenshot({ path: join(ARTIFACTS, "credential-cancelled-zh-phone.png"), fullPage: true });
  });

  it("opened from a printed certificate's QR code, lists what changed since printing and says it is cancelled", async () => {
    expect(seqBeforeCancel, "the cancellation test ran first").to.be.a("number");
    const printed = seqBeforeCancel!;
    await page.goto(`${apiUrl}/#/certificate?number=5&printed=${printed}`);
    const notice = page.locator("#printed-notice");
    await notice.waitFor();
    expect(await notice.getByRole("heading").innerText()).to.equal(`Printed when the evidence chain had ${printed} entries`);
    expect(await page.locator("#printed-status.bad").innerText()).to.equal(
      `This certificate is now Cancelled (evidence entry #${printed + 1}): the printed certificate is no longer valid.`,
    );
    expect(await notice.innerText()).to.include("Since then, later entries on the ledger: 1");
    const entries = page.locator("#printed-entries > li");
    expect(await entries.count()).to.equal(1);
    expect(await entries.first().innerText()).to.match(new RegExp(`^#${printed + 1}\\s+Cancelled \\(AssetCancelled\\)`));
    // The notice comes first, then the certificate itself.
    await page.getByRole("heading", { name: "Registration certificate No. 5" }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "certificate-printed-en.png"), fullPage: true });

    // Printed after the cancellation: nothing later, and still cancelled.
    await page.goto(`${apiUrl}/#/certificate?number=5&printed=${printed + 1}`);
    await page.locator("#printed-unchanged").waitFor();
    expect(await page.locator("#printed-unchanged").innerText()).to.include("Nothing has changed since printing");
    expect(await page.locator("#printed-status.bad").count()).to.equal(1);

    await page.getByLabel("Language").selectOption("zh-CN");
    await page.locator("#printed-unchanged").waitFor();
    expect(await page.locator("#printed-notice").innerText()).to.include(`本证书打印时存证链共 ${printed + 1} 条`).and.include("打印后没有任何变化").and.include("已注销");

    // An active certificate printed before its last entries: they are listed, and it is still valid.
    await openAs("en");
    const three = await api<{ evidenceHead: { seq: number } }>("/assets/3/certificate");
    await page.goto(`${apiUrl}/#/certificate?number=3&printed=${three.evidenceHead.seq - 2}`);
    await page.locator("#printed-entries").waitFor();
    expect(await page.locator("#printed-entries > li").count()).to.equal(2);
    expect(await page.locator("#printed-status.ok").innerText()).to.match(/^Still issued to the same holder/);

    // A printed count the chain never had, or not a count: the link's error, and the certificate still shown.
    const length = (await api<{ evidenceHead: { seq: number } }>("/assets/5/certificate")).evidenceHead.seq;
    for (const value of [String(length + 1), "abc"]) {
      await page.goto(`${apiUrl}/#/certificate?number=5&printed=${value}`);
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.innerText()).to.equal(
        `This page's link has printed=${value}, which is not valid. It is the number of evidence entries when the certificate was printed: a whole number from 0 to ${length}.`,
      );
      await page.getByRole("heading", { name: "Registration certificate No. 5" }).waitFor();
    }
  });
});
