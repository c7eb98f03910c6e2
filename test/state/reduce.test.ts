import { expect } from "chai";
import { network } from "hardhat";

import {
  key,
  MemoryState,
  readDocument,
  reduceLedgerEvent,
  resolveParty,
  LedgerEventError,
  type AssetRecord,
  type ContributionRecord,
  type DisputeRecord,
  type EpochRecord,
  type GrantRecord,
  type LedgerEvent,
  type PartyRecord,
  type Totals,
} from "../../ledger/state/index.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import { everyEvidenceKind, type Scenario } from "../helpers/scenario.js";
import { foldChain } from "../helpers/state.js";

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
    for (let id = 1n; id <= (await contributions.contributionCount()); id += 1n) {
      expect(readDocument<ContributionRecord>(state, key.contribution(id))!.status, `contribution ${id}`).to.equal(
        Number((await contributions.contribution(id)).status),
      );
    }
    for (let id = 1n; id <= (await vault.epochCount()); id += 1n) {
      const epoch = readDocument<EpochRecord>(state, key.epoch(id))!;
      const onChain = await vault.epoch(id);
      expect([epoch.status, BigInt(epoch.claimed), BigInt(epoch.amount)], `epoch ${id}`).to.deep.equal([
        Number(onChain.status),
        onChain.claimed,
        onChain.amount,
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
    const [deposited, paidOut] = await vault.totals();
    const totals = readDocument<Totals>(state, key.totals())!;
    expect([BigInt(totals.deposited), BigInt(totals.paidOut)]).to.deep.equal([deposited, paidOut]);
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
