// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IEvidenceLedger
/// @notice Every state change that touches an asset extends that asset's evidence hash chain, so that an
/// arbitrator can replay the asset's events in order and prove that nothing was inserted, dropped or
/// altered (区块链存证, 003 §21).
///
/// The encoding, once and for all:
/// - `head_0 = keccak256(abi.encode(uint256 chainId, address registry, uint256 assetId))`
/// - `head_n = keccak256(abi.encode(bytes32 head_{n-1}, uint32 n, bytes32 kind, bytes32 payloadHash,
///   address actor, uint64 timestamp))`, with `n` counting from 1.
/// - `kind` is the topic0 (selector) of the domain event that caused the entry, emitted in the same
///   transaction just before `EvidenceAppended`.
/// - `payloadHash = keccak256(abi.encode(...))` of that domain event's arguments, indexed ones included,
///   in declaration order: anyone can recompute it from the decoded log.
/// - `actor` is the account that caused the change (for relayed signatures, the signer); `timestamp` is
///   the block timestamp.
interface IEvidenceLedger {
    /// @dev The evidence chain of `assetId` grew to `seq` entries and now ends in `head`.
    event EvidenceAppended(
        uint256 indexed assetId,
        uint32 indexed seq,
        bytes32 indexed kind,
        bytes32 payloadHash,
        address actor,
        uint64 timestamp,
        bytes32 head
    );

    /// @dev `writer` may (or may no longer) append evidence for the domain events it emits.
    event EvidenceWriterSet(address indexed writer, bool allowed);

    /// @dev `account` is not a contract allowed to append evidence.
    error EvidenceLedgerUnauthorizedWriter(address account);

    /// @notice Appends an entry to the evidence chain of `assetId` on behalf of another ledger contract.
    /// @dev Only evidence writers (the ledger's own contracts) may call it. The asset must exist.
    /// @param assetId The registration number.
    /// @param kind The selector of the domain event the caller just emitted.
    /// @param payloadHash keccak256 of the ABI encoding of that event's arguments.
    /// @param actor The account that caused the change.
    function appendEvidence(uint256 assetId, bytes32 kind, bytes32 payloadHash, address actor) external;

    /// @notice Allows or disallows a ledger contract to append evidence. Admin only.
    /// @param writer The contract.
    /// @param allowed Whether it may append.
    function setEvidenceWriter(address writer, bool allowed) external;

    /// @notice The length and the head of the evidence chain of `assetId`.
    /// @return seq The number of entries (0 for an unknown asset).
    /// @return head The current head (`head_0` when there are no entries).
    function evidenceHead(uint256 assetId) external view returns (uint32 seq, bytes32 head);

    /// @notice Whether `writer` may append evidence.
    function isEvidenceWriter(address writer) external view returns (bool);
}
