/**
 * Regression tests of the audit of 6df5a36 (issue 11), finding F06: rejecting a settlement some parties
 * already claimed from must not pay them twice. The vault refuses a settlement read before the last
 * settlement or rejection of its product and version; the replacement's allocation is computed off chain by
 * the ledger's own `settlementOf` (through `proposeSettlement`), folded from the chain's logs as the settler
 * does, and must credit what the rejected epoch already paid. Every scenario runs on a fresh deployment of
 * the Ignition module.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";
import type { Address } from "viem";

import { proposeSettlement, type SettlementProposal } from "../../ledger/state/index.js";
import { AssetKind, ContributionRole, DisputeKind, EmptyStageRule, Remedy, Rights, Stage } from "../../ledger/types.js";
import { CHALLENGE_WINDOW, deployLedger, grantTerms, h, issueAsset, makeGrant, recordedIds, type Ledger } from "../helpers/ledger.js";
import { send } from "../helpers/registry.js";
import { foldChain } from "../helpers/state.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

interface World {
  ledger: Ledger;
  product: bigint;
  bobRecord: bigint;
}

/**
 * carol's resource, licensed to alice at 7%; alice's product derived from it; confirmed records by alice
 * (holder), bob and the institution (processors) and carol (provider); a policy. The holder can dispute.
 */
async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { contributions, token, disputeCourt: court, alice, bob, carol, institution } = ledger;
  const resource = await issueAsset(connection, ledger, carol);
  const toAlice = await makeGrant(ledger, carol, grantTerms(alice.address, resource, Rights.PROCESS, BigInt(await time.latest()), { royaltyBps: 700 }));
  const product = await issueAsset(connection, ledger, alice, { kind: AssetKind.PRODUCT, parents: [{ assetId: resource, grantId: toAlice }] });
  const now = BigInt(await time.latest());
  const toBob = await makeGrant(ledger, alice, grantTerms(bob.address, product, Rights.PROCESS, now));
  const toInstitution = await makeGrant(ledger, alice, grantTerms(institution.address, product, Rights.PROCESS, now));
  const input = (stage: number, role: number, authorization: bigint, measure: bigint) => ({
    productId: product,
    stage,
    role,
    measure,
    authorization,
    evidenceHash: h(`record-${measure}`),
    evidenceURI: "",
  });
  const ids = [
    ...(await recordedIds(ledger, contributions.connect(alice).record([input(Stage.APPLICATION, ContributionRole.HOLDER, 0n, 1_000n)]))),
    ...(await recordedIds(ledger, contributions.connect(bob).record([input(Stage.PROCESSING, ContributionRole.PROCESSOR, toBob, 3_001n)]))),
    ...(await recordedIds(ledger, contributions.connect(institution).record([input(Stage.PROCESSING, ContributionRole.PROCESSOR, toInstitution, 1_999n)]))),
    ...(await recordedIds(ledger, contributions.connect(carol).record([input(Stage.COLLECTION, ContributionRole.PROVIDER, resource, 500n)]))),
  ];
  const bobRecord = ids[1]!;
  await send(contributions.connect(alice).confirm(ids));
  await send(contributions.connect(alice).setSplitPolicy(product, [2_000, 5_000, 1_000, 2_000], EmptyStageRule.PRO_RATA));
  for (const party of [alice, bob]) {
    await send(token.mint(party.address, 10n ** 9n));
    await send(token.connect(party).approve(await court.getAddress(), ethers.MaxUint256));
  }
  return { ledger, product, bobRecord };
}

async function deposit(ledger: Ledger, product: bigint, amount: bigint): Promise<void> {
  const { token, vault, outsider } = ledger;
  await send(token.mint(outsider.address, amount));
  await send(token.connect(outsider).approve(await vault.getAddress(), amount));
  await send(vault.connect(outsider).deposit(product, amount, h(`order-${amount}`)));
}

