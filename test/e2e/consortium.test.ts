import { expect } from "chai";
import type { Hex } from "viem";

import { HARDHAT_DEV_KEYS } from "../../cli/devKeys.js";
import { startAnvil, type Anvil } from "../helpers/anvil.js";
import { runProvenance, startExpectingExit, startStack, type Stack } from "./stack.js";

/** A consortium chain's own id: not the dev chain's 31337, so the CLI's public dev keys (`--account`) are refused there. */
const CHAIN_ID = 7777;
/** The demo's registrar (scripts/demo/seed.ts): a registration office's key, from the environment as on a real chain. */
const REGISTRAR = 1;

/** The real `provenance` executable against `stack`, with `key` (if any) as PROVENANCE_PRIVATE_KEY. */
const provenance = (stack: Stack, args: readonly string[], key?: Hex) => runProvenance(stack, args, key === undefined ? {} : { key });

async function api<T>(stack: Stack, path: string): Promise<T> {
  const response = await fetch(`${stack.apiUrl}${path}`);
  const body = (await response.json()) as T;
  expect(response.status, `${path}: ${JSON.stringify(body)}`).to.equal(200);
  return body;
}

async function indexed(stack: Stack, block: bigint): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const ready = await api<{ indexedBlock: number }>(stack, "/ready").catch(() => ({ indexedBlock: -1 }));
    if (BigInt(ready.indexedBlock) >= block) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the API did not index block ${block}`);
}

/**
 * What a consortium chain (Besu with QBFT, for example) changes, played on anvil: its own chain id, a gas
 * price of zero, instant finality, and either an EIP-1559 fee market with a zero base fee or none at all on an
 * older EVM (berlin: no EIP-1559, no PUSH0, MCOPY or transient storage). The whole product runs unchanged:
 * deployment, demo, indexer, API, and the CLI signing with a key from the environment.
 */
describe("end to end on a consortium chain's settings (anvil, chain id 7777, zero gas price)", function () {
  this.timeout(1_500_000);
  let anvil: Anvil | undefined;
  afterEach(async () => {
    await anvil?.close();
    anvil = undefined;
  });

  /** Account 0's balance and nonce and the chain's block number: what any transaction would change. */
  async function chainMarks(node: Anvil): Promise<{ block: string; nonce: string; balance: string }> {
    const deployer = (await node.rpc<string[]>("eth_accounts"))[0]!;
    return {
      block: await node.rpc<string>("eth_blockNumber"),
      nonce: await node.rpc<string>("eth_getTransactionCount", [deployer, "latest"]),
      balance: await node.rpc<string>("eth_getBalance", [deployer, "latest"]),
    };
  }

  /**
   * The demo came up; a registrar whose account holds no ether at all (as on a free-gas chain) sends a
   * transaction from the CLI, which is indexed; the evidence replay and the split check verify.
   */
  async function expectWorkingLedger(node: Anvil, stack: Stack): Promise<void> {
    const accounts = await node.rpc<string[]>("eth_accounts");
    expect((await api<{ chainId: number }>(stack, "/ledger")).chainId).to.equal(CHAIN_ID);
    expect((await api<{ status: string }>(stack, "/assets/3/certificate")).status).to.equal("ISSUED");

    // The dev keys by index are for a dev chain (31337) only: refused here, nothing sent.
    const refused = await provenance(stack, ["--account", String(REGISTRAR), "party", "register", accounts[12]!, "enterprise", "text:profile:x"]);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.match(/--account/);

    await node.rpc("anvil_setBalance", [accounts[REGISTRAR], "0x0"]);
    const registered = await provenance(stack, ["--json", "party", "register", accounts[12]!, "enterprise", "text:profile:Changsha data office"], HARDHAT_DEV_KEYS[REGISTRAR]);
    expect(registered.code, registered.stderr).to.equal(0);
    expect(await node.rpc<string>("eth_getBalance", [accounts[REGISTRAR], "latest"])).to.equal("0x0");
    await indexed(stack, BigInt((JSON.parse(registered.stdout) as { blockNumber: string }).blockNumber));
    expect(await api<{ kind: string }>(stack, `/parties/${accounts[12]}`)).to.include({ kind: "ENTERPRISE" });

    const replay = await provenance(stack, ["evidence", "replay", "3"]);
    expect(replay.code, replay.stderr).to.equal(0);
    expect(replay.stdout).to.contain("verdict: VALID");
    const split = await provenance(stack, ["--json", "verify", "split", "3", "1"]);
    expect(split.code, split.stderr).to.equal(0);
    expect(JSON.parse(split.stdout)).to.include({ ok: true });
  }

  it("an older EVM (berlin): the Cancun build is refused before any transaction, in one line naming LEDGER_EVM_VERSION; the older-EVM build runs everything with instant finality", async () => {
    anvil = await startAnvil({ chainId: CHAIN_ID, hardfork: "berlin", gasPrice: 0n });
    const untouched = await chainMarks(anvil);
    const refused = await startExpectingExit({ LEDGER_RPC_URL: anvil.url, LEDGER_DEMO: "1", LEDGER_DEPLOYMENT_ID: `e2e-berlin-refused-${process.pid}` }, 240_000);
    expect(refused.code, refused.output).to.equal(1);
    const line = refused.output.split("\n").find((text) => text.startsWith("npm start: "));
    expect(line, refused.output).to.match(/Cancun/).and.match(/LEDGER_EVM_VERSION/);
    expect(refused.output).to.not.match(/at .*\.js:\d+/); // no stack trace
    expect(await chainMarks(anvil)).to.deep.equal(untouched);

    const stack = await startStack({ LEDGER_RPC_URL: anvil.url, LEDGER_DEMO: "1", LEDGER_EVM_VERSION: "berlin", LEDGER_FINALITY_DEPTH: "0" }, 1_200_000);
    try {
      // No fee market: every transaction of the deployment and the demo was sent at the node's gas price, zero.
      const balances = await Promise.all((await anvil.rpc<string[]>("eth_accounts")).slice(0, 10).map((account) => anvil!.rpc<string>("eth_getBalance", [account, "latest"])));
      expect(new Set(balances)).to.deep.equal(new Set(["0x21e19e0c9bab2400000"])); // 10,000 ETH each, anvil's grant, untouched
      await expectWorkingLedger(anvil, stack);
    } finally {
      expect(await stack.stop(), stack.output()).to.equal(0);
    }
  });

  it("EIP-1559 with a zero base fee (London and later): the Cancun build deploys, and the CLI sends from an account without ether", async () => {
    anvil = await startAnvil({ chainId: CHAIN_ID, gasPrice: 0n, baseFee: 0n });
    const stack = await startStack({ LEDGER_RPC_URL: anvil.url, LEDGER_DEMO: "1", LEDGER_FINALITY_DEPTH: "0" });
    try {
      await expectWorkingLedger(anvil, stack);
    } finally {
      expect(await stack.stop(), stack.output()).to.equal(0);
    }
  });
});
