// The review desk of `kbgen serve` in a real browser: a knowledge base made by `kbgen import`
// of the import fixtures (real review marks, real proposals), served by the real binary; the
// test reviews it through /_kbgen/review/ and the edit panel of practice pages, and reads the
// page files to see what was written.
//
//   KBGEN_BIN=$PWD/target/debug/kbgen node --test tests/browser/desk.test.mjs
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, closeBrowser } from "./lib/browser.mjs";
import { startServe } from "./lib/kbgen-serve.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = process.env.KBGEN_BIN || path.join(REPO, "target", "debug", "kbgen");
const FIXTURES = path.join(REPO, "tests", "fixtures", "import");
const UNDATED = "undated-yan-shou-xian-559-ming-ge-ji-dang-3c54e795";
const LIUYANG = "2023-liu-yang-jie-dui-jing-sai-ji-fa-c221e0ba";
const cleanup = [];
after(async () => {
  for (const f of cleanup) await f();
  await closeBrowser();
});

/** Runs kbgen in `root`; import of the fixtures exits 1 (six of them are no articles, on purpose). */
function kbgen(root, ...args) {
  const r = spawnSync(BIN, args, { cwd: root, encoding: "utf8" });
  assert.equal(r.status, args[0] === "import" ? 1 : 0, `kbgen ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A knowledge base imported from the fixtures, served; null (skipped) without chromium outside CI. */
async function served(t) {
  const browser = await launch(t);
  if (!browser) return null;
  const root = mkdtempSync(path.join(tmpdir(), "kbgen-desk-"));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  copyFileSync(path.join(REPO, "kbgen.toml"), path.join(root, "kbgen.toml"));
  mkdirSync(path.join(root, "data"));
  copyFileSync(path.join(REPO, "data", "mechanisms.yaml"), path.join(root, "data", "mechanisms.yaml"));
  assert.match(kbgen(root, "import", FIXTURES), /11 created/);
  const { child, base } = await startServe(BIN, root);
  cleanup.push(() => child.kill());
  return { root, base, browser, page: await browser.newPage() };
}

const file = (root, stem) => path.join(root, "content", "practices", `${stem}.md`);
const read = (root, stem) => readFileSync(file(root, stem), "utf8");
const pageFiles = (root) => readdirSync(path.join(root, "content", "practices")).filter((f) => f.endsWith(".md"));
const snapshot = (root) => Object.fromEntries([...pageFiles(root).map((f) => [f, read(root, f.slice(0, -3))]), ["vocab", readFileSync(path.join(root, "data", "mechanisms.yaml"), "utf8")]]);

/** A page file's front matter as top-level key → its lines, its review marks, and its body. */
function parsePage(text) {
  const end = text.indexOf("\n---\n", 4);
  const lines = text.slice(4, end + 1).split(/(?<=\n)/);
  const keys = {};
  let key = null;
  for (const l of lines) {
    if (!/^[ \t-]/.test(l) && l.includes(":")) key = l.slice(0, l.indexOf(":"));
    keys[key] = (keys[key] || "") + l;
  }
  const marks = [];
  const imp = (keys.import || "").split("\n");
  const at = imp.indexOf("  review:");
  if (at >= 0) for (let i = at + 1; i < imp.length && imp[i].startsWith("  - "); i++) marks.push(imp[i].slice(4).replace(/^'(.*)'$/, "$1").replace(/''/g, "'"));
  return { keys, marks, body: text.slice(end + 5) };
}
const markField = (m) => m.split(":")[0].trim();

/** Asserts `after` differs from `before` only in `key` (and that key's review marks). */
function onlyKeyChanged(before, after, key) {
  const a = parsePage(before), b = parsePage(after);
  assert.equal(b.body, a.body, "the body's bytes");
  assert.notEqual(b.keys[key], a.keys[key], `${key} changed`);
  const strip = (imp) => (imp || "").split("\n").filter((l) => !(l === "  review:" || (l.startsWith("  - ") && markField(l.slice(4).replace(/^'/, "")) === key))).join("\n");
  for (const k of new Set([...Object.keys(a.keys), ...Object.keys(b.keys)])) {
    if (k === key) continue;
    if (k === "import") assert.equal(strip(b.keys[k]).replace(/\n  review:/, ""), strip(a.keys[k]).replace(/\n  review:/, ""), "import block but the key's mark");
    else assert.equal(b.keys[k], a.keys[k], `${k} kept while ${key} changed`);
  }
  assert.deepEqual(b.marks, a.marks.filter((m) => markField(m) !== key), `the marks of ${key} only went`);
}

async function openPanel(page) {
  const details = page.locator("#kbgen-edit details");
  if (!(await details.evaluate((d) => d.open))) await page.click("#kbgen-edit summary");
}

test("the desk lists every review mark of the imported pages; filters, keyboard and accept", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { root, base, page } = s;
  const want = [];
  for (const f of pageFiles(root)) for (const m of parsePage(read(root, f.slice(0, -3))).marks) want.push(`${f.slice(0, -3)} ${markField(m)}`);
  // (An e-paper's masthead over its date line, `经济日报`, is its two stories' source without a mark.)
  assert.equal(want.length, 6, want.join("\n"));
  await page.goto(`${base}_kbgen/review/`);
  const rows = await page.$$eval("[data-review-field][data-review-page]", (rs) => rs.map((r) => `${r.dataset.reviewPage} ${r.dataset.reviewField}`));
  assert.deepEqual(rows.sort(), want.sort());
  assert.equal(await page.textContent("#counts"), "6 处，2 页");
  // Each row links its page and says why import was unsure.
  const undated = page.locator(`[data-review-page="${UNDATED}"][data-review-field="title"]`);
  assert.match(await undated.textContent(), /no line reads as the headline/);
  assert.equal(await undated.locator("a").first().getAttribute("href"), `/practices/${UNDATED}/`);

  await page.selectOption("#f-field", "source");
  assert.equal(await page.locator("[data-review-field]:visible").count(), 2);
  await page.selectOption("#f-field", "");
  await page.selectOption("#f-reason", "no date printed and no year mentioned");
  assert.deepEqual(await page.$$eval("[data-review-field]:not([hidden])", (rs) => rs.map((r) => r.dataset.reviewField)), ["year"]);
  await page.selectOption("#f-reason", "");

  // Keyboard: j moves to the first row, j again to the second, k back, a accepts it.
  await page.locator("body").press("j");
  await page.locator("body").press("j");
  await page.locator("body").press("k");
  const first = await page.$eval(".current", (r) => [r.dataset.reviewPage, r.dataset.reviewField]);
  assert.deepEqual(first, await page.$eval("[data-review-field]", (r) => [r.dataset.reviewPage, r.dataset.reviewField]), "j j k: the first row");
  const before = read(root, first[0]);
  await page.locator("body").press("a");
  await page.waitForFunction(() => document.getElementById("counts").dataset.marks === "5");
  const after = read(root, first[0]);
  assert.deepEqual(parsePage(after).marks, parsePage(before).marks.filter((m) => markField(m) !== first[1]), "accept cleared that mark only");
  assert.deepEqual(parsePage(after).keys.title, parsePage(before).keys.title);
  // The button does the same.
  const row = page.locator("[data-review-field]").first();
  const [p2, f2] = [await row.getAttribute("data-review-page"), await row.getAttribute("data-review-field")];
  await row.locator("button[data-accept]").click();
  await page.waitForFunction(() => document.getElementById("counts").dataset.marks === "4");
  assert.ok(!parsePage(read(root, p2)).marks.some((m) => markField(m) === f2));
  // A reload shows the file's marks (the site rebuilt).
  await page.waitForTimeout(500);
  await page.reload();
  assert.equal(await page.locator("[data-review-field]").count(), 4);
});

test("each curated field edited through the form lands alone in the file and shows on the open page; a re-import keeps it", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { root, base, page } = s;
  const url = `${base}practices/${UNDATED}/`;
  // field, how it is filled, what the open page then shows.
  const edits = [
    ["title", async () => page.fill("[name=title]", "延寿县干部下沉小区（人工校订）"), "延寿县干部下沉小区（人工校订）"],
    ["subtitle", async () => page.fill("[name=subtitle]", "党员干部协助封闭管理"), "党员干部协助封闭管理"],
    ["year", async () => page.fill("[name=year]", "2020"), "2020年"],
    ["date", async () => page.fill("[name=date]", "2020-02-16"), "2020-02-16"],
    ["source", async () => page.fill("[name=source]", "黑龙江日报"), "黑龙江日报"],
    ["author", async () => page.fill("[name=author]", "王晓明"), "王晓明"],
    ["region", async () => {
      // The gazetteer answers what a person types: 昆山 → 江苏省/苏州市/昆山市.
      await page.fill("[data-pick=region]", "昆山");
      await page.click('[data-choices=region] button[data-value="江苏省/苏州市/昆山市"]');
      assert.equal(await page.inputValue("[name=region]"), "黑龙江省/哈尔滨市/延寿县\n江苏省/苏州市/昆山市");
    }, "昆山市"],
    ["mechanism", async () => {
      // By Chinese name, synonym or id, with the description shown.
      await page.fill("[data-pick=mechanism]", "网格员");
      const choice = page.locator('[data-choices=mechanism] button[data-value="grid-governance"]');
      assert.match(await choice.textContent(), /网格化治理.*grid-governance.*网格/);
      await choice.click();
    }, "网格化治理"],
    ["practice", async () => page.fill("[name=practice]", "“下沉小区”"), "“下沉小区”"],
    ["keywords", async () => page.fill("[name=keywords]", "下沉干部\n小区防控"), "下沉干部、小区防控"],
  ];
  for (const [key, fill, shows] of edits) {
    await page.goto(url);
    await page.waitForTimeout(200); // the event stream connects
    await openPanel(page);
    const before = read(root, UNDATED);
    await fill();
    const saved = Date.now();
    assert.equal(await page.evaluate((x) => document.querySelector("main").textContent.includes(x), shows), false, `${key}: not shown before`);
    await page.click("#kbgen-edit button[type=submit]");
    await page.waitForFunction((x) => document.querySelector("main")?.textContent.includes(x), shows, { timeout: 15_000 });
    t.diagnostic(`${key}: save → shown on the open page ${Date.now() - saved} ms`);
    onlyKeyChanged(before, read(root, UNDATED), key);
  }
  const edited = read(root, UNDATED);
  assert.match(kbgen(root, "import", FIXTURES), /edited since import/);
  assert.equal(read(root, UNDATED), edited, "a re-import keeps the edit");
  kbgen(root, "retag");
  assert.equal(parsePage(read(root, UNDATED)).keys.region, parsePage(edited).keys.region, "retag keeps the person's region");
});

test("adopted: a four-digit year not after the report's, saved alone; a later or malformed one is refused with nothing written", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { root, base, page } = s;
  await page.goto(`${base}practices/${LIUYANG}/`);
  await openPanel(page);
  const before = read(root, LIUYANG);
  const year = Number(parsePage(before).keys.year.match(/\d{4}/)[0]);
  assert.equal(parsePage(before).keys.adopted, undefined, "no adopted key yet");
  assert.equal(await page.inputValue("[name=adopted]"), "", "an absent key is an empty field");
  for (const [bad, why] of [[String(year + 1), `after the report's year ${year}`], ["14", "not a four-digit year"]]) {
    await page.fill("[name=adopted]", bad);
    await page.click("#kbgen-edit button[type=submit]");
    await page.waitForFunction((w) => document.querySelector("#kbgen-edit output").textContent.includes(w), why);
    assert.match(await page.textContent("#kbgen-edit output"), /没有保存/);
    assert.equal(read(root, LIUYANG), before, `${bad}: nothing written`);
  }
  await page.fill("[name=adopted]", String(year - 3));
  await page.click("#kbgen-edit button[type=submit]");
  await page.waitForFunction(() => /已保存：adopted/.test(document.querySelector("#kbgen-edit output").textContent));
  const after = read(root, LIUYANG);
  onlyKeyChanged(before, after, "adopted");
  assert.equal(parsePage(after).keys.adopted, `adopted: ${year - 3}\n`);
});

