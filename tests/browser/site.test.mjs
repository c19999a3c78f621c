// Browser and HTML-validation tests for a site built by `kbgen build`.
//
//   bash scripts/browser-setup && KBGEN_SITE=/abs/path/to/site node --test tests/browser/
//
// KBGEN_SITE must be the absolute path of a built site (a directory with index.html).
// Screenshots go to target/screenshots/<name>-<width>.png.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serve } from "./lib/serve.mjs";
import { launch, closeBrowser, missing } from "./lib/browser.mjs";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const SHOTS = path.join(REPO, "target", "screenshots");
const AXE = require.resolve("axe-core/axe.min.js");
const VNU = require("vnu-jar"); // the package exports the path of vnu.jar
const NAV_TIMEOUT = 20_000;
const MISSING = "kbgen-no-such-page"; // a top-level path, so 404.html's relative links resolve

// ---------------------------------------------------------------------------------------------
// Input

const SITE = process.env.KBGEN_SITE;
const siteProblem = !SITE
  ? "KBGEN_SITE is not set: set it to the absolute path of a built site, e.g. " +
    "KBGEN_SITE=$PWD/site node --test tests/browser/"
  : !path.isAbsolute(SITE)
    ? `KBGEN_SITE must be an absolute path, got ${JSON.stringify(SITE)}`
    : !existsSync(path.join(SITE, "index.html"))
      ? `KBGEN_SITE=${SITE} is not a built site: ${path.join(SITE, "index.html")} is missing ` +
        "(run `kbgen build` first)"
      : null;

if (siteProblem) {
  test("KBGEN_SITE points at a built site", () => assert.fail(siteProblem));
} else {
  defineTests(path.resolve(SITE));
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** All files under `dir` whose names end with `ext`, sorted, as absolute paths. */
function walk(dir, ext, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort(byName)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, ext, out);
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out;
}

function byName(a, b) {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** `<section>/<first subdirectory, alphabetically, that has an index.html>/index.html`. */
function firstChild(site, section) {
  const dir = path.join(site, section);
  if (!existsSync(dir)) return null;
  const sub = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "index.html")))
    .sort(byName)[0];
  return sub ? `${section}/${sub.name}/index.html` : null;
}

/** The pages the browser tests look at: [{name, rel}] with rel relative to the site root. */
function pagesOf(site) {
  const pages = [
    { name: "home", rel: "index.html" },
    { name: "practice", rel: firstChild(site, "practices"), want: "practices/*/index.html" },
    { name: "region-index", rel: "region/index.html" },
    { name: "region", rel: firstChild(site, "region"), want: "region/*/index.html" },
    { name: "mechanism-index", rel: "mechanism/index.html" },
    { name: "mechanism", rel: firstChild(site, "mechanism"), want: "mechanism/*/index.html" },
    { name: "year-index", rel: "year/index.html" },
    { name: "search", rel: "search/index.html", query: "?q=%E7%BD%91%E6%A0%BC" },
    { name: "compare", rel: "compare/index.html", query: compareQuery(site), want: "compare/index.html and 3 practices" },
    { name: "404", rel: "404.html", missing: true },
  ];
  const absent = pages
    .filter((p) => !p.rel || !existsSync(path.join(site, p.rel)) || p.query === "")
    .map((p) => p.want ?? p.rel);
  return { pages, absent };
}

/** `?ids=` of the first three practices: a comparison link of three. */
function compareQuery(site) {
  const dir = path.join(site, "practices");
  if (!existsSync(dir)) return "";
  const ids = readdirSync(dir).filter((d) => existsSync(path.join(dir, d, "index.html"))).sort().slice(0, 3);
  return ids.length === 3 ? `?ids=${ids.join(",")}` : "";
}

function requirePages(absent) {
  assert.deepEqual(absent, [], `the built site lacks pages the browser tests need: ${absent.join(", ")}`);
}

/** The URL a page is opened at on a server whose root URL is `base`. */
function urlOf(base, p) {
  return p.missing ? new URL(MISSING, base).href : new URL(p.rel + (p.query ?? ""), base).href;
}

/**
 * Opens `url` in a fresh page of `context`, recording every failed request and every response
 * with status >= 400 (other than the main document when `expectStatus` says so).
 */
