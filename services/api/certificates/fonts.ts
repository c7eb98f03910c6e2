import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { inflateSync } from "node:zlib";

/**
 * The certificate's fonts: Noto Sans SC from the npm package @fontsource/noto-sans-sc, embedded in the PDF (no system
 * font, nothing downloaded). Its "chinese-simplified" file covers ASCII and the common Chinese characters; a character
 * outside it (a rare character in a party's name) comes from the numbered file of the package that covers it, found
 * through the `unicode-range`s the package's CSS lists per file. Font files are read once per process.
 */

export type FontWeight = 400 | 700;

export interface CertificateFont {
  /** The font's name in a PDF document (registered with pdfkit under it): the file's name. */
  name: string;
  /**
   * The font as plain OpenType (sfnt), decompressed from the package's WOFF once: fontkit inflates a WOFF table on
   * every read, which made a certificate take a minute.
   */
  bytes: Buffer;
  /** The code points the font maps to a glyph (its cmap). */
  codePoints: ReadonlySet<number>;
}

/** A stretch of text set in one font. */
export interface FontRun {
  font: CertificateFont;
  text: string;
}

const PACKAGE = "@fontsource/noto-sans-sc";

const require = createRequire(import.meta.url);
let packageDirectory: string | undefined;
function fontDirectory(): string {
  // Spelled out (not built from PACKAGE) so that knip sees the dependency.
  packageDirectory ??= dirname(require.resolve("@fontsource/noto-sans-sc/package.json"));
  return packageDirectory;
}

const loadedFonts = new Map<string, CertificateFont>();
function loadFont(fileName: string): CertificateFont {
  let font = loadedFonts.get(fileName);
  if (font === undefined) {
    const path = join(fontDirectory(), "files", fileName);
    const tables = woffTables(readFileSync(path), path);
    font = { name: fileName, bytes: sfnt(tables), codePoints: cmapCodePoints(tables, path) };
    loadedFonts.set(fileName, font);
  }
  return font;
}

/** The font most text is set in: the package's chinese-simplified file (CJK, ASCII, CJK punctuation). */
export function primaryFont(weight: FontWeight): CertificateFont {
  return loadFont(`noto-sans-sc-chinese-simplified-${weight}-normal.woff`);
}

interface FallbackFile {
  fileName: string;
  ranges: Array<readonly [number, number]>;
}

const fallbackFiles = new Map<FontWeight, FallbackFile[]>();
/** The package's other files for `weight` and the code points each covers, read from its `<weight>.css`. */
function fallbacks(weight: FontWeight): FallbackFile[] {
  let files = fallbackFiles.get(weight);
  if (files === undefined) {
    const css = readFileSync(join(fontDirectory(), `${weight}.css`), "utf8");
    files = [];
    for (const face of css.matchAll(/url\(\.\/files\/([\w-]+)\.woff2\)[^;]*;\s*unicode-range:\s*([^;]+);/g)) {
      const [, base, rangeList] = face;
      if (base === undefined || rangeList === undefined) continue;
      files.push({ fileName: `${base}.woff`, ranges: rangeList.split(",").map(parseUnicodeRange) });
    }
    if (files.length === 0) throw new Error(`${PACKAGE}/${weight}.css lists no unicode-range: the package's layout changed`);
    fallbackFiles.set(weight, files);
  }
  return files;
}

/** `U+4e00-4e0f` or `U+20` as inclusive bounds. */
function parseUnicodeRange(range: string): readonly [number, number] {
  const match = /^U\+([0-9a-f]+)(?:-([0-9a-f]+))?$/i.exec(range.trim());
  if (match?.[1] === undefined) throw new Error(`unreadable unicode-range "${range}" in ${PACKAGE}`);
  const low = Number.parseInt(match[1], 16);
  return [low, match[2] === undefined ? low : Number.parseInt(match[2], 16)];
}

/** The font that has a glyph for `codePoint`: the primary one, else the package file that covers it; undefined for none. */
function fontFor(codePoint: number, weight: FontWeight): CertificateFont | undefined {
  const primary = primaryFont(weight);
  if (primary.codePoints.has(codePoint)) return primary;
  for (const file of fallbacks(weight)) {
    if (!file.ranges.some(([low, high]) => codePoint >= low && codePoint <= high)) continue;
    const font = loadFont(file.fileName);
    if (font.codePoints.has(codePoint)) return font;
  }
  return undefined;
}

/**
 * `text` split into runs per font. Noto Sans SC has no glyph for some characters (CJK extensions B and later,
 * e.g. 𠀀 U+20000, and some of extension A, e.g. 䶮 U+4DAE): they are written as their code point, `<U+4DAE>`, so the
 * certificate says which character the ledger holds instead of printing an empty box. Line breaks and spaces stay
 * in the run around them.
 */
export function fontRuns(text: string, weight: FontWeight): FontRun[] {
  const runs: FontRun[] = [];
  const primary = primaryFont(weight);
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    const isLayout = character === "\n" || character === " ";
    const font = isLayout ? (runs.at(-1)?.font ?? primary) : fontFor(codePoint, weight);
    const [runFont, runText] = font === undefined ? [primary, `<U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}>`] : [font, character];
    const last = runs.at(-1);
    if (last !== undefined && last.font === runFont) last.text += runText;
    else runs.push({ font: runFont, text: runText });
  }
  return runs;
}

