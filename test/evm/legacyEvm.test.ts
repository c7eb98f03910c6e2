/**
 * The ledger on EVMs older than Cancun (issue 16): the older-EVM build (scripts/evm/build.ts) has the Cancun build's
 * ABIs and none of the opcodes Berlin lacks, deploys and runs on anvil --hardfork berlin with a zero gas price, and
 * the chain check (scripts/evm/chainCheck.ts) refuses a build the chain cannot run before anything is sent.
 *
 * The first Berlin build takes minutes (solc-js, viaIR); it is cached in artifacts-evm/berlin afterwards.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ContractFactory, type Contract } from "ethers";
import hre, { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { ROLE_IDS } from "../../ledger/roles.js";
import { AssetKind, PartyKind } from "../../ledger/types.js";
import { DEPLOYABLE_CONTRACTS, EvmBuildError, type EvmBuild, EvmVersionError, ensureEvmBuild, parseEvmVersion, withoutMcopy } from "../../scripts/evm/build.js";
import { ChainEvmMismatchError, checkChainRuns, describeChain, probeCode } from "../../scripts/evm/chainCheck.js";
import { deployLedgerContracts, type LedgerContracts } from "../../scripts/lib/deployLedger.js";
import { startAnvil, type Anvil } from "../helpers/anvil.js";
import { CHALLENGE_WINDOW, firstSigners, h, issueAsset, NOTICE_PERIOD, type Ledger } from "../helpers/ledger.js";
import { send } from "../helpers/registry.js";
import { AllocationTree } from "../helpers/vault.js";
import { codeOf, findOpcodes } from "./opcodes.js";
import { compileForEvm } from "./solcjs.js";

const PUSH0 = 0x5f;
const TLOAD = 0x5c;
const TSTORE = 0x5d;
const MCOPY = 0x5e;
const CANCUN_ONLY = new Set([PUSH0, TLOAD, TSTORE, MCOPY]);
const ROOT = new URL("../../", import.meta.url).pathname;
const run = promisify(execFile);

/** The single line a ChainEvmMismatchError carries. */
async function refusal(promise: Promise<unknown>): Promise<ChainEvmMismatchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ChainEvmMismatchError);
    return error as ChainEvmMismatchError;
  }
  throw new Error("expected the chain check to refuse");
}

