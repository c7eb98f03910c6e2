import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ArgumentType, Artifact } from "@nomicfoundation/ignition-core";

import { ROLE_IDS } from "../../ledger/roles.js";

/** A week, the default public-notice window (公示期) of a registration. */
const DEFAULT_NOTICE_PERIOD_SECONDS = 7 * 24 * 60 * 60;
/** Three days, the default window in which an arbitrator may reject a revenue settlement. */
const DEFAULT_CHALLENGE_WINDOW_SECONDS = 3 * 24 * 60 * 60;
/** Thirty days, the default time arbitrators have to rule on a dispute before it lapses. */
const DEFAULT_RULING_PERIOD_SECONDS = 30 * 24 * 60 * 60;
/** Three days, the default time a respondent has to answer before an arbitrator may rule. */
const DEFAULT_ANSWER_PERIOD_SECONDS = 3 * 24 * 60 * 60;
/**
 * The default smallest bond of a dispute (every kind), in the settlement token's smallest unit: 100.00 of a
 * two-decimal token such as the embedded chain's test yuan. Set `disputeMinimumBond` for a real token (its
 * decimals differ) and tune each kind afterwards with the court's `setMinimumBond`.
 */
const DEFAULT_DISPUTE_MINIMUM_BOND = 10_000n;

/**
 * Deploys the ledger: one AccessManager holding every role, the registry (certificates, parties,
 * evidence chains), the grant registry, the contribution ledger, the revenue vault and the dispute court,
 * wired together. The court gets the roles it carries rulings out with (COURT, ARBITRATOR, REGISTRAR).
 * The settlement token is a parameter (`settlementToken`: the ERC-20 revenue is paid in), required. The deployer is the first admin; it grants
 * the other roles afterwards (AccessManager `grantRole`), so the same module serves any network.
 */
export default provenanceLedgerModule();

/** The ledger's contracts whose code a module may take from another build than Hardhat's (artifacts/). */
export type LedgerContractName = "LedgerAccessManager" | "AssetRegistry" | "GrantRegistry" | "ContributionLedger" | "RevenueVault" | "DisputeCourt";

/**
 * The same module, with the contracts' code from `artifacts` where given (the older-EVM build of
 * scripts/evm/build.ts: same ABIs, other bytecode) and from Hardhat's build otherwise.
 */
export function provenanceLedgerModule(artifacts: Partial<Record<LedgerContractName, Artifact>> = {}) {
  return buildModule("ProvenanceLedger", (m) => {
    const contract = (name: LedgerContractName, args: ArgumentType[]) => {
      const artifact = artifacts[name];
      return artifact === undefined ? m.contract(name, args) : m.contract(name, artifact, args);
    };
    const admin = m.getAccount(0);
    const noticePeriod = m.getParameter("noticePeriodSeconds", DEFAULT_NOTICE_PERIOD_SECONDS);
    const certificateBaseURI = m.getParameter("certificateBaseURI", "");
    const settlementToken = m.getParameter<string>("settlementToken");
    const challengeWindow = m.getParameter("challengeWindowSeconds", DEFAULT_CHALLENGE_WINDOW_SECONDS);
    const rulingPeriod = m.getParameter("rulingPeriodSeconds", DEFAULT_RULING_PERIOD_SECONDS);
    const answerPeriod = m.getParameter("answerPeriodSeconds", DEFAULT_ANSWER_PERIOD_SECONDS);
    const disputeMinimumBond = m.getParameter("disputeMinimumBond", DEFAULT_DISPUTE_MINIMUM_BOND);

    const accessManager = contract("LedgerAccessManager", [admin]);
    const registry = contract("AssetRegistry", [accessManager, noticePeriod]);
    const grants = contract("GrantRegistry", [accessManager, registry]);
    const contributions = contract("ContributionLedger", [accessManager, registry, grants]);
    const vault = contract("RevenueVault", [accessManager, registry, contributions, settlementToken, challengeWindow]);
    const court = contract("DisputeCourt", [
      accessManager,
      registry,
      grants,
      contributions,
      vault,
      rulingPeriod,
      answerPeriod,
      disputeMinimumBond,
    ]);

    m.call(registry, "setGrantRegistry", [grants]);
    m.call(registry, "setEvidenceWriter", [grants, true], { id: "setEvidenceWriter_grants" });
    m.call(registry, "setEvidenceWriter", [contributions, true], { id: "setEvidenceWriter_contributions" });
    m.call(registry, "setEvidenceWriter", [vault, true], { id: "setEvidenceWriter_vault" });
    m.call(registry, "setEvidenceWriter", [court, true], { id: "setEvidenceWriter_court" });
    for (const role of ["COURT", "ARBITRATOR", "REGISTRAR"] as const) {
      m.call(accessManager, "grantRole", [ROLE_IDS[role], court, 0], { id: `grantRole_court_${role}` });
    }
    m.call(registry, "setCertificateBaseURI", [certificateBaseURI]);
    for (const [label, roleId] of Object.entries(ROLE_IDS)) {
      if (roleId === 0n) continue; // ADMIN_ROLE is labelled by AccessManager itself
      m.call(accessManager, "labelRole", [roleId, label], { id: `labelRole_${label}` });
    }

    return { accessManager, registry, grants, contributions, vault, court };
  });
}
