import { expect } from "chai";
import { network } from "hardhat";
import type { Address } from "viem";

import { escrowAccount } from "../../ledger/split/index.js";
import { proposeSettlement, unsettledAmount } from "../../ledger/state/index.js";
import { AssetKind, ContributionRole, DisputeKind, EmptyStageRule, Remedy, Rights, Stage } from "../../ledger/types.js";
import { CHALLENGE_WINDOW, deployLedger, grantTerms, h, issueAsset, makeGrant, type Ledger } from "../helpers/ledger.js";
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
 * contributions at three stages by bob (holder), alice (provider, twice: one disputed) and carol
 * (processor under bob's grant); a policy; revenue deposited.
 */
async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { contributions, grants, token, vault, disputeCourt, alice, bob, carol } = ledger;
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
  await send(contributions.connect(bob).record([input(Stage.APPLICATION, ContributionRole.HOLDER, 0n, 4_000n)]));
  await send(
    contributions.connect(alice).record([
      input(Stage.COLLECTION, ContributionRole.PROVIDER, resource, 6_000n),
      input(Stage.COLLECTION, ContributionRole.PROVIDER, resource, 3_000n),
    ]),
  );
  await send(contributions.connect(carol).record([input(Stage.PROCESSING, ContributionRole.PROCESSOR, toCarol, 2_000n)]));
  await send(contributions.connect(bob).confirm([1n, 2n, 3n, 4n]));
  await send(contributions.connect(bob).setSplitPolicy(product, [3_000, 3_000, 1_000, 3_000], EmptyStageRule.PRO_RATA));
  await send(disputeCourt.connect(carol).openDispute(DisputeKind.CONTRIBUTION, product, 3n, 0n, h("double-counted"), ""));
  await send(token.mint(carol.address, REVENUE));
  await send(token.connect(carol).approve(await vault.getAddress(), REVENUE));
  await send(vault.connect(carol).deposit(product, REVENUE, h("order")));
  void grants;
  return { ledger, resource, product, disputeId: 1n };
}

describe("ledger state: settlement proposals", () => {
  it("proposes what the vault accepts, every party claims its leaf, and the escrow is released by the court", async () => {
    const { ledger, product, disputeId } = await networkHelpers.loadFixture(world);
    const { vault, token, settler, arbitrator, disputeCourt } = ledger;
    const { state, lastBlock } = await foldChain(connection, ledger);

    expect(unsettledAmount(state, product, 1)).to.equal(await vault.unsettled(product, 1));
    const proposal = proposeSettlement(state, product, 1, lastBlock)!;
    expect(proposal.amount).to.equal(REVENUE);
    const total = proposal.allocation.entries.reduce((sum, entry) => sum + entry.amount, 0n);
    expect(total).to.equal(REVENUE);
    const escrow = escrowAccount(disputeId).toLowerCase();
    expect(proposal.allocation.entries.map((entry) => entry.account)).to.include(escrow);

    await send(vault.connect(settler).settle(product, 1, proposal.amount, proposal.merkleRoot, proposal.stateBlock, proposal.inputsHash));
    await networkHelpers.time.increase(CHALLENGE_WINDOW);

    const signers = new Map((await ethers.getSigners()).map((signer) => [signer.address.toLowerCase(), signer]));
    for (let i = 0; i < proposal.tree.length; i += 1) {
      const leaf = proposal.tree.claimAt(i);
      if (leaf.account.toLowerCase() === escrow) continue;
      const claimant = signers.get(leaf.account.toLowerCase())!;
      const claim = { epochId: 1n, index: leaf.index, account: leaf.account, amount: leaf.amount, proof: leaf.proof };
      await expect(vault.connect(claimant).claim([claim], claimant.address)).to.changeTokenBalance(ethers, token, claimant, leaf.amount);
    }

    // The disputed record's share waits for the ruling, then goes where the arbitrator says.
    const escrowLeaf = proposal.tree.claim(escrow as Address)!;
    await send(
      disputeCourt.connect(arbitrator).rule(disputeId, {
        remedy: Remedy.VOID_CONTRIBUTION,
        adjustedMeasure: 0n,
        transferTo: ethers.ZeroAddress,
        forfeitBond: false,
        rulingHash: h("void"),
        rulingURI: "",
      }),
    );
    await send(
      disputeCourt
        .connect(arbitrator)
        .releaseEscrow(disputeId, 1n, escrowLeaf.index, escrowLeaf.amount, escrowLeaf.proof, [ledger.bob.address], [escrowLeaf.amount]),
    );
    const [deposited, paidOut, settledUnpaid, unsettled] = await vault.totals();
    expect([deposited, paidOut, settledUnpaid, unsettled]).to.deep.equal([REVENUE, REVENUE, 0n, 0n]);
  });

  it("pays the upstream royalty to the parent's holder, and nothing once all is settled", async () => {
    const { ledger, product } = await networkHelpers.loadFixture(world);
    const { state, lastBlock } = await foldChain(connection, ledger);
    const proposal = proposeSettlement(state, product, 1, lastBlock)!;
    const alice = proposal.allocation.entries.find((entry) => entry.account === ledger.alice.address.toLowerCase())!;
    // alice holds the parent (10% royalty, no policy: all to its holder) and contributed to collection.
    expect(alice.basis.components.map((component) => component.kind)).to.include.members(["holder", "contribution"]);
    expect(alice.amount).to.be.greaterThan(REVENUE / 10n);

    await send(ledger.vault.connect(ledger.settler).settle(product, 1, proposal.amount, proposal.merkleRoot, proposal.stateBlock, proposal.inputsHash));
    const after = await foldChain(connection, ledger);
    expect(unsettledAmount(after.state, product, 1)).to.equal(0n);
    expect(proposeSettlement(after.state, product, 1, after.lastBlock)).to.equal(undefined);
  });
});