async function post(ledger: Ledger, proposal: SettlementProposal): Promise<bigint> {
  await send(
    ledger.vault
      .connect(ledger.settler)
      .settle(proposal.productId, proposal.policyVersion, proposal.amount, proposal.merkleRoot, proposal.stateBlock, proposal.inputsHash),
  );
  return ledger.vault.epochCount();
}

/** Claims `account`'s leaf of `proposal` (posted as `epochId`) as that account; returns what it received. */
async function claimLeaf(
  ledger: Ledger,
  signers: Map<string, HardhatEthersSigner>,
  proposal: SettlementProposal,
  epochId: bigint,
  account: string,
): Promise<bigint> {
  const leaf = proposal.tree.claim(account as Address);
  if (leaf === undefined) return 0n;
  const signer = signers.get(account.toLowerCase())!;
  const before = await ledger.token.balanceOf(signer.address);
  await send(
    ledger.vault.connect(signer).claim([{ epochId, index: leaf.index, account: leaf.account, amount: leaf.amount, proof: leaf.proof }], signer.address),
  );
  return (await ledger.token.balanceOf(signer.address)) - before;
}

describe("F06 rejecting a partly claimed settlement pays twice", () => {
  it("refuses a settlement read before the last settlement or rejection of its product and version", async () => {
    // Old code: `settle` checked only `stateBlock < block.number`: a replacement computed from a state before
    // the rejection (which knows nothing of the claims to credit) was accepted.
    const w = await loadFixture(world);
    const { vault, disputeCourt: court, settler, alice, arbitrator } = w.ledger;
    await deposit(w.ledger, w.product, 10_000n);
    const early = BigInt(await ethers.provider.getBlockNumber());
    await send(vault.connect(settler).settle(w.product, 1, 4_000n, h("root-1"), early, h("inputs-1")));
    const settledAt = BigInt((await ethers.provider.getBlock("latest"))!.number);
    expect(await vault.lastSettlementBlock(w.product, 1)).to.equal(settledAt);
    // A second settlement of the same product and version must read a state that includes the first.
    await expect(vault.connect(settler).settle(w.product, 1, 1_000n, h("root-2"), early, h("inputs-2")))
      .to.be.revertedWithCustomError(vault, "RevenueVaultStaleStateBlock")
      .withArgs(early, settledAt);
    await send(vault.connect(settler).settle(w.product, 1, 1_000n, h("root-2"), settledAt, h("inputs-2")));

    // A rejection (here the court's, on the holder's dispute) moves the mark again.
    await send(court.connect(alice).openDispute(DisputeKind.SETTLEMENT, w.product, 1n, 0n, await court.minimumBond(DisputeKind.SETTLEMENT), h("wrong"), ""));
    await time.increase(await court.answerPeriod());
    await send(court.connect(arbitrator).rule(await court.disputeCount(), { remedy: Remedy.REJECT_SETTLEMENT, adjustedMeasure: 0n, transferTo: ethers.ZeroAddress, forfeitBond: false, rulingHash: h("reject"), rulingURI: "" }));
    const rejectedAt = BigInt((await ethers.provider.getBlock("latest"))!.number);
    expect(await vault.lastSettlementBlock(w.product, 1)).to.equal(rejectedAt);
    for (const stale of [early, settledAt, rejectedAt - 1n]) {
      await expect(vault.connect(settler).settle(w.product, 1, 1_000n, h("root-3"), stale, h("inputs-3")))
        .to.be.revertedWithCustomError(vault, "RevenueVaultStaleStateBlock")
        .withArgs(stale, rejectedAt);
    }
    await send(vault.connect(settler).settle(w.product, 1, 1_000n, h("root-3"), rejectedAt, h("inputs-3")));
  });

  it("pays every party exactly its share across the rejected epoch and its replacement, whoever claimed early", async () => {
    // Old code (and a `settlementOf` that ignores the rejected epoch's claims): the replacement split the
    // returned amount among everyone, so each early claimer got its share of the remainder on top of what it
    // had claimed — its total exceeded its share while the others fell short.
    // This is the acceptance test of the off-chain credit (`ledger/state/views.ts` settlementOf).
    const signers = new Map((await ethers.getSigners()).map((s) => [s.address.toLowerCase(), s]));
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1_000n, max: 10n ** 12n }),
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        fc.boolean(),
        async (revenue, claimsEarly, holderDisputes) => {
          const w = await loadFixture(world);
          const { vault, token, disputeCourt: court, arbitrator, alice, bob } = w.ledger;
          await deposit(w.ledger, w.product, revenue);

          const folded = await foldChain(connection, w.ledger);
          const first = proposeSettlement(folded.state, w.product, 1, folded.lastBlock)!;
          expect(first.amount).to.equal(revenue);
          const epoch1 = await post(w.ledger, first);
          await time.increase(CHALLENGE_WINDOW);

          const accounts = first.allocation.entries.map((entry) => entry.account);
          const share = new Map(first.allocation.entries.map((entry) => [entry.account, entry.amount]));
          const received = new Map(accounts.map((a) => [a, 0n]));
          let claimed = 0n;
          const early = new Set<string>();
          for (const [i, account] of accounts.entries()) {
            if (!claimsEarly[i % claimsEarly.length]) continue;
            early.add(account);
            const got = await claimLeaf(w.ledger, signers, first, epoch1, account);
            received.set(account, got);
            claimed += got;
          }

          // The settlement is disputed (by its holder, or by a contributor), paused and rejected by ruling.
          const [claimant, standing] = holderDisputes ? [alice, 0n] : [bob, w.bobRecord];
          await send(court.connect(claimant).openDispute(DisputeKind.SETTLEMENT, w.product, epoch1, standing, await court.minimumBond(DisputeKind.SETTLEMENT), h("wrong split"), ""));
          await time.increase(await court.answerPeriod());
          await send(
            court
              .connect(arbitrator)
              .rule(await court.disputeCount(), { remedy: Remedy.REJECT_SETTLEMENT, adjustedMeasure: 0n, transferTo: ethers.ZeroAddress, forfeitBond: false, rulingHash: h("reject"), rulingURI: "" }),
          );
          expect(await vault.unsettled(w.product, 1)).to.equal(revenue - claimed);

          // The settler folds the chain again and proposes the replacement; the vault accepts it.
          const refolded = await foldChain(connection, w.ledger);
          const replacement = proposeSettlement(refolded.state, w.product, 1, refolded.lastBlock);
          if (claimed === revenue) {
            expect(replacement).to.equal(undefined);
          } else {
            expect(replacement!.amount).to.equal(revenue - claimed);
            const epoch2 = await post(w.ledger, replacement!);
            await time.increase(CHALLENGE_WINDOW);
            for (const entry of replacement!.allocation.entries) {
              expect(share.has(entry.account), `${entry.account} was not a party of the rejected epoch`).to.equal(true);
              const got = await claimLeaf(w.ledger, signers, replacement!, epoch2, entry.account);
              received.set(entry.account, (received.get(entry.account) ?? 0n) + got);
            }
            // The replacement's allocation is within the vault's books (conservation).
            expect(replacement!.allocation.entries.reduce((sum, e) => sum + e.amount, 0n)).to.equal(revenue - claimed);
          }

          for (const account of accounts) {
            expect(received.get(account), `${account} (claimed early: ${String(early.has(account))})`).to.equal(share.get(account));
          }
          const [deposited, paidOut, settledUnpaid, unsettled] = await vault.totals();
          expect([deposited, paidOut, settledUnpaid, unsettled]).to.deep.equal([revenue, revenue, 0n, 0n]);
          expect(await token.balanceOf(await vault.getAddress())).to.equal(0n);
        },
      ),
      { numRuns: 5 },
    );
  });
});
