// Figures for a paper, in a real browser on the built site (from file://): a mechanism page's
// map and diffusion grid, downloaded as SVG, render standalone as they render in the page (a
// screenshot of each compared pixel by pixel); the PNG is the SVG drawn at twice its size; the
// print stylesheet prints the heading, figures, legends and tables, nothing else; each
// per-year map shades the provinces the dataset says had adopted by its year; and a grid
// cell or map shape leads to the search page listing exactly the practices it counts (the
// search page's filter contract: mechanism, region, from, to).
//
//   cargo run -- build && KBGEN_SITE=$PWD/site node --test tests/browser/figures.test.mjs
import { test, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import os from "node:os";
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { launch, closeBrowser } from "./lib/browser.mjs";

const SITE = process.env.KBGEN_SITE;
assert.ok(SITE && path.isAbsolute(SITE) && existsSync(path.join(SITE, "index.html")), "KBGEN_SITE must be the absolute path of a built site");
const base = pathToFileURL(SITE + path.sep).href;
const tmp = mkdtempSync(path.join(os.tmpdir(), "kbgen-figures-"));
after(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await closeBrowser();
});

/** The mechanism page with the most grid rows: a map and a grid to export. */
function richestMechanism() {
  let best = null;
  for (const id of readdirSync(path.join(SITE, "mechanism"))) {
    const file = path.join(SITE, "mechanism", id, "index.html");
    if (!existsSync(file)) continue;
    const html = readFileSync(file, "utf8");
    const rows = (html.match(/<tr><th scope="row">/g) || []).length;
    if (html.includes('data-figure="grid"') && (!best || rows > best.rows)) best = { id, rows };
  }
  assert.ok(best, "a mechanism page with a grid");
  return `mechanism/${best.id}/index.html`;
}

async function open(context, rel) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(new URL(rel, base).href, { waitUntil: "load" });
  return { page, errors };
}

/**
 * Share of pixels of two PNG screenshots (same size) differing by more than 48 in a channel
 * from the other's pixel at the same place and from each of its eight neighbours, computed
 * with the browser's own decoder.
 */
async function pixelDiff(page, a, b) {
  return page.evaluate(async ([a, b]) => {
    const load = async (b64) => createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const [ia, ib] = [await load(a), await load(b)];
    if (ia.width !== ib.width || ia.height !== ib.height) return { size: [ia.width, ia.height, ib.width, ib.height], share: 1 };
    const data = (img) => {
      const c = new OffscreenCanvas(img.width, img.height);
      const ctx = c.getContext("2d");
      ctx.drawImage(img, 0, 0);
      return ctx.getImageData(0, 0, img.width, img.height).data;
    };
    const [da, db] = [data(ia), data(ib)];
    const [w, h] = [ia.width, ia.height];
    const near = (i, j) => Math.abs(da[i] - db[j]) <= 48 && Math.abs(da[i + 1] - db[j + 1]) <= 48 && Math.abs(da[i + 2] - db[j + 2]) <= 48;
    let off = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4;
        if (near(i, i)) continue;
        // A page places a figure at a fraction of a pixel, a file at 0: a pixel may match one
        // of its neighbours instead.
        let found = false;
        for (let dy = -1; dy <= 1 && !found; dy++) {
          for (let dx = -1; dx <= 1 && !found; dx++) {
            const [nx, ny] = [x + dx, y + dy];
            if (nx >= 0 && ny >= 0 && nx < w && ny < h) found = near(i, (ny * w + nx) * 4);
          }
        }
        if (!found) off++;
      }
    }
    return { size: [w, h], share: off / (w * h) };
  }, [a.toString("base64"), b.toString("base64")]);
}

/** Screenshot of the standalone SVG file `svg`, clipped to `clip`. */
async function standalone(context, svg, name, clip) {
  const file = path.join(tmp, name);
  writeFileSync(file, svg);
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  const shot = await page.screenshot({ clip });
  await page.close();
  return shot;
}

