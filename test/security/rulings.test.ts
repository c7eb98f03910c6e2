/**
 * Regression tests of the audit of 6df5a36 (issue 11), findings F03, F05 and F09: a ruling is carried out
 * whatever the loser does after the dispute opened; claimant and respondent are fixed at opening and each
 * follows only its own line of succession; bonds are credited, never pushed, so no recipient can make a
 * dispute unending. Every scenario runs on a fresh deployment of the Ignition module.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import ProvenanceLedgerModule from "../../ignition/modules/ProvenanceLedger.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import {
  AssetKind,
  AssetStatus,
  ContributionRole,
  DisputeKind,
  DisputeStatus,
  ObjectionStatus,
  PartyKind,
  Remedy,
  Rights,
  Stage,
  TransferReason,
} from "../../ledger/types.js";
import { deployLedger, fileApplication, firstSigners, grantTerms, h, issueAsset, makeGrant, NOTICE_PERIOD, type Ledger } from "../helpers/ledger.js";
import { send } from "../helpers/registry.js";
import type { AssetRegistry, DisputeCourt } from "../../types/ethers-contracts/index.js";

const connection = await network.create();
const { ethers, ignition, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const FUNDS = 10n ** 12n;

function ruling(remedy: number, overrides: { forfeitBond?: boolean; adjustedMeasure?: bigint; transferTo?: string } = {}) {
  return {
    remedy,
    adjustedMeasure: 0n,
    transferTo: ethers.ZeroAddress,
    forfeitBond: false,
    rulingHash: h(`ruling-${remedy}`),
    rulingURI: "ipfs://ruling",
    ...overrides,
  };
}

interface World {
  ledger: Ledger;
  /** alice's issued certificate. */
  asset: bigint;
  /** alice's product, with bob processing it under `toBob`. */
  product: bigint;
  toBob: bigint;
  /** bob's confirmed processor record on the product. */
  bobRecord: bigint;
  /** Registered parties with no role: friends, successors. */
  extras: HardhatEthersSigner[];
}

/** alice's certificate and product; bob processes the product; everyone holds tokens approved to the court. */
async function world(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { registry, contributions, token, disputeCourt: court, alice, bob, registrar } = ledger;
  const asset = await issueAsset(connection, ledger, alice);
  const product = await issueAsset(connection, ledger, alice, { kind: AssetKind.PRODUCT });
  const toBob = await makeGrant(ledger, alice, grantTerms(bob.address, product, Rights.PROCESS | Rights.USE, BigInt(await time.latest())));
  await send(
    contributions.connect(bob).record([
      {
        productId: product,
        stage: Stage.PROCESSING,
        role: ContributionRole.PROCESSOR,
        measure: 4_200n,
        authorization: toBob,
        evidenceHash: h("bob-invoice"),
        evidenceURI: "",
      },
    ]),
  );
  const bobRecord = await contributions.contributionCount();
  await send(contributions.connect(alice).confirm([bobRecord]));
  // deployLedger takes the first twelve signers; the next five become parties here.
  const extras = (await ethers.getSigners()).slice(12, 17);
  for (const extra of extras) await send(registry.connect(registrar).registerParty(extra.address, PartyKind.ENTERPRISE, h("extra")));
  const courtAddress = await court.getAddress();
  for (const party of [alice, bob, ledger.carol, ledger.individual, ledger.institution, ...extras]) {
    await send(token.mint(party.address, FUNDS));
    await send(token.connect(party).approve(courtAddress, ethers.MaxUint256));
  }
  return { ledger, asset, product, toBob, bobRecord, extras };
}

async function openObjection(court: DisputeCourt, objector: HardhatEthersSigner, assetId: bigint, bond?: bigint): Promise<bigint> {
  const amount = bond ?? (await court.minimumBond(DisputeKind.OBJECTION));
  await send(court.connect(objector).openDispute(DisputeKind.OBJECTION, assetId, 0n, 0n, amount, h(`objection-${objector.address}`), ""));
  return court.disputeCount();
}