test("bulk: one region for two pages picked on the desk", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { root, base, page } = s;
  await page.goto(`${base}_kbgen/review/`);
  const stems = [...new Set(await page.$$eval("[data-review-field]", (rs) => rs.map((r) => r.dataset.reviewPage)))].slice(0, 2);
  assert.equal(stems.length, 2);
  const before = Object.fromEntries(stems.map((s) => [s, read(root, s)]));
  for (const stem of stems) await page.locator(`[data-review-page="${stem}"] input[type=checkbox]`).first().check();
  assert.equal(await page.textContent("#selected"), "已选 2 行");
  await page.selectOption("#bulk-field", "region");
  await page.fill("#bulk-value", "江苏省/苏州市/昆山市");
  await page.click("#bulk-set");
  await page.waitForFunction(() => /已给 2 页/.test(document.getElementById("desk-status").textContent));
  for (const stem of stems) {
    assert.match(read(root, stem), /\nregion:\n- 江苏省\/苏州市\/昆山市\nmechanism:/);
    onlyKeyChanged(before[stem], read(root, stem), "region");
  }
  const untouched = pageFiles(root).map((f) => f.slice(0, -3)).filter((s) => !stems.includes(s));
  assert.ok(untouched.every((s) => !read(root, s).includes("昆山市")), "no other page");
});

