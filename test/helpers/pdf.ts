import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

// jsqr is CommonJS with the function as module.exports and as its `default`; its types declare only the latter.
import jsqr from "jsqr";

/**
 * Reading PDFs in tests with Debian's poppler-utils (pdftotext, pdfinfo, pdftoppm, pdffonts) and a QR reader
 * (jsqr). Every helper takes the PDF's bytes; a missing tool is an error that says what to install, never a skip.
 */

const run = promisify(execFile);
const DEFAULT_DPI = 150;

/** Runs a poppler tool on `pdf` (written to a temporary file) and returns its stdout. */
async function poppler(tool: string, args: (file: string, dir: string) => string[], pdf: Uint8Array): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "certificate-pdf-"));
  try {
    const file = join(dir, "input.pdf");
    await writeFile(file, pdf);
    const { stdout } = await run(tool, args(file, dir), { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`${tool} not found: install poppler-utils (Debian: apt-get install poppler-utils; .ci/run does it when missing)`);
    }
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The PDF's text, every page, with its layout kept (`pdftotext -layout`); pages are separated by form feeds. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  return (await poppler("pdftotext", (file) => ["-layout", "-enc", "UTF-8", file, "-"], pdf)).toString("utf8");
}

/** The PDF's document information as `pdfinfo` prints it: Title, Author, Pages, … by name. */
export async function pdfInfo(pdf: Uint8Array): Promise<Record<string, string>> {
  const info: Record<string, string> = {};
  for (const line of (await poppler("pdfinfo", (file) => ["-enc", "UTF-8", file], pdf)).toString("utf8").split("\n")) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) info[match[1]] = match[2];
  }
  return info;
}

/** The number of pages. */
export async function pdfPages(pdf: Uint8Array): Promise<number> {
  const pages = Number((await pdfInfo(pdf)).Pages);
  if (!Number.isInteger(pages)) throw new Error("pdfinfo printed no page count: not a readable PDF");
  return pages;
}

/** The fonts the PDF uses, as `pdffonts` lists them: name (with its subset tag), type, whether embedded. */
export async function pdfFonts(pdf: Uint8Array): Promise<Array<{ name: string; type: string; embedded: boolean }>> {
  const lines = (await poppler("pdffonts", (file) => [file], pdf)).toString("utf8").split("\n");
  // A header, a dashed rule, then one font a line: name, type (may contain a space), encoding, emb, sub, uni, object id.
  return lines
    .slice(2)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const match = /^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.exec(line);
      if (match?.[1] === undefined || match[2] === undefined) throw new Error(`unreadable pdffonts line: ${line}`);
      return { name: match[1], type: match[2], embedded: match[4] === "yes" };
    });
}

/** Page `page` (1-based) rendered at `dpi` as a PNG. */
export async function renderPage(pdf: Uint8Array, page: number, dpi = DEFAULT_DPI): Promise<Buffer> {
  return poppler("pdftoppm", (file) => ["-png", "-r", String(dpi), "-f", String(page), "-l", String(page), "-singlefile", file], pdf);
}

interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Page `page` rendered at `dpi` as RGBA pixels (pdftoppm's binary PPM, read here). */
async function renderRgba(pdf: Uint8Array, page: number, dpi: number): Promise<RgbaImage> {
  const ppm = await poppler("pdftoppm", (file) => ["-r", String(dpi), "-f", String(page), "-l", String(page), "-singlefile", file], pdf);
  return parsePpm(ppm);
}

/** A binary PPM (P6, maxval 255): "P6", width, height, maxval separated by whitespace, one whitespace byte, then RGB. */
function parsePpm(ppm: Buffer): RgbaImage {
  const fields: number[] = [];
  let at = 2;
  if (ppm.toString("latin1", 0, 2) !== "P6") throw new Error("pdftoppm did not write a binary PPM (P6)");
  while (fields.length < 3) {
    while (/\s/.test(String.fromCharCode(ppm[at] ?? 0x20)) && at < ppm.length) at++;
    if (ppm[at] === 0x23) {
      // a comment runs to the end of its line
      while (ppm[at] !== 0x0a && at < ppm.length) at++;
      continue;
    }
    const start = at;
    while (at < ppm.length && /\d/.test(String.fromCharCode(ppm[at] ?? 0))) at++;
    fields.push(Number(ppm.toString("latin1", start, at)));
  }
  const [width = 0, height = 0, maxval] = fields;
  if (maxval !== 255) throw new Error(`PPM with maxval ${maxval}: expected 255`);
  const pixels = ppm.subarray(at + 1);
  if (pixels.length < width * height * 3) throw new Error(`PPM of ${width}×${height} has only ${pixels.length} bytes of pixels`);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let pixel = 0; pixel < width * height; pixel++) {
    data[pixel * 4] = pixels[pixel * 3] ?? 0;
    data[pixel * 4 + 1] = pixels[pixel * 3 + 1] ?? 0;
    data[pixel * 4 + 2] = pixels[pixel * 3 + 2] ?? 0;
    data[pixel * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** The text of the QR code on page `page` (1-based), read from a rendering at `dpi`; null when the page has none. */
export async function decodeQr(pdf: Uint8Array, page: number, dpi = DEFAULT_DPI): Promise<string | null> {
  const image = await renderRgba(pdf, page, dpi);
  return jsqr.default(image.data, image.width, image.height)?.data ?? null;
}
