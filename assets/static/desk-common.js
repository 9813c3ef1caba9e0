// Shared by the staff pages (desk, dashboard): JSON API calls with the CSRF
// header and session handling, the live event stream with its indicator,
// the reader status strip, the page's messages (t) and wording for codes.
// Untrusted text only ever reaches the page through textContent.
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
        else if (k === "style") n.style.cssText = v; // CSSOM: allowed by the CSP, unlike a style attribute
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

  // ---- Messages ----
  // The page carries its messages (this language, English filling gaps) in
  // <script type="application/json" id="i18n">. t(key, {name: …}) fills
  // {name} placeholders; tn() does the same but keeps nodes (a <bdi> around
  // a name, say) as nodes, for el(…) children.
  const lang = document.documentElement.lang || "en";
  let messages = {};
  try {
    const block = document.getElementById("i18n");
    if (block) messages = JSON.parse(block.textContent) || {};
  } catch (_) { messages = {}; }
  const has = (key) => Object.prototype.hasOwnProperty.call(messages, key);
  function t(key, vars) {
    const s = has(key) ? messages[key] : key;
    if (!vars) return s;
    return s.replace(/\{(\w+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m));
  }
  function tn(key, vars) {
    const s = has(key) ? messages[key] : key;
    const out = [];
    let last = 0;
    s.replace(/\{(\w+)\}/g, (m, k, at) => {
      if (!vars || !Object.prototype.hasOwnProperty.call(vars, k)) return m;
      if (at > last) out.push(s.slice(last, at));
      const v = vars[k];
      out.push(v instanceof Node ? v : String(v));
      last = at + m.length;
      return m;
    });
    if (last < s.length) out.push(s.slice(last));
    return out;
  }
  // Text that must keep its own direction inside a sentence: names (any
  // script), UIDs and IDs (left to right).
  const bdi = (text) => el("bdi", { dir: "auto", text: text });
  const ltr = (text, cls) => el("bdi", { dir: "ltr", class: cls, text: text });

  // ---- Words for codes ----
  const statusIcons = {
    registered: { icon: "●", cls: "info" },
    confirmed: { icon: "✓", cls: "ok" },
    cancelled: { icon: "✕", cls: "no" },
  };
  const pretty = (code) => String(code).replace(/_/g, " ");
  const reasonText = (r) => (has("staff.reason." + r) ? t("staff.reason." + r) : r ? pretty(r) : "");
  const roleText = (r) => (has("role." + r) ? t("role." + r) : r ? pretty(r) : "—");
  function statusInfo(s) {
    const known = statusIcons[s];
    if (known) return { text: t("staff.status." + s), icon: known.icon, cls: known.cls };
    return { text: s || t("staff.status.unknown"), icon: "?", cls: "neutral" };
  }
  const directionText = (d) => t(d === "out" ? "staff.dir_out" : "staff.dir_in");
  const wayText = (d) => t(d === "out" ? "staff.out" : "staff.in");

  let languageNames = null;
  try { languageNames = new Intl.DisplayNames([lang, "en"], { type: "language" }); } catch (_) { /* old browser */ }
  // Country names are the kiosk's (the UN's, in the page language, as on
  // badges), never the browser's: <script type="application/json"
  // id="country-names"> holds code → name.
  let countries = {};
  try {
    const block = document.getElementById("country-names");
    if (block) countries = JSON.parse(block.textContent) || {};
  } catch (_) { countries = {}; }
  // countryName is what to call a delegate's country: name, the server's
  // (the roster's country_name, or the UN name), when given, else the UN
  // name of code, else the code.
  function countryName(code, name) {
    if (name) return name;
    if (!code) return t("staff.unknown_country");
    return countries[code.toUpperCase()] || code;
  }
  function languageName(code) {
    if (!code) return "—";
    try {
      const n = languageNames && languageNames.of(code);
      if (n && n !== code) return n;
    } catch (_) { /* not a language code */ }
    return code.toUpperCase();
  }

  // ---- Numbers and times (24 h, local to the kiosk) ----
  // Arabic as in UN documents: Western digits (also those of times, IDs and
  // UIDs beside them); grouping and percent signs as the language has them.
  const numLocale = lang === "ar" ? "ar-u-nu-latn" : lang;
  const numFmt = new Intl.NumberFormat(numLocale);
  const pctFmt = new Intl.NumberFormat(numLocale, { style: "percent", maximumFractionDigits: 0 });
  // The kiosk's clock and the meeting's zone (clock.js), from the page:
  // "today" and "now" are the kiosk's, whatever the desk PC's clock says.
  const clockMeta = document.querySelector('meta[name="kiosk-clock"]');
  const zoneName = (clockMeta && clockMeta.dataset.timezone) || undefined;
  const clock = window.KioskClock(clockMeta ? Number(clockMeta.content) : Date.now(), zoneName);
  const zone = zoneName ? { timeZone: zoneName } : {};
  const timeFmt = new Intl.DateTimeFormat("en-GB", Object.assign({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, zone));
  const secFmt = new Intl.DateTimeFormat("en-GB", Object.assign({ hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }, zone));
  const dateFmt = new Intl.DateTimeFormat("en-CA", Object.assign({ year: "numeric", month: "2-digit", day: "2-digit" }, zone));
  const fmtNum = (n) => numFmt.format(n || 0);
  const fmtPct = (x) => pctFmt.format(x || 0);
  // The kiosk sends tap times in the meeting's zone, with its offset
  // ("2025-06-03T09:12:00+02:00"): show that wall-clock time as is, so the
  // desk agrees with the entrance screens whatever the browser's zone.
  // Times in UTC ("…Z") are shown in the meeting's zone.
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
  // On a right-to-left page "2025-06-03 09:12" would come out as
  // "09:12 2025-06-03": keep date and time together, left to right.
  const rtl = document.documentElement.dir === "rtl";
  const keepLTR = (s) => (rtl ? "\u2066" + s + "\u2069" : s);
  function fmtDateTime(iso) {
    const p = parts(iso);
    if (!p) return "";
    return p.date === clock.date() ? t("staff.today_at", { time: p.time }) : keepLTR(p.date + " " + p.time);
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
      throw new ApiError(0, null, t("staff.err_network"));
    }
    let data = null;
    if ((res.headers.get("Content-Type") || "").includes("json")) {
      try { data = await res.json(); } catch (_) { data = null; }
    }
    if (res.status === 401) {
      loginRedirect();
      throw new ApiError(401, data, t("staff.err_signed_out"));
    }
    if (res.status === 403) {
      sessionExpired();
      throw new ApiError(403, data, t("staff.session_expired"));
    }
    if (!res.ok) {
      throw new ApiError(res.status, data, (data && data.error) || t("staff.err_status", { status: res.status, text: res.statusText }));
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
      live.textContent = t(state === "live" ? "staff.live" : state === "reconnecting" ? "staff.reconnecting" : "staff.connecting");
      live.title = t(state === "live" ? "staff.live_title" : "staff.offline_title");
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
          if (name === "tap" && data && data.at) clock.sync(data.at);
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
        // Serial readers are "open" when working, OSDP readers "online";
        // an OSDP reader may work and report tamper or a power failure.
        const alarms = [st.tamper ? t("staff.reader_tamper") : "", st.power_failure ? t("staff.reader_power") : ""].filter(Boolean);
        const ok = (st.state === "open" || st.state === "online") && !alarms.length;
        const waiting = st.state === "waiting" || st.state === "offline";
        const cls = ok ? "ok" : waiting ? "wait" : "no";
        const word = ok ? "✓ " + t("staff.reader_ready") : alarms.length ? "⚠ " + alarms.join(", ") : waiting ? "… " + t("staff.reader_waiting") : "✕ " + t("staff.reader_error");
        const where = [st.gate, st.direction ? wayText(st.direction) : ""].filter(Boolean).join(", ");
        const what = st.role === "desk" ? t("staff.reader_desk")
          : where ? t("staff.reader_entrance_at", { where: where }) : t("staff.reader_entrance");
        const title = [st.reader, st.port, st.format, st.secure ? "secure channel " + st.secure : "", st.device, st.last_error].filter(Boolean).join(" · ");
        items.push(el("span", { class: "rd " + cls, title: title, "data-testid": "reader-state", "data-reader": st.reader },
          el("span", { text: what }), el("span", { class: "st", text: word + (st.last_error && !ok ? ": " + st.last_error : "") })));
      }
      if (registry && registry.configured) {
        items.push(el("span", { class: "rd " + (registry.reachable ? "ok" : "no") },
          el("span", { text: t("staff.registry") }),
          el("span", { class: "st", text: registry.reachable ? "✓ " + t("staff.registry_ok") : "✕ " + t("staff.registry_down") })));
      }
      strip.replaceChildren(el("span", { class: "label", text: t(items.length ? "staff.readers" : "staff.readers_none") }), ...items);
    }
    render();
    return {
      reader(st) { if (st && st.reader) { readers.set(st.reader, st); render(); } },
      registry(st) { registry = st; render(); },
    };
  }

  const reload = document.getElementById("session-reload");
  if (reload) reload.addEventListener("click", () => location.reload());

  // The language links keep the open card (#id) of the desk.
  for (const a of document.querySelectorAll(".langs a[hreflang]")) {
    a.addEventListener("click", () => { if (location.hash) a.hash = location.hash; });
  }

  return {
    el, api, ApiError, events, readerStrip, csrf,
    lang, t, tn, bdi, ltr,
    reasonText, roleText, statusInfo, directionText, wayText, countryName, languageName,
    fmtNum, fmtPct, fmtTime, fmtSeconds, fmtDateTime, clock,
  };
})();
