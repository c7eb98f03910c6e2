
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { keccak256 } from "viem";
import { build } from "vite";

import { escrowAccount } from "../../ledger/split/escrow.js";
import { startStack, type Stack } from "../e2e/stack.js";
import { launchChromium } from "../helpers/chromium.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const ARTIFACTS = join(ROOT, "test-artifacts/web");
const SAMPLE = join(ROOT, "web/samples/shipment-records.csv");
/** Desktop and a phone (an iPhone SE/mini's CSS width). */
const VIEWPORTS = { desktop: { width: 1200, height: 900 }, phone: { width: 375, height: 812 } } as const;
/** Generous: the machine's two cores run the stack, Chromium and other work at once. */
const STEP_TIMEOUT = 60_000;

/**
 * The layout of the page as it is shown, measured in the page (a string: the tests' TypeScript has no DOM
 * types): how far the page scrolls sideways, table cells squeezed or wrapped, lineage labels outside their
 * node, and the share legends' percentages in hundredths.
 */
const MEASURE_LAYOUT = `(() => {
  const lines = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.bottom).sort((a, b) => a - b);
    const em = parseFloat(getComputedStyle(element).fontSize);
    return tops.filter((bottom, i) => i === 0 || bottom - tops[i - 1] > em / 2).length;
  };
  const squeezed = [];
  const wrapped = [];
  for (const cell of document.querySelectorAll("main th, main td")) {
    const text = cell.textContent.trim();
    // Empty, or the header row a phone keeps for screen readers only (its cards label every value).
    if (text === "" || cell.getBoundingClientRect().width <= 2) continue;
    const style = getComputedStyle(cell);
    const em = parseFloat(style.fontSize);
    const content = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const count = lines(cell);
    // Wrapped into lines of fewer than three characters, or narrower than two: the column was squeezed (a
    // one-line cell is as wide as its text, so only a wrapped one can be too narrow).
    if (count > 1 && (text.length / count < 3 || content < 2 * em)) squeezed.push(text.slice(0, 40) + " (" + Math.round(content) + " px, " + count + " lines)");
    const inTable = style.display === "table-cell";
    if (inTable && cell.classList.contains("short") && count > 1) wrapped.push(text.slice(0, 40));
  }
  const clipped = [];
  for (const node of document.querySelectorAll("svg.lineage a.node")) {
    const box = node.querySelector("rect").getBBox();
    for (const label of node.querySelectorAll("text")) {
      const text = label.getBBox();
      if (text.x < box.x || text.x + text.width > box.x + box.width || text.y < box.y || text.y + text.height > box.y + box.height) clipped.push(label.textContent);
    }
  }
  const graph = document.querySelector("svg.lineage");
  const wrap = document.querySelector(".graph-wrap");
  const legends = [...document.querySelectorAll("ul.legend")].map((legend) =>
    [...legend.innerText.matchAll(/(\\d+)\\.(\\d\\d) %/g)].map((m) => Number(m[1]) * 100 + Number(m[2])),
  );
  return {
    pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    squeezed,
    wrapped,
    clipped,
    graph: graph === null ? null : { direction: graph.classList.contains("down") ? "down" : "across", width: graph.getBoundingClientRect().width, room: wrap.clientWidth },
    legends,
    scrollingTables: [...document.querySelectorAll(".table-wrap")].filter((wrap) => wrap.scrollWidth > wrap.clientWidth).map((wrap) => wrap.querySelector("caption").textContent),
    headers: [...document.querySelectorAll("main th")].map((th) => th.textContent.trim()),
  };
})()`;
interface Layout {
  pageOverflow: number;
  squeezed: string[];
  wrapped: string[];
  clipped: string[];
  graph: { direction: "across" | "down"; width: number; room: number } | null;
  legends: number[][];
  scrollingTables: string[];
  headers: string[];
}

/**
 * The web pages in headless Chromium against the real `npm start` stack (embedded chain, demo, indexer,
 * API serving the freshly built bundle). Screenshots go to test-artifacts/web/.
 */
