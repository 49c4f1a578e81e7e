// Live notification badge: one websocket per signed-in page, reconnecting with backoff.
(function () {
  "use strict";
  var faDigits = "۰۱۲۳۴۵۶۷۸۹";
  function toFa(n) { return String(n).replace(/[0-9]/g, function (d) { return faDigits[d]; }); }

  function setBadge(count) {
    document.querySelectorAll("[data-unread-badge]").forEach(function (el) {
      el.dataset.count = String(count);
      el.textContent = document.documentElement.lang === "en" ? String(count) : toFa(count);
      el.hidden = count <= 0;
    });
    document.querySelectorAll("[data-unread-label]").forEach(function (el) {
      el.textContent = count > 0 ? " " + el.dataset.text : "";
    });
  }

  function currentCount() {
    var el = document.querySelector("[data-unread-badge]");
    return el && el.dataset.count ? parseInt(el.dataset.count, 10) : 0;
  }

  // Reconnect delay: exponential from 1 s to 30 s, each wait drawn at random from its upper
  // half so that many pages dropped by one restart do not all come back at the same moment.
  function reconnectDelay(attempt) {
    var ceiling = Math.min(1000 * Math.pow(2, attempt), 30000);
    return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
  }

  // «Live connection lost; reconnecting…» while a dropped socket waits to come back.
  function showDropped(dropped) {
    document.querySelectorAll("[data-live-connection]").forEach(function (el) {
      el.hidden = !dropped;
    });
  }

  function connect(path, attempt) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + path);
    socket.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.type === "notification.created") {
        setBadge(currentCount() + 1);
        document.dispatchEvent(new CustomEvent("hamandishi:notification", { detail: event.notification }));
      } else if (event.type === "notification.read") {
        setBadge(Math.max(currentCount() - (event.count || 0), 0));
      }
    };
    socket.onopen = function () {
      attempt = 0;  // a connection that opened starts the backoff again from 1 s
      document.body.dataset.liveConnected = "1";
      showDropped(false);
    };
    socket.onclose = function (closing) {
      delete document.body.dataset.liveConnected;
      // 4401 signed out, 4403 not allowed: retrying cannot help.
      if (closing.code === 4401 || closing.code === 4403) { showDropped(false); return; }
      showDropped(true);
      setTimeout(function () { connect(path, attempt + 1); }, reconnectDelay(attempt));
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var badge = document.querySelector("[data-unread-badge]");
    if (badge) {
      var digits = badge.textContent.trim().replace(/[۰-۹]/g, function (d) { return faDigits.indexOf(d); });
      badge.dataset.count = String(parseInt(digits, 10) || 0);
    }
    var path = document.body.dataset.liveNotifications;
    if (path && "WebSocket" in window) { connect(path, 0); }
  });
})();

// htmx leaves 4xx answers unswapped; forms marked data-swap-errors get their refusal partial
// (a Persian message with the typed text kept) swapped in like a success.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  var source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (status >= 400 && status < 500 && source && source.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A select marked data-autosubmit sends its form on change (the language switch, the
// transparency page's city): behaviour lives here, not in inline handlers, so the
// Content-Security-Policy needs no 'unsafe-inline' for scripts.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
