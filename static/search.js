/* kbgen search — the browser half of the tokenizer contract and index format in src/search/ (contract.rs, wire.rs).
 *
 * fold key: per character, full-width → half-width, Traditional → Simplified (the table comes
 * with the index), A-Z → a-z. Base tokens: [a-z0-9]+ runs; Han runs give overlapping bigrams
 * (a lone character gives itself). A document matches when it holds every base token; Latin
 * tokens of two characters or more match as prefixes (the index holds each Latin word under its
 * prefixes). The index is sharded: a query loads meta.js, the shards of its tokens and the
 * documents of the results on screen; the facet columns (f.js) come after the results.
 *
 * A classic script (no modules: those do not load from file://). In node, require() it.
 */
(function (global) {
  "use strict";

  function isHan(cp) {
    return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0x20000 && cp <= 0x2ebef) || (cp >= 0x30000 && cp <= 0x323af);
  }

  /** The fold table from the index: a string of (Traditional, Simplified) character pairs. */
  function makeFold(pairs) {
    var map = new Map();
    var chars = Array.from(pairs || "");
    for (var i = 0; i + 1 < chars.length; i += 2) map.set(chars[i], chars[i + 1]);
    return map;
  }

  /** The match key of a text, as an array with one entry per character of the text. */
  function foldKey(text, fold) {
    var out = [];
    for (var ch of String(text)) {
      var c = ch;
      var cp = c.codePointAt(0);
      if (cp === 0x3000) c = " ";
      else if (cp >= 0xff01 && cp <= 0xff5e) c = String.fromCodePoint(cp - 0xfee0);
      var f = fold.get(c);
      if (f !== undefined) c = f;
      if (c >= "A" && c <= "Z") c = c.toLowerCase();
      out.push(c);
    }
    return out;
  }

  function isAsciiAlnum(c) {
    return (c >= "0" && c <= "9") || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
  }

  /** Runs of the key: {kind: "han"|"ascii", chars: [...]}. */
  function runs(key) {
    var out = [];
    var cur = null;
    for (var c of key) {
      var kind = isHan(c.codePointAt(0)) ? "han" : isAsciiAlnum(c) ? "ascii" : null;
      if (cur && cur.kind === kind) {
        cur.chars.push(c);
      } else {
        if (cur) out.push(cur);
        cur = kind ? { kind: kind, chars: [c] } : null;
      }
    }
    if (cur) out.push(cur);
    return out;
  }

  /** Base tokens of a text: identical to base_tokens in src/search/contract.rs. */
  function baseTokens(text, fold) {
    var out = [];
    for (var r of runs(foldKey(text, fold))) {
      if (r.kind === "ascii") out.push(r.chars.join(""));
      else if (r.chars.length === 1) out.push(r.chars[0]);
      else for (var i = 0; i + 1 < r.chars.length; i++) out.push(r.chars[i] + r.chars[i + 1]);
    }
    return out;
  }

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvWXYZwxyz-_";
  var DIGIT = {};
  for (var d = 0; d < 64; d++) DIGIT[DIGITS[d]] = d;

  /** Postings string → Map(doc id → weight): pairs of (gap − 1, weight − 1) as base-64 varints. */
  function decode(s) {
    var out = new Map();
    var nums = [];
    var v = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var x = DIGIT[s[i]];
      if (x >= 32) {
        v += (x - 32) * Math.pow(2, shift);
        shift += 5;
      } else {
        nums.push(v + x * Math.pow(2, shift));
        v = 0;
        shift = 0;
      }
    }
    var doc = -1;
    for (var k = 0; k + 1 < nums.length; k += 2) {
      doc += nums[k] + 1;
      out.set(doc, nums[k + 1] + 1);
    }
    return out;
  }

  /** The shard of a token: FNV-1a 32 over its code points (src/search/wire.rs). */
  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    for (var c of token) {
      h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
    }
    return (h & (shards - 1)) >>> 0;
  }

  /**
   * An open index. `load(key)` runs the script `search/<key>.js` and resolves when it has
   * called KBGEN_SEARCH.put(key, value); files are loaded once, and only when a query needs them.
   */
  function Engine(meta, load) {
    this.meta = meta;
    this.fold = makeFold(meta.fold);
    this.load = load;
    this.cache = new Map();
    this.facets = null;
    this.names = {};
    for (var m of meta.mechanisms) this.names[m[0]] = m[1];
  }

  Engine.prototype.file = function (key) {
    if (!this.cache.has(key)) this.cache.set(key, this.load(key));
    return this.cache.get(key);
  };

  /** A document as a result shows it. */
  Engine.prototype.doc = function (id) {
    return this.file("d/" + id);
  };

  /** Map(doc → impact) of a query token (a Latin one is held under its prefixes, so it is
   * looked up as it is). */
  Engine.prototype.postings = function (token) {
    return this.file("s/" + shardOf(token, this.meta.shards)).then(function (shard) {
      return Object.prototype.hasOwnProperty.call(shard, token) ? decode(shard[token]) : new Map();
    });
  };

  /** The facet columns (f.js), loaded once, when a query first needs counts or filters. */
  Engine.prototype.loadFacets = function () {
    var self = this;
    return this.file("f").then(function (f) { self.facets = f; return f; });
  };

  /** Facet values of document `id` (after loadFacets). */
  Engine.prototype.facetValues = function (k, id) {
    var m = this.facets;
    var mechanisms = this.meta.mechanisms;
    if (k === "region") return m.prov[id] >= 0 ? [m.provinces[m.prov[id]]] : [];
    if (k === "mechanism") return m.mech[id].map(function (i) { return mechanisms[i][0]; });
    return m.year[id] ? [String(m.year[id])] : [];
  };

  /** Documents matching every base token of `query`, scored: the sum of their postings (each
   * the token's idf × BM25's term-frequency part, computed by the indexer). */
  Engine.prototype.match = function (query) {
    var self = this;
    var meta = this.meta;
    var tokens = unique(baseTokens(query, this.fold));
    if (tokens.length === 0) {
      var all = [];
      for (var i = 0; i < meta.n; i++) all.push({ id: i, score: 0 });
      return Promise.resolve({ results: all, tokens: tokens });
    }
    return Promise.all(tokens.map(function (t) { return self.postings(t); })).then(function (lists) {
      var order = lists.slice().sort(function (a, b) { return a.size - b.size; });
      var results = [];
      order[0].forEach(function (_, doc) {
        for (var l of order) if (!l.has(doc)) return;
        var score = 0;
        for (var p of lists) score += p.get(doc);
        results.push({ id: doc, score: score });
      });
      return { results: results, tokens: tokens };
    });
  };

  Engine.prototype.passes = function (id, filters, except) {
    for (var k in FACETS) {
      if (k === except || !filters[k] || filters[k].length === 0) continue;
      var vals = this.facetValues(k, id);
      if (!filters[k].some(function (v) { return vals.indexOf(v) >= 0; })) return false;
    }
    return true;
  };

  /** The matches of `query`, best first, then newest (documents are in site order, newest
   * first): what results show before any facet loads. Resolves to {results, tokens}. */
  Engine.prototype.ranked = function (query) {
    return this.match(query).then(function (m) {
      m.results.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
      return m;
    });
  };

  /** `ranked` matches after filters, and per facet the live counts (the other facets
   * applied); loads the facet columns. Resolves to {results, facets, tokens}. */
  Engine.prototype.refine = function (m, filters) {
    var self = this;
    filters = filters || {};
    return this.loadFacets().then(function () {
      var facets = {};
      for (var k in FACETS) {
        var counts = {};
        for (var r of m.results) {
          if (!self.passes(r.id, filters, k)) continue;
          for (var v of self.facetValues(k, r.id)) counts[v] = (counts[v] || 0) + 1;
        }
        facets[k] = counts;
      }
      var results = m.results.filter(function (r) { return self.passes(r.id, filters, null); });
      return { results: results, facets: facets, tokens: m.tokens };
    });
  };

  /** Search: `ranked`, then `refine`d by `filters`. */
  Engine.prototype.search = function (query, filters) {
    var self = this;
    return this.ranked(query).then(function (m) { return self.refine(m, filters); });
  };

  function unique(list) {
    return Array.from(new Set(list));
  }

  var FACETS = { region: true, mechanism: true, year: true };

  /** The version of the index format this reads: `v` in meta.js (src/search/wire.rs). */
  var VERSION = 4;

  /** A file's value as the index writes it, the base-64 text of its JSON deflated (zlib), →
   * a promise of the value (src/search/wire.rs `put`). Inflated by the browser's own
   * DecompressionStream (2020–2023 in all engines; node 18). */
  function unpack(text) {
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }

  /** Opens the index whose files `load(key)` fetches as written (see Engine); an index in another
   * format is refused rather than misread. */
  function open(load) {
    var read = function (key) {
      return load(key).then(function (v) {
        if (typeof v !== "string") throw new Error("search/" + key + ".js is not in format " + VERSION);
        return unpack(v);
      });
    };
    return read("meta").then(function (meta) {
      if (meta.v !== VERSION) throw new Error("search index format " + meta.v + ", this page reads " + VERSION);
      return new Engine(meta, read);
    });
  }

  /** The registry the index files call: KBGEN_SEARCH.put(key, value). */
  function registry() {
    var values = new Map();
    return {
      values: values,
      put: function (key, value) { values.set(key, value); },
    };
  }

  /** An excerpt of `text` around the first match: [{text, mark}] segments, about `width` chars. */
  function excerpt(text, tokens, fold, width) {
    var chars = Array.from(String(text));
    var key = foldKey(text, fold).join("");
    var keyChars = Array.from(key);
    var marked = new Array(chars.length).fill(false);
    var first = -1;
    var sorted = unique(tokens).sort(function (a, b) { return Array.from(b).length - Array.from(a).length; });
    for (var t of sorted) {
      var tc = Array.from(t);
      for (var i = 0; i + tc.length <= keyChars.length; i++) {
        var ok = true;
        for (var j = 0; j < tc.length; j++) if (keyChars[i + j] !== tc[j]) { ok = false; break; }
        if (!ok) continue;
        if (first < 0 || i < first) first = i;
        for (j = 0; j < tc.length; j++) marked[i + j] = true;
      }
    }
    var start = first < 0 ? 0 : Math.max(0, first - Math.floor(width / 3));
    var end = Math.min(chars.length, start + width);
    var segs = [];
    if (start > 0) segs.push({ text: "…", mark: false });
    for (var k = start; k < end; k++) {
      var c = chars[k] === "\n" ? " " : chars[k];
      var last = segs[segs.length - 1];
      if (last && last.mark === marked[k] && last.text !== "…") last.text += c;
      else segs.push({ text: c, mark: marked[k] });
    }
    if (end < chars.length) segs.push({ text: "…", mark: false });
    return segs;
  }

  /** Results shown at once, and at each 显示更多结果: ten, as a results page of a web search
   * shows; each one shown loads its document (~3.5 KiB gzip), the largest part of a first
   * query's download after the shards. */
  var PAGE = 10;

  var api = {
    makeFold: makeFold, foldKey: foldKey, baseTokens: baseTokens, shardOf: shardOf, decode: decode,
    open: open, unpack: unpack, registry: registry, excerpt: excerpt, VERSION: VERSION, PAGE: PAGE,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  global.KbgenSearch = api;

  // ------------------------------------------------------------------ the search page
  if (typeof document === "undefined") return;

  var LABELS = { region: "地区", mechanism: "机制", year: "年份" };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var a in attrs || {}) e.setAttribute(a, attrs[a]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function readState() {
    var p = new URLSearchParams(location.search);
    var filters = {};
    for (var k in FACETS) filters[k] = p.getAll(k);
    return { q: p.get("q") || "", filters: filters };
  }

  function writeState(state) {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    for (var k in FACETS) for (var v of state.filters[k]) p.append(k, v);
    var qs = p.toString();
    try {
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    } catch (e) {
      /* some file:// contexts refuse; the search still works */
    }
  }

  /** Loads search/<key>.js with a script element (works from file:// too). */
  function scriptLoader(base) {
    var reg = global.KBGEN_SEARCH || (global.KBGEN_SEARCH = registry());
    return function (key) {
      return new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + key + ".js";
        s.onload = function () {
          s.remove();
          if (reg.values.has(key)) {
            var v = reg.values.get(key);
            reg.values.delete(key);
            resolve(v);
          } else reject(new Error("search/" + key + ".js did not load"));
        };
        s.onerror = function () { s.remove(); reject(new Error("cannot load search/" + key + ".js")); };
        document.head.appendChild(s);
      });
    };
  }

  function start() {
    var results = document.getElementById("results");
    if (!results) return;
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var facetsBox = document.getElementById("facets");
    var status = document.getElementById("search-status");
    var more = document.getElementById("more-results");
    var root = results.getAttribute("data-root") || "";
    var state = readState();
    input.value = state.q;
    status.textContent = "正在载入索引…";

    function failed() {
      status.textContent = "搜索索引载入失败。";
      results.setAttribute("data-search-complete", "");
    }

    open(scriptLoader(results.getAttribute("data-index"))).then(function (engine) {
      var timer = null;
      var generation = 0;
      var current = null;
      var shown = 0;

      function run() {
        var mine = ++generation;
        results.removeAttribute("data-search-complete");
        writeState(state);
        var hasFilter = Object.keys(FACETS).some(function (k) { return state.filters[k].length > 0; });
        // Without filters the results show as soon as the postings are in; the facet counts
        // follow (their columns load once). With filters the results wait for the columns.
        var shownEarly = null;
        engine.ranked(state.q).then(function (m) {
          if (mine !== generation) return;
          if (!hasFilter) shownEarly = show(m);
          return engine.refine(m, state.filters);
        }).then(function (out) {
          if (!out || mine !== generation) return;
          renderFacets(out.facets);
          return (shownEarly || show(out)).then(function () {
            if (mine === generation) results.setAttribute("data-search-complete", "");
          });
        }).then(null, function (e) {
          if (mine === generation) failed();
          if (global.console) console.error(e);
        });
      }

      /** Shows `out`'s results from the first (their documents load now). */
      function show(out) {
        var mine = generation;
        results.textContent = "";
        current = out;
        shown = 0;
        var hasFilter = Object.keys(FACETS).some(function (k) { return state.filters[k].length > 0; });
        if (!state.q.trim() && !hasFilter) {
          status.textContent = "输入关键词（简体或繁体均可），或选择左侧的筛选条件。";
          more.hidden = true;
          return Promise.resolve();
        }
        status.textContent = out.results.length ? "找到 " + out.results.length + " 篇实践" : "没有找到匹配的实践。";
        return showMore(mine);
      }

      /** Renders the next PAGE results (their documents load now). */
      function showMore(mine) {
        var page = current.results.slice(shown, shown + PAGE);
        shown += page.length;
        more.hidden = true;
        // Each result shows as soon as it and those above it have loaded.
        var docs = new Array(page.length);
        var next = 0;
        var tokens = current.tokens;
        return Promise.all(page.map(function (r, i) {
          return engine.doc(r.id).then(function (d) {
            if (mine !== generation) return;
            docs[i] = d;
            for (; next < docs.length && docs[next]; next++) results.appendChild(renderResult(docs[next], tokens));
          });
        })).then(function () {
          if (mine !== generation) return;
          if (global.KBGEN_COMPARE_UI) global.KBGEN_COMPARE_UI.refresh();
          more.hidden = shown >= current.results.length;
        });
      }

      function renderResult(d, tokens) {
        var li = el("li", { "data-search-result": "", class: "card" });
        var h = el("h2", { class: "card-title" });
        var a = el("a", { href: root + d.url }, d.title);
        if (d.lang) a.setAttribute("lang", d.lang);
        h.appendChild(a);
        li.appendChild(h);
        var meta = [d.year ? d.year + "年" : "", d.region, d.mechanisms].filter(Boolean).join(" · ");
        li.appendChild(el("p", { class: "meta" }, meta));
        var p = el("p", { class: "excerpt" });
        if (d.lang) p.setAttribute("lang", d.lang);
        for (var s of excerpt(d.body, tokens, engine.fold, 110)) {
          p.appendChild(s.mark ? el("mark", {}, s.text) : document.createTextNode(s.text));
        }
        li.appendChild(p);
        return li;
      }

      function renderFacets(counts) {
        facetsBox.textContent = "";
        for (var k in FACETS) {
          var values = Object.keys(counts[k]);
          for (var v of state.filters[k]) if (values.indexOf(v) < 0) values.push(v);
          if (values.length === 0) continue;
          values.sort(function (a, b) { return k === "year" ? b.localeCompare(a) : (counts[k][b] || 0) - (counts[k][a] || 0) || a.localeCompare(b); });
          var fs = el("fieldset", { class: "facet" });
          fs.appendChild(el("legend", {}, LABELS[k]));
          values.forEach(function (v, i) {
            var id = "facet-" + k + "-" + i;
            var box = el("input", { type: "checkbox", name: k, value: v, id: id });
            box.checked = state.filters[k].indexOf(v) >= 0;
            box.addEventListener("change", function () {
              var list = state.filters[this.name];
              var at = list.indexOf(this.value);
              if (this.checked && at < 0) list.push(this.value);
              if (!this.checked && at >= 0) list.splice(at, 1);
              run();
            });
            var label = el("label", { for: id }, (k === "mechanism" ? engine.names[v] || v : k === "year" ? v + "年" : v) + " ");
            label.appendChild(el("span", { class: "count" }, String(counts[k][v] || 0)));
            var row = el("div", { class: "facet-row" });
            row.appendChild(box);
            row.appendChild(label);
            fs.appendChild(row);
          });
          facetsBox.appendChild(fs);
        }
      }

      input.addEventListener("input", function () {
        state.q = input.value;
        clearTimeout(timer);
        timer = setTimeout(run, 120);
      });
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        state.q = input.value;
        run();
      });
      more.addEventListener("click", function () {
        results.removeAttribute("data-search-complete");
        var mine = generation;
        showMore(mine).then(function () {
          if (mine === generation) results.setAttribute("data-search-complete", "");
        });
      });
      run();
    }, failed);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : globalThis);
