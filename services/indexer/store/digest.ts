import { createHash } from "node:crypto";

import { Level } from "level";
import type { Hex } from "viem";

import { countBlockLogs } from "./blockLogs.js";
import { EVENT, eventsKey, META_CURSOR, namespace, STATE } from "./keys.js";
import type { Cursor } from "./types.js";

/**
 * The state digest's encoding: sha256 over the entries in key order, each key and value length-prefixed
 * (4 bytes, big endian). Two states have the same digest exactly when they hold the same entries. The
 * caller gives the entries in LevelDB's order (bytewise over the UTF-8 key): see `sortedBytewise`.
 */
export async function digestEntries(entries: Iterable<readonly [Uint8Array, Uint8Array]> | AsyncIterable<readonly [Uint8Array, Uint8Array]>): Promise<Hex> {
  const hash = createHash("sha256");
  const length = Buffer.alloc(4);
  for await (const [key, value] of entries) {
    length.writeUInt32BE(key.length);
    hash.update(length).update(key);
    length.writeUInt32BE(value.length);
    hash.update(length).update(value);
  }
  return `0x${hash.digest("hex")}`;
}

/**
 * String entries (an in-memory state) as UTF-8 bytes in LevelDB's key order: bytewise, which is not
 * JavaScript's code-unit order once a key holds characters beyond U+FFFF.
 */
export function sortedBytewise(entries: Iterable<readonly [string, string]>): [Buffer, Buffer][] {
  return [...entries].map(([key, value]) => [Buffer.from(key), Buffer.from(value)] as [Buffer, Buffer]).sort(([a], [b]) => Buffer.compare(a, b));
}

/**
 * The digest of a store's state namespace (keys without the namespace prefix): two stores have the same
 * digest exactly when their reducer states are equal. Reads one LevelDB iterator, i.e. one snapshot.
 */
export function digestState(db: Level<string, string>): Promise<Hex> {
  const { gte, lt } = namespace(STATE);
  const range = { gte: Buffer.from(gte), lt: Buffer.from(lt), keyEncoding: "buffer", valueEncoding: "buffer" };
  async function* unprefixed(): AsyncGenerator<readonly [Uint8Array, Uint8Array]> {
    for await (const [key, value] of db.iterator<Buffer, Buffer>(range)) yield [key.subarray(STATE.length), value];
  }
  return digestEntries(unprefixed());
}

/** The number of stored logs, all or those up to `upToBlock` inclusive (one scan over the blocks' entries). */
export async function countEvents(db: Level<string, string>, upToBlock?: number): Promise<number> {
  const range = upToBlock === undefined ? namespace(EVENT) : { gte: EVENT, lt: eventsKey(upToBlock + 1) };
  let n = 0;
  for await (const value of db.values(range)) n += countBlockLogs(value);
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