test("a proposed practice becomes a vocabulary entry, then its pages are offered it", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { root, base, page } = s;
  const vocabFile = path.join(root, "data", "mechanisms.yaml");
  const vocabBefore = readFileSync(vocabFile, "utf8");
  await page.goto(`${base}_kbgen/review/`);
  const proposal = page.locator('[data-proposal="“一张卷子考到底”"]');
  await proposal.locator("summary").click();
  assert.equal(await proposal.locator("[name=name]").inputValue(), "一张卷子考到底");
  await proposal.locator("[name=id]").fill("one-paper-exam");
  await proposal.locator("[name=en]").fill("One exam paper for every level");
  await proposal.locator("[name=description]").fill("用同一张卷子考核各级各部门的工作实绩。");
  await proposal.locator("button[type=submit]").click();
  const offer = page.locator('tr[data-offer-mechanism="one-paper-exam"]');
  await offer.waitFor({ timeout: 15_000 });
  const vocab = readFileSync(vocabFile, "utf8");
  assert.ok(vocab.startsWith(vocabBefore), "the vocabulary's text and comments are kept");
  assert.match(vocab.slice(vocabBefore.length), /- id: one-paper-exam\n {4}name: 一张卷子考到底\n {4}en: One exam paper for every level\n/);
  assert.equal(await page.locator('[data-proposal="“一张卷子考到底”"]').count(), 0, "no longer a proposal");
  const stem = await offer.getAttribute("data-offer-page");
  await offer.locator("button").click();
  await offer.waitFor({ state: "detached" });
  assert.match(read(root, stem), /\nmechanism:\n(- .*\n)*- one-paper-exam\n/);
  // The site took the new entry: the page lists it.
  await page.goto(`${base}practices/${stem}/`);
  await page.waitForFunction(() => document.querySelector("main").textContent.includes("一张卷子考到底"), null, { timeout: 15_000 });
});

