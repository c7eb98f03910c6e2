import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";
import type { Address, Hex } from "viem";

import { replayEvidence } from "../ledger/evidence/index.js";
import { AssetStatus, DisputeStatus, Rights, ScopeKind } from "../ledger/types.js";
import { seedDemo } from "../scripts/demo/seed.js";
import { deployLedgerContracts } from "../scripts/lib/deployLedger.js";
import { toRawLogs } from "./helpers/logs.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

describe("the demo `npm start` seeds", () => {
  it("registers a product derived under a public-data authorization, with verifiable evidence", async () => {
    const contracts = await deployLedgerContracts(connection, { parameters: { noticePeriodSeconds: 60 } });
    const demo = await seedDemo(contracts, await ethers.getSigners(), (s) => networkHelpers.time.increase(s).then(() => {}));
    const { registry, grants } = contracts;

    const { coldChainLogs, ...issued } = demo.assets;
    for (const assetId of Object.values(issued)) {
      expect((await registry.asset(assetId)).status).to.equal(BigInt(AssetStatus.ISSUED));
    }
    // One application still in its public-notice window, under an open objection; one certificate pledged.
    const inNotice = await registry.asset(coldChainLogs!);
    expect(inNotice.status).to.equal(BigInt(AssetStatus.IN_NOTICE));
    expect(inNotice.noticeEndsAt).to.be.greaterThan(BigInt(await networkHelpers.time.latest()));
    expect(inNotice.openObjections).to.equal(1n);
    expect((await registry.objection(demo.objectionId)).assetId).to.equal(coldChainLogs);
    expect((await registry.asset(demo.assets.shipments!)).pledgee).to.equal(demo.parties.bank);
    // The shipment records are a real file: its keccak256 is the fingerprint the web page looks up.
    const sample = readFileSync(new URL("../web/samples/shipment-records.csv", import.meta.url));
    const [applied] = await registry.queryFilter(registry.filters.AssetApplied(demo.assets.shipments!));
    expect(applied!.args.fingerprint).to.equal(ethers.keccak256(sample));
    expect(await registry.holderOf(demo.assets.product!)).to.equal(demo.parties.operator);
    // Five confirmed contributions, a policy, and the revenue in the vault's books.
    expect(await contracts.contributions.contributionCount()).to.equal(5n);
    expect((await contracts.contributions.splitPolicy(demo.assets.product!)).version).to.equal(1n);
    // The revenue settled in full from the chain's own events; two parties claimed; the disputed
    // record's share waits in escrow while the dispute is open.
    const [deposited, paidOut, settledUnpaid, unsettled] = await contracts.vault.totals();
    expect([deposited, unsettled]).to.deep.equal([1_280_000n, 0n]);
    expect(paidOut).to.be.greaterThan(0n);
    expect(paidOut + settledUnpaid).to.equal(1_280_000n);
    expect((await contracts.vault.epoch(demo.epochId)).amount).to.equal(1_280_000n);
    expect((await contracts.court.dispute(demo.disputeId)).status).to.equal(BigInt(DisputeStatus.OPEN));
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
        contracts: [grants, contracts.contributions, contracts.vault, contracts.court].map((c) => c.target as Address),
        assetId,
        logs,
        onChain: { seq: Number(seq), head: head as Hex },
      });
      expect(replay.problems).to.deep.equal([]);
      expect(replay.entries.length).to.be.greaterThan(3);
    }
  });
});
