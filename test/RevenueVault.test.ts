import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { AbiCoder, keccak256, type ContractTransactionResponse, type Interface } from "ethers";
import { network } from "hardhat";

import { ROLE_IDS } from "../ledger/roles.js";
import { AssetKind, EmptyStageRule } from "../ledger/types.js";
import { fileApplication, h, issueAsset, ZERO_HASH } from "./helpers/ledger.js";
import { actorsExcept, send, type ActorName } from "./helpers/registry.js";
import {
  AllocationTree,
  CHALLENGE_WINDOW,
  deployVault,
  deployVaultFor,
  EpochStatus,
  escrowAccount,
  ESCROW_TAG,
  FastStandardTree,
  LEAF_TYPES,
  type ClaimInput,
  type VaultLedger,
} from "./helpers/vault.js";
import type {
  FeeOnTransferToken,
  HollowToken,
  NoReturnToken,
  ReentrantClaimer,
  ReentrantToken,
  RevenueVault,
} from "../types/ethers-contracts/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

/** A dispute whose contribution's share sits in escrow in the fixture's first epoch. */
const DISPUTE = 7n;
const REF = h("order-1");
/** Split-policy weights (bps by stage) for the tests that set a policy. */
const WEIGHTS: [number, number, number, number] = [2_500, 2_500, 2_500, 2_500];
/** The longest challenge window the vault accepts: 90 days. */
const MAX_CHALLENGE_WINDOW = 90n * 24n * 3600n;

// ------------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------------

interface World extends VaultLedger {
  /** A data product held by alice. */
  productId: bigint;
  /** A data product held by bob. */
  otherProductId: bigint;
}

interface Posted extends World {
  /** alice 4,000, bob 3,000, carol 2,000 and the escrow of DISPUTE 1,000 of the product's 10,000. */
  tree: AllocationTree;
  epochId: bigint;
  /** alice 1,500 and bob 4,500 of the other product's 6,000. */
  otherTree: AllocationTree;
  otherEpochId: bigint;
}

/** The vault, two issued products, and a payer with tokens the vault may take. */
async function products(): Promise<World> {
  const ledger = await deployVault(connection);
  const productId = await issueAsset(connection, ledger, ledger.alice, { kind: AssetKind.PRODUCT });
  const otherProductId = await issueAsset(connection, ledger, ledger.bob, { kind: AssetKind.PRODUCT });
  await send(ledger.token.mint(ledger.payer.address, 100_000_000n));
  await send(ledger.token.connect(ledger.payer).approve(await ledger.vault.getAddress(), ethers.MaxUint256));
  return { ...ledger, productId, otherProductId };
}

/** {products}, with 10,000 deposited for the product and 6,000 for the other, both under version 0. */
async function funded(): Promise<World> {
  const world = await products();
  await send(world.vault.connect(world.payer).deposit(world.productId, 10_000n, REF));
  await send(world.vault.connect(world.payer).deposit(world.otherProductId, 6_000n, h("order-2")));
  return world;
}

/** {funded}, with both products settled in full: epochs 1 and 2, in their challenge window. */
async function posted(): Promise<Posted> {
  const world = await funded();
  const tree = new AllocationTree([
    { account: world.alice.address, amount: 4_000n },
    { account: world.bob.address, amount: 3_000n },
    { account: world.carol.address, amount: 2_000n },
    { account: escrowAccount(DISPUTE), amount: 1_000n },
  ]);
  const otherTree = new AllocationTree([
    { account: world.alice.address, amount: 1_500n },
    { account: world.bob.address, amount: 4_500n },
  ]);
  const epochId = await settleTree(world, world.productId, 0n, tree);
  const otherEpochId = await settleTree(world, world.otherProductId, 0n, otherTree);
  return { ...world, tree, epochId, otherTree, otherEpochId };
}

/** {posted}, after the challenge windows: the epochs can be claimed. */
async function claimable(): Promise<Posted> {
  const world = await posted();
  await time.increase(CHALLENGE_WINDOW);
  return world;
}

/** {claimable}, with epoch 1 paused by the court and alice's leaf of it claimed before. */
async function pausedAfterAClaim(): Promise<Posted> {
  const world = await claimable();
  await send(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0)], world.alice.address));
  await send(world.vault.connect(world.court).pause(world.epochId, h("dispute")));
  return world;
}

/** {funded}, with a policy set for the product after its first deposit, and a deposit under it. */
async function underTwoVersions(): Promise<World> {
  const world = await funded();
  await send(world.contributions.connect(world.alice).setSplitPolicy(world.productId, WEIGHTS, EmptyStageRule.TO_HOLDER));
  await send(world.vault.connect(world.payer).deposit(world.productId, 2_000n, h("order-3")));
  return world;
}

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

/** Every vault (with its token) whose books the current test touched: checked after each test. */
const watched: { vault: RevenueVault; token: { balanceOf(account: string): Promise<bigint> } }[] = [];

async function load<T extends VaultLedger>(fixture: () => Promise<T>): Promise<T> {
  const world = await loadFixture(fixture);
  watched.push({ vault: world.vault, token: world.token });
  return world;
}

/** The vault's conservation laws, which must hold after anything. */
async function expectConserved(vault: RevenueVault, token: { balanceOf(account: string): Promise<bigint> }): Promise<void> {
  const [deposited, paidOut, settledUnpaid, unsettledTotal] = await vault.totals();
  expect(await token.balanceOf(await vault.getAddress()), "balance = deposited - paid out").to.equal(deposited - paidOut);
  expect(deposited, "deposited = paid out + settled unpaid + unsettled").to.equal(paidOut + settledUnpaid + unsettledTotal);
  let unclaimed = 0n;
  for (let epochId = 1n; epochId <= (await vault.epochCount()); epochId += 1n) {
    const stored = await vault.epoch(epochId);
    expect(stored.claimed, `epoch ${epochId}: claimed <= amount`).to.be.at.most(stored.amount);
    if (Number(stored.status) !== EpochStatus.REJECTED) unclaimed += stored.amount - stored.claimed;
  }
  expect(settledUnpaid, "settled unpaid = unclaimed amounts of live epochs").to.equal(unclaimed);
}

async function latest(): Promise<bigint> {
  return BigInt(await time.latest());
}

async function latestBlock(): Promise<bigint> {
  return BigInt(await ethers.provider.getBlockNumber());
}

/** Settles `amount` (the tree's total unless given) of `productId` under `version`; returns the epoch id. */
async function settleTree(
  world: VaultLedger,
  productId: bigint,
  version: bigint,
  tree: { root: string; total?: bigint },
  amount: bigint = tree.total ?? 0n,
  vault: RevenueVault = world.vault,
): Promise<bigint> {
  await send(vault.connect(world.settler).settle(productId, version, amount, tree.root, await latestBlock(), h("inputs")));
  return vault.epochCount();
}

function signerOf(world: VaultLedger, name: ActorName): HardhatEthersSigner {
  return world.actors[name];
}

/** Every signer of the fixture but those named (the court and the payer are named `court` and `payer`). */
function callersExcept(world: VaultLedger, ...excluded: (ActorName | "court" | "payer")[]): HardhatEthersSigner[] {
  const names = actorsExcept(...(excluded.filter((name) => name !== "court" && name !== "payer") as ActorName[]));
  const callers = names.map((name) => signerOf(world, name));
  if (!excluded.includes("court")) callers.push(world.court);
  if (!excluded.includes("payer")) callers.push(world.payer);
  return callers;
}

/** The evidence payload of a domain event: keccak256 of the ABI encoding of all its arguments, in order. */
function payloadHash(iface: Interface, eventName: string, args: readonly unknown[]): string {
  const fragment = iface.getEvent(eventName);
  if (fragment === null) throw new Error(`no event ${eventName}`);
  return keccak256(AbiCoder.defaultAbiCoder().encode(fragment.inputs, args));
}

/** `tx` appended entry `seqBefore + 1` to the product's chain, for `eventName(args)`, by `actor`. */
async function expectEvidence(
  world: VaultLedger,
  tx: ContractTransactionResponse,
  productId: bigint,
  seqBefore: bigint,
  eventName: string,
  args: readonly unknown[],
  actor: string,
): Promise<void> {
  await tx.wait();
  const [seq, head] = await world.registry.evidenceHead(productId);
  expect(seq).to.equal(seqBefore + 1n);
  const fragment = (world.vault.interface as Interface).getEvent(eventName);
  if (fragment === null) throw new Error(`no event ${eventName}`);
  await expect(tx)
    .to.emit(world.registry, "EvidenceAppended")
    .withArgs(
      productId,
      seq,
      fragment.topicHash,
      payloadHash(world.vault.interface, eventName, args),
      actor,
      await latest(),
      head,
    );
}

async function evidenceSeq(world: VaultLedger, productId: bigint): Promise<bigint> {
  const [seq] = await world.registry.evidenceHead(productId);
  return seq;
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  return (await send(tx)).gasUsed;
}

/** 21,000 plus 4 gas per zero and 16 per non-zero byte of `data`. */
function intrinsicGas(data: string): bigint {
  let gas = 21_000n;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4n : 16n;
  return gas;
}