test("a downloaded map and grid render standalone as in the page; the PNG is twice the SVG", { timeout: 120_000 }, async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const context = await browser.newContext({ viewport: { width: 1280, height: 2400 }, colorScheme: "light", acceptDownloads: true });
  try {
    const rel = richestMechanism();
    const { page, errors } = await open(context, rel);
    await page.waitForSelector(".figure-tools:not([hidden])");
    // The map: its SVG carries no class (every style is on the elements), a title, the
    // legend with its title and the source line.
    const mapSvg = await page.evaluate(() => window.kbgenFigureSvg(0));
    assert.doesNotMatch(mapSvg, / class="/, "styles inlined, no class left");
    assert.doesNotMatch(mapSvg, /<a /, "no links inside a standalone figure");
    for (const want of ["实践数（篇）", "底图来源", "地图"]) assert.ok(mapSvg.includes(want), `${want} in the map's SVG`);
    const map = page.locator("figure[data-figure=map] svg.map");
    await map.scrollIntoViewIfNeeded();
    const box = await map.boundingBox();
    const top = Number(/<svg [^>]*x="0" y="(\d+)"/.exec(mapSvg)[1]);
    const clip = { x: 0, y: top, width: Math.round(box.width), height: Math.round(box.height) };
    const inPage = await page.screenshot({ clip: { x: box.x, y: box.y, width: clip.width, height: clip.height } });
    const alone = await standalone(context, mapSvg, "map.svg", clip);
    const mapDiff = await pixelDiff(page, inPage, alone);
    t.diagnostic(`map ${mapDiff.size.join("×")}: ${(mapDiff.share * 100).toFixed(2)} % of pixels differ`);
    assert.ok(mapDiff.share < 0.01, `the standalone map differs in ${(mapDiff.share * 100).toFixed(2)} % of its pixels`);

    // The grid: drawn as SVG shapes and text from the table's layout.
    const gridSvg = await page.evaluate(() => window.kbgenFigureSvg(1));
    assert.doesNotMatch(gridSvg, / class="/);
    const table = page.locator("[data-figure=grid] table.grid");
    await table.scrollIntoViewIfNeeded();
    const tb = await table.boundingBox();
    const gclip = { x: 0, y: 0, width: Math.floor(tb.width), height: Math.floor(tb.height) };
    const gridInPage = await page.screenshot({ clip: { x: tb.x, y: tb.y, width: gclip.width, height: gclip.height } });
    const gridAlone = await standalone(context, gridSvg, "grid.svg", gclip);
    const gridDiff = await pixelDiff(page, gridInPage, gridAlone);
    t.diagnostic(`grid ${gridDiff.size.join("×")}: ${(gridDiff.share * 100).toFixed(2)} % of pixels differ`);
    assert.ok(gridDiff.share < 0.01, `the standalone grid differs in ${(gridDiff.share * 100).toFixed(2)} % of its pixels`);

    // The buttons download them: the SVG as shown above, the PNG at twice its size.
    const [svgDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(".figure-tools button[data-download=svg]").first().click(),
    ]);
    assert.match(svgDownload.suggestedFilename(), /-map\.svg$/);
    const saved = readFileSync(await svgDownload.path(), "utf8");
    assert.equal(saved, mapSvg);
    const [pngDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(".figure-tools button[data-download=png]").nth(1).click(),
    ]);
    assert.match(pngDownload.suggestedFilename(), /-grid\.png$/);
    const png = readFileSync(await pngDownload.path());
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const [sw, sh] = /width="(\d+)" height="(\d+)"/.exec(gridSvg).slice(1).map(Number);
    assert.deepEqual([w, h], [sw * 2, sh * 2], "the PNG is the SVG at twice its size");
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await context.close();
  }
});

test("printed, a mechanism page shows its heading, figures, legends and tables, in colour, and no chrome", { timeout: 60_000 }, async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page } = await open(context, richestMechanism());
    await page.emulateMedia({ media: "print", colorScheme: "dark" });
    const shown = (sel) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).display !== "none" && e.getClientRects().length > 0);
    for (const sel of [".site-header", ".site-footer", ".site-search", ".figure-tools", "section[aria-labelledby=list]"]) {
      if (await page.locator(sel).count()) assert.equal(await shown(sel), false, `${sel} is not printed`);
    }
    for (const sel of ["h1", "svg.map", ".map-legend", ".map-table", "table.grid", ".map-source", ".grid-note"]) {
      assert.equal(await shown(sel), true, `${sel} is printed`);
    }
    const style = await page.evaluate(() => {
      const key = document.querySelector(".map-legend .map-b5, .map-legend li:last-child .map-key");
      const dark = document.querySelector("table.grid td.g5, table.grid td.g4, table.grid td[class^=g]:not(.grid-total)");
      return {
        adjust: getComputedStyle(key).printColorAdjust || getComputedStyle(key).webkitPrintColorAdjust,
        key: getComputedStyle(key).backgroundColor,
        cell: getComputedStyle(dark).backgroundColor,
        body: getComputedStyle(document.body).backgroundColor,
      };
    });
    assert.equal(style.adjust, "exact", "swatches and cells print their colours");
    assert.notEqual(style.key, "rgba(0, 0, 0, 0)");
    assert.notEqual(style.cell, "rgba(0, 0, 0, 0)");
    assert.equal(style.body, "rgb(255, 255, 255)", "white paper, even from a dark screen");
    await page.pdf({ path: path.join(tmp, "print.pdf"), format: "A4" });
    await page.close();
  } finally {
    await context.close();
  }
});

