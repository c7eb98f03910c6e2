import { expect } from "chai";
import { AbiCoder, keccak256 } from "ethers";
import type { Hex } from "viem";

import {
  checkReportBinding,
  checkReportOffline,
  checkReportOnChain,
  parseEvidenceReport,
  type EvidenceReport,
  type ObservedChain,
} from "../../ledger/evidence/index.js";

/**
 * The report checks on their own, without a chain: the paths the CLI test cannot reach on Hardhat (a node
 * without old state), and values worked out by hand. The field-by-field property is test/cli/report.test.ts.
 */

const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
// head_0 = keccak256(abi.encode(chainId, registry, assetId)), encoded here with ethers rather than the twin.
const GENESIS = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint256"], [31337, REGISTRY, 7])) as Hex;
const BLOCK_HASH = `0x${"ab".repeat(32)}` as Hex;

/** An asset with no entry yet: its head is its genesis, at block 12. */
function emptyReport(): EvidenceReport {
  return {
    type: "provenance.evidence-report",
    version: 1,
    chainId: 31337,
    registry: REGISTRY,
    assetId: "7",
    genesis: GENESIS,
    entries: [],
    onChain: { seq: 0, head: GENESIS, block: "12", blockHash: BLOCK_HASH },
    recomputedHead: GENESIS,
    verdict: "valid",
    problems: [],
  };
}

function observed(overrides: Partial<ObservedChain> = {}): ObservedChain {
  return {
    latestBlock: 20n,
    blockHash: BLOCK_HASH,
    headAtBlock: { seq: 0, head: GENESIS },
    currentHead: { seq: 0, head: GENESIS },
    receipts: new Map(),
    ...overrides,
  };
}

const fieldsOf = (problems: readonly { fields: string[] }[]) => problems.flatMap((p) => p.fields);

describe("evidence report checks", () => {
  it("an empty chain's report verifies offline: its head is the genesis", () => {
    const check = checkReportOffline(emptyReport());
    expect(check.problems).to.deep.equal([]);
    expect(check.head).to.equal(GENESIS);
  });

  it("names chain id, registry, asset and genesis when the genesis does not bind them", () => {
    const check = checkReportOffline({ ...emptyReport(), assetId: "8" });
    const genesis = check.problems.find((p) => p.kind === "genesis-mismatch")!;
    expect(genesis.fields).to.have.members(["genesis", "chainId", "registry", "assetId"]);
    expect(genesis.message).to.match(/^genesis: 0x[0-9a-f]{64} is not the genesis of asset 8 of registry 0x5FbDB/);
  });

  it("refuses another document or version as bad input, naming the field", () => {
    expect(parseEvidenceReport({ ...emptyReport(), type: "provenance.settlement" })).to.deep.equal({
      issues: [{ field: "type", message: '"provenance.settlement" is not "provenance.evidence-report": not an evidence report' }],
    });
    expect(parseEvidenceReport({ ...emptyReport(), version: 2 })).to.deep.equal({
      issues: [{ field: "version", message: "2: this tool reads version 1 reports" }],
    });
    expect(parseEvidenceReport([])).to.deep.equal({ issues: [{ field: "(the report)", message: "must be a JSON object" }] });
  });

  it("reads a report without onChain.blockHash (written before it was recorded)", () => {
    const { blockHash: _omitted, ...onChain } = emptyReport().onChain;
    const parsed = parseEvidenceReport({ ...emptyReport(), onChain });
    expect("report" in parsed).to.equal(true);
    expect(checkReportOnChain({ ...emptyReport(), onChain }, observed(), [])).to.deep.equal([]);
  });

  it("binds the report to the node's chain and the deployment's registry", () => {
    const node = { chainId: 31337, registry: REGISTRY.toLowerCase() as Hex, deployment: "ignition/deployments/chain-31337" };
    expect(checkReportBinding(emptyReport(), node)).to.deep.equal([]);
    expect(fieldsOf(checkReportBinding(emptyReport(), { ...node, chainId: 1 }))).to.deep.equal(["chainId"]);
    expect(fieldsOf(checkReportBinding(emptyReport(), { ...node, registry: `0x${"11".repeat(20)}` }))).to.deep.equal(["registry"]);
  });

  it("online: the block must exist with the recorded hash, and the registry's head then must be the report's", () => {
    expect(fieldsOf(checkReportOnChain(emptyReport(), observed({ latestBlock: 11n }), []))).to.include("onChain.block");
    expect(fieldsOf(checkReportOnChain(emptyReport(), observed({ blockHash: `0x${"cd".repeat(32)}` }), []))).to.include("onChain.blockHash");
    expect(fieldsOf(checkReportOnChain(emptyReport(), observed({ headAtBlock: { seq: 1, head: BLOCK_HASH } }), []))).to.have.members([
      "onChain.seq",
      "onChain.head",
    ]);
  });

  it("online without the state at that block: the current head vouches only while the chain has not grown", () => {
    // No entry since: the head now is the head then.
    expect(checkReportOnChain(emptyReport(), observed({ headAtBlock: undefined }), [])).to.deep.equal([]);
    // One entry since: what the head was at block 12 cannot be read, and is not assumed.
    const grown = checkReportOnChain(emptyReport(), observed({ headAtBlock: undefined, currentHead: { seq: 1, head: BLOCK_HASH } }), []);
    expect(grown.map((p) => p.kind)).to.deep.equal(["head-unavailable"]);
    expect(grown[0]!.message).to.equal(
      "onChain: the node keeps no state at block 12 and the chain has grown since (1 entry now): check against an archive node",
    );
  });
});