// ------------------------------------------------------------------------------------------------
// F03
// ------------------------------------------------------------------------------------------------

describe("F03 a ruling defeated by the loser", () => {
  it("carries out TRANSFER_HOLDING whatever objections the respondent's friends filed after the dispute opened", async () => {
    // Old code: the court carried the ruling out with the registrar's `transferHolding`, which refuses an
    // asset under objection: with any friend's objection open, `rule` reverted (AssetRegistryUnderObjection)
    // and the holder kept the certificate it lost.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.boolean(), async (friendCount, toClaimant, objectBeforeAnswer) => {
        const w = await loadFixture(world);
        const { disputeCourt: court, registry, registrar, arbitrator, bob, alice, carol } = w.ledger;
        const claimantDispute = await openObjection(court, bob, w.asset);
        if (!objectBeforeAnswer) await time.increase(await court.answerPeriod());
        const friends = w.extras.slice(0, friendCount);
        const friendDisputes: bigint[] = [];
        for (const friend of friends) friendDisputes.push(await openObjection(court, friend, w.asset));
        expect((await registry.asset(w.asset)).openObjections).to.equal(BigInt(1 + friendCount));
        // The friends' objections do freeze the certificate against an ordinary transfer...
        await expect(registry.connect(registrar).transferHolding(w.asset, carol.address, TransferReason.SALE, h("sale")))
          .to.be.revertedWithCustomError(registry, "AssetRegistryUnderObjection")
          .withArgs(w.asset);
        // ...but not against the ruling on the dispute they came after.
        if (objectBeforeAnswer) await time.increase(await court.answerPeriod());
        const to = toClaimant ? bob : carol;
        await expect(court.connect(arbitrator).rule(claimantDispute, ruling(Remedy.TRANSFER_HOLDING, { transferTo: to.address })))
          .to.emit(registry, "HoldingTransferred")
          .withArgs(w.asset, alice.address, to.address, TransferReason.OBJECTION_UPHELD, h(`ruling-${Remedy.TRANSFER_HOLDING}`), await court.getAddress());
        expect(await registry.ownerOf(w.asset)).to.equal(to.address);
        expect(await registry.holderOf(w.asset)).to.equal(to.address);
        // The friends' objections stay open, now against the new holder, and are ruled on their own.
        expect((await registry.asset(w.asset)).openObjections).to.equal(BigInt(friendCount));
        for (const id of friendDisputes) {
          const d = await court.dispute(id);
          expect(d.status).to.equal(DisputeStatus.OPEN);
          expect((await registry.objection(d.subjectId)).status).to.equal(ObjectionStatus.OPEN);
        }
      }),
      { numRuns: 5 },
    );
  });

  it("carries out REVOKE_CERTIFICATE with the respondent's friends' objections open", async () => {
    // The cancellation remedy, the other ruling the loser could try to block the same way.
    const w = await loadFixture(world);
    const { disputeCourt: court, registry, arbitrator, bob } = w.ledger;
    const id = await openObjection(court, bob, w.asset);
    for (const friend of w.extras.slice(0, 2)) await openObjection(court, friend, w.asset);
    await time.increase(await court.answerPeriod());
    await send(court.connect(arbitrator).rule(id, ruling(Remedy.REVOKE_CERTIFICATE)));
    expect((await registry.asset(w.asset)).status).to.equal(AssetStatus.CANCELLED);
  });

  it("refuses a holder's objection to its own asset, at the court and at the registry, through successions too", async () => {
    // Old code: the registry's `fileObjection` was open to every party, the holder included: the holder
    // objected to its own certificate and blocked the transfer ordered against it. The registry-level
    // refusal below (AssetRegistrySelfObjection) did not exist.
    const w = await loadFixture(world);
    const { disputeCourt: court, registry, accessManager, admin, registrar, alice, outsider } = w.ledger;
    const bond = await court.minimumBond(DisputeKind.OBJECTION);
    const objectAs = (party: HardhatEthersSigner, assetId: bigint) =>
      court.connect(party).openDispute(DisputeKind.OBJECTION, assetId, 0n, 0n, bond, h("my own"), "");

    await expect(objectAs(alice, w.asset)).to.be.revertedWithCustomError(court, "DisputeCourtSelfDispute").withArgs(alice.address);
    // The applicant of an application, before and after acceptance.
    const applied = await fileApplication(w.ledger, alice);
    await expect(objectAs(alice, applied)).to.be.revertedWithCustomError(court, "DisputeCourtSelfDispute").withArgs(alice.address);
    await send(registry.connect(registrar).acceptApplication(applied));
    await expect(objectAs(alice, applied)).to.be.revertedWithCustomError(court, "DisputeCourtSelfDispute").withArgs(alice.address);

    // The registry refuses it even to a caller holding COURT.
    await send(accessManager.connect(admin).grantRole(ROLE_IDS.COURT, outsider.address, 0));
    await expect(registry.connect(outsider).fileObjection(w.asset, alice.address, h("my own"), ""))
      .to.be.revertedWithCustomError(registry, "AssetRegistrySelfObjection")
      .withArgs(w.asset, alice.address);

    // alice merges into a friend: the friend now holds her assets and cannot object to them either.
    const successor = w.extras[0]!;
    await send(registry.connect(registrar).recordSuccession(alice.address, successor.address, h("merger")));
    await expect(objectAs(successor, w.asset)).to.be.revertedWithCustomError(court, "DisputeCourtSelfDispute").withArgs(successor.address);
    await expect(registry.connect(outsider).fileObjection(w.asset, successor.address, h("my own"), ""))
      .to.be.revertedWithCustomError(registry, "AssetRegistrySelfObjection")
      .withArgs(w.asset, successor.address);
  });
});

