// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title NoReturnToken
/// @notice A token whose `transfer`, `transferFrom` and `approve` return nothing, like USDT on Ethereum: a
/// caller that expects the ERC-20 `bool` fails to decode; SafeERC20 accepts it. Anyone may mint. Tests only.
contract NoReturnToken {
    string public constant name = "No Return Token"; // solhint-disable-line const-name-snakecase
    string public constant symbol = "NRT"; // solhint-disable-line const-name-snakecase
    uint8 public constant decimals = 2; // solhint-disable-line const-name-snakecase

    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error NoReturnTokenInsufficientBalance(address from, uint256 balance, uint256 value);
    error NoReturnTokenInsufficientAllowance(address owner, address spender, uint256 allowance, uint256 value);

    function mint(address to, uint256 value) external {
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function approve(address spender, uint256 value) external {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
    }

    function transfer(address to, uint256 value) external {
        _transfer(msg.sender, to, value);
    }

    function transferFrom(address from, address to, uint256 value) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < value) revert NoReturnTokenInsufficientAllowance(from, msg.sender, allowed, value);
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        _transfer(from, to, value);
    }

    function _transfer(address from, address to, uint256 value) private {
        uint256 balance = balanceOf[from];
        if (balance < value) revert NoReturnTokenInsufficientBalance(from, balance, value);
        balanceOf[from] = balance - value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
