// kbgen serve's review desk (/_kbgen/review/) and the edit panel of practice pages
// (src/serve/desk.rs). Every value from a page is put in place as text (textContent, value),
// never as HTML. Writes are JSON POSTs with the page's secret in x-kbgen-token.
(function () {
  "use strict";

  function post(action, token, data) {
    return fetch("/_kbgen/" + action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-kbgen-token": token },
      body: JSON.stringify(data),
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; },
        function () { return { ok: false, status: r.status, body: { error: "HTTP " + r.status } }; });
    });
  }

  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }

  // ---- suggestions: regions from the gazetteer, mechanisms from the vocabulary ----
  function picker(input, list, textarea, kind) {
    var timer = null;
    function add(value) {
      var lines = textarea.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
      if (lines.indexOf(value) < 0) lines.push(value);
      textarea.value = lines.join("\n");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      list.replaceChildren();
      input.value = "";
      input.focus();
    }
    function show(items) {
      list.replaceChildren();
      items.forEach(function (it) {
        var li = el("li");
        var b = el("button", null, { type: "button" });
        if (kind === "region") {
          b.appendChild(el("span", it.path));
          if (it.note) b.appendChild(el("small", " " + it.note));
          b.dataset.value = it.path;
        } else {
          b.appendChild(el("span", it.name + " "));
          b.appendChild(el("code", it.id));
          b.appendChild(el("small", it.description));
          b.dataset.value = it.id;
        }
        b.addEventListener("click", function () { add(b.dataset.value); });
        li.appendChild(b);
        list.appendChild(li);
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) return list.replaceChildren();
      timer = setTimeout(function () {
        fetch("/_kbgen/" + (kind === "region" ? "regions" : "mechanisms") + "?q=" + encodeURIComponent(q), { cache: "no-store" })
          .then(function (r) { return r.json(); })
          .then(function (items) { if (input.value.trim() === q) show(items); });
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        var first = list.querySelector("button");
        if (first) first.click();
      }
    });
  }

  // ---- the edit panel of a practice page ----
  function editPanel(form) {
    var token = form.dataset.token;
    // The curated keys, as the server lists them (src/content/edit.rs CURATED).
    var names = form.dataset.fields.split(" ");
    var status = form.querySelector("output");
    function values() {
      var v = {};
      names.forEach(function (n) { var c = form.elements[n]; if (c) v[n] = c.value; });
      return v;
    }
    function norm(n, s) {
      // A list field is a textarea, one value a line.
      return form.elements[n].tagName === "TEXTAREA"
        ? s.split("\n").map(function (l) { return l.trim(); }).filter(Boolean).join("\n")
        : s.trim();
    }
    var initial = values();
    form.querySelectorAll("[data-pick]").forEach(function (input) {
      var kind = input.dataset.pick;
      picker(input, form.querySelector('[data-choices="' + kind + '"]'), form.elements[kind], kind);
    });
    if (location.hash === "#kbgen-edit") form.closest("details").open = true;
    // While it holds unsaved input, live reload does not reload the page under it (live.js).
    form.addEventListener("input", function () { form.setAttribute("data-kbgen-dirty", ""); });
    function clean() {
      form.removeAttribute("data-kbgen-dirty");
      if (document.documentElement.hasAttribute("data-kbgen-reload")) location.reload();
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var sent = values();
      status.textContent = "保存中…";
      post("save", token, { page: form.dataset.page, sha256: form.dataset.sha256, fields: sent }).then(function (r) {
        if (r.ok) {
          form.dataset.sha256 = r.body.sha256;
          initial = sent;
          status.textContent = r.body.changed.length ? "已保存：" + r.body.changed.join("、") : "没有改动";
          form.querySelectorAll(".kbgen-marks li").forEach(function (li) {
            if (r.body.changed.indexOf(li.dataset.mark) >= 0) li.remove();
          });
          clean();
          return;
        }
        if (r.status === 409) {
          // The file changed since the form was drawn: its new values replace those nobody
          // typed over; what the person typed stays, to be saved again on purpose.
          var now = r.body.current, kept = [];
          names.forEach(function (n) {
            var c = form.elements[n];
            if (!c || now[n] === undefined) return;
            if (norm(n, sent[n]) === norm(n, initial[n])) c.value = now[n];
            else if (norm(n, now[n]) !== norm(n, initial[n])) kept.push(n + "（文件里现在是：" + now[n] + "）");
          });
          initial = now;
          form.dataset.sha256 = r.body.sha256;
          status.textContent = "没有保存：页面文件在表单打开后改过。表单已换上文件里的新值" +
            (kept.length ? "；你改的字段保留你的输入：" + kept.join("；") : "") + "。核对后再存。";
          status.dataset.stale = "1";
          return;
        }
        status.textContent = "没有保存：" + (r.body.error || r.status);
      });
    });
  }

  // ---- the desk ----
  function desk() {
    var token = document.querySelector('meta[name="kbgen-token"]').content;
    var rows = Array.prototype.slice.call(document.querySelectorAll("#marks [data-review-field]"));
    var fField = document.getElementById("f-field"), fReason = document.getElementById("f-reason");
    var shown = document.getElementById("shown"), selected = document.getElementById("selected");
    var status = document.getElementById("desk-status");
    var current = -1;
    function visible() { return rows.filter(function (r) { return r.isConnected && !r.hidden; }); }
    function counts() {
      var live = rows.filter(function (r) { return r.isConnected; });
      var pages = {};
      live.forEach(function (r) { pages[r.dataset.reviewPage] = 1; });
      var c = document.getElementById("counts");
      c.dataset.marks = live.length;
      c.dataset.pages = Object.keys(pages).length;
      c.textContent = live.length + " 处，" + Object.keys(pages).length + " 页";
      shown.textContent = "显示 " + visible().length + " 处";
      selected.textContent = "已选 " + picked().length + " 行";
    }
    function filter() {
      rows.forEach(function (r) {
        r.hidden = (fField.value && r.dataset.reviewField !== fField.value) || (fReason.value && r.dataset.reason !== fReason.value);
      });
      counts();
    }
    function picked() { return visible().filter(function (r) { return r.querySelector("input[type=checkbox]").checked; }); }
    function focus(i) {
      var v = visible();
      if (!v.length) return;
      current = Math.max(0, Math.min(i, v.length - 1));
      v.forEach(function (r) { r.classList.remove("current"); });
      v[current].classList.add("current");
      v[current].focus();
    }
    function accept(row) {
      var idx = visible().indexOf(row);
      return post("accept", token, { page: row.dataset.reviewPage, fields: [row.dataset.reviewField] }).then(function (r) {
        if (!r.ok) { status.textContent = "没有接受：" + (r.body.error || r.status); return; }
        row.remove();
        counts();
        status.textContent = "已接受：" + row.dataset.reviewPage + " 的 " + row.dataset.reviewField;
        focus(idx);
      });
    }
    fField.addEventListener("change", filter);
    fReason.addEventListener("change", filter);
    document.getElementById("select-all").addEventListener("change", function (e) {
      visible().forEach(function (r) { r.querySelector("input[type=checkbox]").checked = e.target.checked; });
      counts();
    });
    document.querySelector("#marks .rows").addEventListener("change", counts);
    document.querySelector("#marks .rows").addEventListener("click", function (e) {
      var b = e.target.closest("button[data-accept]");
      if (b) accept(b.closest("[data-review-field]"));
      var row = e.target.closest("[data-review-field]");
      if (row) current = visible().indexOf(row);
    });
    document.addEventListener("keydown", function (e) {
      if (e.target.closest("input, textarea, select, button, a, summary") || e.ctrlKey || e.metaKey || e.altKey) return;
      var v = visible(), row = v[current];
      if (e.key === "j" || e.key === "ArrowDown") { e.preventDefault(); focus(current + 1); }
      else if (e.key === "k" || e.key === "ArrowUp") { e.preventDefault(); focus(current - 1); }
      else if (e.key === "a" && row) { e.preventDefault(); accept(row); }
      else if (e.key === "x" && row) {
        e.preventDefault();
        var c = row.querySelector("input[type=checkbox]");
        c.checked = !c.checked;
        counts();
      } else if ((e.key === "o" || e.key === "Enter") && row) { e.preventDefault(); location.href = row.querySelector("a").href; }
    });
    document.getElementById("bulk-set").addEventListener("click", function () {
      var pages = [];
      picked().forEach(function (r) { if (pages.indexOf(r.dataset.reviewPage) < 0) pages.push(r.dataset.reviewPage); });
      var field = document.getElementById("bulk-field").value;
      if (!pages.length) { status.textContent = "先选中几行"; return; }
      var value = document.getElementById("bulk-value").value.replace(/\s*[;；]\s*/g, "\n");
      post("bulk", token, { pages: pages, field: field, value: value }).then(function (r) {
        if (!r.ok) { status.textContent = "没有设定：" + (r.body.error || r.status); return; }
        status.textContent = "已给 " + r.body.written + " 页设定 " + field;
        picked().forEach(function (row) {
          if (row.dataset.reviewField === field) row.remove();
          else row.querySelector("input[type=checkbox]").checked = false;
        });
        counts();
      });
    });
    document.querySelectorAll("form.vocab").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var out = form.querySelector("output");
        var data = {};
        ["id", "name", "en", "description", "synonyms"].forEach(function (n) { data[n] = form.elements[n].value; });
        post("vocab", token, data).then(function (r) {
          if (!r.ok) { out.textContent = "没有加入：" + (r.body.error || r.status); return; }
          out.textContent = "已加入词表：" + r.body.id;
          setTimeout(function () { location.reload(); }, 300);
        });
      });
    });
    document.querySelectorAll("tr[data-offer-page]").forEach(function (tr) {
      tr.querySelector("button").addEventListener("click", function () {
        post("bulk", token, { pages: [tr.dataset.offerPage], field: "mechanism", value: tr.dataset.offerMechanism, mode: "add" }).then(function (r) {
          if (!r.ok) { status.textContent = "没有加上：" + (r.body.error || r.status); return; }
          tr.remove();
        });
      });
    });
    filter();
  }

  document.querySelectorAll("form[data-kbgen-edit]").forEach(editPanel);
  if (document.querySelector('meta[name="kbgen-token"]')) desk();
})();
