/**
 * Regression tests of the audit of 6df5a36 (issue 11), finding F12: important data re-registered as general
 * by deriving a "product" with the same fingerprint. A product is classified at least as its most sensitive
 * parent unless a desensitization review is attached (acceptance waits for it), and a fingerprint registered
 * to a live asset is refused. Every scenario runs on a fresh deployment of the Ignition module.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import { AssetKind, AssetStatus, Classification, ReviewKind, Rights } from "../../ledger/types.js";
import { application, deployLedger, fileApplication, grantTerms, h, issueAsset, makeGrant, NOTICE_PERIOD, type Ledger } from "../helpers/ledger.js";
import { send } from "../helpers/registry.js";

const connection = await network.create();
const { networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

interface World {
  ledger: Ledger;
  /** alice's issued resources: a GENERAL one and an IMPORTANT one. */
  general: bigint;
  important: bigint;
  /** alice's grant to bob (PROCESS) on the important resource. */
  toBob: bigint;
}

async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const general = await issueAsset(connection, ledger, ledger.alice, { classification: Classification.GENERAL });
  const important = await issueAsset(connection, ledger, ledger.alice, { classification: Classification.IMPORTANT });
  const toBob = await makeGrant(ledger, ledger.alice, grantTerms(ledger.bob.address, important, Rights.PROCESS, BigInt(await time.latest())));
  return { ledger, general, important, toBob };
}

