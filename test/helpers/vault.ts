import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, keccak256 as ethersKeccak256, toUtf8Bytes } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { bytesToHex, hexToBytes, type Hex } from "viem";

import { ROLE_IDS } from "../../ledger/roles.js";
import { CHALLENGE_WINDOW, deployLedger, type Ledger } from "./ledger.js";
import type { RevenueVault } from "../../types/ethers-contracts/index.js";

type Connection = NetworkConnection<"generic">;

/** The challenge window of the ledger's vault as `deployLedger` deploys it: three days. */
export { CHALLENGE_WINDOW };

/** The leaf types of an allocation tree, as `IRevenueVault` verifies them. */
export const LEAF_TYPES = ["uint256", "address", "uint256"] as const;

/** `EpochStatus` by value (the contracts' enum, twinned in ledger/types.ts). */
export { EpochStatus } from "../../ledger/types.js";

/** One party's share of an epoch. */
export interface Allocation {
  account: string;
  amount: bigint;
}

/** A leaf to claim, as `IRevenueVault.Claim`. */
export interface ClaimInput {
  epochId: bigint;
  index: bigint;
  account: string;
  amount: bigint;
  proof: string[];
}

export interface VaultLedger extends Ledger {
  /** Holds COURT, the role of the future dispute court contract. */
  court: HardhatEthersSigner;
  /** A customer who pays for products: no role, not a party. */
  payer: HardhatEthersSigner;
}

/**
 * {deployLedger} — whose Ignition module deploys the RevenueVault over a TestToken ("Ledger Test Yuan",
 * 2 decimals) with a {CHALLENGE_WINDOW}, and makes it an evidence writer — plus a dedicated signer
 * holding COURT and a payer.
 */
export async function deployVault(connection: Connection): Promise<VaultLedger> {
  const ledger = await deployLedger(connection);
  const signers = await connection.ethers.getSigners();
  // deployLedger takes the first twelve signers.
  const court = signers[12]!;
  const payer = signers[13]!;
  await (await ledger.accessManager.connect(ledger.admin).grantRole(ROLE_IDS.COURT, court.address, 0)).wait();
  return { ...ledger, court, payer };
}

/** Another vault of the same ledger, over `tokenAddress`, allowed to write evidence. */
export async function deployVaultFor(
  connection: Connection,
  ledger: Ledger,
  tokenAddress: string,
  challengeWindow: bigint = CHALLENGE_WINDOW,
): Promise<RevenueVault> {
  const vault = (await connection.ethers.deployContract("RevenueVault", [
    await ledger.accessManager.getAddress(),
    await ledger.registry.getAddress(),
    await ledger.contributions.getAddress(),
    tokenAddress,
    challengeWindow,
  ])) as unknown as RevenueVault;
  await (await ledger.registry.connect(ledger.admin).setEvidenceWriter(await vault.getAddress(), true)).wait();
  return vault;
}

/** `bytes12(keccak256("provenance-ledger.escrow"))`: the top 96 bits of every escrow account. */
export const ESCROW_TAG = ethersKeccak256(toUtf8Bytes("provenance-ledger.escrow")).slice(0, 2 + 24);

/**
 * The account of dispute `disputeId`'s escrow leaf, `address(TAG << 64 | disputeId)`: the twin of
 * `RevenueVault.escrowAccount` (`EscrowAccounts.account`), computed independently.
 */
export function escrowAccount(disputeId: bigint): string {
  if (disputeId < 0n || disputeId >= 1n << 64n) throw new Error(`dispute id ${disputeId} does not fit 64 bits`);
  return getAddress(ESCROW_TAG + disputeId.toString(16).padStart(16, "0"));
}

/** An allocation as a Merkle tree whose leaf `i` is `(i, account, amount)`. */
export class AllocationTree {
  readonly tree: StandardMerkleTree<[bigint, string, bigint]>;

  constructor(readonly allocations: readonly Allocation[]) {
    this.tree = StandardMerkleTree.of(
      allocations.map((a, i): [bigint, string, bigint] => [BigInt(i), a.account, a.amount]),
      [...LEAF_TYPES],
    );
  }

  get root(): string {
    return this.tree.root;
  }

  /** The sum of the leaves: what a correct settlement of this tree posts. */
  get total(): bigint {
    return this.allocations.reduce((sum, a) => sum + a.amount, 0n);
  }

  /** Leaf `index` of epoch `epochId`, with its proof. */
  claim(epochId: bigint, index: number): ClaimInput {
    const allocation = this.allocations[index];
    if (allocation === undefined) throw new Error(`no leaf ${index}`);
    return {
      epochId,
      index: BigInt(index),
      account: allocation.account,
      amount: allocation.amount,
      proof: this.tree.getProof(index),
    };
  }
}

// ------------------------------------------------------------------------------------------------
// Large trees
// ------------------------------------------------------------------------------------------------

/**
 * The hashing of {FastStandardTree}, run in worker threads: plain CommonJS evaluated as a worker, with
 * viem's keccak256, over shared buffers. A task hashes leaves `from..to` (the double hash of their 96-byte
 * encodings) or inner nodes `from..to` (the sorted pair of their children).
 */
