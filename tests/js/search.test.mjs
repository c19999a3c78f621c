// The browser tokenizer (static/search.js) against the Rust one (src/search/contract.rs), and search
// behaviour on the built site's real index. Needs KBGEN_BIN (default target/debug/kbgen) and
// KBGEN_SITE (default site/): run after `kbgen build`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { deflateSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const S = require(join(repo, "static", "search.js"));
const bin = process.env.KBGEN_BIN || join(repo, "target", "debug", "kbgen");
const site = process.env.KBGEN_SITE || join(repo, "site");

// Sample texts: every paragraph of the repo's content, plus edge cases.
function samples() {
  const dir = join(repo, "content", "practices");
  const out = [];
  for (const f of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, f), "utf8");
    for (const line of text.split("\n")) if (line.trim()) out.push(line);
  }
  out.push(
    "ＡＰＰ下载：２０２３年ＧＤＰ增長２７．８％", "對標找差、再攀新高", "乾淨幹部 乾隆", "网", "a", "",
    "COVID-19 疫情 2020", "𠀀𠀁 扩展B区", "emoji 🎉 网格", "混合Latin中文mixed123文字", "　全角空格　",
  );
  return out;
}

function rustTokens(texts) {
  const out = execFileSync(bin, ["tokens"], { input: texts.join("\n") + "\n", maxBuffer: 1 << 28 }).toString();
  const lines = out.trim().split("\n").map((l) => JSON.parse(l));
  return { fold: lines[0].fold, rows: lines.slice(1) };
}

test("the browser's base tokens equal the Rust tokenizer's for every sample", () => {
  const texts = samples().filter((t) => !t.includes("\n"));
  const { fold, rows } = rustTokens(texts);
  const f = S.makeFold(fold);
  assert.equal(rows.length, texts.length);
  let tokens = 0;
  for (const row of rows) {
    assert.deepEqual(S.baseTokens(row.text, f), row.base, row.text);
    tokens += row.base.length;
  }
  assert.ok(tokens > 10000, `compared ${tokens} tokens`);
});

test("fold key keeps one entry per character and folds Traditional", () => {
  const { fold } = rustTokens(["x"]);
  const f = S.makeFold(fold);
  for (const [t, s] of [["對標找差", "对标找差"], ["網格", "网格"], ["蘇州", "苏州"], ["幹部", "干部"]]) {
    assert.equal(S.foldKey(t, f).join(""), s);
  }
  const text = "蘇州“對標找差”𠀀🎉";
  assert.equal(S.foldKey(text, f).length, Array.from(text).length);
});

// The rest works on the built site's index, loaded file by file as the browser does.
function openIndex() {
  const dir = join(site, "search");
  assert.ok(existsSync(join(dir, "meta.js")), `no ${dir}/meta.js: run kbgen build first`);
  const loaded = [];
  const load = async (key) => {
    const reg = S.registry();
    new Function("KBGEN_SEARCH", readFileSync(join(dir, key + ".js"), "utf8"))(reg);
    assert.ok(reg.values.has(key), `search/${key}.js puts ${key}`);
    loaded.push(key);
    return reg.values.get(key);
  };
  return S.open(load).then((engine) => Object.assign(engine, { loaded }));
}

async function top(engine, q, f) {
  const out = await engine.search(q, f);
  return Promise.all(out.results.map(async (r) => (await engine.doc(r.id)).title));
}

test("postings decode to ascending doc ids with weights; shards agree with Rust", async () => {
  assert.deepEqual([...S.decode("00")], [[0, 1]]);
  // gap 10 → doc 10, weight 1; gap 0 → 11, 2; gap 31 → 43, weight 31 + 3 × 32 + 1.
  assert.deepEqual([...S.decode("A0" + "01" + "V_3")], [[10, 1], [11, 2], [43, 128]]);
  const engine = await openIndex();
  for (const key of engine.loaded) assert.ok(key === "meta" || key.startsWith("s/"));
  // Every token of every shard lives in the shard the browser computes for it.
  let tokens = 0;
  for (let k = 0; k < engine.meta.shards; k++) {
    const shard = await engine.file("s/" + k);
    for (const t of Object.keys(shard)) {
      assert.equal(S.shardOf(t, engine.meta.shards), k, t);
      const p = S.decode(shard[t]);
      assert.ok(p.size > 0 && [...p.keys()].every((d, i, a) => d < engine.meta.n && (i === 0 || d > a[i - 1])), t);
      tokens++;
    }
  }
  assert.ok(tokens > 1000, `${tokens} tokens`);
});

