// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice "Ledger Test Yuan" (LTY), the settlement token of tests and demos: 2 decimals, like the yuan and
/// its fen. Anyone may mint: for tests only, never deploy it as money.
contract TestToken is ERC20 {
    constructor() ERC20("Ledger Test Yuan", "LTY") {}

    /// @notice Mints `amount` to `to`. Anyone.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 2;
    }
}
