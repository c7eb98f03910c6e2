import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionResponse } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import ProvenanceLedgerModule from "../../ignition/modules/ProvenanceLedger.js";
import TestTokenModule from "../../ignition/modules/TestToken.js";
import { ROLE_IDS } from "../../ledger/roles.js";
import { AssetKind, Classification, DataCategory, PartyKind, ScopeKind, UsageMode } from "../../ledger/types.js";
import type {
  AssetRegistry,
  ContributionLedger,
  DisputeCourt,
  GrantRegistry,
  LedgerAccessManager,
  RevenueVault,
  TestToken,
} from "../../types/ethers-contracts/index.js";

export const NOTICE_PERIOD = 7n * 24n * 3600n;
export const DAY = 24n * 3600n;
export const CHALLENGE_WINDOW = 3n * DAY;
export const RULING_PERIOD = 30n * DAY;
/** The respondent's time to answer before any ruling (deployment parameter `answerPeriodSeconds`). */
export const ANSWER_PERIOD = 1n * DAY;
/** The smallest bond of every dispute kind as the Ignition module deploys it by default: 100.00 of the test yuan. */
export const MIN_BOND = 10_000n;

/** A recognisable non-zero hash for a label: tests read better with `h("card-v1")` than hex. */
export function h(label: string): string {
  return "0x" + Buffer.from(label.padEnd(32, "\0").slice(0, 32)).toString("hex");
}

export interface LedgerActors {
  admin: HardhatEthersSigner;
  registrar: HardhatEthersSigner;
  reviewer: HardhatEthersSigner;
  authority: HardhatEthersSigner;
  arbitrator: HardhatEthersSigner;
  settler: HardhatEthersSigner;
  /** Enterprises A, B and C, a public institution, an individual: registered parties. */
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  institution: HardhatEthersSigner;
  individual: HardhatEthersSigner;
  /** Registered as nothing and holding no role. */
  outsider: HardhatEthersSigner;
}

export interface Ledger extends LedgerActors {
  accessManager: LedgerAccessManager;
  registry: AssetRegistry;
  grants: GrantRegistry;
  contributions: ContributionLedger;
  vault: RevenueVault;
  disputeCourt: DisputeCourt;
  /** The settlement token (a mintable test token). */
  token: TestToken;
  actors: LedgerActors;
}

type Connection = NetworkConnection<"generic">;

/** `count` signers, as a tuple. */
type Signers<N extends number, Acc extends HardhatEthersSigner[] = []> = Acc["length"] extends N
  ? Acc
  : Signers<N, [...Acc, HardhatEthersSigner]>;

/** The network's first `count` signers; a clear error when it has fewer (Hardhat's default network has 20). */
export async function firstSigners<N extends number>(
  ethers: { getSigners(): Promise<HardhatEthersSigner[]> },
  count: N,
): Promise<Signers<N>> {
  const signers = await ethers.getSigners();
  if (signers.length < count) throw new Error(`${count} signers needed, the network has ${signers.length}`);
  return signers.slice(0, count) as Signers<N>;
}

/**
 * The ledger as deployed by its Ignition module, with every role held by its own account and five
 * registered parties (the authority is a registered public-data authority too).
 */
export async function deployLedger(connection: Connection, options: { deploymentId?: string } = {}): Promise<Ledger> {
  const { ethers, ignition } = connection;
  // On an HTTP network Ignition records the deployment on disk, under this id.
  const recordAs = options.deploymentId === undefined ? {} : { deploymentId: options.deploymentId, displayUi: false };
  const [admin, registrar, reviewer, authority, arbitrator, settler, alice, bob, carol, institution, individual, outsider] =
    await firstSigners(ethers, 12);
  const { token: deployedToken } = await ignition.deploy(TestTokenModule, recordAs);
  const deployed = await ignition.deploy(ProvenanceLedgerModule, {
    ...recordAs,
    parameters: {
      ProvenanceLedger: {
        noticePeriodSeconds: Number(NOTICE_PERIOD),
        settlementToken: await deployedToken.getAddress(),
        challengeWindowSeconds: Number(CHALLENGE_WINDOW),
        rulingPeriodSeconds: Number(RULING_PERIOD),
        answerPeriodSeconds: Number(ANSWER_PERIOD),
      },
    },
  });
  const accessManager = (await ethers.getContractAt(
    "LedgerAccessManager",
    await deployed.accessManager.getAddress(),
  )) as unknown as LedgerAccessManager;
  const registry = (await ethers.getContractAt(
    "AssetRegistry",
    await deployed.registry.getAddress(),
  )) as unknown as AssetRegistry;
  const grants = (await ethers.getContractAt(
    "GrantRegistry",
    await deployed.grants.getAddress(),
  )) as unknown as GrantRegistry;
  const contributions = (await ethers.getContractAt(
    "ContributionLedger",
    await deployed.contributions.getAddress(),
  )) as unknown as ContributionLedger;
  const vault = (await ethers.getContractAt("RevenueVault", await deployed.vault.getAddress())) as unknown as RevenueVault;
  const disputeCourt = (await ethers.getContractAt("DisputeCourt", await deployed.court.getAddress())) as unknown as DisputeCourt;
  const token = (await ethers.getContractAt("TestToken", await deployedToken.getAddress())) as unknown as TestToken;

  for (const [roleId, account] of [
    [ROLE_IDS.REGISTRAR, registrar],
    [ROLE_IDS.REVIEWER, reviewer],
    [ROLE_IDS.DATA_AUTHORITY, authority],
    [ROLE_IDS.ARBITRATOR, arbitrator],
    [ROLE_IDS.SETTLER, settler],
  ] as const) {
    await (await accessManager.connect(admin).grantRole(roleId, account.address, 0)).wait();
  }
  for (const [account, kind] of [
    [alice, PartyKind.ENTERPRISE],
    [bob, PartyKind.ENTERPRISE],
    [carol, PartyKind.STATE_OWNED_ENTERPRISE],
    [institution, PartyKind.PUBLIC_INSTITUTION],
    [individual, PartyKind.INDIVIDUAL],
    [authority, PartyKind.PUBLIC_DATA_AUTHORITY],
  ] as const) {
    await (await registry.connect(registrar).registerParty(account.address, kind, h(`profile:${account.address}`))).wait();
  }
  const actors: LedgerActors = {
    admin,
    registrar,
    reviewer,
    authority,
    arbitrator,
    settler,
    alice,
    bob,
    carol,
    institution,
    individual,
    outsider,
  };
  return { ...actors, actors, accessManager, registry, grants, contributions, vault, disputeCourt, token };
}