test("every substring of every document finds that document", async () => {
  const engine = await openIndex();
  let checked = 0;
  for (let id = 0; id < engine.meta.n; id++) {
    const doc = await engine.doc(id);
    const chars = Array.from(doc.body);
    // Deterministic spread of substrings of 2..8 characters.
    for (let k = 0; k < 40; k++) {
      const len = 2 + (k % 7);
      const at = Math.floor(((k * 7919) % 1000) / 1000 * Math.max(1, chars.length - len));
      const q = chars.slice(at, at + len).join("");
      // A query cut inside a Latin word or number is not a substring search (`DP` of `GDP`).
      const cutsLatin = /[A-Za-z0-9]/.test(chars[at - 1] || "") && /^[A-Za-z0-9]/.test(q) ||
        /[A-Za-z0-9]$/.test(q) && /[A-Za-z0-9]/.test(chars[at + len] || "");
      if (cutsLatin || S.baseTokens(q, engine.fold).length === 0) continue;
      // Kept as text: a substring that is a place name alone would become a place filter.
      const ids = (await engine.search(q, {}, { keep: [q] })).results.map((r) => r.id);
      assert.ok(ids.includes(id), `"${q}" does not find document ${id} (${doc.title})`);
      checked++;
    }
  }
  assert.ok(checked > 300, `checked ${checked}`);
});

test("ranking, Traditional/Simplified both ways, substrings, Latin and years", async () => {
  const engine = await openIndex();
  const t = (q, f) => top(engine, q, f);
  assert.equal((await t("对标找差"))[0], "“組織力”如何轉化為“生産力”?");
  assert.equal((await t("對標找差"))[0], "“組織力”如何轉化為“生産力”?");
  assert.equal((await t("找差"))[0], "“組織力”如何轉化為“生産力”?");
  assert.ok((await t("蘇州 紅色引擎")).includes("苏州:锻造创新发展“红色引擎”"));
  assert.equal((await t("訴源治理"))[0], "深圳推行社会组织参与矛盾纠纷化解 诉源治理 多元解纷");
  assert.equal((await t("GDP"))[0], "“組織力”如何轉化為“生産力”?");
  assert.equal((await t("gd"))[0], "“組織力”如何轉化為“生産力”?", "Latin prefixes match");
  assert.ok((await t("网")).length >= 2, "one character finds every page that has it");
  assert.equal((await t("2018 竞赛"))[0], "提振党员干部精气神扎实推进高质量发展");
  assert.deepEqual(await t("不存在的词语组合"), []);
});

test("a query's results load meta and its tokens' shards; its facet counts then load f", async () => {
  const engine = await openIndex();
  const ranked = await engine.ranked("对标找差");
  const shards = new Set(S.baseTokens("对标找差", engine.fold).map((t) => "s/" + S.shardOf(t, engine.meta.shards)));
  // 对标找差 names a mechanism: its name file says so, and its tag list loads.
  const names = "n/" + S.shardOf("对标找差", engine.meta.names);
  const tags = "m/" + engine.meta.mechanisms.findIndex((m) => m[0] === "benchmarking");
  assert.deepEqual(engine.loaded.slice().sort(), ["meta", names, tags, ...shards].sort());
  assert.ok(ranked.results.length > 0);
  const out = await engine.refine(ranked, {});
  assert.deepEqual(engine.loaded.slice().sort(), ["f", "meta", names, tags, ...shards].sort());
  assert.deepEqual(out.results, ranked.results, "no filter keeps every result in order");
});

