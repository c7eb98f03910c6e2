// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccessManager} from "../../contracts/access/LedgerAccessManager.sol";
import {AssetRegistry} from "../../contracts/registry/AssetRegistry.sol";
import {GrantRegistry} from "../../contracts/grants/GrantRegistry.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";
import {GrantRights} from "../../contracts/libraries/GrantRights.sol";
import {
    Application,
    AssetKind,
    Classification,
    DataCategory,
    GrantTerms,
    ParentLink,
    PartyKind,
    ScopeKind,
    UsageMode
} from "../../contracts/types/LedgerTypes.sol";

/// @dev The few cheatcodes these tests use (forge-std is not available here).
interface IVm {
    function prank(address sender) external;
    function warp(uint256 timestamp) external;
}

/// @dev Sub-grants can only narrow: a sub-grant is accepted exactly when its terms are inside the parent's,
/// and whatever a sub-grant authorizes, its parent authorizes too.
contract GrantNarrowingTest {
    error AcceptedSubGrantThatIsNotNarrower();
    error RefusedNarrowerSubGrant();
    error SubGrantAuthorizedMoreThanItsParent();

    IVm private constant VM = IVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address private constant HOLDER = address(0x1001);
    address private constant GRANTEE = address(0x1002);
    address private constant SUBGRANTEE = address(0x1003);
    bytes32 private constant DOMAIN = keccak256("domain:transport");
    uint64 private constant START = 1_000_000;
    uint64 private constant END = START + 1_000 days;

    AssetRegistry private registry;
    GrantRegistry private grants;
    uint256 private assetId;
    uint256 private parentId;

    function setUp() public {
        VM.warp(START - 1 minutes);
        LedgerAccessManager manager = new LedgerAccessManager(address(this));
        registry = new AssetRegistry(manager, 1 minutes);
        grants = new GrantRegistry(manager, registry);
        registry.setGrantRegistry(address(grants));
        registry.setEvidenceWriter(address(grants), true);
        manager.grantRole(Roles.REGISTRAR, address(this), 0);
        registry.registerParty(HOLDER, PartyKind.ENTERPRISE, bytes32(0));
        registry.registerParty(GRANTEE, PartyKind.ENTERPRISE, bytes32(0));
        registry.registerParty(SUBGRANTEE, PartyKind.ENTERPRISE, bytes32(0));

        VM.prank(HOLDER);
        assetId = registry.fileApplication(
            Application({
                kind: AssetKind.RESOURCE,
                category: DataCategory.ENTERPRISE,
                classification: Classification.GENERAL,
                fingerprint: keccak256("data"),
                cardHash: keccak256("card"),
                cardURI: "",
                parents: new ParentLink[](0)
            })
        );
        registry.acceptApplication(assetId);
        VM.warp(START);
        registry.issueCertificate(assetId);

        // The parent: every right but OPERATE, DOMAIN scope, API mode, for the whole test window.
        VM.prank(HOLDER);
        parentId = grants.grant(
            GrantTerms({
                grantee: GRANTEE,
                assetId: assetId,
                rights: GrantRights.USE | GrantRights.PROCESS | GrantRights.SUBLICENSE,
                scopeKind: ScopeKind.DOMAIN,
                scopeData: DOMAIN,
                purposeHash: bytes32(0),
                usageMode: UsageMode.API,
                validFrom: START,
                validUntil: END,
                royaltyBps: 100
            })
        );
    }

    function testFuzzSubGrantAcceptedExactlyWhenNarrower(
        uint8 rights,
        uint8 scopeKindSeed,
        bool sameDomain,
        uint8 modeSeed,
        uint32 fromOffset,
        uint32 untilOffset
    ) public {
        GrantTerms memory terms = _terms(rights, scopeKindSeed, sameDomain, modeSeed, fromOffset, untilOffset);
        bool wellFormed = GrantRights.isValid(terms.rights) &&
            terms.validFrom < terms.validUntil &&
            terms.validUntil > block.timestamp;
        bool narrower = (terms.rights & ~(GrantRights.USE | GrantRights.PROCESS | GrantRights.SUBLICENSE)) == 0 &&
            terms.validFrom >= START &&
            terms.validUntil <= END &&
            uint8(terms.usageMode) >= uint8(UsageMode.API) &&
            terms.scopeKind == ScopeKind.DOMAIN &&
            terms.scopeData == DOMAIN;

        VM.prank(GRANTEE);
        try grants.subGrant(parentId, terms) {
            if (!(wellFormed && narrower)) revert AcceptedSubGrantThatIsNotNarrower();
        } catch {
            if (wellFormed && narrower) revert RefusedNarrowerSubGrant();
        }
    }

    function testFuzzSubGrantAuthorizesNothingItsParentDoesNot(
        uint8 rights,
        uint8 modeSeed,
        uint32 fromOffset,
        uint32 untilOffset,
        uint8 queryRights,
        uint8 queryScopeSeed,
        bool queryOwnDomain,
        uint32 queryOffset
    ) public {
        GrantTerms memory terms = _terms(rights, 1, true, modeSeed, fromOffset, untilOffset);
        uint256 subId;
        VM.prank(GRANTEE);
        try grants.subGrant(parentId, terms) returns (uint256 id) {
            subId = id;
        } catch {
            return; // not a valid sub-grant: covered by the test above
        }
        ScopeKind queryScope = ScopeKind(queryScopeSeed % 3);
        bytes32 queryData = queryScope == ScopeKind.WHOLE ? bytes32(0) : (queryOwnDomain ? DOMAIN : keccak256("other"));
        uint64 at = START + (queryOffset % (END - START + 10 days));
        if (grants.isAuthorized(SUBGRANTEE, queryRights, assetId, queryScope, queryData, at, subId)) {
            if (!grants.isAuthorized(GRANTEE, queryRights, assetId, queryScope, queryData, at, parentId)) {
                revert SubGrantAuthorizedMoreThanItsParent();
            }
        }
    }

    function _terms(
        uint8 rights,
        uint8 scopeKindSeed,
        bool sameDomain,
        uint8 modeSeed,
        uint32 fromOffset,
        uint32 untilOffset
    ) private view returns (GrantTerms memory) {
        ScopeKind scopeKind = ScopeKind(scopeKindSeed % 3);
        bytes32 scopeData = scopeKind == ScopeKind.WHOLE ? bytes32(0) : (sameDomain ? DOMAIN : keccak256("elsewhere"));
        // Windows around the parent's: starting up to 10 days before it, ending up to 10 days after it.
        uint64 validFrom = START - 10 days + (fromOffset % (END - START + 20 days));
        uint64 validUntil = START - 10 days + (untilOffset % (END - START + 20 days));
        return
            GrantTerms({
                grantee: SUBGRANTEE,
                assetId: assetId,
                rights: rights & 0x1f,
                scopeKind: scopeKind,
                scopeData: scopeData,
                purposeHash: bytes32(0),
                usageMode: UsageMode(modeSeed % 3),
                validFrom: validFrom,
                validUntil: validUntil,
                royaltyBps: 0
            });
    }
}
