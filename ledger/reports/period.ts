/**
 * Accounting periods of a holder's ledger (台账): calendar days in China Standard Time (Asia/Shanghai,
 * UTC+8 all year: China keeps no daylight saving time), both ends inclusive, at most one year.
 */

const REPORT_TIME_ZONE = "Asia/Shanghai";
/** UTC+8 in seconds: Asia/Shanghai has had no other offset since 1991. */
const OFFSET_SECONDS = 8 * 3600;
const DAY_SECONDS = 86_400;
/** A leap year's days: a longer report is to be split. */
const MAX_PERIOD_DAYS = 366;

export interface ReportPeriod {
  from: string;
  to: string;
  timeZone: typeof REPORT_TIME_ZONE;
  /** Unix seconds of `from` 00:00 UTC+8 (inclusive). */
  start: bigint;
  /** Unix seconds of the day after `to`, 00:00 UTC+8 (exclusive). */
  end: bigint;
}

/** A period that cannot be reported: `field` names the query field (or "period" for the pair). */
export class PeriodError extends Error {
  override name = "PeriodError";
  constructor(
    readonly field: "from" | "to" | "period",
    message: string,
  ) {
    super(message);
  }
}

/** Days since 1970-01-01 of a calendar date `YYYY-MM-DD`; a PeriodError for anything else (2026-02-30 included). */
function dayNumber(field: "from" | "to", text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) throw new PeriodError(field, `${field} must be a date as YYYY-MM-DD, not ${JSON.stringify(text)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const millis = Date.UTC(year, month - 1, day);
  const back = new Date(millis);
  // Date.UTC rolls 02-30 over to 03-02: a date that does not come back unchanged is not on the calendar.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new PeriodError(field, `${field}: ${text} is not a calendar date`);
  }
  return millis / (DAY_SECONDS * 1000);
}

/** The period from `from` to `to` (calendar days in UTC+8, both inclusive). */
export function reportPeriod(from: string, to: string): ReportPeriod {
  const first = dayNumber("from", from);
  const last = dayNumber("to", to);
  if (first > last) throw new PeriodError("period", `the period is inverted: from ${from} is after to ${to}`);
  const days = last - first + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw new PeriodError("period", `the period has ${days} days: at most one year (${MAX_PERIOD_DAYS} days), split the report`);
  }
  return {
    from,
    to,
    timeZone: REPORT_TIME_ZONE,
    start: BigInt(first * DAY_SECONDS - OFFSET_SECONDS),
    end: BigInt((last + 1) * DAY_SECONDS - OFFSET_SECONDS),
  };
}

/** The calendar day (UTC+8) of a chain timestamp, YYYY-MM-DD. */
export function shanghaiDate(timestamp: bigint | string): string {
  return shanghaiTime(timestamp).slice(0, 10);
}

/**
 * The first day of the year that ends on `to`: the same day a year earlier, plus one (2027-01-05 → 2026-01-06;
 * 2028-02-29 → 2027-03-01). The default period of a report asked without `from`.
 */
export function yearEndingOn(to: string): string {
  const day = dayNumber("to", to);
  const date = new Date(day * DAY_SECONDS * 1000);
  const yearBefore = Date.UTC(date.getUTCFullYear() - 1, date.getUTCMonth(), date.getUTCDate());
  // Date.UTC rolls a 29 February of a year before into 1 March: then the year is 1 March to 29 February, 366 days.
  const rolled = new Date(yearBefore).getUTCDate() !== date.getUTCDate();
  return new Date(rolled ? yearBefore : yearBefore + DAY_SECONDS * 1000).toISOString().slice(0, 10);
}

/** Whether a chain timestamp (unix seconds) falls within the period. */
export function inPeriod(period: Pick<ReportPeriod, "start" | "end">, timestamp: bigint | string): boolean {
  const time = BigInt(timestamp);
  return time >= period.start && time < period.end;
}

/** A chain timestamp as ISO 8601 in UTC+8: `2026-03-01T09:30:00+08:00`. */
export function shanghaiTime(timestamp: bigint | string): string {
  const shifted = new Date((Number(BigInt(timestamp)) + OFFSET_SECONDS) * 1000).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}
