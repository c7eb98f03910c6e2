import { bytesToHex, encodeAbiParameters, keccak256, maxUint256, type Hex } from "viem";

import { writeAddress, writeUint256 } from "../encoding/address.js";
import { checkCredits } from "./credit.js";
import { SplitError } from "./errors.js";
import { Keccak256Stream } from "../encoding/keccak.js";
import { loadLineage, type CheckedContext, type LineageNode } from "./lineage.js";
import type { CreditedSplitInput } from "./types.js";

/**
 * The hash of everything a split used, for `IRevenueVault.settle`'s `inputsHash`: anyone holding the same
 * data recomputes it with plain `abi.encode` and `keccak256` (Solidity, viem, ethers), whatever order the
 * contributions, parents, licensors and credits were read in:
 *
 * ```
 * splitInputsHash   = keccak256(abi.encode(string "provenance-ledger.split-inputs.v1", uint256 amount,
 *                                          bytes32 contextHash(product)
 *                                          [, bytes32 creditsHash]))        // only with credits
 * contextHash(c)    = keccak256(abi.encode(uint256 c.assetId, uint32 c.policy.version,
 *                                          uint16[4] c.policy.stageWeightsBps,
 *                                          uint8 emptyStageRule,          // TO_HOLDER 0, PRO_RATA 1
 *                                          address c.holder,
 *                                          bytes32 contributionsHash(c), bytes32 parentsHash(c)
 *                                          [, bytes32 licensorsHash(c)])) // only if c has licensors
 * contributionsHash = keccak256(abi.encode(Contribution[] contributions))   // by id ascending
 *   Contribution    = (uint256 id, address contributor, uint8 stage, uint256 measure,
 *                      bool disputed, uint256 disputeId)                    // disputeId 0 when not disputed
 * parentsHash       = keccak256(abi.encode(Parent[] parents))  // by assetId, then royaltyBps, ascending
 *   Parent          = (uint256 assetId, uint16 royaltyBps, bytes32 contextHash(parent))
 * licensorsHash     = keccak256(abi.encode(Licensor[] licensors))  // every parent's, ascending by all fields
 *   Licensor        = (uint256 parentAssetId, uint256 grantId, address account, uint16 royaltyBps)
 * creditsHash       = keccak256(abi.encode(Credit[] credits))      // by account ascending
 *   Credit          = (address account, uint256 amount)
 * ```
 *
 * `royaltyBps` of a parent is its root grant's royalty; the sub-grants of its chain are its licensors
 * (royalties stack, see `split.ts`). The optional words are present only when their lists are not empty,
 * so a split without licensors or credits hashes as it always did. `amount` is what the settlement pays
 * out; with credits the split is of `amount + Σ credits` ({@link creditedAllocation}).
 *
 * `abi.encode` of one dynamic array is its offset (0x20), its length, then its elements, each static
 * tuple 32 bytes per field. The contexts are the resolver's, for every asset of the lineage (a parent
 * with a royalty of 0 included); an ancestor reached by several paths has one context hash, used in
 * each of its children's `parentsHash`. The input is validated as {@link creditedAllocation} validates it.
 */
const SPLIT_INPUTS_DOMAIN = "provenance-ledger.split-inputs.v1";

const CONTRIBUTION_BYTES = 6 * 32;

export function splitInputsHash({ amount, context, resolveParent, credits }: CreditedSplitInput): Hex {
  if (typeof amount !== "bigint" || amount <= 0n || amount > maxUint256) {
    throw new SplitError("INVALID_AMOUNT", `the amount to split must be a positive uint256: ${String(amount)}`, { amount });
  }
  const checkedCredits = checkCredits(credits);
  let creditTotal = 0n;
  for (const credit of checkedCredits) creditTotal += credit.amount;
  if (amount + creditTotal > maxUint256) {
    throw new SplitError("INVALID_AMOUNT", `the amount plus the credits is not a uint256: ${amount} + ${creditTotal}`, {
      amount,
      credits: creditTotal,
    });
  }
  const lineage = loadLineage(context, resolveParent);
  const hashes = new Map<LineageNode, Hex>();
  const contextHash = (node: LineageNode): Hex => {
    const known = hashes.get(node);
    if (known !== undefined) return known;
    const c = node.context;
    const parentsHash = keccak256(
      encodeAbiParameters(
        [
          {
            type: "tuple[]",
            components: [
              { name: "assetId", type: "uint256" },
              { name: "royaltyBps", type: "uint16" },
              { name: "contextHash", type: "bytes32" },
            ],
          },
        ],
        [node.parents.map((p) => ({ assetId: p.node.context.assetId, royaltyBps: p.royaltyBps, contextHash: contextHash(p.node) }))],
      ),
    );
    const fields = [c.assetId, c.policyVersion, c.stageWeightsBps, c.emptyStageRule, c.holder, contributionsHash(c), parentsHash] as const;
    const licensors = licensorsHash(c);
    const hash = keccak256(
      licensors === undefined
        ? encodeAbiParameters(CONTEXT_FIELDS, fields)
        : encodeAbiParameters([...CONTEXT_FIELDS, { type: "bytes32" }], [...fields, licensors]),
    );
    hashes.set(node, hash);
    return hash;
  };
  const head = [SPLIT_INPUTS_DOMAIN, amount, contextHash(lineage)] as const;
  if (checkedCredits.length === 0) return keccak256(encodeAbiParameters(HEAD_FIELDS, head));
  const creditsHash = keccak256(
    encodeAbiParameters(
      [{ type: "tuple[]", components: [{ name: "account", type: "address" }, { name: "amount", type: "uint256" }] }],
      [checkedCredits],
    ),
  );
  return keccak256(encodeAbiParameters([...HEAD_FIELDS, { type: "bytes32" }], [...head, creditsHash]));
}

