import { erc20Abi, formatUnits, type Address } from "viem";

import type { CliContext } from "./context.js";
import { InputError } from "./io.js";
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

/**
 * Checks `--units` (already an integer, see `parseDecimals`) against the settlement token, before anything is
 * sent: amounts are given either in the token's smallest unit (no `--units`, or 0) or as decimals of the
 * token (`--units` = its decimals). Any other value would scale the amount by a power of ten without a word
 * (12.50 with `--units 1` is 125 smallest units, 1.25 of a two-decimal token), so it is bad input (exit 2).
 */
export async function checkUnits(cli: CliContext, units: number, name = "--units"): Promise<void> {
  if (units === 0) return;
  const token = await settlementToken(cli);
  const label = token.symbol ?? "the settlement token";
  if (token.decimals === undefined) {
    throw new InputError(`${name}: ${label} (${token.address}) does not state its decimals: give the amount in its smallest unit, without ${name}`, {
      argument: name,
    });
  }
  if (units !== token.decimals) {
    const example = token.decimals === 0 ? "" : ` (${name} ${token.decimals}: 12.${"5".padEnd(token.decimals, "0")} ${label})`;
    throw new InputError(
      `${name}: ${label} has ${token.decimals} decimals, not ${units}: pass ${name} ${token.decimals} to give the amount as a decimal${example}, or omit ${name} to give it in the smallest unit`,
      { argument: name, tokenDecimals: token.decimals },
    );
  }
}