describe("The older-EVM build", () => {
  let berlin: EvmBuild;

  before(async function () {
    this.timeout(20 * 60_000);
    berlin = (await ensureEvmBuild("berlin", { log: (line) => console.log(`      ${line}`) }))!;
  });

  describe("the build", () => {
    it("has the Cancun build's ABI for every deployable contract", async () => {
      for (const name of DEPLOYABLE_CONTRACTS) {
        const cancun = await hre.artifacts.readArtifact(name);
        expect(berlin.artifacts[name].abi, name).to.deep.equal(cancun.abi);
        expect(berlin.artifacts[name].contractName).to.equal(name);
      }
    });

    it("has no PUSH0, TLOAD, TSTORE or MCOPY in any constructor or runtime code", () => {
      for (const name of DEPLOYABLE_CONTRACTS) {
        const { initCode, runtime } = codeOf(berlin.artifacts[name]);
        expect(findOpcodes(initCode, CANCUN_ONLY), `${name} init code`).to.deep.equal([]);
        expect(findOpcodes(runtime, CANCUN_ONLY), `${name} runtime`).to.deep.equal([]);
      }
    });

    it("differs from the Cancun build, which has them (the check above can see them)", async () => {
      const seen = new Set<number>();
      for (const name of DEPLOYABLE_CONTRACTS) {
        const cancun = await hre.artifacts.readArtifact(name);
        const found = findOpcodes(codeOf(cancun).runtime, CANCUN_ONLY).map((each) => each.opcode);
        // Solidity 0.8.28 for Cancun pushes every zero with PUSH0.
        expect(found, name).to.include(PUSH0);
        for (const opcode of found) seen.add(opcode);
        if (name === "RevenueVault" || name === "DisputeCourt") {
          // ReentrancyGuardTransient: TLOAD to check the lock, TSTORE to set and clear it.
          expect(found, name).to.include.members([TLOAD, TSTORE]);
        }
      }
      // Memory copies of bytes/strings (abi.encode, string.concat) compile to MCOPY for Cancun.
      expect([...seen].sort()).to.deep.equal([TLOAD, TSTORE, MCOPY, PUSH0].sort());
    });

    it("is read back from artifacts-evm/ when the input has not changed", async () => {
      const file = join(ROOT, "artifacts-evm", "berlin", "RevenueVault.json");
      const before = (await stat(file)).mtimeMs;
      const again = (await ensureEvmBuild("berlin"))!;
      expect((await stat(file)).mtimeMs).to.equal(before);
      expect(again.artifacts.RevenueVault.bytecode).to.equal(berlin.artifacts.RevenueVault.bytecode);
      const stamp = JSON.parse(await readFile(join(ROOT, "artifacts-evm", "berlin", "stamp.json"), "utf8")) as {
        evmVersion: string;
        solcVersion: string;
        inputHashes: Record<string, string>;
      };
      expect(stamp.evmVersion).to.equal("berlin");
      expect(stamp.solcVersion).to.match(/^0\.8\.28\+commit\./);
      expect(Object.keys(stamp.inputHashes).sort()).to.deep.equal([...DEPLOYABLE_CONTRACTS].sort());
      for (const hash of Object.values(stamp.inputHashes)) expect(hash).to.match(/^[0-9a-f]{64}$/);
    });

    it("is no build for cancun: Hardhat's artifacts are the Cancun build", async () => {
      expect(await ensureEvmBuild("cancun")).to.equal(undefined);
    });
  });

  describe("bad input", () => {
    it("parses the EVM versions it supports and refuses others, listing the supported ones", () => {
      expect(parseEvmVersion(" London ")).to.equal("london");
      expect(parseEvmVersion("cancun")).to.equal("cancun");
      expect(() => parseEvmVersion("istanbul")).to.throw(EvmVersionError, 'unknown EVM version "istanbul": use one of berlin, london, paris, shanghai, cancun');
      expect(() => parseEvmVersion("")).to.throw(EvmVersionError);
    });

    it("`npm run build:evm` exits 2 naming the versions on an unknown one, and 2 with its usage without one", async () => {
      const cli = (args: string[]) => run(process.execPath, ["--import", "tsx", "scripts/evm/build.ts", ...args], { cwd: ROOT }).then(() => 0, (error: { code: number; stderr: string }) => error);
      const unknown = (await cli(["prague"])) as { code: number; stderr: string };
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr.trim()).to.equal('evm version: unknown EVM version "prague": use one of berlin, london, paris, shanghai, cancun');
      const none = (await cli([])) as { code: number; stderr: string };
      expect(none.code).to.equal(2);
      expect(none.stderr).to.match(/^usage: npm run build:evm -- <evm version>/);
    });

    it("refuses to build without the Cancun build, and writes nothing", async () => {
      const empty = await mkdtemp(join(tmpdir(), "evm-build-"));
      try {
        const out = join(empty, "out");
        await expectBuildError(ensureEvmBuild("london", { artifactsDir: join(empty, "artifacts"), outputDir: out }), /no Cancun build in .*: run `npx hardhat build` first/);
        await expectMissing(out);
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });

    it("fails with every error solc reports, and leaves no stamp", async function () {
      this.timeout(120_000);
      // A Cancun build whose one build-info has a source with two type errors (no viaIR: solc stops in seconds).
      const dir = await mkdtemp(join(tmpdir(), "evm-build-"));
      try {
        const artifactsDir = join(dir, "artifacts");
        const source = "// SPDX-License-Identifier: Apache-2.0\npragma solidity 0.8.28;\ncontract Broken { function f() external pure returns (uint256) { return missingOne + missingTwo; } }\n";
        await mkdir(join(artifactsDir, "build-info"), { recursive: true });
        await writeFile(
          join(artifactsDir, "build-info", "broken.json"),
          JSON.stringify({ input: { language: "Solidity", sources: { "project/contracts/Broken.sol": { content: source } }, settings: { evmVersion: "cancun" } } }),
        );
        for (const name of DEPLOYABLE_CONTRACTS) {
          await mkdir(join(artifactsDir, "contracts", "Broken.sol", `${name}.sol`), { recursive: true });
          const artifact = { _format: "hh3-artifact-1", contractName: name, sourceName: "contracts/Broken.sol", buildInfoId: "broken", inputSourceName: "project/contracts/Broken.sol" };
          await writeFile(join(artifactsDir, "contracts", "Broken.sol", `${name}.sol`, `${name}.json`), JSON.stringify(artifact));
        }
        const out = join(dir, "out");
        const error = await expectBuildError(ensureEvmBuild("london", { artifactsDir, outputDir: out }), /^solc failed to build /);
        // Both, each where it is: missingOne at column 73 of line 3, missingTwo at column 86.
        expect(error.message.match(/DeclarationError: Undeclared identifier\./g)).to.have.length(2);
        expect(error.message).to.include("project/contracts/Broken.sol:3:73").and.include("project/contracts/Broken.sol:3:86");
        await expectMissing(join(out, "london", "stamp.json"));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("on anvil --hardfork berlin --chain-id 7777 --gas-price 0", function () {
    this.timeout(10 * 60_000);
    let anvil: Anvil;
    let connection: AnvilConnection;
    let deployer: HardhatEthersSigner;
    const deploymentIds: string[] = [];

    before(async () => {
      anvil = await startAnvil({ chainId: 7777, hardfork: "berlin", gasPrice: 0n });
      connection = await network.create({ network: "localhost", chainType: "generic", override: { url: anvil.url } });
      [deployer] = await firstSigners(connection.ethers, 1);
    });

    after(async () => {
      await anvil?.close();
      for (const id of deploymentIds) await rm(join(ROOT, "ignition", "deployments", id), { recursive: true, force: true });
    });

    it("moves MCOPY's bytes exactly with the block that replaces it (OpenZeppelin's Bytes and SignatureChecker use it)", async () => {
      // A harness that runs `mcopy` on one buffer, rewritten as the build rewrites OpenZeppelin's sources.
      const harness = withoutMcopy(`// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;
contract MemmoveHarness {
    function move(bytes memory buffer, uint256 to, uint256 from, uint256 length) external pure returns (bytes memory) {
        assembly ("memory-safe") {
            mcopy(add(add(buffer, 0x20), to), add(add(buffer, 0x20), from), length)
        }
        return buffer;
    }
}
`);
      expect(harness).not.to.match(/\bmcopy\s*\(/);
      const { MemmoveHarness } = compileForEvm({ "MemmoveHarness.sol": harness }, "berlin");
      const contract = await deployCompiled(MemmoveHarness!, deployer);
      const buffer = Uint8Array.from({ length: 160 }, (_, i) => (i * 7 + 3) % 251);
      // [to, from, length]: no overlap, overlap both ways, empty, under, at and past a word.
      for (const [to, from, length] of [
        [100, 0, 45],
        [0, 5, 70],
        [7, 0, 90],
        [3, 3, 33],
        [10, 40, 0],
        [1, 0, 1],
        [0, 31, 31],
        [32, 0, 32],
        [20, 50, 64],
      ] as const) {
        // memmove by hand: copy the source range first, then write it, so overlaps read the old bytes.
        const expected = Uint8Array.from(buffer);
        expected.set(buffer.slice(from, from + length), to);
        const moved = (await contract.getFunction("move").staticCall(buffer, to, from, length)) as string;
        expect(moved, `move(to ${to}, from ${from}, length ${length})`).to.equal("0x" + Buffer.from(expected).toString("hex"));
      }
    });

    it("deploys the Berlin build, and registration, deposit, settlement and claim run at gas price 0", async () => {
      const deploymentId = `test-evm-berlin-${process.pid}`;
      deploymentIds.push(deploymentId);
      const signers = await connection.ethers.getSigners();
      const balances = await Promise.all(signers.slice(0, 8).map((signer) => connection.ethers.provider.getBalance(signer.address)));
      const contracts = await deployLedgerContracts(connection, {
        evmVersion: "berlin",
        deploymentId,
        parameters: { noticePeriodSeconds: Number(NOTICE_PERIOD), challengeWindowSeconds: Number(CHALLENGE_WINDOW) },
      });
      // The code on chain is the Berlin build's (immutables aside, the runtime code's length is the build's).
      const onChain = await connection.ethers.provider.getCode(await contracts.vault.getAddress());
      expect(onChain.length).to.equal(berlin.artifacts.RevenueVault.deployedBytecode.length);

      const ledger = await withActors(connection, contracts);
      const { alice, outsider, settler, vault, token } = ledger;
      const product = await issueAsset(connection, ledger, alice, { kind: AssetKind.PRODUCT });
      await send(token.mint(outsider.address, 1_000n));
      await send(token.connect(outsider).approve(await vault.getAddress(), 1_000n));
      await send(vault.connect(outsider).deposit(product, 1_000n, h("order-1")));
      expect(await vault.unsettled(product, 0n)).to.equal(1_000n);
      const tree = new AllocationTree([
        { account: alice.address, amount: 600n },
        { account: ledger.bob.address, amount: 400n },
      ]);
      await send(vault.connect(settler).settle(product, 0, 1_000n, tree.root, BigInt(await connection.ethers.provider.getBlockNumber()), h("inputs")));
      const epochId = await vault.epochCount();
      await connection.networkHelpers.time.increase(CHALLENGE_WINDOW);
      await send(vault.connect(alice).claim([tree.claim(epochId, 0)], alice.address));
      expect(await token.balanceOf(alice.address)).to.equal(600n);
      expect(await vault.isClaimed(epochId, 0n)).to.equal(true);
      // Zero gas price: nobody paid for any of it.
      const after = await Promise.all(signers.slice(0, 8).map((signer) => connection.ethers.provider.getBalance(signer.address)));
      expect(after).to.deep.equal(balances);
    });

    it("still refuses a reentrant claim with the storage-based lock", async () => {
      const deploymentId = `test-evm-berlin-reentry-${process.pid}`;
      deploymentIds.push(deploymentId);
      const sources = Object.fromEntries(
        await Promise.all(["ReentrantToken", "ReentrantClaimer"].map(async (name) => [`contracts/mocks/${name}.sol`, await readFile(join(ROOT, "contracts", "mocks", `${name}.sol`), "utf8")])),
      ) as Record<string, string>;
      const mocks = compileForEvm(sources, "berlin");
      const token = await deployCompiled(mocks.ReentrantToken!, deployer);
      const contracts = await deployLedgerContracts(connection, {
        evmVersion: "berlin",
        deploymentId,
        settlementToken: await token.getAddress(),
        parameters: { noticePeriodSeconds: Number(NOTICE_PERIOD), challengeWindowSeconds: Number(CHALLENGE_WINDOW) },
      });
      const ledger = await withActors(connection, contracts);
      const { alice, outsider, settler, vault } = ledger;
      const claimer = await deployCompiled(mocks.ReentrantClaimer!, deployer, [await vault.getAddress()]);
      const claimerAddress = await claimer.getAddress();
      await (await token.getFunction("setHooked")(claimerAddress)).wait();
      const product = await issueAsset(connection, ledger, alice, { kind: AssetKind.PRODUCT });
      await (await token.getFunction("mint")(outsider.address, 1_000n)).wait();
      await (await (token.connect(outsider) as Contract).getFunction("approve")(await vault.getAddress(), 1_000n)).wait();
      await send(vault.connect(outsider).deposit(product, 1_000n, h("order-2")));
      const tree = new AllocationTree([
        { account: claimerAddress, amount: 700n },
        { account: alice.address, amount: 300n },
      ]);
      await send(vault.connect(settler).settle(product, 0, 1_000n, tree.root, BigInt(await connection.ethers.provider.getBlockNumber()), h("inputs")));
      const epochId = await vault.epochCount();
      await connection.networkHelpers.time.increase(CHALLENGE_WINDOW);

      const call = vault.interface.encodeFunctionData("claim", [[tree.claim(epochId, 0)], claimerAddress]);
      await (await claimer.getFunction("attack")(call)).wait();
      expect(await claimer.getFunction("reentered")()).to.equal(true);
      expect(await claimer.getFunction("reentrySucceeded")()).to.equal(false);
      // keccak256("ReentrancyGuardReentrantCall()")[0:4], as in the Cancun build: the same error.
      expect(await claimer.getFunction("reentryResult")()).to.equal("0x3ee5aeb5");
      expect(await token.getFunction("balanceOf")(claimerAddress)).to.equal(700n);
    });

    it("refuses the Cancun build before any transaction, in one line naming LEDGER_EVM_VERSION", async () => {
      const account0 = deployer.address;
      const nonce = await anvil.rpc<string>("eth_getTransactionCount", [account0, "latest"]);
      const block = await anvil.rpc<string>("eth_blockNumber");
      const clientVersion = await anvil.rpc<string>("web3_clientVersion");

      const error = await refusal(deployLedgerContracts(connection, { deploymentId: `test-evm-refused-${process.pid}` }));
      // Berlin lacks what London (BASEFEE), Shanghai (PUSH0) and Cancun (TLOAD/TSTORE, MCOPY) brought.
      expect(error.message).to.equal(
        `the chain at ${anvil.url} (chain id 7777, ${clientVersion}) does not run the Cancun opcodes the contracts are built for (BASEFEE, PUSH0, TLOAD/TSTORE, MCOPY): set LEDGER_EVM_VERSION to the chain's EVM version (berlin, london, paris, shanghai; it runs berlin's opcodes)`,
      );
      expect(error.message).not.to.include("\n");
      expect(error.chainRuns).to.equal("berlin");
      expect(await anvil.rpc<string>("eth_getTransactionCount", [account0, "latest"])).to.equal(nonce);
      expect(await anvil.rpc<string>("eth_blockNumber")).to.equal(block);
      await expectMissing(join(ROOT, "ignition", "deployments", `test-evm-refused-${process.pid}`));
    });

    it("refuses a Shanghai build naming what Berlin lacks, and accepts the Berlin build", async () => {
      const request = (args: { method: string; params?: unknown[] }) => anvil.rpc(args.method, args.params ?? []);
      const error = await refusal(checkChainRuns(request, "shanghai", "the chain"));
      expect(error.message).to.equal(
        "the chain does not run the Shanghai opcodes the contracts are built for (LEDGER_EVM_VERSION=shanghai) (BASEFEE, PUSH0): set LEDGER_EVM_VERSION to the chain's EVM version (berlin, london, paris; it runs berlin's opcodes)",
      );
      await checkChainRuns(request, "berlin", "the chain");
    });
  });

  describe("the chain check on other chains", function () {
    this.timeout(5 * 60_000);

    it("accepts the Cancun build on anvil's default hardfork (EIP-1559, zero fees), sending nothing", async () => {
      const anvil = await startAnvil({ chainId: 7777, gasPrice: 0n, baseFee: 0n });
      try {
        const request = (args: { method: string; params?: unknown[] }) => anvil.rpc(args.method, args.params ?? []);
        await checkChainRuns(request, "cancun", await describeChain(request, anvil.url));
        expect(await anvil.rpc<string>("eth_blockNumber")).to.equal("0x0");
      } finally {
        await anvil.close();
      }
    });

    it("accepts the Cancun build on Hardhat's in-process network", async () => {
      const { provider } = await network.create();
      await checkChainRuns((args) => provider.request(args), "cancun", "Hardhat's network");
    });

    it("says when the chain cannot run the probe at all, with the node's reason", async () => {
      const refusing = async (args: { method: string }) => {
        throw new Error(`${args.method} is not available\nsecond line`);
      };
      const error = await refusal(checkChainRuns(refusing, "london", "the chain at http://node"));
      expect(error.message).to.equal(
        "the chain at http://node did not run the EVM version probe (an eth_call of init code that only STOPs: eth_call is not available), so it cannot be checked against the London build: set LEDGER_EVM_VERSION to the chain's EVM version (berlin, london, paris, shanghai, cancun)",
      );
      expect(error.chainRuns).to.equal(undefined);
    });

    it("says the ledger needs Berlin when the chain runs none of its opcodes", async () => {
      // A node that runs only the baseline STOP (an Istanbul-less chain, as far as the probes can tell).
      const stopOnly = async (args: { method: string; params?: unknown[] }) => {
        if ((args.params?.[0] as { data?: string } | undefined)?.data === "0x00") return "0x";
        throw new Error("invalid opcode");
      };
      const error = await refusal(checkChainRuns(stopOnly, "berlin", "the chain"));
      expect(error.message).to.equal(
        "the chain does not run the Berlin opcodes the contracts are built for (LEDGER_EVM_VERSION=berlin) (CHAINID, SELFBALANCE): the ledger needs an EVM of Berlin or newer",
      );
    });

    it("probes each version with its opcodes and those before it, ending in STOP", () => {
      // By hand: CHAINID 46 POP 50 SELFBALANCE 47 POP 50 | BASEFEE 48 POP 50 | PUSH0 5f POP 50 |
      // PUSH0 TLOAD POP 5f5c50, PUSH0 PUSH0 TSTORE 5f5f5d, PUSH0 PUSH0 PUSH0 MCOPY 5f5f5f5e | STOP 00.
      expect(probeCode("berlin")).to.equal("0x4650475000");
      expect(probeCode("paris")).to.equal("0x465047504850" + "00");
      expect(probeCode("cancun")).to.equal("0x46504750" + "4850" + "5f50" + "5f5c505f5f5d5f5f5f5e" + "00");
    });
  });
});

async function expectBuildError(promise: Promise<unknown>, message: RegExp): Promise<EvmBuildError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(EvmBuildError);
    expect((error as Error).message).to.match(message);
    return error as EvmBuildError;
  }
  throw new Error("expected an EvmBuildError");
}

async function expectMissing(path: string): Promise<void> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  expect(exists, path).to.equal(false);
}

type AnvilConnection = NetworkConnection<"generic">;

/** Deploys a test contract compiled by compileForEvm. */
async function deployCompiled(compiled: { abi: unknown[]; bytecode: string }, signer: HardhatEthersSigner, args: unknown[] = []): Promise<Contract> {
  const contract = (await new ContractFactory(compiled.abi as never, compiled.bytecode, signer).deploy(...args)) as Contract;
  await contract.waitForDeployment();
  return contract;
}

/** The roles and parties the scenarios need (as test/helpers/ledger.ts gives them), on these contracts. */
async function withActors(connection: AnvilConnection, contracts: LedgerContracts): Promise<Ledger> {
  const [admin, registrar, reviewer, authority, arbitrator, settler, alice, bob, carol, institution, individual, outsider] = await firstSigners(connection.ethers, 12);
  await send(contracts.accessManager.connect(admin).grantRole(ROLE_IDS.REGISTRAR, registrar.address, 0));
  await send(contracts.accessManager.connect(admin).grantRole(ROLE_IDS.SETTLER, settler.address, 0));
  for (const account of [alice, bob]) await send(contracts.registry.connect(registrar).registerParty(account.address, PartyKind.ENTERPRISE, h(`profile:${account.address}`)));
  const actors = { admin, registrar, reviewer, authority, arbitrator, settler, alice, bob, carol, institution, individual, outsider };
  const { court, ...rest } = contracts;
  return { ...actors, actors, ...rest, disputeCourt: court };
}
