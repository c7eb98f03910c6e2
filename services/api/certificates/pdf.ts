import PDFDocument from "pdfkit";
import QRCode from "qrcode";

import { type CertificateClaims, nameIn } from "../../../ledger/certificates/claims.js";
import { type FontWeight, fontRuns, primaryFont } from "./fonts.js";
import { CERTIFICATE_ENUMS, CERTIFICATE_LANGS, CERTIFICATE_TEXT, type CertificateLang, enumName, fill } from "./pdfText.js";

export interface RenderCertificatePdfParameters {
  claims: CertificateClaims;
  lang: CertificateLang;
  /** The certificate-check page the QR code opens (`certificateCheckUrl`). */
  checkUrl: string;
}

// A4 in points, with margins a printer keeps clear; the footer sits in the bottom margin, the frame in the outer 3 cm.
const MARGIN = { top: 60, bottom: 66, left: 60, right: 60 } as const;
const LABEL_WIDTH = 112;
const COLUMN_GAP = 12;
/** Hashes (66 characters) are set smaller than other values so that one fits the value column's width. */
const SIZE = { title: 20, banner: 13, section: 11, label: 9.5, value: 9.5, hash: 8.2, caption: 8.5, footer: 7.5 } as const;
const LINE_GAP = 1.5;
const ROW_GAP = 3;
const COLOR = { text: "#1a1a1a", label: "#555555", rule: "#9c8450", void: "#b00020", pending: "#8a5a00", link: "#1a4d8f" } as const;
/** The QR code's quiet zone, in modules (the QR specification asks for four). */
const QR_QUIET_ZONE = 4;
/** At most this many points per module, and the code's whole width at most `QR_MAX_WIDTH`. */
const QR_MODULE_MAX = 2.4;
const QR_MAX_WIDTH = 150;

/**
 * The printable registration certificate (登记证书) of one asset: an A4 PDF of `claims` in `lang`, with a QR code of
 * `checkUrl`. Text is set in Noto Sans SC embedded from its npm package. A pure function of its input: the same
 * claims give the same bytes (the PDF's dates are the claims' `asOf`).
 */
