// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title HollowToken
/// @notice A token whose `transferFrom` reports success and moves nothing, as a 100% fee would: a vault
/// that trusted the amount asked for would book revenue that never arrived. Tests only.
contract HollowToken is ERC20 {
    constructor() ERC20("Hollow Token", "HOL") {}

    function transferFrom(address, address, uint256) public pure override returns (bool) {
        return true;
    }
}
