// Keys for the statement pages: 1–5 answer, 0 is "no opinion", ← and Backspace go back.
// The pages work without this file; it only adds the keys.
(function () {
  "use strict";
  var sent = false; // one answer per page: a key held down must not send the form twice
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) return;
    if (/^[0-5]$/.test(event.key)) {
      var button = document.querySelector('button[name="answer"][data-key="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        if (sent) return;
        sent = true;
        button.click();
      }
    } else if (event.key === "ArrowLeft" || event.key === "Backspace") {
      var back = document.querySelector("a[data-back]");
      if (back) {
        event.preventDefault();
        window.location.assign(back.href);
      }
    }
  });
})();
// You and the room, on the results page: the block comes again whenever the trainer reveals or hides
// (without this file, the next load shows it).
(function () {
  "use strict";
  var block = document.getElementById("room-beside");
  if (!block || !window.EventSource) return;
  var source = new EventSource(block.getAttribute("data-events"));
  source.addEventListener("beside", function (event) {
    var holder = document.createElement("div");
    holder.innerHTML = event.data;
    var fresh = holder.querySelector("#room-beside");
    if (!fresh) return;
    block.innerHTML = fresh.innerHTML;
    block.setAttribute("data-shown", fresh.getAttribute("data-shown"));
    block.setAttribute("data-updated", String(Date.now()));
  });
})();