// ------------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------------

describe("RevenueVault", () => {
  // Conservation, after every test, for every vault the test used.
  afterEach(async () => {
    for (const { vault, token } of watched.splice(0)) await expectConserved(vault, token);
  });

  describe("deployment", () => {
    it("is deployed by the ledger's module: its token and window, an evidence writer", async () => {
      const world = await load(products);
      expect(await world.registry.isEvidenceWriter(await world.vault.getAddress())).to.equal(true);
      expect(await world.vault.settlementToken()).to.equal(await world.token.getAddress());
      expect(await world.vault.challengeWindow()).to.equal(CHALLENGE_WINDOW);
      expect(await world.vault.registry()).to.equal(await world.registry.getAddress());
      expect(await world.vault.contributions()).to.equal(await world.contributions.getAddress());
      expect(await world.vault.accessManager()).to.equal(await world.accessManager.getAddress());
      expect(await world.vault.depositCount()).to.equal(0n);
      expect(await world.vault.epochCount()).to.equal(0n);
      expect(await world.vault.totals()).to.deep.equal([0n, 0n, 0n, 0n]);
    });

    it("announces its challenge window when deployed", async () => {
      const world = await load(products);
      const vault = await deployVaultFor(connection, world, await world.token.getAddress(), 60n);
      await expect(vault.deploymentTransaction()).to.emit(vault, "ChallengeWindowSet").withArgs(60n);
      expect(await vault.challengeWindow()).to.equal(60n);
    });

    it("refuses a challenge window shorter than a minute or longer than 90 days", async () => {
      const world = await load(products);
      const factory = await ethers.getContractFactory("RevenueVault");
      const args = [
        await world.accessManager.getAddress(),
        await world.registry.getAddress(),
        await world.contributions.getAddress(),
        await world.token.getAddress(),
      ] as const;
      for (const window of [0n, 59n, MAX_CHALLENGE_WINDOW + 1n]) {
        await expect(factory.deploy(...args, window))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultInvalidChallengeWindow")
          .withArgs(window);
      }
      const longest = await deployVaultFor(connection, world, await world.token.getAddress(), MAX_CHALLENGE_WINDOW);
      expect(await longest.challengeWindow()).to.equal(MAX_CHALLENGE_WINDOW);
    });

    it("refuses a zero access manager, registry, contribution ledger or token", async () => {
      const world = await load(products);
      const addresses = [
        await world.accessManager.getAddress(),
        await world.registry.getAddress(),
        await world.contributions.getAddress(),
        await world.token.getAddress(),
      ];
      const factory = await ethers.getContractFactory("RevenueVault");
      for (let i = 0; i < addresses.length; i += 1) {
        const [manager, registry, contributions, token] = addresses.map((address, j) => (j === i ? ethers.ZeroAddress : address));
        await expect(factory.deploy(manager!, registry!, contributions!, token!, CHALLENGE_WINDOW)).to.be.revertedWithCustomError(
          world.vault,
          "LedgerAccessZeroAddress",
        );
      }
    });

    it("derives escrow accounts as its TypeScript twin does: the 96-bit tag, then the 64-bit dispute id", async () => {
      const world = await load(products);
      const maxId = 2n ** 64n - 1n;
      for (const disputeId of [0n, 1n, DISPUTE, 2n ** 32n + 5n, maxId]) {
        const account = await world.vault.escrowAccount(disputeId);
        expect(account).to.equal(escrowAccount(disputeId));
        expect(account.toLowerCase().startsWith(ESCROW_TAG), `tag of ${disputeId}`).to.equal(true);
        expect(BigInt(account) & maxId).to.equal(disputeId);
        expect(await world.vault.isEscrowAccount(account)).to.equal(true);
      }
      expect(escrowAccount(1n)).to.not.equal(escrowAccount(2n));
      // A dispute id that does not fit the account's 64 bits has no escrow account.
      for (const disputeId of [2n ** 64n, 2n ** 255n]) {
        await expect(world.vault.escrowAccount(disputeId))
          .to.be.revertedWithCustomError(world.vault, "EscrowAccountsDisputeIdTooLarge")
          .withArgs(disputeId);
      }
    });

    it("tells escrow accounts from every other account", async () => {
      const world = await load(products);
      const others = [
        ethers.ZeroAddress,
        world.alice.address,
        world.court.address,
        await world.vault.getAddress(),
        // The tag with one bit off, and the tag shifted into the low bits.
        ethers.getAddress("0x" + (BigInt(escrowAccount(DISPUTE)) ^ (1n << 64n)).toString(16).padStart(40, "0")),
        ethers.getAddress("0x" + "00".repeat(8) + ESCROW_TAG.slice(2)),
      ];
      for (const account of others) expect(await world.vault.isEscrowAccount(account), account).to.equal(false);
    });
  });

  describe("allocation trees (test helpers)", () => {
    it("builds large trees exactly as StandardMerkleTree does", async () => {
      for (const size of [1, 2, 3, 4, 5, 8, 13, 100]) {
        const values = Array.from(
          { length: size },
          (_, i): [bigint, string, bigint] => [
            BigInt(i),
            ethers.getAddress(ethers.id(`party ${size}/${i}`).slice(0, 42)),
            BigInt(i * 977 + 1),
          ],
        );
        const reference = StandardMerkleTree.of(values, [...LEAF_TYPES]);
        const fast = await FastStandardTree.build(values);
        expect(fast.root, `root of ${size}`).to.equal(reference.root);
        for (let i = 0; i < size; i += 1) expect(fast.getProof(i), `proof ${i} of ${size}`).to.deep.equal(reference.getProof(i));
      }
    });
  });

  describe("deposit", () => {
    it("takes the revenue, tags it with version 0 before any policy, and extends the evidence chain", async () => {
      const world = await load(products);
      const seq = await evidenceSeq(world, world.productId);
      const tx = await world.vault.connect(world.payer).deposit(world.productId, 12_345n, REF);
      await expect(tx)
        .to.emit(world.vault, "RevenueDeposited")
        .withArgs(1n, world.productId, world.payer.address, 12_345n, 0n, REF);
      await expect(tx).to.changeTokenBalances(ethers, world.token, [world.payer, world.vault], [-12_345n, 12_345n]);
      await expectEvidence(
        world,
        tx,
        world.productId,
        seq,
        "RevenueDeposited",
        [1n, world.productId, world.payer.address, 12_345n, 0n, REF],
        world.payer.address,
      );
      expect(await world.vault.depositCount()).to.equal(1n);
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(12_345n);
      expect(await world.vault.totals()).to.deep.equal([12_345n, 0n, 0n, 12_345n]);
    });

    it("tags revenue with the policy version in force: a new policy applies only to later revenue", async () => {
      const world = await load(funded);
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(10_000n);
      await send(world.contributions.connect(world.alice).setSplitPolicy(world.productId, WEIGHTS, EmptyStageRule.TO_HOLDER));
      await expect(world.vault.connect(world.payer).deposit(world.productId, 2_000n, REF))
        .to.emit(world.vault, "RevenueDeposited")
        .withArgs(3n, world.productId, world.payer.address, 2_000n, 1n, REF);
      await send(world.contributions.connect(world.alice).setSplitPolicy(world.productId, WEIGHTS, EmptyStageRule.PRO_RATA));
      await expect(world.vault.connect(world.payer).deposit(world.productId, 500n, REF))
        .to.emit(world.vault, "RevenueDeposited")
        .withArgs(4n, world.productId, world.payer.address, 500n, 2n, REF);
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(10_000n);
      expect(await world.vault.unsettled(world.productId, 1n)).to.equal(2_000n);
      expect(await world.vault.unsettled(world.productId, 2n)).to.equal(500n);
      // The other product has no policy: still version 0.
      expect(await world.vault.unsettled(world.otherProductId, 0n)).to.equal(6_000n);
    });

    it("refuses a zero amount", async () => {
      const world = await load(products);
      await expect(world.vault.connect(world.payer).deposit(world.productId, 0n, REF)).to.be.revertedWithCustomError(
        world.vault,
        "RevenueVaultZeroAmount",
      );
    });

    it("refuses unknown, unissued and cancelled products", async () => {
      const world = await load(products);
      const applied = await fileApplication(world, world.alice, { kind: AssetKind.PRODUCT });
      const inNotice = await fileApplication(world, world.alice, { kind: AssetKind.PRODUCT });
      await send(world.registry.connect(world.registrar).acceptApplication(inNotice));
      const cancelled = await issueAsset(connection, world, world.alice, { kind: AssetKind.PRODUCT });
      await send(world.registry.connect(world.registrar).cancel(cancelled, h("cancelled")));
      for (const productId of [0n, 999n, applied, inNotice, cancelled]) {
        await expect(world.vault.connect(world.payer).deposit(productId, 100n, REF))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultProductNotActive")
          .withArgs(productId);
      }
    });

    it("refuses a payer without allowance (the token's error)", async () => {
      const world = await load(products);
      await send(world.token.mint(world.outsider.address, 100n));
      await expect(world.vault.connect(world.outsider).deposit(world.productId, 100n, REF)).to.be.revertedWithCustomError(
        world.token,
        "ERC20InsufficientAllowance",
      );
    });

    it("refuses a deposit of which nothing arrived", async () => {
      const world = await load(products);
      const hollow = (await ethers.deployContract("HollowToken")) as unknown as HollowToken;
      const vault = await deployVaultFor(connection, world, await hollow.getAddress());
      watched.push({ vault, token: hollow });
      await expect(vault.connect(world.payer).deposit(world.productId, 10_000n, REF)).to.be.revertedWithCustomError(
        vault,
        "RevenueVaultZeroAmount",
      );
    });

    it("keeps the books within 128 bits", async () => {
      const world = await load(products);
      const limit = 2n ** 128n;
      await send(world.token.mint(world.payer.address, limit * 2n));
      await expect(world.vault.connect(world.payer).deposit(world.productId, limit, REF))
        .to.be.revertedWithCustomError(world.vault, "SafeCastOverflowedUintDowncast")
        .withArgs(128n, limit);
      await send(world.vault.connect(world.payer).deposit(world.productId, limit - 1n, REF));
      await expect(world.vault.connect(world.payer).deposit(world.productId, 1n, REF)).to.be.revertedWithPanic(0x11);
    });

    it("records what arrived from a fee-on-transfer token, not what was sent", async () => {
      const world = await load(products);
      const fee = (await ethers.deployContract("FeeOnTransferToken")) as unknown as FeeOnTransferToken;
      const vault = await deployVaultFor(connection, world, await fee.getAddress());
      watched.push({ vault, token: fee });
      await send(fee.mint(world.payer.address, 1_000_000n));
      await send(fee.connect(world.payer).approve(await vault.getAddress(), ethers.MaxUint256));
      await expect(vault.connect(world.payer).deposit(world.productId, 10_000n, REF))
        .to.emit(vault, "RevenueDeposited")
        .withArgs(1n, world.productId, world.payer.address, 9_900n, 0n, REF);
      expect(await vault.unsettled(world.productId, 0n)).to.equal(9_900n);
      expect(await vault.totals()).to.deep.equal([9_900n, 0n, 0n, 9_900n]);
      // The whole of it can be settled and paid: the fee comes out of the recipients' transfers.
      const tree = new AllocationTree([
        { account: world.alice.address, amount: 9_000n },
        { account: world.bob.address, amount: 900n },
      ]);
      await expect(
        vault.connect(world.settler).settle(world.productId, 0n, 9_901n, tree.root, await latestBlock(), ZERO_HASH),
      )
        .to.be.revertedWithCustomError(vault, "RevenueVaultExceedsUnsettled")
        .withArgs(world.productId, 0n, 9_901n, 9_900n);
      const epochId = await settleTree(world, world.productId, 0n, tree, 9_900n, vault);
      await time.increase(CHALLENGE_WINDOW);
      await send(vault.connect(world.alice).claim([tree.claim(epochId, 0)], world.alice.address));
      await send(vault.connect(world.bob).claim([tree.claim(epochId, 1)], world.bob.address));
      expect(await fee.balanceOf(await vault.getAddress())).to.equal(0n);
      expect(await vault.totals()).to.deep.equal([9_900n, 9_900n, 0n, 0n]);
    });
  });

  describe("settle", () => {
    it("posts an epoch: takes the amount from unsettled, opens the challenge window, extends the evidence chain", async () => {
      const world = await load(funded);
      const tree = new AllocationTree([
        { account: world.alice.address, amount: 6_000n },
        { account: world.bob.address, amount: 1_000n },
      ]);
      const stateBlock = await latestBlock();
      const seq = await evidenceSeq(world, world.productId);
      const tx = await world.vault.connect(world.settler).settle(world.productId, 0n, 7_000n, tree.root, stateBlock, h("inputs"));
      const endsAt = (await latest()) + CHALLENGE_WINDOW;
      const args = [1n, world.productId, 0n, 7_000n, tree.root, stateBlock, h("inputs"), endsAt, world.settler.address];
      await expect(tx).to.emit(world.vault, "SettlementPosted").withArgs(...args);
      await expectEvidence(world, tx, world.productId, seq, "SettlementPosted", args, world.settler.address);
      const stored = await world.vault.epoch(1n);
      expect(stored.productId).to.equal(world.productId);
      expect(stored.policyVersion).to.equal(0n);
      expect(stored.status).to.equal(BigInt(EpochStatus.POSTED));
      expect(stored.challengeEndsAt).to.equal(endsAt);
      expect(stored.amount).to.equal(7_000n);
      expect(stored.claimed).to.equal(0n);
      expect(stored.merkleRoot).to.equal(tree.root);
      expect(await world.vault.epochCount()).to.equal(1n);
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(3_000n);
      expect(await world.vault.totals()).to.deep.equal([16_000n, 0n, 7_000n, 9_000n]);
    });

    it("settles a pool in several epochs, up to what is unsettled", async () => {
      const world = await load(funded);
      const tree = new AllocationTree([{ account: world.alice.address, amount: 4_000n }]);
      await settleTree(world, world.productId, 0n, tree);
      await settleTree(world, world.productId, 0n, tree);
      await expect(
        world.vault.connect(world.settler).settle(world.productId, 0n, 2_001n, tree.root, await latestBlock(), ZERO_HASH),
      )
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultExceedsUnsettled")
        .withArgs(world.productId, 0n, 2_001n, 2_000n);
      await settleTree(world, world.productId, 0n, tree, 2_000n);
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(0n);
    });

    it("settles each policy version's revenue on its own", async () => {
      const world = await load(underTwoVersions);
      const tree = new AllocationTree([{ account: world.alice.address, amount: 10_000n }]);
      await expect(
        world.vault.connect(world.settler).settle(world.productId, 1n, 10_000n, tree.root, await latestBlock(), ZERO_HASH),
      )
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultExceedsUnsettled")
        .withArgs(world.productId, 1n, 10_000n, 2_000n);
      await settleTree(world, world.productId, 0n, tree);
      await settleTree(world, world.productId, 1n, tree, 2_000n);
      expect((await world.vault.epoch(2n)).policyVersion).to.equal(1n);
      expect(await world.vault.totals()).to.deep.equal([18_000n, 0n, 12_000n, 6_000n]);
    });

    it("refuses a policy version above the product's current one", async () => {
      const world = await load(underTwoVersions);
      await expect(
        world.vault.connect(world.settler).settle(world.productId, 2n, 1n, h("root"), await latestBlock(), ZERO_HASH),
      )
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultUnknownPolicyVersion")
        .withArgs(world.productId, 2n);
      await expect(
        world.vault.connect(world.settler).settle(world.otherProductId, 1n, 1n, h("root"), await latestBlock(), ZERO_HASH),
      )
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultUnknownPolicyVersion")
        .withArgs(world.otherProductId, 1n);
    });

    it("refuses more than is unsettled, and products without revenue", async () => {
      const world = await load(funded);
      await expect(
        world.vault.connect(world.settler).settle(world.productId, 0n, 10_001n, h("root"), await latestBlock(), ZERO_HASH),
      )
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultExceedsUnsettled")
        .withArgs(world.productId, 0n, 10_001n, 10_000n);
      await expect(world.vault.connect(world.settler).settle(999n, 0n, 1n, h("root"), await latestBlock(), ZERO_HASH))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultExceedsUnsettled")
        .withArgs(999n, 0n, 1n, 0n);
    });

    it("refuses a zero amount, a zero root, and a state block that is not in the past", async () => {
      const world = await load(funded);
      const vault = world.vault.connect(world.settler);
      const past = await latestBlock();
      await expect(vault.settle(world.productId, 0n, 0n, h("root"), past, ZERO_HASH)).to.be.revertedWithCustomError(
        vault,
        "RevenueVaultZeroAmount",
      );
      await expect(vault.settle(world.productId, 0n, 1n, ZERO_HASH, past, ZERO_HASH)).to.be.revertedWithCustomError(
        vault,
        "RevenueVaultEmptyRoot",
      );
      // The settlement's own block, and a later one.
      for (const stateBlock of [past + 1n, past + 1_000n]) {
        await expect(vault.settle(world.productId, 0n, 1n, h("root"), stateBlock, ZERO_HASH))
          .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidStateBlock")
          .withArgs(stateBlock);
      }
    });

    it("refuses a state block before the last settlement of the product and version", async () => {
      const world = await load(funded);
      expect(await world.vault.lastSettlementBlock(world.productId, 0n)).to.equal(0n);
      const stale = await latestBlock();
      const tree = new AllocationTree([{ account: world.alice.address, amount: 1_000n }]);
      await settleTree(world, world.productId, 0n, tree);
      const settledAt = await latestBlock();
      expect(await world.vault.lastSettlementBlock(world.productId, 0n)).to.equal(settledAt);
      await expect(world.vault.connect(world.settler).settle(world.productId, 0n, 1_000n, tree.root, stale, h("inputs")))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultStaleStateBlock")
        .withArgs(stale, settledAt);
      // The other product, and other versions of this one, are not affected.
      await send(world.vault.connect(world.settler).settle(world.otherProductId, 0n, 1_000n, tree.root, stale, h("inputs")));
      expect(await world.vault.lastSettlementBlock(world.productId, 1n)).to.equal(0n);
      // A state read at the block of the last settlement (or later) includes it.
      await send(world.vault.connect(world.settler).settle(world.productId, 0n, 1_000n, tree.root, settledAt, h("inputs")));
    });

    it("refuses a state block before the last rejection of the product and version", async () => {
      const world = await load(posted);
      const beforeRejection = await latestBlock();
      await send(world.vault.connect(world.arbitrator).reject(world.epochId, h("wrong")));
      const rejectedAt = await latestBlock();
      expect(await world.vault.lastSettlementBlock(world.productId, 0n)).to.equal(rejectedAt);
      await expect(
        world.vault.connect(world.settler).settle(world.productId, 0n, 10_000n, world.tree.root, beforeRejection, h("inputs")),
      )
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultStaleStateBlock")
        .withArgs(beforeRejection, rejectedAt);
      await send(world.vault.connect(world.settler).settle(world.productId, 0n, 10_000n, world.tree.root, rejectedAt, h("inputs")));
    });

    it("settles revenue deposited before the product was cancelled", async () => {
      const world = await load(funded);
      await send(world.registry.connect(world.registrar).cancel(world.productId, h("cancelled")));
      const tree = new AllocationTree([{ account: world.alice.address, amount: 10_000n }]);
      const epochId = await settleTree(world, world.productId, 0n, tree);
      await time.increase(CHALLENGE_WINDOW);
      await send(world.vault.connect(world.alice).claim([tree.claim(epochId, 0)], world.alice.address));
    });

    it("is for the settler only", async () => {
      const world = await load(funded);
      for (const caller of callersExcept(world, "settler")) {
        await expect(
          world.vault.connect(caller).settle(world.productId, 0n, 1n, h("root"), await latestBlock(), ZERO_HASH),
        )
          .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.SETTLER);
      }
    });
  });

  describe("reject", () => {
    it("lets an arbitrator reject in the window: the amount returns to unsettled and can be settled again", async () => {
      const world = await load(posted);
      const seq = await evidenceSeq(world, world.productId);
      const tx = await world.vault.connect(world.arbitrator).reject(world.epochId, h("wrong weights"));
      const args = [world.epochId, world.productId, world.arbitrator.address, h("wrong weights")];
      await expect(tx).to.emit(world.vault, "SettlementRejected").withArgs(...args);
      await expectEvidence(world, tx, world.productId, seq, "SettlementRejected", args, world.arbitrator.address);
      expect((await world.vault.epoch(world.epochId)).status).to.equal(BigInt(EpochStatus.REJECTED));
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(10_000n);
      expect(await world.vault.totals()).to.deep.equal([16_000n, 0n, 6_000n, 10_000n]);

      const corrected = new AllocationTree([
        { account: world.alice.address, amount: 5_000n },
        { account: world.bob.address, amount: 5_000n },
      ]);
      const epochId = await settleTree(world, world.productId, 0n, corrected);
      await time.increase(CHALLENGE_WINDOW);
      await expect(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0)], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotClaimable")
        .withArgs(world.epochId);
      await send(world.vault.connect(world.alice).claim([corrected.claim(epochId, 0)], world.alice.address));
    });

    it("lets the court reject in the window", async () => {
      const world = await load(posted);
      await expect(world.vault.connect(world.court).reject(world.epochId, h("ruling")))
        .to.emit(world.vault, "SettlementRejected")
        .withArgs(world.epochId, world.productId, world.court.address, h("ruling"));
    });

    it("is refused once the window is over, to arbitrator and court", async () => {
      const world = await load(posted);
      const endsAt = (await world.vault.epoch(world.epochId)).challengeEndsAt;
      await time.setNextBlockTimestamp(endsAt - 1n);
      await send(world.vault.connect(world.arbitrator).reject(world.otherEpochId, h("late but in time")));
      for (const caller of [world.arbitrator, world.court]) {
        await expect(world.vault.connect(caller).reject(world.epochId, h("too late")))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultChallengeWindowOver")
          .withArgs(world.epochId, endsAt);
      }
    });

    it("lets only the court reject a paused epoch, after the window too, returning what was not claimed", async () => {
      const world = await load(pausedAfterAClaim);
      await expect(world.vault.connect(world.arbitrator).reject(world.epochId, h("no")))
        .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
        .withArgs(world.arbitrator.address, ROLE_IDS.COURT);
      const seq = await evidenceSeq(world, world.productId);
      const tx = await world.vault.connect(world.court).reject(world.epochId, h("ruling"));
      await expectEvidence(
        world,
        tx,
        world.productId,
        seq,
        "SettlementRejected",
        [world.epochId, world.productId, world.court.address, h("ruling")],
        world.court.address,
      );
      // alice's 4,000 was paid; the other 6,000 is unsettled again.
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(6_000n);
      const stored = await world.vault.epoch(world.epochId);
      expect([stored.status, stored.amount, stored.claimed]).to.deep.equal([BigInt(EpochStatus.REJECTED), 10_000n, 4_000n]);
      expect(await world.vault.totals()).to.deep.equal([16_000n, 4_000n, 6_000n, 6_000n]);
    });

    it("lets the court reject a paused epoch inside the window", async () => {
      const world = await load(posted);
      await send(world.vault.connect(world.court).pause(world.epochId, h("dispute")));
      await expect(world.vault.connect(world.arbitrator).reject(world.epochId, h("no")))
        .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
        .withArgs(world.arbitrator.address, ROLE_IDS.COURT);
      await send(world.vault.connect(world.court).reject(world.epochId, h("ruling")));
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(10_000n);
    });

    it("refuses unknown and rejected epochs", async () => {
      const world = await load(posted);
      await expect(world.vault.connect(world.arbitrator).reject(99n, h("no")))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultUnknownEpoch")
        .withArgs(99n);
      await send(world.vault.connect(world.arbitrator).reject(world.epochId, h("no")));
      for (const caller of [world.arbitrator, world.court]) {
        await expect(world.vault.connect(caller).reject(world.epochId, h("again")))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultInvalidEpochStatus")
          .withArgs(world.epochId, EpochStatus.REJECTED);
      }
    });

    it("is for arbitrators and the court only", async () => {
      const world = await load(posted);
      for (const caller of callersExcept(world, "arbitrator", "court")) {
        await expect(world.vault.connect(caller).reject(world.epochId, h("no")))
          .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.ARBITRATOR);
      }
    });
  });

  describe("pause and resume", () => {
    it("stops the claims of an epoch until the court resumes it, on the evidence chain", async () => {
      const world = await load(claimable);
      let seq = await evidenceSeq(world, world.productId);
      const pause = await world.vault.connect(world.court).pause(world.epochId, h("dispute"));
      const pauseArgs = [world.epochId, world.productId, world.court.address, h("dispute")];
      await expect(pause).to.emit(world.vault, "SettlementPaused").withArgs(...pauseArgs);
      await expectEvidence(world, pause, world.productId, seq, "SettlementPaused", pauseArgs, world.court.address);
      expect((await world.vault.epoch(world.epochId)).status).to.equal(BigInt(EpochStatus.PAUSED));

      await expect(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0)], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotClaimable")
        .withArgs(world.epochId);
      // Other epochs are not affected.
      await send(world.vault.connect(world.alice).claim([world.otherTree.claim(world.otherEpochId, 0)], world.alice.address));

      seq = await evidenceSeq(world, world.productId);
      const resume = await world.vault.connect(world.court).resume(world.epochId, h("dismissed"));
      const resumeArgs = [world.epochId, world.productId, world.court.address, h("dismissed")];
      await expect(resume).to.emit(world.vault, "SettlementResumed").withArgs(...resumeArgs);
      await expectEvidence(world, resume, world.productId, seq, "SettlementResumed", resumeArgs, world.court.address);
      expect((await world.vault.epoch(world.epochId)).status).to.equal(BigInt(EpochStatus.POSTED));
      await send(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0)], world.alice.address));
    });

    it("does not extend the challenge window of an epoch paused inside it", async () => {
      const world = await load(posted);
      await send(world.vault.connect(world.court).pause(world.epochId, h("dispute")));
      await time.increase(CHALLENGE_WINDOW);
      await send(world.vault.connect(world.court).resume(world.epochId, h("dismissed")));
      await send(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0)], world.alice.address));
    });

    it("refuses to pause what is not posted and to resume what is not paused", async () => {
      const world = await load(posted);
      const vault = world.vault.connect(world.court);
      await expect(vault.pause(99n, h("x"))).to.be.revertedWithCustomError(vault, "RevenueVaultUnknownEpoch").withArgs(99n);
      await expect(vault.resume(99n, h("x"))).to.be.revertedWithCustomError(vault, "RevenueVaultUnknownEpoch").withArgs(99n);
      await expect(vault.resume(world.epochId, h("x")))
        .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidEpochStatus")
        .withArgs(world.epochId, EpochStatus.POSTED);
      await send(vault.pause(world.epochId, h("x")));
      await expect(vault.pause(world.epochId, h("x")))
        .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidEpochStatus")
        .withArgs(world.epochId, EpochStatus.PAUSED);
      await send(vault.reject(world.epochId, h("x")));
      for (const action of [vault.pause, vault.resume]) {
        await expect(action(world.epochId, h("x")))
          .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidEpochStatus")
          .withArgs(world.epochId, EpochStatus.REJECTED);
      }
    });

    it("is for the court only", async () => {
      const world = await load(posted);
      await send(world.vault.connect(world.court).pause(world.otherEpochId, h("x")));
      for (const caller of callersExcept(world, "court")) {
        await expect(world.vault.connect(caller).pause(world.epochId, h("x")))
          .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.COURT);
        await expect(world.vault.connect(caller).resume(world.otherEpochId, h("x")))
          .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.COURT);
      }
    });
  });

  describe("claim", () => {
    it("pays a leaf after the window, once, and marks it", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 1);
      const tx = await world.vault.connect(world.bob).claim([leaf], world.bob.address);
      await expect(tx)
        .to.emit(world.vault, "RevenueClaimed")
        .withArgs(world.epochId, world.productId, world.bob.address, 1n, 3_000n, world.bob.address);
      await expect(tx).to.changeTokenBalances(ethers, world.token, [world.bob, world.vault], [3_000n, -3_000n]);
      expect(await world.vault.isClaimed(world.epochId, 1n)).to.equal(true);
      expect(await world.vault.isClaimed(world.epochId, 0n)).to.equal(false);
      expect((await world.vault.epoch(world.epochId)).claimed).to.equal(3_000n);
      expect(await world.vault.totals()).to.deep.equal([16_000n, 3_000n, 13_000n, 0n]);
      expect(await world.vault.connect(world.alice).claim.staticCall([world.tree.claim(world.epochId, 0)], world.alice.address)).to.equal(
        4_000n,
      );
    });

    it("is not on the evidence chain", async () => {
      const world = await load(claimable);
      const seq = await evidenceSeq(world, world.productId);
      await expect(world.vault.connect(world.bob).claim([world.tree.claim(world.epochId, 1)], world.bob.address)).to.not.emit(
        world.registry,
        "EvidenceAppended",
      );
      expect(await evidenceSeq(world, world.productId)).to.equal(seq);
    });

    it("opens exactly when the challenge window ends", async () => {
      const world = await load(posted);
      const endsAt = (await world.vault.epoch(world.epochId)).challengeEndsAt;
      await time.setNextBlockTimestamp(endsAt - 1n);
      await expect(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0)], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotClaimable")
        .withArgs(world.epochId);
      await time.setNextBlockTimestamp(endsAt);
      await send(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0)], world.alice.address));
    });

    it("pays leaves of several epochs and products in one transfer, to a named recipient", async () => {
      const world = await load(claimable);
      const claims = [world.tree.claim(world.epochId, 0), world.otherTree.claim(world.otherEpochId, 0)];
      const tx = await world.vault.connect(world.alice).claim(claims, world.outsider.address);
      await expect(tx)
        .to.emit(world.vault, "RevenueClaimed")
        .withArgs(world.epochId, world.productId, world.alice.address, 0n, 4_000n, world.outsider.address);
      await expect(tx)
        .to.emit(world.vault, "RevenueClaimed")
        .withArgs(world.otherEpochId, world.otherProductId, world.alice.address, 0n, 1_500n, world.outsider.address);
      await expect(tx).to.changeTokenBalances(ethers, world.token, [world.outsider, world.alice, world.vault], [5_500n, 0n, -5_500n]);
      const receipt = await send(Promise.resolve(tx));
      const transfers = receipt.logs.filter(
        (log) => log.address === (world.token.target as string) && log.topics[0] === world.token.interface.getEvent("Transfer").topicHash,
      );
      expect(transfers).to.have.length(1);
    });

    it("mixes leaves of several accounts the caller now holds", async () => {
      const world = await load(claimable);
      await send(world.registry.connect(world.registrar).recordSuccession(world.bob.address, world.alice.address, h("merger")));
      const claims = [
        world.tree.claim(world.epochId, 0),
        world.tree.claim(world.epochId, 1),
        world.otherTree.claim(world.otherEpochId, 0),
        world.otherTree.claim(world.otherEpochId, 1),
      ];
      await expect(world.vault.connect(world.alice).claim(claims, world.alice.address)).to.changeTokenBalance(
        ethers,
        world.token,
        world.alice,
        13_000n,
      );
    });

    it("lets a successor claim its predecessor's leaves, and the predecessor no longer", async () => {
      const world = await load(claimable);
      await send(world.registry.connect(world.registrar).recordSuccession(world.carol.address, world.individual.address, h("merger")));
      const leaf = world.tree.claim(world.epochId, 2);
      await expect(world.vault.connect(world.carol).claim([leaf], world.carol.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotEntitled")
        .withArgs(world.carol.address, world.carol.address);
      await expect(world.vault.connect(world.individual).claim([leaf], world.individual.address))
        .to.emit(world.vault, "RevenueClaimed")
        .withArgs(world.epochId, world.productId, world.carol.address, 2n, 2_000n, world.individual.address);
    });

    it("refuses callers the account does not resolve to", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 0);
      for (const caller of callersExcept(world, "alice")) {
        await expect(world.vault.connect(caller).claim([leaf], caller.address))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotEntitled")
          .withArgs(world.alice.address, caller.address);
      }
      // One foreign leaf spoils the batch.
      await expect(
        world.vault.connect(world.bob).claim([world.tree.claim(world.epochId, 1), leaf], world.bob.address),
      )
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotEntitled")
        .withArgs(world.alice.address, world.bob.address);
    });

    it("never pays an escrow leaf as a claim, whoever asks, alone or in a batch", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 3);
      expect(leaf.account).to.equal(escrowAccount(DISPUTE));
      for (const caller of callersExcept(world)) {
        await expect(world.vault.connect(caller).claim([leaf], caller.address))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultEscrowLeaf")
          .withArgs(world.epochId, 3n);
      }
      await expect(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0), leaf], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultEscrowLeaf")
        .withArgs(world.epochId, 3n);
      // Nor can the escrow account become a party whose successor would claim it.
      await expect(world.registry.connect(world.registrar).registerParty(leaf.account, 1, h("escrow")))
        .to.be.revertedWithCustomError(world.registry, "PartyRegistryInvalidAccount")
        .withArgs(leaf.account);
      expect(await world.vault.isClaimed(world.epochId, 3n)).to.equal(false);
    });

    it("refuses a leaf claimed before, in another call or the same one", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 0);
      await expect(world.vault.connect(world.alice).claim([leaf, leaf], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultAlreadyClaimed")
        .withArgs(world.epochId, 0n);
      await send(world.vault.connect(world.alice).claim([leaf], world.alice.address));
      await expect(world.vault.connect(world.alice).claim([leaf], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultAlreadyClaimed")
        .withArgs(world.epochId, 0n);
    });

    it("refuses a bad proof, a wrong amount, a wrong index and another epoch's leaf", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 0);
      const cases: [string, ClaimInput][] = [
        ["bad proof", { ...leaf, proof: [h("nonsense"), ...leaf.proof.slice(1)] }],
        ["no proof", { ...leaf, proof: [] }],
        ["wrong amount", { ...leaf, amount: 4_001n }],
        ["wrong index", { ...leaf, index: 2n }],
        ["another epoch", { ...leaf, epochId: world.otherEpochId }],
      ];
      for (const [label, bad] of cases) {
        await expect(world.vault.connect(world.alice).claim([bad], world.alice.address), label)
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultInvalidProof")
          .withArgs(bad.epochId, bad.index);
      }
    });

    it("keeps a faulty tree from paying more than its epoch, and other epochs intact", async () => {
      const world = await load(funded);
      // Leaves sum to 12,000, the epoch is 10,000.
      const faulty = new AllocationTree([
        { account: world.alice.address, amount: 7_000n },
        { account: world.bob.address, amount: 5_000n },
      ]);
      const epochId = await settleTree(world, world.productId, 0n, faulty, 10_000n);
      const fair = new AllocationTree([{ account: world.bob.address, amount: 6_000n }]);
      const fairEpoch = await settleTree(world, world.otherProductId, 0n, fair);
      await time.increase(CHALLENGE_WINDOW);
      await send(world.vault.connect(world.alice).claim([faulty.claim(epochId, 0)], world.alice.address));
      await expect(world.vault.connect(world.bob).claim([faulty.claim(epochId, 1)], world.bob.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultEpochOverdrawn")
        .withArgs(epochId, 12_000n, 10_000n);
      // Bob's fair share of the other epoch is still there, and the books still balance.
      await send(world.vault.connect(world.bob).claim([fair.claim(fairEpoch, 0)], world.bob.address));
      expect((await world.vault.epoch(epochId)).claimed).to.equal(7_000n);
    });

    it("reports an overdraft by an absurd leaf without overflowing", async () => {
      const world = await load(funded);
      const absurd = new AllocationTree([{ account: world.alice.address, amount: ethers.MaxUint256 }]);
      const epochId = await settleTree(world, world.productId, 0n, absurd, 10_000n);
      await time.increase(CHALLENGE_WINDOW);
      await expect(world.vault.connect(world.alice).claim([absurd.claim(epochId, 0)], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultEpochOverdrawn")
        .withArgs(epochId, ethers.MaxUint256, 10_000n);
    });

    it("refuses unknown, rejected, paused and unripe epochs", async () => {
      const world = await load(posted);
      const leaf = world.tree.claim(world.epochId, 0);
      await expect(world.vault.connect(world.alice).claim([leaf], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotClaimable")
        .withArgs(world.epochId);
      await expect(world.vault.connect(world.alice).claim([{ ...leaf, epochId: 99n }], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultUnknownEpoch")
        .withArgs(99n);
      await send(world.vault.connect(world.arbitrator).reject(world.epochId, h("no")));
      await send(world.vault.connect(world.court).pause(world.otherEpochId, h("dispute")));
      await time.increase(CHALLENGE_WINDOW);
      await expect(world.vault.connect(world.alice).claim([leaf], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotClaimable")
        .withArgs(world.epochId);
      await expect(world.vault.connect(world.alice).claim([world.otherTree.claim(world.otherEpochId, 0)], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotClaimable")
        .withArgs(world.otherEpochId);
    });

    it("refuses an empty batch and a zero or vault recipient", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 0);
      await expect(world.vault.connect(world.alice).claim([], world.alice.address)).to.be.revertedWithCustomError(
        world.vault,
        "RevenueVaultEmptyBatch",
      );
      for (const recipient of [ethers.ZeroAddress, await world.vault.getAddress()]) {
        await expect(world.vault.connect(world.alice).claim([leaf], recipient))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultInvalidRecipient")
          .withArgs(recipient);
      }
    });

    it("keeps 256 leaves per bitmap word, independent across words and epochs", async () => {
      const world = await load(funded);
      const allocations = Array.from({ length: 600 }, (_, i) => ({
        account: i % 2 === 0 ? world.alice.address : world.bob.address,
        amount: 10n,
      }));
      const tree = new AllocationTree(allocations);
      const epochId = await settleTree(world, world.productId, 0n, tree);
      await time.increase(CHALLENGE_WINDOW);
      const indices = [0, 254, 256, 512, 598];
      await send(world.vault.connect(world.alice).claim(indices.map((i) => tree.claim(epochId, i)), world.alice.address));
      for (const i of [0, 1, 254, 255, 256, 257, 511, 512, 598, 599]) {
        expect(await world.vault.isClaimed(epochId, BigInt(i)), `leaf ${i}`).to.equal(indices.includes(i));
      }
      expect(await world.vault.isClaimed(epochId + 1n, 0n)).to.equal(false);
      await send(world.vault.connect(world.bob).claim([tree.claim(epochId, 255), tree.claim(epochId, 599)], world.bob.address));
      expect(await world.vault.isClaimed(epochId, 255n)).to.equal(true);
      expect((await world.vault.epoch(epochId)).claimed).to.equal(70n);
    });

    it("marks leaves 0-23 in the epoch's first slot and later ones in bitmap words, claims and releases alike", async () => {
      const world = await load(funded);
      // 300 leaves of 10: alice the even ones, bob the odd ones, and leaf 24 (the first one in a bitmap word)
      // the escrow of DISPUTE. Two epochs of the same tree, 3,000 each, out of the product's 10,000.
      const allocations = Array.from({ length: 300 }, (_, i) => ({
        account: i === 24 ? escrowAccount(DISPUTE) : i % 2 === 0 ? world.alice.address : world.bob.address,
        amount: 10n,
      }));
      const tree = new AllocationTree(allocations);
      const epochId = await settleTree(world, world.productId, 0n, tree);
      const otherEpochId = await settleTree(world, world.productId, 0n, tree);
      await time.increase(CHALLENGE_WINDOW);
      const claimedAfter = async (claimed: number[]) => {
        for (const i of [0, 1, 2, 21, 22, 23, 24, 25, 26, 255, 256, 257, 280]) {
          expect(await world.vault.isClaimed(epochId, BigInt(i)), `leaf ${i}`).to.equal(claimed.includes(i));
          expect(await world.vault.isClaimed(otherEpochId, BigInt(i)), `other epoch's leaf ${i}`).to.equal(false);
        }
      };

      // Both sides of the boundary in one call: 22 (in the epoch's slot), 26 and 256 (words 0 and 1).
      await send(world.vault.connect(world.alice).claim([0, 22, 26, 256].map((i) => tree.claim(epochId, i)), world.alice.address));
      await claimedAfter([0, 22, 26, 256]);
      await send(world.vault.connect(world.bob).claim([tree.claim(epochId, 23), tree.claim(epochId, 25)], world.bob.address));
      await claimedAfter([0, 22, 23, 25, 26, 256]);
      // The escrow leaf right after the boundary, by the court's release.
      const escrowLeaf = tree.claim(epochId, 24);
      await send(world.vault.connect(world.court).releaseEscrow(epochId, 24n, DISPUTE, 10n, escrowLeaf.proof, world.carol.address, 10n));
      await claimedAfter([0, 22, 23, 24, 25, 26, 256]);
      expect((await world.vault.epoch(epochId)).claimed).to.equal(70n);
      expect((await world.vault.epoch(otherEpochId)).claimed).to.equal(0n);

      // Each once, whichever way it is stored; the other epoch's leaves are still there to claim.
      for (const [signer, i] of [[world.alice, 22], [world.bob, 23], [world.alice, 26], [world.alice, 256]] as const) {
        await expect(world.vault.connect(signer).claim([tree.claim(epochId, i)], signer.address))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultAlreadyClaimed")
          .withArgs(epochId, BigInt(i));
      }
      await expect(world.vault.connect(world.court).releaseEscrow(epochId, 24n, DISPUTE, 10n, escrowLeaf.proof, world.carol.address, 10n))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultAlreadyClaimed")
        .withArgs(epochId, 24n);
      await send(world.vault.connect(world.alice).claim([22, 256].map((i) => tree.claim(otherEpochId, i)), world.alice.address));
      expect((await world.vault.epoch(otherEpochId)).claimed).to.equal(20n);
      // 16,000 deposited; 90 paid (70 + 20); 6,000 settled less those 90; the other product's 6,000 and the
      // product's 4,000 left unsettled.
      expect(await world.vault.totals()).to.deep.equal([16_000n, 90n, 5_910n, 10_000n]);
    });

    it("works with a token whose transfers return nothing", async () => {
      const world = await load(products);
      const token = (await ethers.deployContract("NoReturnToken")) as unknown as NoReturnToken;
      const vault = await deployVaultFor(connection, world, await token.getAddress());
      watched.push({ vault, token });
      await send(token.mint(world.payer.address, 10_000n));
      await send(token.connect(world.payer).approve(await vault.getAddress(), 10_000n));
      await send(vault.connect(world.payer).deposit(world.productId, 10_000n, REF));
      const tree = new AllocationTree([
        { account: world.alice.address, amount: 9_000n },
        { account: escrowAccount(DISPUTE), amount: 1_000n },
      ]);
      const epochId = await settleTree(world, world.productId, 0n, tree, 10_000n, vault);
      await time.increase(CHALLENGE_WINDOW);
      await send(vault.connect(world.alice).claim([tree.claim(epochId, 0)], world.alice.address));
      const escrow = tree.claim(epochId, 1);
      await send(vault.connect(world.court).releaseEscrow(epochId, 1n, DISPUTE, 1_000n, escrow.proof, world.bob.address, 600n));
      expect(await token.balanceOf(world.alice.address)).to.equal(9_000n);
      expect(await token.balanceOf(world.bob.address)).to.equal(600n);
      // The other 400 is unsettled revenue again, still in the vault.
      expect(await vault.unsettled(world.productId, 0n)).to.equal(400n);
      expect(await token.balanceOf(await vault.getAddress())).to.equal(400n);
    });

    it("cannot be re-entered by a token that hands control to the recipient", async () => {
      const world = await load(products);
      const token = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
      const vault = await deployVaultFor(connection, world, await token.getAddress());
      watched.push({ vault, token });
      const claimer = (await ethers.deployContract("ReentrantClaimer", [await vault.getAddress()])) as unknown as ReentrantClaimer;
      const claimerAddress = await claimer.getAddress();
      await send(token.setHooked(claimerAddress));
      await send(token.mint(world.payer.address, 1_000n));
      await send(token.connect(world.payer).approve(await vault.getAddress(), 1_000n));
      await send(vault.connect(world.payer).deposit(world.productId, 1_000n, REF));
      const tree = new AllocationTree([
        { account: claimerAddress, amount: 700n },
        { account: world.alice.address, amount: 300n },
      ]);
      const epochId = await settleTree(world, world.productId, 0n, tree, 1_000n, vault);
      await time.increase(CHALLENGE_WINDOW);

      const call = vault.interface.encodeFunctionData("claim", [[tree.claim(epochId, 0)], claimerAddress]);
      await send(claimer.attack(call));
      expect(await claimer.reentered()).to.equal(true);
      expect(await claimer.reentrySucceeded()).to.equal(false);
      expect(await claimer.reentryResult()).to.equal(vault.interface.getError("ReentrancyGuardReentrantCall")!.selector);
      expect(await token.balanceOf(claimerAddress)).to.equal(700n);
      await expect(claimer.attack(call)).to.be.revertedWithCustomError(claimer, "ReentrantClaimerCallFailed");
      expect(await token.balanceOf(claimerAddress)).to.equal(700n);
      await send(vault.connect(world.alice).claim([tree.claim(epochId, 1)], world.alice.address));
    });
  });

  describe("releaseEscrow", () => {
    it("pays the part the court names to the recipient it names, and returns the rest to unsettled", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 3);
      const tx = await world.vault.connect(world.court).releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, world.carol.address, 700n);
      await expect(tx)
        .to.emit(world.vault, "EscrowReleased")
        .withArgs(world.epochId, world.productId, DISPUTE, 3n, world.carol.address, 700n, 300n);
      await expect(tx).to.changeTokenBalances(ethers, world.token, [world.carol, world.vault], [700n, -700n]);
      await expect(tx).to.not.emit(world.registry, "EvidenceAppended");
      expect(await world.vault.isClaimed(world.epochId, 3n)).to.equal(true);
      expect((await world.vault.epoch(world.epochId)).claimed).to.equal(1_000n);
      // The 300 returned is revenue of the product under the epoch's version, to be settled again.
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(300n);
      expect(await world.vault.totals()).to.deep.equal([16_000n, 700n, 15_000n, 300n]);
      await expect(world.vault.connect(world.court).releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, world.carol.address, 700n))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultAlreadyClaimed")
        .withArgs(world.epochId, 3n);
      const resettled = new AllocationTree([{ account: world.bob.address, amount: 300n }]);
      const epochId = await settleTree(world, world.productId, 0n, resettled);
      await time.increase(CHALLENGE_WINDOW);
      await send(world.vault.connect(world.bob).claim([resettled.claim(epochId, 0)], world.bob.address));
    });

    it("may pay all of it", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 3);
      await expect(
        world.vault.connect(world.court).releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, world.carol.address, 1_000n),
      )
        .to.emit(world.vault, "EscrowReleased")
        .withArgs(world.epochId, world.productId, DISPUTE, 3n, world.carol.address, 1_000n, 0n);
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(0n);
    });

    it("may pay nothing (all back to unsettled, no recipient needed), and may act on a paused epoch", async () => {
      const other = await load(claimable);
      await send(other.vault.connect(other.court).pause(other.epochId, h("dispute")));
      const otherLeaf = other.tree.claim(other.epochId, 3);
      const tx = other.vault.connect(other.court).releaseEscrow(other.epochId, 3n, DISPUTE, 1_000n, otherLeaf.proof, ethers.ZeroAddress, 0n);
      await expect(tx)
        .to.emit(other.vault, "EscrowReleased")
        .withArgs(other.epochId, other.productId, DISPUTE, 3n, ethers.ZeroAddress, 0n, 1_000n);
      await expect(tx).to.changeTokenBalances(ethers, other.token, [other.vault], [0n]);
      expect(await other.vault.unsettled(other.productId, 0n)).to.equal(1_000n);
      expect(await other.vault.totals()).to.deep.equal([16_000n, 0n, 15_000n, 1_000n]);
    });

    it("refuses a part above the leaf, and a zero or vault recipient of a payment", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 3);
      const vault = world.vault.connect(world.court);
      await expect(vault.releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, world.bob.address, 1_001n))
        .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidRelease")
        .withArgs(1_000n, 1_001n);
      for (const bad of [ethers.ZeroAddress, await world.vault.getAddress()]) {
        await expect(vault.releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, bad, 1n))
          .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidRecipient")
          .withArgs(bad);
      }
      expect(await world.vault.isClaimed(world.epochId, 3n)).to.equal(false);
    });

    it("refuses another dispute's id, another amount, and a party's leaf", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 3);
      const vault = world.vault.connect(world.court);
      await expect(vault.releaseEscrow(world.epochId, 3n, DISPUTE + 1n, 1_000n, leaf.proof, world.bob.address, 1_000n))
        .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidProof")
        .withArgs(world.epochId, 3n);
      await expect(vault.releaseEscrow(world.epochId, 3n, DISPUTE, 900n, leaf.proof, world.bob.address, 900n))
        .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidProof")
        .withArgs(world.epochId, 3n);
      const alices = world.tree.claim(world.epochId, 0);
      await expect(vault.releaseEscrow(world.epochId, 0n, DISPUTE, 4_000n, alices.proof, world.bob.address, 4_000n))
        .to.be.revertedWithCustomError(vault, "RevenueVaultInvalidProof")
        .withArgs(world.epochId, 0n);
    });

    it("refuses epochs in their window, rejected and unknown", async () => {
      const world = await load(posted);
      const leaf = world.tree.claim(world.epochId, 3);
      const vault = world.vault.connect(world.court);
      await expect(vault.releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, world.bob.address, 1_000n))
        .to.be.revertedWithCustomError(vault, "RevenueVaultNotClaimable")
        .withArgs(world.epochId);
      await expect(vault.releaseEscrow(99n, 3n, DISPUTE, 1_000n, leaf.proof, world.bob.address, 1_000n))
        .to.be.revertedWithCustomError(vault, "RevenueVaultUnknownEpoch")
        .withArgs(99n);
      await send(vault.reject(world.epochId, h("no")));
      await time.increase(CHALLENGE_WINDOW);
      await expect(vault.releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, world.bob.address, 1_000n))
        .to.be.revertedWithCustomError(vault, "RevenueVaultNotClaimable")
        .withArgs(world.epochId);
    });

    it("is for the court only", async () => {
      const world = await load(claimable);
      const leaf = world.tree.claim(world.epochId, 3);
      for (const caller of callersExcept(world, "court")) {
        for (const paid of [1_000n, 0n]) {
          await expect(world.vault.connect(caller).releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, caller.address, paid))
            .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
            .withArgs(caller.address, ROLE_IDS.COURT);
        }
      }
    });
  });

  describe("setChallengeWindow", () => {
    it("sets the window of later settlements only", async () => {
      const world = await load(funded);
      const tree = new AllocationTree([{ account: world.alice.address, amount: 1_000n }]);
      const before = await settleTree(world, world.productId, 0n, tree);
      await expect(world.vault.connect(world.admin).setChallengeWindow(60n)).to.emit(world.vault, "ChallengeWindowSet").withArgs(60n);
      expect(await world.vault.challengeWindow()).to.equal(60n);
      const after = await settleTree(world, world.productId, 0n, tree);
      expect((await world.vault.epoch(after)).challengeEndsAt).to.equal((await latest()) + 60n);
      await time.increase(60n);
      await send(world.vault.connect(world.alice).claim([tree.claim(after, 0)], world.alice.address));
      await expect(world.vault.connect(world.alice).claim([tree.claim(before, 0)], world.alice.address))
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultNotClaimable")
        .withArgs(before);
    });

    it("keeps the window between a minute and 90 days", async () => {
      const world = await load(products);
      for (const window of [0n, 59n, MAX_CHALLENGE_WINDOW + 1n]) {
        await expect(world.vault.connect(world.admin).setChallengeWindow(window))
          .to.be.revertedWithCustomError(world.vault, "RevenueVaultInvalidChallengeWindow")
          .withArgs(window);
      }
      await expect(world.vault.connect(world.admin).setChallengeWindow(MAX_CHALLENGE_WINDOW))
        .to.emit(world.vault, "ChallengeWindowSet")
        .withArgs(MAX_CHALLENGE_WINDOW);
      expect(await world.vault.challengeWindow()).to.equal(MAX_CHALLENGE_WINDOW);
    });

    it("is for the admin only", async () => {
      const world = await load(products);
      for (const caller of callersExcept(world, "admin")) {
        await expect(world.vault.connect(caller).setChallengeWindow(60n))
          .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.ADMIN);
      }
    });
  });

  describe("the access manager's rules", () => {
    it("refuses a role member with an execution delay: the vault's actions are not scheduled", async () => {
      const world = await load(funded);
      await send(world.accessManager.connect(world.admin).grantRole(ROLE_IDS.SETTLER, world.outsider.address, 600));
      await expect(world.vault.connect(world.outsider).settle(world.productId, 0n, 1n, h("root"), await latestBlock(), ZERO_HASH))
        .to.be.revertedWithCustomError(world.vault, "LedgerAccessExecutionDelay")
        .withArgs(world.outsider.address, ROLE_IDS.SETTLER, 600n);
      // An arbitrator with a delay is no arbitrator to `reject`.
      await send(world.accessManager.connect(world.admin).grantRole(ROLE_IDS.ARBITRATOR, world.outsider.address, 600));
      const epochId = await settleTree(world, world.productId, 0n, new AllocationTree([{ account: world.alice.address, amount: 1n }]));
      await expect(world.vault.connect(world.outsider).reject(epochId, h("no")))
        .to.be.revertedWithCustomError(world.vault, "LedgerAccessUnauthorized")
        .withArgs(world.outsider.address, ROLE_IDS.ARBITRATOR);
    });

    it("refuses every role-gated action once the manager closes the vault; deposits and claims go on", async () => {
      const world = await load(posted);
      const target = await world.vault.getAddress();
      await send(world.accessManager.connect(world.admin).setTargetClosed(target, true));
      const leaf = world.tree.claim(world.epochId, 3);
      const refusals: [string, () => Promise<ContractTransactionResponse>][] = [
        ["settle", () => world.vault.connect(world.settler).settle(world.productId, 0n, 1n, h("root"), 1n, ZERO_HASH)],
        ["reject (arbitrator)", () => world.vault.connect(world.arbitrator).reject(world.epochId, h("no"))],
        ["reject (court)", () => world.vault.connect(world.court).reject(world.epochId, h("no"))],
        ["pause", () => world.vault.connect(world.court).pause(world.epochId, h("no"))],
        [
          "releaseEscrow",
          () => world.vault.connect(world.court).releaseEscrow(world.epochId, 3n, DISPUTE, 1_000n, leaf.proof, world.bob.address, 1_000n),
        ],
        ["setChallengeWindow", () => world.vault.connect(world.admin).setChallengeWindow(60n)],
      ];
      for (const [label, call] of refusals) {
        await expect(call(), label).to.be.revertedWithCustomError(world.vault, "LedgerAccessTargetClosed").withArgs(target);
      }
      await send(world.vault.connect(world.payer).deposit(world.productId, 1_000n, REF));
      await time.increase(CHALLENGE_WINDOW);
      await send(world.vault.connect(world.alice).claim([world.tree.claim(world.epochId, 0)], world.alice.address));
    });
  });

  describe("views", () => {
    it("refuse unknown epochs and report nothing claimed in them", async () => {
      const world = await load(products);
      await expect(world.vault.epoch(1n)).to.be.revertedWithCustomError(world.vault, "RevenueVaultUnknownEpoch").withArgs(1n);
      expect(await world.vault.isClaimed(1n, 0n)).to.equal(false);
      expect(await world.vault.unsettled(world.productId, 0n)).to.equal(0n);
    });
  });

  describe("gas", () => {
    /**
     * Full-transaction gas of one-leaf claims from trees of `size` leaves (alternately alice's and bob's),
     * under the four conditions that change the cost: whether the leaf's bitmap word was touched by an
     * earlier claim, and whether the recipient held tokens before. Leaves 0-23 have their bits in the epoch's
     * own slot, which every claim writes: for them "untouched" costs what "touched" does.
     */
    async function claimGas(size: number): Promise<Record<string, bigint>> {
      const world = await load(funded);
      const tree = new AllocationTree(
        Array.from({ length: size }, (_, i) => ({ account: i % 2 === 0 ? world.alice.address : world.bob.address, amount: 1n })),
      );
      const epochId = await settleTree(world, world.productId, 0n, tree);
      await time.increase(CHALLENGE_WINDOW);
      const claimAs = (index: number, recipient: string) =>
        gasOf(world.vault.connect(index % 2 === 0 ? world.alice : world.bob).claim([tree.claim(epochId, index)], recipient));
      const gas: Record<string, bigint> = {};
      gas["word untouched, recipient empty"] = await claimAs(0, world.outsider.address);
      gas["word touched, recipient empty"] = await claimAs(1, world.institution.address);
      await send(world.token.mint(world.alice.address, 1n));
      gas["word touched, recipient funded"] = await claimAs(2, world.alice.address);
      if (size > 256) gas["word untouched, recipient funded"] = await claimAs(256, world.alice.address);
      return gas;
    }

    it("claims one leaf within 70k when the recipient holds tokens, within 85k when not", async () => {
      const small = await claimGas(4);
      const large = await claimGas(1_000);
      console.log(`      claim gas, 4-leaf tree (2-hash proof): ${JSON.stringify(small, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v))}`);
      console.log(`      claim gas, 1,000-leaf tree (10-hash proof): ${JSON.stringify(large, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v))}`);
      expect(small["word touched, recipient funded"]).to.be.at.most(70_000n);
      // The first claim of an epoch stores no new slot of the vault: only the recipient's balance is new.
      expect(small["word untouched, recipient empty"]).to.be.at.most(85_000n);
      // Leaf 256 opens a bitmap word: a cold read (2,100) and a zero-to-non-zero store (20,000 more than the
      // write of the epoch's slot that leaf 2 shares); its proof is as long as leaf 2's.
      expect(large["word untouched, recipient funded"]! - large["word touched, recipient funded"]!).to.be.at.least(22_100n);
    });

    it("settles within 150k", async () => {
      const world = await load(funded);
      const tree = new AllocationTree([{ account: world.alice.address, amount: 1n }]);
      const gas = await gasOf(world.vault.connect(world.settler).settle(world.productId, 0n, 1n, tree.root, await latestBlock(), h("inputs")));
      console.log(`      settle gas: ${gas}`);
      expect(gas).to.be.at.most(150_000n);
    });
  });

  describe("a tree of 1,000,000 leaves", function () {
    this.timeout(600_000);
    const LEAVES = 1_000_000;
    const ALICE_INDEX = 777_777;

    it("settles for the gas of a 4-leaf tree, and its leaves can be claimed", async () => {
      const world = await load(funded);
      const started = Date.now();
      const values = Array.from({ length: LEAVES }, (_, i): [bigint, string, bigint] => [
        BigInt(i),
        i === ALICE_INDEX ? world.alice.address : ethers.getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`),
        BigInt(1 + (i % 7)),
      ]);
      const big = await FastStandardTree.build(values);
      const buildSeconds = (Date.now() - started) / 1000;
      const bigTotal = values.reduce((sum, [, , amount]) => sum + amount, 0n);
      const small = new AllocationTree([
        { account: world.alice.address, amount: 4_000n },
        { account: world.bob.address, amount: 3_000n },
        { account: world.carol.address, amount: 2_000n },
        { account: world.individual.address, amount: 1_000n },
      ]);
      await send(world.vault.connect(world.payer).deposit(world.productId, bigTotal + 1n, REF));

      // Same product, both leaving a remainder: the same storage transitions, only the root differs.
      const settleSmall = world.vault.connect(world.settler).settle(world.productId, 0n, small.total, small.root, await latestBlock(), h("inputs"));
      const smallReceipt = await send(settleSmall);
      const smallTx = await ethers.provider.getTransaction(smallReceipt.hash);
      const settleBig = world.vault.connect(world.settler).settle(world.productId, 0n, bigTotal, big.root, await latestBlock(), h("inputs"));
      const bigReceipt = await send(settleBig);
      const bigTx = await ethers.provider.getTransaction(bigReceipt.hash);
      const smallExecution = smallReceipt.gasUsed - intrinsicGas(smallTx!.data);
      const bigExecution = bigReceipt.gasUsed - intrinsicGas(bigTx!.data);
      console.log(
        `      1M-leaf tree built in ${buildSeconds.toFixed(1)} s; settle gas: 4 leaves ${smallReceipt.gasUsed}, ` +
          `1,000,000 leaves ${bigReceipt.gasUsed} (execution ${smallExecution} / ${bigExecution})`,
      );
      expect(bigExecution).to.equal(smallExecution);
      expect(bigReceipt.gasUsed).to.be.at.most(150_000n);

      const epochId = await world.vault.epochCount();
      await time.increase(CHALLENGE_WINDOW);
      const proof = big.getProof(ALICE_INDEX);
      expect(proof).to.have.length(20);
      const amount = BigInt(1 + (ALICE_INDEX % 7));
      const claimGas = await gasOf(
        world.vault.connect(world.alice).claim([{ epochId, index: BigInt(ALICE_INDEX), account: world.alice.address, amount, proof }], world.alice.address),
      );
      console.log(`      claim of a leaf of the 1M-leaf tree (20-hash proof, word untouched, recipient empty): ${claimGas} gas`);
      expect(await world.vault.isClaimed(epochId, BigInt(ALICE_INDEX))).to.equal(true);
      // A neighbour's leaf with alice's account does not verify.
      await expect(
        world.vault
          .connect(world.alice)
          .claim([{ epochId, index: BigInt(ALICE_INDEX + 1), account: world.alice.address, amount, proof: big.getProof(ALICE_INDEX + 1) }], world.alice.address),
      )
        .to.be.revertedWithCustomError(world.vault, "RevenueVaultInvalidProof")
        .withArgs(epochId, BigInt(ALICE_INDEX + 1));
    });
  });
});
