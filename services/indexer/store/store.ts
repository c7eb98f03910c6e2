import { Level } from "level";
import type { Hex } from "viem";

import { StoreError } from "../errors.js";
import { countBlockLogs, decodeBlockLogs, encodeBlockLogs } from "./blockLogs.js";
import {
  blockOfEventsKey,
  EVENT,
  eventsKey,
  HASH,
  hashKey,
  META_CONFIG,
  META_CURSOR,
  META_SAFE,
  META_WIPE,
  namespace,
  STATE,
  stateKey,
  UNDO,
  undoKey,
} from "./keys.js";
import { countEvents, digestState } from "./digest.js";
import type { Cursor, Store, StoredEvent, StoreOptions, StoreReader } from "./types.js";

export type { Cursor, Store } from "./types.js";

interface LevelError extends Error {
  code?: string;
  cause?: unknown;
}

function isLocked(error: unknown): boolean {
  for (let e = error as LevelError | undefined, i = 0; e !== undefined && i < 5; e = e.cause as LevelError | undefined, i++) {
    if (e?.code === "LEVEL_LOCKED") return true;
  }
  return false;
}

type SyncGet = { getSync(key: string): string | undefined };
type Reads = Omit<StoreReader, "cursor">;

/** The reads of a store, over its own encoding. */
function reads(db: Level<string, string>, syncDb: SyncGet): Reads {
  return {
    readState: (key) => syncDb.getSync(stateKey(key)),
    async *stateEntries(prefix, { after, limit } = {}) {
      const upper = `${stateKey(prefix)}\uffff`;
      const range = after !== undefined && after >= prefix ? { gt: stateKey(after), lt: upper } : { gte: stateKey(prefix), lt: upper };
      for await (const [key, value] of db.iterator({ ...range, ...(limit === undefined ? {} : { limit }) })) {
        yield [key.slice(STATE.length), value];
      }
    },
    async *events({ fromBlock = 0 } = {}) {
      for await (const [key, value] of db.iterator({ gte: eventsKey(fromBlock), lt: "e;" })) yield* decodeBlockLogs(blockOfEventsKey(key), value);
    },
    async logsOfBlocks(blocks) {
      const logs: StoredEvent[] = [];
      for (const block of [...new Set(blocks)].sort((a, b) => a - b)) {
        const value = syncDb.getSync(eventsKey(block));
        if (value !== undefined) logs.push(...decodeBlockLogs(block, value));
      }
      return logs;
    },
    async lastLogAtOrBefore(block) {
      for await (const [key, value] of db.iterator({ gte: EVENT, lt: eventsKey(block + 1), reverse: true, limit: 1 })) {
        return decodeBlockLogs(blockOfEventsKey(key), value).at(-1);
      }
      return undefined;
    },
  };
}

