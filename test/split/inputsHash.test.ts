import { expect } from "chai";
import fc from "fast-check";
import { encodeAbiParameters, getAddress, keccak256, type Hex } from "viem";

import { splitInputsHash, SplitError, type CreditedSplitInput, type SplitContext, type SplitCredit, type SplitInput } from "../../ledger/split/index.js";
import { addr, amount, context, lineage, policy, resolverOf, shuffled } from "./helpers.js";

/**
 * The documented encoding, written again with viem's encodeAbiParameters for every level (the engine
 * streams the contributions with its own encoder): what anyone can recompute.
 */
function reference(input: CreditedSplitInput): Hex {
  const contextHash = (c: SplitContext): Hex => {
    const contributions = [...c.contributions]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((k) => ({
        id: k.id,
        contributor: k.contributor.toLowerCase() as Hex,
        stage: k.stage,
        measure: k.measure,
        disputed: k.disputeId !== undefined,
        disputeId: k.disputeId ?? 0n,
      }));
    const contributionsHash = keccak256(
      encodeAbiParameters(
        [
          {
            type: "tuple[]",
            components: [
              { name: "id", type: "uint256" },
              { name: "contributor", type: "address" },
              { name: "stage", type: "uint8" },
              { name: "measure", type: "uint256" },
              { name: "disputed", type: "bool" },
              { name: "disputeId", type: "uint256" },
            ],
          },
        ],
        [contributions],
      ),
    );
    const parents = [...c.parents]
      .sort((a, b) => (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : a.royaltyBps - b.royaltyBps))
      .map((p) => ({ assetId: p.assetId, royaltyBps: p.royaltyBps, contextHash: contextHash(input.resolveParent!(p.assetId)!) }));
    const parentsHash = keccak256(
      encodeAbiParameters(
        [
          {
            type: "tuple[]",
            components: [
              { name: "assetId", type: "uint256" },
              { name: "royaltyBps", type: "uint16" },
              { name: "contextHash", type: "bytes32" },
            ],
          },
        ],
        [parents],
      ),
    );
    // Every parent's licensors as rows, ascending by all fields; the word is there only when there are some.
    const licensors = c.parents
      .flatMap((p) =>
        (p.licensors ?? []).map((l) => ({ parentAssetId: p.assetId, grantId: l.grantId, account: l.account.toLowerCase() as Hex, royaltyBps: l.royaltyBps })),
      )
      .sort((a, b) =>
        a.parentAssetId !== b.parentAssetId
          ? (a.parentAssetId < b.parentAssetId ? -1 : 1)
          : a.grantId !== b.grantId
            ? (a.grantId < b.grantId ? -1 : 1)
            : a.account !== b.account
              ? (a.account < b.account ? -1 : 1)
              : a.royaltyBps - b.royaltyBps,
      );
    const licensorsHash = keccak256(
      encodeAbiParameters(
        [
          {
            type: "tuple[]",
            components: [
              { name: "parentAssetId", type: "uint256" },
              { name: "grantId", type: "uint256" },
              { name: "account", type: "address" },
              { name: "royaltyBps", type: "uint16" },
            ],
          },
        ],
        [licensors],
      ),
    );
    const types = [{ type: "uint256" }, { type: "uint32" }, { type: "uint16[4]" }, { type: "uint8" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32" }];
    const values: unknown[] = [
      c.assetId,
      c.policy.version,
      c.policy.stageWeightsBps,
      c.policy.emptyStageRule === "TO_HOLDER" ? 0 : 1,
      c.holder,
      contributionsHash,
      parentsHash,
    ];
    return licensors.length === 0
      ? keccak256(encodeAbiParameters(types, values))
      : keccak256(encodeAbiParameters([...types, { type: "bytes32" }], [...values, licensorsHash]));
  };
  const head = ["provenance-ledger.split-inputs.v1", input.amount, contextHash(input.context)] as const;
  const headTypes = [{ type: "string" }, { type: "uint256" }, { type: "bytes32" }] as const;
  const credits = [...(input.credits ?? [])]
    .map((k) => ({ account: k.account.toLowerCase() as Hex, amount: k.amount }))
    .sort((a, b) => (a.account < b.account ? -1 : 1));
  if (credits.length === 0) return keccak256(encodeAbiParameters(headTypes, head));
  const creditsHash = keccak256(
    encodeAbiParameters([{ type: "tuple[]", components: [{ name: "account", type: "address" }, { name: "amount", type: "uint256" }] }], [credits]),
  );
  return keccak256(encodeAbiParameters([...headTypes, { type: "bytes32" }], [...head, creditsHash]));
}

/** Up to four credits to distinct accounts of the lineage's pools, in any case. */
const credits: fc.Arbitrary<SplitCredit[]> = fc.uniqueArray(
  fc.record({ n: fc.integer({ min: 1, max: 6 }), prefix: fc.integer({ min: 1, max: 4 }), amount: fc.bigInt({ min: 1n, max: 10n ** 20n }), checksummed: fc.boolean() }),
  { maxLength: 4, selector: (k) => `${k.n}/${k.prefix}` },
).map((items) => items.map((k) => ({ account: k.checksummed ? getAddress(addr(k.n, k.prefix)) : addr(k.n, k.prefix), amount: k.amount })));

function inputOf(amountToSplit: bigint, contexts: readonly SplitContext[]): SplitInput {
  return { amount: amountToSplit, context: contexts[0]!, resolveParent: resolverOf(contexts) };
}

const fixed: SplitInput = {
  amount: 12_800_00n,
  context: context(7n, {
    holder: addr(0xa0),
    policy: policy([2_000, 5_000, 2_000, 1_000], "PRO_RATA"),
    contributions: [
      { id: 3n, contributor: addr(0xb0), stage: 1, measure: 40n, disputeId: 2n },
      { id: 1n, contributor: getAddress(addr(0xc0)), stage: 0, measure: 100n },
    ],
    parents: [{ assetId: 5n, royaltyBps: 1_500 }],
  }),
  resolveParent: resolverOf([context(5n, { holder: addr(0xd0) })]),
};

/** `fixed` with its parent derived under a chain of two sub-grants below the root. */
const fixedWithLicensors: SplitInput = {
  ...fixed,
  context: {
    ...fixed.context,
    parents: [
      {
        assetId: 5n,
        royaltyBps: 1_500,
        licensors: [
          { account: addr(0xb1), royaltyBps: 700, grantId: 12n },
          { account: getAddress(addr(0xe1)), royaltyBps: 0, grantId: 9n },
        ],
      },
    ],
  },
};

/** `fixed` settled after a rejected epoch paid two accounts. */
const fixedWithCredits: CreditedSplitInput = {
  ...fixed,
  credits: [
    { account: addr(0xc0), amount: 3_000n },
    { account: addr(0xa0), amount: 250n },
  ],
};

/** Computed once by the engine and checked against the reference formula above (the first test). */
const PINNED_WITH_LICENSORS = "0x55618060a27b3cf55393862099053da6e48826bef34b4b9815d15d996be80b7b";
const PINNED_WITH_CREDITS = "0xe325c4bd1dda1a4dc4fc0c8200acf9d67795e79bd5b5010c1578381f52997772";

describe("split: inputs hash", () => {
  it("is the documented abi.encode / keccak256 formula, licensors and credits included", () => {
    fc.assert(
      fc.property(amount, lineage(), credits, (amountToSplit, contexts, given) => {
        expect(splitInputsHash(inputOf(amountToSplit, contexts))).to.equal(reference(inputOf(amountToSplit, contexts)));
        const credited = { ...inputOf(amountToSplit, contexts), credits: given };
        expect(splitInputsHash(credited)).to.equal(reference(credited));
      }),
    );
    expect(splitInputsHash(fixed)).to.equal(reference(fixed));
    expect(splitInputsHash(fixedWithLicensors)).to.equal(reference(fixedWithLicensors));
    expect(splitInputsHash(fixedWithCredits)).to.equal(reference(fixedWithCredits));
  });

  it("is pinned for fixed inputs (a change of encoding must be deliberate); without licensors and credits as it always was", () => {
    // The value pinned before licensors and credits existed: such inputs hash as they always did.
    expect(splitInputsHash(fixed)).to.equal("0x1c6896327ca1705b00b976e4fdf17fe4bc6a96397ce0d3a9cc0add7a2a375f2f");
    expect(splitInputsHash({ ...fixed, credits: [] })).to.equal(splitInputsHash(fixed));
    expect(splitInputsHash({ ...fixed, context: { ...fixed.context, parents: [{ assetId: 5n, royaltyBps: 1_500, licensors: [] }] } })).to.equal(
      splitInputsHash(fixed),
    );
    expect(splitInputsHash(fixedWithLicensors)).to.equal(PINNED_WITH_LICENSORS);
    expect(splitInputsHash(fixedWithCredits)).to.equal(PINNED_WITH_CREDITS);
  });

  it("commits to the credits: each account and amount, not their order or case", () => {
    const base = splitInputsHash(fixedWithCredits);
    const [first, second] = fixedWithCredits.credits!;
    expect(splitInputsHash({ ...fixedWithCredits, credits: [second!, { ...first!, account: getAddress(first!.account) }] })).to.equal(base);
    const variants: CreditedSplitInput[] = [
      { ...fixedWithCredits, credits: [first!] },
      { ...fixedWithCredits, credits: [{ ...first!, amount: first!.amount + 1n }, second!] },
      { ...fixedWithCredits, credits: [{ ...first!, account: addr(0xc1) }, second!] },
      { ...fixedWithCredits, amount: fixedWithCredits.amount + 1n },
    ];
    const seen = new Set([base, splitInputsHash(fixed)]);
    for (const variant of variants) {
      const hash = splitInputsHash(variant);
      expect(seen.has(hash)).to.equal(false);
      seen.add(hash);
    }
    expect(() => splitInputsHash({ ...fixed, credits: [first!, { ...first!, amount: 1n }] })).to.throw(SplitError, /credited twice/);
    expect(() => splitInputsHash({ ...fixed, credits: [{ ...first!, amount: 0n }] })).to.throw(SplitError, /not a positive uint256/);
  });

  it("does not depend on the order of contributions and parents, nor on the case of addresses", () => {
    fc.assert(
      fc.property(amount, lineage(), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (amountToSplit, contexts, keys) => {
        const reordered = contexts.map((c) => ({
          ...c,
          holder: getAddress(c.holder),
          contributions: shuffled(c.contributions, keys).map((k) => ({ ...k, contributor: getAddress(k.contributor) })),
          parents: shuffled(c.parents, [...keys].reverse()).map((p) =>
            p.licensors === undefined ? p : { ...p, licensors: [...p.licensors].reverse().map((l) => ({ ...l, account: getAddress(l.account) })) },
          ),
        }));
        expect(splitInputsHash(inputOf(amountToSplit, reordered))).to.equal(splitInputsHash(inputOf(amountToSplit, contexts)));
      }),
    );
  });

  it("changes with anything the split uses", () => {
    const base = splitInputsHash(fixed);
    const parent = context(5n, { holder: addr(0xd0) });
    const variants: [string, CreditedSplitInput][] = [
      ["amount", { ...fixed, amount: fixed.amount + 1n }],
      ["holder", { ...fixed, context: { ...fixed.context, holder: addr(0xa1) } }],
      ["policy version", { ...fixed, context: { ...fixed.context, policy: { ...fixed.context.policy, version: 2 } } }],
      ["weights", { ...fixed, context: { ...fixed.context, policy: policy([2_000, 5_000, 1_000, 2_000], "PRO_RATA") } }],
      ["empty-stage rule", { ...fixed, context: { ...fixed.context, policy: policy([2_000, 5_000, 2_000, 1_000], "TO_HOLDER") } }],
      ["a measure", { ...fixed, context: { ...fixed.context, contributions: [{ ...fixed.context.contributions[0]!, measure: 41n }, fixed.context.contributions[1]!] } }],
      ["a stage", { ...fixed, context: { ...fixed.context, contributions: [{ ...fixed.context.contributions[0]!, stage: 2 }, fixed.context.contributions[1]!] } }],
      ["a dispute", { ...fixed, context: { ...fixed.context, contributions: [{ ...fixed.context.contributions[0]!, disputeId: undefined }, fixed.context.contributions[1]!] } }],
      ["a contribution id", { ...fixed, context: { ...fixed.context, contributions: [{ ...fixed.context.contributions[0]!, id: 4n }, fixed.context.contributions[1]!] } }],
      ["a royalty", { ...fixed, context: { ...fixed.context, parents: [{ assetId: 5n, royaltyBps: 1_501 }] } }],
      ["a licensor", { ...fixed, context: { ...fixed.context, parents: [{ assetId: 5n, royaltyBps: 1_500, licensors: [{ account: addr(0xb1), royaltyBps: 0, grantId: 12n }] }] } }],
      ["a licensor's royalty", { ...fixed, context: { ...fixed.context, parents: [{ assetId: 5n, royaltyBps: 1_500, licensors: [{ account: addr(0xb1), royaltyBps: 1, grantId: 12n }] }] } }],
      ["a licensor's grant", { ...fixed, context: { ...fixed.context, parents: [{ assetId: 5n, royaltyBps: 1_500, licensors: [{ account: addr(0xb1), royaltyBps: 1, grantId: 13n }] }] } }],
      ["a licensor's account", { ...fixed, context: { ...fixed.context, parents: [{ assetId: 5n, royaltyBps: 1_500, licensors: [{ account: addr(0xb2), royaltyBps: 1, grantId: 13n }] }] } }],
      ["a credit", { ...fixed, credits: [{ account: addr(0xa0), amount: 1n }] }],
      ["a parent's holder", { ...fixed, resolveParent: resolverOf([{ ...parent, holder: addr(0xd1) }]) }],
      ["a parent's contribution", { ...fixed, resolveParent: resolverOf([{ ...parent, contributions: [{ id: 9n, contributor: addr(0xe0), stage: 0, measure: 1n }] }]) }],
    ];
    const seen = new Set([base]);
    for (const [what, variant] of variants) {
      const hash = splitInputsHash(variant);
      expect(seen.has(hash), what).to.equal(false);
      seen.add(hash);
    }
  });
});
