/* kbgen search — the browser half of the tokenizer contract in src/search.rs.
 *
 * fold key: per character, full-width → half-width, Traditional → Simplified (the table comes
 * with the index), A-Z → a-z. Base tokens: [a-z0-9]+ runs; Han runs give overlapping bigrams
 * (a lone character gives itself). Words: the longest runs of 3+ Han characters that exist in
 * the index's own trie, so every word asked for is a word the index has. A document matches
 * when it holds every base token; words and fields only rank.
 *
 * A classic script (no modules: those do not load from file://). In node, require() it.
 */
(function (global) {
  "use strict";

  var FIELDS = { title: 4, terms: 2, body: 1 };
  var WORD_WEIGHT = 2;

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

  /** Base tokens of a text: identical to base_tokens in src/search.rs. */
  function baseTokens(text, fold) {
    var out = [];
    for (var r of runs(foldKey(text, fold))) {
      if (r.kind === "ascii") out.push(r.chars.join(""));
      else if (r.chars.length === 1) out.push(r.chars[0]);
      else for (var i = 0; i + 1 < r.chars.length; i++) out.push(r.chars[i] + r.chars[i + 1]);
    }
    return out;
  }

  function node(root, token) {
    var n = root;
    for (var c of token) {
      n = n[c];
      if (!n) return null;
    }
    return n;
  }

  function isAsciiToken(t) {
    return t.length > 0 && isAsciiAlnum(t[0]);
  }

  /** {ref: tf} of a token in one field; Latin tokens match as prefixes (gd finds gdp). */
  function postings(root, token) {
    var n = node(root, token);
    if (!n) return null;
    if (!isAsciiToken(token)) return n.docs ? { docs: n.docs, df: n.df } : null;
    var docs = {};
    var stack = [n];
    while (stack.length) {
      var cur = stack.pop();
      for (var r in cur.docs || {}) docs[r] = { tf: Math.max(cur.docs[r].tf, docs[r] ? docs[r].tf : 0) };
      for (var k in cur) if (k !== "docs" && k !== "df") stack.push(cur[k]);
    }
    return { docs: docs, df: Object.keys(docs).length };
  }

  /** Words of 3+ Han characters in the query that the index holds (longest match). */
  function queryWords(text, fold, index) {
    var roots = Object.keys(FIELDS).map(function (f) { return index.index[f].root; });
    var words = [];
    for (var r of runs(foldKey(text, fold))) {
      if (r.kind !== "han") continue;
      var i = 0;
      while (i < r.chars.length) {
        var best = -1;
        for (var root of roots) {
          var n = root;
          for (var j = i; j < r.chars.length; j++) {
            n = n[r.chars[j]];
            if (!n) break;
            if (j - i + 1 >= 3 && n.df > 0 && j > best) best = j;
          }
        }
        if (best >= 0) {
          words.push(r.chars.slice(i, best + 1).join(""));
          i = best + 1;
        } else {
          i += 1;
        }
      }
    }
    return words;
  }

  function unique(list) {
    return Array.from(new Set(list));
  }

  /** Documents of the index matching `query` (all base tokens), scored. */
  function match(data, query) {
    var index = data.index;
    var docs = index.documentStore.docs;
    var refs = Object.keys(docs);
    var base = unique(baseTokens(query, data.fold));
    var words = unique(queryWords(query, data.fold, index));
    var n = refs.length;
    var candidates = null;
    for (var t of base) {
      var has = new Set();
      for (var f in FIELDS) {
        var nd = postings(index.index[f].root, t);
        if (nd) for (var r in nd.docs) has.add(r);
      }
      candidates = candidates ? new Set(Array.from(candidates).filter(function (x) { return has.has(x); })) : has;
    }
    if (!candidates) candidates = new Set(refs);
    var scored = [];
    candidates.forEach(function (ref) {
      var score = 0;
      for (var tok of base.concat(words)) {
        var weight = words.indexOf(tok) >= 0 && base.indexOf(tok) < 0 ? WORD_WEIGHT : 1;
        for (var f in FIELDS) {
          var nd = postings(index.index[f].root, tok);
          if (!nd || !nd.docs[ref]) continue;
          var idf = 1 + Math.log(n / (nd.df + 1));
          score += FIELDS[f] * nd.docs[ref].tf * idf * weight;
        }
      }
      scored.push({ ref: ref, score: score, doc: docs[ref] });
    });
    scored.sort(function (a, b) {
      return b.score - a.score || Number(b.doc.year) - Number(a.doc.year) || Number(a.ref) - Number(b.ref);
    });
    return { results: scored, base: base, words: words };
  }

  var FACETS = {
    region: function (d) { return d.province ? [d.province] : []; },
    mechanism: function (d) { return d.mechanisms ? d.mechanisms.split(" ") : []; },
    year: function (d) { return [String(d.year)]; },
  };

  function passes(doc, filters, except) {
    for (var k in FACETS) {
      if (k === except || !filters[k] || filters[k].length === 0) continue;
      var vals = FACETS[k](doc);
      if (!filters[k].some(function (v) { return vals.indexOf(v) >= 0; })) return false;
    }
    return true;
  }

  /** Search: results after filters, and per facet the live counts (other facets applied). */
  function search(data, query, filters) {
    filters = filters || {};
    var m = match(data, query);
    var facets = {};
    for (var k in FACETS) {
      var counts = {};
      for (var r of m.results) {
        if (!passes(r.doc, filters, k)) continue;
        for (var v of FACETS[k](r.doc)) counts[v] = (counts[v] || 0) + 1;
      }
      facets[k] = counts;
    }
    var results = m.results.filter(function (r) { return passes(r.doc, filters, null); });
    return { results: results, facets: facets, base: m.base, words: m.words };
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

  var api = {
    makeFold: makeFold, foldKey: foldKey, baseTokens: baseTokens, queryWords: queryWords,
    search: search, excerpt: excerpt,
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

  function mechanismNames(data) {
    var names = {};
    var docs = data.index.documentStore.docs;
    for (var r in docs) {
      var ids = docs[r].mechanisms ? docs[r].mechanisms.split(" ") : [];
      var ns = docs[r].mechanism_names ? docs[r].mechanism_names.split("、") : [];
      ids.forEach(function (id, i) { names[id] = ns[i] || id; });
    }
    return names;
  }

  function start() {
    var results = document.getElementById("results");
    if (!results) return;
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var facetsBox = document.getElementById("facets");
    var status = document.getElementById("search-status");
    var root = results.getAttribute("data-root") || "";
    var state = readState();
    input.value = state.q;
    status.textContent = "正在载入索引…";

    var script = document.createElement("script");
    script.src = results.getAttribute("data-index");
    script.onerror = function () {
      status.textContent = "搜索索引载入失败。";
      results.setAttribute("data-search-complete", "");
    };
    script.onload = function () {
      var data = global.KBGEN_SEARCH;
      data.fold = makeFold(data.fold);
      var names = mechanismNames(data);
      var timer = null;

      function run() {
        results.removeAttribute("data-search-complete");
        writeState(state);
        var hasFilter = Object.keys(FACETS).some(function (k) { return state.filters[k].length > 0; });
        var out = search(data, state.q, state.filters);
        renderFacets(out.facets);
        results.textContent = "";
        if (!state.q.trim() && !hasFilter) {
          status.textContent = "输入关键词（简体或繁体均可），或选择左侧的筛选条件。";
        } else {
          status.textContent = out.results.length ? "找到 " + out.results.length + " 篇实践" : "没有找到匹配的实践。";
          var tokens = out.words.concat(out.base);
          out.results.forEach(function (r) { results.appendChild(renderResult(r, tokens)); });
        }
        results.setAttribute("data-search-complete", "");
      }

      function renderResult(r, tokens) {
        var d = r.doc;
        var li = el("li", { "data-search-result": "", class: "card" });
        var h = el("h2", { class: "card-title" });
        var a = el("a", { href: root + d.url }, d.heading);
        if (d.lang) a.setAttribute("lang", d.lang);
        h.appendChild(a);
        li.appendChild(h);
        var meta = [d.year + "年", d.region, d.mechanism_names].filter(Boolean).join(" · ");
        li.appendChild(el("p", { class: "meta" }, meta));
        var p = el("p", { class: "excerpt" });
        if (d.lang) p.setAttribute("lang", d.lang);
        for (var s of excerpt(d.body, tokens, data.fold, 110)) {
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
            var label = el("label", { for: id }, (k === "mechanism" ? names[v] || v : k === "year" ? v + "年" : v) + " ");
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
      run();
    };
    document.head.appendChild(script);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : globalThis);
