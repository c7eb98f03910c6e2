import { createPublicClient, erc20Abi, http, parseAbi, type Address } from "viem";

import type { ApiDeployment, SettlementToken } from "./context.js";

const vaultAbi = parseAbi(["function settlementToken() view returns (address)"]);

/**
 * The settlement token of a deployment, asked of the chain: the vault's token, and its `symbol()` and
 * `decimals()`. Undefined when the vault or the token does not answer (ERC-20 metadata is optional):
 * the API then says amounts are in the token's smallest unit.
 */
async function readSettlementToken(rpcUrl: string, vault: Address): Promise<SettlementToken | undefined> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 1, timeout: 10_000 }) });
  try {
    const address = await client.readContract({ address: vault, abi: vaultAbi, functionName: "settlementToken" });
    const [symbol, decimals] = await Promise.all([
      client.readContract({ address, abi: erc20Abi, functionName: "symbol" }),
      client.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
    ]);
    return { address, symbol, decimals };
  } catch {
    return undefined;
  }
}

/** What the API says of a deployment: its chain, its contracts by name, and the settlement token read from the chain. */
export async function apiDeployment(
  rpcUrl: string,
  chainId: number,
  contracts: readonly { name: string; address: string }[],
): Promise<ApiDeployment> {
  const byName = Object.fromEntries(contracts.map((c) => [c.name, c.address]));
  const vault = byName.RevenueVault;
  const settlementToken = vault === undefined ? undefined : await readSettlementToken(rpcUrl, vault as Address);
  return { chainId, contracts: byName, ...(settlementToken === undefined ? {} : { settlementToken }) };
}
