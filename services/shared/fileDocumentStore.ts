import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { keccak256, type Hex } from "viem";

import type { DocumentStore } from "./documentStore.js";

/**
 * Document stores: a directory of `<hash>.json` files (the node's), and a map (tests). Both take only a
 * lower-case 0x hash of 32 bytes as the name: a hash is a file name, never a path.
 */

const HASH = /^0x[0-9a-f]{64}$/;

function checkedHash(hash: string): Hex {
  if (!HASH.test(hash)) throw new TypeError(`not a document hash (0x and 64 lower-case hex digits): ${JSON.stringify(hash)}`);
  return hash as Hex;
}

/** What a store keeps under a hash is what hashes to it: bytes that do not are a caller's bug, refused. */
function checkedBytes(hash: string, bytes: Uint8Array): Uint8Array {
  const actual = keccak256(bytes);
  if (actual !== checkedHash(hash)) throw new TypeError(`the bytes hash to ${actual}, not ${hash}`);
  return bytes;
}

/** A stored file whose bytes do not hash to its name: edited or damaged on disk, never served. */
export class DocumentStoreCorruptError extends Error {
  override readonly name = "DocumentStoreCorruptError";
}

/**
 * `<dir>/<hash>.json`, each written to a temporary file in the same directory and renamed over its name,
 * so that a reader (or a crash) sees the whole document or none. Reads check the bytes against the hash:
 * the name is what the chain recorded, and a file edited on disk must not pass for it.
 */
export class FileDocumentStore implements DocumentStore {
  private constructor(readonly dir: string) {}

  /** Opens the store, creating its directory if missing. */
  static async open(dir: string): Promise<FileDocumentStore> {
    await mkdir(dir, { recursive: true });
    return new FileDocumentStore(dir);
  }

  private pathOf(hash: string): string {
    return join(this.dir, `${checkedHash(hash)}.json`);
  }

  async get(hash: Hex): Promise<Uint8Array | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(this.pathOf(hash)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    if (keccak256(bytes) !== hash) throw new DocumentStoreCorruptError(`${this.pathOf(hash)} does not hash to its name: the file was changed on disk`);
    return bytes;
  }

  async has(hash: Hex): Promise<boolean> {
    try {
      return (await stat(this.pathOf(hash))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }

  async put(hash: Hex, bytes: Uint8Array): Promise<void> {
    checkedBytes(hash, bytes);
    const target = this.pathOf(hash);
    // A dot file: never taken for a document by its name, whatever a crash leaves behind.
    const temporary = join(this.dir, `.${hash}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(temporary, bytes, { flush: true });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** The same in memory: for tests and for a node that keeps no documents across restarts. */
export class MemoryDocumentStore implements DocumentStore {
  private readonly documents = new Map<string, Uint8Array>();

  async get(hash: Hex): Promise<Uint8Array | undefined> {
    const bytes = this.documents.get(checkedHash(hash));
    return bytes === undefined ? undefined : bytes.slice();
  }

  async has(hash: Hex): Promise<boolean> {
    return this.documents.has(checkedHash(hash));
  }

  async put(hash: Hex, bytes: Uint8Array): Promise<void> {
    this.documents.set(hash, checkedBytes(hash, bytes).slice());
  }
}
