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
})();
