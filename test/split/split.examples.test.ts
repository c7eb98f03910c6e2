import { expect } from "chai";
import { getAddress } from "viem";

import { allocationToJson, escrowAccount, splitRevenue, type Allocation, type BasisComponent } from "../../ledger/split/index.js";
import { addr, context, entryOf, policy, ratio, resolverOf } from "./helpers.js";

const holder = addr(0xa0);
const alice = addr(0xa1);
const bob = addr(0xb0);
const carol = addr(0xc0);

/** account -> amount, for compact expectations. */
function amounts(allocation: Allocation): Record<string, bigint> {
  return Object.fromEntries(allocation.entries.map((entry) => [entry.account, entry.amount]));
}

/** A component without its share, and its share in lowest terms. */
function shown(component: BasisComponent): Record<string, unknown> {
  const { share, ...rest } = component;
  return { ...rest, share: ratio(share) };
}

describe("split: examples computed by hand", () => {
  it("no policy: everything to the holder", () => {
    const allocation = splitRevenue({ amount: 1_000n, context: context(1n, { holder: getAddress(holder) }) });
    expect(allocation.amount).to.equal(1_000n);
    expect(allocation.entries).to.have.length(1);
    const [entry] = allocation.entries;
    expect(entry!.account).to.equal(holder);
    expect(entry!.amount).to.equal(1_000n);
    expect(entry!.basis.roundedUp).to.equal(false);
    expect(ratio(entry!.basis.exact)).to.equal("1000/1");
    expect(entry!.basis.components.map(shown)).to.deep.equal([{ kind: "holder", path: [1n], share: "1000/1" }]);
  });

  describe("a policy 20/50/20/10 with collection (alice 3, bob 1) and processing (carol 5)", () => {
    const contributions = [
      { id: 1n, contributor: alice, stage: 0 as const, measure: 3n },
      { id: 2n, contributor: bob, stage: 0 as const, measure: 1n },
      { id: 3n, contributor: carol, stage: 1 as const, measure: 5n },
    ];

    it("TO_HOLDER: the empty stages' 30% go to the holder", () => {
      const allocation = splitRevenue({
        amount: 10_000n,
        context: context(1n, { holder, policy: policy([2_000, 5_000, 2_000, 1_000], "TO_HOLDER"), contributions }),
      });
      // Collection 2,000 (alice 3/4, bob 1/4), processing 5,000, the holder 3,000.
      expect(amounts(allocation)).to.deep.equal({ [holder]: 3_000n, [alice]: 1_500n, [bob]: 500n, [carol]: 5_000n });
      expect(allocation.entries.map((e) => e.account)).to.deep.equal([holder, alice, bob, carol]);
      expect(entryOf(allocation, alice)!.basis.components.map(shown)).to.deep.equal([
        { kind: "contribution", path: [1n], stage: 0, contributionIds: [1n], share: "1500/1" },
      ]);
      expect(entryOf(allocation, holder)!.basis.components.map(shown)).to.deep.equal([
        { kind: "holder", path: [1n], share: "3000/1" },
      ]);
    });

    it("PRO_RATA: the empty stages' weight spreads over collection and processing, 2 : 5", () => {
      const allocation = splitRevenue({
        amount: 10_000n,
        context: context(1n, { holder, policy: policy([2_000, 5_000, 2_000, 1_000], "PRO_RATA"), contributions }),
      });
      // Collection 10,000 · 2/7: alice 15,000/7 = 2,142 + 6/7, bob 5,000/7 = 714 + 2/7; processing
      // 50,000/7 = 7,142 + 6/7. Floors sum to 9,998: the two units go to the 6/7 parts.
      expect(amounts(allocation)).to.deep.equal({ [alice]: 2_143n, [bob]: 714n, [carol]: 7_143n });
      expect(ratio(entryOf(allocation, alice)!.basis.exact)).to.equal("15000/7");
      expect(ratio(entryOf(allocation, bob)!.basis.exact)).to.equal("5000/7");
      expect(entryOf(allocation, bob)!.basis.roundedUp).to.equal(false);
      expect(entryOf(allocation, carol)!.basis.roundedUp).to.equal(true);
    });
  });

  it("equal fractional parts: the lower address gets the unit first", () => {
    const allocation = splitRevenue({
      amount: 100n,
      context: context(1n, {
        policy: policy([10_000, 0, 0, 0]),
        contributions: [
          { id: 1n, contributor: getAddress(carol), stage: 0, measure: 7n },
          { id: 2n, contributor: bob, stage: 0, measure: 7n },
          { id: 3n, contributor: alice, stage: 0, measure: 7n },
        ],
      }),
    });
    // 100/3 each: floors 33, one unit left, to alice (0x…a1 < 0x…b0 < 0x…c0).
    expect(amounts(allocation)).to.deep.equal({ [alice]: 34n, [bob]: 33n, [carol]: 33n });
    expect(allocation.entries.map((e) => e.basis.roundedUp)).to.deep.equal([true, false, false]);
  });

  it("a party left with 0 is omitted", () => {
    const allocation = splitRevenue({
      amount: 1n,
      context: context(1n, {
        policy: policy([10_000, 0, 0, 0]),
        contributions: [
          { id: 1n, contributor: carol, stage: 0, measure: 1n },
          { id: 2n, contributor: bob, stage: 0, measure: 1n },
          { id: 3n, contributor: alice, stage: 0, measure: 1n },
        ],
      }),
    });
    expect(amounts(allocation)).to.deep.equal({ [alice]: 1n });
  });

  it("every stage empty, or PRO_RATA over stages that weigh nothing: all to the holder", () => {
    for (const rule of ["TO_HOLDER", "PRO_RATA"] as const) {
      const empty = splitRevenue({ amount: 999n, context: context(1n, { holder, policy: policy([2_500, 2_500, 2_500, 2_500], rule) }) });
      expect(amounts(empty), rule).to.deep.equal({ [holder]: 999n });
    }
    const weightless = splitRevenue({
      amount: 999n,
      context: context(1n, {
        holder,
        policy: policy([10_000, 0, 0, 0], "PRO_RATA"),
        contributions: [{ id: 1n, contributor: alice, stage: 2, measure: 5n }],
      }),
    });
    expect(amounts(weightless)).to.deep.equal({ [holder]: 999n });
    // Under TO_HOLDER the same weightless stage leaves everything to the holder too, by the rule itself.
    const toHolder = splitRevenue({
      amount: 999n,
      context: context(1n, {
        holder,
        policy: policy([10_000, 0, 0, 0], "TO_HOLDER"),
        contributions: [{ id: 1n, contributor: alice, stage: 2, measure: 5n }],
      }),
    });
    expect(amounts(toHolder)).to.deep.equal({ [holder]: 999n });
  });

  it("one account in several places: one entry, one component per place", () => {
    const allocation = splitRevenue({
      amount: 1_000n,
      context: context(1n, {
        holder,
        policy: policy([4_000, 4_000, 2_000, 0], "TO_HOLDER"),
        contributions: [
          { id: 13n, contributor: alice, stage: 1, measure: 3n },
          { id: 10n, contributor: getAddress(holder), stage: 0, measure: 1n },
          { id: 11n, contributor: alice, stage: 0, measure: 1n },
          { id: 12n, contributor: getAddress(alice), stage: 1, measure: 1n },
        ],
      }),
    });
    // Circulation (20%) is empty: 200 to the holder; collection 400 halved; processing 400 all alice's.
    expect(amounts(allocation)).to.deep.equal({ [holder]: 400n, [alice]: 600n });
    expect(entryOf(allocation, holder)!.basis.components.map(shown)).to.deep.equal([
      { kind: "holder", path: [1n], share: "200/1" },
      { kind: "contribution", path: [1n], stage: 0, contributionIds: [10n], share: "200/1" },
    ]);
    expect(entryOf(allocation, alice)!.basis.components.map(shown)).to.deep.equal([
      { kind: "contribution", path: [1n], stage: 0, contributionIds: [11n], share: "200/1" },
      { kind: "contribution", path: [1n], stage: 1, contributionIds: [12n, 13n], share: "400/1" },
    ]);
  });

  it("an account with many contributions in one stage: one component with all their ids", () => {
    const count = 50_000;
    const contributions = Array.from({ length: count }, (_, i) => ({ id: BigInt(count - i), contributor: alice, stage: 1 as const, measure: 1n }));
    contributions.push({ id: BigInt(count + 1), contributor: bob, stage: 1, measure: BigInt(count) });
    const allocation = splitRevenue({ amount: 1_000n, context: context(1n, { policy: policy([0, 10_000, 0, 0]), contributions }) });
    expect(amounts(allocation)).to.deep.equal({ [alice]: 500n, [bob]: 500n });
    const [component] = entryOf(allocation, alice)!.basis.components;
    expect(component?.kind === "contribution" && component.contributionIds).to.deep.equal(Array.from({ length: count }, (_, i) => BigInt(i + 1)));
  });

  it("a disputed contribution's part goes to its dispute's escrow account", () => {
    const allocation = splitRevenue({
      amount: 400n,
      context: context(1n, {
        policy: policy([10_000, 0, 0, 0]),
        contributions: [
          { id: 1n, contributor: alice, stage: 0, measure: 1n },
          { id: 2n, contributor: bob, stage: 0, measure: 1n, disputeId: 7n },
          { id: 3n, contributor: bob, stage: 0, measure: 2n },
        ],
      }),
    });
    const escrow = escrowAccount(7n);
    expect(amounts(allocation)).to.deep.equal({ [alice]: 100n, [bob]: 200n, [escrow]: 100n });
    expect(entryOf(allocation, escrow)!.basis.components.map(shown)).to.deep.equal([
      { kind: "escrow", path: [1n], stage: 0, disputeId: 7n, contributionIds: [2n], share: "100/1" },
    ]);
  });

  it("royalties up the lineage, split again by each parent's own context", () => {
    const [h1, h2, h3, h4] = [addr(1, 0xe1), addr(2, 0xe2), addr(3, 0xe3), addr(4, 0xe4)];
    const product = context(1n, {
      holder: h1,
      policy: policy([10_000, 0, 0, 0]),
      contributions: [{ id: 1n, contributor: alice, stage: 0, measure: 1n }],
      parents: [
        { assetId: 3n, royaltyBps: 500 },
        { assetId: 2n, royaltyBps: 1_000 },
      ],
    });
    const resolve = resolverOf([
      context(2n, { holder: h2 }),
      context(3n, {
        holder: h3,
        policy: policy([5_000, 5_000, 0, 0], "PRO_RATA"),
        contributions: [
          { id: 2n, contributor: bob, stage: 0, measure: 1n },
          { id: 3n, contributor: carol, stage: 1, measure: 3n },
        ],
        parents: [{ assetId: 4n, royaltyBps: 2_000 }],
      }),
      context(4n, { holder: h4 }),
    ]);
    const allocation = splitRevenue({ amount: 100_000n, context: product, resolveParent: resolve });
    // Asset 2 takes 10% (its holder, no policy); asset 3 takes 5% = 5,000, of which 20% goes up to asset 4
    // and 4,000 to its stages; the product's 85% all to collection (alice). The product's holder: nothing.
    expect(amounts(allocation)).to.deep.equal({ [alice]: 85_000n, [bob]: 2_000n, [carol]: 2_000n, [h2]: 10_000n, [h4]: 1_000n });
    expect(entryOf(allocation, h3)).to.equal(undefined);
    expect(entryOf(allocation, h4)!.basis.components.map(shown)).to.deep.equal([
      { kind: "holder", path: [1n, 3n, 4n], share: "1000/1" },
    ]);
    expect(entryOf(allocation, carol)!.basis.components.map(shown)).to.deep.equal([
      { kind: "contribution", path: [1n, 3n], stage: 1, contributionIds: [3n], share: "2000/1" },
    ]);
    expect(entryOf(allocation, h1)).to.equal(undefined);
  });

  it("an ancestor reached by two paths is paid on both, its context resolved once", () => {
    const [hp, hx, hy, hc] = [addr(1, 0xe1), addr(2, 0xe2), addr(3, 0xe3), addr(4, 0xe4)];
    const resolve = resolverOf([
      context(2n, { holder: hx, parents: [{ assetId: 4n, royaltyBps: 5_000 }] }),
      context(3n, { holder: hy, parents: [{ assetId: 4n, royaltyBps: 2_500 }] }),
      context(4n, { holder: hc }),
    ]);
    const allocation = splitRevenue({
      amount: 1_000_000n,
      context: context(1n, {
        holder: hp,
        parents: [
          { assetId: 2n, royaltyBps: 1_000 },
          { assetId: 3n, royaltyBps: 2_000 },
        ],
      }),
      resolveParent: resolve,
    });
    // X: 100,000, half up to C; Y: 200,000, a quarter up to C. C: 50,000 by each path.
    expect(amounts(allocation)).to.deep.equal({ [hp]: 700_000n, [hx]: 50_000n, [hy]: 150_000n, [hc]: 100_000n });
    expect(entryOf(allocation, hc)!.basis.components.map(shown)).to.deep.equal([
      { kind: "holder", path: [1n, 2n, 4n], share: "50000/1" },
      { kind: "holder", path: [1n, 3n, 4n], share: "50000/1" },
    ]);
    expect([...resolve.calls.values()]).to.deep.equal([1, 1, 1]);
  });

  it("royalties of 100%: the product itself keeps nothing", () => {
    const allocation = splitRevenue({
      amount: 10n,
      context: context(1n, {
        holder,
        policy: policy([10_000, 0, 0, 0]),
        contributions: [{ id: 1n, contributor: alice, stage: 0, measure: 1n }],
        parents: [{ assetId: 2n, royaltyBps: 10_000 }],
      }),
      resolveParent: resolverOf([context(2n, { holder: bob })]),
    });
    expect(amounts(allocation)).to.deep.equal({ [bob]: 10n });
  });

  it("a parent whose royalty is 0 is resolved (and checked) but takes nothing", () => {
    const resolve = resolverOf([context(2n, { holder: bob })]);
    const allocation = splitRevenue({
      amount: 10n,
      context: context(1n, { holder, parents: [{ assetId: 2n, royaltyBps: 0 }] }),
      resolveParent: resolve,
    });
    expect(amounts(allocation)).to.deep.equal({ [holder]: 10n });
    expect(resolve.calls.get(2n)).to.equal(1);
  });

  it("serializes to JSON through allocationToJson, bigints as decimal strings", () => {
    const allocation = splitRevenue({
      amount: 10n,
      context: context(1n, {
        policy: policy([10_000, 0, 0, 0]),
        contributions: [
          { id: 1n, contributor: alice, stage: 0, measure: 1n },
          { id: 2n, contributor: bob, stage: 0, measure: 2n, disputeId: 9n },
        ],
      }),
    });
    const json = JSON.parse(JSON.stringify(allocationToJson(allocation))) as unknown;
    expect(json).to.deep.equal({
      amount: "10",
      entries: [
        {
          account: escrowAccount(9n),
          amount: "7",
          basis: {
            exact: { numerator: "20", denominator: "3" },
            roundedUp: true,
            components: [
              { kind: "escrow", path: ["1"], stage: 0, disputeId: "9", contributionIds: ["2"], share: { numerator: "20", denominator: "3" } },
            ],
          },
        },
        {
          account: alice,
          amount: "3",
          basis: {
            exact: { numerator: "10", denominator: "3" },
            roundedUp: false,
            components: [{ kind: "contribution", path: ["1"], stage: 0, contributionIds: ["1"], share: { numerator: "10", denominator: "3" } }],
          },
        },
      ].sort((a, b) => (a.account < b.account ? -1 : 1)),
    });
  });
});
