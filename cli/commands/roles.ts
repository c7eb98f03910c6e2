import type { Command } from "commander";
import { getAddress, parseEventLogs, type Address, type Log } from "viem";

import { ROLE_IDS } from "../../ledger/roles.js";
import { enumName, PartyKind } from "../../ledger/types.js";
import { readLogs } from "../chainData.js";
import { fromNode, type Connection } from "../connection.js";
import type { CliContext } from "../context.js";
import { FailureError, InputError } from "../io.js";
import { ABIS } from "../tx.js";
import { isoDate } from "../time.js";
import { parseAddress, parseUint } from "../validate.js";

/**
 * `provenance role`: who holds the ledger's roles in its one AccessManager, and how an administrator adds and
 * removes them (a city's registrar, a reviewer, a second administrator). Every refusal the chain's state
 * predicts is made before anything is signed, so that a refused command leaves the chain as it was.
 */

type RoleName = keyof typeof ROLE_IDS;
const ROLE_NAMES = Object.keys(ROLE_IDS) as RoleName[];

/** The deployment's court carries rulings out with these roles (the Ignition module grants them): never revoked here. */
const COURT_CONTRACT_ROLES: readonly RoleName[] = ["COURT", "ARBITRATOR", "REGISTRAR"];

/** A role by name (any case, `-` for `_`) or by id; only the ledger's roles (ledger/roles.ts). */
function parseRole(name: string, raw: string): { role: RoleName; roleId: bigint } {
  const text = raw.trim();
  const byName = ROLE_NAMES.find((role) => role === text.toUpperCase().replace(/-/g, "_"));
  const byId = /^\d+$/.test(text) ? ROLE_NAMES.find((role) => ROLE_IDS[role] === BigInt(text)) : undefined;
  const role = byName ?? byId;
  if (role === undefined) {
    const listed = ROLE_NAMES.map((role) => `${role} (${ROLE_IDS[role]})`).join(", ");
    throw new InputError(`${name}: ${JSON.stringify(raw)} is not one of ${listed}`, { argument: name, allowed: ROLE_NAMES });
  }
  return { role, roleId: ROLE_IDS[role] };
}

function roleNameOf(roleId: bigint): string {
  return ROLE_NAMES.find((role) => ROLE_IDS[role] === roleId) ?? `role ${roleId}`;
}

/** One account's membership of a role, as AccessManager's `getAccess` has it. */
interface Access {
  /** When the membership takes (or took) effect, unix seconds; 0: not a member. */
  since: bigint;
  /** The execution delay now, and the one it changes to at `effect` (0: no change pending). */
  currentDelay: number;
  pendingDelay: number;
  effect: bigint;
}

const accessManagerOf = (connection: Connection) => ({ address: connection.deployment.addresses.LedgerAccessManager, abi: ABIS.LedgerAccessManager });

async function accessOf(connection: Connection, roleId: bigint, account: Address, blockNumber?: bigint): Promise<Access> {
  const [since, currentDelay, pendingDelay, effect] = (await fromNode(`${roleNameOf(roleId)} membership of ${account}`, () =>
    connection.client.readContract({ ...accessManagerOf(connection), functionName: "getAccess", args: [roleId, account], ...(blockNumber === undefined ? {} : { blockNumber }) }),
  )) as readonly [number | bigint, number, number, number | bigint];
  return { since: BigInt(since), currentDelay: Number(currentDelay), pendingDelay: Number(pendingDelay), effect: BigInt(effect) };
}

/** `hasRole`: a member whose membership took effect, with its execution delay. */
async function hasRole(connection: Connection, roleId: bigint, account: Address, blockNumber?: bigint): Promise<{ isMember: boolean; executionDelay: number }> {
  const [isMember, executionDelay] = (await fromNode(`whether ${account} holds ${roleNameOf(roleId)}`, () =>
    connection.client.readContract({ ...accessManagerOf(connection), functionName: "hasRole", args: [roleId, account], ...(blockNumber === undefined ? {} : { blockNumber }) }),
  )) as readonly [boolean, number];
  return { isMember, executionDelay: Number(executionDelay) };
}

