
import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { build } from "vite";

import type { AssetCard } from "../../ledger/cards/index.js";
import { coldChainLogsCard, shipmentsCard } from "../../scripts/demo/cards.js";
import type { DemoResult } from "../../scripts/demo/seed.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { deployDemo } from "../helpers/demo.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";
import { launchChromium } from "../helpers/chromium.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const ARTIFACTS = join(ROOT, "test-artifacts/web");
const VIEWPORTS = { desktop: { width: 1200, height: 900 }, phone: { width: 375, height: 812 } } as const;
/** Generous: the machine's two cores run the chain, the node, Chromium and other work at once. */
const STEP_TIMEOUT = 60_000;
/** Hardhat's dev account 5: the demo's operator, holder of product No. 3. */
const OPERATOR_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
/** Hardhat's dev account 7: the demo's customer, no party to product No. 3's card. */
const CUSTOMER_KEY = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdf0cbabb356";

/** A date as the pages show it, worked out here on its own: the chain's time in Changsha (UTC+8), YYYY-MM-DD. */
const changshaDate = (seconds: number) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(seconds * 1000));

/**
 * The certificate page's asset card (its four parts, its versions, the diff between two), the catalog page and
 * the holder's ledger page, in headless Chromium against the demo ledger: a Hardhat node, the demo deployed and
 * seeded, one ledger node (indexer, API with the demo's party book, card store preloaded with the demo's
 * documents) serving the freshly built pages. Screenshots go to test-artifacts/web/.
 */
