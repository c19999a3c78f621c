// Search in a real browser on the built site: at the domain root, under a sub-path and from
// file://. Uses the page contract: search/index.html?q=QUERY runs the query on load, every
// result is a [data-search-result] element whose first <a href> is the page, and the results
// container gets [data-search-complete] when rendering is done.
//
//   KBGEN_SITE=$PWD/site node --test tests/browser/search.test.mjs
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { serve } from "./lib/serve.mjs";
import { launch, closeBrowser } from "./lib/browser.mjs";

const SITE = process.env.KBGEN_SITE;
assert.ok(SITE && existsSync(path.join(SITE, "search", "index.html")), "KBGEN_SITE must be a built site with search/");

/** Titles by practice slug, read from the built pages. */
function titleOf(slug) {
  const html = readFileSync(path.join(SITE, "practices", slug, "index.html"), "utf8");
  return html.match(/<h1[^>]*>([^<]+)<\/h1>/)[1];
}
function slugWhere(titleStart) {
  for (const s of readdirSync(path.join(SITE, "practices"))) if (titleOf(s).startsWith(titleStart)) return s;
  throw new Error(`no practice titled ${titleStart}…`);
}

// [query, practice title prefix expected in the top 3, extra URL parameters]
const QUERIES = [
  ["对标找差", "“組織力”"], // Simplified query, Traditional article
  ["對標找差", "“組織力”"], // Traditional query
  ["找差", "“組織力”"], // substring of a word
  ["網格", "苏州:锻造创新发展"], // Traditional query, Simplified article
  ["容错纠错", "让敢为善为"],
  ["诉源治理", "深圳推行"],
  ["訪民問暖", "兰州市永登县"],
  ["微工厂", "“微工厂”助力"],
  ["GDP", "“組織力”"], // Latin
  ["2018 竞赛", "提振党员干部精气神"], // with a year
  ["昆山 分类考核", "帮干部卸包袱"],
  ["考核", "上海不搞", "&region=%E4%B8%8A%E6%B5%B7%E5%B8%82"], // facet filter: region=上海市
];

let browser;
let servers = [];
before(async (t) => {
  browser = await launch(t);
});
after(async () => {
  for (const s of servers) await s.close();
  await closeBrowser();
});

async function results(page, url) {
  const failed = [];
  page.on("requestfailed", (r) => failed.push(r.url()));
  page.on("pageerror", (e) => failed.push(`script error: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector("#results[data-search-complete]", { state: "attached", timeout: 15_000 });
  assert.deepEqual(failed, [], `failed requests or script errors at ${url}`);
  return page.$$eval("[data-search-result]", (els) =>
    els.map((e) => ({ href: e.querySelector("a[href]").getAttribute("href"), text: e.textContent, marks: e.querySelectorAll("mark").length })),
  );
}

async function runAll(t, base) {
  if (!browser) return;
  const page = await browser.newPage();
  const started = Date.now();
  let found = 0;
  for (const [q, want, extra = ""] of QUERIES) {
    const url = `${base}search/index.html?q=${encodeURIComponent(q)}${extra}`;
    const got = await results(page, url);
    const slug = slugWhere(want);
    const top = got.slice(0, 3);
    assert.ok(top.some((r) => r.href.endsWith(`practices/${slug}/index.html`)), `${q}: ${want} not in top 3 of ${JSON.stringify(top.map((r) => r.href))}`);
    assert.ok(top[0].marks > 0 || q === "2018 竞赛", `${q}: no <mark> in the first result's excerpt`);
    if (extra) assert.equal(got.length, 1, `${q}${extra}: the facet filter leaves one result`);
    found++;
  }
  await page.close();
  t.diagnostic(`${found} queries, ${((Date.now() - started) / found).toFixed(0)} ms per query page (load + index + render)`);
}

test("queries find the expected practice: served at the domain root", async (t) => {
  const s = await serve(SITE, "/");
  servers.push(s);
  await runAll(t, s.url);
});

test("queries find the expected practice: served under /kb/", async (t) => {
  const s = await serve(SITE, "/kb/");
  servers.push(s);
  assert.ok(s.url.endsWith("/kb/"));
  await runAll(t, s.url);
});

test("queries find the expected practice: opened from file://", async (t) => {
  await runAll(t, pathToFileURL(SITE).href + "/");
});

test("typing updates the URL and the results; facets show live counts; result links open", async (t) => {
  if (!browser) return;
  const s = await serve(SITE, "/kb/");
  servers.push(s);
  const page = await browser.newPage();
  await results(page, `${s.url}search/index.html`);
  await page.fill("input[type=search][name=q]", "考核");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "考核");
  await page.waitForSelector("#results[data-search-complete] [data-search-result]");
  const all = await page.$$eval("[data-search-result]", (e) => e.length);
  assert.ok(all >= 3, `${all} results for 考核`);
  // The region facet lists 上海市 with a count of 1; ticking it filters to one result.
  const label = page.locator("label", { hasText: "上海市" });
  assert.match(await label.textContent(), /上海市\s*1/);
  await label.click();
  await page.waitForFunction(() => new URL(location.href).searchParams.getAll("region").includes("上海市"));
  await page.waitForSelector("#results[data-search-complete]", { state: "attached" });
  assert.equal(await page.$$eval("[data-search-result]", (e) => e.length), 1);
  // The result's link opens the practice page.
  await page.click("[data-search-result] a");
  await page.waitForLoadState("load");
  assert.match(await page.textContent("h1"), /上海不搞/);
  await page.close();
});

test("the search box on every page submits to the search page; the index loads only there", async (t) => {
  if (!browser) return;
  const s = await serve(SITE, "/kb/");
  servers.push(s);
  const page = await browser.newPage();
  const requested = [];
  page.on("request", (r) => requested.push(r.url()));
  await page.goto(`${s.url}region/index.html`);
  assert.ok(!requested.some((u) => u.includes("search/meta.js")), "the index is not loaded on other pages");
  await page.fill("#site-q", "網格");
  await Promise.all([page.waitForURL(/search\/index\.html\?q=/), page.press("#site-q", "Enter")]);
  await page.waitForSelector("#results[data-search-complete] [data-search-result]");
  assert.ok(requested.some((u) => u.includes("search/meta.js")));
  await page.close();
});

test("page text is never injected as HTML", async (t) => {
  if (!browser) return;
  const s = await serve(SITE, "/");
  servers.push(s);
  const page = await browser.newPage();
  await results(page, `${s.url}search/index.html?q=${encodeURIComponent("<img src=x onerror=alert(1)>")}`);
  assert.equal(await page.$$eval("#results img", (e) => e.length), 0);
  assert.equal(await page.inputValue("#q"), "<img src=x onerror=alert(1)>");
  await page.close();
});
