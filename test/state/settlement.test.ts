import { expect } from "chai";
import { network } from "hardhat";
import type { Address } from "viem";

import { escrowAccount, type AllocationClaim } from "../../ledger/split/index.js";
import {
  key,
  MemoryState,
  pendingCredits,
  proposeSettlement,
  readDocument,
  reduceLedgerEvent,
  settlementOf,
  unsettledAmount,
  type AssetRecord,
  type BondRecord,
  type ClaimRecord,
  type DisputeRecord,
  type EpochRecord,
  type LedgerEvent,
  type SettlementProposal,
} from "../../ledger/state/index.js";
import { AssetKind, ContributionRole, DisputeKind, EmptyStageRule, Remedy, Rights, Stage } from "../../ledger/types.js";
import {
  ANSWER_PERIOD,
  CHALLENGE_WINDOW,
  deployLedger,
  fundBonds,
  grantTerms,
  h,
  issueAsset,
  makeGrant,
  MIN_BOND,
  recordedIds,
  type Ledger,
} from "../helpers/ledger.js";
import { send } from "../helpers/registry.js";
import { foldChain } from "../helpers/state.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const REVENUE = 1_000_003n; // not a round number: rounding has work to do

interface World {
  ledger: Ledger;
  resource: bigint;
  product: bigint;
  /** alice's confirmed provider record under dispute 1 (carol's), held in escrow. */
  disputeId: bigint;
}

/**
 * alice's resource, granted to bob with a 10% royalty; bob's product derived from it; confirmed
 * contributions at three stages by bob (holder), alice (provider, twice: one disputed by carol, who names
 * her own record as standing) and carol (processor under bob's grant); a policy; revenue deposited.
 */
async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { contributions, token, vault, disputeCourt, alice, bob, carol } = ledger;
  const resource = await issueAsset(connection, ledger, alice);
  const now = BigInt(await networkHelpers.time.latest());
  const toBob = await makeGrant(ledger, alice, grantTerms(bob.address, resource, Rights.PROCESS | Rights.USE, now, { royaltyBps: 1_000 }));
  const product = await issueAsset(connection, ledger, bob, { kind: AssetKind.PRODUCT, parents: [{ assetId: resource, grantId: toBob }] });
  const toCarol = await makeGrant(ledger, bob, grantTerms(carol.address, product, Rights.PROCESS, now));
  const input = (stage: number, role: number, authorization: bigint, measure: bigint) => ({
    productId: product,
    stage,
    role,
    measure,
    authorization,
    evidenceHash: h(`invoice-${measure}`),
    evidenceURI: "",
  });
  const ids = [
    ...(await recordedIds(ledger, contributions.connect(bob).record([input(Stage.APPLICATION, ContributionRole.HOLDER, 0n, 4_000n)]))),
    ...(await recordedIds(
      ledger,
      contributions.connect(alice).record([
        input(Stage.COLLECTION, ContributionRole.PROVIDER, resource, 6_000n),
        input(Stage.COLLECTION, ContributionRole.PROVIDER, resource, 3_000n),
      ]),
    )),
    ...(await recordedIds(ledger, contributions.connect(carol).record([input(Stage.PROCESSING, ContributionRole.PROCESSOR, toCarol, 2_000n)]))),
  ];
  await send(contributions.connect(bob).confirm(ids));
  await send(contributions.connect(bob).setSplitPolicy(product, [3_000, 3_000, 1_000, 3_000], EmptyStageRule.PRO_RATA));
  await fundBonds(ledger, [bob, carol]);
  await send(disputeCourt.connect(carol).openDispute(DisputeKind.CONTRIBUTION, product, ids[2]!, ids[3]!, MIN_BOND, h("double-counted"), ""));
  await send(token.mint(carol.address, REVENUE));
  await send(token.connect(carol).approve(await vault.getAddress(), REVENUE));
  await send(vault.connect(carol).deposit(product, REVENUE, h("order")));
  return { ledger, resource, product, disputeId: 1n };
}

/** The state holding exactly the events up to `block`: what a settlement whose `stateBlock` is `block` read. */
function stateAt(events: readonly LedgerEvent[], block: bigint): MemoryState {
  const state = new MemoryState();
  for (const event of events) if (event.blockNumber <= block) reduceLedgerEvent(event, state);
  return state;
}

async function settle(ledger: Ledger, proposal: SettlementProposal): Promise<bigint> {
  const { vault, settler } = ledger;
  await send(vault.connect(settler).settle(proposal.productId, proposal.policyVersion, proposal.amount, proposal.merkleRoot, proposal.stateBlock, proposal.inputsHash));
  return vault.epochCount();
}

