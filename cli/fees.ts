import type { PublicClient } from "viem";

/** What a transaction pays for gas, in the fields of its type. */
export type FeeFields = { type: "legacy"; gasPrice: bigint } | { type: "eip1559"; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

/**
 * The fee fields of the next transaction, decided here from the latest block rather than by the node. Left
 * unset, viem asks the node to fill them (`eth_fillTransaction`), and anvil fills a type-2 transaction with a
 * 1 gwei tip even on a Berlin chain, which has no such transactions, and on a free-gas chain, whose accounts
 * usually hold no ether.
 * - No base fee (a chain before London): a legacy transaction at the node's `eth_gasPrice`, zero on a free-gas chain.
 * - A base fee of zero: a free-gas chain (Besu's `zeroBaseFee`), where a tip buys nothing: no fee at all.
 * - Otherwise viem's estimate: the base fee with headroom, plus the node's suggested tip.
 */
export async function feeFields(client: PublicClient): Promise<FeeFields> {
  const block = await client.getBlock({ blockTag: "latest" });
  if (typeof block.baseFeePerGas !== "bigint") return { type: "legacy", gasPrice: await client.getGasPrice() };
  if (block.baseFeePerGas === 0n) return { type: "eip1559", maxFeePerGas: 0n, maxPriorityFeePerGas: 0n };
  const { maxFeePerGas, maxPriorityFeePerGas } = await client.estimateFeesPerGas({ type: "eip1559", chain: null });
  return { type: "eip1559", maxFeePerGas, maxPriorityFeePerGas };
}