export async function renderCertificatePdf({ claims, lang, checkUrl }: RenderCertificatePdfParameters): Promise<Uint8Array> {
  if (!CERTIFICATE_LANGS.includes(lang)) throw new RangeError(`certificate language "${lang}": expected one of ${CERTIFICATE_LANGS.join(", ")}`);
  if (checkUrl.trim() === "") throw new RangeError("certificate check URL is empty: the QR code must open the certificate-check page");
  const text = CERTIFICATE_TEXT[lang];
  const printedAt = unixTime(claims.asOf.timestamp, "asOf.timestamp");
  const titles: Record<string, string> = { RESOURCE: text.titleResource, PRODUCT: text.titleProduct };
  const title = titles[claims.kind];
  if (title === undefined) throw new RangeError(`certificate claims: kind "${claims.kind}" is neither RESOURCE nor PRODUCT`);

  const doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    bufferPages: true, // the footer's "page n of m" is written once the page count is known
    lang,
    displayTitle: true,
    info: {
      Title: `${title} ${claims.registrationNumber}`,
      Author: "provenance-ledger",
      Subject: fill(text.subject, { number: claims.registrationNumber, block: claims.asOf.block }),
      Creator: "provenance-ledger",
      CreationDate: printedAt,
      ModDate: printedAt,
    },
  });
  const bytes = collect(doc);
  const page = new CertificatePage(doc);

  page.write(title, { size: SIZE.title, weight: 700, align: "center" });
  page.gap(4);
  page.write(fill(text.registrationNumber, { number: claims.registrationNumber }), { size: SIZE.section, align: "center" });
  page.gap(2);
  page.write(fill(text.printedAt, { block: claims.asOf.block, date: formatDate(printedAt, lang) }), { size: SIZE.caption, align: "center", color: COLOR.label });
  page.gap(6);
  const banner = statusBanner(claims.status, lang);
  if (banner !== undefined) page.banner(banner.text, banner.color);

  page.section(text.sectionRegistration);
  page.row(text.status, enumName(CERTIFICATE_ENUMS.status, claims.status, lang), { weight: 700 });
  page.row(text.kind, enumName(CERTIFICATE_ENUMS.kind, claims.kind, lang));
  page.row(text.category, enumName(CERTIFICATE_ENUMS.category, claims.category, lang));
  page.row(text.classification, enumName(CERTIFICATE_ENUMS.classification, claims.classification, lang));
  page.row(text.holder, `${nameIn(claims.holderName, lang) ?? text.notInPartyBook}\n${claims.holder}`);
  const issued = claims.issued;
  page.row(text.registered, issued === null ? text.notIssued : formatDate(unixTime(issued.timestamp, "issued.timestamp"), lang));
  page.row(text.issuingTransaction, issued?.transaction ?? text.notIssued, { size: SIZE.hash });
  page.row(text.issuingBlock, issued?.block ?? text.notIssued);
  page.row(text.fingerprint, claims.fingerprint, { size: SIZE.hash });

  page.section(text.sectionCard);
  page.row(text.cardVersion, fill(text.cardVersionValue, { version: claims.card.version }));
  page.row(text.cardHash, claims.card.cardHash, { size: SIZE.hash });
  page.row(text.cardUri, claims.card.cardURI);
  page.row(text.lineage, claims.parents.length === 0 ? text.none : claims.parents.join(text.listSeparator));

  page.section(text.sectionEncumbrances);
  const pledge = claims.encumbrances.pledge;
  page.row(text.pledge, pledge === null ? text.notPledged : fill(text.pledgedTo, { name: nameIn(pledge.pledgeeName, lang) ?? text.notInPartyBook, address: pledge.pledgee }));
  const objections = claims.encumbrances.openObjections;
  page.row(text.openObjections, objections === 0 ? text.none : fill(text.openObjectionsValue, { count: objections }));

  page.section(text.sectionLedger);
  page.row(text.evidenceLength, fill(text.evidenceLengthValue, { length: claims.evidenceHead.seq }));
  page.row(text.evidenceHead, claims.evidenceHead.head, { size: SIZE.hash });
  page.row(text.chainId, String(claims.chainId));
  page.row(text.registry, claims.registry);

  page.gap(10);
  page.checkBlock(text.qrCaption, checkUrl);
  page.finish({
    header: fill(text.continuationHeader, { title, number: claims.registrationNumber }),
    footer: (number, pages) => fill(text.footer, { number: claims.registrationNumber, block: claims.asOf.block, page: number, pages }),
  });
  return bytes;
}

interface WriteOptions {
  size: number;
  weight?: FontWeight;
  color?: string;
  align?: "left" | "center";
  x?: number;
  width?: number;
  link?: string;
}

/** Writes the certificate top to bottom, keeping each row, and the QR block, whole on one page where it fits. */
class CertificatePage {
  private readonly registered = new Set<string>();
  private readonly left: number;
  private readonly width: number;

  constructor(private readonly doc: PDFKit.PDFDocument) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    // Our font before any text: pdfkit's default, Helvetica, has no Chinese and is never used.
    this.useFont(primaryFont(400).name, primaryFont(400).bytes);
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  private useFont(name: string, bytes: Buffer): void {
    if (!this.registered.has(name)) {
      this.doc.registerFont(name, bytes);
      this.registered.add(name);
    }
    this.doc.font(name);
  }

  /** Text at the current position (or `x`), in runs of the fonts that have its characters. */
  write(value: string, options: WriteOptions, y?: number): void {
    const runs = fontRuns(value, options.weight ?? 400);
    const x = options.x ?? this.left;
    this.doc.fillColor(options.color ?? COLOR.text).fontSize(options.size);
    runs.forEach((run, index) => {
      this.useFont(run.font.name, run.font.bytes);
      const textOptions: PDFKit.Mixins.TextOptions = {
        width: options.width ?? this.width,
        align: options.align ?? "left",
        lineGap: LINE_GAP,
        continued: index < runs.length - 1,
        ...(options.link === undefined ? {} : { link: options.link }),
      };
      if (index === 0) this.doc.text(run.text, x, y ?? this.doc.y, textOptions);
      else this.doc.text(run.text, textOptions);
    });
  }

