/** The chain id Hardhat and anvil give their local chains by default (the embedded chain of `npm start`). */
export const DEV_CHAIN_ID = 31337;

/** How Hardhat (`HardhatNetwork/…`, its EDR runtime `edr/…`) and anvil (`anvil/v…`) answer `web3_clientVersion`. */
const DEV_NODE_CLIENT = /^(HardhatNetwork|edr|anvil)\//i;

/**
 * Whether a node says it is a local development node (Hardhat's or anvil's): the kind that unlocks the
 * well-known dev accounts and answers `evm_increaseTime` and `evm_mine`. A real network's client (Geth, Besu,
 * …) answers otherwise, or not at all.
 */
export function isDevNodeClient(clientVersion: string | undefined): boolean {
  return clientVersion !== undefined && DEV_NODE_CLIENT.test(clientVersion);
}