interface RoleMember {
  role: string;
  roleId: bigint;
  account: Address;
  /** When the membership took effect (a role's grant delay puts it after the grant), unix seconds. */
  since: bigint;
  /** The block of the grant that made it a member. */
  grantedInBlock: bigint;
  /** False while a grant delay runs: granted, not yet effective. */
  effective: boolean;
  executionDelay: number;
}

/**
 * The members of every role (or of `only`) at `atBlock`: the AccessManager's `RoleGranted` / `RoleRevoked`
 * logs folded from the deployment's first block, each membership then confirmed by the contract's state at
 * the same block. The manager keeps no list of members, so the logs name the candidates; its state decides.
 */
async function roleMembers(connection: Connection, atBlock: bigint, only?: bigint): Promise<RoleMember[]> {
  const manager = connection.deployment.addresses.LedgerAccessManager;
  const logs = await readLogs(connection, { address: [manager], fromBlock: connection.deployment.fromBlock, toBlock: atBlock });
  const events = parseEventLogs({ abi: ABIS.LedgerAccessManager, logs: logs as unknown as Log[], eventName: ["RoleGranted", "RoleRevoked"] });
  const candidates = new Map<string, { roleId: bigint; account: Address; grantedInBlock: bigint }>();
  for (const event of events) {
    const { roleId, account } = event.args as { roleId: bigint; account: Address };
    const key = `${roleId}:${account}`;
    if (event.eventName === "RoleRevoked") candidates.delete(key);
    // A grant to a member only changes its execution delay: the membership dates from the first grant.
    else if (!candidates.has(key)) candidates.set(key, { roleId: BigInt(roleId), account: getAddress(account), grantedInBlock: event.blockNumber });
  }
  const wanted = [...candidates.values()].filter((candidate) => only === undefined || candidate.roleId === only);
  const members = await Promise.all(
    wanted.map(async ({ roleId, account, grantedInBlock }) => {
      const [access, held] = await Promise.all([accessOf(connection, roleId, account, atBlock), hasRole(connection, roleId, account, atBlock)]);
      // The logs say member: a node whose state says otherwise at the same block is not to be trusted.
      if (access.since === 0n) {
        throw new FailureError(
          `the node's logs and state disagree at block ${atBlock}: the logs grant ${roleNameOf(roleId)} to ${account}, the AccessManager has no such member (a reorganisation? try again)`,
          { roleId, account, block: atBlock },
        );
      }
      return { role: roleNameOf(roleId), roleId, account, since: access.since, grantedInBlock, effective: held.isMember, executionDelay: held.executionDelay };
    }),
  );
  return members.sort((a, b) => (a.roleId === b.roleId ? Number(a.grantedInBlock - b.grantedInBlock) : a.roleId < b.roleId ? -1 : 1));
}

/** What the deployment calls an address it knows (`DisputeCourt`), else undefined. */
function contractName(connection: Connection, account: Address): string | undefined {
  return Object.entries(connection.deployment.addresses).find(([, address]) => address.toLowerCase() === account.toLowerCase())?.[0];
}

/** The party kind the registry records for `account` (ENTERPRISE...), null when it is not a party. */
async function partyKind(connection: Connection, account: Address, blockNumber: bigint): Promise<string | null> {
  const record = (await fromNode(`the party record of ${account}`, () =>
    connection.client.readContract({
      address: connection.deployment.addresses.AssetRegistry,
      abi: ABIS.AssetRegistry,
      functionName: "party",
      args: [account],
      blockNumber,
    }),
  )) as { kind: number; registeredAt: number };
  return record.registeredAt === 0 ? null : enumName(PartyKind, record.kind);
}

/**
 * Refuses, before anything is signed, a signer that AccessManager would refuse: it must hold the role's admin
 * role (`getRoleAdmin`, ADMIN unless reassigned) without an execution delay, which would make the manager
 * require the operation to be scheduled first (this tool sends it directly).
 */