// ------------------------------------------------------------------------------------------------
// F05
// ------------------------------------------------------------------------------------------------

describe("F05 the respondent flips to the claimant's successor", () => {
  /** The disputes where the claimant's own succession used to turn it into the respondent. */
  const kinds = [
    // bob disputes his own record: the product's holder (alice) answers.
    { name: "contribution", kind: DisputeKind.CONTRIBUTION, subject: (w: World) => w.bobRecord, assetId: (w: World) => w.product },
    // bob, grantee, disputes alice's grant: the grantor answers.
    { name: "grant", kind: DisputeKind.GRANT, subject: (w: World) => w.toBob, assetId: (w: World) => w.product },
  ] as const;

  for (const { name, kind, subject, assetId } of kinds) {
    it(`keeps the respondent of a ${name} dispute when the claimant is succeeded; the forfeited bond goes to the respondent`, async () => {
      // Old code: the respondent was recomputed from the claimant's successor: after bob -> S, bob's record
      // (or grant) no longer matched "the claimant", so the respondent became bob's own line (S). alice's
      // evidence was refused (DisputeCourtNotParty) and the forfeited bond was paid to S.
      for (const successorIndex of [0, 3]) {
        for (const extraBond of [0n, 98_765n]) {
          const w = await loadFixture(world);
          const { disputeCourt: court, registry, registrar, arbitrator, alice, bob } = w.ledger;
          const successor = w.extras[successorIndex]!;
          const bond = (await court.minimumBond(kind)) + extraBond;
          await send(court.connect(bob).openDispute(kind, assetId(w), subject(w), 0n, bond, h("grounds"), ""));
          const id = await court.disputeCount();
          expect((await court.dispute(id)).respondent).to.equal(alice.address);

          await send(registry.connect(registrar).recordSuccession(bob.address, successor.address, h("bob merged")));
          const stored = await court.dispute(id);
          expect([stored.claimant, stored.respondent]).to.deep.equal([bob.address, alice.address]);
          await expect(court.connect(alice).submitEvidence(id, h("alice answers"), "")).to.emit(court, "DisputeEvidenceSubmitted");
          await expect(court.connect(successor).submitEvidence(id, h("successor argues"), "")).to.emit(court, "DisputeEvidenceSubmitted");
          await expect(court.connect(bob).submitEvidence(id, h("bob, merged away"), ""))
            .to.be.revertedWithCustomError(court, "DisputeCourtNotParty")
            .withArgs(id, bob.address);

          await time.increase(await court.answerPeriod());
          await expect(court.connect(arbitrator).rule(id, ruling(Remedy.DISMISS, { forfeitBond: true })))
            .to.emit(court, "BondCredited")
            .withArgs(id, alice.address, bond);
          expect(await court.bondCredit(alice.address)).to.equal(bond);
          expect(await court.bondCredit(successor.address)).to.equal(0n);
          expect(await court.bondCredit(bob.address)).to.equal(0n);
        }
      }
    });
  }

  it("makes the respondent's successor the respondent, and returns a bond to the claimant's successor", async () => {
    // Old code: the respondent was worked out again from the claimant's current successor. With only alice
    // succeeded it happened to find her successor (that case passed); with both succeeded, bob's record no
    // longer matched "the claimant" (now bobSuccessor), so the respondent became bob's own line: the
    // `respondent` check, aliceSuccessor's evidence and the forfeiture to aliceSuccessor failed.
    for (const bothSucceeded of [false, true]) {
      for (const forfeit of [true, false]) {
        const w = await loadFixture(world);
        const { disputeCourt: court, registry, registrar, arbitrator, alice, bob } = w.ledger;
        const [aliceSuccessor, bobSuccessor] = [w.extras[1]!, w.extras[2]!];
        const bond = (await court.minimumBond(DisputeKind.CONTRIBUTION)) + 5n;
        await send(court.connect(bob).openDispute(DisputeKind.CONTRIBUTION, w.product, w.bobRecord, 0n, bond, h("grounds"), ""));
        const id = await court.disputeCount();
        await send(registry.connect(registrar).recordSuccession(alice.address, aliceSuccessor.address, h("alice merged")));
        if (bothSucceeded) await send(registry.connect(registrar).recordSuccession(bob.address, bobSuccessor.address, h("bob merged")));
        const claimantNow = bothSucceeded ? bobSuccessor : bob;

        expect((await court.dispute(id)).respondent).to.equal(aliceSuccessor.address);
        await expect(court.connect(aliceSuccessor).submitEvidence(id, h("successor answers"), "")).to.emit(court, "DisputeEvidenceSubmitted");
        await expect(court.connect(claimantNow).submitEvidence(id, h("claimant argues"), "")).to.emit(court, "DisputeEvidenceSubmitted");
        await expect(court.connect(alice).submitEvidence(id, h("merged away"), "")).to.be.revertedWithCustomError(court, "DisputeCourtNotParty");

        await time.increase(await court.answerPeriod());
        const to = forfeit ? aliceSuccessor : claimantNow;
        await expect(court.connect(arbitrator).rule(id, ruling(Remedy.DISMISS, { forfeitBond: forfeit })))
          .to.emit(court, "BondCredited")
          .withArgs(id, to.address, bond);
        expect(await court.bondCredit(to.address)).to.equal(bond);
        // The predecessor's credit line resolves too: the successor withdraws.
        await expect(court.connect(to).withdrawBond(to.address, to.address)).to.changeTokenBalance(ethers, w.ledger.token, to, bond);
      }
    }
  });
});

