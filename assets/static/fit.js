// Fitting a tap's result to the screen, for the entrance and room-door
// screens. The result must fit between the top bar and whatever is below
// main: as it is if it can, else compact (see entrance.css), then as
// large as it fits by --fit, never below minFit. Lines wrap and are
// clamped differently at each size, so the size is searched for, each
// step measured. A name too long even for that is clamped.
"use strict";
window.FitPanel = function (panel, minFit) {
  const room = panel.parentElement;
  const fits = (k) => {
    panel.style.setProperty("--fit", k.toFixed(3));
    return panel.getBoundingClientRect().height <= room.clientHeight - parseFloat(getComputedStyle(room).paddingBottom);
  };
  panel.classList.remove("compact", "clamped");
  if (fits(1) || panel.hidden) return;
  panel.classList.add("compact");
  if (fits(1)) return;
  let lo = minFit, hi = 1;
  for (let i = 0; i < 8; i++) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  if (!fits(lo)) panel.classList.add("clamped");
};
