// The projector page, live: one event stream replaces the live part of the page whenever the room
// or the trainer's choices change; the forms are sent without a page load; keys for the trainer:
// r reveals (all, or the myth on screen), h hides, c closes or reopens the round, d toggles discuss mode,
// w shows the room's commitments in place of the myths (after a reveal), and back,
// → / Page Down / Space next, ← / Page Up back, Esc leaves; j hides the join card, b blanks the screen
// (a presenter's clicker sends Page Down and Page Up, and b).
// The page works without this file (forms, and a refresh inside <noscript>).
(function () {
  "use strict";
  var root = document.getElementById("projector");
  var live = document.getElementById("live");
  if (!root || !live || !window.EventSource || !window.fetch) return;

  function apply(data) {
    var focused = document.activeElement && document.activeElement.getAttribute("data-focus");
    var open = live.querySelector("#room-commitments[open]"); // the room's commitments stay open
    live.innerHTML = data.html;
    var commitments = live.querySelector("#room-commitments");
    if (open && commitments) commitments.open = true;
    if (data.title) document.title = data.title;
    if (focused) {
      var again = live.querySelector('[data-focus="' + focused + '"]');
      if (again) again.focus();
    }
    root.setAttribute("data-updated", String(Date.now()));
  }

  var source = new EventSource(root.getAttribute("data-events"));
  source.addEventListener("room", function (event) {
    apply(JSON.parse(event.data));
  });
  source.addEventListener("open", function () {
    root.setAttribute("data-live", "yes");
  });
  source.addEventListener("error", function () {
    root.setAttribute("data-live", "no"); // the browser reconnects by itself
  });

  var queue = Promise.resolve(); // one command after another, none dropped, in the order pressed
  function send(fields) {
    var body = new URLSearchParams();
    body.set("csrf", root.getAttribute("data-csrf"));
    body.set("lang", root.getAttribute("data-lang"));
    Object.keys(fields).forEach(function (name) { body.set(name, fields[name]); });
    queue = queue.then(function () {
      return fetch(root.getAttribute("data-action"), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Misquiz-Fetch": "1" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (data) apply(data);
      });
    }).catch(function () {});
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute("data-act")) return;
    event.preventDefault();
    var fields = {};
    var myth = form.querySelector('input[name="myth"]');
    if (myth) fields.myth = myth.value;
    var button = event.submitter || form.querySelector('button[name="do"]');
    fields["do"] = button.value;
    send(fields);
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) return;
    var section = live.querySelector("section[data-mode]");
    var discussing = section && section.getAttribute("data-mode") === "discuss";
    var key = event.key;
    var what = null;
    var closed = section && section.getAttribute("data-closed") === "yes";
    if (key === "b" || key === "B") { // blank the screen, and back
      event.preventDefault();
      document.body.classList.toggle("blank");
      return;
    }
    if (key === "j" || key === "J") { // hide the join card, and bring it back
      event.preventDefault();
      root.classList.toggle("no-join");
      return;
    }
    if (key === "w" || key === "W") { // the room's commitments in place of the myths, and back
      var panel = live.querySelector("#room-commitments");
      if (panel) {
        event.preventDefault();
        panel.open = !panel.open;
      }
      return;
    }
    if (key === "r" || key === "R") {
      what = discussing ? { "do": "reveal", myth: section.getAttribute("data-myth") } : { "do": "reveal_all" };
    } else if (key === "h" || key === "H") {
      what = discussing ? { "do": "hide", myth: section.getAttribute("data-myth") } : { "do": "hide" };
    } else if (key === "c" || key === "C") {
      what = { "do": closed ? "open" : "close" };
    } else if (key === "d" || key === "D") {
      what = { "do": discussing ? "leave" : "discuss" };
    } else if (discussing && key === "Escape") {
      what = { "do": "leave" };
    } else if (discussing && (key === "ArrowRight" || key === "PageDown" || key === " " || key === "Spacebar")) {
      what = { "do": "next" };
    } else if (discussing && (key === "ArrowLeft" || key === "PageUp")) {
      what = { "do": "back" };
    } else if (!discussing && (key === "PageDown" || key === "ArrowRight")) {
      what = { "do": "discuss" }; // a clicker's first press starts the walk
    }
    if (what) {
      event.preventDefault();
      send(what);
    }
  });
})();
