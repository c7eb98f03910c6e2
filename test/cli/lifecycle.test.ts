import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { mnemonicToAccount } from "viem/accounts";

import { escrowAccount } from "../../ledger/split/index.js";
import { CHALLENGE_WINDOW, NOTICE_PERIOD, RULING_PERIOD } from "../helpers/ledger.js";
import { startCliWorld, type CliWorld } from "./harness.js";

/** Hardhat's dev accounts, as `deployLedger` hands out its roles. */
const A = { admin: 0, registrar: 1, reviewer: 2, authority: 3, arbitrator: 4, settler: 5, alice: 6, bob: 7, carol: 8, outsider: 11 } as const;
const as = (who: keyof typeof A) => ["--json", "--account", String(A[who])];

interface TxOutput {
  ok: boolean;
  transactionHash: string;
  blockNumber: string;
  ids: Record<string, string[]>;
}

describe("provenance CLI: a lifecycle through the commands", function () {
  this.timeout(180_000);
  let world: CliWorld;
  const ids: Record<string, string> = {};

  before(async () => {
    world = await startCliWorld();
  });
  after(async () => {
    await world?.close();
  });

  /** Runs a command that must succeed and returns its JSON. */
  async function ok(args: readonly string[], env?: Record<string, string>): Promise<TxOutput> {
    const result = await world.cli(args, env === undefined ? {} : { env });
    expect(result.code, `${args.join(" ")}\n${result.stderr}`).to.equal(0);
    return result.json<TxOutput>();
  }

  const advance = (seconds: bigint) => world.connection.networkHelpers.time.increase(seconds);

  it("signs with Hardhat's dev accounts by index: the same addresses the node funds", async () => {
    const signers = await world.connection.ethers.getSigners();
    for (const index of Object.values(A)) {
      expect(mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: index }).address).to.equal(signers[index]!.address);
    }
  });

  it("registers a party, files, reviews, accepts and issues a resource; refuses to issue during notice with the decoded error", async () => {
    const { outsider, alice } = world.ledger;
    const registered = await ok([...as("registrar"), "party", "register", outsider.address, "enterprise", "text:profile:outsider"]);
    expect(registered.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(Number((await world.ledger.registry.party(outsider.address)).kind)).to.equal(1);

    const applied = await ok([...as("alice"), "asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE", "--fingerprint", "text:data:alice", "--card-hash", "text:card:alice", "--card-uri", "ipfs://alice/card"]);
    ids.resource = applied.ids.assetId![0]!;
    expect(BigInt(ids.resource)).to.equal(await world.ledger.registry.assetCount());
    const review = await ok([...as("reviewer"), "asset", "review", ids.resource, "COMPLIANCE", "text:review", "ipfs://review"]);
    expect(review.ids.reviewId).to.have.length(1);
    await ok([...as("registrar"), "asset", "accept", ids.resource]);

    const early = await world.cli(["--account", "1", "asset", "issue", ids.resource]);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(new RegExp(`AssetRegistryNoticeNotOver\\(assetId: ${ids.resource}, noticeEndsAt: \\d+\\)`));

    await advance(NOTICE_PERIOD);
    await ok([...as("registrar"), "asset", "issue", ids.resource]);
    const shown = await world.cli(["--json", "asset", "show", ids.resource]);
    expect(shown.json()).to.include({ status: "ISSUED", holder: alice.address, kind: "RESOURCE" });
    const human = await world.cli(["asset", "show", ids.resource]);
    expect(human.stdout).to.contain(`asset #${ids.resource}: RESOURCE (ENTERPRISE, GENERAL), ISSUED`);
  });

  it("reports who may not act: a non-registrar's accept is refused as LedgerAccessUnauthorized", async () => {
    const refused = await world.cli(["--json", "--account", String(A.carol), "asset", "accept", ids.resource!]);
    expect(refused.code).to.equal(1);
    const { error } = refused.json<{ error: { error: string; message: string } }>();
    expect(error.error).to.equal("LedgerAccessUnauthorized");
    expect(error.message).to.contain(`LedgerAccessUnauthorized(account: ${world.ledger.carol.address}`);
  });

  it("grants directly and by an EIP-712 signature relayed by someone else; derives and issues a product", async () => {
    const { bob, carol } = world.ledger;
    const until = String(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400);
    const direct = await ok([...as("alice"), "grant", "create", "--grantee", bob.address, "--asset", ids.resource!, "--rights", "USE,PROCESS", "--purpose", "text:routing", "--usage", "API", "--until", until, "--royalty", "1500"]);
    ids.grant = direct.ids.grantId![0]!;

    const file = join(world.dir, "signed-grant.json");
    await ok([...as("alice"), "grant", "sign", "--grantee", carol.address, "--asset", ids.resource!, "--rights", "USE", "--purpose", "text:analytics", "--until", until, "--out", file]);
    const relayed = await ok([...as("outsider"), "grant", "submit-signed", file]);
    ids.signedGrant = relayed.ids.grantId![0]!;
    const signed = await world.ledger.grants.getGrant(BigInt(ids.signedGrant));
    expect(signed.grantor).to.equal(world.ledger.alice.address);
    expect(signed.grantee).to.equal(carol.address);
    // A usage receipt for a metered minute inside the grant's window, already over on the chain's clock.
    const { validFrom } = await world.ledger.grants.getGrant(BigInt(ids.grant));
    await advance(120n);
    const usage = await ok([...as("bob"), "grant", "usage", ids.grant, "120", String(validFrom), String(validFrom + 60n), "text:meter"]);
    expect(usage.ids.grantId).to.deep.equal([ids.grant]);

    const product = await ok([...as("bob"), "asset", "apply", "--kind", "PRODUCT", "--category", "ENTERPRISE", "--fingerprint", "text:data:product", "--card-hash", "text:card:product", "--card-uri", "ipfs://product", "--parent", `${ids.resource}:${ids.grant}`]);
    ids.product = product.ids.assetId![0]!;
    await ok([...as("registrar"), "asset", "accept", ids.product]);
    await advance(NOTICE_PERIOD);
    await ok([...as("registrar"), "asset", "issue", ids.product]);
  });

  it("records contributions (a batch from a file, one from options), confirms a batch and a signed confirmation, sets the policy", async () => {
    const records = join(world.dir, "records.json");
    await writeFile(
      records,
      JSON.stringify([
        { product: ids.product, stage: "COLLECTION", role: "HOLDER", measure: "300", evidenceHash: "text:ev1", evidenceUri: "ipfs://ev1" },
        { product: ids.product, stage: "processing", role: "HOLDER", measure: 500, evidenceHash: "text:ev2" },
      ]),
    );
    const batch = await ok([...as("bob"), "contribution", "record", "--file", records]);
    expect(batch.ids.contributionId).to.have.length(2);
    const provider = await ok([...as("alice"), "contribution", "record", "--product", ids.product!, "--stage", "COLLECTION", "--role", "PROVIDER", "--measure", "200", "--authorization", ids.resource!, "--evidence-hash", "text:ev3"]);
    const providerId = provider.ids.contributionId![0]!;

    await ok([...as("bob"), "contribution", "confirm", batch.ids.contributionId!.join(",")]);
    const signature = join(world.dir, "confirmation.json");
    await ok([...as("bob"), "contribution", "sign-confirmation", providerId, "--out", signature]);
    // Relayed by a party whose key comes from the environment, as on a real network.
    const outsiderKey = "0x" + Buffer.from(mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: A.outsider }).getHdKey().privateKey!).toString("hex");
    const relayed = await world.cli(["--json", "contribution", "confirm-signed", signature], { env: { PROVENANCE_PRIVATE_KEY: outsiderKey } });
    expect(relayed.code, relayed.stderr).to.equal(0);
    expect(relayed.stdout + relayed.stderr).not.to.contain(outsiderKey.slice(2));
    for (const id of [...batch.ids.contributionId!, providerId]) {
      expect(Number((await world.ledger.contributions.contribution(BigInt(id))).status)).to.equal(2);
    }

    const policy = await ok([...as("bob"), "policy", "set", ids.product!, "--weights", "4000,4000,1000,1000", "--empty-stage", "PRO_RATA"]);
    expect(policy.ids.version).to.deep.equal(["1"]);
  });

  it("deposits (approving the vault), proposes from chain data, submits, verifies the split, and claims after the window", async () => {
    const { token, carol, bob, alice } = world.ledger;
    await (await token.mint(carol.address, 1_000_000n)).wait();
    const deposit = await ok([...as("carol"), "deposit", ids.product!, "2500.00", "--units", "2", "--payer-ref", "text:order-1"]);
    expect(deposit.ids.depositId).to.deep.equal(["1"]);

    const file = join(world.dir, "settlement.json");
    const proposal = await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", file]);
    expect(proposal).to.include({ amount: "250000", policyVersion: 1 });
    const submitted = await ok([...as("settler"), "settlement", "submit", "--from", file]);
    ids.epoch = submitted.ids.epochId![0]!;
    const stamped = JSON.parse(await readFile(file, "utf8")) as { epochId: string; leaves: { account: string; amount: string }[] };
    expect(stamped.epochId).to.equal(ids.epoch);
    expect(stamped.leaves.map((l) => l.account)).to.include.members([alice.address.toLowerCase(), bob.address.toLowerCase()]);

    const verified = await world.cli(["--json", "verify", "split", ids.product!, ids.epoch]);
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.json()).to.deep.include({ ok: true, merkleRoot: { onChain: (await world.ledger.vault.epoch(BigInt(ids.epoch))).merkleRoot, recomputed: (await world.ledger.vault.epoch(BigInt(ids.epoch))).merkleRoot, matches: true } });

    const early = await world.cli(["--account", String(A.bob), "claim", "--proof", file]);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.contain(`RevenueVaultNotClaimable(epochId: ${ids.epoch})`);

    await advance(CHALLENGE_WINDOW);
    const before = await token.balanceOf(bob.address);
    await ok([...as("bob"), "claim", "--proof", file]);
    const leaf = stamped.leaves.find((l) => l.account === bob.address.toLowerCase())!;
    expect(await token.balanceOf(bob.address)).to.equal(before + BigInt(leaf.amount));
    const again = await world.cli(["--account", String(A.bob), "claim", "--proof", file]);
    expect(again.stderr).to.match(/RevenueVaultAlreadyClaimed/);
  });

  it("claims several epochs in one transaction", async () => {
    const { bob, token } = world.ledger;
    const files: string[] = [];
    for (const n of [1, 2]) {
      await ok([...as("carol"), "deposit", ids.product!, String(1000 * n)]);
      const file = join(world.dir, `multi-${n}.json`);
      await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", file]);
      await ok([...as("settler"), "settlement", "submit", "--from", file]);
      files.push(file);
    }
    await advance(CHALLENGE_WINDOW);
    const before = await token.balanceOf(bob.address);
    const claimed = await ok([...as("bob"), "claim", "--proof", files[0]!, "--proof", files[1]!]);
    expect(claimed.ids.epochId).to.have.length(2);
    let expected = 0n;
    for (const file of files) {
      const { leaves } = JSON.parse(await readFile(file, "utf8")) as { leaves: { account: string; amount: string }[] };
      expected += BigInt(leaves.find((l) => l.account === bob.address.toLowerCase())!.amount);
    }
    expect(await token.balanceOf(bob.address)).to.equal(before + expected);
  });

  it("opens a dispute, adds evidence, rules on it", async () => {
    const opened = await ok([...as("alice"), "dispute", "open", "GRANT", ids.resource!, ids.grant!, "--grounds-hash", "text:overuse", "--grounds-uri", "ipfs://grounds"]);
    const disputeId = opened.ids.disputeId![0]!;
    await ok([...as("bob"), "dispute", "evidence", disputeId, "text:logs", "ipfs://logs"]);
    const wrongRemedy = await world.cli(["--account", String(A.arbitrator), "dispute", "rule", disputeId, "VOID_CONTRIBUTION", "--ruling-hash", "text:r"]);
    expect(wrongRemedy.code).to.equal(2);
    expect(wrongRemedy.stderr).to.contain("not a remedy of a GRANT dispute");
    await ok([...as("arbitrator"), "dispute", "rule", disputeId, "DISMISS", "--ruling-hash", "text:ruling"]);
    expect(Number((await world.ledger.disputeCourt.dispute(BigInt(disputeId))).status)).to.equal(2);
  });

  it("replays an asset's evidence from the node into a report that verifies offline, and detects a tampered report", async () => {
    const report = join(world.dir, "report.json");
    const replay = await world.cli(["evidence", "replay", ids.product!, "--out", report]);
    expect(replay.code, replay.stderr).to.equal(0);
    expect(replay.stdout).to.contain("verdict: VALID");
    expect(replay.stdout).to.match(/#1 +\S+ +AssetApplied/);
    const [seq, head] = await world.ledger.registry.evidenceHead(BigInt(ids.product!));
    const saved = JSON.parse(await readFile(report, "utf8")) as {
      entries: { seq: number; eventName: string; args: Record<string, unknown>; head: string }[];
      onChain: { seq: number; head: string };
      verdict: string;
    };
    expect(saved.onChain).to.include({ seq: Number(seq), head });
    expect(saved.entries).to.have.length(Number(seq));
    expect(saved.verdict).to.equal("valid");

    const verified = await world.cli(["--json", "evidence", "verify-report", report]);
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.json()).to.include({ verdict: "valid" });

    // Altering an event's argument: its payload hash no longer matches the chain's.
    const deposit = saved.entries.find((e) => e.eventName === "RevenueDeposited")!;
    deposit.args.amount = "1";
    await writeFile(report, JSON.stringify(saved));
    const tampered = await world.cli(["--json", "evidence", "verify-report", report]);
    expect(tampered.code).to.equal(1);
    const { problems } = tampered.json<{ problems: { kind: string; seq: number }[] }>();
    expect(problems.filter((p) => p.kind === "payload-mismatch").map((p) => p.seq)).to.deep.equal([deposit.seq]);

    // Dropping an entry: the heads no longer chain.
    saved.entries.splice(1, 1);
    await writeFile(report, JSON.stringify(saved));
    const dropped = await world.cli(["evidence", "verify-report", report]);
    expect(dropped.code).to.equal(1);
    expect(dropped.stdout).to.match(/INVALID[\s\S]*gap/);
  });

  it("verify split: exit 1 naming the Merkle root when a settlement was posted with a wrong root", async () => {
    const { vault, settler } = world.ledger;
    await ok([...as("carol"), "deposit", ids.product!, "777"]);
    const file = join(world.dir, "honest.json");
    const honest = await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", file]) as unknown as { amount: string; stateBlock: string; inputsHash: string };
    const wrongRoot = "0x" + "ab".repeat(32);
    await (await vault.connect(settler).settle(BigInt(ids.product!), 1, BigInt(honest.amount), wrongRoot, BigInt(honest.stateBlock), honest.inputsHash)).wait();
    const epoch = String(await vault.epochCount());
    const result = await world.cli(["verify", "split", ids.product!, epoch]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.contain("Merkle root: on chain 0xabab");
    expect(result.stdout).to.contain("MISMATCH");
    expect(result.stderr).to.contain("the Merkle root posted on chain does not match");
    expect(result.stderr).not.to.contain("inputs hash");
    // And the product/epoch pair is checked.
    const wrongProduct = await world.cli(["verify", "split", ids.resource!, epoch]);
    expect(wrongProduct.code).to.equal(2);
    // The honest settlement's evidence and the challenge: an arbitrator rejects the bad epoch.
    await ok([...as("arbitrator"), "settlement", "challenge", epoch, "text:wrong root"]);
    expect(Number((await vault.epoch(BigInt(epoch))).status)).to.equal(3);
  });

  it("carries out the other registrations, grant controls and succession through their commands", async () => {
    const { registry, grants, alice, carol, bob } = world.ledger;
    const applied = await ok([...as("alice"), "asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE", "--classification", "IMPORTANT", "--fingerprint", "text:data:more", "--card-hash", "text:card:more", "--card-uri", "ipfs://more"]);
    const asset = applied.ids.assetId![0]!;
    const objection = await ok([...as("carol"), "asset", "object", asset, "text:grounds", "ipfs://grounds"]);
    await ok([...as("registrar"), "asset", "resolve-objection", objection.ids.objectionId![0]!, "dismissed", "text:ruling"]);
    await ok([...as("registrar"), "asset", "accept", asset]);
    await advance(NOTICE_PERIOD);
    await ok([...as("registrar"), "asset", "issue", asset]);
    await ok([...as("registrar"), "asset", "change-card", asset, "text:card:v2", "ipfs://more/v2"]);
    const review = await ok([...as("reviewer"), "asset", "review", asset, "DESENSITIZATION", "text:desensitized"]);
    await ok([...as("registrar"), "asset", "reclassify", asset, "GENERAL", "--review", review.ids.reviewId![0]!]);

    const until = String(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400);
    const parent = await ok([...as("alice"), "grant", "create", "--grantee", bob.address, "--asset", asset, "--rights", "ALL", "--scope", "DOMAIN", "--scope-data", "text:domain:transport", "--purpose", "text:resale", "--until", until]);
    const sub = await ok([...as("bob"), "grant", "sub-grant", parent.ids.grantId![0]!, "--grantee", carol.address, "--rights", "USE", "--scope", "DOMAIN", "--scope-data", "text:domain:transport", "--purpose", "text:analytics", "--usage", "COMPUTE_IN_DOMAIN", "--until", until]);
    const subId = BigInt(sub.ids.grantId![0]!);
    await ok([...as("alice"), "grant", "suspend", parent.ids.grantId![0]!, "text:audit"]);
    expect(await grants.isValid(subId)).to.equal(false);
    await ok([...as("alice"), "grant", "resume", parent.ids.grantId![0]!, "text:audit-passed"]);
    expect(await grants.isValid(subId)).to.equal(true);
    await ok([...as("bob"), "grant", "revoke", subId.toString(), "text:ended"]);
    expect(Number((await grants.getGrant(subId)).status)).to.equal(3);

    await ok([...as("alice"), "asset", "pledge", asset, bob.address, "text:pledge-contract"]);
    const pledged = await world.cli(["--account", String(A.registrar), "asset", "transfer", asset, carol.address, "SALE", "text:sale"]);
    expect(pledged.stderr).to.contain(`AssetRegistryPledged(assetId: ${asset}, pledgee: ${bob.address})`);
    await ok([...as("bob"), "asset", "release", asset]);
    await ok([...as("registrar"), "asset", "transfer", asset, carol.address, "sale", "text:sale"]);
    expect(await registry.holderOf(BigInt(asset))).to.equal(carol.address);

    // Carol merges into the outsider registered earlier: the certificate follows the successor.
    await ok([...as("registrar"), "party", "succeed", carol.address, world.ledger.outsider.address, "text:merger"]);
    await ok([...as("alice"), "asset", "sync-succession", asset]);
    const party = await world.cli(["--json", "party", "show", carol.address]);
    expect(party.json()).to.include({ kind: "STATE_OWNED_ENTERPRISE", resolvesTo: world.ledger.outsider.address });
    await ok([...as("registrar"), "asset", "cancel", asset, "text:withdrawn"]);
    await ok([...as("registrar"), "asset", "destroy", asset, "text:destruction-report"]);
    expect((await world.cli(["--json", "asset", "show", asset])).json()).to.include({ status: "DESTROYED", holder: world.ledger.outsider.address });
  });

  it("holds a disputed contribution's share in escrow, releases it after the ruling, and lapses an unruled dispute", async () => {
    const { token, bob } = world.ledger;
    const recorded = await ok([...as("bob"), "contribution", "record", "--product", ids.product!, "--stage", "APPLICATION", "--role", "HOLDER", "--measure", "400", "--evidence-hash", "text:ev-app"]);
    const contributionId = recorded.ids.contributionId![0]!;
    await ok([...as("bob"), "contribution", "confirm", contributionId]);
    const opened = await ok([...as("alice"), "dispute", "open", "CONTRIBUTION", ids.product!, contributionId, "--grounds-hash", "text:inflated"]);
    const disputeId = opened.ids.disputeId![0]!;

    await ok([...as("carol"), "deposit", ids.product!, "10000"]);
    const file = join(world.dir, "escrow.json");
    await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", file]);
    await ok([...as("settler"), "settlement", "submit", "--from", file]);
    await advance(CHALLENGE_WINDOW);
    await ok([...as("arbitrator"), "dispute", "rule", disputeId, "DISMISS", "--ruling-hash", "text:dismissed"]);

    const { leaves } = JSON.parse(await readFile(file, "utf8")) as { leaves: { account: string; amount: string }[] };
    const escrow = leaves.find((l) => l.account === escrowAccount(BigInt(disputeId)).toLowerCase())!;
    const short = await world.cli(["--account", String(A.arbitrator), "dispute", "release-escrow", disputeId, "--proof", file, "--pay", `${bob.address}:1`]);
    expect(short.code).to.equal(2);
    expect(short.stderr).to.contain(`the escrow leaf holds ${escrow.amount}`);
    const before = await token.balanceOf(bob.address);
    await ok([...as("arbitrator"), "dispute", "release-escrow", disputeId, "--proof", file, "--pay", `${bob.address}:${escrow.amount}`]);
    expect(await token.balanceOf(bob.address)).to.equal(before + BigInt(escrow.amount));

    const grantDispute = await ok([...as("alice"), "dispute", "open", "GRANT", ids.resource!, ids.signedGrant!, "--grounds-hash", "text:late"]);
    await advance(RULING_PERIOD + 1n);
    await ok([...as("outsider"), "dispute", "lapse", grantDispute.ids.disputeId![0]!]);
    expect(Number((await world.ledger.disputeCourt.dispute(BigInt(grantDispute.ids.disputeId![0]!))).status)).to.equal(3);
  });

  it("evidence head matches the registry", async () => {
    const result = await world.cli(["--json", "evidence", "head", ids.resource!]);
    const [seq, head] = await world.ledger.registry.evidenceHead(BigInt(ids.resource!));
    expect(result.json()).to.deep.equal({ ok: true, assetId: ids.resource, seq: Number(seq), head });
  });
});