async function requireRoleAdmin(connection: Connection, action: string, signer: Address, role: string, roleId: bigint): Promise<void> {
  const adminRoleId = BigInt(
    (await fromNode(`the admin role of ${role}`, () =>
      connection.client.readContract({ ...accessManagerOf(connection), functionName: "getRoleAdmin", args: [roleId] }),
    )) as number | bigint,
  );
  const adminRole = roleNameOf(adminRoleId);
  const held = await hasRole(connection, adminRoleId, signer);
  if (!held.isMember) {
    throw new FailureError(`${action}: the signer ${signer} does not hold ${adminRole}, the role that administers ${role}: sign with an administrator's key`, {
      signer,
      role,
      requiredRole: adminRole,
    });
  }
  if (held.executionDelay !== 0) {
    throw new FailureError(
      `${action}: the signer ${signer} holds ${adminRole} with an execution delay of ${held.executionDelay} s: AccessManager takes its operations only ` +
        "when scheduled first (schedule, wait, execute), which this tool does not do",
      { signer, role, requiredRole: adminRole, executionDelay: held.executionDelay },
    );
  }
}

/** How a membership reads: "effective since <date>" or "effective from <date>" while a grant delay runs. */
function effectiveText(since: bigint, now: bigint): string {
  return `${since <= now ? "effective since" : "effective from"} ${isoDate(since)}`;
}

