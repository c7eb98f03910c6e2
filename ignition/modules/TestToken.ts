import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Artifact } from "@nomicfoundation/ignition-core";

/**
 * The settlement token of the embedded chain and of tests: "Ledger Test Yuan", which anyone may mint.
 * Real deployments pass the address of their settlement token to the ProvenanceLedger module instead.
 */
export default testTokenModule();

/** The same module, with the token's code from `artifact` if given (the older-EVM build of scripts/evm/build.ts). */
export function testTokenModule(artifact?: Artifact) {
  return buildModule("TestToken", (m) => {
    const token = artifact === undefined ? m.contract("TestToken", []) : m.contract("TestToken", artifact, []);
    return { token };
  });
}
