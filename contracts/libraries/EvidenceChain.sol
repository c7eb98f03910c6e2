// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title EvidenceChain
/// @notice The hash chain that fixes the evidence of an asset's whole life cycle (003 §21).
/// The encoding is specified in {IEvidenceLedger}; `ledger/evidence` is its TypeScript twin.
library EvidenceChain {
    /// @dev head_0: binds a chain to one asset of one registry on one network, so that a chain cannot
    /// be replayed as another asset's.
    function genesis(uint256 chainId, address registry, uint256 assetId) internal pure returns (bytes32) {
        return keccak256(abi.encode(chainId, registry, assetId));
    }

    /// @dev head_n = keccak256(abi.encode(head_{n-1}, n, kind, payloadHash, actor, timestamp)).
    function next(
        bytes32 previousHead,
        uint32 seq,
        bytes32 kind,
        bytes32 payloadHash,
        address actor,
        uint64 timestamp
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(previousHead, seq, kind, payloadHash, actor, timestamp));
    }
}
