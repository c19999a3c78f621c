// Figures for a paper: each map and diffusion grid of a research block (.figure-block) can be
// downloaded as a self-contained SVG (every style the page's CSS gives it written onto the
// elements, with a title, the legend and the map's source line) and as a PNG drawn from that
// SVG on a canvas. The SVG is built from the figure as the browser laid it out, so it looks as
// the page shows it; all text goes in as text nodes, never as markup.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  // Again after `kbgen serve` swapped in a new <main> (src/serve/live.js).
  document.addEventListener("kbgen:swap", init);
  init();

  function init() {
    var blocks = document.querySelectorAll(".figure-block");
    for (var i = 0; i < blocks.length; i++) {
      var tools = blocks[i].querySelectorAll(".figure-tools");
      for (var j = 0; j < tools.length; j++) {
        tools[j].hidden = false;
        var buttons = tools[j].querySelectorAll("button[data-download]");
        for (var k = 0; k < buttons.length; k++) buttons[k].addEventListener("click", download);
      }
    }
  }

  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function pageBackground() {
    return getComputedStyle(document.body).backgroundColor;
  }

  function fontOf(cs) {
    return { "font-family": cs.fontFamily, "font-size": cs.fontSize, "font-weight": cs.fontWeight, fill: cs.color };
  }

  /** The figure element a tools paragraph belongs to: the one before it in its block. */
  function figureFor(tools) {
    for (var e = tools.previousElementSibling; e; e = e.previousElementSibling) {
      var f = e.matches("[data-figure]") ? e : e.querySelector("[data-figure]");
      if (f) return f;
    }
    return null;
  }

  /**
   * Lines of text under a figure, laid out from `y`: each an array of [text, style]; returns
   * the height used.
   */
  function addLines(svg, lines, x, y, cs) {
    var size = parseFloat(cs.fontSize);
    for (var i = 0; i < lines.length; i++) {
      var attrs = fontOf(cs);
      attrs.x = x;
      attrs.y = y + size * (i + 1) * 1.4;
      svg.appendChild(el("text", attrs, lines[i]));
    }
    return lines.length * size * 1.4;
  }

  /** Splits text into lines of at most `n` characters, at sentence ends where possible. */
  function wrap(text, n) {
    var out = [];
    var parts = text.split(/(?<=[。；])/);
    var line = "";
    for (var i = 0; i < parts.length; i++) {
      if (line && (line + parts[i]).length > n) {
        out.push(line);
        line = "";
      }
      line += parts[i];
      while (line.length > n) {
        out.push(line.slice(0, n));
        line = line.slice(n);
      }
    }
    if (line) out.push(line);
    return out;
  }

  /**
   * The styles the stylesheet gives the elements of an SVG, written onto them as attributes
   * (defaults left out, so the file stays small); classes, titles and links go.
   */
  var SHAPE = { fill: "rgb(0, 0, 0)", stroke: "none", "stroke-opacity": "1", "fill-opacity": "1", opacity: "1", "stroke-linejoin": "miter" };
  var TEXT = { fill: "rgb(0, 0, 0)", "font-size": "", "font-family": "" };

  function inlineSvg(src, copy) {
    var a = src.querySelectorAll("*");
    var b = copy.querySelectorAll("*");
    for (var i = 0; i < a.length; i++) {
      if (a[i].tagName === "title") continue;
      var cs = getComputedStyle(a[i]);
      var props = a[i].tagName === "text" ? TEXT : SHAPE;
      for (var p in props) {
        var v = cs.getPropertyValue(p);
        if (v && v !== props[p]) b[i].setAttribute(p, v);
      }
      b[i].removeAttribute("class");
    }
    copy.removeAttribute("class");
    var drop = copy.querySelectorAll("title");
    for (var k = 0; k < drop.length; k++) drop[k].parentNode.removeChild(drop[k]);
    // Links lead nowhere outside the site: keep what they hold.
    var links = copy.querySelectorAll("a");
    for (var j = 0; j < links.length; j++) {
      var l = links[j];
      while (l.firstChild) l.parentNode.insertBefore(l.firstChild, l);
      l.parentNode.removeChild(l);
    }
  }

  /** The map of a figure as a standalone SVG: title, map, legend with its title, source. */
  function mapSvg(figure, block) {
    var map = figure.querySelector("svg.map");
    var box = map.getBoundingClientRect();
    var w = Math.round(box.width), h = Math.round(box.height);
    var cs = getComputedStyle(figure);
    var size = parseFloat(cs.fontSize);
    var title = map.querySelector("title") ? map.querySelector("title").textContent : "";
    var out = el("svg", { xmlns: NS, version: "1.1" });
    var top = Math.round(size * 2.2);
    var copy = map.cloneNode(true);
    inlineSvg(map, copy);
    copy.setAttribute("x", 0);
    copy.setAttribute("y", top);
    copy.setAttribute("width", w);
    copy.setAttribute("height", h);
    copy.removeAttribute("id");
    copy.removeAttribute("aria-labelledby");
    copy.setAttribute("aria-label", title);
    var y = top + h + size * 0.6;
    var legend = figure.querySelectorAll(".map-legend li");
    var items = [];
    var small = legend.length ? getComputedStyle(legend[0]) : cs;
    var fs = parseFloat(small.fontSize);
    var x = 0;
    var legendTitle = fontOf(small);
    legendTitle.x = 0;
    legendTitle.y = y + fs * 1.1;
    items.push(el("text", legendTitle, figure.getAttribute("data-legend") || "实践数（篇）"));
    x = fs * 7;
    for (var i = 0; i < legend.length; i++) {
      var key = legend[i].querySelector(".map-key");
      var kcs = getComputedStyle(key);
      items.push(el("rect", { x: x, y: y + fs * 0.2, width: fs, height: fs, fill: kcs.backgroundColor, stroke: kcs.borderTopColor, "stroke-width": 1 }));
      var t = fontOf(small);
      t.x = x + fs * 1.4;
      t.y = y + fs * 1.1;
      var label = legend[i].textContent.trim();
      items.push(el("text", t, label));
      x += fs * (2.4 + label.length * 0.65);
    }
    y += fs * 2;
    var source = block.querySelector(".map-source");
    var lines = source ? wrap(source.textContent.trim(), Math.max(20, Math.floor(w / fs))) : [];
    var height = Math.ceil(y + lines.length * fs * 1.4 + fs);
    out.setAttribute("width", w);
    out.setAttribute("height", height);
    out.setAttribute("viewBox", "0 0 " + w + " " + height);
    out.appendChild(el("rect", { x: 0, y: 0, width: w, height: height, fill: pageBackground() }));
    var head = fontOf(getComputedStyle(block.querySelector("h2") || figure));
    head.x = 0;
    head.y = size * 1.5;
    head["font-size"] = size * 1.05 + "px";
    head["font-weight"] = 700;
    out.appendChild(el("text", head, title));
    out.appendChild(copy);
    for (var k = 0; k < items.length; k++) out.appendChild(items[k]);
    addLines(out, lines, 0, y, small);
    return out;
  }

  /** The visible text of a table cell (not what only screen readers hear). */
  function cellText(cell) {
    var s = "";
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentElement.closest(".visually-hidden") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    for (var n = walker.nextNode(); n; n = walker.nextNode()) s += n.nodeValue;
    return s.trim();
  }

  var measure = document.createElement("canvas").getContext("2d");

  /** A grid (an HTML table) drawn as SVG: each cell's box, fill, borders, outline and text. */
  function gridSvg(figure) {
    // Every row goes into the file, the folded ones too (src/chart/grid.rs, SHOWN_ROWS).
    var all = figure.querySelector("input.grid-all");
    if (all && !all.checked) {
      all.checked = true;
      try {
        return gridSvg(figure);
      } finally {
        all.checked = false;
      }
    }
    var table = figure.querySelector("table");
    var tb = table.getBoundingClientRect();
    var w = Math.ceil(tb.width), h = Math.ceil(tb.height);
    var out = el("svg", { xmlns: NS, version: "1.1", width: w, height: h, viewBox: "0 0 " + w + " " + h });
    var wrapBg = getComputedStyle(table.parentElement).backgroundColor;
    out.appendChild(el("rect", { x: 0, y: 0, width: w, height: h, fill: wrapBg }));
    var cells = table.querySelectorAll("caption, th, td");
    for (var i = 0; i < cells.length; i++) {
      var c = cells[i];
      var r = c.getBoundingClientRect();
      var cs = getComputedStyle(c);
      var x = r.left - tb.left, y = r.top - tb.top;
      var bg = cs.backgroundColor;
      if (bg && bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent") {
        out.appendChild(el("rect", { x: x, y: y, width: r.width, height: r.height, fill: bg }));
      }
      if (c.tagName !== "CAPTION" && parseFloat(cs.borderTopWidth) > 0) {
        out.appendChild(el("rect", { x: x + 0.5, y: y + 0.5, width: r.width - 1, height: r.height - 1, fill: "none", stroke: cs.borderTopColor, "stroke-width": cs.borderTopWidth }));
      }
      if (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) {
        var ow = parseFloat(cs.outlineWidth), off = parseFloat(cs.outlineOffset) || 0;
        var inset = -off - ow / 2;
        var o = { x: x + inset, y: y + inset, width: r.width - 2 * inset, height: r.height - 2 * inset, fill: "none", stroke: cs.outlineColor, "stroke-width": ow };
        if (cs.outlineStyle === "dashed") o["stroke-dasharray"] = ow * 3 + " " + ow * 2;
        out.appendChild(el("rect", o));
      }
      // Text where the browser put it: each text run's own box, baseline from the font size.
      var walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT, {
        acceptNode: function (n) {
          return n.parentElement.closest(".visually-hidden") || !n.nodeValue.trim() ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
        },
      });
      for (var n = walker.nextNode(); n; n = walker.nextNode()) {
        var range = document.createRange();
        range.selectNodeContents(n);
        var rects = range.getClientRects();
        if (!rects.length) continue;
        var tr = rects[0];
        var pcs = getComputedStyle(n.parentElement);
        var t = fontOf(pcs);
        var text = n.nodeValue.replace(/^\s+|\s+$/g, "");
        // The baseline: the top of the run's box plus the font's ascent, as the browser set it.
        measure.font = pcs.fontStyle + " " + pcs.fontWeight + " " + pcs.fontSize + " " + pcs.fontFamily;
        var baseline = tr.top - tb.top + measure.measureText(text).fontBoundingBoxAscent;
        t.x = tr.left - tb.left;
        t.y = baseline;
        out.appendChild(el("text", t, text));
        var link = n.parentElement.closest("a");
        if (link && getComputedStyle(link).textDecorationLine.indexOf("underline") >= 0) {
          var lcs = getComputedStyle(link);
          var thick = parseFloat(lcs.textDecorationThickness) || 1;
          var uy = baseline + (parseFloat(lcs.textUnderlineOffset) || 0) + thick / 2;
          out.appendChild(el("line", { x1: t.x, x2: t.x + tr.width, y1: uy, y2: uy, stroke: lcs.textDecorationColor || lcs.color, "stroke-width": thick }));
        }
      }
    }
    return out;
  }

  function fileName(figure, ext) {
    var slug = location.pathname.replace(/\/index\.html$/, "").replace(/\/$/, "").split("/").pop() || "figure";
    return slug + "-" + figure.getAttribute("data-figure") + "." + ext;
  }

  /** The SVG text of the figure a tools paragraph belongs to. */
  function svgOf(tools) {
    var figure = figureFor(tools);
    var block = tools.closest(".figure-block");
    var svg = figure.getAttribute("data-figure").indexOf("map") === 0 ? mapSvg(figure, block) : gridSvg(figure);
    return { figure: figure, text: '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg), svg: svg };
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function download(ev) {
    var b = ev.currentTarget;
    var tools = b.closest(".figure-tools");
    var made = svgOf(tools);
    var blob = new Blob([made.text], { type: "image/svg+xml" });
    if (b.getAttribute("data-download") === "svg") {
      save(blob, fileName(made.figure, "svg"));
      return;
    }
    var img = new Image();
    var url = URL.createObjectURL(blob);
    img.onload = function () {
      var scale = 2;
      var canvas = document.createElement("canvas");
      canvas.width = Math.ceil(img.width * scale);
      canvas.height = Math.ceil(img.height * scale);
      var ctx = canvas.getContext("2d");
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (png) { save(png, fileName(made.figure, "png")); }, "image/png");
    };
    img.src = url;
  }

  // For tests and for anyone scripting the page: the SVG text of the n-th figure.
  window.kbgenFigureSvg = function (n) {
    var tools = document.querySelectorAll(".figure-block .figure-tools")[n];
    return tools ? svgOf(tools).text : null;
  };
})();