test("facets filter with live counts; an empty query browses", async () => {
  const engine = await openIndex();
  const all = await engine.search("考核", {});
  const shanghai = await engine.search("考核", { region: ["上海市"] });
  assert.equal(shanghai.results.length, 1);
  assert.equal(shanghai.facets.region["上海市"], 1);
  assert.equal(shanghai.facets.region["江苏省"], all.facets.region["江苏省"], "a facet's own filter does not shrink its counts");
  const browse = await engine.search("", { mechanism: ["benchmarking"] });
  assert.ok(browse.results.length >= 1);
  const benchmarking = engine.meta.mechanisms.findIndex((m) => m[0] === "benchmarking");
  assert.ok(browse.results.every((r) => engine.facetValues("mechanism", r.id).includes(benchmarking)));
});

test("excerpts mark the match and never turn text into markup", () => {
  const f = S.makeFold("");
  const segs = S.excerpt("网格员<script>alert(1)</script>走访网格", ["网格"], f, 40);
  const marked = segs.filter((s) => s.mark).map((s) => s.text);
  assert.deepEqual(marked, ["网格", "网格"]);
  assert.equal(segs.map((s) => s.text).join(""), "网格员<script>alert(1)</script>走访网格", "text stays text");
});

test("an index in another format version is refused, the built one is read", async () => {
  const engine = await openIndex();
  assert.equal(engine.meta.v, S.VERSION);
  const other = deflateSync(JSON.stringify({ ...engine.meta, v: S.VERSION + 1 })).toString("base64");
  await assert.rejects(S.open(async () => other), new RegExp(`format ${S.VERSION + 1}, this page reads ${S.VERSION}`));
  await assert.rejects(S.open(async () => ({ ...engine.meta })), /not in format/, "a value not deflated is refused too");
});

// ---------------------------------------------------------------- places, mechanisms, filters
// On the fixture project of search-fixture.mjs, built here; expectations come from the pages
// as the fixture wrote them, not from the index.
import { build as buildFixture, parseCsv } from "./search-fixture.mjs";
import { after } from "node:test";

let fixture = null;
function fixtureIndex() {
  fixture = fixture || buildFixture(bin);
  const dir = join(fixture.site, "search");
  const loaded = [];
  const load = async (key) => {
    const reg = S.registry();
    new Function("KBGEN_SEARCH", readFileSync(join(dir, key + ".js"), "utf8"))(reg);
    loaded.push(key);
    return reg.values.get(key);
  };
  return S.open(load).then((engine) => Object.assign(engine, { loaded }));
}
after(() => fixture && fixture.remove());

const within = (p, place) => p.region === place || p.region.startsWith(place + "/");
const river = (p) => p.mechanism.includes("river-chief") || p.mechanism.includes("river-police-chief");
async function slugs(engine, out) {
  return Promise.all(out.results.map(async (r) => (await engine.doc(r.id)).url.split("/")[1]));
}

