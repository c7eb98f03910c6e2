import { existsSync } from "node:fs";
import { join } from "node:path";

import express, { type Express } from "express";

import { sendProblem } from "./problems.js";

/** Where `npm run build:web` writes the bundle of `web/`. */
const WEB_DIST = new URL("../../web/dist/", import.meta.url).pathname;

/**
 * Serves the web pages (the Vite bundle of `web/`) at `/`. Mounted after the API's routes, so those keep
 * precedence; the bundle's files live under `/static/`, which no API route uses. The pages route by the
 * URL's hash, so only `/` (and `/index.html`) answers the page itself.
 *
 * Without a bundle `/` is a 404 problem saying how to build it (checked per request: a build run while
 * the server is up is picked up). Not a 5xx: the API is healthy, only its pages are missing.
 */
export function mountWebPages(app: Express, dist: string = WEB_DIST): void {
  const page = join(dist, "index.html");
  const sendPage: express.RequestHandler = (req, res) => {
    if (!existsSync(page)) {
      sendProblem(res, 404, "the web pages are not built: run `npm run build:web` (npm start does it)", req.originalUrl);
      return;
    }
    // The page names its hashed bundle files: never serve a stale one from a cache.
    res.setHeader("cache-control", "no-cache");
    res.sendFile(page);
  };
  app.get(["/", "/index.html"], sendPage);
  // Hashed file names: immutable.
  app.use("/static", express.static(join(dist, "static"), { index: false, fallthrough: true, immutable: true, maxAge: "1y" }));
}
