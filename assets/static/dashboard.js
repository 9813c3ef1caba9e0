// Desk dashboard: today's figures from /api/stats, refreshed on every tap
// (at most twice a second) and every 30 s, plus the latest taps as they
// arrive on the event stream. Text goes in through textContent only.
"use strict";
(function () {
  const S = window.Staff;
  const el = S.el;
  const t = S.t;
  const $ = (id) => document.getElementById(id);
  const MIN_INTERVAL_MS = 500;
  const PERIOD_MS = 30000;
  const RECENT = 20;
  const TOP_COUNTRIES = 15;

  // ------------------------------------------------------------ figures

  let last = 0;
  let timer = null;
  let inFlight = false;
  let again = false;

  // requestStats fetches now, or as soon as the rate limit allows.
  function requestStats() {
    if (inFlight) { again = true; return; }
    if (timer) return;
    const wait = last + MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) loadStats();
    else timer = setTimeout(() => { timer = null; loadStats(); }, wait);
  }

  async function loadStats() {
    inFlight = true;
    last = Date.now();
    try {
      const s = await S.api("GET", "/api/stats");
      render(s || {});
      $("stats-error").hidden = true;
      $("updated").textContent = t("dash.updated", { time: S.fmtSeconds(S.clock.now()) });
    } catch (e) {
      $("stats-error").textContent = "✕ " + t("dash.not_updated", { error: e.message });
      $("stats-error").hidden = false;
    } finally {
      inFlight = false;
      if (again) { again = false; requestStats(); }
    }
  }

  function render(s) {
    $("day").replaceChildren(...(s.day ? [" · ", S.ltr(s.day)] : []));
    $("arrivals").textContent = S.fmtNum(s.arrivals);
    $("inside").textContent = S.fmtNum(s.inside);
    $("delegates").textContent = S.fmtNum(s.delegates);
    $("arrivals-sub").textContent = s.delegates
      ? t("dash.pct_registered", { pct: S.fmtPct((s.arrivals || 0) / s.delegates) })
      : "";
    const taps = s.taps || {};
    $("accepted").textContent = S.fmtNum(taps.accepted);
    const rej = Object.entries(taps.rejected || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    $("rejected").textContent = S.fmtNum(rej.reduce((sum, [, n]) => sum + n, 0));
    $("rejected-sub").textContent = rej.length
      ? rej.map(([r, n]) => S.reasonText(r) + " " + S.fmtNum(n)).join(" · ")
      : t("dash.none");
    renderHours(s.by_hour || []);
    renderBars($("roles"), Object.entries(s.by_role || {}).map(([r, n]) => [S.roleText(r), n]), 0, t("dash.no_arrivals"));
    renderBars($("countries"), Object.entries(s.by_country || {}).map(([c, n]) => [
      c ? S.countryName(c) + " (" + c.toUpperCase() + ")" : t("staff.unknown_country"), n]), TOP_COUNTRIES, t("dash.no_arrivals"));
    renderGates(s.gates || []);
    renderSessions(s.sessions || []);
  }

  function renderHours(hours) {
    const box = $("hours");
    box.replaceChildren();
    if (!hours.length) {
      box.append(el("p", { class: "empty", text: t("dash.no_arrivals_today") }));
      box.setAttribute("aria-label", t("dash.no_arrivals_today"));
      return;
    }
    const max = Math.max(1, ...hours.map((h) => h.arrivals || 0));
    const nowHour = S.clock.hour();
    for (const h of hours) {
      const n = h.arrivals || 0;
      const label = String(h.hour || "");
      box.append(el("div", {
        class: "hour" + (label.slice(0, 2) === nowHour ? " now" : ""),
        title: t("dash.hour_title", { hour: label, n: S.fmtNum(n) }),
      },
      el("div", { class: "bar", style: "height:" + ((100 * n) / max).toFixed(1) + "%" },
        el("span", { class: "v", text: n ? S.fmtNum(n) : "" })),
      el("span", { class: "h", text: label.slice(0, 2) })));
    }
    box.setAttribute("aria-label", t("dash.by_hour") + ": " + hours.map((h) => h.hour + " " + S.fmtNum(h.arrivals || 0)).join(", "));
  }

  // renderBars draws label / bar / number rows, largest first; with top > 0
  // the rest is summed into "Others".
  function renderBars(dl, rows, top, emptyText) {
    rows = rows.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
    let others = 0;
    let otherCount = 0;
    if (top > 0 && rows.length > top) {
      for (const [, n] of rows.slice(top)) { others += n; otherCount++; }
      rows = rows.slice(0, top);
    }
    dl.replaceChildren();
    if (!rows.length) {
      dl.append(el("dt", { class: "empty", text: emptyText }));
      return;
    }
    const max = Math.max(1, ...rows.map(([, n]) => n), others);
    const row = (label, n, cls) => [
      el("dt", { class: cls, dir: "auto", title: label, text: label }),
      el("dd", { class: cls },
        el("span", { class: "track" }, el("span", { class: "fill", style: "display:block;width:" + ((100 * n) / max).toFixed(1) + "%" })),
        el("span", { class: "v", text: S.fmtNum(n) })),
    ];
    for (const [label, n] of rows) dl.append(...row(label, n));
    if (others) dl.append(...row(t("dash.others", { n: S.fmtNum(otherCount) }), others, "others"));
  }

  function renderGates(gates) {
    const tbody = $("gates");
    tbody.replaceChildren();
    if (!gates.length) {
      tbody.append(el("tr", {}, el("td", { colspan: "3", class: "muted", text: t("dash.no_passes") })));
      return;
    }
    for (const g of gates.slice().sort((a, b) => String(a.gate).localeCompare(String(b.gate)))) {
      tbody.append(el("tr", {},
        el("td", { dir: "auto", text: g.gate || "—" }),
        el("td", { class: "n", text: S.fmtNum(g.in) }),
        el("td", { class: "n", text: S.fmtNum(g.out) })));
    }
  }

  // renderSessions lists the day's sessions with who came in through their
  // doors and who is inside now; the one a room holds now is marked.
  function renderSessions(sessions) {
    const tbody = $("sessions");
    tbody.replaceChildren();
    if (!sessions.length) {
      tbody.append(el("tr", {}, el("td", { colspan: "6", class: "muted", text: t("dash.no_sessions") })));
      return;
    }
    const now = S.clock.now();
    for (const se of sessions) {
      const running = Date.parse(se.start) <= now && now < Date.parse(se.end);
      const title = String(se.title || se.id || "");
      tbody.append(el("tr", { class: running ? "now" : null, "data-testid": "session", "data-session": se.id },
        el("td", { class: "when" }, S.ltr(S.fmtTime(se.start) + "–" + S.fmtTime(se.end))),
        el("td", { dir: "auto", text: title }),
        el("td", { dir: "auto", text: se.room || "" }),
        el("td", { class: "n", "data-testid": "session-attended", text: S.fmtNum(se.attended) }),
        el("td", { class: "n", "data-testid": "session-inside", text: S.fmtNum(se.inside) }),
        el("td", { class: "n" }, el("a", {
          href: "/api/sessions/" + encodeURIComponent(se.id) + "/attendance.csv", download: "",
          title: t("dash.session_csv", { title: title }), "aria-label": t("dash.session_csv", { title: title }),
        }, el("span", { "aria-hidden": "true", text: "⤓" }), " CSV"))));
    }
  }

  // --------------------------------------------------------- latest taps

  function addRecent(tap) {
    const ok = tap.result === "accepted";
    const d = tap.delegate;
    const where = tap.room || tap.gate; // a room door, or an entrance's gate
    const li = el("li", { class: "fresh", "data-testid": "recent-tap", "data-result": tap.result },
      el("span", { class: "time", text: S.fmtTime(tap.at) }),
      el("span", { class: "who" },
        d ? el("bdi", { dir: "auto", text: d.name }) : el("span", { class: "muted", text: t("dash.no_delegate") }),
        " ", el("span", { class: "gate" }, where ? [el("bdi", { dir: "auto", text: where }), " · "] : null, S.wayText(tap.direction))),
      el("span", { class: "res " + (ok ? "res-ok" : "res-no"), text: ok ? "✓ " + t("dash.accepted_one") : "✕ " + S.reasonText(tap.reason) }));
    const list = $("recent");
    list.prepend(li);
    while (list.children.length > RECENT) list.lastElementChild.remove();
    $("recent-empty").hidden = true;
  }

  // -------------------------------------------------------------- events

  const strip = S.readerStrip($("strip"));
  let opened = false;
  S.events({
    tap(tap) {
      if (tap.role === "desk" || !tap.result) return; // a desk reader's badge: no decision
      addRecent(tap);
      requestStats();
    },
    room: requestStats, // a room's count changed: a reset, or a door at another kiosk
    reader: strip.reader,
    registry: strip.registry,
  }, () => { if (opened) requestStats(); opened = true; }); // catch up after a reconnect

  loadStats();
  setInterval(requestStats, PERIOD_MS);
})();
