// Keyboard-wedge readers: USB badge readers that "type" a card's number
// and Enter. KeyboardWedge tells their bursts from a person's typing by
// speed: every key within GAP_MS of the one before, at least MIN_LEN
// digits, ended by Enter. Anything slower, shorter or interrupted by
// another key is typing and goes where it was going: keys held back from a
// text field while a burst was possible are put back into it.
"use strict";
window.KeyboardWedge = function (opts) {
  const GAP_MS = 50;   // a reader types a key every few ms; people rarely under 80
  const MIN_LEN = 6;   // 24-bit Wiegand is 6 hex digits; shorter is typing
  const MAX_LEN = 32;  // 16-byte UIDs; longer is not a card number
  const dec = opts.mode === "dec";
  const digit = dec ? /^[0-9]$/ : /^[0-9a-fA-F]$/;

  let buf = "";
  let last = 0;
  let held = [];      // {target, key}: digits kept out of a text field
  let timer = null;
  // swallow is the key whose character must not follow its cancelled
  // keydown: browsers drop it themselves, but some input paths (test
  // drivers, remote-desktop tools) send the character as an event of its
  // own.
  let swallow = "";

  function editable(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    if (el.tagName === "TEXTAREA") return !el.readOnly && !el.disabled;
    if (el.tagName !== "INPUT") return false;
    const types = ["text", "search", "tel", "url", "email", "password", "number", ""];
    return types.includes(el.type) && !el.readOnly && !el.disabled;
  }

  // release gives held keys back to the fields they were typed into.
  function release() {
    for (const h of held) {
      const el = h.target;
      if (!el.isConnected) continue;
      if (el.isContentEditable) {
        el.focus();
        document.execCommand("insertText", false, h.key);
        continue;
      }
      try {
        el.setRangeText(h.key, el.selectionStart, el.selectionEnd, "end");
      } catch (_) {
        el.value += h.key; // type=email/number have no selection API
      }
      el.dispatchEvent(new InputEvent("input", { bubbles: true, data: h.key, inputType: "insertText" }));
    }
    reset();
  }
  function reset() {
    buf = "";
    held = [];
    clearTimeout(timer);
    timer = null;
  }

  // uid is the canonical hex UID of a burst: hex as typed, or a decimal
  // card number as big-endian hex in whole bytes, at least four (as a
  // line-dec serial reader gives it).
  function uid(s) {
    if (!dec) return s.toUpperCase();
    let h = BigInt(s).toString(16).toUpperCase();
    if (h.length % 2) h = "0" + h;
    return h.padStart(8, "0");
  }

  window.addEventListener("keypress", (e) => {
    if (swallow !== "" && e.key === swallow) e.preventDefault();
    swallow = "";
  }, true);

  window.addEventListener("keydown", (e) => {
    swallow = "";
    if (e.isComposing || e.ctrlKey || e.altKey || e.metaKey) { release(); return; }
    const now = performance.now();
    const quick = buf === "" || now - last <= GAP_MS;
    if (digit.test(e.key) && buf.length < MAX_LEN) {
      if (!quick) release(); // the burst so far was typing
      buf += e.key;
      last = now;
      if (editable(e.target)) {
        e.preventDefault();
        swallow = e.key;
        held.push({ target: e.target, key: e.key });
      }
      clearTimeout(timer);
      timer = setTimeout(release, GAP_MS + 20); // no Enter in time: typing
      return;
    }
    if (e.key === "Enter" && quick && buf.length >= MIN_LEN) {
      e.preventDefault();
      e.stopPropagation();
      swallow = "Enter";
      const card = uid(buf);
      reset();
      opts.onCard(card);
      return;
    }
    release();
  }, true);
};
