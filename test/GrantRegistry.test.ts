import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { AbiCoder, keccak256, TypedDataEncoder, type ContractTransactionResponse, type Interface } from "ethers";
import { network } from "hardhat";
import type { Address } from "viem";

import { GRANT_EIP712_TYPES, grantEip712Domain } from "../ledger/grants/signing.js";
import { ROLE_IDS } from "../ledger/roles.js";
import { DataCategory, DisputeKind, GrantStatus, PartyKind, Remedy, Rights, ScopeKind, TransferReason, UsageMode } from "../ledger/types.js";
import {
  ANSWER_PERIOD,
  DAY,
  deployLedger,
  fileApplication,
  fundBonds,
  grantTerms,
  h,
  issueAsset,
  makeGrant,
  MIN_BOND,
  ZERO_HASH,
  type GrantTermsInput,
  type Ledger,
} from "./helpers/ledger.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const FINANCE = h("domain:finance");
const HEALTH = h("domain:health");
const ROUTING = h("scenario:routing");
const UINT40_MAX = 2n ** 40n - 1n;

// ------------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------------

interface World extends Ledger {
  /** ENTERPRISE-category asset held by alice. */
  assetId: bigint;
  /** A second ENTERPRISE-category asset held by alice. */
  otherAssetId: bigint;
  /** PUBLIC-category asset held by the institution. */
  publicAssetId: bigint;
}

interface WithGrant extends World {
  grantId: bigint;
  terms: GrantTermsInput;
}

interface WithChain extends World {
  /** alice -> bob (ALL, WHOLE) */
  top: bigint;
  /** bob -> carol (ALL, WHOLE) */
  middle: bigint;
  /** carol -> individual (USE, WHOLE) */
  bottom: bigint;
}

async function issuedAssets(): Promise<World> {
  const ledger = await deployLedger(connection);
  const assetId = await issueAsset(connection, ledger, ledger.alice);
  const otherAssetId = await issueAsset(connection, ledger, ledger.alice);
  const publicAssetId = await issueAsset(connection, ledger, ledger.institution, { category: DataCategory.PUBLIC });
  return { ...ledger, assetId, otherAssetId, publicAssetId };
}

/** alice grants bob USE | PROCESS on the whole asset, for a year from now, delivered raw. */
async function directGrant(): Promise<WithGrant> {
  const world = await issuedAssets();
  const terms = grantTerms(world.bob.address, world.assetId, Rights.USE | Rights.PROCESS, await latest());
  const grantId = await makeGrant(world, world.alice, terms);
  return { ...world, grantId, terms };
}

/** alice grants bob USE | PROCESS | SUBLICENSE on the finance domain through an API, 5% royalty. */
async function sublicensableGrant(): Promise<WithGrant> {
  const world = await issuedAssets();
  const terms = grantTerms(world.bob.address, world.assetId, Rights.USE | Rights.PROCESS | Rights.SUBLICENSE, await latest(), {
    scopeKind: ScopeKind.DOMAIN,
    scopeData: FINANCE,
    usageMode: UsageMode.API,
    royaltyBps: 500,
  });
  const grantId = await makeGrant(world, world.alice, terms);
  return { ...world, grantId, terms };
}

/** A three-level chain: alice -> bob -> carol -> individual. */
async function grantChain(): Promise<WithChain> {
  const world = await issuedAssets();
  const now = await latest();
  const top = await makeGrant(world, world.alice, grantTerms(world.bob.address, world.assetId, Rights.ALL, now));
  const middle = await makeSubGrant(world, world.bob, top, grantTerms(world.carol.address, world.assetId, Rights.ALL, now));
  const bottom = await makeSubGrant(
    world,
    world.carol,
    middle,
    grantTerms(world.individual.address, world.assetId, Rights.USE, now),
  );
  return { ...world, top, middle, bottom };
}

/** {directGrant}, ten days on: usage periods can lie in the grant's past. */
async function grantInUse(): Promise<WithGrant> {
  const world = await directGrant();
  await time.increase(10n * DAY);
  return world;
}

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

async function latest(): Promise<bigint> {
  return BigInt(await time.latest());
}

async function send(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
}

async function makeSubGrant(
  world: Ledger,
  grantor: HardhatEthersSigner,
  parentId: bigint,
  terms: GrantTermsInput,
): Promise<bigint> {
  await send(world.grants.connect(grantor).subGrant(parentId, terms));
  return world.grants.grantCount();
}

/** The terms as the ABI tuple (field order of `GrantTerms`), as events decode it. */
function termsTuple(t: GrantTermsInput): (string | bigint | number)[] {
  return [
    t.grantee,
    t.assetId,
    t.rights,
    t.scopeKind,
    t.scopeData,
    t.purposeHash,
    t.usageMode,
    t.validFrom,
    t.validUntil,
    t.royaltyBps,
  ];
}

function eventFragment(iface: Interface, eventName: string) {
  const fragment = iface.getEvent(eventName);
  if (fragment === null) throw new Error(`no event ${eventName}`);
  return fragment;
}

/** The evidence payload of a domain event: keccak256 of the ABI encoding of all its arguments, in order. */
function payloadHash(iface: Interface, eventName: string, args: readonly unknown[]): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(eventFragment(iface, eventName).inputs, args));
}

async function evidenceSeq(world: Ledger, assetId: bigint): Promise<bigint> {
  const [seq] = await world.registry.evidenceHead(assetId);
  return seq;
}

/** `tx` appended entry `seqBefore + 1` to the asset's evidence chain, for `eventName` with `args`, by `actor`. */
async function expectEvidence(
  world: Ledger,
  tx: ContractTransactionResponse,
  assetId: bigint,
  seqBefore: bigint,
  eventName: string,
  args: readonly unknown[],
  actor: string,
): Promise<void> {
  await tx.wait();
  const [seq, head] = await world.registry.evidenceHead(assetId);
  expect(seq).to.equal(seqBefore + 1n);
  await expect(tx)
    .to.emit(world.registry, "EvidenceAppended")
    .withArgs(
      assetId,
      seq,
      eventFragment(world.grants.interface, eventName).topicHash,
      payloadHash(world.grants.interface, eventName, args),
      actor,
      await latest(),
      head,
    );
}

/** getGrant as a plain object, numbers for the small fields. */
async function storedGrant(world: Ledger, grantId: bigint) {
  const g = await world.grants.getGrant(grantId);
  return {
    grantor: g.grantor,
    grantee: g.grantee,
    assetId: g.assetId,
    parentId: g.parentId,
    depth: Number(g.depth),
    rights: Number(g.rights),
    scopeKind: Number(g.scopeKind),
    scopeData: g.scopeData,
    usageMode: Number(g.usageMode),
    validFrom: g.validFrom,
    validUntil: g.validUntil,
    royaltyBps: Number(g.royaltyBps),
    status: Number(g.status),
  };
}

async function statusOf(world: Ledger, grantId: bigint): Promise<number> {
  return Number((await world.grants.getGrant(grantId)).status);
}

/** isAuthorized on the whole asset, now. */
async function authorizedNow(
  world: World,
  party: HardhatEthersSigner,
  rights: number,
  grantId: bigint,
  assetId: bigint = world.assetId,
): Promise<boolean> {
  return world.grants.isAuthorized(party.address, rights, assetId, ScopeKind.WHOLE, ZERO_HASH, await latest(), grantId);
}

async function succeed(world: Ledger, predecessor: HardhatEthersSigner, successor: HardhatEthersSigner): Promise<void> {
  await send(world.registry.connect(world.registrar).recordSuccession(predecessor.address, successor.address, h("merger")));
}

/**
 * `objector` objects to `assetId` the only way a party can: an OBJECTION dispute in the court, with the
 * minimum bond. Returns the dispute's id.
 */
async function objectThroughCourt(world: Ledger, objector: HardhatEthersSigner, assetId: bigint): Promise<bigint> {
  await fundBonds(world, [objector]);
  await send(world.disputeCourt.connect(objector).openDispute(DisputeKind.OBJECTION, assetId, 0n, 0n, MIN_BOND, h("grounds"), "ipfs://grounds"));
  return world.disputeCourt.disputeCount();
}

/** An arbitrator dismisses dispute `disputeId` once the respondent's time to answer is over. */
async function dismissInCourt(world: Ledger, disputeId: bigint): Promise<void> {
  await time.increase(ANSWER_PERIOD);
  await send(
    world.disputeCourt.connect(world.arbitrator).rule(disputeId, {
      remedy: Remedy.DISMISS,
      adjustedMeasure: 0n,
      transferTo: ethers.ZeroAddress,
      forfeitBond: false,
      rulingHash: h("dismissed"),
      rulingURI: "",
    }),
  );
}

async function cancelAsset(world: Ledger, assetId: bigint): Promise<void> {
  await send(world.registry.connect(world.registrar).cancel(assetId, h("cancelled")));
}

/** The Grant type of `GRANT_TYPEHASH`, as ethers takes it. */
const GRANT_TYPES = { Grant: [...GRANT_EIP712_TYPES.Grant] };