/** The mechanism page with the most per-year map panels. */
function mostPanels() {
  let best = null;
  for (const id of readdirSync(path.join(SITE, "mechanism"))) {
    const file = path.join(SITE, "mechanism", id, "index.html");
    if (!existsSync(file)) continue;
    const panels = (readFileSync(file, "utf8").match(/<g class="map-panel"/g) || []).length;
    if (panels && (!best || panels > best.panels)) best = { id, panels };
  }
  assert.ok(best, "a mechanism page with per-year maps");
  return best.id;
}

/**
 * Independently of the page: province codes adopting mechanism `id` (or a narrower entry)
 * by year `end` (a practice's adopter, the first region as written), a practice counting from `adopted` where it has one, else
 * from its `year` (practices.jsonl and mechanisms.json, as a researcher reads them).
 */
function adoptersBy(id, end) {
  const vocab = JSON.parse(readFileSync(path.join(SITE, "data", "mechanisms.json"), "utf8"));
  const within = new Map(vocab.map((e) => [e.id, new Set([e.id, ...e.broader])]));
  const provinces = new Set();
  for (const line of readFileSync(path.join(SITE, "data", "practices.jsonl"), "utf8").split("\n")) {
    if (!line) continue;
    const p = JSON.parse(line);
    const y = p.adopted ?? p.year;
    if (y === null || y > end || !p.mechanisms.some((m) => within.get(m.id).has(id))) continue;
    // Credited to the adopting place alone (the first region as written), not every place named.
    if (p.adopter?.province) provinces.add(p.adopter.province[0]);
  }
  return provinces;
}

