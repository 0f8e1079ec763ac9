// The progress form of an action (meetings/action_detail.html). The reason field is needed only
// when the percent typed is lower than the action's current progress (the server requires it
// then): it is shown only in that case. Without this script it is always shown.
"use strict";

(function () {
  function update(wrapper) {
    const input = document.getElementById(wrapper.dataset.percentInput);
    if (!input) {
      return;
    }
    const typed = parseInt(input.value, 10);
    const current = parseInt(wrapper.dataset.currentPercent, 10);
    const lower = !Number.isNaN(typed) && typed < current;
    wrapper.hidden = !lower && !wrapper.querySelector(".invalid-feedback");
  }

  const wrappers = document.querySelectorAll("[data-progress-reason]");
  wrappers.forEach(update);
  document.addEventListener("input", function (event) {
    wrappers.forEach(function (wrapper) {
      if (event.target.id === wrapper.dataset.percentInput) {
        update(wrapper);
      }
    });
  });
})();
