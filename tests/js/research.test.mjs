// What the site gives researchers, checked on any built site (scripts/test runs it on the repo's
// site and on a generated 1,000-practice corpus): a CSV row and a JSON line per practice page,
// citation_* tags on every practice page, and on the region index and every mechanism page a map
// and a table whose numbers are the term counts (a practice counts for a province when one of
// its regions lies in it), with a diffusion grid. KBGEN_SITE (default site/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const site = process.env.KBGEN_SITE || join(repo, "site");
const read = (rel) => readFileSync(join(site, rel), "utf8");
const practices = read("data/practices.jsonl").trim().split("\n").map((l) => JSON.parse(l));
const vocab = JSON.parse(read("data/mechanisms.json"));
/** Entry id → the ids it counts for: itself and every broader entry. */
const within = Object.fromEntries(vocab.map((e) => [e.id, new Set([e.id, ...e.broader])]));
const hasMechanism = (p, id) => p.mechanisms.some((m) => within[m.id].has(id));
const pages = readdirSync(join(site, "practices")).filter((d) => existsSync(join(site, "practices", d, "index.html")));

/** The rows of a page's map table: place → count. */
function mapTable(html) {
  const body = /<table class="map-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  const out = {};
  if (body) for (const m of body[1].matchAll(/<a [^>]*>([^<]+)<\/a><\/th><td><a [^>]*>(\d+)<\/a><\/td>/g)) out[m[1]] = Number(m[2]);
  return out;
}

/** The named shapes of a page's map with a count above 0: place → count. */
function mapShapes(html) {
  const out = {};
  for (const m of html.matchAll(/<path class="map-b\d" d="[^"]*" role="img" aria-label="([^"：]+)：(\d+) 篇">/g)) {
    if (Number(m[2]) > 0) out[m[1]] = Number(m[2]);
  }
  return out;
}

test("a CSV row and a JSON line per practice page", () => {
  const csv = read("data/practices.csv");
  assert.ok(csv.startsWith("\ufeffid,url,title,"), "BOM and header");
  assert.equal(practices.length, pages.length);
  assert.deepEqual(practices.map((p) => p.id).sort(), [...pages].sort());
});

test("citation tags on every practice page", () => {
  for (const p of practices) {
    const html = read(`practices/${p.id}/index.html`);
    assert.match(html, /<meta name="citation_title" content="[^"]+">/, p.id);
    const original = p.import && p.import.url && /^https?:/i.test(p.import.url) ? p.import.url : null;
    assert.ok(html.includes(`<meta name="citation_public_url" content="${original ?? p.url}">`), p.id);
    assert.ok(html.includes(`<meta name="citation_fulltext_html_url" content="${p.url}">`), p.id);
    const type = p.source && p.source.endsWith("报") ? "newspaperArticle" : "webpage";
    assert.ok(html.includes(`<meta name="DC.type" content="${type}">`), p.id);
    assert.ok(html.includes('id="cite-gbt"') && html.includes('id="cite-bib"'), p.id);
  }
});

test("map, table and diffusion grid on the region index and every mechanism page, numbers = term counts", () => {
  const provincesOf = (p) => new Set(p.regions.map((r) => r.province[1]));
  const index = read("region/index.html");
  const byProvince = {};
  for (const p of practices) for (const n of provincesOf(p)) byProvince[n] = (byProvince[n] || 0) + 1;
  assert.deepEqual(mapTable(index), byProvince, "region index table");
  assert.deepEqual(mapShapes(index), byProvince, "region index shapes");
  let checked = 0;
  for (const id of readdirSync(join(site, "mechanism"))) {
    if (!existsSync(join(site, "mechanism", id, "index.html"))) continue;
    const html = read(`mechanism/${id}/index.html`);
    assert.ok(html.includes('<svg class="map"'), `${id}: a map`);
    const want = {};
    let dated = 0;
    for (const p of practices.filter((p) => hasMechanism(p, id))) {
      for (const n of provincesOf(p)) { want[n] = (want[n] || 0) + 1; if (p.year !== null) dated++; }
    }
    assert.deepEqual(mapTable(html), want, `${id}: map table`);
    assert.deepEqual(mapShapes(html), want, `${id}: map shapes`);
    const totals = [...html.matchAll(/<td class="grid-total">(\d+)<\/td>/g)].reduce((s, m) => s + Number(m[1]), 0);
    assert.equal(totals, dated, `${id}: the grid's totals`);
    if (dated) assert.ok(html.includes('class="grid"'), `${id}: a diffusion grid`);
    checked++;
  }
  assert.ok(checked > 0);
});

/** The practices the search page's query selects, by the contract shared with search.js. */
function select(query) {
  const q = new URLSearchParams(query);
  const m = q.get("mechanism"), r = q.get("region"), from = q.get("from"), to = q.get("to");
  return practices.filter((p) =>
    (m === null || hasMechanism(p, m)) &&
    (r === null || p.regions.some((x) => x.path === r || x.path.startsWith(r + "/"))) &&
    (from === null || (p.year !== null && p.year >= Number(from))) &&
    (to === null || (p.year !== null && p.year <= Number(to))));
}

test("every grid cell, map shape and table count links to the search page selecting exactly its practices", () => {
  let checked = 0;
  const pagesOf = (kind) => readdirSync(join(site, kind)).filter((d) => existsSync(join(site, kind, d, "index.html"))).map((d) => `${kind}/${d}/index.html`);
  for (const page of ["region/index.html", ...pagesOf("mechanism"), ...pagesOf("region")]) {
    const html = read(page);
    const decode = (s) => s.replaceAll("&amp;", "&");
    for (const m of html.matchAll(/<a href="[^"]*search\/index\.html\?([^"]+)">(?:(\d+)<\/a>|<path [^>]*aria-label="[^"：]+：(\d+) 篇")/g)) {
      const n = Number(m[2] ?? m[3]);
      assert.equal(select(decode(m[1])).length, n, `${page}: ${decode(m[1])}`);
      checked++;
    }
  }
  assert.ok(checked > 10, `${checked} links checked`);
});
