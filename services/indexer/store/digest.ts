import { createHash } from "node:crypto";

import { Level } from "level";
import type { Hex } from "viem";

import { EVENT, META_CURSOR, namespace, STATE } from "./keys.js";
import type { Cursor } from "./types.js";

/**
 * sha256 over the state namespace in key order, each key and value length-prefixed (4 bytes, big
 * endian): two stores have the same digest exactly when their reducer states are equal.
 */
export async function digestState(db: Level<string, string>): Promise<Hex> {
  const hash = createHash("sha256");
  const length = Buffer.alloc(4);
  const { gte, lt } = namespace(STATE);
  const range = { gte: Buffer.from(gte), lt: Buffer.from(lt), keyEncoding: "buffer", valueEncoding: "buffer" };
  for await (const [key, value] of db.iterator<Buffer, Buffer>(range)) {
    length.writeUInt32BE(key.length - STATE.length);
    hash.update(length).update(key.subarray(STATE.length));
    length.writeUInt32BE(value.length);
    hash.update(length).update(value);
  }
  return `0x${hash.digest("hex")}`;
}

export async function countEvents(db: Level<string, string>): Promise<number> {
  let n = 0;
  for await (const _ of db.keys(namespace(EVENT))) n++;
  return n;
}

/** Opens a store directory only to read its cursor, state digest and number of logs (tests, tools). */
export async function inspectStore(path: string): Promise<{ cursor: Cursor | undefined; digest: Hex; events: number }> {
  const db = new Level<string, string>(path, { keyEncoding: "utf8", valueEncoding: "utf8", createIfMissing: false });
  await db.open();
  try {
    const cursor = await db.get(META_CURSOR);
    return {
      cursor: cursor === undefined ? undefined : (JSON.parse(cursor) as Cursor),
      digest: await digestState(db),
      events: await countEvents(db),
    };
  } finally {
    await db.close();
  }
}
