import type { Address } from "viem";

import type { Reducer } from "../types.js";

/**
 * ERC-20 balances, allowances, supply and transfer counts from Transfer and Approval events, for any
 * configured token contract. Small, but it reads, writes and deletes state on every event, so it
 * exercises everything the engine must undo; the indexer tests use it on the project's TestToken.
 *
 * State keys: `erc20/<token>/balance/<holder>`, `erc20/<token>/allowance/<owner>/<spender>`,
 * `erc20/<token>/supply`, `erc20/<token>/transfers` (decimal strings; zero balances are deleted).
 *
 * Exported as `reducer`, the name `services/node/main.ts --reducer` loads.
 */
export const reducer: Reducer = (event, tx) => {
  const token = event.address;
  if (event.eventName === "Transfer") {
    const { from, to, value } = event.args as { from: Address; to: Address; value: bigint };
    const zero = "0x0000000000000000000000000000000000000000";
    if (from.toLowerCase() === zero) add(`erc20/${token}/supply`, value);
    else add(`erc20/${token}/balance/${from.toLowerCase()}`, -value);
    if (to.toLowerCase() === zero) add(`erc20/${token}/supply`, -value);
    else add(`erc20/${token}/balance/${to.toLowerCase()}`, value);
    add(`erc20/${token}/transfers`, 1n);
  } else if (event.eventName === "Approval") {
    const { owner, spender, value } = event.args as { owner: Address; spender: Address; value: bigint };
    const key = `erc20/${token}/allowance/${owner.toLowerCase()}/${spender.toLowerCase()}`;
    if (value === 0n) tx.del(key);
    else tx.put(key, value.toString());
  }

  function add(key: string, delta: bigint) {
    const next = BigInt(tx.get(key) ?? "0") + delta;
    if (next < 0n) throw new Error(`${key} would go negative`);
    if (next === 0n) tx.del(key);
    else tx.put(key, next.toString());
  }
};
