import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { network } from "hardhat";

import {
  key,
  listing,
  MemoryState,
  readDocument,
  reduceLedgerEvent,
  resolveParty,
  settlementOf,
  splitContextOf,
  unsettledAmount,
  LedgerEventError,
  type AssetRecord,
  type BondRecord,
  type DepositRecord,
  type ContributionRecord,
  type DisputeRecord,
  type EpochRecord,
  type GrantRecord,
  type LedgerEvent,
  type PartyRecord,
  type ReceiptRecord,
  type ReceivedRecord,
  type Totals,
} from "../../ledger/state/index.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import { everyEvidenceKind, type Scenario } from "../helpers/scenario.js";
import { MIN_BOND } from "../helpers/ledger.js";
import { foldChain } from "../helpers/state.js";
import { LEAF_TYPES } from "../helpers/vault.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

interface Indexed extends Scenario {
  events: LedgerEvent[];
}

/** The scenario that drives every kind of event, and every log of the chain decoded. */
async function indexed(): Promise<Indexed> {
  const scenario = await everyEvidenceKind(connection);
  const { events } = await foldChain(connection, scenario.ledger);
  return { ...scenario, events };
}

function fold(events: readonly LedgerEvent[]): MemoryState {
  const state = new MemoryState();
  for (const event of events) reduceLedgerEvent(event, state);
  return state;
}

function serialize(state: MemoryState): string {
  return JSON.stringify([...state.all()]);
}

