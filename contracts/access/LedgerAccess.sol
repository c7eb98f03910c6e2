// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

/// @title LedgerAccess
/// @notice Role checks against the ledger's single OpenZeppelin AccessManager, which holds every role
/// (see {Roles}) for every ledger contract, so that "who is a registrar" has one answer.
/// @dev The contracts ask the manager `hasRole` for a fixed role per action instead of using
/// `AccessManaged.restricted`: which role may issue a certificate is a rule of the registry, not a
/// deployment setting, and the direct check costs one call instead of three storage reads and a call.
abstract contract LedgerAccess {
    IAccessManager private immutable _ACCESS_MANAGER;

    /// @dev `account` lacks role `roleId` (see {Roles}).
    error LedgerAccessUnauthorized(address account, uint64 roleId);
    /// @dev A required address is zero.
    error LedgerAccessZeroAddress();

    constructor(IAccessManager accessManager_) {
        if (address(accessManager_) == address(0)) revert LedgerAccessZeroAddress();
        _ACCESS_MANAGER = accessManager_;
    }

    /// @notice The AccessManager holding the ledger's roles.
    function accessManager() public view returns (IAccessManager) {
        return _ACCESS_MANAGER;
    }

    function _hasRole(uint64 roleId, address account) internal view returns (bool isMember) {
        (isMember, ) = _ACCESS_MANAGER.hasRole(roleId, account);
    }

    function _checkRole(uint64 roleId) internal view {
        if (!_hasRole(roleId, msg.sender)) revert LedgerAccessUnauthorized(msg.sender, roleId);
    }
}
