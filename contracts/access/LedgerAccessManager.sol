// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title LedgerAccessManager
/// @notice The ledger's single role authority: OpenZeppelin's AccessManager, unchanged. Role ids are in
/// {Roles}; every grant and revocation is a `RoleGranted` / `RoleRevoked` event.
contract LedgerAccessManager is AccessManager {
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
