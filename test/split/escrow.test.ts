import { expect } from "chai";
import { AbiCoder, keccak256 } from "ethers";
import fc from "fast-check";

import { escrowAccount } from "../../ledger/split/index.js";

/** IRevenueVault.escrowAccount with ethers, independently of the engine's viem encoding. */
function withEthers(disputeId: bigint): string {
  const hash = keccak256(AbiCoder.defaultAbiCoder().encode(["string", "uint256"], ["provenance-ledger.escrow", disputeId]));
  return `0x${hash.slice(26)}`;
}

describe("split: escrow accounts", () => {
  it("are the vault's escrowAccount, for constants computed with ethers", () => {
    // Computed once with ethers' AbiCoder and keccak256 (see withEthers) and pinned here.
    expect(escrowAccount(0n)).to.equal("0x45f00fe4c853a857e14fa789bb79f004bb97efdf");
    expect(escrowAccount(1n)).to.equal("0x5f37617af0f349342bee34be18e6b8230c842a0b");
    expect(escrowAccount(7n)).to.equal("0x8ea310856fdd11cdaf18f0ed2dd82c68361ab4dc");
    expect(escrowAccount(2n ** 256n - 1n)).to.equal("0x6e1fcfbcf02219013edddacd1400b1820c40ef61");
  });

  it("match ethers' computation for any dispute id", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (disputeId) => {
        expect(escrowAccount(disputeId)).to.equal(withEthers(disputeId));
      }),
    );
  });
});
