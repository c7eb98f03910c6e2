import { expect } from "chai";
import { getAddress } from "viem";

import {
  MAX_LINEAGE_DEPTH,
  MAX_LINEAGE_VISITS,
  SplitError,
  splitInputsHash,
  splitRevenue,
  type SplitContext,
  type SplitErrorCode,
  type SplitInput,
} from "../../ledger/split/index.js";
import { addr, context, policy, resolverOf } from "./helpers.js";

const alice = addr(0xa1);

/** Both entry points refuse `input` with `code`, and a message matching `message`. */
function expectRefused(input: SplitInput, code: SplitErrorCode, message: RegExp): SplitError {
  let caught: unknown;
  for (const run of [splitRevenue, splitInputsHash]) {
    caught = undefined;
    try {
      run(input);
    } catch (error) {
      caught = error;
    }
    expect(caught, `${run.name} throws`).to.be.instanceOf(SplitError);
    expect((caught as SplitError).code, run.name).to.equal(code);
    expect((caught as SplitError).message, run.name).to.match(message);
  }
  return caught as SplitError;
}

/** A context that is valid but for `change`. */
function withChange(change: (c: SplitContext) => Record<string, unknown>): SplitContext {
  const valid = context(1n, {
    policy: policy([2_500, 2_500, 2_500, 2_500]),
    contributions: [{ id: 1n, contributor: alice, stage: 0, measure: 1n }],
  });
  return { ...valid, ...change(valid) } as SplitContext;
}

/** `value` passed where the types forbid it, as data from outside might. */
function untyped<T>(value: unknown): T {
  return value as T;
}

/** A checksummed address with a typo: the case of its first letter flipped. */
function flipFirstLetter(address: string): string {
  const index = [...address].findIndex((c, i) => i > 1 && /[a-fA-F]/.test(c));
  const c = address[index]!;
  return address.slice(0, index) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + address.slice(index + 1);
}

