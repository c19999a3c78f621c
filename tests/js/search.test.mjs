// The browser tokenizer (static/search.js) against the Rust one (src/search.rs), and search
// behaviour on the built site's real index. Needs KBGEN_BIN (default target/debug/kbgen) and
// KBGEN_SITE (default site/): run after `kbgen build`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
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

// The rest works on the built site's index.
function loadIndex() {
  const path = join(site, "search", "index.js");
  assert.ok(existsSync(path), `no ${path}: run kbgen build first`);
  const sandbox = {};
  new Function("window", readFileSync(path, "utf8"))(sandbox);
  const data = sandbox.KBGEN_SEARCH;
  data.fold = S.makeFold(data.fold);
  return data;
}

test("query words are words the index holds (longest match in its trie)", () => {
  const data = loadIndex();
  assert.deepEqual(S.queryWords("对标找差", data.fold, data.index), ["对标找差"]);
  assert.deepEqual(S.queryWords("對標找差", data.fold, data.index), ["对标找差"]);
  assert.deepEqual(S.queryWords("容错纠错机制", data.fold, data.index).includes("容错纠错"), true);
  // Intl.Segmenter's trap: 网格 alone is two characters, found through its bigram.
  assert.deepEqual(S.baseTokens("网格", data.fold), ["网格"]);
});

test("every substring of every document finds that document", () => {
  const data = loadIndex();
  const docs = data.index.documentStore.docs;
  let checked = 0;
  for (const ref of Object.keys(docs)) {
    const chars = Array.from(docs[ref].body);
    // Deterministic spread of substrings of 2..8 characters.
    for (let k = 0; k < 40; k++) {
      const len = 2 + (k % 7);
      const at = Math.floor(((k * 7919) % 1000) / 1000 * Math.max(1, chars.length - len));
      const q = chars.slice(at, at + len).join("");
      // A query cut inside a Latin word or number is not a substring search (`DP` of `GDP`).
      const cutsLatin = /[A-Za-z0-9]/.test(chars[at - 1] || "") && /^[A-Za-z0-9]/.test(q) ||
        /[A-Za-z0-9]$/.test(q) && /[A-Za-z0-9]/.test(chars[at + len] || "");
      if (cutsLatin || S.baseTokens(q, data.fold).length === 0) continue;
      const refs = S.search(data, q, {}).results.map((r) => r.ref);
      assert.ok(refs.includes(ref), `"${q}" does not find document ${ref} (${docs[ref].title})`);
      checked++;
    }
  }
  assert.ok(checked > 300, `checked ${checked}`);
});

test("ranking, Traditional/Simplified both ways, substrings, Latin and years", () => {
  const data = loadIndex();
  const top = (q, f) => S.search(data, q, f).results.map((r) => r.doc.heading);
  assert.equal(top("对标找差")[0], "“組織力”如何轉化為“生産力”?");
  assert.equal(top("對標找差")[0], "“組織力”如何轉化為“生産力”?");
  assert.equal(top("找差")[0], "“組織力”如何轉化為“生産力”?");
  assert.ok(top("蘇州 紅色引擎").includes("苏州:锻造创新发展“红色引擎”"));
  assert.equal(top("訴源治理")[0], "深圳推行社会组织参与矛盾纠纷化解 诉源治理 多元解纷");
  assert.equal(top("GDP")[0], "“組織力”如何轉化為“生産力”?");
  assert.equal(top("gd")[0], "“組織力”如何轉化為“生産力”?", "Latin prefixes match");
  assert.ok(top("网").length >= 2, "one character finds every page that has it");
  assert.equal(top("2018 竞赛")[0], "提振党员干部精气神扎实推进高质量发展");
  assert.deepEqual(top("不存在的词语组合"), []);
});

test("facets filter with live counts; an empty query browses", () => {
  const data = loadIndex();
  const all = S.search(data, "考核", {});
  const shanghai = S.search(data, "考核", { region: ["上海市"] });
  assert.equal(shanghai.results.length, 1);
  assert.equal(shanghai.facets.region["上海市"], 1);
  assert.equal(shanghai.facets.region["江苏省"], all.facets.region["江苏省"], "a facet's own filter does not shrink its counts");
  const browse = S.search(data, "", { mechanism: ["benchmarking"] });
  assert.ok(browse.results.length >= 1);
  assert.ok(browse.results.every((r) => r.doc.mechanisms.split(" ").includes("benchmarking")));
});

test("excerpts mark the match and never turn text into markup", () => {
  const f = S.makeFold("");
  const segs = S.excerpt("网格员<script>alert(1)</script>走访网格", ["网格"], f, 40);
  const marked = segs.filter((s) => s.mark).map((s) => s.text);
  assert.deepEqual(marked, ["网格", "网格"]);
  assert.equal(segs.map((s) => s.text).join(""), "网格员<script>alert(1)</script>走访网格", "text stays text");
});
