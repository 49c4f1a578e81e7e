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

// ---- Feedback: busy buttons, failed requests, toasts, live «نوشته‌های من», focus ----------
// (docs/feedback.md). Texts come from the [data-toasts] region that base.html translates.
(function () {
  "use strict";

  function texts() {
    var region = document.querySelector("[data-toasts]");
    return region ? region.dataset : {};
  }

  // Plain POST forms (no htmx): the first submit disables their buttons and shows
  // «در حال ارسال…»; any further submit is dropped until the page is shown again. A
  // disabled button is not sent, so the pressed one's name and value go in a hidden field.
  function indicatorFor(form) {
    var shown = form.querySelector("[data-sending-indicator]");
    if (shown) { return shown; }
    var span = document.createElement("span");
    span.className = "sending-indicator";
    span.setAttribute("data-sending-indicator", "");
    span.setAttribute("data-added", "");
    var spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.setAttribute("aria-hidden", "true");
    span.appendChild(spinner);
    span.appendChild(document.createTextNode(texts().textSending || "…"));
    var buttons = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
    var last = buttons[buttons.length - 1];
    if (last) { last.insertAdjacentElement("afterend", span); } else { form.appendChild(span); }
    return span;
  }

  function isHtmxForm(form) {
    return window.htmx && (form.hasAttribute("hx-post") || form.hasAttribute("hx-get") ||
      form.hasAttribute("hx-put") || form.hasAttribute("hx-delete"));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || isHtmxForm(form)) { return; }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
    if (form.hasAttribute("data-no-busy") || form.target) { return; }
    if (form.dataset.submitting) { event.preventDefault(); return; }
    if (event.defaultPrevented) { return; }
    form.dataset.submitting = "1";
    form.setAttribute("aria-busy", "true");
    indicatorFor(form).classList.add("is-shown");
    var pressed = event.submitter;
    if (pressed && pressed.name && !pressed.disabled) {
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = pressed.name;
      copy.value = pressed.value;
      copy.setAttribute("data-submitter-copy", "");
      form.appendChild(copy);
    }
    form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
      if (!button.disabled) { button.disabled = true; button.setAttribute("data-disabled-by-busy", ""); }
    });
  });

  // Back/forward shows the page from the cache with its buttons as they were left.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[data-disabled-by-busy]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("data-disabled-by-busy");
      });
      form.querySelectorAll("[data-sending-indicator]").forEach(function (span) {
        span.classList.remove("is-shown");
      });
      form.querySelectorAll("[data-submitter-copy]").forEach(function (copy) { copy.remove(); });
    });
  });

  // htmx requests: aria-busy while in flight (the button and indicator are the forms' own
  // hx-disabled-elt and hx-indicator); a failure says so in Persian beside the form.
  function formOf(elt) { return elt && (elt.closest("form") || elt); }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form) { return; }
    form.setAttribute("aria-busy", "true");
    var old = form.parentNode && form.parentNode.querySelector("[data-request-error]");
    if (old && old.previousElementSibling === form) { old.remove(); }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (form) { form.removeAttribute("aria-busy"); }
  });

  function showRequestError(elt, message) {
    var form = formOf(elt);
    if (!form || !form.isConnected) { return; }
    var note = form.nextElementSibling;
    if (!note || !note.hasAttribute("data-request-error")) {
      note = document.createElement("p");
      note.className = "alert error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-request-error", "");
      note.setAttribute("data-testid", "request-error");
      form.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
  }

  // A refusal fragment (DomainErrorMiddleware) carries its own Persian message; a server
  // error or an answer that is not ours gets the general one.
  function refusalText(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (xhr.status >= 500 || type.indexOf("text/html") !== 0 || !xhr.responseText) { return null; }
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var alert = doc.querySelector("[data-testid=refused], .alert.error");
    var text = alert && alert.textContent.trim();
    return text && text.length < 400 ? text : null;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    showRequestError(event.detail.elt, refusalText(xhr) || texts().textErrorServer);
  });
  document.addEventListener("htmx:sendError", function (event) {
    showRequestError(event.detail.elt, texts().textErrorNetwork);
  });
  document.addEventListener("htmx:timeout", function (event) {
    showRequestError(event.detail.elt, texts().textErrorNetwork);
  });

  // After a swap the element that had focus is gone: move it to the new content's message,
  // else its first heading, else its first control, so keyboard and screen-reader users stay
  // where they were. The moderation queue places focus itself (moderation.js).
  function focusTarget(root) {
    return root.querySelector("[role=alert]") || root.querySelector(".alert[role=status]") ||
      root.querySelector("h1, h2, h3") ||
      root.querySelector("button:not([disabled]), a[href], input:not([type=hidden]), textarea, select");
  }

  function focusInto(node) {
    if (!node) { return; }
    if (!node.matches("a[href], button, input, textarea, select, [tabindex]")) {
      node.setAttribute("tabindex", "-1");
    }
    node.focus({ preventScroll: false });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    if (!target || !target.isConnected || target.closest("[data-queue]")) { return; }
    var active = document.activeElement;
    var lost = !active || active === document.body || !active.isConnected;
    if (!lost) { return; }
    focusInto(focusTarget(target));
  });

  // Toasts: a live notification's sentence and link, announced politely, closable,
  // hidden after a while unless the pointer or focus is on it.
  var TOAST_MS = 8000;

  function dismiss(toast) {
    if (!toast.isConnected) { return; }
    toast.classList.add("is-leaving");
    setTimeout(function () { toast.remove(); }, 250);
  }

  function addToast(node) {
    var region = document.querySelector("[data-toasts]");
    if (!region || !node) { return; }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", texts().textClose || "×");
    close.setAttribute("data-testid", "toast-close");
    close.textContent = "×";
    close.addEventListener("click", function () { dismiss(node); });
    node.appendChild(close);
    region.appendChild(node);
    var held = false;
    ["mouseenter", "focusin"].forEach(function (name) { node.addEventListener(name, function () { held = true; }); });
    ["mouseleave", "focusout"].forEach(function (name) { node.addEventListener(name, function () { held = false; }); });
    (function later() {
      setTimeout(function () { if (held) { later(); } else { dismiss(node); } }, TOAST_MS);
    })();
    while (region.children.length > 3) { region.firstElementChild.remove(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("[data-toasts] [data-toast]:focus-within");
    if (open) { dismiss(open); }
  });

  function fetchHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; });
  }

  function parseHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // «نوشته‌های من» open when a decision arrives: read the page again and swap the rows that
  // changed and the rejections block, in place.
  var LIVE_KINDS = { "moderation.decision": true, "moderation.hidden_by_reports": true, "triage.outcome": true };

  function refreshMyPosts() {
    var block = document.querySelector("[data-my-posts]");
    if (!block) { return; }
    fetchHtml(location.href).then(function (html) {
      if (!html) { return; }
      var fresh = new DOMParser().parseFromString(html, "text/html");
      document.querySelectorAll("[data-live-row], [data-live-block]").forEach(function (mine) {
        var theirs = mine.id && fresh.getElementById(mine.id);
        if (!theirs || theirs.innerHTML === mine.innerHTML) { return; }
        var copy = document.importNode(theirs, true);
        if (copy.hasAttribute("data-live-row")) { copy.classList.add("is-updated"); }
        mine.replaceWith(copy);
        if (window.htmx) { window.htmx.process(copy); }
      });
    }).catch(function () { /* the next decision or a reload brings it */ });
  }

  document.addEventListener("hamandishi:notification", function (event) {
    var notification = event.detail || {};
    var region = document.querySelector("[data-toasts]");
    if (region && region.dataset.toastUrl && notification.id) {
      fetchHtml(region.dataset.toastUrl.replace(/0\/toast\/$/, notification.id + "/toast/"))
        .then(function (html) { if (html) { addToast(parseHtml(html)); } })
        .catch(function () {});
    }
    if (LIVE_KINDS[notification.kind]) { refreshMyPosts(); }
  });
})();
