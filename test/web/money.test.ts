
import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { getAddress } from "viem";
import { build } from "vite";

import { escrowAccount } from "../../ledger/split/escrow.js";
import { proposeSettlement } from "../../ledger/state/index.js";
import { Remedy } from "../../ledger/types.js";
import { ledgerStateFromNode } from "../../scripts/lib/ledgerState.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { startStack, type Stack } from "../e2e/stack.js";
import { launchChromium } from "../helpers/chromium.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const ARTIFACTS = join(ROOT, "test-artifacts/web");

/** The demo's accounts (README): 0 admin and settler, 4 arbitrator, 5 the operator, 6 the logistics enterprise. */
const ADMIN = 0;
const ARBITRATOR = 4;

/**
 * Money after a ruling, on the pages, against the real `npm start` stack: what each account received from
 * every path (claims, escrow releases, bonds) as the token's own Transfer logs count it, escrow shown held
 * until the court releases it and then paid (to whom, which transaction), in every settlement, and the
 * ruling's details. The second test moves the stack's chain on (a second settlement, a ruling, a release).
 */
describe("money after a ruling on the pages, against the npm start stack", function () {
  this.timeout(420_000);
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let connection: NetworkConnection<"generic">;
  let pageErrors: string[];
  let addresses: Record<string, `0x${string}`>;

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(stack.apiUrl + path);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as T;
  };
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  /** An amount as the pages show it, worked out here: smallest units over 10^decimals, grouped, then the symbol. */
  async function money(amount: bigint | string): Promise<string> {
    const { settlementToken } = await api<{ settlementToken: { symbol: string; decimals: number } }>("/ledger");
    const scale = 10n ** BigInt(settlementToken.decimals);
    const units = BigInt(amount);
    const fraction = (units % scale).toString().padStart(settlementToken.decimals, "0");
    return `${(units / scale).toLocaleString("en-US")}${settlementToken.decimals > 0 ? `.${fraction}` : ""} ${settlementToken.symbol}`;
  }

  const vaultContract = () => connection.ethers.getContractAt("RevenueVault", addresses.RevenueVault!);
  const courtContract = () => connection.ethers.getContractAt("DisputeCourt", addresses.DisputeCourt!);
  const tokenContract = () => connection.ethers.getContractAt("TestToken", addresses.TestToken!);

  /**
   * The oracle: the settlement token's Transfer logs out of the vault and the court, by recipient (amount
   * and transactions), read from the chain, not from the API.
   */
  async function transfersOut(): Promise<Map<string, { amount: bigint; txs: Set<string> }>> {
    const token = await tokenContract();
    const payers = new Set([addresses.RevenueVault!.toLowerCase(), addresses.DisputeCourt!.toLowerCase()]);
    const out = new Map<string, { amount: bigint; txs: Set<string> }>();
    for (const log of await token.queryFilter(token.filters.Transfer())) {
      const [from, to, value] = log.args;
      if (!payers.has(from.toLowerCase())) continue;
      const entry = out.get(getAddress(to)) ?? { amount: 0n, txs: new Set<string>() };
      entry.amount += value;
      entry.txs.add(log.transactionHash);
      out.set(getAddress(to), entry);
    }
    return out;
  }

  /** Waits until the stack's indexer has reached the chain's head (the API answers from it). */
  async function indexed(): Promise<void> {
    const head = await connection.ethers.provider.getBlockNumber();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { indexedBlock } = await api<{ indexedBlock: number }>("/ready").catch(() => ({ indexedBlock: -1 }));
      if (indexedBlock >= head) return;
      if (Date.now() > deadline) throw new Error(`the stack's indexer did not reach block ${head}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  before(async () => {
    await build({ root: join(ROOT, "web"), logLevel: "warn" });
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
    await mkdir(ARTIFACTS, { recursive: true });
    connection = await network.create({ network: "localhost", override: { url: stack.rpcUrl } });
    const deployment = await readIgnitionDeployment(stack.deploymentDir);
    addresses = Object.fromEntries(deployment.contracts.map((c) => [c.name, c.address]));
  });

  after(async () => {
    await browser?.close();
    await connection?.close();
    await stack?.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: "en-US", timezoneId: "Asia/Shanghai", viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterEach(async () => {
    await context.close();
    expect(pageErrors, "errors thrown in the page").to.deep.equal([]);
  });

  it("shows the ruling's details and the escrow it released, and a contributor everything it received with its source", async () => {
    await indexed();
    const operator = (await api<{ holder: string }>("/assets/3")).holder;
    const arbitrator = (await connection.ethers.getSigners())[ARBITRATOR]!.address;
    const vault = await vaultContract();
    const [release] = await vault.queryFilter(vault.filters.EscrowReleased(1n, undefined, 2n));

    await page.goto(`${stack.apiUrl}/#/arbitrator?asset=3`);
    const ruled = page.locator("article.dispute").nth(1);
    await ruled.waitFor();
    const ruledText = await ruled.innerText();
    // The demo's ruling: the sensor feed's measure adjusted to 40,000, by the arbitrator, with its document.
    expect(ruledText).to.include("Dispute No. 2 · Contribution · Ruled").and.include("Adjust contribution");
    expect(ruledText).to.match(/Adjusted measure\s+40,000/).and.include("ipfs://demo/disputes/2/ruling.json");
    const dispute = await api<{ ruling: { rulingHash: string; at: { tx: string } } }>("/disputes/2");
    expect(await ruled.locator(`.ruling-document code[title="${dispute.ruling.rulingHash}"]`).count()).to.equal(1);
    expect(await ruled.locator(`a[href="#/contributor?address=${arbitrator}"]`).count(), "ruled by").to.equal(1);
    expect(await ruled.locator(`code[title="${dispute.ruling.at.tx}"]`).count(), "the ruling's transaction").to.equal(1);
    // Its escrow: released, paid to the operator, in the release's transaction; nothing of it shown held.
    const releasedLine = ruled.locator(".escrow-held li.escrow-released");
    expect(await releasedLine.count()).to.equal(1);
    expect(await releasedLine.innerText()).to.include(`${await money(release!.args.paid)} paid to the contributor ${operator}`);
    expect(await releasedLine.locator(`code[title="${release!.transactionHash}"]`).count()).to.equal(1);
    expect(await ruled.locator("li.escrow-still-held").count()).to.equal(0);
    expect(await ruled.locator(".escrow-held").innerText()).to.include(`${await money(0n)} held`);
    // The open dispute's escrow is held.
    const open = page.locator("article.dispute").first();
    expect(await open.locator("li.escrow-still-held").innerText()).to.include("held until the court releases it");
    await shot("money-arbitrator-en");

    // The operator: its claim and the escrow released to it, each a row with its transaction; the total is
    // what its token balance gained from the vault and the court.
    const received = (await transfersOut()).get(operator)!;
    await page.goto(`${stack.apiUrl}/#/contributor?address=${operator}`);
    await page.locator("#received-total").waitFor();
    expect(await page.locator("#received-total").innerText()).to.equal(await money(received.amount));
    const receipts = page.locator("#receipts table tbody tr");
    expect(await receipts.count()).to.equal(2);
    expect((await receipts.allInnerTexts()).map((row) => row.split(/\s+/)[0])).to.deep.equal(["Claim", "Escrow"]);
    const shownTxs = await page.locator("#receipts table tbody code.hex").evaluateAll((codes) => codes.map((c) => c.getAttribute("title")));
    expect(new Set(shownTxs)).to.deep.equal(received.txs);
    expect(await page.locator("#contributor-result").innerText()).to.match(/Escrow released to this account\s+/);
    // The settlement's window ended: it is final.
    const settlements = page.locator("table", { has: page.locator("caption", { hasText: "Settlements" }) });
    expect(await settlements.locator("tbody tr").first().innerText()).to.include("Final");
    await shot("money-contributor-en");
  });

  it("keeps a dispute's escrow held in a later settlement after the court released it in an earlier one, on both pages", async () => {
    const signers = await connection.ethers.getSigners();
    const vault = (await vaultContract()).connect(signers[ADMIN]!);
    const court = (await courtContract()).connect(signers[ARBITRATOR]!);
    const logistics = (await api<{ holder: string }>("/assets/2")).holder;
    // A second settlement of the product while dispute 1 is open: its record's share goes to escrow again.
    const { state, lastBlock } = await ledgerStateFromNode(connection.ethers.provider, {
      LedgerAccessManager: addresses.LedgerAccessManager!,
      AssetRegistry: addresses.AssetRegistry!,
      GrantRegistry: addresses.GrantRegistry!,
      ContributionLedger: addresses.ContributionLedger!,
      RevenueVault: addresses.RevenueVault!,
      DisputeCourt: addresses.DisputeCourt!,
    });
    const proposal = proposeSettlement(state, 3n, 1, lastBlock)!;
    await (await vault.settle(3n, 1, proposal.amount, proposal.merkleRoot, proposal.stateBlock, proposal.inputsHash)).wait();
    const second = await vault.epochCount();
    // Past its window; then dispute 1 is dismissed and its escrow released in settlement 1 only.
    await connection.ethers.provider.send("evm_increaseTime", [Number(await vault.challengeWindow())]);
    await connection.ethers.provider.send("evm_mine", []);
    await (
      await court.rule(1n, {
        remedy: Remedy.DISMISS,
        adjustedMeasure: 0n,
        transferTo: connection.ethers.ZeroAddress,
        forfeitBond: false,
        rulingHash: connection.ethers.id("ruling:dismissed"),
        rulingURI: "ipfs://test/disputes/1/ruling.json",
      })
    ).wait();
    const leaf = await api<{ index: string; amount: string; proof: string[] }>(`/settlements/1/claims/${escrowAccount(1n)}`);
    const release = await (await court.releaseEscrow(1n, 1n, BigInt(leaf.index), BigInt(leaf.amount), leaf.proof, BigInt(leaf.amount))).wait();
    await indexed();
    // The ruling cleared the record's dispute: the page must find the dispute by its subject.
    const contributions = await api<{ items: { contributionId: string; disputeId: string | null }[] }>(`/contributions?party=${logistics}`);
    expect(contributions.items.map((c) => c.disputeId)).to.deep.equal([null]);
    const held = proposal.tree.claim(escrowAccount(1n))!;

    await page.goto(`${stack.apiUrl}/#/contributor?address=${logistics}`);
    await page.locator("#escrow li").first().waitFor();
    const escrow = await page.locator("#escrow").innerText();
    const record = contributions.items[0]!.contributionId;
    expect(escrow).to.include(`Dispute No. 1 (Ruled) held ${await money(leaf.amount)} of settlement No. 1 for contribution No. ${record}; released`);
    expect(escrow).to.include(`${await money(leaf.amount)} paid to the contributor ${logistics}`);
    expect(escrow).to.include(`Dispute No. 1 (Ruled) holds ${await money(held.amount)} of settlement No. ${second} for contribution No. ${record}.`);
    expect(await page.locator(`#escrow code[title="${release!.hash}"]`).count(), "the release's transaction").to.equal(1);
    expect(await page.locator("#received-total").innerText()).to.equal(await money((await transfersOut()).get(logistics)!.amount));
    const rows = await page.locator("table", { has: page.locator("caption", { hasText: "Settlements" }) }).locator("tbody tr").allInnerTexts();
    expect(rows.map((row) => (row.includes("Final") ? "Final" : row.includes("In challenge window") ? "In challenge window" : row))).to.deep.equal(["Final", "Final"]);
    await shot("money-contributor-escrow-en");

    await page.getByLabel("Language").selectOption("zh-CN");
    await page.locator("#receipts", { hasText: "收款记录" }).waitFor();
    expect(await page.locator("#receipts").innerText()).to.include("解除托管");
    expect(await page.locator("#escrow").innerText()).to.include(`结算第 ${second} 号`);
    await shot("money-contributor-escrow-zh");

    await page.goto(`${stack.apiUrl}/#/arbitrator?asset=3`);
    const first = page.locator("article.dispute").first();
    await first.waitFor();
    expect(await first.locator("li.escrow-released").innerText()).to.include("结算第 1 号");
    expect(await first.locator("li.escrow-still-held").innerText()).to.include(`结算第 ${second} 号`);
    expect(await first.innerText()).to.include("ipfs://test/disputes/1/ruling.json");
    await shot("money-arbitrator-zh");
  });
});
