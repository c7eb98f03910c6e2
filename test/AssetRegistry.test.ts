import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ethers as ethersLib, type ContractTransactionReceipt, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import { ROLE_IDS } from "../ledger/roles.js";
import {
  AssetKind,
  AssetStatus,
  Classification,
  DataCategory,
  ObjectionStatus,
  PartyKind,
  ReviewKind,
  Rights,
  TransferReason,
} from "../ledger/types.js";
import type { AssetRegistry } from "../types/ethers-contracts/index.js";
import {
  application,
  DAY,
  deployLedger,
  fileApplication,
  grantTerms,
  h,
  issueAsset,
  makeGrant,
  NOTICE_PERIOD,
  ZERO_HASH,
  type Ledger,
} from "./helpers/ledger.js";
import {
  actorsExcept,
  ACTOR_NAMES,
  eventKind,
  genesisHead,
  issueMany,
  nextHead,
  payloadHash,
  registryEventNames,
  registryEvents,
  send,
  type ActorName,
} from "./helpers/registry.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const ZERO_ADDRESS = ethersLib.ZeroAddress;
const MAX_PARENTS = 16;
const UNKNOWN_ID = 999n;
/** The bounds of the public-notice window (`MIN_NOTICE_PERIOD`, `MAX_NOTICE_PERIOD`). */
const MIN_NOTICE_PERIOD = 60n;
const MAX_NOTICE_PERIOD = 365n * DAY;

/**
 * Holds COURT in every fixture, standing in for the dispute court contract: objections are filed and
 * resolved by the court only (a party objects by opening an OBJECTION dispute, see DisputeCourt.test.ts),
 * and these tests exercise the registry's own rules on what the court asks.
 */
const COURT = (await ethers.getSigners())[12]!;

// ------------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------------

async function deployed(): Promise<Ledger> {
  const ledger = await deployLedger(connection);
  await send(ledger.accessManager.connect(ledger.admin).grantRole(ROLE_IDS.COURT, COURT.address, 0));
  return ledger;
}

interface WithAsset {
  ledger: Ledger;
  assetId: bigint;
}

// Fixtures deploy their own ledger rather than nest `loadFixture` calls: a nested call would revert the
// chain under the outer fixture's bookkeeping.

/** alice's application, filed. */
async function applied(): Promise<WithAsset> {
  const ledger = await deployed();
  return { ledger, assetId: await fileApplication(ledger, ledger.alice) };
}

/** alice's application, accepted: in its public-notice window. */
async function inNotice(): Promise<WithAsset & { noticeEndsAt: bigint }> {
  const ledger = await deployed();
  const assetId = await fileApplication(ledger, ledger.alice);
  await send(ledger.registry.connect(ledger.registrar).acceptApplication(assetId));
  return { ledger, assetId, noticeEndsAt: (await ledger.registry.asset(assetId)).noticeEndsAt };
}

/** alice's certificate, issued. */
async function issued(): Promise<WithAsset> {
  const ledger = await deployed();
  return { ledger, assetId: await issueAsset(connection, ledger, ledger.alice) };
}

/** alice's certificate of IMPORTANT data, issued. */
async function important(): Promise<WithAsset> {
  const ledger = await deployed();
  return { ledger, assetId: await issueAsset(connection, ledger, ledger.alice, { classification: Classification.IMPORTANT }) };
}

/** alice's certificate, pledged to carol. */
async function pledged(): Promise<WithAsset> {
  const ledger = await deployed();
  const assetId = await issueAsset(connection, ledger, ledger.alice);
  await send(ledger.registry.connect(ledger.alice).pledge(assetId, ledger.carol.address, h("loan")));
  return { ledger, assetId };
}

/** An asset at each stage where a restricted function would succeed for the right caller. */
interface Stages {
  ledger: Ledger;
  applied: bigint;
  /** In notice, window over: issuable. */
  noticed: bigint;
  issued: bigint;
  cancelled: bigint;
  /** bob's open objection against `applied`. */
  objectionId: bigint;
}

async function stages(): Promise<Stages> {
  const ledger = await deployed();
  const { registry, registrar, alice, bob } = ledger;
  const appliedId = await fileApplication(ledger, alice);
  const noticed = await fileApplication(ledger, alice);
  await send(registry.connect(registrar).acceptApplication(noticed));
  const issuedId = await issueAsset(connection, ledger, alice); // waits out `noticed`'s window too
  const cancelled = await issueAsset(connection, ledger, alice);
  await send(registry.connect(registrar).cancel(cancelled, h("cancel")));
  await send(registry.connect(COURT).fileObjection(appliedId, bob.address, h("grounds"), "ipfs://grounds"));
  return { ledger, applied: appliedId, noticed, issued: issuedId, cancelled, objectionId: await objectionCount(ledger) };
}

// ------------------------------------------------------------------------------------------------
// Small helpers
// ------------------------------------------------------------------------------------------------

/** The id of the last objection filed (objections are numbered from 1, in the order filed). */
async function objectionCount(ledger: Ledger): Promise<bigint> {
  const filter = ledger.registry.filters.ObjectionFiled();
  const events = await ledger.registry.queryFilter(filter);
  return events.length === 0 ? 0n : events[events.length - 1]!.args.objectionId;
}

/** Files `objector`'s objection to `assetId` as the court does when `objector` opens an OBJECTION dispute. */
async function fileObjection(ledger: Ledger, objector: HardhatEthersSigner, assetId: bigint): Promise<bigint> {
  await send(ledger.registry.connect(COURT).fileObjection(assetId, objector.address, h("grounds"), "ipfs://grounds"));
  return objectionCount(ledger);
}

async function attachReview(ledger: Ledger, assetId: bigint, kind: number): Promise<bigint> {
  const receipt = await send(ledger.registry.connect(ledger.reviewer).attachReview(assetId, kind, h(`report-${kind}`), "ipfs://report"));
  const [attached] = await registryEvents(ledger.registry, receipt, "ReviewAttached");
  return attached!.args.getValue("reviewId") as bigint;
}

async function evidenceSeq(registry: AssetRegistry, assetId: bigint): Promise<bigint> {
  return (await registry.evidenceHead(assetId))[0];
}

async function status(registry: AssetRegistry, assetId: bigint): Promise<bigint> {
  return registry.assetStatus(assetId);
}

async function blockTime(receipt: ContractTransactionReceipt): Promise<bigint> {
  return BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
}

/** Pins the next block's timestamp, so that events carrying times can be matched exactly. */
async function nextBlockAt(offset: bigint = 1n): Promise<bigint> {
  const timestamp = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(timestamp);
  return timestamp;
}

/** A product application citing `parents` (grant 0: the applicant holds the parent). */
function product(parents: { assetId: bigint; grantId?: bigint }[]) {
  return application({
    kind: AssetKind.PRODUCT,
    parents: parents.map(({ assetId, grantId }) => ({ assetId, grantId: grantId ?? 0n })),
  });
}

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

// ------------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------------