describe("split: validation", () => {
  it("amounts: positive uint256 only", () => {
    const valid = withChange(() => ({}));
    expectRefused({ amount: 0n, context: valid }, "INVALID_AMOUNT", /positive uint256: 0/);
    expectRefused({ amount: -5n, context: valid }, "INVALID_AMOUNT", /positive uint256: -5/);
    expectRefused({ amount: 2n ** 256n, context: valid }, "INVALID_AMOUNT", /positive uint256/);
    expectRefused({ amount: untyped<bigint>(5), context: valid }, "INVALID_AMOUNT", /positive uint256: 5/);
    expect(splitRevenue({ amount: 2n ** 256n - 1n, context: valid }).entries.length).to.be.greaterThan(0);
  });

  it("addresses: 20 bytes of hex, a valid checksum when mixed case, not zero", () => {
    const cases: [unknown, RegExp][] = [
      ["0x1234", /holder is not a 20-byte hex address: 0x1234/],
      [alice.replace("0x", "0X"), /not a 20-byte hex address/],
      [alice.slice(0, -1) + "g", /not a 20-byte hex address/],
      [flipFirstLetter(getAddress(addr(0xabcdef))), /holder has an invalid EIP-55 checksum/],
      ["0x0000000000000000000000000000000000000000", /holder is the zero address/],
      [42, /not a 20-byte hex address: 42/],
    ];
    for (const [holder, message] of cases) {
      expectRefused({ amount: 1n, context: withChange(() => ({ holder })) }, "INVALID_ADDRESS", message);
    }
    // Upper-case hex carries no checksum; mixed case with a valid one is the same account as lower case.
    for (const holder of ["0x" + alice.slice(2).toUpperCase(), getAddress(alice)]) {
      const allocation = splitRevenue({ amount: 1n, context: withChange(() => ({ holder, contributions: [] })) });
      expect(allocation.entries.map((e) => e.account)).to.deep.equal([alice]);
    }
    const error = expectRefused(
      { amount: 1n, context: withChange((c) => ({ contributions: [{ ...c.contributions[0]!, contributor: "0xnope" }] })) },
      "INVALID_ADDRESS",
      /asset 1: contributor of contribution 1 is not a 20-byte hex address: 0xnope/,
    );
    expect(error.details).to.deep.include({ assetId: 1n, id: 1n, value: "0xnope" });
    expectRefused(
      {
        amount: 1n,
        context: withChange((c) => ({
          contributions: [{ ...c.contributions[0]!, contributor: flipFirstLetter(getAddress("0x52908400098527886e0f7030069857d2e4169ee7")) }],
        })),
      },
      "INVALID_ADDRESS",
      /contributor of contribution 1 has an invalid EIP-55 checksum/,
    );
  });

  it("policies: uint32 versions, known rules, weights of 0-10,000 summing to 10,000; version 0 weightless", () => {
    const refuse = (p: unknown, code: SplitErrorCode, message: RegExp): void => {
      expectRefused({ amount: 1n, context: withChange(() => ({ policy: p })) }, code, message);
    };
    refuse({ version: -1, stageWeightsBps: [2_500, 2_500, 2_500, 2_500], emptyStageRule: "TO_HOLDER" }, "INVALID_POLICY", /version is not a uint32: -1/);
    refuse({ version: 1.5, stageWeightsBps: [2_500, 2_500, 2_500, 2_500], emptyStageRule: "TO_HOLDER" }, "INVALID_POLICY", /uint32: 1.5/);
    refuse({ version: 1, stageWeightsBps: [2_500, 2_500, 2_500, 2_500], emptyStageRule: "toString" }, "INVALID_POLICY", /unknown empty-stage rule toString/);
    refuse(undefined, "INVALID_POLICY", /no policy/);
    refuse({ version: 1, stageWeightsBps: [2_500, 2_500, 2_500, 2_499], emptyStageRule: "PRO_RATA" }, "INVALID_WEIGHTS", /sum to 9999 bps, not 10,000/);
    refuse({ version: 1, stageWeightsBps: [12_500, -2_500, 0, 0], emptyStageRule: "PRO_RATA" }, "INVALID_WEIGHTS", /four integers of 0 to 10,000/);
    refuse({ version: 1, stageWeightsBps: [5_000, 5_000, 0], emptyStageRule: "PRO_RATA" }, "INVALID_WEIGHTS", /four integers/);
    refuse({ version: 1, stageWeightsBps: [2_500.5, 2_499.5, 2_500, 2_500], emptyStageRule: "PRO_RATA" }, "INVALID_WEIGHTS", /four integers/);
    refuse({ version: 0, stageWeightsBps: [10_000, 0, 0, 0], emptyStageRule: "TO_HOLDER" }, "INVALID_WEIGHTS", /version 0 \(no policy\) must have zero weights/);
    refuse({ version: 0, stageWeightsBps: [0, 0, 0, 0], emptyStageRule: "PRO_RATA" }, "INVALID_WEIGHTS", /version 0/);
  });

  it("contributions: uint256 ids, once each; stages 0-3; positive measures; uint64 dispute ids", () => {
    const refuse = (fields: Record<string, unknown>, code: SplitErrorCode, message: RegExp): void => {
      expectRefused(
        { amount: 1n, context: withChange((c) => ({ contributions: [{ ...c.contributions[0]!, ...fields }] })) },
        code,
        message,
      );
    };
    refuse({ measure: 0n }, "INVALID_CONTRIBUTION", /contribution 1 has a measure that is not positive: 0/);
    refuse({ measure: -3n }, "INVALID_CONTRIBUTION", /measure that is not positive: -3/);
    refuse({ measure: 3 }, "INVALID_CONTRIBUTION", /measure that is not positive: 3/);
    refuse({ measure: 2n ** 256n }, "INVALID_CONTRIBUTION", /measure that is not positive/);
    refuse({ stage: 4 }, "INVALID_CONTRIBUTION", /contribution 1 has no stage 0-3: 4/);
    refuse({ stage: "COLLECTION" }, "INVALID_CONTRIBUTION", /no stage 0-3: COLLECTION/);
    refuse({ id: -1n }, "INVALID_CONTRIBUTION", /contribution id is not a uint256: -1/);
    refuse({ id: 1 }, "INVALID_CONTRIBUTION", /contribution id is not a uint256: 1/);
    refuse({ disputeId: -7n }, "INVALID_CONTRIBUTION", /contribution 1 has a dispute id that is not a uint64: -7/);
    refuse({ disputeId: 2n ** 64n }, "INVALID_CONTRIBUTION", /dispute id that is not a uint64: 18446744073709551616/);

    const twice = (ids: bigint[]): SplitContext =>
      withChange(() => ({ contributions: ids.map((id) => ({ id, contributor: alice, stage: 1, measure: 1n })) }));
    expectRefused({ amount: 1n, context: twice([1n, 2n, 1n]) }, "DUPLICATE_CONTRIBUTION", /asset 1: contribution 1 appears twice/);
    expectRefused({ amount: 1n, context: twice([5n, 5n]) }, "DUPLICATE_CONTRIBUTION", /contribution 5 appears twice/);
    expectRefused({ amount: 1n, context: twice([2n ** 200n, 3n, 2n ** 200n]) }, "DUPLICATE_CONTRIBUTION", /appears twice/);
    expect(splitRevenue({ amount: 1n, context: twice([3n, 1n, 2n ** 200n, 2n]) }).amount).to.equal(1n);
  });

  it("contexts: uint256 asset ids, arrays of contributions and parents", () => {
    expectRefused({ amount: 1n, context: withChange(() => ({ assetId: -1n })) }, "INVALID_ASSET", /asset id is not a uint256: -1/);
    expectRefused({ amount: 1n, context: withChange(() => ({ contributions: undefined })) }, "INVALID_ASSET", /must be arrays/);
    expectRefused(
      { amount: 1n, context: withChange(() => ({ parents: [{ assetId: 1.5, royaltyBps: 10 }] })) },
      "INVALID_ASSET",
      /parent asset id is not a uint256: 1.5/,
    );
  });

  it("royalties: 0 to 10,000 bps each, at most 10,000 in all", () => {
    const refuse = (parents: unknown, code: SplitErrorCode, message: RegExp): void => {
      expectRefused({ amount: 1n, context: withChange(() => ({ parents })), resolveParent: resolverOf([context(2n), context(3n)]) }, code, message);
    };
    refuse([{ assetId: 2n, royaltyBps: 10_001 }], "INVALID_ROYALTY", /royalty to parent 2 is not 0 to 10,000 bps: 10001/);
    refuse([{ assetId: 2n, royaltyBps: -1 }], "INVALID_ROYALTY", /bps: -1/);
    refuse([{ assetId: 2n, royaltyBps: 0.5 }], "INVALID_ROYALTY", /bps: 0.5/);
    refuse(
      [
        { assetId: 2n, royaltyBps: 6_000 },
        { assetId: 3n, royaltyBps: 4_001 },
      ],
      "ROYALTIES_EXCEED_TOTAL",
      /asset 1: royalties to parents sum to 10001 bps, above 10,000/,
    );
  });

  it("licensors: an array of sub-grants, each once, with a positive grant id, 0 to 10,000 bps and an account", () => {
    const refuse = (licensors: unknown, code: SplitErrorCode, message: RegExp): void => {
      expectRefused(
        { amount: 1n, context: withChange(() => ({ parents: [{ assetId: 2n, royaltyBps: 100, licensors }] })), resolveParent: resolverOf([context(2n)]) },
        code,
        message,
      );
    };
    const bob = addr(0xb1);
    refuse("none", "INVALID_ROYALTY", /asset 1: licensors of parent 2 must be an array/);
    refuse([{ account: bob, royaltyBps: 10, grantId: 0n }], "INVALID_ROYALTY", /licensor of parent 2 has a grant id that is not a positive uint256: 0/);
    refuse([{ account: bob, royaltyBps: 10, grantId: 3 }], "INVALID_ROYALTY", /grant id that is not a positive uint256: 3/);
    refuse([{ account: bob, royaltyBps: 10_001, grantId: 3n }], "INVALID_ROYALTY", /royalty of sub-grant 3 \(parent 2\) is not 0 to 10,000 bps: 10001/);
    refuse([{ account: bob, royaltyBps: 1.5, grantId: 3n }], "INVALID_ROYALTY", /bps: 1.5/);
    refuse([{ account: addr(0), royaltyBps: 1, grantId: 3n }], "INVALID_ADDRESS", /asset 1: grantor of sub-grant 3 \(parent 2\) is the zero address/);
    refuse([{ account: flipFirstLetter(getAddress("0xabcdef0123456789abcdef0123456789abcdef01")), royaltyBps: 1, grantId: 3n }], "INVALID_ADDRESS", /grantor of sub-grant 3 .* checksum/);
    refuse(
      [
        { account: bob, royaltyBps: 1, grantId: 3n },
        { account: alice, royaltyBps: 2, grantId: 3n },
      ],
      "INVALID_ROYALTY",
      /sub-grant 3 appears twice in the chain of parent 2/,
    );
    // Royalties stack: the parents' root royalties and every sub-grantor's together at most 10,000.
    refuse(
      [
        { account: bob, royaltyBps: 5_000, grantId: 3n },
        { account: alice, royaltyBps: 4_901, grantId: 4n },
      ],
      "ROYALTIES_EXCEED_TOTAL",
      /asset 1: royalties to parents sum to 10001 bps \(9901 of them to sub-grantors\), above 10,000/,
    );
    const full = splitRevenue({
      amount: 100n,
      context: withChange(() => ({
        parents: [{ assetId: 2n, royaltyBps: 100, licensors: [{ account: bob, royaltyBps: 9_900, grantId: 3n }] }],
      })),
      resolveParent: resolverOf([context(2n)]),
    });
    expect(full.entries.map((e) => [e.account, e.amount])).to.deep.equal([
      [addr(0xa0), 1n],
      [bob, 99n],
    ]);
  });

  it("parents the resolver does not know, or cannot give", () => {
    const product = withChange(() => ({ parents: [{ assetId: 2n, royaltyBps: 100 }] }));
    expectRefused({ amount: 1n, context: product }, "UNKNOWN_PARENT", /parent 2 of asset 1: no resolver given/);
    expectRefused({ amount: 1n, context: product, resolveParent: resolverOf([]) }, "UNKNOWN_PARENT", /parent 2 of asset 1 is unknown to the resolver/);
    expectRefused(
      { amount: 1n, context: product, resolveParent: () => context(3n) },
      "UNKNOWN_PARENT",
      /parent 2 of asset 1: the resolver answered with asset 3/,
    );
    const failure = new Error("database down");
    const error = expectRefused(
      {
        amount: 1n,
        context: product,
        resolveParent: () => {
          throw failure;
        },
      },
      "UNKNOWN_PARENT",
      /parent 2 of asset 1: the resolver failed/,
    );
    expect(error.cause).to.equal(failure);
    // A parent's own context is validated like the product's.
    expectRefused(
      { amount: 1n, context: product, resolveParent: resolverOf([context(2n, { holder: addr(0) })]) },
      "INVALID_ADDRESS",
      /asset 2: holder is the zero address/,
    );
  });

  it("cycles in the lineage", () => {
    expectRefused(
      { amount: 1n, context: withChange(() => ({ parents: [{ assetId: 1n, royaltyBps: 10 }] })) },
      "LINEAGE_CYCLE",
      /lineage cycle: 1 -> 1/,
    );
    const error = expectRefused(
      {
        amount: 1n,
        context: withChange(() => ({ parents: [{ assetId: 2n, royaltyBps: 10 }] })),
        resolveParent: resolverOf([
          context(2n, { parents: [{ assetId: 3n, royaltyBps: 0 }] }),
          context(3n, { parents: [{ assetId: 1n, royaltyBps: 10 }] }),
        ]),
      },
      "LINEAGE_CYCLE",
      /lineage cycle: 1 -> 2 -> 3 -> 1/,
    );
    expect(error.details).to.deep.equal({ path: [1n, 2n, 3n, 1n] });
  });

  it(`lineages deeper than ${MAX_LINEAGE_DEPTH} levels`, () => {
    /** Assets `top`, `top - 1`, … `top - levels`, each the parent of the one before. */
    const chain = (top: number, levels: number): SplitContext[] =>
      Array.from({ length: levels + 1 }, (_, i) =>
        context(BigInt(top - i), { parents: i < levels ? [{ assetId: BigInt(top - i - 1), royaltyBps: 5_000 }] : [] }),
      );
    const deepest = chain(100, MAX_LINEAGE_DEPTH);
    const allocation = splitRevenue({ amount: 2n ** 40n, context: deepest[0]!, resolveParent: resolverOf(deepest) });
    expect(allocation.entries.length).to.be.greaterThan(0);

    const tooDeep = chain(100, MAX_LINEAGE_DEPTH + 1);
    expectRefused(
      { amount: 1n, context: tooDeep[0]!, resolveParent: resolverOf(tooDeep) },
      "LINEAGE_TOO_DEEP",
      /deeper than 32 levels: 100 -> 99 -> .* -> 67$/,
    );

    // An ancestor reached first by a short path (through 90: 23 levels), then by one too long (through 100).
    const product = context(0n, {
      parents: [
        { assetId: 100n, royaltyBps: 100 },
        { assetId: 90n, royaltyBps: 100 },
      ],
    });
    expectRefused(
      { amount: 1n, context: product, resolveParent: resolverOf(deepest) },
      "LINEAGE_TOO_DEEP",
      /deeper than 32 levels: 0 -> 100 -> 99 .* -> 91 -> 90 and 22 more/,
    );
  });

  it(`lineages of more than ${MAX_LINEAGE_VISITS} contexts along all paths`, () => {
    // Asset i derives from asset i + 1 under two grants: the paths double at every level.
    const lattice = (levels: number): SplitContext[] =>
      Array.from({ length: levels + 1 }, (_, i) =>
        context(BigInt(i + 1), {
          holder: addr(i + 1, 0xe0),
          parents:
            i < levels
              ? [
                  { assetId: BigInt(i + 2), royaltyBps: 100 },
                  { assetId: BigInt(i + 2), royaltyBps: 200 },
                ]
              : [],
        }),
      );
    const fine = lattice(12); // 2^13 - 1 = 8,191 contexts
    expect(splitRevenue({ amount: 10n ** 40n, context: fine[0]!, resolveParent: resolverOf(fine) }).entries).to.have.length(13);
    const tooLarge = lattice(13); // 16,383
    expectRefused({ amount: 1n, context: tooLarge[0]!, resolveParent: resolverOf(tooLarge) }, "LINEAGE_TOO_LARGE", /more than 10000 contexts/);
  });
});
