// Lobby screen: the day's sessions by time, the running ones highlighted,
// live for hours with nobody watching. The server renders the first
// board; this script keeps it true: it refetches /api/schedule when the
// event stream says the schedule changed (and every 5 minutes), recomputes
// Now/Next every 15 s, turns pages every 12 s, rolls over at midnight and
// keeps the last good data through network loss. Beside each room's
// session now (or next) it shows the seats left or "Full" for rooms with
// a capacity, from /api/rooms (every minute) and `room` events. Everything it builds is
// replaced, never appended to, so nothing grows. Text only ever goes in
// through textContent.
"use strict";
(function () {
  const NOW_GRACE_MS = 25 * 60 * 1000; // kiosk/web/lobby.go lobbyNowGrace
  const PAGE_MS = 12 * 1000;
  const RECOMPUTE_MS = 15 * 1000;
  const REFETCH_MS = 5 * 60 * 1000;
  const FETCH_TIMEOUT_MS = 15 * 1000;
  const RETRY_MS = 20 * 1000;
  const ROOMS_MS = 60 * 1000;
  // Seats are shown from counts at most this old: better none than wrong.
  const ROOMS_STALE_MS = 3 * 60 * 1000;

  const $ = (id) => document.getElementById(id);
  const cfg = JSON.parse($("config").textContent);
  const M = cfg.messages || {};
  function t(key, vars) {
    let s = M[key] || key;
    for (const k in vars || {}) s = s.split("{" + k + "}").join(vars[k]);
    return s;
  }

  // The kiosk's clock, not the TV's: TVs are often wrong. ?at= freezes it.
  const kclock = window.KioskClock(cfg.now, cfg.timezone);
  const now = () => (cfg.at != null ? cfg.at : kclock.now());

  const zone = { timeZone: cfg.timezone };
  const clockFmt = new Intl.DateTimeFormat("en-GB", Object.assign({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, zone));
  const localDate = (ms) => kclock.date(ms);
  function dateLabel(date) {
    const [y, m, d] = date.split("-").map(Number);
    const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    return t("lobby.date", {
      weekday: t("lobby.weekday." + wd),
      day: d === 1 ? t("lobby.day_one") : String(d),
      month: t("lobby.month." + m),
      year: String(y),
    });
  }

  let date = cfg.date;
  let sessions = cfg.schedule.sessions || [];
  // Rooms seen in earlier fetches, to mark a session whose room changed.
  let rooms = new Map(sessions.map((s) => [s.id, s.room]));
  // id → previous room: from the kiosk (moved_from), or seen between fetches.
  let moved = new Map(sessions.filter((s) => s.moved_from).map((s) => [s.id, s.moved_from]));
  // Room name → its status as /api/rooms gives it. Counts are of now: a
  // preview of another moment (?at=) shows none, nor does a kiosk
  // without room data (rooms null).
  const liveRooms = cfg.rooms != null && cfg.at == null;
  let occupancy = new Map((cfg.rooms || []).map((r) => [r.name, r]));
  let occupancyAt = kclock.now(); // when occupancy was last read whole

  // --- What to show: the same rules as kiosk/web/lobby.go ---------------
  function classify(list, at, today) {
    if (!today) return list.map(() => "day");
    let latest = -Infinity, next = Infinity;
    for (const s of list) {
      if (s.status === "cancelled") continue;
      const st = Date.parse(s.start), en = Date.parse(s.end);
      if (st <= at && at < en) latest = Math.max(latest, st);
      else if (st > at) next = Math.min(next, st);
    }
    return list.map((s) => {
      const st = Date.parse(s.start), en = Date.parse(s.end);
      if (en <= at) return "past";
      if (st <= at) return st === latest || at - st < NOW_GRACE_MS ? "now" : "running";
      return st === next ? "next" : "later";
    });
  }

  // seatsText says how many seats are left, in the language's plural form.
  function seatsText(n) {
    const form = new Intl.PluralRules(cfg.lang).select(n);
    return t(M["seats.left." + form] ? "seats.left." + form : "seats.left.other", { n: String(n) });
  }

  // seatChips: for each room with a capacity, the chip with its seats
  // left (or Full) for its session now, else its next one: session id →
  // [room, chip]. Only on today's board and from fresh counts.
  function seatChips(today) {
    const out = new Map();
    if (!liveRooms || !today || kclock.now() - occupancyAt > ROOMS_STALE_MS) return out;
    for (const r of occupancy.values()) {
      const s = r.session || r.next;
      if (r.seats_left == null || !s) continue;
      out.set(s.id, [r.name, r.full ? ["full", t("seats.full")] : ["seats", seatsText(r.seats_left)]]);
    }
    return out;
  }

  function model() {
    const at = now();
    const today = date === localDate(at);
    const b = (cfg.building || "").toLowerCase();
    const list = b ? sessions.filter((s) => (s.building || "").trim().toLowerCase() === b) : sessions;
    const states = classify(list, at, today);
    const seats = seatChips(today);
    const secs = { now: [], next: [], later: [], day: [] };
    list.forEach((s, i) => {
      const st = states[i];
      if (st === "past") return;
      const chips = [];
      let cls = "row " + st;
      if (s.status === "cancelled") {
        cls += " cancelled";
        chips.push(["cancelled", t("lobby.cancelled")]);
      } else if (st === "running") {
        chips.push(["running", t("lobby.in_progress")]);
      }
      const was = moved.get(s.id);
      if (was) {
        cls += " moved";
        chips.push(["moved", t("lobby.room_changed")]);
      }
      const seat = seats.get(s.id);
      if (seat && seat[0] === s.room && s.status !== "cancelled") chips.push(seat[1]);
      secs[st === "running" ? "now" : st].push({
        id: s.id, cls: cls, chips: chips, was: was || "",
        time: s.start.slice(11, 16) + "–" + s.end.slice(11, 16),
        room: s.room, building: s.building || "",
        groups: groupsNotInTitle(s.groups || [], s.title).join(" · "), title: s.title,
      });
    });
    const sections = ["now", "next", "later", "day"].filter((k) => secs[k].length).map((k) => ({
      key: k, title: t(k === "day" ? "lobby.schedule" : "lobby." + k), rows: secs[k],
    }));
    let empty = "";
    if (!sections.length) empty = t(!today ? "lobby.no_meetings_day" : list.length ? "lobby.all_ended" : "lobby.no_meetings");
    return { date: date, today: today, sections: sections, empty: empty };
  }

  // The groups to show before a title: those it does not already begin
  // with ("Q3/12: Speech…" with group Q3/12 is not "Q3/12 Q3/12: Speech…").
  // The same rule as groupsNotInTitle in lobby.go.
  function groupsNotInTitle(groups, title) {
    const lower = String(title || "").toLowerCase();
    return groups.filter((g) => {
      const w = String(g).toLowerCase();
      if (!w || !lower.startsWith(w)) return true;
      const next = lower.slice(w.length, w.length + 1);
      return next !== "" && /[\p{L}\p{N}\/-]/u.test(next);
    });
  }

  // --- DOM: the markup of templates/lobby.html --------------------------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function ico(name) {
    const i = el("span", "ico ico-" + name);
    i.setAttribute("aria-hidden", "true");
    return i;
  }
  function rowEl(r) {
    const li = el("li", r.cls);
    li.dataset.id = r.id;
    const time = el("span", "time", r.time);
    time.dir = "ltr";
    const room = el("span", "room");
    room.append(el("bdi", "room-name", r.room));
    if (r.building) room.append(el("span", "bldg", r.building));
    if (r.was) room.append(el("s", "old-room", r.was));
    const what = el("span", "what");
    if (r.groups) {
      const g = el("bdi", "groups", r.groups);
      g.dir = "ltr";
      what.append(g, " ");
    }
    what.append(el("bdi", "title", r.title));
    li.append(time, room, what);
    if (r.chips.length) {
      const chips = el("span", "chips");
      for (const [cls, text] of r.chips) {
        const c = el("span", "chip " + cls);
        c.append(ico(cls), text);
        chips.append(c);
      }
      li.append(chips);
    }
    return li;
  }
  function sectionEl(s, cont) {
    const sec = el("section", "sec sec-" + s.key);
    const h = el("h2", "sec-h");
    h.append(ico(s.key), el("span", null, s.title));
    if (cont) h.append(el("span", "cont", t("lobby.continued")));
    sec.append(h, el("ol", "rows"));
    return sec;
  }

  // --- Pages: fill each to the board's height, never scroll -------------
  const board = $("board");
  let pages = [];
  let pageIdx = 0;
  let lastKey = "";

  function render(force) {
    const m = model();
    const key = JSON.stringify([m, board.clientWidth, board.clientHeight]);
    if (!force && key === lastKey) return;
    lastKey = key;
    $("date").textContent = dateLabel(m.date);
    $("title").textContent = t(m.today ? "lobby.title" : "lobby.title_day");
    pages = [];
    if (!m.sections.length) {
      board.replaceChildren(el("p", "empty", m.empty));
      showPage(0);
      return;
    }
    board.replaceChildren();
    const limit = board.clientHeight;
    let page = null;
    const newPage = () => {
      if (page) page.hidden = true;
      page = el("div", "page");
      board.append(page);
      pages.push(page);
    };
    newPage();
    for (const s of m.sections) {
      let sec = sectionEl(s, false), list = sec.lastChild, placed = 0;
      page.append(sec);
      for (const r of s.rows) {
        const li = rowEl(r);
        list.append(li);
        const alone = list.childElementCount === 1 && page.childElementCount === 1;
        if (page.offsetHeight > limit && !alone) {
          li.remove();
          if (!list.childElementCount) sec.remove();
          newPage();
          sec = sectionEl(s, placed > 0);
          list = sec.lastChild;
          page.append(sec);
          list.append(li);
        }
        placed++;
      }
    }
    showPage(Math.min(pageIdx, pages.length - 1));
  }

  const pager = $("pager");
  function showPage(i) {
    pageIdx = Math.max(0, i);
    pages.forEach((p, j) => { p.hidden = j !== pageIdx; });
    if (pages.length < 2) { pager.replaceChildren(); return; }
    const dots = pages.map((_, j) => el("span", j === pageIdx ? "dot on" : "dot"));
    const n = el("span", "n", (pageIdx + 1) + " / " + pages.length);
    n.dir = "ltr";
    pager.replaceChildren(n, ...dots);
    pager.setAttribute("aria-label", t("lobby.page", { n: pageIdx + 1, total: pages.length }));
  }
  function turn(step) {
    if (pages.length < 2) return;
    showPage((pageIdx + step + pages.length) % pages.length);
    pages.forEach((p, j) => p.classList.toggle("turn", j === pageIdx));
  }
  let pageTimer = setInterval(() => turn(1), PAGE_MS);
  // Staff previewing at a desk can turn pages by hand (Page Down/Up).
  document.addEventListener("keydown", (e) => {
    const step = { PageDown: 1, PageUp: -1, " ": 1 }[e.key];
    if (!step) return;
    e.preventDefault();
    turn(step);
    clearInterval(pageTimer);
    pageTimer = setInterval(() => turn(1), PAGE_MS);
  });
  setInterval(() => render(false), RECOMPUTE_MS);
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => render(true), 200);
  });

  // --- Data: fetch the day, keep the last good answer --------------------
  const problems = { stream: false, fetch: false };
  function renderOffline() { $("offline").hidden = !(problems.stream || problems.fetch); }

  function apply(body) {
    const next = body.sessions || [];
    const seen = new Map();
    const nextMoved = new Map();
    for (const s of next) {
      const before = rooms.get(s.id);
      // The kiosk marks a session an import moved (moved_from); a move seen
      // between two fetches is marked too, for kiosks that cannot tell.
      const was = s.moved_from || moved.get(s.id) || (before != null && before !== s.room ? before : "");
      if (was && was !== s.room) nextMoved.set(s.id, was);
      seen.set(s.id, s.room);
    }
    sessions = next;
    rooms = seen;
    moved = nextMoved;
    render(false);
  }

  let inflight = false, again = false, retryTimer = null;
  async function refresh() {
    if (inflight) { again = true; return; }
    inflight = true;
    clearTimeout(retryTimer);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
    const want = date;
    try {
      const r = await fetch("/api/schedule?date=" + encodeURIComponent(want), { cache: "no-store", signal: ctl.signal });
      if (!r.ok) throw new Error("HTTP " + r.status);
      const body = await r.json();
      if (cfg.at == null && body.now) kclock.sync(body.now);
      if (want === date) apply(body);
      problems.fetch = false;
    } catch (e) {
      problems.fetch = true;
      retryTimer = setTimeout(refresh, RETRY_MS);
    } finally {
      clearTimeout(timer);
      inflight = false;
      renderOffline();
      if (again) { again = false; refresh(); }
    }
  }
  setInterval(refresh, REFETCH_MS);

  // Rooms: the whole list every minute (the session now changes with the
  // time), one room at a time from `room` events in between.
  // A `room` event that comes while the list is being fetched is newer
  // than the list may be: it is kept over the list's entry.
  let roomsInflight = false, touched = new Set();
  async function refreshRooms() {
    if (!liveRooms || roomsInflight) return;
    roomsInflight = true;
    touched = new Set();
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
    try {
      const r = await fetch("/api/rooms", { cache: "no-store", signal: ctl.signal });
      if (!r.ok) throw new Error("HTTP " + r.status);
      const body = await r.json();
      const fresh = new Map((body.rooms || []).map((x) => [x.name, x]));
      for (const name of touched) if (occupancy.has(name)) fresh.set(name, occupancy.get(name));
      occupancy = fresh;
      occupancyAt = kclock.now();
      render(false);
    } catch (e) {
      // Keep the last counts; they stop showing once stale.
    } finally {
      clearTimeout(timer);
      roomsInflight = false;
    }
  }
  if (liveRooms) setInterval(refreshRooms, ROOMS_MS);

  // The day turns over at local midnight (in the meeting's zone): a new
  // board, unless a day was asked for.
  function rollover() {
    if (cfg.pinned) return;
    const d = localDate(now());
    if (d === date) return;
    date = d;
    sessions = [];
    rooms = new Map();
    moved = new Map();
    render(true);
    refresh();
  }

  const clock = $("clock");
  function tick() {
    clock.textContent = clockFmt.format(now());
    rollover();
  }
  if (cfg.at == null) setInterval(tick, 1000);
  tick();

  // --- Live: the event stream says when the schedule changed -------------
  let es = null, esRetry = 1000, esTimer = null;
  function connect() {
    es = new EventSource("/api/events");
    es.onopen = () => {
      esRetry = 1000;
      problems.stream = false;
      renderOffline();
      refresh(); // whatever changed while we were away
      refreshRooms();
    };
    es.addEventListener("schedule", () => { refresh(); refreshRooms(); });
    es.addEventListener("room", (e) => {
      if (!liveRooms) return;
      const r = JSON.parse(e.data);
      occupancy.set(r.name, r);
      if (roomsInflight) touched.add(r.name);
      render(false);
    });
    es.onerror = () => {
      problems.stream = true;
      renderOffline();
      // The browser retries by itself unless the stream was refused.
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        clearTimeout(esTimer);
        esTimer = setTimeout(connect, esRetry);
        esRetry = Math.min(esRetry * 2, 30000);
      }
    };
  }
  connect();

  render(true);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => render(true));
})();
