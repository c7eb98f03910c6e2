// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ReentrantClaimer
/// @notice A party that is a contract and tries to claim twice: it sends a call to the vault and, when the
/// {ReentrantToken} hands it control during the payment, sends the same call again. It records how the
/// second call ended instead of failing, so that a test can see both the refusal and the first payment.
contract ReentrantClaimer {
    address public immutable VAULT;

    /// @notice Whether the re-entering call was attempted, whether it succeeded, and what it returned.
    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryResult;

    bytes private _call;

    error ReentrantClaimerCallFailed(bytes reason);

    constructor(address vault) {
        VAULT = vault;
    }

    /// @notice Sends `data` (an encoded vault call, e.g. `claim`) to the vault, from this contract.
    function attack(bytes calldata data) external {
        _call = data;
        reentered = false;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = VAULT.call(data);
        if (!ok) revert ReentrantClaimerCallFailed(result);
    }

    /// @notice The token's receive hook: re-sends the same call, once.
    function onTokensReceived() external {
        if (reentered || _call.length == 0) return;
        reentered = true;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = VAULT.call(_call);
        reentrySucceeded = ok;
        reentryResult = result;
    }
}
