import { isAddress } from "viem";
import { z } from "zod/v4";

/**
 * The asset card (数据资产卡片): what the chain records of an asset only as a hash and a URI. Its four parts
 * are the ones the policy documents name — "载明资产基本信息、权利信息、使用信息以及管理信息" (001 §2): basic,
 * rights, usage and management information. Every field carries its label in both languages (`x-label`,
 * and `title` in Chinese) so that the JSON Schema, the pages and the diffs speak the user's language.
 *
 * zod 4 (the `zod/v4` entry of the zod package the API already uses): its `toJSONSchema` is the maintained
 * way to publish the same schema as JSON Schema (draft 2020-12).
 */

export interface Label {
  en: string;
  "zh-CN": string;
}

/** The schema identifier a card document carries: a reader knows which schema it was written for. */
export const CARD_SCHEMA_ID = "provenance-ledger/asset-card@1";

/** Sections only the holder, registrars and reviewers may read (contacts, security measures): `x-restricted` in the JSON Schema. */
export const RESTRICTED_SECTIONS = ["management"] as const;

function labelled<T extends z.ZodType>(schema: T, en: string, zh: string): T {
  return schema.meta({ title: zh, "x-label": { en, "zh-CN": zh } });
}

/** Enumerations with the label of each value: the page shows labels, the document stores the values. */
function choice<const V extends readonly [string, ...string[]]>(values: Record<V[number], Label>, order: V) {
  return z.enum(order).meta({ "x-value-labels": values });
}

/** Control characters but the line break: a card's text is shown in terminals, pages, CSV and PDF, where they would act (ANSI escapes) or vanish. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
/** A text field: trimmed, not empty, at most `max` characters, no control characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `at most ${max} characters`)
    .refine((value) => !CONTROL.test(value), "must not contain control characters (only line breaks)");
/** A calendar date as YYYY-MM-DD (2024-02-30 is refused). */
export const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD").refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), "not a calendar date");
const account = z.string().refine((value) => isAddress(value, { strict: false }), "an Ethereum address (0x and 40 hex digits)");
const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex hash (0x and 64 hex digits)");

const DATA_TYPES = {
  structured: { en: "Structured", "zh-CN": "结构化数据" },
  "semi-structured": { en: "Semi-structured", "zh-CN": "半结构化数据" },
  unstructured: { en: "Unstructured", "zh-CN": "非结构化数据" },
} as const;

const UPDATE_FREQUENCIES = {
  realtime: { en: "Real time", "zh-CN": "实时" },
  daily: { en: "Daily", "zh-CN": "每日" },
  weekly: { en: "Weekly", "zh-CN": "每周" },
  monthly: { en: "Monthly", "zh-CN": "每月" },
  quarterly: { en: "Quarterly", "zh-CN": "每季度" },
  yearly: { en: "Yearly", "zh-CN": "每年" },
  once: { en: "Once (no updates)", "zh-CN": "一次性（不更新）" },
  irregular: { en: "Irregular", "zh-CN": "不定期" },
} as const;

/** The usage modes of the documents (原始数据不出域、数据可用不可见、数据可控可计量), and the plain deliveries. */
const USAGE_MODES = {
  "raw-data-stays-in-domain": { en: "Raw data stays in its domain", "zh-CN": "原始数据不出域" },
  "usable-not-visible": { en: "Usable but not visible", "zh-CN": "数据可用不可见" },
  "controllable-measurable": { en: "Controllable and measurable", "zh-CN": "数据可控可计量" },
  api: { en: "API access", "zh-CN": "接口调用" },
  "file-delivery": { en: "File delivery", "zh-CN": "文件交付" },
} as const;

const PRICING_MODELS = {
  free: { en: "Free (public welfare)", "zh-CN": "免费（公益）" },
  "per-call": { en: "Per call", "zh-CN": "按次计费" },
  "per-volume": { en: "Per volume", "zh-CN": "按量计费" },
  subscription: { en: "Subscription", "zh-CN": "订阅" },
  "revenue-share": { en: "Revenue share", "zh-CN": "收益分成" },
  negotiated: { en: "Negotiated", "zh-CN": "协议定价" },
} as const;

/** The on-chain classification's names (ledger/types.ts `Classification`): the card states the level and its basis. */
const CLASSIFICATION_LEVELS = {
  general: { en: "General data", "zh-CN": "一般数据" },
  important: { en: "Important data", "zh-CN": "重要数据" },
  core: { en: "Core data", "zh-CN": "核心数据" },
} as const;

const REPORT_KINDS = {
  authenticity: { en: "Authenticity", "zh-CN": "真实性" },
  compliance: { en: "Compliance", "zh-CN": "合规性" },
  audit: { en: "Audit", "zh-CN": "审计" },
  valuation: { en: "Valuation", "zh-CN": "价值评估" },
  desensitization: { en: "Desensitization", "zh-CN": "脱敏" },
} as const;

const keys = <T extends object>(values: T) => Object.keys(values) as [keyof T & string, ...(keyof T & string)[]];

const Party = z
  .object({
    name: labelled(text(200), "Name", "名称"),
    account: labelled(account, "Account", "链上账户").optional(),
    grantId: labelled(z.string().regex(/^[0-9]+$/, "a grant id (decimal)"), "Grant", "授权编号").optional(),
  })
  .strict();