test("each per-year map shades the provinces that had adopted by its year, and downloads like the map", { timeout: 120_000 }, async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const context = await browser.newContext({ viewport: { width: 1280, height: 2400 }, colorScheme: "light", acceptDownloads: true });
  try {
    const id = mostPanels();
    const { page, errors } = await open(context, `mechanism/${id}/index.html`);
    await page.waitForSelector(".figure-tools:not([hidden])");
    // Shaded as drawn: a panel's province whose fill is not the legend's "0" colour.
    const panels = await page.evaluate(() => {
      const none = getComputedStyle(document.querySelector("[data-figure=map-years] .map-legend .map-b0")).backgroundColor;
      return [...document.querySelectorAll("svg.map-years g.map-panel")].map((g) => ({
        label: g.getAttribute("data-label"),
        title: g.querySelector("title").textContent,
        shaded: [...g.querySelectorAll(":scope > g > use")].filter((u) => getComputedStyle(u).fill !== none).length,
        drawn: g.querySelectorAll(":scope > g > use").length,
      }));
    });
    t.diagnostic(`${id}: ${panels.map((p) => `${p.label} ${p.shaded}`).join(", ")}`);
    assert.ok(panels.length > 1 && panels.length <= 12, `${panels.length} panels`);
    const rows = await page.locator(".map-years-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.equal(rows.length, panels.length, "a table row per panel");
    let last = -1;
    for (const [i, p] of panels.entries()) {
      const end = Number(p.label.split("–").pop());
      assert.ok(end > last, "panels in year order");
      last = end;
      const want = adoptersBy(id, end).size;
      assert.equal(p.drawn, 34, "every province drawn");
      assert.equal(p.shaded, want, `${p.label}: ${p.shaded} provinces shaded, ${want} had adopted by ${end}`);
      assert.ok(p.title.startsWith(`${p.label}：`), `a title per panel: ${p.title}`);
      assert.deepEqual(rows[i].slice(0, 2), [p.label, String(want)], "its table row says the same");
    }
    // Its download: a standalone SVG (no class, the legend's title, the source line) that
    // renders as the page shows it.
    const n = await page.locator(".figure-block .figure-tools").count();
    const svg = await page.evaluate((k) => window.kbgenFigureSvg(k), n - 1);
    assert.doesNotMatch(svg, / class="/);
    for (const want of ["累计实践数（篇）", "底图来源", "逐年"]) assert.ok(svg.includes(want), `${want} in the SVG`);
    const map = page.locator("svg.map-years");
    await map.scrollIntoViewIfNeeded();
    const box = await map.boundingBox();
    const top = Number(/<svg [^>]*x="0" y="(\d+)"/.exec(svg)[1]);
    // Whole pixels inside the figure, wherever the page placed it.
    const [x, y] = [Math.ceil(box.x), Math.ceil(box.y)];
    const clip = { x: x - box.x, y: top + (y - box.y), width: Math.floor(box.width) - 1, height: Math.floor(box.height) - 1 };
    const inPage = await page.screenshot({ clip: { x, y, width: clip.width, height: clip.height } });
    const alone = await standalone(context, svg, "years.svg", clip);
    const diff = await pixelDiff(page, inPage, alone);
    t.diagnostic(`per-year maps ${diff.size.join("×")}: ${(diff.share * 100).toFixed(2)} % of pixels differ`);
    assert.ok(diff.share < 0.01, `the standalone per-year maps differ in ${(diff.share * 100).toFixed(2)} % of their pixels`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(".figure-tools button[data-download=png]").nth(n - 1).click(),
    ]);
    assert.match(download.suggestedFilename(), /-map-years\.png$/);
    // Printed: the panels and their table.
    await page.emulateMedia({ media: "print" });
    for (const sel of ["svg.map-years", ".map-years-table"]) {
      const shown = await page.locator(sel).evaluate((e) => getComputedStyle(e).display !== "none" && e.getClientRects().length > 0);
      assert.equal(shown, true, `${sel} is printed`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await context.close();
  }
});

// Needs the search page's URL filters (mechanism, region, from, to: the contract of issue 25's
// search half). On a branch without them this test fails: the search page then ignores them.
test("a grid cell and a map shape lead to the search page listing exactly the practices they count", { timeout: 120_000 }, async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const rel = richestMechanism();
    const cellSel = "table.grid:not(.adopters) td a[href*='search/index.html?']";
    const shapeSel = "svg.map a[href*='search/index.html?']";
    const { page: first } = await open(context, rel);
    // Cells whose row has other years first (there the year filter matters), up to four of
    // them, and up to two map shapes.
    const cells = await first.locator(cellSel).evaluateAll((as) =>
      as
        .map((a, i) => {
          const total = a.closest("tr").querySelector(".grid-total").textContent.trim();
          return { i, other: total !== a.textContent.trim() };
        })
        .sort((x, y) => Number(y.other) - Number(x.other))
        .slice(0, 4)
        .map((c) => c.i),
    );
    const shapes = [...Array(Math.min(2, await first.locator(shapeSel).count())).keys()];
    await first.close();
    assert.ok(cells.length > 0 && shapes.length > 0, "cells and shapes to follow");
    for (const [sel, what, picks] of [[cellSel, "grid cell", cells], [shapeSel, "map shape", shapes]]) {
      for (const pick of picks) {
        const { page } = await open(context, rel);
        const link = page.locator(sel).nth(pick);
        const n = what === "grid cell"
          ? Number(await link.innerText())
          : Number(/：(\d+) 篇$/.exec(await link.locator("path").getAttribute("aria-label"))[1]);
        const href = await link.getAttribute("href");
        await page.goto(new URL(href, page.url()).href, { waitUntil: "load" });
        await page.waitForSelector("#results[data-search-complete]", { state: "attached", timeout: 15_000 });
        // Show every result: "more" until it hides, each time waiting for the next results.
        const listed = () => page.locator("#results [data-search-result]").count();
        const more = page.locator("#more-results");
        while (await more.isVisible()) {
          const before = await listed();
          await more.click();
          // Loaded: "more" is back, or every result is shown (data-total, when the page gives it).
          await page.waitForFunction((b) => {
            const r = document.getElementById("results");
            const n = r.querySelectorAll("[data-search-result]").length;
            const total = r.getAttribute("data-total");
            return n > b && (!document.getElementById("more-results").hidden || total === null || n >= Number(total));
          }, before);
        }
        const got = await listed();
        assert.equal(got, n, `${what} ${href}: ${n} practices counted, ${got} listed`);
        await page.close();
      }
    }
  } finally {
    await context.close();
  }
});
