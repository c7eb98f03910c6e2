import { CARD_SCHEMA_ID, VALUATION_SCHEMA_ID, type AssetCard, type ValuationReport } from "../../ledger/cards/index.js";

/**
 * The demo's asset cards (数据资产卡片) and its valuation report, as the Changsha data authority, the logistics
 * and cold-chain enterprises and the data operator would write them: in Chinese, valid against the card
 * schema, each naming its applicant (as in the demo's party book) as the holder. Built from the parties'
 * accounts and the ids the demo made, so that what a card says matches what the chain records.
 */

/** A party as the card names it: the party book's Chinese name and its account. */
export interface CardParty {
  name: string;
  account: string;
}

const CLASSIFICATION_BASIS = "《数据安全技术 数据分类分级规则》（GB/T 43697-2024）";

export function trafficCard(authority: CardParty): AssetCard {
  return {
    schema: CARD_SCHEMA_ID,
    basic: {
      name: "长沙市主城区道路交通流量数据（2025）",
      description: "长沙市主城区 1,260 个路口卡口与地磁检测器采集的机动车流量、平均车速和拥堵指数，按 5 分钟汇总，已去除号牌等个人信息。",
      dataType: "structured",
      volume: "约 1.2 TB，12 亿条记录",
      updateFrequency: "daily",
      source: "长沙市公安局交通警察支队卡口系统、长沙市交通运输局地磁检测网络",
      timeSpan: { from: "2025-01-01", to: null },
      format: "CSV、Parquet",
      industry: "交通运输、仓储和邮政业",
    },
    rights: {
      holder: authority,
      processors: [],
      operators: [],
      restrictions: ["不得用于识别特定自然人或追踪车辆轨迹", "原始数据不出长沙市公共数据授权运营平台"],
      pledge: null,
    },
    usage: {
      modes: ["raw-data-stays-in-domain", "usable-not-visible"],
      scenarios: ["城市物流路径规划", "交通信号配时优化"],
      pricing: { model: "per-call", description: "授权运营场景内按接口调用计费，每千次 20 元" },
    },
    management: {
      classification: { level: "general", basis: `${CLASSIFICATION_BASIS}；汇总统计数据，不含个人信息` },
      securityMeasures: ["在公共数据授权运营平台的隐私计算环境中加工", "访问与调用日志留存 6 个月"],
      department: "长沙市数据资源管理局数据资源开发利用处",
      contact: { name: "周婷", phone: "0731-88665000", email: "zhouting@example.gov.cn" },
      reviewReports: [],
    },
  };
}

export function shipmentsCard(logistics: CardParty): AssetCard {
  return {
    schema: CARD_SCHEMA_ID,
    basic: {
      name: "芙蓉物流运单记录",
      description: "芙蓉物流长沙分拨中心的运单明细：发运与签收时间、起止网点、货物重量与体积、配送车辆类型，收件人信息已脱敏。",
      dataType: "structured",
      volume: "约 36 GB，4,200 万条运单",
      updateFrequency: "daily",
      source: "芙蓉物流运输管理系统（TMS）",
      timeSpan: { from: "2022-07-01", to: null },
      format: "CSV",
      industry: "交通运输、仓储和邮政业",
    },
    rights: {
      holder: logistics,
      processors: [],
      operators: [],
      restrictions: ["收件人信息不得还原", "不得向同业竞争企业提供运单明细"],
      pledge: null,
    },
    usage: {
      modes: ["api", "controllable-measurable"],
      scenarios: ["城市物流路径规划", "分拨中心运力调度"],
      pricing: { model: "per-volume", description: "按调用的运单条数计费，每万条 50 元" },
    },
    management: {
      classification: { level: "general", basis: `${CLASSIFICATION_BASIS}；企业经营数据，个人信息已脱敏` },
      securityMeasures: ["收件人姓名、电话经不可逆脱敏", "接口调用经 API 网关鉴权并计量"],
      department: "芙蓉物流信息技术部",
      contact: { name: "陈刚", phone: "0731-85551234", email: "chengang@example.com.cn" },
      reviewReports: [],
    },
  };
}

/** The product derived from both resources under their grants (the ids the demo made). */
export function productCard(
  operator: CardParty,
  sources: { traffic: bigint; shipments: bigint; publicGrant: bigint; enterpriseGrant: bigint },
): AssetCard {
  return {
    schema: CARD_SCHEMA_ID,
    basic: {
      name: "长沙城市物流路径指数",
      description: "融合道路交通流量与物流运单数据，按路段、时段给出城市配送通行时间指数与推荐路径，供物流企业调度系统调用。",
      dataType: "structured",
      volume: "约 800 万条路段时段指数",
      updateFrequency: "daily",
      source: `长沙市主城区道路交通流量数据（登记编号 ${sources.traffic}，授权 ${sources.publicGrant}）；芙蓉物流运单记录（登记编号 ${sources.shipments}，授权 ${sources.enterpriseGrant}）`,
      timeSpan: { from: "2025-01-01", to: null },
      format: "JSON（接口）、CSV（批量）",
      industry: "信息传输、软件和信息技术服务业",
    },
    rights: {
      holder: operator,
      processors: [],
      operators: [],
      restrictions: ["仅限城市物流路径规划场景使用", "不得反推单个路口或单个运单的原始数据"],
      pledge: null,
    },
    usage: {
      modes: ["usable-not-visible", "api"],
      scenarios: ["城市配送路径规划", "物流企业运力调度"],
      pricing: { model: "subscription", description: "按年订阅，每年 8 万元；按次调用每次 0.10 元" },
    },
    management: {
      classification: { level: "general", basis: `${CLASSIFICATION_BASIS}；由一般数据加工的统计指数` },
      securityMeasures: ["模型在隐私计算平台内训练，原始数据不出域", "接口调用按企业账户鉴权与限流"],
      department: "湘江数据运营有限公司产品运营部",
      contact: { name: "刘洋", phone: "0731-82228888", email: "liuyang@example.com.cn" },
      reviewReports: [],
    },
  };
}

