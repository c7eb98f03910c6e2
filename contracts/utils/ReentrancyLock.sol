// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title ReentrancyLock
/// @notice The reentrancy lock of the contracts that move tokens (RevenueVault, DisputeCourt).
/// @dev The one seam between the EVM targets. The default (Cancun) build keeps the lock in transient storage
/// (EIP-1153: TLOAD/TSTORE, cleared at the end of each transaction, the cheapest lock). Chains older than Cancun
/// have no transient storage, so the older-EVM build (`npm run build:evm`, scripts/evm/build.ts) compiles
/// contracts-legacy-evm/ReentrancyLock.sol in place of this file: the same contract name and error
/// (`ReentrancyGuardReentrantCall()`), the lock in ordinary storage. Nothing else differs between the builds.
// solhint-disable-next-line no-empty-blocks
abstract contract ReentrancyLock is ReentrancyGuardTransient {}