// ------------------------------------------------------------------------------------------------
// F09
// ------------------------------------------------------------------------------------------------

/**
 * The ledger deployed by the Ignition module over a ReentrantToken: a token whose transfers to its `hooked`
 * account call `onTokensReceived()` there and revert if that call fails, as a blocklisting token, an
 * ERC-777 or a contract wallet without the hook would refuse.
 */
async function refusingTokenWorld() {
  const [admin, registrar, , , arbitrator, , alice, bob] = await firstSigners(ethers, 8);
  const token = await ethers.deployContract("ReentrantToken");
  const deployed = await ignition.deploy(ProvenanceLedgerModule, {
    parameters: { ProvenanceLedger: { settlementToken: await token.getAddress(), noticePeriodSeconds: Number(NOTICE_PERIOD) } },
  });
  const registry = (await ethers.getContractAt("AssetRegistry", await deployed.registry.getAddress())) as unknown as AssetRegistry;
  const court = (await ethers.getContractAt("DisputeCourt", await deployed.court.getAddress())) as unknown as DisputeCourt;
  const manager = await ethers.getContractAt("LedgerAccessManager", await deployed.accessManager.getAddress());
  await send(manager.connect(admin).grantRole(ROLE_IDS.REGISTRAR, registrar.address, 0));
  await send(manager.connect(admin).grantRole(ROLE_IDS.ARBITRATOR, arbitrator.address, 0));
  for (const party of [alice, bob]) await send(registry.connect(registrar).registerParty(party.address, PartyKind.ENTERPRISE, h("p")));

  // A party whose address is a contract with no token hook: every transfer to it reverts once hooked.
  const wallet = await ethers.deployContract("ERC1271WalletMock", [alice.address]);
  const walletAddress = await wallet.getAddress();
  await send(registry.connect(registrar).registerParty(walletAddress, PartyKind.ENTERPRISE, h("wallet")));
  await networkHelpers.impersonateAccount(walletAddress);
  await networkHelpers.setBalance(walletAddress, 10n ** 20n);
  const refuser = await ethers.getSigner(walletAddress);

  const assets: bigint[] = [];
  for (let i = 0; i < 3; i += 1) {
    await send(
      registry.connect(alice).fileApplication({
        kind: AssetKind.RESOURCE,
        category: 1,
        classification: 0,
        fingerprint: h(`refusing-data-${i}`),
        cardHash: h(`refusing-card-${i}`),
        cardURI: "",
        parents: [],
      }),
    );
    assets.push(await registry.assetCount());
    await send(registry.connect(registrar).acceptApplication(assets[i]!));
  }
  await time.increase(NOTICE_PERIOD);
  for (const id of assets) await send(registry.connect(registrar).issueCertificate(id));

  const courtAddress = await court.getAddress();
  for (const party of [refuser, bob]) {
    await send(token.mint(party.address, FUNDS));
    await send(token.connect(party).approve(courtAddress, ethers.MaxUint256));
  }
  await send(token.setHooked(walletAddress));
  return { token, registry, court, arbitrator, alice, bob, refuser, assets };
}