const HEAD_FIELDS = [{ type: "string" }, { type: "uint256" }, { type: "bytes32" }] as const;
const CONTEXT_FIELDS = [
  { type: "uint256" },
  { type: "uint32" },
  { type: "uint16[4]" },
  { type: "uint8" },
  { type: "address" },
  { type: "bytes32" },
  { type: "bytes32" },
] as const;

/** keccak256(abi.encode(Licensor[])) of every parent's licensors, ascending; `undefined` for none. */
function licensorsHash({ parents }: CheckedContext): Hex | undefined {
  const rows: { parentAssetId: bigint; grantId: bigint; account: Hex; royaltyBps: number }[] = [];
  for (const parent of parents) {
    for (const l of parent.licensors) rows.push({ parentAssetId: parent.assetId, grantId: l.grantId, account: l.account, royaltyBps: l.royaltyBps });
  }
  if (rows.length === 0) return undefined;
  const compare = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort(
    (a, b) =>
      compare(a.parentAssetId, b.parentAssetId) ||
      compare(a.grantId, b.grantId) ||
      (a.account < b.account ? -1 : a.account > b.account ? 1 : 0) ||
      a.royaltyBps - b.royaltyBps,
  );
  return keccak256(
    encodeAbiParameters(
      [
        {
          type: "tuple[]",
          components: [
            { name: "parentAssetId", type: "uint256" },
            { name: "grantId", type: "uint256" },
            { name: "account", type: "address" },
            { name: "royaltyBps", type: "uint16" },
          ],
        },
      ],
      [rows],
    ),
  );
}

/**
 * keccak256(abi.encode(Contribution[])) of a context's contributions by id, streamed: a million
 * contributions would be 192 MB of encoding at once.
 */
function contributionsHash({ contributions, contributors }: CheckedContext): Hex {
  const n = contributions.length;
  const order = Array.from({ length: n }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < n && sorted; i += 1) sorted = contributions[i - 1]!.id < contributions[i]!.id;
  if (!sorted) order.sort((a, b) => (contributions[a]!.id < contributions[b]!.id ? -1 : 1)); // ids are unique

  const stream = new Keccak256Stream();
  const head = new Uint8Array(64);
  const headView = new DataView(head.buffer);
  writeUint256(headView, 0, 0x20n);
  writeUint256(headView, 32, BigInt(n));
  stream.update(head);
  // The elements, 256 at a time.
  const chunk = new Uint8Array(256 * CONTRIBUTION_BYTES);
  const view = new DataView(chunk.buffer);
  for (let start = 0; start < n; start += 256) {
    const end = Math.min(n, start + 256);
    for (let k = start; k < end; k += 1) {
      const i = order[k]!;
      const c = contributions[i]!;
      const at = (k - start) * CONTRIBUTION_BYTES;
      writeUint256(view, at, c.id);
      writeUint256(view, at + 32, 0n);
      writeAddress(chunk, at + 44, contributors[i]!);
      writeUint256(view, at + 64, BigInt(c.stage));
      writeUint256(view, at + 96, c.measure);
      writeUint256(view, at + 128, c.disputeId === undefined ? 0n : 1n);
      writeUint256(view, at + 160, c.disputeId ?? 0n);
    }
    stream.update(chunk.subarray(0, (end - start) * CONTRIBUTION_BYTES));
  }
  return bytesToHex(stream.digest());
}
