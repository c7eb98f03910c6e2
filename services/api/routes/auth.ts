import { signedInAccount, verifySignIn } from "../auth/index.js";
import { badRequest } from "../problems.js";
import { defineRoute } from "../route.js";
import { z } from "../zod.js";

/** Sign-In with Ethereum (EIP-4361): a nonce, then a session for the signed message. */

const Nonce = z
  .object({
    nonce: z.string().openapi({ description: "For the message's `Nonce:` line; accepted once, within 5 minutes" }),
    expiresAt: z.string().openapi({ description: "When the nonce expires (ISO 8601)" }),
    domain: z.string().openapi({ description: "The domain the message must name (its first line): this API's host as configured" }),
    chainId: z.number().int().openapi({ description: "The chain id the message must name" }),
  })
  .openapi("SignInNonce");

const SessionRequest = z.object({ message: z.string().max(8_000), signature: z.string().max(200) }).strict();

const SessionAnswer = z
  .object({
    token: z.string().openapi({ description: "Send as `Authorization: Bearer <token>`" }),
    address: z.string().openapi({ description: "The signed-in account, checksummed" }),
    expiresAt: z.string().openapi({ description: "When the session ends (ISO 8601): 15 minutes after sign-in" }),
  })
  .openapi("SignInSession");

const SessionInfo = z
  .object({ address: z.string().nullable().openapi({ description: "The signed-in account, or null without a session" }) })
  .openapi("SignedIn");

export const authRoutes = [
  defineRoute({
    path: "/auth/nonce",
    tag: "sign-in",
    summary: "A nonce for a Sign-In with Ethereum (EIP-4361) message",
    description:
      "Single-use, valid 5 minutes. At most 10,000 are outstanding: asking for more forgets the oldest. " +
      "The message must name the domain and chain id answered here; sign it with `personal_sign` (an EOA) and POST it to `/auth/session`.",
    response: Nonce,
    problems: [429],
    rateLimit: "signIn",
    handle(_input, context) {
      const { nonce, expiresAt } = context.auth.nonces.issue();
      return { nonce, expiresAt: new Date(expiresAt).toISOString(), domain: context.auth.domain(), chainId: context.deployment.chainId };
    },
  }),
  defineRoute({
    path: "/auth/session",
    method: "post",
    tag: "sign-in",
    summary: "Signs in: a session for a signed EIP-4361 message",
    description:
      "Refused (401) for a signature by another account than the message names, a nonce not issued here, already used or expired, " +
      "another domain or chain id, a message past its Expiration Time or before its Not Before, or issued in the future. " +
      "Sessions last 15 minutes and live in this process: replicas do not share them, and a restart ends them.",
    bodyDescription: 'JSON `{"message": "<the EIP-4361 message>", "signature": "0x…"}`',
    bodyMediaType: "application/json",
    response: SessionAnswer,
    problems: [401, 429],
    rateLimit: "signIn",
    async handle({ body }, context) {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw badRequest("the body must be JSON: {message, signature}", [{ in: "body", field: "(body)", message: "not JSON" }]);
      }
      const request = SessionRequest.safeParse(json);
      if (!request.success) {
        const errors = request.error.issues.map((issue) => ({
          in: "body" as const,
          field: issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".") || "(body)",
          message: issue.code === "unrecognized_keys" ? "unknown field" : issue.message,
        }));
        throw badRequest(`invalid sign-in request: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`, errors);
      }
      const { auth } = context;
      const address = await verifySignIn(request.data.message, request.data.signature, {
        domain: auth.domain(),
        chainId: context.deployment.chainId,
        now: auth.now(),
        nonces: auth.nonces,
      });
      const session = auth.sessions.create(address);
      return { token: session.token, address: session.address, expiresAt: new Date(session.expiresAt).toISOString() };
    },
  }),
  defineRoute({
    path: "/auth/session",
    tag: "sign-in",
    summary: "Who the bearer token signs in, if anyone",
    response: SessionInfo,
    problems: [401],
    handle({ authorization }, context) {
      return { address: signedInAccount(authorization, context.auth.sessions) ?? null };
    },
  }),
];
