// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @dev Measures the gas a contract pays to call a view of another contract, cold accesses included.
/// Test-only: used by the gas snapshot for checks such as `isAuthorized`.
contract GasProbe {
    /// @dev Emitted with the gas the call used.
    event Measured(uint256 gasUsed, bool success);

    function measure(address target, bytes calldata data) external returns (uint256 gasUsed) {
        uint256 before = gasleft();
        (bool success, ) = target.staticcall(data);
        gasUsed = before - gasleft();
        emit Measured(gasUsed, success);
    }
}
