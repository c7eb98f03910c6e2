import { expect } from "chai";
import fc from "fast-check";
import { encodeAbiParameters, getAddress, keccak256, type Hex } from "viem";

import { splitInputsHash, type SplitContext, type SplitInput } from "../../ledger/split/index.js";
import { addr, amount, context, lineage, policy, resolverOf, shuffled } from "./helpers.js";

/**
 * The documented encoding, written again with viem's encodeAbiParameters for every level (the engine
 * streams the contributions with its own encoder): what anyone can recompute.
 */
function reference(input: SplitInput): Hex {
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
    return keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "uint32" }, { type: "uint16[4]" }, { type: "uint8" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32" }],
        [
          c.assetId,
          c.policy.version,
          c.policy.stageWeightsBps,
          c.policy.emptyStageRule === "TO_HOLDER" ? 0 : 1,
          c.holder,
          contributionsHash,
          parentsHash,
        ],
      ),
    );
  };
  return keccak256(
    encodeAbiParameters(
      [{ type: "string" }, { type: "uint256" }, { type: "bytes32" }],
      ["provenance-ledger.split-inputs.v1", input.amount, contextHash(input.context)],
    ),
  );
}

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

describe("split: inputs hash", () => {
  it("is the documented abi.encode / keccak256 formula", () => {
    fc.assert(
      fc.property(amount, lineage(), (amountToSplit, contexts) => {
        expect(splitInputsHash(inputOf(amountToSplit, contexts))).to.equal(reference(inputOf(amountToSplit, contexts)));
      }),
    );
    expect(splitInputsHash(fixed)).to.equal(reference(fixed));
  });

  it("is pinned for a fixed input (a change of encoding must be deliberate)", () => {
    expect(splitInputsHash(fixed)).to.equal("0x1c6896327ca1705b00b976e4fdf17fe4bc6a96397ce0d3a9cc0add7a2a375f2f");
  });

  it("does not depend on the order of contributions and parents, nor on the case of addresses", () => {
    fc.assert(
      fc.property(amount, lineage(), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (amountToSplit, contexts, keys) => {
        const reordered = contexts.map((c) => ({
          ...c,
          holder: getAddress(c.holder),
          contributions: shuffled(c.contributions, keys).map((k) => ({ ...k, contributor: getAddress(k.contributor) })),
          parents: shuffled(c.parents, [...keys].reverse()),
        }));
        expect(splitInputsHash(inputOf(amountToSplit, reordered))).to.equal(splitInputsHash(inputOf(amountToSplit, contexts)));
      }),
    );
  });

  it("changes with anything the split uses", () => {
    const base = splitInputsHash(fixed);
    const parent = context(5n, { holder: addr(0xd0) });
    const variants: [string, SplitInput][] = [
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
