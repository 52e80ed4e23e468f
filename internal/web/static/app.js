// outreach: the little the pages need from script. Everything works
// without it; it only saves typing.
(function () {
  "use strict";
  // Choosing a task proposes its channel and themes, without overriding a
  // choice the user already made.
  var task = document.getElementById("task");
  var channel = document.getElementById("channel");
  if (task && channel) {
    task.addEventListener("change", function () {
      var opt = task.options[task.selectedIndex];
      var parts = (opt.getAttribute("data-propose") || "|").split("|");
      if (parts[0] && !channel.value) {
        channel.value = parts[0];
      }
      var themes = parts[1] ? parts[1].split(",") : [];
      var boxes = document.querySelectorAll("input[name=themes]");
      var any = false;
      boxes.forEach(function (b) { any = any || b.checked; });
      if (!any) {
        boxes.forEach(function (b) { b.checked = themes.indexOf(b.value) >= 0; });
      }
    });
  }

  // Report narrative: saved as you type (a second after the last key),
  // with the result said in the status line; the form still saves with
  // its button when script is off.
  var form = document.querySelector("form[data-autosave]");
  if (form) {
    var status = document.getElementById("autosave-status");
    var timer = null, dirty = false, busy = false;
    var save = function () {
      if (busy) { timer = setTimeout(save, 500); return; }
      busy = true; dirty = false;
      var body = new URLSearchParams(new FormData(form));
      fetch(form.getAttribute("data-autosave"), { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) {
          if (r.status === 204) {
            status.textContent = (document.documentElement.lang === "en" ? "Saved at " : "Đã lưu lúc ") + (r.headers.get("X-Saved-At") || "");
            status.className = "autosave ok";
            return;
          }
          return r.text().then(function (t) { status.textContent = t; status.className = "autosave problem"; dirty = true; });
        })
        .catch(function () {
          status.textContent = document.documentElement.lang === "en" ? "Offline: not saved yet." : "Mất kết nối: chưa lưu được.";
          status.className = "autosave problem"; dirty = true;
        })
        .then(function () { busy = false; });
    };
    form.addEventListener("input", function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, 1000);
    });
    window.addEventListener("beforeunload", function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
    form.addEventListener("submit", function () { dirty = false; clearTimeout(timer); });
  }
  // Buttons that ask first.
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