test("a form drawn before the file changed on disk is refused, and shows the new values", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { root, base, page } = s;
  await page.goto(`${base}practices/${LIUYANG}/`);
  await page.waitForTimeout(200);
  await openPanel(page);
  await page.fill("[name=title]", "这个标题不该写进去");
  // Someone else (an editor, git) changes the source meanwhile; the page is rebuilt, but not
  // reloaded under the unsaved form.
  const onDisk = read(root, LIUYANG).replace("source: 经济日报\n", "source: 湖南日报\n");
  writeFileSync(file(root, LIUYANG), onDisk);
  await page.waitForFunction(() => document.documentElement.hasAttribute("data-kbgen-reload"), null, { timeout: 15_000 });
  await page.click("#kbgen-edit button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#kbgen-edit output").dataset.stale === "1");
  assert.equal(read(root, LIUYANG), onDisk, "nothing written");
  assert.equal(await page.inputValue("[name=source]"), "湖南日报", "the file's new value is shown");
  assert.equal(await page.inputValue("[name=title]"), "这个标题不该写进去", "what the person typed stays");
  assert.match(await page.textContent("#kbgen-edit output"), /没有保存/);
  // Saved again on purpose, it goes in, and the other change stays.
  await page.click("#kbgen-edit button[type=submit]");
  await page.waitForFunction(() => document.querySelector("main h1").textContent === "这个标题不该写进去", null, { timeout: 15_000 });
  assert.match(read(root, LIUYANG), /title: 这个标题不该写进去\n[^]*source: 湖南日报\n/);
  assert.match(await page.textContent("main"), /湖南日报/, "the page reloaded once saved");
});

