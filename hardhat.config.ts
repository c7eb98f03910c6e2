import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    // Pinned to the contracts' pragma; compiled by the npm package `solc` (no compiler download here).
    // The IR pipeline: 1-4% less gas on most operations and 15% smaller contracts, for a slower build.
    version: "0.8.28",
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", viaIR: true },
  },
  test: {
    // Fuzz deeper in CI than locally, as v4-core's profiles do.
    // Invariants (the vault's conservation): 10,000 random sequences of 50 steps per invariant in CI,
    // about two minutes on two cores.
    solidity: {
      fuzz: { runs: process.env.CI ? 5_000 : 512 },
      invariant: { runs: process.env.CI ? 10_000 : 256, depth: 50 },
    },
  },
  paths: {
    tests: { mocha: "test", solidity: "test/solidity" },
  },
  networks: {
    // The embedded chain `npm start` serves over JSON-RPC on 127.0.0.1.
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // Any other EVM network, consortium or public: the RPC URL and the deployer's key come from the
    // environment or Hardhat's keystore (`npx hardhat keystore set LEDGER_DEPLOYER_KEY`), never from files.
    ledger: {
      type: "http",
      chainType: "generic",
      url: configVariable("LEDGER_RPC_URL"),
      accounts: [configVariable("LEDGER_DEPLOYER_KEY")],
    },
  },
});
