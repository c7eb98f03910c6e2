import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { getAddress, keccak256, toHex } from "viem";

import type { CertificateClaims } from "../../ledger/certificates/claims.js";
import { renderCertificatePdf } from "../../services/api/certificates/pdf.js";
import { decodeQr, pdfFonts, pdfInfo, pdfPages, pdfText, renderPage } from "../helpers/pdf.js";

const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url).pathname;
const CHECK_URL = "http://127.0.0.1:8080/#/certificate?number=7&printed=12";

/** Hand-made claims (no chain): every figure distinct, so finding it in the text means the certificate printed it. */
const CLAIMS: CertificateClaims = {
  registrationNumber: "7",
  kind: "PRODUCT",
  category: "ENTERPRISE",
  classification: "IMPORTANT",
  status: "ISSUED",
  holder: getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"),
  holderName: { "zh-CN": "湖南星沙数据科技有限公司", en: "Xingsha Data Technology Co., Ltd." },
  fingerprint: keccak256(toHex("the registered data")),
  // 1796108640 = 1796112000 − 3360: 2026-12-01 07:04:00 UTC, 15:04 in UTC+8 (see asOf)
  issued: { transaction: keccak256(toHex("the issuing transaction")), block: "4213", timestamp: "1796108640" },
  card: { version: 3, cardHash: keccak256(toHex("asset card v3")), cardURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/card.json" },
  parents: ["2", "5"],
  encumbrances: {
    pledge: { pledgee: getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"), pledgeeName: { "zh-CN": "长沙银行", en: "Bank of Changsha" } },
    openObjections: 1,
  },
  evidenceHead: { seq: 12, head: keccak256(toHex("evidence head 12")) },
  chainId: 31337,
  registry: getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
  // 1796112000 s = 20788 days + 8 h; 20788 days after 1970-01-01 is 2026-12-01 (20454 days to 2026-01-01, then 334):
  // 2026-12-01 08:00 UTC = 16:00 UTC+8
  asOf: { block: "4250", timestamp: "1796112000" },
};

/** The text with all white space removed: wrapped values come back whole. */
const compact = (text: string) => text.replace(/\s+/g, "");

describe("printable registration certificate (PDF)", function () {
  // pdftoppm and the QR reader take a few seconds on a loaded 2-core machine.
  this.timeout(120_000);

  before(() => mkdir(ARTIFACTS, { recursive: true }));

  it("prints every figure of the claims under Chinese labels, with dates in UTC+8, and its QR code opens the check page", async () => {
    const pdf = await renderCertificatePdf({ claims: CLAIMS, lang: "zh-CN", checkUrl: CHECK_URL });
    await writeFile(join(ARTIFACTS, "certificate-zh-CN.png"), await renderPage(pdf, 1, 110));
    const text = await pdfText(pdf);
    for (const label of ["数据产品登记证书", "登记编号", "状态", "登记对象", "数据类别", "分类分级", "持有权人", "登记日期", "发证交易", "数据指纹", "卡片哈希", "卡片地址", "数据血缘", "质押", "未决异议", "存证链头", "链标识", "登记合约"]) {
      expect(text, label).to.include(label);
    }
    for (const enumName of ["已发证", "数据产品", "企业数据", "重要数据"]) expect(text, enumName).to.include(enumName);
    const figures = [
      CLAIMS.holder,
      "湖南星沙数据科技有限公司",
      CLAIMS.fingerprint,
      CLAIMS.issued?.transaction ?? "",
      CLAIMS.card.cardHash,
      CLAIMS.card.cardURI,
      CLAIMS.evidenceHead.head,
      CLAIMS.registry,
      "长沙银行",
      "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
      "2、5",
    ];
    for (const figure of figures) expect(compact(text), figure).to.include(compact(figure));
    expect(text).to.match(/登记编号：7\b/);
    expect(text).to.match(/存证记录数\s+12\s*条/);
    expect(text).to.match(/未决异议\s+1\s*项/); // pdftotext may drop the space between a digit and a CJK character
    expect(text).to.match(/链标识\s+31337/);
    expect(text).to.match(/发证区块\s+4213/);
    expect(text).to.include("2026年12月1日 15:04 (UTC+8)");
    expect(text).to.match(/区块 4250（2026年12月1日 16:00 \(UTC\+8\)）/);
    expect(text).not.to.include("已注销");
    expect(await pdfPages(pdf)).to.equal(1);
    expect(await decodeQr(pdf, 1)).to.equal(CHECK_URL);
    // The URL under the code, for whoever cannot scan it.
    expect(text).to.include(CHECK_URL);
  });

  it("prints the English certificate with English labels, dates in UTC, and metadata", async () => {
    const pdf = await renderCertificatePdf({ claims: CLAIMS, lang: "en", checkUrl: CHECK_URL });
    await writeFile(join(ARTIFACTS, "certificate-en.png"), await renderPage(pdf, 1, 110));
    const text = await pdfText(pdf);
    for (const label of ["Data Product Registration Certificate", "Registration No. 7", "Holder", "Registration date", "Issuing transaction", "Fingerprint", "Card hash", "Card URI", "Lineage", "Pledge", "Open objections", "Evidence head", "Chain id", "Registry contract"]) {
      expect(text, label).to.include(label);
    }
    for (const enumName of ["Issued", "Data product", "Enterprise data", "Important"]) expect(text, enumName).to.include(enumName);
    expect(text).to.include("Xingsha Data Technology Co., Ltd.");
    expect(text).to.include("Bank of Changsha");
    expect(text).to.include("2026-12-01 07:04 UTC");
    expect(text).to.include("block 4250, 2026-12-01 08:00 UTC");
    expect(compact(text)).to.include(compact(CLAIMS.fingerprint));
    expect(await decodeQr(pdf, 1)).to.equal(CHECK_URL);
    const info = await pdfInfo(pdf);
    expect(info.Title).to.equal("Data Product Registration Certificate 7");
    expect(info.Author).to.equal("provenance-ledger");
    expect(info.Subject).to.equal("Registration certificate No. 7, printed at block 4250");
  });

  it("gives the same bytes for the same claims", async () => {
    const [first, second] = await Promise.all([1, 2].map(() => renderCertificatePdf({ claims: CLAIMS, lang: "zh-CN", checkUrl: CHECK_URL })));
    expect(Buffer.from(second ?? []).equals(Buffer.from(first ?? []))).to.equal(true);
  });

  it("embeds its fonts: Noto Sans SC from the npm package, no font left to the viewer", async () => {
    const fonts = await pdfFonts(await renderCertificatePdf({ claims: CLAIMS, lang: "zh-CN", checkUrl: CHECK_URL }));
    expect(fonts).to.have.length.greaterThan(0);
    for (const font of fonts) {
      expect(font.embedded, font.name).to.equal(true);
      expect(font.name, font.name).to.match(/^[A-Z]{6}\+NotoSansSC/);
    }
  });

  it("fits 80 parents and a 600-character card URI: every number printed, onto a second page, QR code whole", async () => {
    // Six-digit registration numbers, 17 apart: none is a substring of another's neighbour in the list.
    const parents = Array.from({ length: 80 }, (_, index) => String(100_000 + index * 17));
    const cardURI = `https://cards.example.org/${"segment-".repeat(71)}end.json`; // 26 + 8 × 71 + 8 = 602 characters
    expect(cardURI).to.have.length(602);
    const claims = { ...CLAIMS, parents, card: { ...CLAIMS.card, cardURI } };
    for (const lang of ["zh-CN", "en"] as const) {
      const pdf = await renderCertificatePdf({ claims, lang, checkUrl: CHECK_URL });
      const text = await pdfText(pdf);
      const pages = await pdfPages(pdf);
      expect(pages, lang).to.be.at.least(2);
      for (const parent of parents) expect(text, `${lang}: parent ${parent}`).to.match(new RegExp(`\\b${parent}\\b`));
      // The list in order, separated as each language separates a list.
      expect(compact(text), lang).to.include(parents.join(lang === "zh-CN" ? "、" : ","));
      expect(compact(text), lang).to.include(compact(cardURI));
      const decoded = [];
      for (let page = 1; page <= pages; page++) decoded.push(await decodeQr(pdf, page));
      expect(decoded.filter((url) => url !== null), lang).to.deep.equal([CHECK_URL]);
      // Every page says which certificate it belongs to and where it stands.
      expect(text).to.include(lang === "zh-CN" ? `第 ${pages} 页，共 ${pages} 页` : `page ${pages} of ${pages}`);
    }
  });

  it("says prominently that a cancelled certificate is cancelled", async () => {
    const cancelled = { ...CLAIMS, status: "CANCELLED" };
    const zh = await pdfText(await renderCertificatePdf({ claims: cancelled, lang: "zh-CN", checkUrl: CHECK_URL }));
    expect(zh).to.include("已注销 — 本证书已失效");
    expect(zh).to.match(/状态\s+已注销/);
    expect(zh).not.to.include("已发证");
    const en = await pdfText(await renderCertificatePdf({ claims: cancelled, lang: "en", checkUrl: CHECK_URL }));
    expect(en).to.include("CANCELLED — this certificate is no longer in force");
    expect(en).to.match(/Status\s+Cancelled/);
  });

  it("prints a certificate before issue and a holder outside the party book without inventing facts", async () => {
    const applied = { ...CLAIMS, status: "APPLIED", issued: null, holderName: null, encumbrances: { pledge: null, openObjections: 0 }, parents: [] };
    const zh = await pdfText(await renderCertificatePdf({ claims: applied, lang: "zh-CN", checkUrl: CHECK_URL }));
    expect(zh).to.match(/登记日期\s+尚未发证/);
    expect(zh).to.match(/发证交易\s+尚未发证/);
    expect(zh).to.match(/持有权人\s+未在主体名册中/);
    expect(zh).to.match(/质押\s+未质押/);
    expect(zh).to.match(/未决异议\s+无/);
    expect(zh).to.match(/数据血缘（来源）\s+无/);
    expect(zh).to.include("已申请 — 尚未发证");
    const en = await pdfText(await renderCertificatePdf({ claims: applied, lang: "en", checkUrl: CHECK_URL }));
    expect(en).to.match(/Holder\s+not in the party book/);
    expect(en).to.match(/Lineage \(derived from\)\s+none/);
  });

  it("sets a rare character of a name in the package's font file that has it", async () => {
    // Checked with fontkit: 鱻 (U+9C7B) and 霂 (U+9702) are not in the chinese-simplified file but in numbered
    // files of @fontsource/noto-sans-sc (24 and 27); 张 is in the chinese-simplified file.
    const render = (name: string) => renderCertificatePdf({ claims: { ...CLAIMS, holderName: { "zh-CN": name } }, lang: "zh-CN", checkUrl: CHECK_URL });
    const [common, rareA, rareB] = await Promise.all(["张三", "张鱻", "张霂"].map(render));
    if (common === undefined || rareA === undefined || rareB === undefined) throw new Error("three renderings expected");
    expect(await pdfText(rareA)).to.include("张鱻");
    // Regular and bold of the main file, plus the regular of the numbered file with 鱻.
    expect(await pdfFonts(common)).to.have.length(2);
    expect(await pdfFonts(rareA)).to.have.length(3);
    // Were 鱻 and 霂 both drawn as the font's .notdef box, the two pages would be the same picture.
    expect((await renderPage(rareA, 1, 72)).equals(await renderPage(rareB, 1, 72))).to.equal(false);
  });

  it("writes a character no file of the font has as its code point rather than an empty box", async () => {
    // Checked with fontkit and the package's 400.css: no file of @fontsource/noto-sans-sc maps 䶮 (U+4DAE) or 𠀀 (U+20000).
    const pdf = await renderCertificatePdf({ claims: { ...CLAIMS, holderName: { "zh-CN": "刘䶮𠀀" } }, lang: "zh-CN", checkUrl: CHECK_URL });
    expect(await pdfText(pdf)).to.include("刘<U+4DAE><U+20000>");
  });

  it("rejects a language it has no text for, a malformed timestamp, an empty check URL and an unknown kind", async () => {
    const unknownLang = renderCertificatePdf({ claims: CLAIMS, lang: "fr" as "en", checkUrl: CHECK_URL });
    await expectRejection(unknownLang, /certificate language "fr": expected one of zh-CN, en/);
    const badTime = renderCertificatePdf({ claims: { ...CLAIMS, asOf: { block: "1", timestamp: "2026-12-01" } }, lang: "en", checkUrl: CHECK_URL });
    await expectRejection(badTime, /asOf\.timestamp is not a unix time in seconds: "2026-12-01"/);
    await expectRejection(renderCertificatePdf({ claims: CLAIMS, lang: "en", checkUrl: " " }), /check URL is empty/);
    await expectRejection(renderCertificatePdf({ claims: { ...CLAIMS, kind: "SERVICE" }, lang: "en", checkUrl: CHECK_URL }), /kind "SERVICE" is neither RESOURCE nor PRODUCT/);
  });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, "expected a rejection").to.be.instanceOf(RangeError);
  expect((error as Error).message).to.match(message);
}
