import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";

import { readIgnitionDeployment } from "../../services/shared/deployment.js";
import { startLedgerNode, type LedgerNode } from "../../services/node/index.js";
import { CHALLENGE_WINDOW, NOTICE_PERIOD } from "../helpers/ledger.js";
import { startCliWorld, type CliWorld } from "./harness.js";

/** Hardhat's dev accounts, as `deployLedger` hands out its roles. */
const A = { registrar: 1, settler: 5, alice: 6, bob: 7, carol: 8, outsider: 11 } as const;
const as = (who: keyof typeof A) => ["--json", "--account", String(A[who])];

interface ClaimOutput {
  ok: true;
  transactionHash: string;
  recipient: string;
  total: string;
  totalDecimal: string;
  token: { symbol: string; decimals: number };
  claims: { epochId: string; productId: string; account: string; index: string; amount: string; amountDecimal: string; recipient: string; source: string }[];
}

/** The API's answer, passed through, with what `tamper` does to claim documents: an API that lies. */
async function lyingProxy(upstream: string, tamper: (document: Record<string, unknown>) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const answer = await fetch(upstream + req.url);
    let body = await answer.text();
    if (answer.status === 200 && /\/claims\//.test(req.url ?? "")) {
      const document = JSON.parse(body) as Record<string, unknown>;
      tamper(document);
      body = JSON.stringify(document);
    }
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A local URL nothing listens on: a port the system gave and took back. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe("provenance claim: with what a contributor is shown (the API's proof, or the chain)", function () {
  this.timeout(300_000);
  let world: CliWorld;
  let node: LedgerNode;
  let apiUrl: string;
  let product: string;
  const epochs: string[] = [];

  async function ok(args: readonly string[]): Promise<Record<string, unknown>> {
    const result = await world.cli(args);
    expect(result.code, `${args.join(" ")}\n${result.stderr}`).to.equal(0);
    return result.json();
  }
  const balanceOf = (address: string) => world.ledger.token.balanceOf(address);

  /** Deposits `amount`, then proposes and submits its settlement; returns the epoch id. */
  async function settle(amount: string): Promise<string> {
    await ok([...as("carol"), "deposit", product, amount]);
    const file = join(world.dir, `settlement-${amount}.json`);
    await ok([...as("settler"), "settlement", "propose", product, "--out", file]);
    const submitted = (await ok([...as("settler"), "settlement", "submit", "--from", file])) as { ids: { epochId: string[] } };
    return submitted.ids.epochId[0]!;
  }

  before(async () => {
    world = await startCliWorld();
    const { bob, carol, token } = world.ledger;
    const advance = (seconds: bigint) => world.connection.networkHelpers.time.increase(seconds);
    // Alice's resource, licensed to bob with a 15% royalty; bob's product derived from it, issued.
    const resource = ((await ok([...as("alice"), "asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE", "--fingerprint", "text:claim:resource", "--card-hash", "text:card:r", "--card-uri", "ipfs://r"])) as { ids: { assetId: string[] } }).ids.assetId[0]!;
    await ok([...as("registrar"), "asset", "accept", resource]);
    await advance(NOTICE_PERIOD);
    await ok([...as("registrar"), "asset", "issue", resource]);
    const until = String(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400);
    const grant = ((await ok([...as("alice"), "grant", "create", "--grantee", bob.address, "--asset", resource, "--rights", "USE,PROCESS", "--purpose", "text:claims", "--usage", "API", "--until", until, "--royalty", "1500"])) as { ids: { grantId: string[] } }).ids.grantId[0]!;
    product = ((await ok([...as("bob"), "asset", "apply", "--kind", "PRODUCT", "--category", "ENTERPRISE", "--fingerprint", "text:claim:product", "--card-hash", "text:card:p", "--card-uri", "ipfs://p", "--parent", `${resource}:${grant}`])) as { ids: { assetId: string[] } }).ids.assetId[0]!;
    await ok([...as("registrar"), "asset", "accept", product]);
    await advance(NOTICE_PERIOD);
    await ok([...as("registrar"), "asset", "issue", product]);
    const recorded = (await ok([...as("bob"), "contribution", "record", "--product", product, "--stage", "COLLECTION", "--role", "HOLDER", "--measure", "300", "--evidence-hash", "text:ev"])) as { ids: { contributionId: string[] } };
    await ok([...as("bob"), "contribution", "confirm", recorded.ids.contributionId[0]!]);
    await ok([...as("bob"), "policy", "set", product, "--weights", "4000,4000,1000,1000", "--empty-stage", "PRO_RATA"]);
    await (await token.mint(carol.address, 1_000_000n)).wait();
    // Three settlements. By hand: the 15% royalty is the resource's revenue, all alice's (it has no policy:
    // its holder takes it); the other 85% is bob's (the only stage with a contribution takes every weight
    // under PRO_RATA). 250000 -> alice 37500, bob 212500; 1000 -> 150, 850; 2000 -> 300, 1700.
    for (const amount of ["250000", "1000", "2000"]) epochs.push(await settle(amount));
    await advance(CHALLENGE_WINDOW);

    node = await startLedgerNode({
      rpcUrl: world.url,
      dbPath: join(world.dir, "api-db"),
      deployment: await readIgnitionDeployment(world.deploymentDir),
      api: { port: 0 },
      indexer: { finalityDepth: 5 },
    });
    apiUrl = node.api!.url;
    await node.syncOnce();
  });

  after(async () => {
    await node?.close();
    await world?.close();
  });

  it("refuses a tampered API answer (a raised amount, an altered proof) before any transaction", async () => {
    const { bob } = world.ledger;
    const [nonce, balance] = [await world.nonce(bob.address), await balanceOf(bob.address)];
    const raised = await lyingProxy(apiUrl, (document) => {
      document.amount = (BigInt(document.amount as string) + 1n).toString();
    });
    const reproved = await lyingProxy(apiUrl, (document) => {
      const proof = document.proof as string[];
      // Bob's leaf has a sibling (alice's), so the proof has a node to alter.
      proof[0] = `0x${"ab".repeat(32)}`;
    });
    try {
      for (const lying of [raised, reproved]) {
        const refused = await world.cli(["--account", String(A.bob), "claim", "--epoch", `${epochs[0]},${epochs[1]}`, "--api-url", lying.url]);
        expect(refused.code, refused.stderr).to.equal(1);
        expect(refused.stderr).to.contain("nothing was sent").and.contain("does not verify against the Merkle root posted on chain");
        expect(refused.stderr).to.contain(`settlement ${epochs[0]}:`).and.contain(`settlement ${epochs[1]}:`);
      }
    } finally {
      await raised.close();
      await reproved.close();
    }
    expect(await world.nonce(bob.address)).to.equal(nonce);
    expect(await balanceOf(bob.address)).to.equal(balance);
  });

  it("claims several epochs at once from the API's proofs and prints what was paid: the token balance change", async () => {
    const { bob } = world.ledger;
    const before = await balanceOf(bob.address);
    const result = await world.cli(["--json", "--account", String(A.bob), "claim", "--epoch", epochs[0]!, "--epoch", epochs[1]!, "--api-url", apiUrl]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.equal(""); // the API answered: no fallback
    const output = result.json<ClaimOutput>();
    const paid = (await balanceOf(bob.address)) - before;
    expect(paid).to.equal(212_500n + 850n);
    expect(output.total).to.equal(paid.toString());
    expect(output.totalDecimal).to.equal("2133.5"); // 213350 units of a two-decimal token
    expect(output.token).to.deep.include({ symbol: "LTY", decimals: 2 });
    expect(output.recipient).to.equal(bob.address);
    expect(output.claims.map((c) => [c.epochId, c.account, c.amount, c.source])).to.deep.equal([
      [epochs[0], bob.address, "212500", "api"],
      [epochs[1], bob.address, "850", "api"],
    ]);
  });

  it("refuses already-claimed epochs and epochs without a leaf before sending, naming each", async () => {
    const { bob, outsider } = world.ledger;
    const nonce = await world.nonce(bob.address);
    // Epoch 1 claimed by the previous test, epoch 3 not: nothing of the batch is sent.
    const again = await world.cli(["--json", "--account", String(A.bob), "claim", "--epoch", `${epochs[0]},${epochs[2]}`, "--api-url", apiUrl]);
    expect(again.code).to.equal(1);
    const { error } = again.json<{ error: { problems: { epochId: string; reason: string; recipient: string; amount: string; transactionHash: string }[] } }>();
    expect(error.problems).to.have.length(1);
    expect(error.problems[0]).to.include({ epochId: epochs[0], reason: "claimed", recipient: bob.address, amount: "212500" });
    expect(again.stderr).to.contain("RevenueVaultAlreadyClaimed").and.contain(`paid to ${bob.address} in transaction ${error.problems[0]!.transactionHash}`);
    expect(await world.nonce(bob.address)).to.equal(nonce);

    // The outsider is owed nothing: the API says so, and so does the chain; an epoch that does not exist is bad input too.
    const viaApi = await world.cli(["--account", String(A.outsider), "claim", "--epoch", epochs[0]!, "--api-url", apiUrl]);
    expect(viaApi.code).to.equal(2);
    expect(viaApi.stderr).to.contain(`${outsider.address} has no leaf in settlement ${epochs[0]}, says the API`);
    const viaChain = await world.cli(["--account", String(A.outsider), "claim", "--epoch", `${epochs[0]},99`, "--from-chain"]);
    expect(viaChain.code).to.equal(2);
    expect(viaChain.stderr).to.contain(`has no leaf in settlement ${epochs[0]} of product ${product} (rebuilt from the chain)`).and.contain("settlement 99: there is no settlement 99");
  });

  it("rebuilds the leaves from the chain when the API does not answer, and with --from-chain", async () => {
    const { alice } = world.ledger;
    let before = await balanceOf(alice.address);
    const down = await world.cli(["--account", String(A.alice), "claim", "--epoch", epochs[2]!, "--api-url", await closedPort()]);
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stderr).to.contain("cannot answer").and.contain("rebuilding the leaves from the chain");
    expect((await balanceOf(alice.address)) - before).to.equal(300n);
    expect(down.stdout).to.contain(`settlement ${epochs[2]} (product ${product}): leaf`).and.contain(`of ${alice.address}: 300 (3.00 LTY), leaf rebuilt from the chain`);
    expect(down.stdout).to.contain(`paid 300 (3.00 LTY) in all to ${alice.address}`);

    before = await balanceOf(alice.address);
    const rebuilt = await world.cli(["--json", "--account", String(A.alice), "claim", "--epoch", `${epochs[0]},${epochs[1]}`, "--from-chain", "--api-url", await closedPort()]);
    expect(rebuilt.code, rebuilt.stderr).to.equal(0);
    expect(rebuilt.stderr).to.equal(""); // never asked the API
    const output = rebuilt.json<ClaimOutput>();
    expect(output.claims.map((c) => [c.amount, c.source])).to.deep.equal([["37500", "chain"], ["150", "chain"]]);
    expect((await balanceOf(alice.address)) - before).to.equal(37_650n).and.equal(BigInt(output.total));
  });

  it("takes the API's JSON saved to a file with --proof, and says what is wrong with a file that is no proof", async () => {
    const { bob } = world.ledger;
    const saved = join(world.dir, "leaf.json");
    await writeFile(saved, await (await fetch(`${apiUrl}/settlements/${epochs[2]}/claims/${bob.address}`)).text());

    const notProof = join(world.dir, "not-proof.json");
    await writeFile(notProof, JSON.stringify({ hello: "world" }));
    const neither = await world.cli(["--account", String(A.bob), "claim", "--proof", notProof]);
    expect(neither.code).to.equal(2);
    expect(neither.stderr).to.contain(`${notProof} is neither a settlement file`).and.contain("nor a claim document of the API");
    const problem = join(world.dir, "problem.json");
    await writeFile(problem, await (await fetch(`${apiUrl}/settlements/${epochs[2]}/claims/${world.ledger.outsider.address}`)).text());
    const errorAnswer = await world.cli(["--account", String(A.bob), "claim", "--proof", problem]);
    expect(errorAnswer.code).to.equal(2);
    expect(errorAnswer.stderr).to.contain("is an error answer of the API (404:");
    // A saved answer edited by hand: the leaf no longer verifies against the posted root.
    const edited = join(world.dir, "edited.json");
    const document = JSON.parse(await readFile(saved, "utf8")) as { amount: string };
    await writeFile(edited, JSON.stringify({ ...document, amount: "1000000" }));
    const forged = await world.cli(["--account", String(A.bob), "claim", "--proof", edited]);
    expect(forged.code).to.equal(2);
    expect(forged.stderr).to.contain(`${edited}: leaf`).and.contain("does not verify against the Merkle root posted on chain");

    const before = await balanceOf(bob.address);
    const claimed = await world.cli(["--json", "--account", String(A.bob), "claim", "--proof", saved]);
    expect(claimed.code, claimed.stderr).to.equal(0);
    const output = claimed.json<ClaimOutput>();
    expect(output.claims).to.have.length(1);
    expect(output.claims[0]).to.include({ epochId: epochs[2], amount: "1700", source: "file" });
    expect((await balanceOf(bob.address)) - before).to.equal(1700n);
  });

  it("waits out the challenge window; a successor claims its predecessor's leaf with --for, the predecessor no longer can", async () => {
    const { bob, outsider } = world.ledger;
    // 4000 -> bob 3400 (85%), alice 600.
    const epoch = await settle("4000");
    await node.syncOnce();
    const early = await world.cli(["--account", String(A.bob), "claim", "--epoch", epoch, "--api-url", apiUrl]);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.contain(`RevenueVaultNotClaimable(epochId: ${epoch}): its challenge window ends at`);
    await world.connection.networkHelpers.time.increase(CHALLENGE_WINDOW);

    await ok([...as("registrar"), "party", "register", outsider.address, "enterprise", "text:profile:successor"]);
    await ok([...as("registrar"), "party", "succeed", bob.address, outsider.address, "text:merger"]);
    const predecessor = await world.cli(["--account", String(A.bob), "claim", "--epoch", epoch, "--api-url", apiUrl]);
    expect(predecessor.code).to.equal(1);
    expect(predecessor.stderr).to.contain(`RevenueVaultNotEntitled(account: ${bob.address}, caller: ${bob.address})`).and.contain(`resolves to, ${outsider.address}`);

    const before = await balanceOf(outsider.address);
    const human = await world.cli(["--account", String(A.outsider), "claim", "--epoch", epoch, "--for", bob.address, "--api-url", apiUrl]);
    expect(human.code, human.stderr).to.equal(0);
    expect((await balanceOf(outsider.address)) - before).to.equal(3400n);
    expect(human.stdout).to.contain(`of ${bob.address} (claimed by its successor ${outsider.address}): 3400 (34.00 LTY), leaf from the API`);
    expect(human.stdout).to.contain(`paid 3400 (34.00 LTY) in all to ${outsider.address}`);
  });

  it("--help tells a contributor how to claim with what the page shows", async () => {
    const help = await world.cli(["claim", "--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain("--epoch <ids>").and.contain("--api-url <url>").and.contain("--from-chain").and.contain("provenance claim --epoch 2,3");
  });
});
