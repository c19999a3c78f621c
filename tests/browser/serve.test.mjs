// Live reload in a real browser: `kbgen serve` on a copy of the fixture site; the test edits
// a page's Markdown (or the stylesheet) and waits for the open page to show it, without navigating.
//
//   KBGEN_BIN=$PWD/target/debug/kbgen node --test tests/browser/serve.test.mjs
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, closeBrowser } from "./lib/browser.mjs";
import { startServe } from "./lib/kbgen-serve.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = process.env.KBGEN_BIN || path.join(REPO, "target", "debug", "kbgen");
const cleanup = [];
after(async () => {
  for (const f of cleanup) await f();
  await closeBrowser();
});

/**
 * A temporary copy of the fixture site served by `kbgen serve`, and a new browser page; null
 * (the test skipped) without chromium outside CI. `prepare(root)` runs before the server starts.
 */
async function servedCopy(t, prepare = () => {}) {
  const browser = await launch(t);
  if (!browser) return null;
  const root = mkdtempSync(path.join(tmpdir(), "kbgen-serve-"));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  cpSync(path.join(REPO, "tests", "fixtures", "site"), root, { recursive: true });
  prepare(root);
  const { child, base } = await startServe(BIN, root);
  cleanup.push(() => child.kill());
  return { root, base, page: await browser.newPage() };
}

test("saving a page's Markdown updates the open page without navigation by the test", async (t) => {
  const served = await servedCopy(t);
  if (!served) return;
  const { root, base, page } = served;
  await page.goto(`${base}practices/2023-shanxi-dui-biao/index.html`);
  assert.match(await page.textContent("main"), /找差距、补短板/);
  await page.waitForTimeout(300); // the event stream connects

  const file = path.join(root, "content", "practices", "2023-shanxi-dui-biao.md");
  const saved = Date.now();
  writeFileSync(file, readFileSync(file, "utf8").replace("找差距、补短板", "浏览器里看到的新句子"));
  await page.waitForFunction(() => document.querySelector("main").textContent.includes("浏览器里看到的新句子"), null, { timeout: 15_000 });
  t.diagnostic(`save → browser shows it: ${Date.now() - saved} ms`);
});

test("saving a stylesheet restyles the open page without reloading it", async (t) => {
  const served = await servedCopy(t, (root) => mkdirSync(path.join(root, "static")));
  if (!served) return;
  const { root, base, page } = served;
  await page.goto(`${base}index.html`);
  await page.waitForTimeout(300); // the event stream connects
  // A reload would lose this; a stylesheet swap keeps it.
  await page.evaluate(() => { window.kbgenMarker = "still here"; });
  const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(before, "rgb(1, 2, 3)");

  // The project's static/style.css replaces the built-in one.
  const builtin = readFileSync(path.join(REPO, "static", "style.css"), "utf8");
  const saved = Date.now();
  writeFileSync(path.join(root, "static", "style.css"), `${builtin}\nbody { background: rgb(1, 2, 3); }\n`);
  await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(1, 2, 3)", null, { timeout: 15_000 });
  t.diagnostic(`save → new style shown: ${Date.now() - saved} ms`);
  assert.equal(await page.evaluate(() => window.kbgenMarker), "still here", "the page was not reloaded");
});

/** The built-in practice template with `extra` inside its main block, as the project's own. */
function practiceTemplate(root, extra) {
  mkdirSync(path.join(root, "templates"), { recursive: true });
  const builtin = readFileSync(path.join(REPO, "templates", "practice.html"), "utf8");
  writeFileSync(path.join(root, "templates", "practice.html"), builtin.replace("</h1>", `</h1>${extra}`));
}

