import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The settlement token of the embedded chain and of tests: "Ledger Test Yuan", which anyone may mint.
 * Real deployments pass the address of their settlement token to the ProvenanceLedger module instead.
 */
export default buildModule("TestToken", (m) => {
  const token = m.contract("TestToken", []);
  return { token };
});
