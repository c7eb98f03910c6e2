import { expect } from "chai";
import { network } from "hardhat";
import type { Address, Hex } from "viem";

import ProvenanceLedgerModule from "../ignition/modules/ProvenanceLedger.js";
import TestTokenModule from "../ignition/modules/TestToken.js";
import { replayEvidence } from "../ledger/evidence/index.js";
import { AssetStatus, Rights, ScopeKind } from "../ledger/types.js";
import type { AssetRegistry, GrantRegistry, LedgerAccessManager } from "../types/ethers-contracts/index.js";
import { seedDemo } from "../scripts/demo/seed.js";
import { toRawLogs } from "./helpers/logs.js";

const connection = await network.create();
const { ethers, ignition, networkHelpers } = connection;

describe("the demo `npm start` seeds", () => {
  it("registers a product derived under a public-data authorization, with verifiable evidence", async () => {
    const { token } = await ignition.deploy(TestTokenModule);
    const deployed = await ignition.deploy(ProvenanceLedgerModule, {
      parameters: { ProvenanceLedger: { noticePeriodSeconds: 60, settlementToken: await token.getAddress() } },
    });
    const contracts = {
      accessManager: (await ethers.getContractAt("LedgerAccessManager", await deployed.accessManager.getAddress())) as unknown as LedgerAccessManager,
      registry: (await ethers.getContractAt("AssetRegistry", await deployed.registry.getAddress())) as unknown as AssetRegistry,
      grants: (await ethers.getContractAt("GrantRegistry", await deployed.grants.getAddress())) as unknown as GrantRegistry,
    };
    const demo = await seedDemo(contracts, await ethers.getSigners(), (s) => networkHelpers.time.increase(s).then(() => {}));
    const { registry, grants } = contracts;

    for (const assetId of Object.values(demo.assets)) {
      expect((await registry.asset(assetId)).status).to.equal(BigInt(AssetStatus.ISSUED));
    }
    expect(await registry.holderOf(demo.assets.product!)).to.equal(demo.parties.operator);
    const now = BigInt(await networkHelpers.time.latest());
    expect(
      await grants.isAuthorized(demo.parties.operator!, Rights.PROCESS, demo.assets.traffic!, ScopeKind.SCENARIO, ethers.id("scenario:urban-logistics-routing"), now, demo.grants.publicGrant!),
    ).to.equal(true);

    const logs = toRawLogs(await ethers.provider.getLogs({ fromBlock: 0, toBlock: "latest" }));
    for (const assetId of Object.values(demo.assets)) {
      const [seq, head] = await registry.evidenceHead(assetId);
      const replay = replayEvidence({
        chainId: (await ethers.provider.getNetwork()).chainId,
        registry: (await registry.getAddress()) as Address,
        contracts: [(await grants.getAddress()) as Address],
        assetId,
        logs,
        onChain: { seq: Number(seq), head: head as Hex },
      });
      expect(replay.problems).to.deep.equal([]);
      expect(replay.entries.length).to.be.greaterThan(3);
    }
  });
});
