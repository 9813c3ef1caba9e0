// Registration desk: find a delegate, open the card, bind a badge by
// tapping it on the desk reader, check in by hand, note, print, QR pass.
// Keyboard first. Names are untrusted: text goes in through textContent.
"use strict";
(function () {
  const S = window.Staff;
  const el = S.el;
  const t = S.t;
  const tn = S.tn;
  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;
  const LIMIT = 20;
  const DEBOUNCE_MS = 120;

  const q = $("q");
  const resultsEl = $("results");
  const state = {
    query: null,      // the query the shown results answer
    results: [],
    total: 0,
    sel: -1,
    ctrl: null,       // AbortController of the running search
    timer: null,
    openAfterSearch: false,
    card: null,       // GET /api/delegates/{id} answer
    cardId: null,
    cardCtrl: null,
    waiting: false,   // waiting for a badge tap to bind
    binding: false,
    busy: {},
  };

  // ---------------------------------------------------------------- search

  q.addEventListener("input", () => {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => search(false), DEBOUNCE_MS);
  });

  function resetResults(message) {
    if (state.ctrl) state.ctrl.abort();
    state.ctrl = null;
    state.query = null;
    state.results = [];
    state.total = 0;
    state.sel = -1;
    resultsEl.replaceChildren();
    $("total").textContent = "";
    $("more").hidden = true;
    $("results-empty").replaceChildren(message || t("desk.search_help"));
    $("results-empty").hidden = false;
    q.setAttribute("aria-expanded", "false");
    q.removeAttribute("aria-activedescendant");
  }

  async function search(more) {
    clearTimeout(state.timer);
    const text = q.value.trim();
    if (!text) { resetResults(); state.openAfterSearch = false; return; }
    let ctrl = state.ctrl;
    if (!more || !ctrl) {
      if (ctrl) ctrl.abort();
      ctrl = state.ctrl = new AbortController();
    }
    const offset = more ? state.results.length : 0;
    resultsEl.setAttribute("aria-busy", "true");
    let data;
    try {
      data = await S.api("GET", "/api/delegates?q=" + enc(text) + "&offset=" + offset + "&limit=" + LIMIT, undefined, { signal: ctrl.signal });
    } catch (e) {
      if (e.name === "AbortError") return;
      if (ctrl !== state.ctrl) return;
      resultsEl.removeAttribute("aria-busy");
      if (!more) resetResults();
      $("results-empty").replaceChildren(el("strong", { text: "✕ " + t("desk.search_failed") + " " }), e.message);
      $("results-empty").hidden = false;
      state.openAfterSearch = false;
      return;
    }
    if (ctrl !== state.ctrl) return; // a newer search has started
    resultsEl.removeAttribute("aria-busy");
    const rows = data.results || [];
    state.query = text;
    state.total = data.total || 0;
    state.results = more ? state.results.concat(rows) : rows;
    if (!more) state.sel = state.results.length ? 0 : -1;
    renderResults(more ? offset : 0);
    if (state.openAfterSearch) {
      state.openAfterSearch = false;
      if (state.sel >= 0) openSelected();
    }
  }

  function renderResults(from) {
    if (from === 0) resultsEl.replaceChildren();
    state.results.slice(from).forEach((r, k) => resultsEl.append(resultRow(r, from + k)));
    const n = state.total;
    $("total").textContent = t("desk.matches", { n: S.fmtNum(n) });
    const empty = $("results-empty");
    if (!state.results.length) {
      empty.replaceChildren(...tn("desk.no_match", { q: el("strong", { dir: "auto", text: state.query }) }));
      empty.hidden = false;
    } else {
      empty.hidden = true;
    }
    const rest = n - state.results.length;
    const more = $("more");
    more.hidden = rest <= 0;
    more.textContent = t("desk.more", { n: S.fmtNum(Math.min(rest, LIMIT)), shown: S.fmtNum(state.results.length), total: S.fmtNum(n) });
    q.setAttribute("aria-expanded", state.results.length ? "true" : "false");
    markSelected();
  }

  function resultRow(r, i) {
    const st = S.statusInfo(r.status);
    const cancelled = r.status === "cancelled";
    const country = r.country ? S.countryName(r.country, r.country_name) + " (" + r.country + ")" : r.country_name || "";
    const sub = [];
    if (r.organization) sub.push(el("bdi", { dir: "auto", text: r.organization }));
    if (country) sub.push(country);
    sub.push(S.roleText(r.role));
    sub.push(el("bdi", { class: "mono", dir: "ltr", text: r.id }));
    if (r.latin_name) sub.unshift(el("bdi", { dir: "ltr", "data-testid": "result-latin", text: r.latin_name }));
    const li = el("li", {
      id: "res-" + i, role: "option", class: "result" + (cancelled ? " cancelled" : "") + (r.id === state.cardId ? " open" : ""),
      "data-testid": "result", "data-id": r.id, "aria-selected": "false",
    },
    el("span", { class: "r-name", dir: "auto", text: r.name }),
    cancelled ? el("span", { class: "pill no", "data-testid": "result-cancelled" }, el("span", { "aria-hidden": "true", text: st.icon }), t("staff.status.cancelled")) : el("span"),
    el("span", { class: "r-sub" }, ...sub.flatMap((x, k) => (k ? [" · ", x] : [x]))));
    // Keep focus in the search box while the mouse picks a row.
    li.addEventListener("mousedown", (e) => e.preventDefault());
    li.addEventListener("click", () => { state.sel = i; markSelected(); openSelected(); });
    return li;
  }

  function markSelected() {
    const rows = resultsEl.children;
    for (let i = 0; i < rows.length; i++) rows[i].setAttribute("aria-selected", i === state.sel ? "true" : "false");
    const row = rows[state.sel];
    if (row) {
      q.setAttribute("aria-activedescendant", row.id);
      row.scrollIntoView({ block: "nearest" });
    } else {
      q.removeAttribute("aria-activedescendant");
    }
  }

  function openSelected() {
    const r = state.results[state.sel];
    if (r) { clearRefusals(); openCard(r.id, true); }
  }

  $("more").addEventListener("click", () => search(true));

  q.addEventListener("keydown", (e) => {
    if (e.isComposing) return;
    const stale = q.value.trim() !== (state.query || "");
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (state.sel < state.results.length - 1) { state.sel++; markSelected(); }
      else if (state.results.length < state.total) search(true);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (state.sel > 0) { state.sel--; markSelected(); }
    } else if (e.key === "PageDown") {
      e.preventDefault();
      state.sel = Math.min(state.results.length - 1, state.sel + 8); markSelected();
    } else if (e.key === "PageUp") {
      e.preventDefault();
      state.sel = Math.max(0, state.sel - 8); markSelected();
    } else if (e.key === "Enter") {
      e.preventDefault();
      // Typed fast and hit Enter before the results arrived: open the
      // first match as soon as they do.
      if (stale) { state.openAfterSearch = true; search(false); }
      else openSelected();
    }
  });

  function focusSearch(clear) {
    if (clear) {
      clearTimeout(state.timer);
      q.value = "";
      resetResults();
    }
    q.focus();
    if (!clear) q.select();
  }

  // ------------------------------------------------------------------ card

  async function openCard(id, focus) {
    const switching = id !== state.cardId;
    if (switching) {
      for (const b of document.querySelectorAll('[data-testid="toast-bind"]')) b.remove();
      stopWaiting();
      closeNote();
      closeCamera();
      flash("bind-status", null);
      flash("action-status", null);
    }
    state.cardId = id;
    if (state.cardCtrl) state.cardCtrl.abort();
    const ctrl = state.cardCtrl = new AbortController();
    $("card-col").setAttribute("aria-busy", "true");
    let data;
    try {
      data = await S.api("GET", "/api/delegates/" + enc(id), undefined, { signal: ctrl.signal });
    } catch (e) {
      if (e.name === "AbortError" || ctrl !== state.cardCtrl) return;
      $("card-col").removeAttribute("aria-busy");
      if (switching || e.status === 404) {
        state.card = null;
        state.cardId = null;
        $("card").hidden = true;
        $("card-empty").hidden = false;
      }
      const err = $("card-error");
      err.textContent = "✕ " + (e.status === 404 ? t("desk.err_no_delegate", { id: id }) : t("desk.err_open", { error: e.message }));
      err.hidden = false;
      return;
    }
    if (ctrl !== state.cardCtrl) return;
    $("card-col").removeAttribute("aria-busy");
    $("card-error").hidden = true;
    state.card = data;
    renderCard(data);
    for (const row of resultsEl.children) row.classList.toggle("open", row.dataset.id === id);
    if (focus) {
      $("card-col").scrollTop = 0;
      $("card-name").focus({ preventScroll: true });
    }
  }

  const refreshCard = () => (state.cardId ? openCard(state.cardId, false) : Promise.resolve());

  function pill(cls, icon, text, testid) {
    return el("span", { class: "pill " + cls, "data-testid": testid },
      el("span", { "aria-hidden": "true", text: icon }), text);
  }

  function renderCard(c) {
    const d = c.delegate;
    $("card-empty").hidden = true;
    $("card").hidden = false;
    $("card-name").textContent = d.name;
    $("card-family").textContent = d.family_name || "—";
    $("card-given").textContent = d.given_name || "—";
    $("card-id").textContent = d.id;
    $("card-org").textContent = d.organization || "";
    $("card-org").hidden = !d.organization;

    const st = S.statusInfo(d.status);
    $("card-pills").replaceChildren(
      pill(st.cls, st.icon, d.status === "cancelled" ? t("desk.pill_cancelled") : st.text, "status-pill"),
      c.valid_today ? pill("ok", "✓", t("desk.pill_valid"), "valid-pill") : pill("no", "✕", t("desk.pill_not_valid"), "valid-pill"),
      c.inside ? pill("info", "◉", t("desk.pill_inside"), "inside-pill") : pill("neutral", "○", t("desk.pill_outside"), "inside-pill"));
    // Why the gates will refuse this delegate, in words, above everything else.
    const alert = $("card-alert");
    if (d.status === "cancelled") {
      alert.replaceChildren(el("span", { class: "icon", "aria-hidden": "true", text: "✕" }),
        el("span", { text: t("desk.alert_cancelled") }));
      alert.hidden = false;
    } else if (!c.valid_today) {
      alert.replaceChildren(el("span", { class: "icon", "aria-hidden": "true", text: "✕" }),
        el("span", { text: t("desk.alert_not_valid") }),
        el("span", { class: "detail" }, ...tn("desk.valid_range", validityVars(d))));
      alert.hidden = false;
    } else {
      alert.hidden = true;
    }

    const note = d.note || "";
    $("note-text").textContent = note;
    $("note-banner").hidden = !note || !$("note-edit").hidden;

    const country = d.country ? S.countryName(d.country, d.country_name) + " (" + d.country + ")" : d.country_name || "—";
    const validity = d.valid_from || d.valid_to ? tn("desk.range", validityVars(d)) : [t("desk.whole_meeting")];
    const latin = [d.latin_given_name, d.latin_family_name].filter(Boolean).join(" ");
    const facts = [
      ...(latin ? [[t("desk.f_latin"), el("bdi", { dir: "ltr", "data-testid": "card-latin", text: latin })]] : []),
      [t("desk.f_country"), el("span", { dir: "auto", text: country })],
      [t("desk.f_role"), S.roleText(d.role)],
      [t("desk.f_status"), el("span", {}, st.icon + " " + st.text)],
      [t("desk.f_valid"), el("span", {}, ...validity, " ", c.valid_today
        ? el("span", { class: "res-ok nw", text: "(✓ " + t("desk.today_ok") + ")" })
        : el("span", { class: "res-no nw", text: "(✕ " + t("desk.today_no") + ")" }))],
      [t("desk.f_groups"), (d.groups && d.groups.length)
        ? el("span", { class: "tags" }, d.groups.map((g) => el("span", { class: "tag", dir: "auto", text: g })))
        : "—"],
      [t("desk.f_language"), d.language ? S.languageName(d.language) : "—"],
      [t("desk.f_email"), d.email ? el("bdi", { dir: "ltr", text: d.email }) : "—"],
    ];
    $("facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", {}, v)]));

    // Badges: active first, newest first.
    const badges = (c.badges || []).slice().sort((a, b) =>
      (a.revoked - b.revoked) || String(b.created).localeCompare(String(a.created)));
    const active = badges.filter((b) => !b.revoked).length;
    $("badges-count").textContent = badges.length
      ? "· " + t("desk.badges_active", { n: S.fmtNum(active) }) + (badges.length > active ? ", " + t("desk.badges_revoked", { n: S.fmtNum(badges.length - active) }) : "")
      : "";
    const list = $("badges");
    list.replaceChildren();
    if (!badges.length) {
      list.append(el("li", { class: "empty", text: t("desk.no_badges") }));
    }
    for (const b of badges) list.append(badgeRow(b));

    // Today's taps, newest first.
    const taps = (c.taps_today || []).slice().sort((a, b) => String(b.at).localeCompare(String(a.at)));
    $("taps-count").textContent = taps.length ? "· " + S.fmtNum(taps.length) : "";
    const tbody = $("taps");
    tbody.replaceChildren();
    if (!taps.length) {
      tbody.append(el("tr", {}, el("td", { colspan: "5", class: "muted", text: t("desk.no_taps") })));
    }
    for (const tap of taps) {
      const ok = tap.result === "accepted";
      tbody.append(el("tr", { "data-testid": "tap" },
        el("td", { class: "num", text: S.fmtTime(tap.at) }),
        el("td", { dir: "auto", text: tap.gate || "—" }),
        el("td", { text: S.directionText(tap.direction) }),
        el("td", { class: ok ? "res-ok" : "res-no", text: ok ? "✓ " + t("desk.accepted") : "✕ " + t("desk.rejected_reason", { reason: S.reasonText(tap.reason) }) }),
        el("td", {}, sourceText(tap.source), tap.kiosk ? [" · ", el("bdi", { dir: "ltr", text: tap.kiosk })] : null)));
    }

    renderPhoto(d, c.photo);

    const base = "/api/delegates/" + enc(d.id) + "/badge.pdf?layout=";
    $("act-print").href = base + "cr80";
    $("act-print-a6").href = base + "a6";
    $("bind-for").textContent = d.name;
    // Keep the address pointing at the open card, without adding history.
    const h = "#" + enc(d.id);
    if (location.hash !== h) history.replaceState(null, "", h);
  }

  // validityVars fills {from} and {to} of a registration's dates (left to
  // right inside any sentence), or says where the meeting's own dates apply.
  function validityVars(d) {
    return {
      from: d.valid_from ? S.ltr(d.valid_from) : t("desk.meeting_start"),
      to: d.valid_to ? S.ltr(d.valid_to) : t("desk.meeting_end"),
    };
  }

  const sources = { rfid: "desk.src_rfid", qr: "desk.src_qr", keyboard: "desk.src_keyboard", desk: "desk.src_desk" };
  function sourceText(s) {
    return sources[s] ? t(sources[s]) : s || "—";
  }
  const badgeSources = {
    roster: "desk.bsrc_roster", desk: "desk.bsrc_desk", registry: "desk.bsrc_registry", pass: "desk.bsrc_pass",
  };

  function badgeRow(b) {
    const meta = [badgeSources[b.source] ? t(badgeSources[b.source]) : b.source, t("desk.badge_added", { at: S.fmtDateTime(b.created) })];
    if (b.revoked && b.revoked_at) meta.push(t("desk.badge_revoked_at", { at: S.fmtDateTime(b.revoked_at) }));
    const li = el("li", { class: "badge-row" + (b.revoked ? " revoked" : ""), "data-testid": "badge", "data-uid": b.uid, "data-state": b.revoked ? "revoked" : "active" },
      b.revoked ? pill("neutral", "✕", t("desk.badge_revoked")) : pill("ok", "✓", t("desk.badge_active")),
      el("span", { class: "uid", dir: "ltr", text: b.uid }),
      el("span", { class: "meta" }, meta.flatMap((m, k) => [k ? " · " : null, el("span", { class: "nw", text: m })])));
    if (!b.revoked && b.source !== "pass") { // a new pass supersedes a pass
      li.append(el("button", {
        type: "button", class: "btn small danger", "data-testid": "revoke",
        "aria-label": t("desk.revoke_label", { uid: b.uid }),
        onclick: () => revoke(b.uid),
        text: t("desk.revoke"),
      }));
    }
    return li;
  }

  // flash(id, null) hides; flash(id, "ok"|"no"|"info", icon, text, detail?, button?)
  // (text and detail: a string, or strings and nodes from tn)
  function flash(id, kind, icon, text, detail, button) {
    const box = $(id);
    if (!kind) { box.hidden = true; box.replaceChildren(); return; }
    box.className = "flash " + kind;
    box.replaceChildren(el("span", { class: "icon", "aria-hidden": "true", text: icon }), el("span", {}, text));
    if (detail && detail.length) box.append(el("span", { class: "detail" }, detail));
    if (button) box.append(button);
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  // A refusal ("this badge belongs to …") answers the last thing the clerk
  // did; left standing it would be read as the answer to the next one. It
  // goes on Esc, on the next action and on the next card or desk tap.
  function clearRefusals() {
    for (const id of ["bind-status", "action-status"]) {
      const box = $(id);
      if (!box.hidden && box.classList.contains("no")) flash(id, null);
    }
  }

  async function once(name, fn) {
    if (state.busy[name]) return;
    state.busy[name] = true;
    try { await fn(); } finally { state.busy[name] = false; }
  }

  // ---------------------------------------------------------- bind by tap

  function startWaiting() {
    if (!state.card) return;
    closeNote();
    state.waiting = true;
    $("bind-waiting").hidden = false;
    $("bind-uid").value = "";
    $("bind-replace").checked = false;
    $("act-bind").setAttribute("aria-pressed", "true");
    flash("bind-status", null);
    // A keyboard-wedge reader types into the focused field, so focus it.
    $("bind-uid").focus();
    $("bind-waiting").scrollIntoView({ block: "nearest" });
  }

  function stopWaiting(refocus) {
    if (!state.waiting) return;
    state.waiting = false;
    $("bind-waiting").hidden = true;
    $("act-bind").removeAttribute("aria-pressed");
    if (refocus) $("act-bind").focus();
  }

  // Capturing, so the refusal is gone before the action shows its own answer.
  document.querySelector(".actions").addEventListener("click", clearRefusals, true);
  $("act-bind").addEventListener("click", () => (state.waiting ? stopWaiting(true) : startWaiting()));
  $("bind-cancel").addEventListener("click", () => stopWaiting(true));
  $("bind-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const uid = $("bind-uid").value.trim().replace(/[\s:-]/g, "");
    if (!uid) {
      flash("bind-status", "no", "✕", t("desk.bind_need_uid"));
      return;
    }
    bind(uid, $("bind-replace").checked);
  });

  async function bind(uid, replace) {
    if (!state.card || state.binding) return;
    state.binding = true;
    const d = state.card.delegate;
    const id = d.id;
    const report = (...args) => {
      if (state.cardId === id) flash("bind-status", ...args);
      else toast(args[2], args[3] || "");
    };
    const who = () => S.bdi(d.name);
    report("info", "…", tn("desk.binding", { uid: S.ltr(uid), name: who() }));
    try {
      const res = await S.api("POST", "/api/delegates/" + enc(id) + "/badges", { uid: uid, replace: !!replace });
      if (state.cardId === id) stopWaiting(false);
      const revoked = (res && res.revoked) || [];
      report("ok", "✓", tn("desk.bound", { uid: S.ltr((res && res.uid) || uid), name: who() }),
        revoked.length ? tn("desk.bound_revoked", { uids: S.ltr(revoked.join(", ")) }) : "");
      if (state.cardId === id) {
        $("act-checkin").focus();
        await refreshCard();
      }
    } catch (e) {
      const holder = e.data && e.data.holder;
      if (e.status === 409 && holder) {
        if (holder.id === id) {
          report("info", "ℹ", tn("desk.already_bound", { uid: S.ltr(uid), name: who() }));
          if (state.cardId === id) stopWaiting(false);
        } else {
          report("no", "✕", tn("desk.belongs_to", { name: holder.name ? S.bdi(holder.name) : t("desk.someone_else"), id: S.ltr(holder.id) }),
            t("desk.belongs_hint"),
            el("button", {
              type: "button", class: "btn small", "data-testid": "open-holder",
              onclick: () => openCard(holder.id, true),
            }, el("span", {}, ...tn("desk.open_card_of", { name: S.bdi(holder.name || holder.id) }))));
        }
      } else if (e.status === 400) {
        report("no", "✕", tn("desk.not_uid", { uid: S.ltr(uid) }), e.message);
      } else {
        report("no", "✕", t("desk.not_bound_err"), e.message);
      }
      if (state.waiting && state.cardId === id) { $("bind-uid").value = ""; $("bind-uid").focus(); }
    } finally {
      state.binding = false;
    }
  }

  // A badge shown to the desk reader: binds while waiting, else offers to.
  function onDeskTap(tap) {
    const uid = tap.uid || "";
    if (!uid) return;
    clearRefusals();
    if (state.waiting && state.card) {
      if (tap.source === "qr") {
        flash("bind-status", "no", "✕", t("desk.was_qr"), t("desk.was_qr_hint"));
        return;
      }
      bind(uid, $("bind-replace").checked);
      return;
    }
    // Not waiting: say whose badge it is (GET /api/badges/{uid}) and offer
    // what fits: open the holder's card, or bind a free badge to the card
    // open now.
    const at = S.fmtTime(tap.at || new Date(S.clock.now()).toISOString());
    const box = toast(tn(tap.source === "qr" ? "desk.toast_qr" : "desk.toast_badge", { uid: S.ltr(uid) }),
      tap.reader ? t("desk.tapped_reader_at", { reader: tap.reader, time: at }) : t("desk.tapped_at", { time: at }),
      [], "desk-tap");
    const body = box.querySelector(".t-body");
    const actions = el("div", { class: "t-actions" });
    box.append(actions);
    S.api("GET", "/api/badges/" + enc(uid)).then((res) => {
      const h = res && res.holder;
      if (!h) throw new S.ApiError(404, null, "not bound");
      body.replaceChildren(...tn(h.id === state.cardId ? "desk.belongs_open" : "desk.belongs", { name: S.bdi(h.name), id: S.ltr(h.id) }));
      if (h.id !== state.cardId) {
        actions.append(el("button", {
          type: "button", class: "btn small primary", "data-testid": "toast-open",
          onclick: () => { dismiss(box); openCard(h.id, true); },
        }, el("span", {}, ...tn("desk.open_card_of", { name: S.bdi(h.name) }))));
      }
    }).catch((e) => {
      if (e.status !== 404) {
        body.textContent = t("desk.lookup_failed", { error: e.message });
        return;
      }
      const d = state.card && state.card.delegate;
      body.textContent = t("desk.unbound") + (d ? "" : " " + t("desk.unbound_hint"));
      if (d && tap.source !== "qr") {
        // Offered for the card open now only: switching cards withdraws it.
        actions.append(el("button", {
          type: "button", class: "btn small primary", "data-testid": "toast-bind", "data-delegate": d.id,
          onclick: () => {
            dismiss(box);
            if (state.card && state.card.delegate.id === d.id) bind(uid, false);
          },
        }, el("span", {}, ...tn("desk.bind_to", { name: S.bdi(d.name) }))));
      }
    });
  }

  // -------------------------------------------------------------- actions

  $("act-checkin").addEventListener("click", () => once("checkin", async () => {
    if (!state.card) return;
    const d = state.card.delegate;
    const btn = $("act-checkin");
    btn.disabled = true;
    try {
      const r = await S.api("POST", "/api/delegates/" + enc(d.id) + "/checkins", { gate: "desk", direction: "in" });
      if (state.cardId !== d.id) return;
      if (r.result === "accepted") {
        flash("action-status", "ok", "✓", tn("desk.checked_in", { name: S.bdi(d.name) }),
          t(r.first_today ? "desk.first_today" : "desk.arrived_earlier"));
      } else {
        flash("action-status", "no", "✕", t("desk.not_checked_in", { reason: S.reasonText(r.reason) }), reasonHelp(r.reason));
      }
      await refreshCard();
    } catch (e) {
      flash("action-status", "no", "✕", t("desk.checkin_failed"), e.message);
    } finally {
      btn.disabled = false;
    }
  }));

  function reasonHelp(r) {
    const help = { registration_cancelled: "desk.help_cancelled", not_valid_today: "desk.help_not_valid" }[r];
    return help ? t(help) : "";
  }

  // Note: inline editor. Enter saves, Shift+Enter is a new line, Esc cancels.
  function openNote() {
    if (!state.card) return;
    stopWaiting();
    const input = $("note-input");
    input.value = state.card.delegate.note || "";
    $("note-edit").hidden = false;
    $("note-banner").hidden = true;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }
  function closeNote(refocus) {
    if ($("note-edit").hidden) return;
    $("note-edit").hidden = true;
    $("note-banner").hidden = !(state.card && state.card.delegate.note);
    if (refocus) $("act-note").focus();
  }
  async function saveNote(text) {
    if (!state.card) return;
    const d = state.card.delegate;
    try {
      const res = await S.api("PUT", "/api/delegates/" + enc(d.id) + "/note", { note: text });
      if (state.cardId !== d.id) return;
      const note = res && typeof res.note === "string" ? res.note : text;
      d.note = note;
      closeNote(true);
      flash("action-status", "ok", "✓", t(note ? "desk.note_saved" : "desk.note_cleared"));
      await refreshCard();
    } catch (e) {
      flash("action-status", "no", "✕", t("desk.note_failed"), e.message);
    }
  }
  $("act-note").addEventListener("click", () => ($("note-edit").hidden ? openNote() : closeNote(true)));
  $("note-cancel").addEventListener("click", () => closeNote(true));
  $("note-clear").addEventListener("click", () => once("note", () => saveNote("")));
  $("note-edit").addEventListener("submit", (e) => {
    e.preventDefault();
    once("note", () => saveNote($("note-input").value.trim()));
  });
  $("note-input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("note-edit").requestSubmit();
    }
  });

  async function revoke(uid) {
    if (!state.card) return;
    const d = state.card.delegate;
    const ok = await confirmDialog(tn("desk.revoke_q", { uid: S.ltr(uid) }),
      tn("desk.revoke_text", { name: S.bdi(d.name) }), t("desk.revoke_ok"), true);
    if (!ok) return;
    try {
      await S.api("DELETE", "/api/badges/" + enc(uid));
      flash("action-status", "ok", "✓", tn("desk.revoked", { uid: S.ltr(uid) }));
      await refreshCard();
    } catch (e) {
      flash("action-status", "no", "✕", tn("desk.revoke_failed", { uid: S.ltr(uid) }), e.message);
    }
  }

  $("act-pass").addEventListener("click", () => once("pass", async () => {
    if (!state.card) return;
    const d = state.card.delegate;
    const ok = await confirmDialog(tn("desk.pass_q", { name: S.bdi(d.name) }),
      t("desk.pass_q_text"), t("desk.pass_ok"), false);
    if (!ok) return;
    try {
      const p = await S.api("POST", "/api/delegates/" + enc(d.id) + "/pass"); // a new pass, replacing the last
      $("pass-name").textContent = d.name;
      $("pass-issued").textContent = S.fmtDateTime(p.issued_at);
      $("pass-id").textContent = p.pass_id || "";
      $("pass-token").textContent = p.token || "";
      const img = $("pass-qr");
      if (p.qr && /^data:image\/(png|svg\+xml|gif|jpeg);base64,/.test(p.qr)) { img.src = p.qr; img.hidden = false; }
      else { img.removeAttribute("src"); img.hidden = true; }
      $("pass-dialog").showModal();
      flash("action-status", "ok", "✓", t("desk.pass_issued_ok"), t("desk.pass_issued_detail"));
      refreshCard();
    } catch (e) {
      flash("action-status", "no", "✕", t("desk.pass_failed"), e.message);
    }
  }));
  $("pass-copy").addEventListener("click", async () => {
    const text = $("pass-token").textContent;
    try {
      await navigator.clipboard.writeText(text);
      $("pass-copy").textContent = "✓ " + t("desk.copied");
    } catch (_) {
      // Clipboard needs a secure context; select the text instead.
      const r = document.createRange();
      r.selectNodeContents($("pass-token"));
      const s = getSelection(); s.removeAllRanges(); s.addRange(r);
      $("pass-copy").textContent = t("desk.copy_selected");
    }
    setTimeout(() => { $("pass-copy").textContent = t("desk.pass_copy"); }, 2500);
  });

  // A badge the entrance would refuse today (a cancelled registration, a
  // day outside the delegate's dates) is printed only once the clerk has
  // read why and chosen "Print anyway"; the server refuses it otherwise.
  const printWarnings = {
    cancelled: "desk.print_warn_cancelled", not_yet_valid: "desk.print_warn_not_yet", expired: "desk.print_warn_expired",
  };
  for (const id of ["act-print", "act-print-a6"]) {
    $(id).addEventListener("click", async (e) => {
      const w = state.card && state.card.print_warning;
      if (!w) return; // the link prints
      e.preventDefault();
      const href = e.currentTarget.href;
      const d = state.card.delegate;
      const ok = await confirmDialog(tn("desk.print_warn_q", { name: S.bdi(d.name) }),
        tn(printWarnings[w.reason] || "desk.print_warn_expired", { name: S.bdi(d.name), date: S.ltr(w.date || "") }),
        t("desk.print_anyway"), true);
      if (ok) window.open(href + "&confirm=1", "_blank", "noopener");
    });
  }

  // ------------------------------------------------------- confirm dialog

  // confirmDialog(title, text, …): strings, or strings and nodes from tn.
  function confirmDialog(title, text, okLabel, danger) {
    const dlg = $("confirm");
    $("confirm-title").replaceChildren(...[title].flat());
    $("confirm-text").replaceChildren(...[text].flat());
    const ok = $("confirm-ok");
    ok.textContent = okLabel || t("staff.ok");
    ok.className = "btn primary" + (danger ? " danger" : "");
    dlg.returnValue = "";
    const back = document.activeElement;
    return new Promise((resolve) => {
      dlg.addEventListener("close", () => {
        resolve(dlg.returnValue === "ok");
        if (back && back.isConnected && typeof back.focus === "function") back.focus();
      }, { once: true });
      dlg.showModal();
      ok.focus();
    });
  }

  // ----------------------------------------------------------------- toasts

  // toast(title, body, …): title and body are strings, or strings and nodes.
  function toast(title, body, actions, testid) {
    const box = $("toasts");
    const n = el("div", { class: "toast", role: "status", "data-testid": testid || "toast" },
      el("span", { class: "t-title" }, title),
      el("button", { type: "button", class: "close", "aria-label": t("staff.dismiss"), text: "×", onclick: () => dismiss(n) }),
      body && body.length ? el("span", { class: "t-body" }, body) : null,
      actions && actions.length ? el("div", { class: "t-actions" }, actions) : null);
    box.append(n);
    while (box.children.length > 3) box.firstElementChild.remove();
    setTimeout(() => dismiss(n), 20000);
    return n;
  }
  function dismiss(n) { if (n && n.isConnected) n.remove(); }

  // --------------------------------------------------------------- keyboard

  let swallow = null; // see the keypress listener below

  function isTyping(n) {
    if (!n || !n.tagName) return false;
    if (n.isContentEditable) return true;
    if (n.tagName === "TEXTAREA" || n.tagName === "SELECT") return true;
    if (n.tagName !== "INPUT") return false;
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(n.type);
  }

  // The shortcut letter of a key press, whatever the keyboard layout: a
  // Russian or Arabic layout types "и" or "لا" on the B key, so the key's
  // position (e.code) counts when the character is not a Latin letter.
  function shortcutKey(e) {
    if (/^[a-z]$/i.test(e.key)) return e.key.toLowerCase();
    if (e.key.length === 1 && e.code && /^Key[A-Z]$/.test(e.code)) return e.code.slice(3).toLowerCase();
    return "";
  }

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.isComposing) return;
    if (document.querySelector("dialog[open]")) return; // dialogs keep their own keys
    if (e.key === "Escape") {
      e.preventDefault();
      clearRefusals();
      if (!$("note-edit").hidden) { closeNote(true); return; }
      if (!$("camera").hidden) { closeCamera(); $("act-photo").focus(); return; }
      if (state.waiting) { stopWaiting(true); return; }
      focusSearch(true);
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    if (e.key === "/" || (e.code === "Slash" && !e.shiftKey && e.key.length === 1)) {
      e.preventDefault();
      swallow = e.key;
      focusSearch(false);
      return;
    }
    const letter = shortcutKey(e);
    if (!state.card || !letter) return;
    const btn = document.querySelector('.actions [data-key="' + letter + '"], .card-photo [data-key="' + letter + '"]');
    if (btn && !btn.disabled) {
      e.preventDefault();
      swallow = e.key;
      btn.click();
    }
  });
  // A shortcut that moves focus into a field (N, B) must not type its own
  // letter there. Cancelling keydown is enough in browsers; synthetic key
  // events (test drivers) send the character separately, so drop it too.
  document.addEventListener("keypress", (e) => {
    if (swallow !== null && e.key === swallow) e.preventDefault();
    swallow = null;
  }, true);
  document.addEventListener("keyup", () => { swallow = null; }, true);

  // ----------------------------------------------------------------- photo
  // The card shows the delegate's photo (staff only, never cached). "Take
  // photo" opens the desk's webcam: a live preview, a still cropped to a
  // portrait (3:4), then JPEG up to the kiosk with PUT. The camera stays on
  // only while the panel is open.

  const PHOTO_W = 600, PHOTO_H = 800;
  const camera = { stream: null, taken: false, for: null };

  function renderPhoto(d, sha) {
    const img = $("card-photo");
    const none = $("card-nophoto");
    $("photo-remove").hidden = !sha;
    $("act-photo").lastChild.textContent = " " + t(sha ? "desk.photo_retake_card" : "desk.photo_take");
    img.alt = t("desk.photo_of", { name: d.name });
    if (!sha) {
      img.hidden = true;
      img.removeAttribute("src");
      none.hidden = false;
      return;
    }
    const src = "/api/delegates/" + enc(d.id) + "/photo?v=" + enc(sha);
    if (img.getAttribute("src") === src) return;
    img.onload = () => { img.hidden = false; none.hidden = true; };
    img.onerror = () => { img.hidden = true; none.hidden = false; };
    img.src = src;
  }

  function cameraError(text) {
    const e = $("camera-error");
    e.textContent = text ? "✕ " + text : "";
    e.hidden = !text;
  }

  // noCamera says why there is no camera, and shows no empty preview.
  function noCamera(text) {
    $("camera-starting").hidden = true;
    $("camera-view").hidden = true;
    $("camera-hint").hidden = true;
    $("camera-capture").hidden = true;
    cameraError(text);
  }

  // cameraProblem says in words why the camera cannot be used.
  function cameraProblem(err) {
    switch (err && err.name) {
      case "NotAllowedError": case "SecurityError": return t("desk.photo_err_denied");
      case "NotFoundError": case "OverconstrainedError": return t("desk.photo_err_none");
      case "NotReadableError": case "AbortError": return t("desk.photo_err_busy");
    }
    return t("desk.photo_err_other", { error: (err && err.message) || String(err) });
  }

  function showLive(live) {
    camera.taken = !live;
    $("camera-video").hidden = !live;
    $("camera-still").hidden = live;
    $("camera-capture").hidden = !live;
    $("camera-retake").hidden = live;
    $("camera-save").hidden = live;
  }

  async function openCamera() {
    if (!state.card) return;
    const d = state.card.delegate;
    camera.for = d.id;
    $("camera").hidden = false;
    $("camera-for").textContent = d.name;
    $("camera-capture").disabled = true;
    $("camera-starting").hidden = false;
    $("camera-view").hidden = false;
    $("camera-hint").hidden = false;
    cameraError("");
    showLive(true);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      noCamera(t("desk.photo_err_insecure"));
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" }, audio: false });
      if ($("camera").hidden || camera.for !== d.id) { // closed meanwhile
        stream.getTracks().forEach((tr) => tr.stop());
        return;
      }
      camera.stream = stream;
      const video = $("camera-video");
      video.srcObject = stream;
      await video.play().catch(() => {});
      $("camera-starting").hidden = true;
      $("camera-capture").disabled = false;
      $("camera-capture").focus();
    } catch (err) {
      noCamera(cameraProblem(err));
    }
  }

  function closeCamera() {
    if (camera.stream) camera.stream.getTracks().forEach((tr) => tr.stop());
    camera.stream = null;
    camera.for = null;
    const video = $("camera-video");
    video.srcObject = null;
    $("camera").hidden = true;
  }

  // capture draws the middle of the frame, cropped to 3:4, on the canvas.
  function capture() {
    const video = $("camera-video");
    const vw = video.videoWidth, vh = video.videoHeight;
    if (!vw || !vh) { cameraError(t("desk.photo_err_nopicture")); return; }
    let sw = vw, sh = vh;
    if (vw / vh > PHOTO_W / PHOTO_H) sw = Math.round(vh * PHOTO_W / PHOTO_H);
    else sh = Math.round(vw * PHOTO_H / PHOTO_W);
    const canvas = $("camera-still");
    canvas.width = PHOTO_W;
    canvas.height = PHOTO_H;
    canvas.getContext("2d").drawImage(video, (vw - sw) / 2, (vh - sh) / 2, sw, sh, 0, 0, PHOTO_W, PHOTO_H);
    cameraError("");
    showLive(false);
    $("camera-save").focus();
  }

  async function savePhoto() {
    const id = camera.for;
    const blob = await new Promise((resolve) => $("camera-still").toBlob(resolve, "image/jpeg", 0.9));
    if (!blob || !id) { cameraError(t("desk.photo_err_nopicture")); return; }
    await once("photo", async () => {
      $("camera-save").disabled = true;
      try {
        await putPhoto(id, blob);
        closeCamera();
        flash("action-status", "ok", "✓", t("desk.photo_saved"));
        await refreshCard();
        $("act-photo").focus();
      } catch (e) {
        cameraError(t("desk.photo_err_save", { error: e.message }));
      } finally {
        $("camera-save").disabled = false;
      }
    });
  }

  // putPhoto sends an image as the body (S.api sends JSON only).
  async function putPhoto(id, blob) {
    let res;
    try {
      res = await fetch("/api/delegates/" + enc(id) + "/photo", {
        method: "PUT", credentials: "same-origin", cache: "no-store", body: blob,
        headers: { "Content-Type": "image/jpeg", "X-CSRF-Token": S.csrf, Accept: "application/json" } });
    } catch (_) {
      throw new S.ApiError(0, null, t("staff.err_network"));
    }
    let data = null;
    try { data = await res.json(); } catch (_) { data = null; }
    if (res.status === 401) location.assign("/login?next=" + enc(location.pathname));
    if (!res.ok) throw new S.ApiError(res.status, data, (data && data.error) || res.statusText);
    return data;
  }

  async function removePhoto() {
    if (!state.card) return;
    const d = state.card.delegate;
    const ok = await confirmDialog(t("desk.photo_remove_title", { name: d.name }), t("desk.photo_remove_text"), t("desk.photo_remove"), true);
    if (!ok) return;
    await once("photo", async () => {
      try {
        await S.api("DELETE", "/api/delegates/" + enc(d.id) + "/photo");
        flash("action-status", "ok", "✓", t("desk.photo_removed"));
        await refreshCard();
      } catch (e) {
        flash("action-status", "no", "✕", t("desk.photo_err_save", { error: e.message }));
      }
    });
  }

  $("act-photo").addEventListener("click", () => { if ($("camera").hidden) openCamera(); });
  $("photo-remove").addEventListener("click", removePhoto);
  $("camera-capture").addEventListener("click", capture);
  $("camera-retake").addEventListener("click", () => { showLive(true); $("camera-capture").focus(); });
  $("camera-save").addEventListener("click", savePhoto);
  $("camera-cancel").addEventListener("click", () => { closeCamera(); $("act-photo").focus(); });

  // ----------------------------------------------------------------- events

  const strip = S.readerStrip($("strip"));
  let refreshTimer = null;
  S.events({
    tap(tap) {
      if (tap.role === "desk") { onDeskTap(tap); return; }
      // An entrance tap of the delegate on screen: refresh taps and "inside".
      if (tap.delegate && tap.delegate.id === state.cardId && !refreshTimer) {
        refreshTimer = setTimeout(() => { refreshTimer = null; refreshCard(); }, 300);
      }
    },
    reader: strip.reader,
    registry: strip.registry,
  });

  // Reopen the card named in the address (#id), e.g. after a reload.
  function hashID() {
    try { return decodeURIComponent(location.hash.slice(1)); } catch (_) { return ""; }
  }
  if (hashID()) openCard(hashID(), false);
  window.addEventListener("hashchange", () => {
    const id = hashID();
    if (id && id !== state.cardId) openCard(id, true);
  });

  q.focus();
})();
