import { erc20Abi, formatUnits, type Address } from "viem";

import type { CliContext } from "./context.js";
import { ABIS } from "./tx.js";

/** The settlement token (revenue and dispute bonds), and how it describes itself when it does. */
export interface SettlementToken {
  address: Address;
  symbol?: string;
  decimals?: number;
}

const known = new WeakMap<CliContext, Promise<SettlementToken>>();

/** The vault's settlement token (the court's bond token is the same), asked once per run. */
export function settlementToken(cli: CliContext): Promise<SettlementToken> {
  let token = known.get(cli);
  if (token === undefined) {
    token = (async () => {
      const { client, deployment } = await cli.connection();
      const address = (await client.readContract({ address: deployment.addresses.RevenueVault, abi: ABIS.RevenueVault, functionName: "settlementToken" })) as Address;
      try {
        const [symbol, decimals] = await Promise.all([
          client.readContract({ address, abi: erc20Abi, functionName: "symbol" }),
          client.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
        ]);
        return { address, symbol, decimals };
      } catch {
        // A token without symbol() or decimals(): amounts in its smallest unit only.
        return { address };
      }
    })();
    known.set(cli, token);
  }
  return token;
}

/** "10000 (100.00 LTY)": the smallest units, and the decimal amount when the token says its decimals. */
export function formatToken(amount: bigint, token: SettlementToken): string {
  if (token.decimals === undefined) return `${amount}`;
  const decimal = formatUnits(amount, token.decimals);
  const [whole, fraction = ""] = decimal.split(".");
  const padded = token.decimals === 0 ? whole! : `${whole}.${fraction.padEnd(Math.min(token.decimals, 2), "0")}`;
  return `${amount} (${padded}${token.symbol === undefined ? "" : ` ${token.symbol}`})`;
}