describe("F12 important data re-registered as general", () => {
  it("holds back a product classified below its most sensitive parent until a DESENSITIZATION review of it is attached", async () => {
    // Old code: the classification of a product was whatever its applicant filed: a GENERAL "product" of an
    // IMPORTANT resource was accepted and issued at once (every DesensitizationReviewRequired below was a
    // success), skipping the reclassification rule's review.
    const cases: { name: string; applicant: "alice" | "bob"; parents: (w: World) => { assetId: bigint; grantId: bigint }[]; classification: number; waits: boolean }[] = [
      { name: "general from important", applicant: "alice", parents: (w) => [{ assetId: w.important, grantId: 0n }], classification: Classification.GENERAL, waits: true },
      {
        name: "general from general + important",
        applicant: "alice",
        parents: (w) => [
          { assetId: w.general, grantId: 0n },
          { assetId: w.important, grantId: 0n },
        ],
        classification: Classification.GENERAL,
        waits: true,
      },
      { name: "general from important, under a grant", applicant: "bob", parents: (w) => [{ assetId: w.important, grantId: w.toBob }], classification: Classification.GENERAL, waits: true },
      { name: "important from important", applicant: "alice", parents: (w) => [{ assetId: w.important, grantId: 0n }], classification: Classification.IMPORTANT, waits: false },
      { name: "important from important, under a grant", applicant: "bob", parents: (w) => [{ assetId: w.important, grantId: w.toBob }], classification: Classification.IMPORTANT, waits: false },
      { name: "general from general", applicant: "alice", parents: (w) => [{ assetId: w.general, grantId: 0n }], classification: Classification.GENERAL, waits: false },
    ];
    for (const { name, applicant, parents, classification, waits } of cases) {
      const w = await loadFixture(world);
      const { registry, registrar, reviewer } = w.ledger;
      const product = await fileApplication(w.ledger, w.ledger[applicant], { kind: AssetKind.PRODUCT, classification, parents: parents(w) });
      expect(await registry.awaitsDesensitization(product), name).to.equal(waits);
      if (waits) {
        await expect(registry.connect(registrar).acceptApplication(product), name)
          .to.be.revertedWithCustomError(registry, "AssetRegistryDesensitizationReviewRequired")
          .withArgs(product, 0n);
        // Other reviews of the product, and a desensitization review of another asset, do not count.
        for (const kind of [ReviewKind.AUTHENTICITY, ReviewKind.COMPLIANCE, ReviewKind.AUDIT, ReviewKind.VALUATION]) {
          await send(registry.connect(reviewer).attachReview(product, kind, h(`review-${kind}`), ""));
        }
        await send(registry.connect(reviewer).attachReview(w.important, ReviewKind.DESENSITIZATION, h("of the parent"), ""));
        await expect(registry.connect(registrar).acceptApplication(product)).to.be.revertedWithCustomError(registry, "AssetRegistryDesensitizationReviewRequired");
        await send(registry.connect(reviewer).attachReview(product, ReviewKind.DESENSITIZATION, h("desensitized"), "ipfs://report"));
        expect(await registry.awaitsDesensitization(product)).to.equal(false);
      }
      await send(registry.connect(registrar).acceptApplication(product));
      await time.increase(NOTICE_PERIOD);
      await send(registry.connect(registrar).issueCertificate(product));
      expect((await registry.asset(product)).classification, name).to.equal(classification);
    }
  });

  it("holds back a general product of a parent that became important after issue", async () => {
    // Old code: no check of the parents' classification at all.
    const w = await loadFixture(world);
    const { registry, registrar, alice } = w.ledger;
    await send(registry.connect(registrar).reclassify(w.general, Classification.IMPORTANT, 0n));
    const product = await fileApplication(w.ledger, alice, { kind: AssetKind.PRODUCT, parents: [{ assetId: w.general, grantId: 0n }] });
    expect(await registry.awaitsDesensitization(product)).to.equal(true);
    await expect(registry.connect(registrar).acceptApplication(product)).to.be.revertedWithCustomError(registry, "AssetRegistryDesensitizationReviewRequired");
  });

  it("refuses a fingerprint registered to a live asset, from anyone and as any kind, and frees it once that asset is refused, cancelled or destroyed", async () => {
    // Old code: fingerprints were not indexed: the audit's "product" of the important resource, with the
    // resource's own fingerprint and classified GENERAL, was filed (every DuplicateFingerprint below was a
    // success), registering the same data twice under two classifications.
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((bytes) => bytes.some((b) => b !== 0)),
        fc.constantFrom("refused while applied", "refused in notice", "cancelled", "destroyed"),
        fc.constantFrom<"alice" | "bob" | "carol">("alice", "bob", "carol"),
        async (bytes, end, refiler) => {
          const w = await loadFixture(world);
          const { registry, registrar, alice, bob } = w.ledger;
          const fingerprint = "0x" + Buffer.from(bytes).toString("hex");
          const original = await fileApplication(w.ledger, alice, { classification: Classification.IMPORTANT, fingerprint });
          expect(await registry.assetOfFingerprint(fingerprint)).to.equal(original);
          const duplicate = async (who: HardhatEthersSigner, overrides: Parameters<typeof application>[0] = {}) =>
            expect(registry.connect(who).fileApplication(application({ fingerprint, ...overrides })))
              .to.be.revertedWithCustomError(registry, "AssetRegistryDuplicateFingerprint")
              .withArgs(fingerprint, original);

          await duplicate(bob);
          await duplicate(alice, { classification: Classification.GENERAL });
          if (end === "refused while applied") {
            await send(registry.connect(registrar).refuseApplication(original, h("refused")));
          } else {
            await send(registry.connect(registrar).acceptApplication(original));
            await duplicate(bob);
            if (end === "refused in notice") {
              await send(registry.connect(registrar).refuseApplication(original, h("refused")));
            } else {
              await time.increase(NOTICE_PERIOD);
              await send(registry.connect(registrar).issueCertificate(original));
              // The audit's attack: a GENERAL "product" of the important resource, with its fingerprint.
              await duplicate(alice, { kind: AssetKind.PRODUCT, classification: Classification.GENERAL, parents: [{ assetId: original, grantId: 0n }] });
              await duplicate(bob);
              await send(registry.connect(registrar).cancel(original, h("cancelled")));
              if (end === "destroyed") await send(registry.connect(registrar).recordDestruction(original, h("destroyed")));
            }
          }
          const status = (await registry.asset(original)).status;
          expect([AssetStatus.REFUSED, AssetStatus.CANCELLED, AssetStatus.DESTROYED]).to.include(Number(status));
          // Free again, once: the new registration is live and holds it in turn.
          const again = await fileApplication(w.ledger, w.ledger[refiler], { fingerprint });
          expect(await registry.assetOfFingerprint(fingerprint)).to.equal(again);
          await expect(registry.connect(bob).fileApplication(application({ fingerprint })))
            .to.be.revertedWithCustomError(registry, "AssetRegistryDuplicateFingerprint")
            .withArgs(fingerprint, again);
        },
      ),
      { numRuns: 8 },
    );
  });
});