const Basic = z
  .object({
    name: labelled(text(200), "Name", "资产名称"),
    description: labelled(text(4000), "Description", "资产描述"),
    dataType: labelled(choice(DATA_TYPES, keys(DATA_TYPES)), "Data type", "数据类型"),
    volume: labelled(text(200), "Volume", "数据规模"),
    updateFrequency: labelled(choice(UPDATE_FREQUENCIES, keys(UPDATE_FREQUENCIES)), "Update frequency", "更新频率"),
    source: labelled(text(1000), "Source", "数据来源"),
    timeSpan: labelled(
      z
        .object({
          from: labelled(calendarDate, "From", "起始日期"),
          to: labelled(calendarDate.nullable(), "To (null: ongoing)", "截止日期（空：持续）"),
        })
        .strict()
        .refine((span) => span.to === null || span.from <= span.to, { message: "the time span ends before it starts", path: ["to"] }),
      "Time span",
      "时间跨度",
    ),
    format: labelled(text(200), "Format", "数据格式"),
    industry: labelled(text(200), "Industry", "所属行业"),
  })
  .strict();

const Rights = z
  .object({
    holder: labelled(Party, "Holder", "数据持有者"),
    processors: labelled(z.array(Party).max(100), "Processors (right to process and use)", "数据加工使用者"),
    operators: labelled(z.array(Party).max(100), "Operators (right to operate products)", "数据产品经营者"),
    restrictions: labelled(z.array(text(1000)).max(100), "Restrictions", "权利限制"),
    pledge: labelled(
      z
        .object({
          pledgee: labelled(text(200), "Pledgee", "质权人"),
          account: labelled(account, "Account", "链上账户").optional(),
          since: labelled(calendarDate, "Since", "质押日期").optional(),
        })
        .strict()
        .nullable(),
      "Pledge",
      "质押",
    ),
  })
  .strict();

const Usage = z
  .object({
    modes: labelled(z.array(choice(USAGE_MODES, keys(USAGE_MODES))).min(1, "at least one usage mode").max(10), "Usage modes", "使用方式"),
    scenarios: labelled(z.array(text(500)).min(1, "at least one scenario").max(100), "Allowed scenarios", "允许的应用场景"),
    pricing: labelled(
      z
        .object({
          model: labelled(choice(PRICING_MODELS, keys(PRICING_MODELS)), "Pricing model", "定价模式"),
          description: labelled(text(1000), "Pricing details", "定价说明").optional(),
        })
        .strict(),
      "Pricing",
      "定价",
    ),
  })
  .strict();

const Management = z
  .object({
    classification: labelled(
      z
        .object({
          level: labelled(choice(CLASSIFICATION_LEVELS, keys(CLASSIFICATION_LEVELS)), "Level", "级别"),
          basis: labelled(text(1000), "Basis", "分级依据"),
        })
        .strict(),
      "Classification",
      "分类分级",
    ),
    securityMeasures: labelled(z.array(text(1000)).min(1, "at least one security measure").max(100), "Security measures", "安全保护措施"),
    department: labelled(text(200), "Responsible department", "责任部门"),
    contact: labelled(
      z
        .object({
          name: labelled(text(100), "Name", "联系人"),
          phone: labelled(z.string().regex(/^[0-9+\-() ]{5,30}$/, "a telephone number"), "Phone", "电话").optional(),
          email: labelled(z.email("an e-mail address"), "E-mail", "电子邮箱").optional(),
        })
        .strict(),
      "Contact",
      "联系人",
    ),
    reviewReports: labelled(
      z
        .array(
          z
            .object({
              kind: labelled(choice(REPORT_KINDS, keys(REPORT_KINDS)), "Kind", "类型"),
              issuer: labelled(text(200), "Issued by", "出具机构"),
              date: labelled(calendarDate, "Date", "日期"),
              reportHash: labelled(hash32, "Report hash", "报告哈希").optional(),
            })
            .strict(),
        )
        .max(100),
      "Review reports",
      "评审报告",
    ),
  })
  .strict();

export const AssetCard = z
  .object({
    schema: z.literal(CARD_SCHEMA_ID, { error: `must be "${CARD_SCHEMA_ID}"` }),
    basic: labelled(Basic, "Basic information", "基本信息"),
    rights: labelled(Rights, "Rights information", "权利信息"),
    usage: labelled(Usage, "Usage information", "使用信息"),
    management: labelled(Management, "Management information", "管理信息").meta({ "x-restricted": true }),
  })
  .strict()
  .meta({ title: "数据资产卡片", description: "Asset card (数据资产卡片) of provenance-ledger: basic, rights, usage and management information." });

export type AssetCard = z.infer<typeof AssetCard>;

/** The four sections, in the order the documents list them, with their labels. */
export const CARD_SECTIONS = ["basic", "rights", "usage", "management"] as const;

/** The card's JSON Schema (draft 2020-12), with the labels (`title`, `x-label`, `x-value-labels`) and `x-restricted`. */
export function cardJsonSchema(): object {
  return z.toJSONSchema(AssetCard);
}
