import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import * as types from "../ledger/types.js";

/**
 * The Solidity enums and their TypeScript twins (`ledger/types.ts`): every enum the contracts declare
 * (mocks aside) lives in `contracts/types/LedgerTypes.sol`, and has a twin with the same members in the
 * same order (a member's value is its position, as the ABI encodes it).
 */

const CONTRACTS = fileURLToPath(new URL("../contracts/", import.meta.url));
const LEDGER_TYPES = "types/LedgerTypes.sol";
const EXCLUDED = ["mocks"];

interface SolidityEnum {
  name: string;
  members: string[];
  /** The declaring file, relative to contracts/. */
  file: string;
}

async function solidityFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!EXCLUDED.includes(relative(CONTRACTS, path))) files.push(...(await solidityFiles(path)));
    } else if (entry.name.endsWith(".sol")) {
      files.push(path);
    }
  }
  return files.sort();
}

/** Source without comments (strings in these files never hold comment markers or braces of enums). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
}

function enumsOf(source: string, file: string): SolidityEnum[] {
  const found: SolidityEnum[] = [];
  for (const match of stripComments(source).matchAll(/\benum\s+([A-Za-z_$][\w$]*)\s*\{([^}]*)\}/g)) {
    const members = match[2]!
      .split(",")
      .map((member) => member.trim())
      .filter((member) => member !== "");
    found.push({ name: match[1]!, members, file });
  }
  return found;
}

async function solidityEnums(): Promise<SolidityEnum[]> {
  const found: SolidityEnum[] = [];
  for (const path of await solidityFiles(CONTRACTS)) {
    found.push(...enumsOf(await readFile(path, "utf8"), relative(CONTRACTS, path).split("\\").join("/")));
  }
  return found;
}

const twins = types as unknown as Readonly<Record<string, Readonly<Record<string, number>> | undefined>>;

describe("enums: Solidity and TypeScript", () => {
  it("finds the contracts' enums", async () => {
    const enums = await solidityEnums();
    // A parser that finds nothing would pass every other check.
    expect(enums.map((declared) => declared.name)).to.include.members(["AssetStatus", "DisputeStatus", "Remedy"]);
    for (const declared of enums) expect(declared.members, declared.name).to.not.be.empty;
  });

  it("declares every enum once, in contracts/types/LedgerTypes.sol", async () => {
    const enums = await solidityEnums();
    const elsewhere = enums.filter((declared) => declared.file !== LEDGER_TYPES).map((declared) => `${declared.name} (${declared.file})`);
    expect(elsewhere, "enums declared outside contracts/types/LedgerTypes.sol").to.deep.equal([]);
    const names = enums.map((declared) => declared.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i), "enums declared twice").to.deep.equal([]);
  });

  it("has a twin in ledger/types.ts for each, with the same members in the same order", async () => {
    for (const declared of await solidityEnums()) {
      const twin = twins[declared.name];
      expect(twin, `ledger/types.ts has no ${declared.name} (contracts/${declared.file})`).to.be.an("object");
      const expected = Object.fromEntries(declared.members.map((member, position) => [member, position]));
      expect(Object.entries(twin!), `ledger/types.ts ${declared.name}`).to.deep.equal(Object.entries(expected));
    }
  });
});
