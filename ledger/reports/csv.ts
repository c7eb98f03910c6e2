/**
 * CSV as RFC 4180 has it (CRLF line ends, a field quoted when it holds a comma, a quote or a line break,
 * quotes doubled), UTF-8 with a byte-order mark: without it, Excel reads UTF-8 as the system code page and
 * Chinese headers come out garbled.
 */

const BOM = "\uFEFF";

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The rows as one CSV document's bytes. */
export function csvBytes(rows: readonly (readonly string[])[]): Uint8Array {
  return new TextEncoder().encode(BOM + rows.map((row) => `${row.map(field).join(",")}\r\n`).join(""));
}

/** A header cell: Chinese, then English, in one cell ("登记编号 Registration No."). */
export const bilingual = (label: { zh: string; en: string }) => `${label.zh} ${label.en}`;