describe("web pages in headless Chromium against the npm start stack", function () {
  this.timeout(600_000);
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
    // The bundle the server serves is built from the sources under test, not left over from an old build.
    await build({ root: join(ROOT, "web"), logLevel: "warn" });
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
    await mkdir(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  beforeEach(async () => {
    // A fresh profile per test: English browser, empty localStorage.
    context = await browser.newContext({ locale: "en-US", timezoneId: "Asia/Shanghai", viewport: VIEWPORTS.desktop });
    context.setDefaultTimeout(STEP_TIMEOUT);
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

    // The shares the chart shows are the exact ones of the API's split preview to 0.01 %: each the exact share
    // rounded down or one hundredth above it, the parts adding to exactly 100.00 % (largest remainder, as
    // test/web/format.test.ts works out by hand).
    const preview = await api<{ amount: string; entries: { account: string; exact: { numerator: string; denominator: string }; escrowFor: string | null }[] }>(
      `/products/${product}/split?amount=1000000&limit=500`,
    );
    const roundedDown = (entry: { exact: { numerator: string; denominator: string } } | undefined) =>
      Number((BigInt(entry!.exact.numerator) * 10_000n) / (BigInt(entry!.exact.denominator) * BigInt(preview.amount)));
    const legend = await page.locator("figure.share", { has: chart }).locator("ul.legend").innerText();
    const shown = (label: RegExp) => {
      const match = new RegExp(`${label.source}: (\\d+)\\.(\\d\\d) %`).exec(legend);
      expect(match, `${label} in ${legend}`).to.not.equal(null);
      return { text: `${match![1]}.${match![2]} %`, hundredths: Number(match![1]) * 100 + Number(match![2]) };
    };
    const mine = shown(/This account/);
    const escrowed = shown(/In escrow \(dispute No\. 1\)/);
    const others = shown(/Other parties/);
    expect(mine.hundredths - roundedDown(preview.entries.find((e) => e.account === logistics))).to.be.oneOf([0, 1]);
    expect(escrowed.hundredths - roundedDown(preview.entries.find((e) => e.escrowFor === "1"))).to.be.oneOf([0, 1]);
    expect(mine.hundredths + escrowed.hundredths + others.hundredths).to.equal(10_000);
    expect(await chart.getAttribute("role")).to.equal("img");
    expect(await chart.locator("title").textContent()).to.equal(`Share of product No. ${product}: ${mine.text} to this account`);
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
    // The disputed record's id, as the court recorded it (ids come in windows: not counted here).
    const { subjectId } = await api<{ subjectId: string }>("/disputes/1");
    expect(await page.locator("#escrow").innerText()).to.include(
      `Dispute No. 1 (Open) holds ${await money(escrowLeaf.amount)} of settlement No. 1 for contribution No. ${subjectId}.`,
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
    const { subjectId } = await api<{ subjectId: string }>("/disputes/2");
    expect(escrow).to.include(`Dispute No. 2 (Ruled) held ${await money(leaf.amount)} of settlement No. 1 for contribution No. ${subjectId}; released`);
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

  /** A fresh context in a language and at a width (the language from the browser's, as a first visit). */
  async function openAs(language: "en" | "zh-CN", width: keyof typeof VIEWPORTS): Promise<void> {
    await context.close();
    context = await browser.newContext({
      locale: language === "en" ? "en-US" : "zh-CN",
      timezoneId: "Asia/Shanghai",
      viewport: VIEWPORTS[width],
      // A phone: the viewport meta tag applies, as on a real one.
      ...(width === "phone" ? { isMobile: true, hasTouch: true } : {}),
    });
    context.setDefaultTimeout(STEP_TIMEOUT);
    page = await context.newPage();
    page.on("request", (request) => requested.push(request.url()));
    page.on("pageerror", (error) => pageErrors.push(error.message));
  }

  /** What each page's kind columns are called, by language: the review's and the dispute's, never the asset's 登记对象. */
  const KIND_HEADERS = {
    en: { review: "Review kind", dispute: "Dispute kind" },
    "zh-CN": { review: "审查类型", dispute: "争议类型" },
  } as const;

  for (const name of ["certificate", "contributor", "arbitrator"] as const) {
    for (const language of ["en", "zh-CN"] as const) {
      for (const width of ["desktop", "phone"] as const) {
        it(`lays out the ${name} page in ${language} at ${width} width: nothing squeezed, clipped or off the page`, async () => {
          await openAs(language, width);
          const logistics = (await api<{ holder: string }>("/assets/2")).holder;
          const route = { certificate: "#/certificate?number=3", contributor: `#/contributor?address=${logistics}`, arbitrator: "#/arbitrator?asset=3" }[name];
          await page.goto(`${stack.apiUrl}/${route}`);
          // Loaded: the page's own content is there and no region is still loading.
          await page.locator({ certificate: "svg.lineage", contributor: "svg.share-chart", arbitrator: "article.dispute" }[name]).first().waitFor();
          await page.waitForFunction("document.querySelectorAll('[aria-busy]').length === 0");
          expect(await page.locator("html").getAttribute("lang")).to.equal(language);
          await page.screenshot({ path: join(ARTIFACTS, `${name}-${language}-${width}.png`), fullPage: true });

          const layout = await page.evaluate<Layout>(MEASURE_LAYOUT);
          // Wide tables and graphs scroll in their own boxes: the page itself never scrolls sideways.
          expect(layout.pageOverflow, "the page scrolls sideways by").to.equal(0);
          expect(layout.squeezed, "table cells squeezed into narrow wrapped lines").to.deep.equal([]);
          expect(layout.wrapped, "short cells wrapped").to.deep.equal([]);
          // Every table fits the page as a table (desktop) or as cards (phone); none needs its scroll box.
          expect(layout.scrollingTables, "tables wider than the page").to.deep.equal([]);
          expect(layout.headers).to.not.include("登记对象");
          expect(layout.headers).to.not.include("Kind");
          if (name === "certificate") {
            expect(layout.headers).to.include(KIND_HEADERS[language].review);
            expect(layout.clipped, "lineage labels outside their node").to.deep.equal([]);
            // Asset 3 has two parents: side by side they fit a phone when the graph runs top to bottom.
            expect(layout.graph?.direction).to.equal(width === "phone" ? "down" : "across");
            expect(layout.graph!.width <= layout.graph!.room, `graph ${layout.graph!.width} px in ${layout.graph!.room} px`).to.equal(true);
            expect(await page.locator("svg.lineage a.node").count()).to.equal(3);
          }
          if (name === "contributor") {
            expect(layout.headers).to.include(KIND_HEADERS[language].dispute);
            expect(layout.legends.length).to.be.greaterThan(0);
            for (const legend of layout.legends) expect(legend.reduce((a, b) => a + b, 0), `legend ${legend.join(" + ")} hundredths`).to.equal(10_000);
          }
          // The header: the three pages and the language switch are all on screen.
          for (const link of await page.getByRole("navigation").getByRole("link").all()) expect(await link.isVisible()).to.equal(true);
          const select = await page.locator("#lang-select").boundingBox();
          expect(select!.x + select!.width <= VIEWPORTS[width].width, "language switch on screen").to.equal(true);
        });
      }
    }
  }

  it("says what is wrong with a bookmarked link's parameter, in both languages, and recovers on a good one", async () => {
    // Hand-written: the parameter as given, then the form expected.
    const cases = [
      {
        route: "#/certificate?number=abc",
        input: "#registration-number",
        en: "This page's link has number=abc, which is not valid. A registration number is a whole number, e.g. 3.",
        zh: "本页链接中的参数 number=abc 无效。登记编号应为整数，例如 3。",
      },
      {
        route: "#/contributor?address=0x123",
        input: "#contributor-address",
        en: "This page's link has address=0x123, which is not valid. An address is 0x followed by 40 hexadecimal digits.",
        zh: "本页链接中的参数 address=0x123 无效。账户地址应为 0x 加 40 位十六进制数字。",
      },
      {
        route: "#/arbitrator?asset=-1",
        input: "#arbitrator-asset",
        en: "This page's link has asset=-1, which is not valid. A registration number is a whole number, e.g. 3.",
        zh: "本页链接中的参数 asset=-1 无效。登记编号应为整数，例如 3。",
      },
      {
        route: "#/certificate?fingerprint=0xabc",
        input: null,
        en: "This page's link has fingerprint=0xabc, which is not valid. A fingerprint is 0x followed by 64 hexadecimal digits.",
        zh: "本页链接中的参数 fingerprint=0xabc 无效。数据指纹应为 0x 加 64 位十六进制数字。",
      },
    ];
    for (const language of ["en", "zh-CN"] as const) {
      await openAs(language, "phone");
      for (const { route, input, en, zh } of cases) {
        await page.goto(`${stack.apiUrl}/${route}`);
        await page.reload();
        const alert = page.getByRole("alert");
        await alert.waitFor();
        expect(await alert.innerText()).to.equal(language === "en" ? en : zh);
        if (input !== null) {
          // The value as given stays in its field, marked invalid, to correct.
          expect(await page.locator(input).getAttribute("aria-invalid")).to.equal("true");
          expect(await page.locator(input).inputValue()).to.equal(new URLSearchParams(route.split("?")[1]).values().next().value);
        }
        expect(await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth")).to.equal(0);
        const parameter = route.split("?")[1]!.split("=")[0]!;
        await page.screenshot({ path: join(ARTIFACTS, `url-error-${parameter}-${language}-phone.png`), fullPage: true });
      }
    }
    // A good link after a bad one: the message goes, the page shows.
    await page.goto(`${stack.apiUrl}/#/arbitrator?asset=-1`);
    await page.getByRole("alert").waitFor();
    await page.goto(`${stack.apiUrl}/#/arbitrator?asset=3`);
    await page.locator("#timeline").waitFor();
    expect(await page.locator("#arbitrator-asset").getAttribute("aria-invalid")).to.equal(null);
    expect(await page.getByRole("alert").count()).to.equal(0);
  });
});
