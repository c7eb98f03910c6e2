import { expect } from "chai";
import { ethers as ethersLib, type ContractTransactionReceipt } from "ethers";
import { network } from "hardhat";

import { ROLE_IDS } from "../ledger/roles.js";
import { AssetKind, DisputeKind, PartyKind, Rights, ScopeKind, TransferReason } from "../ledger/types.js";
import {
  application,
  deployLedger,
  fileApplication,
  grantTerms,
  h,
  issueAsset,
  makeGrant,
  MIN_BOND,
  NOTICE_PERIOD,
  ZERO_HASH,
  type Ledger,
} from "./helpers/ledger.js";
import {
  actorsExcept,
  eventKind,
  issueMany,
  nextHead,
  payloadHash,
  registryEventNames,
  registryEvents,
  send,
} from "./helpers/registry.js";
import { escrowAccount } from "./helpers/vault.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const MAX_SUCCESSION_DEPTH = 16;
const ZERO_ADDRESS = ethersLib.ZeroAddress;

async function deployed(): Promise<Ledger> {
  return deployLedger(connection);
}

/** A fresh, unregistered address (no key needed: only the registrar signs party records). */
function freshAddress(): string {
  return ethersLib.Wallet.createRandom().address;
}

async function registerFresh(ledger: Ledger, kind: number = PartyKind.ENTERPRISE): Promise<string> {
  const account = freshAddress();
  await send(ledger.registry.connect(ledger.registrar).registerParty(account, kind, h(`profile:${account}`)));
  return account;
}

