// Accessibility helpers (docs/accessibility.md): focus follows a form's result, and a
// Jalali date picker for the date filters.

// Focus follows the result: after a full page load or an htmx swap, the first element
// marked data-focus-on-load (a notice «ثبت شد», a form's error) takes focus once, so a
// keyboard or screen-reader user continues from what happened, not from the top or nowhere.
(function () {
  "use strict";

  // Only within what just arrived (the page, or the swapped element): a notice already on
  // the page never takes focus later, whatever else htmx swaps.
  function focusResult(scope) {
    if (!scope || !scope.querySelectorAll) return;
    var found = Array.prototype.slice.call(scope.querySelectorAll("[data-focus-on-load]:not([data-focused])"));
    if (scope.matches && scope.matches("[data-focus-on-load]:not([data-focused])")) found.unshift(scope);
    found.forEach(function (el) { el.setAttribute("data-focused", ""); });
    if (!found.length) return;
    if (!found[0].hasAttribute("tabindex")) found[0].setAttribute("tabindex", "-1");
    found[0].focus();
  }
  document.addEventListener("DOMContentLoaded", function () { focusResult(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusResult(event.target); });
})();

// A Jalali (solar hijri) date picker for date filters: an input marked data-jalali-picker
// gets a «تقویم» button that opens a month of Jalali days; choosing one writes it as
// ۱۴۰۴/۰۱/۰۵ and returns focus to the input. Typing stays possible (Persian or Latin digits);
// the server parses either. No library, nothing from another host.
(function () {
  "use strict";

  var MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
  var WEEKDAYS = ["ش", "ی", "د", "س", "چ", "پ", "ج"];
  var FA = "۰۱۲۳۴۵۶۷۸۹";

  function fa(n, width) {
    var s = String(n);
    while (s.length < (width || 0)) s = "0" + s;
    return s.replace(/\d/g, function (d) { return FA[+d]; });
  }
  function latin(text) {
    return String(text).replace(/[۰-۹]/g, function (d) { return FA.indexOf(d); })
      .replace(/[٠-٩]/g, function (d) { return d.charCodeAt(0) - 0x660; });
  }
  function div(a, b) { return ~~(a / b); } // truncating, as jalaali-js

  // The jalaali-js algorithm (Borkowski), Jalali ⇄ Julian day number.
  var BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178];
  function jalCal(jy) {
    var gy = jy + 621, leapJ = -14, jp = BREAKS[0], jm, jump = 0, leap, n, i;
    for (i = 1; i < BREAKS.length; i += 1) {
      jm = BREAKS[i]; jump = jm - jp;
      if (jy < jm) break;
      leapJ += div(jump, 33) * 8 + div(jump % 33, 4);
      jp = jm;
    }
    n = jy - jp;
    leapJ += div(n, 33) * 8 + div((n % 33) + 3, 4);
    if (jump % 33 === 4 && jump - n === 4) leapJ += 1;
    var leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
    var march = 20 + leapJ - leapG;
    if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
    leap = ((((n + 1) % 33) - 1) % 4);
    if (leap === -1) leap = 4;
    return { leap: leap, gy: gy, march: march };
  }
  function g2d(gy, gm, gd) {
    var d = div((gy + div(gm - 8, 6) + 100100) * 1461, 4) + div(153 * ((gm + 9) % 12) + 2, 5) + gd - 34840408;
    return d - div(div(gy + 100100 + div(gm - 8, 6), 100) * 3, 4) + 752;
  }
  function d2g(jdn) {
    var j = 4 * jdn + 139361631;
    j = j + div(div(4 * jdn + 183187720, 146097) * 3, 4) * 4 - 3908;
    var i = div(j % 1461, 4) * 5 + 308;
    var gd = div(i % 153, 5) + 1, gm = (div(i, 153) % 12) + 1;
    return { gy: div(j, 1461) - 100100 + div(8 - gm, 6), gm: gm, gd: gd };
  }
  function j2d(jy, jm, jd) {
    var r = jalCal(jy);
    return g2d(r.gy, 3, r.march) + (jm - 1) * 31 - div(jm, 7) * (jm - 7) + jd - 1;
  }
  function d2j(jdn) {
    var gy = d2g(jdn).gy, jy = gy - 621, r = jalCal(jy), k = jdn - g2d(gy, 3, r.march);
    if (k >= 0) {
      if (k <= 185) return { jy: jy, jm: 1 + div(k, 31), jd: (k % 31) + 1 };
      k -= 186;
    } else {
      jy -= 1; k += 179;
      if (r.leap === 1) k += 1;
    }
    return { jy: jy, jm: 7 + div(k, 30), jd: (k % 30) + 1 };
  }
  function monthLength(jy, jm) {
    if (jm <= 6) return 31;
    if (jm <= 11) return 30;
    return jalCal(jy).leap === 0 ? 30 : 29;
  }
  function today() {
    var now = new Date();
    return d2j(g2d(now.getFullYear(), now.getMonth() + 1, now.getDate()));
  }

  function build(input) {
    var shown = null;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "jalali-toggle secondary";
    button.textContent = "تقویم";
    button.setAttribute("aria-expanded", "false");
    var panel = document.createElement("div");
    panel.className = "jalali-panel card";
    panel.hidden = true;
    panel.setAttribute("role", "group");
    var label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "";
    panel.setAttribute("aria-label", "تقویم خورشیدی" + (label ? "، " + label : ""));
    button.setAttribute("aria-label", "تقویم خورشیدی" + (label ? " برای «" + label + "»" : ""));
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", panel);

    function render() {
      var first = j2d(shown.jy, shown.jm, 1);
      var weekday = (first + 2) % 7; // 0 = شنبه
      var html = '<div class="jalali-head"><button type="button" data-step="-1" aria-label="ماه پیش">›</button>' +
        '<strong aria-live="polite">' + MONTHS[shown.jm - 1] + " " + fa(shown.jy) + "</strong>" +
        '<button type="button" data-step="1" aria-label="ماه پس">‹</button></div><table class="jalali-grid"><thead><tr>';
      WEEKDAYS.forEach(function (w) { html += '<th scope="col">' + w + "</th>"; });
      html += "</tr></thead><tbody><tr>";
      for (var i = 0; i < weekday; i += 1) html += "<td></td>";
      for (var d = 1; d <= monthLength(shown.jy, shown.jm); d += 1) {
        if ((weekday + d - 1) % 7 === 0 && d > 1) html += "</tr><tr>";
        html += '<td><button type="button" data-day="' + d + '" aria-label="' + fa(d) + " " + MONTHS[shown.jm - 1] + " " + fa(shown.jy) + '">' + fa(d) + "</button></td>";
      }
      html += "</tr></tbody></table>";
      panel.innerHTML = html;
    }
    function open() {
      var m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(latin(input.value).trim());
      shown = m ? { jy: +m[1], jm: Math.min(Math.max(+m[2], 1), 12) } : today();
      render();
      panel.hidden = false;
      button.setAttribute("aria-expanded", "true");
      var day = panel.querySelector("[data-day]");
      if (day) day.focus();
    }
    function close(focusInput) {
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (focusInput) input.focus();
    }
    button.addEventListener("click", function () {
      if (panel.hidden) open(); else close(false);
    });
    panel.addEventListener("click", function (event) {
      var target = event.target.closest("button");
      if (!target) return;
      if (target.dataset.step) {
        shown.jm += +target.dataset.step;
        if (shown.jm < 1) { shown.jm = 12; shown.jy -= 1; }
        if (shown.jm > 12) { shown.jm = 1; shown.jy += 1; }
        render();
        panel.querySelector('[data-step="' + target.dataset.step + '"]').focus();
        return;
      }
      input.value = fa(shown.jy) + "/" + fa(shown.jm, 2) + "/" + fa(+target.dataset.day, 2);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close(true);
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(true); }
    });
  }

  function init(root) {
    root.querySelectorAll("input[data-jalali-picker]:not([data-jalali-ready])").forEach(function (input) {
      input.setAttribute("data-jalali-ready", "");
      build(input);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