/** A raw HTTP request to serve: status and body. */
function raw(base, { method = "POST", pathname = "/_kbgen/save", headers = {}, body = "" }) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path: pathname, headers: { host: u.host, ...headers, "content-length": Buffer.byteLength(body) }, setHost: false }, (res) => {
      let data = "";
      res.on("data", (d) => (data += d));
      res.on("end", () => resolve({ status: res.statusCode, body: data }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("writes from anywhere but serve's own pages are refused with nothing written", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { root, base, page, browser } = s;
  await page.goto(`${base}practices/${UNDATED}/`);
  const form = page.locator("form[data-kbgen-edit]");
  const token = await form.getAttribute("data-token");
  const sha256 = await form.getAttribute("data-sha256");
  const before = snapshot(root);
  const origin = base.replace(/\/$/, "");
  const save = (pageId) => JSON.stringify({ page: pageId, sha256, fields: { title: "不该写进去" } });
  const json = { "content-type": "application/json", "x-kbgen-token": token };
  const cases = {
    "foreign Origin": await raw(base, { headers: { ...json, origin: "http://evil.example" }, body: save(UNDATED) }),
    "foreign Host": await raw(base, { headers: { ...json, origin, host: `evil.example:${new URL(base).port}` }, body: save(UNDATED) }),
    "no token": await raw(base, { headers: { "content-type": "application/json", origin }, body: save(UNDATED) }),
    "no Origin": await raw(base, { headers: json, body: save(UNDATED) }),
    "../ page id": await raw(base, { headers: { ...json, origin }, body: save(`../../kbgen`) }),
    "%2e%2e page id": await raw(base, { headers: { ...json, origin }, body: save(`..%2f..%2fkbgen`) }),
  };
  for (const [what, r] of Object.entries(cases)) assert.ok(r.status >= 400, `${what}: ${r.status} ${r.body}`);
  assert.equal(cases["foreign Host"].status, 421);
  assert.equal(cases["foreign Origin"].status, 403);

  // A page of another site (another origin on this machine) posts a bare form, and tries a fetch.
  const evil = createServer((req, res) => {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!DOCTYPE html><title>x</title>
<form method="post" action="${base}_kbgen/save" enctype="text/plain"><input name='{"page":"${UNDATED}","sha256":"${sha256}","fields":{"title":"csrf","x":"' value='"}}'></form>
<script>
fetch(${JSON.stringify(base + "_kbgen/save")}, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(save(UNDATED))} }).catch(() => {});
fetch(${JSON.stringify(base + "_kbgen/save")}, { method: "POST", headers: { "content-type": "application/json", "x-kbgen-token": ${JSON.stringify(token)} }, body: ${JSON.stringify(save(UNDATED))} }).catch(() => {}).finally(() => document.forms[0].submit());
</script>`);
  });
  await new Promise((r) => evil.listen(0, "127.0.0.1", r));
  cleanup.push(() => new Promise((r) => evil.close(r)));
  const other = await browser.newPage();
  const posted = other.waitForResponse((r) => r.url().endsWith("/_kbgen/save") && r.request().method() === "POST" && r.request().postData()?.includes("csrf"));
  await other.goto(`http://127.0.0.1:${evil.address().port}/`);
  const response = await posted;
  assert.equal(response.status(), 403, "the bare form POST");
  await other.waitForTimeout(300);
  assert.deepEqual(snapshot(root), before, "nothing written");
});

test("hostile values stay values: written as YAML strings, shown as text, never run", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { root, base, page } = s;
  const hostile = `</textarea><script>window.pwned=1</script><img src=x onerror="window.pwned=2"> a: b # c --- "q" 'q' & yes`;
  await page.goto(`${base}practices/${UNDATED}/`);
  await page.waitForTimeout(200);
  await openPanel(page);
  await page.fill("[name=title]", hostile);
  await page.fill("[name=keywords]", "---\n- x\nyes\n~\n2024\n<b>粗</b>");
  await page.click("#kbgen-edit button[type=submit]");
  await page.waitForFunction((h) => document.querySelector("main h1")?.textContent === h, hostile, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.pwned), undefined, "nothing ran");
  assert.equal(await page.locator("main h1 img, main h1 script").count(), 0);
  assert.match(await page.textContent("main"), /---、- x、yes、~、2024、<b>粗<\/b>/);
  const text = read(root, UNDATED);
  assert.ok(text.includes("title: '</textarea><script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> a: b # c --- \"q\" ''q'' & yes'\n"), text.slice(0, 400));
  assert.match(text, /\nkeywords:\n- "---"\n- "- x"\n- "yes"\n- "~"\n- "2024"\n- "<b>粗<\/b>"\n/);
  kbgen(root, "check");
  // The panel drawn again and the desk show them as text too.
  await page.reload();
  assert.equal(await page.inputValue("[name=title]"), hostile);
  await page.goto(`${base}_kbgen/review/`);
  assert.equal(await page.locator(`[data-review-page="${UNDATED}"] a`).first().textContent(), hostile);
  assert.equal(await page.evaluate(() => window.pwned), undefined, "nothing ran on the desk");
});

test("screenshots of the desk and the edit panel (1280 and 390 px)", async (t) => {
  const s = await served(t);
  if (!s) return;
  const { base, page } = s;
  const out = process.env.KBGEN_DESK_SHOTS;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 1280 ? 760 : 800 });
    await page.goto(`${base}_kbgen/review/`);
    await page.locator("body").press("j");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the desk fits ${width} px (${overflow} px over)`);
    if (out) await page.screenshot({ path: path.join(out, `desk-${width}.png`) });
    await page.goto(`${base}practices/${UNDATED}/`);
    await openPanel(page);
    await page.fill("[data-pick=region]", "昆山");
    await page.locator("[data-choices=region] button").first().waitFor();
    const box = await page.locator("#kbgen-edit").boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= width + 1, `the panel fits ${width} px`);
    if (out) await page.screenshot({ path: path.join(out, `panel-${width}.png`) });
  }
});
