import { existsSync } from "node:fs";

import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium: `.ci/run` installs the package when it is missing. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/**
 * Headless Chromium for the browser tests, launched once more if the first launch crashes (it can, on a
 * loaded machine: the tests assert on pages, never on the launch). One browser per test file.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does it when missing)`);
  const launch = () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 120_000 });
  try {
    return await launch();
  } catch (error) {
    console.warn(`Chromium did not start (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); trying once more`);
    return await launch();
  }
}
