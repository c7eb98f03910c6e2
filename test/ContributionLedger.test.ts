import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import {
  AbiCoder,
  keccak256,
  TypedDataEncoder,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type LogDescription,
} from "ethers";
import { network } from "hardhat";
import { hashTypedData, type Address, type Hex } from "viem";

import { contributionIds, isContributionId, nextWindowStart } from "../ledger/contributions/ids.js";
import { CONFIRM_CONTRIBUTIONS_EIP712_TYPES, contributionsEip712Domain } from "../ledger/contributions/signing.js";
import type { RawLog } from "../ledger/events/index.js";
import { replayEvidence } from "../ledger/evidence/index.js";
import { ROLE_IDS } from "../ledger/roles.js";
import {
  AssetKind,
  ContributionRole,
  ContributionStatus,
  EmptyStageRule,
  PartyKind,
  Rights,
  ScopeKind,
  Stage,
  TransferReason,
} from "../ledger/types.js";
import { DAY, deployLedger, fileApplication, grantTerms, h, issueAsset, makeGrant, type Ledger } from "./helpers/ledger.js";
import { toRawLogs } from "../scripts/lib/ledgerState.js";
import { actorsExcept, nextHead, registryEvents, send } from "./helpers/registry.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const UNKNOWN_ID = 999n;

/**
 * The id at `offset` of window `window`, as IContributionLedger documents ids: `window * 16 + offset`, 13
 * offsets used per window, window 0 never used. Written out here, independently of the twin
 * (`ledger/contributions/ids.ts`), which its own test checks against the events.
 */
function idAt(window: number, offset = 0): bigint {
  return BigInt(window * 16 + offset);
}
const FINANCE = h("domain:finance");
/** A realistic evidence URI (a CIDv1), for the gas figures. */
const CID_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

/** Stage weights of a split policy, in basis points, indexed by {Stage}. */
type Weights = [number, number, number, number];

// ------------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------------

interface World extends Ledger {
  /** A resource held by carol; alice derived the product from it under `sourceGrant`. */
  sourceA: bigint;
  /** A resource held by alice; the product's other parent. */
  sourceB: bigint;
  /** A resource held by bob, parent of `otherProduct` only. */
  unrelated: bigint;
  /** carol -> alice, USE | PROCESS on `sourceA`. */
  sourceGrant: bigint;
  /** The product: held by alice, parents `sourceA` (by grant) and `sourceB` (held). */
  product: bigint;
  /** Another product, held by bob, parent `unrelated`. */
  otherProduct: bigint;
}

interface WithGrants extends World {
  /** alice -> bob, USE | PROCESS on the product. */
  processGrant: bigint;
  /** alice -> individual, OPERATE on the product. */
  operateGrant: bigint;
  /** alice -> bob, USE only on the product. */
  useGrant: bigint;
}

/** Four records, one `record` call each (so each in a window of its own), ids from their events. */
interface Recorded extends WithGrants {
  /** alice, HOLDER of the product. */
  byHolder: bigint;
  /** bob, PROCESSOR of the product under `processGrant`. */
  byProcessor: bigint;
  /** carol, PROVIDER of the product (she holds `sourceA`). */
  byProvider: bigint;
  /** bob, HOLDER of `otherProduct`. */
  onOtherProduct: bigint;
}

async function products(): Promise<World> {
  const ledger = await deployLedger(connection);
  const { alice, bob, carol } = ledger;
  const sourceA = await issueAsset(connection, ledger, carol);
  const sourceB = await issueAsset(connection, ledger, alice);
  const unrelated = await issueAsset(connection, ledger, bob);
  const sourceGrant = await makeGrant(ledger, carol, grantTerms(alice.address, sourceA, Rights.USE | Rights.PROCESS, await latest()));
  const product = await issueAsset(connection, ledger, alice, {
    kind: AssetKind.PRODUCT,
    parents: [
      { assetId: sourceA, grantId: sourceGrant },
      { assetId: sourceB, grantId: 0n },
    ],
  });
  const otherProduct = await issueAsset(connection, ledger, bob, {
    kind: AssetKind.PRODUCT,
    parents: [{ assetId: unrelated, grantId: 0n }],
  });
  return { ...ledger, sourceA, sourceB, unrelated, sourceGrant, product, otherProduct };
}

async function grantsOnProduct(): Promise<WithGrants> {
  const world = await products();
  const { alice, bob, individual, product } = world;
  const now = await latest();
  const processGrant = await makeGrant(world, alice, grantTerms(bob.address, product, Rights.USE | Rights.PROCESS, now));
  const operateGrant = await makeGrant(world, alice, grantTerms(individual.address, product, Rights.OPERATE, now));
  const useGrant = await makeGrant(world, alice, grantTerms(bob.address, product, Rights.USE, now));
  return { ...world, processGrant, operateGrant, useGrant };
}

async function recorded(): Promise<Recorded> {
  const world = await grantsOnProduct();
  const { contributions, alice, bob, carol, product, otherProduct, processGrant, sourceA } = world;
  const [byHolder] = await recordIds(world, contributions.connect(alice).record([input(product, ContributionRole.HOLDER, 0n, { stage: Stage.APPLICATION })]));
  const [byProcessor] = await recordIds(world, contributions.connect(bob).record([input(product, ContributionRole.PROCESSOR, processGrant)]));
  const [byProvider] = await recordIds(
    world,
    contributions.connect(carol).record([input(product, ContributionRole.PROVIDER, sourceA, { stage: Stage.COLLECTION })]),
  );
  const [onOtherProduct] = await recordIds(world, contributions.connect(bob).record([input(otherProduct, ContributionRole.HOLDER)]));
  return { ...world, byHolder: byHolder!, byProcessor: byProcessor!, byProvider: byProvider!, onOtherProduct: onOtherProduct! };
}

/** {recorded}, with the product then transferred to an EIP-1271 wallet whose owner key is carol's. */
async function walletHoldsProduct(): Promise<Recorded & { walletAddress: string }> {
  const world = await recorded();
  const wallet = await ethers.deployContract("ERC1271WalletMock", [world.carol.address]);
  const walletAddress = await wallet.getAddress();
  await send(world.registry.connect(world.registrar).registerParty(walletAddress, PartyKind.ENTERPRISE, h("multisig")));
  await send(world.registry.connect(world.registrar).transferHolding(world.product, walletAddress, TransferReason.SALE, h("deed")));
  return { ...world, walletAddress };
}

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

async function latest(): Promise<bigint> {
  return BigInt(await time.latest());
}

interface ContributionInputValue {
  productId: bigint;
  stage: number;
  role: number;
  measure: bigint;
  authorization: bigint;
  evidenceHash: string;
  evidenceURI: string;
}

let inputCounter = 0;

/** A valid-looking contribution input for `role` under `authorization`; override what the test is about. */
function input(
  productId: bigint,
  role: number,
  authorization: bigint = 0n,
  overrides: Partial<ContributionInputValue> = {},
): ContributionInputValue {
  inputCounter += 1;
  return {
    productId,
    stage: Stage.PROCESSING,
    role,
    measure: 1_000n + BigInt(inputCounter),
    authorization,
    evidenceHash: h(`work-${inputCounter}`),
    evidenceURI: `ipfs://work/${inputCounter}`,
    ...overrides,
  };
}

/** The `ContributionRecorded` arguments `contributor` produces with `value` as record `id`. */
function recordedArgs(id: bigint, contributor: string, value: ContributionInputValue): unknown[] {
  return [
    id,
    value.productId,
    contributor,
    BigInt(value.stage),
    BigInt(value.role),
    value.measure,
    value.authorization,
    value.evidenceHash,
    value.evidenceURI,
  ];
}

/** The ContributionLedger's logs named `eventName` in `receipt`, decoded, in emission order. */
async function contributionEvents(world: Ledger, receipt: ContractTransactionReceipt, eventName: ContributionEventName): Promise<LogDescription[]> {
  const address = (await world.contributions.getAddress()).toLowerCase();
  const topic = world.contributions.interface.getEvent(eventName).topicHash;
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address && log.topics[0] === topic)
    .map((log) => world.contributions.interface.parseLog(log))
    .filter((parsed): parsed is LogDescription => parsed !== null);
}

/** Sends a `record` transaction; the ids of its `ContributionRecorded` events, in order. */
async function recordIds(world: Ledger, tx: Promise<ContractTransactionResponse>): Promise<bigint[]> {
  const receipt = await send(tx);
  return (await contributionEvents(world, receipt, "ContributionRecorded")).map((event) => event.args[0] as bigint);
}

/** The names of every log in `receipt` (registry and contribution ledger), in emission order. */
async function logNames(world: Ledger, receipt: ContractTransactionReceipt): Promise<string[]> {
  const registry = (await world.registry.getAddress()).toLowerCase();
  return receipt.logs.map((log) => {
    const iface = log.address.toLowerCase() === registry ? world.registry.interface : world.contributions.interface;
    return iface.parseLog(log)?.name ?? "?";
  });
}

type ContributionEventName = "ContributionRecorded" | "ContributionConfirmed" | "SplitPolicySet";

interface ExpectedEntry {
  eventName: ContributionEventName;
  args: readonly unknown[];
  actor: string;
}

interface Head {
  seq: bigint;
  head: string;
}

async function headOf(world: Ledger, assetId: bigint): Promise<Head> {
  const [seq, head] = await world.registry.evidenceHead(assetId);
  return { seq, head };
}

/**
 * `receipt` extended the evidence chain of `assetId` from `before` by exactly `expected`, in order: each
 * entry's kind, payload (recomputed from the event arguments), actor, timestamp and chained head.
 */
async function expectEvidence(
  world: Ledger,
  receipt: ContractTransactionReceipt,
  assetId: bigint,
  before: Head,
  expected: readonly ExpectedEntry[],
): Promise<void> {
  const appended = (await registryEvents(world.registry, receipt, "EvidenceAppended")).filter((log) => log.args[0] === assetId);
  expect(appended.length, "evidence entries").to.equal(expected.length);
  const timestamp = BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
  const coder = AbiCoder.defaultAbiCoder();
  let { seq, head } = before;
  expected.forEach((entry, index) => {
    const fragment = world.contributions.interface.getEvent(entry.eventName);
    const payload = keccak256(coder.encode(fragment.inputs, entry.args));
    seq += 1n;
    head = nextHead(head, seq, fragment.topicHash, payload, entry.actor, timestamp);
    expect(appended[index]!.args.toArray(), `entry ${index}`).to.deep.equal([
      assetId,
      seq,
      fragment.topicHash,
      payload,
      entry.actor,
      timestamp,
      head,
    ]);
  });
  expect(await headOf(world, assetId)).to.deep.equal({ seq, head });
}

