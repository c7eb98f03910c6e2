import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { keccak256 } from "viem";
import { build } from "vite";

import { escrowAccount } from "../../ledger/split/escrow.js";
import { startStack, type Stack } from "../e2e/stack.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const ARTIFACTS = join(ROOT, "test-artifacts/web");
const SAMPLE = join(ROOT, "web/samples/shipment-records.csv");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/**
 * The web pages in headless Chromium against the real `npm start` stack (embedded chain, demo, indexer,
 * API serving the freshly built bundle). Screenshots go to test-artifacts/web/.
 */
describe("web pages in headless Chromium against the npm start stack", function () {
  this.timeout(300_000);
  let stack: Stack;

  /**
   * An amount of revenue as the pages must show it, worked out here on its own: the API's smallest units over
   * 10^decimals of the settlement token the API names, digits grouped, then the token's symbol.
   */
  async function money(amount: string): Promise<string> {
    const response = await fetch(`${stack.apiUrl}/ledger`);
    const { settlementToken } = (await response.json()) as { settlementToken: { symbol: string; decimals: number } };
    const scale = 10n ** BigInt(settlementToken.decimals);
    const units = BigInt(amount);
    const fraction = (units % scale).toString().padStart(settlementToken.decimals, "0");
    return `${(units / scale).toLocaleString("en-US")}${settlementToken.decimals > 0 ? `.${fraction}` : ""} ${settlementToken.symbol}`;
  }
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the pages requested: all must be the API server's (offline machines, no CDN). */
  let requested: string[];
  let pageErrors: string[];

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(stack.apiUrl + path);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as T;
  };
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  before(async () => {
    // Fail loudly, never skip: the browser tests are part of `npm test`.
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does it when missing)`);
    // The bundle the server serves is built from the sources under test, not left over from an old build.
    await build({ root: join(ROOT, "web"), logLevel: "warn" });
    [stack, browser] = await Promise.all([startStack(), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS })]);
    await mkdir(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  beforeEach(async () => {
    // A fresh profile per test: English browser, empty localStorage.
    context = await browser.newContext({ locale: "en-US", timezoneId: "Asia/Shanghai", viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    requested = [];
    pageErrors = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterEach(async () => {
    await context.close();
    expect(pageErrors, "errors thrown in the page").to.deep.equal([]);
    expect(requested.filter((url) => !url.startsWith(stack.apiUrl) && !url.startsWith("data:")), "requests off the API server").to.deep.equal([]);
  });

  it("looks up a certificate from the keyboard: tab to the number, Enter, verify on chain", async () => {
    await page.goto(`${stack.apiUrl}/`);
    // Tab from the top of the page until the lookup field has focus (the nav and the language switch come first).
    let focused = "";
    for (let tabs = 0; tabs < 10 && focused !== "registration-number"; tabs += 1) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate<string>("document.activeElement?.id ?? ''");
    }
    expect(focused).to.equal("registration-number");
    // Keyboard focus is visible.
    const outline = await page.evaluate<string>("getComputedStyle(document.activeElement).outlineStyle");
    expect(outline).to.not.equal("none");
    // The file chooser is reachable too (two tabs on: past the Look up button), its button showing the focus.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement?.id ?? ''")).to.equal("fingerprint-file");
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('.file-picker label.button')).outlineStyle")).to.not.equal("none");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.type("2");
    await page.keyboard.press("Enter");

    await page.getByRole("heading", { name: "Registration certificate No. 2" }).waitFor();
    expect(page.url()).to.match(/#\/certificate\?number=2$/);
    const certificate = page.locator("article.certificate");
    const text = await certificate.innerText();
    const asset = await api<{ holder: string; pledge: { pledgee: string } }>("/assets/2");
    expect(text).to.include("Issued").and.include("Data resource").and.include("Enterprise data").and.include("General");
    expect(await certificate.locator(`code[title="${asset.holder}"]`).count()).to.equal(1);
    expect(await certificate.locator(`code[title="${asset.pledge.pledgee}"]`).count(), "the pledgee").to.equal(1);
    // The enterprise's grant to the operator: whole scope, API use, a window, a 20 % share.
    const grants = page.locator("table", { has: page.locator("caption", { hasText: "Authorization grants" }) });
    expect(await grants.locator("tbody tr").innerText()).to.match(/use, process\s+Whole\s+API\s+.+ – .+\s+20\.00 %\s+Active/);
    expect(await page.locator("table", { has: page.locator("caption", { hasText: "Reviews" }) }).innerText()).to.include("Compliance");
    // Lineage: the product derived from it, as a node of the graph and in the text beside it.
    const lineage = page.locator("svg.lineage");
    expect(await lineage.locator("a.node").count()).to.equal(2);
    expect(await lineage.locator('a.node[href="#/certificate?number=3"]').count()).to.equal(1);
    expect(await page.locator(".lineage-section").innerText()).to.match(/Derived products\s+No\. 3/);

    const evidence = await api<{ verification: { length: number; head: string } }>("/assets/2/evidence?limit=1");
    await page.getByRole("button", { name: "Verify on chain" }).click();
    await page.locator("#verify-result.ok").waitFor();
    expect(await page.locator("#verify-result").innerText()).to.include(`Verified`).and.include(`${evidence.verification.length} entries`).and.include(evidence.verification.head);
    await shot("certificate-en");

    // The product's lineage goes up to both parents; the application in public notice shows its window and objection.
    await page.getByLabel("Registration number").fill("3");
    await page.getByRole("button", { name: "Look up" }).click();
    await page.getByRole("heading", { name: "Registration certificate No. 3" }).waitFor();
    expect(await page.locator("svg.lineage a.node").count()).to.equal(3);
    expect(await page.locator(".lineage-section").innerText()).to.match(/Derived from\s+No\. 1, No\. 2/);
    await page.getByLabel("Registration number").fill("4");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Registration certificate No. 4" }).waitFor();
    expect(await page.locator("p.status").innerText()).to.match(/^In public notice until .*2\d{3}/);
    const objections = page.locator("table", { has: page.locator("caption", { hasText: "Objections" }) });
    expect(await objections.locator("tbody tr").count()).to.equal(1);
    expect(await objections.innerText()).to.include("Open");
    await shot("certificate-in-notice-en");

    // A number that is no registration, and one that is not a number.
    await page.getByLabel("Registration number").fill("99");
    await page.keyboard.press("Enter");
    await page.getByText("There is no registration with number 99.").waitFor();
    await page.getByLabel("Registration number").fill("abc");
    await page.keyboard.press("Enter");
    expect(await page.getByLabel("Registration number").getAttribute("aria-invalid")).to.equal("true");
    await page.getByRole("alert").filter({ hasText: "A registration number is a whole number" }).waitFor();
  });

  it("hashes a chosen or dropped file in the browser and finds its certificate, or says none matches", async () => {
    const sample = await readFile(SAMPLE);
    const fingerprint = keccak256(sample);
    await page.goto(`${stack.apiUrl}/#/certificate`);
    await page.getByLabel("Or choose a data file").setInputFiles(SAMPLE);
    await page.locator("#file-verdict.ok").waitFor();
    expect(await page.locator("#file-verdict").innerText()).to.equal("This file matches registration No. 2.");
    expect(await page.locator(".file-result").innerText()).to.include("shipment-records.csv").and.include(fingerprint);
    await page.getByRole("heading", { name: "Registration certificate No. 2" }).waitFor();
    await shot("certificate-file-match-en");

    // Dropped on the drop zone, as a DataTransfer from the desktop would bring it.
    const drop = async (name: string, bytes: Buffer) => {
      // Evaluated in the page (a string: the tests' TypeScript has no DOM types).
      const transfer = await page.evaluateHandle(`(() => {
        const data = Uint8Array.from(atob(${JSON.stringify(bytes.toString("base64"))}), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([data], ${JSON.stringify(name)}, { type: "text/csv" }));
        return transfer;
      })()`);
      await page.dispatchEvent("#dropzone", "dragover", { dataTransfer: transfer });
      await page.dispatchEvent("#dropzone", "drop", { dataTransfer: transfer });
    };
    const edited = Buffer.concat([sample, Buffer.from("FR-2026-000123,2026-01-07T08:00:00+08:00,Changsha Yuhua DC,Liuyang,Furong Logistics,湘A·9X000,1200,2,DRAFT\n")]);
    await drop("shipment-records-edited.csv", edited);
    await page.locator("#file-verdict.bad").waitFor();
    expect(await page.locator("#file-verdict").innerText()).to.equal("No registration certificate matches this file.");
    expect(await page.locator(".file-result").innerText()).to.include(keccak256(edited));
    expect(await page.locator("article.certificate").count()).to.equal(0);
    await shot("certificate-file-no-match-en");

    await drop("shipment-records.csv", sample);
    await page.locator("#file-verdict.ok").waitFor();
    expect(await page.locator("#file-verdict").innerText()).to.equal("This file matches registration No. 2.");
  });

  it("switches to Chinese, keeps the choice across a reload, and labels everything in Chinese", async () => {
    await page.goto(`${stack.apiUrl}/#/certificate?number=4`);
    await page.getByRole("heading", { name: "Registration certificate No. 4" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).to.equal("en");
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: "登记证书查验" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
    await page.getByRole("heading", { name: "登记证书 第 4 号" }).waitFor();
    expect(await page.locator("p.status").innerText()).to.match(/^公示期内，至 .+ 止$/);
    expect(await page.getByLabel("登记编号", { exact: true }).count()).to.equal(1);
    expect(await page.getByLabel("或选择数据文件").count()).to.equal(1);
    // The file chooser speaks the page's language, not the browser's ("Choose File", "No file chosen").
    expect(await page.locator("#dropzone").innerText()).to.include("选择文件…").and.include("未选择文件").and.not.include("Choose");
    expect(await page.getByRole("navigation").innerText()).to.include("登记证书查验").and.include("贡献者视图").and.include("争议仲裁视图");
    expect(await page.locator("article.certificate").innerText()).to.include("持有权人").and.include("数据资源").and.include("企业数据").and.include("一般数据");
    await shot("certificate-in-notice-zh");

    await page.reload();
    await page.getByRole("heading", { name: "登记证书 第 4 号" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
    expect(await page.evaluate(() => localStorage.getItem("provenance-ledger.lang"))).to.equal("zh-CN");

    await page.getByRole("navigation").getByRole("link", { name: "贡献者视图" }).click();
    await page.getByRole("heading", { name: "贡献者视图" }).waitFor();
    expect(await page.getByLabel("账户地址").count()).to.equal(1);
    // Arrived by the navigation: focus on the page's heading.
    expect(await page.evaluate<string>("document.activeElement?.tagName")).to.equal("H1");
  });

  it("shows a contributor's contributions, its share of the product as a chart, its claim, proof and escrow", async () => {
    const logistics = (await api<{ holder: string }>("/assets/2")).holder;
    const product = "3";
    await page.goto(`${stack.apiUrl}/#/contributor`);
    await page.getByLabel("Account address").fill(logistics);
    await page.keyboard.press("Enter");
    const chart = page.locator(`svg.share-chart[data-product="${product}"]`);
    await chart.waitFor();

    // The share the chart shows is the exact one of the API's split preview, rounded down to 0.01 %.
    const preview = await api<{ amount: string; entries: { account: string; exact: { numerator: string; denominator: string }; escrowFor: string | null }[] }>(
      `/products/${product}/split?amount=1000000&limit=500`,
    );
    const share = (entry: { exact: { numerator: string; denominator: string } } | undefined) => {
      const basis = (BigInt(entry!.exact.numerator) * 10_000n) / (BigInt(entry!.exact.denominator) * BigInt(preview.amount));
      return `${basis / 100n}.${(basis % 100n).toString().padStart(2, "0")} %`;
    };
    const mine = share(preview.entries.find((e) => e.account === logistics));
    const escrowed = share(preview.entries.find((e) => e.escrowFor === "1"));
    expect(await chart.getAttribute("role")).to.equal("img");
    expect(await chart.locator("title").textContent()).to.equal(`Share of product No. ${product}: ${mine} to this account`);
    expect(await page.locator("figure.share ul.legend").innerText()).to.include(`This account: ${mine}`).and.include(`In escrow (dispute No. 1): ${escrowed}`);
    const widths = await chart.locator("rect[data-segment]").evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("width"))));
    expect(widths.length).to.equal(3);
    // The segments fill the bar (plain comparison: hardhat's chai matchers take closeTo for integers only).
    const filled = widths.reduce((a, b) => a + b, 0);
    expect(Math.abs(filled - 560) < 0.01, `segments fill ${filled} of 560 px`).to.equal(true);

    const contributions = page.locator("table", { has: page.locator("caption", { hasText: "Contributions" }) });
    expect(await contributions.locator("tbody tr").count()).to.equal(1);
    expect(await contributions.innerText()).to.match(/Collection\s+Provider\s+120,000\s+Disputed · dispute No\. 1/);

    // Its leaf of the settlement: the amount, claimed, and the Merkle proof it claimed with.
    const claim = await api<{ amount: string; index: string; proof: string[] }>(`/settlements/1/claims/${logistics}`);
    const settlements = page.locator("table", { has: page.locator("caption", { hasText: "Settlements" }) });
    const row = await settlements.locator("tbody tr").innerText();
    expect(row).to.include(await money("1280000")).and.include(await money(claim.amount)).and.include("claimed");
    expect(await page.locator("#contributor-result").innerText()).to.include("Amounts are in LTY, the settlement token (2 decimal places).");
    await settlements.locator("details.proof summary").click();
    expect(await settlements.locator("details.proof li code").allInnerTexts()).to.deep.equal(claim.proof);

    const escrowLeaf = await api<{ amount: string }>(`/settlements/1/claims/${escrowAccount(1n)}`);
    expect(await page.locator("#escrow").innerText()).to.include(
      `Dispute No. 1 (Open) holds ${await money(escrowLeaf.amount)} of settlement No. 1 for contribution No. 1.`,
    );
    // Why it gets its share: the royalty its shipment records earn as a parent, split to their holder.
    await page.locator(`details.share-why[data-product="${product}"] summary`).click();
    expect(await page.locator(`details.share-why[data-product="${product}"]`).innerText()).to.include("Holder's remainder, via parent No. 2");
    // Its bond from the ruled dispute is credited, to withdraw.
    expect(await page.locator("#contributor-result").innerText()).to.match(/Dispute bonds to withdraw\s+100\.00 LTY/);
    await shot("contributor-en");
  });

  it("shows a sub-licensor its royalty and a contributor the escrow released to it, in both languages", async () => {
    const operator = (await api<{ holder: string }>("/assets/3")).holder;
    await page.goto(`${stack.apiUrl}/#/contributor?address=${operator}`);
    const licensed = page.locator('details.share-why[data-product="5"]');
    await licensed.waitFor();
    await licensed.locator("summary").click();
    // The operator sub-licensed the traffic data (grant #3) for product No. 5: 5 % of its revenue.
    expect(await licensed.innerText()).to.include("Sub-licence royalty (grant #3), via parent No. 1: 5.00 %");
    expect(await page.locator('svg.share-chart[data-product="5"] title').textContent()).to.equal("Share of product No. 5: 5.00 % to this account");

    // Dispute No. 2 on its sensor-feed record was ruled (measure adjusted): the escrow paid part, returned the rest.
    const leaf = await api<{ amount: string; released: { paid: string; returned: string; recipient: string } }>(`/settlements/1/claims/${escrowAccount(2n)}`);
    const escrow = await page.locator("#escrow").innerText();
    expect(escrow).to.include(`Dispute No. 2 (Ruled) held ${await money(leaf.amount)} of settlement No. 1 for contribution No. 2; released`);
    expect(escrow).to.include(`${await money(leaf.released.paid)} paid to the contributor ${operator}`);
    expect(escrow).to.include(`${await money(leaf.released.returned)} returned to the product's unsettled revenue`);
    await shot("contributor-licensor-en");

    await page.getByLabel("Language").selectOption("zh-CN");
    await page.locator('details.share-why[data-product="5"]').waitFor();
    await page.locator('details.share-why[data-product="5"] summary').click();
    expect(await page.locator('details.share-why[data-product="5"]').innerText()).to.include("分许可费（授权 #3）");
    expect(await page.locator("#escrow").innerText()).to.include("退回该数据产品的待结算收益");
    await shot("contributor-licensor-zh");
  });

  it("shows a sub-licensed product's stacked royalties and an objection as the court's dispute", async () => {
    await page.goto(`${stack.apiUrl}/#/certificate?number=5`);
    const royalties = page.locator("#royalties");
    await royalties.waitFor();
    const text = await royalties.innerText();
    const operator = (await api<{ holder: string }>("/assets/3")).holder;
    expect(text).to.include("15.00 % to No. 1 under grant #3").and.include(`Sub-licence royalty (grant #3): 5.00 % to ${operator}`);
    // The lineage edge carries the royalties stacked.
    expect(await page.locator("svg.lineage g.edge text").first().textContent()).to.equal("20 %");

    await page.goto(`${stack.apiUrl}/#/certificate?number=4`);
    const objections = page.locator("table", { has: page.locator("caption", { hasText: "Objections" }) });
    await objections.waitFor();
    expect(await objections.locator("thead").innerText()).to.include("Court dispute");
    expect(await objections.locator("tbody tr").innerText()).to.include("Open").and.include("No. 3");
    expect(await page.locator("#certificate-result").innerText()).to.include("only the court's ruling resolves it");
  });

  it("shows an arbitrator the asset's evidence timeline, replays it on demand, and its open dispute with escrow", async () => {
    await page.goto(`${stack.apiUrl}/#/arbitrator`);
    await page.getByLabel("Registration number of the asset").fill("3");
    await page.keyboard.press("Enter");
    await page.locator("#timeline").waitFor();

    const chain = await api<{ verification: { length: number; head: string }; items: { seq: number; actor: string; head: string; at: { tx: string } }[] }>(
      "/assets/3/evidence?limit=500",
    );
    const entries = page.locator("#timeline > li");
    expect(await entries.count()).to.equal(chain.verification.length);
    const first = await entries.first().innerText();
    expect(first).to.include("Application filed").and.include("AssetApplied").and.include(chain.items[0]!.actor);
    const last = entries.last();
    expect(await last.locator(".seq").innerText()).to.equal(String(chain.verification.length));
    expect(await last.locator(`code[title="${chain.items.at(-1)!.head}"]`).count()).to.equal(1);
    expect(await last.locator(`code[title="${chain.items.at(-1)!.at.tx}"]`).count()).to.equal(1);

    await page.getByRole("button", { name: "Replay and verify again" }).click();
    await page.locator("#replay-verdict.ok").waitFor();
    expect(await page.locator("#replay-verdict").innerText()).to.include("Verified").and.include(chain.verification.head);

    const disputes = page.locator("article.dispute");
    expect(await disputes.count()).to.equal(2);
    const dispute = disputes.first();
    const text = await dispute.innerText();
    expect(text).to.include("Dispute No. 1 · Contribution · Open").and.include("ipfs://demo/disputes/1/invoices.json");
    expect(text).to.match(/Bond\s+100\.00 LTY/).and.match(/Bond after the ruling\s+held by the court until the ruling/);
    const escrowLeaf = await api<{ amount: string }>(`/settlements/1/claims/${escrowAccount(1n)}`);
    expect(await dispute.locator(".escrow-held").innerText()).to.include(`${await money(escrowLeaf.amount)} in settlement No. 1`);
    // The ruled dispute: its bond returned to the claimant, its escrow released as the ruling said.
    const ruled = disputes.nth(1);
    const ruledText = await ruled.innerText();
    const logistics = (await api<{ holder: string }>("/assets/2")).holder;
    expect(ruledText).to.include("Dispute No. 2 · Contribution · Ruled").and.include("Adjust contribution");
    expect(ruledText).to.include(`100.00 LTY returned to the claimant ${logistics}, who withdraws it`);
    const released = await api<{ amount: string; released: { paid: string; returned: string; recipient: string } }>(`/settlements/1/claims/${escrowAccount(2n)}`);
    expect(await ruled.locator(".escrow-held li.escrow-released").innerText()).to.include(`${await money(released.amount)} in settlement No. 1, released`).and.include(
      `${await money(released.released.paid)} paid to the contributor ${released.released.recipient}; ${await money(released.released.returned)} returned to the product's unsettled revenue`,
    );
    await shot("arbitrator-en");

    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: "争议仲裁视图" }).waitFor();
    await page.locator("#timeline").waitFor();
    expect(await entries.first().innerText()).to.include("提交首次登记申请");
    expect(await page.locator("#replay-verdict").innerText()).to.include("核验通过");
    await shot("arbitrator-zh");
  });
});
