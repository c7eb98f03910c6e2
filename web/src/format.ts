/**
 * Formatting of the API's decimal strings. Amounts are uint256 and may exceed 2^53: everything here is
 * string and bigint arithmetic, never a floating-point number.
 */

const DIGITS = /^[0-9]+$/;

/** Groups the digits of a non-negative integer string: "1280000" → "1,280,000". */
export function groupDigits(digits: string, separator = ","): string {
  if (!DIGITS.test(digits)) throw new Error(`not a decimal integer: ${JSON.stringify(digits)}`);
  const trimmed = digits.replace(/^0+(?=\d)/, "");
  return trimmed.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * An amount in the token's smallest unit, shown with `decimals` fraction digits:
 * formatAmount("1280000", 2) → "12,800.00"; formatAmount("5", 2) → "0.05".
 */
export function formatAmount(amount: string, decimals = 0): string {
  if (!DIGITS.test(amount)) throw new Error(`not an amount: ${JSON.stringify(amount)}`);
  if (decimals === 0) return groupDigits(amount);
  const padded = amount.padStart(decimals + 1, "0");
  const whole = padded.slice(0, padded.length - decimals);
  return `${groupDigits(whole)}.${padded.slice(padded.length - decimals)}`;
}

/**
 * `numerator / denominator` as a percentage with `places` decimals, rounded down (a share is never shown
 * larger than it is): formatPercent(1n, 3n) → "33.33 %".
 */
export function formatPercent(numerator: bigint, denominator: bigint, places = 2): string {
  if (denominator <= 0n || numerator < 0n) throw new Error("a share needs a positive denominator and a non-negative numerator");
  return percentText((numerator * 100n * 10n ** BigInt(places)) / denominator, places);
}

/** A count of 1/10^places percent as text: percentText(3334n, 2) → "33.34 %". */
function percentText(scaled: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(places, "0");
  return places === 0 ? `${whole} %` : `${whole}.${fraction} %`;
}

/** An exact share: `numerator / denominator`. */
export interface Fraction {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/**
 * The parts of one whole as percentages with `places` decimals that add up to exactly 100 (a legend that
 * reads 99.99 % looks like money went missing). Largest remainder: every part is rounded down, then the
 * units still missing go one each to the parts that lost the most, the earlier part first on a tie. No part
 * is shown more than one unit from its exact value. apportionPercents([1/3, 1/3, 1/3]) → 33.34, 33.33, 33.33.
 */
export function apportionPercents(parts: readonly Fraction[], places = 2): string[] {
  for (const { numerator, denominator } of parts) {
    if (denominator <= 0n || numerator < 0n) throw new Error("a share needs a positive denominator and a non-negative numerator");
  }
  // Σ n/d = 1 ⇔ Σ n·(L/d) = L for L the product of the denominators (exact; the parts are few).
  const common = parts.reduce((product, part) => product * part.denominator, 1n);
  const sum = parts.reduce((total, part) => total + part.numerator * (common / part.denominator), 0n);
  if (sum !== common) throw new Error(`the shares add up to ${sum}/${common}, not to one whole`);
  const units = 100n * 10n ** BigInt(places);
  const floors = parts.map((part) => (part.numerator * units) / part.denominator);
  let missing = units - floors.reduce((total, floor) => total + floor, 0n);
  // Remainders as fractions of one unit, rem/d, compared across denominators by cross-multiplying.
  const remainders = parts.map((part, index) => ({ index, rem: (part.numerator * units) % part.denominator, d: part.denominator }));
  remainders.sort((a, b) => {
    const left = a.rem * b.d;
    const right = b.rem * a.d;
    return left > right ? -1 : left < right ? 1 : a.index - b.index;
  });
  for (const { index } of remainders) {
    if (missing === 0n) break;
    floors[index]! += 1n;
    missing -= 1n;
  }
  return floors.map((scaled) => percentText(scaled, places));
}

/** Shortens a hash or address for a table cell: 0x1234…abcd (the full value goes in a title). */
export function shortHex(value: string, keep = 6): string {
  return value.length <= 2 + keep * 2 + 1 ? value : `${value.slice(0, 2 + keep)}…${value.slice(-keep)}`;
}

/** Unix seconds (a decimal string) as a local date and time in the given language. */
export function formatTime(seconds: string, locale: string): string {
  if (!DIGITS.test(seconds)) return seconds;
  // Seconds since 1970 fit a double exactly for the next 285 million years.
  const date = new Date(Number(seconds) * 1000);
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}
