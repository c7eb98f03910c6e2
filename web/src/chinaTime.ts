/**
 * Dates as the policy documents and an accounting period count them: in China Standard Time (UTC+8, no
 * daylight saving), whatever the reader's own time zone — the catalog's dates and the holder's ledger's
 * period are the same for everyone.
 */

const CHINA_OFFSET_SECONDS = 8 * 3600;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Unix seconds (a decimal string) as the calendar date in UTC+8: "1767196800" → "2026-01-01". */
export function chinaDate(seconds: string): string {
  if (!/^[0-9]+$/.test(seconds)) return seconds;
  return new Date((Number(seconds) + CHINA_OFFSET_SECONDS) * 1000).toISOString().slice(0, 10);
}

/** Whether `text` is a calendar date written YYYY-MM-DD (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}
