// Lighthouse (mobile, the default config) on every page kind of a served kbgen site: prints a
// Markdown table of the four category scores per page kind (the median of --runs), and with
// --details the audits that lost points. A measurement, never a test: nothing here asserts.
//
//   node bench/lighthouse.mjs [PROJECT] [--runs N] [--bin PATH] [--lighthouse DIR] [--details]
//                             [--query 河长制] [--json FILE] [--only "region index,search ?q="]
//
// PROJECT (default: the repo) is served as it is by `kbgen serve --port 0` (127.0.0.1; site/ is
// never touched). Lighthouse 12.2.3 comes from DIR (default: bench/lighthouse/, installed with
// `npm ci --prefix bench/lighthouse`); Chromium is Debian's /usr/bin/chromium
// (scripts/browser-setup). Everything runs offline.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startServe } from "../tests/browser/lib/kbgen-serve.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];

function parseArgs(argv) {
  const a = {
    project: null,
    runs: 1,
    bin: path.join(REPO, "target", "release", "kbgen"),
    lighthouse: path.join(REPO, "bench", "lighthouse"),
    details: false,
    query: "河长制",
    json: null,
    only: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === "--runs") a.runs = Number(argv[++i]);
    else if (v === "--bin") a.bin = path.resolve(argv[++i]);
    else if (v === "--lighthouse") a.lighthouse = path.resolve(argv[++i]);
    else if (v === "--details") a.details = true;
    else if (v === "--query") a.query = argv[++i];
    else if (v === "--json") a.json = path.resolve(argv[++i]);
    else if (v === "--only") a.only = argv[++i].split(",");
    else if (!a.project) a.project = path.resolve(v);
    else throw new Error(`unexpected argument ${v}`);
  }
  a.project ??= REPO;
  if (!(a.runs > 0)) throw new Error("--runs wants a positive number");
  return a;
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The hrefs of a served page that match `re`, resolved against the page. */
async function links(base, page, re) {
  const html = await (await fetch(new URL(page, base))).text();
  return [...html.matchAll(/href="([^"]+)"/g)]
    .map((m) => new URL(m[1], new URL(page, base)).href)
    .filter((u) => re.test(u.slice(base.length)));
}

/** One URL of each page kind, found by following the site's own links. */
async function pageKinds(base, query) {
  const first = async (page, re, what) => {
    const hit = (await links(base, page, re))[0];
    if (!hit) throw new Error(`no ${what} linked from ${page}`);
    return hit;
  };
  const practices = [...new Set(await links(base, "year/index.html", /^year\/\d{4}\/index\.html$/))];
  const slugs = new Set();
  for (const y of practices) {
    for (const u of await links(base, y, /^practices\/[^/]+\/index\.html$/)) slugs.add(u.split("/").at(-2));
    if (slugs.size >= 3) break;
  }
  const ids = [...slugs].slice(0, 3);
  return [
    ["home", new URL("index.html", base).href],
    ["practice", new URL(`practices/${ids[0]}/index.html`, base).href],
    ["region index", new URL("region/index.html", base).href],
    ["province", await first("region/index.html", /^region\/\d\d0000-[^/]+\/index\.html$/, "province page")],
    ["mechanism index", new URL("mechanism/index.html", base).href],
    ["mechanism", await first("mechanism/index.html", /^mechanism\/[^/]+\/index\.html$/, "mechanism page")],
    ["year", practices[0]],
    ["search ?q=", new URL(`search/index.html?q=${encodeURIComponent(query)}`, base).href],
    ["compare ?ids= (3)", new URL(`compare/index.html?ids=${ids.join(",")}`, base).href],
    // Served with status 200 under its own name: Lighthouse does not audit a 404 response.
    ["404", new URL("404.html", base).href],
  ];
}

async function audit(lighthouse, port, url) {
  const flags = { port, output: "json", logLevel: "error", onlyCategories: CATEGORIES };
  const result = await lighthouse(url, flags);
  const lhr = result.lhr;
  if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(lhr.categories[c].score * 100)]));
  const lost = [];
  for (const c of CATEGORIES) {
    for (const ref of lhr.categories[c].auditRefs) {
      const au = lhr.audits[ref.id];
      if (ref.weight > 0 && au.score !== null && au.score < 1) {
        lost.push(`${c}: ${ref.id} (${au.displayValue ?? Math.round(au.score * 100)})`);
      }
    }
  }
  const metrics = {
    fcp: lhr.audits["first-contentful-paint"].numericValue,
    lcp: lhr.audits["largest-contentful-paint"].numericValue,
    tbt: lhr.audits["total-blocking-time"].numericValue,
    cls: lhr.audits["cumulative-layout-shift"].numericValue,
  };
  return { scores, lost, metrics };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const entry = path.join(a.lighthouse, "node_modules", "lighthouse", "core", "index.js");
  if (!existsSync(entry)) {
    console.error(`lighthouse: ${entry} missing: run npm ci --prefix bench/lighthouse (or pass --lighthouse DIR)`);
    process.exit(2);
  }
  const { default: lighthouse } = await import(pathToFileURL(entry).href);
  const launcher = path.join(a.lighthouse, "node_modules", "chrome-launcher", "dist", "index.js");
  const chromeLauncher = await import(pathToFileURL(launcher).href);
  const server = await startServe(a.bin, a.project);
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
  const rows = [];
  try {
    for (const [kind, url] of await pageKinds(server.base, a.query)) {
      if (a.only && !a.only.includes(kind)) continue;
      const runs = [];
      for (let i = 0; i < a.runs; i++) runs.push(await audit(lighthouse, chrome.port, url));
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, median(runs.map((r) => r.scores[c]))]));
      const spread = Object.fromEntries(
        CATEGORIES.map((c) => [c, [Math.min(...runs.map((r) => r.scores[c])), Math.max(...runs.map((r) => r.scores[c]))]]),
      );
      const metrics = Object.fromEntries(Object.keys(runs[0].metrics).map((m) => [m, median(runs.map((r) => r.metrics[m]))]));
      const lost = [...new Set(runs.flatMap((r) => r.lost))];
      rows.push({ kind, url: url.slice(server.base.length), scores, spread, metrics, lost });
      console.error(`${kind}: ${CATEGORIES.map((c) => scores[c]).join(" / ")}`);
    }
  } finally {
    await chrome.kill();
    server.child.kill();
  }
  printTable(rows, a);
  if (a.json) writeFileSync(a.json, JSON.stringify(rows, null, 2));
}

function printTable(rows, a) {
  const cell = (r, c) => {
    const [lo, hi] = r.spread[c];
    return lo === hi ? `${r.scores[c]}` : `${r.scores[c]} (${lo}–${hi})`;
  };
  console.log(`Lighthouse ${"12.2.3"} mobile, median of ${a.runs} run(s) per page, kbgen serve\n`);
  console.log("| page kind | path | performance | accessibility | best practices | SEO | FCP / LCP ms | TBT ms | CLS |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    const m = r.metrics;
    console.log(
      `| ${r.kind} | \`${r.url}\` | ${CATEGORIES.map((c) => cell(r, c)).join(" | ")} | ${Math.round(m.fcp)} / ${Math.round(m.lcp)} | ${Math.round(m.tbt)} | ${m.cls.toFixed(3)} |`,
    );
  }
  if (a.details) {
    for (const r of rows) if (r.lost.length) console.log(`\n${r.kind}:\n  ${r.lost.join("\n  ")}`);
  }
}

main().catch((e) => {
  console.error(`lighthouse: ${e.stack || e.message}`);
  process.exit(1);
});
