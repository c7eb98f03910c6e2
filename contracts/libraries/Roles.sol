// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Roles
/// @notice Role ids in the ledger's OpenZeppelin AccessManager. Membership changes are the manager's
/// `RoleGranted` / `RoleRevoked` events, so every role change is on chain.
library Roles {
    /// @dev AccessManager.ADMIN_ROLE: configures the ledger and grants the other roles.
    uint64 internal constant ADMIN = 0;
    /// @dev 登记机构: records parties and issues, changes, transfers and cancels registrations.
    uint64 internal constant REGISTRAR = 1;
    /// @dev 第三方服务机构: attaches authenticity, compliance, audit, valuation and desensitization reports.
    uint64 internal constant REVIEWER = 2;
    /// @dev 数据管理部门: grants authorized operation of public data.
    uint64 internal constant DATA_AUTHORITY = 3;
    /// @dev 争议仲裁: rules on objections and disputes.
    uint64 internal constant ARBITRATOR = 4;
    /// @dev Posts revenue settlements (revenue vault).
    uint64 internal constant SETTLER = 5;
    /// @dev Held by the dispute court contract only: marks records disputed and carries out rulings.
    uint64 internal constant COURT = 6;
}
