// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";
import {IPartyRegistry} from "./IPartyRegistry.sol";
import {IEvidenceLedger} from "./IEvidenceLedger.sol";

/// @title ILedgerRegistry
/// @notice The registry as the other ledger contracts see it: one contract ({AssetRegistry}) that holds the
/// assets ({IAssetRegistry}), the party book ({IPartyRegistry}) and every asset's evidence chain
/// ({IEvidenceLedger}).
// solhint-disable-next-line no-empty-blocks
interface ILedgerRegistry is IAssetRegistry, IPartyRegistry, IEvidenceLedger {}
