import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { encodeFunctionData, getAddress, parseAbi, type Address, type Hex } from "viem";

import { escrowAccount, verifyAllocationProof } from "../../ledger/split/index.js";
import { startAnvil } from "../helpers/anvil.js";
import { runProvenance, startStack, type Stack } from "./stack.js";

/** Hardhat's dev accounts as the demo gives them roles and parties (scripts/demo/seed.ts). */
const A = { admin: 0, registrar: 1, reviewer: 2, authority: 3, arbitrator: 4, operator: 5, logistics: 6, customer: 7, newcomer: 10 } as const;
const WEEK = 7 * 24 * 3600;

interface TxOutput {
  transactionHash: string;
  blockNumber: string;
  ids: Record<string, string[]>;
}

/**
 * The whole product as a newcomer meets it: `npm start` (embedded chain, Ignition deployment, demo,
 * indexer, API) in its own process, a lifecycle driven through the real `provenance` executable, and the
 * API's answers checked against what the CLI did and against the chain.
 */
/**
 * The two EVM clients the whole product runs on: Hardhat's EDR (the embedded chain of `npm start`) and
 * Foundry's anvil, an independent implementation reached by LEDGER_RPC_URL like any network, with the demo
 * seeded through its unlocked dev accounts (LEDGER_DEMO=1).
 */
const CLIENTS: { name: string; start(): Promise<{ stack: Stack; close(): Promise<void> }> }[] = [
  { name: "the embedded Hardhat chain", start: async () => ({ stack: await startStack(), close: async () => {} }) },
  {
    name: "anvil, reached by LEDGER_RPC_URL",
    start: async () => {
      const anvil = await startAnvil({ accounts: 20 });
      try {
        return { stack: await startStack({ LEDGER_RPC_URL: anvil.url, LEDGER_DEMO: "1" }), close: () => anvil.close() };
      } catch (error) {
        await anvil.close();
        throw error;
      }
    },
  },
];

