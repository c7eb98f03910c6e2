import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { runCliInProcess } from "./harness.js";

/**
 * `provenance catalog` and `provenance ledger-report` against a stand-in API that records what it was asked
 * and answers canned bytes: input checked before any request (exit 2), the API's refusals (exit 2 for a 400,
 * 1 otherwise), files written as received. The real API's answers are tested in test/api/reports.test.ts.
 */
describe("provenance catalog and ledger-report", () => {
  const HOLDER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
  const CSV = Buffer.from("\uFEFF栏目 Section\r\n报告 report\r\n", "utf8");
  let server: Server;
  let url: string;
  let dir: string;
  let requests: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "reports-cli-"));
    server = createServer((req, res) => {
      requests.push(req.url ?? "");
      const path = req.url ?? "";
      if (path.startsWith("/holders/0x00000000000000000000000000000000000000f6/")) {
        res.writeHead(404, { "content-type": "application/problem+json" }).end(JSON.stringify({ status: 404, detail: "0x…f6 is not a party of this ledger" }));
      } else if (path.includes("atBlock=999")) {
        res.writeHead(409, { "content-type": "application/problem+json" }).end(JSON.stringify({ status: 409, detail: "block 999 is not indexed yet" }));
      } else if (path.startsWith(`/holders/${HOLDER}/ledger.csv`)) {
        res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="ledger-${HOLDER}-2026-01-01-2026-12-31-block-42.csv"` }).end(CSV);
      } else if (path.startsWith(`/holders/${HOLDER}/ledger?`) || path === `/holders/${HOLDER}/ledger`) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ holder: HOLDER, atBlock: "42" }));
      } else if (path.startsWith("/catalog.csv")) {
        res.writeHead(200, { "content-type": "text/csv; charset=utf-8" }).end(CSV);
      } else if (path.startsWith("/catalog?")) {
        const second = path.includes("cursor=");
        const item = (id: string) => ({ registrationNumber: id, assetId: id, status: "ISSUED", kind: "PRODUCT", category: "ENTERPRISE", classification: "GENERAL", holder: HOLDER, name: `asset ${id}` });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: [item(second ? "2" : "1")], next: second ? null : "abc" }));
      } else {
        res.writeHead(500).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (args: readonly string[]) => runCliInProcess(args, { PROVENANCE_API_URL: url }, dir);
  const report = (extra: readonly string[]) => cli(["ledger-report", "--holder", HOLDER, "--from", "2026-01-01", "--to", "2026-12-31", "--out", "ledger.csv", ...extra]);

  it("writes the API's CSV as received and says at which block", async () => {
    const run = await report([]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("at block 42 written to ledger.csv (csv,");
    expect(Buffer.compare(await readFile(join(dir, "ledger.csv")), CSV)).to.equal(0);
    expect(requests).to.deep.equal([`/holders/${HOLDER}/ledger.csv?from=2026-01-01&to=2026-12-31`]);
  });

  it("asks for the block given, and for JSON with --format json", async () => {
    expect((await report(["--at-block", "42", "--format", "json", "--out", "ledger.json"])).code).to.equal(0);
    expect(requests).to.deep.equal([`/holders/${HOLDER}/ledger?from=2026-01-01&to=2026-12-31&atBlock=42`]);
    expect(JSON.parse(await readFile(join(dir, "ledger.json"), "utf8"))).to.deep.equal({ holder: HOLDER, atBlock: "42" });
  });

  it("leaves the period to the API when --from and --to are not given, and says which it reported", async () => {
    const run = await cli(["ledger-report", "--holder", HOLDER, "--format", "json", "--out", "default.json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(requests).to.deep.equal([`/holders/${HOLDER}/ledger`]);
    expect(run.stdout).to.contain("at block 42");
  });

  for (const [what, args, message] of [
    ["a date not on the calendar", ["--from", "2026-02-30"], "--from: from: 2026-02-30 is not a calendar date"],
    ["an inverted period", ["--from", "2026-12-31", "--to", "2026-01-01"], "--from/--to: the period is inverted"],
    ["a period over a year", ["--to", "2027-01-02"], "split the report"],
    ["a malformed address", ["--holder", "0x1234"], "--holder: not an address"],
    ["an unknown format", ["--format", "pdf"], '--format: "pdf" is not one of csv, xlsx, json'],
    ["a bad block", ["--at-block", "-1"], "--at-block"],
  ] as const) {
    it(`refuses ${what} with exit 2, before any request`, async () => {
      const run = await report(args);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain(message);
      expect(requests).to.deep.equal([]);
    });
  }

  it("exits 1 with the API's reason for an unknown holder (404) or a block not indexed (409), writing nothing", async () => {
    const unknown = await cli(["ledger-report", "--holder", "0x00000000000000000000000000000000000000f6", "--from", "2026-01-01", "--to", "2026-01-31", "--out", "none.csv"]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain("is not a party of this ledger");
    const ahead = await report(["--at-block", "999", "--out", "ahead.csv"]);
    expect(ahead.code).to.equal(1);
    expect(ahead.stderr).to.contain("not indexed yet");
    await Promise.all(["none.csv", "ahead.csv"].map(async (name) => expect(await readFile(join(dir, name)).catch(() => "absent")).to.equal("absent")));
  });

  it("exits 1 when the API cannot be reached", async () => {
    const run = await runCliInProcess(["ledger-report", "--holder", HOLDER, "--from", "2026-01-01", "--to", "2026-01-31", "--out", "x.csv"], { PROVENANCE_API_URL: "http://127.0.0.1:9" }, dir);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain("cannot reach the API");
  });

  it("lists the catalog page by page, filters checked and sent by name", async () => {
    const run = await cli(["catalog", "--status", "issued", "--kind", "product", "--holder", HOLDER]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("asset 1").and.contain("asset 2");
    expect(requests).to.deep.equal([
      `/catalog?holder=${HOLDER}&kind=PRODUCT&status=ISSUED&limit=500`,
      `/catalog?holder=${HOLDER}&kind=PRODUCT&status=ISSUED&limit=500&cursor=abc`,
    ]);
  });

  it("writes the catalog's CSV with --csv --out", async () => {
    const run = await cli(["catalog", "--csv", "--category", "PUBLIC", "--out", "catalog.csv"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(Buffer.compare(await readFile(join(dir, "catalog.csv")), CSV)).to.equal(0);
    expect(requests).to.deep.equal(["/catalog.csv?category=PUBLIC"]);
  });

  it("refuses an unknown catalog filter value with exit 2, naming the allowed ones", async () => {
    const run = await cli(["catalog", "--classification", "SECRET"]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("--classification").and.contain("GENERAL, IMPORTANT, CORE");
    expect(requests).to.deep.equal([]);
  });
});