describe("PartyRegistry", () => {
  describe("registerParty", () => {
    it("records a party of every kind, live, with the registration time and the event", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar } = ledger;
      for (const kind of [
        PartyKind.ENTERPRISE,
        PartyKind.STATE_OWNED_ENTERPRISE,
        PartyKind.PUBLIC_INSTITUTION,
        PartyKind.INDIVIDUAL,
        PartyKind.PUBLIC_DATA_AUTHORITY,
      ]) {
        const account = freshAddress();
        expect(await registry.isLiveParty(account)).to.equal(false);
        const tx = registry.connect(registrar).registerParty(account, kind, h(`profile-${kind}`));
        await expect(tx)
          .to.emit(registry, "PartyRegistered")
          .withArgs(account, kind, h(`profile-${kind}`), registrar.address);
        const party = await registry.party(account);
        expect(party.kind).to.equal(BigInt(kind));
        expect(party.generation).to.equal(0n);
        expect(party.registeredAt).to.equal(BigInt(await networkHelpers.time.latest()));
        expect(party.successor).to.equal(ZERO_ADDRESS);
        expect(await registry.isLiveParty(account)).to.equal(true);
        expect(await registry.resolveParty(account)).to.equal(account);
      }
    });

    it("accepts a contract wallet as a party", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const wallet = await ethers.deployContract("ERC1271WalletMock", [ledger.alice.address]);
      const account = await wallet.getAddress();
      await send(ledger.registry.connect(ledger.registrar).registerParty(account, PartyKind.ENTERPRISE, h("wallet")));
      expect(await ledger.registry.isLiveParty(account)).to.equal(true);
    });

    for (const name of actorsExcept("registrar")) {
      it(`refuses ${name}: registrar only`, async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const caller = ledger.actors[name];
        const account = freshAddress();
        await expect(ledger.registry.connect(caller).registerParty(account, PartyKind.ENTERPRISE, h("p")))
          .to.be.revertedWithCustomError(ledger.registry, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.REGISTRAR);
        expect((await ledger.registry.party(account)).kind).to.equal(BigInt(PartyKind.NONE));
      });
    }

    it("refuses the zero address", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(deployed);
      await expect(registry.connect(registrar).registerParty(ZERO_ADDRESS, PartyKind.ENTERPRISE, h("p")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryInvalidAccount")
        .withArgs(ZERO_ADDRESS);
    });

    it("refuses a dispute's escrow account, of any dispute, so that no succession can hand its escrow to a party", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(deployed);
      for (const disputeId of [0n, 1n, 7n, 2n ** 64n - 1n]) {
        const account = escrowAccount(disputeId);
        await expect(registry.connect(registrar).registerParty(account, PartyKind.ENTERPRISE, h("p")))
          .to.be.revertedWithCustomError(registry, "PartyRegistryInvalidAccount")
          .withArgs(account);
        expect(await registry.isLiveParty(account)).to.equal(false);
      }
      // An address that only shares the tag's low bits is an ordinary account.
      const near = ethersLib.getAddress("0x" + (BigInt(escrowAccount(7n)) ^ (1n << 159n)).toString(16).padStart(40, "0"));
      await send(registry.connect(registrar).registerParty(near, PartyKind.ENTERPRISE, h("p")));
      expect(await registry.isLiveParty(near)).to.equal(true);
    });

    it("refuses kind NONE", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(deployed);
      await expect(
        registry.connect(registrar).registerParty(freshAddress(), PartyKind.NONE, h("p")),
      ).to.be.revertedWithCustomError(registry, "PartyRegistryInvalidKind");
    });

    it("refuses a party already registered, also with another kind, and a succeeded one", async () => {
      const { registry, registrar, alice, bob } = await networkHelpers.loadFixture(deployed);
      await expect(registry.connect(registrar).registerParty(alice.address, PartyKind.ENTERPRISE, h("again")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryAlreadyRegistered")
        .withArgs(alice.address);
      await expect(registry.connect(registrar).registerParty(alice.address, PartyKind.INDIVIDUAL, h("again")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryAlreadyRegistered")
        .withArgs(alice.address);
      await send(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("merger")));
      await expect(registry.connect(registrar).registerParty(alice.address, PartyKind.ENTERPRISE, h("revive")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryAlreadyRegistered")
        .withArgs(alice.address);
      expect(await registry.isLiveParty(alice.address)).to.equal(false);
    });
  });

  describe("recordSuccession", () => {
    it("links the predecessor to the successor, raises the successor's generation and emits PartySucceeded", async () => {
      const { registry, registrar, alice, bob } = await networkHelpers.loadFixture(deployed);
      await expect(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("merger")))
        .to.emit(registry, "PartySucceeded")
        .withArgs(alice.address, bob.address, h("merger"), registrar.address);
      const predecessor = await registry.party(alice.address);
      expect(predecessor.successor).to.equal(bob.address);
      expect(predecessor.kind).to.equal(BigInt(PartyKind.ENTERPRISE));
      expect(predecessor.generation).to.equal(0n);
      const successor = await registry.party(bob.address);
      expect(successor.successor).to.equal(ZERO_ADDRESS);
      expect(successor.generation).to.equal(1n);
      expect(await registry.isLiveParty(alice.address)).to.equal(false);
      expect(await registry.isLiveParty(bob.address)).to.equal(true);
      expect(await registry.resolveParty(alice.address)).to.equal(bob.address);
      expect(await registry.resolveParty(bob.address)).to.equal(bob.address);
    });

    it("lets a successor absorb several predecessors, keeping the longest chain as its generation", async () => {
      const { registry, registrar, alice, bob, carol, individual } = await networkHelpers.loadFixture(deployed);
      // alice -> bob (bob: 1), bob -> carol (carol: 2), individual -> carol (carol stays 2).
      await send(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("m1")));
      await send(registry.connect(registrar).recordSuccession(bob.address, carol.address, h("m2")));
      await send(registry.connect(registrar).recordSuccession(individual.address, carol.address, h("m3")));
      expect((await registry.party(carol.address)).generation).to.equal(2n);
      for (const account of [alice, bob, individual, carol]) {
        expect(await registry.resolveParty(account.address)).to.equal(carol.address);
      }
    });

    for (const name of actorsExcept("registrar")) {
      it(`refuses ${name}: registrar only`, async () => {
        const ledger = await networkHelpers.loadFixture(deployed);
        const caller = ledger.actors[name];
        await expect(ledger.registry.connect(caller).recordSuccession(ledger.alice.address, ledger.bob.address, h("m")))
          .to.be.revertedWithCustomError(ledger.registry, "LedgerAccessUnauthorized")
          .withArgs(caller.address, ROLE_IDS.REGISTRAR);
        expect(await ledger.registry.isLiveParty(ledger.alice.address)).to.equal(true);
      });
    }

    it("refuses self-succession", async () => {
      const { registry, registrar, alice } = await networkHelpers.loadFixture(deployed);
      await expect(registry.connect(registrar).recordSuccession(alice.address, alice.address, h("m")))
        .to.be.revertedWithCustomError(registry, "PartyRegistrySelfSuccession")
        .withArgs(alice.address);
    });

    it("refuses an unregistered predecessor or successor", async () => {
      const { registry, registrar, alice, outsider } = await networkHelpers.loadFixture(deployed);
      await expect(registry.connect(registrar).recordSuccession(outsider.address, alice.address, h("m")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(outsider.address);
      await expect(registry.connect(registrar).recordSuccession(alice.address, outsider.address, h("m")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(outsider.address);
      await expect(registry.connect(registrar).recordSuccession(alice.address, ZERO_ADDRESS, h("m")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(ZERO_ADDRESS);
    });

    it("refuses an already succeeded predecessor (no second successor) and a succeeded successor", async () => {
      const { registry, registrar, alice, bob, carol } = await networkHelpers.loadFixture(deployed);
      await send(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("m1")));
      await expect(registry.connect(registrar).recordSuccession(alice.address, carol.address, h("m2")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(alice.address);
      await expect(registry.connect(registrar).recordSuccession(carol.address, alice.address, h("m3")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(alice.address);
      // No cycle can form: the successor cannot pass its rights back to its own (dead) predecessor.
      await expect(registry.connect(registrar).recordSuccession(bob.address, alice.address, h("back")))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(alice.address);
      expect(await registry.resolveParty(alice.address)).to.equal(bob.address);
    });

    it(`accepts a chain of ${MAX_SUCCESSION_DEPTH} successions and refuses the next one`, async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar } = ledger;
      expect(await registry.MAX_SUCCESSION_DEPTH()).to.equal(BigInt(MAX_SUCCESSION_DEPTH));
      const chain: string[] = [];
      for (let i = 0; i <= MAX_SUCCESSION_DEPTH + 1; i += 1) chain.push(await registerFresh(ledger));
      for (let i = 0; i < MAX_SUCCESSION_DEPTH; i += 1) {
        await send(registry.connect(registrar).recordSuccession(chain[i]!, chain[i + 1]!, h(`m${i}`)));
        expect((await registry.party(chain[i + 1]!)).generation).to.equal(BigInt(i + 1));
      }
      const last = chain[MAX_SUCCESSION_DEPTH]!;
      for (const account of chain.slice(0, MAX_SUCCESSION_DEPTH)) {
        expect(await registry.resolveParty(account)).to.equal(last);
        expect(await registry.isLiveParty(account)).to.equal(false);
      }
      await expect(registry.connect(registrar).recordSuccession(last, chain[MAX_SUCCESSION_DEPTH + 1]!, h("one more")))
        .to.be.revertedWithCustomError(registry, "PartyRegistrySuccessionTooDeep")
        .withArgs(last, MAX_SUCCESSION_DEPTH + 1);
      expect(await registry.isLiveParty(last)).to.equal(true);
      // The deepest party may still absorb a fresh one (that chain is one long) and keeps its generation.
      const newcomer = await registerFresh(ledger);
      await send(registry.connect(registrar).recordSuccession(newcomer, last, h("absorb")));
      expect((await registry.party(last)).generation).to.equal(BigInt(MAX_SUCCESSION_DEPTH));
      expect(await registry.resolveParty(newcomer)).to.equal(last);
    });

    it("counts depth by the longest chain: a merger into a deep party makes its successor as deep", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar } = ledger;
      const chain: string[] = [];
      for (let i = 0; i < MAX_SUCCESSION_DEPTH; i += 1) chain.push(await registerFresh(ledger));
      for (let i = 0; i + 1 < chain.length; i += 1) {
        await send(registry.connect(registrar).recordSuccession(chain[i]!, chain[i + 1]!, h(`m${i}`)));
      }
      const deep = chain[chain.length - 1]!; // generation 15
      const fresh = await registerFresh(ledger);
      await send(registry.connect(registrar).recordSuccession(deep, fresh, h("into fresh")));
      expect((await registry.party(fresh)).generation).to.equal(BigInt(MAX_SUCCESSION_DEPTH));
      await expect(registry.connect(registrar).recordSuccession(fresh, await registerFresh(ledger), h("too deep")))
        .to.be.revertedWithCustomError(registry, "PartyRegistrySuccessionTooDeep")
        .withArgs(fresh, MAX_SUCCESSION_DEPTH + 1);
    });
  });

  describe("resolveParty and isLiveParty", () => {
    it("return the address itself, not live, for an unregistered address", async () => {
      const { registry, outsider } = await networkHelpers.loadFixture(deployed);
      expect(await registry.resolveParty(outsider.address)).to.equal(outsider.address);
      expect(await registry.resolveParty(ZERO_ADDRESS)).to.equal(ZERO_ADDRESS);
      expect(await registry.isLiveParty(outsider.address)).to.equal(false);
      expect(await registry.isLiveParty(ZERO_ADDRESS)).to.equal(false);
      expect((await registry.party(outsider.address)).kind).to.equal(BigInt(PartyKind.NONE));
    });

    it("follow a chain of successions to its live end", async () => {
      const { registry, registrar, alice, bob, carol } = await networkHelpers.loadFixture(deployed);
      await send(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("m1")));
      expect(await registry.resolveParty(alice.address)).to.equal(bob.address);
      await send(registry.connect(registrar).recordSuccession(bob.address, carol.address, h("m2")));
      expect(await registry.resolveParty(alice.address)).to.equal(carol.address);
      expect(await registry.resolveParty(bob.address)).to.equal(carol.address);
      expect(await registry.isLiveParty(alice.address)).to.equal(false);
      expect(await registry.isLiveParty(bob.address)).to.equal(false);
      expect(await registry.isLiveParty(carol.address)).to.equal(true);
    });
  });

  describe("succession of a party holding assets", () => {
    const MANY = 30;

    interface Holdings {
      ledger: Ledger;
      /** alice's issued certificates. */
      assets: bigint[];
      /** carol's certificate on which alice holds a PROCESS grant. */
      carolAsset: bigint;
      /** Grants alice gave carol on her first assets. */
      grantsGiven: bigint[];
      /** The grant carol gave alice on `carolAsset`. */
      grantReceived: bigint;
      /** alice's certificate pledged to carol. */
      pledged: bigint;
    }

    async function holdings(count: number): Promise<Holdings> {
      const ledger = await deployLedger(connection);
      const { registry, alice, carol } = ledger;
      const [carolAsset] = await issueMany(connection, ledger, carol, 1);
      const assets = await issueMany(connection, ledger, alice, count);
      const now = BigInt(await networkHelpers.time.latest());
      const grantsGiven: bigint[] = [];
      for (const assetId of assets.slice(0, Math.min(count, 5))) {
        grantsGiven.push(await makeGrant(ledger, alice, grantTerms(carol.address, assetId, Rights.USE | Rights.PROCESS, now)));
      }
      const grantReceived = await makeGrant(ledger, carol, grantTerms(alice.address, carolAsset!, Rights.PROCESS, now));
      const pledged = assets[assets.length - 1]!;
      await send(registry.connect(alice).pledge(pledged, carol.address, h("loan")));
      return { ledger, assets, carolAsset: carolAsset!, grantsGiven, grantReceived, pledged };
    }

    async function aliceHoldsMany(): Promise<Holdings> {
      return holdings(MANY);
    }

    async function aliceHoldsOne(): Promise<Holdings> {
      return holdings(1);
    }

    async function succeedAliceByBob(ledger: Ledger): Promise<ContractTransactionReceipt> {
      return send(ledger.registry.connect(ledger.registrar).recordSuccession(ledger.alice.address, ledger.bob.address, h("merger")));
    }

    it("costs the same gas whatever the predecessor holds", async () => {
      const one = await networkHelpers.loadFixture(aliceHoldsOne);
      const gasForOne = (await succeedAliceByBob(one.ledger)).gasUsed;
      const many = await networkHelpers.loadFixture(aliceHoldsMany);
      expect(await many.ledger.registry.balanceOf(many.ledger.alice.address)).to.equal(BigInt(MANY));
      const gasForMany = (await succeedAliceByBob(many.ledger)).gasUsed;
      const difference = gasForMany > gasForOne ? gasForMany - gasForOne : gasForOne - gasForMany;
      expect(Number(difference), `gas for ${MANY} assets ${gasForMany}, for 1 asset ${gasForOne}`).to.be.at.most(200);
    });

    it("resolves the holder of every asset to the successor at once", async () => {
      const { ledger, assets } = await networkHelpers.loadFixture(aliceHoldsMany);
      const { registry, bob } = ledger;
      await succeedAliceByBob(ledger);
      for (const assetId of assets) {
        expect(await registry.ownerOf(assetId)).to.equal(bob.address);
        expect(await registry.holderOf(assetId)).to.equal(bob.address);
        expect((await registry.assetState(assetId)).holder).to.equal(bob.address);
      }
    });

    it("stops the predecessor from acting and lets the successor act in its place", async () => {
      const { ledger, assets, carolAsset, grantsGiven, grantReceived } = await networkHelpers.loadFixture(aliceHoldsMany);
      const { registry, grants, alice, bob, carol } = ledger;
      await succeedAliceByBob(ledger);
      const assetId = assets[0]!;

      await expect(registry.connect(alice).pledge(assetId, carol.address, h("loan")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryNotHolder")
        .withArgs(assetId, alice.address);
      await expect(registry.connect(alice).fileApplication(application()))
        .to.be.revertedWithCustomError(registry, "PartyRegistryNotLiveParty")
        .withArgs(alice.address);
      // Objections go through the court, which refuses a party that is no longer live.
      await expect(ledger.disputeCourt.connect(alice).openDispute(DisputeKind.OBJECTION, carolAsset, 0n, 0n, MIN_BOND, h("grounds"), ""))
        .to.be.revertedWithCustomError(ledger.disputeCourt, "DisputeCourtNotLiveParty")
        .withArgs(alice.address);
      const now = BigInt(await networkHelpers.time.latest());
      await expect(grants.connect(alice).grant(grantTerms(carol.address, assetId, Rights.USE, now)))
        .to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor")
        .withArgs(assetId, alice.address);

      // bob holds alice's certificates, her grants given and her grants received.
      await expect(registry.connect(bob).pledge(assetId, carol.address, h("loan")))
        .to.emit(registry, "AssetPledged")
        .withArgs(assetId, bob.address, carol.address, h("loan"));
      await send(grants.connect(bob).grant(grantTerms(carol.address, assets[1]!, Rights.USE, now)));
      await expect(grants.connect(bob).suspend(grantsGiven[0]!, h("audit"))).to.emit(grants, "GrantSuspended");
      expect(await grants.isAuthorized(bob.address, Rights.PROCESS, carolAsset, ScopeKind.WHOLE, ZERO_HASH, now, grantReceived)).to.equal(true);
      expect(await grants.isAuthorized(alice.address, Rights.PROCESS, carolAsset, ScopeKind.WHOLE, ZERO_HASH, now, grantReceived)).to.equal(false);
      const product = await fileApplication(ledger, bob, {
        kind: AssetKind.PRODUCT,
        parents: [{ assetId: carolAsset, grantId: grantReceived }],
      });
      expect((await registry.asset(product)).applicant).to.equal(bob.address);
    });

    it("moves the token on the first touch only: one HoldingSucceeded, one evidence entry, one Transfer", async () => {
      const { ledger, assets } = await networkHelpers.loadFixture(aliceHoldsMany);
      const { registry, alice, bob, outsider } = ledger;
      await succeedAliceByBob(ledger);
      const assetId = assets[3]!;
      const [seqBefore, headBefore] = await registry.evidenceHead(assetId);

      const receipt = await send(registry.connect(outsider).syncSuccession(assetId));
      expect(await registryEventNames(registry, receipt)).to.deep.equal(["Transfer", "HoldingSucceeded", "EvidenceAppended"]);
      const [succeeded] = await registryEvents(registry, receipt, "HoldingSucceeded");
      expect(succeeded!.args.toArray()).to.deep.equal([assetId, alice.address, bob.address]);
      const [transfer] = await registryEvents(registry, receipt, "Transfer");
      expect(transfer!.args.toArray()).to.deep.equal([alice.address, bob.address, assetId]);

      const [appended] = await registryEvents(registry, receipt, "EvidenceAppended");
      const kind = eventKind(registry, "HoldingSucceeded");
      const payload = payloadHash(["uint256", "address", "address"], [assetId, alice.address, bob.address]);
      const timestamp = BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
      const head = nextHead(headBefore, seqBefore + 1n, kind, payload, outsider.address, timestamp);
      expect(appended!.args.toArray()).to.deep.equal([assetId, seqBefore + 1n, kind, payload, outsider.address, timestamp, head]);
      const [seqAfter, headAfter] = await registry.evidenceHead(assetId);
      expect([seqAfter, headAfter]).to.deep.equal([seqBefore + 1n, head]);
      expect(await registry.balanceOf(bob.address)).to.equal(1n);
      expect(await registry.balanceOf(alice.address)).to.equal(BigInt(MANY - 1));

      const again = await send(registry.connect(outsider).syncSuccession(assetId));
      expect(await registryEventNames(registry, again)).to.deep.equal([]);
      expect((await registry.evidenceHead(assetId))[0]).to.equal(seqBefore + 1n);
    });

    it("moves the holding before a registrar's change registration, recorded just before it", async () => {
      const { ledger, assets } = await networkHelpers.loadFixture(aliceHoldsMany);
      const { registry, registrar, alice, bob } = ledger;
      await succeedAliceByBob(ledger);
      const assetId = assets[7]!;
      const [seqBefore] = await registry.evidenceHead(assetId);

      const receipt = await send(registry.connect(registrar).changeCard(assetId, h("card-v2"), "ipfs://card/v2"));
      expect(await registryEventNames(registry, receipt)).to.deep.equal([
        "Transfer",
        "HoldingSucceeded",
        "EvidenceAppended",
        "CardChanged",
        "EvidenceAppended",
      ]);
      const entries = await registryEvents(registry, receipt, "EvidenceAppended");
      expect(entries.map((entry) => [entry.args.getValue("seq"), entry.args.getValue("kind")])).to.deep.equal([
        [seqBefore + 1n, eventKind(registry, "HoldingSucceeded")],
        [seqBefore + 2n, eventKind(registry, "CardChanged")],
      ]);
      expect(entries[0]!.args.getValue("actor")).to.equal(registrar.address);
      const [succeeded] = await registryEvents(registry, receipt, "HoldingSucceeded");
      expect(succeeded!.args.toArray()).to.deep.equal([assetId, alice.address, bob.address]);

      const second = await send(registry.connect(registrar).changeCard(assetId, h("card-v3"), "ipfs://card/v3"));
      expect(await registryEventNames(registry, second)).to.deep.equal(["CardChanged", "EvidenceAppended"]);
      expect((await registry.evidenceHead(assetId))[0]).to.equal(seqBefore + 3n);
    });

    it("leaves untouched assets' evidence chains alone", async () => {
      const { ledger, assets } = await networkHelpers.loadFixture(aliceHoldsMany);
      const headOf = async (assetId: bigint) => (await ledger.registry.evidenceHead(assetId)).join();
      const before = await Promise.all(assets.map(headOf));
      await succeedAliceByBob(ledger);
      await send(ledger.registry.syncSuccession(assets[0]!));
      const after = await Promise.all(assets.map(headOf));
      expect(after[0]).to.not.equal(before[0]);
      expect(after.slice(1)).to.deep.equal(before.slice(1));
    });

    it("keeps a pledge through the holder's succession: the successor holds the pledged asset", async () => {
      const { ledger, pledged } = await networkHelpers.loadFixture(aliceHoldsMany);
      const { registry, registrar, bob, carol } = ledger;
      await succeedAliceByBob(ledger);
      expect((await registry.asset(pledged)).pledgee).to.equal(carol.address);
      await expect(registry.connect(registrar).transferHolding(pledged, carol.address, TransferReason.SALE, h("sale")))
        .to.be.revertedWithCustomError(registry, "AssetRegistryPledged")
        .withArgs(pledged, carol.address);
      await expect(registry.connect(carol).releasePledge(pledged))
        .to.emit(registry, "PledgeReleased")
        .withArgs(pledged, carol.address, bob.address);
    });

    it("resolves a chain of successions in one step: alice -> bob -> carol moves alice's asset to carol", async () => {
      const { ledger, assets } = await networkHelpers.loadFixture(aliceHoldsMany);
      const { registry, registrar, alice, bob, carol } = ledger;
      await succeedAliceByBob(ledger);
      await send(registry.connect(registrar).recordSuccession(bob.address, carol.address, h("second merger")));
      const assetId = assets[0]!;
      expect(await registry.ownerOf(assetId)).to.equal(carol.address);
      await expect(registry.syncSuccession(assetId))
        .to.emit(registry, "HoldingSucceeded")
        .withArgs(assetId, alice.address, carol.address);
      expect(await registry.ownerOf(assetId)).to.equal(carol.address);
    });

    it("moves a certificate down a chain of the deepest length in one sync", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar } = ledger;
      const signers = await ethers.getSigners();
      const founder = signers[12]!;
      await send(registry.connect(registrar).registerParty(founder.address, PartyKind.ENTERPRISE, h("founder")));
      const assetId = await issueAsset(connection, ledger, founder);
      let current = founder.address;
      for (let i = 0; i < MAX_SUCCESSION_DEPTH; i += 1) {
        const next = await registerFresh(ledger);
        await send(registry.connect(registrar).recordSuccession(current, next, h(`m${i}`)));
        current = next;
      }
      expect(await registry.ownerOf(assetId)).to.equal(current);
      await expect(registry.syncSuccession(assetId))
        .to.emit(registry, "HoldingSucceeded")
        .withArgs(assetId, founder.address, current);
    });
  });

  describe("succession of an applicant and of a pledgee", () => {
    it("issues to the applicant's successor when the applicant was succeeded during notice", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar, alice, bob } = ledger;
      const assetId = await fileApplication(ledger, alice);
      await send(registry.connect(registrar).acceptApplication(assetId));
      await send(registry.connect(registrar).recordSuccession(alice.address, bob.address, h("merger")));
      expect(await registry.holderOf(assetId)).to.equal(bob.address);
      await networkHelpers.time.increase(NOTICE_PERIOD);
      await expect(registry.connect(registrar).issueCertificate(assetId))
        .to.emit(registry, "CertificateIssued")
        .withArgs(assetId, bob.address, registrar.address);
      expect(await registry.ownerOf(assetId)).to.equal(bob.address);
      expect((await registry.asset(assetId)).applicant).to.equal(alice.address);
    });

    it("lets the pledgee's successor, and only it, release the pledge", async () => {
      const ledger = await networkHelpers.loadFixture(deployed);
      const { registry, registrar, alice, carol, individual } = ledger;
      const assetId = await issueAsset(connection, ledger, alice);
      await send(registry.connect(alice).pledge(assetId, carol.address, h("loan")));
      await send(registry.connect(registrar).recordSuccession(carol.address, individual.address, h("merger")));
      expect((await registry.asset(assetId)).pledgee).to.equal(individual.address);
      await expect(registry.connect(carol).releasePledge(assetId))
        .to.be.revertedWithCustomError(registry, "AssetRegistryNotPledgee")
        .withArgs(assetId, carol.address);
      await expect(registry.connect(individual).releasePledge(assetId))
        .to.emit(registry, "PledgeReleased")
        .withArgs(assetId, individual.address, alice.address);
      expect((await registry.asset(assetId)).pledgee).to.equal(ZERO_ADDRESS);
    });
  });
});
