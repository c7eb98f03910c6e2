/**
 * CSV as RFC 4180 has it (CRLF line ends, a field quoted when it holds a comma, a quote or a line break,
 * quotes doubled), UTF-8 with a byte-order mark: without it, Excel reads UTF-8 as the system code page and
 * Chinese headers come out garbled.
 */

const BOM = "\uFEFF";

/**
 * A text a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return first: OWASP's "CSV
 * injection"), written with a leading apostrophe so that it stays text. Card names and references are the
 * applicants' and payers' own words; a catalog opened in Excel must not run them. Amounts, ids, addresses and
 * dates never start so.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function field(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The rows as one CSV document's bytes. */
export function csvBytes(rows: readonly (readonly string[])[]): Uint8Array {
  return new TextEncoder().encode(BOM + rows.map((row) => `${row.map(field).join(",")}\r\n`).join(""));
}

/** A header cell: Chinese, then English, in one cell ("登记编号 Registration No."). */
export const bilingual = (label: { zh: string; en: string }) => `${label.zh} ${label.en}`;