async function open(context, url, { expectStatus = 200 } = {}) {
  const page = await context.newPage();
  page.setDefaultTimeout(NAV_TIMEOUT);
  const problems = [];
  page.on("requestfailed", (r) =>
    problems.push(`${r.url()}: request failed (${r.failure()?.errorText ?? "?"})`),
  );
  page.on("response", (r) => {
    const isMain = r.request().isNavigationRequest() && r.frame() === page.mainFrame();
    if (r.status() >= 400 && !(isMain && r.status() === expectStatus)) {
      problems.push(`${r.url()}: HTTP ${r.status()}`);
    }
  });
  const response = await page.goto(url, { waitUntil: "load" });
  // The search page renders its results after loading its index: look at the finished page.
  if (await page.$("#results")) {
    await page.waitForSelector("#results[data-search-complete]", { state: "attached" });
  }
  // So does the comparison page, after loading its data.
  if (await page.$("#compare")) {
    await page.waitForSelector("#compare[data-compare-complete]", { state: "attached" });
  }
  return {
    page,
    response,
    get problems() {
      return [...new Set(problems)];
    },
  };
}

/** Style facts used to tell whether the site's stylesheet was applied. */
function styleFacts(page) {
  return page.evaluate(() => ({
    sheets: document.styleSheets.length,
    font: getComputedStyle(document.body).fontFamily,
    title: document.title,
    links: [...document.querySelectorAll('link[rel~="stylesheet"]')].map((l) => ({
      href: l.href,
      loaded: !!l.sheet,
    })),
  }));
}

function assertStyled(facts, where) {
  assert.ok(facts.sheets >= 1, `${where}: no stylesheet loaded (${JSON.stringify(facts.links)})`);
  const unloaded = facts.links.filter((l) => !l.loaded).map((l) => l.href);
  assert.deepEqual(unloaded, [], `${where}: stylesheets that did not load`);
  assert.ok(
    !/^["']?Times New Roman["']?$/i.test(facts.font.trim()),
    `${where}: body font-family is the browser default (${facts.font}): the stylesheet was not applied`,
  );
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const targets = v.nodes
        .slice(0, 3)
        .map((n) => `      ${n.target.join(" ")}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, "\n        ")}` : ""}`)
        .join("\n");
      const more = v.nodes.length > 3 ? `\n      … and ${v.nodes.length - 3} more` : "";
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${targets}${more}`;
    })
    .join("\n");
}

