// Live moderation queue: new entries arrive, claims change and decided entries leave
// without a reload. Entries come from the server's entry partial, so their markup lives in
// one template; the socket only says which entry changed.
(function () {
  "use strict";
  var faDigits = "۰۱۲۳۴۵۶۷۸۹";

  function localDigits(value) {
    var text = String(value);
    if (document.documentElement.lang === "en") { return text; }
    return text.replace(/[0-9]/g, function (d) { return faDigits[d]; });
  }

  function init(queue) {
    var data = queue.dataset;
    var status = document.querySelector("[data-testid=live-status]");
    var gone = {};  // entries decided while their partial was on its way

    function setStatus(state) {
      if (!status) { return; }
      status.dataset.state = state;
      var key = "text" + state.charAt(0).toUpperCase() + state.slice(1);
      status.textContent = status.dataset[key] || state;
    }

    function find(id) { return queue.querySelector('[data-entry-id="' + id + '"]'); }
    function entries() { return queue.querySelectorAll("[data-entry-id]"); }

    function refreshCount() {
      var count = entries().length;
      document.querySelectorAll("[data-queue-count]").forEach(function (el) {
        el.textContent = localDigits(count);
      });
      var empty = document.querySelector("[data-queue-empty]");
      if (empty) { empty.hidden = count > 0; }
    }

    // Waiting time, worded like the server's duration_text(); counted from the seconds the
    // server gave when the entry was rendered, so the device's clock does not matter.
    function waitingText(seconds) {
      var minutes = Math.floor(seconds / 60);
      if (minutes < 1) { return data.textNow; }
      var units = [
        [Math.floor(minutes / 1440), data.unitDay],
        [Math.floor(minutes / 60) % 24, data.unitHour],
        [minutes % 60, data.unitMinute]
      ];
      return units.filter(function (u) { return u[0] > 0; }).slice(0, 2)
        .map(function (u) { return localDigits(u[0]) + " " + u[1]; }).join(data.textAnd);
    }

    function startClock(node) {
      node.querySelectorAll("[data-waiting-seconds]").forEach(function (el) {
        el.dataset.loadedAt = String(Date.now());
      });
    }

    function tick() {
      queue.querySelectorAll("[data-waiting-seconds]").forEach(function (el) {
        var loaded = parseInt(el.dataset.loadedAt || Date.now(), 10);
        var seconds = parseInt(el.dataset.waitingSeconds, 10) + (Date.now() - loaded) / 1000;
        el.textContent = waitingText(seconds);
      });
      expireClaims();
    }

    function activate(node) {
      if (window.htmx) { window.htmx.process(node); }
      startClock(node);
    }

    // Oldest first: entries are ordered by id, which follows their arrival.
    function place(node) {
      var id = parseInt(node.dataset.entryId, 10);
      var after = Array.prototype.find.call(entries(), function (other) {
        return parseInt(other.dataset.entryId, 10) > id;
      });
      queue.insertBefore(node, after || null);
    }

    function parse(html) {
      var template = document.createElement("template");
      template.innerHTML = html.trim();
      return template.content.firstElementChild;
    }

    function insert(id) {
      if (find(id)) { return; }
      fetch(data.entryUrl + id + "/", { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html || find(id) || gone[id]) { return; }
          var node = parse(html);
          if (!node || !node.dataset.entryId) { return; }
          node.classList.add("is-new");
          place(node);
          activate(node);
          refreshCount();
        })
        .catch(function () { /* the next resync brings it */ });
    }

    function claimText(who, name) {
      if (who === "me") { return data.textClaimedMe; }
      if (who === "other") { return data.textClaimed.replace("{name}", name); }
      return data.textFree;
    }

    function untilText(iso) {
      var time = new Date(iso).toLocaleTimeString("en-GB", {
        hour: "2-digit", minute: "2-digit", hour12: false, timeZone: data.timeZone || undefined
      });
      return data.textUntil.replace("{time}", localDigits(time));
    }

    function setClaim(entry) {
      var node = find(entry.id);
      if (!node) { return; }
      var claimed = entry.claimed_by;
      var who = !claimed ? "" : (String(claimed.id) === data.me ? "me" : "other");
      node.dataset.claimed = who;
      var text = node.querySelector("[data-claim-text]");
      if (text) { text.textContent = claimText(who, claimed && claimed.public_name); }
      var until = node.querySelector("[data-claim-until]");
      if (until) {
        until.textContent = entry.claimed_until ? untilText(entry.claimed_until) : "";
        if (entry.claimed_until) { until.setAttribute("datetime", entry.claimed_until); }
        else { until.removeAttribute("datetime"); }
      }
    }

    // Claims lapse on the server without an event; show them free once their time has passed.
    function expireClaims() {
      entries().forEach(function (node) {
        var until = node.querySelector("[data-claim-until]");
        var iso = until && until.getAttribute("datetime");
        if (node.dataset.claimed && iso && new Date(iso).getTime() <= Date.now()) {
          setClaim({ id: node.dataset.entryId, claimed_by: null, claimed_until: null });
        }
      });
    }

    function busy(node) { return node.querySelector(".htmx-request") !== null; }

    function remove(ids) {
      ids.forEach(function (id) {
        gone[id] = true;
        var node = find(id);
        // This page's own decision is on its way back: its answer replaces the entry.
        if (!node || busy(node)) { return; }
        node.removeAttribute("data-entry-id");
        node.classList.add("is-leaving");
        setTimeout(function () { node.remove(); }, 400);
      });
      refreshCount();
    }

    // After (re)connecting, events sent meanwhile are lost: read the queue once more.
    function resync() {
      fetch(location.pathname, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-queue]");
          if (!fresh) { return; }
          var open = {};
          fresh.querySelectorAll("[data-entry-id]").forEach(function (node) {
            var id = node.dataset.entryId;
            open[id] = true;
            var mine = find(id);
            if (!mine && !gone[id]) {
              var copy = document.importNode(node, true);
              place(copy);
              activate(copy);
            } else if (mine && mine.dataset.claimed !== node.dataset.claimed) {
              mine.dataset.claimed = node.dataset.claimed;
              var line = mine.querySelector("[data-claim-line]");
              var freshLine = node.querySelector("[data-claim-line]");
              if (line && freshLine) { line.innerHTML = freshLine.innerHTML; }
            }
          });
          var closed = [];
          entries().forEach(function (node) {
            if (!open[node.dataset.entryId]) { closed.push(node.dataset.entryId); }
          });
          remove(closed);
          refreshCount();
        })
        .catch(function () {});
    }

    // Exponential 1 s → 30 s with jitter (the upper half of each step), reset on open.
    function reconnectDelay(attempt) {
      var ceiling = Math.min(1000 * Math.pow(2, attempt), 30000);
      return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    }

    function connect(attempt) {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + location.host + data.socket);
      var pinger = null;
      setStatus("connecting");
      socket.onopen = function () {
        attempt = 0;
        setStatus("live");
        resync();
        pinger = setInterval(function () { socket.send(JSON.stringify({ type: "ping" })); }, 30000);
      };
      socket.onmessage = function (message) {
        var event = JSON.parse(message.data);
        if (event.type === "queue.created") {
          insert(String(event.entry_id));
        } else if (event.type === "queue.claimed" || event.type === "queue.released") {
          if (event.entry) { setClaim(event.entry); }
        } else if (event.type === "queue.decided") {
          remove((event.entry_ids || []).map(String));
        }
      };
      socket.onclose = function (closing) {
        clearInterval(pinger);
        // Signed out or no longer a moderator of this city: retrying cannot help.
        if (closing.code === 4401 || closing.code === 4403) { setStatus("closed"); return; }
        setStatus("offline");
        setTimeout(function () { connect(attempt + 1); }, reconnectDelay(attempt));
      };
    }

    // htmx answers (a claim, a refusal, a decision) replace one entry.
    document.body.addEventListener("htmx:load", function (event) {
      var node = event.detail.elt;
      if (!node || !queue.contains(node)) { return; }
      startClock(node);
      if (node.hasAttribute("data-fade")) {
        setTimeout(function () { node.classList.add("is-leaving"); }, 5000);
        setTimeout(function () { node.remove(); }, 5400);
      }
      refreshCount();
    });

    // Keyboard and screen-reader users keep their place: after a claim, focus goes to the
    // decision's first choice; after a release to «برداشتن»; after a refusal to its message;
    // after a decision (the entry fades away) to the next entry, else the page's heading.
    function visible(el) { return el && el.offsetParent !== null; }
    function firstVisible(node, selector) {
      return Array.prototype.find.call(node.querySelectorAll(selector), visible) || null;
    }
    function focusOn(el) {
      if (!el) { return; }
      if (!el.matches("a[href], button, input, textarea, select, [tabindex]")) { el.setAttribute("tabindex", "-1"); }
      el.focus();
    }
    function nextEntry(node) {
      var next = node.nextElementSibling;
      while (next && !next.hasAttribute("data-entry-id")) { next = next.nextElementSibling; }
      if (next) { return next; }
      var prev = node.previousElementSibling;
      while (prev && !prev.hasAttribute("data-entry-id")) { prev = prev.previousElementSibling; }
      return prev;
    }
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var node = event.detail.elt;
      if (!node || !node.isConnected || !queue.contains(node)) { return; }
      var active = document.activeElement;
      if (active && active !== document.body && active.isConnected) { return; }
      if (node.hasAttribute("data-fade")) {
        var next = nextEntry(node);
        focusOn(next ? firstVisible(next, "[data-claim-button], [data-release-button], .entry-title a") || next
          : document.querySelector("h1"));
        return;
      }
      var alert = node.querySelector("[role=alert]");
      if (alert) { focusOn(alert); return; }
      if (node.dataset.claimed === "me") {
        focusOn(firstVisible(node, ".decide-form input[name=outcome]:checked, .decide-form input[name=outcome]"));
      } else {
        focusOn(firstVisible(node, "[data-claim-button]"));
      }
    });

    startClock(queue);
    setInterval(tick, 60000);
    if ("WebSocket" in window) { connect(0); } else { setStatus("offline"); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var queue = document.querySelector("[data-queue]");
    if (queue) { init(queue); }
  });
})();
