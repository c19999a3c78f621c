// Bytes a browser downloads (gzip -9) before it shows the first results of a query, on a
// built kbgen site: static/search.js, search/meta.js, the shards of the query's tokens and the
// documents of the results the page shows first (search.js's PAGE); then with the facet
// columns (search/f.js), which the search page loads next for the counts beside the results. Also the time to answer each
// query in node (results and facets).
//
//   node bench/first-query.mjs SITE_DIR [QUERY...]
//
// A QUERY that starts with `?` is a search page URL's query string (`?mechanism=river-chief&
// region=浙江省&from=2015&to=2020`, what the research pages link to): its filters apply as the
// page applies them before the facet columns load.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const S = createRequire(import.meta.url)(join(repo, "static", "search.js"));
const site = process.argv[2];
const queries = process.argv.slice(3).length ? process.argv.slice(3) : ["对标找差", "網格化管理", "干部考核 2020", "容错纠错机制", "gdp", "河长制 浙江", "?mechanism=river-chief&region=浙江省&from=2015&to=2020"];
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

for (const q of queries) {
  let bytes = gz(join(site, "static", "search.js"));
  const load = async (key) => {
    const path = join(site, "search", key + ".js");
    bytes += gz(path);
    const reg = S.registry();
    new Function("KBGEN_SEARCH", readFileSync(path, "utf8"))(reg);
    return reg.values.get(key);
  };
  const started = performance.now();
  const engine = await S.open(load);
  const params = new URLSearchParams(q.startsWith("?") ? q : "");
  const filters = { region: params.getAll("region"), mechanism: params.getAll("mechanism"), from: params.get("from"), to: params.get("to") };
  const ranked = await engine.ranked(q.startsWith("?") ? params.get("q") || "" : q);
  const shown = await engine.filtered(ranked, filters);
  await Promise.all(shown.results.slice(0, S.PAGE).map((r) => engine.doc(r.id)));
  const first = bytes;
  await engine.refine(ranked, filters);
  const ms = performance.now() - started;
  console.log(`${JSON.stringify(q)}\t${shown.results.length} results\t${(first / 1024).toFixed(1)} KB gzip\t${ms.toFixed(0)} ms\t${(bytes / 1024).toFixed(1)} KB gzip with facets`);
}
