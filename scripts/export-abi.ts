import { writeFile } from "node:fs/promises";
import hre from "hardhat";

import { renderAbiModule } from "./abi/render.js";

const target = new URL("../ledger/abi.ts", import.meta.url);
await writeFile(target, await renderAbiModule(hre.artifacts));
console.log(`wrote ${target.pathname}`);
