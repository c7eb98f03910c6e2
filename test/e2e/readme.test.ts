import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { build } from "vite";

import { startStack, type Stack } from "./stack.js";
import { launchChromium } from "../helpers/chromium.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const ARTIFACTS = join(ROOT, "test-artifacts/web");

/** One command of a role's day as the README prints it, and what the README says it prints. */
interface ReadmeStep {
  readonly role: string;
  /** The shell command, continuation lines joined, its trailing comment removed. */
  readonly command: string;
  /** Each `` `fragment` `` after "prints" in the trailing comment: the command's output must contain it. */
  readonly prints: readonly string[];
  /** The comment starts with "refused": the command must be refused (exit 1). */
  readonly refused: boolean;
}

/**
 * The README's role days: every fenced block whose info string is `sh role=<name>`, in the README's order.
 * A line ending in `\` continues on the next; a line starting with `#` is prose; `  # …` ends a command's
 * line with a comment, whose `prints \`…\`` fragments are the output the reader is promised.
 */
function readmeSteps(markdown: string): ReadmeStep[] {
  const steps: ReadmeStep[] = [];
  const fence = /^```sh role=([a-z-]+)\n([\s\S]*?)^```$/gm;
  for (const [, role, body] of markdown.matchAll(fence)) {
    const lines = body!.replace(/\\\n\s*/g, "").split("\n");
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("#")) continue;
      const comment = /\s+#\s(.*)$/.exec(trimmed);
      const command = comment === null ? trimmed : trimmed.slice(0, comment.index);
      const prints = comment === null ? [] : [...(comment[1]!.split(/\bprints?\b/)[1] ?? "").matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
      steps.push({ role: role!, command, prints, refused: comment !== null && /^refused\b/i.test(comment[1]!) });
    }
  }
  return steps;
}

/**
 * A day in each role, exactly as the README prints it, on a fresh `npm start`: the registrar's, the
 * contributor's and the arbitrator's blocks run in order through a shell, `npx provenance` being the
 * launcher of this checkout and the default URLs the stack's; every command must succeed and print what
 * its comment promises. Last, the arbitrator's page shows what the day did.
 */
describe("the README's day in each role, on a fresh npm start", function () {
  this.timeout(900_000);
  let stack: Stack;
  let dir: string;
  let steps: ReadmeStep[];

  before(async () => {
    steps = readmeSteps(await readFile(join(ROOT, "README.md"), "utf8"));
    // `npm start` builds the pages before it starts; the stack here runs start.ts alone, so build them as it would.
    await build({ root: join(ROOT, "web"), logLevel: "warn" });
    stack = await startStack();
    dir = await mkdtemp(join(tmpdir(), "readme-"));
  });

  after(async () => {
    if (stack !== undefined) expect(await stack.stop(), stack.output()).to.equal(0);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** The command a reader types, pointed at this run's stack instead of the defaults. */
  function localise(command: string): string {
    const launcher = `${process.execPath} ${join(ROOT, "cli/bin/provenance.js")} --deployment ${stack.deploymentDir}`;
    return command
      .replaceAll("npx provenance", launcher)
      .replaceAll("http://127.0.0.1:8080", stack.apiUrl)
      .replaceAll("http://127.0.0.1:8545", stack.rpcUrl)
      // The README's sample files are read from the clone's root, where a reader types the commands.
      .replaceAll(" docs/samples/", ` ${join(ROOT, "docs/samples")}/`);
  }

  /** Waits until the API has indexed the chain's latest block. */
  async function indexedToHead(): Promise<void> {
    const response = await fetch(stack.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    });
    const head = Number(((await response.json()) as { result: string }).result);
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const ready = (await (await fetch(`${stack.apiUrl}/ready`)).json()) as { indexedBlock: number };
      if (ready.indexedBlock >= head) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the API did not index block ${head} within a minute`);
  }

  function shell(command: string): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "PROVENANCE_PRIVATE_KEY"));
      const child = spawn("bash", ["-o", "pipefail", "-c", command], {
        cwd: dir,
        env: { ...env, PROVENANCE_RPC_URL: stack.rpcUrl, PROVENANCE_API_URL: stack.apiUrl, NO_COLOR: "1" },
        stdio: "pipe",
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("error", reject);
      child.once("exit", (code) => resolve({ code, output }));
    });
  }

  it("the README has a day for the registrar, the contributor, the arbitrator, a bank, the data authority and an accountant, and the holder's commands", () => {
    expect(new Set(steps.map((step) => step.role))).to.deep.equal(
      new Set(["registrar", "contributor", "arbitrator", "bank", "authority", "accountant", "holder"]),
    );
  });

  // One test per block, in the README's order: a later block may depend on an earlier one (the
  // contributor sees what the arbitrator released).
  it("every command of every day runs as printed, in order, and prints what the README says", async () => {
    for (const step of steps) {
      // A reader looks at the API a moment after a transaction; the test waits for the indexer explicitly.
      if (step.command.includes("http://127.0.0.1:8080")) await indexedToHead();
      const { code, output } = await shell(localise(step.command));
      const context = `[${step.role}] ${step.command}\n${output}`;
      // A step the README marks "refused" shows a refusal: exit 1 and the rule named, nothing sent.
      expect(code, context).to.equal(step.refused ? 1 : 0);
      for (const fragment of step.prints) expect(output, context).to.contain(fragment);
    }
  });

  it("arbitrator: the page shows the ruling and the escrow paid out", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      page.setDefaultTimeout(60_000);
      await page.goto(`${stack.apiUrl}/#/arbitrator?asset=3`);
      const dispute = page.locator("article.dispute", { has: page.locator("#dispute-1") });
      await dispute.waitFor();
      const text = (await dispute.textContent()) ?? "";
      // Dispute No. 1 as the arbitrator's block left it: dismissed, both escrow leaves paid to the contributor.
      expect(text).to.match(/Dismiss/i);
      expect(text.match(/paid to the contributor 0x976EA74026E726554dB657fA54763abd0C3a0aa9/g), text).to.have.length(2);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "readme-arbitrator-day.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
