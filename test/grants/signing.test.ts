import { expect } from "chai";
import { network } from "hardhat";
import { hashTypedData, type Address } from "viem";

import { GRANT_EIP712_TYPES, grantEip712Domain } from "../../ledger/grants/signing.js";
import { Rights, ScopeKind, UsageMode } from "../../ledger/types.js";
import { deployLedger, grantTerms, h, issueAsset } from "../helpers/ledger.js";

const connection = await network.create();

describe("ledger/grants/signing: the EIP-712 twin", () => {
  it("hashes a grant exactly as GrantRegistry.grantDigest does", async () => {
    const ledger = await deployLedger(connection);
    const assetId = await issueAsset(connection, ledger, ledger.alice);
    const now = BigInt(await connection.networkHelpers.time.latest());
    const terms = grantTerms(ledger.bob.address, assetId, Rights.USE | Rights.PROCESS, now, {
      scopeKind: ScopeKind.SCENARIO,
      scopeData: h("scenario"),
      usageMode: UsageMode.COMPUTE_IN_DOMAIN,
      royaltyBps: 250,
    });
    const deadline = now + 3600n;
    const chainId = (await connection.ethers.provider.getNetwork()).chainId;
    const twin = hashTypedData({
      domain: grantEip712Domain(chainId, (await ledger.grants.getAddress()) as Address),
      types: GRANT_EIP712_TYPES,
      primaryType: "Grant",
      message: {
        grantor: ledger.alice.address as Address,
        ...terms,
        grantee: terms.grantee as Address,
        scopeData: terms.scopeData as `0x${string}`,
        purposeHash: terms.purposeHash as `0x${string}`,
        nonce: await ledger.grants.nonces(ledger.alice.address),
        deadline,
      },
    });
    expect(twin).to.equal(await ledger.grants.grantDigest(terms, ledger.alice.address, deadline));
  });
});
