// Maps (docs/map.md): the point picker of the report form, the pin on a problem's page and
// a plan's problem map. Leaflet comes from django-leaflet's static files; settings come from
// data-* attributes ({% map_attrs %}); no inline script, nothing from another host unless
// the deployment set a tile server.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var faDigits = "۰۱۲۳۴۵۶۷۸۹";
  var persian = document.documentElement.lang !== "en";
  function num(n) {
    return persian ? String(n).replace(/[0-9]/g, function (d) { return faDigits[d]; }) : String(n);
  }

  function readJson(id) {
    var el = id && document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  // A Leaflet map in `el` with Persian controls, the tile layer when one is set (or a note
  // that the base map is off) and the city's boundaries drawn on top.
  function baseMap(el, options) {
    L.Icon.Default.imagePath = el.dataset.images;
    var map = L.map(el, Object.assign({ zoomControl: false, attributionControl: true }, options || {}));
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    L.control.zoom({ zoomInTitle: "بزرگ‌نمایی", zoomOutTitle: "کوچک‌نمایی" }).addTo(map);
    var notice = el.parentElement.querySelector("[data-map-notice]");
    var maxZoom = parseInt(el.dataset.maxZoom || "18", 10);
    map.setMaxZoom(maxZoom);
    if (el.dataset.tiles) {
      var failed = false;
      L.tileLayer(el.dataset.tiles, { maxZoom: maxZoom, attribution: el.dataset.attribution || "" })
        .on("tileerror", function () {
          if (failed || !notice) { return; }
          failed = true;
          notice.textContent = notice.dataset.failed;
          notice.hidden = false;
          el.classList.add("no-tiles");
        })
        .addTo(map);
    } else {
      el.classList.add("no-tiles");
      if (notice) { notice.textContent = notice.dataset.off; notice.hidden = false; }
    }
    var boundaries = readJson(el.dataset.boundaries);
    var view = null;
    if (boundaries && boundaries.features.length) {
      L.geoJSON(boundaries, {
        interactive: false,
        style: function (feature) {
          return feature.properties.city
            ? { color: "#0f6e5e", weight: 2, fill: false }
            : { color: "#5b6576", weight: 1, dashArray: "4 4", fillColor: "#0f6e5e", fillOpacity: 0.04 };
        }
      }).addTo(map);
      if (boundaries.view) { view = L.latLngBounds([boundaries.view[0], boundaries.view[1]], [boundaries.view[2], boundaries.view[3]]); }
    }
    return { map: map, view: view };
  }

  function cityView(made, fallbackZoom) {
    if (made.view) { made.map.fitBounds(made.view); }
    else { made.map.setView([32.4, 53.7], fallbackZoom || 5); } // Iran
  }

  // Report form: tap to set a pin, drag to move it, remove it, or (after asking) use the
  // device's position. The hidden inputs carry the point; without this script they stay
  // empty and the form is sent without one.
  function picker(el) {
    var root = el.closest("[data-point-picker]");
    var lat = root.querySelector("input[name=latitude]");
    var lon = root.querySelector("input[name=longitude]");
    var status = root.querySelector("[data-picker-status]");
    var clear = root.querySelector("[data-picker-clear]");
    var locate = root.querySelector("[data-picker-locate]");
    var consent = root.querySelector("[data-picker-consent]");
    root.querySelectorAll("[data-needs-script]").forEach(function (n) { n.hidden = false; });
    root.querySelectorAll("[data-without-script]").forEach(function (n) { n.hidden = true; });
    var made = baseMap(el);
    var map = made.map;
    var marker = null;

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("error", !!isError);
    }
    function show(latlng) {
      var text = root.dataset.chosen.replace("{lat}", num(latlng.lat.toFixed(5))).replace("{lon}", num(latlng.lng.toFixed(5)));
      say(text, false);
    }
    function insideCity(latlng) { return !made.view || made.view.contains(latlng); }
    function place(latlng, fromDevice) {
      lat.value = latlng.lat.toFixed(5);
      lon.value = latlng.lng.toFixed(5);
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true, title: root.dataset.pinTitle, alt: root.dataset.pinTitle }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(latlng);
      }
      clear.hidden = false;
      if (!insideCity(latlng)) { say(root.dataset.outside, true); } else { show(latlng); }
      if (fromDevice) { map.setView(latlng, Math.max(map.getZoom(), 16)); }
      pointChanged();
    }
    // The similar-problem list on the form listens for this and asks again with the pin.
    function pointChanged() { document.body.dispatchEvent(new CustomEvent("point-changed")); }
    map.on("click", function (e) { place(e.latlng, false); });
    clear.addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      lat.value = ""; lon.value = "";
      clear.hidden = true;
      say(root.dataset.cleared, false);
      pointChanged();
    });
    // Nothing is asked of the browser until the person presses «use my location» and then
    // confirms what it means.
    locate.addEventListener("click", function () { consent.hidden = false; consent.querySelector("[data-consent-yes]").focus(); });
    consent.querySelector("[data-consent-no]").addEventListener("click", function () { consent.hidden = true; locate.focus(); });
    consent.querySelector("[data-consent-yes]").addEventListener("click", function () {
      consent.hidden = true;
      if (!navigator.geolocation) { say(root.dataset.noGeo, true); return; }
      say(root.dataset.locating, false);
      navigator.geolocation.getCurrentPosition(function (position) {
        place(L.latLng(position.coords.latitude, position.coords.longitude), true);
      }, function (error) {
        say(error.code === 1 ? root.dataset.denied : root.dataset.unavailable, true);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });

    if (lat.value && lon.value && !isNaN(parseFloat(lat.value)) && !isNaN(parseFloat(lon.value))) {
      var kept = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
      cityView(made);
      place(kept, false);
      map.setView(kept, Math.max(map.getZoom(), 15));
    } else {
      cityView(made);
    }
  }

  // A problem's page: its pin, nothing to do.
  function pin(el) {
    var made = baseMap(el, { scrollWheelZoom: false });
    var at = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
    L.marker(at, { title: el.dataset.title, alt: el.dataset.title, keyboard: false }).addTo(made.map);
    made.map.setView(at, 14);
  }

  // A plan's problem map: clusters with their counts and single problems linking to their
  // page, fetched from the map API for the view on every move.
  function planMap(el) {
    el.parentElement.querySelectorAll("[data-without-script]").forEach(function (n) { n.hidden = true; });
    var made = baseMap(el);
    var map = made.map;
    var layer = L.layerGroup().addTo(map);
    var summary = el.parentElement.querySelector("[data-map-summary]");
    var pending = null;
    var lastRequest = 0;

    function cluster(feature) {
      var at = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
      var count = feature.properties.count;
      var size = count < 10 ? 34 : count < 100 ? 42 : count < 1000 ? 50 : 58;
      var label = el.dataset.clusterLabel.replace("{n}", num(count));
      var marker = L.marker(at, {
        icon: L.divIcon({ className: "map-cluster", html: "<span>" + num(count) + "</span>", iconSize: [size, size] }),
        title: label, alt: label, keyboard: true
      });
      marker.on("click", function () { map.setView(at, Math.min(map.getZoom() + 2, map.getMaxZoom())); });
      return marker;
    }
    function point(feature) {
      var at = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
      var marker = L.marker(at, { title: feature.properties.title, alt: feature.properties.title });
      var link = document.createElement("a");
      link.href = feature.properties.url;
      link.textContent = feature.properties.title; // text, never HTML
      link.dataset.testid = "map-popup-link";
      marker.bindPopup(link);
      return marker;
    }
    function load() {
      var b = map.getBounds();
      var south = Math.max(b.getSouth(), -90), north = Math.min(b.getNorth(), 90);
      var west = Math.max(b.getWest(), -180), east = Math.min(b.getEast(), 180);
      var params = new URLSearchParams(el.dataset.filters || "");
      params.set("bbox", [south, west, north, east].map(function (v) { return v.toFixed(5); }).join(","));
      params.set("zoom", String(map.getZoom()));
      var mine = ++lastRequest;
      fetch(el.dataset.api + "?" + params.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          if (mine !== lastRequest) { return; }
          layer.clearLayers();
          data.features.forEach(function (f) { layer.addLayer(f.properties.kind === "cluster" ? cluster(f) : point(f)); });
          el.dataset.loaded = String(data.features.length);
          if (summary) {
            summary.textContent = el.dataset.summary.replace("{n}", num(data.total)) + (data.truncated ? " " + el.dataset.truncated : "");
          }
        })
        .catch(function () { if (summary) { summary.textContent = el.dataset.loadFailed; } });
    }
    map.on("moveend", function () { clearTimeout(pending); pending = setTimeout(load, 150); });
    cityView(made, 5);
  }

  document.querySelectorAll("[data-map=picker]").forEach(picker);
  document.querySelectorAll("[data-map=pin]").forEach(pin);
  document.querySelectorAll("[data-map=plan]").forEach(planMap);
})();
