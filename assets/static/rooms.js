// Staff page of the rooms: people inside each room against its capacity,
// the session now, live from `room` events; a count can be reset (after
// an evacuation), asked twice because it changes every kiosk's count.
(function () {
  "use strict";
  const S = window.Staff;
  const { el, t } = S;
  const body = document.getElementById("rooms");
  const empty = document.getElementById("rooms-empty");
  const updated = document.getElementById("rooms-updated");
  const flash = document.getElementById("rooms-flash");
  const rooms = new Map(); // by name, in the order GET /api/rooms gave

  function state(r) {
    if (!r.capacity) return { text: t("rooms.no_limit"), cls: "" };
    if (r.full) return { text: t("rooms.full"), cls: "no" };
    return { text: r.seats_left === 1 ? t("rooms.seat_left") : t("rooms.seats_left", { n: S.fmtNum(r.seats_left) }), cls: "ok" };
  }

  function sessionText(r) {
    if (r.session) return r.session.title + " · " + S.fmtTime(r.session.start) + "–" + S.fmtTime(r.session.end);
    if (r.next) return t("rooms.next", { title: r.next.title, time: S.fmtTime(r.next.start) });
    return t("rooms.no_session");
  }

  function row(r) {
    const st = state(r);
    const reset = el("button", { type: "button", class: "btn", "data-testid": "reset", text: t("rooms.reset") });
    reset.disabled = r.inside === 0;
    reset.addEventListener("click", () => resetRoom(r.name));
    return el("tr", { "data-room": r.name },
      el("th", { scope: "row", dir: "auto", text: r.name }),
      el("td", { dir: "auto", text: sessionText(r) }),
      el("td", { class: "n", "data-testid": "inside", text: S.fmtNum(r.inside) }),
      el("td", { class: "n", text: r.capacity ? S.fmtNum(r.capacity) : "—" }),
      el("td", { class: "state " + st.cls, "data-testid": "state", text: st.text }),
      el("td", {}, reset));
  }

  function render() {
    body.replaceChildren(...[...rooms.values()].map(row));
    empty.hidden = rooms.size > 0;
    updated.textContent = t("dash.updated", { time: S.fmtTime(new Date(S.clock.now()).toISOString()) });
  }

  async function load() {
    try {
      const data = await S.api("GET", "/api/rooms");
      rooms.clear();
      for (const r of data.rooms) rooms.set(r.name, r);
      render();
    } catch (e) {
      updated.textContent = t("dash.not_updated", { error: e.message });
    }
  }

  async function resetRoom(name) {
    const r = rooms.get(name);
    if (!window.confirm(t("rooms.reset_confirm", { room: name, n: r ? r.inside : 0 }))) return;
    try {
      const st = await S.api("POST", "/api/rooms/" + encodeURIComponent(name) + "/reset");
      rooms.set(st.name, st);
      render();
      flash.className = "flash ok";
      flash.textContent = t("rooms.reset_done", { room: name });
    } catch (e) {
      flash.className = "flash no";
      flash.textContent = e.message;
    }
    flash.hidden = false;
  }

  S.events({
    room(r) { if (r && r.name) { rooms.set(r.name, r); render(); } },
    schedule() { load(); },
  }, load);
  // The session now changes with the time, not only with events.
  setInterval(load, 60000);
})();
