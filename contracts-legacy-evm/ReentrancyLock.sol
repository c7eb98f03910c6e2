// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title ReentrancyLock (older-EVM build)
/// @notice The reentrancy lock of the contracts that move tokens, for chains older than Cancun.
/// @dev Twin of contracts/utils/ReentrancyLock.sol, kept outside Hardhat's sources so the default build never
/// sees it (the names would clash). `npm run build:evm` (scripts/evm/build.ts) compiles it in place of the
/// transient-storage lock, which needs EIP-1153 (TLOAD/TSTORE). OpenZeppelin's storage-based ReentrancyGuard
/// has the same `nonReentrant` modifier and `ReentrancyGuardReentrantCall()` error, so the ABI is unchanged;
/// each guarded call costs more gas (a storage write and its refund instead of transient storage).
// solhint-disable-next-line no-empty-blocks
abstract contract ReentrancyLock is ReentrancyGuard {}
