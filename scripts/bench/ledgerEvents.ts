import { spawn, type ChildProcess } from "node:child_process";
import { rename } from "node:fs/promises";
import { createInterface } from "node:readline";
import { join } from "node:path";

import type { ContractTransactionResponse } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { AssetKind, Classification, ContributionRole, DataCategory, Rights, Stage } from "../../ledger/types.js";
import { deployLedger, grantTerms, h, issueAsset, type Ledger } from "../../test/helpers/ledger.js";

/**
 * What the benchmarks run against: a Hardhat node in its own process (as a node and its indexer run in
 * production: the node's work does not share the measured thread), and a ledger of 100,000+ real events.
 */

/** Starts `scripts/bench/serve.ts` in a child process and resolves with its JSON-RPC URL (the benchmark's own `hardhat run` compiled already). */
export async function spawnNode(): Promise<{ url: string; node: ChildProcess }> {
  const node = spawn(process.execPath, [...process.execArgv, "node_modules/.bin/hardhat", "run", "--no-compile", "scripts/bench/serve.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    node.once("exit", (code) => reject(new Error(`the node exited with ${code}`)));
    createInterface({ input: node.stdout! }).on("line", (line) => {
      const match = /^listening (http:\/\/\S+)$/.exec(line);
      if (match !== null) resolve(match[1]!);
    });
  });
  return { url, node };
}

export interface LedgerEvents {
  ledger: Ledger;
  /** The product every contribution is recorded on (its evidence chain has 50,000+ entries at the default size). */
  product: bigint;
  /** The Ignition deployment record, moved to `recordDir`. */
  deploymentDir: string;
  head: number;
  seconds: number;
}

/**
 * Deploys the ledger with its Ignition module and makes its events by real contract calls: `sideActions`
 * registrations, grants and deposits, then `recordBatches` batches of 50 contribution records on one product
 * (about 100 events a batch: the record and its evidence entry). 1,000 batches make 100,000+ events.
 */
export async function makeLedgerEvents(
  connection: NetworkConnection<"generic">,
  recordDir: string,
  options: { recordBatches: number; sideActions?: number; batch?: number },
): Promise<LedgerEvents> {
  const batch = options.batch ?? 50;
  const sideActions = options.sideActions ?? 100;
  const deploymentId = `bench-ledger-${process.pid}-${Date.now()}`;
  const ledger = await deployLedger(connection, { deploymentId });
  const deploymentDir = join(recordDir, "deployment");
  await rename(join("ignition", "deployments", deploymentId), deploymentDir);
  const { registry, grants, contributions, vault, token, alice, bob, carol } = ledger;
  const product = await issueAsset(connection, ledger, bob, { kind: AssetKind.PRODUCT });
  const started = performance.now();
  await (await token.mint(carol.address, 10n ** 12n)).wait();
  await (await token.connect(carol).approve(await vault.getAddress(), 10n ** 12n)).wait();
  const now = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
  for (let i = 0; i < sideActions; i += 1) {
    await registry.connect(alice).fileApplication({
      kind: AssetKind.RESOURCE,
      category: DataCategory.ENTERPRISE,
      classification: Classification.GENERAL,
      fingerprint: h(`bench-${i}`),
      cardHash: h(`card-${i}`),
      cardURI: `ipfs://card/${i}`,
      parents: [],
    });
    await grants.connect(bob).grant(grantTerms(alice.address, product, Rights.USE, now, { purposeHash: h(`purpose-${i}`) }));
    await vault.connect(carol).deposit(product, 1_000n + BigInt(i), h(`order-${i}`));
  }
  const records = Array.from({ length: batch }, (_, n) => ({
    productId: product,
    stage: Stage.APPLICATION,
    role: ContributionRole.HOLDER,
    measure: BigInt(n + 1),
    authorization: 0n,
    evidenceHash: h(`invoice-${n}`),
    evidenceURI: `ipfs://invoice/${n}`,
  }));
  let last: ContractTransactionResponse | undefined;
  for (let i = 0; i < options.recordBatches; i += 1) last = await contributions.connect(bob).record(records);
  await last?.wait();
  const head = await connection.ethers.provider.getBlockNumber();
  return { ledger, product, deploymentDir, head, seconds: (performance.now() - started) / 1000 };
}