/**
 * The product's card after a change registration: more data, a data exchange listing it as an operator, a
 * new scenario and a new security measure — a change in each of the four sections but the usage modes.
 */
export function productCardV2(operator: CardParty, sources: Parameters<typeof productCard>[1]): AssetCard {
  const v1 = productCard(operator, sources);
  return {
    ...v1,
    basic: { ...v1.basic, volume: "约 1,100 万条路段时段指数" },
    rights: { ...v1.rights, operators: [{ name: "湖南大数据交易所" }] },
    usage: { ...v1.usage, scenarios: [...v1.usage.scenarios, "冷链配送时效预测"] },
    management: { ...v1.management, securityMeasures: [...v1.management.securityMeasures, "指数输出经差分隐私处理"] },
  };
}

export function coldChainLogsCard(coldChain: CardParty): AssetCard {
  return {
    schema: CARD_SCHEMA_ID,
    basic: {
      name: "湘江冷链车厢温度日志（2026）",
      description: "湘江冷链 320 辆冷藏车车厢温湿度传感器每分钟读数，附车辆定位与开关门事件。",
      dataType: "semi-structured",
      volume: "约 90 GB，1.7 亿条读数",
      updateFrequency: "realtime",
      source: "湘江冷链车载温湿度传感器与车联网平台",
      timeSpan: { from: "2026-01-01", to: null },
      format: "JSON Lines",
      industry: "交通运输、仓储和邮政业",
    },
    rights: {
      holder: coldChain,
      processors: [],
      operators: [],
      restrictions: ["车辆定位仅以区县级精度对外提供"],
      pledge: null,
    },
    usage: {
      modes: ["controllable-measurable", "file-delivery"],
      scenarios: ["冷链食品安全追溯", "冷藏车能耗分析"],
      pricing: { model: "negotiated", description: "按项目协议定价" },
    },
    management: {
      classification: { level: "general", basis: `${CLASSIFICATION_BASIS}；企业生产经营数据` },
      securityMeasures: ["传输全程加密", "定位数据按区县粒度泛化"],
      department: "湘江冷链数字化中心",
      contact: { name: "黄丽", phone: "0731-84449999", email: "huangli@example.com.cn" },
      reviewReports: [],
    },
  };
}

/** The cold-chain enterprise's product under its sub-licence of the traffic data. */
export function licensedProductCard(coldChain: CardParty, sources: { traffic: bigint; subGrant: bigint }): AssetCard {
  return {
    schema: CARD_SCHEMA_ID,
    basic: {
      name: "长沙冷链配送路线风险指数",
      description: "基于道路交通流量数据，按路段、时段评估冷链配送的延误与断链风险，供冷链企业排线使用。",
      dataType: "structured",
      volume: "约 120 万条路段风险评分",
      updateFrequency: "weekly",
      source: `长沙市主城区道路交通流量数据（登记编号 ${sources.traffic}，转授权 ${sources.subGrant}）`,
      timeSpan: { from: "2025-01-01", to: null },
      format: "CSV",
      industry: "交通运输、仓储和邮政业",
    },
    rights: {
      holder: coldChain,
      processors: [],
      operators: [],
      restrictions: ["仅限转授权约定的城市物流路径场景", "不得再转授权"],
      pledge: null,
    },
    usage: {
      modes: ["raw-data-stays-in-domain", "file-delivery"],
      scenarios: ["冷链配送排线"],
      pricing: { model: "revenue-share", description: "按产品收入分成，向交通数据与转授权方支付许可费" },
    },
    management: {
      classification: { level: "general", basis: `${CLASSIFICATION_BASIS}；由一般数据加工的评分` },
      securityMeasures: ["在公共数据授权运营平台内加工，仅导出评分结果"],
      department: "湘江冷链数字化中心",
      contact: { name: "黄丽", phone: "0731-84449999", email: "huangli@example.com.cn" },
      reviewReports: [],
    },
  };
}

/** A Changsha appraisal firm's valuation of the product (收益法), dated `valuationDate` (the chain's day). */
export function productValuation(product: bigint, valuationDate: string): ValuationReport {
  return {
    schema: VALUATION_SCHEMA_ID,
    assetId: String(product),
    figure: "1250000.00",
    currency: "CNY",
    method: "income",
    valuationDate,
    valuer: "长沙星城资产评估事务所有限公司",
    basis: "收益法：以订阅与调用收入预测未来五年现金流，折现率 12%；参照《数据资产评估指导意见》（中评协〔2023〕17号）。",
  };
}
