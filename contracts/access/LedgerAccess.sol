// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

/// @title LedgerAccess
/// @notice Role checks against the ledger's single OpenZeppelin AccessManager, which holds every role
/// (see {Roles}) for every ledger contract, so that "who is a registrar" has one answer.
/// @dev The contracts ask the manager `hasRole` for a fixed role per action instead of using
/// `AccessManaged.restricted`: which role may issue a certificate is a rule of the registry, not a
/// deployment setting, and the direct check costs one call instead of three storage reads and a call.
///
/// The manager's own rules keep the meaning AccessManager documents:
/// - a role granted with a grant delay counts only from the time the grant takes effect (`hasRole` says so);
/// - a role granted with an execution delay would require every action of that member to be scheduled in the
///   manager first. The ledger's actions are not routed through the manager's schedule, so a member with an
///   execution delay is refused ({LedgerAccessExecutionDelay}) rather than allowed at once: grant ledger roles
///   with an execution delay of 0, and use the role's grant delay to make new members wait;
/// - a closed target ("closed disabling any access") refuses every action that needs a role on it, the
///   admin's included ({LedgerAccessTargetClosed}), as `AccessManaged.restricted` functions do. Actions that
///   need no role (a party's own filings, grants, claims) are not restricted functions and go on.
abstract contract LedgerAccess {
    IAccessManager private immutable _ACCESS_MANAGER;

    /// @dev `account` lacks role `roleId` (see {Roles}).
    error LedgerAccessUnauthorized(address account, uint64 roleId);
    /// @dev `account` holds `roleId` with an execution delay, which the ledger does not support (see above).
    error LedgerAccessExecutionDelay(address account, uint64 roleId, uint32 executionDelay);
    /// @dev The AccessManager closed this contract: no action that needs a role may run.
    error LedgerAccessTargetClosed(address target);
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

    /// @dev Whether `account` may act with `roleId` now: a member whose membership took effect, without an
    /// execution delay. Callers that authorize an action with it also call {_requireOpen}.
    function _hasRole(uint64 roleId, address account) internal view returns (bool) {
        (bool isMember, uint32 executionDelay) = _ACCESS_MANAGER.hasRole(roleId, account);
        return isMember && executionDelay == 0;
    }

    /// @dev Reverts unless the caller may act with `roleId` now and the contract is open.
    function _checkRole(uint64 roleId) internal view {
        (bool isMember, uint32 executionDelay) = _ACCESS_MANAGER.hasRole(roleId, msg.sender);
        if (!isMember) revert LedgerAccessUnauthorized(msg.sender, roleId);
        if (executionDelay != 0) revert LedgerAccessExecutionDelay(msg.sender, roleId, executionDelay);
        _requireOpen();
    }

    /// @dev Reverts when the AccessManager closed this contract.
    function _requireOpen() internal view {
        if (_ACCESS_MANAGER.isTargetClosed(address(this))) revert LedgerAccessTargetClosed(address(this));
    }
}
