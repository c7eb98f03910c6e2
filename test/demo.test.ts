import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";
import type { Address, Hex } from "viem";

import { replayEvidence } from "../ledger/evidence/index.js";
import { escrowAccount } from "../ledger/split/index.js";
import { AssetStatus, DisputeKind, DisputeStatus, Remedy, Rights, ScopeKind } from "../ledger/types.js";
import { seedDemo } from "../scripts/demo/seed.js";
import { deployLedgerContracts } from "../scripts/lib/deployLedger.js";
import { toRawLogs } from "../scripts/lib/ledgerState.js";

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
    // The revenue settled in full from the chain's own events; two parties claimed; the first disputed
    // record's share waits in escrow while its dispute is open; the second dispute was ruled (measure
    // adjusted) and its escrow released: part paid to the operator, the rest back to unsettled revenue.
    const [deposited, paidOut, settledUnpaid, unsettled] = await contracts.vault.totals();
    expect(deposited).to.equal(1_280_000n);
    expect(paidOut + settledUnpaid + unsettled).to.equal(1_280_000n);
    expect((await contracts.vault.epoch(demo.epochId)).amount).to.equal(1_280_000n);
    const { court } = contracts;
    expect((await court.dispute(demo.disputeId)).status).to.equal(BigInt(DisputeStatus.OPEN));
    const adjusted = await court.dispute(demo.adjustedDisputeId);
    expect([adjusted.status, adjusted.remedy]).to.deep.equal([BigInt(DisputeStatus.RULED), BigInt(Remedy.ADJUST_CONTRIBUTION)]);
    const [released] = await contracts.vault.queryFilter(contracts.vault.filters.EscrowReleased(demo.epochId, undefined, demo.adjustedDisputeId));
    const { recipient, paid, returned } = released!.args;
    expect(recipient).to.equal(demo.parties.operator);
    expect(paid).to.be.greaterThan(0n);
    expect(returned).to.be.greaterThan(0n);
    expect(unsettled).to.equal(returned);
    expect(await contracts.vault.unsettled(demo.assets.product!, 1)).to.equal(returned);
    // Every dispute paid a bond; the ruled one's is credited back to its claimant, to withdraw.
    const minimum = await court.minimumBond(DisputeKind.CONTRIBUTION);
    expect(adjusted.bond).to.equal(0n);
    expect(await court.bondCredit(demo.parties.logistics!)).to.equal(minimum);
    expect((await court.dispute(demo.disputeId)).bond).to.equal(minimum);
    // The objection is the court's OBJECTION dispute.
    const objection = await court.dispute(demo.objectionDisputeId);
    expect([objection.kind, objection.subjectId, objection.assetId]).to.deep.equal([BigInt(DisputeKind.OBJECTION), demo.objectionId, coldChainLogs]);
    // The escrow accounts carry the tag: the vault recognises them.
    expect(await contracts.vault.escrowAccount(demo.disputeId)).to.equal(ethers.getAddress(escrowAccount(demo.disputeId)));
    // The sub-licensed product pays the root grant's royalty and the sub-grant's, stacked.
    expect(await grants.derivationTerms(demo.parties.coldChain!, demo.assets.traffic!, demo.grants.subGrant!)).to.deep.equal([true, 2_000n]);
    expect(await registry.holderOf(demo.assets.licensedProduct!)).to.equal(demo.parties.coldChain);
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
