/**
 * Contribution ids: the TypeScript twin of `ContributionWindows` and `ContributionLedger.record`.
 *
 * An id is `window * 16 + offset` with `offset < 13`: one window holds up to 13 records of one contributor on
 * one product from one `record` call, in one storage slot. A call starts at the next unused window; each
 * input takes the next offset of the current window, or opens the next window when its product differs from
 * the previous input's or the window already has 13 records. Offsets 13-15 are never assigned, and window 0
 * is never used (id 0 names no contribution).
 */

/** Records per window. */
const WINDOW_SIZE = 13;
const SHIFT = 4n;
const OFFSET_MASK = 15n;

/** The first id of the window after the one `lastId` is in: the first id of the next `record` call, from `contributionCount()`. */
export function nextWindowStart(lastId: bigint): bigint {
  return ((lastId >> SHIFT) + 1n) << SHIFT;
}

/** Whether `id` can name a contribution at all (its offset is below 13, its window is not 0). */
export function isContributionId(id: bigint): boolean {
  return id > 0n && id >> SHIFT > 0n && (id & OFFSET_MASK) < BigInt(WINDOW_SIZE);
}

/**
 * The ids a `record` call assigns to inputs with the given products, in order, when its first id is
 * `firstId` (a multiple of 16: the `record` call's return value, or {@link nextWindowStart} of the ledger's
 * `contributionCount()` before the call).
 */
export function contributionIds(firstId: bigint, productIds: readonly bigint[]): bigint[] {
  if (firstId <= 0n || (firstId & OFFSET_MASK) !== 0n) throw new RangeError(`contributionIds: first id ${firstId} does not start a window`);
  const ids: bigint[] = [];
  let id = firstId;
  productIds.forEach((productId, i) => {
    if (i > 0) {
      const full = (id & OFFSET_MASK) === BigInt(WINDOW_SIZE - 1);
      id = productId !== productIds[i - 1] || full ? nextWindowStart(id) : id + 1n;
    }
    ids.push(id);
  });
  return ids;
}