function runJava(args) {
  return new Promise((resolve, reject) => {
    const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function haveJava() {
  return spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0;
}

// ---------------------------------------------------------------------------------------------
// Tests

function defineTests(site) {
  const { pages, absent } = pagesOf(site);
  const servers = [];
  const serveOnce = async (base) => {
    const s = await serve(site, base);
    servers.push(s);
    return s;
  };
  after(async () => {
    await closeBrowser();
    await Promise.all(servers.map((s) => s.close()));
  });

  // 1. Nu HTML Checker on every .html file of the site.
  test("Nu HTML Checker: no errors in any page", { timeout: 300_000 }, async (t) => {
    if (!haveJava()) return missing(t, "java");
    const files = walk(site, ".html");
    assert.ok(files.length > 0, `no .html files under ${site}`);
    const messages = [];
    // Batches keep the command line short on big sites; each batch is one JVM.
    for (let i = 0; i < files.length; i += 2000) {
      const batch = files.slice(i, i + 2000);
      const { code, stderr } = await runJava([
        "-Xss16m", // vnu recurses deeply on big documents
        "-jar", VNU, "--errors-only", "--format", "json", "--skip-non-html", ...batch,
      ]);
      let report;
      try {
        report = JSON.parse(stderr.slice(stderr.indexOf("{")));
      } catch {
        assert.fail(`vnu exited ${code} without a JSON report:\n${stderr}`);
      }
      messages.push(...report.messages.filter((m) => m.type !== "info"));
      if (code !== 0 && report.messages.length === 0) {
        assert.fail(`vnu exited ${code}:\n${stderr}`);
      }
    }
    const rel = (u) => (u ? path.relative(site, fileURLToPath(u)) : "?");
    const lines = messages.map(
      (m) =>
        `  ${rel(m.url)}:${m.lastLine ?? m.firstLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}: ` +
        `${m.type}${m.subType ? `/${m.subType}` : ""}: ${m.message}` +
        (m.extract ? `\n      ${m.extract.replace(/\s+/g, " ").trim()}` : ""),
    );
    t.diagnostic(`checked ${files.length} .html files`);
    assert.equal(
      messages.length,
      0,
      `Nu HTML Checker found ${messages.length} error(s):\n${lines.join("\n")}`,
    );
  });

  // 2. axe-core: no serious or critical violations, light and dark.
  test("axe-core: no serious or critical violations (light and dark)", { timeout: 300_000 }, async (t) => {
    requirePages(absent);
    const browser = await launch(t);
    if (!browser) return;
    const { url } = await serveOnce("/");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      for (const p of pages) {
        for (const scheme of ["light", "dark"]) {
          const where = `${p.missing ? `/${MISSING} (404.html)` : p.rel} [${scheme}]`;
          await t.test(where, async () => {
            const { page, response } = await open(context, urlOf(url, p), {
              expectStatus: p.missing ? 404 : 200,
            });
            try {
              assert.equal(response.status(), p.missing ? 404 : 200, `${where}: HTTP status`);
              await page.emulateMedia({ colorScheme: scheme });
              await page.addScriptTag({ path: AXE });
              const results = await page.evaluate(() =>
                // eslint-disable-next-line no-undef
                axe.run(document, { resultTypes: ["violations"] }),
              );
              const bad = results.violations.filter((v) => ["serious", "critical"].includes(v.impact));
              const minor = results.violations.filter((v) => !bad.includes(v));
              if (minor.length) t.diagnostic(`${where}: minor: ${minor.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
              assert.equal(bad.length, 0, `${where}: axe violations:\n${formatViolations(bad)}`);
            } finally {
              await page.close();
            }
          });
        }
      }
    } finally {
      await context.close();
    }
  });

  // 3. Screenshots for humans: target/screenshots/<name>-<width>.png.
  test("screenshots at 1280x900 and 390x844", { timeout: 300_000 }, async (t) => {
    requirePages(absent);
    const browser = await launch(t);
    if (!browser) return;
    const { url } = await serveOnce("/");
    mkdirSync(SHOTS, { recursive: true });
    const sizes = [
      { width: 1280, height: 900, mobile: false },
      { width: 390, height: 844, mobile: true },
    ];
    for (const { width, height, mobile } of sizes) {
      const context = await browser.newContext({
        viewport: { width, height },
        deviceScaleFactor: 1,
        isMobile: mobile,
        hasTouch: mobile,
      });
      try {
        for (const p of pages) {
          const { page } = await open(context, urlOf(url, p), { expectStatus: p.missing ? 404 : 200 });
          try {
            await page.evaluate(() => document.fonts.ready);
            const file = path.join(SHOTS, `${p.name}-${width}.png`);
            await page.screenshot({ path: file, animations: "disabled" });
            assert.ok(statSync(file).size > 0, `${file} is empty`);
            const overflow = await page.evaluate(
              () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
            );
            if (overflow > 0) t.diagnostic(`${p.name} at ${width}px scrolls sideways by ${overflow}px`);
          } finally {
            await page.close();
          }
        }
      } finally {
        await context.close();
      }
    }
    t.diagnostic(`screenshots in ${path.relative(process.cwd(), SHOTS) || SHOTS}`);
  });

  const subset = () => pages.filter((p) => ["home", "practice", "region-index", "mechanism", "compare"].includes(p.name));

  // 4. Works under a sub-path (/kb/) and from file://.
  test("works under /kb/ and from file://", { timeout: 300_000 }, async (t) => {
    requirePages(absent);
    const browser = await launch(t);
    if (!browser) return;
    const { url } = await serveOnce("/kb/");
    const context = await browser.newContext();
    try {
      const homeFile = pathToFileURL(path.join(site, "index.html")).href;
      for (const [how, base] of [["/kb/", url], ["file://", pathToFileURL(site + path.sep).href]]) {
        for (const p of subset()) {
          const where = `${p.rel} via ${how}`;
          await t.test(where, async () => {
            const { page, response, problems } = await open(context, new URL(p.rel + (p.query ?? ""), base).href);
            try {
              if (how === "/kb/") assert.equal(response.status(), 200, `${where}: HTTP status`);
              assert.deepEqual(problems, [], `${where}: failed requests`);
              assertStyled(await styleFacts(page), where);
              if (how === "file://") {
                // From file:// a link to a directory shows a directory listing, not index.html.
                const bad = await page.$$eval("a[href]", (as) =>
                  as
                    // An SVG link's href is an SVGAnimatedString: resolve its text as a browser does.
                    .map((a) => (typeof a.href === "string" ? a.href : new URL(a.href.baseVal, document.baseURI).href))
                    .filter((h) => h.startsWith("file:"))
                    .map((h) => h.replace(/[?#].*$/, "")),
                );
                const broken = [...new Set(bad)].filter((h) => {
                  const f = fileURLToPath(h);
                  return !existsSync(f) || !statSync(f).isFile();
                });
                assert.deepEqual(
                  broken,
                  [],
                  `${where}: links that do not open a file from file:// (links must name index.html)`,
                );
              }
            } finally {
              await page.close();
            }
          });
        }
      }

      await t.test("file:// home: first main-navigation link opens a page", async () => {
        const { page, problems } = await open(context, homeFile);
        try {
          let link = page.locator('nav a[href]:not([href^="#"])').first();
          if ((await link.count()) === 0) link = page.locator('header a[href]:not([href^="#"])').first();
          assert.ok((await link.count()) > 0, "home page has no `nav a[href]` nor `header a[href]`");
          const href = await link.getAttribute("href");
          const loaded = page.waitForEvent("load");
          await link.click();
          await loaded;
          const where = `after clicking ${JSON.stringify(href)} on the file:// home page`;
          const now = page.url();
          assert.ok(now.startsWith("file:"), `${where}: landed on ${now} (an error page?)`);
          assert.ok(!now.endsWith("/"), `${where}: landed on a directory listing ${now}`);
          const facts = await styleFacts(page);
          assert.ok(facts.title.trim() !== "", `${where}: document.title is empty`);
          assert.deepEqual(problems, [], `${where}: failed requests`);
          assertStyled(facts, where);
        } finally {
          await page.close();
        }
      });
    } finally {
      await context.close();
    }
  });

  // 5. The research views: maps with named shapes, the grid, the cite block, a comparison.
  test("research views: a comparison picked on a term page, maps, grids and citations", { timeout: 120_000 }, async (t) => {
    requirePages(absent);
    const browser = await launch(t);
    if (!browser) return;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const base = pathToFileURL(site + path.sep).href;
    try {
      // A comparison link of three renders three practices side by side, from file:// too.
      const cmp = pages.find((p) => p.name === "compare");
      const { page: c, problems } = await open(context, new URL(cmp.rel + cmp.query, base).href);
      assert.deepEqual(problems, [], "the comparison page's data loads from file://");
      assert.equal(await c.locator(".compare-table thead th").count(), 3, await c.locator("#compare").innerText());
      assert.equal(await c.locator(".compare-table tbody th").count(), 6, "place, year, mechanisms, name, source, opening");
      await c.close();
      // Picking on a term page: the first region page with three practices or more.
      const region = readdirSync(path.join(site, "region"))
        .map((d) => `region/${d}/index.html`)
        .find((rel) => existsSync(path.join(site, rel)) && (readFileSync(path.join(site, rel), "utf8").match(/<li class="card">/g) || []).length >= 3);
      assert.ok(region, "a region page with three practices");
      const { page } = await open(context, new URL(region, base).href);
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      const toggles = page.locator("button.compare-toggle");
      for (let i = 0; i < 3; i++) await toggles.nth(i).click();
      assert.equal(await page.locator('button.compare-toggle[aria-pressed="true"]').count(), 3);
      await Promise.all([page.waitForEvent("load"), page.locator(".compare-bar a.compare-go").click()]);
      await page.waitForSelector("#compare[data-compare-complete]", { state: "attached" });
      assert.equal(await page.locator(".compare-table thead th").count(), 3, "the bar's link compares the three picked");
      assert.match(page.url(), /compare\/index\.html\?ids=[a-z0-9-]+,[a-z0-9-]+,[a-z0-9-]+$/);
      await page.close();
      // The region index map: a named shape per province; the practice page's cite block.
      const { page: r } = await open(context, new URL("region/index.html", base).href);
      const names = await r.locator("svg.map path[role=img]").evaluateAll((ps) => ps.map((p) => p.getAttribute("aria-label")));
      assert.ok(names.length >= 34 && names.every((n) => /：\d+ 篇$/.test(n)), names.join(" "));
      await r.close();
      const pr = pages.find((p) => p.name === "practice");
      const { page: pp } = await open(context, new URL(pr.rel, base).href);
      const gbt = await pp.locator("#cite-gbt").innerText();
      assert.doesNotMatch(gbt, /引用日期/, "the access date is filled in");
      assert.ok(await pp.locator("button.copy").first().isVisible(), "copy buttons show");
      await pp.close();
    } finally {
      await context.close();
    }
  });

  // 6. Every internal link on the home page resolves to a 200 under /kb/.
  test("every internal link on the home page returns 200 under /kb/", { timeout: 120_000 }, async (t) => {
    const browser = await launch(t);
    if (!browser) return;
    const { url } = await serveOnce("/kb/");
    const context = await browser.newContext();
    try {
      const { page } = await open(context, new URL("index.html", url).href);
      const origin = new URL(url).origin;
      const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
      await page.close();
      const internal = [
        ...new Set(hrefs.filter((h) => h.startsWith(origin + "/")).map((h) => h.replace(/#.*$/, ""))),
      ];
      assert.ok(internal.length > 0, "the home page has no internal links");
      const bad = [];
      const queue = [...internal];
      const worker = async () => {
        for (let h = queue.shift(); h !== undefined; h = queue.shift()) {
          const r = await fetch(h, { redirect: "manual" });
          await r.arrayBuffer();
          if (r.status !== 200) {
            const to = r.headers.get("location");
            bad.push(`${h.slice(origin.length)}: HTTP ${r.status}${to ? ` → ${to}` : ""}`);
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      t.diagnostic(`checked ${internal.length} internal links`);
      assert.deepEqual(bad.sort(), [], "internal links on the home page that are not 200 under /kb/");
    } finally {
      await context.close();
    }
  });
}