/**
 * Opens (creating it if needed) the indexer's LevelDB. LevelDB's LOCK file is held with an fcntl
 * lock, which the OS releases when the process dies, even by SIGKILL: a restart needs no unlock.
 * A second live process gets a clear `StoreError`.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const db = new Level<string, string>(options.path, { keyEncoding: "utf8", valueEncoding: "utf8" });
  try {
    await db.open();
  } catch (error) {
    if (isLocked(error)) {
      throw new StoreError(`the store ${options.path} is in use by another process (LevelDB LOCK held)`, { cause: error });
    }
    throw new StoreError(`cannot open the store ${options.path}`, { cause: error });
  }
  // `level` resolves to classic-level on Node, which reads synchronously; reducers read per event.
  const syncDb = db as unknown as SyncGet;
  if (typeof syncDb.getSync !== "function") throw new StoreError("the store needs classic-level's getSync");
  const getSync = (key: string) => syncDb.getSync(key);
  const live = reads(db, syncDb);
  const writeOptions = { sync: options.sync ?? false };
  const initialCursor: Cursor = { number: options.initialBlock, hash: null };

  let cursor: Cursor = initialCursor;
  let safe = options.initialBlock;
  let writeSeq = 0;
  /** Runs a write (the batch and the in-memory bookkeeping after it) inside the seqlock. */
  async function writing<T>(write: () => Promise<T>): Promise<T> {
    writeSeq += 1;
    try {
      return await write();
    } finally {
      writeSeq += 1;
    }
  }
  const hashes = new Map<number, Hex>();
  const undoBlocks = new Set<number>();

  function wipe(reason: string): Promise<void> {
    return writing(() => wipeNow(reason));
  }

  async function wipeNow(reason: string): Promise<void> {
    await db.put(META_WIPE, reason, writeOptions);
    await db.clear({ lt: "m:" });
    await db.clear({ gt: "m;" });
    await db.batch(
      [
        { type: "del", key: META_WIPE },
        { type: "put", key: META_CONFIG, value: options.fingerprint },
        { type: "put", key: META_CURSOR, value: JSON.stringify(initialCursor) },
        { type: "put", key: META_SAFE, value: String(options.initialBlock) },
      ],
      writeOptions,
    );
    cursor = initialCursor;
    safe = options.initialBlock;
    hashes.clear();
    undoBlocks.clear();
  }

  const unfinishedWipe = await db.get(META_WIPE);
  const storedConfig = await db.get(META_CONFIG);
  if (unfinishedWipe !== undefined || storedConfig !== options.fingerprint) {
    await wipe(unfinishedWipe ?? (storedConfig === undefined ? "new store" : "configuration changed"));
  } else {
    cursor = JSON.parse((await db.get(META_CURSOR)) ?? JSON.stringify(initialCursor)) as Cursor;
    safe = Number((await db.get(META_SAFE)) ?? options.initialBlock);
    for await (const [key, value] of db.iterator(namespace(HASH))) hashes.set(Number.parseInt(key.slice(2), 16), value as Hex);
    for await (const key of db.keys(namespace(UNDO))) undoBlocks.add(Number.parseInt(key.slice(2), 16));
  }

  return {
    db,
    get cursor() {
      return cursor;
    },
    get safe() {
      return safe;
    },
    hashes,
    undoBlocks,
    ...live,
    get writeSeq() {
      return writeSeq;
    },

    async commitRange(commit) {
      if (commit.from !== cursor.number + 1) {
        throw new StoreError(`range ${commit.from}-${commit.to} does not follow the cursor ${cursor.number}`);
      }
      type Op = { type: "put"; key: string; value: string } | { type: "del"; key: string };
      const ops: Op[] = [];
      // The logs come in chain order: one entry per block.
      for (let start = 0; start < commit.logs.length; ) {
        const first = commit.logs[start]!;
        let end = start + 1;
        while (end < commit.logs.length && commit.logs[end]!.blockNumber === first.blockNumber) end++;
        const value = encodeBlockLogs(first.blockHash, commit.timestamps.get(first.blockNumber) ?? 0n, commit.logs.slice(start, end));
        ops.push({ type: "put", key: eventsKey(first.blockNumber), value });
        start = end;
      }
      for (const [key, value] of commit.state) {
        ops.push(value === null ? { type: "del", key: stateKey(key) } : { type: "put", key: stateKey(key), value });
      }
      for (const [block, record] of commit.undo) {
        if (record.size > 0) ops.push({ type: "put", key: undoKey(block), value: JSON.stringify([...record]) });
      }
      for (const [block, hash] of commit.hashes) ops.push({ type: "put", key: hashKey(block), value: hash });
      ops.push({ type: "put", key: hashKey(commit.to), value: commit.toHash });
      const newSafe = Math.max(safe, commit.safe);
      const prunedHashes = [...hashes.keys()].filter((n) => n < newSafe);
      const prunedUndo = [...undoBlocks].filter((n) => n <= newSafe);
      for (const n of prunedHashes) ops.push({ type: "del", key: hashKey(n) });
      for (const n of prunedUndo) ops.push({ type: "del", key: undoKey(n) });
      const newCursor: Cursor = {
        number: commit.to,
        hash: commit.toHash,
        ...(commit.toTimestamp === undefined ? {} : { timestamp: commit.toTimestamp.toString() }),
      };
      ops.push({ type: "put", key: META_CURSOR, value: JSON.stringify(newCursor) });
      ops.push({ type: "put", key: META_SAFE, value: String(newSafe) });

      await writing(async () => {
        await db.batch(ops, writeOptions);
        cursor = newCursor;
        safe = newSafe;
        for (const [block, hash] of commit.hashes) hashes.set(block, hash);
        hashes.set(commit.to, commit.toHash);
        for (const [block, record] of commit.undo) if (record.size > 0) undoBlocks.add(block);
        for (const n of prunedHashes) hashes.delete(n);
        for (const n of prunedUndo) undoBlocks.delete(n);
      });
    },

    async rollback(ancestor) {
      if (ancestor >= cursor.number) return { blocks: 0, events: 0 };
      if (ancestor < safe) throw new StoreError(`cannot roll back below the safe block ${safe} (to ${ancestor})`);
      const ancestorHash = hashes.get(ancestor) ?? null;
      if (ancestorHash === null && ancestor !== options.initialBlock) {
        throw new StoreError(`no stored hash for the rollback target ${ancestor}`);
      }
      type Op = { type: "put"; key: string; value: string } | { type: "del"; key: string };
      const ops: Op[] = [];
      // Newest block first, so that a key written by several blocks ends at its value before the oldest.
      const restore = new Map<string, string | null>();
      const blocks = [...undoBlocks].filter((n) => n > ancestor).sort((a, b) => b - a);
      for (const block of blocks) {
        const record = JSON.parse(getSync(undoKey(block)) ?? "[]") as [string, string | null][];
        for (const [key, prior] of record) restore.set(key, prior);
        ops.push({ type: "del", key: undoKey(block) });
      }
      for (const [key, prior] of restore) {
        ops.push(prior === null ? { type: "del", key: stateKey(key) } : { type: "put", key: stateKey(key), value: prior });
      }
      let events = 0;
      for await (const [key, value] of db.iterator({ gte: eventsKey(ancestor + 1), lt: "e;" })) {
        ops.push({ type: "del", key });
        events += countBlockLogs(value);
      }
      const droppedHashes = [...hashes.keys()].filter((n) => n > ancestor);
      for (const n of droppedHashes) ops.push({ type: "del", key: hashKey(n) });
      const newCursor: Cursor = { number: ancestor, hash: ancestorHash };
      ops.push({ type: "put", key: META_CURSOR, value: JSON.stringify(newCursor) });

      const depth = cursor.number - ancestor;
      await writing(async () => {
        await db.batch(ops, writeOptions);
        cursor = newCursor;
        for (const n of droppedHashes) hashes.delete(n);
        for (const n of blocks) undoBlocks.delete(n);
      });
      return { blocks: depth, events };
    },

    wipe,

    digestState: () => digestState(db),
    countEvents: (upToBlock) => countEvents(db, upToBlock),

    close: () => db.close(),
  };
}
