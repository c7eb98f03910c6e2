// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title GrantRights
/// @notice The bit set of rights an authorization grant carries.
library GrantRights {
    uint8 internal constant USE = 1 << 0;
    uint8 internal constant PROCESS = 1 << 1;
    uint8 internal constant OPERATE = 1 << 2;
    uint8 internal constant SUBLICENSE = 1 << 3;
    uint8 internal constant ALL = USE | PROCESS | OPERATE | SUBLICENSE;

    /// @dev True when `rights` is a non-empty set of known rights.
    function isValid(uint8 rights) internal pure returns (bool) {
        return rights != 0 && rights & ~ALL == 0;
    }

    /// @dev True when every right in `wanted` is in `held`.
    function includes(uint8 held, uint8 wanted) internal pure returns (bool) {
        return held & wanted == wanted;
    }
}