export function registerRoles(program: Command, cli: CliContext): void {
  const role = program.command("role").description(`the ledger's roles in its AccessManager (${ROLE_NAMES.join(", ")}): grant, revoke, list`);

  role
    .command("grant")
    .description("give an account a role, e.g. a city's registrar (signed by an administrator of the role)")
    .argument("<role>", `${ROLE_NAMES.join(", ")} (any case) or its id`)
    .argument("<account>", "the account that gets the role")
    .option("--delay <seconds>", "execution delay: ADMIN only (its operations must then be scheduled); the ledger refuses other members with one", "0")
    .action(async (rawRole: string, rawAccount: string, opts: { delay: string }) => {
      const { role: roleName, roleId } = parseRole("role", rawRole);
      const account = parseAddress("account", rawAccount);
      const delay = Number(parseUint("--delay", opts.delay, 32));
      if (delay !== 0 && roleName !== "ADMIN") {
        throw new InputError(
          `--delay: the ledger refuses a ${roleName} with an execution delay (LedgerAccessExecutionDelay): its actions are not scheduled ` +
            "through the AccessManager. Grant with --delay 0; to make new members wait, the role's grant delay (setGrantDelay) does it",
          { argument: "--delay" },
        );
      }
      const action = `role grant ${roleName}`;
      cli.account(); // a missing or malformed key is bad input, found before connecting
      const connection = await cli.connection();
      // Refuses --account off a dev chain before any other check names the dev account.
      const signer = (await cli.signer()).account.address;
      if (roleName === "COURT") {
        const code = await fromNode(`the code at ${account}`, () => connection.client.getCode({ address: account }));
        if (code === undefined || code === "0x") {
          throw new InputError(
            `account: ${account} has no code: COURT is the dispute court contract's own role (it carries rulings out), never an account's`,
            { argument: "account" },
          );
        }
      }
      await requireRoleAdmin(connection, action, signer, roleName, roleId);
      const before = await accessOf(connection, roleId, account);
      const delayToBe = before.effect === 0n ? before.currentDelay : before.pendingDelay;
      if (before.since !== 0n && delayToBe === delay) {
        // Nothing to do is not a failure: a provisioning script may grant the same roles again.
        cli.result(
          { changed: false, role: roleName, roleId, account, since: isoDate(before.since), executionDelay: delay },
          `${account} already holds ${roleName} (${effectiveText(before.since, await cli.chainTime())}): nothing sent`,
        );
        return;
      }
      const result = await cli.send({ action, contract: "LedgerAccessManager", functionName: "grantRole", args: [roleId, account, delay] }, { print: false });
      const [after, block] = await Promise.all([
        accessOf(connection, roleId, account, result.blockNumber),
        fromNode(`block ${result.blockNumber}`, () => connection.client.getBlock({ blockNumber: result.blockNumber })),
      ]);
      const now = block.timestamp;
      const adminNote = roleName === "ADMIN" ? [`${account} is now an administrator of the ledger: it can grant and revoke every role`] : [];
      cli.printTx(result, undefined, {
        lines: [`${roleName} granted to ${account}, ${effectiveText(after.since, now)}`, ...adminNote],
        fields: { changed: true, role: roleName, roleId, account, since: isoDate(after.since), executionDelay: delay },
      });
    });

  role
    .command("revoke")
    .description("take a role from an account (signed by an administrator of the role); the last ADMIN is never revoked")
    .argument("<role>", `${ROLE_NAMES.join(", ")} (any case) or its id`)
    .argument("<account>", "the account that loses the role")
    .action(async (rawRole: string, rawAccount: string) => {
      const { role: roleName, roleId } = parseRole("role", rawRole);
      const account = parseAddress("account", rawAccount);
      const action = `role revoke ${roleName}`;
      cli.account(); // a missing or malformed key is bad input, found before connecting
      const connection = await cli.connection();
      // Refuses --account off a dev chain before any other check names the dev account.
      const signer = (await cli.signer()).account.address;
      if (account.toLowerCase() === connection.deployment.addresses.DisputeCourt.toLowerCase() && COURT_CONTRACT_ROLES.includes(roleName)) {
        throw new FailureError(
          `${action}: ${account} is the deployment's DisputeCourt, which carries rulings out with ${COURT_CONTRACT_ROLES.join(", ")}: ` +
            "revoking it would leave every ruling unenforceable; nothing sent",
          { role: roleName, account },
        );
      }
      await requireRoleAdmin(connection, action, signer, roleName, roleId);
      const before = await accessOf(connection, roleId, account);
      if (before.since === 0n) {
        throw new FailureError(`${action}: ${account} does not hold ${roleName}: nothing to revoke, nothing sent`, { role: roleName, account });
      }
      if (roleName === "ADMIN") {
        // Irreversible: with no administrator nobody can ever grant a role again. Hand over first, then revoke.
        const latest = await fromNode("the latest block", () => connection.client.getBlockNumber());
        const others = (await roleMembers(connection, latest, roleId)).filter((member) => member.account !== account);
        if (others.length === 0) {
          throw new FailureError(
            `${action}: ${account} is the ledger's last administrator: revoking it would leave nobody able to grant or revoke a role, ` +
              "forever. Grant ADMIN to its successor first (`provenance role grant ADMIN <account>`), then revoke; nothing sent",
            { role: roleName, account },
          );
        }
      }
      const result = await cli.send({ action, contract: "LedgerAccessManager", functionName: "revokeRole", args: [roleId, account] }, { print: false });
      cli.printTx(result, undefined, { lines: [`${roleName} revoked from ${account}`], fields: { role: roleName, roleId, account } });
    });

  role
    .command("members")
    .description("who holds each role now (or one role), read from the chain: the AccessManager's grants and revocations, each confirmed by its state")
    .argument("[role]", `only this role: ${ROLE_NAMES.join(", ")} (any case) or its id`)
    .action(async (rawRole: string | undefined) => {
      const only = rawRole === undefined ? undefined : parseRole("role", rawRole);
      const connection = await cli.connection();
      const latest = await fromNode("the latest block", () => connection.client.getBlock({ blockTag: "latest" }));
      const members = await roleMembers(connection, latest.number, only?.roleId);
      const rows = await Promise.all(
        members.map(async (member) => ({
          ...member,
          contract: contractName(connection, member.account) ?? null,
          party: await partyKind(connection, member.account, latest.number),
        })),
      );
      if (cli.json) {
        cli.out({ ok: true, block: latest.number, members: rows.map((row) => ({ ...row, since: isoDate(row.since) })) });
        return;
      }
      const lines = [`role members at block ${latest.number} (${isoDate(latest.timestamp)})`];
      const shown = only === undefined ? [...new Set([...ROLE_NAMES, ...rows.map((row) => row.role)])] : [only.role];
      for (const name of shown) {
        const ofRole = rows.filter((row) => row.role === name);
        lines.push(`${name}: ${ofRole.length === 0 ? "none" : ofRole.length}`);
        for (const row of ofRole) {
          const notes = [
            `${effectiveText(row.since, latest.timestamp)}, granted in block ${row.grantedInBlock}`,
            ...(row.contract === null ? [] : [`the deployment's ${row.contract}`]),
            ...(row.party === null ? [] : [`party: ${row.party}`]),
            ...(row.executionDelay === 0 ? [] : [`execution delay ${row.executionDelay} s`]),
          ];
          lines.push(`  ${row.account}  ${notes.join("; ")}`);
        }
      }
      cli.line(lines.join("\n"));
    });
}
