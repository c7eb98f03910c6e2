import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import { AssetKind, ContributionRole, DisputeKind, EmptyStageRule, Remedy, Rights, Stage } from "../ledger/types.js";
import { deployLedger, grantTerms, h, issueAsset, makeGrant, MIN_BOND, recordedIds, type Ledger } from "./helpers/ledger.js";
import { send } from "./helpers/registry.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** What a random sequence does, step by step. */
type Step =
  | { kind: "open"; claimant: number; extra: bigint }
  | { kind: "rule"; pick: number; forfeit: boolean; uphold: boolean }
  | { kind: "lapse"; pick: number }
  | { kind: "allow"; pick: number }
  | { kind: "withdraw"; account: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("open" as const), claimant: fc.nat(2), extra: fc.bigInt({ min: 0n, max: 5_000n }) }),
  fc.record({ kind: fc.constant("rule" as const), pick: fc.nat(), forfeit: fc.boolean(), uphold: fc.boolean() }),
  fc.record({ kind: fc.constant("lapse" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("allow" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("withdraw" as const), account: fc.nat(3) }),
);

interface World {
  ledger: Ledger;
  product: bigint;
  claimants: HardhatEthersSigner[];
  /** Each claimant's contribution record on the product: its standing to dispute the policy. */
  standing: bigint[];
}

/**
 * bob's product with a policy; alice, carol and the individual each processed it under bob's grant (their
 * standing to dispute its policy) and hold tokens the court may take as bonds.
 */
async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { bob, contributions } = ledger;
  const product = await issueAsset(connection, ledger, bob, { kind: AssetKind.PRODUCT });
  await send(contributions.connect(bob).setSplitPolicy(product, [2_500, 2_500, 2_500, 2_500], EmptyStageRule.TO_HOLDER));
  const claimants = [ledger.alice, ledger.carol, ledger.individual];
  const standing: bigint[] = [];
  for (const claimant of claimants) {
    const now = BigInt(await networkHelpers.time.latest());
    const grantId = await makeGrant(ledger, bob, grantTerms(claimant.address, product, Rights.PROCESS, now));
    const [recordedId] = await recordedIds(
      ledger,
      contributions.connect(claimant).record([
        {
          productId: product,
          stage: Stage.PROCESSING,
          role: ContributionRole.PROCESSOR,
          measure: 1_000n,
          authorization: grantId,
          evidenceHash: h(`work-${claimant.address}`),
          evidenceURI: "",
        },
      ]),
    );
    standing.push(recordedId!);
    await send(ledger.token.mint(claimant.address, 1_000_000n));
    await send(ledger.token.connect(claimant).approve(await ledger.disputeCourt.getAddress(), ethers.MaxUint256));
  }
  return { ledger, product, claimants, standing };
}

