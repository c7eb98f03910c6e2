import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { mnemonicToAccount } from "viem/accounts";

import { ROLE_IDS } from "../../ledger/roles.js";
import { escrowAccount } from "../../ledger/split/index.js";
import { ANSWER_PERIOD, CHALLENGE_WINDOW, DAY, NOTICE_PERIOD, RULING_PERIOD } from "../helpers/ledger.js";
import { startCliWorld, type CliWorld } from "./harness.js";

/** Hardhat's dev accounts, as `deployLedger` hands out its roles. */
const A = { admin: 0, registrar: 1, reviewer: 2, authority: 3, arbitrator: 4, settler: 5, alice: 6, bob: 7, carol: 8, outsider: 11 } as const;
const as = (who: keyof typeof A) => ["--json", "--account", String(A[who])];
/** A unix time as the CLI prints it, ISO 8601 in UTC to the second, written out here independently. */
const utc = (seconds: bigint) => `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}Z`;

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
    // The notice's end as a date (UTC), with how long is left on the chain's clock: the whole period, just accepted.
    const noticeEndsAt = (await world.ledger.registry.asset(BigInt(ids.resource))).noticeEndsAt;
    expect(early.stderr).to.contain(`AssetRegistryNoticeNotOver(assetId: ${ids.resource}, noticeEndsAt: ${utc(noticeEndsAt)})`);
    expect(early.stderr).to.contain(`runs until ${utc(noticeEndsAt)} (in ${Number(NOTICE_PERIOD / DAY)} days)`);

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

  it("names the AccessManager's refusals: a role held with an execution delay, a closed contract", async () => {
    const { accessManager, admin, registry, outsider } = world.ledger;
    await (await accessManager.connect(admin).grantRole(ROLE_IDS.REVIEWER, outsider.address, 3600)).wait();
    const delayed = await world.cli(["--account", String(A.outsider), "asset", "review", ids.resource!, "AUDIT", "text:audit"]);
    expect(delayed.code).to.equal(1);
    expect(delayed.stderr).to.contain(`LedgerAccessExecutionDelay(account: ${outsider.address}, roleId: 2, executionDelay: 3600)`).and.contain("execution delay of 0");
    await (await accessManager.connect(admin).revokeRole(ROLE_IDS.REVIEWER, outsider.address)).wait();

    const target = await registry.getAddress();
    await (await accessManager.connect(admin).setTargetClosed(target, true)).wait();
    try {
      const closed = await world.cli(["--json", "--account", String(A.registrar), "asset", "change-card", ids.resource!, "text:card:closed", "ipfs://closed"]);
      expect(closed.code).to.equal(1);
      const { error } = closed.json<{ error: { error: string; explanation: string } }>();
      expect(error.error).to.equal("LedgerAccessTargetClosed");
      expect(error.explanation).to.contain(`the AccessManager closed the contract ${target}`);
    } finally {
      await (await accessManager.connect(admin).setTargetClosed(target, false)).wait();
    }
  });

  it("grants directly and by an EIP-712 signature relayed by someone else; derives and issues a product", async () => {
    const { bob, carol } = world.ledger;
    const until = String(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400);
    const direct = await ok([...as("alice"), "grant", "create", "--grantee", bob.address, "--asset", ids.resource!, "--rights", "USE,PROCESS", "--purpose", "text:routing", "--usage", "API", "--until", until, "--royalty", "1500"]);
    ids.grant = direct.ids.grantId![0]!;
    const shownGrant = await world.cli(["--json", "grant", "show", ids.grant]);
    expect(shownGrant.json()).to.deep.include({ rights: ["USE", "PROCESS"], scope: "WHOLE", usage: "API", royaltyBps: 1500, status: "ACTIVE", validNow: true, validUntil: utc(BigInt(until)) });

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
    ids.providerContribution = providerId;

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

    // The records as set, every enum by name.
    const shownPolicy = await world.cli(["--json", "policy", "show", ids.product!]);
    expect(shownPolicy.json()).to.deep.include({
      version: 1,
      weightsBps: { COLLECTION: 4000, PROCESSING: 4000, CIRCULATION: 1000, APPLICATION: 1000 },
      emptyStage: "PRO_RATA",
    });
    const shownContribution = await world.cli(["--json", "contribution", "show", providerId]);
    expect(shownContribution.json()).to.include({ productId: ids.product, contributor: world.ledger.alice.address, stage: "COLLECTION", role: "PROVIDER", status: "CONFIRMED" });
    expect((await world.cli(["contribution", "show", providerId])).stdout).to.contain(`contribution #${providerId} to product ${ids.product}: CONFIRMED, COLLECTION as PROVIDER`);
    // Ids come in windows of 16 (13 used): the batch's two records share one, the next call starts the next.
    const [first, second] = batch.ids.contributionId!.map(BigInt);
    expect(second).to.equal(first! + 1n);
    expect(BigInt(providerId) % 16n).to.equal(0n);
    expect(BigInt(providerId)).to.be.greaterThan(second!);
    // `show` reads stage and role from the record's event: an id without one, below the last id or above, is refused.
    for (const unassigned of [first! + 2n, first! + 13n, BigInt(providerId) + 1n, BigInt(providerId) + 16n]) {
      const refused = await world.cli(["contribution", "show", String(unassigned)]);
      expect(refused.code, refused.stderr).to.equal(2);
      expect(refused.stderr).to.contain(`there is no contribution ${unassigned}`);
    }
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
    // The challenge window's end as a date, not unix seconds.
    const { challengeEndsAt } = await world.ledger.vault.epoch(BigInt(ids.epoch));
    expect(early.stderr).to.contain(utc(challengeEndsAt)).and.not.contain(String(challengeEndsAt));

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

  it("opens a dispute with the court's minimum bond (approving the court), refuses a repeat, rules after the answer period, credits the bond to withdraw", async () => {
    const { token, alice, disputeCourt } = world.ledger;
    const minimum = await disputeCourt.minimumBond(1);
    const settings = await world.cli(["--json", "dispute", "settings"]);
    expect(settings.code, settings.stderr).to.equal(0);
    expect(settings.json<{ minimumBonds: Record<string, string>; answerPeriod: number }>()).to.deep.include({ answerPeriod: Number(ANSWER_PERIOD) });
    expect(settings.json<{ minimumBonds: Record<string, string> }>().minimumBonds.GRANT).to.equal(minimum.toString());
    const human = await world.cli(["dispute", "settings"]);
    expect(human.stdout).to.contain("minimum bond, OBJECTION: 10000 (100.00 LTY)").and.contain(`time to answer before any ruling: ${ANSWER_PERIOD === DAY ? "1 day" : `${Number(ANSWER_PERIOD / DAY)} days`}`);

    // A bond is paid in the settlement token: without enough of it, nothing is approved or sent.
    const poor = await world.cli(["--account", String(A.alice), "dispute", "open", "GRANT", ids.resource!, ids.grant!, "--grounds-hash", "text:overuse"]);
    expect(poor.code).to.equal(1);
    expect(poor.stderr).to.contain("less than 10000");
    for (const who of [alice, world.ledger.bob, world.ledger.carol]) await (await token.mint(who.address, 1_000_000n)).wait();

    const low = await world.cli(["--account", String(A.alice), "dispute", "open", "GRANT", ids.resource!, ids.grant!, "--grounds-hash", "text:overuse", "--bond", "99.99", "--units", "2"]);
    expect(low.code).to.equal(2);
    expect(low.stderr).to.contain("--bond: 9999 (99.99 LTY) is below the court's minimum bond for a GRANT dispute, 10000 (100.00 LTY)");

    const before = await token.balanceOf(alice.address);
    const opened = await ok([...as("alice"), "dispute", "open", "GRANT", ids.resource!, ids.grant!, "--grounds-hash", "text:overuse", "--grounds-uri", "ipfs://grounds"]);
    const disputeId = opened.ids.disputeId![0]!;
    expect(await token.balanceOf(alice.address)).to.equal(before - minimum);
    const extra = opened as unknown as { approval: { action: string }; dispute: { bond: string } };
    expect(extra.approval.action).to.equal("dispute open: approve the settlement token");
    expect(extra.dispute.bond).to.equal(minimum.toString());
    // One open dispute per claimant and subject: refused before anything is approved.
    const again = await world.cli(["--account", String(A.alice), "dispute", "open", "GRANT", ids.resource!, ids.grant!, "--grounds-hash", "text:overuse-again"]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain(`DisputeCourtAlreadyDisputed(disputeId: ${disputeId})`).and.contain("add evidence to it instead");

    // An open dispute: its names, no remedy yet, its times as dates and how long is left.
    const openShown = await world.cli(["--json", "dispute", "show", disputeId]);
    expect(openShown.json()).to.deep.include({ kind: "GRANT", status: "OPEN", remedy: null });
    expect(openShown.json()).to.include({ answerEndsAt: utc((await disputeCourt.dispute(BigInt(disputeId))).answerEndsAt) });
    const openHuman = await world.cli(["dispute", "show", disputeId]);
    expect(openHuman.stdout).to.contain(`GRANT on asset ${ids.resource}, subject ${ids.grant}: OPEN`);
    expect(openHuman.stdout).to.contain(`respondent's time to answer: until ${utc((await disputeCourt.dispute(BigInt(disputeId))).answerEndsAt)} (in ${Number(ANSWER_PERIOD / DAY)} day`);
    expect(openHuman.stdout).to.contain("rulings of a GRANT dispute: DISMISS, UPHOLD, REVOKE_GRANT");
    await ok([...as("bob"), "dispute", "evidence", disputeId, "text:logs", "ipfs://logs"]);
    const wrongRemedy = await world.cli(["--account", String(A.arbitrator), "dispute", "rule", disputeId, "VOID_CONTRIBUTION", "--ruling-hash", "text:r"]);
    expect(wrongRemedy.code).to.equal(2);
    expect(wrongRemedy.stderr).to.contain("not a remedy of a GRANT dispute");
    // The respondent has its time to answer: no ruling before it ends.
    const early = await world.cli(["--account", String(A.arbitrator), "dispute", "rule", disputeId, "DISMISS", "--ruling-hash", "text:ruling"]);
    expect(early.code).to.equal(1);
    const { answerEndsAt, rulingDeadline } = await disputeCourt.dispute(BigInt(disputeId));
    expect(early.stderr).to.contain(`DisputeCourtAnswerPeriodNotOver(disputeId: ${disputeId}, answerEndsAt: ${utc(answerEndsAt)}): the respondent has until ${utc(answerEndsAt)} (in `);
    await advance(ANSWER_PERIOD);
    const ruled = await world.cli(["--account", String(A.arbitrator), "dispute", "rule", disputeId, "DISMISS", "--ruling-hash", "text:ruling"]);
    expect(ruled.code, ruled.stderr).to.equal(0);
    expect(ruled.stdout).to.contain(`bond: 10000 (100.00 LTY) credited to ${alice.address}`);
    expect(Number((await disputeCourt.dispute(BigInt(disputeId))).status)).to.equal(2);

    // Ruled: the same claimant may not dispute the same subject again until an arbitrator allows it.
    const repeat = await world.cli(["--account", String(A.alice), "dispute", "open", "GRANT", ids.resource!, ids.grant!, "--grounds-hash", "text:overuse-2"]);
    expect(repeat.code).to.equal(1);
    expect(repeat.stderr).to.contain("DisputeCourtRepeatNotAllowed").and.contain("dispute allow-repeat");
    const notArbitrator = await world.cli(["--account", String(A.alice), "dispute", "allow-repeat", disputeId]);
    expect(notArbitrator.stderr).to.contain("does not hold the ARBITRATOR role");
    await ok([...as("arbitrator"), "dispute", "allow-repeat", disputeId]);
    expect((await disputeCourt.claimState(alice.address, 1, BigInt(ids.resource!), BigInt(ids.grant!)))[1]).to.equal(false);
    const shown = await world.cli(["--json", "dispute", "show", disputeId]);
    expect(shown.json()).to.deep.include({ kind: "GRANT", status: "RULED", remedy: "DISMISS", bond: "0", answerEndsAt: utc(answerEndsAt), rulingDeadline: utc(rulingDeadline) });
    expect((await world.cli(["dispute", "show", disputeId])).stdout).to.contain(": RULED, ruled DISMISS");
    expect(shown.json<{ bondCredits: { account: string; credit: string }[] }>().bondCredits).to.deep.include({ account: alice.address, credit: minimum.toString() });

    // Bonds are pulled: the claimant withdraws its own, to itself or to a recipient it names.
    const carolBefore = await token.balanceOf(world.ledger.carol.address);
    const withdrawn = await world.cli(["--account", String(A.alice), "dispute", "withdraw-bond", "--to", world.ledger.carol.address]);
    expect(withdrawn.code, withdrawn.stderr).to.equal(0);
    expect(withdrawn.stdout).to.contain(`withdrew 10000 (100.00 LTY) to ${world.ledger.carol.address}`);
    expect(await token.balanceOf(world.ledger.carol.address)).to.equal(carolBefore + minimum);
    const nothing = await world.cli(["--account", String(A.alice), "dispute", "withdraw-bond"]);
    expect(nothing.code).to.equal(1);
    expect(nothing.stderr).to.contain(`DisputeCourtNothingToWithdraw(account: ${alice.address}): no bond is credited`);
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
    const { registry, grants, carol, bob } = world.ledger;
    const applied = await ok([...as("alice"), "asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE", "--classification", "IMPORTANT", "--fingerprint", "text:data:more", "--card-hash", "text:card:more", "--card-uri", "ipfs://more"]);
    const asset = applied.ids.assetId![0]!;
    // The same data again: refused, the rule named.
    const duplicate = await world.cli(["--account", String(A.bob), "asset", "apply", "--kind", "RESOURCE", "--category", "ENTERPRISE", "--fingerprint", "text:data:more", "--card-hash", "text:card:copy", "--card-uri", "ipfs://copy"]);
    expect(duplicate.code).to.equal(1);
    expect(duplicate.stderr).to.contain("AssetRegistryDuplicateFingerprint").and.contain(`already registered to asset ${asset}`);
    // An objection is an OBJECTION dispute in the court, with a bond; never by the holder (the applicant) itself.
    const self = await world.cli(["--account", String(A.alice), "asset", "object", asset, "text:grounds"]);
    expect(self.code).to.equal(1);
    expect(self.stderr).to.contain("cannot object to its own asset");
    const objection = await ok([...as("carol"), "asset", "object", asset, "text:grounds", "ipfs://grounds"]);
    expect(objection.ids.objectionId).to.have.length(1);
    const objectionDispute = objection.ids.disputeId![0]!;
    expect((await registry.objection(BigInt(objection.ids.objectionId![0]!))).objector).to.equal(carol.address);
    const removed = await world.cli(["--account", String(A.registrar), "asset", "resolve-objection", objection.ids.objectionId![0]!, "dismissed", "text:ruling"]);
    expect(removed.code).to.equal(2);
    expect(removed.stderr).to.contain("only the court's ruling resolves it").and.contain("dispute rule");
    // Accepting opens the notice window; issuing waits for the court's ruling on the objection.
    await ok([...as("registrar"), "asset", "accept", asset]);
    await advance(NOTICE_PERIOD);
    const underObjection = await world.cli(["--account", String(A.registrar), "asset", "issue", asset]);
    expect(underObjection.code).to.equal(1);
    expect(underObjection.stderr).to.contain("AssetRegistryUnderObjection").and.contain("the court's ruling on it comes first");
    await ok([...as("arbitrator"), "dispute", "rule", objectionDispute, "DISMISS", "--ruling-hash", "text:ruling"]);
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

  it("holds disputed contributions' shares in escrow and releases each as its outcome says; refuses stale settlements; lapses an unruled dispute", async () => {
    const { token, bob, alice, vault } = world.ledger;
    const recorded = await ok([...as("bob"), "contribution", "record", "--product", ids.product!, "--stage", "APPLICATION", "--role", "HOLDER", "--measure", "400", "--evidence-hash", "text:ev-app"]);
    const contributionId = recorded.ids.contributionId![0]!;
    await ok([...as("bob"), "contribution", "confirm", contributionId]);
    // A third party disputes a contribution only as a contributor to the product, naming its own record.
    const noStanding = await world.cli(["--account", String(A.alice), "dispute", "open", "CONTRIBUTION", ids.product!, contributionId, "--grounds-hash", "text:inflated"]);
    expect(noStanding.code, noStanding.stderr).to.equal(1);
    expect(noStanding.stderr, noStanding.stderr).to.contain("DisputeCourtNoStanding").and.contain("--standing <your contribution id>");
    const adjusted = await ok([...as("alice"), "dispute", "open", "CONTRIBUTION", ids.product!, contributionId, "--standing", ids.providerContribution!, "--grounds-hash", "text:inflated"]);
    const adjustedId = adjusted.ids.disputeId![0]!;
    // The product's holder disputes a contributor's record without naming a standing.
    const dismissed = await ok([...as("bob"), "dispute", "open", "CONTRIBUTION", ids.product!, ids.providerContribution!, "--grounds-hash", "text:double-counted"]);
    const dismissedId = dismissed.ids.disputeId![0]!;

    await ok([...as("carol"), "deposit", ids.product!, "10000"]);
    const file = join(world.dir, "escrow.json");
    await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", file]);
    await ok([...as("settler"), "settlement", "submit", "--from", file]);
    const settled = JSON.parse(await readFile(file, "utf8")) as { epochId: string; stateBlock: string; leaves: { account: string; amount: string }[] };
    const leafOf = (disputeId: string) => settled.leaves.find((l) => l.account === escrowAccount(BigInt(disputeId)).toLowerCase())!;
    const [adjustedLeaf, dismissedLeaf] = [leafOf(adjustedId), leafOf(dismissedId)];

    // An escrow leaf is never claimed; nor released while its dispute is open.
    const claimEscrow = await world.cli(["--account", String(A.outsider), "claim", "--proof", file, "--leaf-account", escrowAccount(BigInt(adjustedId))]);
    expect(claimEscrow.code).to.equal(2);
    expect(claimEscrow.stderr).to.contain("a dispute's escrow account");
    const open = await world.cli(["--account", String(A.arbitrator), "dispute", "release-escrow", adjustedId, "--proof", file]);
    expect(open.code).to.equal(1);
    expect(open.stderr).to.contain(`DisputeCourtStillOpen(disputeId: ${adjustedId})`);

    await advance(CHALLENGE_WINDOW);
    await ok([...as("arbitrator"), "dispute", "rule", adjustedId, "ADJUST_CONTRIBUTION", "--adjusted-measure", "200", "--ruling-hash", "text:halved"]);
    await ok([...as("arbitrator"), "dispute", "rule", dismissedId, "DISMISS", "--ruling-hash", "text:dismissed"]);

    // Adjusted: the arbitrator names the contributor's part, the rest returns to the product's unsettled revenue.
    const noPart = await world.cli(["--account", String(A.arbitrator), "dispute", "release-escrow", adjustedId, "--proof", file]);
    expect(noPart.code).to.equal(2);
    expect(noPart.stderr).to.contain(`--contributor-part: dispute ${adjustedId} was ruled ADJUST_CONTRIBUTION`);
    const part = BigInt(adjustedLeaf.amount) / 2n;
    const notArbitrator = await world.cli(["--account", String(A.alice), "dispute", "release-escrow", adjustedId, "--proof", file, "--contributor-part", String(part)]);
    expect(notArbitrator.code).to.equal(1);
    expect(notArbitrator.stderr).to.contain("does not hold the ARBITRATOR role");
    const [bobBefore, unsettledBefore] = [await token.balanceOf(bob.address), await vault.unsettled(BigInt(ids.product!), 1)];
    const released = await world.cli(["--json", "--account", String(A.arbitrator), "dispute", "release-escrow", adjustedId, "--proof", file, "--contributor-part", String(part)]);
    expect(released.code, released.stderr).to.equal(0);
    const returned = BigInt(adjustedLeaf.amount) - part;
    expect(released.json<{ release: Record<string, string> }>().release).to.deep.include({ recipient: bob.address, paid: String(part), returned: String(returned) });
    expect(await token.balanceOf(bob.address)).to.equal(bobBefore + part);
    expect(await vault.unsettled(BigInt(ids.product!), 1)).to.equal(unsettledBefore + returned);

    // Dismissed: all of it to the contributor; anyone may release it, the leaf recomputed from chain data.
    const wrongPart = await world.cli(["--account", String(A.outsider), "dispute", "release-escrow", dismissedId, "--epoch", settled.epochId, "--contributor-part", "1"]);
    expect(wrongPart.code).to.equal(2);
    expect(wrongPart.stderr).to.contain("which pays the contributor the whole leaf");
    const aliceBefore = await token.balanceOf(alice.address);
    const human = await world.cli(["--account", String(A.outsider), "dispute", "release-escrow", dismissedId, "--epoch", settled.epochId]);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.contain(`paid ${dismissedLeaf.amount} (`).and.contain(`to the contributor ${alice.address}`).and.contain("returned 0 (0.00 LTY)");
    expect(await token.balanceOf(alice.address)).to.equal(aliceBefore + BigInt(dismissedLeaf.amount));
    const twice = await world.cli(["--account", String(A.outsider), "dispute", "release-escrow", dismissedId, "--epoch", settled.epochId]);
    expect(twice.code).to.equal(1);
    expect(twice.stderr).to.contain("RevenueVaultAlreadyClaimed");

    // What was returned is settled again, from a state read at or after the last settlement of the product and version.
    const stale = await world.cli(["--account", String(A.settler), "settlement", "propose", ids.product!, "--block", settled.stateBlock]);
    expect(stale.code).to.equal(2);
    expect(stale.stderr).to.contain(`--block: ${settled.stateBlock} precedes the last settlement or rejection of product ${ids.product}`);
    const early = join(world.dir, "early.json");
    const later = join(world.dir, "later.json");
    await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", early]);
    await ok([...as("carol"), "deposit", ids.product!, "500"]);
    await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", later]);
    await ok([...as("settler"), "settlement", "submit", "--from", later]);
    const staleSubmit = await world.cli(["--account", String(A.settler), "settlement", "submit", "--from", early]);
    expect(staleSubmit.code).to.equal(1);
    expect(staleSubmit.stderr).to.contain("RevenueVaultStaleStateBlock").and.contain("compute it again from a state block at or after");

    const grantDispute = await ok([...as("alice"), "dispute", "open", "GRANT", ids.resource!, ids.signedGrant!, "--grounds-hash", "text:late"]);
    await advance(RULING_PERIOD + 1n);
    await ok([...as("outsider"), "dispute", "lapse", grantDispute.ids.disputeId![0]!]);
    expect(Number((await world.ledger.disputeCourt.dispute(BigInt(grantDispute.ids.disputeId![0]!))).status)).to.equal(3);
  });

  it("credits a rejected, partly claimed settlement in the next one: every party ends with its share, once", async () => {
    const { bob, alice, vault } = world.ledger;
    await ok([...as("carol"), "deposit", ids.product!, "20000"]);
    const first = join(world.dir, "rejected.json");
    await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", first]);
    const posted = await ok([...as("settler"), "settlement", "submit", "--from", first]);
    const epochId = posted.ids.epochId![0]!;
    await advance(CHALLENGE_WINDOW);
    await ok([...as("bob"), "claim", "--proof", first]);
    // The holder disputes its own product's settlement: nobody answers (it is the ledger's act); its claims pause.
    const opened = await ok([...as("bob"), "dispute", "open", "SETTLEMENT", ids.product!, epochId, "--grounds-hash", "text:wrong-state"]);
    expect((opened as unknown as { dispute: { respondent: string } }).dispute.respondent).to.equal("0x0000000000000000000000000000000000000000");
    await advance(ANSWER_PERIOD);
    await ok([...as("arbitrator"), "dispute", "rule", opened.ids.disputeId![0]!, "REJECT_SETTLEMENT", "--ruling-hash", "text:rejected"]);
    expect(Number((await vault.epoch(BigInt(epochId))).status)).to.equal(3);

    // What was not claimed returns to unsettled revenue; the next settlement splits it and credits bob's claim.
    type File = { amount: string; leaves: { account: string; amount: string }[] };
    const leafOf = (file: File, account: string) => file.leaves.find((l) => l.account === account.toLowerCase())?.amount ?? "0";
    const rejected = JSON.parse(await readFile(first, "utf8")) as File;
    const next = join(world.dir, "credited.json");
    const credited = (await ok([...as("settler"), "settlement", "propose", ids.product!, "--out", next])) as unknown as File;
    expect(BigInt(credited.amount)).to.equal(BigInt(rejected.amount) - BigInt(leafOf(rejected, bob.address)));
    expect(BigInt(credited.amount)).to.equal(await vault.unsettled(BigInt(ids.product!), 1));
    expect(leafOf(credited, alice.address)).to.equal(leafOf(rejected, alice.address));
    expect(leafOf(credited, bob.address)).to.equal("0"); // already paid its share by the rejected settlement
    await ok([...as("settler"), "settlement", "submit", "--from", next]);
    const verified = await world.cli(["--json", "verify", "split", ids.product!, String(await vault.epochCount())]);
    expect(verified.code, verified.stderr).to.equal(0);
  });

  it("evidence head matches the registry", async () => {
    const result = await world.cli(["--json", "evidence", "head", ids.resource!]);
    const [seq, head] = await world.ledger.registry.evidenceHead(BigInt(ids.resource!));
    expect(result.json()).to.deep.equal({ ok: true, assetId: ids.resource, seq: Number(seq), head });
  });
});