for (const client of CLIENTS) describe(`end to end on ${client.name}: npm start, the provenance CLI, the HTTP API`, function () {
  this.timeout(600_000);
  let stack: Stack;
  let closeChain = async () => {};
  let dir: string;
  let accounts: Address[];

  before(async () => {
    ({ stack, close: closeChain } = await client.start());
    dir = await mkdtemp(join(tmpdir(), "e2e-"));
    accounts = (await rpc<Address[]>("eth_accounts")).map((account) => getAddress(account));
  });

  after(async () => {
    if (stack !== undefined) {
      // Ctrl-C shuts the API, the indexer and the chain down, and the process exits cleanly.
      expect(await stack.stop(), stack.output()).to.equal(0);
    }
    await closeChain();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const response = await fetch(stack.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const answer = (await response.json()) as { result?: T; error?: { message: string } };
    if (answer.error !== undefined) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result as T;
  }

  async function advance(seconds: number): Promise<void> {
    await rpc("evm_increaseTime", [seconds]);
    await rpc("evm_mine");
  }

  /** The real executable against the stack, in the test's scratch folder. */
  const provenance = (args: readonly string[]) => runProvenance(stack, args, { cwd: dir });

  async function ok<T = TxOutput>(who: keyof typeof A, args: readonly string[]): Promise<T> {
    const run = await provenance(["--json", "--account", String(A[who]), ...args]);
    expect(run.code, `provenance ${args.join(" ")}\n${run.stderr}`).to.equal(0);
    return JSON.parse(run.stdout) as T;
  }

  async function api<T>(path: string, status = 200): Promise<T> {
    const response = await fetch(`${stack.apiUrl}${path}`);
    const body = (await response.json()) as T;
    expect(response.status, `${path}: ${JSON.stringify(body)}`).to.equal(status);
    return body;
  }

  /** Waits until the indexer behind the API has applied `block`. */
  async function indexed(block: bigint): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const ready = await api<{ indexedBlock: number }>("/ready").catch(() => ({ indexedBlock: -1 }));
      if (BigInt(ready.indexedBlock) >= block) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the API did not index block ${block}`);
  }

  it("comes up populated: the demo's certificates, settlement and dispute are served, and /docs and /metrics answer", async () => {
    expect(stack.output()).to.match(/docs http:\/\/127\.0\.0\.1:\d+\/docs/);
    const product = await api<{ status: string; holder: string; evidenceHead: { seq: number } }>("/assets/3/certificate");
    expect(product.status).to.equal("ISSUED");
    expect(product.holder).to.equal(accounts[A.operator]);
    expect((await api<{ status: string }>("/assets/4")).status).to.equal("IN_NOTICE");
    expect((await api<{ items: unknown[] }>("/settlements")).items).to.have.length(1);
    expect((await api<{ status: string }>("/disputes/1")).status).to.equal("OPEN");
    // The demo's second dispute was ruled and its escrow released; its third is the objection, a court dispute.
    expect(await api<{ status: string; remedy: string }>("/disputes/2")).to.include({ status: "RULED", remedy: "ADJUST_CONTRIBUTION" });
    expect(await api<{ kind: string; status: string }>("/disputes/3")).to.include({ kind: "OBJECTION", status: "OPEN" });
    expect((await api<{ items: { disputeId: string }[] }>("/assets/4/objections")).items.map((o) => o.disputeId)).to.deep.equal(["3"]);
    // The sub-licensed product: derived under the operator's sub-grant, royalties stacked.
    const licensed = await api<{ status: string; parents: { royaltyBps: number; licensors: { grantor: string; royaltyBps: number }[] }[] }>("/assets/5");
    expect(licensed.status).to.equal("ISSUED");
    expect(licensed.parents[0]!.licensors).to.deep.equal([{ grantId: "3", grantor: accounts[A.operator], royaltyBps: 500 }]);
    expect((await fetch(`${stack.apiUrl}/docs/`)).status).to.equal(200);
    expect(await (await fetch(`${stack.apiUrl}/metrics`)).text()).to.match(/^indexer_indexed_block \d+$/m);
  });

  const ids: Record<string, string> = {};
  let lastBlock = 0n;

  it("registers a newcomer's data set and a product derived from it under a grant, through the CLI", async () => {
    const newcomer = accounts[A.newcomer]!;
    await ok("registrar", ["party", "register", newcomer, "enterprise", "text:profile:Hunan Weather Services"]);
    const applied = await ok("newcomer", ["asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE", "--fingerprint", "text:data:weather", "--card-hash", "text:card:weather", "--card-uri", "ipfs://e2e/weather"]);
    ids.resource = applied.ids.assetId![0]!;
    await ok("reviewer", ["asset", "review", ids.resource, "COMPLIANCE", "text:review:weather", "ipfs://e2e/review"]);
    await ok("registrar", ["asset", "accept", ids.resource]);
    await advance(WEEK);
    await ok("registrar", ["asset", "issue", ids.resource]);

    const latest = await rpc<{ timestamp: Hex }>("eth_getBlockByNumber", ["latest", false]);
    const until = String(BigInt(latest.timestamp) + 365n * 86_400n);
    const grant = await ok("newcomer", ["grant", "create", "--grantee", accounts[A.operator]!, "--asset", ids.resource, "--rights", "USE,PROCESS", "--purpose", "text:weather-aware routing", "--until", until, "--royalty", "1000"]);
    ids.grant = grant.ids.grantId![0]!;
    const product = await ok("operator", ["asset", "apply", "--kind", "PRODUCT", "--category", "ENTERPRISE", "--fingerprint", "text:data:weather-routing", "--card-hash", "text:card:weather-routing", "--card-uri", "ipfs://e2e/weather-routing", "--parent", `${ids.resource}:${ids.grant}`]);
    ids.product = product.ids.assetId![0]!;
    await ok("registrar", ["asset", "accept", ids.product]);
    await advance(WEEK);
    const issued = await ok("registrar", ["asset", "issue", ids.product]);
    lastBlock = BigInt(issued.blockNumber);

    await indexed(lastBlock);
    const certificate = await api<{ holder: string; status: string; issued: { transaction: string } | null }>(`/assets/${ids.product}/certificate`);
    expect(certificate).to.include({ holder: accounts[A.operator], status: "ISSUED" });
    expect(certificate.issued?.transaction).to.equal(issued.transactionHash);
    const lineage = await api<{ parents: { assetId: string; royaltyBps: number }[] }>(`/assets/${ids.product}/lineage`);
    expect(lineage.parents.map((parent) => [parent.assetId, parent.royaltyBps])).to.deep.equal([[ids.resource, 1000]]);
  });

  it("records and confirms contributions, sets a policy, takes revenue, settles, and pays a claim; the API agrees at every step", async () => {
    const records = await ok("newcomer", ["contribution", "record", "--product", ids.product!, "--stage", "COLLECTION", "--role", "PROVIDER", "--measure", "300", "--authorization", ids.resource!, "--evidence-hash", "text:weather feed"]);
    const mine = await ok("operator", ["contribution", "record", "--product", ids.product!, "--stage", "PROCESSING", "--role", "HOLDER", "--measure", "700", "--evidence-hash", "text:model"]);
    const contributionIds = [...records.ids.contributionId!, ...mine.ids.contributionId!];
    await ok("operator", ["contribution", "confirm", contributionIds.join(",")]);
    await ok("operator", ["policy", "set", ids.product!, "--weights", "3000,5000,1000,1000", "--empty-stage", "PRO_RATA"]);

    // Revenue from a customer, in the embedded chain's test token (anyone may mint it).
    const token = (await readDeployed())["TestToken#TestToken"]!;
    await rpc("eth_sendTransaction", [
      {
        from: accounts[A.customer],
        to: token,
        data: encodeFunctionData({ abi: parseAbi(["function mint(address to, uint256 amount)"]), functionName: "mint", args: [accounts[A.customer]!, 1_000_000n] }),
      },
    ]);
    const deposit = await ok("customer", ["deposit", ids.product!, "1000000", "--payer-ref", "text:order:e2e-1"]);
    await indexed(BigInt(deposit.blockNumber));

    // The preview the API gives sums exactly to any amount, odd ones included.
    for (const amount of [1_000_000n, 999_999n, 7n]) {
      const preview = await api<{ entries: { amount: string }[] }>(`/products/${ids.product}/split?amount=${amount}`);
      expect(preview.entries.reduce((sum, entry) => sum + BigInt(entry.amount), 0n)).to.equal(amount);
    }
    const preview = await api<{ entries: { account: string; amount: string }[] }>(`/products/${ids.product}/split?amount=1000000`);

    const file = join(dir, "settlement.json");
    await ok("admin", ["settlement", "propose", ids.product!, "--out", file]);
    const submitted = await ok("admin", ["settlement", "submit", "--from", file]);
    ids.epoch = submitted.ids.epochId![0]!;
    const settlement = JSON.parse(await readFile(file, "utf8")) as { merkleRoot: Hex; leaves: { account: string; amount: string }[] };
    // What the settler posted is what the API previewed from the same state.
    expect(settlement.leaves.map((leaf) => [leaf.account.toLowerCase(), leaf.amount]).sort()).to.deep.equal(
      preview.entries.map((entry) => [entry.account.toLowerCase(), entry.amount]).sort(),
    );

    const verify = await provenance(["--json", "verify", "split", ids.product!, ids.epoch]);
    expect(verify.code, verify.stderr).to.equal(0);
    expect(JSON.parse(verify.stdout)).to.include({ ok: true });

    await advance(3 * 24 * 3600);
    const claim = await ok("newcomer", ["claim", "--proof", file]);
    await indexed(BigInt(claim.blockNumber));

    const newcomer = accounts[A.newcomer]!;
    const leaf = await api<{ amount: string; proof: Hex[]; index: string; merkleRoot: Hex; claimed: { recipient: string } | null }>(
      `/settlements/${ids.epoch}/claims/${newcomer}`,
    );
    expect(leaf.merkleRoot).to.equal(settlement.merkleRoot);
    expect(leaf.claimed?.recipient).to.equal(newcomer);
    expect(verifyAllocationProof(leaf.merkleRoot, { index: BigInt(leaf.index), account: newcomer, amount: BigInt(leaf.amount) }, leaf.proof)).to.equal(true);
    const expected = settlement.leaves.find((entry) => entry.account.toLowerCase() === newcomer.toLowerCase())!.amount;
    expect(leaf.amount).to.equal(expected);
    // The newcomer's only payment is this claim: nothing from escrow or bonds, received = claimed.
    const party = await api<{ earnings: Record<string, string> }>(`/parties/${newcomer}`);
    expect(party.earnings).to.deep.equal({ earned: expected, claimed: expected, escrowReleased: "0", bondsWithdrawn: "0", received: expected });
    const epoch = await api<{ amount: string; claimed: string; status: string }>(`/settlements/${ids.epoch}`);
    expect(epoch).to.include({ amount: "1000000", claimed: expected, status: "POSTED" });
  });

  it("rules on the demo's open dispute through the CLI, releases its escrow, withdraws the bonds; the API shows each step", async () => {
    await ok("logistics", ["dispute", "evidence", "1", "text:dispatch logs", "ipfs://e2e/dispatch-logs"]);
    const ruled = await ok("arbitrator", ["dispute", "rule", "1", "DISMISS", "--ruling-hash", "text:ruling:e2e", "--ruling-uri", "ipfs://e2e/ruling"]);
    await indexed(BigInt(ruled.blockNumber));
    const dispute = await api<{ status: string; remedy: string; evidence: unknown[]; ruling: { rulingURI: string } | null; bond: string; bondCredit: { account: string; amount: string } | null }>("/disputes/1");
    expect(dispute).to.include({ status: "RULED", remedy: "DISMISS" });
    expect(dispute.evidence).to.have.length(2);
    expect(dispute.ruling?.rulingURI).to.equal("ipfs://e2e/ruling");
    // Dismissed without forfeit: the bond is credited back to the claimant, the operator.
    expect(dispute.bondCredit).to.deep.include({ account: accounts[A.operator], amount: dispute.bond });

    // Dismissed: the escrowed share goes to the contributor whole; anyone may release it, the leaf recomputed from the chain.
    const escrow = await api<{ amount: string; released: null }>(`/settlements/1/claims/${escrowAccount(1n)}`);
    expect(escrow.released).to.equal(null);
    const released = await ok<TxOutput & { release: Record<string, string> }>("customer", ["dispute", "release-escrow", "1", "--epoch", "1"]);
    expect(released.release).to.deep.include({ epochId: "1", amount: escrow.amount, recipient: accounts[A.logistics], paid: escrow.amount, returned: "0" });
    await indexed(BigInt(released.blockNumber));
    const after = await api<{ released: { recipient: string; paid: string; returned: string } | null }>(`/settlements/1/claims/${escrowAccount(1n)}`);
    expect(after.released).to.deep.include({ recipient: accounts[A.logistics], paid: escrow.amount, returned: "0" });

    // Bonds are pulled: each claimant withdraws its own.
    const withdrawn = await ok<TxOutput & { amount: string }>("operator", ["dispute", "withdraw-bond"]);
    expect(withdrawn.amount).to.equal(dispute.bond);
    const last = await ok("logistics", ["dispute", "withdraw-bond"]);
    await indexed(BigInt(last.blockNumber));
    for (const who of ["operator", "logistics"] as const) {
      const party = await api<{ bonds: { owed: string; withdrawn: string } }>(`/parties/${accounts[A[who]]}`);
      expect(party.bonds.owed).to.equal("0");
      expect(BigInt(party.bonds.withdrawn)).to.be.greaterThan(0n);
    }
  });

  it("verifies every asset's evidence chain two ways: the CLI from the node, the API from the index; both end in the on-chain head", async () => {
    for (const assetId of ["1", "2", "3", "4", "5", ids.resource!, ids.product!]) {
      const report = join(dir, `evidence-${assetId}.json`);
      const replay = await provenance(["evidence", "replay", assetId, "--out", report]);
      expect(replay.code, replay.stderr).to.equal(0);
      expect(replay.stdout).to.contain("verdict: VALID");
      const saved = JSON.parse(await readFile(report, "utf8")) as { verdict: string; onChain: { seq: number; head: string } };
      expect(saved.verdict).to.equal("valid");

      const head = await ok<{ seq: number; head: string }>("admin", ["evidence", "head", assetId]);
      expect([saved.onChain.seq, saved.onChain.head]).to.deep.equal([head.seq, head.head]);
      const chain = await api<{ verification: { verified: boolean; head: string; recordedHead: { seq: number; head: string } } }>(`/assets/${assetId}/evidence`);
      expect(chain.verification.verified).to.equal(true);
      expect(chain.verification.head).to.equal(head.head);
      expect(chain.verification.recordedHead).to.deep.equal({ seq: head.seq, head: head.head });
    }
  });

  async function readDeployed(): Promise<Record<string, Address>> {
    return JSON.parse(await readFile(join(stack.deploymentDir, "deployed_addresses.json"), "utf8")) as Record<string, Address>;
  }
});