const TREE_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { keccak256 } = require(workerData.viem);
const encoded = new Uint8Array(workerData.encoded);
const leafHashes = new Uint8Array(workerData.leafHashes);
const nodes = new Uint8Array(workerData.nodes);
const compare = (a, b) => { for (let k = 0; k < 32; k++) if (a[k] !== b[k]) return a[k] - b[k]; return 0; };
const pair = new Uint8Array(64);
parentPort.on("message", ({ kind, from, to }) => {
  if (kind === "leaves") {
    for (let i = from; i < to; i++) {
      leafHashes.set(keccak256(keccak256(encoded.subarray(i * 96, i * 96 + 96), "bytes"), "bytes"), i * 32);
    }
  } else {
    for (let i = from; i < to; i++) {
      const left = nodes.subarray((2 * i + 1) * 32, (2 * i + 2) * 32);
      const right = nodes.subarray((2 * i + 2) * 32, (2 * i + 3) * 32);
      const leftFirst = compare(left, right) <= 0;
      pair.set(leftFirst ? left : right, 0);
      pair.set(leftFirst ? right : left, 32);
      nodes.set(keccak256(pair, "bytes"), i * 32);
    }
  }
  parentPort.postMessage(null);
});
`;

type LeafValue = readonly [bigint, string, bigint];

/**
 * The same tree as `StandardMerkleTree.of(values, ["uint256", "address", "uint256"])` — leaves
 * `keccak256(keccak256(abi.encode(value)))` sorted by hash, laid out as OpenZeppelin's array tree (the
 * sorted leaves at the end in reverse order; node `i` hashes the sorted pair of nodes `2i+1` and `2i+2`)
 * — with viem's keccak256 in one worker thread per core: a million leaves take seconds rather than the
 * library's minutes. The test of the vault checks it against StandardMerkleTree on small trees.
 */
export class FastStandardTree {
  private constructor(
    /** Node `i` at bytes `32i .. 32i+32`. */
    private readonly nodes: Uint8Array,
    /** Tree index of the leaf of value `i`. */
    private readonly treeIndexOf: Uint32Array,
  ) {}

  static async build(
    values: readonly LeafValue[],
    threads: number = Math.max(1, availableParallelism()),
  ): Promise<FastStandardTree> {
    const n = values.length;
    if (n === 0) throw new Error("a tree needs a leaf");
    const size = 2 * n - 1;
    const encoded = new SharedArrayBuffer(n * 96);
    const leafHashes = new SharedArrayBuffer(n * 32);
    const nodesBuffer = new SharedArrayBuffer(size * 32);
    const encodedBytes = new Uint8Array(encoded);
    for (let i = 0; i < n; i += 1) {
      const [index, account, amount] = values[i]!;
      encodedBytes.set(hexToBytes(toWord(index)), i * 96);
      encodedBytes.set(hexToBytes(account as Hex), i * 96 + 44);
      encodedBytes.set(hexToBytes(toWord(amount)), i * 96 + 64);
    }

    const workerData = { viem: createRequire(import.meta.url).resolve("viem"), encoded, leafHashes, nodes: nodesBuffer };
    const workers = Array.from({ length: threads }, () => new Worker(TREE_WORKER, { eval: true, workerData }));
    /** Runs tasks `from..to` of `kind`, split evenly over the workers. */
    const run = async (kind: "leaves" | "nodes", from: number, to: number): Promise<void> => {
      const chunk = Math.ceil((to - from) / workers.length);
      await Promise.all(
        workers.map((worker, w) => {
          const start = from + w * chunk;
          const end = Math.min(to, start + chunk);
          if (start >= end) return Promise.resolve();
          return new Promise<void>((resolve, reject) => {
            const onError = (error: Error): void => reject(error);
            worker.once("error", onError);
            worker.once("message", () => {
              worker.off("error", onError);
              resolve();
            });
            worker.postMessage({ kind, from: start, to: end });
          });
        }),
      );
    };
    try {
      await run("leaves", 0, n);
      const hashes = Buffer.from(leafHashes);
      const order = Array.from({ length: n }, (_, i) => i);
      const views = order.map((i) => hashes.subarray(i * 32, i * 32 + 32));
      order.sort((a, b) => Buffer.compare(views[a]!, views[b]!));

      const nodes = new Uint8Array(nodesBuffer);
      const treeIndexOf = new Uint32Array(n);
      for (let leaf = 0; leaf < n; leaf += 1) {
        const treeIndex = size - 1 - leaf;
        nodes.set(views[order[leaf]!]!, treeIndex * 32);
        treeIndexOf[order[leaf]!] = treeIndex;
      }
      // Inner nodes 0 .. n-2, by depth from the deepest: node i at depth d lies in [2^d - 1, 2^(d+1) - 2],
      // and its children are one level deeper, so the nodes of one depth can be hashed in parallel.
      const innerCount = n - 1;
      let depth = 0;
      while (2 ** (depth + 1) - 1 < innerCount) depth += 1;
      for (; depth >= 0 && innerCount > 0; depth -= 1) {
        await run("nodes", 2 ** depth - 1, Math.min(2 ** (depth + 1) - 1, innerCount));
      }
      return new FastStandardTree(nodes, treeIndexOf);
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  }

  get root(): string {
    return bytesToHex(this.node(0));
  }

  /** The proof of the leaf of value `valueIndex`, as StandardMerkleTree's `getProof(valueIndex)`. */
  getProof(valueIndex: number): string[] {
    const treeIndex = this.treeIndexOf[valueIndex];
    if (treeIndex === undefined) throw new Error(`no leaf ${valueIndex}`);
    const proof: string[] = [];
    let index = treeIndex;
    while (index > 0) {
      proof.push(bytesToHex(this.node(index % 2 === 1 ? index + 1 : index - 1)));
      index = Math.floor((index - 1) / 2);
    }
    return proof;
  }

  private node(i: number): Uint8Array {
    return this.nodes.subarray(i * 32, i * 32 + 32);
  }
}

function toWord(value: bigint): Hex {
  return `0x${value.toString(16).padStart(64, "0")}`;
}
