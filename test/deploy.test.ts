import { expect } from "chai";
import { network } from "hardhat";

import { ROLE_IDS } from "../ledger/roles.js";
import { DisputeKind, PartyKind } from "../ledger/types.js";
import { ANSWER_PERIOD, CHALLENGE_WINDOW, deployLedger, MIN_BOND, NOTICE_PERIOD, RULING_PERIOD } from "./helpers/ledger.js";

const connection = await network.create();

describe("deployment (Ignition module)", () => {
  it("wires the registries together and holds every role in one AccessManager", async () => {
    const ledger = await connection.networkHelpers.loadFixture(async function deployed() {
      return deployLedger(connection);
    });
    const { registry, grants, accessManager } = ledger;
    expect(await registry.grantRegistry()).to.equal(await grants.getAddress());
    expect(await registry.isEvidenceWriter(await grants.getAddress())).to.equal(true);
    expect(await registry.noticePeriod()).to.equal(NOTICE_PERIOD);
    expect(await registry.accessManager()).to.equal(await accessManager.getAddress());
    expect(await grants.accessManager()).to.equal(await accessManager.getAddress());
    expect(await grants.registry()).to.equal(await registry.getAddress());
    expect((await accessManager.hasRole(ROLE_IDS.ADMIN, ledger.admin.address))[0]).to.equal(true);
    expect((await accessManager.hasRole(ROLE_IDS.REGISTRAR, ledger.registrar.address))[0]).to.equal(true);
    expect((await accessManager.hasRole(ROLE_IDS.REGISTRAR, ledger.alice.address))[0]).to.equal(false);
    expect((await registry.party(ledger.alice.address)).kind).to.equal(BigInt(PartyKind.ENTERPRISE));
  });

  it("passes the windows and the court's periods, and sets the default minimum bond of every dispute kind", async () => {
    const ledger = await connection.networkHelpers.loadFixture(async function deployed() {
      return deployLedger(connection);
    });
    const { vault, disputeCourt, token } = ledger;
    expect(await vault.challengeWindow()).to.equal(CHALLENGE_WINDOW);
    expect(await vault.settlementToken()).to.equal(await token.getAddress());
    expect(await disputeCourt.bondToken()).to.equal(await token.getAddress());
    expect(await disputeCourt.rulingPeriod()).to.equal(RULING_PERIOD);
    expect(await disputeCourt.answerPeriod()).to.equal(ANSWER_PERIOD);
    // The module's default: 100.00 of the two-decimal test yuan, for every kind.
    for (const kind of Object.values(DisputeKind)) {
      expect(await disputeCourt.minimumBond(kind), `kind ${kind}`).to.equal(MIN_BOND);
    }
    expect(await token.decimals()).to.equal(2n);
  });
});
