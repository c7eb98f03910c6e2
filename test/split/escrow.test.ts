import { expect } from "chai";
import { getAddress, id, toBeHex } from "ethers";
import fc from "fast-check";

import { ESCROW_TAG, escrowAccount, escrowDisputeId, isEscrowAccount, splitRevenue } from "../../ledger/split/index.js";
import { addr, context, policy } from "./helpers.js";

/**
 * `EscrowAccounts.account` with ethers, independently of the engine: the first 12 bytes (24 hex digits) of
 * keccak256("provenance-ledger.escrow"), then the dispute id in 8 bytes.
 */
function withEthers(disputeId: bigint): string {
  const tag = id("provenance-ledger.escrow").slice(2, 26);
  return `0x${tag}${toBeHex(disputeId, 8).slice(2)}`;
}

/**
 * keccak256("provenance-ledger.escrow") = 0x9d660651cabcbebb9e03f182 4ae49e4c8533c3c6cd01733ea32fbdd575a5aabd
 * (computed once with ethers' `id`): its first 12 bytes are the tag.
 */
const TAG = "9d660651cabcbebb9e03f182";

describe("split: escrow accounts", () => {
  it("are the tag, then the dispute id in 64 bits: constants written out by hand", () => {
    expect(ESCROW_TAG).to.equal(BigInt(`0x${TAG}`));
    expect(escrowAccount(0n)).to.equal(`0x${TAG}0000000000000000`);
    expect(escrowAccount(1n)).to.equal(`0x${TAG}0000000000000001`);
    expect(escrowAccount(7n)).to.equal(`0x${TAG}0000000000000007`);
    expect(escrowAccount(255n)).to.equal(`0x${TAG}00000000000000ff`);
    expect(escrowAccount(2n ** 64n - 1n)).to.equal(`0x${TAG}ffffffffffffffff`);
  });

  it("match ethers' computation for any 64-bit dispute id, lower-case", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (disputeId) => {
        const account = escrowAccount(disputeId);
        expect(account).to.equal(withEthers(disputeId));
        expect(account).to.equal(account.toLowerCase());
        expect(isEscrowAccount(account)).to.equal(true);
        expect(isEscrowAccount(getAddress(account))).to.equal(true);
        expect(escrowDisputeId(account)).to.equal(disputeId);
      }),
    );
  });

  it("refuse a dispute id that does not fit 64 bits, as the contract reverts", () => {
    for (const bad of [2n ** 64n, 2n ** 256n - 1n, -1n]) {
      expect(() => escrowAccount(bad)).to.throw(RangeError, /does not fit the 64 bits of an escrow account/);
    }
  });

  it("are told apart from any other account by the tag alone", () => {
    expect(isEscrowAccount(addr(1))).to.equal(false);
    expect(isEscrowAccount(`0x${TAG.slice(0, 23)}0${"0".repeat(15)}1`)).to.equal(false); // one bit of the tag off
    expect(isEscrowAccount(`0x${TAG}00`)).to.equal(false); // not an address
    expect(escrowDisputeId(addr(1))).to.equal(undefined);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        const account = `0x${Buffer.from(bytes).toString("hex")}`;
        expect(isEscrowAccount(account)).to.equal(account.slice(2, 26) === TAG);
      }),
    );
  });

  it("a split refuses a disputed contribution whose dispute id does not fit 64 bits", () => {
    const product = context(1n, {
      policy: policy([10_000, 0, 0, 0]),
      contributions: [{ id: 1n, contributor: addr(0xb0), stage: 0, measure: 1n, disputeId: 2n ** 64n }],
    });
    expect(() => splitRevenue({ amount: 10n, context: product })).to.throw(/dispute id that is not a uint64/);
    const fits = { ...product, contributions: [{ ...product.contributions[0]!, disputeId: 2n ** 64n - 1n }] };
    expect(splitRevenue({ amount: 10n, context: fits }).entries.map((e) => e.account)).to.deep.equal([`0x${TAG}ffffffffffffffff`]);
  });
});