describe("asset cards, the catalog and the holder's ledger in headless Chromium", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let connection: NetworkConnection<"generic">;
  let demo: DemoResult;
  let node: LedgerNode;
  let apiUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  /** The product's two card documents, as the demo recorded them: version 0 (the application's) and 1. */
  let cardV0: AssetCard;
  let cardV1: AssetCard;

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(apiUrl + path);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as T;
  };
  const product = () => String(demo.assets.product);
  const pageOverflow = () => page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
  /** The captions of tables wider than their box (scrolling in it): at desktop width, every table should fit. */
  const scrollingTables = () =>
    page.evaluate<string[]>(
      `[...document.querySelectorAll(".table-wrap")].filter((wrap) => wrap.scrollWidth > wrap.clientWidth).map((wrap) => wrap.querySelector("caption").textContent)`,
    );

  async function openAs(language: "en" | "zh-CN", width: keyof typeof VIEWPORTS = "desktop", wallet?: `0x${string}`): Promise<void> {
    await context?.close();
    context = await browser.newContext({
      locale: language === "en" ? "en-US" : "zh-CN",
      timezoneId: "Asia/Shanghai",
      viewport: VIEWPORTS[width],
      acceptDownloads: true,
      ...(width === "phone" ? { isMobile: true, hasTouch: true } : {}),
    });
    context.setDefaultTimeout(STEP_TIMEOUT);
    if (wallet !== undefined) {
      // A wallet (EIP-1193) in the page: the account of `wallet`, signing with personal_sign as a browser wallet does.
      const account = privateKeyToAccount(wallet);
      await context.exposeFunction("testWalletSign", (message: string) => account.signMessage({ message }));
      await context.addInitScript(`window.ethereum = {
        async request({ method, params }) {
          if (method === "eth_requestAccounts" || method === "eth_accounts") return [${JSON.stringify(account.address)}];
          if (method === "personal_sign") return window.testWalletSign(params[0]);
          throw new Error("unsupported " + method);
        },
      };`);
    }
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  }

  /** The rows of a table (its body) as the text of each cell, the phone's data labels left out. */
  const rowsOf = (selector: string) =>
    page.locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td .cell-value")].map((cell) => (cell as unknown as { innerText: string }).innerText.trim())));

  before(async () => {
    await build({ root: join(ROOT, "web"), logLevel: "warn" });
    const launching = launchChromium();
    chain = await startChain();
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    const recordDir = join(chain.dir, "demo-deployment");
    ({ demo } = await deployDemo(connection, recordDir));
    node = await startLedgerNode({
      rpcUrl: chain.url,
      dbPath: join(chain.dir, "ledger-db"),
      deployment: await readIgnitionDeployment(recordDir),
      api: { port: 0, partyBook: demo.partyBook },
      indexer: { finalityDepth: 5, pollIntervalMs: 250 },
      documents: { preload: demo.documents },
    });
    // Synced to the head, the node stores the preloaded documents the chain records.
    await node.syncOnce();
    expect(node.pendingDocuments(), "demo documents the node did not store").to.deep.equal([]);
    apiUrl = node.api!.url;
    // The product's versions as the chain recorded them, and the demo's documents of those hashes.
    const versions = await api<{ versions: { cardHash: string }[] }>(`/assets/${product()}/cards`);
    expect(versions.versions).to.have.length(2);
    const documentOf = (hash: string) => demo.documents.find((document) => document.hash.toLowerCase() === hash.toLowerCase())!.json as AssetCard;
    [cardV0, cardV1] = [documentOf(versions.versions[0]!.cardHash), documentOf(versions.versions[1]!.cardHash)];
    browser = await launching;
    await mkdir(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await node?.close();
    await connection?.close();
    await chain?.close();
  });

  beforeEach(() => {
    pageErrors = [];
  });

  afterEach(async () => {
    await context?.close();
    expect(pageErrors, "errors thrown in the page").to.deep.equal([]);
  });

  /** The text of a card field (its <dd>) by its path, e.g. `basic.name`. */
  const fieldText = (path: string) => page.locator(`#asset-card [data-path="${path}"] > dd`).innerText();

  it("shows the product's current card in Chinese: the four parts with the schema's labels, the management part withheld", async () => {
    await openAs("zh-CN");
    await page.goto(`${apiUrl}/#/certificate?number=${product()}`);
    await page.locator("#card-basic").waitFor();
    await page.waitForFunction("document.querySelectorAll('[aria-busy]').length === 0");
    // The four parts the documents name (001 §2), in their order.
    expect(await page.locator("#asset-card .card-section h3").allInnerTexts()).to.deep.equal(["基本信息", "权利信息", "使用信息", "管理信息"]);
    // Labels from the schema, values from the demo's version 1 document; enumerations by their labels.
    expect(await page.locator('#asset-card [data-path="basic.name"] > dt').innerText()).to.equal("资产名称");
    expect(await fieldText("basic.name")).to.equal(cardV1.basic.name);
    expect(await fieldText("basic.volume")).to.equal(cardV1.basic.volume);
    expect(cardV1.basic.dataType).to.equal("structured");
    expect(await fieldText("basic.dataType")).to.equal("结构化数据");
    expect(cardV1.basic.updateFrequency).to.equal("daily");
    expect(await fieldText("basic.updateFrequency")).to.equal("每日");
    expect(await page.locator('#asset-card [data-path="basic.timeSpan.from"] > dt').innerText()).to.equal("起始日期");
    expect(await fieldText("basic.timeSpan.from")).to.equal(cardV1.basic.timeSpan.from);
    expect(await fieldText("rights.holder.name")).to.equal("湘江数据运营有限公司");
    expect(getAddress(await fieldText("rights.holder.account"))).to.equal(getAddress(demo.parties.operator!));
    expect(await fieldText("rights.operators")).to.include(cardV1.rights.operators[0]!.name);
    // usable-not-visible and api (scripts/demo/cards.ts), by their labels.
    expect(cardV1.usage.modes).to.deep.equal(["usable-not-visible", "api"]);
    expect((await fieldText("usage.modes")).split("\n")).to.deep.equal(["数据可用不可见", "接口调用"]);
    expect((await fieldText("usage.scenarios")).split("\n")).to.deep.equal(cardV1.usage.scenarios);
    expect(await fieldText("usage.pricing.model")).to.equal("订阅");
    // The management part: named, not shown; none of its content on the page.
    expect(await page.locator("#card-management .restricted").innerText()).to.equal("受限：持有权人、登记机构和审查机构登录后可见。");
    const text = await page.locator("#asset-card").innerText();
    expect(text).to.not.include(cardV1.management.contact.name).and.not.include(cardV1.management.department);
    // No wallet in this browser: no sign-in button.
    expect(await page.locator("#asset-card button.sign-in").count()).to.equal(0);

    // Both versions, each held by this node.
    const versions = await rowsOf("#card-versions");
    expect(versions.map((row) => [row[0], row.at(-1)])).to.deep.equal([
      ["0", "已保存"],
      ["1（当前）", "已保存"],
    ]);

    // The diff, version 0 → 1 at first. By hand from scripts/demo/cards.ts productCardV2: the volume changed, an
    // operator added (the first item of an empty list), a scenario added to the list; the security measure added is
    // in the management part, withheld.
    expect(await page.locator("#diff-from").inputValue()).to.equal("0");
    expect(await page.locator("#diff-to").inputValue()).to.equal("1");
    await page.locator("#card-diff table").waitFor();
    expect(await rowsOf("#card-diff")).to.deep.equal([
      ["基本信息 › 数据规模", "修改", cardV0.basic.volume, cardV1.basic.volume],
      ["权利信息 › 数据产品经营者 › 第1项 › 名称", "新增", "—", cardV1.rights.operators[0]!.name],
      ["使用信息 › 允许的应用场景", "修改", cardV0.usage.scenarios.join("、"), cardV1.usage.scenarios.join("、")],
    ]);
    expect(await page.locator("#diff-withheld").innerText()).to.include("管理信息");
    await page.screenshot({ path: join(ARTIFACTS, "cards-zh-desktop.png"), fullPage: true });
    expect(await scrollingTables(), "tables wider than the page").to.deep.equal([]);
    await page.locator("#card-diff").screenshot({ path: join(ARTIFACTS, "cards-diff-zh-desktop.png") });

    // Backwards, 1 → 0: the operator removed.
    await page.locator("#diff-from").selectOption("1");
    await page.locator("#diff-to").selectOption("0");
    await page.locator("#card-diff td").filter({ hasText: "删除" }).waitFor();
    expect((await rowsOf("#card-diff")).map((row) => row[1])).to.deep.equal(["修改", "删除", "修改"]);
    // One version against itself: nothing to compare.
    await page.locator("#diff-to").selectOption("1");
    expect(await page.locator("#card-diff-result").innerText()).to.equal("请选择两个不同的版本进行比较。");
  });

  it("shows the card and its diff in English, and on a phone in both languages without sideways scrolling", async () => {
    await openAs("en");
    await page.goto(`${apiUrl}/#/certificate?number=${product()}`);
    await page.locator("#card-diff table").waitFor();
    expect(await page.locator("#asset-card .card-section h3").allInnerTexts()).to.deep.equal(["Basic information", "Rights information", "Usage information", "Management information"]);
    expect(await page.locator('#asset-card [data-path="basic.updateFrequency"] > dt').innerText()).to.equal("Update frequency");
    expect(await fieldText("basic.updateFrequency")).to.equal("Daily");
    expect((await fieldText("usage.modes")).split("\n")).to.deep.equal(["Usable but not visible", "API access"]);
    expect(await page.locator("#card-management .restricted").innerText()).to.equal("Restricted: visible to the holder, registrars and reviewers after signing in.");
    expect((await rowsOf("#card-diff")).map((row) => row.slice(0, 2))).to.deep.equal([
      ["Basic information › Volume", "changed"],
      ["Rights information › Operators (right to operate products) › #1 › Name", "added"],
      ["Usage information › Allowed scenarios", "changed"],
    ]);
    expect(await page.locator("#diff-withheld").innerText()).to.include("Management information");
    await page.screenshot({ path: join(ARTIFACTS, "cards-en-desktop.png"), fullPage: true });
    await page.locator("#card-diff").screenshot({ path: join(ARTIFACTS, "cards-diff-en-desktop.png") });

    for (const language of ["en", "zh-CN"] as const) {
      await openAs(language, "phone");
      await page.goto(`${apiUrl}/#/certificate?number=${product()}`);
      await page.locator("#card-diff table").waitFor();
      await page.waitForFunction("document.querySelectorAll('[aria-busy]').length === 0");
      expect(await pageOverflow(), "the page scrolls sideways by").to.equal(0);
      await page.screenshot({ path: join(ARTIFACTS, `cards-${language === "en" ? "en" : "zh"}-phone.png`), fullPage: true });
    }
  });

  it("signs the holder in with Ethereum (EIP-4361) to show the management part and its changes; refuses another account", async () => {
    await openAs("en", "desktop", OPERATOR_KEY);
    await page.goto(`${apiUrl}/#/certificate?number=${product()}`);
    const button = page.locator("#card-management button.sign-in");
    await button.waitFor();
    await button.click();
    await page.locator("#signed-in-as").waitFor();
    expect(getAddress((await page.locator("#signed-in-as").innerText()).match(/0x[0-9a-fA-F]{40}/)![0])).to.equal(getAddress(demo.parties.operator!));
    expect(await fieldText("management.contact.name")).to.equal(cardV1.management.contact.name);
    expect(await fieldText("management.department")).to.equal(cardV1.management.department);
    // The diff now has the management part's change, and withholds nothing.
    await page.locator("#card-diff table").waitFor();
    const rows = await rowsOf("#card-diff");
    expect(rows.at(-1)!.slice(0, 2)).to.deep.equal(["Management information › Security measures", "changed"]);
    expect(rows.at(-1)![3]).to.equal(cardV1.management.securityMeasures.join(", "));
    expect(await page.locator("#diff-withheld").count()).to.equal(0);

    // The customer is neither the holder, a registrar nor a reviewer: the API's 403, said where the button is.
    await openAs("en", "desktop", CUSTOMER_KEY);
    await page.goto(`${apiUrl}/#/certificate?number=${product()}`);
    await page.locator("#card-management button.sign-in").click();
    const status = page.locator("#card-management [role=status]");
    await status.filter({ hasText: "Sign-in failed" }).waitFor();
    expect(await status.innerText()).to.include("may not read the management section");
    expect(await page.locator("#asset-card").innerText()).to.not.include(cardV1.management.contact.name);
  });

  it("lists the catalog filtered by category, links each number to its certificate, and offers the same as CSV", async () => {
    await openAs("en");
    await page.goto(`${apiUrl}/#/catalog?category=ENTERPRISE`);
    await page.locator("#catalog-result table").waitFor();
    // The demo's enterprise data: the logistics enterprise's shipment records and the cold-chain logs (scripts/demo/seed.ts).
    const enterprise = [
      { id: demo.assets.shipments!, name: shipmentsCard({ name: "", account: "" }).basic.name, holder: "Furong Logistics Ltd.", status: "Issued" },
      { id: demo.assets.coldChainLogs!, name: coldChainLogsCard({ name: "", account: "" }).basic.name, holder: "Xiangjiang Cold-Chain Ltd.", status: "In public notice" },
    ].sort((a, b) => Number(a.id - b.id));
    const rows = await rowsOf("#catalog-result");
    // Each name with its classes under it: both resources of enterprise data, classified general (seed.ts files them so).
    expect(rows.map((row) => [row[0], row[1], row[2]])).to.deep.equal(enterprise.map((a) => [String(a.id), `${a.name}\nData resource · Enterprise data · General`, a.status]));
    for (const [index, asset] of enterprise.entries()) {
      expect(rows[index]![3]).to.include(asset.holder);
      // Applied on the day of the block that recorded the application, in Changsha.
      const applied = (await api<{ applied: { block: string } }>(`/assets/${asset.id}`)).applied;
      const block = await connection.ethers.provider.getBlock(Number(applied.block));
      expect(rows[index]![4]).to.equal(changshaDate(block!.timestamp));
    }
    // Not issued yet: no issue date.
    expect(rows.find((row) => row[0] === String(demo.assets.coldChainLogs))![5]).to.equal("—");
    expect(await page.locator("#catalog-category").inputValue()).to.equal("ENTERPRISE");
    const csv = page.locator("#catalog-csv");
    expect(await csv.getAttribute("href")).to.equal("/catalog.csv?category=ENTERPRISE");
    const download = await fetch(`${apiUrl}/catalog.csv?category=ENTERPRISE`);
    expect(download.status).to.equal(200);
    expect(download.headers.get("content-type")).to.match(/^text\/csv/);
    await page.screenshot({ path: join(ARTIFACTS, "catalog-en-desktop.png"), fullPage: true });
    expect(await scrollingTables(), "tables wider than the page").to.deep.equal([]);

    // The form: products only (No. 3 and No. 5, both public data).
    await page.locator("#catalog-category").selectOption("");
    await page.locator("#catalog-kind").selectOption("PRODUCT");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/#\/catalog\?kind=PRODUCT$/);
    await page.locator("#catalog-result table").waitFor();
    expect((await rowsOf("#catalog-result")).map((row) => row[0])).to.deep.equal([String(demo.assets.product), String(demo.assets.licensedProduct)]);
    // A registration number opens its certificate.
    await page.getByRole("link", { name: String(demo.assets.product), exact: true }).click();
    await page.getByRole("heading", { name: `Registration certificate No. ${demo.assets.product}` }).waitFor();

    // A link with a category the ledger does not have: said, in the page's words.
    await page.goto(`${apiUrl}/#/catalog?category=SECRET`);
    await page.reload();
    expect(await page.getByRole("alert").innerText()).to.equal("This page's link has category=SECRET, which is not valid. It is one of PUBLIC, ENTERPRISE, PERSONAL.");

    for (const language of ["zh-CN", "en"] as const) {
      await openAs(language, "phone");
      await page.goto(`${apiUrl}/#/catalog`);
      await page.locator("#catalog-result table").waitFor();
      expect(await pageOverflow(), "the page scrolls sideways by").to.equal(0);
      await page.screenshot({ path: join(ARTIFACTS, `catalog-${language === "en" ? "en" : "zh"}-phone.png`), fullPage: true });
    }
    await openAs("zh-CN");
    await page.goto(`${apiUrl}/#/catalog`);
    await page.locator("#catalog-result table").waitFor();
    expect(await page.getByRole("navigation").getByRole("link").allInnerTexts()).to.include.members(["资产目录", "资产台账"]);
    await page.screenshot({ path: join(ARTIFACTS, "catalog-zh-desktop.png"), fullPage: true });
    expect(await scrollingTables(), "tables wider than the page").to.deep.equal([]);
  });

  it("shows the operator's ledger for the demo's period with its valuation, stating the block, and downloads it at that block", async () => {
    // The demo's period: from the day of its first block to the day of the head, in Changsha.
    const first = await connection.ethers.provider.getBlock(1);
    const head = await connection.ethers.provider.getBlock("latest");
    const [from, to] = [changshaDate(first!.timestamp), changshaDate(head!.timestamp)];
    const operator = getAddress(demo.parties.operator!);
    expect(operator).to.equal("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");
    await openAs("en");
    await page.goto(`${apiUrl}/#/ledger?holder=${operator}&from=${from}&to=${to}`);
    await page.locator("#ledger-at").waitFor();
    const at = await page.locator("#ledger-at").innerText();
    const atBlock = at.match(/^block ([0-9,]+)/)![1]!.replaceAll(",", "");
    expect(Number(atBlock)).to.be.at.most(head!.number).and.at.least(1);

    // The valuation the reviewer attached to the product, with its report document's figure (scripts/demo/cards.ts
    // productValuation: 1250000.00 CNY, income approach), proved by the review's transaction.
    const valuations = await rowsOf("#ledger-valuations");
    expect(valuations).to.have.length(1);
    const review = (await api<{ items: { reviewId: string; at: { tx: string; block: string } }[] }>(`/assets/${demo.assets.product}/reviews`)).items.find(
      (item) => item.reviewId === String(demo.valuationReviewId),
    )!;
    const [number, figure, method, , valuer, , recorded] = valuations[0]!;
    expect([number, figure, method, valuer!.split("\n")[0]]).to.deep.equal([String(demo.assets.product), "1,250,000.00 CNY", "Income approach", "长沙星城资产评估事务所有限公司"]);
    // Under the time: the transaction (short) and the block.
    expect(recorded!.split("\n")[1]).to.equal(`${review.at.tx.slice(0, 8)}…${review.at.tx.slice(-6)} · ${Number(review.at.block).toLocaleString("en-US")}`);

    // The revenue deposited for the product: 1,280,000 smallest units of the settlement token, with its decimals.
    const { settlementToken } = await api<{ settlementToken: { symbol: string; decimals: number } }>("/ledger");
    const scale = 10n ** BigInt(settlementToken.decimals);
    const deposited = `${(1_280_000n / scale).toLocaleString("en-US")}.${(1_280_000n % scale).toString().padStart(settlementToken.decimals, "0")} ${settlementToken.symbol}`;
    const revenue = await rowsOf("#ledger-revenue");
    expect(revenue.find((row) => row[0] === "Revenue deposited")?.[4]).to.equal(deposited);

    // The downloads ask for the report shown: the same period at the block stated.
    const pinned = `from=${from}&to=${to}&atBlock=${atBlock}`;
    expect(await page.locator("#ledger-csv").getAttribute("href")).to.equal(`/holders/${operator}/ledger.csv?${pinned}`);
    expect(await page.locator("#ledger-xlsx").getAttribute("href")).to.equal(`/holders/${operator}/ledger.xlsx?${pinned}`);
    const workbook = await fetch(`${apiUrl}/holders/${operator}/ledger.xlsx?${pinned}`);
    expect(workbook.status).to.equal(200);
    expect(Buffer.from(await workbook.arrayBuffer()).subarray(0, 2).toString("latin1")).to.equal("PK");
    await page.screenshot({ path: join(ARTIFACTS, "ledger-en-desktop.png"), fullPage: true });
    expect(await scrollingTables(), "tables wider than the page").to.deep.equal([]);

    for (const [language, width] of [["zh-CN", "desktop"], ["zh-CN", "phone"], ["en", "phone"]] as const) {
      await openAs(language, width);
      await page.goto(`${apiUrl}/#/ledger?holder=${operator}&from=${from}&to=${to}&atBlock=${atBlock}`);
      await page.locator("#ledger-valuations table").waitFor();
      if (language === "zh-CN") expect((await rowsOf("#ledger-valuations"))[0]![2]).to.equal("收益法");
      expect(await pageOverflow(), "the page scrolls sideways by").to.equal(0);
      await page.screenshot({ path: join(ARTIFACTS, `ledger-${language === "en" ? "en" : "zh"}-${width}.png`), fullPage: true });
      expect(await scrollingTables(), "tables wider than the page").to.deep.equal([]);
    }
  });

  it("says what the API refuses on the ledger page: an inverted period, a holder the ledger does not know, a malformed date", async () => {
    await openAs("en");
    const operator = getAddress(demo.parties.operator!);
    await page.goto(`${apiUrl}/#/ledger?holder=${operator}&from=2026-03-01&to=2026-01-01`);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    // The API's problem detail, after the page's own prefix.
    const inverted = await fetch(`${apiUrl}/holders/${operator}/ledger?from=2026-03-01&to=2026-01-01`);
    expect(inverted.status).to.equal(400);
    const { detail } = (await inverted.json()) as { detail: string };
    expect(await alert.innerText()).to.equal(`Could not load: ${detail}`);

    const stranger = "0x000000000000000000000000000000000000dEaD";
    await page.goto(`${apiUrl}/#/ledger?holder=${stranger}&from=2026-01-01&to=2026-03-01`);
    await page.getByRole("alert").filter({ hasNotText: detail }).waitFor();
    const unknown = await fetch(`${apiUrl}/holders/${stranger}/ledger?from=2026-01-01&to=2026-03-01`);
    expect(unknown.status).to.equal(404);
    expect(await page.getByRole("alert").innerText()).to.equal(`Could not load: ${((await unknown.json()) as { detail: string }).detail}`);

    // Checked before asking: the field shows the value as given and what a date looks like.
    await page.goto(`${apiUrl}/#/ledger?holder=${operator}&from=2026-02-30&to=2026-03-01`);
    await page.reload();
    expect(await page.getByRole("alert").innerText()).to.equal("This page's link has from=2026-02-30, which is not valid. A date is written YYYY-MM-DD, e.g. 2026-01-31.");
    expect(await page.locator("#ledger-from").getAttribute("aria-invalid")).to.equal("true");
  });
});
