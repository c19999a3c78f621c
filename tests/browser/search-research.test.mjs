// The search page as a researcher uses it, in a real browser, on the fixture project of
// tests/js/search-fixture.mjs (built here with KBGEN_BIN, served under /kb/): filters in the
// URL with an exact count, a place in the query as a removable chip, a mechanism's synonym,
// why each result matched, export, paging that survives back, and the filters on a phone.
//
//   KBGEN_BIN=$PWD/target/debug/kbgen node --test tests/browser/search-research.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { serve } from "./lib/serve.mjs";
import { launch, closeBrowser } from "./lib/browser.mjs";
import { build, parseCsv } from "../js/search-fixture.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = process.env.KBGEN_BIN || path.join(REPO, "target", "debug", "kbgen");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let fixture, server, browser;
before(async (t) => {
  fixture = build(BIN);
  server = await serve(fixture.site, "/kb/");
  browser = await launch(t);
});
after(async () => {
  await server?.close();
  await closeBrowser();
  fixture?.remove();
});

const within = (p, place) => p.region === place || p.region.startsWith(place + "/");
const river = (p) => p.mechanism.includes("river-chief") || p.mechanism.includes("river-police-chief");

/** Opens `query` (a query string) on the search page; resolves when the results are drawn. */
async function open(page, query) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}search/index.html?${query}`);
  await done(page);
  assert.deepEqual(errors, []);
}
const done = async (page) => {
  await page.waitForSelector("#results[data-search-complete]", { state: "attached", timeout: 15_000 });
  await page.waitForSelector("#facets[data-facets-complete]", { state: "attached", timeout: 15_000 });
};
const shown = (page) => page.$$eval("[data-search-result] a[href]", (as) => as.map((a) => a.getAttribute("href").split("/").at(-2)));
const total = async (page) => Number((await page.textContent("#search-status")).match(/共 (\d+) 条/)?.[1]);

/** Clicks 显示更多结果 until every result is on the page. */
async function showAll(page) {
  while (await page.isVisible("#more-results")) {
    await page.click("#more-results");
    await done(page);
  }
  return shown(page);
}

test("a research link (mechanism, county, years) lists exactly its practices, all reachable, and exports them as practices.csv's rows", async (t) => {
  if (!browser) return;
  const page = await browser.newPage();
  const region = "浙江省/湖州市/安吉县";
  await open(page, `mechanism=river-chief&region=${encodeURIComponent(region)}&from=2015&to=2021`);
  const want = fixture.practices.filter((p) => within(p, region) && river(p) && p.year >= 2015 && p.year <= 2021).map((p) => p.slug);
  assert.ok(want.length >= 3, `${want.length}`);
  assert.equal(await total(page), want.length, "共 N 条 is the number of practices");
  assert.deepEqual(await showAll(page), want, "no text: every practice, newest first");
  // The filters show as chips, the county's place in the region facet is ticked.
  assert.deepEqual(await page.$$eval(".chip", (c) => c.map((x) => x.textContent.replace(/\s*×$/, ""))), ["地区：浙江省 › 湖州市 › 安吉县", "机制：河长制", "年份：2015–2021"]);
  assert.ok(await page.isChecked(`input[name=region][value="${region}"]`));
  // Download: the CSV is practices.csv's header and the rows of these practices (in the order
  // shown, which without text is the file's order).
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  const got = readFileSync(await download.path(), "utf8");
  const file = parseCsv(readFileSync(path.join(fixture.site, "data", "practices.csv"), "utf8"));
  assert.deepEqual(parseCsv(got), [file[0], ...file.slice(1).filter((r) => want.includes(r[0]))]);
  assert.ok(got.startsWith("\uFEFFid,"));
  const [jsonl] = await Promise.all([page.waitForEvent("download"), page.click("#export-jsonl")]);
  assert.deepEqual(readFileSync(await jsonl.path(), "utf8").trim().split("\n").map((l) => JSON.parse(l).id), want);
  // The year range is two selects; changing one narrows the list and the URL.
  await page.selectOption("#year-to", "2018");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("to") === "2018");
  await done(page);
  assert.equal(await total(page), fixture.practices.filter((p) => within(p, region) && river(p) && p.year >= 2015 && p.year <= 2018).length);
  t.diagnostic(`${want.length} practices listed and exported`);
  await page.close();
});

test("old URLs: a province's short name and year= read as the region path and the year range", async () => {
  if (!browser) return;
  const page = await browser.newPage();
  await open(page, `region=${encodeURIComponent("浙江")}&year=2019`);
  const url = new URL(page.url());
  assert.deepEqual([url.searchParams.getAll("region"), url.searchParams.get("from"), url.searchParams.get("to")], [["浙江省"], "2019", "2019"]);
  assert.equal(await total(page), fixture.practices.filter((p) => within(p, "浙江省") && p.year === 2019).length);
  await page.close();
});

test("河长制 浙江: only 浙江 practices, the place shown as a chip that can be removed; the mechanism's page offered", async () => {
  if (!browser) return;
  const page = await browser.newPage();
  await open(page, `q=${encodeURIComponent("河长制 浙江")}`);
  const want = fixture.practices.filter((p) => within(p, "浙江省") && (river(p) || p.body.includes("河长制"))).map((p) => p.slug);
  assert.equal(await total(page), want.length);
  assert.deepEqual((await showAll(page)).sort(), want.sort());
  assert.equal(await page.getAttribute(".chip[data-place]", "data-place"), "浙江省");
  assert.match(await page.textContent(".chip[data-place]"), /地区：浙江省（来自“浙江”）/);
  const offer = page.locator("#search-offer a");
  assert.equal(await offer.textContent(), "机制：河长制 →");
  assert.match(await offer.getAttribute("href"), /mechanism\/river-chief\/index\.html$/);
  // Tagged practices first; each result says why it matched; a tag-only match says so.
  const why = await page.$$eval("[data-search-result]", (els) => els.map((e) => ({ why: e.querySelector(".why")?.getAttribute("data-why"), tagOnly: !!e.querySelector(".tag-only"), marks: e.querySelectorAll(".excerpt mark").length })));
  assert.ok(why.every((w) => w.why), "every result says why");
  const tagOnly = why.filter((w) => w.tagOnly);
  assert.ok(tagOnly.length > 0 && tagOnly.every((w) => w.why === "标签"), JSON.stringify(why));
  assert.ok(why.filter((w) => /正文/.test(w.why)).every((w) => w.marks > 0), "a body match is marked in its excerpt");
  // Removing the chip keeps 浙江 as text for this query.
  await page.click(".chip[data-place] button");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("keep") === "浙江");
  await done(page);
  assert.equal(await page.$$eval(".chip[data-place]", (c) => c.length), 0);
  assert.equal(await page.inputValue("#q"), "河长制 浙江");
  await page.close();
});

test("河湖长制 finds the 河长制 practices; 长治 alone is 长治市, 河长治 is not", async () => {
  if (!browser) return;
  const page = await browser.newPage();
  await open(page, `q=${encodeURIComponent("河湖长制")}`);
  const want = fixture.practices.filter((p) => river(p) || p.body.includes("河湖长制")).map((p) => p.slug);
  assert.equal(await total(page), want.length);
  assert.deepEqual((await showAll(page)).sort(), want.sort());
  await open(page, `q=${encodeURIComponent("长治")}`);
  assert.equal(await page.getAttribute(".chip[data-place]", "data-place"), "山西省/长治市");
  assert.equal(await total(page), fixture.practices.filter((p) => within(p, "山西省/长治市")).length);
  await open(page, `q=${encodeURIComponent("河长治")}`);
  assert.equal(await page.$$eval(".chip[data-place]", (c) => c.length), 0, "河长治 is not turned into 长治市");
  await page.close();
});

test("back from a result keeps the 30 results shown and the scroll position", async () => {
  if (!browser) return;
  const page = await browser.newPage();
  await open(page, `q=${encodeURIComponent("实践")}`);
  assert.equal(await total(page), 40);
  for (let i = 0; i < 2; i++) {
    await page.click("#more-results");
    await done(page);
  }
  const list = await shown(page);
  assert.equal(list.length, 30);
  const link = page.locator("[data-search-result] a").nth(24);
  await link.scrollIntoViewIfNeeded();
  const y = await page.evaluate(() => window.scrollY);
  assert.ok(y > 500, `scrolled to ${y}`);
  await Promise.all([page.waitForURL(/practices\//), link.click()]);
  await page.goBack();
  await done(page);
  assert.deepEqual(await shown(page), list, "the same 30 results");
  const back = await page.evaluate(() => window.scrollY);
  assert.ok(Math.abs(back - y) < 50, `scroll ${back}, was ${y}`);
  await page.close();
});

test("on a phone the filters are collapsible sections, not an inner scroll box", async () => {
  if (!browser) return;
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await open(page, `q=${encodeURIComponent("实践")}&from=2016`);
  const box = await page.$eval("#facets", (e) => ({ overflow: getComputedStyle(e).overflowY, height: e.getBoundingClientRect().height, scroll: e.scrollHeight }));
  assert.ok(box.overflow !== "auto" && box.overflow !== "scroll" && box.scroll <= box.height + 1, JSON.stringify(box));
  const sections = await page.$$eval("#facets details", (d) => d.map((x) => [x.getAttribute("data-facet"), x.open]));
  assert.deepEqual(sections, [["region", false], ["mechanism", false], ["year", true]], "closed, but for the filter in use");
  await page.click("#facets details[data-facet=region] summary");
  assert.ok(await page.isVisible(`input[name=region][value="浙江省"]`));
  await page.screenshot({ path: path.join(fixture.root, "phone.png"), fullPage: false });
  await page.close();
});

test("on a phone with no filter in use the counts (f.js) load when a filter section is first opened", async () => {
  if (!browser) return;
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const asked = [];
  page.on("request", (r) => asked.push(new URL(r.url()).pathname));
  await page.goto(`${server.url}search/index.html?q=${encodeURIComponent("实践")}`);
  await page.waitForSelector("#results[data-search-complete]", { state: "attached", timeout: 15_000 });
  await page.waitForSelector("#facets[data-facets-deferred]", { state: "attached", timeout: 15_000 });
  assert.ok((await total(page)) > 0, "results shown");
  assert.ok(!asked.some((p) => p.endsWith("/search/f.js")), "no facet columns before a section opens");
  const sections = await page.$$eval("#facets details", (d) => d.map((x) => [x.getAttribute("data-facet"), x.open]));
  assert.deepEqual(sections, [["region", false], ["mechanism", false], ["year", false]]);
  await page.click("#facets details[data-facet=region] summary");
  await page.waitForSelector("#facets[data-facets-complete]", { state: "attached", timeout: 15_000 });
  assert.ok(asked.some((p) => p.endsWith("/search/f.js")), "the counts load on opening");
  assert.ok(await page.isVisible(`input[name=region][value="浙江省"]`), "the opened section stays open, filled");
  assert.match(await page.textContent(`label[for="${await page.getAttribute(`input[name=region][value="浙江省"]`, "id")}"] .count`), /^[1-9]\d*$/);
  await page.close();
});

test("chips, facets, the sort box and export pass axe (no serious or critical violations, light and dark, wide and phone)", async () => {
  if (!browser) return;
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    for (const scheme of ["light", "dark"]) {
      const page = await browser.newPage({ viewport, colorScheme: scheme });
      await open(page, `q=${encodeURIComponent("河长制 浙江")}&mechanism=river-chief&region=${encodeURIComponent("浙江省/湖州市")}&from=2015`);
      await page.addScriptTag({ path: AXE });
      const found = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] })); // eslint-disable-line no-undef
      const bad = found.violations.filter((v) => ["serious", "critical"].includes(v.impact));
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `${viewport.width} ${scheme}`);
      await page.close();
    }
  }
});