test("a body edit swaps the new <main> into the open page: no reload, scroll kept, no handler of it run", async (t) => {
  // The template's image runs its onerror once at load; a swapped-in copy must not run it.
  const probe = `<img id="probe" alt="" src="data:," onerror="window.kbgenRan=(window.kbgenRan||0)+1">`;
  const served = await servedCopy(t, (root) => practiceTemplate(root, probe));
  if (!served) return;
  const { root, base, page } = served;
  await page.setViewportSize({ width: 390, height: 300 });
  await page.goto(`${base}practices/2023-shanxi-dui-biao/index.html`);
  await page.waitForTimeout(300); // the event stream connects
  assert.equal(await page.evaluate(() => window.kbgenRan), 1, "the page's own handler ran at load");
  await page.evaluate(() => { window.kbgenMarker = "still here"; window.scrollTo(0, 200); });
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 100, `the page scrolls (${scrolled})`);

  const file = path.join(root, "content", "practices", "2023-shanxi-dui-biao.md");
  const saved = Date.now();
  writeFileSync(file, readFileSync(file, "utf8").replace("找差距、补短板", "换进来的新句子"));
  await page.waitForFunction(() => document.querySelector("main").textContent.includes("换进来的新句子"), null, { timeout: 15_000 });
  t.diagnostic(`save → swapped in: ${Date.now() - saved} ms`);
  assert.equal(await page.evaluate(() => window.kbgenMarker), "still here", "the page was not reloaded");
  assert.ok(await page.evaluate(() => document.documentElement.hasAttribute("data-kbgen-version")), "swapped by serve's client");
  assert.equal(await page.evaluate(() => window.scrollY), scrolled, "the scroll position is kept");
  assert.equal(await page.evaluate(() => window.kbgenRan), 1, "no handler of the swapped-in HTML ran");
  assert.equal(await page.evaluate(() => document.getElementById("probe").hasAttribute("onerror")), false);
  assert.equal(await page.locator("main h1").count(), 1, "one main, replaced, not nested");
});

test("a template edit reloads the open page (its shell changed)", async (t) => {
  const served = await servedCopy(t, (root) => practiceTemplate(root, "<p>模板甲</p>"));
  if (!served) return;
  const { root, base, page } = served;
  await page.goto(`${base}practices/2023-shanxi-dui-biao/index.html`);
  await page.waitForTimeout(300); // the event stream connects
  await page.evaluate(() => { window.kbgenMarker = "still here"; });
  const builtin = readFileSync(path.join(REPO, "templates", "practice.html"), "utf8");
  // The change is in the head (a meta tag), so swapping <main> alone would miss it.
  writeFileSync(
    path.join(root, "templates", "practice.html"),
    builtin.replace("</h1>", "</h1><p>模板乙</p>").replace("{% block head %}{{ super() }}", '{% block head %}{{ super() }}\n<meta name="kbgen-test" content="乙">'),
  );
  await page.waitForFunction(() => document.querySelector("main").textContent.includes("模板乙"), null, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => document.querySelector('meta[name="kbgen-test"]')?.content), "乙");
  assert.equal(await page.evaluate(() => window.kbgenMarker), undefined, "the page was reloaded");
});

/** Opens a raw live-reload stream; resolves with the socket once the status line is in. */
function openStream(base) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () =>
      socket.write(`GET /__kbgen/events HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`));
    let head = "";
    socket.on("data", function first(d) {
      head += d;
      if (!head.includes("\r\n")) return;
      socket.off("data", first);
      resolve({ socket, status: Number(head.split(" ")[1]) });
    });
    socket.on("error", reject);
  });
}

test("a page that finds every live-reload place taken keeps trying and reloads once one frees", async (t) => {
  const served = await servedCopy(t);
  if (!served) return;
  const { root, base, page } = served;
  // Take all 256 places (the 257th is refused), then open the page: its stream is refused.
  const streams = [];
  for (;;) {
    const s = await openStream(base);
    if (s.status !== 200) {
      assert.equal(s.status, 503);
      s.socket.destroy();
      break;
    }
    streams.push(s.socket);
  }
  assert.equal(streams.length, 256);
  const refused = page.waitForResponse((r) => r.url().endsWith("/__kbgen/events") && r.status() === 503);
  await page.goto(`${base}practices/2023-shanxi-dui-biao/index.html`);
  await refused;
  for (const s of streams) s.destroy();
  await page.waitForResponse((r) => r.url().endsWith("/__kbgen/events") && r.status() === 200, { timeout: 15_000 });

  const file = path.join(root, "content", "practices", "2023-shanxi-dui-biao.md");
  writeFileSync(file, readFileSync(file, "utf8").replace("找差距、补短板", "等到位置后看到的新句子"));
  await page.waitForFunction(() => document.querySelector("main").textContent.includes("等到位置后看到的新句子"), null, { timeout: 15_000 });
});
