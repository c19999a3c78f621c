// The comparison page's half of the chunk contract (static/compare.js against src/compare.rs),
// on the built site's real data: every practice of the dataset is found in the chunk the browser
// computes for it. Needs KBGEN_SITE (default site/): run after `kbgen build`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const C = require(join(repo, "static", "compare.js"));
const site = process.env.KBGEN_SITE || join(repo, "site");

test("chunkOf is FNV-1a 32 (the reference value of src/compare.rs)", () => {
  assert.equal(C.chunkOf("abc", 2 ** 31), 0x1a47e90b);
  assert.equal(C.chunkOf("abc", 256), 0x0b);
});

test("idsOf keeps valid, distinct ids, four at most", () => {
  assert.deepEqual(C.idsOf("?ids=a-1,b,a-1,<x>,c,d,e"), ["a-1", "b", "c", "d"]);
  assert.deepEqual(C.idsOf("?ids="), []);
  assert.deepEqual(C.idsOf("?q=1"), []);
  assert.equal(C.slugOf("practices/2024-x-1/index.html"), "2024-x-1");
  assert.equal(C.slugOf("../../practices/2024-x-1/index.html"), "2024-x-1");
  assert.equal(C.slugOf("region/1/index.html"), null);
});

test("every practice of the site is in the chunk the browser computes", () => {
  const html = readFileSync(join(site, "compare", "index.html"), "utf8");
  const chunks = Number(/data-chunks="(\d+)"/.exec(html)[1]);
  assert.equal(readdirSync(join(site, "compare", "c")).length, chunks);
  const byChunk = new Map();
  globalThis.KBGEN_COMPARE = { put: (k, v) => byChunk.set(k, v) };
  for (let k = 0; k < chunks; k++) new Function(readFileSync(join(site, "compare", "c", `${k}.js`), "utf8"))();
  const ids = readFileSync(join(site, "data", "practices.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).id);
  assert.ok(ids.length > 0);
  for (const id of ids) assert.ok(byChunk.get(C.chunkOf(id, chunks))[id], `${id} in chunk ${C.chunkOf(id, chunks)}`);
});
