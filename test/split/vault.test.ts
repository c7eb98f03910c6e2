import { expect } from "chai";
import { network } from "hardhat";
import type { Address } from "viem";

import { allocationTree, escrowAccount, isEscrowAccount, splitInputsHash, splitRevenue, type SplitInput } from "../../ledger/split/index.js";
import { AssetKind, EmptyStageRule } from "../../ledger/types.js";
import { h, issueAsset } from "../helpers/ledger.js";
import { send } from "../helpers/registry.js";
import { CHALLENGE_WINDOW, deployVault } from "../helpers/vault.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DISPUTE = 7n;

describe("split: settled and claimed on the RevenueVault", () => {
  it("escrow accounts are the vault's, and only they are escrow accounts to it", async () => {
    const { vault } = await deployVault(connection);
    for (const disputeId of [0n, 1n, DISPUTE, 2n ** 32n + 5n, 2n ** 64n - 1n]) {
      const account = escrowAccount(disputeId);
      expect(await vault.escrowAccount(disputeId)).to.equal(ethers.getAddress(account));
      expect(await vault.isEscrowAccount(account)).to.equal(true);
      expect(isEscrowAccount(account)).to.equal(true);
    }
    await expect(vault.escrowAccount(2n ** 64n)).to.be.revertedWithCustomError(vault, "EscrowAccountsDisputeIdTooLarge");
    for (const other of [ethers.ZeroAddress, "0x0000000000000000000000000000000000000007", (await ethers.getSigners())[0]!.address]) {
      expect(await vault.isEscrowAccount(other)).to.equal(false);
      expect(isEscrowAccount(other)).to.equal(false);
    }
  });

  it("the vault pays every leaf of a split with the engine's proofs, the escrow leaf to the court's ruling", async () => {
    const world = await deployVault(connection);
    const { alice, bob, carol, vault, token } = world;
    const productId = await issueAsset(connection, world, alice, { kind: AssetKind.PRODUCT });
    await send(world.contributions.connect(alice).setSplitPolicy(productId, [2_000, 5_000, 2_000, 1_000], EmptyStageRule.PRO_RATA));
    const revenue = 10_001n;
    await send(token.mint(world.payer.address, revenue));
    await send(token.connect(world.payer).approve(await vault.getAddress(), revenue));
    await send(vault.connect(world.payer).deposit(productId, revenue, h("order-1")));

    const input: SplitInput = {
      amount: revenue,
      context: {
        assetId: productId,
        policy: { version: 1, stageWeightsBps: [2_000, 5_000, 2_000, 1_000], emptyStageRule: "PRO_RATA" },
        holder: alice.address as Address,
        contributions: [
          { id: 1n, contributor: alice.address as Address, stage: 0, measure: 5n },
          { id: 2n, contributor: bob.address as Address, stage: 1, measure: 3n },
          { id: 3n, contributor: carol.address as Address, stage: 1, measure: 2n, disputeId: DISPUTE },
          { id: 4n, contributor: carol.address as Address, stage: 3, measure: 1n },
        ],
        parents: [],
      },
    };
    const allocation = splitRevenue(input);
    const tree = allocationTree(allocation);
    expect(await vault.escrowAccount(DISPUTE)).to.equal(ethers.getAddress(escrowAccount(DISPUTE)));

    const stateBlock = BigInt(await ethers.provider.getBlockNumber());
    await send(vault.connect(world.settler).settle(productId, 1n, revenue, tree.root, stateBlock, splitInputsHash(input)));
    const epochId = await vault.epochCount();
    await networkHelpers.time.increase(CHALLENGE_WINDOW);

    for (const signer of [alice, bob, carol]) {
      const leaf = tree.claim(signer.address as Address)!;
      await send(vault.connect(signer).claim([{ epochId, ...leaf }], signer.address));
      expect(await token.balanceOf(signer.address)).to.equal(leaf.amount);
    }
    const escrow = tree.claim(escrowAccount(DISPUTE))!;
    // An escrow leaf is never claimable, whoever asks; only the court's release moves it.
    await expect(vault.connect(carol).claim([{ epochId, ...escrow }], carol.address)).to.be.revertedWithCustomError(vault, "RevenueVaultEscrowLeaf");
    await send(vault.connect(world.court).releaseEscrow(epochId, escrow.index, DISPUTE, escrow.amount, escrow.proof, carol.address, escrow.amount));

    expect(allocation.entries).to.have.length(4);
    expect(await token.balanceOf(carol.address)).to.equal(tree.claim(carol.address as Address)!.amount + escrow.amount);
    expect((await vault.epoch(epochId)).claimed).to.equal(revenue);
    expect(await token.balanceOf(await vault.getAddress())).to.equal(0n);
  });
});
