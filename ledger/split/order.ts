/**
 * Sorting a million items quickly. Items with a 32-bit leading key (the first 32 bits of an account or of
 * a hash) sort as doubles `key · 2^21 + position`: one typed-array sort, no comparator calls. Items that
 * share their leading key (a hundred pairs in a million random ones) end up adjacent, in position order,
 * and are then ordered by the full comparison.
 */

const INDEX_BITS = 21;

/**
 * Positions `0 … n-1` by `leading` (a uint32 per position) ascending, then by `compare`. Stable when
 * `compare` ends with the positions. Above 2^`indexBits` positions (the doubles would not be exact), a
 * plain comparison sort.
 */
export function sortByLeadingKey(
  leading: Uint32Array,
  compare: (a: number, b: number) => number,
  indexBits: number = INDEX_BITS,
): Uint32Array {
  const n = leading.length;
  const range = 2 ** indexBits;
  const order = new Uint32Array(n);
  if (n > range) {
    for (let i = 0; i < n; i += 1) order[i] = i;
    return order.sort((a, b) => leading[a]! - leading[b]! || compare(a, b));
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i += 1) keys[i] = leading[i]! * range + i;
  keys.sort();
  for (let i = 0; i < n; i += 1) order[i] = keys[i]! % range;
  let start = 0;
  for (let i = 1; i <= n; i += 1) {
    if (i < n && leading[order[i]!] === leading[order[start]!]) continue;
    if (i - start > 1) order.subarray(start, i).sort(compare);
    start = i;
  }
  return order;
}

const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 10; i += 1) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i += 1) NIBBLE[0x61 + i] = 10 + i;

/** Positions of accounts by account ascending, and where an account repeats. */
export interface AccountOrder {
  /** Positions in `accounts`, by account ascending, equal accounts by position (a stable sort). */
  order: Uint32Array;
  /** 1 at `k` when `accounts[order[k]]` equals `accounts[order[k - 1]]`. */
  repeats: Uint8Array;
}

/**
 * Sorts `accounts`: lower-case hex addresses, whose order as strings is their order as numbers (their
 * first 8 digits are the leading key).
 */
export function sortByAccount(accounts: readonly string[], indexBits: number = INDEX_BITS): AccountOrder {
  const n = accounts.length;
  const leading = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) {
    const account = accounts[i]!;
    let value = 0;
    for (let c = 2; c < 10; c += 1) value = value * 16 + NIBBLE[account.charCodeAt(c)]!;
    leading[i] = value;
  }
  const order = sortByLeadingKey(
    leading,
    (a, b) => {
      const x = accounts[a]!;
      const y = accounts[b]!;
      return x < y ? -1 : x > y ? 1 : a - b;
    },
    indexBits,
  );
  // Repeats can only be among equal leading keys.
  const repeats = new Uint8Array(n);
  for (let k = 1; k < n; k += 1) {
    if (leading[order[k]!] === leading[order[k - 1]!] && accounts[order[k]!] === accounts[order[k - 1]!]) repeats[k] = 1;
  }
  return { order, repeats };
}
