// Shared by the staff pages (desk, dashboard): JSON API calls with the CSRF
// header and session handling, the live event stream with its indicator,
// the reader status strip, and wording for codes. Untrusted text only ever
// reaches the page through textContent.
"use strict";
window.Staff = (function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";

  // ---- DOM ----
  // el("li", {class: "x", text: "…", onclick: fn}, child, "text", …)
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") n.className = v;
        else if (k === "text") n.textContent = v;
        else if (k === "dataset") Object.assign(n.dataset, v);
        else if (k.startsWith("on") && typeof v === "function") n.addEventListener(k.slice(2), v);
        else n.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      n.append(c instanceof Node ? c : String(c));
    }
    return n;
  }

  // ---- Words for codes ----
  const reasons = {
    unknown_badge: "Unknown badge",
    revoked_badge: "Badge revoked",
    invalid_pass: "Invalid QR pass",
    not_valid_today: "Not valid today",
    registration_cancelled: "Registration cancelled",
  };
  const roles = {
    delegate: "Delegate", head: "Head of delegation", deputy_head: "Deputy head of delegation",
    chair: "Chair", secretariat: "Secretariat", press: "Press", staff: "Staff", guest: "Guest",
  };
  const statuses = {
    registered: { text: "Registered", icon: "●", cls: "info" },
    confirmed: { text: "Confirmed", icon: "✓", cls: "ok" },
    cancelled: { text: "Cancelled", icon: "✕", cls: "no" },
  };
  const reasonText = (r) => reasons[r] || (r ? r.replace(/_/g, " ") : "");
  const roleText = (r) => roles[r] || (r ? r.replace(/_/g, " ") : "—");
  const statusInfo = (s) => statuses[s] || { text: s || "Unknown", icon: "?", cls: "neutral" };
  const directionText = (d) => (d === "out" ? "← Out" : "→ In");

  let regionNames = null;
  try { regionNames = new Intl.DisplayNames(["en"], { type: "region" }); } catch (_) { /* old browser */ }
  function countryName(code) {
    if (!code) return "Unknown";
    try { return (regionNames && regionNames.of(code.toUpperCase())) || code; } catch (_) { return code; }
  }

  // ---- Numbers and times (24 h, local to the kiosk) ----
  const numFmt = new Intl.NumberFormat("en");
  const timeFmt = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const secFmt = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const dateFmt = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });
  const fmtNum = (n) => numFmt.format(n || 0);
  // The kiosk sends tap times in the meeting's zone, with its offset
  // ("2025-06-03T09:12:00+02:00"): show that wall-clock time as is, so the
  // desk agrees with the entrance screens whatever the browser's zone.
  // Times in UTC ("…Z") are shown in the browser's zone.
  const withOffset = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?[+-]\d{2}:\d{2}$/;
  function parse(iso) { const d = new Date(iso); return isNaN(d) ? null : d; }
  function parts(iso) {
    const m = withOffset.exec(String(iso || ""));
    if (m) return { date: m[1], time: m[2] + ":" + m[3] };
    const d = parse(iso);
    return d ? { date: dateFmt.format(d), time: timeFmt.format(d) } : null;
  }
  function fmtTime(iso) { const p = parts(iso); return p ? p.time : ""; }
  function fmtSeconds(d) { return secFmt.format(d); }
  function fmtDateTime(iso) {
    const p = parts(iso);
    if (!p) return "";
    return (p.date === dateFmt.format(new Date()) ? "today" : p.date) + " " + p.time;
  }

  // ---- Session problems ----
  function loginRedirect() {
    location.assign("/login?next=" + encodeURIComponent(location.pathname));
  }
  function sessionExpired() {
    const bar = document.getElementById("session-alert");
    if (bar) bar.hidden = false;
  }

  class ApiError extends Error {
    constructor(status, data, message) {
      super(message);
      this.status = status;
      this.data = data;
      this.code = data && data.code;
    }
  }

  // api(method, url, body?, {signal}) → parsed JSON, or throws ApiError
  // (AbortError passes through). 401 leaves for the login page; 403 is a
  // failed CSRF check: the page is stale.
  async function api(method, url, body, opts) {
    const headers = { Accept: "application/json" };
    if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrf;
    const init = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (opts && opts.signal) init.signal = opts.signal;
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new ApiError(0, null, "The kiosk did not answer — check the connection and try again");
    }
    let data = null;
    if ((res.headers.get("Content-Type") || "").includes("json")) {
      try { data = await res.json(); } catch (_) { data = null; }
    }
    if (res.status === 401) {
      loginRedirect();
      throw new ApiError(401, data, "You are signed out — opening the login page");
    }
    if (res.status === 403) {
      sessionExpired();
      throw new ApiError(403, data, "Your session expired — reload the page");
    }
    if (!res.ok) {
      throw new ApiError(res.status, data, (data && data.error) || "The kiosk answered " + res.status + " " + res.statusText);
    }
    return data;
  }

  // ---- Live events ----
  // events({tap: fn, reader: fn, …}, onOpen) keeps an EventSource open and
  // the [data-testid=live] indicator up to date.
  function events(handlers, onOpen) {
    const live = document.querySelector('[data-testid="live"]');
    function set(state) {
      document.body.dataset.live = state;
      if (!live) return;
      live.dataset.state = state;
      live.textContent = state === "live" ? "Live" : state === "reconnecting" ? "Reconnecting…" : "Connecting…";
      live.title = state === "live" ? "Receiving taps as they happen" : "Lost the connection to the kiosk; retrying";
    }
    set("connecting");
    let es = null;
    let retry = 1000;
    function connect() {
      es = new EventSource("/api/events");
      es.onopen = () => {
        retry = 1000;
        set("live");
        if (onOpen) onOpen();
      };
      for (const [name, fn] of Object.entries(handlers)) {
        es.addEventListener(name, (e) => {
          let data;
          try { data = JSON.parse(e.data); } catch (_) { return; }
          try { fn(data); } catch (err) { console.error(name, err); }
        });
      }
      es.onerror = () => {
        set("reconnecting");
        // The browser retries by itself unless the stream was refused.
        if (es.readyState === EventSource.CLOSED) {
          setTimeout(connect, retry);
          retry = Math.min(retry * 2, 15000);
        }
      };
    }
    connect();
    return { close: () => es && es.close() };
  }

  // ---- Reader strip ----
  // readerStrip(el) → {reader(state), registry(state)}: a small line of
  // reader states, words and icons, updated from `reader` events.
  function readerStrip(strip) {
    const readers = new Map();
    let registry = null;
    function render() {
      if (!strip) return;
      const items = [];
      for (const st of [...readers.values()].sort((a, b) => (a.role + a.reader).localeCompare(b.role + b.reader))) {
        const ok = st.state === "open";
        const cls = ok ? "ok" : st.state === "waiting" ? "wait" : "no";
        const word = ok ? "✓ ready" : st.state === "waiting" ? "… not connected" : "✕ error";
        const where = [st.gate, st.direction].filter(Boolean).join(", ");
        const what = (st.role === "desk" ? "Desk reader" : "Entrance reader") + (where && st.role !== "desk" ? " (" + where + ")" : "");
        const title = [st.reader, st.port, st.format, st.last_error].filter(Boolean).join(" · ");
        items.push(el("span", { class: "rd " + cls, title: title, "data-testid": "reader-state", "data-reader": st.reader },
          el("span", { text: what }), el("span", { class: "st", text: word + (st.last_error && !ok ? ": " + st.last_error : "") })));
      }
      if (registry && registry.configured) {
        items.push(el("span", { class: "rd " + (registry.reachable ? "ok" : "no") },
          el("span", { text: "Registry" }),
          el("span", { class: "st", text: registry.reachable ? "✓ connected" : "✕ unreachable — taps are kept" })));
      }
      strip.replaceChildren(el("span", { class: "label", text: items.length ? "Readers" : "Readers: no status received yet" }), ...items);
    }
    render();
    return {
      reader(st) { if (st && st.reader) { readers.set(st.reader, st); render(); } },
      registry(st) { registry = st; render(); },
    };
  }

  const reload = document.getElementById("session-reload");
  if (reload) reload.addEventListener("click", () => location.reload());

  return {
    el, api, ApiError, events, readerStrip, csrf,
    reasonText, roleText, statusInfo, directionText, countryName,
    fmtNum, fmtTime, fmtSeconds, fmtDateTime,
  };
})();