/** Every party with a (non-escrow) leaf in `proposal` claims it from epoch `epochId`; what each got, by account. */
async function claimAll(ledger: Ledger, epochId: bigint, proposal: SettlementProposal, only?: readonly string[]): Promise<Map<string, bigint>> {
  const signers = new Map((await ethers.getSigners()).map((signer) => [signer.address.toLowerCase(), signer]));
  const got = new Map<string, bigint>();
  for (let i = 0; i < proposal.tree.length; i += 1) {
    const leaf: AllocationClaim = proposal.tree.claimAt(i);
    const account = leaf.account.toLowerCase();
    if (signers.get(account) === undefined || (only !== undefined && !only.includes(account))) continue;
    const claimant = signers.get(account)!;
    await send(ledger.vault.connect(claimant).claim([{ epochId, index: leaf.index, account: leaf.account, amount: leaf.amount, proof: leaf.proof }], claimant.address));
    got.set(account, leaf.amount);
  }
  return got;
}

const ruling = (remedy: number, label: string) => ({
  remedy,
  adjustedMeasure: 0n,
  transferTo: ethers.ZeroAddress,
  forfeitBond: false,
  rulingHash: h(label),
  rulingURI: "",
});

describe("ledger state: settlement proposals", () => {
  it("proposes what the vault accepts; every party claims; a voided escrow comes back to unsettled revenue and is settled again", async () => {
    const { ledger, product, disputeId } = await networkHelpers.loadFixture(world);
    const { vault, token, arbitrator, disputeCourt, carol } = ledger;
    const { state, lastBlock } = await foldChain(connection, ledger);

    expect(unsettledAmount(state, product, 1)).to.equal(await vault.unsettled(product, 1));
    const proposal = proposeSettlement(state, product, 1, lastBlock)!;
    expect(proposal.amount).to.equal(REVENUE);
    expect(proposal.credits).to.deep.equal([]);
    expect(proposal.allocation.entries.reduce((sum, entry) => sum + entry.amount, 0n)).to.equal(REVENUE);
    const escrow = escrowAccount(disputeId);
    expect(proposal.allocation.entries.map((entry) => entry.account)).to.include(escrow);

    const epochId = await settle(ledger, proposal);
    await networkHelpers.time.increase(CHALLENGE_WINDOW);
    const got = await claimAll(ledger, epochId, proposal);
    for (const [account, amount] of got) expect(proposal.tree.claim(account as Address)!.amount).to.equal(amount);

    // The disputed record is voided: its escrow leaf goes back, whole, to the product's unsettled revenue.
    const escrowLeaf = proposal.tree.claim(escrow)!;
    await send(disputeCourt.connect(arbitrator).rule(disputeId, ruling(Remedy.VOID_CONTRIBUTION, "void")));
    await send(disputeCourt.connect(carol).releaseEscrow(disputeId, epochId, escrowLeaf.index, escrowLeaf.amount, escrowLeaf.proof, 0n));
    expect(await vault.totals()).to.deep.equal([REVENUE, REVENUE - escrowLeaf.amount, 0n, escrowLeaf.amount]);

    const after = await foldChain(connection, ledger);
    const epoch = readDocument<EpochRecord>(after.state, key.epoch(epochId))!;
    expect([BigInt(epoch.claimed), BigInt(epoch.returned), epoch.rejected]).to.deep.equal([(await vault.epoch(epochId)).claimed, escrowLeaf.amount, null]);
    expect(readDocument<ClaimRecord>(after.state, key.claim(epochId, escrowLeaf.index))).to.deep.include({
      account: "escrow",
      amount: escrowLeaf.amount.toString(),
      recipients: [],
      amounts: [],
      returned: escrowLeaf.amount.toString(),
      disputeId: disputeId.toString(),
    });
    expect(unsettledAmount(after.state, product, 1)).to.equal(await vault.unsettled(product, 1));

    // Its claimant was right: its bond is credited back, then withdrawn.
    const dispute = readDocument<DisputeRecord>(after.state, key.dispute(disputeId))!;
    expect(dispute.bondCredit).to.deep.include({ account: carol.address, amount: MIN_BOND.toString() });
    await expect(disputeCourt.connect(carol).withdrawBond(carol.address, carol.address)).to.changeTokenBalance(ethers, token, carol, MIN_BOND);
    const withdrawn = await foldChain(connection, ledger);
    const bond = readDocument<BondRecord>(withdrawn.state, key.bond(carol.address))!;
    expect([bond.credited, bond.withdrawn, bond.withdrawals.map((w) => [w.recipient, w.amount])]).to.deep.equal([
      MIN_BOND.toString(),
      MIN_BOND.toString(),
      [[carol.address, MIN_BOND.toString()]],
    ]);

    // What came back is settled again, without the voided record.
    const again = proposeSettlement(withdrawn.state, product, 1, withdrawn.lastBlock)!;
    expect(again.amount).to.equal(escrowLeaf.amount);
    expect(again.allocation.entries.map((entry) => entry.account)).not.to.include(escrow);
    await settle(ledger, again);
    expect((await vault.totals())[3]).to.equal(0n);
  });

  it("pays the upstream royalty to the parent's holder, and nothing once all is settled", async () => {
    const { ledger, product } = await networkHelpers.loadFixture(world);
    const { state, lastBlock } = await foldChain(connection, ledger);
    const proposal = proposeSettlement(state, product, 1, lastBlock)!;
    const alice = proposal.allocation.entries.find((entry) => entry.account === ledger.alice.address.toLowerCase())!;
    // alice holds the parent (10% royalty, no policy: all to its holder) and contributed to collection.
    expect(alice.basis.components.map((component) => component.kind)).to.include.members(["holder", "contribution"]);
    expect(alice.amount).to.be.greaterThan(REVENUE / 10n);

    await settle(ledger, proposal);
    const after = await foldChain(connection, ledger);
    expect(unsettledAmount(after.state, product, 1)).to.equal(0n);
    expect(proposeSettlement(after.state, product, 1, after.lastBlock)).to.equal(undefined);
  });

  it("after a rejected, partly claimed settlement, the next one credits the claims: every party ends with its share", async () => {
    const { ledger, product, disputeId } = await networkHelpers.loadFixture(world);
    const { vault, arbitrator, disputeCourt, alice, bob, carol } = ledger;
    const { state, lastBlock } = await foldChain(connection, ledger);
    const first = proposeSettlement(state, product, 1, lastBlock)!;
    const epoch1 = await settle(ledger, first);
    await networkHelpers.time.increase(CHALLENGE_WINDOW);
    const paid1 = await claimAll(ledger, epoch1, first, [alice.address.toLowerCase(), bob.address.toLowerCase()]);
    expect([...paid1.keys()]).to.have.members([alice.address.toLowerCase(), bob.address.toLowerCase()]);

    // bob disputes the settlement of his own product (pausing it), and an arbitrator rejects it.
    await send(disputeCourt.connect(bob).openDispute(DisputeKind.SETTLEMENT, product, epoch1, 0n, MIN_BOND, h("wrong"), ""));
    const settlementDispute = await disputeCourt.disputeCount();
    await networkHelpers.time.increase(ANSWER_PERIOD);
    await send(disputeCourt.connect(arbitrator).rule(settlementDispute, ruling(Remedy.REJECT_SETTLEMENT, "reject")));

    const rejected = await foldChain(connection, ledger);
    const record = readDocument<EpochRecord>(rejected.state, key.epoch(epoch1))!;
    expect(record.status).to.equal(3);
    expect(record.rejected).to.not.equal(null);
    const claimedBefore = [...paid1.values()].reduce((sum, amount) => sum + amount, 0n);
    expect(unsettledAmount(rejected.state, product, 1)).to.equal(REVENUE - claimedBefore);
    expect(unsettledAmount(rejected.state, product, 1)).to.equal(await vault.unsettled(product, 1));
    // A holder's settlement dispute has no respondent: it is listed for its claimant only.
    expect(readDocument<DisputeRecord>(rejected.state, key.dispute(settlementDispute))!.respondent).to.equal(ethers.ZeroAddress);
    const credits = pendingCredits(rejected.state, product, 1);
    expect(credits).to.deep.equal(
      [...paid1].map(([account, amount]) => ({ account, amount })).sort((a, b) => (a.account < b.account ? -1 : 1)),
    );

    // A settlement read before the rejection would credit nothing twice over: the vault refuses it.
    await expect(
      vault.connect(ledger.settler).settle(product, 1, REVENUE - claimedBefore, first.merkleRoot, first.stateBlock, first.inputsHash),
    ).to.be.revertedWithCustomError(vault, "RevenueVaultStaleStateBlock");

    const second = proposeSettlement(rejected.state, product, 1, rejected.lastBlock)!;
    expect(second.amount).to.equal(REVENUE - claimedBefore);
    expect(second.credits).to.deep.equal(credits);
    expect(second.allocation.credits!.prorated).to.equal(false);
    const epoch2 = await settle(ledger, second);
    await networkHelpers.time.increase(CHALLENGE_WINDOW);
    const paid2 = await claimAll(ledger, epoch2, second);

    // alice and bob were credited their claims; everyone, over both epochs, got its leaf of the first; the
    // escrow leaf (dispute still open) is the same.
    for (const signer of [alice, bob, carol]) {
      const account = signer.address.toLowerCase();
      const total = (paid1.get(account) ?? 0n) + (paid2.get(account) ?? 0n);
      expect(total, account).to.equal(first.tree.claim(account as Address)!.amount);
    }
    expect(second.tree.claim(escrowAccount(disputeId))!.amount).to.equal(first.tree.claim(escrowAccount(disputeId))!.amount);

    // Anyone recomputes both settlements from the state at their state blocks (what `verify split` does).
    const { events } = await foldChain(connection, ledger);
    for (const [epochId, posted] of [
      [epoch1, first],
      [epoch2, second],
    ] as const) {
      const recomputed = settlementOf(stateAt(events, posted.stateBlock), product, 1, posted.amount, posted.stateBlock);
      expect([recomputed.merkleRoot, recomputed.inputsHash]).to.deep.equal([posted.merkleRoot, posted.inputsHash]);
      expect(readDocument<EpochRecord>(stateAt(events, BigInt(await ethers.provider.getBlockNumber())), key.epoch(epochId))!.inputsHash).to.equal(posted.inputsHash);
    }
    // With nothing pending any more, no credit is taken twice.
    expect(pendingCredits((await foldChain(connection, ledger)).state, product, 1)).to.deep.equal([]);
  });

  it("royalties stack down a sub-grant chain: the root's to the parent asset, the sub-grant's to its grantor", async () => {
    const ledger = await deployLedger(connection);
    const { grants, token, vault, alice, bob, carol } = ledger;
    // alice's resource, licensed to bob (PROCESS + SUBLICENSE) at 30%; bob sub-licenses carol at 10%;
    // carol derives a product under the sub-grant. No policy, no contributions anywhere.
    const resource = await issueAsset(connection, ledger, alice);
    const now = BigInt(await networkHelpers.time.latest());
    const toBob = await makeGrant(ledger, alice, grantTerms(bob.address, resource, Rights.PROCESS | Rights.SUBLICENSE, now, { royaltyBps: 3_000 }));
    await send(grants.connect(bob).subGrant(toBob, grantTerms(carol.address, resource, Rights.PROCESS, now, { royaltyBps: 1_000 })));
    const toCarol = await grants.grantCount();
    const product = await issueAsset(connection, ledger, carol, { kind: AssetKind.PRODUCT, parents: [{ assetId: resource, grantId: toCarol }] });
    const revenue = 1_000_000n;
    await send(token.mint(carol.address, revenue));
    await send(token.connect(carol).approve(await vault.getAddress(), revenue));
    await send(vault.connect(carol).deposit(product, revenue, h("order")));

    const { state, lastBlock } = await foldChain(connection, ledger);
    expect(readDocument<AssetRecord>(state, key.asset(product))!.parents).to.deep.equal([
      { assetId: resource.toString(), grantId: toCarol.toString(), royaltyBps: 3_000, licensors: [{ grantId: toCarol.toString(), grantor: bob.address, royaltyBps: 1_000 }] },
    ]);
    const proposal = proposeSettlement(state, product, 0, lastBlock)!;
    // 30% to the resource (alice holds it, no policy), 10% to bob as sub-grantor, carol keeps 60%.
    expect(proposal.allocation.entries.map((entry) => [entry.account, entry.amount])).to.have.deep.members([
      [alice.address.toLowerCase(), 300_000n],
      [bob.address.toLowerCase(), 100_000n],
      [carol.address.toLowerCase(), 600_000n],
    ]);
    const bobs = proposal.allocation.entries.find((entry) => entry.account === bob.address.toLowerCase())!;
    expect(bobs.basis.components).to.deep.equal([{ kind: "licensor", path: [product, resource], grantId: toCarol, share: { numerator: 100_000n, denominator: 1n } }]);

    const epochId = await settle(ledger, proposal);
    await networkHelpers.time.increase(CHALLENGE_WINDOW);
    const got = await claimAll(ledger, epochId, proposal);
    expect(got.get(bob.address.toLowerCase())).to.equal(100_000n);
  });
});