interface WoffTables {
  /** The sfnt version the WOFF wraps (TrueType 0x00010000 or "OTTO"). */
  flavor: number;
  /** Each table by tag, decompressed, in the WOFF's (ascending) order, with its checksum. */
  tables: Map<string, { data: Buffer; checksum: number }>;
}

/** A WOFF 1.0 file's tables, decompressed. */
function woffTables(woff: Buffer, path: string): WoffTables {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) throw new Error(`${path} is not a WOFF 1.0 font`);
  const tables = new Map<string, { data: Buffer; checksum: number }>();
  for (let index = 0; index < woff.readUInt16BE(12); index++) {
    const entry = 44 + index * 20;
    const offset = woff.readUInt32BE(entry + 4);
    const compressedLength = woff.readUInt32BE(entry + 8);
    const length = woff.readUInt32BE(entry + 12);
    const stored = woff.subarray(offset, offset + compressedLength);
    // WOFF stores a table uncompressed when zlib would not make it smaller.
    const data = compressedLength < length ? inflateSync(stored) : stored;
    if (data.length !== length) throw new Error(`${path}: a table inflates to ${data.length} bytes, not ${length}`);
    tables.set(woff.toString("latin1", entry, entry + 4), { data, checksum: woff.readUInt32BE(entry + 16) });
  }
  return { flavor: woff.readUInt32BE(4), tables };
}

/** The tables as an sfnt file: offset table, table records, then each table padded to four bytes. */
function sfnt({ flavor, tables }: WoffTables): Buffer {
  const count = tables.size;
  const searchPower = 2 ** Math.floor(Math.log2(count));
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(searchPower * 16, 6);
  header.writeUInt16BE(Math.log2(searchPower), 8);
  header.writeUInt16BE(count * 16 - searchPower * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  [...tables].forEach(([tag, { data, checksum }], index) => {
    const record = 12 + index * 16;
    header.write(tag, record, "latin1");
    header.writeUInt32BE(checksum, record + 4);
    header.writeUInt32BE(offset, record + 8);
    header.writeUInt32BE(data.length, record + 12);
    const padded = Buffer.alloc((data.length + 3) & ~3);
    data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

/**
 * The code points a font maps to a glyph other than .notdef: its `cmap` subtable for Unicode, format 12 (full
 * repertoire) where present, else format 4 (the basic multilingual plane).
 */
function cmapCodePoints({ tables }: WoffTables, path: string): Set<number> {
  const cmap = tables.get("cmap")?.data;
  if (cmap === undefined) throw new Error(`${path} has no cmap table`);

  const subtables = new Map<number, number>(); // format → offset of the first Unicode subtable in that format
  for (let index = 0; index < cmap.readUInt16BE(2); index++) {
    const record = 4 + index * 8;
    const platform = cmap.readUInt16BE(record);
    const encoding = cmap.readUInt16BE(record + 2);
    const isUnicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    const offset = cmap.readUInt32BE(record + 4);
    const format = cmap.readUInt16BE(offset);
    if (isUnicode && !subtables.has(format)) subtables.set(format, offset);
  }

  const codePoints = new Set<number>();
  const format12 = subtables.get(12);
  const format4 = subtables.get(4);
  if (format12 !== undefined) {
    const groupCount = cmap.readUInt32BE(format12 + 12);
    for (let group = 0; group < groupCount; group++) {
      const at = format12 + 16 + group * 12;
      const [first, last, firstGlyph] = [cmap.readUInt32BE(at), cmap.readUInt32BE(at + 4), cmap.readUInt32BE(at + 8)];
      for (let codePoint = first; codePoint <= last; codePoint++) if (firstGlyph + (codePoint - first) !== 0) codePoints.add(codePoint);
    }
  } else if (format4 !== undefined) {
    const segments = cmap.readUInt16BE(format4 + 6) / 2;
    const ends = format4 + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const rangeOffsets = deltas + segments * 2;
    for (let segment = 0; segment < segments; segment++) {
      const [start, end] = [cmap.readUInt16BE(starts + segment * 2), cmap.readUInt16BE(ends + segment * 2)];
      const delta = cmap.readInt16BE(deltas + segment * 2);
      const rangeOffsetAt = rangeOffsets + segment * 2;
      const rangeOffset = cmap.readUInt16BE(rangeOffsetAt);
      for (let codePoint = start; codePoint <= end && codePoint !== 0xffff; codePoint++) {
        // idRangeOffset counts bytes from its own position to the glyph index of `start` in glyphIdArray.
        const stored = rangeOffset === 0 ? codePoint : cmap.readUInt16BE(rangeOffsetAt + rangeOffset + (codePoint - start) * 2);
        const glyph = rangeOffset !== 0 && stored === 0 ? 0 : (stored + delta) & 0xffff;
        if (glyph !== 0) codePoints.add(codePoint);
      }
    }
  } else {
    throw new Error(`${path} has no Unicode cmap subtable in format 4 or 12`);
  }
  return codePoints;
}