describe("F09 a bond that cannot be pushed bricks the dispute", () => {
  it("credits bonds at ruling and lapse: the claimant's balance moves only when it withdraws", async () => {
    // Old code: `rule` and `lapse` transferred the bond to the claimant (or respondent) at once: the
    // balances checked right after the ruling and the lapse below had already changed.
    for (const bondExtra of [0n, 12_345n]) {
      const w = await loadFixture(world);
      const { disputeCourt: court, token, arbitrator, bob, carol, individual } = w.ledger;
      const bond = (await court.minimumBond(DisputeKind.OBJECTION)) + bondExtra;
      const ruled = await openObjection(court, bob, w.asset, bond);
      const lapsed = await openObjection(court, carol, w.asset, bond);
      const [bobBefore, carolBefore] = [await token.balanceOf(bob.address), await token.balanceOf(carol.address)];

      await time.increase(await court.answerPeriod());
      await send(court.connect(arbitrator).rule(ruled, ruling(Remedy.DISMISS)));
      await time.increaseTo((await court.dispute(lapsed)).rulingDeadline + 1n);
      await send(court.connect(individual).lapse(lapsed));
      expect((await court.dispute(ruled)).status).to.equal(DisputeStatus.RULED);
      expect((await court.dispute(lapsed)).status).to.equal(DisputeStatus.LAPSED);
      expect(await token.balanceOf(bob.address)).to.equal(bobBefore);
      expect(await token.balanceOf(carol.address)).to.equal(carolBefore);
      expect([await court.bondCredit(bob.address), await court.bondCredit(carol.address)]).to.deep.equal([bond, bond]);
      expect((await court.dispute(ruled)).bond).to.equal(0n);

      // Only the party (or its successor) withdraws, once, to the recipient it names.
      await expect(court.connect(individual).withdrawBond(bob.address, individual.address))
        .to.be.revertedWithCustomError(court, "DisputeCourtNotParty")
        .withArgs(0n, individual.address);
      await expect(court.connect(bob).withdrawBond(bob.address, bob.address)).to.changeTokenBalance(ethers, token, bob, bond);
      await expect(court.connect(bob).withdrawBond(bob.address, bob.address)).to.be.revertedWithCustomError(court, "DisputeCourtNothingToWithdraw");
      await expect(court.connect(carol).withdrawBond(carol.address, ethers.ZeroAddress)).to.be.revertedWithCustomError(court, "DisputeCourtInvalidRecipient");
      await expect(court.connect(carol).withdrawBond(carol.address, individual.address)).to.changeTokenBalance(ethers, token, individual, bond);
    }
  });

  it("rules and lapses the disputes of a claimant whose address refuses the token; its failed withdrawal harms nobody else", async () => {
    // Old code: the ruling and the lapse pushed the bond back to the claimant; the token refused the
    // transfer, so both reverted and the dispute (and the objection freezing alice's certificate) stayed open
    // forever: the `rule` and `lapse` below reverted with ReentrantTokenHookFailed.
    const w = await refusingTokenWorld();
    const { token, registry, court, arbitrator, bob, refuser, assets } = w;
    const bond = await court.minimumBond(DisputeKind.OBJECTION);
    await expect(token.connect(bob).transfer(refuser.address, 1n)).to.be.revertedWithCustomError(token, "ReentrantTokenHookFailed");

    const ruled = await openObjection(court, refuser, assets[0]!, bond + 1n);
    const lapsed = await openObjection(court, refuser, assets[1]!, bond + 2n);
    const bobs = await openObjection(court, bob, assets[2]!, bond + 3n);
    await time.increase(await court.answerPeriod());
    await send(court.connect(arbitrator).rule(ruled, ruling(Remedy.DISMISS)));
    await send(court.connect(arbitrator).rule(bobs, ruling(Remedy.DISMISS)));
    await time.increaseTo((await court.dispute(lapsed)).rulingDeadline + 1n);
    await send(court.connect(bob).lapse(lapsed));
    for (const id of [ruled, lapsed, bobs]) expect((await court.dispute(id)).status).to.not.equal(DisputeStatus.OPEN);
    for (const assetId of assets) expect((await registry.asset(assetId)).openObjections).to.equal(0n);
    expect(await court.bondCredit(refuser.address)).to.equal(2n * bond + 3n);

    // Its own withdrawal to itself fails, and changes nothing for anybody.
    await expect(court.connect(refuser).withdrawBond(refuser.address, refuser.address)).to.be.revertedWithCustomError(token, "ReentrantTokenHookFailed");
    expect(await court.bondCredit(refuser.address)).to.equal(2n * bond + 3n);
    await expect(court.connect(bob).withdrawBond(bob.address, bob.address)).to.changeTokenBalance(ethers, token, bob, bond + 3n);
    // It can still take its bonds to an address that accepts them.
    await expect(court.connect(refuser).withdrawBond(refuser.address, w.alice.address)).to.changeTokenBalance(ethers, token, w.alice, 2n * bond + 3n);
    expect(await token.balanceOf(await court.getAddress())).to.equal(0n);
  });
});
