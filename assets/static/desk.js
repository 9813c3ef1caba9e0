// Registration desk: find a delegate, open the card, bind a badge by
// tapping it on the desk reader, check in by hand, note, print, QR pass.
// Keyboard first. Names are untrusted: text goes in through textContent.
"use strict";
(function () {
  const S = window.Staff;
  const el = S.el;
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
    $("results-empty").replaceChildren(message || "Type a name in any script, an organization, a country or a delegate ID.");
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
      $("results-empty").replaceChildren(el("strong", { text: "✕ Search failed: " }), e.message);
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
    $("total").textContent = n === 1 ? "1 match" : S.fmtNum(n) + " matches";
    const empty = $("results-empty");
    if (!state.results.length) {
      empty.replaceChildren("No delegate matches ", el("strong", { dir: "auto", text: "“" + state.query + "”" }),
        ". Try part of the name, another spelling, the organization or the ID.");
      empty.hidden = false;
    } else {
      empty.hidden = true;
    }
    const rest = n - state.results.length;
    const more = $("more");
    more.hidden = rest <= 0;
    more.textContent = "Show " + Math.min(rest, LIMIT) + " more (" + S.fmtNum(state.results.length) + " of " + S.fmtNum(n) + " shown)";
    q.setAttribute("aria-expanded", state.results.length ? "true" : "false");
    markSelected();
  }

  function resultRow(r, i) {
    const st = S.statusInfo(r.status);
    const cancelled = r.status === "cancelled";
    const country = r.country_name ? r.country_name + (r.country ? " (" + r.country + ")" : "") : r.country || "";
    const sub = [];
    if (r.organization) sub.push(el("bdi", { dir: "auto", text: r.organization }));
    if (country) sub.push(country);
    sub.push(S.roleText(r.role));
    sub.push(el("span", { class: "mono", text: r.id }));
    const li = el("li", {
      id: "res-" + i, role: "option", class: "result" + (cancelled ? " cancelled" : "") + (r.id === state.cardId ? " open" : ""),
      "data-testid": "result", "data-id": r.id, "aria-selected": "false",
    },
    el("span", { class: "r-name", dir: "auto", text: r.name }),
    cancelled ? el("span", { class: "pill no", "data-testid": "result-cancelled" }, el("span", { "aria-hidden": "true", text: st.icon }), "Cancelled") : el("span"),
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
    if (r) openCard(r.id, true);
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
      err.textContent = "✕ " + (e.status === 404 ? "No delegate with ID " + id + " (the roster may have changed)." : "Could not open the card: " + e.message);
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
      pill(st.cls, st.icon, d.status === "cancelled" ? "Registration cancelled" : st.text, "status-pill"),
      c.valid_today ? pill("ok", "✓", "Valid today", "valid-pill") : pill("no", "✕", "Not valid today", "valid-pill"),
      c.inside ? pill("info", "◉", "Inside now", "inside-pill") : pill("neutral", "○", "Not inside", "inside-pill"));
    // Why the gates will refuse this delegate, in words, above everything else.
    const alert = $("card-alert");
    if (d.status === "cancelled") {
      alert.replaceChildren(el("span", { class: "icon", "aria-hidden": "true", text: "✕" }),
        el("span", { text: "Registration cancelled — the gates will refuse entry." }));
      alert.hidden = false;
    } else if (!c.valid_today) {
      alert.replaceChildren(el("span", { class: "icon", "aria-hidden": "true", text: "✕" }),
        el("span", { text: "Not valid today — the gates will refuse entry." }),
        el("span", { class: "detail", text: "Valid " + (d.valid_from || "meeting start") + " → " + (d.valid_to || "meeting end") + "." }));
      alert.hidden = false;
    } else {
      alert.hidden = true;
    }

    const note = d.note || "";
    $("note-text").textContent = note;
    $("note-banner").hidden = !note || !$("note-edit").hidden;

    const country = d.country_name ? d.country_name + (d.country ? " (" + d.country + ")" : "") : d.country || "—";
    const validity = d.valid_from || d.valid_to
      ? (d.valid_from || "meeting start") + " → " + (d.valid_to || "meeting end")
      : "Whole meeting";
    const facts = [
      ["Country", el("span", { dir: "auto", text: country })],
      ["Role", S.roleText(d.role)],
      ["Status", el("span", {}, st.icon + " " + st.text)],
      ["Valid", el("span", {}, validity + " ", c.valid_today
        ? el("span", { class: "res-ok", text: "(✓ today)" })
        : el("span", { class: "res-no", text: "(✕ not today)" }))],
      ["Groups", (d.groups && d.groups.length)
        ? el("span", { class: "tags" }, d.groups.map((g) => el("span", { class: "tag", dir: "auto", text: g })))
        : "—"],
      ["Language", d.language ? d.language.toUpperCase() : "—"],
      ["E-mail", d.email ? el("span", { dir: "ltr", text: d.email }) : "—"],
    ];
    $("facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", {}, v)]));

    // Badges: active first, newest first.
    const badges = (c.badges || []).slice().sort((a, b) =>
      (a.revoked - b.revoked) || String(b.created).localeCompare(String(a.created)));
    const active = badges.filter((b) => !b.revoked).length;
    $("badges-count").textContent = badges.length ? "· " + active + " active" + (badges.length > active ? ", " + (badges.length - active) + " revoked" : "") : "";
    const list = $("badges");
    list.replaceChildren();
    if (!badges.length) {
      list.append(el("li", { class: "empty", text: "No badge yet — press B and tap one on the desk reader." }));
    }
    for (const b of badges) list.append(badgeRow(b));

    // Today's taps, newest first.
    const taps = (c.taps_today || []).slice().sort((a, b) => String(b.at).localeCompare(String(a.at)));
    $("taps-count").textContent = taps.length ? "· " + taps.length : "";
    const tbody = $("taps");
    tbody.replaceChildren();
    if (!taps.length) {
      tbody.append(el("tr", {}, el("td", { colspan: "5", class: "muted", text: "No taps today." })));
    }
    for (const t of taps) {
      const ok = t.result === "accepted";
      tbody.append(el("tr", { "data-testid": "tap" },
        el("td", { class: "num", text: S.fmtTime(t.at) }),
        el("td", { text: t.gate || "—" }),
        el("td", { text: S.directionText(t.direction) }),
        el("td", { class: ok ? "res-ok" : "res-no", text: ok ? "✓ Accepted" : "✕ Rejected — " + S.reasonText(t.reason) }),
        el("td", { text: sourceText(t.source) + (t.kiosk ? " · " + t.kiosk : "") })));
    }

    const base = "/api/delegates/" + enc(d.id) + "/badge.pdf?layout=";
    $("act-print").href = base + "cr80";
    $("act-print-a6").href = base + "a6";
    $("bind-for").textContent = d.name;
    // Keep the address pointing at the open card, without adding history.
    const h = "#" + enc(d.id);
    if (location.hash !== h) history.replaceState(null, "", h);
  }

  function sourceText(s) {
    return { rfid: "Badge", qr: "QR pass", desk: "Desk (by hand)" }[s] || s || "—";
  }
  const badgeSources = {
    roster: "from the roster", desk: "bound at this desk", registry: "bound at another desk", pass: "QR pass",
  };

  function badgeRow(b) {
    const meta = [badgeSources[b.source] || b.source, "added " + S.fmtDateTime(b.created)];
    if (b.revoked && b.revoked_at) meta.push("revoked " + S.fmtDateTime(b.revoked_at));
    const li = el("li", { class: "badge-row" + (b.revoked ? " revoked" : ""), "data-testid": "badge", "data-uid": b.uid, "data-state": b.revoked ? "revoked" : "active" },
      b.revoked ? pill("neutral", "✕", "Revoked") : pill("ok", "✓", "Active"),
      el("span", { class: "uid", text: b.uid }),
      el("span", { class: "meta" }, meta.flatMap((m, k) => [k ? " · " : null, el("span", { class: "nw", text: m })])));
    if (!b.revoked) {
      li.append(el("button", {
        type: "button", class: "btn small danger", "data-testid": "revoke",
        "aria-label": "Revoke badge " + b.uid,
        onclick: () => revoke(b.uid),
        text: "Revoke",
      }));
    }
    return li;
  }

  // flash(id, null) hides; flash(id, "ok"|"no"|"info", icon, text, detail?, button?)
  function flash(id, kind, icon, text, detail, button) {
    const box = $(id);
    if (!kind) { box.hidden = true; box.replaceChildren(); return; }
    box.className = "flash " + kind;
    box.replaceChildren(el("span", { class: "icon", "aria-hidden": "true", text: icon }), el("span", { text: text }));
    if (detail) box.append(el("span", { class: "detail", text: detail }));
    if (button) box.append(button);
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
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

  $("act-bind").addEventListener("click", () => (state.waiting ? stopWaiting(true) : startWaiting()));
  $("bind-cancel").addEventListener("click", () => stopWaiting(true));
  $("bind-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const uid = $("bind-uid").value.trim().replace(/[\s:-]/g, "");
    if (!uid) {
      flash("bind-status", "no", "✕", "Type or paste the badge UID, or tap the badge on the desk reader.");
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
    report("info", "…", "Binding badge " + uid + " to " + d.name + "…");
    try {
      const res = await S.api("POST", "/api/delegates/" + enc(id) + "/badges", { uid: uid, replace: !!replace });
      if (state.cardId === id) stopWaiting(false);
      const revoked = (res && res.revoked) || [];
      report("ok", "✓", "Badge " + ((res && res.uid) || uid) + " bound to " + d.name,
        revoked.length ? "Revoked: " + revoked.join(", ") : "");
      if (state.cardId === id) {
        $("act-checkin").focus();
        await refreshCard();
      }
    } catch (e) {
      const holder = e.data && e.data.holder;
      if (e.status === 409 && holder) {
        if (holder.id === id) {
          report("info", "ℹ", "Badge " + uid + " is already bound to " + d.name + ".");
          if (state.cardId === id) stopWaiting(false);
        } else {
          report("no", "✕", "This badge belongs to " + (holder.name || "someone else") + " (" + holder.id + ")",
            "Tap another badge, or revoke it on that card first.",
            el("button", {
              type: "button", class: "btn small", "data-testid": "open-holder",
              onclick: () => openCard(holder.id, true),
            }, el("span", {}, "Open the card of ", el("bdi", { dir: "auto", text: holder.name || holder.id }))));
        }
      } else if (e.status === 400) {
        report("no", "✕", "Not a badge UID: " + uid, e.message);
      } else {
        report("no", "✕", "Badge not bound", e.message);
      }
      if (state.waiting && state.cardId === id) { $("bind-uid").value = ""; $("bind-uid").focus(); }
    } finally {
      state.binding = false;
    }
  }

  // A badge shown to the desk reader: binds while waiting, else offers to.
  function onDeskTap(t) {
    const uid = t.uid || "";
    if (!uid) return;
    if (state.waiting && state.card) {
      if (t.source === "qr") {
        flash("bind-status", "no", "✕", "That was a QR pass, not a badge.", "Tap the new RFID badge on the desk reader.");
        return;
      }
      bind(uid, $("bind-replace").checked);
      return;
    }
    // Not waiting: say whose badge it is (GET /api/badges/{uid}) and offer
    // what fits: open the holder's card, or bind a free badge to the card
    // open now.
    const kind = t.source === "qr" ? "QR pass " : "Badge ";
    const box = toast(kind + uid,
      "Tapped on the desk reader" + (t.reader ? " (" + t.reader + ")" : "") + " at " + S.fmtTime(t.at || new Date().toISOString()) + " · looking it up…",
      [], "desk-tap");
    const body = box.querySelector(".t-body");
    const actions = el("div", { class: "t-actions" });
    box.append(actions);
    S.api("GET", "/api/badges/" + enc(uid)).then((res) => {
      const h = res && res.holder;
      if (!h) throw new S.ApiError(404, null, "not bound");
      body.replaceChildren("Belongs to ", el("bdi", { dir: "auto", text: h.name }), " (" + h.id + ")" + (h.id === state.cardId ? " — the card open now." : "."));
      if (h.id !== state.cardId) {
        actions.append(el("button", {
          type: "button", class: "btn small primary", "data-testid": "toast-open",
          onclick: () => { dismiss(box); openCard(h.id, true); },
        }, el("span", {}, "Open the card of ", el("bdi", { dir: "auto", text: h.name }))));
      }
    }).catch((e) => {
      if (e.status !== 404) {
        body.textContent = "Tapped on the desk reader. Could not look it up: " + e.message;
        return;
      }
      const d = state.card && state.card.delegate;
      body.textContent = "Not bound to anyone." + (d ? "" : " Open a card and press B to bind it.");
      if (d && t.source !== "qr") {
        // Offered for the card open now only: switching cards withdraws it.
        actions.append(el("button", {
          type: "button", class: "btn small primary", "data-testid": "toast-bind", "data-delegate": d.id,
          onclick: () => {
            dismiss(box);
            if (state.card && state.card.delegate.id === d.id) bind(uid, false);
          },
        }, el("span", {}, "Bind to ", el("bdi", { dir: "auto", text: d.name }))));
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
        flash("action-status", "ok", "✓", "Checked in: " + d.name,
          r.first_today ? "First entry today." : "Already arrived earlier today.");
      } else {
        flash("action-status", "no", "✕", "Not checked in — " + S.reasonText(r.reason), reasonHelp(r.reason));
      }
      await refreshCard();
    } catch (e) {
      flash("action-status", "no", "✕", "Check-in failed", e.message);
    } finally {
      btn.disabled = false;
    }
  }));

  function reasonHelp(r) {
    return {
      registration_cancelled: "The registration was cancelled: send the delegate to the secretariat.",
      not_valid_today: "The registration is not valid on this day.",
      unknown_badge: "", revoked_badge: "", invalid_pass: "",
    }[r] || "";
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
      flash("action-status", "ok", "✓", note ? "Attention note saved" : "Attention note cleared");
      await refreshCard();
    } catch (e) {
      flash("action-status", "no", "✕", "Note not saved", e.message);
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
    const ok = await confirmDialog("Revoke badge " + uid + "?",
      "It will stop opening the gates at once, at every entrance. " + d.name + " will need another badge.", "Revoke badge", true);
    if (!ok) return;
    try {
      await S.api("DELETE", "/api/badges/" + enc(uid));
      flash("action-status", "ok", "✓", "Badge " + uid + " revoked");
      await refreshCard();
    } catch (e) {
      flash("action-status", "no", "✕", "Badge " + uid + " not revoked", e.message);
    }
  }

  $("act-pass").addEventListener("click", () => once("pass", async () => {
    if (!state.card) return;
    const d = state.card.delegate;
    const ok = await confirmDialog("Issue a new QR pass for " + d.name + "?",
      "The delegate's previous QR pass will stop working.", "Issue new pass", false);
    if (!ok) return;
    try {
      const p = await S.api("GET", "/api/delegates/" + enc(d.id) + "/pass");
      $("pass-name").textContent = d.name;
      $("pass-issued").textContent = S.fmtDateTime(p.issued_at);
      $("pass-id").textContent = p.pass_id || "";
      $("pass-token").textContent = p.token || "";
      const img = $("pass-qr");
      if (p.qr && /^data:image\/(png|svg\+xml|gif|jpeg);base64,/.test(p.qr)) { img.src = p.qr; img.hidden = false; }
      else { img.removeAttribute("src"); img.hidden = true; }
      $("pass-dialog").showModal();
      flash("action-status", "ok", "✓", "New QR pass issued", "Earlier passes no longer open the gates.");
      refreshCard();
    } catch (e) {
      flash("action-status", "no", "✕", "QR pass not issued", e.message);
    }
  }));
  $("pass-copy").addEventListener("click", async () => {
    const text = $("pass-token").textContent;
    try {
      await navigator.clipboard.writeText(text);
      $("pass-copy").textContent = "✓ Copied";
    } catch (_) {
      // Clipboard needs a secure context; select the text instead.
      const r = document.createRange();
      r.selectNodeContents($("pass-token"));
      const s = getSelection(); s.removeAllRanges(); s.addRange(r);
      $("pass-copy").textContent = "Selected — press Ctrl+C";
    }
    setTimeout(() => { $("pass-copy").textContent = "Copy token"; }, 2500);
  });

  // ------------------------------------------------------- confirm dialog

  function confirmDialog(title, text, okLabel, danger) {
    const dlg = $("confirm");
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = text;
    const ok = $("confirm-ok");
    ok.textContent = okLabel || "OK";
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

  function toast(title, body, actions, testid) {
    const box = $("toasts");
    const t = el("div", { class: "toast", role: "status", "data-testid": testid || "toast" },
      el("span", { class: "t-title", text: title }),
      el("button", { type: "button", class: "close", "aria-label": "Dismiss", text: "×", onclick: () => dismiss(t) }),
      body ? el("span", { class: "t-body", text: body }) : null,
      actions && actions.length ? el("div", { class: "t-actions" }, actions) : null);
    box.append(t);
    while (box.children.length > 3) box.firstElementChild.remove();
    setTimeout(() => dismiss(t), 20000);
    return t;
  }
  function dismiss(t) { if (t && t.isConnected) t.remove(); }

  // --------------------------------------------------------------- keyboard

  let swallow = null; // see the keypress listener below

  function isTyping(t) {
    if (!t || !t.tagName) return false;
    if (t.isContentEditable) return true;
    if (t.tagName === "TEXTAREA" || t.tagName === "SELECT") return true;
    if (t.tagName !== "INPUT") return false;
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(t.type);
  }

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.isComposing) return;
    if (document.querySelector("dialog[open]")) return; // dialogs keep their own keys
    if (e.key === "Escape") {
      e.preventDefault();
      if (!$("note-edit").hidden) { closeNote(true); return; }
      if (state.waiting) { stopWaiting(true); return; }
      focusSearch(true);
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    if (e.key === "/") {
      e.preventDefault();
      swallow = e.key;
      focusSearch(false);
      return;
    }
    if (!state.card || e.key.length !== 1) return;
    const btn = document.querySelector('.actions [data-key="' + e.key.toLowerCase() + '"]');
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

  // ----------------------------------------------------------------- events

  const strip = S.readerStrip($("strip"));
  let refreshTimer = null;
  S.events({
    tap(t) {
      if (t.role === "desk") { onDeskTap(t); return; }
      // An entrance tap of the delegate on screen: refresh taps and "inside".
      if (t.delegate && t.delegate.id === state.cardId && !refreshTimer) {
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
