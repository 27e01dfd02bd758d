// veille's own script: charts from the page's data, presence on an inbox item, and the
// keyboard shortcuts. Every page works without it; it only makes them quicker.
"use strict";

(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // -- charts (plotly.js, served from the installed plotly package) -------------------
  function charts() {
    const holder = document.getElementById("chart-activity");
    if (!holder || typeof window.Plotly === "undefined") return;
    const data = JSON.parse(holder.dataset.chart);
    const config = { displayModeBar: false, responsive: true, locale: data.locale };
    const layout = (extra) => Object.assign({ margin: { t: 10, r: 10, b: 40, l: 45 }, height: 260,
      font: { family: "system-ui, sans-serif", size: 13 }, barmode: "stack",
      legend: { orientation: "h" } }, extra || {});
    const colours = { positive: "#1a7f37", neutral: "#9a8700", negative: "#c62828" };
    window.Plotly.newPlot(holder, ["positive", "neutral", "negative"].map((s) => ({
      type: "bar", name: s, x: data.dates, y: data.sentiment[s], marker: { color: colours[s] },
    })).concat([{ type: "scatter", mode: "lines", name: "total", x: data.dates, y: data.activity,
      line: { color: "#1f3b73" } }]), layout(), config);
    const seg = document.getElementById("chart-segments");
    if (seg) {
      // Slices under 4% get no label (they piled up unreadably at the top); their
      // figures are in the table below and in the tooltip.
      const names = Object.keys(data.segments), counts = Object.values(data.segments);
      const total = counts.reduce((a, b) => a + b, 0) || 1;
      const text = counts.map((n, i) => (n / total >= 0.04
        ? `${names[i]}<br>${(100 * n / total).toFixed(1)}%` : ""));
      window.Plotly.newPlot(seg, [{ type: "pie", hole: 0.5, labels: names, values: counts,
        text, textinfo: "text", textposition: "inside", hoverinfo: "label+value+percent" }],
        layout({ height: 240, showlegend: false }), config);
    }
    const langs = document.getElementById("chart-languages");
    if (langs) {
      window.Plotly.newPlot(langs, [{ type: "bar", orientation: "h",
        y: Object.keys(data.languages).reverse(), x: Object.values(data.languages).reverse(),
        marker: { color: "#1f3b73" } }], layout({ height: 200, barmode: "group",
        margin: { t: 5, r: 10, b: 30, l: 45 } }), config);
    }
  }

  function watchChart() {
    const holder = document.getElementById("chart-watch");
    if (!holder || typeof window.Plotly === "undefined") return;
    const data = JSON.parse(holder.dataset.chart);
    window.Plotly.newPlot(holder, [
      { type: "bar", name: "total", x: data.dates, y: data.activity, marker: { color: "#1f3b73" } },
      { type: "bar", name: "negative", x: data.dates, y: data.negative, marker: { color: "#c62828" } },
    ], { margin: { t: 10, r: 10, b: 40, l: 45 }, height: 260, barmode: "overlay",
      legend: { orientation: "h" } }, { displayModeBar: false, responsive: true });
  }

  // -- presence: who else has this item open ------------------------------------------
  function presence() {
    const head = document.querySelector(".item-head[data-item]");
    const shown = document.getElementById("presence");
    if (!head || !shown) return;
    const tick = () => fetch(`/api/inbox/${head.dataset.item}/presence`, {
      method: "POST", headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin",
    }).then((r) => (r.ok ? r.json() : { others: [] })).then((body) => {
      shown.hidden = body.others.length === 0;
      shown.querySelector("span").textContent = body.others.join(", ");
    }).catch(() => {});
    tick();
    setInterval(tick, 10000);
  }

  // -- keyboard ---------------------------------------------------------------------
  const SINGLE = "veille.single-keys";
  const singleKeys = () => localStorage.getItem(SINGLE) !== "off";

  function typing(target) {
    return target && (target.isContentEditable ||
      ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  function rows() { return Array.from(document.querySelectorAll("#rows .row")); }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    let at = all.findIndex((r) => r.classList.contains("focus"));
    if (at < 0) at = all.findIndex((r) => r.classList.contains("current"));
    const next = all[Math.max(0, Math.min(all.length - 1, at + step))];
    all.forEach((r) => r.classList.remove("focus"));
    next.classList.add("focus");
    next.querySelector("a.open").focus();
  }

  function submit(id) {
    const form = document.getElementById(id);
    if (form) form.requestSubmit();
  }

  let pendingG = false;
  function keys(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!singleKeys()) return;
    if (pendingG) {
      pendingG = false;
      if (event.key === "i") window.location.href = "/inbox";
      if (event.key === "d") window.location.href = "/";
      return;
    }
    const focused = document.querySelector("#rows .row.focus");
    const actions = {
      j: () => move(1), k: () => move(-1),
      o: () => focused && focused.querySelector("a.open").click(),
      r: () => { const t = document.getElementById("answer-text"); if (t) t.focus(); },
      e: () => submit("form-close"), a: () => submit("form-assign"), "!": () => submit("form-spam"),
      x: () => { if (focused) { const box = focused.querySelector(".pick"); box.checked = !box.checked; } },
      "/": () => { const s = document.getElementById("search"); if (s) s.focus(); },
      "?": () => { const d = document.getElementById("help"); if (d && !d.open) d.showModal(); },
      g: () => { pendingG = true; },
    };
    const act = actions[event.key];
    if (act) { event.preventDefault(); act(); }
  }

  function toggle() {
    const button = document.getElementById("shortcuts-toggle");
    if (!button) return;
    const show = () => button.setAttribute("aria-pressed", singleKeys() ? "true" : "false");
    show();
    button.addEventListener("click", () => {
      localStorage.setItem(SINGLE, singleKeys() ? "off" : "on");
      show();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    charts();
    watchChart();
    presence();
    toggle();
    document.addEventListener("keydown", keys);
    const back = document.getElementById("go-back");
    if (back && window.history.length > 1) {
      back.addEventListener("click", (e) => { e.preventDefault(); window.history.back(); });
    }
  });
})();
