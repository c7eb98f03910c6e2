import { getAddress } from "viem";

import type { PartyName } from "../certificates/index.js";
import type { AssetRecord } from "../state/index.js";
import { AssetKind, AssetStatus, Classification, DataCategory, enumName } from "../types.js";
import { bilingual, csvBytes } from "./csv.js";
import { shanghaiTime } from "./period.js";

/**
 * The asset catalog (数据资产目录, 001 "形成公共数据资产目录清单"; 004 "分类分级建立数据资产目录"): every
 * registered asset with its registration number, name, classes, status, holder and dates.
 */

interface Position {
  block: string;
  timestamp: string;
  tx: string;
}

export interface CatalogRow {
  assetId: string;
  /** The certificate's registration number: the asset id. */
  registrationNumber: string;
  /** `basic.name` of the current card, when its document is held; null otherwise. */
  name: string | null;
  kind: string;
  category: string;
  classification: string;
  status: string;
  holder: string;
  holderName: PartyName | null;
  applied: Position;
  issued: Position | null;
  /** The current card's hash, as recorded on chain. */
  cardHash: string;
}

/** Catalog filters, each an enum's value (ledger/types.ts) or a lower-case address; absent: any. */
export interface CatalogFilter {
  holder?: string | undefined;
  category?: number | undefined;
  classification?: number | undefined;
  kind?: number | undefined;
  status?: number | undefined;
}

/** The enums a catalog is filtered by, by query field. */
export const CATALOG_ENUMS = {
  category: DataCategory,
  classification: Classification,
  kind: AssetKind,
  // NONE is no asset's status: not a filter value.
  status: Object.fromEntries(Object.entries(AssetStatus).filter(([name]) => name !== "NONE")) as Omit<typeof AssetStatus, "NONE">,
} as const;

/** Whether `asset`, held by `holder` (resolved), passes the filter. */
export function catalogMatches(asset: AssetRecord, holder: string, filter: CatalogFilter): boolean {
  return (
    (filter.holder === undefined || holder.toLowerCase() === filter.holder) &&
    (filter.category === undefined || asset.category === filter.category) &&
    (filter.classification === undefined || asset.classification === filter.classification) &&
    (filter.kind === undefined || asset.kind === filter.kind) &&
    (filter.status === undefined || asset.status === filter.status)
  );
}

const position = (at: Position): Position => ({ block: at.block, timestamp: at.timestamp, tx: at.tx });

/** The catalog row of an asset, given its holder (resolved through successions), the holder's name and the card's name. */
export function catalogRow(asset: AssetRecord, holder: string, holderName: PartyName | null, name: string | null): CatalogRow {
  const card = asset.cards[asset.cards.length - 1]!;
  return {
    assetId: asset.assetId,
    registrationNumber: asset.assetId,
    name,
    kind: enumName(AssetKind, asset.kind),
    category: enumName(DataCategory, asset.category),
    classification: enumName(Classification, asset.classification),
    status: enumName(AssetStatus, asset.status),
    holder: getAddress(holder),
    holderName,
    applied: position(asset.applied),
    issued: asset.issued === null ? null : position(asset.issued),
    cardHash: card.cardHash,
  };
}

/** The `basic.name` of a card document (canonical JSON bytes); null when it has none. */
export function cardName(document: Uint8Array): string | null {
  try {
    const card = JSON.parse(new TextDecoder().decode(document)) as { basic?: { name?: unknown } };
    return typeof card.basic?.name === "string" ? card.basic.name : null;
  } catch {
    return null;
  }
}

const CATALOG_COLUMNS: readonly { zh: string; en: string; value: (row: CatalogRow) => string }[] = [
  { zh: "登记编号", en: "Registration No.", value: (row) => row.registrationNumber },
  { zh: "资产名称", en: "Name", value: (row) => row.name ?? "" },
  { zh: "资产类型", en: "Kind", value: (row) => row.kind },
  { zh: "数据类别", en: "Category", value: (row) => row.category },
  { zh: "分级", en: "Classification", value: (row) => row.classification },
  { zh: "状态", en: "Status", value: (row) => row.status },
  { zh: "持有人", en: "Holder", value: (row) => row.holder },
  { zh: "持有人名称", en: "Holder name (zh-CN)", value: (row) => row.holderName?.["zh-CN"] ?? "" },
  { zh: "持有人英文名称", en: "Holder name (en)", value: (row) => row.holderName?.en ?? "" },
  { zh: "申请时间(UTC+8)", en: "Applied", value: (row) => shanghaiTime(row.applied.timestamp) },
  { zh: "申请区块", en: "Applied block", value: (row) => row.applied.block },
  { zh: "申请交易", en: "Applied tx", value: (row) => row.applied.tx },
  { zh: "发证时间(UTC+8)", en: "Issued", value: (row) => (row.issued === null ? "" : shanghaiTime(row.issued.timestamp)) },
  { zh: "发证区块", en: "Issued block", value: (row) => row.issued?.block ?? "" },
  { zh: "发证交易", en: "Issued tx", value: (row) => row.issued?.tx ?? "" },
  { zh: "资产卡片哈希", en: "Card hash", value: (row) => row.cardHash },
];

/** The catalog as CSV: one bilingual header row, one row per asset. */
export function catalogCsv(rows: readonly CatalogRow[]): Uint8Array {
  return csvBytes([CATALOG_COLUMNS.map(bilingual), ...rows.map((row) => CATALOG_COLUMNS.map((column) => column.value(row)))]);
}
