// Cordon's pages: the live parts, and nothing a page needs to work without it.
"use strict";
(function () {
  // Times: shown in the viewer's zone, UTC on hover.
  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) return;
      el.title = d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
      el.textContent = d.toLocaleString();
    });
  }
  // The one-hour clock: counts down every second; amber under 15 minutes, red under 5.
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-deadline]").forEach(function (el) {
      var left = Math.round((new Date(el.dataset.deadline).getTime() - now) / 1000);
      var late = left < 0, s = Math.abs(left);
      var text = (late ? "late by " : "") + Math.floor(s / 3600) + ":" +
        String(Math.floor(s / 60) % 60).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
      el.textContent = text;
      el.classList.toggle("late", late);
      el.classList.toggle("red", !late && left < 300);
      el.classList.toggle("amber", !late && left >= 300 && left < 900);
    });
  }
  // Live regions: a page names a stream and a fragment; on every event the fragment is
  // fetched again (the server renders it, escaped as every page is).
  function live(el) {
    var source = new EventSource(el.dataset.stream);
    var busy = false;
    function refresh() {
      if (busy) return;
      busy = true;
      fetch(el.dataset.fragment, { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        busy = false;
        if (html === null) return;
        el.innerHTML = html;
        localTimes(el); tick(); sortable(el);
      }, function () { busy = false; });
    }
    source.onmessage = refresh;
    source.addEventListener("open", refresh);
    el.addEventListener("cordon:refresh", refresh);
  }
  // Progress: the fragment fetched again every half second until it says it is finished.
  // One request at a time: the next is sent half a second after the last answer, so a
  // slow answer can never arrive after a newer one and put old progress back.
  function poll(el) {
    function next() {
      fetch(el.dataset.poll, { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        if (html === null) return;
        el.innerHTML = html;
        if (!el.querySelector("[data-finished]")) setTimeout(next, 500);
      }, function () {});
    }
    if (!el.querySelector("[data-finished]")) setTimeout(next, 500);
  }
  // Sensitive media: blurred and grey until clicked, blurred again after 10 seconds.
  function sensitive(img) {
    var timer = null;
    function toggle() {
      var show = !img.classList.contains("revealed");
      img.classList.toggle("revealed", show);
      img.setAttribute("aria-pressed", String(show));
      clearTimeout(timer);
      if (img.tagName === "VIDEO") { if (show) img.play().catch(function () {}); else img.pause(); }
      if (show) timer = setTimeout(function () {
        img.classList.remove("revealed"); img.setAttribute("aria-pressed", "false");
        if (img.tagName === "VIDEO") img.pause();
      }, 10000);
    }
    img.addEventListener("click", toggle);
    img.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
  }
  // Removal orders signed in the browser: the authority picks its Ed25519 key file (PKCS#8,
  // PEM or raw 32-byte seed in base64); the key never leaves the page.
  function signing(form) {
    form.addEventListener("submit", function (e) {
      if (form.dataset.signed === "yes") return;
      e.preventDefault();
      var file = form.querySelector("input[type=file][name=keyfile]").files[0];
      var out = form.querySelector("[data-sign-error]");
      if (!file) { out.textContent = "choose your signing key file"; return; }
      var canonical = form.querySelector("[name=order]").value;
      file.text().then(function (text) {
        var b64 = text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
        var der = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
        if (der.length === 32) {  // a raw seed: wrap it as PKCS#8
          var head = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
          var wrapped = new Uint8Array(48); wrapped.set(head); wrapped.set(der, 16); der = wrapped;
        }
        return crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
      }).then(function (key) {
        return crypto.subtle.sign({ name: "Ed25519" }, key, new TextEncoder().encode(canonical));
      }).then(function (sig) {
        form.querySelector("[name=signature]").value = btoa(String.fromCharCode.apply(null, new Uint8Array(sig)));
        form.querySelector("input[type=file][name=keyfile]").value = "";
        form.dataset.signed = "yes";
        form.submit();
      }).catch(function (err) { out.textContent = "could not sign: " + err; });
    });
  }
  // Tables sort by a column when its heading is clicked (or Enter on it): numbers as numbers.
  function sortable(root) {
    root.querySelectorAll("table thead th").forEach(function (th, column) {
      if (!th.textContent.trim() || th.dataset.sortable) return;
      th.dataset.sortable = "yes";
      th.tabIndex = 0;
      th.title = "Sort by this column";
      function sort() {
        var table = th.closest("table"), body = table.tBodies[0];
        if (!body) return;
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.cells[column], time = cell && cell.querySelector("time[datetime], [data-deadline]");
          if (time) return new Date(time.getAttribute("datetime") || time.dataset.deadline).getTime();
          var text = cell ? cell.textContent.trim() : "";
          return /^-?\d+(\.\d+)?$/.test(text) ? parseFloat(text) : text.toLowerCase();
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    sortable(document);
    localTimes(document);
    tick(); setInterval(tick, 1000);
    document.querySelectorAll("[data-stream][data-fragment]").forEach(live);
    document.querySelectorAll("[data-poll]").forEach(poll);
    document.querySelectorAll(".sensitive").forEach(sensitive);
    document.querySelectorAll("form[data-sign]").forEach(signing);
    document.querySelectorAll("[data-confirm]").forEach(function (b) {
      b.addEventListener("click", function (e) { if (!confirm(b.dataset.confirm)) e.preventDefault(); });
    });
  });
})();