  /** The height `value` takes in the primary font (a fallback run differs by a fraction of a line at most). */
  private heightOf(value: string, size: number, width: number, weight: FontWeight = 400): number {
    this.useFont(primaryFont(weight).name, primaryFont(weight).bytes);
    return this.doc.fontSize(size).heightOfString(value, { width, lineGap: LINE_GAP });
  }

  gap(points: number): void {
    this.doc.y += points;
  }

  /** A new page unless `height` points still fit on this one. */
  private keep(height: number): void {
    if (this.doc.y + height > this.bottom) {
      this.doc.addPage();
    }
  }

  banner(message: string, color: string): void {
    const padding = 8;
    const height = this.heightOf(message, SIZE.banner, this.width - 2 * padding, 700) + 2 * padding;
    this.keep(height);
    const top = this.doc.y;
    this.doc.save().lineWidth(2).rect(this.left, top, this.width, height).stroke(color).restore();
    this.write(message, { size: SIZE.banner, weight: 700, color, align: "center", x: this.left + padding, width: this.width - 2 * padding }, top + padding);
    this.doc.y = top + height + 6;
  }

  section(heading: string): void {
    // A heading never ends a page: keep it with at least two rows.
    this.keep(this.heightOf(heading, SIZE.section, this.width, 700) + 40);
    this.gap(8);
    this.write(heading, { size: SIZE.section, weight: 700 });
    const ruleY = this.doc.y + 1;
    this.doc.save().lineWidth(0.6).moveTo(this.left, ruleY).lineTo(this.left + this.width, ruleY).stroke(COLOR.rule).restore();
    this.doc.y = ruleY + 5;
  }

  /** A label in the left column, its value in the right one; a value longer than a page flows onto the next. */
  row(label: string, value: string, { weight = 400, size = SIZE.value }: { weight?: FontWeight; size?: number } = {}): void {
    const valueX = this.left + LABEL_WIDTH + COLUMN_GAP;
    const valueWidth = this.width - LABEL_WIDTH - COLUMN_GAP;
    const labelHeight = this.heightOf(label, SIZE.label, LABEL_WIDTH);
    const valueHeight = this.heightOf(value, size, valueWidth, weight);
    const pageHeight = this.bottom - this.doc.page.margins.top;
    // A row that fits on a page is not split; a longer one starts here and continues overleaf.
    if (Math.max(labelHeight, valueHeight) <= pageHeight) this.keep(Math.max(labelHeight, valueHeight));
    else this.keep(labelHeight);
    const top = this.doc.y;
    const startPage = this.pageNumber();
    this.write(label, { size: SIZE.label, color: COLOR.label, width: LABEL_WIDTH }, top);
    const labelBottom = this.doc.y;
    // A smaller value sits on the label's baseline.
    const baselineShift = (SIZE.label - size) * 0.88;
    this.write(value, { size, weight, x: valueX, width: valueWidth }, top + baselineShift);
    const valueBottom = this.doc.y;
    this.doc.x = this.left;
    this.doc.y = (this.pageNumber() === startPage ? Math.max(labelBottom, valueBottom) : valueBottom) + ROW_GAP;
  }

  private pageNumber(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count;
  }

