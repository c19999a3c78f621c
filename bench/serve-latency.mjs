// Save → browser latency of `kbgen serve` (and of `hugo server` on the same corpus): how long
// from writing a page's Markdown until an open Chromium tab shows the new text in its <main>
// (kbgen swaps the new <main> in, Hugo reloads the page; no navigation by this script).
//
//   node bench/serve-latency.mjs PROJECT [--runs N] [--page content/practices/X.md] [--bin PATH]
//                                [--hugo PATH --hugo-project DIR]
//   node bench/serve-latency.mjs PROJECT --desk [--runs N] [--marks EVERY]
//
// --desk measures the review desk instead: how long /_kbgen/review/ takes to open (navigation
// start to `load`, --runs times), and save → shown through the edit panel: the page's subtitle
// is typed into the open page's form and saved, and the time runs until the page's <main>
// shows it. Pages with no review marks (gen_corpus writes none) first get two marks on every
// EVERY-th page (default 5: 2,000 pages and 4,000 marks at 10,000), in an import block.
//
// With --hugo, DIR (bench/run's mirror of PROJECT, WORK/hugo-nN-sS) is served by
// `hugo server` on 127.0.0.1 and the same page's file is edited the same way, after kbgen's runs;
// the summary then has one object per tool. Each line says whether the page reloaded.
// PROJECT is a kbgen project folder (the repo itself, or one written by
// `cargo run --release --example gen_corpus -- --pages 10000 --seed 1 --out DIR`). It is copied
// to a temporary folder first (without site/, target/, .git/, node_modules/), so the project is
// never edited. Needs Debian chromium and the npm packages of tests/browser (scripts/browser-setup).
// Prints one line per save and a JSON summary: {"pages", "runs", "median_ms", "worst_ms", ...}.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";
import { ARGS, CHROMIUM } from "../tests/browser/lib/browser.mjs";
import { startServe } from "../tests/browser/lib/kbgen-serve.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Waits until the page's `<main>` shows `marker` (at most a minute after `saved`). A reload
 * destroys the context the wait runs in: it waits again in the new page. */
async function mainShows(page, marker, saved) {
  for (;;) {
    try {
      await page.waitForFunction((m) => document.querySelector("main")?.textContent.includes(m), marker, {
        timeout: 60_000,
        polling: "raf",
      });
      return;
    } catch (e) {
      if (!/context|navigat/i.test(e.message) || Date.now() - saved > 60_000) throw e;
    }
  }
}

function parseArgs(argv) {
  const a = { runs: 9, page: null, bin: path.join(REPO, "target", "release", "kbgen"), project: null, hugo: null, hugoProject: null, desk: false, marks: 5 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === "--runs") a.runs = Number(argv[++i]);
    else if (v === "--page") a.page = argv[++i];
    else if (v === "--bin") a.bin = path.resolve(argv[++i]);
    else if (v === "--hugo") a.hugo = argv[++i];
    else if (v === "--hugo-project") a.hugoProject = path.resolve(argv[++i]);
    else if (v === "--desk") a.desk = true;
    else if (v === "--marks") a.marks = Number(argv[++i]);
    else if (!a.project) a.project = path.resolve(v);
    else throw new Error(`unexpected argument ${v}`);
  }
  if (!a.project || !(a.runs > 0) || !a.hugo !== !a.hugoProject) {
    console.error("usage: node bench/serve-latency.mjs PROJECT [--runs N] [--page content/practices/X.md] [--bin PATH] [--hugo PATH --hugo-project DIR] [--desk [--marks EVERY]]");
    process.exit(2);
  }
  return a;
}