test("a place alone in the query becomes a place filter; a mechanism name wins; a kept word stays text", async () => {
  const engine = await fixtureIndex();
  const ps = fixture.practices;
  // 河长制 浙江: 河长制 (tagged, or narrower, or in the text), only in 浙江.
  const zj = await engine.search("河长制 浙江", {});
  assert.deepEqual(zj.understood.places, [{ word: "浙江", path: "浙江省" }]);
  assert.deepEqual(zj.understood.mechanisms.map((m) => engine.meta.mechanisms[m.index][0]), ["river-chief"]);
  const want = ps.filter((p) => within(p, "浙江省") && (river(p) || p.body.includes("河长制"))).map((p) => p.slug);
  assert.deepEqual((await slugs(engine, zj)).sort(), want.sort());
  assert.ok(want.length >= 8, `${want.length} practices`);
  // Tagged practices first.
  const firstUntagged = zj.results.findIndex((r) => !r.tagged);
  assert.ok(firstUntagged < 0 || zj.results.slice(firstUntagged).every((r) => !r.tagged));
  // 长治 alone is 长治市; 河长治 is no place (it holds 长治, but is one word); kept, 长治 is text.
  const cz = await engine.search("长治", {});
  assert.deepEqual(cz.understood.places, [{ word: "长治", path: "山西省/长治市" }]);
  assert.deepEqual((await slugs(engine, cz)).sort(), ps.filter((p) => within(p, "山西省/长治市")).map((p) => p.slug).sort());
  assert.deepEqual((await engine.search("河长治", {})).understood.places, []);
  // A county is a filter by its full name only: its short name is often an everyday word
  // (资源 of 资源县), which must not silently narrow a search.
  assert.deepEqual((await engine.search("资源", {})).understood.places, []);
  assert.deepEqual((await engine.search("资源县", {})).understood.places, [{ word: "资源县", path: "广西壮族自治区/桂林市/资源县" }]);
  const text = await engine.search("长治", {}, { keep: ["长治"] });
  assert.deepEqual(text.understood.places, []);
  assert.ok((await slugs(engine, text)).includes(ps.find((p) => p.body.includes("赴长治") && !within(p, "山西省")).slug), "the word searched as text");
});

test("a mechanism's synonym finds the practices tagged with it or a narrower entry (河湖长制 → 河长制)", async () => {
  const engine = await fixtureIndex();
  const out = await engine.search("河湖长制", {});
  assert.deepEqual(out.understood.mechanisms.map((m) => engine.meta.mechanisms[m.index][1]), ["河长制"]);
  const want = fixture.practices.filter((p) => river(p) || p.body.includes("河湖长制")).map((p) => p.slug);
  assert.deepEqual((await slugs(engine, out)).sort(), want.sort());
  // The synonym comes from the vocabulary, not from the script.
  assert.ok(!readFileSync(join(repo, "static", "search.js"), "utf8").includes("河湖长制"));
  assert.match(readFileSync(join(repo, "data", "mechanisms.yaml"), "utf8"), /hans: \[河长制, [^\]]*河湖长制/);
});

test("filters: a county, a year range, a mechanism with its narrower entries; no text lists all, newest first", async () => {
  const engine = await fixtureIndex();
  const ps = fixture.practices;
  const out = await engine.search("", { region: ["浙江省/湖州市/安吉县"], mechanism: ["river-chief"], from: "2016", to: "2020" });
  const want = ps.filter((p) => within(p, "浙江省/湖州市/安吉县") && river(p) && p.year >= 2016 && p.year <= 2020).map((p) => p.slug);
  assert.ok(want.length >= 2, `${want.length}`);
  assert.deepEqual(await slugs(engine, out), want, "in site order, newest first");
  const oldest = await engine.search("", { region: ["江苏省"] }, { sort: "date-asc" });
  assert.deepEqual(await slugs(engine, oldest), ps.filter((p) => within(p, "江苏省")).map((p) => p.slug).reverse());
  // Counts by place at every level, each the number of practices there.
  const all = await engine.search("", { from: "2015" });
  for (const place of ["浙江省", "浙江省/湖州市", "浙江省/湖州市/安吉县", "山西省/长治市"]) {
    assert.equal(all.facets.region[place], ps.filter((p) => p.year && within(p, place)).length, place);
  }
  assert.equal(all.facets.mechanism["river-chief"], ps.filter((p) => p.year && river(p)).length, "the parent counts its children's practices");
  // A place no practice is in finds none.
  assert.equal((await engine.search("", { region: ["西藏自治区"] })).results.length, 0);
});

