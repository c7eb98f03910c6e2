import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";

import type { Account } from "viem";

import { accountOf, connect, signerFor, type Connection, type GlobalOptions, type Signer } from "./connection.js";
import { InputError, toJson, type CliIO } from "./io.js";
import { sendTx, type TxCall, type TxResult } from "./tx.js";

/** The ledger's HTTP API: what `npm start` serves. */
export const DEFAULT_API_URL = "http://127.0.0.1:8080";

/**
 * What a command works with: the IO, the global options, and the connection, opened lazily so that a
 * command validates all of its input before it touches the network.
 */
export class CliContext {
  readonly io: CliIO;
  readonly #globals: () => GlobalOptions;
  #connection: Promise<Connection> | undefined;

  constructor(io: CliIO, globals: () => GlobalOptions) {
    this.io = io;
    this.#globals = globals;
  }

  get options(): GlobalOptions {
    return this.#globals();
  }

  get json(): boolean {
    return this.options.json === true;
  }

  connection(): Promise<Connection> {
    this.#connection ??= connect(this.options, this.io);
    return this.#connection;
  }

  /**
   * The chain's clock (the latest block's timestamp): defaults such as a signature's deadline follow it,
   * not the local clock, which a test chain or a lagging node may be far from.
   */
  async chainTime(): Promise<bigint> {
    const { client } = await this.connection();
    return (await client.getBlock({ blockTag: "latest" })).timestamp;
  }

  /**
   * The API's base URL: `given` (a command's `--api-url`), else `PROVENANCE_API_URL`, else what `npm start`
   * serves; checked without touching the network, a bad URL is bad input.
   */
  apiUrl(given: string | undefined): string {
    const url = given ?? this.io.env.PROVENANCE_API_URL ?? DEFAULT_API_URL;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(`--api-url: ${JSON.stringify(url)} is not a URL`, { argument: "--api-url" });
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new InputError(`--api-url: only http(s) URLs are supported (got ${parsed.protocol})`, { argument: "--api-url" });
    }
    return url;
  }

  /** The signing account, checked (key present and well-formed) without connecting. */
  account(): { account: Account; dev: boolean } {
    return accountOf(this.options, this.io);
  }

  async signer(): Promise<Signer> {
    const chosen = this.account();
    return signerFor(await this.connection(), chosen);
  }

  /** Validates the key, connects, sends, and prints the outcome. */
  async send(call: TxCall, options: { print?: boolean; before?: TxResult | undefined } = {}): Promise<TxResult> {
    const chosen = this.account();
    const connection = await this.connection();
    const result = await sendTx(connection, signerFor(connection, chosen), call);
    if (options.print !== false) this.printTx(result, options.before);
    return result;
  }

  /**
   * Prints a transaction's outcome; `before` is a preparatory one (an approval), kept in the same JSON document.
   * `extra` adds what the command knows beyond the events: lines for people, fields for `--json`.
   */
  printTx(result: TxResult, before?: TxResult, extra: { lines?: readonly string[]; fields?: Record<string, unknown> } = {}): void {
    if (this.json) {
      this.out({ ok: true, ...result, ...(before === undefined ? {} : { approval: before }), ...extra.fields });
      return;
    }
    if (before !== undefined) this.line(`${before.action}: transaction ${before.transactionHash} in block ${before.blockNumber}`);
    const lines = [`${result.action}: transaction ${result.transactionHash} in block ${result.blockNumber} (from ${result.from})`];
    for (const [name, values] of Object.entries(result.ids)) lines.push(`  ${name}: ${values.join(", ")}`);
    const names = result.events.map((e) => e.eventName).filter((n) => n !== "EvidenceAppended");
    if (names.length > 0) lines.push(`  events: ${names.join(", ")}`);
    const evidence = result.events.filter((e) => e.eventName === "EvidenceAppended");
    for (const e of evidence) lines.push(`  evidence: asset ${String(e.args.assetId)} entry #${String(e.args.seq)}, head ${String(e.args.head)}`);
    for (const line of extra.lines ?? []) lines.push(`  ${line}`);
    this.line(lines.join("\n"));
  }

  line(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Machine-readable output: one JSON document, bigints as decimal strings. */
  out(value: unknown): void {
    this.io.stdout.write(`${toJson(value)}\n`);
  }

  /** `--json` prints `value`, otherwise the human text. */
  result(value: unknown, human: string): void {
    if (this.json) this.out({ ok: true, ...(value as object) });
    else this.line(human);
  }

  path(file: string): string {
    return resolve(this.io.cwd, file);
  }

  async readJsonFile(file: string, what: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.path(file), "utf8");
    } catch (error) {
      throw new InputError(`${what}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file });
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new InputError(`${what}: ${file} is not JSON: ${(error as Error).message}`, { file });
    }
  }

  async writeJsonFile(file: string, value: unknown): Promise<void> {
    await writeFile(this.path(file), `${toJson(value)}\n`);
  }
}
