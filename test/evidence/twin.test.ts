import { expect } from "chai";
import { network } from "hardhat";
import type { Address, Hex } from "viem";

import {
  checkChain,
  decodeLedgerLog,
  EVIDENCE_EVENTS,
  genesisHead,
  payloadHashOf,
  payloadHashOfLog,
  replayEvidence,
} from "../../ledger/evidence/index.js";
import type { RawLog } from "../../ledger/events/index.js";
import { everyEvidenceKind as buildScenario, type Scenario } from "../helpers/scenario.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const everyEvidenceKind = () => buildScenario(connection);

/** Changes one hex digit of `data` at character `at`. */
function flipNibble(data: Hex, at: number): Hex {
  const digit = data[at] === "0" ? "1" : "0";
  return (data.slice(0, at) + digit + data.slice(at + 1)) as Hex;
}

async function replay(scenario: Scenario, assetId: bigint, logs: readonly RawLog[] = scenario.logs) {
  const { registry, grants } = scenario.ledger;
  const [seq, head] = await registry.evidenceHead(assetId);
  return replayEvidence({
    chainId: (await ethers.provider.getNetwork()).chainId,
    registry: (await registry.getAddress()) as Address,
    contracts: [
      (await grants.getAddress()) as Address,
      (await scenario.ledger.contributions.getAddress()) as Address,
      (await scenario.ledger.vault.getAddress()) as Address,
      (await scenario.ledger.disputeCourt.getAddress()) as Address,
    ],
    assetId,
    logs,
    onChain: { seq: Number(seq), head: head as Hex },
  });
}

describe("evidence chain: the TypeScript twin", () => {
  it("reproduces the on-chain head of every asset, entry by entry, for every kind of event", async () => {
    const scenario = await networkHelpers.loadFixture(everyEvidenceKind);
    const seen = new Set<string>();
    for (const assetId of scenario.assetIds) {
      const result = await replay(scenario, assetId);
      expect(result.problems, `asset ${assetId}`).to.deep.equal([]);
      expect(result.ok).to.equal(true);
      const [seq, head] = await scenario.ledger.registry.evidenceHead(assetId);
      expect(result.entries.length).to.equal(Number(seq));
      expect(result.head).to.equal(head);
      result.entries.forEach((entry, index) => {
        expect(entry.seq).to.equal(index + 1);
      });
      for (const entry of result.entries) seen.add(entry.eventName ?? "?");
    }
    const allKinds = Object.values(EVIDENCE_EVENTS).flat();
    expect([...seen].sort()).to.deep.equal([...allKinds].sort());
  });

  it("rebuilds every event's payload encoding from the log's bytes exactly as from its decoded arguments", async () => {
    const scenario = await networkHelpers.loadFixture(everyEvidenceKind);
    let checked = 0;
    for (const log of scenario.logs) {
      const decoded = decodeLedgerLog(log);
      if (decoded === undefined) continue;
      expect(payloadHashOfLog(decoded.event, log), decoded.eventName).to.equal(payloadHashOf(decoded.event, decoded.args));
      checked += 1;
    }
    expect(checked).to.be.greaterThan(100);
  });

  it("starts every chain at the genesis head of its asset", async () => {
    const scenario = await networkHelpers.loadFixture(everyEvidenceKind);
    const { registry } = scenario.ledger;
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const unknown = (await registry.assetCount()) + 1n;
    const [seq, head] = await registry.evidenceHead(unknown);
    expect(seq).to.equal(0n);
    expect(head).to.equal(genesisHead(chainId, (await registry.getAddress()) as Address, unknown));
  });

  it("detects an altered domain event", async () => {
    const scenario = await networkHelpers.loadFixture(everyEvidenceKind);
    const [resource] = scenario.assetIds;
    const cardChanged = (await replay(scenario, resource!)).entries.find((e) => e.eventName === "CardChanged")!;
    const tampered = scenario.logs.map((log) =>
      log.transactionHash === cardChanged.transactionHash && log.logIndex === cardChanged.logIndex - 1
        ? { ...log, data: flipNibble(log.data, 2 + 64 + 10) } // inside the second word: the card hash
        : log,
    );
    const result = await replay(scenario, resource!, tampered);
    expect(result.ok).to.equal(false);
    expect(result.problems.map((p) => p.kind)).to.include("payload-mismatch");
  });

  it("detects a dropped entry and an inserted one", async () => {
    const scenario = await networkHelpers.loadFixture(everyEvidenceKind);
    const [resource] = scenario.assetIds;
    const clean = await replay(scenario, resource!);
    const victim = clean.entries[3]!;
    const dropped = scenario.logs.filter(
      (log) => !(log.transactionHash === victim.transactionHash && log.logIndex === victim.logIndex),
    );
    const droppedResult = await replay(scenario, resource!, dropped);
    expect(droppedResult.ok).to.equal(false);
    expect(droppedResult.problems.map((p) => p.kind)).to.include.members(["gap", "length-differs-from-chain"]);

    const duplicated = [...scenario.logs, ...scenario.logs.filter((log) => log.transactionHash === victim.transactionHash).map((log) => ({ ...log, blockNumber: log.blockNumber + 1_000_000n }))];
    const insertedResult = await replay(scenario, resource!, duplicated);
    expect(insertedResult.ok).to.equal(false);
    expect(insertedResult.problems.map((p) => p.kind)).to.include("gap");
  });

  it("detects an altered entry even when its own head was recomputed to match", async () => {
    const scenario = await networkHelpers.loadFixture(everyEvidenceKind);
    const [resource] = scenario.assetIds;
    const clean = await replay(scenario, resource!);
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const genesis = genesisHead(chainId, (await scenario.ledger.registry.getAddress()) as Address, resource!);
    // Forge entry 2's actor and fix up every later head: the result no longer ends at the on-chain head.
    const forged = clean.entries.map((e) => ({ ...e }));
    forged[1]!.actor = scenario.ledger.outsider.address as Address;
    const rebuilt = checkChain(genesis, forged);
    const [seq, head] = await scenario.ledger.registry.evidenceHead(resource!);
    expect(checkChain(genesis, clean.entries, { seq: Number(seq), head: head as Hex }).ok).to.equal(true);
    expect(rebuilt.head).to.not.equal(head);
    expect(checkChain(genesis, forged, { seq: Number(seq), head: head as Hex }).ok).to.equal(false);
  });
});
