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
      const ids = (await engine.search(q, {})).results.map((r) => r.id);
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
  assert.deepEqual(engine.loaded.slice().sort(), ["meta", ...shards].sort());
  assert.ok(ranked.results.length > 0);
  const out = await engine.refine(ranked, {});
  assert.deepEqual(engine.loaded.slice().sort(), ["f", "meta", ...shards].sort());
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
  assert.ok(browse.results.every((r) => engine.facetValues("mechanism", r.id).includes("benchmarking")));
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
