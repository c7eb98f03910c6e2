/**
 * The printed certificate's words in its two languages. Enum names follow the web pages' wording (web/src/i18n.ts
 * `ENUMS`), so the paper and the certificate-check page say the same; a value this table does not know is printed
 * as the ledger spells it rather than hidden.
 */

export type CertificateLang = "zh-CN" | "en";
export const CERTIFICATE_LANGS: readonly CertificateLang[] = ["zh-CN", "en"];

/** A phrase with `{name}` placeholders. */
type Template = string;

interface CertificateLabels {
  titleResource: string;
  titleProduct: string;
  /** The line under the title. */
  registrationNumber: Template;
  status: string;
  kind: string;
  category: string;
  classification: string;
  holder: string;
  /** Said of a holder or pledgee whose name the party book does not have (or has no verified profile for). */
  notInPartyBook: string;
  registered: string;
  issuingTransaction: string;
  issuingBlock: string;
  notIssued: string;
  fingerprint: string;
  cardVersion: string;
  cardVersionValue: Template;
  cardHash: string;
  cardUri: string;
  lineage: string;
  /** Joins the parents' registration numbers. */
  listSeparator: string;
  none: string;
  pledge: string;
  notPledged: string;
  pledgedTo: Template;
  openObjections: string;
  openObjectionsValue: Template;
  evidenceLength: string;
  evidenceLengthValue: Template;
  evidenceHead: string;
  chainId: string;
  registry: string;
  sectionRegistration: string;
  sectionCard: string;
  sectionEncumbrances: string;
  sectionLedger: string;
  printedAt: Template;
  qrCaption: string;
  /** The banner of a certificate that is not (or no longer) in force, by status. */
  bannerCancelled: string;
  bannerDestroyed: string;
  bannerNotIssued: Template;
  footer: Template;
  /** The line atop every page after the first. */
  continuationHeader: Template;
  subject: Template;
}