describe("ledger state: reducers", () => {
  it("agrees with the contracts' own views on every asset, grant, contribution, epoch, dispute and party", async () => {
    const { ledger, events } = await networkHelpers.loadFixture(indexed);
    const { registry, grants, contributions, vault, disputeCourt } = ledger;
    const state = fold(events);

    for (let id = 1n; id <= (await registry.assetCount()); id += 1n) {
      const asset = readDocument<AssetRecord>(state, key.asset(id))!;
      const onChain = await registry.asset(id);
      expect(asset.status, `asset ${id} status`).to.equal(Number(onChain.status));
      expect(asset.classification, `asset ${id} classification`).to.equal(Number(onChain.classification));
      expect(asset.openObjections, `asset ${id} objections`).to.equal(Number(onChain.openObjections));
      expect(asset.cards.at(-1)!.version, `asset ${id} card`).to.equal(Number(onChain.cardVersion));
      expect(asset.pledgee ?? ethers.ZeroAddress).to.equal(onChain.pledgee);
      const [seq, head] = await registry.evidenceHead(id);
      expect(asset.evidence).to.deep.equal({ seq: Number(seq), head });
      expect(resolveParty(state, asset.owner ?? asset.applicant), `asset ${id} holder`).to.equal(await registry.holderOf(id));
    }
    for (let id = 1n; id <= (await grants.grantCount()); id += 1n) {
      expect(readDocument<GrantRecord>(state, key.grant(id))!.status, `grant ${id}`).to.equal(Number((await grants.getGrant(id)).status));
    }
    // Contribution ids come in windows (13 of every 16, a new window per record call): the recorded ones are
    // those the events name, the last of them the contract's last id.
    const contributionIds = events
      .filter((event) => event.contract === "ContributionLedger" && event.eventName === "ContributionRecorded")
      .map((event) => (event.args as { contributionId: bigint }).contributionId);
    expect(contributionIds.length).to.be.greaterThan(0);
    expect(contributionIds.at(-1)).to.equal(await contributions.contributionCount());
    for (const id of contributionIds) {
      const onChain = await contributions.contribution(id);
      const record = readDocument<ContributionRecord>(state, key.contribution(id))!;
      expect([record.status, record.contributor.toLowerCase()], `contribution ${id}`).to.deep.equal([
        Number(onChain.status),
        onChain.contributor.toLowerCase(),
      ]);
    }
    for (let id = 1n; id <= (await vault.epochCount()); id += 1n) {
      const epoch = readDocument<EpochRecord>(state, key.epoch(id))!;
      const onChain = await vault.epoch(id);
      expect([epoch.status, BigInt(epoch.claimed), BigInt(epoch.amount), epoch.rejected !== null], `epoch ${id}`).to.deep.equal([
        Number(onChain.status),
        onChain.claimed,
        onChain.amount,
        Number(onChain.status) === 3,
      ]);
    }
    for (let id = 1n; id <= (await disputeCourt.disputeCount()); id += 1n) {
      const dispute = readDocument<DisputeRecord>(state, key.dispute(id))!;
      const onChain = await disputeCourt.dispute(id);
      expect([dispute.status, dispute.remedy, dispute.kind], `dispute ${id}`).to.deep.equal([
        Number(onChain.status),
        Number(onChain.remedy),
        Number(onChain.kind),
      ]);
    }
    for (const signer of Object.values(ledger.actors)) {
      const party = readDocument<PartyRecord>(state, key.party(signer.address));
      const onChain = await registry.party(signer.address);
      expect(party?.kind ?? 0, signer.address).to.equal(Number(onChain.kind));
      expect(party?.successor ?? ethers.ZeroAddress).to.equal(onChain.successor);
      for (const roleId of Object.values(ROLE_IDS)) {
        const [member] = await ledger.accessManager.hasRole(roleId, signer.address);
        expect(state.get(key.role(roleId, signer.address)) !== undefined, `${signer.address} role ${roleId}`).to.equal(member);
      }
    }
    // Bonds are pulled: what the state says each account is owed is the court's credit.
    for (const signer of Object.values(ledger.actors)) {
      const bond = readDocument<BondRecord>(state, key.bond(signer.address));
      const owed = bond === undefined ? 0n : BigInt(bond.credited) - BigInt(bond.withdrawn);
      expect(owed, `bond credit of ${signer.address}`).to.equal(await disputeCourt.bondCredit(signer.address));
    }
    // Unsettled revenue of every product and version that has deposits, as the vault counts it.
    const versions = new Set<string>();
    for (const [, raw] of state.entries(listing.deposits)) {
      const deposit = JSON.parse(raw) as DepositRecord;
      versions.add(`${deposit.productId}/${deposit.policyVersion}`);
    }
    for (const pair of versions) {
      const [productId, version] = pair.split("/");
      expect(unsettledAmount(state, BigInt(productId!), Number(version)), `unsettled ${pair}`).to.equal(
        await vault.unsettled(BigInt(productId!), Number(version)),
      );
    }
    const [deposited, paidOut] = await vault.totals();
    const totals = readDocument<Totals>(state, key.totals())!;
    expect([BigInt(totals.deposited), BigInt(totals.paidOut)]).to.deep.equal([deposited, paidOut]);
  });

  it("records every amount the vault and the court paid out, by recipient, as the token's Transfer logs count them", async () => {
    const { ledger } = await networkHelpers.loadFixture(indexed);
    const { vault, disputeCourt, token, registry, alice, bob, carol } = ledger;
    // The scenario withdrew bonds (one to another recipient); add a claim of the resumed settlement's leaf,
    // paid to someone else than the leaf's account, by whoever the account resolves to now.
    const tree = StandardMerkleTree.of([[0n, bob.address, 6_000n], [1n, alice.address, 4_000n]], [...LEAF_TYPES]);
    const entitled = await registry.resolveParty(bob.address);
    const signer = Object.values(ledger.actors).find((actor) => actor.address === entitled)!;
    const proof = tree.getProof([0n, bob.address, 6_000n]);
    await (await vault.connect(signer).claim([{ epochId: 2n, index: 0n, account: bob.address, amount: 6_000n, proof }], carol.address)).wait();
    const { state } = await foldChain(connection, ledger);

    // The oracle: the token's own Transfer logs out of the vault and the court, summed by recipient.
    const payers = new Set([(await vault.getAddress()).toLowerCase(), (await disputeCourt.getAddress()).toLowerCase()]);
    const transferred = new Map<string, bigint>();
    for (const log of await token.queryFilter(token.filters.Transfer())) {
      const [from, to, value] = log.args;
      if (payers.has(from.toLowerCase())) transferred.set(to.toLowerCase(), (transferred.get(to.toLowerCase()) ?? 0n) + value);
    }
    // Carol received alice's bond credits — alice's own bond back (her policy dispute lapsed) and bob's bond
    // forfeited to her as the respondent of his dismissed objection — and bob's leaf of 6,000.
    expect(transferred.get(carol.address.toLowerCase())).to.equal(2n * MIN_BOND + 6_000n);
    const recorded = new Map<string, bigint>();
    for (const [, raw] of state.entries("receipt/")) {
      const receipt = JSON.parse(raw) as ReceiptRecord;
      const recipient = receipt.recipient.toLowerCase();
      recorded.set(recipient, (recorded.get(recipient) ?? 0n) + BigInt(receipt.amount));
    }
    expect(recorded).to.deep.equal(transferred);
    for (const [recipient, amount] of transferred) {
      const totals = readDocument<ReceivedRecord>(state, key.received(recipient))!;
      expect(BigInt(totals.claims) + BigInt(totals.escrowReleases) + BigInt(totals.bondWithdrawals), recipient).to.equal(amount);
    }
    const carols = [...state.entries(listing.receiptsOf(carol.address))].map(([, raw]) => JSON.parse(raw) as ReceiptRecord);
    expect(carols.map((r) => [r.source, r.account, r.amount, r.epochId])).to.deep.equal([
      ["BOND_WITHDRAWAL", alice.address, String(2n * MIN_BOND), null],
      ["CLAIM", bob.address, "6000", "2"],
    ]);
  });

  it("is deterministic: the same events give byte-identical state, folded at once or in pieces", async () => {
    const { events } = await networkHelpers.loadFixture(indexed);
    const once = serialize(fold(events));
    expect(serialize(fold(events))).to.equal(once);
    const pieces = new MemoryState();
    for (const event of events.slice(0, 40)) reduceLedgerEvent(event, pieces);
    // A state serialized and read back, as a store does between ranges, continues the same.
    const reloaded = new MemoryState();
    for (const [stateKey, value] of pieces.all()) reloaded.put(stateKey, value);
    for (const event of events.slice(40)) reduceLedgerEvent(event, reloaded);
    expect(serialize(reloaded)).to.equal(once);
  });

  it("ignores events it does not model and contracts it does not know", async () => {
    const { events } = await networkHelpers.loadFixture(indexed);
    const state = fold(events);
    const before = serialize(state);
    const sample = events[0]!;
    reduceLedgerEvent({ ...sample, contract: "SomethingElse" }, state);
    reduceLedgerEvent({ ...sample, contract: "AssetRegistry", eventName: "ApprovalForAll", args: {} }, state);
    expect(serialize(state)).to.equal(before);
  });

  it("refuses an event whose arguments lack the ABI's shape, naming it", () => {
    const state = new MemoryState();
    const event: LedgerEvent = {
      contract: "AssetRegistry",
      eventName: "PartyRegistered",
      args: { account: "0x0000000000000000000000000000000000000001", kind: "enterprise" },
      blockNumber: 7n,
      timestamp: 1n,
      transactionHash: "0x01",
      logIndex: 3,
    };
    expect(() => reduceLedgerEvent(event, state)).to.throw(LedgerEventError, /PartyRegistered at block 7 log 3: kind is not an integer/);
    expect(() => reduceLedgerEvent({ ...event, args: [1, 2] }, state)).to.throw(LedgerEventError, /arguments without names/);
    expect(state.size).to.equal(0);
  });

  it("records a derivation under a chain of grants: the root's royalty to the parent, each sub-grant's grantor a licensor", () => {
    // Grants on asset 1: 1 A→B 30% (the root), 2 B→C 5%, 3 C→D 20%; D files product 2 under grant 3; C is
    // later succeeded by E. Addresses are made up: the reducer folds whatever the events say.
    const [A, B, C, D, E] = ["0xa", "0xb", "0xc", "0xd", "0xe"].map((p) => `0x${p.slice(2).repeat(40)}`) as [string, string, string, string, string];
    let logIndex = 0;
    const event = (contract: string, eventName: string, args: Record<string, unknown>): LedgerEvent => ({
      contract,
      eventName,
      args,
      blockNumber: 1n,
      timestamp: 1n,
      transactionHash: "0x01",
      logIndex: logIndex++,
    });
    const party = (account: string) => event("AssetRegistry", "PartyRegistered", { account, kind: 1n, profileHash: `0x${"00".repeat(32)}`, registrar: A });
    const grant = (grantId: bigint, parentId: bigint, grantor: string, grantee: string, royaltyBps: number) =>
      event("GrantRegistry", "Granted", {
        grantId,
        assetId: 1n,
        grantee,
        grantor,
        parentId,
        terms: { grantee, assetId: 1n, rights: 2, scopeKind: 0, scopeData: `0x${"00".repeat(32)}`, purposeHash: `0x${"00".repeat(32)}`, usageMode: 0, validFrom: 0n, validUntil: 10n, royaltyBps },
      });
    const applied = (assetId: bigint, applicant: string, parents: { assetId: bigint; grantId: bigint }[]) =>
      event("AssetRegistry", "AssetApplied", {
        assetId,
        applicant,
        kind: parents.length === 0 ? 0 : 1,
        category: 1,
        classification: 0,
        fingerprint: `0x${assetId.toString(16).padStart(64, "0")}`,
        cardHash: `0x${"11".repeat(32)}`,
        cardURI: "",
        parents,
      });
    const state = fold([
      ...[A, B, C, D, E].map(party),
      applied(1n, A, []),
      grant(1n, 0n, A, B, 3_000),
      grant(2n, 1n, B, C, 500),
      grant(3n, 2n, C, D, 2_000),
      applied(2n, D, [{ assetId: 1n, grantId: 3n }]),
      applied(3n, B, [{ assetId: 1n, grantId: 1n }]),
      event("AssetRegistry", "PartySucceeded", { predecessor: C, successor: E, evidenceHash: `0x${"00".repeat(32)}`, registrar: A }),
    ]);
    expect(readDocument<AssetRecord>(state, key.asset(2n))!.parents).to.deep.equal([
      {
        assetId: "1",
        grantId: "3",
        royaltyBps: 3_000,
        licensors: [
          { grantId: "3", grantor: C, royaltyBps: 2_000 },
          { grantId: "2", grantor: B, royaltyBps: 500 },
        ],
      },
    ]);
    // A direct grant has no licensors.
    expect(readDocument<AssetRecord>(state, key.asset(3n))!.parents).to.deep.equal([{ assetId: "1", grantId: "1", royaltyBps: 3_000, licensors: [] }]);
    // The split context pays each sub-grantor as it resolves now: C's royalty goes to its successor E.
    expect(splitContextOf(state, 2n)!.parents).to.deep.equal([
      {
        assetId: 1n,
        royaltyBps: 3_000,
        licensors: [
          { account: E, royaltyBps: 2_000, grantId: 3n },
          { account: B, royaltyBps: 500, grantId: 2n },
        ],
      },
    ]);
  });

  it("credits a rejected epoch's claim to the claimant's successor when the split now pays the successor", () => {
    // Product 1: policy 50% collection (C's confirmed record) / 50% processing (empty, to the holder).
    // Epoch 1 of 1,000 pays H1 (holder) 500 and C 500; H1 claims, then the epoch is rejected (C's 500 come
    // back); H1 merges into H2. The replacement of the 500 must credit H1's 500 to H2, whom the split now
    // pays as holder: H2 500 − 500 = 0, C 500. Keyed by H1 alone the credit would look like an overpayment,
    // and the 500 would be prorated over H2 and C (250 each): H2 paid the holder's share twice.
    const [H1, H2, C, S] = ["0x1", "0x2", "0xc", "0x5"].map((p) => `0x${p.slice(2).repeat(40)}`) as [string, string, string, string];
    const zero = `0x${"00".repeat(32)}`;
    let logIndex = 0;
    const event = (contract: string, eventName: string, args: Record<string, unknown>): LedgerEvent => ({
      contract,
      eventName,
      args,
      blockNumber: 1n,
      timestamp: 1n,
      transactionHash: "0x01",
      logIndex: logIndex++,
    });
    const party = (account: string) => event("AssetRegistry", "PartyRegistered", { account, kind: 1n, profileHash: zero, registrar: S });
    const state = fold([
      ...[H1, H2, C].map(party),
      event("AssetRegistry", "AssetApplied", {
        assetId: 1n, applicant: H1, kind: 1, category: 1, classification: 0,
        fingerprint: `0x${"01".repeat(32)}`, cardHash: `0x${"11".repeat(32)}`, cardURI: "", parents: [],
      }),
      event("AssetRegistry", "CertificateIssued", { assetId: 1n, holder: H1, registrar: S }),
      event("AssetRegistry", "Transfer", { from: `0x${"00".repeat(20)}`, to: H1, tokenId: 1n }),
      event("ContributionLedger", "SplitPolicySet", { productId: 1n, version: 1n, stageWeightsBps: [5_000n, 5_000n, 0n, 0n], emptyStageRule: 0n, holder: H1 }),
      event("ContributionLedger", "ContributionRecorded", {
        contributionId: 1n, productId: 1n, contributor: C, stage: 0n, role: 3n, measure: 7n, authorization: 0n, evidenceHash: zero, evidenceURI: "",
      }),
      event("ContributionLedger", "ContributionConfirmed", { contributionId: 1n, productId: 1n, confirmer: H1 }),
      event("RevenueVault", "RevenueDeposited", { depositId: 1n, productId: 1n, payer: S, amount: 1_000n, policyVersion: 1n, payerRef: zero }),
      event("RevenueVault", "SettlementPosted", {
        epochId: 1n, productId: 1n, policyVersion: 1n, amount: 1_000n, merkleRoot: zero, stateBlock: 1n, inputsHash: zero, challengeEndsAt: 1n, settler: S,
      }),
      event("RevenueVault", "RevenueClaimed", { epochId: 1n, productId: 1n, account: H1, index: 0n, amount: 500n, recipient: H1 }),
      event("RevenueVault", "SettlementRejected", { epochId: 1n, productId: 1n, by: S, reasonHash: zero }),
      event("AssetRegistry", "PartySucceeded", { predecessor: H1, successor: H2, evidenceHash: zero, registrar: S }),
    ]);
    expect(unsettledAmount(state, 1n, 1)).to.equal(500n);
    const replacement = settlementOf(state, 1n, 1, 500n, 2n);
    expect(replacement.credits).to.deep.equal([{ account: H2, amount: 500n }]);
    expect(replacement.allocation.entries.map(({ account, amount }) => [account, amount])).to.deep.equal([[C, 500n]]);
  });

  it("lists index entries in id order, after a cursor, up to a limit", () => {
    const state = new MemoryState();
    for (const id of [3n, 12n, 1n, 100n]) state.put(`idx-x/a/${id.toString().padStart(20, "0")}`, "");
    state.put("idx-x/b/00000000000000000001", "");
    const ids = (options?: { after?: string; limit?: number }) =>
      [...state.entries("idx-x/a/", options)].map(([k]) => BigInt(k.slice(k.lastIndexOf("/") + 1)));
    expect(ids()).to.deep.equal([1n, 3n, 12n, 100n]);
    expect(ids({ after: "idx-x/a/00000000000000000003" })).to.deep.equal([12n, 100n]);
    expect(ids({ limit: 2 })).to.deep.equal([1n, 3n]);
    expect(ids({ after: "idx-x/a/00000000000000000100" })).to.deep.equal([]);
  });
});
