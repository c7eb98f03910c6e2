import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";
import type { Address, Hex } from "viem";

import canonicalize from "canonicalize";

import { checkCard, checkValuationReport, diffCards } from "../ledger/cards/index.js";
import { replayEvidence } from "../ledger/evidence/index.js";
import { escrowAccount } from "../ledger/split/index.js";
import { AssetStatus, DisputeKind, DisputeStatus, Remedy, ReviewKind, Rights, ScopeKind } from "../ledger/types.js";
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
    const recordedLogs = await contracts.contributions.queryFilter(contracts.contributions.filters.ContributionRecorded(), 0, "latest");
    expect(recordedLogs.length).to.equal(5);
    const contributionIds = recordedLogs.map((log) => log.args.contributionId);
    for (const contributionId of contributionIds) {
      expect((await contracts.contributions.contribution(contributionId)).productId).to.equal(demo.assets.product);
    }
    // One record call by the provider, one of four by the holder: two windows, the last id the holder's fourth.
    expect(await contracts.contributions.contributionCount()).to.equal(contributionIds.at(-1));
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
  it("files real cards: every recorded card hash is a document it returns, valid, naming the applicant as the holder; the product's card changed once; its valuation report", async () => {
    const contracts = await deployLedgerContracts(connection, { parameters: { noticePeriodSeconds: 60 } });
    const demo = await seedDemo(contracts, await ethers.getSigners(), (s) => networkHelpers.time.increase(s).then(() => {}));
    const { registry } = contracts;
    // The hash of each document computed here independently: keccak256 of canonicalize's RFC 8785 bytes.
    const documents = new Map(demo.documents.map((d) => [d.hash, d.json]));
    for (const { hash, json } of demo.documents) expect(ethers.keccak256(ethers.toUtf8Bytes(canonicalize(json)!)), hash).to.equal(hash);

    // The chain is the oracle: every card hash it records (applied, changed) is a document the demo returns.
    const names = new Map(demo.partyBook.map((p) => [p.account.toLowerCase(), p.name["zh-CN"]]));
    for (const assetId of Object.values(demo.assets)) {
      const [applied] = await registry.queryFilter(registry.filters.AssetApplied(assetId));
      const card = documents.get(applied!.args.cardHash as `0x${string}`);
      expect(card, `asset ${assetId}'s card`).to.not.equal(undefined);
      expect(applied!.args.cardURI).to.equal(`provenance-card:${applied!.args.cardHash}`);
      const checked = checkCard(card);
      expect(checked.ok, JSON.stringify(checked)).to.equal(true);
      // The holder the card names is the applicant, with the party book's Chinese name.
      const holder = (card as { rights: { holder: { name: string; account: string } } }).rights.holder;
      expect(holder.account).to.equal(applied!.args.applicant);
      expect(holder.name).to.equal(names.get(String(applied!.args.applicant).toLowerCase()));
    }

    // The product's card changed once, by the registrar (account 1), to version 1: a change in each of four fields.
    const product = demo.assets.product!;
    const changes = await registry.queryFilter(registry.filters.CardChanged(product));
    expect(changes.map((c) => [c.args.version, c.args.registrar])).to.deep.equal([[1n, (await ethers.getSigners())[1]!.address]]);
    expect((await registry.asset(product)).cardVersion).to.equal(1n);
    const [productApplied] = await registry.queryFilter(registry.filters.AssetApplied(product));
    const v2 = documents.get(changes[0]!.args.cardHash as `0x${string}`);
    expect(checkCard(v2).ok).to.equal(true);
    const diff = diffCards(documents.get(productApplied!.args.cardHash as `0x${string}`), v2);
    expect(diff.map((c) => [c.path, c.change])).to.deep.equal([
      ["basic.volume", "changed"],
      ["rights.operators[0].name", "added"],
      ["usage.scenarios", "changed"],
      ["management.securityMeasures", "changed"],
    ]);
    // Four cards filed at application, one changed: six documents with the valuation report.
    expect(demo.documents).to.have.length(Object.keys(demo.assets).length + 2);

    // The valuation review: by the reviewer (account 2), on the product, its report a valid document of this asset.
    const [review] = await registry.queryFilter(registry.filters.ReviewAttached(product, demo.valuationReviewId));
    expect([review!.args.kind, review!.args.reviewer]).to.deep.equal([BigInt(ReviewKind.VALUATION), (await ethers.getSigners())[2]!.address]);
    const report = documents.get(review!.args.reportHash as `0x${string}`);
    const valuation = checkValuationReport(report);
    if (!valuation.ok) throw new Error(JSON.stringify(valuation.problems));
    expect(valuation.report).to.include({ assetId: String(product), figure: "1250000.00", currency: "CNY", method: "income" });
    // Dated on the chain's day in Changsha (UTC+8) as of the block before the one that recorded it.
    const before = (await ethers.provider.getBlock(review!.blockNumber - 1))!.timestamp;
    const dayInChangsha = new Date((before + 8 * 3600) * 1000).toISOString().slice(0, 10);
    expect(valuation.report.valuationDate).to.equal(dayInChangsha);
  });
});
