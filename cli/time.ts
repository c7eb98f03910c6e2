/**
 * Moments and durations as people read them. The chain counts unix seconds; the CLI prints a moment as an
 * ISO 8601 date in UTC (`2026-01-08T10:00:00Z`, which `--until`, `--to` and the other date options accept
 * back), and how far it is from the chain's clock (`in 6 days 23 hours`), never the raw seconds.
 */

const UNITS = [
  ["week", 604_800],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
] as const;

/** `2026-01-08T10:00:00Z`: a unix time in seconds as an ISO 8601 date in UTC (whole seconds). */
export function isoDate(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * "6 days 23 hours": a duration in its two largest units (weeks are left to days, which people count
 * notice periods in), rounded down; "0 seconds" for none.
 */
export function formatDuration(seconds: bigint | number): string {
  let rest = Math.max(0, Math.floor(Number(seconds)));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (unit === "week") continue;
    const count = Math.floor(rest / size);
    if (count === 0) continue;
    parts.push(`${count} ${unit}${count === 1 ? "" : "s"}`);
    rest -= count * size;
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? "0 seconds" : parts.join(" ");
}

/**
 * "2026-01-08T10:00:00Z (in 6 days 23 hours)" or "(2 hours ago)": a moment and its distance from `now`,
 * the chain's clock; just the date when the chain's clock is unknown.
 */
export function dateFromNow(at: bigint | number, now: bigint | number | undefined): string {
  if (now === undefined) return isoDate(at);
  const delta = Number(at) - Number(now);
  if (delta === 0) return `${isoDate(at)} (now)`;
  return `${isoDate(at)} (${delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`})`;
}

/** Duration units for {@link parseDurationText}: `w`, `d`, `h`, `m`, `s`. */
export const DURATION_UNITS: Readonly<Record<string, number>> = Object.fromEntries(UNITS.map(([unit, size]) => [unit[0]!, size]));
