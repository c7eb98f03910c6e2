/**
 * Sorting a million accounts quickly. Accounts are lower-case hex addresses of one length, so their order
 * as strings is their order as numbers, and their first 32 bits, times 2^21, plus their position, is a
 * double that sorts natively (a typed-array sort, no comparator calls). Accounts that share their first
 * 32 bits (a few dozen pairs in a million) end up adjacent and are then ordered by the full string.
 */

const INDEX_RANGE = 2 ** 21;

const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 10; i += 1) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i += 1) NIBBLE[0x61 + i] = 10 + i;

function leading32(account: string): number {
  let value = 0;
  for (let i = 2; i < 10; i += 1) value = value * 16 + NIBBLE[account.charCodeAt(i)]!;
  return value;
}

/** Positions of accounts by account ascending, and where an account repeats. */
export interface AccountOrder {
  /** Positions in `accounts`, by account ascending, equal accounts by position (a stable sort). */
  order: Uint32Array;
  /** 1 at `k` when `accounts[order[k]]` equals `accounts[order[k - 1]]`. */
  repeats: Uint8Array;
}

/** Sorts `accounts` (lower-case hex, all of one length). */
export function sortByAccount(accounts: readonly string[]): AccountOrder {
  const n = accounts.length;
  const order = new Uint32Array(n);
  const repeats = new Uint8Array(n);
  const byAccount = (a: number, b: number): number => {
    const x = accounts[a]!;
    const y = accounts[b]!;
    return x < y ? -1 : x > y ? 1 : a - b;
  };
  if (n > INDEX_RANGE) {
    for (let i = 0; i < n; i += 1) order[i] = i;
    order.sort(byAccount);
    for (let k = 1; k < n; k += 1) if (accounts[order[k]!] === accounts[order[k - 1]!]) repeats[k] = 1;
    return { order, repeats };
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i += 1) keys[i] = leading32(accounts[i]!) * INDEX_RANGE + i;
  keys.sort();
  for (let i = 0; i < n; i += 1) order[i] = keys[i]! % INDEX_RANGE;
  // Runs sharing their first 32 bits: ordered by the whole account, where repeats can only be.
  let start = 0;
  for (let i = 1; i <= n; i += 1) {
    if (i < n && Math.floor(keys[i]! / INDEX_RANGE) === Math.floor(keys[start]! / INDEX_RANGE)) continue;
    if (i - start > 1) {
      order.subarray(start, i).sort(byAccount);
      for (let k = start + 1; k < i; k += 1) if (accounts[order[k]!] === accounts[order[k - 1]!]) repeats[k] = 1;
    }
    start = i;
  }
  return { order, repeats };
}