test("filters apply from the place and tag lists and the year column before the facet columns load, to the same results", async () => {
  const engine = await fixtureIndex();
  const cases = [
    ["", { region: ["浙江省/湖州市/安吉县"], mechanism: ["river-chief"], from: "2016", to: "2020" }],
    ["", { region: ["江苏省", "山西省/长治市"], from: "2018" }],
    ["河长制 浙江", {}],
    ["实践", { mechanism: ["benchmarking", "river-police-chief"], to: "2019" }],
    ["", { region: ["西藏自治区"] }],
    ["", { mechanism: ["no-such-id"] }],
  ];
  for (const [q, f] of cases) {
    const m = await engine.ranked(q, {});
    const fast = await engine.filtered(m, f);
    assert.ok(!engine.loaded.includes("f"), `${q} ${JSON.stringify(f)}: f.js not loaded`);
    const full = await engine.refine(m, f);
    assert.deepEqual(fast.results.map((r) => r.id), full.results.map((r) => r.id), `${q} ${JSON.stringify(f)}`);
    engine.loaded.length = 0;
    engine.cache.delete("f");
    engine.facets = null;
  }
  // The key of a place's file is the browser's hash of its path, as Rust writes it.
  assert.ok(existsSync(join(fixture.site, "search", S.regionKey("浙江省/湖州市/安吉县") + ".js")));
});

test("the repo's site: a mechanism and a region filter count what practices.jsonl says, narrower entries included", async () => {
  const engine = await openIndex();
  const rows = readFileSync(join(site, "data", "practices.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const yaml = readFileSync(join(repo, "data", "mechanisms.yaml"), "utf8");
  // Entries whose parent (at any depth) is cadre-assessment, read from the vocabulary.
  const parent = {};
  for (const m of yaml.matchAll(/- id: (\S+)[\s\S]*?(?=\n  - id:|$)/g)) {
    const p = m[0].match(/\n    parent: (\S+)/);
    if (p) parent[m[1]] = p[1];
  }
  const under = (id, top) => { for (let x = id; x; x = parent[x]) if (x === top) return true; return false; };
  const want = rows.filter((r) => r.mechanisms.some((m) => under(m.id, "cadre-assessment")) && r.regions.some((g) => (g.path + "/").startsWith("江苏省/")));
  const out = await engine.search("", { mechanism: ["cadre-assessment"], region: ["江苏省"] });
  assert.equal(out.results.length, want.length);
  assert.ok(want.some((r) => !r.mechanisms.some((m) => m.id === "cadre-assessment")), "a practice with only a narrower entry is counted");
  const ids = await Promise.all(out.results.map(async (r) => (await engine.doc(r.id)).url.split("/")[1]));
  assert.deepEqual(ids, want.map((r) => r.id));
});

test("export: the rows of practices.csv and practices.jsonl for the results, in their order", async () => {
  const engine = await fixtureIndex();
  const out = await engine.search("", { region: ["浙江省/杭州市/西湖区"], from: "2017", to: "2022" });
  const ids = out.results.map((r) => r.id);
  const file = (name) => new Blob([readFileSync(join(fixture.site, "data", name))]).stream();
  const csv = await S.pick(file("practices.csv"), ids, engine.meta.n, true);
  const all = parseCsv(readFileSync(join(fixture.site, "data", "practices.csv"), "utf8"));
  const slugsWanted = fixture.practices.filter((p) => within(p, "浙江省/杭州市/西湖区") && p.year >= 2017 && p.year <= 2022).map((p) => p.slug);
  assert.ok(slugsWanted.length >= 2);
  assert.deepEqual(parseCsv(csv), [all[0], ...all.slice(1).filter((r) => slugsWanted.includes(r[0]))]);
  assert.ok(csv.startsWith("\uFEFFid,"), "the BOM and header as the file has them");
  const jsonl = await S.pick(file("practices.jsonl"), ids, engine.meta.n, false);
  assert.deepEqual(jsonl.trim().split("\n").map((l) => JSON.parse(l).id), slugsWanted);
  // Record splitting: a quoted cell holding a line break and quotes stays one record.
  const split = S.records(true);
  const got = [...split.push('a,"x\r\ny ""q"""\r\nb,'), ...split.push("c\r\n"), ...split.end()];
  assert.deepEqual(got, ['a,"x\r\ny ""q"""\r\n', "b,c\r\n"]);
  await assert.rejects(S.pick(file("practices.csv"), ids, engine.meta.n + 1, true), /holds 40 records, the index 41/);
});
