// Entrance screen: shows each tap's result, then returns to the idle
// prompt. Reconnects its event stream by itself. Text only ever goes in
// through textContent.
"use strict";
(function () {
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const SHOW_ACCEPTED_MS = 6000;
  const SHOW_REJECTED_MS = 9000;
  // At most this many session lines; beyond, the last line counts the rest.
  const MAX_ROWS = 6;
  // The welcome shrinks to fit the screen, but never below this share of
  // its full size: type read from two metres must stay large.
  const MIN_FIT = 0.4;
  let idleTimer = null;

  function t(key, lang) {
    const cat = cfg.catalogs[lang] || cfg.catalogs[cfg.lang] || cfg.catalogs.en;
    return cat[key] || cfg.catalogs.en[key] || key;
  }

  // The kiosk's clock (clock.js), never the screen box's own.
  const clock = window.KioskClock(cfg.now, cfg.timezone);
  // 24-hour times in the meeting's zone, whatever the browser's settings.
  const timeOpts = { timeZone: cfg.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const clockFmt = new Intl.DateTimeFormat(cfg.lang, timeOpts);
  function tick() { $("clock").textContent = clockFmt.format(clock.now()); }
  tick();
  setInterval(tick, 1000);

  function fmtTime(iso) {
    return clockFmt.format(new Date(iso));
  }

  function showIdle() {
    document.body.className = "idle";
    $("result").hidden = true;
    $("idle").hidden = false;
  }

  function show(res) {
    clock.sync(res.at);
    // A delegate's own language when the screen has it, else the screen's.
    const lang = res.language && cfg.catalogs[res.language] ? res.language : cfg.lang;
    const ok = res.result === "accepted";
    document.body.className = ok ? "accepted" : "rejected";
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
    $("idle").hidden = true;
    $("result").hidden = false;
    $("mark").textContent = ok ? "✓" : "✕";
    const d = res.delegate;
    $("name").textContent = d ? d.name : "";
    $("org-name").textContent = d && d.organization ? d.organization : "";
    $("role").textContent = d && d.role ? t("role." + d.role, lang) : "";
    if (ok) {
      const key = res.direction === "out" ? "entrance.goodbye" : res.first_today ? "entrance.welcome_first" : "entrance.welcome_back";
      $("headline").textContent = t(key, lang);
      $("action").textContent = "";
      renderSessions(res.sessions || [], lang, res.direction !== "out", Date.parse(res.at) || clock.now());
    } else {
      $("headline").textContent = t("reason." + res.reason, lang);
      $("action").textContent = t("entrance.go_desk", lang);
      $("sessions").hidden = true;
    }
    fit();
    clearTimeout(idleTimer);
    // A duration, not a time of day: the browser's clock may be wrong.
    idleTimer = setTimeout(() => {
      document.documentElement.lang = cfg.lang;
      document.documentElement.dir = cfg.dir;
      showIdle();
    }, ok ? SHOW_ACCEPTED_MS : SHOW_REJECTED_MS);
  }

  // renderSessions lists the sessions still ahead of (or running at) the
  // tap's moment on the kiosk's clock.
  function renderSessions(sessions, lang, wanted, at) {
    const list = $("session-list");
    list.replaceChildren();
    if (!wanted) { $("sessions").hidden = true; return; }
    $("sessions").hidden = false;
    $("sessions-title").textContent = t(sessions.length ? "entrance.sessions_today" : "entrance.no_sessions", lang);
    // Show what is still ahead (or running), at most MAX_ROWS lines: the
    // last one counts the rest when there are more.
    const ahead = sessions.filter((s) => Date.parse(s.end) > at);
    const shown = ahead.length > MAX_ROWS ? ahead.slice(0, MAX_ROWS - 1) : ahead;
    shown.forEach((s) => {
      const li = document.createElement("li");
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = fmtTime(s.start) + "–" + fmtTime(s.end);
      const what = document.createElement("span");
      what.className = "what";
      const title = document.createElement("span");
      title.className = "title";
      title.dir = "auto"; // an ellipsis at the title's own end
      title.textContent = s.title;
      what.append(title);
      if (s.status === "cancelled") {
        li.className = "cancelled";
        const state = document.createElement("span");
        state.className = "state";
        state.textContent = t("entrance.cancelled_session", lang);
        what.append(state);
      }
      const room = document.createElement("span");
      room.className = "room";
      room.dir = "auto";
      room.textContent = s.room;
      li.append(time, what, room);
      list.append(li);
    });
    if (shown.length < ahead.length) {
      const li = document.createElement("li");
      li.className = "more";
      li.textContent = t("entrance.more_sessions", lang).replace("{n}", String(ahead.length - shown.length));
      list.append(li);
    }
  }

  // fit makes the result fit the screen (fit.js), its big type never
  // below MIN_FIT of its full size.
  function fit() { window.FitPanel($("result"), MIN_FIT); }
  window.addEventListener("resize", fit);

  // Staff-facing status strip: hidden while all is well. When every
  // entrance reader is down, or taps cannot be saved (the `store` event:
  // disk full, read-only, I/O errors), the prompt itself stops inviting
  // taps and sends people to the desk.
  const problems = { stream: false, registry: false, readers: {}, alarms: {}, store: "", wedge: "" };
  const entranceReaders = {};
  function renderStatus() {
    const names = Object.keys(entranceReaders);
    const allDown = names.length > 0 && names.every((n) => !entranceReaders[n]);
    const outOfOrder = allDown || problems.store !== "";
    document.documentElement.classList.toggle("out-of-order", outOfOrder);
    const prompt = problems.store !== "" ? "entrance.closed" : allDown ? "entrance.out_of_order" : "entrance.tap";
    $("prompt").textContent = t(prompt, cfg.lang);
    $("hint").textContent = t(outOfOrder ? "entrance.go_desk" : "entrance.tap_hint", cfg.lang);
    const lines = [];
    if (problems.store !== "") lines.push(t("entrance.not_saving", cfg.lang) + " (" + problems.store + ")");
    if (problems.stream) lines.push(t("entrance.offline", cfg.lang));
    if (problems.registry) lines.push(t("entrance.registry_offline", cfg.lang));
    for (const [name, st] of Object.entries(problems.readers)) {
      lines.push(t("entrance.reader_down", cfg.lang) + ": " + name + " (" + st + ")");
    }
    for (const [name, what] of Object.entries(problems.alarms)) {
      lines.push(t("entrance.reader_alarm", cfg.lang) + ": " + name + " (" + what + ")");
    }
    if (problems.wedge !== "") lines.push(t("entrance.wedge_failed", cfg.lang) + " (" + problems.wedge + ")");
    $("status").textContent = lines.join(" · ");
    $("status").hidden = lines.length === 0;
    fit(); // the strip takes room from the result
  }

  let es = null;
  let retry = 1000;
  function connect() {
    es = new EventSource("/api/events");
    es.onopen = () => { retry = 1000; problems.stream = false; renderStatus(); };
    es.addEventListener("tap", (e) => {
      const res = JSON.parse(e.data);
      if (res.role === "desk") return; // desk reader taps are for the desk
      if (res.room) return; // room doors have screens of their own (/door)
      show(res);
    });
    es.addEventListener("reader", (e) => {
      const st = JSON.parse(e.data);
      // Serial readers are "open" when working, OSDP readers "online".
      const up = st.state === "open" || st.state === "online";
      if (st.role !== "desk" && st.role !== "room") entranceReaders[st.reader] = up;
      if (up) delete problems.readers[st.reader];
      else problems.readers[st.reader] = st.state + (st.last_error ? ": " + st.last_error : "");
      // An OSDP reader may work and still report its tamper switch or a
      // power failure: staff should look at it.
      const alarms = [st.tamper ? t("entrance.reader_tamper", cfg.lang) : "", st.power_failure ? t("entrance.reader_power", cfg.lang) : ""].filter(Boolean);
      if (alarms.length) problems.alarms[st.reader] = alarms.join(", ");
      else delete problems.alarms[st.reader];
      renderStatus();
    });
    es.addEventListener("store", (e) => {
      const st = JSON.parse(e.data);
      problems.store = st.ok ? "" : (st.reason || "?");
      if (!st.ok) showIdle(); // no tap goes through now: say so at once
      renderStatus();
    });
    es.addEventListener("registry", (e) => {
      const st = JSON.parse(e.data);
      problems.registry = st.configured && !st.reachable;
      renderStatus();
    });
    es.onerror = () => {
      problems.stream = true;
      renderStatus();
      // The browser retries by itself unless the stream was refused.
      if (es.readyState === EventSource.CLOSED) {
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 15000);
      }
    };
  }
  connect();

  // Keyboard-wedge readers (wedge.js): a card number typed at reader speed
  // is a tap, sent as any reader's; its result comes back on the stream.
  // /?wedge=dec for readers that type the decimal card number.
  window.KeyboardWedge({
    mode: new URLSearchParams(location.search).get("wedge") === "dec" ? "dec" : "hex",
    onCard: (uid) => {
      fetch("/api/taps", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ uid: uid, source: "keyboard" }),
      }).then((r) => r.ok ? "" : String(r.status), (err) => err.message).then((problem) => {
        if (problem === problems.wedge) return;
        problems.wedge = problem;
        renderStatus();
      });
    },
  });

  // Demo panel (only on ?demo=1): taps through the simulated reader.
  document.querySelectorAll(".demo button").forEach((b) => {
    b.addEventListener("click", () => demoTap(b.dataset.kind));
  });
  function demoTap(kind) {
    return fetch("/api/demo/tap", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kind: kind }),
    });
  }
  const auto = $("demo-auto");
  if (auto) {
    const kinds = ["random", "random", "random", "random", "unknown", "random", "cancelled", "random", "not_valid_today"];
    let i = 0;
    setInterval(() => { if (auto.checked) demoTap(kinds[i++ % kinds.length]); }, 5000);
  }
})();