export const CERTIFICATE_TEXT: Record<CertificateLang, CertificateLabels> = {
  "zh-CN": {
    titleResource: "数据资源登记证书",
    titleProduct: "数据产品登记证书",
    registrationNumber: "登记编号：{number}",
    status: "状态",
    kind: "登记对象",
    category: "数据类别",
    classification: "分类分级",
    holder: "持有权人",
    notInPartyBook: "未在主体名册中",
    registered: "登记日期",
    issuingTransaction: "发证交易",
    issuingBlock: "发证区块",
    notIssued: "尚未发证",
    fingerprint: "数据指纹",
    cardVersion: "数据资产卡片",
    cardVersionValue: "第 {version} 版",
    cardHash: "卡片哈希",
    cardUri: "卡片地址",
    lineage: "数据血缘（来源）",
    listSeparator: "、",
    none: "无",
    pledge: "质押",
    notPledged: "未质押",
    pledgedTo: "已质押给 {name}\n{address}",
    openObjections: "未决异议",
    openObjectionsValue: "{count} 项",
    evidenceLength: "存证记录数",
    evidenceLengthValue: "{length} 条",
    evidenceHead: "存证链头",
    chainId: "链标识",
    registry: "登记合约",
    sectionRegistration: "登记事项",
    sectionCard: "数据资产卡片与数据血缘",
    sectionEncumbrances: "权利负担（打印时）",
    sectionLedger: "存证与账本",
    printedAt: "本证书依据账本在区块 {block}（{date}）时的记录打印。",
    qrCaption: "扫码核验本证书与账本是否一致：打印后新增的存证记录及注销情况都会显示。",
    bannerCancelled: "已注销 — 本证书已失效",
    bannerDestroyed: "已销毁 — 本证书已失效",
    bannerNotIssued: "{status} — 尚未发证，本文件不是有效的登记证书",
    footer: "登记编号 {number} · 打印自区块 {block} · 第 {page} 页，共 {pages} 页",
    continuationHeader: "{title} · 登记编号：{number}（续）",
    subject: "登记编号 {number} 的登记证书，打印自区块 {block}",
  },
  en: {
    titleResource: "Data Resource Registration Certificate",
    titleProduct: "Data Product Registration Certificate",
    registrationNumber: "Registration No. {number}",
    status: "Status",
    kind: "Kind",
    category: "Data category",
    classification: "Classification",
    holder: "Holder",
    notInPartyBook: "not in the party book",
    registered: "Registration date",
    issuingTransaction: "Issuing transaction",
    issuingBlock: "Issuing block",
    notIssued: "not issued",
    fingerprint: "Fingerprint",
    cardVersion: "Asset card",
    cardVersionValue: "version {version}",
    cardHash: "Card hash",
    cardUri: "Card URI",
    lineage: "Lineage (derived from)",
    listSeparator: ", ",
    none: "none",
    pledge: "Pledge",
    notPledged: "not pledged",
    pledgedTo: "pledged to {name}\n{address}",
    openObjections: "Open objections",
    openObjectionsValue: "{count}",
    evidenceLength: "Evidence entries",
    evidenceLengthValue: "{length}",
    evidenceHead: "Evidence head",
    chainId: "Chain id",
    registry: "Registry contract",
    sectionRegistration: "Registration",
    sectionCard: "Asset card and lineage",
    sectionEncumbrances: "Encumbrances at printing",
    sectionLedger: "Evidence and ledger",
    printedAt: "Printed from the ledger at block {block}, {date}.",
    qrCaption: "Scan to check this certificate against the ledger: later entries and cancellation are shown.",
    bannerCancelled: "CANCELLED — this certificate is no longer in force",
    bannerDestroyed: "DESTROYED — this certificate is no longer in force",
    bannerNotIssued: "{status} — not issued: this is not a registration certificate in force",
    footer: "Registration No. {number} · printed at block {block} · page {page} of {pages}",
    continuationHeader: "{title} · Registration No. {number} (continued)",
    subject: "Registration certificate No. {number}, printed at block {block}",
  },
};

type EnumTable = Record<string, Record<CertificateLang, string>>;

/** The enum names the certificate prints, by claim. ISSUED adds "in force": on paper that is what the status means. */
export const CERTIFICATE_ENUMS = {
  status: {
    APPLIED: { en: "Applied", "zh-CN": "已申请" },
    IN_NOTICE: { en: "In public notice", "zh-CN": "公示中" },
    ISSUED: { en: "Issued (in force)", "zh-CN": "已发证（有效）" },
    REFUSED: { en: "Refused", "zh-CN": "不予登记" },
    CANCELLED: { en: "Cancelled", "zh-CN": "已注销" },
    DESTROYED: { en: "Destroyed", "zh-CN": "已销毁" },
  },
  kind: { RESOURCE: { en: "Data resource", "zh-CN": "数据资源" }, PRODUCT: { en: "Data product", "zh-CN": "数据产品" } },
  category: {
    PUBLIC: { en: "Public data", "zh-CN": "公共数据" },
    ENTERPRISE: { en: "Enterprise data", "zh-CN": "企业数据" },
    PERSONAL: { en: "Personal data", "zh-CN": "个人数据" },
  },
  classification: {
    GENERAL: { en: "General", "zh-CN": "一般数据" },
    IMPORTANT: { en: "Important", "zh-CN": "重要数据" },
    CORE: { en: "Core", "zh-CN": "核心数据" },
  },
} satisfies Record<string, EnumTable>;

/** `value`'s name in `lang`, or `value` itself when the table does not know it. */
export function enumName(table: EnumTable, value: string, lang: CertificateLang): string {
  return table[value]?.[lang] ?? value;
}

/** `template` with each `{name}` replaced by `values[name]`; a placeholder without a value is a programming error. */
export function fill(template: Template, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`certificate text "${template}" needs a value for {${name}}`);
    return String(value);
  });
}
