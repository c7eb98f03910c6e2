import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { AbiCoder, concat, keccak256 } from "ethers";
import fc from "fast-check";
import { getAddress, type Address, type Hex } from "viem";

import {
  ALLOCATION_LEAF_TYPES,
  allocationLeafHash,
  allocationTree,
  splitRevenue,
  verifyAllocationProof,
  type Allocation,
  type AllocationEntry,
} from "../../ledger/split/index.js";
import { addr, amount, lineage, resolverOf } from "./helpers.js";

/** An allocation of `entries` (account, amount), accounts made unique and sorted; the basis is irrelevant here. */
function allocationOf(items: readonly { account: Address; amount: bigint }[]): Allocation {
  const unique = new Map(items.map((item) => [item.account.toLowerCase() as Address, item.amount]));
  const entries: AllocationEntry[] = [...unique]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([account, entryAmount]) => ({
      account,
      amount: entryAmount,
      basis: { exact: { numerator: entryAmount, denominator: 1n }, roundedUp: false, components: [] },
    }));
  return { amount: entries.reduce((total, e) => total + e.amount, 0n), entries };
}

const entries = fc.array(
  fc.record({
    account: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => ("0x" + Buffer.from(b).toString("hex")) as Address),
    amount: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 2n ** 256n - 1n })),
  }),
  { minLength: 1, maxLength: 70 },
);

function openZeppelinTree(allocation: Allocation): StandardMerkleTree<[bigint, string, bigint]> {
  return StandardMerkleTree.of(
    allocation.entries.map((e, i): [bigint, string, bigint] => [BigInt(i), e.account, e.amount]),
    [...ALLOCATION_LEAF_TYPES],
  );
}

