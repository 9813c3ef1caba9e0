// Room-door screen: the room, the session held in it now and its seats
// left, kept live (GET /api/rooms/{name}, `room` events, a refresh every
// minute and when the schedule changes); each tap at this room's doors
// shows its result (welcome, goodbye, or why not and where to go
// instead), then the screen returns to the room. Taps elsewhere are
// ignored. Reconnects its event stream by itself; everything it shows is
// replaced, never appended to. Text only ever goes in through textContent.
"use strict";
(function () {
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const SHOW_ACCEPTED_MS = 6000; // as the entrance
  const SHOW_REJECTED_MS = 9000;
  const REFRESH_MS = 60 * 1000; // the session now changes with the time
  const FETCH_TIMEOUT_MS = 15 * 1000;
  const MIN_FIT = 0.4; // the result's big type never below this share
  // Reasons a room door adds: the way on is another room or session,
  // not the registration desk.
  const DOOR_REASONS = ["no_session_now", "not_in_session_groups", "room_full"];

  function t(key, lang, vars) {
    const cat = cfg.catalogs[lang] || cfg.catalogs[cfg.lang] || cfg.catalogs.en;
    let s = cat[key] || cfg.catalogs.en[key] || key;
    for (const k in vars || {}) s = s.split("{" + k + "}").join(vars[k]);
    return s;
  }
  // seatsText says how many seats are left, in the language's plural form.
  function seatsText(n, lang) {
    const form = new Intl.PluralRules(lang).select(n);
    const key = cfg.catalogs.en["seats.left." + form] ? "seats.left." + form : "seats.left.other";
    return t(key, lang, { n: String(n) });
  }

  // The kiosk's clock (clock.js), never the screen box's own.
  const clock = window.KioskClock(cfg.now, cfg.timezone);
  // 24-hour times in the meeting's zone, in Latin digits like the seats.
  const timeFmt = new Intl.DateTimeFormat(cfg.lang, { timeZone: cfg.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23", numberingSystem: "latn" });
  const fmtTime = (ms) => timeFmt.format(ms);
  const span = (s) => fmtTime(Date.parse(s.start)) + "–" + fmtTime(Date.parse(s.end));
  function tick() { $("clock").textContent = fmtTime(clock.now()); }
  tick();
  setInterval(tick, 1000);

  // --- The room, idle ---------------------------------------------------
  let status = cfg.status;
  function renderRoom() {
    const st = status;
    const s = st.session;
    const now = $("now");
    if (s) {
      now.className = "now";
      $("now-label").textContent = t(clock.now() < Date.parse(s.start) ? "door.next" : "door.now", cfg.lang);
      $("now-time").textContent = span(s);
      $("now-title").textContent = s.title;
    } else if (st.next) {
      now.className = "now";
      $("now-label").textContent = t("door.next", cfg.lang);
      $("now-time").textContent = span(st.next);
      $("now-title").textContent = st.next.title;
    } else {
      now.className = "now none";
      $("now-label").textContent = t("door.no_more", cfg.lang);
      $("now-time").textContent = "";
      $("now-title").textContent = "";
    }
    // Seats only for a room with a capacity.
    const seats = $("seats");
    seats.hidden = st.seats_left == null;
    if (st.seats_left != null) {
      seats.className = st.full ? "seats full" : "seats";
      $("seats-mark").textContent = st.full ? "✕" : "";
      $("seats-text").textContent = st.full ? t("seats.full", cfg.lang) : seatsText(st.seats_left, cfg.lang);
      $("overflow").textContent = st.full && st.overflow ? t("door.overflow", cfg.lang, { room: st.overflow }) : "";
    }
  }

  // --- A tap's result -----------------------------------------------------
  let idleTimer = null;
  function showIdle() {
    clearTimeout(idleTimer);
    document.documentElement.lang = cfg.lang;
    document.documentElement.dir = cfg.dir;
    document.body.className = "idle";
    $("result").hidden = true;
    $("idle").hidden = false;
    renderRoom();
  }

  function sessionRow(s, lang, withRoom) {
    const li = document.createElement("li");
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = span(s);
    const what = document.createElement("span");
    what.className = "what";
    const title = document.createElement("span");
    title.className = "title";
    title.dir = "auto";
    title.textContent = s.title;
    what.append(title);
    const room = document.createElement("span");
    room.className = "room";
    room.dir = "auto";
    room.textContent = withRoom ? s.room : "";
    li.append(time, what, room);
    return li;
  }

  function showSession(heading, s, withRoom, lang) {
    $("sessions").hidden = !s;
    $("session-list").replaceChildren();
    if (!s) return;
    $("sessions-title").textContent = t(heading, lang);
    $("session-list").append(sessionRow(s, lang, withRoom));
  }

  function show(res) {
    clock.sync(res.at);
    // A delegate's own language when the screen has it, else the screen's.
    const lang = res.language && cfg.catalogs[res.language] ? res.language : cfg.lang;
    const ok = res.result === "accepted";
    const out = res.direction === "out";
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
    const instead = res.instead || {};
    if (ok) {
      $("headline").textContent = t(out ? "entrance.goodbye" : "entrance.welcome_first", lang);
      $("action").textContent = "";
      $("where").textContent = "";
      showSession("door.your_session", out ? null : res.session, false, lang);
    } else {
      $("headline").textContent = t("reason." + res.reason, lang);
      let action = "";
      if (instead.overflow) action = t("door.go_overflow", lang);
      else if (!DOOR_REASONS.includes(res.reason)) action = t("entrance.go_desk", lang);
      $("action").textContent = action;
      $("where").textContent = instead.overflow || "";
      showSession("door.your_next", instead.next || null, true, lang);
    }
    window.FitPanel($("result"), MIN_FIT);
    clearTimeout(idleTimer);
    // A duration, not a time of day: the browser's clock may be wrong.
    idleTimer = setTimeout(showIdle, ok ? SHOW_ACCEPTED_MS : SHOW_REJECTED_MS);
  }
  window.addEventListener("resize", () => window.FitPanel($("result"), MIN_FIT));

  // --- Data: the room's status, kept live ---------------------------------
  const problems = { stream: false, store: "", readers: {} }; // readers: this room's, by name, when not working
  function renderStatus() {
    document.documentElement.classList.toggle("out-of-order", problems.store !== "");
    $("prompt").textContent = t(problems.store !== "" ? "door.closed" : "entrance.tap", cfg.lang);
    const lines = [];
    if (problems.store !== "") lines.push(t("entrance.not_saving", cfg.lang) + " (" + problems.store + ")");
    if (problems.stream) lines.push(t("entrance.offline", cfg.lang));
    for (const [reader, why] of Object.entries(problems.readers)) lines.push(t("entrance.reader_down", cfg.lang) + ": " + reader + " (" + why + ")");
    $("status").textContent = lines.join(" · ");
    $("status").hidden = lines.length === 0;
    window.FitPanel($("result"), MIN_FIT); // the strip takes room from the result
  }

  function apply(st) {
    if (!st || st.name !== cfg.room) return;
    status = st;
    renderRoom(); // also under a tap's result: the room is up to date when it returns
  }

  // A `room` event that comes while the room is being fetched is newer
  // than the answer may be: the answer is then dropped.
  let inflight = false, again = false, newer = false;
  async function refresh() {
    if (inflight) { again = true; return; }
    inflight = true;
    newer = false;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
    try {
      const r = await fetch("/api/rooms/" + encodeURIComponent(cfg.room), { cache: "no-store", signal: ctl.signal });
      const st = r.ok ? await r.json() : null;
      if (st && !newer) apply(st);
    } catch (e) {
      // Keep what is shown; the next refresh or event brings it up to date.
    } finally {
      clearTimeout(timer);
      inflight = false;
      if (again) { again = false; refresh(); }
    }
  }
  setInterval(refresh, REFRESH_MS);

  let es = null, retry = 1000, retryTimer = null;
  function connect() {
    es = new EventSource("/api/events");
    es.onopen = () => {
      retry = 1000;
      problems.stream = false;
      renderStatus();
      refresh(); // whatever changed while we were away
    };
    es.addEventListener("tap", (e) => {
      const res = JSON.parse(e.data);
      if (res.room !== cfg.room) return; // the entrance's, another room's, or the desk's
      show(res);
    });
    es.addEventListener("room", (e) => {
      const st = JSON.parse(e.data);
      if (st.name !== cfg.room) return;
      newer = true;
      apply(st);
    });
    es.addEventListener("schedule", () => refresh());
    es.addEventListener("reader", (e) => {
      const st = JSON.parse(e.data);
      if (st.role !== "room" || st.room !== cfg.room) return; // another room's or the entrance's
      // Serial readers are "open" when working, OSDP readers "online".
      const up = st.state === "open" || st.state === "online";
      const alarms = [st.tamper ? t("entrance.reader_tamper", cfg.lang) : "", st.power_failure ? t("entrance.reader_power", cfg.lang) : ""].filter(Boolean);
      if (up && !alarms.length) delete problems.readers[st.reader];
      else problems.readers[st.reader] = up ? alarms.join(", ") : st.state + (st.last_error ? ": " + st.last_error : "");
      renderStatus();
    });
    es.addEventListener("store", (e) => {
      const st = JSON.parse(e.data);
      problems.store = st.ok ? "" : (st.reason || "?");
      if (!st.ok) showIdle(); // no tap goes through now: say so at once
      renderStatus();
    });
    es.onerror = () => {
      problems.stream = true;
      renderStatus();
      // The browser retries by itself unless the stream was refused.
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        clearTimeout(retryTimer);
        retryTimer = setTimeout(connect, retry);
        retry = Math.min(retry * 2, 15000);
      }
    };
  }
  connect();
  renderRoom();
})();
