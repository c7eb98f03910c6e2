import { expect } from "chai";

import { canonicalHash } from "../../ledger/encoding/canonical.js";
import { CARD_V1, devAccount, signInAs, signInMessage, startCardLedger, startOtherApi, type CardLedger } from "../helpers/cardLedger.js";

interface Problem {
  status: number;
  detail: string;
  errors?: { field: string }[];
}

/**
 * Sign-In with Ethereum (EIP-4361) and who reads a card's restricted section. Accounts (Hardhat's dev
 * keys, the demo's roles): 1 registrar, 2 reviewer, 6 the logistics enterprise holding the asset, 7 a
 * customer with no role and no asset.
 */
describe("sign-in with Ethereum and the card's restricted section", function () {
  this.timeout(300_000);
  let ledger: CardLedger;
  const V1 = canonicalHash(CARD_V1);
  const MANAGEMENT = () => `/cards/${V1}/sections/management`;

  const session = async (body: unknown) => {
    const response = await fetch(`${ledger.url}/auth/session`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Problem & { token: string; address: string; expiresAt: string } };
  };
  const read = async (path: string, token?: string) => {
    const response = await fetch(ledger.url + path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Problem & { content: unknown } };
  };
  /** A message for account `index`, signed by account `signer` (the same unless told). */
  const signed = async (index: number, overrides: Parameters<typeof signInMessage>[2] = {}, signer = index) => {
    const message = await signInMessage(ledger, devAccount(index).address, overrides);
    return { message, signature: await devAccount(signer).signMessage({ message }) };
  };

  before(async () => {
    ledger = await startCardLedger("auth");
    const stored = await fetch(`${ledger.url}/cards/${V1}`, { method: "PUT", body: JSON.stringify(CARD_V1) });
    expect(stored.status).to.equal(201);
  });
  after(async () => {
    await ledger?.close();
  });

  it("gives a nonce with the domain and chain a message must name: the API's own host unless configured", async () => {
    const nonce = (await (await fetch(`${ledger.url}/auth/nonce`)).json()) as { nonce: string; expiresAt: string; domain: string; chainId: number };
    expect(nonce.nonce).to.match(/^[0-9a-f]{32}$/);
    expect(nonce.domain).to.equal(new URL(ledger.url).host);
    expect(nonce.chainId).to.equal(31337);
    expect(Date.parse(nonce.expiresAt) - ledger.clock.now).to.equal(5 * 60_000);
    const configured = await startOtherApi(ledger, { domain: "ledger.example.org" });
    try {
      const other = (await (await fetch(`${configured.url}/auth/nonce`, { headers: { host: "evil.example" } })).json()) as { domain: string };
      expect(other.domain).to.equal("ledger.example.org");
    } finally {
      await configured.close();
    }
  });

  it("signs the holder in, who reads the restricted section", async () => {
    const answer = await session(await signed(6));
    expect(answer.status).to.equal(200);
    expect(answer.body.address).to.equal(devAccount(6).address);
    expect(answer.body.token).to.match(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(Date.parse(answer.body.expiresAt) - ledger.clock.now).to.equal(15 * 60_000);
    const section = await read(MANAGEMENT(), answer.body.token);
    expect(section.status).to.equal(200);
    expect(section.body.content).to.deep.equal(CARD_V1.management);
    expect((await read("/auth/session", answer.body.token)).body).to.deep.equal({ address: devAccount(6).address });
  });

  it("lets a registrar and a reviewer read it, and refuses a signed-in stranger with 403", async () => {
    for (const index of [1, 2]) expect((await read(MANAGEMENT(), await signInAs(ledger, index))).status, `account ${index}`).to.equal(200);
    const stranger = await read(MANAGEMENT(), await signInAs(ledger, 7));
    expect(stranger.status).to.equal(403);
    expect(stranger.body.detail).to.contain(devAccount(7).address);
    // The public sections are anyone's.
    expect((await read(`/cards/${V1}/sections/usage`)).status).to.equal(200);
  });

  it("answers 401 without a session, and for a token that is not one", async () => {
    const none = await read(MANAGEMENT());
    expect(none.status).to.equal(401);
    expect(none.headers.get("www-authenticate")).to.equal("Bearer");
    const forged = await read(MANAGEMENT(), "A".repeat(43));
    expect(forged.status).to.equal(401);
    expect(forged.headers.get("www-authenticate")).to.equal('Bearer error="invalid_token"');
    // A bad token is a 401 on the public card too: the client must hear that its session no longer counts.
    expect((await read(`/cards/${V1}`, "A".repeat(43))).status).to.equal(401);
  });

  it("ends a session after 15 minutes", async () => {
    const token = await signInAs(ledger, 6);
    ledger.clock.now += 15 * 60_000 - 1_000;
    expect((await read(MANAGEMENT(), token)).status).to.equal(200);
    ledger.clock.now += 1_000;
    const expired = await read(MANAGEMENT(), token);
    expect(expired.status).to.equal(401);
    expect(expired.body.detail).to.contain("expired");
  });

  it("refuses a message signed by another account than it names", async () => {
    const answer = await session(await signed(6, {}, 7));
    expect(answer.status).to.equal(401);
    expect(answer.body.detail).to.contain(`signed by ${devAccount(7).address}, not by the account it names (${devAccount(6).address})`);
  });

  it("accepts a nonce once: a replayed sign-in is refused", async () => {
    const request = await signed(6);
    expect((await session(request)).status).to.equal(200);
    const replay = await session(request);
    expect(replay.status).to.equal(401);
    expect(replay.body.detail).to.contain("already used");
  });

  it("refuses a nonce never issued and one older than 5 minutes", async () => {
    const message = (await signInMessage(ledger, devAccount(6).address)).replace(/Nonce: \w+/, "Nonce: abcdef0123456789");
    expect((await session({ message, signature: await devAccount(6).signMessage({ message }) })).status).to.equal(401);
    const late = await signed(6);
    ledger.clock.now += 5 * 60_000;
    const answer = await session(late);
    expect(answer.status).to.equal(401);
    expect(answer.body.detail).to.contain("expired");
  });

  it("refuses another domain, another chain, an expired message and one issued in the future", async () => {
    const now = ledger.clock.now;
    const cases: [string, Parameters<typeof signInMessage>[2], string][] = [
      ["domain", { domain: "evil.example" }, "signs in to evil.example"],
      ["chain", { chainId: 1 }, "chain 1"],
      ["expired", { issuedAt: new Date(now - 120_000), expirationTime: new Date(now - 60_000) }, "expired at"],
      ["future", { issuedAt: new Date(now + 5 * 60_000) }, "in the future"],
    ];
    for (const [name, overrides, detail] of cases) {
      const answer = await session(await signed(6, overrides));
      expect(answer.status, name).to.equal(401);
      expect(answer.body.detail, name).to.contain(detail);
    }
  });

  it("holds a sign-in on every replica sharing a session secret, and on none with another secret", async () => {
    const secret = "9f1c0e47a3b2d5c8e6f4a1b0c3d2e5f7a9b8c1d0e3f2a5b4c7d6e9f8a1b0c3d2";
    const domain = "ledger.example.org";
    const [a, b, stranger] = await Promise.all([
      startOtherApi(ledger, { domain, secret }),
      startOtherApi(ledger, { domain, secret }),
      startOtherApi(ledger, { domain, secret: `${secret.slice(0, -1)}0` }),
    ]);
    const post = async (url: string, body: unknown) => {
      const response = await fetch(`${url}/auth/session`, { method: "POST", body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Problem & { token: string } };
    };
    const whoAmI = async (url: string, token: string) => {
      const response = await fetch(`${url}/auth/session`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as Problem & { address: string } };
    };
    try {
      // The nonce from replica A, the signed message presented to replica B.
      const message = await signInMessage({ url: a.url, clock: ledger.clock }, devAccount(6).address);
      expect(message).to.match(/Nonce: [0-9a-f]{60}\n/); // 8 random bytes, the expiry, a 16-byte HMAC
      const request = { message, signature: await devAccount(6).signMessage({ message }) };
      const signedIn = await post(b.url, request);
      expect(signedIn.status, signedIn.body.detail).to.equal(200);
      expect(signedIn.body.token).to.match(/^[A-Za-z0-9_-]{80}$/); // account, expiry and HMAC: 60 bytes
      expect((await whoAmI(a.url, signedIn.body.token)).body).to.deep.equal({ address: devAccount(6).address });
      expect((await whoAmI(b.url, signedIn.body.token)).body).to.deep.equal({ address: devAccount(6).address });
      // Another secret: neither the token nor the nonce is its own.
      expect((await whoAmI(stranger.url, signedIn.body.token)).status).to.equal(401);
      expect((await post(stranger.url, request)).status).to.equal(401);
      // Each replica accepts a nonce once; a token for another account (its bytes changed) fails its HMAC.
      const replay = await post(b.url, request);
      expect(replay.status).to.equal(401);
      expect(replay.body.detail).to.contain("already used");
      const bytes = Buffer.from(signedIn.body.token, "base64url");
      bytes[0] = bytes[0]! ^ 1;
      expect((await whoAmI(a.url, bytes.toString("base64url"))).status).to.equal(401);
      // A nonce carries its expiry: 5 minutes, whichever replica checks it.
      const lateMessage = await signInMessage({ url: a.url, clock: ledger.clock }, devAccount(7).address);
      const late = { message: lateMessage, signature: await devAccount(7).signMessage({ message: lateMessage }) };
      ledger.clock.now += 5 * 60_000;
      const lateAnswer = await post(b.url, late);
      expect(lateAnswer.status).to.equal(401);
      expect(lateAnswer.body.detail).to.contain("expired");
      // So does a token: 15 minutes on every replica.
      ledger.clock.now += 10 * 60_000;
      const expired = await whoAmI(a.url, signedIn.body.token);
      expect(expired.status).to.equal(401);
      expect(expired.body.detail).to.contain("expired");
    } finally {
      await Promise.all([a.close(), b.close(), stranger.close()]);
    }
  });

  it("answers 400 for a body that is not a sign-in request", async () => {
    expect((await session("not json")).status).to.equal(400);
    expect((await session({ message: "hello" })).status).to.equal(400);
    const notSiwe = await session({ message: "hello", signature: `0x${"11".repeat(65)}` });
    expect(notSiwe.status).to.equal(400);
    expect(notSiwe.body.detail).to.contain("not an EIP-4361 sign-in message");
    const badSignature = await session({ ...(await signed(6)), signature: "0x1234" });
    expect(badSignature.status).to.equal(400);
    expect(badSignature.body.errors![0]!.field).to.equal("signature");
  });
});
