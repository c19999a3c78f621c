/* kbgen search — the browser half of the tokenizer contract and index format in src/search/ (contract.rs, wire.rs).
 *
 * fold key: per character, full-width → half-width, Traditional → Simplified (the table comes
 * with the index), A-Z → a-z. Base tokens: [a-z0-9]+ runs; Han runs give overlapping bigrams
 * (a lone character gives itself). A document matches when it holds every base token; Latin
 * tokens of two characters or more match as prefixes (the index holds each Latin word under its
 * prefixes). The index is sharded: a query loads meta.js, the shards of its tokens, a names
 * file per word (is it a place, a mechanism?), the lists its names and filters ask for (m/ a
 * mechanism's practices, r/ a place's, y.js the years) and the documents of the results on
 * screen; the facet columns (f.js), for the counts, come after the results.
 *
 * The page's URL holds its state: q, region (gazetteer paths), mechanism (vocabulary ids), from,
 * to, sort, keep (place words kept as text); history.state the results shown and the scroll.
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

  /** FNV-1a 32 over the code points of a text (src/search/wire.rs `fnv1a`). */
  function fnv1a(text) {
    var h = 0x811c9dc5;
    for (var c of text) {
      h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
    }
    return h;
  }

  /** The shard of a token: FNV-1a 32 over its code points (src/search/wire.rs). */
  function shardOf(token, shards) {
    return (fnv1a(token) & (shards - 1)) >>> 0;
  }

  /** The key of the file of the practices in the place at `path` (src/search/facets.rs). */
  function regionKey(path) {
    return "r/" + ("0000000" + fnv1a(path).toString(16)).slice(-8);
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
    this.mechIndex = {};
    for (var i = 0; i < meta.mechanisms.length; i++) {
      this.names[meta.mechanisms[i][0]] = meta.mechanisms[i][1];
      this.mechIndex[meta.mechanisms[i][0]] = i;
    }
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

  /** The documents carrying mechanism `i` or a narrower entry (search/m/<i>.js). */
  Engine.prototype.tagged = function (i) {
    return this.file("m/" + i).then(decode);
  };

  /** The documents in the place at gazetteer path `path` or within it (search/r/<hash>.js):
   * a Map of doc ids, empty when no practice is there. */
  Engine.prototype.inPlace = function (path) {
    return this.file(regionKey(path)).then(function (file) {
      return Object.prototype.hasOwnProperty.call(file, path) ? decode(file[path]) : new Map();
    }, function () { return new Map(); });
  };

  /** `ranked` matches after `filters` ({region: [paths], mechanism: [ids], from, to}) and the
   * query's place words, from the place and tag lists and the year column, without the facet
   * columns: what the results show first. Resolves to m with its results filtered. */
  Engine.prototype.filtered = function (m, filters) {
    var self = this;
    filters = filters || {};
    var places = (filters.region || []).concat((m.understood ? m.understood.places : []).map(function (p) { return p.path; }));
    var mechs = (filters.mechanism || []).map(function (id) { return self.mechIndex[id]; });
    var from = parseInt(filters.from, 10), to = parseInt(filters.to, 10);
    var union = function (lists) {
      var all = new Set();
      lists.forEach(function (l) { l.forEach(function (_, d) { all.add(d); }); });
      return all;
    };
    var sets = [];
    if (places.length) sets.push(Promise.all(places.map(function (p) { return self.inPlace(p); })).then(union));
    if (mechs.length) {
      sets.push(Promise.all(mechs.map(function (i) { return i === undefined ? new Map() : self.tagged(i); })).then(union));
    }
    var years = from > 0 || to > 0 ? this.file("y") : null;
    if (!sets.length && !years) return Promise.resolve(m);
    return Promise.all([Promise.all(sets), years]).then(function (x) {
      var lo = from > 0 ? from : -Infinity, hi = to > 0 ? to : Infinity;
      var results = m.results.filter(function (r) {
        for (var set of x[0]) if (!set.has(r.id)) return false;
        if (x[1]) { var y = x[1][r.id]; if (!y || y < lo || y > hi) return false; }
        return true;
      });
      return Object.assign({}, m, { results: results });
    });
  };

  /** The facet columns (f.js), loaded once, when a query first needs counts or filters. */
  Engine.prototype.loadFacets = function () {
    var self = this;
    return this.file("f").then(function (f) {
      if (!self.facets) {
        self.facets = f;
        self.years = Array.from(new Set(f.year.filter(Boolean))).sort(function (a, b) { return a - b; });
        self.unitIndex = {};
        f.units.forEach(function (u, i) { self.unitIndex[u[0]] = i; });
      }
      return f;
    });
  };

  /** What a query word is besides text (search/n/<k>.js): {p: [gazetteer paths], m: [mechanism
   * indexes]}, or null. */
  Engine.prototype.nameOf = function (word) {
    return this.file("n/" + shardOf(word, this.meta.names)).then(function (file) {
      return Object.prototype.hasOwnProperty.call(file, word) ? file[word] : null;
    });
  };

  /** The words of a query, folded, split at spaces. */
  Engine.prototype.words = function (query) {
    var key = foldKey(query, this.fold).map(function (c) { return isHan(c.codePointAt(0)) || isAsciiAlnum(c) ? c : " "; });
    return key.join("").split(" ").filter(Boolean);
  };

  /**
   * What a query says: its words; those that name a mechanism (a name or synonym in the
   * vocabulary: they also match the practices tagged with it); those that are a gazetteer place
   * and nothing else, which become place filters unless listed in `keep` (a place named by
   * several units becomes the highest of them, or nothing when that is not one). A word that
   * names a mechanism is never a place. Resolves to {words, text, mechanisms: [{word, index}],
   * places: [{word, path}]}; `text` is the words that stay text.
   */
  Engine.prototype.understand = function (query, keep) {
    var self = this;
    var words = unique(this.words(query));
    keep = [].concat.apply([], (keep || []).map(function (k) { return self.words(k); }));
    return Promise.all(words.map(function (w) { return self.nameOf(w); })).then(function (entries) {
      var out = { words: words, text: [], mechanisms: [], places: [] };
      words.forEach(function (w, i) {
        var e = entries[i];
        if (e && e.m) {
          out.mechanisms.push({ word: w, index: e.m[0] });
          out.text.push(w);
          return;
        }
        if (e && e.p && keep.indexOf(w) < 0) {
          var depth = function (p) { return p.split("/").length; };
          var top = Math.min.apply(null, e.p.map(depth));
          var highest = e.p.filter(function (p) { return depth(p) === top; });
          if (highest.length === 1) {
            out.places.push({ word: w, path: highest[0] });
            return;
          }
        }
        out.text.push(w);
      });
      return out;
    });
  };

  /** Documents matching the understood query `u` (see understand): each text word's base tokens
   * all, or for a word naming a mechanism the practices tagged with it, scored by the sum of
   * their postings (each the token's idf × BM25's term-frequency part, computed by the
   * indexer); a tagged practice ranks above every untagged one. No text: every document. */
  Engine.prototype.matchWords = function (u) {
    var self = this;
    var meta = this.meta;
    var tokens = unique([].concat.apply([], u.text.map(function (w) { return baseTokens(w, self.fold); })));
    if (u.text.length === 0) {
      var all = [];
      for (var i = 0; i < meta.n; i++) all.push({ id: i, score: 0, tagged: false });
      return Promise.resolve({ results: all, tokens: tokens, understood: u });
    }
    var mechOf = {};
    u.mechanisms.forEach(function (m) { mechOf[m.word] = m.index; });
    return Promise.all(u.text.map(function (w) {
      var own = unique(baseTokens(w, self.fold));
      var lists = Promise.all(own.map(function (t) { return self.postings(t); }));
      var tags = w in mechOf ? self.tagged(mechOf[w]) : Promise.resolve(null);
      return Promise.all([lists, tags]).then(function (x) { return { lists: x[0], tags: x[1] }; });
    })).then(function (perWord) {
      // Per word, its documents: those holding all its tokens, or tagged.
      var scores = null;
      var tagged = new Set();
      perWord.forEach(function (pw) {
        var docs = new Map();
        var order = pw.lists.slice().sort(function (a, b) { return a.size - b.size; });
        order[0].forEach(function (_, doc) {
          for (var l of order) if (!l.has(doc)) return;
          var s = 0;
          for (var p of pw.lists) s += p.get(doc);
          docs.set(doc, s);
        });
        if (pw.tags) pw.tags.forEach(function (_, doc) {
          tagged.add(doc);
          if (!docs.has(doc)) docs.set(doc, 0);
        });
        if (scores === null) scores = docs;
        else {
          var next = new Map();
          docs.forEach(function (s, doc) { if (scores.has(doc)) next.set(doc, scores.get(doc) + s); });
          scores = next;
        }
      });
      var results = [];
      scores.forEach(function (s, doc) { results.push({ id: doc, score: s, tagged: tagged.has(doc) }); });
      return { results: results, tokens: tokens, understood: u };
    });
  };

  /** Sorts matches in place: `sort` "date" (newest first: site order), "date-asc", else by
   * relevance (tagged first, then score, then newest). */
  function order(results, sort) {
    if (sort === "date") results.sort(function (a, b) { return a.id - b.id; });
    else if (sort === "date-asc") results.sort(function (a, b) { return b.id - a.id; });
    else results.sort(function (a, b) { return (b.tagged - a.tagged) || b.score - a.score || a.id - b.id; });
    return results;
  }

  /** The filters a page asks for, as the facet columns hold them: region paths → unit indexes
   * (a path no practice is in matches nothing), mechanism ids → indexes, years. */
  Engine.prototype.compile = function (filters) {
    var self = this;
    var out = {};
    if (filters.region && filters.region.length) {
      out.region = filters.region.map(function (p) { return p in self.unitIndex ? self.unitIndex[p] : -2; });
    }
    if (filters.mechanism && filters.mechanism.length) {
      out.mechanism = filters.mechanism.map(function (id) { return id in self.mechIndex ? self.mechIndex[id] : -2; });
    }
    var from = parseInt(filters.from, 10), to = parseInt(filters.to, 10);
    if (from > 0 || to > 0) out.year = [from > 0 ? from : -Infinity, to > 0 ? to : Infinity];
    return out;
  };

  /** Whether document `id` passes the compiled filters `c`, but for facet `except`. */
  Engine.prototype.passes = function (id, c, except) {
    var f = this.facets;
    if (c.region && except !== "region" && !c.region.some(function (u) { return f.reg[id].indexOf(u) >= 0; })) return false;
    if (c.mechanism && except !== "mechanism" && !c.mechanism.some(function (m) { return f.mech[id].indexOf(m) >= 0; })) return false;
    if (c.year && except !== "year") {
      var y = f.year[id];
      if (!y || y < c.year[0] || y > c.year[1]) return false;
    }
    return true;
  };

  /** The values of facet `k` of document `id`: unit indexes, mechanism indexes or its year. */
  Engine.prototype.facetValues = function (k, id) {
    var f = this.facets;
    if (k === "region") return f.reg[id];
    if (k === "mechanism") return f.mech[id];
    return f.year[id] ? [f.year[id]] : [];
  };

  /** The matches of `query`, in the order `sort` asks (relevance by default): what results
   * show before any facet loads. Place words become filters (see understand). Resolves to
   * {results, tokens, understood}. */
  Engine.prototype.ranked = function (query, opts) {
    var self = this;
    opts = opts || {};
    return this.understand(query, opts.keep).then(function (u) {
      return self.matchWords(u);
    }).then(function (m) {
      order(m.results, opts.sort || (m.understood.text.length ? "" : "date"));
      return m;
    });
  };

  /** `ranked` matches after `filters` ({region: [paths], mechanism: [ids], from, to}) and the
   * query's place words, and per facet the live counts (the other facets applied), by region
   * path, mechanism id and year; loads the facet columns. Resolves to {results, facets, tokens, understood}. */
  Engine.prototype.refine = function (m, filters) {
    var self = this;
    filters = filters || {};
    return this.loadFacets().then(function () {
      var places = (m.understood ? m.understood.places : []).map(function (p) { return p.path; });
      var all = Object.assign({}, filters, { region: (filters.region || []).concat(places) });
      var c = self.compile(all);
      var facets = {};
      for (var k in FACETS) {
        var counts = {};
        for (var r of m.results) {
          if (!self.passes(r.id, c, k)) continue;
          for (var v of self.facetValues(k, r.id)) counts[v] = (counts[v] || 0) + 1;
        }
        facets[k] = counts;
      }
      // Counts by what the page's URL names: a region's path, a mechanism's id, a year.
      var byName = function (counts, name) {
        var out = {};
        for (var i in counts) out[name(i)] = counts[i];
        return out;
      };
      facets.region = byName(facets.region, function (i) { return self.facets.units[i][0]; });
      facets.mechanism = byName(facets.mechanism, function (i) { return self.meta.mechanisms[i][0]; });
      var results = m.results.filter(function (r) { return self.passes(r.id, c, null); });
      return { results: results, facets: facets, tokens: m.tokens, understood: m.understood };
    });
  };

  /** Search: `ranked`, then `refine`d by `filters`; `opts` {sort, keep}. */
  Engine.prototype.search = function (query, filters, opts) {
    var self = this;
    return this.ranked(query, opts).then(function (m) { return self.refine(m, filters); });
  };

  function unique(list) {
    return Array.from(new Set(list));
  }

  var FACETS = { region: true, mechanism: true, year: true };

  /** The version of the index format this reads: `v` in meta.js (src/search/wire.rs). */
  var VERSION = 5;

  /** A file's value as the index writes it, the base-64 text of its JSON deflated (zlib), →
   * a promise of the value (src/search/wire.rs `put`). Inflated by the browser's own
   * DecompressionStream (2020–2023 in all engines; node 18). */
  function unpack(text) {
    // A plain loop: Uint8Array.from(text, fn) calls fn per byte through the iterator protocol,
    // ~0.5 s of main thread for f.js at 100,000 practices on a phone (Lighthouse's 4× CPU).
    var bin = atob(text);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
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

  /**
   * Splits a data file, given in pieces, into its records, each with its line end: a CSV
   * record ends at a line break outside quotes (a cell may hold line breaks), a JSON line at
   * every line break. `push(text)` returns the records completed so far; `end()` the rest.
   */
  function records(csv) {
    var rest = "";
    var quoted = false;
    var scanned = 0;
    return {
      push: function (text) {
        rest += text;
        var out = [];
        var start = 0;
        for (var i = scanned; i < rest.length; i++) {
          var c = rest.charCodeAt(i);
          if (csv && c === 34) quoted = !quoted;
          else if (c === 10 && !quoted) {
            out.push(rest.slice(start, i + 1));
            start = i + 1;
          }
        }
        rest = rest.slice(start);
        scanned = rest.length;
        return out;
      },
      end: function () { var r = rest; rest = ""; scanned = 0; return r ? [r] : []; },
    };
  }

  /**
   * The rows of a data file (practices.csv when `csv`, else practices.jsonl) for documents
   * `ids`, in that order, read from `stream` (a ReadableStream of bytes): record k of the file
   * is document k (both are in site order); a CSV keeps its byte-order mark and header. Rejects
   * when the file does not hold `n` records (it is not the index's).
   */
  function pick(stream, ids, n, csv) {
    var want = new Map();
    ids.forEach(function (id, i) { want.set(id, i); });
    var rows = new Array(ids.length);
    var split = records(csv);
    var head = csv ? null : "";
    var k = 0;
    var take = function (list) {
      for (var r of list) {
        if (head === null) { head = r; continue; }
        if (want.has(k)) rows[want.get(k)] = r;
        k++;
      }
    };
    var reader = stream.pipeThrough(new TextDecoderStream("utf-8", { ignoreBOM: true })).getReader();
    return (function step() {
      return reader.read().then(function (x) {
        if (!x.done) { take(split.push(x.value)); return step(); }
        take(split.end());
        if (k !== n) throw new Error("the data file holds " + k + " records, the index " + n);
        return (head || "") + rows.join("");
      });
    })();
  }

  var api = {
    makeFold: makeFold, foldKey: foldKey, baseTokens: baseTokens, shardOf: shardOf, regionKey: regionKey, decode: decode,
    open: open, unpack: unpack, registry: registry, excerpt: excerpt, records: records, pick: pick,
    order: order, VERSION: VERSION, PAGE: PAGE,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  global.KbgenSearch = api;

  // ------------------------------------------------------------------ the search page
  if (typeof document === "undefined") return;

  var LABELS = { region: "地区", mechanism: "机制（含下位机制）", year: "年份" };
  var SORTS = { "": "相关度", date: "最新", "date-asc": "最早" };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var a in attrs || {}) e.setAttribute(a, attrs[a]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** The page's state from its URL: q, filters {region, mechanism, from, to}, sort, keep (place
   * words kept as text). The old `year=` (one or more) reads as the range they span. */
  function readState() {
    var p = new URLSearchParams(location.search);
    var years = p.getAll("year").map(function (y) { return parseInt(y, 10); }).filter(function (y) { return y > 0; });
    var from = p.get("from") || (years.length ? String(Math.min.apply(null, years)) : "");
    var to = p.get("to") || (years.length ? String(Math.max.apply(null, years)) : "");
    var sort = p.get("sort") || "";
    return {
      q: p.get("q") || "",
      filters: { region: p.getAll("region"), mechanism: p.getAll("mechanism"), from: from, to: to },
      sort: sort in SORTS ? sort : "",
      keep: p.getAll("keep"),
    };
  }

  function hasFilter(state) {
    var f = state.filters;
    return f.region.length > 0 || f.mechanism.length > 0 || !!f.from || !!f.to;
  }

  /** The URL of `state`; `shown` (results on screen) and the scroll position go in
   * history.state, so going back to the page shows as many. */
  function writeState(state, extra) {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    for (var r of state.filters.region) p.append("region", r);
    for (var m of state.filters.mechanism) p.append("mechanism", m);
    if (state.filters.from) p.set("from", state.filters.from);
    if (state.filters.to) p.set("to", state.filters.to);
    if (state.sort) p.set("sort", state.sort);
    for (var k of state.keep) p.append("keep", k);
    var qs = p.toString();
    try {
      history.replaceState(extra || null, "", location.pathname + (qs ? "?" + qs : ""));
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

  /** The marked segments of a whole short text (a title). */
  function marked(text, tokens, fold) {
    return excerpt(text, tokens, fold, Array.from(String(text)).length + 1);
  }

  function start() {
    var results = document.getElementById("results");
    if (!results) return;
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var facetsBox = document.getElementById("facets");
    var status = document.getElementById("search-status");
    var chips = document.getElementById("search-chips");
    var offer = document.getElementById("search-offer");
    var tools = document.getElementById("search-tools");
    var sortBox = document.getElementById("sort");
    var more = document.getElementById("more-results");
    var root = results.getAttribute("data-root") || "";
    var state = readState();
    var restore = history.state && history.state.shown ? history.state : null;
    if (restore && "scrollRestoration" in history) history.scrollRestoration = "manual";
    input.value = state.q;
    sortBox.value = state.sort;
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
      // The last ranked matches, and whether the facet columns are wanted yet (see deferred).
      var lastRanked = null;
      var facetsWanted = false;

      function remember() {
        writeState(state, { shown: shown, scroll: window.scrollY });
      }

      function run() {
        var mine = ++generation;
        results.removeAttribute("data-search-complete");
        facetsBox.removeAttribute("data-facets-complete");
        // Place words the query no longer has are not kept any more.
        var words = engine.words(state.q);
        state.keep = state.keep.filter(function (k) { return words.indexOf(engine.words(k)[0]) >= 0; });
        var opts = { sort: state.sort, keep: state.keep };
        var want = restore ? restore.shown : PAGE;
        // The results show once the postings, place and tag lists (and the year column) are in;
        // the facet counts follow (their columns load once).
        var ranked = null;
        canonical().then(function () {
          if (mine !== generation) return;
          writeState(state);
          return engine.ranked(state.q, opts);
        }).then(function (m) {
          if (!m || mine !== generation) return;
          ranked = lastRanked = m;
          return engine.filtered(m, state.filters);
        }).then(function (out) {
          if (!out || mine !== generation) return;
          return show(out, want).then(function () {
            if (mine !== generation) return;
            if (restore) {
              window.scrollTo(0, restore.scroll || 0);
              restore = null;
            }
            remember();
            renderChips(out.understood);
            results.setAttribute("data-search-complete", "");
            if (deferred()) return placeholders();
            return engine.refine(ranked, state.filters);
          });
        }).then(function (out) {
          if (!out || mine !== generation) return;
          renderFacets(out.facets);
          facetsBox.setAttribute("data-facets-complete", "");
        }).then(null, function (e) {
          if (mine === generation) failed();
          if (global.console) console.error(e);
        });
      }

      /** Rewrites region filters that are a place's name or short name rather than its path
       * (old URLs: region=浙江) to that place's path, as a query word naming it would be. */
      function canonical() {
        return Promise.all(state.filters.region.map(function (r) {
          if (r.indexOf("/") >= 0) return r;
          return engine.nameOf(foldKey(r, engine.fold).join("")).then(function (e) {
            if (!e || !e.p || e.p.indexOf(r) >= 0) return r;
            var depth = function (p) { return p.split("/").length; };
            var top = Math.min.apply(null, e.p.map(depth));
            var highest = e.p.filter(function (p) { return depth(p) === top; });
            return highest.length === 1 ? highest[0] : r;
          });
        })).then(function (paths) { state.filters.region = paths; });
      }

      function summary(out) {
        return out.results.length ? "共 " + out.results.length + " 条" : "没有找到匹配的实践。";
      }

      /** Shows `out`'s results from the first, `want` of them (their documents load now). */
      function show(out, want) {
        var mine = generation;
        results.textContent = "";
        current = out;
        shown = 0;
        renderOffer(out.understood);
        // Without text the results are in date order, whatever the sort says.
        sortBox.value = state.sort || (out.understood && out.understood.text.length === 0 ? "date" : "");
        if (!state.q.trim() && !hasFilter(state)) {
          status.textContent = "输入关键词（简体或繁体均可），或选择左侧的筛选条件。";
          results.removeAttribute("data-total");
          more.hidden = true;
          tools.hidden = true;
          return Promise.resolve();
        }
        status.textContent = summary(out);
        results.setAttribute("data-total", String(out.results.length));
        tools.hidden = out.results.length === 0;
        return showMore(mine, Math.max(PAGE, want || PAGE));
      }

      /** Renders the next `count` results (their documents load now). */
      function showMore(mine, count) {
        var page = current.results.slice(shown, shown + (count || PAGE));
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
            for (; next < docs.length && docs[next]; next++) results.appendChild(renderResult(docs[next], page[next], tokens));
          });
        })).then(function () {
          if (mine !== generation) return;
          if (global.KBGEN_COMPARE_UI) global.KBGEN_COMPARE_UI.refresh();
          more.hidden = shown >= current.results.length;
        });
      }

      /** Where the query's terms occur in `d`: the title, the body, or (neither) its tags. */
      function reasons(d, r, tokens) {
        var has = function (text) {
          var key = foldKey(text, engine.fold).join("");
          return tokens.some(function (t) { return key.indexOf(t) >= 0; });
        };
        var out = [];
        if (tokens.length && has(d.title)) out.push("标题");
        if (r.tagged || (tokens.length && !has(d.title) && !has(d.body))) out.push("标签");
        if (tokens.length && has(d.body)) out.push("正文");
        return out;
      }

      function renderResult(d, r, tokens) {
        var li = el("li", { "data-search-result": "", class: "card" });
        var h = el("h2", { class: "card-title" });
        var a = el("a", { href: root + d.url });
        for (var t of marked(d.title, tokens, engine.fold)) a.appendChild(t.mark ? el("mark", {}, t.text) : document.createTextNode(t.text));
        if (d.lang) a.setAttribute("lang", d.lang);
        a.addEventListener("click", remember);
        h.appendChild(a);
        li.appendChild(h);
        var meta = [d.year ? d.year + "年" : "", d.region, d.mechanisms].filter(Boolean).join(" · ");
        li.appendChild(el("p", { class: "meta" }, meta));
        var why = reasons(d, r, tokens);
        if (why.length) {
          var w = el("p", { class: "why", "data-why": why.join(" ") }, "匹配：" + why.join("、"));
          li.appendChild(w);
        }
        if (why.length && why.indexOf("正文") < 0) {
          var tagged = current.understood.mechanisms.filter(function () { return r.tagged; }).map(function (m) { return engine.meta.mechanisms[m.index][1]; });
          li.appendChild(el("p", { class: "excerpt tag-only" }, "正文未出现检索词，按标签匹配" + (tagged.length ? "（机制：" + unique(tagged).join("、") + "）" : "（地区、机制、关键词或来源）") + "。"));
          return li;
        }
        var p = el("p", { class: "excerpt" });
        if (d.lang) p.setAttribute("lang", d.lang);
        for (var s of excerpt(d.body, tokens, engine.fold, 110)) {
          p.appendChild(s.mark ? el("mark", {}, s.text) : document.createTextNode(s.text));
        }
        li.appendChild(p);
        return li;
      }

      /** "机制：河长制 →" above the results for each mechanism the query names. */
      function renderOffer(u) {
        offer.textContent = "";
        var seen = {};
        for (var m of u ? u.mechanisms : []) {
          if (seen[m.index]) continue;
          seen[m.index] = true;
          var mech = engine.meta.mechanisms[m.index];
          var p = el("p", { class: "offer" });
          p.appendChild(el("a", { href: root + mech[2], "data-mechanism": mech[0] }, "机制：" + mech[1] + " →"));
          p.appendChild(el("span", { class: "muted" }, " 标有此机制的实践排在前面"));
          offer.appendChild(p);
        }
      }

      function pathLabel(p) { return p.split("/").join(" › "); }

      /** The active filters as chips, each with a button that removes it; a place the query
       * names ("浙江" → 浙江省) too: removing it keeps that word as text for this query. */
      function renderChips(u) {
        chips.textContent = "";
        var add = function (label, remove, attrs) {
          var c = el("li", Object.assign({ class: "chip" }, attrs || {}), label + " ");
          var b = el("button", { type: "button", "aria-label": "移除筛选：" + label }, "×");
          b.addEventListener("click", function () { remove(); run(); });
          c.appendChild(b);
          chips.appendChild(c);
        };
        (u ? u.places : []).forEach(function (pl) {
          add("地区：" + pathLabel(pl.path) + "（来自“" + pl.word + "”）", function () { state.keep.push(pl.word); }, { "data-place": pl.path });
        });
        state.filters.region.forEach(function (r) {
          add("地区：" + pathLabel(r), function () { state.filters.region = state.filters.region.filter(function (x) { return x !== r; }); }, { "data-region": r });
        });
        state.filters.mechanism.forEach(function (id) {
          add("机制：" + (engine.names[id] || id), function () { state.filters.mechanism = state.filters.mechanism.filter(function (x) { return x !== id; }); });
        });
        if (state.filters.from || state.filters.to) {
          add("年份：" + (state.filters.from || "…") + "–" + (state.filters.to || "…"), function () { state.filters.from = state.filters.to = ""; });
        }
        chips.hidden = chips.children.length === 0;
      }

      /** A collapsible facet section: open on a wide screen, closed on a phone unless it
       * filters. */
      function section(k, active) {
        var d = el("details", { class: "facet", "data-facet": k });
        d.open = active || !window.matchMedia("(max-width: 48rem)").matches;
        d.appendChild(el("summary", {}, LABELS[k]));
        return d;
      }

      var boxes = 0;
      function checkbox(name, value, label, count, checked, onchange) {
        var row = el("div", { class: "facet-row" });
        var id = "facet-" + name + "-" + (++boxes);
        var box = el("input", { type: "checkbox", name: name, value: value, id: id });
        box.checked = checked;
        box.addEventListener("change", function () { onchange(this.checked); run(); });
        var l = el("label", { for: id }, label + " ");
        l.appendChild(el("span", { class: "count" }, String(count || 0)));
        row.appendChild(box);
        row.appendChild(l);
        return row;
      }

      /** On a phone the filter sections start closed: with no filter in use, their counts (the
       * facet columns, f.js: 0.9 MB and a long parse at 100,000 practices) wait until one is
       * opened, instead of blocking the page while nothing shows them. */
      function deferred() {
        var f = state.filters;
        return !engine.facets && !facetsWanted && window.matchMedia("(max-width: 48rem)").matches &&
          !f.region.length && !f.mechanism.length && !f.from && !f.to;
      }

      /** Closed sections whose first opening loads the counts and fills them. */
      function placeholders() {
        facetsBox.textContent = "";
        facetsBox.setAttribute("data-facets-deferred", "");
        Object.keys(FACETS).forEach(function (k) {
          var d = section(k, false);
          d.appendChild(el("p", { class: "facet-wait" }, "正在统计…"));
          d.addEventListener("toggle", function () {
            if (!d.open || facetsWanted) return;
            facetsWanted = true;
            var mine = generation;
            engine.refine(lastRanked, state.filters).then(function (out) {
              if (mine !== generation) return;
              renderFacets(out.facets);
              facetsBox.setAttribute("data-facets-complete", "");
            });
          });
          facetsBox.appendChild(d);
        });
      }

      function renderFacets(counts) {
        facetsBox.removeAttribute("data-facets-deferred");
        var keepOpen = {};
        facetsBox.querySelectorAll("details").forEach(function (d) { keepOpen[d.getAttribute("data-facet")] = d.open; });
        facetsBox.textContent = "";
        var f = engine.facets;
        // Places: the provinces, and below each place chosen (or holding one chosen) its parts.
        var chosen = state.filters.region.map(function (r) { return engine.unitIndex[r]; }).filter(function (i) { return i !== undefined; });
        var open = new Set();
        chosen.forEach(function (i) { for (var u = i; u >= 0; u = f.units[u][1]) open.add(u); });
        var children = {};
        f.units.forEach(function (u, i) { (children[u[1]] = children[u[1]] || []).push(i); });
        var regions = section("region", chosen.length > 0);
        var list = function (parent, depth, into) {
          var count = function (i) { return counts.region[f.units[i][0]] || 0; };
          var kids = (children[parent] || []).filter(function (i) { return count(i) || open.has(i); });
          kids.sort(function (a, b) { return count(b) - count(a) || f.units[a][0].localeCompare(f.units[b][0]); });
          for (var i of kids) {
            var path = f.units[i][0];
            var row = checkbox("region", path, path.split("/").pop(), count(i), chosen.indexOf(i) >= 0, (function (path, i) {
              return function (on) {
                // A place replaces the places it lies within or that lie within it.
                var line = []; for (var u = i; u >= 0; u = f.units[u][1]) line.push(u);
                state.filters.region = state.filters.region.filter(function (r) {
                  var j = engine.unitIndex[r];
                  if (j === undefined) return true;
                  if (line.indexOf(j) >= 0) return false;
                  for (var u = j; u >= 0; u = f.units[u][1]) if (u === i) return false;
                  return true;
                });
                if (on) state.filters.region.push(path);
              };
            })(path, i));
            row.style.paddingLeft = depth + "rem";
            into.appendChild(row);
            if (open.has(i)) list(i, depth + 1, into);
          }
        };
        list(-1, 0, regions);
        facetsBox.appendChild(regions);
        // Mechanisms, each counting its narrower entries' practices too.
        var mechs = section("mechanism", state.filters.mechanism.length > 0);
        var ms = Object.keys(counts.mechanism).map(function (id) { return engine.mechIndex[id]; });
        state.filters.mechanism.forEach(function (id) { var i = engine.mechIndex[id]; if (i !== undefined && ms.indexOf(i) < 0) ms.push(i); });
        var mcount = function (i) { return counts.mechanism[engine.meta.mechanisms[i][0]] || 0; };
        ms.sort(function (a, b) { return mcount(b) - mcount(a) || a - b; });
        ms.forEach(function (i) {
          var id = engine.meta.mechanisms[i][0];
          mechs.appendChild(checkbox("mechanism", id, engine.meta.mechanisms[i][1], mcount(i), state.filters.mechanism.indexOf(id) >= 0, function (on) {
            state.filters.mechanism = state.filters.mechanism.filter(function (x) { return x !== id; });
            if (on) state.filters.mechanism.push(id);
          }));
        });
        facetsBox.appendChild(mechs);
        // Years: a range, from and to, each year with its count.
        var years = section("year", !!(state.filters.from || state.filters.to));
        // Every year of the site, so a range can end at a year these results lack.
        var ys = engine.years.slice();
        [state.filters.from, state.filters.to].forEach(function (y) { y = parseInt(y, 10); if (y > 0 && ys.indexOf(y) < 0) ys.push(y); });
        ys.sort(function (a, b) { return a - b; });
        ["from", "to"].forEach(function (end) {
          var row = el("div", { class: "facet-row" });
          var id = "year-" + end;
          row.appendChild(el("label", { for: id }, end === "from" ? "从" : "到"));
          var sel = el("select", { id: id, name: end });
          sel.appendChild(el("option", { value: "" }, "不限"));
          ys.forEach(function (y) { sel.appendChild(el("option", { value: String(y) }, y + "年（" + (counts.year[y] || 0) + "）")); });
          sel.value = state.filters[end];
          sel.addEventListener("change", function () { state.filters[end] = this.value; run(); });
          row.appendChild(sel);
          years.appendChild(row);
        });
        facetsBox.appendChild(years);
        facetsBox.querySelectorAll("details").forEach(function (d) {
          var k = d.getAttribute("data-facet");
          if (k in keepOpen) d.open = d.open || keepOpen[k];
        });
      }

      /** Downloads the results as the dataset's rows: practices.csv or practices.jsonl read once
       * now, the rows of the results kept, in the order shown. */
      function download(csv) {
        var out = current;
        var name = csv ? "practices.csv" : "practices.jsonl";
        var note = document.getElementById("export-status");
        note.textContent = "正在读取 data/" + name + "…";
        fetch(root + "data/" + name).then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return pick(r.body, out.results.map(function (x) { return x.id; }), engine.meta.n, csv);
        }).then(function (text) {
          var a = el("a", { href: URL.createObjectURL(new Blob([text], { type: csv ? "text/csv" : "application/jsonl" })), download: "search-results." + (csv ? "csv" : "jsonl") });
          document.body.appendChild(a);
          a.click();
          a.remove();
          note.textContent = "已下载 " + out.results.length + " 条。";
        }, function (e) {
          note.textContent = location.protocol === "file:" ? "从本地文件打开时无法导出，请在网站上导出或直接使用 data/" + name + "。" : "导出失败：" + e.message;
        });
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
      sortBox.addEventListener("change", function () { state.sort = sortBox.value; run(); });
      document.getElementById("export-csv").addEventListener("click", function () { download(true); });
      document.getElementById("export-jsonl").addEventListener("click", function () { download(false); });
      more.addEventListener("click", function () {
        results.removeAttribute("data-search-complete");
        var mine = generation;
        showMore(mine).then(function () {
          if (mine !== generation) return;
          remember();
          results.setAttribute("data-search-complete", "");
        });
      });
      window.addEventListener("pagehide", remember);
      run();
    }, failed);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : globalThis);