describe("split: allocation tree", () => {
  it("is OpenZeppelin's StandardMerkleTree, root and proofs, at every size up to 300 leaves", () => {
    for (let n = 1; n <= 300; n += n < 20 ? 1 : 37) {
      const allocation = allocationOf(Array.from({ length: n }, (_, i) => ({ account: addr(i * 7_919 + 1), amount: BigInt(i + 1) * 10n ** 18n })));
      const tree = allocationTree(allocation);
      const reference = openZeppelinTree(allocation);
      expect(tree.root, `${n} leaves`).to.equal(reference.root);
      expect(tree.length).to.equal(n);
      for (let i = 0; i < n; i += 1) expect(tree.claimAt(i).proof, `leaf ${i} of ${n}`).to.deep.equal(reference.getProof(i));
    }
  });

  it("is OpenZeppelin's StandardMerkleTree for random allocations; proofs verify both ways", () => {
    fc.assert(
      fc.property(entries, (items) => {
        const allocation = allocationOf(items);
        const tree = allocationTree(allocation);
        const reference = openZeppelinTree(allocation);
        expect(tree.root).to.equal(reference.root);
        allocation.entries.forEach((entry, i) => {
          const claim = tree.claim(getAddress(entry.account))!;
          expect(claim.index).to.equal(BigInt(i));
          expect(claim.amount).to.equal(entry.amount);
          expect(claim.proof).to.deep.equal(reference.getProof(i));
          expect(verifyAllocationProof(tree.root, claim, claim.proof)).to.equal(true);
          expect(StandardMerkleTree.verify(tree.root, [...ALLOCATION_LEAF_TYPES], [BigInt(i), entry.account, entry.amount], claim.proof)).to.equal(true);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("hashes leaves as the vault does: keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))))", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), entries, (index, [item]) => {
        const vault = keccak256(concat([keccak256(AbiCoder.defaultAbiCoder().encode([...ALLOCATION_LEAF_TYPES], [index, item!.account, item!.amount]))]));
        expect(allocationLeafHash({ index, account: getAddress(item!.account), amount: item!.amount })).to.equal(vault);
      }),
    );
  });

  it("builds the tree of a split", () => {
    fc.assert(
      fc.property(amount, lineage(), (amountToSplit, contexts) => {
        const allocation = splitRevenue({ amount: amountToSplit, context: contexts[0]!, resolveParent: resolverOf(contexts) });
        expect(allocationTree(allocation).root).to.equal(openZeppelinTree(allocation).root);
      }),
      { numRuns: 40 },
    );
  });

  it("proves nothing else: another amount, index, account, sibling or root", () => {
    const allocation = allocationOf(Array.from({ length: 9 }, (_, i) => ({ account: addr(i + 1), amount: BigInt(100 + i) })));
    const tree = allocationTree(allocation);
    const claim = tree.claimAt(4);
    const flip = (hex: Hex): Hex => `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}` as Hex;
    expect(verifyAllocationProof(tree.root, claim, claim.proof)).to.equal(true);
    expect(verifyAllocationProof(tree.root, { ...claim, amount: claim.amount + 1n }, claim.proof)).to.equal(false);
    expect(verifyAllocationProof(tree.root, { ...claim, index: 5n }, claim.proof)).to.equal(false);
    expect(verifyAllocationProof(tree.root, { ...claim, account: addr(99) }, claim.proof)).to.equal(false);
    expect(verifyAllocationProof(tree.root, claim, [flip(claim.proof[0]!), ...claim.proof.slice(1)])).to.equal(false);
    expect(verifyAllocationProof(tree.root, claim, claim.proof.slice(1))).to.equal(false);
    expect(verifyAllocationProof(flip(tree.root), claim, claim.proof)).to.equal(false);
    expect(verifyAllocationProof(tree.root, claim, ["0x1234"])).to.equal(false);
    expect(verifyAllocationProof(tree.root, { ...claim, amount: -1n }, claim.proof)).to.equal(false);
  });

  it("answers claims by account in any case, and refuses unknown leaves", () => {
    const allocation = allocationOf([
      { account: addr(0xb0), amount: 5n },
      { account: addr(0xa1), amount: 7n },
    ]);
    const tree = allocationTree(allocation);
    expect(tree.claim(getAddress(addr(0xb0)))!.index).to.equal(1n);
    expect(tree.claim(addr(0xa1))!.index).to.equal(0n);
    expect(tree.claim(addr(0xc0))).to.equal(undefined);
    expect(() => tree.claimAt(2)).to.throw(RangeError, /no leaf 2 in a tree of 2/);
    expect(() => tree.claimAt(0.5)).to.throw(RangeError);
  });

  it("a single leaf is its own root, with an empty proof", () => {
    const tree = allocationTree(allocationOf([{ account: addr(1), amount: 10n }]));
    expect(tree.root).to.equal(allocationLeafHash({ index: 0n, account: addr(1), amount: 10n }));
    expect(tree.claimAt(0).proof).to.deep.equal([]);
  });

  it("refuses allocations the vault could not pay as posted", () => {
    const good = allocationOf([
      { account: addr(1), amount: 1n },
      { account: addr(2), amount: 2n },
    ]);
    const [first, second] = good.entries as [AllocationEntry, AllocationEntry];
    expect(() => allocationTree({ amount: 0n, entries: [] })).to.throw(/at least one entry/);
    expect(() => allocationTree({ amount: 3n, entries: [second, first] })).to.throw(/by account ascending, without repeats \(entry 1\)/);
    expect(() => allocationTree({ amount: 2n, entries: [first, first] })).to.throw(/without repeats/);
    expect(() => allocationTree({ amount: 3n, entries: [first, { ...second, account: getAddress(addr(0xab)) }] })).to.throw(
      /entry 1: not a lower-case hex address/,
    );
    expect(() => allocationTree({ amount: 1n, entries: [first, { ...second, amount: 0n }] })).to.throw(/amount 0 is not a positive uint256/);
    expect(() => allocationTree({ amount: 4n, entries: [first, second] })).to.throw(/entries sum to 3, not 4/);
  });
});
