// The case table: rows are built from the embedded JSON a page at a time, with textContent
// only (never innerHTML), so no value in a report can become markup.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("llmops-data").textContent);
  const metrics = data.metrics, labels = data.labels, PAGE = 200;
  const order = {failed: 0, errored: 1, passed: 2, scored: 3};
  const $ = (id) => document.getElementById(id);
  const state = {status: "", tag: "", check: "", change: "", sort: "", desc: false, text: "", limit: PAGE};
  let open = null;

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function change(c) {
    if (!c.was) return "new";
    const ok = (s) => s === "passed", bad = (s) => s === "failed" || s === "errored";
    if (ok(c.was) && bad(c.st)) return "regressed";
    if (bad(c.was) && ok(c.st)) return "fixed";
    return "same";
  }
  function key(c) {
    if (state.sort === "status") return order[c.st];
    if (state.sort === "ms") return c.ms;
    if (state.sort.startsWith("m:")) return c.sc[metrics.indexOf(state.sort.slice(2))];
    return null;
  }
  function visible() {
    const text = state.text.toLowerCase();
    let rows = data.cases.filter((c) =>
      (!state.status || c.st === state.status) &&
      (!state.tag || c.tags.includes(state.tag)) &&
      (!state.check || c.fail.some((f) => f[0] === state.check)) &&
      (!state.change || change(c) === state.change) &&
      (!text || (c.id + "\n" + c.in + "\n" + c.out).toLowerCase().includes(text)));
    if (state.sort) {
      const sign = state.desc ? -1 : 1;
      rows = rows.map((c, i) => [key(c), i, c]).sort((a, b) => {
        if (a[0] === b[0]) return a[1] - b[1];
        if (a[0] === null || a[0] === undefined) return 1;  // missing values last
        if (b[0] === null || b[0] === undefined) return -1;
        return sign * (a[0] < b[0] ? -1 : 1);
      }).map((x) => x[2]);
    }
    return rows;
  }
  function header() {
    const head = $("cases-head");
    const columns = [["case", ""], ["status", "status"]];
    if (data.baseline) columns.push(["before", ""]);
    columns.push(["tags", ""]);
    for (const m of metrics) columns.push([m, "m:" + m]);
    columns.push(["latency ms", "ms"], ["failed checks", ""]);
    for (const [name, sort] of columns) {
      const th = el("th", name);
      if (sort) th.addEventListener("click", () => {
        state.desc = state.sort === sort ? !state.desc : false;
        state.sort = sort;
        $("f-sort").value = sort;
        $("f-desc").checked = state.desc;
        draw();
      });
      head.appendChild(th);
    }
    return columns.length;
  }
  const width = header();
  function row(c) {
    const tr = el("tr", undefined, "case");
    tr.dataset.status = c.st;
    tr.appendChild(el("td")).appendChild(el("code", c.id));
    tr.appendChild(el("td", labels[c.st], c.st));
    if (data.baseline) tr.appendChild(el("td", c.was ? labels[c.was] : "new", c.was));
    const tags = tr.appendChild(el("td"));
    for (const t of c.tags) tags.appendChild(el("span", t, "tag"));
    const failed = new Set(c.fail.map((f) => f[0]));
    metrics.forEach((m, i) => {
      const v = c.sc[i];
      tr.appendChild(el("td", v === null ? "–" : v.toFixed(3), failed.has(m) ? "num bad" : "num"));
    });
    tr.appendChild(el("td", c.ms === null ? "–" : c.ms.toFixed(1), "num"));
    tr.appendChild(el("td", c.fail.map((f) => f[0]).join(", ")));
    tr.addEventListener("click", () => toggle(tr, c));
    return tr;
  }
  function block(parent, title, text) {
    const div = parent.appendChild(el("div"));
    div.appendChild(el("strong", title));
    div.appendChild(el("pre", text || "–"));
  }
  function toggle(tr, c) {
    if (open) open.remove();
    if (open && open.previousSibling === tr) { open = null; return; }
    const detail = el("tr", undefined, "detail");
    const td = detail.appendChild(el("td"));
    td.colSpan = width;
    block(td, "input", c.in);
    const pair = td.appendChild(el("div", undefined, "pair"));
    block(pair, "expected", c.exp);
    block(pair, c.err ? "error" : "output", c.err || c.out);
    for (const [name, reason] of c.fail) block(td, "failed: " + name, reason);
    tr.after(detail);
    open = detail;
  }
  function draw() {
    const rows = visible();
    const body = $("rows");
    open = null;
    body.replaceChildren(...rows.slice(0, state.limit).map(row));
    const shown = Math.min(rows.length, state.limit);
    $("count").textContent = rows.length + " of " + data.cases.length + " cases" +
      (shown < rows.length ? " (showing " + shown + ")" : "");
    $("more").hidden = shown >= rows.length;
  }
  function bind(id, field, event) {
    const input = $(id);
    if (!input) return;
    input.addEventListener(event || "change", () => {
      state[field] = input.type === "checkbox" ? input.checked : input.value;
      state.limit = PAGE;
      draw();
    });
  }
  bind("f-status", "status"); bind("f-tag", "tag"); bind("f-check", "check");
  bind("f-change", "change"); bind("f-sort", "sort"); bind("f-desc", "desc");
  bind("f-text", "text", "input");
  $("more").addEventListener("click", () => { state.limit += PAGE * 5; draw(); });
  draw();
})();
