// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantToken
/// @notice A token with a receive hook, like ERC-777: after a transfer to the `hooked` account it calls
/// `onTokensReceived()` on it, handing control to the recipient in the middle of the sender's call. Anyone
/// may mint and set the hook. Tests only.
contract ReentrantToken is ERC20 {
    /// @notice The account whose receipts call back into it (zero: none).
    address public hooked;

    error ReentrantTokenHookFailed(bytes reason);

    constructor() ERC20("Reentrant Token", "RET") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setHooked(address account) external {
        hooked = account;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (to != address(0) && to == hooked) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory reason) = to.call(abi.encodeWithSignature("onTokensReceived()"));
            if (!ok) revert ReentrantTokenHookFailed(reason);
        }
    }
}
