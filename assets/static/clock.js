// The kiosk's clock, for every screen. A screen box's or TV's own clock is
// often wrong (by minutes, or by days after a dead CMOS battery), and a
// screen that trusted it would hide a delegate's sessions or show the
// wrong day. The page is rendered with the kiosk's time (ms since the
// epoch); the script keeps the offset between that and the browser's
// clock, and moves it whenever a kiosk time arrives (a tap's "at", the
// schedule's "now").
// Only differences of the browser's clock are used, never its date.
"use strict";
window.KioskClock = function (serverMs, timeZone) {
  let skew = Number(serverMs) - Date.now();
  if (!isFinite(skew)) skew = 0;
  const zone = timeZone ? { timeZone: timeZone } : {};
  const dayFmt = new Intl.DateTimeFormat("en-CA", Object.assign({ year: "numeric", month: "2-digit", day: "2-digit" }, zone));
  const hourFmt = new Intl.DateTimeFormat("en-GB", Object.assign({ hour: "2-digit", hourCycle: "h23" }, zone));
  return {
    // now is the kiosk's time in ms.
    now: () => Date.now() + skew,
    // sync takes a kiosk time seen just now (ms or an ISO string), so
    // that a page open for hours follows the kiosk even if the browser's
    // clock is stepped meanwhile.
    sync(t) {
      const ms = typeof t === "number" ? t : Date.parse(t);
      if (isFinite(ms)) skew = ms - Date.now();
    },
    // date is the kiosk's date (YYYY-MM-DD) in the meeting's zone at ms
    // (default now).
    date(ms) {
      const p = {};
      for (const x of dayFmt.formatToParts(ms == null ? Date.now() + skew : ms)) p[x.type] = x.value;
      return p.year + "-" + p.month + "-" + p.day;
    },
    // hour is the kiosk's hour ("00"–"23") in the meeting's zone now.
    hour: () => hourFmt.format(Date.now() + skew),
  };
};
