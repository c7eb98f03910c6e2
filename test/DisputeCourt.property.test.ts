import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import { AssetKind, DisputeKind, EmptyStageRule, Remedy } from "../ledger/types.js";
import { deployLedger, h, issueAsset, type Ledger } from "./helpers/ledger.js";
import { send } from "./helpers/registry.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** What a random sequence does, step by step. */
type Step =
  | { kind: "open"; claimant: number; bond: bigint }
  | { kind: "rule"; pick: number; forfeit: boolean; uphold: boolean }
  | { kind: "lapse"; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("open" as const), claimant: fc.nat(2), bond: fc.bigInt({ min: 0n, max: 5_000n }) }),
  fc.record({ kind: fc.constant("rule" as const), pick: fc.nat(), forfeit: fc.boolean(), uphold: fc.boolean() }),
  fc.record({ kind: fc.constant("lapse" as const), pick: fc.nat() }),
);

interface World {
  ledger: Ledger;
  product: bigint;
  claimants: HardhatEthersSigner[];
}

/** bob's product with a policy; alice, carol and the individual hold tokens the court may take as bonds. */
async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const product = await issueAsset(connection, ledger, ledger.bob, { kind: AssetKind.PRODUCT });
  await send(ledger.contributions.connect(ledger.bob).setSplitPolicy(product, [2_500, 2_500, 2_500, 2_500], EmptyStageRule.TO_HOLDER));
  const claimants = [ledger.alice, ledger.carol, ledger.individual];
  for (const claimant of claimants) {
    await send(ledger.token.mint(claimant.address, 1_000_000n));
    await send(ledger.token.connect(claimant).approve(await ledger.disputeCourt.getAddress(), ethers.MaxUint256));
  }
  return { ledger, product, claimants };
}

describe("DisputeCourt: bonds are conserved over random sequences", () => {
  it("holds exactly the bonds of open disputes, and pays each out once, to the claimant or the respondent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const { ledger, product, claimants } = await networkHelpers.loadFixture(world);
        const { disputeCourt: court, token, arbitrator, bob } = ledger;
        const courtAddress = await court.getAddress();
        const accounts = [...claimants, bob];
        const start = await Promise.all(accounts.map((a) => token.balanceOf(a.address)));
        const expected = accounts.map(() => 0n);
        const open: { id: bigint; claimant: number; bond: bigint }[] = [];

        for (const action of steps) {
          if (action.kind === "open") {
            const claimant = claimants[action.claimant]!;
            await send(court.connect(claimant).openDispute(DisputeKind.POLICY, product, 1n, action.bond, h("grounds"), ""));
            open.push({ id: await court.disputeCount(), claimant: action.claimant, bond: action.bond });
            expected[action.claimant]! -= action.bond;
          } else if (open.length > 0) {
            const [target] = open.splice(action.pick % open.length, 1);
            const { id, claimant, bond } = target!;
            // A lapse moved the clock past every deadline so far: those disputes can only lapse now.
            const late = BigInt(await networkHelpers.time.latest()) >= (await court.dispute(id)).rulingDeadline;
            if (action.kind === "rule" && !late) {
              const forfeit = action.forfeit && bond > 0n;
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
              expected[forfeit ? accounts.length - 1 : claimant]! += bond;
            } else {
              if (!late) await networkHelpers.time.increaseTo((await court.dispute(id)).rulingDeadline + 1n);
              await send(court.connect(bob).lapse(id));
              expected[claimant]! += bond;
            }
          }
          // The invariant after every step: the court holds the open disputes' bonds, nothing more.
          const held = open.reduce((sum, d) => sum + d.bond, 0n);
          expect(await token.balanceOf(courtAddress)).to.equal(held);
        }
        for (const [i, account] of accounts.entries()) {
          expect((await token.balanceOf(account.address)) - start[i]!, account.address).to.equal(expected[i]);
        }
      }),
      { numRuns: process.env.CI ? 200 : 40 },
    );
  });
});
