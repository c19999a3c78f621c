// Save → browser latency of `kbgen serve`: how long from writing a page's Markdown until an
// open Chromium tab shows the new text (live reload, no navigation by this script).
//
//   node bench/serve-latency.mjs PROJECT [--runs N] [--page content/practices/X.md] [--bin PATH]
//
// PROJECT is a kbgen project folder (the repo itself, or one written by
// `cargo run --release --example gen_corpus -- --pages 10000 --seed 1 --out DIR`). It is copied
// to a temporary folder first (without site/, target/, .git/, node_modules/), so the project is
// never edited. Needs Debian chromium and the npm packages of tests/browser (scripts/browser-setup).
// Prints one line per save and a JSON summary: {"pages", "runs", "median_ms", "worst_ms", ...}.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "../tests/browser/node_modules/playwright-core/index.mjs";
import { ARGS, CHROMIUM } from "../tests/browser/lib/browser.mjs";
import { startServe } from "../tests/browser/lib/kbgen-serve.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv) {
  const a = { runs: 9, page: null, bin: path.join(REPO, "target", "release", "kbgen"), project: null };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === "--runs") a.runs = Number(argv[++i]);
    else if (v === "--page") a.page = argv[++i];
    else if (v === "--bin") a.bin = path.resolve(argv[++i]);
    else if (!a.project) a.project = path.resolve(v);
    else throw new Error(`unexpected argument ${v}`);
  }
  if (!a.project || !(a.runs > 0)) {
    console.error("usage: node bench/serve-latency.mjs PROJECT [--runs N] [--page content/practices/X.md] [--bin PATH]");
    process.exit(2);
  }
  return a;
}

const SKIP = new Set(["site", "target", ".git", "node_modules"]);

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const root = mkdtempSync(path.join(tmpdir(), "kbgen-latency-"));
  let server = null;
  let browser = null;
  try {
    cpSync(a.project, root, {
      recursive: true,
      filter: (src) => !(path.dirname(src) === a.project && SKIP.has(path.basename(src))),
    });
    const practices = path.join(root, "content", "practices");
    const rel = a.page ?? path.join("content", "practices", readdirSync(practices).filter((f) => f.endsWith(".md")).sort()[0]);
    const file = path.join(root, rel);
    const slug = path.basename(file, ".md");
    const original = readFileSync(file, "utf8");

    const started = Date.now();
    server = await startServe(a.bin, root);
    const startup = Date.now() - started;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const page = await browser.newPage();
    const url = `${server.base}practices/${slug}/index.html`;
    const res = await page.goto(url);
    if (!res || res.status() !== 200) throw new Error(`${url}: HTTP ${res && res.status()} (is the page's slug its file name?)`);
    await page.waitForTimeout(500); // the event stream connects

    const times = [];
    for (let i = 0; i < a.runs; i++) {
      const marker = `延迟测量第${i + 1}次保存`;
      const saved = Date.now();
      writeFileSync(file, `${original.trimEnd()}\n\n${marker}\n`);
      await page.waitForFunction((m) => document.querySelector("main")?.textContent.includes(m), marker, {
        timeout: 60_000,
        polling: "raf",
      });
      const ms = Date.now() - saved;
      times.push(ms);
      console.log(`save ${i + 1}: ${ms} ms (${server.lines.filter((l) => l.startsWith("rebuilt")).at(-1) ?? "?"})`);
      await page.waitForTimeout(400);
    }
    const pages = (server.lines.find((l) => l.startsWith("serving")) ?? "").match(/\((\d+) pages/)?.[1];
    console.log(
      JSON.stringify({
        project: a.project,
        pages: pages ? Number(pages) : null,
        startup_ms: startup,
        runs: times.length,
        median_ms: median(times),
        worst_ms: Math.max(...times),
        times_ms: times,
      }),
    );
  } finally {
    if (browser) await browser.close();
    if (server) server.child.kill();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`serve-latency: ${e.message}`);
  process.exit(1);
});
