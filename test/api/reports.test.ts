import { join } from "node:path";

import { expect } from "chai";
import ExcelJS from "exceljs";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { formatUnits } from "viem";

import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import type { DemoContracts, DemoResult } from "../../scripts/demo/seed.js";
import { deployDemo } from "../helpers/demo.js";
import { startChain, type TestChain } from "../indexer/helpers/chain.js";

/** A chain timestamp's calendar day in UTC+8, as YYYY-MM-DD. */
const shanghaiDay = (timestamp: number) => new Date((timestamp + 8 * 3600) * 1000).toISOString().slice(0, 10);

describe("the catalog and the holder's ledger over the API, checked against the chain", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let connection: NetworkConnection<"generic">;
  let node: LedgerNode;
  let contracts: DemoContracts;
  let demo: DemoResult;
  let url: string;
  let atBlock: number;
  let from: string;
  let to: string;

  const get = (path: string) => fetch(url + path);
  const json = async <T>(path: string): Promise<T> => (await (await get(path)).json()) as T;
  const bytesOf = async (path: string) => {
    const response = await get(path);
    expect(response.status, `${path}: ${response.status}`).to.equal(200);
    return Buffer.from(await response.arrayBuffer());
  };

  before(async () => {
    chain = await startChain();
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    const recordDir = join(chain.dir, "demo-deployment");
    ({ contracts, demo } = await deployDemo(connection, recordDir));
    node = await startLedgerNode({
      rpcUrl: chain.url,
      dbPath: join(chain.dir, "reports-db"),
      deployment: await readIgnitionDeployment(recordDir),
      api: { port: 0, partyBook: demo.partyBook },
      documents: { preload: demo.documents },
      indexer: { finalityDepth: 5 },
    });
    url = node.api!.url;
    await node.syncOnce();
    await node.syncOnce();
    const provider = connection.ethers.provider;
    atBlock = await provider.getBlockNumber();
    // The period: from the day of the first block to the day of the head (UTC+8): the whole demo.
    from = shanghaiDay((await provider.getBlock(1))!.timestamp);
    to = shanghaiDay((await provider.getBlock(atBlock))!.timestamp);
  });

  after(async () => {
    await node?.close();
    await connection?.close();
    await chain?.close();
  });

  /** Every log of a contract's event up to `atBlock`, parsed. */
  async function eventsOf(contract: { getAddress(): Promise<string>; interface: { getEvent(name: string): { topicHash: string } | null; parseLog(log: { topics: string[]; data: string }): { args: Record<string, unknown> } | null } }, name: string) {
    const logs = await connection.ethers.provider.getLogs({ address: await contract.getAddress(), topics: [contract.interface.getEvent(name)!.topicHash], fromBlock: 0, toBlock: atBlock });
    return logs.map((log) => ({ tx: log.transactionHash, block: log.blockNumber, args: contract.interface.parseLog({ topics: [...log.topics], data: log.data })!.args }));
  }

  /** The assets the chain says the operator holds at the report's block. */
  async function heldByOperator(): Promise<string[]> {
    const held: string[] = [];
    for (const id of new Set(Object.values(demo.assets))) {
      const holder = (await contracts.registry.holderOf(id, { blockTag: atBlock })) as string;
      if (holder.toLowerCase() === demo.parties.operator!.toLowerCase()) held.push(id.toString());
    }
    return held.sort((a, b) => Number(a) - Number(b));
  }

  it("gives the operator's ledger as a workbook whose every figure is the chain's", async () => {
    const holder = demo.parties.operator!;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await bytesOf(`/holders/${holder}/ledger.xlsx?from=${from}&to=${to}&atBlock=${atBlock}`)).buffer as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).to.deep.equal(["说明 About", "资产登记 Assets", "估值 Valuations", "权利负担 Encumbrances", "授权 Grants", "收益 Revenue"]);
    for (const sheet of workbook.worksheets) {
      expect(sheet.views[0]).to.include({ state: "frozen", ySplit: 2 });
      expect(sheet.getColumn(1).width).to.be.greaterThan(0);
    }
    const rowsOf = (name: string) => {
      const sheet = workbook.getWorksheet(name)!;
      const header = (sheet.getRow(2).values as unknown[]).slice(1) as string[];
      const rows: Record<string, ExcelJS.Cell>[] = [];
      sheet.eachRow((row, number) => {
        if (number > 2) rows.push(Object.fromEntries(header.map((title, index) => [title, row.getCell(index + 1)])));
      });
      return { rows, chinese: (sheet.getRow(1).values as unknown[]).slice(1) };
    };
    const about = rowsOf("说明 About").rows;
    expect(about.find((row) => row.Item!.value === "报告区块")!.Value!.value).to.equal(atBlock);
    expect(about.find((row) => row.Item!.value === "链")!.Value!.value).to.equal(31337);

    // Assets: exactly those the registry says the operator holds at the block.
    const assets = rowsOf("资产登记 Assets").rows;
    const positions = assets.filter((row) => row["Event (chain)"]!.value === "POSITION" && row.Relation!.value === "HOLDER");
    expect(positions.map((row) => row["Registration No."]!.value)).to.deep.equal(await heldByOperator());

    // Valuations: the chain's VALUATION reviews of those assets, the figure the demo's report document states.
    const reviews = (await eventsOf(contracts.registry, "ReviewAttached")).filter((event) => Number(event.args.kind) === 3);
    const valuations = rowsOf("估值 Valuations").rows;
    const report = demo.documents.find((document) => (document.json as { schema?: string }).schema === "provenance-ledger/valuation-report@1")!.json as { figure: string; currency: string };
    expect(valuations.map((row) => row.Transaction!.value)).to.deep.equal(
      reviews.filter((event) => positions.some((row) => row["Registration No."]!.value === String(event.args.assetId))).map((event) => event.tx),
    );
    const valuation = valuations.find((row) => row.Review!.value === String(demo.valuationReviewId))!;
    expect(valuation.Figure!.value).to.equal(Number(report.figure));
    expect(valuation.Figure!.numFmt).to.match(/^#,##0\.0{2,6}$/);
    expect(valuation.Currency!.value).to.equal(report.currency);
    expect(String(valuation["Figure (exact, text: a spreadsheet number cannot hold every uint256)"]!.value)).to.equal(report.figure);

    // Revenue: each deposit is a RevenueDeposited of a held product; each receipt a token transfer from the vault or the court to the operator.
    const decimals = Number(await contracts.token.decimals());
    const symbol = (await contracts.token.symbol()) as string;
    const revenue = rowsOf("收益 Revenue").rows;
    const exact = (row: Record<string, ExcelJS.Cell>) => String(Object.entries(row).find(([title]) => title.startsWith(`Amount (${symbol}/10^`))![1].value);
    for (const row of revenue) {
      const amount = row[`Amount (${symbol})`]!;
      expect(amount.value).to.equal(Number(formatUnits(BigInt(exact(row)), decimals)));
      expect(amount.numFmt).to.equal(`#,##0.${"0".repeat(decimals)}`);
    }
    const products = new Set(await heldByOperator());
    const deposits = (await eventsOf(contracts.vault, "RevenueDeposited")).filter((event) => products.has(String(event.args.productId)));
    expect(deposits.length).to.be.greaterThan(0);
    expect(revenue.filter((row) => String(row.Kind!.value).endsWith("DEPOSIT")).map((row) => [row.Transaction!.value, exact(row)])).to.deep.equal(
      deposits.map((event) => [event.tx, String(event.args.amount)]),
    );
    const payers = new Set([(await contracts.vault.getAddress()).toLowerCase(), (await contracts.court.getAddress()).toLowerCase()]);
    const transfers = (await eventsOf(contracts.token, "Transfer")).filter(
      (event) => String(event.args.to).toLowerCase() === holder.toLowerCase() && payers.has(String(event.args.from).toLowerCase()),
    );
    const byTx = (pairs: [string, bigint][]) => {
      const sums = new Map<string, bigint>();
      for (const [tx, amount] of pairs) sums.set(tx, (sums.get(tx) ?? 0n) + amount);
      return [...sums.entries()];
    };
    const received = revenue.filter((row) => !String(row.Kind!.value).endsWith("DEPOSIT"));
    expect(received.length).to.be.greaterThan(0);
    expect(byTx(received.map((row) => [String(row.Transaction!.value), BigInt(exact(row))]))).to.deep.equal(
      byTx(transfers.map((event) => [event.tx, BigInt(event.args.value as bigint)])),
    );

    // Grants: every Granted to or by the operator (all in force during the demo's days).
    const granted = (await eventsOf(contracts.grants, "Granted")).filter(
      (event) => [event.args.grantor, event.args.grantee].some((account) => String(account).toLowerCase() === holder.toLowerCase()),
    );
    expect(granted.length).to.be.greaterThan(0);
    expect(rowsOf("授权 Grants").rows.map((row) => [row.Grant!.value, row.Transaction!.value])).to.deep.equal(granted.map((event) => [String(event.args.grantId), event.tx]));

    // Encumbrances: a pledge line for each held asset the registry says is pledged.
    const pledged: string[] = [];
    for (const id of products) {
      const record = (await contracts.registry.asset(BigInt(id), { blockTag: atBlock })) as { pledgee: string };
      if (BigInt(record.pledgee) !== 0n) pledged.push(id);
    }
    expect(rowsOf("权利负担 Encumbrances").rows.filter((row) => row.Type!.value === "PLEDGE").map((row) => row["Registration No."]!.value)).to.deep.equal(pledged);
  });

  it("without from and to, reports the year up to the day of the ledger's last event (the demo's last block has one)", async () => {
    const report = await json<{ atBlock: string; period: { from: string; to: string } }>(`/holders/${demo.parties.operator!}/ledger?atBlock=${atBlock}`);
    expect(report.atBlock).to.equal(String(atBlock));
    expect(report.period.to).to.equal(to);
    // A year back from `to`, plus a day (no 29 February involved unless `to` is one: then 1 March).
    const [year, month, day] = to.split("-").map(Number) as [number, number, number];
    const expectedFrom = month === 2 && day === 29 ? `${year - 1}-03-01` : new Date(Date.UTC(year - 1, month - 1, day + 1)).toISOString().slice(0, 10);
    expect(report.period.from).to.equal(expectedFrom);
    const onlyTo = await json<{ period: { from: string; to: string } }>(`/holders/${demo.parties.operator!}/ledger?to=${to}&atBlock=${atBlock}`);
    expect(onlyTo.period).to.deep.include({ from: expectedFrom, to });
  });

  it("gives byte-identical CSV for the same block: the live state, and the state folded from logs after the chain moved on", async () => {
    const holder = demo.parties.operator!;
    const path = `/holders/${holder}/ledger.csv?from=${from}&to=${to}&atBlock=${atBlock}`;
    const live = await bytesOf(path);
    expect((await bytesOf(`/holders/${holder}/ledger.csv?from=${from}&to=${to}`)).equals(live)).to.equal(true);
    expect([...live.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);

    // A new deposit into the operator's product: a later block's ledger has it, this block's does not.
    const [, , , , , , , customer] = await connection.ethers.getSigners();
    await (await contracts.token.mint(customer!.address, 777n)).wait();
    await (await contracts.token.connect(customer!).approve(await contracts.vault.getAddress(), 777n)).wait();
    await (await contracts.vault.connect(customer!).deposit(demo.assets.product!, 777n, `0x${"ab".repeat(32)}`)).wait();
    await node.syncOnce();
    expect((await bytesOf(path)).equals(live)).to.equal(true);
    const later = await json<{ atBlock: string; sections: { revenue: { amount: string }[] } }>(`/holders/${holder}/ledger?from=${from}&to=${shanghaiDay(Math.floor(Date.now() / 1000) + 86_400 * 60)}`);
    expect(Number(later.atBlock)).to.be.greaterThan(atBlock);
    expect(later.sections.revenue.some((line) => line.amount === "777")).to.equal(true);
  });

  it("lists the catalog with filters in any case, names from the held cards, and as CSV", async () => {
    const page = await json<{ items: { assetId: string; status: string; name: string | null }[] }>("/catalog?status=issued&limit=500");
    const issued: string[] = [];
    for (const id of new Set(Object.values(demo.assets))) {
      const record = (await contracts.registry.asset(id)) as { status: bigint };
      if (Number(record.status) === 3) issued.push(id.toString());
    }
    expect(page.items.map((item) => item.assetId)).to.deep.equal(issued.sort((a, b) => Number(a) - Number(b)));
    const product = page.items.find((item) => item.assetId === String(demo.assets.product))!;
    expect(product.name).to.be.a("string").and.not.equal("");
    const csv = (await bytesOf("/catalog.csv?kind=PRODUCT")).toString("utf8");
    expect(csv.startsWith("\uFEFF登记编号 Registration No.,")).to.equal(true);
    expect(csv).to.contain(`\r\n${demo.assets.product},${product.name},PRODUCT,`);
  });

  describe("bad input", () => {
    const problem = async (path: string) => {
      const response = await get(path);
      return { status: response.status, body: (await response.json()) as { detail: string; errors?: { field: string }[] } };
    };
    const ledger = (query: string, holder = demo.parties.operator!) => problem(`/holders/${holder}/ledger?${query}`);

    it("refuses an unknown enum value, naming the allowed ones", async () => {
      const answer = await problem("/catalog?status=LOST");
      expect(answer.status).to.equal(400);
      expect(answer.body.detail).to.contain("status must be one of APPLIED, IN_NOTICE, ISSUED, REFUSED, CANCELLED, DESTROYED");
    });
    it("refuses an inverted period, one over a year and a date not on the calendar (400, naming the field)", async () => {
      const inverted = await ledger("from=2026-03-02&to=2026-03-01");
      expect(inverted.status).to.equal(400);
      expect(inverted.body.detail).to.contain("inverted");
      const long = await ledger("from=2025-01-01&to=2026-01-02");
      expect(long.status).to.equal(400);
      expect(long.body.detail).to.contain("split the report");
      const february = await ledger("from=2026-02-30&to=2026-03-31");
      expect(february.status).to.equal(400);
      expect(february.body.errors![0]!.field).to.equal("from");
      // A lone bad end is still a 400 (a missing one has a default: see above).
      const lone = await ledger("to=2026-13-01");
      expect(lone.status).to.equal(400);
      expect(lone.body.errors![0]!.field).to.equal("to");
    });
    it("answers 404 for an account the ledger does not know, 409 for a block not indexed yet, 400 for a bad address", async () => {
      expect((await ledger(`from=${from}&to=${to}`, "0x00000000000000000000000000000000000000f6")).status).to.equal(404);
      const ahead = await ledger(`from=${from}&to=${to}&atBlock=999999`);
      expect(ahead.status).to.equal(409);
      expect(ahead.body.detail).to.contain("not indexed yet");
      expect((await ledger(`from=${from}&to=${to}`, "0x1234")).status).to.equal(400);
    });
  });
});
