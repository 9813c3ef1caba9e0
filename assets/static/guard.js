// Guard's screen at an entrance: each tap as it happens, with the
// delegate's photo large beside the name, so that a guard a step or two
// away can compare the face with the person, and the decision in words.
// Photos come from the staff-only photo route; the tap event carries none.
// ?gate=NAME shows the taps of one gate only.
"use strict";
(function () {
  const S = window.Staff;
  const el = S.el;
  const t = S.t;
  const $ = (id) => document.getElementById(id);
  const HISTORY = 8;
  const gate = new URLSearchParams(location.search).get("gate") || "";

  function photoURL(id) {
    return "/api/delegates/" + encodeURIComponent(id) + "/photo";
  }

  // showPhoto loads a delegate's photo into img, or says there is none.
  function showPhoto(img, none, id) {
    img.hidden = true;
    none.hidden = true;
    img.removeAttribute("src");
    if (!id) {
      none.hidden = false;
      return;
    }
    img.onload = () => { img.hidden = false; none.hidden = true; };
    img.onerror = () => { img.hidden = true; none.hidden = false; };
    img.src = photoURL(id);
  }

  function resultText(tap) {
    if (tap.result === "accepted") return "✓ " + t("guard.accepted");
    return "✕ " + t("guard.rejected") + " — " + S.reasonText(tap.reason);
  }

  function show(tap) {
    const d = tap.delegate;
    $("guard-idle").hidden = true;
    $("guard-tap").hidden = false;
    const ok = tap.result === "accepted";
    const box = $("guard-tap");
    box.dataset.result = tap.result;
    const res = $("guard-result");
    res.textContent = resultText(tap);
    res.className = "guard-result " + (ok ? "ok" : "no");
    $("guard-name").textContent = d ? d.name : t("guard.unknown_person");
    $("guard-org").textContent = d && d.organization ? d.organization : "—";
    $("guard-country").textContent = d && d.country ? S.countryName(d.country) : "—";
    $("guard-role").textContent = d ? S.roleText(d.role) : "—";
    $("guard-time").textContent = S.fmtTime(tap.at);
    $("guard-gate").textContent = [tap.gate, S.directionText(tap.direction)].filter(Boolean).join(", ");
    img.alt = d ? t("guard.photo_of", { name: d.name }) : "";
    showPhoto(img, $("guard-nophoto"), d ? d.id : "");
    // Replay the arrival flash, so that two taps in a row are seen as two.
    box.classList.remove("fresh");
    void box.offsetWidth;
    box.classList.add("fresh");
  }

  // addHistory puts a tap at the top of the short history; each row is
  // made once, so its thumbnail is fetched once.
  function addHistory(tap) {
    const d = tap.delegate;
    const ok = tap.result === "accepted";
    const thumb = el("img", { class: "thumb", alt: "", hidden: true });
    const none = el("span", { class: "thumb none", "aria-hidden": "true", text: "?", hidden: true });
    showPhoto(thumb, none, d ? d.id : "");
    const list = $("guard-history");
    list.prepend(el("li", { class: ok ? "ok" : "no", "data-testid": "guard-history-row" },
      thumb, none,
      el("span", { class: "h-text" },
        el("span", { class: "h-name", dir: "auto", text: d ? d.name : t("guard.unknown_person") }),
        el("span", { class: "h-meta" }, el("span", { class: "mono", text: S.fmtTime(tap.at) }), " · ",
          el("span", { class: ok ? "res-ok" : "res-no", text: resultText(tap) })))));
    while (list.children.length > HISTORY) list.lastElementChild.remove();
  }

  const img = $("guard-img");
  S.events({
    tap(tap) {
      // Room doors' taps only when their gate is asked for by name.
      if (!tap || (gate ? tap.gate !== gate : tap.room)) return;
      show(tap);
      addHistory(tap);
    },
  });
})();
