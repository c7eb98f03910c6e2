import { readFile } from "node:fs/promises";

import { expect } from "chai";
import hre from "hardhat";

import { renderAbiModule } from "../scripts/abi/render.js";

describe("ledger/abi.ts", () => {
  it("matches the compiled contracts (run `npm run abi` after changing an interface)", async () => {
    const committed = await readFile(new URL("../ledger/abi.ts", import.meta.url), "utf8");
    expect(committed === (await renderAbiModule(hre.artifacts)), "ledger/abi.ts is stale: run `npm run abi`").to.equal(
      true,
    );
  });
});
