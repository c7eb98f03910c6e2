import { readFile, writeFile } from "node:fs/promises";

import type { Command } from "commander";
import { getAddress, type Account, type Address, type Hex } from "viem";

import { assetRegistryAbi } from "../../ledger/abi.js";
import {
  certificateClaimsFrom,
  CredentialFormatError,
  didOf,
  issueCredential,
  nameIn,
  readCredential,
  verifyCertificateCredential,
  type CertificateClaims,
  type CertificateLedger,
  type CredentialVerdict,
  type ReadCredential,
} from "../../ledger/certificates/index.js";
import { chainCertificateLedger, registryRecordAt } from "../../services/shared/certificateLedger.js";
import { fromNode, signerFor, type Connection } from "../connection.js";
import type { CliContext } from "../context.js";
import { FailureError, InputError, toJson } from "../io.js";
import { askApi, problemDetail } from "../ledgerApi.js";
import { isoDate } from "../time.js";
import { parseId } from "../validate.js";

/**
 * Certificates people hold (登记证书): the printable PDF the API renders, and a registrar's verifiable
 * credential — signed only after the API's facts are checked against the chain — and its check, against the
 * chain alone, by anyone who is shown one.
 */

const LANGUAGES = ["zh-CN", "en"] as const;
type Language = (typeof LANGUAGES)[number];

/** The PDF is rendered on request (a CJK font subset each time): more than a JSON answer takes. */
const API_TIMEOUT_MS = 60_000;

const API_URL_HELP = "the ledger's HTTP API (env PROVENANCE_API_URL, default http://127.0.0.1:8080)";

/** `--lang`: checked before anything touches the network. */
function parseLanguage(raw: string): Language {
  const lang = LANGUAGES.find((known) => known === raw);
  if (lang === undefined) throw new InputError(`--lang: ${JSON.stringify(raw)} is not one of ${LANGUAGES.join(", ")}`, { argument: "--lang" });
  return lang;
}

/** A refused request for certificate `assetId` (no such asset, never issued, still in application): the API's reason. */
async function refusal(assetId: bigint, response: Response): Promise<FailureError> {
  const detail = await problemDetail(response);
  return new FailureError(`no certificate for asset ${assetId}: ${detail} (the API answered ${response.status})`, { assetId, status: response.status, detail });
}

const apiBase = (url: string) => url.replace(/\/+$/, "");

