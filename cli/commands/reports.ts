import { writeFile } from "node:fs/promises";

import type { Command } from "commander";

import { CATALOG_ENUMS, PeriodError, reportPeriod, yearEndingOn, type CatalogRow } from "../../ledger/reports/index.js";
import type { CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { askApi, problemDetail } from "../ledgerApi.js";
import { parseAddress, parseEnum, parseUint } from "../validate.js";

/**
 * The asset catalog (目录) and a holder's ledger (台账), read from the ledger's HTTP API: the API computes
 * both from its index; these commands check their input, ask, and write what it answers.
 */

const API_URL_HELP = "the ledger's HTTP API (env PROVENANCE_API_URL, default http://127.0.0.1:8080)";
/** A year's ledger of a busy holder takes a while: more than a JSON page. */
const API_TIMEOUT_MS = 120_000;
const FORMATS = ["csv", "xlsx", "json"] as const;
type Format = (typeof FORMATS)[number];

/** A non-200 answer: the API found the request malformed (exit 2), or could not answer it (exit 1). */
async function refused(url: string, response: Response): Promise<never> {
  const detail = await problemDetail(response);
  if (response.status === 400) throw new InputError(`the API refused the request: ${detail}`, { url, status: 400 });
  throw new FailureError(`${url} answered ${response.status}: ${detail}`, { url, status: response.status, detail });
}

async function writeOut(cli: CliContext, file: string, content: string | Uint8Array): Promise<void> {
  try {
    await writeFile(cli.path(file), content);
  } catch (error) {
    throw new InputError(`--out: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { argument: "--out", file });
  }
}

const apiBase = (url: string) => url.replace(/\/+$/, "");

interface CatalogOptions {
  holder?: string;
  category?: string;
  classification?: string;
  kind?: string;
  status?: string;
  csv?: boolean;
  out?: string;
  apiUrl?: string;
}

/** The catalog's filters as query parameters, each checked before any request. */
function catalogQuery(opts: CatalogOptions): URLSearchParams {
  const params = new URLSearchParams();
  if (opts.holder !== undefined) params.set("holder", parseAddress("--holder", opts.holder));
  for (const field of ["category", "classification", "kind", "status"] as const) {
    const raw = opts[field];
    if (raw === undefined) continue;
    const values: Readonly<Record<string, number>> = CATALOG_ENUMS[field];
    const value = parseEnum(`--${field}`, values, raw);
    params.set(field, Object.keys(values).find((name) => values[name] === value)!);
  }
  return params;
}

/**
 * Checks `--from`/`--to` as the API would: calendar dates, in order, at most a year apart. A missing end is
 * the API's to fill in (it knows the ledger's time): a lone `--from` is checked as a date only.
 */
function checkPeriod(from: string | undefined, to: string | undefined): void {
  try {
    if (to !== undefined) reportPeriod(from ?? yearEndingOn(to), to);
    else if (from !== undefined) reportPeriod(from, from);
  } catch (error) {
    if (!(error instanceof PeriodError)) throw error;
    const argument = error.field === "period" ? "--from/--to" : `--${error.field}`;
    throw new InputError(`${argument}: ${error.message}`, { argument });
  }
}

/** The period and block a report document's file name carries: `ledger-<holder>-<from>-<to>-block-<n>.<ext>`. */
function fileNameFacts(disposition: string): { atBlock: string; period: { from: string; to: string } } | undefined {
  const match = /ledger-0x[0-9a-fA-F]{40}-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})-block-(\d+)\./.exec(disposition);
  return match === null ? undefined : { atBlock: match[3]!, period: { from: match[1]!, to: match[2]! } };
}

function parseFormat(raw: string): Format {
  const format = FORMATS.find((known) => known === raw.toLowerCase());
  if (format === undefined) throw new InputError(`--format: ${JSON.stringify(raw)} is not one of ${FORMATS.join(", ")}`, { argument: "--format" });
  return format;
}

const catalogLine = (row: CatalogRow) =>
  `${row.registrationNumber.padStart(4)}  ${row.status.padEnd(10)} ${row.kind.padEnd(8)} ${row.category.padEnd(10)} ${row.classification.padEnd(9)} ${row.holder}  ${row.name ?? "(card not held)"}`;

/** `provenance catalog` and `provenance ledger-report`: the asset catalog and a holder's ledger (台账). */
export function registerReports(program: Command, cli: CliContext): void {
  program
    .command("catalog")
    .description("the asset catalog (数据资产目录): every registered asset, filtered; as a list, JSON (--json) or CSV (--csv), from the API")
    .option("--holder <address>", "only the assets this account holds")
    .option("--category <category>", `PUBLIC, ENTERPRISE or PERSONAL`)
    .option("--classification <level>", "GENERAL, IMPORTANT or CORE")
    .option("--kind <kind>", "RESOURCE or PRODUCT")
    .option("--status <status>", "APPLIED, IN_NOTICE, ISSUED, REFUSED, CANCELLED or DESTROYED")
    .option("--csv", "the catalog as CSV (UTF-8 with a BOM, bilingual header): to --out, else to standard output")
    .option("--out <file>", "write to this file instead of printing")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (opts: CatalogOptions) => {
      const params = catalogQuery(opts);
      const base = apiBase(cli.apiUrl(opts.apiUrl));
      if (opts.csv === true) {
        const url = `${base}/catalog.csv?${params}`;
        const response = await askApi(url, { timeoutMs: API_TIMEOUT_MS });
        if (response.status !== 200) await refused(url, response);
        const bytes = new Uint8Array(await response.arrayBuffer());
        if (opts.out === undefined) {
          cli.io.stdout.write(new TextDecoder().decode(bytes));
          return;
        }
        await writeOut(cli, opts.out, bytes);
        cli.result({ file: cli.path(opts.out), bytes: bytes.length }, `catalog written to ${opts.out} (${bytes.length.toLocaleString("en-US")} bytes)`);
        return;
      }
      const rows: CatalogRow[] = [];
      for (let cursor: string | null = null; ; ) {
        const page = new URLSearchParams(params);
        page.set("limit", "500");
        if (cursor !== null) page.set("cursor", cursor);
        const url = `${base}/catalog?${page}`;
        const response = await askApi(url, { timeoutMs: API_TIMEOUT_MS });
        if (response.status !== 200) await refused(url, response);
        const body = (await response.json()) as { items: CatalogRow[]; next: string | null };
        rows.push(...body.items);
        cursor = body.next;
        if (cursor === null) break;
      }
      if (opts.out !== undefined) {
        await writeOut(cli, opts.out, `${JSON.stringify(rows, null, 2)}\n`);
        cli.result({ file: cli.path(opts.out), assets: rows.length }, `catalog of ${rows.length} assets written to ${opts.out}`);
        return;
      }
      cli.result({ assets: rows }, rows.length === 0 ? "no asset matches" : ["  No.  status     kind     category   class     holder                                      name", ...rows.map(catalogLine)].join("\n"));
    });

  program
    .command("ledger-report")
    .description("a holder's ledger (台账) for an accounting period, as of a block: CSV, an .xlsx workbook or JSON, from the API")
    .requiredOption("--holder <address>", "the holder")
    .option("--from <YYYY-MM-DD>", "first day of the period (Asia/Shanghai); default: a year before --to, plus a day")
    .option("--to <YYYY-MM-DD>", "last day of the period, inclusive (at most 366 days); default: the day of the ledger's last event at the report's block")
    .option("--at-block <n>", "compute the report as of this block (default: the API's indexed block); the same block gives the same file")
    .option("--format <format>", FORMATS.join(", "), "csv")
    .requiredOption("--out <file>", "where to write the report")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (opts: { holder: string; from?: string; to?: string; atBlock?: string; format: string; out: string; apiUrl?: string }) => {
      const holder = parseAddress("--holder", opts.holder);
      checkPeriod(opts.from, opts.to);
      const atBlock = opts.atBlock === undefined ? undefined : parseUint("--at-block", opts.atBlock, 64);
      const format = parseFormat(opts.format);
      const params = new URLSearchParams();
      if (opts.from !== undefined) params.set("from", opts.from);
      if (opts.to !== undefined) params.set("to", opts.to);
      if (atBlock !== undefined) params.set("atBlock", atBlock.toString());
      const suffix = format === "json" ? "" : `.${format}`;
      const url = `${apiBase(cli.apiUrl(opts.apiUrl))}/holders/${holder}/ledger${suffix}${params.size === 0 ? "" : `?${params}`}`;
      const response = await askApi(url, { timeoutMs: API_TIMEOUT_MS });
      if (response.status !== 200) await refused(url, response);
      const bytes = new Uint8Array(await response.arrayBuffer());
      await writeOut(cli, opts.out, bytes);
      // The period and block the API computed for: the JSON says them, a document's file name carries them.
      const answered: { atBlock?: unknown; period?: { from?: string; to?: string } } | undefined =
        format === "json" ? JSON.parse(new TextDecoder().decode(bytes)) : fileNameFacts(response.headers.get("content-disposition") ?? "");
      const block = answered?.atBlock?.toString() ?? atBlock?.toString() ?? "the indexed block";
      const from = answered?.period?.from ?? opts.from ?? "the API's default";
      const to = answered?.period?.to ?? opts.to ?? "the API's default";
      cli.result(
        { file: cli.path(opts.out), format, holder, from, to, atBlock: block, bytes: bytes.length },
        `ledger of ${holder} for ${from} – ${to} at block ${block} written to ${opts.out} (${format}, ${bytes.length.toLocaleString("en-US")} bytes)`,
      );
    });
}