export interface ApplicationInput {
  kind: number;
  category: number;
  classification: number;
  fingerprint: string;
  cardHash: string;
  cardURI: string;
  parents: { assetId: bigint; grantId: bigint }[];
}

let applicationCounter = 0;

/** A valid application for a data resource; override what the test is about. */
export function application(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  applicationCounter += 1;
  return {
    kind: AssetKind.RESOURCE,
    category: DataCategory.ENTERPRISE,
    classification: Classification.GENERAL,
    fingerprint: h(`data-${applicationCounter}`),
    cardHash: h(`card-${applicationCounter}`),
    cardURI: `ipfs://card/${applicationCounter}`,
    parents: [],
    ...overrides,
  };
}

/** Files an application from `applicant` and returns its registration number. */
export async function fileApplication(
  ledger: Ledger,
  applicant: HardhatEthersSigner,
  overrides: Partial<ApplicationInput> = {},
): Promise<bigint> {
  const tx = await ledger.registry.connect(applicant).fileApplication(application(overrides));
  await tx.wait();
  return ledger.registry.assetCount();
}

/** Files, accepts, waits out the notice window and issues: a certificate held by `applicant`. */
export async function issueAsset(
  connection: Connection,
  ledger: Ledger,
  applicant: HardhatEthersSigner,
  overrides: Partial<ApplicationInput> = {},
): Promise<bigint> {
  const assetId = await fileApplication(ledger, applicant, overrides);
  await (await ledger.registry.connect(ledger.registrar).acceptApplication(assetId)).wait();
  await connection.networkHelpers.time.increase(NOTICE_PERIOD);
  await (await ledger.registry.connect(ledger.registrar).issueCertificate(assetId)).wait();
  return assetId;
}

export interface GrantTermsInput {
  grantee: string;
  assetId: bigint;
  rights: number;
  scopeKind: number;
  scopeData: string;
  purposeHash: string;
  usageMode: number;
  validFrom: bigint;
  validUntil: bigint;
  royaltyBps: number;
}

export const ZERO_HASH = "0x" + "00".repeat(32);

/** Valid terms for a grant of `rights` on `assetId` to `grantee`, for a year from `now`. */
export function grantTerms(
  grantee: string,
  assetId: bigint,
  rights: number,
  now: bigint,
  overrides: Partial<GrantTermsInput> = {},
): GrantTermsInput {
  return {
    grantee,
    assetId,
    rights,
    scopeKind: ScopeKind.WHOLE,
    scopeData: ZERO_HASH,
    purposeHash: h("purpose"),
    usageMode: UsageMode.DELIVERY,
    validFrom: now,
    validUntil: now + 365n * DAY,
    royaltyBps: 0,
    ...overrides,
  };
}

/** Makes a grant from `grantor` and returns its id. */
export async function makeGrant(
  ledger: Ledger,
  grantor: HardhatEthersSigner,
  terms: GrantTermsInput,
): Promise<bigint> {
  await (await ledger.grants.connect(grantor).grant(terms)).wait();
  return ledger.grants.grantCount();
}

/**
 * Sends a `ContributionLedger.record` transaction and returns the ids its `ContributionRecorded` events
 * name, in order: ids come in windows (13 of every 16, a new window per call and per change of product), so
 * tests take them from the events rather than counting.
 */
export async function recordedIds(ledger: Pick<Ledger, "contributions">, tx: Promise<ContractTransactionResponse>): Promise<bigint[]> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  const address = (await ledger.contributions.getAddress()).toLowerCase();
  const topic = ledger.contributions.interface.getEvent("ContributionRecorded").topicHash;
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address && log.topics[0] === topic)
    .map((log) => BigInt(log.topics[1]!));
}

/**
 * Mints `amount` of the settlement token to each of `parties` and lets the dispute court take it: what a
 * claimant needs before `openDispute` (bonds are at least {MIN_BOND}).
 */
export async function fundBonds(
  ledger: Ledger,
  parties: readonly HardhatEthersSigner[],
  amount: bigint = 10n * MIN_BOND,
): Promise<void> {
  const court = await ledger.disputeCourt.getAddress();
  for (const party of parties) {
    await (await ledger.token.mint(party.address, amount)).wait();
    await (await ledger.token.connect(party).approve(court, amount)).wait();
  }
}
