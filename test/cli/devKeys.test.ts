import { expect } from "chai";
import { bytesToHex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";

import { devAccount } from "../../cli/connection.js";
import { HARDHAT_DEV_KEYS } from "../../cli/devKeys.js";

describe("CLI: the dev accounts' precomputed keys", () => {
  const mnemonic = "test test test test test test test test test test test junk";

  it("are the keys derived from Hardhat's mnemonic, index by index", () => {
    expect(HARDHAT_DEV_KEYS).to.have.length(20);
    HARDHAT_DEV_KEYS.forEach((key, index) => {
      const derived = mnemonicToAccount(mnemonic, { addressIndex: index });
      expect(key, `account ${index}`).to.equal(bytesToHex(derived.getHdKey().privateKey!));
      expect(privateKeyToAccount(key).address).to.equal(derived.address);
    });
    // Hardhat's first account, as every Hardhat and anvil user knows it.
    expect(privateKeyToAccount(HARDHAT_DEV_KEYS[0]!).address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  });

  it("devAccount signs with the table's key, and derives an index beyond it", () => {
    expect(devAccount(7).address).to.equal("0x14dC79964da2C08b23698B3D3cc7Ca32193d9955");
    expect(devAccount(20).address).to.equal(mnemonicToAccount(mnemonic, { addressIndex: 20 }).address);
  });
});
