import { certificateCheckUrl, CredentialFormatError, readCredential, verifyCertificateCredential } from "../../../ledger/certificates/index.js";
import { AssetStatus, enumName } from "../../../ledger/types.js";
import { certificateClaims } from "../certificates/claims.js";
import { renderCertificatePdf } from "../certificates/pdf.js";
import { requireAsset } from "../present.js";
import { badRequest, conflict, notFound, unavailable } from "../problems.js";
import { defineRoute, type ApiDocument } from "../route.js";
import { Certificate, CredentialVerdict, IdInput, query } from "../schemas.js";
import { z } from "../zod.js";
import type { ApiContext } from "../context.js";
import type { AssetRecord } from "../../../ledger/state/index.js";

const IdParams = z.object({ id: IdInput });

const PdfQuery = query({
  lang: z.enum(["zh-CN", "en"]).default("zh-CN").openapi({ description: "The certificate's language (default Chinese)" }),
});

/** An asset with a certificate to print: issued once (it may be cancelled or destroyed since, which the certificate says). */
function requireIssued(asset: AssetRecord): void {
  if (asset.issued !== null) return;
  if (asset.status === AssetStatus.APPLIED || asset.status === AssetStatus.IN_NOTICE) {
    throw conflict(`asset ${asset.assetId} is still in application (${enumName(AssetStatus, asset.status)}): no certificate was issued yet`);
  }
  throw notFound(`asset ${asset.assetId} was never issued a certificate (${enumName(AssetStatus, asset.status)})`);
}

async function certificateOf(context: ApiContext, id: bigint) {
  const asset = requireAsset(context.sources.state, id);
  const claims = await certificateClaims(context, asset);
  return { asset, claims, checkUrl: certificateCheckUrl(context.certificates.webUrl(), claims.registrationNumber, claims.evidenceHead.seq) };
}

export const certificateRoutes = [
  defineRoute({
    path: "/assets/{id}/certificate",
    tag: "certificates",
    summary: "The registration certificate of an asset: what the printed certificate shows and a credential signs",
    params: IdParams,
    response: Certificate,
    problems: [404],
    async handle({ params }, context) {
      const { claims, checkUrl } = await certificateOf(context, params.id);
      return { ...claims, checkUrl };
    },
  }),
  defineRoute({
    path: "/assets/{id}/certificate.pdf",
    tag: "certificates",
    summary: "The registration certificate as a printable PDF (A4), in Chinese or English, with a QR code to check it",
    description:
      "404 for an unknown asset or one never issued (refused); 409 for one still in application. A certificate cancelled or destroyed since its issue prints with that status.",
    params: IdParams,
    query: PdfQuery,
    response: z.unknown(),
    produces: "application/pdf",
    problems: [404, 409],
    async handle({ params, query: q }, context): Promise<ApiDocument> {
      const { asset, claims, checkUrl } = await certificateOf(context, params.id);
      requireIssued(asset);
      return { render: () => renderCertificatePdf({ claims, lang: q.lang, checkUrl }), filename: `certificate-${claims.registrationNumber}-${q.lang}.pdf` };
    },
  }),
  defineRoute({
    path: "/certificates/verify",
    tag: "certificates",
    method: "post",
    summary: "Checks a certificate credential (a JWT, or its JSON form) against the chain",
    description:
      "Valid only when the signature is the issuer's, the issuer held the registrar role at the block of issue, the certificate is still ISSUED, " +
      "and its fingerprint and holder are the chain's. A body that is not a certificate credential is a 400 naming what is wrong.",
    bodyDescription: "The credential file's content: a compact JWT, or the JSON credential with a JwtProof2020 proof",
    response: CredentialVerdict,
    problems: [503],
    async handle({ body }, context) {
      const { ledger } = context.certificates;
      if (ledger === undefined) throw unavailable("this API has no chain to check credentials against");
      if (body.trim() === "") throw badRequest("send the credential as the request body", [{ in: "body", field: "body", message: "empty" }]);
      let credential: ReturnType<typeof readCredential>;
      try {
        credential = readCredential(body);
      } catch (error) {
        if (!(error instanceof CredentialFormatError)) throw error;
        throw badRequest(`not a certificate credential: ${error.message}`, [{ in: "body", field: "body", message: error.message }]);
      }
      try {
        return await verifyCertificateCredential(credential, ledger);
      } catch (error) {
        context.logger.warn({ err: error }, "a credential check could not read the chain");
        throw unavailable(`cannot read the chain to check the credential: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      }
    },
  }),
];
