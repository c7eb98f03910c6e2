import { expect } from "chai";
import { network } from "hardhat";

import { ROLE_IDS } from "../ledger/roles.js";
import { PartyKind } from "../ledger/types.js";
import { deployLedger, NOTICE_PERIOD } from "./helpers/ledger.js";

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
});