async function writeOut(cli: CliContext, file: string, content: string | Uint8Array): Promise<void> {
  try {
    await writeFile(cli.path(file), content);
  } catch (error) {
    throw new InputError(`--out: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { argument: "--out", file });
  }
}

/** What the CLI's deployment checks credentials against: its registry and access manager, read from the node. */
function certificateLedgerOf(connection: Connection): CertificateLedger {
  const { addresses, fromBlock } = connection.deployment;
  return chainCertificateLedger(connection.client, {
    chainId: connection.chainId,
    registry: addresses.AssetRegistry,
    accessManager: addresses.LedgerAccessManager,
    fromBlock,
  });
}

/** An asset's record in the registry at `blockNumber`: what the API's facts are compared with. */
async function registryRecordOf(connection: Connection, assetId: bigint, fingerprint: Hex, blockNumber: bigint) {
  const record = await fromNode(`asset ${assetId} at block ${blockNumber}`, () =>
    registryRecordAt(connection.client, connection.deployment.addresses.AssetRegistry, assetId, fingerprint, blockNumber),
  );
  if (record === undefined) throw new FailureError(`the registry has no asset ${assetId} at block ${blockNumber}`, { assetId, blockNumber });
  return record;
}

/** The certificate's facts as the API states them, checked to be this deployment's and this asset's. */
async function claimsFromApi(connection: Connection, apiUrl: string, assetId: bigint): Promise<CertificateClaims> {
  const url = `${apiBase(apiUrl)}/assets/${assetId}/certificate`;
  const response = await askApi(url, { accept: "application/json", timeoutMs: API_TIMEOUT_MS });
  if (response.status === 404) throw await refusal(assetId, response);
  if (response.status !== 200) throw new FailureError(`${url} answered ${response.status}: ${await problemDetail(response)}`, { url });
  let claims: CertificateClaims;
  try {
    claims = certificateClaimsFrom(await response.json());
  } catch (error) {
    if (error instanceof CredentialFormatError || error instanceof SyntaxError) {
      throw new FailureError(`${url} did not answer with a certificate (is it the provenance API?): ${error.message}`, { url });
    }
    throw error;
  }
  const registry = connection.deployment.addresses.AssetRegistry;
  if (claims.chainId !== connection.chainId || getAddress(claims.registry) !== getAddress(registry)) {
    throw new FailureError(
      `the API at ${apiBase(apiUrl)} serves chain ${claims.chainId}, registry ${getAddress(claims.registry)}; this deployment is chain ${connection.chainId}, registry ${getAddress(registry)} (see --api-url, --deployment)`,
      { url },
    );
  }
  if (claims.registrationNumber !== assetId.toString()) {
    throw new FailureError(`${url} answered with certificate ${claims.registrationNumber}, not ${assetId}: not signed`, { url });
  }
  return claims;
}

/**
 * Refuses to sign what a verifier would reject or what the chain does not say: a signer without the
 * registrar role (now, and at the block of the facts, which is the block a verifier checks), a certificate
 * not ISSUED, facts that differ from the chain's at their block, or a certificate ended or moved since.
 */
async function checkBeforeSigning(connection: Connection, claims: CertificateClaims, signer: Address): Promise<void> {
  const ledger = certificateLedgerOf(connection);
  const assetId = BigInt(claims.registrationNumber);
  const block = BigInt(claims.asOf.block);
  const latest = await fromNode("the latest block", () => connection.client.getBlockNumber());

  if (!(await fromNode("the registrar role", () => ledger.registrarAt(signer, latest)))) {
    throw new FailureError(`account ${signer} does not hold the registrar role: only a registrar issues certificate credentials`, { signer });
  }
  const heldAtBlock = await fromNode(`the registrar role at block ${block}`, () => ledger.registrarAt(signer, block));
  if (heldAtBlock === undefined) {
    throw new FailureError(`the API's facts are from block ${block}, which the node (at block ${latest}) has not reached: is it following another chain?`, { block });
  }
  if (!heldAtBlock) {
    throw new FailureError(
      `account ${signer} did not hold the registrar role at block ${block}, the block of the API's facts, which a verifier checks: wait for the API to index a later block`,
      { signer, block },
    );
  }

  if (claims.status !== "ISSUED") {
    const inApplication = claims.status === "APPLIED" || claims.status === "IN_NOTICE";
    throw new FailureError(
      inApplication
        ? `asset ${assetId} is still in application (${claims.status}): no certificate was issued yet, there is nothing to sign`
        : `certificate ${assetId} is ${claims.status}: only an ISSUED certificate gets a credential`,
      { assetId, status: claims.status },
    );
  }

  const then = await registryRecordOf(connection, assetId, claims.fingerprint, block);
  // Every claim the registry keeps is compared; the card's hash and URI are in its events only, and come with the evidence head.
  const claimedPledgee = claims.encumbrances.pledge === null ? null : getAddress(claims.encumbrances.pledge.pledgee);
  const parentsOnChain = await fromNode(`the parents of asset ${assetId}`, () =>
    Promise.all(
      claims.parents.map((parent) =>
        connection.client.readContract({
          address: connection.deployment.addresses.AssetRegistry,
          abi: assetRegistryAbi,
          functionName: "isParentOf",
          args: [assetId, BigInt(parent)],
          blockNumber: block,
        }),
      ),
    ),
  );
  const differences = [
    then.status === claims.status ? undefined : `status ${then.status} on chain, ${claims.status} in the API`,
    ...(["kind", "category", "classification"] as const).map((field) =>
      then[field] === claims[field] ? undefined : `${field} ${then[field]} on chain, ${claims[field]} in the API`,
    ),
    then.cardVersion === claims.card.version ? undefined : `card version ${then.cardVersion} on chain, ${claims.card.version} in the API`,
    then.pledgee === claimedPledgee ? undefined : `pledgee ${then.pledgee ?? "none"} on chain, ${claimedPledgee ?? "none"} in the API`,
    then.openObjections === claims.encumbrances.openObjections
      ? undefined
      : `${then.openObjections} open objections on chain, ${claims.encumbrances.openObjections} in the API`,
    parentsOnChain.every(Boolean) ? undefined : `parents ${claims.parents.filter((_, i) => !parentsOnChain[i]).join(", ")} in the API are not on chain`,
    then.holder === getAddress(claims.holder) ? undefined : `holder ${then.holder} on chain, ${getAddress(claims.holder)} in the API`,
    then.fingerprintOwner === assetId ? undefined : `the fingerprint ${claims.fingerprint} is registration ${then.fingerprintOwner} on chain`,
    then.evidence.seq === claims.evidenceHead.seq && then.evidence.head.toLowerCase() === claims.evidenceHead.head.toLowerCase()
      ? undefined
      : `evidence head #${then.evidence.seq} ${then.evidence.head} on chain, #${claims.evidenceHead.seq} ${claims.evidenceHead.head} in the API`,
  ].filter((text) => text !== undefined);
  if (differences.length > 0) {
    throw new FailureError(`the API's facts differ from the chain at block ${block}: ${differences.join("; ")}; is the indexer behind?`, { block, differences });
  }

  // A credential of facts the chain has moved past would be born invalid: the certificate must still be ISSUED, to the same holder.
  if (latest > block) {
    const now = await registryRecordOf(connection, assetId, claims.fingerprint, latest);
    const moved = [
      now.status === "ISSUED" ? undefined : `it is ${now.status} now`,
      now.holder === getAddress(claims.holder) ? undefined : `it is held by ${now.holder} now`,
    ].filter((text) => text !== undefined);
    if (moved.length > 0) {
      throw new FailureError(
        `certificate ${assetId} changed after block ${block}, the block of the API's facts: ${moved.join(", ")}; the credential would not verify (is the indexer behind?)`,
        { block, latest },
      );
    }
  }
}

/** The viem local account that signs: `--account` or the key in the environment. */
function hashSigner(account: Account): { address: Address; sign(args: { hash: Hex }): Promise<Hex> } {
  const { sign } = account as { sign?: (args: { hash: Hex }) => Promise<Hex> };
  if (sign === undefined) throw new InputError("the signing account cannot sign a hash (it must be a private key)", { argument: "--account" });
  return { address: account.address, sign };
}

const mark = { pass: "✓", fail: "✗", skipped: "–" } as const;

function verdictLines(file: string, credential: ReadCredential, verdict: CredentialVerdict): string[] {
  const { credential: about } = verdict;
  const lines = [
    `${file}: credential for certificate ${about.registrationNumber} (chain ${about.chainId}, registry ${about.registry})`,
    `  issued by ${credential.issuer.did} at block ${about.issuedAtBlock}, to ${credential.subject.did}, as of evidence entry #${about.evidenceSeq}`,
    ...verdict.checks.map((check) => `  ${mark[check.outcome]} ${check.name}: ${check.detail}`),
  ];
  if (verdict.changesSince.length > 0) {
    lines.push(`evidence entries since issue (${verdict.changesSince.length}):`);
    for (const change of verdict.changesSince) {
      lines.push(`  #${change.seq} ${change.eventName} at ${isoDate(BigInt(change.timestamp))}, block ${change.block}, by ${change.actor}, transaction ${change.transaction}`);
    }
  }
  const failed = verdict.checks.filter((check) => check.outcome === "fail").map((check) => check.name);
  lines.push(verdict.valid ? "VALID" : `NOT VALID: failed checks ${failed.join(", ")}`);
  return lines;
}

export function registerCertificates(program: Command, cli: CliContext): void {
  const certificate = program
    .command("certificate")
    .description("registration certificates people hold: the printable PDF, and a registrar's verifiable credential checked against the chain");

  certificate
    .command("pdf")
    .description("download a certificate's printable PDF (A4, with a QR code to check it) from the API")
    .argument("<id>", "registration number (asset id)")
    .option("--lang <lang>", `language: ${LANGUAGES.join(" or ")}`, "zh-CN")
    .requiredOption("--out <file.pdf>", "where to write the PDF")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (raw: string, opts: { lang: string; out: string; apiUrl?: string }) => {
      const assetId = parseId("id", raw);
      const lang = parseLanguage(opts.lang);
      const base = apiBase(cli.apiUrl(opts.apiUrl));
      const url = `${base}/assets/${assetId}/certificate.pdf?lang=${lang}`;
      const response = await askApi(url, { accept: "application/pdf", timeoutMs: API_TIMEOUT_MS });
      if (response.status === 404 || response.status === 409) throw await refusal(assetId, response);
      if (response.status !== 200) throw new FailureError(`${url} answered ${response.status}: ${await problemDetail(response)}`, { url });
      const bytes = new Uint8Array(await response.arrayBuffer());
      // A PDF starts with its header: anything else is not the API's certificate.
      if (new TextDecoder().decode(bytes.subarray(0, 5)) !== "%PDF-") {
        throw new FailureError(`${url} answered with something that is not a PDF (${response.headers.get("content-type") ?? "no content type"}): is it the provenance API?`, { url });
      }
      await writeOut(cli, opts.out, bytes);
      cli.result(
        { assetId, lang, file: cli.path(opts.out), bytes: bytes.length },
        `certificate ${assetId} (${lang}) written to ${opts.out} (${bytes.length.toLocaleString("en-US")} bytes)`,
      );
    });

  certificate
    .command("credential")
    .description(
      "issue a certificate's verifiable credential (W3C VC as a JWT, signed ES256K by --account / the key; registrar only), after checking the API's facts against the chain",
    )
    .argument("<id>", "registration number (asset id)")
    .requiredOption("--out <file>", "where to write it: a .jwt file gets the compact JWT, any other (cert.vc.json) the JSON credential")
    .option("--api-url <url>", API_URL_HELP)
    .action(async (raw: string, opts: { out: string; apiUrl?: string }) => {
      const assetId = parseId("id", raw);
      const apiUrl = cli.apiUrl(opts.apiUrl);
      const chosen = cli.account();
      const issuer = hashSigner(chosen.account);
      const connection = await cli.connection();
      // Refuses a public dev key off a dev chain, as for a transaction.
      signerFor(connection, chosen);
      const claims = await claimsFromApi(connection, apiUrl, assetId);
      await checkBeforeSigning(connection, claims, issuer.address);

      const { jwt, payload, document } = await issueCredential(claims, issuer);
      const asJwt = opts.out.toLowerCase().endsWith(".jwt");
      await writeOut(cli, opts.out, asJwt ? `${jwt}\n` : `${toJson(document)}\n`);

      const holderName = nameIn(claims.holderName, "en");
      const asOf = `block ${claims.asOf.block} (${isoDate(BigInt(claims.asOf.timestamp))})`;
      cli.result(
        {
          file: cli.path(opts.out),
          format: asJwt ? "jwt" : "json",
          registrationNumber: claims.registrationNumber,
          holder: claims.holder,
          evidenceHead: claims.evidenceHead,
          asOf: claims.asOf,
          issuer: payload.iss,
          subject: payload.sub,
          jwt,
        },
        [
          `credential for certificate ${claims.registrationNumber} written to ${opts.out} (${asJwt ? "compact JWT" : "JSON credential with its JWT"})`,
          `  ${claims.kind} ${claims.category} ${claims.classification}, ${claims.status} as of ${asOf}`,
          `  holder: ${claims.holder}${holderName === undefined ? "" : ` (${holderName})`}, ${payload.sub}`,
          `  evidence: ${claims.evidenceHead.seq} entries, head ${claims.evidenceHead.head}`,
          `  issuer: ${didOf(claims.chainId, issuer.address)}`,
        ].join("\n"),
      );
    });

  certificate
    .command("verify")
    .description(
      "check a certificate credential (.jwt or .vc.json) against the chain: signature, the issuer's registrar role at issue, status, fingerprint, holder (exit 1 when not valid)",
    )
    .argument("<file>", "the credential file")
    .action(async (file: string) => {
      let text: string;
      try {
        text = await readFile(cli.path(file), "utf8");
      } catch (error) {
        throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: cli.path(file) });
      }
      let credential: ReadCredential;
      try {
        credential = readCredential(text);
      } catch (error) {
        if (!(error instanceof CredentialFormatError)) throw error;
        throw new FailureError(`${file}: not a certificate credential: ${error.message}`, { file: cli.path(file) });
      }
      const connection = await cli.connection();
      const verdict = await fromNode("the ledger to check the credential against", () => verifyCertificateCredential(credential, certificateLedgerOf(connection)));
      if (cli.json) cli.out({ ok: verdict.valid, file: cli.path(file), ...verdict });
      else cli.line(verdictLines(file, credential, verdict).join("\n"));
      if (!verdict.valid) {
        const failed = verdict.checks.filter((check) => check.outcome === "fail").map((check) => check.name);
        throw new FailureError(`${file}: NOT VALID: failed checks ${failed.join(", ")}`, { failed }).afterOutput();
      }
    });
}
