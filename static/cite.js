// The cite block of a practice page: fills in today's date as the access date of the GB/T 7714
// references ([引用日期] → [2025-01-31]) and BibTeX's urldate, and shows a copy button beside
// each citation.
(function () {
  "use strict";
  // Again after `kbgen serve` swapped in a new <main> (src/serve/live.js).
  document.addEventListener("kbgen:swap", init);
  init();
  function init() {
  var gbt = document.getElementById("cite-gbt");
  var placeholder = gbt && gbt.getAttribute("data-accessed");
  if (placeholder) {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var today = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
    // Every access date: the original's and the knowledge base's, and BibTeX's urldate.
    gbt.textContent = gbt.textContent.split("[" + placeholder + "]").join("[" + today + "]");
    var bib = document.getElementById("cite-bib");
    if (bib) bib.textContent = bib.textContent.split("urldate = {" + placeholder + "}").join("urldate = {" + today + "}");
  }
  var buttons = document.querySelectorAll("button.copy[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    var b = buttons[i];
    b.hidden = false;
    b.setAttribute("data-label", b.textContent);
    b.addEventListener("click", copy);
  }
  }
  function copy(ev) {
    var b = ev.currentTarget;
    var el = document.getElementById(b.getAttribute("data-copy"));
    var text = el.textContent;
    var done = function () {
      b.textContent = "已复制";
      setTimeout(function () { b.textContent = b.getAttribute("data-label"); }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { select(el); });
    } else {
      select(el);
      try { if (document.execCommand("copy")) done(); } catch (e) { /* the text stays selected */ }
    }
  }
  function select(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
})();
