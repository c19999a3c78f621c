// Launches Debian's chromium through playwright-core (never a browser playwright downloads).
// One browser is shared by the tests of a file; call closeBrowser() in an `after` hook.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** True when running in CI, where missing tools must fail the tests, never skip them. */
export function inCI() {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/**
 * A required tool is missing: in CI throw (the test fails); otherwise skip the test `t`.
 * Returns false so callers can `if (!require(...)) return;`.
 */
export function missing(t, what) {
  const msg = `${what} not installed: run scripts/browser-setup`;
  if (inCI()) throw new Error(`${msg} (CI is set: browser tests must not be skipped)`);
  t.skip(msg);
  return false;
}

let shared = null;

/**
 * The shared chromium, launched on first use; null (and `t` skipped) when chromium is
 * missing outside CI.
 */
export async function launch(t) {
  if (!existsSync(CHROMIUM)) return missing(t, `chromium (${CHROMIUM})`) || null;
  shared ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timeout: 60_000,
  });
  try {
    return await shared;
  } catch (err) {
    shared = null;
    throw new Error(`could not launch ${CHROMIUM}: ${err.message}`);
  }
}

export async function closeBrowser() {
  if (!shared) return;
  const pending = shared;
  shared = null;
  try {
    await (await pending).close();
  } catch {
    // launch failed: nothing to close
  }
}