describe("DisputeCourt: bonds are conserved over random sequences", () => {
  it("holds exactly the bonds of open disputes and the credits not withdrawn; pays each bond once, to the claimant or the respondent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), async (steps) => {
        const { ledger, product, claimants, standing } = await networkHelpers.loadFixture(world);
        const { disputeCourt: court, token, arbitrator, bob } = ledger;
        const courtAddress = await court.getAddress();
        const accounts = [...claimants, bob];
        const start = await Promise.all(accounts.map((a) => token.balanceOf(a.address)));
        /** What each account paid in bonds and withdrew, and what it is owed. */
        const flows = accounts.map(() => ({ paid: 0n, withdrawn: 0n, credit: 0n }));
        const open: { id: bigint; claimant: number; bond: bigint }[] = [];
        const closed: { id: bigint; claimant: number }[] = [];
        /** Per claimant (all on POLICY version 1): its open dispute, and whether a new one is barred. */
        const claims = claimants.map(() => ({ open: 0n, barred: false }));

        for (const action of steps) {
          if (action.kind === "open") {
            const claimant = claimants[action.claimant]!;
            const bond = MIN_BOND + action.extra;
            const tx = court.connect(claimant).openDispute(DisputeKind.POLICY, product, 1n, standing[action.claimant]!, bond, h("grounds"), "");
            const claim = claims[action.claimant]!;
            if (claim.open !== 0n) {
              await expect(tx).to.be.revertedWithCustomError(court, "DisputeCourtAlreadyDisputed").withArgs(claim.open);
            } else if (claim.barred) {
              await expect(tx).to.be.revertedWithCustomError(court, "DisputeCourtRepeatNotAllowed").withArgs(DisputeKind.POLICY, product, 1n);
            } else {
              await send(tx);
              const id = await court.disputeCount();
              open.push({ id, claimant: action.claimant, bond });
              claim.open = id;
              flows[action.claimant]!.paid += bond;
            }
          } else if (action.kind === "allow") {
            if (closed.length > 0) {
              const { id, claimant } = closed[action.pick % closed.length]!;
              await send(court.connect(arbitrator).allowRepeat(id));
              claims[claimant]!.barred = false;
            }
          } else if (action.kind === "withdraw") {
            const account = accounts[action.account]!;
            const flow = flows[action.account]!;
            const tx = court.connect(account).withdrawBond(account.address, account.address);
            if (flow.credit === 0n) {
              await expect(tx).to.be.revertedWithCustomError(court, "DisputeCourtNothingToWithdraw").withArgs(account.address);
            } else {
              await send(tx);
              flow.withdrawn += flow.credit;
              flow.credit = 0n;
            }
          } else if (open.length > 0) {
            const [target] = open.splice(action.pick % open.length, 1);
            const { id, claimant, bond } = target!;
            // A lapse moved the clock past every deadline so far: those disputes can only lapse now.
            const { answerEndsAt, rulingDeadline } = await court.dispute(id);
            if (BigInt(await networkHelpers.time.latest()) < answerEndsAt) await networkHelpers.time.increaseTo(answerEndsAt);
            const late = BigInt(await networkHelpers.time.latest()) >= rulingDeadline;
            if (action.kind === "rule" && !late) {
              // A bond is forfeited only on a dismissal: an upheld claim keeps it.
              const forfeit = action.forfeit && !action.uphold;
              await send(
                court.connect(arbitrator).rule(id, {
                  remedy: action.uphold ? Remedy.UPHOLD : Remedy.DISMISS,
                  adjustedMeasure: 0n,
                  transferTo: ethers.ZeroAddress,
                  forfeitBond: forfeit,
                  rulingHash: h("ruling"),
                  rulingURI: "",
                }),
              );
              flows[forfeit ? accounts.length - 1 : claimant]!.credit += bond;
            } else {
              if (!late) await networkHelpers.time.increaseTo(rulingDeadline + 1n);
              await send(court.connect(bob).lapse(id));
              flows[claimant]!.credit += bond;
            }
            claims[claimant] = { open: 0n, barred: true };
            closed.push({ id, claimant });
          }
          // The invariant after every step: the court holds the open disputes' bonds and the credits not yet
          // withdrawn, nothing more, and each account's credit is what the model says.
          const held = open.reduce((sum, d) => sum + d.bond, 0n) + flows.reduce((sum, f) => sum + f.credit, 0n);
          expect(await token.balanceOf(courtAddress)).to.equal(held);
          for (const [i, account] of accounts.entries()) {
            expect(await court.bondCredit(account.address), account.address).to.equal(flows[i]!.credit);
          }
        }
        for (const [i, account] of accounts.entries()) {
          const flow = flows[i]!;
          expect((await token.balanceOf(account.address)) - start[i]!, account.address).to.equal(flow.withdrawn - flow.paid);
          const [openId, barred] = await court.claimState(account.address, DisputeKind.POLICY, product, 1n);
          if (i < claimants.length) expect([openId, barred], account.address).to.deep.equal([claims[i]!.open, claims[i]!.barred]);
        }
      }),
      { numRuns: process.env.CI ? 200 : 40 },
    );
  });
});