async function grantDomain(world: Ledger) {
  const chainId = (await ethers.provider.getNetwork()).chainId;
  return grantEip712Domain(chainId, (await world.grants.getAddress()) as Address);
}

async function grantMessage(world: Ledger, terms: GrantTermsInput, grantor: string, deadline: bigint) {
  return { grantor, ...terms, nonce: await world.grants.nonces(grantor), deadline };
}

/** `signer` signs the EIP-712 Grant of `terms` by `grantor`, with the grantor's current nonce. */
async function signGrant(
  world: Ledger,
  signer: HardhatEthersSigner,
  terms: GrantTermsInput,
  grantor: string,
  deadline: bigint,
): Promise<string> {
  return signer.signTypedData(await grantDomain(world), GRANT_TYPES, await grantMessage(world, terms, grantor, deadline));
}

// ------------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------------

describe("GrantRegistry", () => {
  describe("grant", () => {
    it("records a grant from the holder, discloses every term and extends the evidence chain", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, assetId } = world;
      const terms = grantTerms(bob.address, assetId, Rights.USE | Rights.PROCESS, await latest(), {
        scopeKind: ScopeKind.DOMAIN,
        scopeData: FINANCE,
        purposeHash: h("purpose:credit-scoring"),
        usageMode: UsageMode.API,
        royaltyBps: 250,
      });
      const seqBefore = await evidenceSeq(world, assetId);
      expect(await grants.grantCount()).to.equal(0n);

      const tx = await grants.connect(alice).grant(terms);

      await expect(tx)
        .to.emit(grants, "Granted")
        .withArgs(1n, assetId, bob.address, alice.address, 0n, termsTuple(terms));
      await expectEvidence(world, tx, assetId, seqBefore, "Granted", [1n, assetId, bob.address, alice.address, 0n, termsTuple(terms)], alice.address);
      expect(await grants.grantCount()).to.equal(1n);
      expect(await storedGrant(world, 1n)).to.deep.equal({
        grantor: alice.address,
        grantee: bob.address,
        assetId,
        parentId: 0n,
        depth: 0,
        rights: Rights.USE | Rights.PROCESS,
        scopeKind: ScopeKind.DOMAIN,
        scopeData: FINANCE,
        usageMode: UsageMode.API,
        validFrom: terms.validFrom,
        validUntil: terms.validUntil,
        royaltyBps: 250,
        status: GrantStatus.ACTIVE,
      });
      expect(await grants.isValid(1n)).to.equal(true);
    });

    it("numbers grants consecutively and returns the id", async () => {
      const { grants, alice, bob, carol, assetId } = await loadFixture(issuedAssets);
      const now = await latest();
      const first = grantTerms(bob.address, assetId, Rights.USE, now);
      expect(await grants.connect(alice).grant.staticCall(first)).to.equal(1n);
      await send(grants.connect(alice).grant(first));
      expect(await grants.connect(alice).grant.staticCall(grantTerms(carol.address, assetId, Rights.USE, now))).to.equal(2n);
    });

    it("lets a public-data authority grant a PUBLIC asset it does not hold", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, registry, authority, bob, publicAssetId } = world;
      expect(await registry.holderOf(publicAssetId)).to.not.equal(authority.address);
      const terms = grantTerms(bob.address, publicAssetId, Rights.USE | Rights.OPERATE, await latest());

      await expect(grants.connect(authority).grant(terms))
        .to.emit(grants, "Granted")
        .withArgs(1n, publicAssetId, bob.address, authority.address, 0n, termsTuple(terms));
      expect((await grants.getGrant(1n)).grantor).to.equal(authority.address);
      expect(await grants.isValid(1n)).to.equal(true);
    });

    it("lets the holder of a PUBLIC asset grant it too", async () => {
      const { grants, institution, bob, publicAssetId } = await loadFixture(issuedAssets);
      const terms = grantTerms(bob.address, publicAssetId, Rights.USE, await latest());
      await expect(grants.connect(institution).grant(terms)).to.emit(grants, "Granted");
    });

    it("refuses a public-data authority on an ENTERPRISE asset", async () => {
      const { grants, authority, bob, assetId } = await loadFixture(issuedAssets);
      const terms = grantTerms(bob.address, assetId, Rights.USE, await latest());
      await expect(grants.connect(authority).grant(terms))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, authority.address);
    });

    it("refuses a PUBLIC asset to a party without the DATA_AUTHORITY role, and to a role holder that is no party", async () => {
      const { grants, accessManager, admin, bob, carol, outsider, publicAssetId } = await loadFixture(issuedAssets);
      const terms = grantTerms(carol.address, publicAssetId, Rights.USE, await latest());
      await expect(grants.connect(bob).grant(terms))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(publicAssetId, bob.address);

      await send(accessManager.connect(admin).grantRole(ROLE_IDS.DATA_AUTHORITY, outsider.address, 0));
      await expect(grants.connect(outsider).grant(terms))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(publicAssetId, outsider.address);

      // The role alone is not enough: an enterprise given DATA_AUTHORITY is still no public-data authority.
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.DATA_AUTHORITY, bob.address, 0));
      await expect(grants.connect(bob).grant(terms))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(publicAssetId, bob.address);
    });

    it("refuses anyone but the holder", async () => {
      const { grants, bob, carol, outsider, registrar, admin, arbitrator, assetId } = await loadFixture(issuedAssets);
      const terms = grantTerms(carol.address, assetId, Rights.USE, await latest());
      for (const account of [bob, outsider, registrar, admin, arbitrator]) {
        await expect(grants.connect(account).grant(terms))
          .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
          .withArgs(assetId, account.address);
      }
    });

    it("follows the holder through succession", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, carol, assetId } = world;
      await succeed(world, alice, carol);
      const now = await latest();
      await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now)))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, alice.address);
      await expect(grants.connect(carol).grant(grantTerms(bob.address, assetId, Rights.USE, now)))
        .to.emit(grants, "Granted")
        .withArgs(1n, assetId, bob.address, carol.address, 0n, anyValue);
    });

    describe("refuses an asset that is not grantable", () => {
      it("unknown", async () => {
        const { grants, alice, bob } = await loadFixture(issuedAssets);
        await expect(grants.connect(alice).grant(grantTerms(bob.address, 99n, Rights.USE, await latest())))
          .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
          .withArgs(99n);
      });

      it("applied or in notice, not yet issued", async () => {
        const world = await loadFixture(issuedAssets);
        const { grants, registry, registrar, alice, bob } = world;
        const filed = await fileApplication(world, alice);
        await expect(grants.connect(alice).grant(grantTerms(bob.address, filed, Rights.USE, await latest())))
          .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
          .withArgs(filed);
        await send(registry.connect(registrar).acceptApplication(filed));
        await expect(grants.connect(alice).grant(grantTerms(bob.address, filed, Rights.USE, await latest())))
          .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
          .withArgs(filed);
      });

      it("cancelled", async () => {
        const world = await loadFixture(issuedAssets);
        const { grants, alice, bob, assetId } = world;
        await cancelAsset(world, assetId);
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, await latest())))
          .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
          .withArgs(assetId);
      });

      it("under objection, and grantable again once it is dismissed", async () => {
        const world = await loadFixture(issuedAssets);
        const { grants, registry, alice, bob, carol, assetId } = world;
        const disputeId = await objectThroughCourt(world, carol, assetId);
        expect((await registry.assetState(assetId)).underObjection).to.equal(true);
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, await latest())))
          .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
          .withArgs(assetId);
        await dismissInCourt(world, disputeId);
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, await latest()))).to.emit(
          grants,
          "Granted",
        );
      });
    });

    it("refuses a grant to oneself", async () => {
      const { grants, alice, assetId } = await loadFixture(issuedAssets);
      await expect(grants.connect(alice).grant(grantTerms(alice.address, assetId, Rights.USE, await latest())))
        .to.be.revertedWithCustomError(grants, "GrantRegistrySelfGrant")
        .withArgs(alice.address);
    });

    it("refuses a grantee that is not a live party: unregistered or succeeded", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, carol, outsider, assetId } = world;
      await expect(grants.connect(alice).grant(grantTerms(outsider.address, assetId, Rights.USE, await latest())))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotLiveParty")
        .withArgs(outsider.address);
      await succeed(world, bob, carol);
      await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, await latest())))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotLiveParty")
        .withArgs(bob.address);
    });

    it("refuses empty rights and unknown right bits", async () => {
      const { grants, alice, bob, assetId } = await loadFixture(issuedAssets);
      const now = await latest();
      for (const rights of [0, 16, Rights.ALL | 16, 32, 128, 255]) {
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, rights, now)))
          .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidRights")
          .withArgs(rights);
      }
      await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.ALL, now))).to.emit(grants, "Granted");
    });

    it("refuses WHOLE scope with scope data, and DOMAIN or SCENARIO scope without", async () => {
      const { grants, alice, bob, assetId } = await loadFixture(issuedAssets);
      const now = await latest();
      for (const [scopeKind, scopeData] of [
        [ScopeKind.WHOLE, FINANCE],
        [ScopeKind.DOMAIN, ZERO_HASH],
        [ScopeKind.SCENARIO, ZERO_HASH],
      ] as const) {
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { scopeKind, scopeData })))
          .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidScope")
          .withArgs(scopeKind, scopeData);
      }
      await expect(
        grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { scopeKind: ScopeKind.SCENARIO, scopeData: ROUTING })),
      ).to.emit(grants, "Granted");
    });

    describe("refuses an invalid window", () => {
      it("validFrom at or after validUntil", async () => {
        const { grants, alice, bob, assetId } = await loadFixture(issuedAssets);
        const now = await latest();
        for (const [validFrom, validUntil] of [
          [now + DAY, now + DAY],
          [now + 2n * DAY, now + DAY],
        ] as const) {
          await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { validFrom, validUntil })))
            .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidWindow")
            .withArgs(validFrom, validUntil);
        }
      });

      it("validUntil not in the future", async () => {
        const { grants, alice, bob, assetId } = await loadFixture(issuedAssets);
        const now = await latest();
        const past = { validFrom: now - 10n * DAY, validUntil: now - DAY };
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, past)))
          .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidWindow")
          .withArgs(past.validFrom, past.validUntil);

        // Ending exactly at the block's timestamp is not in the future; one second later is.
        const at = now + 100n;
        await time.setNextBlockTimestamp(at);
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { validUntil: at })))
          .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidWindow")
          .withArgs(now, at);
        await time.setNextBlockTimestamp(at + 1n);
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { validUntil: at + 2n }))).to.emit(
          grants,
          "Granted",
        );
      });

      it("validUntil beyond uint40", async () => {
        const { grants, alice, bob, assetId } = await loadFixture(issuedAssets);
        const now = await latest();
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { validUntil: UINT40_MAX + 1n })))
          .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidWindow")
          .withArgs(now, UINT40_MAX + 1n);
        await send(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { validUntil: UINT40_MAX })));
        expect((await grants.getGrant(1n)).validUntil).to.equal(UINT40_MAX);
      });
    });

    it("refuses a royalty above 10,000 basis points", async () => {
      const { grants, alice, bob, assetId } = await loadFixture(issuedAssets);
      const now = await latest();
      await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { royaltyBps: 10_001 })))
        .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidRoyalty")
        .withArgs(10_001);
      await send(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, now, { royaltyBps: 10_000 })));
      expect((await grants.getGrant(1n)).royaltyBps).to.equal(10_000n);
    });
  });

  describe("subGrant", () => {
    /** Terms equal to the parent's but for the grantee, with overrides. */
    function childTerms(world: WithGrant, grantee: HardhatEthersSigner, overrides: Partial<GrantTermsInput> = {}): GrantTermsInput {
      return { ...world.terms, grantee: grantee.address, ...overrides };
    }

    it("accepts equal terms from the parent's grantee, records depth and parent, and extends the evidence chain", async () => {
      const world = await loadFixture(sublicensableGrant);
      const { grants, bob, carol, assetId, grantId } = world;
      const terms = childTerms(world, carol);
      const seqBefore = await evidenceSeq(world, assetId);

      const tx = await grants.connect(bob).subGrant(grantId, terms);

      await expect(tx).to.emit(grants, "Granted").withArgs(2n, assetId, carol.address, bob.address, grantId, termsTuple(terms));
      await expectEvidence(world, tx, assetId, seqBefore, "Granted", [2n, assetId, carol.address, bob.address, grantId, termsTuple(terms)], bob.address);
      expect(await storedGrant(world, 2n)).to.deep.equal({
        grantor: bob.address,
        grantee: carol.address,
        assetId,
        parentId: grantId,
        depth: 1,
        rights: terms.rights,
        scopeKind: ScopeKind.DOMAIN,
        scopeData: FINANCE,
        usageMode: UsageMode.API,
        validFrom: terms.validFrom,
        validUntil: terms.validUntil,
        royaltyBps: 500,
        status: GrantStatus.ACTIVE,
      });
      expect(await grants.isValid(2n)).to.equal(true);
      expect(await grants.grantCount()).to.equal(2n);
    });

    it("accepts strictly narrower terms", async () => {
      const world = await loadFixture(sublicensableGrant);
      const { grants, bob, carol, grantId, terms: parent } = world;
      const terms = childTerms(world, carol, {
        rights: Rights.USE,
        usageMode: UsageMode.COMPUTE_IN_DOMAIN,
        validFrom: parent.validFrom + DAY,
        validUntil: parent.validUntil - DAY,
        // The most the sub-grantor may add on top of the parent's 500: royalties stack to 10,000 at most.
        royaltyBps: 9_500,
      });
      await expect(grants.connect(bob).subGrant(grantId, terms))
        .to.emit(grants, "Granted")
        .withArgs(2n, world.assetId, carol.address, bob.address, grantId, termsTuple(terms));
    });

    it("stacks royalties down the chain: refuses a sub-grant whose royalty and those above exceed 10,000 bps", async () => {
      const world = await loadFixture(sublicensableGrant);
      const { grants, bob, carol, individual, grantId } = world;
      // Before the audit each grant's royalty was checked on its own, so a sub-grant could take 10,000 bps
      // and leave the licensor above nothing; now the chain shares 10,000 at most.
      await expect(grants.connect(bob).subGrant(grantId, childTerms(world, carol, { royaltyBps: 9_501 })))
        .to.be.revertedWithCustomError(grants, "GrantRegistryRoyaltiesExceedTotal")
        .withArgs(10_001n);
      const middle = await makeSubGrant(world, bob, grantId, childTerms(world, carol, { royaltyBps: 4_000 }));
      // Three levels: 500 + 4,000 + what the bottom adds.
      await expect(grants.connect(carol).subGrant(middle, childTerms(world, individual, { royaltyBps: 5_501 })))
        .to.be.revertedWithCustomError(grants, "GrantRegistryRoyaltiesExceedTotal")
        .withArgs(10_001n);
      const bottom = await makeSubGrant(world, carol, middle, childTerms(world, individual, { royaltyBps: 5_500 }));
      expect((await grants.getGrant(bottom)).royaltyBps).to.equal(5_500n);
    });

    it("lets a WHOLE grant be narrowed to a DOMAIN or a SCENARIO", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, carol, individual, assetId } = world;
      const now = await latest();
      const parentId = await makeGrant(world, alice, grantTerms(bob.address, assetId, Rights.ALL, now));
      const domain = grantTerms(carol.address, assetId, Rights.USE, now, { scopeKind: ScopeKind.DOMAIN, scopeData: HEALTH });
      const scenario = grantTerms(individual.address, assetId, Rights.USE, now, { scopeKind: ScopeKind.SCENARIO, scopeData: ROUTING });
      await expect(grants.connect(bob).subGrant(parentId, domain)).to.emit(grants, "Granted");
      await expect(grants.connect(bob).subGrant(parentId, scenario)).to.emit(grants, "Granted");
    });

    it("refuses anyone but the parent's grantee, including the holder who granted it", async () => {
      const world = await loadFixture(sublicensableGrant);
      const { grants, alice, carol, outsider, arbitrator, grantId } = world;
      for (const account of [alice, carol, outsider, arbitrator]) {
        await expect(grants.connect(account).subGrant(grantId, childTerms(world, carol)))
          .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantee")
          .withArgs(grantId, account.address);
      }
    });

    it("resolves the parent's grantee through succession", async () => {
      const world = await loadFixture(sublicensableGrant);
      const { grants, bob, carol, individual, grantId } = world;
      await succeed(world, bob, carol);
      await expect(grants.connect(bob).subGrant(grantId, childTerms(world, individual)))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantee")
        .withArgs(grantId, bob.address);
      await send(grants.connect(carol).subGrant(grantId, childTerms(world, individual)));
      const sub = await grants.getGrant(2n);
      expect(sub.grantor).to.equal(carol.address);
      expect(sub.parentId).to.equal(grantId);
    });

    it("refuses an unknown parent", async () => {
      const world = await loadFixture(sublicensableGrant);
      await expect(world.grants.connect(world.bob).subGrant(42n, childTerms(world, world.carol)))
        .to.be.revertedWithCustomError(world.grants, "GrantRegistryUnknownGrant")
        .withArgs(42n);
    });

    it("refuses a parent without SUBLICENSE", async () => {
      const world = await loadFixture(directGrant);
      const { grants, bob, carol, grantId, terms } = world;
      await expect(grants.connect(bob).subGrant(grantId, { ...terms, grantee: carol.address, rights: Rights.USE }))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotSublicensable")
        .withArgs(grantId);
    });

    describe("refuses a parent that is not valid now", () => {
      it("suspended, then accepted again once resumed", async () => {
        const world = await loadFixture(sublicensableGrant);
        const { grants, alice, bob, carol, grantId } = world;
        await send(grants.connect(alice).suspend(grantId, h("suspend")));
        await expect(grants.connect(bob).subGrant(grantId, childTerms(world, carol)))
          .to.be.revertedWithCustomError(grants, "GrantRegistryGrantNotValid")
          .withArgs(grantId);
        await send(grants.connect(alice).resume(grantId, h("resume")));
        await expect(grants.connect(bob).subGrant(grantId, childTerms(world, carol))).to.emit(grants, "Granted");
      });

      it("revoked", async () => {
        const world = await loadFixture(sublicensableGrant);
        const { grants, alice, bob, carol, grantId } = world;
        await send(grants.connect(alice).revoke(grantId, h("revoke")));
        await expect(grants.connect(bob).subGrant(grantId, childTerms(world, carol)))
          .to.be.revertedWithCustomError(grants, "GrantRegistryGrantNotValid")
          .withArgs(grantId);
      });

      it("expired", async () => {
        const world = await loadFixture(sublicensableGrant);
        const { grants, bob, carol, grantId, terms } = world;
        await time.increaseTo(terms.validUntil);
        await expect(grants.connect(bob).subGrant(grantId, childTerms(world, carol, { validUntil: terms.validUntil + DAY })))
          .to.be.revertedWithCustomError(grants, "GrantRegistryGrantNotValid")
          .withArgs(grantId);
      });

      it("not yet started", async () => {
        const world = await loadFixture(issuedAssets);
        const { grants, alice, bob, carol, assetId } = world;
        const now = await latest();
        const parent = grantTerms(bob.address, assetId, Rights.ALL, now, { validFrom: now + 10n * DAY });
        const parentId = await makeGrant(world, alice, parent);
        await expect(grants.connect(bob).subGrant(parentId, { ...parent, grantee: carol.address }))
          .to.be.revertedWithCustomError(grants, "GrantRegistryGrantNotValid")
          .withArgs(parentId);
      });

      it("on a cancelled asset", async () => {
        const world = await loadFixture(sublicensableGrant);
        const { grants, bob, carol, grantId, assetId } = world;
        await cancelAsset(world, assetId);
        await expect(grants.connect(bob).subGrant(grantId, childTerms(world, carol)))
          .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
          .withArgs(assetId);
      });

      it("on an asset under objection, as a direct grant is", async () => {
        const world = await loadFixture(sublicensableGrant);
        const { grants, bob, carol, individual, grantId, assetId } = world;
        await objectThroughCourt(world, individual, assetId);
        await expect(grants.connect(bob).subGrant(grantId, childTerms(world, carol)))
          .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
          .withArgs(assetId);
      });
    });

    it(`allows sub-grants down to depth MAX_GRANT_DEPTH (4), and no deeper`, async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, carol, institution, individual, authority, assetId } = world;
      expect(await grants.MAX_GRANT_DEPTH()).to.equal(4n);
      const now = await latest();
      const terms = (grantee: HardhatEthersSigner) => grantTerms(grantee.address, assetId, Rights.ALL, now);

      let parentId = await makeGrant(world, alice, terms(bob));
      const chain = [bob, carol, institution, individual, authority];
      for (let depth = 1; depth <= 4; depth += 1) {
        parentId = await makeSubGrant(world, chain[depth - 1]!, parentId, terms(chain[depth]!));
        expect((await grants.getGrant(parentId)).depth).to.equal(BigInt(depth));
        expect(await grants.isValid(parentId)).to.equal(true);
      }
      await expect(grants.connect(authority).subGrant(parentId, terms(alice)))
        .to.be.revertedWithCustomError(grants, "GrantRegistryTooDeep")
        .withArgs(parentId);
    });

    it("applies the checks of every grant: self grant, live grantee, valid terms", async () => {
      const world = await loadFixture(sublicensableGrant);
      const { grants, bob, outsider, grantId } = world;
      await expect(grants.connect(bob).subGrant(grantId, childTerms(world, bob)))
        .to.be.revertedWithCustomError(grants, "GrantRegistrySelfGrant")
        .withArgs(bob.address);
      await expect(grants.connect(bob).subGrant(grantId, childTerms(world, outsider)))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotLiveParty")
        .withArgs(outsider.address);
      await expect(grants.connect(bob).subGrant(grantId, childTerms(world, world.carol, { rights: 0 })))
        .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidRights")
        .withArgs(0);
    });

    describe("refuses terms that are not narrower (GrantRegistryNotNarrower)", () => {
      const wider: [string, (world: WithGrant) => Partial<GrantTermsInput>][] = [
        ["rights not a subset (OPERATE added)", () => ({ rights: Rights.USE | Rights.OPERATE })],
        ["window starting before the parent's", (w) => ({ validFrom: w.terms.validFrom - 1n })],
        ["window ending after the parent's", (w) => ({ validUntil: w.terms.validUntil + 1n })],
        ["scope DOMAIN -> WHOLE", () => ({ scopeKind: ScopeKind.WHOLE, scopeData: ZERO_HASH })],
        ["scope DOMAIN -> another DOMAIN", () => ({ scopeKind: ScopeKind.DOMAIN, scopeData: HEALTH })],
        ["scope DOMAIN -> SCENARIO", () => ({ scopeKind: ScopeKind.SCENARIO, scopeData: ROUTING })],
        ["scope DOMAIN -> SCENARIO with the same code", () => ({ scopeKind: ScopeKind.SCENARIO, scopeData: FINANCE })],
        ["usage mode API -> DELIVERY (less restrictive)", () => ({ usageMode: UsageMode.DELIVERY })],
        ["another asset of the same holder", (w) => ({ assetId: w.otherAssetId })],
      ];
      for (const [label, override] of wider) {
        it(label, async () => {
          const world = await loadFixture(sublicensableGrant);
          const { grants, bob, carol, grantId } = world;
          await expect(grants.connect(bob).subGrant(grantId, childTerms(world, carol, override(world))))
            .to.be.revertedWithCustomError(grants, "GrantRegistryNotNarrower")
            .withArgs(grantId);
        });
      }
    });
  });

  describe("suspend, resume, revoke", () => {
    it("the grantor suspends, resumes and revokes, each with its event and evidence entry", async () => {
      const world = await loadFixture(directGrant);
      const { grants, alice, assetId, grantId } = world;

      let seq = await evidenceSeq(world, assetId);
      let tx = await grants.connect(alice).suspend(grantId, h("late payment"));
      await expect(tx).to.emit(grants, "GrantSuspended").withArgs(grantId, assetId, alice.address, h("late payment"));
      await expectEvidence(world, tx, assetId, seq, "GrantSuspended", [grantId, assetId, alice.address, h("late payment")], alice.address);
      expect(await statusOf(world, grantId)).to.equal(GrantStatus.SUSPENDED);
      expect(await grants.isValid(grantId)).to.equal(false);

      seq = await evidenceSeq(world, assetId);
      tx = await grants.connect(alice).resume(grantId, h("paid"));
      await expect(tx).to.emit(grants, "GrantResumed").withArgs(grantId, assetId, alice.address, h("paid"));
      await expectEvidence(world, tx, assetId, seq, "GrantResumed", [grantId, assetId, alice.address, h("paid")], alice.address);
      expect(await statusOf(world, grantId)).to.equal(GrantStatus.ACTIVE);
      expect(await grants.isValid(grantId)).to.equal(true);

      seq = await evidenceSeq(world, assetId);
      tx = await grants.connect(alice).revoke(grantId, h("breach"));
      await expect(tx).to.emit(grants, "GrantRevoked").withArgs(grantId, assetId, alice.address, h("breach"));
      await expectEvidence(world, tx, assetId, seq, "GrantRevoked", [grantId, assetId, alice.address, h("breach")], alice.address);
      expect(await statusOf(world, grantId)).to.equal(GrantStatus.REVOKED);
      expect(await grants.isValid(grantId)).to.equal(false);
    });

    it("an arbitrator may suspend, resume and revoke any grant", async () => {
      const world = await loadFixture(directGrant);
      const { grants, arbitrator, assetId, grantId } = world;
      await expect(grants.connect(arbitrator).suspend(grantId, h("ruling")))
        .to.emit(grants, "GrantSuspended")
        .withArgs(grantId, assetId, arbitrator.address, h("ruling"));
      await expect(grants.connect(arbitrator).resume(grantId, h("ruling")))
        .to.emit(grants, "GrantResumed")
        .withArgs(grantId, assetId, arbitrator.address, h("ruling"));
      await expect(grants.connect(arbitrator).revoke(grantId, h("ruling")))
        .to.emit(grants, "GrantRevoked")
        .withArgs(grantId, assetId, arbitrator.address, h("ruling"));
    });

    it("an arbitrator's suspension holds the grant: only an arbitrator resumes it", async () => {
      const world = await loadFixture(directGrant);
      const { grants, alice, arbitrator, grantId } = world;
      expect(await grants.isHeldByArbitrator(grantId)).to.equal(false);
      await send(grants.connect(arbitrator).suspend(grantId, h("ruling")));
      expect(await grants.isHeldByArbitrator(grantId)).to.equal(true);
      // Before the audit the grantor could lift the arbitrator's suspension at once.
      await expect(grants.connect(alice).resume(grantId, h("lifted")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryHeldByArbitrator")
        .withArgs(grantId);
      expect(await statusOf(world, grantId)).to.equal(GrantStatus.SUSPENDED);
      await expect(grants.connect(arbitrator).resume(grantId, h("ruling")))
        .to.emit(grants, "GrantResumed")
        .withArgs(grantId, world.assetId, arbitrator.address, h("ruling"));
      expect(await grants.isHeldByArbitrator(grantId)).to.equal(false);
      // Released, the grant is the grantor's again.
      await send(grants.connect(alice).suspend(grantId, h("late payment")));
      expect(await grants.isHeldByArbitrator(grantId)).to.equal(false);
      await send(grants.connect(alice).resume(grantId, h("paid")));
      expect(await statusOf(world, grantId)).to.equal(GrantStatus.ACTIVE);
    });

    it("an arbitrator takes over a grantor's suspension, once", async () => {
      const world = await loadFixture(directGrant);
      const { grants, alice, arbitrator, grantId, assetId } = world;
      await send(grants.connect(alice).suspend(grantId, h("late payment")));
      const seq = await evidenceSeq(world, assetId);
      const tx = await grants.connect(arbitrator).suspend(grantId, h("ruling"));
      await expect(tx).to.emit(grants, "GrantSuspended").withArgs(grantId, assetId, arbitrator.address, h("ruling"));
      await expectEvidence(world, tx, assetId, seq, "GrantSuspended", [grantId, assetId, arbitrator.address, h("ruling")], arbitrator.address);
      expect(await grants.isHeldByArbitrator(grantId)).to.equal(true);
      await expect(grants.connect(arbitrator).suspend(grantId, h("again")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidStatus")
        .withArgs(grantId, GrantStatus.SUSPENDED);
      await expect(grants.connect(alice).resume(grantId, h("paid")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryHeldByArbitrator")
        .withArgs(grantId);
      // A grantor may still end its own grant for good: that lifts nothing for the grantee.
      await send(grants.connect(alice).revoke(grantId, h("ended")));
      expect(await statusOf(world, grantId)).to.equal(GrantStatus.REVOKED);
    });

    it("a held grant stays held through the grantor's succession", async () => {
      const world = await loadFixture(directGrant);
      const { grants, alice, carol, arbitrator, grantId } = world;
      await send(grants.connect(arbitrator).suspend(grantId, h("ruling")));
      await succeed(world, alice, carol);
      await expect(grants.connect(carol).resume(grantId, h("successor")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryHeldByArbitrator")
        .withArgs(grantId);
    });

    it("refuses an arbitrator's action on a closed grant registry, not the grantor's", async () => {
      const world = await loadFixture(directGrant);
      const { grants, accessManager, admin, alice, arbitrator, grantId } = world;
      const target = await grants.getAddress();
      await send(accessManager.connect(admin).setTargetClosed(target, true));
      for (const action of ["suspend", "revoke"] as const) {
        await expect(grants.connect(arbitrator)[action](grantId, h("ruling")))
          .to.be.revertedWithCustomError(grants, "LedgerAccessTargetClosed")
          .withArgs(target);
      }
      await send(grants.connect(alice).suspend(grantId, h("own grant")));
      await expect(grants.connect(arbitrator).resume(grantId, h("ruling")))
        .to.be.revertedWithCustomError(grants, "LedgerAccessTargetClosed")
        .withArgs(target);
      await send(grants.connect(alice).resume(grantId, h("own grant")));
    });

    it("refuses an arbitrator whose role carries an execution delay: as anyone else, it is not the grantor", async () => {
      const world = await loadFixture(directGrant);
      const { grants, accessManager, admin, outsider, grantId, assetId } = world;
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.ARBITRATOR, outsider.address, 60));
      await expect(grants.connect(outsider).suspend(grantId, h("ruling")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, outsider.address);
    });

    it("a suspended grant may be revoked", async () => {
      const world = await loadFixture(directGrant);
      const { grants, alice, grantId } = world;
      await send(grants.connect(alice).suspend(grantId, h("suspend")));
      await send(grants.connect(alice).revoke(grantId, h("revoke")));
      expect(await statusOf(world, grantId)).to.equal(GrantStatus.REVOKED);
    });

    it("refuses anyone else: registrar, admin, grantee, another party, outsider", async () => {
      const world = await loadFixture(directGrant);
      const { grants, alice, registrar, admin, bob, carol, outsider, authority, assetId, grantId } = world;
      const others = [registrar, admin, bob, carol, outsider, authority];
      for (const account of others) {
        for (const action of ["suspend", "revoke"] as const) {
          await expect(grants.connect(account)[action](grantId, h("no")))
            .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
            .withArgs(assetId, account.address);
        }
      }
      await send(grants.connect(alice).suspend(grantId, h("suspend")));
      for (const account of others) {
        await expect(grants.connect(account).resume(grantId, h("no")))
          .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
          .withArgs(assetId, account.address);
      }
    });

    it("resolves the grantor through succession", async () => {
      const world = await loadFixture(directGrant);
      const { grants, alice, carol, assetId, grantId } = world;
      await succeed(world, alice, carol);
      await expect(grants.connect(alice).suspend(grantId, h("no")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, alice.address);
      await expect(grants.connect(carol).suspend(grantId, h("successor")))
        .to.emit(grants, "GrantSuspended")
        .withArgs(grantId, assetId, carol.address, h("successor"));
    });

    it("a public-data authority's grant is the authority's to suspend, not the holder's", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, authority, institution, bob, publicAssetId } = world;
      const grantId = await makeGrant(world, authority, grantTerms(bob.address, publicAssetId, Rights.USE, await latest()));
      await expect(grants.connect(institution).suspend(grantId, h("no")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(publicAssetId, institution.address);
      await expect(grants.connect(authority).suspend(grantId, h("yes"))).to.emit(grants, "GrantSuspended");
    });

    it("a sub-grant is its own grantor's to suspend, not the top grantor's", async () => {
      const world = await loadFixture(grantChain);
      const { grants, alice, bob, assetId, middle } = world;
      await expect(grants.connect(alice).suspend(middle, h("no")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, alice.address);
      await expect(grants.connect(bob).suspend(middle, h("yes"))).to.emit(grants, "GrantSuspended");
    });

    it("refuses invalid transitions", async () => {
      const world = await loadFixture(directGrant);
      const { grants, alice, grantId } = world;
      const invalid = (action: "suspend" | "resume" | "revoke", status: number) =>
        expect(grants.connect(alice)[action](grantId, h("again")))
          .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidStatus")
          .withArgs(grantId, status);

      await invalid("resume", GrantStatus.ACTIVE);
      await send(grants.connect(alice).suspend(grantId, h("suspend")));
      await invalid("suspend", GrantStatus.SUSPENDED);
      await send(grants.connect(alice).revoke(grantId, h("revoke")));
      await invalid("suspend", GrantStatus.REVOKED);
      await invalid("resume", GrantStatus.REVOKED);
      await invalid("revoke", GrantStatus.REVOKED);
    });

    it("refuses an unknown grant", async () => {
      const { grants, arbitrator } = await loadFixture(directGrant);
      for (const action of ["suspend", "resume", "revoke"] as const) {
        await expect(grants.connect(arbitrator)[action](7n, h("x")))
          .to.be.revertedWithCustomError(grants, "GrantRegistryUnknownGrant")
          .withArgs(7n);
      }
    });

    describe("cascade down a chain of sub-grants", () => {
      async function validity(world: WithChain): Promise<boolean[]> {
        return Promise.all([world.top, world.middle, world.bottom].map((id) => world.grants.isValid(id)));
      }

      it("suspending the top invalidates everything below; resuming restores it", async () => {
        const world = await loadFixture(grantChain);
        const { grants, alice, bob, carol, individual, top, middle, bottom } = world;
        expect(await validity(world)).to.deep.equal([true, true, true]);
        expect(await authorizedNow(world, individual, Rights.USE, bottom)).to.equal(true);

        await send(grants.connect(alice).suspend(top, h("suspend")));
        expect(await validity(world)).to.deep.equal([false, false, false]);
        expect(await authorizedNow(world, bob, Rights.USE, top)).to.equal(false);
        expect(await authorizedNow(world, carol, Rights.USE, middle)).to.equal(false);
        expect(await authorizedNow(world, individual, Rights.USE, bottom)).to.equal(false);
        // Only the top's stored status changed.
        expect(await statusOf(world, middle)).to.equal(GrantStatus.ACTIVE);
        expect(await statusOf(world, bottom)).to.equal(GrantStatus.ACTIVE);

        await send(grants.connect(alice).resume(top, h("resume")));
        expect(await validity(world)).to.deep.equal([true, true, true]);
        expect(await authorizedNow(world, individual, Rights.USE, bottom)).to.equal(true);
      });

      it("revoking the middle invalidates the bottom and leaves the top valid", async () => {
        const world = await loadFixture(grantChain);
        const { grants, bob, carol, individual, top, middle, bottom } = world;
        await send(grants.connect(bob).revoke(middle, h("revoke")));
        expect(await validity(world)).to.deep.equal([true, false, false]);
        expect(await authorizedNow(world, bob, Rights.ALL, top)).to.equal(true);
        expect(await authorizedNow(world, carol, Rights.USE, middle)).to.equal(false);
        expect(await authorizedNow(world, individual, Rights.USE, bottom)).to.equal(false);
        // Nothing can be sub-granted from below the revoked grant any more.
        await expect(grants.connect(individual).subGrant(bottom, grantTerms(world.bob.address, world.assetId, Rights.USE, await latest())))
          .to.be.revertedWithCustomError(grants, "GrantRegistryGrantNotValid")
          .withArgs(bottom);
      });

      it("an arbitrator's suspension of the middle reaches the bottom", async () => {
        const world = await loadFixture(grantChain);
        await send(world.grants.connect(world.arbitrator).suspend(world.middle, h("dispute")));
        expect(await validity(world)).to.deep.equal([true, false, false]);
      });
    });
  });

  describe("grantBySig (EIP-712, EIP-1271)", () => {
    it("the contract's digest is the EIP-712 hash of the Grant type", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, assetId } = world;
      const terms = grantTerms(bob.address, assetId, Rights.USE | Rights.SUBLICENSE, await latest(), {
        scopeKind: ScopeKind.SCENARIO,
        scopeData: ROUTING,
        usageMode: UsageMode.COMPUTE_IN_DOMAIN,
        royaltyBps: 1234,
      });
      const deadline = (await latest()) + DAY;
      const documented =
        "Grant(address grantor,address grantee,uint256 assetId,uint8 rights,uint8 scopeKind,bytes32 scopeData," +
        "bytes32 purposeHash,uint8 usageMode,uint64 validFrom,uint64 validUntil,uint16 royaltyBps,uint256 nonce,uint256 deadline)";
      expect(TypedDataEncoder.from(GRANT_TYPES).encodeType("Grant")).to.equal(documented);
      expect(await grants.GRANT_TYPEHASH()).to.equal(ethers.id(documented));
      expect(await grants.grantDigest(terms, alice.address, deadline)).to.equal(
        TypedDataEncoder.hash(await grantDomain(world), GRANT_TYPES, await grantMessage(world, terms, alice.address, deadline)),
      );
      const domain = await grants.eip712Domain();
      expect(domain.name).to.equal("ProvenanceLedger GrantRegistry");
      expect(domain.version).to.equal("1");
      expect(domain.verifyingContract).to.equal(await grants.getAddress());
    });

    it("a relayed signature makes the signer the grantor and consumes the nonce", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, outsider, assetId } = world;
      const terms = grantTerms(bob.address, assetId, Rights.USE, await latest());
      const deadline = (await latest()) + DAY;
      const signature = await signGrant(world, alice, terms, alice.address, deadline);
      const seqBefore = await evidenceSeq(world, assetId);
      expect(await grants.nonces(alice.address)).to.equal(0n);

      const tx = await grants.connect(outsider).grantBySig(terms, alice.address, deadline, signature);

      await expect(tx).to.emit(grants, "Granted").withArgs(1n, assetId, bob.address, alice.address, 0n, termsTuple(terms));
      await expectEvidence(world, tx, assetId, seqBefore, "Granted", [1n, assetId, bob.address, alice.address, 0n, termsTuple(terms)], alice.address);
      expect((await grants.getGrant(1n)).grantor).to.equal(alice.address);
      expect(await grants.nonces(alice.address)).to.equal(1n);
      expect(await grants.nonces(outsider.address)).to.equal(0n);
    });

    it("accepts a signature until its deadline, inclusive, and not after", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, outsider, assetId } = world;
      const terms = grantTerms(bob.address, assetId, Rights.USE, await latest());
      const deadline = (await latest()) + 100n;
      const signature = await signGrant(world, alice, terms, alice.address, deadline);

      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(grants.connect(outsider).grantBySig(terms, alice.address, deadline, signature))
        .to.be.revertedWithCustomError(grants, "GrantRegistryExpiredSignature")
        .withArgs(deadline);
      expect(await grants.nonces(alice.address)).to.equal(0n);

      const fresh = { ...terms, validUntil: terms.validUntil + 1n };
      const laterDeadline = (await latest()) + 50n;
      const freshSignature = await signGrant(world, alice, fresh, alice.address, laterDeadline);
      await time.setNextBlockTimestamp(laterDeadline);
      await expect(grants.connect(outsider).grantBySig(fresh, alice.address, laterDeadline, freshSignature)).to.emit(grants, "Granted");
    });

    it("refuses a replayed signature: the nonce has moved", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, outsider, assetId } = world;
      const terms = grantTerms(bob.address, assetId, Rights.USE, await latest());
      const deadline = (await latest()) + DAY;
      const signature = await signGrant(world, alice, terms, alice.address, deadline);
      await send(grants.connect(outsider).grantBySig(terms, alice.address, deadline, signature));
      await expect(grants.connect(outsider).grantBySig(terms, alice.address, deadline, signature))
        .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidSignature")
        .withArgs(alice.address);
      expect(await grants.grantCount()).to.equal(1n);
    });

    it("refuses a signature by someone other than the grantor", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, carol, outsider, assetId } = world;
      const terms = grantTerms(carol.address, assetId, Rights.USE, await latest());
      const deadline = (await latest()) + DAY;
      const signature = await signGrant(world, bob, terms, alice.address, deadline);
      await expect(grants.connect(outsider).grantBySig(terms, alice.address, deadline, signature))
        .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidSignature")
        .withArgs(alice.address);
    });

    it("refuses tampered terms or deadline", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, carol, outsider, assetId } = world;
      const terms = grantTerms(bob.address, assetId, Rights.USE, await latest());
      const deadline = (await latest()) + DAY;
      const signature = await signGrant(world, alice, terms, alice.address, deadline);
      for (const tampered of [
        { ...terms, rights: Rights.ALL },
        { ...terms, grantee: carol.address },
        { ...terms, validUntil: terms.validUntil + DAY },
        { ...terms, royaltyBps: 1 },
        { ...terms, purposeHash: h("other purpose") },
      ]) {
        await expect(grants.connect(outsider).grantBySig(tampered, alice.address, deadline, signature))
          .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidSignature")
          .withArgs(alice.address);
      }
      await expect(grants.connect(outsider).grantBySig(terms, alice.address, deadline + 1n, signature))
        .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidSignature")
        .withArgs(alice.address);
    });

    it("a valid signature still needs a grantor entitled to grant", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, bob, carol, outsider, assetId } = world;
      const terms = grantTerms(carol.address, assetId, Rights.USE, await latest());
      const deadline = (await latest()) + DAY;
      const signature = await signGrant(world, bob, terms, bob.address, deadline);
      await expect(grants.connect(outsider).grantBySig(terms, bob.address, deadline, signature))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, bob.address);
    });

    describe("a contract wallet holder (EIP-1271)", () => {
      async function walletHoldsAsset() {
        const world = await issuedAssets();
        const wallet = await ethers.deployContract("ERC1271WalletMock", [world.carol.address]);
        const walletAddress = await wallet.getAddress();
        await send(world.registry.connect(world.registrar).registerParty(walletAddress, PartyKind.ENTERPRISE, h("multisig")));
        await send(world.registry.connect(world.registrar).transferHolding(world.assetId, walletAddress, TransferReason.SALE, h("deed")));
        return { ...world, walletAddress };
      }

      it("grants with the owner key's signature", async () => {
        const world = await loadFixture(walletHoldsAsset);
        const { grants, registry, carol, bob, outsider, assetId, walletAddress } = world;
        expect(await registry.holderOf(assetId)).to.equal(walletAddress);
        const terms = grantTerms(bob.address, assetId, Rights.USE, await latest());
        const deadline = (await latest()) + DAY;
        const signature = await signGrant(world, carol, terms, walletAddress, deadline);
        await expect(grants.connect(outsider).grantBySig(terms, walletAddress, deadline, signature))
          .to.emit(grants, "Granted")
          .withArgs(1n, assetId, bob.address, walletAddress, 0n, termsTuple(terms));
        expect((await grants.getGrant(1n)).grantor).to.equal(walletAddress);
        expect(await grants.nonces(walletAddress)).to.equal(1n);
      });

      it("refuses another key's signature", async () => {
        const world = await loadFixture(walletHoldsAsset);
        const { grants, alice, bob, outsider, assetId, walletAddress } = world;
        const terms = grantTerms(bob.address, assetId, Rights.USE, await latest());
        const deadline = (await latest()) + DAY;
        const signature = await signGrant(world, alice, terms, walletAddress, deadline);
        await expect(grants.connect(outsider).grantBySig(terms, walletAddress, deadline, signature))
          .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidSignature")
          .withArgs(walletAddress);
      });
    });
  });

  describe("recordUsage", () => {
    it("the grantee records metered use, with its event and evidence entry", async () => {
      const world = await loadFixture(grantInUse);
      const { grants, bob, assetId, grantId, terms } = world;
      const start = terms.validFrom;
      const end = terms.validFrom + DAY;
      const seqBefore = await evidenceSeq(world, assetId);

      const tx = await grants.connect(bob).recordUsage(grantId, 1_000n, start, end, h("receipt"));

      await expect(tx)
        .to.emit(grants, "UsageRecorded")
        .withArgs(grantId, assetId, bob.address, 1_000n, start, end, h("receipt"));
      await expectEvidence(world, tx, assetId, seqBefore, "UsageRecorded", [grantId, assetId, bob.address, 1_000n, start, end, h("receipt")], bob.address);
    });

    it("accepts a period ending exactly now", async () => {
      const world = await loadFixture(grantInUse);
      const { grants, bob, grantId } = world;
      const at = (await latest()) + 10n;
      await time.setNextBlockTimestamp(at);
      await expect(grants.connect(bob).recordUsage(grantId, 1n, at - DAY, at, h("receipt"))).to.emit(grants, "UsageRecorded");
    });

    it("refuses anyone but the grantee: grantor, holder, arbitrator, outsider", async () => {
      const world = await loadFixture(grantInUse);
      const { grants, alice, arbitrator, outsider, carol, grantId, terms } = world;
      for (const account of [alice, arbitrator, outsider, carol]) {
        await expect(grants.connect(account).recordUsage(grantId, 1n, terms.validFrom, terms.validFrom + DAY, h("r")))
          .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantee")
          .withArgs(grantId, account.address);
      }
    });

    it("follows the grantee through succession", async () => {
      const world = await loadFixture(grantInUse);
      const { grants, bob, carol, assetId, grantId, terms } = world;
      await succeed(world, bob, carol);
      const [start, end] = [terms.validFrom, terms.validFrom + DAY];
      await expect(grants.connect(bob).recordUsage(grantId, 1n, start, end, h("r")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantee")
        .withArgs(grantId, bob.address);
      await expect(grants.connect(carol).recordUsage(grantId, 1n, start, end, h("r")))
        .to.emit(grants, "UsageRecorded")
        .withArgs(grantId, assetId, carol.address, 1n, start, end, h("r"));
    });

    it("refuses an unknown grant", async () => {
      const { grants, bob } = await loadFixture(grantInUse);
      await expect(grants.connect(bob).recordUsage(9n, 1n, 1n, 2n, h("r")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryUnknownGrant")
        .withArgs(9n);
    });

    describe("accepts usage of a past period once the grant is no longer valid (reported after the fact)", () => {
      const cases: [string, (world: WithGrant) => Promise<void>][] = [
        ["suspended", (w) => send(w.grants.connect(w.alice).suspend(w.grantId, h("s")))],
        ["revoked", (w) => send(w.grants.connect(w.alice).revoke(w.grantId, h("r")))],
        ["expired", (w) => time.increaseTo(w.terms.validUntil)],
        ["on a cancelled asset", (w) => cancelAsset(w, w.assetId)],
      ];
      for (const [label, invalidate] of cases) {
        it(label, async () => {
          const world = await loadFixture(grantInUse);
          const { grants, bob, grantId, terms } = world;
          await invalidate(world);
          expect(await grants.isValid(grantId)).to.equal(false);
          await expect(grants.connect(bob).recordUsage(grantId, 7n, terms.validFrom, terms.validFrom + DAY, h("r")))
            .to.emit(grants, "UsageRecorded")
            .withArgs(grantId, world.assetId, bob.address, 7n, terms.validFrom, terms.validFrom + DAY, h("r"));
        });
      }
    });

    it("refuses zero units", async () => {
      const { grants, bob, grantId, terms } = await loadFixture(grantInUse);
      await expect(grants.connect(bob).recordUsage(grantId, 0n, terms.validFrom, terms.validFrom + DAY, h("r"))).to.be.revertedWithCustomError(
        grants,
        "GrantRegistryZeroUnits",
      );
    });

    describe("refuses a bad period (GrantRegistryInvalidUsagePeriod)", () => {
      const periods: [string, (terms: GrantTermsInput, now: bigint) => [bigint, bigint]][] = [
        ["empty: start == end", (t) => [t.validFrom + DAY, t.validFrom + DAY]],
        ["reversed: start > end", (t) => [t.validFrom + 2n * DAY, t.validFrom + DAY]],
        ["starting before validFrom", (t) => [t.validFrom - 1n, t.validFrom + DAY]],
        ["ending after validUntil", (t) => [t.validFrom, t.validUntil + 1n]],
        ["ending in the future", (_t, now) => [now - DAY, now + 60n]],
      ];
      for (const [label, period] of periods) {
        it(label, async () => {
          const { grants, bob, grantId, terms } = await loadFixture(grantInUse);
          const [start, end] = period(terms, await latest());
          await expect(grants.connect(bob).recordUsage(grantId, 1n, start, end, h("r")))
            .to.be.revertedWithCustomError(grants, "GrantRegistryInvalidUsagePeriod")
            .withArgs(start, end);
        });
      }
    });
  });

  describe("isAuthorized", () => {
    describe("grantId 0: the holding right", () => {
      it("is the holder's alone, with every right and scope", async () => {
        const world = await loadFixture(issuedAssets);
        const { grants, alice, bob, outsider, assetId } = world;
        const now = await latest();
        expect(await authorizedNow(world, alice, Rights.ALL, 0n)).to.equal(true);
        expect(await grants.isAuthorized(alice.address, Rights.OPERATE, assetId, ScopeKind.DOMAIN, FINANCE, now, 0n)).to.equal(true);
        expect(await authorizedNow(world, bob, Rights.USE, 0n)).to.equal(false);
        expect(await authorizedNow(world, outsider, Rights.USE, 0n)).to.equal(false);
        expect(await authorizedNow(world, alice, Rights.USE, 0n, world.publicAssetId)).to.equal(false);
        expect(await authorizedNow(world, alice, Rights.USE, 0n, 99n)).to.equal(false);
        // An empty or unknown set of rights is never authorized.
        expect(await authorizedNow(world, alice, 0, 0n)).to.equal(false);
        expect(await authorizedNow(world, alice, 16, 0n)).to.equal(false);
      });

      it("ends with cancellation", async () => {
        const world = await loadFixture(issuedAssets);
        await cancelAsset(world, world.assetId);
        expect(await authorizedNow(world, world.alice, Rights.USE, 0n)).to.equal(false);
      });

      it("does not exist before issue", async () => {
        const world = await loadFixture(issuedAssets);
        const filed = await fileApplication(world, world.alice);
        expect(await authorizedNow(world, world.alice, Rights.USE, 0n, filed)).to.equal(false);
      });

      it("passes to the holder's successor", async () => {
        const world = await loadFixture(issuedAssets);
        await succeed(world, world.alice, world.carol);
        expect(await authorizedNow(world, world.alice, Rights.USE, 0n)).to.equal(false);
        expect(await authorizedNow(world, world.carol, Rights.USE, 0n)).to.equal(true);
      });
    });

    describe("a direct grant", () => {
      it("authorizes its grantee for a subset of its rights only", async () => {
        const world = await loadFixture(directGrant);
        const { alice, bob, carol, grantId } = world;
        expect(await authorizedNow(world, bob, Rights.USE, grantId)).to.equal(true);
        expect(await authorizedNow(world, bob, Rights.PROCESS, grantId)).to.equal(true);
        expect(await authorizedNow(world, bob, Rights.USE | Rights.PROCESS, grantId)).to.equal(true);
        expect(await authorizedNow(world, bob, Rights.OPERATE, grantId)).to.equal(false);
        expect(await authorizedNow(world, bob, Rights.SUBLICENSE, grantId)).to.equal(false);
        expect(await authorizedNow(world, bob, Rights.USE | Rights.OPERATE, grantId)).to.equal(false);
        // Nobody else by this grant, not even the holder who granted it.
        expect(await authorizedNow(world, alice, Rights.USE, grantId)).to.equal(false);
        expect(await authorizedNow(world, carol, Rights.USE, grantId)).to.equal(false);
      });

      it("a WHOLE grant covers every DOMAIN and SCENARIO", async () => {
        const { grants, bob, assetId, grantId } = await loadFixture(directGrant);
        const now = await latest();
        for (const [kind, data] of [
          [ScopeKind.WHOLE, ZERO_HASH],
          [ScopeKind.DOMAIN, FINANCE],
          [ScopeKind.DOMAIN, HEALTH],
          [ScopeKind.SCENARIO, ROUTING],
        ] as const) {
          expect(await grants.isAuthorized(bob.address, Rights.USE, assetId, kind, data, now, grantId)).to.equal(true);
        }
      });

      it("a DOMAIN grant covers only its own domain", async () => {
        const world = await loadFixture(issuedAssets);
        const { grants, alice, bob, assetId } = world;
        const now = await latest();
        const grantId = await makeGrant(
          world,
          alice,
          grantTerms(bob.address, assetId, Rights.USE, now, { scopeKind: ScopeKind.DOMAIN, scopeData: FINANCE }),
        );
        const query = (kind: number, data: string) => grants.isAuthorized(bob.address, Rights.USE, assetId, kind, data, now + 1n, grantId);
        expect(await query(ScopeKind.DOMAIN, FINANCE)).to.equal(true);
        expect(await query(ScopeKind.DOMAIN, HEALTH)).to.equal(false);
        expect(await query(ScopeKind.SCENARIO, FINANCE)).to.equal(false);
        expect(await query(ScopeKind.WHOLE, ZERO_HASH)).to.equal(false);
      });

      it("judges the window at `at`: from validFrom inclusive to validUntil exclusive", async () => {
        const world = await loadFixture(issuedAssets);
        const { grants, alice, bob, assetId } = world;
        const now = await latest();
        const [validFrom, validUntil] = [now + 10n * DAY, now + 20n * DAY];
        const grantId = await makeGrant(world, alice, grantTerms(bob.address, assetId, Rights.USE, now, { validFrom, validUntil }));
        const at = (t: bigint) => grants.isAuthorized(bob.address, Rights.USE, assetId, ScopeKind.WHOLE, ZERO_HASH, t, grantId);
        expect(await at(validFrom - 1n)).to.equal(false);
        expect(await at(validFrom)).to.equal(true);
        expect(await at(validUntil - 1n)).to.equal(true);
        expect(await at(validUntil)).to.equal(false);
        expect(await grants.isValid(grantId)).to.equal(false); // not started yet
        await time.increaseTo(validFrom);
        expect(await grants.isValid(grantId)).to.equal(true);
        await time.increaseTo(validUntil);
        expect(await grants.isValid(grantId)).to.equal(false);
        // Still authorized for a moment inside the window, looking back.
        expect(await at(validFrom)).to.equal(true);
      });

      it("is false for another asset and for an unknown grant", async () => {
        const world = await loadFixture(directGrant);
        const { bob, grantId, otherAssetId } = world;
        expect(await authorizedNow(world, bob, Rights.USE, grantId, otherAssetId)).to.equal(false);
        expect(await authorizedNow(world, bob, Rights.USE, grantId + 1n)).to.equal(false);
        expect(await authorizedNow(world, bob, Rights.USE, 2n ** 200n)).to.equal(false);
      });

      it("passes from a succeeded grantee to its successor", async () => {
        const world = await loadFixture(directGrant);
        const { bob, carol, grantId } = world;
        await succeed(world, bob, carol);
        expect(await authorizedNow(world, bob, Rights.USE, grantId)).to.equal(false);
        expect(await authorizedNow(world, carol, Rights.USE, grantId)).to.equal(true);
      });

      it("is false once the asset is cancelled, even inside the window", async () => {
        const world = await loadFixture(directGrant);
        await cancelAsset(world, world.assetId);
        expect(await authorizedNow(world, world.bob, Rights.USE, world.grantId)).to.equal(false);
        expect(await world.grants.isValid(world.grantId)).to.equal(false);
      });

      it("is false while the grant is suspended, at any `at`", async () => {
        const world = await loadFixture(directGrant);
        const { grants, alice, bob, grantId, terms } = world;
        await send(grants.connect(alice).suspend(grantId, h("s")));
        expect(await grants.isAuthorized(bob.address, Rights.USE, world.assetId, ScopeKind.WHOLE, ZERO_HASH, terms.validFrom, grantId)).to.equal(false);
      });
    });

    it("a sub-grant authorizes its own grantee, within its own terms", async () => {
      const world = await loadFixture(grantChain);
      const { individual, carol, bottom } = world;
      expect(await authorizedNow(world, individual, Rights.USE, bottom)).to.equal(true);
      expect(await authorizedNow(world, individual, Rights.PROCESS, bottom)).to.equal(false);
      expect(await authorizedNow(world, carol, Rights.USE, bottom)).to.equal(false);
    });
  });

  describe("views", () => {
    it("getGrant reverts for an unknown id", async () => {
      const { grants, grantId } = await loadFixture(directGrant);
      for (const id of [0n, grantId + 1n]) {
        await expect(grants.getGrant(id)).to.be.revertedWithCustomError(grants, "GrantRegistryUnknownGrant").withArgs(id);
      }
      expect(await grants.isValid(0n)).to.equal(false);
      expect(await grants.isValid(grantId + 1n)).to.equal(false);
    });

    it("derivationTerms: whether the applicant may derive under the grant now, and the royalties stacked above it", async () => {
      const world = await loadFixture(issuedAssets);
      const { grants, alice, bob, carol, individual, assetId, otherAssetId } = world;
      const now = await latest();
      const all = Rights.USE | Rights.PROCESS | Rights.SUBLICENSE;
      const top = await makeGrant(world, alice, grantTerms(bob.address, assetId, all, now, { royaltyBps: 1_000 }));
      const middle = await makeSubGrant(world, bob, top, grantTerms(carol.address, assetId, all, now, { royaltyBps: 2_000 }));
      const bottom = await makeSubGrant(world, carol, middle, grantTerms(individual.address, assetId, Rights.USE, now, { royaltyBps: 3_000 }));
      expect(await grants.derivationTerms(bob.address, assetId, top)).to.deep.equal([true, 1_000n]);
      expect(await grants.derivationTerms(carol.address, assetId, middle)).to.deep.equal([true, 3_000n]);
      // No PROCESS, another applicant, another asset, an unknown grant: not authorized, nothing owed.
      expect(await grants.derivationTerms(individual.address, assetId, bottom)).to.deep.equal([false, 0n]);
      expect(await grants.derivationTerms(alice.address, assetId, middle)).to.deep.equal([false, 0n]);
      expect(await grants.derivationTerms(carol.address, otherAssetId, middle)).to.deep.equal([false, 0n]);
      expect(await grants.derivationTerms(carol.address, assetId, 99n)).to.deep.equal([false, 0n]);
      // A grant above suspended, or the grant's window not open: not authorized.
      await send(grants.connect(alice).suspend(top, h("audit")));
      expect(await grants.derivationTerms(carol.address, assetId, middle)).to.deep.equal([false, 0n]);
      await send(grants.connect(alice).resume(top, h("ok")));
      const later = await makeGrant(world, alice, grantTerms(carol.address, assetId, Rights.PROCESS, now + DAY));
      expect(await grants.derivationTerms(carol.address, assetId, later)).to.deep.equal([false, 0n]);
      // The grantee's successor derives in its place.
      await succeed(world, carol, individual);
      expect(await grants.derivationTerms(individual.address, assetId, middle)).to.deep.equal([true, 3_000n]);
      expect(await grants.derivationTerms(carol.address, assetId, middle)).to.deep.equal([false, 0n]);
    });

    it("grantCount counts grants and sub-grants, not failed attempts", async () => {
      const world = await loadFixture(grantChain);
      const { grants, alice, assetId } = world;
      expect(await grants.grantCount()).to.equal(3n);
      await expect(grants.connect(alice).grant(grantTerms(alice.address, assetId, Rights.USE, await latest()))).to.be.revertedWithCustomError(
        grants,
        "GrantRegistrySelfGrant",
      );
      expect(await grants.grantCount()).to.equal(3n);
    });
  });

  describe("a transfer registration of the asset", () => {
    async function transferred(): Promise<WithGrant> {
      const world = await directGrant();
      await send(world.registry.connect(world.registrar).transferHolding(world.assetId, world.carol.address, TransferReason.SALE, h("deed")));
      return world;
    }

    it("leaves existing grants valid", async () => {
      const world = await loadFixture(transferred);
      const { grants, registry, bob, carol, assetId, grantId } = world;
      expect(await registry.holderOf(assetId)).to.equal(carol.address);
      expect(await grants.isValid(grantId)).to.equal(true);
      expect(await authorizedNow(world, bob, Rights.USE | Rights.PROCESS, grantId)).to.equal(true);
    });

    it("moves the right to make new grants to the new holder", async () => {
      const world = await loadFixture(transferred);
      const { grants, alice, carol, individual, assetId } = world;
      const terms = grantTerms(individual.address, assetId, Rights.USE, await latest());
      await expect(grants.connect(alice).grant(terms))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, alice.address);
      await expect(grants.connect(carol).grant(terms))
        .to.emit(grants, "Granted")
        .withArgs(2n, assetId, individual.address, carol.address, 0n, termsTuple(terms));
      expect(await authorizedNow(world, alice, Rights.USE, 0n)).to.equal(false);
      expect(await authorizedNow(world, carol, Rights.USE, 0n)).to.equal(true);
    });

    it("keeps the old holder as the grantor of the grants it made", async () => {
      const world = await loadFixture(transferred);
      const { grants, alice, carol, assetId, grantId } = world;
      await expect(grants.connect(carol).suspend(grantId, h("new holder")))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, carol.address);
      await expect(grants.connect(alice).suspend(grantId, h("grantor"))).to.emit(grants, "GrantSuspended");
    });
  });
});
