import { getJson, type Label } from "./api.js";

/**
 * The asset card's labels, read from the card's JSON Schema as the API serves it (`GET /schemas/asset-card`,
 * generated from ledger/cards/schema.ts): `x-label` on every field, `x-value-labels` on enumerations,
 * `x-restricted` on the sections only the holder, registrars and reviewers may read. The page reads the
 * published schema rather than bundling the zod one: the labels are the ones every client of the API sees,
 * and the bundle carries no validator it does not use (ledger/cards/card.ts, which walks the zod schema,
 * is written for Node: it measures documents with Buffer).
 */

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  "x-label"?: Label;
  "x-value-labels"?: Record<string, Label>;
  "x-restricted"?: boolean;
}

export type CardPath = (string | number)[];

/** `rights.processors[1].grantId` → ["rights", "processors", 1, "grantId"] (the API's CardChange paths). */
export function parsePath(path: string): CardPath {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((match) => (match[1] === undefined ? match[2]! : Number(match[1])));
}

/** The schema under a nullable (`anyOf: [schema, {type: "null"}]`): where its properties or items are. */
function unwrap(schema: JsonSchema): JsonSchema {
  if (schema.anyOf === undefined) return schema;
  return schema.anyOf.find((branch) => branch.type !== "null") ?? schema;
}

interface CardSectionInfo {
  name: string;
  label: Label;
  restricted: boolean;
}

export class CardSchema {
  constructor(private readonly root: JsonSchema) {}

  /** The card's sections in the schema's order (basic, rights, usage, management): the object-valued properties. */
  sections(): CardSectionInfo[] {
    return Object.entries(this.root.properties ?? {})
      .filter(([, schema]) => unwrap(schema).type === "object")
      .map(([name, schema]) => ({ name, label: schema["x-label"] ?? { en: name, "zh-CN": name }, restricted: schema["x-restricted"] === true }));
  }

  /** The schema of the field at `path` (numbers: array elements), or undefined for a field the schema does not know. */
  at(path: CardPath): JsonSchema | undefined {
    let schema: JsonSchema | undefined = this.root;
    for (const part of path) {
      if (schema === undefined) return undefined;
      const inner: JsonSchema = unwrap(schema);
      schema = typeof part === "number" ? inner.items : inner.properties?.[part];
    }
    return schema;
  }

  /** The field names of the object at `path`, in the schema's order. */
  fieldsOf(path: CardPath): string[] {
    const schema = this.at(path);
    return schema === undefined ? [] : Object.keys(unwrap(schema).properties ?? {});
  }

  /** A field's own label (not its parents'); its name when the schema has none. */
  label(path: CardPath): Label {
    const last = path.at(-1);
    if (typeof last === "number") return { en: `#${last + 1}`, "zh-CN": `第${last + 1}项` };
    return this.at(path)?.["x-label"] ?? { en: String(last ?? ""), "zh-CN": String(last ?? "") };
  }

  /**
   * The label of an enumerated value: the field's own `x-value-labels`, or its items' when the field is a
   * list of enumerated values (usage modes).
   */
  valueLabel(path: CardPath, value: string): Label | undefined {
    const schema = this.at(path);
    if (schema === undefined) return undefined;
    const inner = unwrap(schema);
    return inner["x-value-labels"]?.[value] ?? (inner.items === undefined ? undefined : unwrap(inner.items)["x-value-labels"]?.[value]);
  }

  /** The label of a whole section (`management` → 管理信息). */
  sectionLabel(name: string): Label {
    return this.root.properties?.[name]?.["x-label"] ?? { en: name, "zh-CN": name };
  }
}

let loading: Promise<CardSchema> | undefined;

/** The card schema, asked of the API once per page load (again after a failure). */
export function cardSchema(): Promise<CardSchema> {
  loading ??= getJson<JsonSchema>("/schemas/asset-card").then(
    (root) => new CardSchema(root),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