  /** The QR code of `url` (a link too), its caption and the URL as text, kept on one page. */
  checkBlock(caption: string, url: string): void {
    const qr = QRCode.create(url, { errorCorrectionLevel: "M" }).modules;
    const modulesWide = qr.size + 2 * QR_QUIET_ZONE;
    const moduleSize = Math.min(QR_MODULE_MAX, QR_MAX_WIDTH / modulesWide);
    const qrWidth = modulesWide * moduleSize;
    const textX = this.left + qrWidth + 2 * COLUMN_GAP;
    const textWidth = this.width - qrWidth - 2 * COLUMN_GAP;
    const textHeight = this.heightOf(caption, SIZE.caption, textWidth) + 6 + this.heightOf(url, SIZE.caption, textWidth);
    this.keep(Math.max(qrWidth, textHeight));
    const top = this.doc.y;
    // The quiet zone stays white on any paper: a filled white square under the modules.
    this.doc.save().rect(this.left, top, qrWidth, qrWidth).fill("#ffffff");
    const origin = this.left + QR_QUIET_ZONE * moduleSize;
    for (let row = 0; row < qr.size; row++) {
      // Each horizontal run of dark modules as one rectangle: no hairline seams between neighbours when rasterised.
      let runStart = -1;
      for (let column = 0; column <= qr.size; column++) {
        const dark = column < qr.size && qr.get(row, column) === 1;
        if (dark && runStart < 0) runStart = column;
        if (!dark && runStart >= 0) {
          this.doc.rect(origin + runStart * moduleSize, top + (QR_QUIET_ZONE + row) * moduleSize, (column - runStart) * moduleSize, moduleSize);
          runStart = -1;
        }
      }
    }
    this.doc.fill("#000000").restore();
    this.doc.link(this.left, top, qrWidth, qrWidth, url);

    this.write(caption, { size: SIZE.caption, x: textX, width: textWidth }, top + QR_QUIET_ZONE * moduleSize);
    this.gap(6);
    this.write(url, { size: SIZE.caption, x: textX, width: textWidth, color: COLOR.link, link: url });
    this.doc.x = this.left;
    this.doc.y = Math.max(this.doc.y, top + qrWidth);
  }

  /** The frame and footer of every page and the header of every page after the first, then the end of the document. */
  finish({ header, footer }: { header: string; footer: (page: number, pages: number) => string }): void {
    const { start, count } = this.doc.bufferedPageRange();
    for (let index = start; index < start + count; index++) {
      this.doc.switchToPage(index);
      const { width, height } = this.doc.page;
      this.doc.save().lineWidth(1.2).rect(28, 28, width - 56, height - 56).stroke(COLOR.rule);
      this.doc.lineWidth(0.4).rect(32, 32, width - 64, height - 64).stroke(COLOR.rule).restore();
      // Text below the bottom margin would make pdfkit start a page: lift the margin while writing the footer.
      const margin = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.write(footer(index - start + 1, count), { size: SIZE.footer, color: COLOR.label, align: "center" }, height - margin + 16);
      if (index > start) this.write(header, { size: SIZE.footer, color: COLOR.label, align: "center" }, this.doc.page.margins.top - 20);
      this.doc.page.margins.bottom = margin;
    }
    this.doc.end();
  }
}

/** The document's bytes once pdfkit has written it. */
function collect(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

/** The banner of a certificate not in force; none for ISSUED. */
function statusBanner(status: string, lang: CertificateLang): { text: string; color: string } | undefined {
  const text = CERTIFICATE_TEXT[lang];
  if (status === "ISSUED") return undefined;
  if (status === "CANCELLED") return { text: text.bannerCancelled, color: COLOR.void };
  if (status === "DESTROYED") return { text: text.bannerDestroyed, color: COLOR.void };
  const name = enumName(CERTIFICATE_ENUMS.status, status, lang);
  return { text: fill(text.bannerNotIssued, { status: name }), color: status === "REFUSED" ? COLOR.void : COLOR.pending };
}

/** A claims timestamp (unix seconds, decimal) as a Date; anything else is a malformed claim. */
function unixTime(seconds: string, field: string): Date {
  if (!/^\d{1,15}$/.test(seconds)) throw new RangeError(`certificate claims: ${field} is not a unix time in seconds: "${seconds}"`);
  return new Date(Number(seconds) * 1000);
}

/** China Standard Time for the Chinese certificate (2026年12月2日 15:04 (UTC+8)), UTC for the English one. */
function formatDate(date: Date, lang: CertificateLang): string {
  const two = (value: number) => String(value).padStart(2, "0");
  if (lang === "zh-CN") {
    const local = new Date(date.getTime() + 8 * 3600 * 1000); // UTC+8 has no daylight saving
    return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${two(local.getUTCHours())}:${two(local.getUTCMinutes())} (UTC+8)`;
  }
  return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}
