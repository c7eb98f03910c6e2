import { writeFile } from "node:fs/promises";
import { network } from "hardhat";

import { measureGas } from "../test/gas/measure.js";

/** Writes the committed gas snapshot: `npm run gas:snapshot` after a deliberate change in gas. */
const report = await measureGas(await network.create());
const target = new URL("../snapshots/gas.json", import.meta.url);
await writeFile(target, JSON.stringify(report, null, 2) + "\n");
console.table(report);
console.log(`wrote ${target.pathname}`);