describe("AssetRegistry", () => {
  describe("fileApplication", () => {
    it("files a first registration: event, evidence entry 1, record and views", async () => {
      const { registry, alice } = await networkHelpers.loadFixture(deployed);
      const filed = application({ category: DataCategory.PERSONAL, classification: Classification.IMPORTANT });
      const assetId = (await registry.assetCount()) + 1n;
      const tx = registry.connect(alice).fileApplication(filed);
      await expect(tx)
        .to.emit(registry, "AssetApplied")
        .withArgs(
          assetId,
          alice.address,
          AssetKind.RESOURCE,
          DataCategory.PERSONAL,
          Classification.IMPORTANT,
          filed.fingerprint,
          filed.cardHash,
          filed.cardURI,
          [],
        );
      const receipt = await send(tx);

      const payload = payloadHash(
        ["uint256", "address", "uint8", "uint8", "uint8", "bytes32", "bytes32", "string", "tuple(uint256,uint256)[]"],
        [assetId, alice.address, filed.kind, filed.category, filed.classification, filed.fingerprint, filed.cardHash, filed.cardURI, []],
      );
      const kind = eventKind(registry, "AssetApplied");
      const timestamp = await blockTime(receipt);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const head = nextHead(genesisHead(chainId, await registry.getAddress(), assetId), 1n, kind, payload, alice.address, timestamp);
      await expect(tx).to.emit(registry, "EvidenceAppended").withArgs(assetId, 1n, kind, payload, alice.address, timestamp, head);
      const [seq, storedHead] = await registry.evidenceHead(assetId);
      expect([seq, storedHead]).to.deep.equal([1n, head]);

      expect(await registry.assetCount()).to.equal(assetId);
      const info = await registry.asset(assetId);
      expect(info.kind).to.equal(BigInt(AssetKind.RESOURCE));
      expect(info.category).to.equal(BigInt(DataCategory.PERSONAL));
      expect(info.classification).to.equal(BigInt(Classification.IMPORTANT));
      expect(info.status).to.equal(BigInt(AssetStatus.APPLIED));
      expect(info.applicant).to.equal(alice.address);
      expect(info.noticeEndsAt).to.equal(0n);
      expect(info.cardVersion).to.equal(0n);
      expect(info.openObjections).to.equal(0n);
      expect(info.pledgee).to.equal(ZERO_ADDRESS);
      expect(await registry.holderOf(assetId)).to.equal(alice.address);
      expect(await registry.assetStatus(assetId)).to.equal(BigInt(AssetStatus.APPLIED));
      const state = await registry.assetState(assetId);
      expect([state.status, state.category, state.holder, state.underObjection]).to.deep.equal([
        BigInt(AssetStatus.APPLIED),
        BigInt(DataCategory.PERSONAL),
        alice.address,
        false,
      ]);
      expect(await registry.balanceOf(alice.address)).to.equal(0n);
    });

    it("numbers registrations in order, from any live party of any kind", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const applicants = [ledger.alice, ledger.carol, ledger.institution, ledger.individual, ledger.authority];
      for (const [index, applicant] of applicants.entries()) {
        expect(await fileApplication(ledger, applicant)).to.equal(BigInt(index + 1));
        expect((await ledger.registry.asset(BigInt(index + 1))).applicant).to.equal(applicant.address);
      }
    });

    it("files a product derived from parents the applicant holds, listing them in the event", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const [first, second] = await issueMany(connection, ledger, ledger.alice, 2);
      const filed = product([{ assetId: first! }, { assetId: second! }]);
      await expect(ledger.registry.connect(ledger.alice).fileApplication(filed))
        .to.emit(ledger.registry, "AssetApplied")
        .withArgs(3n, ledger.alice.address, AssetKind.PRODUCT, filed.category, filed.classification, filed.fingerprint, filed.cardHash, filed.cardURI, [
          [first, 0n],
          [second, 0n],
        ]);
    });

    it("files a product without parents", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      await send(ledger.registry.connect(ledger.alice).fileApplication(application({ kind: AssetKind.PRODUCT })));
      expect((await ledger.registry.asset(1n)).kind).to.equal(BigInt(AssetKind.PRODUCT));
    });

    it("refuses core data", async () => {
      const { registry, alice } = await networkHelpers.loadFixture(deployed);
      await expect(
        registry.connect(alice).fileApplication(application({ classification: Classification.CORE })),
      ).to.be.revertedWithCustomError(registry, "AssetRegistryCoreDataRefused");
      expect(await registry.assetCount()).to.equal(0n);
    });

    it("refuses an empty fingerprint or card hash", async () => {
      const { registry, alice } = await networkHelpers.loadFixture(deployed);
      await expect(
        registry.connect(alice).fileApplication(application({ fingerprint: ZERO_HASH })),
      ).to.be.revertedWithCustomError(registry, "AssetRegistryEmptyHash");
      await expect(
        registry.connect(alice).fileApplication(application({ cardHash: ZERO_HASH })),
      ).to.be.revertedWithCustomError(registry, "AssetRegistryEmptyHash");
    });

    it("refuses a fingerprint registered to a live asset: applied, in notice or issued, whoever files it", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar, alice, bob } = ledger;
      const fingerprints = [h("fp-applied"), h("fp-notice"), h("fp-issued")];
      const appliedId = await fileApplication(ledger, alice, { fingerprint: fingerprints[0]! });
      const noticed = await fileApplication(ledger, alice, { fingerprint: fingerprints[1]! });
      await send(registry.connect(registrar).acceptApplication(noticed));
      const issuedId = await issueAsset(connection, ledger, alice, { fingerprint: fingerprints[2]! });
      for (const [fingerprint, existing] of [
        [fingerprints[0]!, appliedId],
        [fingerprints[1]!, noticed],
        [fingerprints[2]!, issuedId],
      ] as const) {
        expect(await registry.assetOfFingerprint(fingerprint)).to.equal(existing);
        for (const applicant of [alice, bob]) {
          // As a resource, or re-labelled as a product of more general data: the same data either way.
          for (const overrides of [{}, { kind: AssetKind.PRODUCT, classification: Classification.GENERAL }]) {
            await expect(registry.connect(applicant).fileApplication(application({ fingerprint, ...overrides })))
              .to.be.revertedWithCustomError(registry, "AssetRegistryDuplicateFingerprint")
              .withArgs(fingerprint, existing);
          }
        }
      }
      expect(await registry.assetOfFingerprint(h("fp-unknown"))).to.equal(0n);
    });

    it("lets a fingerprint be filed again once its asset is refused, cancelled or destroyed", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar, alice, bob } = ledger;
      const refused = await fileApplication(ledger, alice, { fingerprint: h("fp-refused") });
      await send(registry.connect(registrar).refuseApplication(refused, h("incomplete")));
      const cancelled = await issueAsset(connection, ledger, alice, { fingerprint: h("fp-cancelled") });
      await send(registry.connect(registrar).cancel(cancelled, h("cancel")));
      const destroyed = await issueAsset(connection, ledger, alice, { fingerprint: h("fp-destroyed") });
      await send(registry.connect(registrar).cancel(destroyed, h("cancel")));
      await send(registry.connect(registrar).recordDestruction(destroyed, h("destroyed")));
      for (const label of ["fp-refused", "fp-cancelled", "fp-destroyed"]) {
        const again = await fileApplication(ledger, bob, { fingerprint: h(label) });
        expect(await registry.assetOfFingerprint(h(label))).to.equal(again);
        // The new filing is live: a third one is refused.
        await expect(registry.connect(alice).fileApplication(application({ fingerprint: h(label) })))
          .to.be.revertedWithCustomError(registry, "AssetRegistryDuplicateFingerprint")
          .withArgs(h(label), again);
      }
    });

    it("refuses an applicant that is not a live party", async () => {
      const { registry, registrar, alice, bob, outsider } = await networkHelpers.loadFixture(deployed);
      await expect(registry.connect(outsider).fileApplication(application()))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(outsider.address);
      // A role is not a party: the registrar is not registered.
      await expect(registry.connect(registrar).fileApplication(application()))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(registrar.address);
      await send(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("merger")));
      await expect(registry.connect(alice).fileApplication(application()))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(alice.address);
    });

    describe("a product classified below its parents", () => {
      /** alice's IMPORTANT resource and GENERAL resource, issued. */
      async function parents(): Promise<{ ledger: Ledger; importantId: bigint; generalId: bigint }> {
        const ledger = await deployed();
        const importantId = await issueAsset(connection, ledger, ledger.alice, { classification: Classification.IMPORTANT });
        const generalId = await issueAsset(connection, ledger, ledger.alice);
        return { ledger, importantId, generalId };
      }

      it("is filed, but accepted only once a DESENSITIZATION review of it is attached", async () => {
        const { ledger, importantId, generalId } = await networkHelpers.loadFixture(parents);
        const { registry, registrar, alice } = ledger;
        const filed = application({
          kind: AssetKind.PRODUCT,
          classification: Classification.GENERAL,
          parents: [
            { assetId: generalId, grantId: 0n },
            { assetId: importantId, grantId: 0n },
          ],
        });
        await expect(registry.connect(alice).fileApplication(filed)).to.emit(registry, "AssetApplied");
        const productId = await registry.assetCount();
        expect(await registry.awaitsDesensitization(productId)).to.equal(true);
        await expect(registry.connect(registrar).acceptApplication(productId))
          .to.be.revertedWithCustomError(registry, "AssetRegistryDesensitizationReviewRequired")
          .withArgs(productId, 0n);
        // Other reviews, and a desensitization review of another asset, do not count.
        for (const kind of [ReviewKind.AUTHENTICITY, ReviewKind.COMPLIANCE, ReviewKind.AUDIT, ReviewKind.VALUATION]) {
          await attachReview(ledger, productId, kind);
        }
        await attachReview(ledger, importantId, ReviewKind.DESENSITIZATION);
        expect(await registry.awaitsDesensitization(productId)).to.equal(true);
        await expect(registry.connect(registrar).acceptApplication(productId))
          .to.be.revertedWithCustomError(registry, "AssetRegistryDesensitizationReviewRequired")
          .withArgs(productId, 0n);

        await attachReview(ledger, productId, ReviewKind.DESENSITIZATION);
        expect(await registry.awaitsDesensitization(productId)).to.equal(false);
        await expect(registry.connect(registrar).acceptApplication(productId)).to.emit(registry, "ApplicationAccepted");
      });

      it("does not wait when classified as its most sensitive parent", async () => {
        const { ledger, importantId, generalId } = await networkHelpers.loadFixture(parents);
        const { registry, registrar, alice } = ledger;
        for (const [parentIds, classification] of [
          [[generalId, importantId], Classification.IMPORTANT],
          [[generalId], Classification.GENERAL],
          [[generalId], Classification.IMPORTANT],
        ] as const) {
          const productId = await fileApplication(ledger, alice, {
            kind: AssetKind.PRODUCT,
            classification,
            parents: parentIds.map((assetId) => ({ assetId, grantId: 0n })),
          });
          expect(await registry.awaitsDesensitization(productId)).to.equal(false);
          await expect(registry.connect(registrar).acceptApplication(productId)).to.emit(registry, "ApplicationAccepted");
        }
        await expect(registry.awaitsDesensitization(UNKNOWN_ID))
          .to.be.revertedWithCustomError(registry, "AssetRegistryUnknownAsset")
          .withArgs(UNKNOWN_ID);
      });

      it("waits for the parent's classification at filing, also for a parent cited under a grant", async () => {
        const { ledger, importantId } = await networkHelpers.loadFixture(parents);
        const { registry, registrar, alice, bob } = ledger;
        const grantId = await makeGrant(ledger, alice, grantTerms(bob.address, importantId, Rights.PROCESS, await now()));
        const productId = await fileApplication(ledger, bob, {
          kind: AssetKind.PRODUCT,
          parents: [{ assetId: importantId, grantId }],
        });
        expect(await registry.awaitsDesensitization(productId)).to.equal(true);
        // Lowering the parent afterwards does not lift the product's wait: the product was derived from
        // important data.
        const parentReview = await attachReview(ledger, importantId, ReviewKind.DESENSITIZATION);
        await send(registry.connect(registrar).reclassify(importantId, Classification.GENERAL, parentReview));
        await expect(registry.connect(registrar).acceptApplication(productId))
          .to.be.revertedWithCustomError(registry, "AssetRegistryDesensitizationReviewRequired")
          .withArgs(productId, 0n);
      });
    });

    describe("parents", () => {
      it("refuses parents on a resource", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        const filed = application({ kind: AssetKind.RESOURCE, parents: [{ assetId, grantId: 0n }] });
        await expect(ledger.registry.connect(ledger.alice).fileApplication(filed)).to.be.revertedWithCustomError(
          ledger.registry,
          "AssetRegistryResourceWithParents",
        );
      });

      it(`accepts ${MAX_PARENTS} parents and refuses ${MAX_PARENTS + 1}`, async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const parents = await issueMany(connection, ledger, ledger.alice, MAX_PARENTS + 1);
        await expect(ledger.registry.connect(ledger.alice).fileApplication(product(parents.map((assetId) => ({ assetId })))))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryTooManyParents")
          .withArgs(MAX_PARENTS + 1);
        const sixteen = product(parents.slice(0, MAX_PARENTS).map((assetId) => ({ assetId })));
        await expect(ledger.registry.connect(ledger.alice).fileApplication(sixteen)).to.emit(ledger.registry, "AssetApplied");
      });

      it("refuses a duplicate parent, also cited under different grants", async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const [first, second] = await issueMany(connection, ledger, ledger.alice, 2);
        await expect(ledger.registry.connect(ledger.alice).fileApplication(product([{ assetId: first! }, { assetId: second! }, { assetId: first! }])))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryDuplicateParent")
          .withArgs(first);
        await expect(
          ledger.registry.connect(ledger.alice).fileApplication(product([{ assetId: second! }, { assetId: second!, grantId: 1n }])),
        )
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryDuplicateParent")
          .withArgs(second);
      });

      it("refuses an unknown parent", async () => {
        const { registry, alice } = await networkHelpers.loadFixture(deployed);
        await expect(registry.connect(alice).fileApplication(product([{ assetId: UNKNOWN_ID }])))
          .to.be.revertedWithCustomError(registry, "AssetRegistryUnknownAsset")
          .withArgs(UNKNOWN_ID);
      });

      it("refuses a parent that is not issued: applied, in notice, refused, cancelled, destroyed", async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const { registry, registrar, alice } = ledger;
        const appliedId = await fileApplication(ledger, alice);
        const noticed = await fileApplication(ledger, alice);
        await send(registry.connect(registrar).acceptApplication(noticed));
        const refused = await fileApplication(ledger, alice);
        await send(registry.connect(registrar).refuseApplication(refused, h("no")));
        const [cancelled, destroyed] = await issueMany(connection, ledger, alice, 2);
        await send(registry.connect(registrar).cancel(cancelled!, h("cancel")));
        await send(registry.connect(registrar).cancel(destroyed!, h("cancel")));
        await send(registry.connect(registrar).recordDestruction(destroyed!, h("destroyed")));
        for (const [parentId, parentStatus] of [
          [appliedId, AssetStatus.APPLIED],
          [noticed, AssetStatus.IN_NOTICE],
          [refused, AssetStatus.REFUSED],
          [cancelled!, AssetStatus.CANCELLED],
          [destroyed!, AssetStatus.DESTROYED],
        ] as const) {
          await expect(registry.connect(alice).fileApplication(product([{ assetId: parentId }])))
            .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus")
            .withArgs(parentId, parentStatus);
        }
      });

      it("refuses a parent under an open objection, and accepts it once the objection is dismissed", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        const objectionId = await fileObjection(ledger, ledger.bob, assetId);
        await expect(ledger.registry.connect(ledger.alice).fileApplication(product([{ assetId }])))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnderObjection")
          .withArgs(assetId);
        await send(ledger.registry.connect(COURT).resolveObjection(objectionId, false, h("dismissed")));
        await expect(ledger.registry.connect(ledger.alice).fileApplication(product([{ assetId }]))).to.emit(
          ledger.registry,
          "AssetApplied",
        );
      });

      it("refuses a parent the applicant neither holds nor cites a grant for", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        await expect(ledger.registry.connect(ledger.bob).fileApplication(product([{ assetId }])))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnauthorizedSource")
          .withArgs(assetId, 0n);
      });

      it("accepts a parent authorized with a PROCESS grant", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        const grantId = await makeGrant(ledger, ledger.alice, grantTerms(ledger.bob.address, assetId, Rights.PROCESS, await now()));
        const filed = product([{ assetId, grantId }]);
        await expect(ledger.registry.connect(ledger.bob).fileApplication(filed))
          .to.emit(ledger.registry, "AssetApplied")
          .withArgs(2n, ledger.bob.address, AssetKind.PRODUCT, filed.category, filed.classification, filed.fingerprint, filed.cardHash, filed.cardURI, [
            [assetId, grantId],
          ]);
      });

      it("refuses a grant without PROCESS (USE, OPERATE, SUBLICENSE only)", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        const rights = Rights.USE | Rights.OPERATE | Rights.SUBLICENSE;
        const grantId = await makeGrant(ledger, ledger.alice, grantTerms(ledger.bob.address, assetId, rights, await now()));
        await expect(ledger.registry.connect(ledger.bob).fileApplication(product([{ assetId, grantId }])))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnauthorizedSource")
          .withArgs(assetId, grantId);
      });

      it("refuses a grant to another party, and a grant on another asset", async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const [parent, other] = await issueMany(connection, ledger, ledger.alice, 2);
        const toCarol = await makeGrant(ledger, ledger.alice, grantTerms(ledger.carol.address, parent!, Rights.PROCESS, await now()));
        await expect(ledger.registry.connect(ledger.bob).fileApplication(product([{ assetId: parent!, grantId: toCarol }])))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnauthorizedSource")
          .withArgs(parent, toCarol);
        const onOther = await makeGrant(ledger, ledger.alice, grantTerms(ledger.bob.address, other!, Rights.PROCESS, await now()));
        await expect(ledger.registry.connect(ledger.bob).fileApplication(product([{ assetId: parent!, grantId: onOther }])))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnauthorizedSource")
          .withArgs(parent, onOther);
      });

      it("refuses an unknown grant as an unauthorized source", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        await expect(ledger.registry.connect(ledger.bob).fileApplication(product([{ assetId, grantId: UNKNOWN_ID }])))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnauthorizedSource")
          .withArgs(assetId, UNKNOWN_ID);
      });

      for (const [label, spoil] of [
        ["suspended", (ledger: Ledger, grantId: bigint) => send(ledger.grants.connect(ledger.alice).suspend(grantId, h("audit")))],
        ["revoked", (ledger: Ledger, grantId: bigint) => send(ledger.grants.connect(ledger.alice).revoke(grantId, h("ended")))],
        ["expired", async () => time.increase(2n * DAY)],
      ] as const) {
        it(`refuses a ${label} grant`, async () => {
          const { ledger, assetId } = await networkHelpers.loadFixture(issued);
          const grantId = await makeGrant(
            ledger,
            ledger.alice,
            grantTerms(ledger.bob.address, assetId, Rights.PROCESS, await now(), { validUntil: (await now()) + DAY }),
          );
          await spoil(ledger, grantId);
          await expect(ledger.registry.connect(ledger.bob).fileApplication(product([{ assetId, grantId }])))
            .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnauthorizedSource")
            .withArgs(assetId, grantId);
        });
      }

      it("refuses a grant whose window has not started yet", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        const start = (await now()) + DAY;
        const grantId = await makeGrant(ledger, ledger.alice, grantTerms(ledger.bob.address, assetId, Rights.PROCESS, start));
        await expect(ledger.registry.connect(ledger.bob).fileApplication(product([{ assetId, grantId }])))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnauthorizedSource")
          .withArgs(assetId, grantId);
        await time.increase(DAY);
        await expect(ledger.registry.connect(ledger.bob).fileApplication(product([{ assetId, grantId }]))).to.emit(
          ledger.registry,
          "AssetApplied",
        );
      });

      it("sums the grants' royalties over the parents: 10,000 bps at most", async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const { registry, alice, bob } = ledger;
        const [first, second, held] = await issueMany(connection, ledger, alice, 3);
        await send(registry.connect(ledger.registrar).transferHolding(held!, bob.address, TransferReason.SALE, h("sale")));
        const grant = async (assetId: bigint, royaltyBps: number) =>
          makeGrant(ledger, alice, grantTerms(bob.address, assetId, Rights.PROCESS, await now(), { royaltyBps }));
        const firstHigh = await grant(first!, 6_000);
        const secondHigh = await grant(second!, 4_001);
        const secondExact = await grant(second!, 4_000);
        await expect(registry.connect(bob).fileApplication(product([
          { assetId: first!, grantId: firstHigh },
          { assetId: second!, grantId: secondHigh },
        ])))
          .to.be.revertedWithCustomError(registry, "AssetRegistryRoyaltiesExceedTotal")
          .withArgs(10_001n);
        // Exactly 100%, and a parent held by the applicant adds nothing.
        await expect(registry.connect(bob).fileApplication(product([
          { assetId: first!, grantId: firstHigh },
          { assetId: second!, grantId: secondExact },
          { assetId: held! },
        ]))).to.emit(registry, "AssetApplied");
      });

      it("counts a sub-grant's royalty stacked on every grant above it", async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const { registry, grants, alice, bob, carol } = ledger;
        const [licensed, other] = await issueMany(connection, ledger, alice, 2);
        const start = await now();
        const direct = await makeGrant(
          ledger,
          alice,
          grantTerms(bob.address, licensed!, Rights.PROCESS | Rights.SUBLICENSE, start, { royaltyBps: 6_000 }),
        );
        await send(grants.connect(bob).subGrant(direct, grantTerms(carol.address, licensed!, Rights.PROCESS, start, { royaltyBps: 3_000 })));
        const sub = await grants.grantCount();
        expect(await grants.derivationTerms(carol.address, licensed!, sub)).to.deep.equal([true, 9_000n]);
        const otherHigh = await makeGrant(ledger, alice, grantTerms(carol.address, other!, Rights.PROCESS, await now(), { royaltyBps: 1_001 }));
        const otherExact = await makeGrant(ledger, alice, grantTerms(carol.address, other!, Rights.PROCESS, await now(), { royaltyBps: 1_000 }));
        // Before the audit a sub-grant's own 3,000 was all the product paid for it (4,001 in total here).
        await expect(registry.connect(carol).fileApplication(product([
          { assetId: licensed!, grantId: sub },
          { assetId: other!, grantId: otherHigh },
        ])))
          .to.be.revertedWithCustomError(registry, "AssetRegistryRoyaltiesExceedTotal")
          .withArgs(10_001n);
        await expect(registry.connect(carol).fileApplication(product([
          { assetId: licensed!, grantId: sub },
          { assetId: other!, grantId: otherExact },
        ]))).to.emit(registry, "AssetApplied");
      });
    });
  });

  describe("attachReview", () => {
    it("attaches a report of every kind, numbered across assets, with its event and evidence entry", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, reviewer } = ledger;
      const first = await fileApplication(ledger, ledger.alice);
      const second = await fileApplication(ledger, ledger.bob);
      let reviewId = 0n;
      for (const kind of Object.values(ReviewKind)) {
        for (const assetId of [first, second]) {
          reviewId += 1n;
          const seq = await evidenceSeq(registry, assetId);
          await expect(registry.connect(reviewer).attachReview(assetId, kind, h(`report-${reviewId}`), `ipfs://report/${reviewId}`))
            .to.emit(registry, "ReviewAttached")
            .withArgs(assetId, reviewId, reviewer.address, kind, h(`report-${reviewId}`), `ipfs://report/${reviewId}`);
          expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
          const stored = await registry.review(reviewId);
          expect([stored.assetId, stored.reviewer, stored.kind]).to.deep.equal([assetId, reviewer.address, BigInt(kind)]);
        }
      }
    });

    it("is allowed in notice, after issue and after cancellation", async () => {
      const { ledger, applied: appliedId, noticed, issued: issuedId, cancelled } = await networkHelpers.loadFixture(stages);
      for (const assetId of [appliedId, noticed, issuedId, cancelled]) {
        await expect(ledger.registry.connect(ledger.reviewer).attachReview(assetId, ReviewKind.AUDIT, h("r"), "")).to.emit(
          ledger.registry,
          "ReviewAttached",
        );
      }
    });

    it("is refused once the application is refused or the data destroyed", async () => {
      const { ledger, applied: appliedId, cancelled } = await networkHelpers.loadFixture(stages);
      const { registry, registrar, reviewer } = ledger;
      await send(registry.connect(registrar).refuseApplication(appliedId, h("no")));
      await send(registry.connect(registrar).recordDestruction(cancelled, h("destroyed")));
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.REFUSED],
        [cancelled, AssetStatus.DESTROYED],
      ] as const) {
        await expect(registry.connect(reviewer).attachReview(assetId, ReviewKind.AUDIT, h("r"), ""))
          .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });

    it("refuses an empty report hash", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      await expect(
        ledger.registry.connect(ledger.reviewer).attachReview(assetId, ReviewKind.AUDIT, ZERO_HASH, "ipfs://report"),
      ).to.be.revertedWithCustomError(ledger.registry, "AssetRegistryEmptyHash");
    });
  });

  describe("acceptApplication", () => {
    it("opens the public-notice window: event, status, noticeEndsAt, evidence entry", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      const { registry, registrar } = ledger;
      const seq = await evidenceSeq(registry, assetId);
      const at = await nextBlockAt();
      await expect(registry.connect(registrar).acceptApplication(assetId))
        .to.emit(registry, "ApplicationAccepted")
        .withArgs(assetId, registrar.address, at + NOTICE_PERIOD);
      const info = await registry.asset(assetId);
      expect(info.status).to.equal(BigInt(AssetStatus.IN_NOTICE));
      expect(info.noticeEndsAt).to.equal(at + NOTICE_PERIOD);
      expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
    });

    it("is refused unless the application is just filed", async () => {
      const { ledger, applied: appliedId, noticed, issued: issuedId, cancelled } = await networkHelpers.loadFixture(stages);
      const { registry, registrar } = ledger;
      await send(registry.connect(registrar).refuseApplication(appliedId, h("no")));
      for (const [assetId, assetStatus] of [
        [noticed, AssetStatus.IN_NOTICE],
        [issuedId, AssetStatus.ISSUED],
        [appliedId, AssetStatus.REFUSED],
        [cancelled, AssetStatus.CANCELLED],
      ] as const) {
        await expect(registry.connect(registrar).acceptApplication(assetId))
          .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });

    it("uses the notice period in force at acceptance; earlier windows keep their end", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar, admin, alice } = ledger;
      const early = await fileApplication(ledger, alice);
      const late = await fileApplication(ledger, alice);
      await send(registry.connect(registrar).acceptApplication(early));
      const earlyEnd = (await registry.asset(early)).noticeEndsAt;
      await send(registry.connect(admin).setNoticePeriod(Number(DAY)));
      const at = await nextBlockAt();
      await send(registry.connect(registrar).acceptApplication(late));
      expect((await registry.asset(late)).noticeEndsAt).to.equal(at + DAY);
      expect((await registry.asset(early)).noticeEndsAt).to.equal(earlyEnd);
    });

    it("with the shortest notice period, a minute, still leaves that minute to object", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      const { registry, registrar, bob } = ledger;
      await send(registry.connect(ledger.admin).setNoticePeriod(MIN_NOTICE_PERIOD));
      const at = await nextBlockAt();
      await send(registry.connect(registrar).acceptApplication(assetId));
      await expect(registry.connect(registrar).issueCertificate(assetId))
        .to.be.revertedWithCustomError(registry, "AssetRegistryNoticeNotOver")
        .withArgs(assetId, at + MIN_NOTICE_PERIOD);
      await time.setNextBlockTimestamp(at + MIN_NOTICE_PERIOD - 1n);
      await expect(registry.connect(COURT).fileObjection(assetId, bob.address, h("grounds"), "")).to.emit(registry, "ObjectionFiled");
      await send(registry.connect(COURT).resolveObjection(1n, false, h("dismissed")));
      await expect(registry.connect(registrar).issueCertificate(assetId)).to.emit(registry, "CertificateIssued");
    });

    it("never ends a window before its time, even for a window reaching past uint32 time", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      const { registry, registrar, bob } = ledger;
      // The longest window, opened 30 days before uint32 time runs out: its end saturates.
      await send(registry.connect(ledger.admin).setNoticePeriod(MAX_NOTICE_PERIOD));
      await time.increaseTo(2n ** 32n - 30n * DAY);
      const receipt = await send(registry.connect(registrar).acceptApplication(assetId));
      const [accepted] = await registryEvents(registry, receipt, "ApplicationAccepted");
      const announced = accepted!.args.getValue("noticeEndsAt") as bigint;
      expect(announced).to.be.greaterThan(await blockTime(receipt));
      expect((await registry.asset(assetId)).noticeEndsAt).to.equal(announced);
      await expect(registry.connect(registrar).issueCertificate(assetId))
        .to.be.revertedWithCustomError(registry, "AssetRegistryNoticeNotOver")
        .withArgs(assetId, announced);
      await expect(registry.connect(COURT).fileObjection(assetId, bob.address, h("grounds"), "")).to.emit(registry, "ObjectionFiled");
    });
  });

  describe("refuseApplication", () => {
    for (const [label, fixture] of [
      ["a filed application", applied],
      ["an application in notice", inNotice],
    ] as const) {
      it(`refuses ${label}: event, status REFUSED, evidence entry; nothing follows`, async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(fixture);
        const { registry, registrar, bob } = ledger;
        const seq = await evidenceSeq(registry, assetId);
        await expect(registry.connect(registrar).refuseApplication(assetId, h("incomplete")))
          .to.emit(registry, "ApplicationRefused")
          .withArgs(assetId, registrar.address, h("incomplete"));
        expect(await status(registry, assetId)).to.equal(BigInt(AssetStatus.REFUSED));
        expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
        await time.increase(NOTICE_PERIOD);
        for (const tx of [
          () => registry.connect(registrar).issueCertificate(assetId),
          () => registry.connect(registrar).acceptApplication(assetId),
          () => registry.connect(registrar).refuseApplication(assetId, h("again")),
          () => registry.connect(COURT).fileObjection(assetId, bob.address, h("grounds"), ""),
        ]) {
          await expect(tx()).to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus").withArgs(assetId, AssetStatus.REFUSED);
        }
      });
    }

    it("is refused for an issued certificate (cancel it instead)", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      await expect(ledger.registry.connect(ledger.registrar).refuseApplication(assetId, h("no")))
        .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidStatus")
        .withArgs(assetId, AssetStatus.ISSUED);
    });
  });

  describe("public notice and objections", () => {
    it("refuses to issue before the window ends, to the second, and issues at its end", async () => {
      const { ledger, assetId, noticeEndsAt } = await networkHelpers.loadFixture(inNotice);
      const { registry, registrar } = ledger;
      await expect(registry.connect(registrar).issueCertificate(assetId))
        .to.be.revertedWithCustomError(registry, "AssetRegistryNoticeNotOver")
        .withArgs(assetId, noticeEndsAt);
      await time.setNextBlockTimestamp(noticeEndsAt - 1n);
      await expect(registry.connect(registrar).issueCertificate(assetId))
        .to.be.revertedWithCustomError(registry, "AssetRegistryNoticeNotOver")
        .withArgs(assetId, noticeEndsAt);
      await time.setNextBlockTimestamp(noticeEndsAt);
      await expect(registry.connect(registrar).issueCertificate(assetId)).to.emit(registry, "CertificateIssued");
    });

    it("takes an objection during the window, up to its last second", async () => {
      const { ledger, assetId, noticeEndsAt } = await networkHelpers.loadFixture(inNotice);
      const { registry, bob } = ledger;
      const seq = await evidenceSeq(registry, assetId);
      await time.setNextBlockTimestamp(noticeEndsAt - 1n);
      await expect(registry.connect(COURT).fileObjection(assetId, bob.address, h("stolen"), "ipfs://grounds"))
        .to.emit(registry, "ObjectionFiled")
        .withArgs(assetId, 1n, bob.address, h("stolen"), "ipfs://grounds");
      expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
      const stored = await registry.objection(1n);
      expect([stored.assetId, stored.objector, stored.status]).to.deep.equal([assetId, bob.address, BigInt(ObjectionStatus.OPEN)]);
      expect((await registry.asset(assetId)).openObjections).to.equal(1n);
      expect((await registry.assetState(assetId)).underObjection).to.equal(true);
    });

    it("takes an objection before the registrar accepts the application", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      await expect(ledger.registry.connect(COURT).fileObjection(assetId, ledger.carol.address, h("grounds"), ""))
        .to.emit(ledger.registry, "ObjectionFiled")
        .withArgs(assetId, 1n, ledger.carol.address, h("grounds"), "");
      // Acceptance does not wait for objections; issue does.
      await send(ledger.registry.connect(ledger.registrar).acceptApplication(assetId));
      await time.increase(NOTICE_PERIOD);
      await expect(ledger.registry.connect(ledger.registrar).issueCertificate(assetId))
        .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnderObjection")
        .withArgs(assetId);
    });

    it("closes objections when the window ends, though the certificate is not issued yet", async () => {
      const { ledger, assetId, noticeEndsAt } = await networkHelpers.loadFixture(inNotice);
      await time.setNextBlockTimestamp(noticeEndsAt);
      await expect(ledger.registry.connect(COURT).fileObjection(assetId, ledger.bob.address, h("late"), ""))
        .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryNoticeClosed")
        .withArgs(assetId);
    });

    it("refuses an objection for a non-party or a succeeded one, and one without grounds", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(inNotice);
      const { registry, registrar, bob, carol, outsider } = ledger;
      for (const objector of [outsider.address, ZERO_ADDRESS]) {
        await expect(registry.connect(COURT).fileObjection(assetId, objector, h("grounds"), ""))
          .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
          .withArgs(objector);
      }
      await send(registry.connect(registrar).recordSuccession(carol.address, bob.address, h("merger")));
      await expect(registry.connect(COURT).fileObjection(assetId, carol.address, h("grounds"), ""))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(carol.address);
      await expect(registry.connect(COURT).fileObjection(assetId, bob.address, ZERO_HASH, "ipfs://grounds")).to.be.revertedWithCustomError(
        registry,
        "AssetRegistryEmptyHash",
      );
      expect((await registry.asset(assetId)).openObjections).to.equal(0n);
    });

    it("refuses an objection by the asset's own applicant or holder, or its successor", async () => {
      const { ledger, applied: appliedId, issued: issuedId } = await networkHelpers.loadFixture(stages);
      const { registry, registrar, alice, bob } = ledger;
      const noticed = await fileApplication(ledger, alice);
      await send(registry.connect(registrar).acceptApplication(noticed));
      for (const assetId of [appliedId, noticed, issuedId]) {
        await expect(registry.connect(COURT).fileObjection(assetId, alice.address, h("mine"), ""))
          .to.be.revertedWithCustomError(registry, "AssetRegistrySelfObjection")
          .withArgs(assetId, alice.address);
      }
      // After a transfer the new holder cannot object, and the former one can.
      await send(registry.connect(registrar).transferHolding(issuedId, bob.address, TransferReason.SALE, h("sale")));
      await expect(registry.connect(COURT).fileObjection(issuedId, bob.address, h("mine"), ""))
        .to.be.revertedWithCustomError(registry, "AssetRegistrySelfObjection")
        .withArgs(issuedId, bob.address);
      await expect(registry.connect(COURT).fileObjection(issuedId, alice.address, h("sold too cheap"), "")).to.emit(
        registry,
        "ObjectionFiled",
      );
      // The holder's successor holds the asset (resolved), so it cannot object either.
      const held = await issueAsset(connection, ledger, ledger.carol);
      await send(registry.connect(registrar).recordSuccession(ledger.carol.address, ledger.individual.address, h("merger")));
      await expect(registry.connect(COURT).fileObjection(held, ledger.individual.address, h("mine"), ""))
        .to.be.revertedWithCustomError(registry, "AssetRegistrySelfObjection")
        .withArgs(held, ledger.individual.address);
    });

    it("refuses an objection against a refused, cancelled or destroyed registration", async () => {
      const { ledger, applied: appliedId, issued: issuedId, cancelled } = await networkHelpers.loadFixture(stages);
      const { registry, registrar, carol } = ledger;
      await send(registry.connect(registrar).refuseApplication(appliedId, h("no")));
      await send(registry.connect(registrar).cancel(issuedId, h("cancel")));
      await send(registry.connect(registrar).recordDestruction(cancelled, h("destroyed")));
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.REFUSED],
        [issuedId, AssetStatus.CANCELLED],
        [cancelled, AssetStatus.DESTROYED],
      ] as const) {
        await expect(registry.connect(COURT).fileObjection(assetId, carol.address, h("grounds"), ""))
          .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });

    it("blocks issue while an objection is open; a dismissed objection lets it through", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(inNotice);
      const { registry, registrar, bob, carol } = ledger;
      const first = await fileObjection(ledger, bob, assetId);
      const second = await fileObjection(ledger, carol, assetId);
      expect((await registry.asset(assetId)).openObjections).to.equal(2n);
      await time.increase(NOTICE_PERIOD);
      await expect(registry.connect(registrar).issueCertificate(assetId))
        .to.be.revertedWithCustomError(registry, "AssetRegistryUnderObjection")
        .withArgs(assetId);

      await expect(registry.connect(COURT).resolveObjection(first, false, h("unfounded")))
        .to.emit(registry, "ObjectionResolved")
        .withArgs(assetId, first, COURT.address, false, h("unfounded"));
      await expect(registry.connect(registrar).issueCertificate(assetId))
        .to.be.revertedWithCustomError(registry, "AssetRegistryUnderObjection")
        .withArgs(assetId);
      await send(registry.connect(COURT).resolveObjection(second, false, h("unfounded too")));

      expect((await registry.objection(first)).status).to.equal(BigInt(ObjectionStatus.DISMISSED));
      expect((await registry.objection(second)).status).to.equal(BigInt(ObjectionStatus.DISMISSED));
      expect((await registry.asset(assetId)).openObjections).to.equal(0n);
      expect((await registry.assetState(assetId)).underObjection).to.equal(false);
      await expect(registry.connect(registrar).issueCertificate(assetId)).to.emit(registry, "CertificateIssued");
    });

    for (const [label, fixture] of [
      ["in notice", inNotice],
      ["just filed", applied],
    ] as const) {
      it(`refuses the application (${label}) when an objection is upheld`, async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(fixture);
        const { registry, registrar, bob, carol } = ledger;
        const upheld = await fileObjection(ledger, bob, assetId);
        const other = await fileObjection(ledger, carol, assetId);
        const seq = await evidenceSeq(registry, assetId);
        const receipt = await send(registry.connect(COURT).resolveObjection(upheld, true, h("stolen data")));
        expect(await registryEventNames(registry, receipt)).to.deep.equal([
          "ObjectionResolved",
          "EvidenceAppended",
          "ApplicationRefused",
          "EvidenceAppended",
        ]);
        const [refused] = await registryEvents(registry, receipt, "ApplicationRefused");
        expect(refused!.args.toArray()).to.deep.equal([assetId, COURT.address, h("stolen data")]);
        expect(await evidenceSeq(registry, assetId)).to.equal(seq + 2n);
        expect(await status(registry, assetId)).to.equal(BigInt(AssetStatus.REFUSED));
        expect((await registry.objection(upheld)).status).to.equal(BigInt(ObjectionStatus.UPHELD));

        // The other objection can still be ruled on; the application is not refused twice.
        const again = await send(registry.connect(COURT).resolveObjection(other, true, h("same")));
        expect(await registryEventNames(registry, again)).to.deep.equal(["ObjectionResolved", "EvidenceAppended"]);
        await time.increase(NOTICE_PERIOD);
        await expect(registry.connect(registrar).issueCertificate(assetId))
          .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, AssetStatus.REFUSED);
      });
    }

    it("leaves objections to the court: the registrar and arbitrators can neither file nor resolve one", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(inNotice);
      const { registry, registrar, arbitrator, bob } = ledger;
      const objectionId = await fileObjection(ledger, bob, assetId);
      // Before the audit a registrar or an arbitrator resolved objections filed outside the court; now every
      // objection is a court dispute, and only its ruling resolves it.
      for (const caller of [registrar, arbitrator]) {
        await expect(registry.connect(caller).resolveObjection(objectionId, false, h("r")))
          .to.be.revertedWithCustomError(registry, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.COURT);
        await expect(registry.connect(caller).fileObjection(assetId, bob.address, h("g"), ""))
          .to.be.revertedWithCustomError(registry, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.COURT);
      }
      // The objection record names no court flag any more: every objection is the court's.
      const stored = await registry.objection(objectionId);
      expect([stored.assetId, stored.objector, stored.status]).to.deep.equal([assetId, bob.address, BigInt(ObjectionStatus.OPEN)]);
      expect(registry.interface.getFunction("objection").outputs[0]!.components!.map((c) => c.name)).to.deep.equal([
        "assetId",
        "objector",
        "status",
      ]);
    });

    it("refuses to resolve an unknown objection or one already resolved", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(inNotice);
      const { registry } = ledger;
      await expect(registry.connect(COURT).resolveObjection(UNKNOWN_ID, false, h("r")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryUnknownObjection")
        .withArgs(UNKNOWN_ID);
      await expect(registry.connect(COURT).resolveObjection(0n, false, h("r")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryUnknownObjection")
        .withArgs(0n);
      const objectionId = await fileObjection(ledger, ledger.bob, assetId);
      await send(registry.connect(COURT).resolveObjection(objectionId, false, h("r")));
      for (const upheld of [false, true]) {
        await expect(registry.connect(COURT).resolveObjection(objectionId, upheld, h("r")))
          .to.be.revertedWithCustomError(registry, "AssetRegistryObjectionNotOpen")
          .withArgs(objectionId);
      }
      expect((await registry.asset(assetId)).openObjections).to.equal(0n);
    });

    describe("against an issued certificate", () => {
      it("is taken after the window, blocks transfer, pledge and grants while open", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        const { registry, grants, registrar, alice, bob, carol } = ledger;
        await expect(registry.connect(COURT).fileObjection(assetId, carol.address, h("grounds"), ""))
          .to.emit(registry, "ObjectionFiled")
          .withArgs(assetId, 1n, carol.address, h("grounds"), "");
        expect((await registry.assetState(assetId)).underObjection).to.equal(true);
        await expect(registry.connect(registrar).transferHolding(assetId, bob.address, TransferReason.SALE, h("sale")))
          .to.be.revertedWithCustomError(registry, "AssetRegistryUnderObjection")
          .withArgs(assetId);
        await expect(registry.connect(alice).pledge(assetId, bob.address, h("loan")))
          .to.be.revertedWithCustomError(registry, "AssetRegistryUnderObjection")
          .withArgs(assetId);
        await expect(grants.connect(alice).grant(grantTerms(bob.address, assetId, Rights.USE, await now())))
          .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
          .withArgs(assetId);
      });

      it("upheld, records the ruling only: the certificate stays issued and the remedy is a transfer", async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(issued);
        const { registry, registrar, alice, carol } = ledger;
        const objectionId = await fileObjection(ledger, carol, assetId);
        const receipt = await send(registry.connect(COURT).resolveObjection(objectionId, true, h("carol's data")));
        expect(await registryEventNames(registry, receipt)).to.deep.equal(["ObjectionResolved", "EvidenceAppended"]);
        expect(await status(registry, assetId)).to.equal(BigInt(AssetStatus.ISSUED));
        expect(await registry.ownerOf(assetId)).to.equal(alice.address);
        expect((await registry.asset(assetId)).openObjections).to.equal(0n);
        await expect(registry.connect(registrar).transferHolding(assetId, carol.address, TransferReason.OBJECTION_UPHELD, h("ruling")))
          .to.emit(registry, "HoldingTransferred")
          .withArgs(assetId, alice.address, carol.address, TransferReason.OBJECTION_UPHELD, h("ruling"), registrar.address);
      });
    });
  });

  describe("issueCertificate", () => {
    it("mints the certificate to the applicant: events, status, ERC-721 owner and balance", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(inNotice);
      const { registry, registrar, alice } = ledger;
      await time.increase(NOTICE_PERIOD);
      const seq = await evidenceSeq(registry, assetId);
      const tx = registry.connect(registrar).issueCertificate(assetId);
      await expect(tx).to.emit(registry, "CertificateIssued").withArgs(assetId, alice.address, registrar.address);
      await expect(tx).to.emit(registry, "Transfer").withArgs(ZERO_ADDRESS, alice.address, assetId);
      expect(await status(registry, assetId)).to.equal(BigInt(AssetStatus.ISSUED));
      expect(await registry.ownerOf(assetId)).to.equal(alice.address);
      expect(await registry.holderOf(assetId)).to.equal(alice.address);
      expect(await registry.balanceOf(alice.address)).to.equal(1n);
      expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
    });

    it("is refused before acceptance and after issue", async () => {
      const { ledger, applied: appliedId, issued: issuedId } = await networkHelpers.loadFixture(stages);
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.APPLIED],
        [issuedId, AssetStatus.ISSUED],
      ] as const) {
        await expect(ledger.registry.connect(ledger.registrar).issueCertificate(assetId))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });
  });

  describe("changeCard", () => {
    it("records new card versions: 1, 2, ... with CardChanged and an evidence entry each", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar } = ledger;
      for (const version of [1n, 2n, 3n]) {
        const seq = await evidenceSeq(registry, assetId);
        await expect(registry.connect(registrar).changeCard(assetId, h(`card-v${version}`), `ipfs://card/v${version}`))
          .to.emit(registry, "CardChanged")
          .withArgs(assetId, version, h(`card-v${version}`), `ipfs://card/v${version}`, registrar.address);
        expect((await registry.asset(assetId)).cardVersion).to.equal(version);
        expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
      }
    });

    it("refuses an empty card hash", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      await expect(ledger.registry.connect(ledger.registrar).changeCard(assetId, ZERO_HASH, "ipfs://card")).to.be.revertedWithCustomError(
        ledger.registry,
        "AssetRegistryEmptyHash",
      );
    });

    it("is refused unless the certificate is issued", async () => {
      const { ledger, applied: appliedId, noticed, cancelled } = await networkHelpers.loadFixture(stages);
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.APPLIED],
        [noticed, AssetStatus.IN_NOTICE],
        [cancelled, AssetStatus.CANCELLED],
      ] as const) {
        await expect(ledger.registry.connect(ledger.registrar).changeCard(assetId, h("card"), ""))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });
  });

  describe("reclassify", () => {
    it("raises GENERAL to IMPORTANT without a review", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar } = ledger;
      const seq = await evidenceSeq(registry, assetId);
      await expect(registry.connect(registrar).reclassify(assetId, Classification.IMPORTANT, 0n))
        .to.emit(registry, "AssetReclassified")
        .withArgs(assetId, Classification.GENERAL, Classification.IMPORTANT, 0n, registrar.address);
      expect((await registry.asset(assetId)).classification).to.equal(BigInt(Classification.IMPORTANT));
      expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
    });

    it("never reclassifies to CORE", async () => {
      for (const fixture of [issued, important]) {
        const { ledger, assetId } = await networkHelpers.loadFixture(fixture);
        const reviewId = await attachReview(ledger, assetId, ReviewKind.DESENSITIZATION);
        await expect(
          ledger.registry.connect(ledger.registrar).reclassify(assetId, Classification.CORE, reviewId),
        ).to.be.revertedWithCustomError(ledger.registry, "AssetRegistryCoreDataRefused");
      }
    });

    it("refuses to reclassify to the same class", async () => {
      for (const [fixture, classification] of [
        [issued, Classification.GENERAL],
        [important, Classification.IMPORTANT],
      ] as const) {
        const { ledger, assetId } = await networkHelpers.loadFixture(fixture);
        await expect(ledger.registry.connect(ledger.registrar).reclassify(assetId, classification, 0n))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidReclassification")
          .withArgs(assetId, classification, classification);
      }
    });

    it("lowers IMPORTANT to GENERAL only with a DESENSITIZATION review of this very asset", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(important);
      const { registry, registrar } = ledger;
      const otherAsset = await fileApplication(ledger, ledger.bob);
      const otherDesensitization = await attachReview(ledger, otherAsset, ReviewKind.DESENSITIZATION);
      const audit = await attachReview(ledger, assetId, ReviewKind.AUDIT);
      for (const reviewId of [0n, audit, otherDesensitization, UNKNOWN_ID]) {
        await expect(registry.connect(registrar).reclassify(assetId, Classification.GENERAL, reviewId))
          .to.be.revertedWithCustomError(registry, "AssetRegistryDesensitizationReviewRequired")
          .withArgs(assetId, reviewId);
      }
      expect((await registry.asset(assetId)).classification).to.equal(BigInt(Classification.IMPORTANT));

      const desensitization = await attachReview(ledger, assetId, ReviewKind.DESENSITIZATION);
      await expect(registry.connect(registrar).reclassify(assetId, Classification.GENERAL, desensitization))
        .to.emit(registry, "AssetReclassified")
        .withArgs(assetId, Classification.IMPORTANT, Classification.GENERAL, desensitization, registrar.address);
      expect((await registry.asset(assetId)).classification).to.equal(BigInt(Classification.GENERAL));
    });

    it("does not take a desensitization report older than the asset's latest rise to IMPORTANT", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(important);
      const { registry, registrar } = ledger;
      const first = await attachReview(ledger, assetId, ReviewKind.DESENSITIZATION);
      await send(registry.connect(registrar).reclassify(assetId, Classification.GENERAL, first));
      await send(registry.connect(registrar).reclassify(assetId, Classification.IMPORTANT, 0n));
      // The old report describes the data before it became important again.
      await expect(registry.connect(registrar).reclassify(assetId, Classification.GENERAL, first))
        .to.be.revertedWithCustomError(registry, "AssetRegistryDesensitizationReviewRequired")
        .withArgs(assetId, first);
      const fresh = await attachReview(ledger, assetId, ReviewKind.DESENSITIZATION);
      const [seqBefore] = await registry.evidenceHead(assetId);
      expect((await registry.review(fresh)).evidenceSeq).to.equal(seqBefore);
      await send(registry.connect(registrar).reclassify(assetId, Classification.GENERAL, fresh));
      expect((await registry.asset(assetId)).classification).to.equal(BigInt(Classification.GENERAL));
    });

    it("is refused unless the certificate is issued", async () => {
      const { ledger, applied: appliedId, cancelled } = await networkHelpers.loadFixture(stages);
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.APPLIED],
        [cancelled, AssetStatus.CANCELLED],
      ] as const) {
        await expect(ledger.registry.connect(ledger.registrar).reclassify(assetId, Classification.IMPORTANT, 0n))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });
  });

  describe("transferHolding", () => {
    it("moves the holding for every reason: events, ERC-721 Transfer, owner, balances, evidence", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar } = ledger;
      const parties = [ledger.alice, ledger.bob, ledger.carol, ledger.institution, ledger.individual];
      let from = ledger.alice;
      for (const [index, reason] of Object.values(TransferReason).entries()) {
        const to = parties[(index + 1) % parties.length]!;
        const seq = await evidenceSeq(registry, assetId);
        const tx = registry.connect(registrar).transferHolding(assetId, to.address, reason, h(`evidence-${reason}`));
        await expect(tx)
          .to.emit(registry, "HoldingTransferred")
          .withArgs(assetId, from.address, to.address, reason, h(`evidence-${reason}`), registrar.address);
        await expect(tx).to.emit(registry, "Transfer").withArgs(from.address, to.address, assetId);
        expect(await registry.ownerOf(assetId)).to.equal(to.address);
        expect(await registry.holderOf(assetId)).to.equal(to.address);
        expect(await registry.balanceOf(to.address)).to.equal(1n);
        expect(await registry.balanceOf(from.address)).to.equal(0n);
        expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
        from = to;
      }
      expect((await registry.asset(assetId)).applicant).to.equal(ledger.alice.address);
    });

    it("refuses a pledged certificate", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      await send(ledger.registry.connect(ledger.alice).pledge(assetId, ledger.carol.address, h("loan")));
      await expect(ledger.registry.connect(ledger.registrar).transferHolding(assetId, ledger.bob.address, TransferReason.SALE, h("sale")))
        .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryPledged")
        .withArgs(assetId, ledger.carol.address);
    });

    it("refuses a recipient that is not a live party, and the current holder", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar, alice, bob, carol, outsider } = ledger;
      await send(registry.connect(registrar).recordSuccession(carol.address, bob.address, h("merger")));
      for (const to of [outsider.address, ZERO_ADDRESS, carol.address]) {
        await expect(registry.connect(registrar).transferHolding(assetId, to, TransferReason.SALE, h("sale")))
          .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
          .withArgs(to);
      }
      await expect(registry.connect(registrar).transferHolding(assetId, alice.address, TransferReason.SALE, h("sale")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidRecipient")
        .withArgs(alice.address);
    });

    it("treats the holder's successor as the current holder", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar, alice, bob } = ledger;
      await send(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("merger")));
      await expect(registry.connect(registrar).transferHolding(assetId, bob.address, TransferReason.SUCCESSION, h("split")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidRecipient")
        .withArgs(bob.address);
    });

    it("is refused unless the certificate is issued", async () => {
      const { ledger, applied: appliedId, noticed, cancelled } = await networkHelpers.loadFixture(stages);
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.APPLIED],
        [noticed, AssetStatus.IN_NOTICE],
        [cancelled, AssetStatus.CANCELLED],
      ] as const) {
        await expect(ledger.registry.connect(ledger.registrar).transferHolding(assetId, ledger.bob.address, TransferReason.SALE, h("s")))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });
  });

  describe("transferByRuling", () => {
    it("carries out the court's transfer whatever objections were filed since, which stay open", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar, alice, bob, carol } = ledger;
      const ruled = await fileObjection(ledger, carol, assetId);
      // An objection filed while the dispute was pending (by the loser's ally, say): the registrar's transfer
      // waits for it, the court's ruling does not.
      const since = await fileObjection(ledger, bob, assetId);
      await send(registry.connect(COURT).resolveObjection(ruled, true, h("carol's data")));
      await expect(registry.connect(registrar).transferHolding(assetId, carol.address, TransferReason.OBJECTION_UPHELD, h("r")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryUnderObjection")
        .withArgs(assetId);
      const seq = await evidenceSeq(registry, assetId);
      const tx = registry.connect(COURT).transferByRuling(assetId, carol.address, h("ruling"));
      await expect(tx)
        .to.emit(registry, "HoldingTransferred")
        .withArgs(assetId, alice.address, carol.address, TransferReason.OBJECTION_UPHELD, h("ruling"), COURT.address);
      await expect(tx).to.emit(registry, "Transfer").withArgs(alice.address, carol.address, assetId);
      expect(await registry.ownerOf(assetId)).to.equal(carol.address);
      expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
      // bob's objection is still open, now against carol.
      expect((await registry.objection(since)).status).to.equal(BigInt(ObjectionStatus.OPEN));
      expect((await registry.asset(assetId)).openObjections).to.equal(1n);
      expect((await registry.assetState(assetId)).underObjection).to.equal(true);
    });

    it("refuses a pledged certificate, one that is not issued, and a recipient that is not a live party or is the holder", async () => {
      const { ledger, applied: appliedId, noticed, issued: issuedId, cancelled } = await networkHelpers.loadFixture(stages);
      const { registry, registrar, alice, bob, carol, outsider } = ledger;
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.APPLIED],
        [noticed, AssetStatus.IN_NOTICE],
        [cancelled, AssetStatus.CANCELLED],
      ] as const) {
        await expect(registry.connect(COURT).transferByRuling(assetId, bob.address, h("r")))
          .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
      await send(registry.connect(registrar).recordSuccession(carol.address, ledger.individual.address, h("merger")));
      for (const to of [outsider.address, ZERO_ADDRESS, carol.address]) {
        await expect(registry.connect(COURT).transferByRuling(issuedId, to, h("r")))
          .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
          .withArgs(to);
      }
      await expect(registry.connect(COURT).transferByRuling(issuedId, alice.address, h("r")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidRecipient")
        .withArgs(alice.address);
      await send(registry.connect(alice).pledge(issuedId, bob.address, h("loan")));
      await expect(registry.connect(COURT).transferByRuling(issuedId, ledger.individual.address, h("r")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryPledged")
        .withArgs(issuedId, bob.address);
      expect(await registry.ownerOf(issuedId)).to.equal(alice.address);
    });
  });

  describe("cancel", () => {
    it("cancels an issued certificate: event, status, evidence; the token stays with its holder", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar, alice } = ledger;
      const seq = await evidenceSeq(registry, assetId);
      await expect(registry.connect(registrar).cancel(assetId, h("worthless")))
        .to.emit(registry, "AssetCancelled")
        .withArgs(assetId, registrar.address, h("worthless"));
      expect(await status(registry, assetId)).to.equal(BigInt(AssetStatus.CANCELLED));
      expect(await registry.ownerOf(assetId)).to.equal(alice.address);
      expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
    });

    it("is refused while pledged, and allowed once the pledge is released", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar, alice, carol } = ledger;
      await send(registry.connect(alice).pledge(assetId, carol.address, h("loan")));
      await expect(registry.connect(registrar).cancel(assetId, h("c")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryPledged")
        .withArgs(assetId, carol.address);
      await send(registry.connect(carol).releasePledge(assetId));
      await expect(registry.connect(registrar).cancel(assetId, h("c"))).to.emit(registry, "AssetCancelled");
    });

    it("is refused unless the certificate is issued", async () => {
      const { ledger, applied: appliedId, noticed, cancelled } = await networkHelpers.loadFixture(stages);
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.APPLIED],
        [noticed, AssetStatus.IN_NOTICE],
        [cancelled, AssetStatus.CANCELLED],
      ] as const) {
        await expect(ledger.registry.connect(ledger.registrar).cancel(assetId, h("c")))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });

    it("leaves a cancelled asset that cannot be transferred, pledged, granted, changed or derived from", async () => {
      const { ledger, cancelled } = await networkHelpers.loadFixture(stages);
      const { registry, grants, registrar, alice, bob } = ledger;
      const refusals: (() => Promise<ContractTransactionResponse>)[] = [
        () => registry.connect(registrar).transferHolding(cancelled, bob.address, TransferReason.SALE, h("s")),
        () => registry.connect(alice).pledge(cancelled, bob.address, h("loan")),
        () => registry.connect(registrar).changeCard(cancelled, h("card"), ""),
        () => registry.connect(registrar).reclassify(cancelled, Classification.IMPORTANT, 0n),
        () => registry.connect(alice).fileApplication(product([{ assetId: cancelled }])),
      ];
      for (const tx of refusals) {
        await expect(tx()).to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus").withArgs(cancelled, AssetStatus.CANCELLED);
      }
      await expect(grants.connect(alice).grant(grantTerms(bob.address, cancelled, Rights.USE, await now())))
        .to.be.revertedWithCustomError(grants, "GrantRegistryAssetNotGrantable")
        .withArgs(cancelled);
    });
  });

  describe("recordDestruction", () => {
    it("records the destruction of a cancelled asset's data", async () => {
      const { ledger, cancelled } = await networkHelpers.loadFixture(stages);
      const { registry, registrar } = ledger;
      const seq = await evidenceSeq(registry, cancelled);
      await expect(registry.connect(registrar).recordDestruction(cancelled, h("report")))
        .to.emit(registry, "AssetDestroyed")
        .withArgs(cancelled, registrar.address, h("report"));
      expect(await status(registry, cancelled)).to.equal(BigInt(AssetStatus.DESTROYED));
      expect(await evidenceSeq(registry, cancelled)).to.equal(seq + 1n);
      await expect(registry.connect(registrar).recordDestruction(cancelled, h("report")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidStatus")
        .withArgs(cancelled, AssetStatus.DESTROYED);
    });

    it("is refused before cancellation", async () => {
      const { ledger, applied: appliedId, issued: issuedId } = await networkHelpers.loadFixture(stages);
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.APPLIED],
        [issuedId, AssetStatus.ISSUED],
      ] as const) {
        await expect(ledger.registry.connect(ledger.registrar).recordDestruction(assetId, h("report")))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });

    it("refuses an empty report hash", async () => {
      const { ledger, cancelled } = await networkHelpers.loadFixture(stages);
      await expect(ledger.registry.connect(ledger.registrar).recordDestruction(cancelled, ZERO_HASH)).to.be.revertedWithCustomError(
        ledger.registry,
        "AssetRegistryEmptyHash",
      );
    });
  });

  describe("pledge", () => {
    for (const [name, label, kind] of [
      ["alice", "an enterprise", PartyKind.ENTERPRISE],
      ["carol", "a state-owned enterprise", PartyKind.STATE_OWNED_ENTERPRISE],
      ["individual", "an individual", PartyKind.INDIVIDUAL],
    ] as const) {
      it(`lets ${name}, ${label}, pledge`, async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const { registry } = ledger;
        const holder = ledger.actors[name];
        expect((await registry.party(holder.address)).kind).to.equal(BigInt(kind));
        const pledgee = name === "alice" ? ledger.bob : ledger.alice;
        const assetId = await issueAsset(connection, ledger, holder);
        const seq = await evidenceSeq(registry, assetId);
        await expect(registry.connect(holder).pledge(assetId, pledgee.address, h("loan")))
          .to.emit(registry, "AssetPledged")
          .withArgs(assetId, holder.address, pledgee.address, h("loan"));
        expect((await registry.asset(assetId)).pledgee).to.equal(pledgee.address);
        expect(await registry.ownerOf(assetId)).to.equal(holder.address);
        expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
      });
    }

    for (const [name, label, kind] of [
      ["institution", "a public institution", PartyKind.PUBLIC_INSTITUTION],
      ["authority", "a public-data authority", PartyKind.PUBLIC_DATA_AUTHORITY],
    ] as const) {
      it(`forbids ${name}, ${label}, to pledge`, async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const holder = ledger.actors[name];
        expect((await ledger.registry.party(holder.address)).kind).to.equal(BigInt(kind));
        const assetId = await issueAsset(connection, ledger, holder);
        await expect(ledger.registry.connect(holder).pledge(assetId, ledger.bob.address, h("loan")))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryPledgeForbidden")
          .withArgs(holder.address);
      });
    }

    it("forbids pledge after a transfer to a public institution, and allows it after a transfer back", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar, institution, bob } = ledger;
      expect((await registry.party(institution.address)).kind).to.equal(BigInt(PartyKind.PUBLIC_INSTITUTION));
      await send(registry.connect(registrar).transferHolding(assetId, institution.address, TransferReason.GIFT, h("gift")));
      await expect(registry.connect(institution).pledge(assetId, bob.address, h("loan")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryPledgeForbidden")
        .withArgs(institution.address);
      await send(registry.connect(registrar).transferHolding(assetId, bob.address, TransferReason.SALE, h("sale")));
      await expect(registry.connect(bob).pledge(assetId, institution.address, h("loan"))).to.emit(registry, "AssetPledged");
    });

    it("is the holder's alone", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      for (const name of actorsExcept("alice")) {
        const caller = ledger.actors[name];
        await expect(ledger.registry.connect(caller).pledge(assetId, ledger.bob.address, h("loan")))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryNotHolder")
          .withArgs(assetId, caller.address);
      }
    });

    it("refuses a pledgee that is not a live party, and the holder itself", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, alice, outsider } = ledger;
      for (const pledgee of [outsider.address, ZERO_ADDRESS]) {
        await expect(registry.connect(alice).pledge(assetId, pledgee, h("loan")))
          .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
          .withArgs(pledgee);
      }
      await expect(registry.connect(alice).pledge(assetId, alice.address, h("loan")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidRecipient")
        .withArgs(alice.address);
      expect((await registry.asset(assetId)).pledgee).to.equal(ZERO_ADDRESS);
    });

    it("refuses a second pledge", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, alice, bob, carol } = ledger;
      await send(registry.connect(alice).pledge(assetId, bob.address, h("loan")));
      for (const pledgee of [bob, carol]) {
        await expect(registry.connect(alice).pledge(assetId, pledgee.address, h("loan 2")))
          .to.be.revertedWithCustomError(registry, "AssetRegistryPledged")
          .withArgs(assetId, bob.address);
      }
    });

    it("is refused unless the certificate is issued", async () => {
      const { ledger, applied: appliedId, noticed } = await networkHelpers.loadFixture(stages);
      for (const [assetId, assetStatus] of [
        [appliedId, AssetStatus.APPLIED],
        [noticed, AssetStatus.IN_NOTICE],
      ] as const) {
        await expect(ledger.registry.connect(ledger.alice).pledge(assetId, ledger.bob.address, h("loan")))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryInvalidStatus")
          .withArgs(assetId, assetStatus);
      }
    });
  });

  describe("releasePledge", () => {
    it("releases the pledge: event, evidence, and the asset moves again", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(pledged);
      const { registry, registrar, alice, bob, carol } = ledger;
      const seq = await evidenceSeq(registry, assetId);
      await expect(registry.connect(carol).releasePledge(assetId))
        .to.emit(registry, "PledgeReleased")
        .withArgs(assetId, carol.address, alice.address);
      expect((await registry.asset(assetId)).pledgee).to.equal(ZERO_ADDRESS);
      expect(await evidenceSeq(registry, assetId)).to.equal(seq + 1n);
      await expect(registry.connect(registrar).transferHolding(assetId, bob.address, TransferReason.SALE, h("sale"))).to.emit(
        registry,
        "HoldingTransferred",
      );
    });

    it("is the pledgee's alone", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(pledged);
      for (const name of actorsExcept("carol")) {
        const caller = ledger.actors[name];
        await expect(ledger.registry.connect(caller).releasePledge(assetId))
          .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryNotPledgee")
          .withArgs(assetId, caller.address);
      }
    });

    it("is refused when nothing is pledged", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(pledged);
      await send(ledger.registry.connect(ledger.carol).releasePledge(assetId));
      await expect(ledger.registry.connect(ledger.carol).releasePledge(assetId))
        .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryNotPledged")
        .withArgs(assetId);
      const appliedId = await fileApplication(ledger, ledger.alice);
      await expect(ledger.registry.connect(ledger.carol).releasePledge(appliedId))
        .to.be.revertedWithCustomError(ledger.registry, "AssetRegistryNotPledged")
        .withArgs(appliedId);
    });
  });

  describe("syncSuccession", () => {
    it("does nothing when the holder was not succeeded, or before issue", async () => {
      const { ledger, applied: appliedId, issued: issuedId } = await networkHelpers.loadFixture(stages);
      for (const assetId of [appliedId, issuedId]) {
        const seq = await evidenceSeq(ledger.registry, assetId);
        const receipt = await send(ledger.registry.connect(ledger.outsider).syncSuccession(assetId));
        expect(await registryEventNames(ledger.registry, receipt)).to.deep.equal([]);
        expect(await evidenceSeq(ledger.registry, assetId)).to.equal(seq);
      }
    });

    it("moves a cancelled certificate to the successor too", async () => {
      const { ledger, cancelled } = await networkHelpers.loadFixture(stages);
      const { registry, registrar, alice, bob } = ledger;
      await send(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("merger")));
      await expect(registry.syncSuccession(cancelled)).to.emit(registry, "HoldingSucceeded").withArgs(cancelled, alice.address, bob.address);
    });
  });

  describe("ERC-721", () => {
    it("names the certificates and supports the ERC-721, metadata and ERC-165 interfaces", async () => {
      const { registry } = await networkHelpers.loadFixture(deployed);
      expect(await registry.name()).to.equal("Data Asset Registration Certificate");
      expect(await registry.symbol()).to.equal("DARC");
      expect(await registry.supportsInterface("0x80ac58cd")).to.equal(true);
      expect(await registry.supportsInterface("0x5b5e139f")).to.equal(true);
      expect(await registry.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("refuses every transfer and approval, whoever asks", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, alice, bob } = ledger;
      for (const caller of [alice, ledger.registrar, ledger.admin]) {
        const contract = registry.connect(caller);
        for (const tx of [
          () => contract.transferFrom(alice.address, bob.address, assetId),
          () => contract["safeTransferFrom(address,address,uint256)"](alice.address, bob.address, assetId),
          () => contract["safeTransferFrom(address,address,uint256,bytes)"](alice.address, bob.address, assetId, "0x"),
          () => contract.approve(bob.address, assetId),
        ]) {
          await expect(tx()).to.be.revertedWithCustomError(registry, "AssetRegistryTransferByRegistrationOnly").withArgs(assetId);
        }
        await expect(contract.setApprovalForAll(bob.address, true))
          .to.be.revertedWithCustomError(registry, "AssetRegistryTransferByRegistrationOnly")
          .withArgs(0n);
      }
      expect(await registry.ownerOf(assetId)).to.equal(alice.address);
      expect(await registry.getApproved(assetId)).to.equal(ZERO_ADDRESS);
      expect(await registry.isApprovedForAll(alice.address, bob.address)).to.equal(false);
    });

    it("counts certificates, and has no token for an application", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, alice, bob } = ledger;
      await issueMany(connection, ledger, alice, 3);
      const appliedId = await fileApplication(ledger, alice);
      expect(await registry.balanceOf(alice.address)).to.equal(3n);
      expect(await registry.balanceOf(bob.address)).to.equal(0n);
      await expect(registry.ownerOf(appliedId)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(appliedId);
      await expect(registry.tokenURI(appliedId)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(appliedId);
    });

    it("serves token URIs as base URI + id once the admin sets a base", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, admin } = ledger;
      expect(await registry.tokenURI(assetId)).to.equal("");
      const base = "https://registry.example/certificates/";
      await expect(registry.connect(admin).setCertificateBaseURI(base)).to.emit(registry, "CertificateBaseURISet").withArgs(base);
      expect(await registry.tokenURI(assetId)).to.equal(`${base}${assetId}`);
      await send(registry.connect(admin).setCertificateBaseURI(""));
      expect(await registry.tokenURI(assetId)).to.equal("");
    });
  });

  describe("views", () => {
    it("revert for an unknown asset where a record is returned, and report NONE where a status is", async () => {
      const { registry, alice } = await networkHelpers.loadFixture(deployed);
      await expect(registry.asset(UNKNOWN_ID)).to.be.revertedWithCustomError(registry, "AssetRegistryUnknownAsset").withArgs(UNKNOWN_ID);
      await expect(registry.holderOf(UNKNOWN_ID)).to.be.revertedWithCustomError(registry, "AssetRegistryUnknownAsset").withArgs(UNKNOWN_ID);
      expect(await registry.assetStatus(UNKNOWN_ID)).to.equal(BigInt(AssetStatus.NONE));
      const state = await registry.assetState(UNKNOWN_ID);
      expect([state.status, state.category, state.holder, state.underObjection]).to.deep.equal([0n, 0n, ZERO_ADDRESS, false]);
      const context = await registry.registryStateForGrant(UNKNOWN_ID, alice.address);
      expect([context.status, context.resolvedAccount]).to.deep.equal([0n, alice.address]);
      await expect(registry.review(UNKNOWN_ID)).to.be.revertedWithCustomError(registry, "AssetRegistryUnknownReview").withArgs(UNKNOWN_ID);
      await expect(registry.objection(UNKNOWN_ID))
        .to.be.revertedWithCustomError(registry, "AssetRegistryUnknownObjection")
        .withArgs(UNKNOWN_ID);
    });

    it("evidenceHead: seq 0 and the genesis head for an asset without entries", async () => {
      const { registry } = await networkHelpers.loadFixture(deployed);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      for (const assetId of [0n, 1n, UNKNOWN_ID]) {
        const [seq, head] = await registry.evidenceHead(assetId);
        expect(seq).to.equal(0n);
        expect(head).to.equal(genesisHead(chainId, await registry.getAddress(), assetId));
      }
    });

    it("evidenceHead: seq grows by one and the head moves with every change, matching EvidenceAppended", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar, reviewer, alice, bob, carol } = ledger;
      const assetId = await fileApplication(ledger, alice);
      const steps: (() => Promise<ContractTransactionResponse>)[] = [
        () => registry.connect(reviewer).attachReview(assetId, ReviewKind.DESENSITIZATION, h("report"), ""),
        () => registry.connect(registrar).acceptApplication(assetId),
        () => registry.connect(COURT).fileObjection(assetId, bob.address, h("grounds"), ""),
        () => registry.connect(COURT).resolveObjection(1n, false, h("dismissed")),
        async () => {
          await time.increase(NOTICE_PERIOD);
          return registry.connect(registrar).issueCertificate(assetId);
        },
        () => registry.connect(registrar).changeCard(assetId, h("card-v2"), ""),
        () => registry.connect(registrar).reclassify(assetId, Classification.IMPORTANT, 0n),
        () => registry.connect(alice).pledge(assetId, carol.address, h("loan")),
        () => registry.connect(carol).releasePledge(assetId),
        () => registry.connect(registrar).transferHolding(assetId, bob.address, TransferReason.SALE, h("sale")),
        () => registry.connect(registrar).cancel(assetId, h("cancel")),
        () => registry.connect(registrar).recordDestruction(assetId, h("destroyed")),
      ];
      const heads = new Set<string>();
      let [seq, head] = await registry.evidenceHead(assetId);
      expect(seq).to.equal(1n);
      heads.add(head);
      for (const step of steps) {
        const receipt = await send(step());
        const [appended] = await registryEvents(registry, receipt, "EvidenceAppended");
        [seq, head] = await registry.evidenceHead(assetId);
        expect(appended!.args.getValue("seq")).to.equal(seq);
        expect(appended!.args.getValue("head")).to.equal(head);
        heads.add(head);
      }
      expect(seq).to.equal(BigInt(steps.length + 1));
      expect(heads.size).to.equal(steps.length + 1);
    });

    it("report the counters, the configuration and the constants", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      expect(await ledger.registry.assetCount()).to.equal(0n);
      expect(await ledger.registry.noticePeriod()).to.equal(NOTICE_PERIOD);
      expect(await ledger.registry.grantRegistry()).to.equal(await ledger.grants.getAddress());
      await fileApplication(ledger, ledger.alice);
      await fileApplication(ledger, ledger.bob);
      expect(await ledger.registry.assetCount()).to.equal(2n);
    });

    it("registryStateForGrant: the asset's status and the account resolved through succession", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(issued);
      const { registry, registrar, bob, carol } = ledger;
      await send(registry.connect(registrar).recordSuccession(bob.address, carol.address, h("merger")));
      const context = await registry.registryStateForGrant(assetId, bob.address);
      expect([context.status, context.resolvedAccount]).to.deep.equal([BigInt(AssetStatus.ISSUED), carol.address]);
    });

    it("registryStateForGrant is dispatched first: its selector is the lowest of the registry's functions", async () => {
      // The IR pipeline compares the selector with each function's in ascending order (22 gas a comparison):
      // every authorization check calls this view, so a new function with a lower selector costs them all.
      const { ledger } = await networkHelpers.loadFixture(issued);
      const selectors: string[] = [];
      ledger.registry.interface.forEachFunction((fn) => selectors.push(fn.selector));
      const own = ledger.registry.interface.getFunction("registryStateForGrant")!.selector;
      expect(own).to.equal("0x01cefa15"); // keccak256("registryStateForGrant(uint256,address)")[0:4]
      expect(selectors.sort()[0]).to.equal(own);
    });
  });

  describe("unknown assets", () => {
    type Call = (ledger: Ledger) => Promise<ContractTransactionResponse>;
    const calls: [string, Call][] = [
      ["attachReview", (l) => l.registry.connect(l.reviewer).attachReview(UNKNOWN_ID, ReviewKind.AUDIT, h("r"), "")],
      ["acceptApplication", (l) => l.registry.connect(l.registrar).acceptApplication(UNKNOWN_ID)],
      ["refuseApplication", (l) => l.registry.connect(l.registrar).refuseApplication(UNKNOWN_ID, h("r"))],
      ["fileObjection", (l) => l.registry.connect(COURT).fileObjection(UNKNOWN_ID, l.bob.address, h("g"), "")],
      ["transferByRuling", (l) => l.registry.connect(COURT).transferByRuling(UNKNOWN_ID, l.bob.address, h("r"))],
      ["issueCertificate", (l) => l.registry.connect(l.registrar).issueCertificate(UNKNOWN_ID)],
      ["changeCard", (l) => l.registry.connect(l.registrar).changeCard(UNKNOWN_ID, h("c"), "")],
      ["reclassify", (l) => l.registry.connect(l.registrar).reclassify(UNKNOWN_ID, Classification.IMPORTANT, 0n)],
      ["transferHolding", (l) => l.registry.connect(l.registrar).transferHolding(UNKNOWN_ID, l.bob.address, TransferReason.SALE, h("s"))],
      ["cancel", (l) => l.registry.connect(l.registrar).cancel(UNKNOWN_ID, h("c"))],
      ["recordDestruction", (l) => l.registry.connect(l.registrar).recordDestruction(UNKNOWN_ID, h("d"))],
      ["pledge", (l) => l.registry.connect(l.alice).pledge(UNKNOWN_ID, l.bob.address, h("p"))],
      ["releasePledge", (l) => l.registry.connect(l.bob).releasePledge(UNKNOWN_ID)],
      ["syncSuccession", (l) => l.registry.connect(l.bob).syncSuccession(UNKNOWN_ID)],
    ];
    for (const [name, call] of calls) {
      it(`${name} reverts AssetRegistryUnknownAsset`, async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        await fileApplication(ledger, ledger.alice);
        await expect(call(ledger)).to.be.revertedWithCustomError(ledger.registry, "AssetRegistryUnknownAsset").withArgs(UNKNOWN_ID);
      });
    }
  });

  describe("configuration", () => {
    it("setNoticePeriod sets the period of future windows", async () => {
      const { registry, admin } = await networkHelpers.loadFixture(deployed);
      await expect(registry.connect(admin).setNoticePeriod(Number(3n * DAY)))
        .to.emit(registry, "NoticePeriodSet")
        .withArgs(3n * DAY);
      expect(await registry.noticePeriod()).to.equal(3n * DAY);
    });

    it("setNoticePeriod keeps windows between a minute and a year, so that one always leaves time to object and always ends", async () => {
      const { registry, admin, accessManager } = await networkHelpers.loadFixture(deployed);
      expect(await registry.MIN_NOTICE_PERIOD()).to.equal(MIN_NOTICE_PERIOD);
      expect(await registry.MAX_NOTICE_PERIOD()).to.equal(MAX_NOTICE_PERIOD);
      for (const period of [0n, MIN_NOTICE_PERIOD - 1n, MAX_NOTICE_PERIOD + 1n, 2n ** 32n - 1n]) {
        await expect(registry.connect(admin).setNoticePeriod(period))
          .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidNoticePeriod")
          .withArgs(period);
      }
      for (const period of [MIN_NOTICE_PERIOD, MAX_NOTICE_PERIOD]) {
        await expect(registry.connect(admin).setNoticePeriod(period)).to.emit(registry, "NoticePeriodSet").withArgs(period);
        expect(await registry.noticePeriod()).to.equal(period);
      }
      const factory = await ethers.getContractFactory("AssetRegistry");
      await expect(factory.deploy(await accessManager.getAddress(), 0))
        .to.be.revertedWithCustomError(registry, "AssetRegistryInvalidNoticePeriod")
        .withArgs(0n);
    });

    it("setGrantRegistry: already set by the deployment; never zero", async () => {
      const { registry, admin, grants } = await networkHelpers.loadFixture(deployed);
      await expect(registry.connect(admin).setGrantRegistry(await grants.getAddress())).to.be.revertedWithCustomError(
        registry,
        "AssetRegistryGrantRegistryAlreadySet",
      );
      await expect(registry.connect(admin).setGrantRegistry(ZERO_ADDRESS)).to.be.revertedWithCustomError(registry, "LedgerAccessZeroAddress");
    });

    it("setGrantRegistry: once on a fresh registry, which cannot check grants before", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { accessManager, admin, registrar, alice, bob } = ledger;
      const fresh = (await ethers.deployContract("AssetRegistry", [
        await accessManager.getAddress(),
        MIN_NOTICE_PERIOD,
      ])) as unknown as AssetRegistry;
      expect(await fresh.grantRegistry()).to.equal(ZERO_ADDRESS);
      for (const party of [alice, bob]) await send(fresh.connect(registrar).registerParty(party.address, PartyKind.ENTERPRISE, h("p")));
      await send(fresh.connect(alice).fileApplication(application()));
      await send(fresh.connect(registrar).acceptApplication(1n));
      await time.increase(MIN_NOTICE_PERIOD);
      await send(fresh.connect(registrar).issueCertificate(1n));
      await expect(fresh.connect(bob).fileApplication(product([{ assetId: 1n, grantId: 1n }]))).to.be.revertedWithCustomError(
        fresh,
        "AssetRegistryGrantRegistryNotSet",
      );
      // Parents the applicant holds need no grant registry.
      await expect(fresh.connect(alice).fileApplication(product([{ assetId: 1n }]))).to.emit(fresh, "AssetApplied");

      const target = bob.address; // any non-zero address: the registry does not check what it is
      await expect(fresh.connect(admin).setGrantRegistry(target)).to.emit(fresh, "GrantRegistrySet").withArgs(target);
      expect(await fresh.grantRegistry()).to.equal(target);
      await expect(fresh.connect(admin).setGrantRegistry(alice.address)).to.be.revertedWithCustomError(
        fresh,
        "AssetRegistryGrantRegistryAlreadySet",
      );
    });

    it("refuses an AccessManager at the zero address", async () => {
      const factory = await ethers.getContractFactory("AssetRegistry");
      await expect(factory.deploy(ZERO_ADDRESS, MIN_NOTICE_PERIOD)).to.be.revertedWithCustomError(factory, "LedgerAccessZeroAddress");
    });

    it("setEvidenceWriter allows and disallows a writer; never zero", async () => {
      const { registry, admin, grants, settler } = await networkHelpers.loadFixture(deployed);
      expect(await registry.isEvidenceWriter(await grants.getAddress())).to.equal(true);
      expect(await registry.isEvidenceWriter(settler.address)).to.equal(false);
      await expect(registry.connect(admin).setEvidenceWriter(settler.address, true))
        .to.emit(registry, "EvidenceWriterSet")
        .withArgs(settler.address, true);
      expect(await registry.isEvidenceWriter(settler.address)).to.equal(true);
      await expect(registry.connect(admin).setEvidenceWriter(settler.address, false))
        .to.emit(registry, "EvidenceWriterSet")
        .withArgs(settler.address, false);
      expect(await registry.isEvidenceWriter(settler.address)).to.equal(false);
      await expect(registry.connect(admin).setEvidenceWriter(ZERO_ADDRESS, true)).to.be.revertedWithCustomError(
        registry,
        "LedgerAccessZeroAddress",
      );
    });
  });

  describe("appendEvidence", () => {
    it("appends a writer's entry to the asset's chain with the given actor", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      const { registry, admin, settler, carol } = ledger;
      await send(registry.connect(admin).setEvidenceWriter(settler.address, true));
      const [seq, head] = await registry.evidenceHead(assetId);
      const kind = ethersLib.id("Settled(uint256)");
      const at = await nextBlockAt();
      const expected = nextHead(head, seq + 1n, kind, h("payload"), carol.address, at);
      await expect(registry.connect(settler).appendEvidence(assetId, kind, h("payload"), carol.address))
        .to.emit(registry, "EvidenceAppended")
        .withArgs(assetId, seq + 1n, kind, h("payload"), carol.address, at, expected);
      const [seqAfter, headAfter] = await registry.evidenceHead(assetId);
      expect([seqAfter, headAfter]).to.deep.equal([seq + 1n, expected]);
    });

    it("refuses an unknown asset", async () => {
      const { registry, admin, settler } = await networkHelpers.loadFixture(deployed);
      await send(registry.connect(admin).setEvidenceWriter(settler.address, true));
      await expect(registry.connect(settler).appendEvidence(UNKNOWN_ID, h("k"), h("p"), settler.address))
        .to.be.revertedWithCustomError(registry, "AssetRegistryUnknownAsset")
        .withArgs(UNKNOWN_ID);
    });

    it("refuses a writer once disallowed", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      const { registry, admin, settler } = ledger;
      await send(registry.connect(admin).setEvidenceWriter(settler.address, true));
      await send(registry.connect(admin).setEvidenceWriter(settler.address, false));
      await expect(registry.connect(settler).appendEvidence(assetId, h("k"), h("p"), settler.address))
        .to.be.revertedWithCustomError(registry, "EvidenceLedgerUnauthorizedWriter")
        .withArgs(settler.address);
    });

    for (const name of ACTOR_NAMES) {
      it(`refuses ${name}: evidence writers only`, async () => {
        const { ledger, assetId } = await networkHelpers.loadFixture(applied);
        const caller = ledger.actors[name];
        await expect(ledger.registry.connect(caller).appendEvidence(assetId, h("k"), h("p"), caller.address))
          .to.be.revertedWithCustomError(ledger.registry, "EvidenceLedgerUnauthorizedWriter")
          .withArgs(caller.address);
      });
    }
  });

  describe("access control", () => {
    type Call = (registry: AssetRegistry, stage: Stages) => Promise<ContractTransactionResponse>;

    interface Restricted {
      fn: string;
      /**
       * Who may call it (`court`: the COURT holder, in the deployment the dispute court contract); every
       * actor else is refused with `LedgerAccessUnauthorized(caller, role)`.
       */
      allowed: (ActorName | "court")[];
      role: bigint;
      call: Call;
    }

    const call0: Call = (r, s) => r.acceptApplication(s.applied);
    const restricted: Restricted[] = [
      { fn: "acceptApplication", allowed: ["registrar"], role: ROLE_IDS.REGISTRAR, call: (r, s) => r.acceptApplication(s.applied) },
      { fn: "refuseApplication", allowed: ["registrar"], role: ROLE_IDS.REGISTRAR, call: (r, s) => r.refuseApplication(s.applied, h("no")) },
      { fn: "issueCertificate", allowed: ["registrar"], role: ROLE_IDS.REGISTRAR, call: (r, s) => r.issueCertificate(s.noticed) },
      { fn: "changeCard", allowed: ["registrar"], role: ROLE_IDS.REGISTRAR, call: (r, s) => r.changeCard(s.issued, h("card-v2"), "") },
      {
        fn: "reclassify",
        allowed: ["registrar"],
        role: ROLE_IDS.REGISTRAR,
        call: (r, s) => r.reclassify(s.issued, Classification.IMPORTANT, 0n),
      },
      {
        fn: "transferHolding",
        allowed: ["registrar"],
        role: ROLE_IDS.REGISTRAR,
        call: (r, s) => r.transferHolding(s.issued, s.ledger.bob.address, TransferReason.SALE, h("sale")),
      },
      { fn: "cancel", allowed: ["registrar"], role: ROLE_IDS.REGISTRAR, call: (r, s) => r.cancel(s.issued, h("cancel")) },
      { fn: "recordDestruction", allowed: ["registrar"], role: ROLE_IDS.REGISTRAR, call: (r, s) => r.recordDestruction(s.cancelled, h("d")) },
      {
        fn: "attachReview",
        allowed: ["reviewer"],
        role: ROLE_IDS.REVIEWER,
        call: (r, s) => r.attachReview(s.issued, ReviewKind.AUDIT, h("report"), ""),
      },
      {
        fn: "fileObjection",
        allowed: ["court"],
        role: ROLE_IDS.COURT,
        call: (r, s) => r.fileObjection(s.issued, s.ledger.bob.address, h("grounds"), "ipfs://grounds"),
      },
      {
        fn: "resolveObjection",
        allowed: ["court"],
        role: ROLE_IDS.COURT,
        call: (r, s) => r.resolveObjection(s.objectionId, false, h("ruling")),
      },
      {
        fn: "transferByRuling",
        allowed: ["court"],
        role: ROLE_IDS.COURT,
        call: (r, s) => r.transferByRuling(s.issued, s.ledger.bob.address, h("ruling")),
      },
      { fn: "setNoticePeriod", allowed: ["admin"], role: ROLE_IDS.ADMIN, call: (r) => r.setNoticePeriod(Number(DAY)) },
      { fn: "setCertificateBaseURI", allowed: ["admin"], role: ROLE_IDS.ADMIN, call: (r) => r.setCertificateBaseURI("https://x/") },
      {
        fn: "setEvidenceWriter",
        allowed: ["admin"],
        role: ROLE_IDS.ADMIN,
        call: (r, s) => r.setEvidenceWriter(s.ledger.settler.address, true),
      },
    ];

    for (const { fn, allowed, role, call } of restricted) {
      describe(fn, () => {
        for (const name of actorsExcept(...allowed.filter((name): name is ActorName => name !== "court"))) {
          it(`refuses ${name}`, async () => {
            const stage = await networkHelpers.loadFixture(stages);
            const caller = stage.ledger.actors[name];
            const seqs = await Promise.all(
              [stage.applied, stage.noticed, stage.issued, stage.cancelled].map((id) => evidenceSeq(stage.ledger.registry, id)),
            );
            await expect(call(stage.ledger.registry.connect(caller), stage))
              .to.be.revertedWithCustomError(stage.ledger.registry, "LedgerAccessUnauthorized")
              .withArgs(caller.address, role);
            const after = await Promise.all(
              [stage.applied, stage.noticed, stage.issued, stage.cancelled].map((id) => evidenceSeq(stage.ledger.registry, id)),
            );
            expect(after).to.deep.equal(seqs);
          });
        }
        for (const name of allowed) {
          it(`allows ${name}`, async () => {
            const stage = await networkHelpers.loadFixture(stages);
            await send(call(stage.ledger.registry.connect(name === "court" ? COURT : stage.ledger.actors[name]), stage));
          });
        }
      });
    }

    describe("setGrantRegistry", () => {
      for (const name of actorsExcept("admin")) {
        it(`refuses ${name}`, async () => {
          const ledger = await networkHelpers.loadFixture(deployed);
          const caller = ledger.actors[name];
          await expect(ledger.registry.connect(caller).setGrantRegistry(caller.address))
            .to.be.revertedWithCustomError(ledger.registry, "LedgerAccessUnauthorized")
            .withArgs(caller.address, ROLE_IDS.ADMIN);
        });
      }
      it("lets the admin past the role check (then: already set)", async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        await expect(ledger.registry.connect(ledger.admin).setGrantRegistry(ledger.admin.address)).to.be.revertedWithCustomError(
          ledger.registry,
          "AssetRegistryGrantRegistryAlreadySet",
        );
      });
    });

    it("gives the dispute court contract, and nobody else of the deployment, the COURT role", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      expect((await ledger.accessManager.hasRole(ROLE_IDS.COURT, await ledger.disputeCourt.getAddress()))[0]).to.equal(true);
      for (const name of ACTOR_NAMES) {
        expect((await ledger.accessManager.hasRole(ROLE_IDS.COURT, ledger.actors[name].address))[0], name).to.equal(false);
      }
    });

    it("refuses a member whose role carries an execution delay: the ledger's actions are not scheduled", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      const { accessManager, admin, registry, outsider } = ledger;
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.REGISTRAR, outsider.address, 3_600));
      expect(await accessManager.hasRole(ROLE_IDS.REGISTRAR, outsider.address)).to.deep.equal([true, 3_600n]);
      await expect(registry.connect(outsider).acceptApplication(assetId))
        .to.be.revertedWithCustomError(registry, "LedgerAccessExecutionDelay")
        .withArgs(outsider.address, ROLE_IDS.REGISTRAR, 3_600n);
      // Waiting out the delay does not help: nothing is scheduled, the delay stays on the membership.
      await time.increase(3_600n);
      await expect(registry.connect(outsider).acceptApplication(assetId))
        .to.be.revertedWithCustomError(registry, "LedgerAccessExecutionDelay")
        .withArgs(outsider.address, ROLE_IDS.REGISTRAR, 3_600n);
      // Once the delay is lowered to 0 (which the manager applies after the old delay), the member acts.
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.REGISTRAR, outsider.address, 0));
      await time.increase(3_600n);
      await expect(registry.connect(outsider).acceptApplication(assetId)).to.emit(registry, "ApplicationAccepted");
    });

    it("counts a role granted with a grant delay only once the grant takes effect", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      const { accessManager, admin, registry, outsider } = ledger;
      await send(accessManager.connect(admin).setGrantDelay(ROLE_IDS.REGISTRAR, 3_600));
      await time.increase(await accessManager.minSetback()); // a new grant delay takes effect after the setback
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.REGISTRAR, outsider.address, 0));
      await expect(registry.connect(outsider).acceptApplication(assetId))
        .to.be.revertedWithCustomError(registry, "LedgerAccessUnauthorized")
        .withArgs(outsider.address, ROLE_IDS.REGISTRAR);
      await time.increase(3_600n);
      await expect(registry.connect(outsider).acceptApplication(assetId)).to.emit(registry, "ApplicationAccepted");
    });

    it("refuses every role-gated action once the manager closes the registry, and lets parties act", async () => {
      const stage = await networkHelpers.loadFixture(stages);
      const { accessManager, admin, registry, registrar, alice } = stage.ledger;
      const target = await registry.getAddress();
      await send(accessManager.connect(admin).setTargetClosed(target, true));
      for (const { fn, allowed, call } of restricted) {
        const name = allowed[0]!;
        const caller = name === "court" ? COURT : stage.ledger.actors[name];
        await expect(call(registry.connect(caller), stage), fn)
          .to.be.revertedWithCustomError(registry, "LedgerAccessTargetClosed")
          .withArgs(target);
      }
      await expect(registry.connect(registrar).registerParty(ethersLib.Wallet.createRandom().address, PartyKind.ENTERPRISE, h("p")))
        .to.be.revertedWithCustomError(registry, "LedgerAccessTargetClosed")
        .withArgs(target);
      // A party's own filing needs no role: it goes on.
      await expect(registry.connect(alice).fileApplication(application())).to.emit(registry, "AssetApplied");
      await send(accessManager.connect(admin).setTargetClosed(target, false));
      await send(call0(registry.connect(registrar), stage));
    });

    it("lets a role be revoked: a former registrar is refused", async () => {
      const { ledger, assetId } = await networkHelpers.loadFixture(applied);
      const { accessManager, admin, registrar, registry } = ledger;
      await send(accessManager.connect(admin).revokeRole(ROLE_IDS.REGISTRAR, registrar.address));
      await expect(registry.connect(registrar).acceptApplication(assetId))
        .to.be.revertedWithCustomError(registry, "LedgerAccessUnauthorized")
        .withArgs(registrar.address, ROLE_IDS.REGISTRAR);
    });
  });
});