async function storedContribution(world: Ledger, contributionId: bigint) {
  const c = await world.contributions.contribution(contributionId);
  return {
    productId: c.productId,
    contributor: c.contributor,
    status: Number(c.status),
  };
}

async function statusOf(world: Ledger, contributionId: bigint): Promise<number> {
  return Number((await world.contributions.contribution(contributionId)).status);
}

async function policyOf(world: Ledger, productId: bigint, version?: bigint) {
  const p =
    version === undefined
      ? await world.contributions.splitPolicy(productId)
      : await world.contributions.splitPolicyVersion(productId, version);
  return {
    version: p.version,
    stageWeightsBps: p.stageWeightsBps.map(Number),
    emptyStageRule: Number(p.emptyStageRule),
    effectiveFrom: p.effectiveFrom,
  };
}

async function confirmDomain(world: Ledger) {
  const chainId = (await ethers.provider.getNetwork()).chainId;
  return contributionsEip712Domain(chainId, (await world.contributions.getAddress()) as Address);
}

/**
 * The ConfirmContributions type of `CONFIRM_TYPEHASH`, as ethers takes it: written out here, independently
 * of the TypeScript twin (`ledger/contributions/signing.ts`), which the digest test checks against it.
 */
const CONFIRM_TYPES = {
  ConfirmContributions: [
    { name: "holder", type: "address" },
    { name: "contributionIds", type: "uint256[]" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/**
 * `signer` signs a confirmation of `ids` as `holder` would, naming `holder` in the message (or `named`), with
 * the holder's current nonce (or `nonce`).
 */
async function signConfirmation(
  world: Ledger,
  signer: HardhatEthersSigner,
  ids: readonly bigint[],
  holder: string,
  deadline: bigint,
  nonce?: bigint,
  named: string = holder,
): Promise<string> {
  return signer.signTypedData(await confirmDomain(world), CONFIRM_TYPES, {
    holder: named,
    contributionIds: [...ids],
    nonce: nonce ?? (await world.contributions.nonces(holder)),
    deadline,
  });
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await send(tx)).gasUsed);
}

// ------------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------------

describe("ContributionLedger", () => {
  describe("record", () => {
    it("records one contribution: id, event with every field, evidence entry, stored record, count", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, alice, product } = world;
      const value = input(product, ContributionRole.HOLDER, 0n, { stage: Stage.APPLICATION, measure: 42_000n });
      expect(await contributions.contributionCount()).to.equal(0n);
      expect(await contributions.connect(alice).record.staticCall([value])).to.equal(idAt(1));
      const before = await headOf(world, product);

      const tx = await contributions.connect(alice).record([value]);

      await expect(tx)
        .to.emit(contributions, "ContributionRecorded")
        .withArgs(idAt(1), product, alice.address, Stage.APPLICATION, ContributionRole.HOLDER, 42_000n, 0n, value.evidenceHash, value.evidenceURI);
      const receipt = await send(Promise.resolve(tx));
      expect(await logNames(world, receipt)).to.deep.equal(["ContributionRecorded", "EvidenceAppended"]);
      await expectEvidence(world, receipt, product, before, [
        { eventName: "ContributionRecorded", args: recordedArgs(idAt(1), alice.address, value), actor: alice.address },
      ]);
      expect(await storedContribution(world, idAt(1))).to.deep.equal({
        productId: product,
        contributor: alice.address,
        status: ContributionStatus.RECORDED,
      });
      expect(await contributions.contributionCount()).to.equal(idAt(1));
    });

    it("records a batch: a new window at each change of product, one event and one evidence entry per record, on each record's product", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, alice, bob, product, otherProduct, processGrant } = world;
      const batch = [
        input(product, ContributionRole.PROCESSOR, processGrant, { stage: Stage.PROCESSING }),
        input(otherProduct, ContributionRole.HOLDER, 0n, { stage: Stage.APPLICATION }),
        input(product, ContributionRole.PROCESSOR, processGrant, { stage: Stage.CIRCULATION, evidenceURI: "" }),
      ];
      expect(await contributions.connect(bob).record.staticCall(batch)).to.equal(idAt(1));
      const beforeProduct = await headOf(world, product);
      const beforeOther = await headOf(world, otherProduct);

      const receipt = await send(contributions.connect(bob).record(batch));

      const events = await contributionEvents(world, receipt, "ContributionRecorded");
      // Each record's product differs from the previous one's: three windows.
      const ids = [idAt(1), idAt(2), idAt(3)];
      expect(events.map((event) => event.args.toArray())).to.deep.equal(batch.map((value, i) => recordedArgs(ids[i]!, bob.address, value)));
      expect(await logNames(world, receipt)).to.deep.equal(Array(3).fill(["ContributionRecorded", "EvidenceAppended"]).flat());
      await expectEvidence(world, receipt, product, beforeProduct, [
        { eventName: "ContributionRecorded", args: recordedArgs(ids[0]!, bob.address, batch[0]!), actor: bob.address },
        { eventName: "ContributionRecorded", args: recordedArgs(ids[2]!, bob.address, batch[2]!), actor: bob.address },
      ]);
      await expectEvidence(world, receipt, otherProduct, beforeOther, [
        { eventName: "ContributionRecorded", args: recordedArgs(ids[1]!, bob.address, batch[1]!), actor: bob.address },
      ]);
      expect(await contributions.contributionCount()).to.equal(ids[2]);
      for (const [i, value] of batch.entries()) {
        expect(await storedContribution(world, ids[i]!)).to.deep.equal({
          productId: value.productId,
          contributor: bob.address,
          status: ContributionStatus.RECORDED,
        });
      }

      // The next call, by anyone, starts at the next window; two records of one product share it.
      const next = [input(product, ContributionRole.HOLDER), input(product, ContributionRole.HOLDER)];
      expect(await contributions.connect(alice).record.staticCall(next)).to.equal(idAt(4));
      expect(await recordIds(world, contributions.connect(alice).record(next))).to.deep.equal([idAt(4, 0), idAt(4, 1)]);
      expect(await contributions.contributionCount()).to.equal(idAt(4, 1));
      expect((await contributions.contribution(idAt(4, 1))).contributor).to.equal(alice.address);
    });

    it("checks every record of a batch: a record like the previous one but for its product, role or authorization is checked anew", async () => {
      const { contributions, alice, bob, carol, product, otherProduct, processGrant, sourceA, sourceB } = await loadFixture(grantsOnProduct);
      // Same product and role, another authorization: sourceB is alice's.
      await expect(
        contributions.connect(carol).record([input(product, ContributionRole.PROVIDER, sourceA), input(product, ContributionRole.PROVIDER, sourceB)]),
      )
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
        .withArgs(product, carol.address, ContributionRole.PROVIDER, sourceB);
      // Same role and authorization, another product: the grant is on the product only.
      await expect(
        contributions
          .connect(bob)
          .record([input(product, ContributionRole.PROCESSOR, processGrant), input(otherProduct, ContributionRole.PROCESSOR, processGrant)]),
      )
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
        .withArgs(otherProduct, bob.address, ContributionRole.PROCESSOR, processGrant);
      // Same product and authorization, another role.
      await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER), input(product, ContributionRole.OPERATOR)]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
        .withArgs(product, alice.address, ContributionRole.OPERATOR, 0n);
      // Same role and authorization, a product that is not issued.
      await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER), input(UNKNOWN_ID, ContributionRole.HOLDER)]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
        .withArgs(UNKNOWN_ID);
      // The measure and the evidence of a repeated record are checked too.
      await expect(
        contributions.connect(alice).record([input(product, ContributionRole.HOLDER), input(product, ContributionRole.HOLDER, 0n, { measure: 0n })]),
      ).to.be.revertedWithCustomError(contributions, "ContributionLedgerZeroMeasure");
      await expect(
        contributions
          .connect(alice)
          .record([input(product, ContributionRole.HOLDER), input(product, ContributionRole.HOLDER, 0n, { evidenceHash: ethers.ZeroHash })]),
      ).to.be.revertedWithCustomError(contributions, "ContributionLedgerEmptyEvidence");
      expect(await contributions.contributionCount()).to.equal(0n);

      // A, B, A: the right of each is held, so the batch passes.
      await send(
        contributions
          .connect(bob)
          .record([
            input(product, ContributionRole.PROCESSOR, processGrant),
            input(otherProduct, ContributionRole.HOLDER),
            input(product, ContributionRole.PROCESSOR, processGrant),
          ]),
      );
      expect(await contributions.contributionCount()).to.equal(idAt(3));
    });

    it("refuses an empty batch", async () => {
      const { contributions, alice } = await loadFixture(grantsOnProduct);
      await expect(contributions.connect(alice).record([])).to.be.revertedWithCustomError(contributions, "ContributionLedgerEmptyBatch");
    });

    describe("refuses a product that is not issued (ContributionLedgerProductNotActive)", () => {
      it("unknown, and id 0", async () => {
        const { contributions, alice } = await loadFixture(grantsOnProduct);
        for (const productId of [UNKNOWN_ID, 0n]) {
          await expect(contributions.connect(alice).record([input(productId, ContributionRole.HOLDER)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
            .withArgs(productId);
        }
      });

      it("applied, in notice, refused", async () => {
        const world = await loadFixture(grantsOnProduct);
        const { contributions, registry, registrar, alice, sourceB } = world;
        const filed = await fileApplication(world, alice, { kind: AssetKind.PRODUCT, parents: [{ assetId: sourceB, grantId: 0n }] });
        expect(await registry.holderOf(filed)).to.equal(alice.address);
        await expect(contributions.connect(alice).record([input(filed, ContributionRole.HOLDER)]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
          .withArgs(filed);
        await send(registry.connect(registrar).acceptApplication(filed));
        await expect(contributions.connect(alice).record([input(filed, ContributionRole.HOLDER)]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
          .withArgs(filed);
        await send(registry.connect(registrar).refuseApplication(filed, h("refused")));
        await expect(contributions.connect(alice).record([input(filed, ContributionRole.HOLDER)]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
          .withArgs(filed);
      });

      it("cancelled, then destroyed", async () => {
        const { contributions, registry, registrar, alice, bob, product, processGrant } = await loadFixture(grantsOnProduct);
        await send(registry.connect(registrar).cancel(product, h("cancelled")));
        await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER)]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
          .withArgs(product);
        await expect(contributions.connect(bob).record([input(product, ContributionRole.PROCESSOR, processGrant)]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
          .withArgs(product);
        await send(registry.connect(registrar).recordDestruction(product, h("destroyed")));
        await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER)]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
          .withArgs(product);
      });
    });

    it("refuses a zero measure", async () => {
      const { contributions, alice, product } = await loadFixture(grantsOnProduct);
      await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER, 0n, { measure: 0n })])).to.be.revertedWithCustomError(
        contributions,
        "ContributionLedgerZeroMeasure",
      );
      await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER, 0n, { measure: 1n })])).to.emit(
        contributions,
        "ContributionRecorded",
      );
    });

    it("refuses an empty evidence hash", async () => {
      const { contributions, alice, product } = await loadFixture(grantsOnProduct);
      await expect(
        contributions.connect(alice).record([input(product, ContributionRole.HOLDER, 0n, { evidenceHash: ethers.ZeroHash })]),
      ).to.be.revertedWithCustomError(contributions, "ContributionLedgerEmptyEvidence");
    });

    describe("the role-right rule (ContributionLedgerUnauthorizedRole)", () => {
      describe("HOLDER", () => {
        it("only the product's holder, with authorization 0", async () => {
          const { contributions, alice, bob, carol, outsider, registrar, reviewer, product, sourceB } = await loadFixture(grantsOnProduct);
          for (const account of [bob, carol, outsider, registrar, reviewer]) {
            await expect(contributions.connect(account).record([input(product, ContributionRole.HOLDER)]))
              .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
              .withArgs(product, account.address, ContributionRole.HOLDER, 0n);
          }
          for (const authorization of [1n, sourceB, product]) {
            await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER, authorization)]))
              .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
              .withArgs(product, alice.address, ContributionRole.HOLDER, authorization);
          }
          await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER, 0n)])).to.emit(
            contributions,
            "ContributionRecorded",
          );
        });

        it("follows a transfer registration of the product", async () => {
          const { contributions, registry, registrar, alice, carol, product } = await loadFixture(grantsOnProduct);
          await send(registry.connect(registrar).transferHolding(product, carol.address, TransferReason.SALE, h("sale")));
          await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, alice.address, ContributionRole.HOLDER, 0n);
          await expect(contributions.connect(carol).record([input(product, ContributionRole.HOLDER)]))
            .to.emit(contributions, "ContributionRecorded")
            .withArgs(idAt(1), product, carol.address, Stage.PROCESSING, ContributionRole.HOLDER, anyValue, 0n, anyValue, anyValue);
        });

        it("after succession of the holder: the predecessor no longer, the successor yes", async () => {
          const { contributions, registry, registrar, alice, carol, product } = await loadFixture(grantsOnProduct);
          await send(registry.connect(registrar).recordSuccession(alice.address, carol.address, h("merger")));
          await expect(contributions.connect(alice).record([input(product, ContributionRole.HOLDER)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, alice.address, ContributionRole.HOLDER, 0n);
          await send(contributions.connect(carol).record([input(product, ContributionRole.HOLDER)]));
          expect((await contributions.contribution(idAt(1))).contributor).to.equal(carol.address);
        });
      });

      describe("PROCESSOR: a valid grant with PROCESS on the product, held by the caller", () => {
        it("accepts the grantee of a PROCESS grant, and records the grant id", async () => {
          const { contributions, bob, product, processGrant } = await loadFixture(grantsOnProduct);
          const value = input(product, ContributionRole.PROCESSOR, processGrant);
          await expect(contributions.connect(bob).record([value]))
            .to.emit(contributions, "ContributionRecorded")
            .withArgs(...recordedArgs(idAt(1), bob.address, value));
        });

        it("accepts a grant scoped to a domain (checked in the grant's own scope), and a sub-grant with PROCESS", async () => {
          const world = await loadFixture(grantsOnProduct);
          const { contributions, alice, bob, carol, product } = world;
          const now = await latest();
          const scoped = await makeGrant(
            world,
            alice,
            grantTerms(carol.address, product, Rights.PROCESS, now, { scopeKind: ScopeKind.DOMAIN, scopeData: FINANCE }),
          );
          await expect(contributions.connect(carol).record([input(product, ContributionRole.PROCESSOR, scoped)])).to.emit(
            contributions,
            "ContributionRecorded",
          );
          const parent = await makeGrant(world, alice, grantTerms(bob.address, product, Rights.PROCESS | Rights.SUBLICENSE, now));
          await send(world.grants.connect(bob).subGrant(parent, grantTerms(carol.address, product, Rights.PROCESS, now)));
          const sub = await world.grants.grantCount();
          await expect(contributions.connect(carol).record([input(product, ContributionRole.PROCESSOR, sub)])).to.emit(
            contributions,
            "ContributionRecorded",
          );
        });

        it("refuses a USE-only grant, an OPERATE-only grant, another party's grant, a grant on another asset, an unknown grant, no grant", async () => {
          const { contributions, alice, bob, carol, individual, product, useGrant, operateGrant, processGrant, sourceGrant } =
            await loadFixture(grantsOnProduct);
          const refused: [HardhatEthersSigner, bigint][] = [
            [bob, useGrant], // USE only
            [individual, operateGrant], // OPERATE only
            [carol, processGrant], // bob's grant
            [alice, sourceGrant], // PROCESS, but on sourceA
            [bob, UNKNOWN_ID],
            [bob, 0n],
            [alice, 0n], // the holder is no PROCESSOR without a grant
          ];
          for (const [account, authorization] of refused) {
            await expect(contributions.connect(account).record([input(product, ContributionRole.PROCESSOR, authorization)]))
              .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
              .withArgs(product, account.address, ContributionRole.PROCESSOR, authorization);
          }
          expect(await contributions.contributionCount()).to.equal(0n);
        });

        it("refuses a suspended grant (and accepts it again once resumed), and a revoked one", async () => {
          const { contributions, grants, alice, bob, product, processGrant } = await loadFixture(grantsOnProduct);
          await send(grants.connect(alice).suspend(processGrant, h("audit")));
          await expect(contributions.connect(bob).record([input(product, ContributionRole.PROCESSOR, processGrant)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, bob.address, ContributionRole.PROCESSOR, processGrant);
          await send(grants.connect(alice).resume(processGrant, h("audit-ok")));
          await expect(contributions.connect(bob).record([input(product, ContributionRole.PROCESSOR, processGrant)])).to.emit(
            contributions,
            "ContributionRecorded",
          );
          await send(grants.connect(alice).revoke(processGrant, h("ended")));
          await expect(contributions.connect(bob).record([input(product, ContributionRole.PROCESSOR, processGrant)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, bob.address, ContributionRole.PROCESSOR, processGrant);
        });

        it("refuses a grant outside its window: not yet valid, expired", async () => {
          const world = await loadFixture(grantsOnProduct);
          const { contributions, alice, carol, product } = world;
          const now = await latest();
          const future = await makeGrant(
            world,
            alice,
            grantTerms(carol.address, product, Rights.PROCESS, now, { validFrom: now + DAY, validUntil: now + 3n * DAY }),
          );
          const shortLived = await makeGrant(world, alice, grantTerms(carol.address, product, Rights.PROCESS, now, { validUntil: now + DAY }));
          await expect(contributions.connect(carol).record([input(product, ContributionRole.PROCESSOR, future)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, carol.address, ContributionRole.PROCESSOR, future);
          await expect(contributions.connect(carol).record([input(product, ContributionRole.PROCESSOR, shortLived)])).to.emit(
            contributions,
            "ContributionRecorded",
          );

          await time.increase(2n * DAY);
          await expect(contributions.connect(carol).record([input(product, ContributionRole.PROCESSOR, shortLived)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, carol.address, ContributionRole.PROCESSOR, shortLived);
          await expect(contributions.connect(carol).record([input(product, ContributionRole.PROCESSOR, future)])).to.emit(
            contributions,
            "ContributionRecorded",
          );
        });

        it("follows the grantee through succession", async () => {
          const { contributions, registry, registrar, bob, carol, product, processGrant } = await loadFixture(grantsOnProduct);
          await send(registry.connect(registrar).recordSuccession(bob.address, carol.address, h("merger")));
          await expect(contributions.connect(bob).record([input(product, ContributionRole.PROCESSOR, processGrant)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, bob.address, ContributionRole.PROCESSOR, processGrant);
          await send(contributions.connect(carol).record([input(product, ContributionRole.PROCESSOR, processGrant)]));
          expect((await contributions.contribution(idAt(1))).contributor).to.equal(carol.address);
        });
      });

      describe("OPERATOR: a valid grant with OPERATE", () => {
        it("accepts the grantee of an OPERATE grant", async () => {
          const { contributions, individual, product, operateGrant } = await loadFixture(grantsOnProduct);
          const value = input(product, ContributionRole.OPERATOR, operateGrant, { stage: Stage.CIRCULATION });
          await expect(contributions.connect(individual).record([value]))
            .to.emit(contributions, "ContributionRecorded")
            .withArgs(...recordedArgs(idAt(1), individual.address, value));
        });

        it("refuses a PROCESS grant, a USE grant, another party's OPERATE grant, no grant, a suspended grant", async () => {
          const { contributions, grants, alice, bob, individual, product, operateGrant, processGrant, useGrant } =
            await loadFixture(grantsOnProduct);
          const refused: [HardhatEthersSigner, bigint][] = [
            [bob, processGrant],
            [bob, useGrant],
            [bob, operateGrant],
            [alice, 0n],
            [individual, UNKNOWN_ID],
          ];
          for (const [account, authorization] of refused) {
            await expect(contributions.connect(account).record([input(product, ContributionRole.OPERATOR, authorization)]))
              .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
              .withArgs(product, account.address, ContributionRole.OPERATOR, authorization);
          }
          await send(grants.connect(alice).suspend(operateGrant, h("audit")));
          await expect(contributions.connect(individual).record([input(product, ContributionRole.OPERATOR, operateGrant)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, individual.address, ContributionRole.OPERATOR, operateGrant);
        });
      });

      describe("PROVIDER: the holding of one of the product's parents", () => {
        it("accepts the holder of a parent, whether the product's holder derived it by grant or by holding", async () => {
          const { contributions, alice, carol, product, sourceA, sourceB } = await loadFixture(grantsOnProduct);
          const fromCarol = input(product, ContributionRole.PROVIDER, sourceA, { stage: Stage.COLLECTION });
          await expect(contributions.connect(carol).record([fromCarol]))
            .to.emit(contributions, "ContributionRecorded")
            .withArgs(...recordedArgs(idAt(1), carol.address, fromCarol));
          const fromAlice = input(product, ContributionRole.PROVIDER, sourceB, { stage: Stage.COLLECTION });
          await expect(contributions.connect(alice).record([fromAlice]))
            .to.emit(contributions, "ContributionRecorded")
            .withArgs(...recordedArgs(idAt(2), alice.address, fromAlice));
        });

        it("refuses the holder of an unrelated asset, a parent held by someone else, a non-parent id, the product itself, 0, an unknown id", async () => {
          const { contributions, alice, bob, carol, product, sourceA, sourceB, unrelated, otherProduct } = await loadFixture(grantsOnProduct);
          const refused: [HardhatEthersSigner, bigint][] = [
            [bob, unrelated], // bob holds it, but it is no parent of the product
            [bob, otherProduct],
            [alice, sourceA], // a parent, held by carol (alice only has a grant on it)
            [carol, sourceB], // a parent, held by alice
            [alice, product],
            [alice, 0n],
            [alice, UNKNOWN_ID],
          ];
          for (const [account, authorization] of refused) {
            await expect(contributions.connect(account).record([input(product, ContributionRole.PROVIDER, authorization)]))
              .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
              .withArgs(product, account.address, ContributionRole.PROVIDER, authorization);
          }
        });

        it("follows the parent's holding: a transfer of the parent moves the right", async () => {
          const { contributions, registry, registrar, bob, carol, product, sourceA } = await loadFixture(grantsOnProduct);
          await send(registry.connect(registrar).transferHolding(sourceA, bob.address, TransferReason.SALE, h("sale")));
          await expect(contributions.connect(carol).record([input(product, ContributionRole.PROVIDER, sourceA)]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
            .withArgs(product, carol.address, ContributionRole.PROVIDER, sourceA);
          await expect(contributions.connect(bob).record([input(product, ContributionRole.PROVIDER, sourceA)])).to.emit(
            contributions,
            "ContributionRecorded",
          );
        });
      });
    });

    it("one bad record reverts the whole batch: nothing recorded, no evidence", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, alice, product, sourceB } = world;
      const good = [input(product, ContributionRole.HOLDER), input(product, ContributionRole.PROVIDER, sourceB)];
      const before = await headOf(world, product);
      await expect(contributions.connect(alice).record([...good, input(product, ContributionRole.PROCESSOR, 0n)]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnauthorizedRole")
        .withArgs(product, alice.address, ContributionRole.PROCESSOR, 0n);
      await expect(contributions.connect(alice).record([good[0]!, input(product, ContributionRole.HOLDER, 0n, { measure: 0n }), good[1]!]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerZeroMeasure");
      await expect(contributions.connect(alice).record([...good, input(UNKNOWN_ID, ContributionRole.HOLDER)]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
        .withArgs(UNKNOWN_ID);
      expect(await contributions.contributionCount()).to.equal(0n);
      expect(await headOf(world, product)).to.deep.equal(before);
      await expect(contributions.contribution(idAt(1)))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnknownContribution")
        .withArgs(idAt(1));

      await send(contributions.connect(alice).record(good));
      expect(await contributions.contributionCount()).to.equal(idAt(1, 1));
    });
  });

  describe("ids in windows of 13 (one storage word per window)", () => {
    /** `n` HOLDER inputs of alice on the product. */
    const holderInputs = (product: bigint, n: number) => Array.from({ length: n }, () => input(product, ContributionRole.HOLDER));

    it("a batch of one product fills a window with 13 records; the 14th opens the next window", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, alice, product } = world;
      const ids = await recordIds(world, contributions.connect(alice).record(holderInputs(product, 27)));
      const expected = [
        ...Array.from({ length: 13 }, (_, k) => idAt(1, k)),
        ...Array.from({ length: 13 }, (_, k) => idAt(2, k)),
        idAt(3, 0),
      ];
      expect(ids).to.deep.equal(expected);
      expect([ids[12], ids[13]]).to.deep.equal([28n, 32n]); // the 13th and 14th record: 16 + 12, then 2 * 16
      expect(await contributions.contributionCount()).to.equal(idAt(3, 0));
      for (const id of ids) {
        expect(await storedContribution(world, id), `id ${id}`).to.deep.equal({
          productId: product,
          contributor: alice.address,
          status: ContributionStatus.RECORDED,
        });
      }
      // The next call starts at the next window, though window 3 has room.
      expect(await recordIds(world, contributions.connect(alice).record(holderInputs(product, 1)))).to.deep.equal([idAt(4)]);
    });

    it("a change of product mid-batch opens a new window; returning to a product opens another", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, bob, product, otherProduct, processGrant } = world;
      const onProduct = () => input(product, ContributionRole.PROCESSOR, processGrant);
      const onOther = () => input(otherProduct, ContributionRole.HOLDER);
      const batch = [onProduct(), onProduct(), onProduct(), onOther(), onOther(), onProduct()];
      const ids = await recordIds(world, contributions.connect(bob).record(batch));
      expect(ids).to.deep.equal([idAt(1, 0), idAt(1, 1), idAt(1, 2), idAt(2, 0), idAt(2, 1), idAt(3, 0)]);
      for (const [i, id] of ids.entries()) expect((await contributions.contribution(id)).productId).to.equal(batch[i]!.productId);
    });

    it("the twin ledger/contributions/ids.ts assigns the ids the events show, across product changes and full windows", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, bob, product, otherProduct, processGrant } = world;
      const onProduct = () => input(product, ContributionRole.PROCESSOR, processGrant);
      const onOther = () => input(otherProduct, ContributionRole.HOLDER);
      const batches = [
        [onOther()],
        Array.from({ length: 30 }, onProduct),
        [...Array.from({ length: 14 }, onProduct), ...Array.from({ length: 13 }, onOther), onOther(), onProduct(), onOther()],
        Array.from({ length: 40 }, (_, i) => (i % 7 < 5 ? onProduct() : onOther())),
      ];
      for (const batch of batches) {
        const firstId = nextWindowStart(await contributions.contributionCount());
        expect(await contributions.connect(bob).record.staticCall(batch)).to.equal(firstId);
        const ids = await recordIds(world, contributions.connect(bob).record(batch));
        expect(contributionIds(firstId, batch.map((value) => value.productId))).to.deep.equal(ids);
        expect(ids.every(isContributionId)).to.equal(true);
        expect(await contributions.contributionCount()).to.equal(ids.at(-1));
      }
      expect([15n, 29n, 30n, 31n, 0n, 5n].some(isContributionId)).to.equal(false);
    });

    it("ids never assigned revert as unknown: offsets 13-15, an offset its window did not fill, an unwritten window, window 0", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, accessManager, admin, alice, arbitrator, reviewer, product } = world;
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.COURT, arbitrator.address, 0));
      await send(contributions.connect(alice).record(holderInputs(product, 14))); // window 1 full, window 2 offset 0
      const unknown = [idAt(1, 13), idAt(1, 14), idAt(1, 15), idAt(2, 1), idAt(2, 12), idAt(3, 0), idAt(0, 0), idAt(0, 1), 2n ** 256n - 1n];
      for (const id of unknown) {
        for (const call of [
          () => contributions.contribution(id),
          () => contributions.connect(reviewer).confirm([id]),
          () => contributions.connect(alice).confirm([idAt(1, 0), id]),
          () => contributions.connect(arbitrator).markDisputed(id, 1n),
          () => contributions.connect(arbitrator).resolveDispute(id, 1n, false, 0n),
        ]) {
          await expect(call(), `id ${id}`).to.be.revertedWithCustomError(contributions, "ContributionLedgerUnknownContribution").withArgs(id);
        }
      }
      // Their neighbours exist.
      for (const id of [idAt(1, 12), idAt(2, 0)]) expect(await statusOf(world, id)).to.equal(ContributionStatus.RECORDED);
    });

    it("neighbouring ids in one word change state independently: confirm one, dispute another, resolve both", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, accessManager, admin, alice, arbitrator, product } = world;
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.COURT, arbitrator.address, 0));
      const [a, b, c, d] = await recordIds(world, contributions.connect(alice).record(holderInputs(product, 4)));
      expect([a, b, c, d]).to.deep.equal([idAt(1, 0), idAt(1, 1), idAt(1, 2), idAt(1, 3)]);
      const statuses = async () => Promise.all([a!, b!, c!, d!].map((id) => statusOf(world, id)));
      const { RECORDED, CONFIRMED, DISPUTED, VOIDED } = ContributionStatus;

      await send(contributions.connect(alice).confirm([a!]));
      expect(await statuses()).to.deep.equal([CONFIRMED, RECORDED, RECORDED, RECORDED]);
      await expect(contributions.connect(arbitrator).markDisputed(b!, 7n))
        .to.emit(contributions, "ContributionDisputed")
        .withArgs(b, product, 7n, RECORDED);
      expect(await statuses()).to.deep.equal([CONFIRMED, DISPUTED, RECORDED, RECORDED]);
      await expect(contributions.connect(arbitrator).markDisputed(a!, 8n))
        .to.emit(contributions, "ContributionDisputed")
        .withArgs(a, product, 8n, CONFIRMED);
      expect(await statuses()).to.deep.equal([DISPUTED, DISPUTED, RECORDED, RECORDED]);
      await send(contributions.connect(alice).confirm([d!]));
      expect(await statuses()).to.deep.equal([DISPUTED, DISPUTED, RECORDED, CONFIRMED]);

      // A dismissal restores each one's own prior status.
      await expect(contributions.connect(arbitrator).resolveDispute(a!, 8n, false, 5n))
        .to.emit(contributions, "ContributionRuled")
        .withArgs(a, product, 8n, CONFIRMED, 5n);
      expect(await statuses()).to.deep.equal([CONFIRMED, DISPUTED, RECORDED, CONFIRMED]);
      await expect(contributions.connect(arbitrator).resolveDispute(b!, 7n, false, 0n))
        .to.emit(contributions, "ContributionRuled")
        .withArgs(b, product, 7n, RECORDED, 0n);
      expect(await statuses()).to.deep.equal([CONFIRMED, RECORDED, RECORDED, CONFIRMED]);
      // Disputed again and voided: its neighbours keep theirs.
      await send(contributions.connect(arbitrator).markDisputed(b!, 9n));
      await expect(contributions.connect(arbitrator).resolveDispute(b!, 9n, true, 0n))
        .to.emit(contributions, "ContributionRuled")
        .withArgs(b, product, 9n, VOIDED, 0n);
      expect(await statuses()).to.deep.equal([CONFIRMED, VOIDED, RECORDED, CONFIRMED]);
      await send(contributions.connect(alice).confirm([c!]));
      expect(await statuses()).to.deep.equal([CONFIRMED, VOIDED, CONFIRMED, CONFIRMED]);
      for (const id of [a!, b!, c!, d!]) {
        const stored = await contributions.contribution(id);
        expect([stored.productId, stored.contributor]).to.deep.equal([product, alice.address]);
      }
    });

    it("every refusal of the state changes, with the public status in its arguments", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, accessManager, admin, alice, arbitrator, outsider, product } = world;
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.COURT, arbitrator.address, 0));
      const [recordedId, confirmedId, disputedFromRecorded, disputedFromConfirmed, voidedId] = await recordIds(
        world,
        contributions.connect(alice).record(holderInputs(product, 5)),
      );
      await send(contributions.connect(alice).confirm([confirmedId!, disputedFromConfirmed!]));
      await send(contributions.connect(arbitrator).markDisputed(disputedFromRecorded!, 1n));
      await send(contributions.connect(arbitrator).markDisputed(disputedFromConfirmed!, 2n));
      await send(contributions.connect(arbitrator).markDisputed(voidedId!, 3n));
      await send(contributions.connect(arbitrator).resolveDispute(voidedId!, 3n, true, 0n));
      const { RECORDED, CONFIRMED, DISPUTED, VOIDED } = ContributionStatus;
      const status: [bigint, number][] = [
        [recordedId!, RECORDED],
        [confirmedId!, CONFIRMED],
        [disputedFromRecorded!, DISPUTED],
        [disputedFromConfirmed!, DISPUTED],
        [voidedId!, VOIDED],
      ];
      for (const [id, expected] of status) expect(await statusOf(world, id), `id ${id}`).to.equal(expected);

      for (const [id, current] of status.filter(([, current]) => current !== RECORDED)) {
        await expect(contributions.connect(alice).confirm([id]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotConfirmable")
          .withArgs(id, current);
      }
      for (const [id, current] of status.filter(([, current]) => current === DISPUTED || current === VOIDED)) {
        await expect(contributions.connect(arbitrator).markDisputed(id, 4n))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotDisputable")
          .withArgs(id, current);
      }
      for (const [id] of status.filter(([, current]) => current !== DISPUTED)) {
        await expect(contributions.connect(arbitrator).resolveDispute(id, 4n, false, 0n))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotDisputed")
          .withArgs(id);
      }
      for (const id of [disputedFromRecorded!, disputedFromConfirmed!]) {
        await expect(contributions.connect(arbitrator).resolveDispute(id, 1n, true, 1n))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidRuling")
          .withArgs(id);
      }
      for (const call of [
        () => contributions.connect(outsider).markDisputed(recordedId!, 5n),
        () => contributions.connect(alice).resolveDispute(disputedFromRecorded!, 1n, false, 0n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(contributions, "LedgerAccessUnauthorized");
      }
      // Nothing above changed a state.
      for (const [id, expected] of status) expect(await statusOf(world, id), `id ${id}`).to.equal(expected);
    });
  });

  describe("confirm", () => {
    it("the product's holder confirms: events, evidence entries, status", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, product, byHolder, byProcessor, byProvider } = world;
      const before = await headOf(world, product);

      const receipt = await send(contributions.connect(alice).confirm([byProcessor, byProvider]));

      const events = await contributionEvents(world, receipt, "ContributionConfirmed");
      expect(events.map((event) => event.args.toArray())).to.deep.equal([
        [byProcessor, product, alice.address],
        [byProvider, product, alice.address],
      ]);
      expect(await logNames(world, receipt)).to.deep.equal([
        "ContributionConfirmed",
        "EvidenceAppended",
        "ContributionConfirmed",
        "EvidenceAppended",
      ]);
      await expectEvidence(world, receipt, product, before, [
        { eventName: "ContributionConfirmed", args: [byProcessor, product, alice.address], actor: alice.address },
        { eventName: "ContributionConfirmed", args: [byProvider, product, alice.address], actor: alice.address },
      ]);
      expect(await statusOf(world, byProcessor)).to.equal(ContributionStatus.CONFIRMED);
      expect(await statusOf(world, byProvider)).to.equal(ContributionStatus.CONFIRMED);
      expect(await statusOf(world, byHolder)).to.equal(ContributionStatus.RECORDED);
      expect((await storedContribution(world, byProcessor)).contributor).to.equal(world.bob.address);
    });

    it("a reviewer confirms, on any product, in one batch", async () => {
      const world = await loadFixture(recorded);
      const { contributions, reviewer, product, otherProduct, byHolder, onOtherProduct } = world;
      const beforeProduct = await headOf(world, product);
      const beforeOther = await headOf(world, otherProduct);
      const receipt = await send(contributions.connect(reviewer).confirm([byHolder, onOtherProduct]));
      await expectEvidence(world, receipt, product, beforeProduct, [
        { eventName: "ContributionConfirmed", args: [byHolder, product, reviewer.address], actor: reviewer.address },
      ]);
      await expectEvidence(world, receipt, otherProduct, beforeOther, [
        { eventName: "ContributionConfirmed", args: [onOtherProduct, otherProduct, reviewer.address], actor: reviewer.address },
      ]);
      expect(await statusOf(world, byHolder)).to.equal(ContributionStatus.CONFIRMED);
      expect(await statusOf(world, onOtherProduct)).to.equal(ContributionStatus.CONFIRMED);
    });

    it("refuses a reviewer once the manager closes the ledger, or while the role carries an execution delay; the holder goes on", async () => {
      const world = await loadFixture(recorded);
      const { contributions, accessManager, admin, alice, reviewer, outsider, product, byHolder, byProcessor } = world;
      const target = await contributions.getAddress();
      await send(accessManager.connect(admin).setTargetClosed(target, true));
      await expect(contributions.connect(reviewer).confirm([byHolder]))
        .to.be.revertedWithCustomError(contributions, "LedgerAccessTargetClosed")
        .withArgs(target);
      // The holder's own confirmation needs no role.
      await expect(contributions.connect(alice).confirm([byHolder]))
        .to.emit(contributions, "ContributionConfirmed")
        .withArgs(byHolder, product, alice.address);
      await send(accessManager.connect(admin).setTargetClosed(target, false));
      // A reviewer with an execution delay is no reviewer to the ledger.
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.REVIEWER, outsider.address, 60));
      await expect(contributions.connect(outsider).confirm([byProcessor]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
        .withArgs(product, outsider.address);
      await send(contributions.connect(reviewer).confirm([byProcessor]));
    });

    it("refuses anyone else: the contributors themselves, other parties, other roles, an outsider", async () => {
      const world = await loadFixture(recorded);
      const { contributions, product, byProcessor, byProvider } = world;
      // bob recorded byProcessor, carol byProvider: neither holds the product.
      for (const name of actorsExcept("alice", "reviewer")) {
        const account = world[name];
        for (const id of [byProcessor, byProvider]) {
          await expect(contributions.connect(account).confirm([id]))
            .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
            .withArgs(product, account.address);
        }
      }
      expect(await statusOf(world, byProcessor)).to.equal(ContributionStatus.RECORDED);
    });

    it("refuses a contribution already confirmed, also twice in one batch", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, reviewer, byHolder, byProcessor } = world;
      await send(contributions.connect(alice).confirm([byHolder]));
      for (const account of [alice, reviewer]) {
        await expect(contributions.connect(account).confirm([byHolder]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotConfirmable")
          .withArgs(byHolder, ContributionStatus.CONFIRMED);
      }
      await expect(contributions.connect(alice).confirm([byProcessor, byProcessor]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotConfirmable")
        .withArgs(byProcessor, ContributionStatus.CONFIRMED);
      expect(await statusOf(world, byProcessor)).to.equal(ContributionStatus.RECORDED);
    });

    it("refuses an unknown id, and id 0", async () => {
      const { contributions, alice, reviewer, byHolder } = await loadFixture(recorded);
      for (const id of [UNKNOWN_ID, 0n, 5n]) {
        await expect(contributions.connect(reviewer).confirm([id]))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnknownContribution")
          .withArgs(id);
      }
      await expect(contributions.connect(alice).confirm([byHolder, UNKNOWN_ID]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnknownContribution")
        .withArgs(UNKNOWN_ID);
      await expect(contributions.contribution(UNKNOWN_ID))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerUnknownContribution")
        .withArgs(UNKNOWN_ID);
    });

    it("refuses an empty batch", async () => {
      const { contributions, alice, reviewer } = await loadFixture(recorded);
      for (const account of [alice, reviewer]) {
        await expect(contributions.connect(account).confirm([])).to.be.revertedWithCustomError(contributions, "ContributionLedgerEmptyBatch");
      }
    });

    it("a batch mixing products needs the holder of each: the holder of only one is refused, all or nothing", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, bob, product, otherProduct, byHolder, onOtherProduct } = world;
      await expect(contributions.connect(alice).confirm([byHolder, onOtherProduct]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
        .withArgs(otherProduct, alice.address);
      await expect(contributions.connect(bob).confirm([byHolder, onOtherProduct]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
        .withArgs(product, bob.address);
      expect(await statusOf(world, byHolder)).to.equal(ContributionStatus.RECORDED);

      // Once alice also holds the other product, she confirms both at once.
      await send(world.registry.connect(world.registrar).transferHolding(otherProduct, alice.address, TransferReason.SALE, h("sale")));
      await send(contributions.connect(alice).confirm([byHolder, onOtherProduct]));
      expect(await statusOf(world, onOtherProduct)).to.equal(ContributionStatus.CONFIRMED);
    });

    it("follows the holding: after a transfer or a succession the new holder confirms, the old one may not", async () => {
      const world = await loadFixture(recorded);
      const { contributions, registry, registrar, alice, bob, carol, product, byHolder, byProcessor } = world;
      await send(registry.connect(registrar).transferHolding(product, bob.address, TransferReason.SALE, h("sale")));
      await expect(contributions.connect(alice).confirm([byHolder]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
        .withArgs(product, alice.address);
      await expect(contributions.connect(bob).confirm([byHolder])).to.emit(contributions, "ContributionConfirmed").withArgs(byHolder, product, bob.address);

      await send(registry.connect(registrar).recordSuccession(bob.address, carol.address, h("merger")));
      await expect(contributions.connect(bob).confirm([byProcessor]))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
        .withArgs(product, bob.address);
      await expect(contributions.connect(carol).confirm([byProcessor]))
        .to.emit(contributions, "ContributionConfirmed")
        .withArgs(byProcessor, product, carol.address);
    });
  });

  describe("confirmBySig (EIP-712, EIP-1271)", () => {
    it("the digest is the EIP-712 hash of ConfirmContributions, as ledger/contributions/signing.ts computes it", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, byHolder, byProcessor } = world;
      // The holder is part of the signed message (before the audit it was not: F08).
      const documented = "ConfirmContributions(address holder,uint256[] contributionIds,uint256 nonce,uint256 deadline)";
      expect(TypedDataEncoder.from(CONFIRM_TYPES).encodeType("ConfirmContributions")).to.equal(documented);
      const twinTypes = { ConfirmContributions: [...CONFIRM_CONTRIBUTIONS_EIP712_TYPES.ConfirmContributions] };
      expect(TypedDataEncoder.from(twinTypes).encodeType("ConfirmContributions")).to.equal(documented);
      expect(await contributions.CONFIRM_TYPEHASH()).to.equal(ethers.id(documented));
      const domain = await contributions.eip712Domain();
      expect(domain.name).to.equal("ProvenanceLedger Contributions");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(domain.verifyingContract).to.equal(await contributions.getAddress());

      const deadline = (await latest()) + DAY;
      for (const ids of [[byHolder], [byProcessor, byHolder], [1n, 2n, 3n, 4n, UNKNOWN_ID], []]) {
        const viemDigest = hashTypedData({
          domain: await confirmDomain(world),
          types: CONFIRM_CONTRIBUTIONS_EIP712_TYPES,
          primaryType: "ConfirmContributions",
          message: { holder: alice.address as Address, contributionIds: ids, nonce: await contributions.nonces(alice.address), deadline },
        });
        expect(await contributions.confirmationDigest(ids, alice.address, deadline)).to.equal(viemDigest);
        expect(
          TypedDataEncoder.hash(await confirmDomain(world), CONFIRM_TYPES, {
            holder: alice.address,
            contributionIds: ids,
            nonce: await contributions.nonces(alice.address),
            deadline,
          }),
        ).to.equal(viemDigest);
        // Each holder has its own digest for the same ids, nonce and deadline.
        expect(await contributions.confirmationDigest(ids, world.bob.address, deadline)).to.not.equal(viemDigest);
      }

      // The digest follows the holder's nonce.
      const signature = await signConfirmation(world, alice, [byHolder], alice.address, deadline);
      await send(contributions.connect(world.outsider).confirmBySig([byHolder], alice.address, deadline, signature));
      expect(await contributions.confirmationDigest([byProcessor], alice.address, deadline)).to.equal(
        hashTypedData({
          domain: await confirmDomain(world),
          types: CONFIRM_CONTRIBUTIONS_EIP712_TYPES,
          primaryType: "ConfirmContributions",
          message: { holder: alice.address as Address, contributionIds: [byProcessor], nonce: 1n, deadline },
        }),
      );
    });

    it("a holder's signature, relayed by an outsider: the holder is the confirmer and the actor, the nonce moves", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, outsider, product, byHolder, byProcessor, byProvider } = world;
      const ids = [byProcessor, byHolder, byProvider];
      const deadline = (await latest()) + DAY;
      const signature = await signConfirmation(world, alice, ids, alice.address, deadline);
      expect(await contributions.nonces(alice.address)).to.equal(0n);
      const before = await headOf(world, product);

      const receipt = await send(contributions.connect(outsider).confirmBySig(ids, alice.address, deadline, signature));

      const events = await contributionEvents(world, receipt, "ContributionConfirmed");
      expect(events.map((event) => event.args.toArray())).to.deep.equal(ids.map((id) => [id, product, alice.address]));
      await expectEvidence(
        world,
        receipt,
        product,
        before,
        ids.map((id) => ({ eventName: "ContributionConfirmed" as const, args: [id, product, alice.address], actor: alice.address })),
      );
      for (const id of ids) expect(await statusOf(world, id)).to.equal(ContributionStatus.CONFIRMED);
      expect(await contributions.nonces(alice.address)).to.equal(1n);
      expect(await contributions.nonces(outsider.address)).to.equal(0n);
    });

    it("accepts a signature until its deadline, inclusive, and not after", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, outsider, byHolder } = world;
      const deadline = (await latest()) + 100n;
      const signature = await signConfirmation(world, alice, [byHolder], alice.address, deadline);

      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(contributions.connect(outsider).confirmBySig([byHolder], alice.address, deadline, signature))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerExpiredSignature")
        .withArgs(deadline);
      expect(await contributions.nonces(alice.address)).to.equal(0n);

      const later = (await latest()) + 50n;
      const fresh = await signConfirmation(world, alice, [byHolder], alice.address, later);
      await time.setNextBlockTimestamp(later);
      await expect(contributions.connect(outsider).confirmBySig([byHolder], alice.address, later, fresh)).to.emit(
        contributions,
        "ContributionConfirmed",
      );
    });

    it("refuses a replayed signature: the nonce has moved", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, outsider, byHolder, byProcessor } = world;
      const deadline = (await latest()) + DAY;
      const signature = await signConfirmation(world, alice, [byHolder], alice.address, deadline);
      await send(contributions.connect(outsider).confirmBySig([byHolder], alice.address, deadline, signature));
      await expect(contributions.connect(outsider).confirmBySig([byHolder], alice.address, deadline, signature))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
        .withArgs(alice.address);

      // A second signature made with the same (now used) nonce is dead too, whatever it confirms.
      const stale = await signConfirmation(world, alice, [byProcessor], alice.address, deadline, 0n);
      await expect(contributions.connect(outsider).confirmBySig([byProcessor], alice.address, deadline, stale))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
        .withArgs(alice.address);
      expect(await statusOf(world, byProcessor)).to.equal(ContributionStatus.RECORDED);
      expect(await contributions.nonces(alice.address)).to.equal(1n);
    });

    it("refuses a signature by someone other than the named holder", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, bob, reviewer, outsider, byHolder } = world;
      const deadline = (await latest()) + DAY;
      for (const signer of [bob, reviewer, outsider]) {
        const signature = await signConfirmation(world, signer, [byHolder], alice.address, deadline);
        await expect(contributions.connect(outsider).confirmBySig([byHolder], alice.address, deadline, signature))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
          .withArgs(alice.address);
      }
      await expect(contributions.connect(outsider).confirmBySig([byHolder], alice.address, deadline, "0x"))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
        .withArgs(alice.address);
    });

    it("a valid signature still needs a signer who holds every product: not a contributor, not a reviewer", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, bob, reviewer, outsider, product, otherProduct, byHolder, byProcessor, onOtherProduct } = world;
      const deadline = (await latest()) + DAY;
      for (const signer of [bob, reviewer]) {
        const signature = await signConfirmation(world, signer, [byProcessor], signer.address, deadline);
        await expect(contributions.connect(outsider).confirmBySig([byProcessor], signer.address, deadline, signature))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
          .withArgs(product, signer.address);
      }
      const mixed = [byHolder, onOtherProduct];
      const signature = await signConfirmation(world, alice, mixed, alice.address, deadline);
      await expect(contributions.connect(outsider).confirmBySig(mixed, alice.address, deadline, signature))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
        .withArgs(otherProduct, alice.address);
      expect(await statusOf(world, byHolder)).to.equal(ContributionStatus.RECORDED);
    });

    it("refuses a signature that names another holder", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, bob, outsider, byHolder } = world;
      const deadline = (await latest()) + DAY;
      const signature = await signConfirmation(world, alice, [byHolder], alice.address, deadline, undefined, bob.address);
      await expect(contributions.connect(outsider).confirmBySig([byHolder], alice.address, deadline, signature))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
        .withArgs(alice.address);
      expect(await contributions.nonces(alice.address)).to.equal(0n);
    });

    it("refuses a tampered id list or deadline", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, outsider, byHolder, byProcessor, byProvider } = world;
      const deadline = (await latest()) + DAY;
      const signature = await signConfirmation(world, alice, [byHolder, byProcessor], alice.address, deadline);
      for (const ids of [[byHolder], [byProcessor], [byProcessor, byHolder], [byHolder, byProcessor, byProvider], [byHolder, byProvider]]) {
        await expect(contributions.connect(outsider).confirmBySig(ids, alice.address, deadline, signature))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
          .withArgs(alice.address);
      }
      await expect(contributions.connect(outsider).confirmBySig([byHolder, byProcessor], alice.address, deadline + 1n, signature))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
        .withArgs(alice.address);
      await expect(contributions.connect(outsider).confirmBySig([byHolder, byProcessor], alice.address, deadline, signature)).to.emit(
        contributions,
        "ContributionConfirmed",
      );
    });

    it("refuses an empty batch, and an id already confirmed", async () => {
      const world = await loadFixture(recorded);
      const { contributions, alice, outsider, byHolder } = world;
      const deadline = (await latest()) + DAY;
      const empty = await signConfirmation(world, alice, [], alice.address, deadline);
      await expect(contributions.connect(outsider).confirmBySig([], alice.address, deadline, empty)).to.be.revertedWithCustomError(
        contributions,
        "ContributionLedgerEmptyBatch",
      );
      await send(contributions.connect(alice).confirm([byHolder]));
      const again = await signConfirmation(world, alice, [byHolder], alice.address, deadline);
      await expect(contributions.connect(outsider).confirmBySig([byHolder], alice.address, deadline, again))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotConfirmable")
        .withArgs(byHolder, ContributionStatus.CONFIRMED);
    });

    describe("a contract wallet holder (EIP-1271)", () => {
      it("confirms with the owner key's signature; the wallet is the confirmer", async () => {
        const world = await loadFixture(walletHoldsProduct);
        const { contributions, registry, carol, outsider, product, byProcessor, byProvider, walletAddress } = world;
        expect(await registry.holderOf(product)).to.equal(walletAddress);
        const ids = [byProcessor, byProvider];
        const deadline = (await latest()) + DAY;
        const signature = await signConfirmation(world, carol, ids, walletAddress, deadline);
        const before = await headOf(world, product);
        const receipt = await send(contributions.connect(outsider).confirmBySig(ids, walletAddress, deadline, signature));
        await expectEvidence(
          world,
          receipt,
          product,
          before,
          ids.map((id) => ({ eventName: "ContributionConfirmed" as const, args: [id, product, walletAddress], actor: walletAddress })),
        );
        expect(await contributions.nonces(walletAddress)).to.equal(1n);
        expect(await contributions.nonces(carol.address)).to.equal(0n);
      });

      it("a signature names its wallet: a sibling wallet of the same owner key cannot use it", async () => {
        const world = await loadFixture(walletHoldsProduct);
        const { contributions, registry, registrar, carol, outsider, product, byProcessor, walletAddress } = world;
        const sibling = await ethers.deployContract("ERC1271WalletMock", [carol.address]);
        const siblingAddress = await sibling.getAddress();
        await send(registry.connect(registrar).registerParty(siblingAddress, PartyKind.ENTERPRISE, h("sibling multisig")));
        const deadline = (await latest()) + DAY;
        // The owner key signs for the first wallet (nonce 0); the product then moves to the sibling (nonce 0 too).
        const forWallet = await signConfirmation(world, carol, [byProcessor], walletAddress, deadline);
        await send(registry.connect(registrar).transferHolding(product, siblingAddress, TransferReason.SALE, h("deed")));
        expect(await contributions.nonces(siblingAddress)).to.equal(await contributions.nonces(walletAddress));
        // Before the audit the message did not name the holder, so the sibling could use it as its own.
        await expect(contributions.connect(outsider).confirmBySig([byProcessor], siblingAddress, deadline, forWallet))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
          .withArgs(siblingAddress);
        const forSibling = await signConfirmation(world, carol, [byProcessor], siblingAddress, deadline);
        await expect(contributions.connect(outsider).confirmBySig([byProcessor], siblingAddress, deadline, forSibling))
          .to.emit(contributions, "ContributionConfirmed")
          .withArgs(byProcessor, product, siblingAddress);
      });

      it("refuses another key's signature, and the old holder's", async () => {
        const world = await loadFixture(walletHoldsProduct);
        const { contributions, alice, bob, outsider, product, byProcessor, walletAddress } = world;
        const deadline = (await latest()) + DAY;
        const wrongKey = await signConfirmation(world, bob, [byProcessor], walletAddress, deadline);
        await expect(contributions.connect(outsider).confirmBySig([byProcessor], walletAddress, deadline, wrongKey))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
          .withArgs(walletAddress);
        const oldHolder = await signConfirmation(world, alice, [byProcessor], alice.address, deadline);
        await expect(contributions.connect(outsider).confirmBySig([byProcessor], alice.address, deadline, oldHolder))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer")
          .withArgs(product, alice.address);
      });
    });
  });

  describe("setSplitPolicy", () => {
    it("the holder sets version 1: return value, event, evidence entry, views", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, alice, product } = world;
      const weights: Weights = [2_000, 5_000, 1_000, 2_000];
      expect(await contributions.connect(alice).setSplitPolicy.staticCall(product, weights, EmptyStageRule.PRO_RATA)).to.equal(1n);
      const before = await headOf(world, product);
      const at = (await latest()) + 10n;
      await time.setNextBlockTimestamp(at);

      const tx = await contributions.connect(alice).setSplitPolicy(product, weights, EmptyStageRule.PRO_RATA);

      await expect(tx)
        .to.emit(contributions, "SplitPolicySet")
        .withArgs(product, 1n, weights, EmptyStageRule.PRO_RATA, alice.address);
      const receipt = await send(Promise.resolve(tx));
      expect(await logNames(world, receipt)).to.deep.equal(["SplitPolicySet", "EvidenceAppended"]);
      await expectEvidence(world, receipt, product, before, [
        { eventName: "SplitPolicySet", args: [product, 1n, weights, EmptyStageRule.PRO_RATA, alice.address], actor: alice.address },
      ]);
      const expected = { version: 1n, stageWeightsBps: weights, emptyStageRule: EmptyStageRule.PRO_RATA, effectiveFrom: at };
      expect(await policyOf(world, product)).to.deep.equal(expected);
      expect(await policyOf(world, product, 1n)).to.deep.equal(expected);
    });

    it("is at version 0 before any policy, for an issued product and for an unknown id", async () => {
      const world = await loadFixture(grantsOnProduct);
      const none = { version: 0n, stageWeightsBps: [0, 0, 0, 0], emptyStageRule: EmptyStageRule.TO_HOLDER, effectiveFrom: 0n };
      expect(await policyOf(world, world.product)).to.deep.equal(none);
      expect(await policyOf(world, world.product, 0n)).to.deep.equal(none);
      expect(await policyOf(world, UNKNOWN_ID)).to.deep.equal(none);
      expect(await world.contributions.currentPolicyVersion(world.product)).to.equal(0n);
      expect(await world.contributions.currentPolicyVersion(UNKNOWN_ID)).to.equal(0n);
      // A version that was never set is not invented.
      await expect(world.contributions.splitPolicyVersion(world.product, 1n))
        .to.be.revertedWithCustomError(world.contributions, "ContributionLedgerUnknownPolicyVersion")
        .withArgs(world.product, 1n);
    });

    it("increments versions per product and keeps every version's weights, rule and effectiveFrom", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, alice, bob, product, otherProduct } = world;
      const versions: { weights: Weights; rule: number }[] = [
        { weights: [2_500, 2_500, 2_500, 2_500], rule: EmptyStageRule.TO_HOLDER },
        { weights: [10_000, 0, 0, 0], rule: EmptyStageRule.PRO_RATA },
        { weights: [0, 3_333, 3_333, 3_334], rule: EmptyStageRule.TO_HOLDER },
      ];
      const times: bigint[] = [];
      for (const [index, { weights, rule }] of versions.entries()) {
        const at = (await latest()) + DAY;
        await time.setNextBlockTimestamp(at);
        await expect(contributions.connect(alice).setSplitPolicy(product, weights, rule))
          .to.emit(contributions, "SplitPolicySet")
          .withArgs(product, BigInt(index + 1), weights, rule, alice.address);
        times.push(at);
      }
      for (const [index, { weights, rule }] of versions.entries()) {
        expect(await policyOf(world, product, BigInt(index + 1))).to.deep.equal({
          version: BigInt(index + 1),
          stageWeightsBps: weights,
          emptyStageRule: rule,
          effectiveFrom: times[index],
        });
      }
      expect((await policyOf(world, product)).version).to.equal(3n);
      expect(await policyOf(world, product)).to.deep.equal(await policyOf(world, product, 3n));

      // Another product counts its own versions.
      expect(await contributions.connect(bob).setSplitPolicy.staticCall(otherProduct, [0, 0, 0, 10_000], EmptyStageRule.TO_HOLDER)).to.equal(1n);
      await send(contributions.connect(bob).setSplitPolicy(otherProduct, [0, 0, 0, 10_000], EmptyStageRule.TO_HOLDER));
      expect((await policyOf(world, otherProduct)).stageWeightsBps).to.deep.equal([0, 0, 0, 10_000]);
      expect((await policyOf(world, product)).version).to.equal(3n);
    });

    it("weights must sum to exactly 10,000", async () => {
      const { contributions, alice, product } = await loadFixture(grantsOnProduct);
      const cases: [Weights, bigint][] = [
        [[2_500, 2_500, 2_500, 2_499], 9_999n],
        [[2_500, 2_500, 2_500, 2_501], 10_001n],
        [[0, 0, 0, 0], 0n],
        [[10_000, 10_000, 0, 0], 20_000n],
        [[65_535, 65_535, 65_535, 65_535], 262_140n],
      ];
      for (const [weights, total] of cases) {
        await expect(contributions.connect(alice).setSplitPolicy(product, weights, EmptyStageRule.TO_HOLDER))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidWeights")
          .withArgs(total);
      }
      expect((await contributions.splitPolicy(product)).version).to.equal(0n);
      expect(await contributions.currentPolicyVersion(product)).to.equal(0n);
      const singleStage: Weights[] = [
        [10_000, 0, 0, 0],
        [0, 10_000, 0, 0],
        [0, 0, 10_000, 0],
        [0, 0, 0, 10_000],
      ];
      for (const weights of singleStage) {
        await expect(contributions.connect(alice).setSplitPolicy(product, weights, EmptyStageRule.TO_HOLDER)).to.emit(
          contributions,
          "SplitPolicySet",
        );
      }
      expect((await contributions.splitPolicy(product)).version).to.equal(4n);
      // The version alone, as the court reads it: the four accepted policies above.
      expect(await contributions.currentPolicyVersion(product)).to.equal(4n);
    });

    it("only the holder: others are refused, and after a transfer the new holder only", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, registry, registrar, alice, bob, product } = world;
      const weights: Weights = [2_500, 2_500, 2_500, 2_500];
      for (const name of actorsExcept("alice")) {
        const account = world[name];
        await expect(contributions.connect(account).setSplitPolicy(product, weights, EmptyStageRule.TO_HOLDER))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolder")
          .withArgs(product, account.address);
      }
      await send(registry.connect(registrar).transferHolding(product, bob.address, TransferReason.SALE, h("sale")));
      await expect(contributions.connect(alice).setSplitPolicy(product, weights, EmptyStageRule.TO_HOLDER))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolder")
        .withArgs(product, alice.address);
      await expect(contributions.connect(bob).setSplitPolicy(product, weights, EmptyStageRule.TO_HOLDER))
        .to.emit(contributions, "SplitPolicySet")
        .withArgs(product, 1n, weights, EmptyStageRule.TO_HOLDER, bob.address);
    });

    it("refuses a product that is not issued: unknown, applied, cancelled", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, registry, registrar, alice, product, sourceB } = world;
      const weights: Weights = [2_500, 2_500, 2_500, 2_500];
      const filed = await fileApplication(world, alice, { kind: AssetKind.PRODUCT, parents: [{ assetId: sourceB, grantId: 0n }] });
      for (const productId of [UNKNOWN_ID, 0n, filed]) {
        await expect(contributions.connect(alice).setSplitPolicy(productId, weights, EmptyStageRule.TO_HOLDER))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
          .withArgs(productId);
      }
      await send(registry.connect(registrar).cancel(product, h("cancelled")));
      await expect(contributions.connect(alice).setSplitPolicy(product, weights, EmptyStageRule.TO_HOLDER))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerProductNotActive")
        .withArgs(product);
    });
  });

  describe("the evidence twin (ledger/evidence) over the new event kinds", () => {
    interface Scenario extends Recorded {
      logs: RawLog[];
      /** The individual's OPERATOR record. */
      byOperator: bigint;
      /** bob's three HOLDER records, after the transfer. */
      bobRecords: bigint[];
    }

    /** Records, confirmations (direct, by a reviewer, by signature), policy versions, with registry events in between. */
    async function contributionHistory(): Promise<Scenario> {
      const world = await recorded();
      const { contributions, registry, registrar, reviewer, alice, bob, individual, outsider, product, operateGrant } = world;
      const [byOperator] = await recordIds(
        world,
        contributions.connect(individual).record([input(product, ContributionRole.OPERATOR, operateGrant, { stage: Stage.CIRCULATION })]),
      );
      await send(contributions.connect(alice).confirm([world.byHolder, world.byProcessor]));
      await send(contributions.connect(reviewer).confirm([world.onOtherProduct]));
      await send(contributions.connect(alice).setSplitPolicy(product, [2_000, 5_000, 1_000, 2_000], EmptyStageRule.PRO_RATA));
      const deadline = (await latest()) + DAY;
      const signature = await signConfirmation(world, alice, [world.byProvider, byOperator!], alice.address, deadline);
      await send(contributions.connect(outsider).confirmBySig([world.byProvider, byOperator!], alice.address, deadline, signature));
      await send(registry.connect(registrar).transferHolding(product, bob.address, TransferReason.SALE, h("sale")));
      await send(contributions.connect(bob).setSplitPolicy(product, [2_500, 2_500, 2_500, 2_500], EmptyStageRule.TO_HOLDER));
      const bobRecords = await recordIds(world, contributions.connect(bob).record(Array.from({ length: 3 }, () => input(product, ContributionRole.HOLDER))));
      await send(contributions.connect(bob).confirm(bobRecords));
      const logs = toRawLogs(
        await ethers.provider.getLogs({
          address: [await registry.getAddress(), await world.grants.getAddress(), await contributions.getAddress()],
          fromBlock: 0,
          toBlock: "latest",
        }),
      );
      return { ...world, logs, byOperator: byOperator!, bobRecords };
    }

    async function replay(scenario: Scenario, assetId: bigint, logs: readonly RawLog[] = scenario.logs) {
      const [seq, head] = await scenario.registry.evidenceHead(assetId);
      return replayEvidence({
        chainId: (await ethers.provider.getNetwork()).chainId,
        registry: (await scenario.registry.getAddress()) as Address,
        contracts: [(await scenario.grants.getAddress()) as Address, (await scenario.contributions.getAddress()) as Address],
        assetId,
        logs,
        onChain: { seq: Number(seq), head: head as Hex },
      });
    }

    it("replays each product's chain cleanly to its on-chain head, with every contribution entry in it", async () => {
      const scenario = await loadFixture(contributionHistory);
      const counts: Record<string, Record<string, number>> = {};
      for (const assetId of [scenario.product, scenario.otherProduct]) {
        const result = await replay(scenario, assetId);
        expect(result.problems, `product ${assetId}`).to.deep.equal([]);
        expect(result.ok).to.equal(true);
        const [seq, head] = await scenario.registry.evidenceHead(assetId);
        expect(result.entries.length).to.equal(Number(seq));
        expect(result.head).to.equal(head);
        for (const [index, entry] of result.entries.entries()) expect(entry.seq).to.equal(index + 1);
        const byName: Record<string, number> = {};
        for (const entry of result.entries) byName[entry.eventName ?? "?"] = (byName[entry.eventName ?? "?"] ?? 0) + 1;
        counts[String(assetId)] = byName;
      }
      expect(counts[String(scenario.product)]).to.include({ ContributionRecorded: 7, ContributionConfirmed: 7, SplitPolicySet: 2 });
      expect(counts[String(scenario.otherProduct)]).to.include({ ContributionRecorded: 1, ContributionConfirmed: 1 });
      expect(counts[String(scenario.otherProduct)]).to.not.have.property("SplitPolicySet");

      // The replayed entries carry the decoded domain events: the relayed confirmation names the signer.
      const result = await replay(scenario, scenario.product);
      const confirmed = result.entries.filter((entry) => entry.eventName === "ContributionConfirmed");
      expect(confirmed.map((entry) => [entry.args?.contributionId, entry.args?.confirmer, entry.actor])).to.deep.equal([
        [scenario.byHolder, scenario.alice.address, scenario.alice.address],
        [scenario.byProcessor, scenario.alice.address, scenario.alice.address],
        [scenario.byProvider, scenario.alice.address, scenario.alice.address],
        [scenario.byOperator, scenario.alice.address, scenario.alice.address],
        ...scenario.bobRecords.map((id) => [id, scenario.bob.address, scenario.bob.address]),
      ]);
      const policies = result.entries.filter((entry) => entry.eventName === "SplitPolicySet");
      expect(policies.map((entry) => [entry.args?.version, entry.args?.holder])).to.deep.equal([
        [1, scenario.alice.address],
        [2, scenario.bob.address],
      ]);
    });

    it("detects an altered contribution event (the measure) and a dropped confirmation", async () => {
      const scenario = await loadFixture(contributionHistory);
      const contributionsAddress = (await scenario.contributions.getAddress()).toLowerCase();
      const recordedTopic = scenario.contributions.interface.getEvent("ContributionRecorded").topicHash;
      const confirmedTopic = scenario.contributions.interface.getEvent("ContributionConfirmed").topicHash;
      const productTopic = ethers.zeroPadValue(ethers.toBeHex(scenario.product), 32);

      const target = scenario.logs.findIndex(
        (log) => log.address.toLowerCase() === contributionsAddress && log.topics[0] === recordedTopic && log.topics[2] === productTopic,
      );
      expect(target).to.be.greaterThanOrEqual(0);
      // The measure is the third word of the data (stage, role, measure, ...): add one to it.
      const original = scenario.logs[target]!;
      const words = original.data.slice(2).match(/.{64}/g)!;
      words[2] = (BigInt("0x" + words[2]!) + 1n).toString(16).padStart(64, "0");
      const altered = scenario.logs.map((log, i) => (i === target ? { ...log, data: `0x${words.join("")}` as Hex } : log));
      const alteredReplay = await replay(scenario, scenario.product, altered);
      expect(alteredReplay.ok).to.equal(false);
      expect(alteredReplay.problems.map((problem) => problem.kind)).to.include("payload-mismatch");

      const dropped = scenario.logs.filter(
        (log) => !(log.address.toLowerCase() === contributionsAddress && log.topics[0] === confirmedTopic && log.topics[2] === productTopic),
      );
      const droppedReplay = await replay(scenario, scenario.product, dropped);
      expect(droppedReplay.ok).to.equal(false);
      expect(droppedReplay.problems.map((problem) => problem.kind)).to.include("missing-domain-event");
    });
  });

  describe("gas (full-transaction gasUsed; reported with REPORT_GAS=1, not asserted here)", () => {
    it("measures record, a batch of 50, confirm of 1 and 50, confirmBySig of 50, setSplitPolicy", async () => {
      const world = await loadFixture(grantsOnProduct);
      const { contributions, alice, bob, carol, outsider, product, processGrant, sourceA } = world;
      const report: Record<string, number> = {};
      const holderInput = () => input(product, ContributionRole.HOLDER, 0n, { evidenceURI: CID_URI });

      const firstEverReceipt = await send(contributions.connect(alice).record([holderInput()]));
      report["record (first ever, HOLDER)"] = Number(firstEverReceipt.gasUsed);
      const firstEver = (await contributionEvents(world, firstEverReceipt, "ContributionRecorded"))[0]!.args[0] as bigint;
      report["record (HOLDER)"] = await gasOf(contributions.connect(alice).record([holderInput()]));
      report["record (PROCESSOR)"] = await gasOf(
        contributions.connect(bob).record([input(product, ContributionRole.PROCESSOR, processGrant, { evidenceURI: CID_URI })]),
      );
      report["record (PROVIDER)"] = await gasOf(
        contributions.connect(carol).record([input(product, ContributionRole.PROVIDER, sourceA, { evidenceURI: CID_URI })]),
      );

      const batchReceipt = await send(contributions.connect(alice).record(Array.from({ length: 50 }, holderInput)));
      const batch = Number(batchReceipt.gasUsed);
      report["record batch of 50 (HOLDER)"] = batch;
      report["record batch of 50 (HOLDER), per record"] = Math.round(batch / 50);
      const processorReceipt = await send(
        contributions
          .connect(bob)
          .record(Array.from({ length: 50 }, () => input(product, ContributionRole.PROCESSOR, processGrant, { evidenceURI: CID_URI }))),
      );
      const processorBatch = Number(processorReceipt.gasUsed);
      report["record batch of 50 (PROCESSOR)"] = processorBatch;
      report["record batch of 50 (PROCESSOR), per record"] = Math.round(processorBatch / 50);

      const idsOf = async (receipt: ContractTransactionReceipt) =>
        (await contributionEvents(world, receipt, "ContributionRecorded")).map((event) => event.args[0] as bigint);
      const batchIds = await idsOf(batchReceipt);
      const processorIds = await idsOf(processorReceipt);
      report["confirm 1"] = await gasOf(contributions.connect(alice).confirm([firstEver]));
      const confirm50 = await gasOf(contributions.connect(alice).confirm(batchIds));
      report["confirm 50"] = confirm50;
      report["confirm 50, per record"] = Math.round(confirm50 / 50);
      const deadline = (await latest()) + DAY;
      const signature = await signConfirmation(world, alice, processorIds, alice.address, deadline);
      const bySig50 = await gasOf(contributions.connect(outsider).confirmBySig(processorIds, alice.address, deadline, signature));
      report["confirmBySig 50"] = bySig50;
      report["confirmBySig 50, per record"] = Math.round(bySig50 / 50);

      report["setSplitPolicy (version 1)"] = await gasOf(
        contributions.connect(alice).setSplitPolicy(product, [2_000, 5_000, 1_000, 2_000], EmptyStageRule.PRO_RATA),
      );
      report["setSplitPolicy (version 2)"] = await gasOf(
        contributions.connect(alice).setSplitPolicy(product, [2_500, 2_500, 2_500, 2_500], EmptyStageRule.TO_HOLDER),
      );

      for (const id of [...batchIds, ...processorIds]) expect(await statusOf(world, id)).to.equal(ContributionStatus.CONFIRMED);
      if (process.env.REPORT_GAS === "1") console.table(report);
    });
  });
});