const SKIP = new Set(["site", "target", ".git", "node_modules"]);

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A free port on 127.0.0.1 (for hugo server, which takes no --port 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `hugo server` in `root`; resolves with {child, base, lines} once it serves. */
function startHugo(bin, root, port) {
  return new Promise((resolve, reject) => {
    const base = `http://127.0.0.1:${port}/`;
    const args = ["server", "--bind", "127.0.0.1", "--port", String(port), "--baseURL", base, "--appendPort=false", "--quiet=false"];
    const child = spawn(bin, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const lines = [];
    let out = "";
    const seen = (d) => {
      out += d;
      lines.push(...String(d).split("\n").filter(Boolean));
      if (/Web Server is available at/.test(out)) resolve({ child, base, lines });
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => reject(new Error(`hugo server exited with ${code}: ${out.slice(-2000)}`)));
  });
}

/** A copy of `from` in a new temporary folder, without the folders in `skip`. */
function copyProject(from, skip) {
  const root = mkdtempSync(path.join(tmpdir(), "kbgen-latency-"));
  cpSync(from, root, { recursive: true, filter: (src) => !(path.dirname(src) === from && skip.has(path.basename(src))) });
  return root;
}

/** Saves `file` `runs` times with a new sentence and times until `page` shows it. */
async function measure(page, file, runs, lastLine) {
  const original = readFileSync(file, "utf8");
  const times = [];
  let reloads = 0;
  for (let i = 0; i < runs; i++) {
    const marker = `延迟测量第${i + 1}次保存`;
    await page.evaluate(() => { window.kbgenLatencyMark = true; });
    const saved = Date.now();
    writeFileSync(file, `${original.trimEnd()}\n\n${marker}\n`);
    await mainShows(page, marker, saved);
    const ms = Date.now() - saved;
    const reloaded = !(await page.evaluate(() => window.kbgenLatencyMark === true));
    if (reloaded) reloads++;
    times.push(ms);
    console.log(`save ${i + 1}: ${ms} ms${reloaded ? " (page reloaded)" : " (swapped in)"} ${lastLine() ?? ""}`);
    await page.waitForTimeout(400);
  }
  writeFileSync(file, original);
  return { runs: times.length, median_ms: median(times), best_ms: Math.min(...times), worst_ms: Math.max(...times), reloads, times_ms: times };
}

/** Two review marks on every `every`-th page that has no import block; the count of pages marked. */
function addMarks(practices, every) {
  let marked = 0;
  readdirSync(practices).filter((f) => f.endsWith(".md")).sort().forEach((f, i) => {
    if (i % every) return;
    const file = path.join(practices, f);
    const text = readFileSync(file, "utf8");
    const end = text.indexOf("\n---\n", 4);
    if (end < 0 || /\nimport:/.test(text.slice(0, end))) return;
    const block = "\nimport:\n  file: bench.txt\n  sha256: bench\n  story: 1\n  stories: 1\n  review:\n  - 'year: a mark added by bench/serve-latency.mjs'\n  - 'region: a mark added by bench/serve-latency.mjs'\n  page_sha256: bench";
    writeFileSync(file, text.slice(0, end) + block + text.slice(end));
    marked++;
  });
  return marked;
}

/** The desk: opening /_kbgen/review/ `runs` times, and `runs` saves of the subtitle through the
 * edit panel of `url`, each timed until the page's <main> shows it. */
async function measureDesk(page, base, url, runs) {
  const opens = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    await page.goto(`${base}_kbgen/review/`, { waitUntil: "load" });
    opens.push(Date.now() - t0);
    rows = await page.locator("[data-review-field]").count();
    console.log(`desk open ${i + 1}: ${opens.at(-1)} ms (${rows} marks listed)`);
  }
  await page.goto(url);
  await page.waitForTimeout(500); // the event stream connects
  const times = [];
  let reloads = 0;
  for (let i = 0; i < runs; i++) {
    const marker = `延迟测量副标题第${i + 1}次`;
    const details = page.locator("#kbgen-edit details");
    if (!(await details.evaluate((d) => d.open))) await page.click("#kbgen-edit summary");
    await page.fill("[name=subtitle]", marker);
    await page.evaluate(() => { window.kbgenLatencyMark = true; });
    const saved = Date.now();
    await page.click("#kbgen-edit button[type=submit]");
    await mainShows(page, marker, saved);
    const ms = Date.now() - saved;
    const reloaded = !(await page.evaluate(() => window.kbgenLatencyMark === true));
    if (reloaded) reloads++;
    times.push(ms);
    console.log(`desk save ${i + 1}: ${ms} ms${reloaded ? " (page reloaded)" : " (swapped in)"}`);
    await page.waitForTimeout(400);
  }
  return {
    marks: rows,
    desk_open_median_ms: median(opens), desk_open_worst_ms: Math.max(...opens),
    runs: times.length, median_ms: median(times), best_ms: Math.min(...times), worst_ms: Math.max(...times), reloads, times_ms: times,
  };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const cleanup = [];
  let browser = null;
  const results = [];
  try {
    const root = copyProject(a.project, SKIP);
    cleanup.push(() => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
    const practices = path.join(root, "content", "practices");
    const rel = a.page ?? path.join("content", "practices", readdirSync(practices).filter((f) => f.endsWith(".md")).sort()[0]);
    const slug = path.basename(rel, ".md");
    const marked = a.desk ? addMarks(practices, a.marks) : 0;
    if (marked) console.log(`review marks added to ${marked} pages`);

    const started = Date.now();
    const server = await startServe(a.bin, root);
    cleanup.push(() => server.child.kill());
    const startup = Date.now() - started;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const page = await browser.newPage();
    const url = `${server.base}practices/${slug}/index.html`;
    const res = await page.goto(url);
    if (!res || res.status() !== 200) throw new Error(`${url}: HTTP ${res && res.status()} (is the page's slug its file name?)`);
    await page.waitForTimeout(500); // the event stream connects
    console.log(`kbgen serve: ${url}`);
    if (a.desk) {
      const desk = await measureDesk(page, server.base, url, a.runs);
      const pages = (server.lines.find((l) => l.startsWith("serving")) ?? "").match(/\((\d+) pages/)?.[1];
      console.log(JSON.stringify({ tool: "kbgen serve --desk", project: a.project, pages: pages ? Number(pages) : null, startup_ms: startup, ...desk }));
      return;
    }
    const kbgen = await measure(page, path.join(root, rel), a.runs, () => server.lines.filter((l) => l.startsWith("rebuilt")).at(-1));
    const pages = (server.lines.find((l) => l.startsWith("serving")) ?? "").match(/\((\d+) pages/)?.[1];
    results.push({ tool: "kbgen serve", project: a.project, pages: pages ? Number(pages) : null, startup_ms: startup, ...kbgen });
    server.child.kill();

    if (a.hugo) {
      const hroot = copyProject(a.hugoProject, new Set(["public", "resources", ".hugo_build.lock"]));
      cleanup.push(() => rmSync(hroot, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
      const hstarted = Date.now();
      const hugo = await startHugo(a.hugo, hroot, await freePort());
      cleanup.push(() => hugo.child.kill());
      const hstartup = Date.now() - hstarted;
      const hurl = `${hugo.base}practices/${slug}/`;
      const hres = await page.goto(hurl);
      if (!hres || hres.status() !== 200) throw new Error(`${hurl}: HTTP ${hres && hres.status()}`);
      await page.waitForTimeout(1000); // the live-reload socket connects
      console.log(`hugo server: ${hurl}`);
      const h = await measure(page, path.join(hroot, rel), a.runs, () => hugo.lines.filter((l) => /Total in|Change detected/.test(l)).at(-1));
      results.push({ tool: "hugo server", project: a.hugoProject, startup_ms: hstartup, ...h });
    }
    console.log(JSON.stringify(results.length === 1 ? results[0] : results));
  } finally {
    if (browser) await browser.close();
    for (const f of cleanup.reverse()) f();
  }
}

main().catch((e) => {
  console.error(`serve-latency: ${e.message}`);
  process.exit(1);
});
