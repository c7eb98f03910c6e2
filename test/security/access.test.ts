/**
 * Regression tests of the audit of 6df5a36 (issue 11), findings F08, F10 and F11: a signed confirmation
 * names its holder; the ledger honours the AccessManager's execution delays and closed targets; an
 * arbitrator's suspension of a grant is lifted only by an arbitrator. Every scenario runs on a fresh
 * deployment of the Ignition module.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { keccak256, toUtf8Bytes, TypedDataEncoder, Wallet, type ContractTransactionResponse, type HDNodeWallet } from "ethers";
import { network } from "hardhat";

import { CONFIRM_CONTRIBUTIONS_EIP712_TYPES } from "../../ledger/contributions/signing.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import { AssetKind, ContributionRole, ContributionStatus, DataCategory, GrantStatus, PartyKind, Rights, Stage, TransferReason } from "../../ledger/types.js";
import { DAY, deployLedger, fileApplication, grantTerms, h, issueAsset, makeGrant, recordedIds, type Ledger } from "../helpers/ledger.js";
import { send } from "../helpers/registry.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

// ------------------------------------------------------------------------------------------------
// F08
// ------------------------------------------------------------------------------------------------

/** The typed data `confirmBySig` verifies, as `IContributionLedger` states it. */
const CONFIRM_TYPES = {
  ConfirmContributions: [
    { name: "holder", type: "address" },
    { name: "contributionIds", type: "uint256[]" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
/** The typed data of the old code: no holder. */
const OLD_CONFIRM_TYPES = {
  ConfirmContributions: [
    { name: "contributionIds", type: "uint256[]" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

interface WalletWorld {
  ledger: Ledger;
  /** The key both contract wallets accept signatures of (EIP-1271). */
  owner: HDNodeWallet;
  wallets: [string, string];
  /** Per wallet: its product, and bob's recorded (unconfirmed) contributions to it. */
  products: [bigint, bigint];
  records: [bigint[], bigint[]];
}

/** Two EIP-1271 wallets with the same owner key, each holding a product with two recorded contributions by bob. */
async function walletWorld(): Promise<WalletWorld> {
  const ledger = await deployLedger(connection);
  const { registry, contributions, registrar, alice, bob } = ledger;
  const owner = Wallet.createRandom();
  const wallets: string[] = [];
  for (let i = 0; i < 2; i += 1) {
    const wallet = await ethers.deployContract("ERC1271WalletMock", [owner.address]);
    wallets.push(await wallet.getAddress());
    await send(registry.connect(registrar).registerParty(wallets[i]!, PartyKind.ENTERPRISE, h(`wallet-${i}`)));
  }
  const products: bigint[] = [];
  const records: bigint[][] = [];
  for (let i = 0; i < 2; i += 1) {
    const product = await issueAsset(connection, ledger, alice, { kind: AssetKind.PRODUCT });
    const toBob = await makeGrant(ledger, alice, grantTerms(bob.address, product, Rights.PROCESS, BigInt(await time.latest())));
    const input = (measure: bigint) => ({
      productId: product,
      stage: Stage.PROCESSING,
      role: ContributionRole.PROCESSOR,
      measure,
      authorization: toBob,
      evidenceHash: h(`work-${i}-${measure}`),
      evidenceURI: "",
    });
    records.push(await recordedIds(ledger, contributions.connect(bob).record([input(100n + BigInt(i)), input(200n + BigInt(i))])));
    await send(registry.connect(registrar).transferHolding(product, wallets[i]!, TransferReason.SALE, h("to the wallet")));
    products.push(product);
  }
  return { ledger, owner, wallets: wallets as [string, string], products: products as [bigint, bigint], records: records as [bigint[], bigint[]] };
}

async function domainOf(ledger: Ledger) {
  const domain = await ledger.contributions.eip712Domain();
  return { name: domain.name, version: domain.version, chainId: domain.chainId, verifyingContract: domain.verifyingContract };
}

describe("F08 confirmBySig's typed data did not name the holder", () => {
  it("signs a message that names the holder: the contract's typehash and digest, and the off-chain twin, agree", async () => {
    // Old code: CONFIRM_TYPEHASH was "ConfirmContributions(uint256[] contributionIds,uint256 nonce,uint256
    // deadline)", and the digest was the same for every holder with the same nonce.
    const w = await loadFixture(walletWorld);
    const { contributions } = w.ledger;
    expect(await contributions.CONFIRM_TYPEHASH()).to.equal(
      keccak256(toUtf8Bytes("ConfirmContributions(address holder,uint256[] contributionIds,uint256 nonce,uint256 deadline)")),
    );
    const domain = await domainOf(w.ledger);
    const deadline = BigInt(await time.latest()) + DAY;
    for (const ids of [[w.records[1][0]!], w.records[1], [...w.records[0], ...w.records[1]]]) {
      const [one, two] = await Promise.all(w.wallets.map((holder) => contributions.confirmationDigest(ids, holder, deadline)));
      expect(one).to.not.equal(two);
      for (const [i, holder] of w.wallets.entries()) {
        const message = { holder, contributionIds: ids, nonce: 0n, deadline };
        const digest = [one, two][i];
        expect(TypedDataEncoder.hash(domain, CONFIRM_TYPES, message)).to.equal(digest);
        expect(TypedDataEncoder.hash(domain, { ConfirmContributions: [...CONFIRM_CONTRIBUTIONS_EIP712_TYPES.ConfirmContributions] }, message)).to.equal(digest);
      }
    }
  });

  it("refuses for one wallet a signature its owner key made for a sibling wallet", async () => {
    // Old code: the only message was (ids, nonce, deadline) — `unnamed` below. The owner signed it meaning
    // wallet 1, and it was valid for wallet 2 as well (same owner key, same nonce): the `unnamed` refusals
    // below were successes, confirming wallet 2's records without wallet 2 ever being named.
    const w = await loadFixture(walletWorld);
    const { contributions, outsider } = w.ledger;
    const domain = await domainOf(w.ledger);
    const deadline = BigInt(await time.latest()) + DAY;
    const [wallet1, wallet2] = w.wallets;
    for (const ids of [[w.records[1][1]!], w.records[1]]) {
      const forWallet1 = await w.owner.signTypedData(domain, CONFIRM_TYPES, { holder: wallet1, contributionIds: ids, nonce: 0n, deadline });
      await expect(contributions.connect(outsider).confirmBySig(ids, wallet2, deadline, forWallet1))
        .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
        .withArgs(wallet2);
      // A message that does not name any holder is no good for either wallet.
      const unnamed = await w.owner.signTypedData(domain, OLD_CONFIRM_TYPES, { contributionIds: ids, nonce: 0n, deadline });
      for (const holder of w.wallets) {
        await expect(contributions.connect(outsider).confirmBySig(ids, holder, deadline, unnamed))
          .to.be.revertedWithCustomError(contributions, "ContributionLedgerInvalidSignature")
          .withArgs(holder);
      }
      for (const id of ids) expect((await contributions.contribution(id)).status).to.equal(ContributionStatus.RECORDED);
      expect(await contributions.nonces(wallet2)).to.equal(0n);
    }

    // The signature made for wallet 2 confirms wallet 2's records, and moves only wallet 2's nonce.
    const ids = w.records[1];
    const forWallet2 = await w.owner.signTypedData(domain, CONFIRM_TYPES, { holder: wallet2, contributionIds: ids, nonce: 0n, deadline });
    await expect(contributions.connect(outsider).confirmBySig(ids, wallet2, deadline, forWallet2))
      .to.emit(contributions, "ContributionConfirmed")
      .withArgs(ids[0], w.products[1], wallet2);
    for (const id of ids) expect((await contributions.contribution(id)).status).to.equal(ContributionStatus.CONFIRMED);
    expect([await contributions.nonces(wallet1), await contributions.nonces(wallet2)]).to.deep.equal([0n, 1n]);
    // Wallet 1 still confirms its own records with a signature that names it.
    const own = await w.owner.signTypedData(domain, CONFIRM_TYPES, { holder: wallet1, contributionIds: w.records[0], nonce: 0n, deadline });
    await send(contributions.connect(outsider).confirmBySig(w.records[0], wallet1, deadline, own));
    expect((await contributions.contribution(w.records[0][0]!)).status).to.equal(ContributionStatus.CONFIRMED);
  });
});

// ------------------------------------------------------------------------------------------------
// F10
// ------------------------------------------------------------------------------------------------

interface AccessWorld {
  ledger: Ledger;
  /** alice's product with a policy, revenue deposited; bob's recorded contribution to it. */
  product: bigint;
  bobRecord: bigint;
  /** alice's grant to bob on the product. */
  grantId: bigint;
  /** An application of alice's, filed. */
  applied: bigint;
  /** Unused signers, no role, not parties. */
  fresh: HardhatEthersSigner[];
}

async function accessWorld(): Promise<AccessWorld> {
  const ledger = await deployLedger(connection);
  const { contributions, vault, token, alice, bob, outsider } = ledger;
  const product = await issueAsset(connection, ledger, alice, { kind: AssetKind.PRODUCT });
  const grantId = await makeGrant(ledger, alice, grantTerms(bob.address, product, Rights.PROCESS, BigInt(await time.latest())));
  await send(
    contributions.connect(bob).record([
      { productId: product, stage: Stage.PROCESSING, role: ContributionRole.PROCESSOR, measure: 10n, authorization: grantId, evidenceHash: h("w"), evidenceURI: "" },
    ]),
  );
  await send(token.mint(outsider.address, 50_000n));
  await send(token.connect(outsider).approve(await vault.getAddress(), 50_000n));
  await send(vault.connect(outsider).deposit(product, 50_000n, h("order")));
  const applied = await fileApplication(ledger, alice);
  const fresh = (await ethers.getSigners()).slice(12, 18);
  return { ledger, product, bobRecord: await contributions.contributionCount(), grantId, applied, fresh };
}

describe("F10 LedgerAccess ignored AccessManager execution delays and closed targets", () => {
  it("refuses a member granted with an execution delay, at once and after the delay, and admits it once the delay is gone", async () => {
    // Old code: `_hasRole` read only `isMember` from the manager: a registrar granted with an execution delay
    // (whose every call must be scheduled in the manager) registered parties at once, unscheduled.
    for (const delay of [1n, 3_600n, 7n * DAY]) {
      const w = await loadFixture(accessWorld);
      const { registry, accessManager, admin } = w.ledger;
      const [newRegistrar, newParty] = w.fresh as [HardhatEthersSigner, HardhatEthersSigner];
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.REGISTRAR, newRegistrar.address, delay));
      expect(await accessManager.hasRole(ROLE_IDS.REGISTRAR, newRegistrar.address)).to.deep.equal([true, delay]);
      await expect(registry.connect(newRegistrar).registerParty(newParty.address, PartyKind.ENTERPRISE, h("p")))
        .to.be.revertedWithCustomError(registry, "LedgerAccessExecutionDelay")
        .withArgs(newRegistrar.address, ROLE_IDS.REGISTRAR, delay);
      await time.increase(delay + 1n);
      await expect(registry.connect(newRegistrar).acceptApplication(w.applied))
        .to.be.revertedWithCustomError(registry, "LedgerAccessExecutionDelay")
        .withArgs(newRegistrar.address, ROLE_IDS.REGISTRAR, delay);
      // The admin lowers the delay to 0; the manager applies a decrease after its setback.
      await send(accessManager.connect(admin).grantRole(ROLE_IDS.REGISTRAR, newRegistrar.address, 0n));
      await time.increase(delay + 6n * DAY);
      expect(await accessManager.hasRole(ROLE_IDS.REGISTRAR, newRegistrar.address)).to.deep.equal([true, 0n]);
      await send(registry.connect(newRegistrar).registerParty(newParty.address, PartyKind.ENTERPRISE, h("p")));
    }
  });

  it("does not let an execution-delayed arbitrator, settler or reviewer act either", async () => {
    // Old code: every role check ignored the execution delay.
    const w = await loadFixture(accessWorld);
    const { accessManager, admin, grants, vault, contributions, disputeCourt: court } = w.ledger;
    const [arbitrator, settler, reviewer] = w.fresh as [HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner];
    const delay = 600n;
    for (const [role, account] of [
      [ROLE_IDS.ARBITRATOR, arbitrator],
      [ROLE_IDS.SETTLER, settler],
      [ROLE_IDS.REVIEWER, reviewer],
    ] as const) {
      await send(accessManager.connect(admin).grantRole(role, account.address, delay));
    }
    // An arbitrator's powers: suspend a grant, rule, reject a settlement.
    await expect(grants.connect(arbitrator).suspend(w.grantId, h("audit"))).to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor");
    await expect(court.connect(arbitrator).allowRepeat(1n))
      .to.be.revertedWithCustomError(court, "LedgerAccessExecutionDelay")
      .withArgs(arbitrator.address, ROLE_IDS.ARBITRATOR, delay);
    await expect(
      vault.connect(settler).settle(w.product, 0, 1_000n, h("root"), BigInt(await ethers.provider.getBlockNumber()), h("inputs")),
    )
      .to.be.revertedWithCustomError(vault, "LedgerAccessExecutionDelay")
      .withArgs(settler.address, ROLE_IDS.SETTLER, delay);
    // A delayed reviewer is not a reviewer: it cannot confirm someone else's product's records.
    await expect(contributions.connect(reviewer).confirm([w.bobRecord])).to.be.revertedWithCustomError(contributions, "ContributionLedgerNotHolderOrReviewer");
    expect((await grants.getGrant(w.grantId)).status).to.equal(GrantStatus.ACTIVE);
  });

  it("stops role-gated actions of a target the manager closed, until it reopens it; actions needing no role go on", async () => {
    // Old code: `isTargetClosed` was never read: every action below succeeded on a closed target.
    const w = await loadFixture(accessWorld);
    const { accessManager, admin, registry, vault, grants, contributions, disputeCourt: court, registrar, settler, reviewer, arbitrator, alice, bob } = w.ledger;
    const [newParty] = w.fresh as [HardhatEthersSigner];
    const actions: {
      target: { getAddress(): Promise<string> };
      name: string;
      run: () => Promise<ContractTransactionResponse>;
      free?: () => Promise<unknown>;
    }[] = [
      {
        target: registry,
        name: "register a party",
        run: () => registry.connect(registrar).registerParty(newParty.address, PartyKind.INDIVIDUAL, h("p")),
        free: () => fileApplication(w.ledger, alice),
      },
      { target: registry, name: "accept an application", run: () => registry.connect(registrar).acceptApplication(w.applied) },
      {
        target: vault,
        name: "settle",
        run: async () => vault.connect(settler).settle(w.product, 0, 1_000n, h("root"), BigInt(await ethers.provider.getBlockNumber()), h("inputs")),
      },
      { target: vault, name: "set the challenge window", run: () => vault.connect(admin).setChallengeWindow(3_600n) },
      { target: court, name: "set a minimum bond", run: () => court.connect(admin).setMinimumBond(2, 12_345n) },
      { target: contributions, name: "confirm as reviewer", run: () => contributions.connect(reviewer).confirm([w.bobRecord]) },
      {
        target: grants,
        name: "suspend as arbitrator",
        run: () => grants.connect(arbitrator).suspend(w.grantId, h("audit")),
        free: async () => {
          const product = w.product;
          return grants.connect(alice).grant(grantTerms(bob.address, product, Rights.USE, BigInt(await time.latest())));
        },
      },
    ];
    for (const { target, name, run, free } of actions) {
      const address = await target.getAddress();
      await send(accessManager.connect(admin).setTargetClosed(address, true));
      expect(await accessManager.isTargetClosed(address)).to.equal(true);
      await expect(run(), `${name} while closed`)
        .to.be.revertedWithCustomError(registry, "LedgerAccessTargetClosed")
        .withArgs(address);
      if (free !== undefined) await free();
      await send(accessManager.connect(admin).setTargetClosed(address, false));
      await send(run());
    }
  });

  it("refuses a public-data authority's grant of public data it does not hold while the grant registry is closed", async () => {
    // The authority grants by its DATA_AUTHORITY role (it does not hold the asset): an action that needs a
    // role, which `LedgerAccess` says a closed target refuses. Old code: the closed target was ignored.
    // NOTE: this fails on the current contracts too — `GrantRegistry._grantDirect` checks the role with
    // `_hasRole` and never calls `_requireOpen()`, so the authority still grants on a closed registry.
    const w = await loadFixture(accessWorld);
    const { accessManager, admin, grants, authority, alice, bob, carol } = w.ledger;
    const publicAsset = await issueAsset(connection, w.ledger, alice, { category: DataCategory.PUBLIC });
    const now = BigInt(await time.latest());
    await send(grants.connect(authority).grant(grantTerms(carol.address, publicAsset, Rights.USE, now))); // open: allowed
    await send(accessManager.connect(admin).setTargetClosed(await grants.getAddress(), true));
    // The holder's own grant needs no role and goes on.
    await send(grants.connect(alice).grant(grantTerms(bob.address, publicAsset, Rights.USE, now)));
    await expect(grants.connect(authority).grant(grantTerms(bob.address, publicAsset, Rights.USE, now)))
      .to.be.revertedWithCustomError(grants, "LedgerAccessTargetClosed")
      .withArgs(await grants.getAddress());
  });
});

// ------------------------------------------------------------------------------------------------
// F11
// ------------------------------------------------------------------------------------------------

interface GrantWorld {
  ledger: Ledger;
  resource: bigint;
  /** alice's grant to bob (PROCESS, SUBLICENSE), and bob's sub-grant to carol. */
  direct: bigint;
  sub: bigint;
}

async function grantWorld(): Promise<GrantWorld> {
  const ledger = await deployLedger(connection);
  const { grants, alice, bob, carol } = ledger;
  const resource = await issueAsset(connection, ledger, alice);
  const now = BigInt(await time.latest());
  const direct = await makeGrant(ledger, alice, grantTerms(bob.address, resource, Rights.PROCESS | Rights.SUBLICENSE, now, { royaltyBps: 100 }));
  await send(grants.connect(bob).subGrant(direct, grantTerms(carol.address, resource, Rights.PROCESS, now)));
  return { ledger, resource, direct, sub: await grants.grantCount() };
}

describe("F11 a grantor could resume a grant an arbitrator suspended", () => {
  it("lets only an arbitrator lift an arbitrator's suspension, whoever suspended first", async () => {
    // Old code: `resume` accepted the grantor whatever the suspension's author: alice lifted the arbitrator's
    // hold at once (the GrantRegistryHeldByArbitrator refusals below were successes).
    for (const first of ["arbitrator", "grantor"] as const) {
      for (const target of ["direct", "sub"] as const) {
        const w = await loadFixture(grantWorld);
        const { grants, registry, registrar, arbitrator, alice, bob, carol, individual } = w.ledger;
        const grantId = w[target];
        const grantor = target === "direct" ? alice : bob;
        if (first === "grantor") {
          await send(grants.connect(grantor).suspend(grantId, h("grantor pause")));
          expect(await grants.isHeldByArbitrator(grantId)).to.equal(false);
        }
        // The arbitrator suspends (or takes over the grantor's suspension).
        await expect(grants.connect(arbitrator).suspend(grantId, h("court order")))
          .to.emit(grants, "GrantSuspended")
          .withArgs(grantId, w.resource, arbitrator.address, h("court order"));
        expect(await grants.isHeldByArbitrator(grantId)).to.equal(true);
        expect(await grants.isValid(w.sub)).to.equal(false);
        await expect(grants.connect(grantor).resume(grantId, h("my grant"))).to.be.revertedWithCustomError(grants, "GrantRegistryHeldByArbitrator").withArgs(grantId);
        // Nor through a successor of the grantor.
        await send(registry.connect(registrar).recordSuccession(grantor.address, individual.address, h("merger")));
        await expect(grants.connect(individual).resume(grantId, h("inherited"))).to.be.revertedWithCustomError(grants, "GrantRegistryHeldByArbitrator");
        // Nor by the grantee below it.
        await expect(grants.connect(carol).resume(grantId, h("mine too"))).to.be.revertedWithCustomError(grants, "GrantRegistryNotGrantor");
        expect((await grants.getGrant(grantId)).status).to.equal(GrantStatus.SUSPENDED);

        await expect(grants.connect(arbitrator).resume(grantId, h("lifted"))).to.emit(grants, "GrantResumed");
        expect((await grants.getGrant(grantId)).status).to.equal(GrantStatus.ACTIVE);
        expect(await grants.isHeldByArbitrator(grantId)).to.equal(false);
        expect(await grants.isValid(w.sub)).to.equal(true);
      }
    }
  });

  it("leaves a grantor's own suspension to the grantor", async () => {
    // The rule does not take from grantors what is theirs: a suspension nobody else made is theirs to lift.
    const w = await loadFixture(grantWorld);
    const { grants, alice } = w.ledger;
    await send(grants.connect(alice).suspend(w.direct, h("pause")));
    await send(grants.connect(alice).resume(w.direct, h("go on")));
    expect((await grants.getGrant(w.direct)).status).to.equal(GrantStatus.ACTIVE);
  });
});
