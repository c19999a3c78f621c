/* kbgen compare — picking practices on term pages and search results, and the comparison page
 * (compare/index.html?ids=a,b,c) that shows them side by side. Data: compare/c/<k>.js, each a
 * script calling KBGEN_COMPARE.put(k, {slug: facts}); k is the FNV-1a hash of the slug modulo
 * the chunk count (src/compare.rs computes the same). Everything from the data is put into the
 * page as text, never as HTML. A classic script (loads from file://); in node, require() it.
 */
(function (global) {
  "use strict";

  var MAX = 4;
  var KEY = "kbgen-compare";
  var SLUG = /^[a-z0-9-]{1,200}$/;

  /** FNV-1a 32 over the code points of a slug, modulo `chunks` (a power of two). */
  function chunkOf(slug, chunks) {
    var h = 0x811c9dc5;
    for (var ch of slug) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return (h & (chunks - 1)) >>> 0;
  }

  /** The slugs of a comparison link's `ids` parameter: valid, distinct, at most four. */
  function idsOf(search) {
    var raw = new URLSearchParams(search).get("ids") || "";
    var out = [];
    raw.split(",").forEach(function (s) {
      s = s.trim();
      if (SLUG.test(s) && out.indexOf(s) < 0 && out.length < MAX) out.push(s);
    });
    return out;
  }

  function slugOf(url) {
    var m = /(?:^|\/)practices\/([a-z0-9-]+)\/(?:index\.html)?$/.exec(url || "");
    return m ? m[1] : null;
  }

  if (typeof module !== "undefined" && module.exports) module.exports = { chunkOf: chunkOf, idsOf: idsOf, slugOf: slugOf };
  if (typeof document === "undefined") return;

  var memory = [];
  function load() {
    try {
      var v = JSON.parse(global.localStorage.getItem(KEY) || "[]");
      return Array.isArray(v) ? v.filter(function (s) { return SLUG.test(s); }).slice(0, MAX) : [];
    } catch (e) {
      return memory.slice();
    }
  }
  function save(list) {
    memory = list.slice();
    try { global.localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* kept for this page */ }
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var a in attrs || {}) e.setAttribute(a, attrs[a]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** The compare page's address, from this script's own (static/compare.js). */
  var SCRIPT = document.currentScript ? document.currentScript.src : "";
  function compareUrl(list) {
    var base = SCRIPT ? new URL("../compare/index.html", SCRIPT).href : "compare/index.html";
    return base + (list.length ? "?ids=" + list.join(",") : "");
  }

  // ---------------------------------------------------------------- picking
  var bar = null;

  /** Gives each practice card on the page its 加入对比 button, once. The button is made here
   * rather than written in every card: without this script it could do nothing. */
  function addButtons() {
    var links = document.querySelectorAll("li.card > .card-title > a[href]");
    for (var i = 0; i < links.length; i++) {
      var card = links[i].parentNode.parentNode;
      var href = links[i].getAttribute("href");
      if (!slugOf(href) || card.querySelector("button.compare-toggle")) continue;
      card.appendChild(el("button", { type: "button", class: "compare-toggle", "data-compare": href, "aria-pressed": "false" }, "加入对比"));
    }
  }

  function refresh() {
    addButtons();
    var list = load();
    var buttons = document.querySelectorAll("button.compare-toggle[data-compare]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var slug = slugOf(b.getAttribute("data-compare"));
      if (!slug) continue;
      var on = list.indexOf(slug) >= 0;
      b.hidden = false;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "已加入对比" : "加入对比";
      b.disabled = !on && list.length >= MAX;
      if (!b.hasAttribute("data-bound")) {
        b.setAttribute("data-bound", "");
        b.addEventListener("click", toggle);
      }
    }
    if (buttons.length) showBar(list);
  }

  function toggle(ev) {
    var slug = slugOf(ev.currentTarget.getAttribute("data-compare"));
    var list = load();
    var at = list.indexOf(slug);
    if (at >= 0) list.splice(at, 1);
    else if (list.length < MAX) list.push(slug);
    save(list);
    refresh();
  }

  function showBar(list) {
    if (!bar) {
      bar = el("div", { class: "compare-bar", role: "region", "aria-label": "对比" });
      document.body.appendChild(bar);
    }
    bar.textContent = "";
    bar.hidden = list.length === 0;
    if (!list.length) return;
    bar.appendChild(el("span", { role: "status" }, "已选 " + list.length + " 篇（最多 " + MAX + " 篇）"));
    if (list.length >= 2) bar.appendChild(el("a", { href: compareUrl(list), class: "compare-go" }, "并排对比"));
    else bar.appendChild(el("span", { class: "compare-hint" }, "再选一篇即可对比"));
    var clear = el("button", { type: "button" }, "清空");
    clear.addEventListener("click", function () { save([]); refresh(); });
    bar.appendChild(clear);
  }

  global.KBGEN_COMPARE_UI = { refresh: refresh };
  // The cards' buttons again after `kbgen serve` swapped in a new <main> (src/serve/live.js).
  document.addEventListener("kbgen:swap", refresh);

  // ---------------------------------------------------------------- the comparison page
  function loader(root) {
    var values = new Map();
    global.KBGEN_COMPARE = { put: function (k, v) { values.set(k, v); } };
    return function (k) {
      return new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = root + "compare/c/" + k + ".js";
        s.onload = function () { s.remove(); values.has(k) ? resolve(values.get(k)) : reject(new Error("chunk " + k)); };
        s.onerror = function () { s.remove(); reject(new Error("cannot load compare/c/" + k + ".js")); };
        document.head.appendChild(s);
      });
    };
  }

  function linkList(cell, links, root, sep) {
    links.forEach(function (l, i) {
      if (i) cell.appendChild(document.createTextNode(sep));
      if (l[1]) cell.appendChild(el("a", { href: root + l[1] }, l[0]));
      else cell.appendChild(document.createTextNode(l[0]));
    });
  }

  var ROWS = [
    ["时间", function (c, f) { c.textContent = f.when; }],
    ["地区", function (c, f, root) {
      f.regions.forEach(function (path, i) {
        if (i) c.appendChild(document.createTextNode("；"));
        linkList(c, path, root, " › ");
      });
      if (!f.regions.length) c.textContent = "—";
    }],
    ["机制", function (c, f, root) { f.mechanisms.length ? linkList(c, f.mechanisms, root, "、") : (c.textContent = "—"); }],
    ["做法名称", function (c, f) { c.textContent = f.practice.join("、") || "—"; }],
    ["来源", function (c, f) { c.textContent = [f.source, f.author].filter(Boolean).join(" · ") || "—"; }],
    ["开头", function (c, f) {
      f.opening.forEach(function (p) {
        var e = el("p", {}, p);
        if (f.lang) e.setAttribute("lang", f.lang);
        c.appendChild(e);
      });
    }],
  ];

  function renderTable(box, ids, facts, root) {
    var wrap = el("div", { class: "grid-wrap compare-wrap", role: "region", "aria-labelledby": "compare-caption", tabindex: "0" });
    var table = el("table", { class: "compare-table" });
    table.appendChild(el("caption", { id: "compare-caption", class: "visually-hidden" }, "所选实践的对比"));
    var head = el("tr");
    head.appendChild(el("td", { class: "corner" }));
    ids.forEach(function (id, i) {
      var th = el("th", { scope: "col" });
      var f = facts[i];
      var a = el("a", { href: root + f.url }, f.title);
      if (f.lang) a.setAttribute("lang", f.lang);
      th.appendChild(a);
      var rest = ids.filter(function (x) { return x !== id; });
      th.appendChild(el("br"));
      th.appendChild(el("a", { href: compareHere(rest), class: "compare-remove" }, "移出对比"));
      head.appendChild(th);
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    ROWS.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, r[0]));
      facts.forEach(function (f) {
        var td = el("td");
        r[1](td, f, root);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    box.appendChild(wrap);
  }

  function compareHere(list) {
    return location.pathname.replace(/^.*\//, "") + (list.length ? "?ids=" + list.join(",") : "");
  }

  function page(box) {
    var root = box.getAttribute("data-root") || "";
    var chunks = parseInt(box.getAttribute("data-chunks"), 10) || 1;
    var status = document.getElementById("compare-status");
    var ids = idsOf(location.search);
    if (!ids.length) ids = load();
    if (ids.length === 0) {
      status.textContent = "还没有选择实践。";
      box.setAttribute("data-compare-complete", "");
      return;
    }
    status.textContent = "正在载入…";
    var get = loader(root);
    var wanted = [];
    ids.forEach(function (id) { var k = chunkOf(id, chunks); if (wanted.indexOf(k) < 0) wanted.push(k); });
    Promise.all(wanted.map(function (k) { return get(k).then(function (v) { return [k, v]; }); })).then(function (loaded) {
      var byChunk = new Map(loaded);
      var found = [], facts = [], missing = [];
      ids.forEach(function (id) {
        var f = byChunk.get(chunkOf(id, chunks))[id];
        if (f && Object.prototype.hasOwnProperty.call(byChunk.get(chunkOf(id, chunks)), id)) { found.push(id); facts.push(f); }
        else missing.push(id);
      });
      status.textContent = "对比 " + found.length + " 篇实践" + (missing.length ? "；未找到：" + missing.join("、") : "") + "。";
      if (found.length) renderTable(box, found, facts, root);
      var share = el("p", { class: "compare-share" }, "分享这个对比：");
      share.appendChild(el("a", { href: compareHere(found) }, "本页链接"));
      if (found.length) box.appendChild(share);
      box.setAttribute("data-compare-complete", "");
    }, function (e) {
      status.textContent = "对比数据载入失败。";
      box.setAttribute("data-compare-complete", "");
      if (global.console) console.error(e);
    });
  }

  // The table's room is kept from the start (now, while the parser waits for this script and
  // the footer is not yet there), so nothing below moves as it fills.
  var early = document.getElementById("compare");
  if (early && (idsOf(location.search).length || load().length)) early.classList.add("compare-open");

  function start() {
    var box = document.getElementById("compare");
    if (box) page(box);
    refresh();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : globalThis);
