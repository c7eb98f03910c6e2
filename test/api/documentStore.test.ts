import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256, stringToBytes, type Hex } from "viem";

import { DocumentStoreCorruptError, FileDocumentStore, MemoryDocumentStore } from "../../services/shared/fileDocumentStore.js";

describe("document stores: content-addressed files and memory", () => {
  let dir: string;
  const bytes = stringToBytes('{"a":1}');
  const hash = keccak256(bytes);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "documents-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps <hash>.json and nothing else (the temporary file is renamed), and reads it back", async () => {
    const store = await FileDocumentStore.open(join(dir, "store"));
    expect(await store.has(hash)).to.equal(false);
    expect(await store.get(hash)).to.equal(undefined);
    await store.put(hash, bytes);
    expect(await readdir(join(dir, "store"))).to.deep.equal([`${hash}.json`]);
    expect(await readFile(join(dir, "store", `${hash}.json`), "utf8")).to.equal('{"a":1}');
    expect(await store.has(hash)).to.equal(true);
    expect(await store.get(hash)).to.deep.equal(bytes);
  });

  it("refuses a name that is not a lower-case 32-byte hash (no paths), and bytes that do not hash to it", async () => {
    for (const store of [await FileDocumentStore.open(dir), new MemoryDocumentStore()]) {
      for (const name of ["../etc/passwd", hash.toUpperCase(), hash.slice(0, 40), `${hash}/x`]) {
        let refused: unknown;
        await store.put(name as Hex, bytes).catch((error: unknown) => (refused = error));
        expect(refused, name).to.be.instanceOf(TypeError);
      }
      let mismatch: unknown;
      await store.put(hash, stringToBytes('{"a":2}')).catch((error: unknown) => (mismatch = error));
      expect((mismatch as Error).message).to.contain(`not ${hash}`);
      expect(await store.has(hash)).to.equal(false);
    }
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it("never serves a file changed on disk", async () => {
    const store = await FileDocumentStore.open(dir);
    await store.put(hash, bytes);
    await writeFile(join(dir, `${hash}.json`), '{"a":2}');
    let refused: unknown;
    await store.get(hash).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(DocumentStoreCorruptError);
  });
});
