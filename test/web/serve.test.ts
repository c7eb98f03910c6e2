import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import express from "express";

import { mountWebPages } from "../../services/api/web.js";

describe("web: the API server serves the pages' bundle", () => {
  let dist: string;
  let server: Server;
  let base: string;

  before(async () => {
    dist = await mkdtemp(join(tmpdir(), "web-dist-"));
    const app = express();
    // Stands for the API's routes, registered before the pages as in createApi.
    app.get("/assets/:id", (req, res) => {
      res.json({ assetId: req.params.id });
    });
    mountWebPages(app, dist);
    app.use((_req, res) => {
      res.status(404).type("application/problem+json").send("{}");
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.close();
    await rm(dist, { recursive: true, force: true });
  });

  it("answers / with a problem naming the build command while the bundle is missing (not a 5xx)", async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).to.equal(404);
    expect(response.headers.get("content-type")).to.match(/problem\+json/);
    expect(((await response.json()) as { detail: string }).detail).to.match(/npm run build:web/);
  });

  it("serves the page at / and its files under /static once built; API routes keep precedence", async () => {
    await mkdir(join(dist, "static"), { recursive: true });
    await writeFile(join(dist, "index.html"), "<!doctype html><title>pages</title>");
    await writeFile(join(dist, "static", "app-1234.js"), "console.log(1)");
    const page = await fetch(`${base}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/text\/html/);
    expect(await page.text()).to.include("<title>pages</title>");
    const script = await fetch(`${base}/static/app-1234.js`);
    expect(script.status).to.equal(200);
    expect(script.headers.get("content-type")).to.match(/javascript/);
    // /assets/… stays the API's, whatever the bundle holds.
    expect(await (await fetch(`${base}/assets/7`)).json()).to.deep.equal({ assetId: "7" });
    expect((await fetch(`${base}/static/missing.js`)).status).to.equal(404);
    // No SPA fallback beyond `/`: the pages route by the hash.
    expect((await fetch(`${base}/contributor`)).status).to.equal(404);
  });
});
