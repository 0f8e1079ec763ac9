// TKPK's own behaviour, for every page. The Content-Security-Policy allows no inline script and
// no on*= handler, so templates ask for behaviour with data-* attributes and this file acts on
// them. Listeners sit on the document, so content that htmx swaps in works without set-up.
"use strict";

// <select data-submit-on-change>: choosing an option submits its form (the language switch).
document.addEventListener("change", function (event) {
  const field = event.target;
  if (field.matches("[data-submit-on-change]") && field.form) {
    field.form.requestSubmit();
  }
});

// <form data-confirm="Question?">: ask before submitting, and submit only on OK.
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// <button data-print>: open the browser's print dialog.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// <form data-filter-form>: the selects and labels that django-filter renders get Bootstrap's
// small form classes.
document.querySelectorAll("form[data-filter-form]").forEach(function (form) {
  form.querySelectorAll("select").forEach(function (el) {
    el.classList.add("form-select", "form-select-sm");
  });
  form.querySelectorAll("label").forEach(function (el) {
    el.classList.add("form-label", "small", "mb-0");
  });
});

// <select data-clears="#other">: changing it empties the other field first (the village of
// another district), before the form's own change handler (htmx) sends the filters.
document.addEventListener(
  "change",
  function (event) {
    const selector = event.target.dataset && event.target.dataset.clears;
    const other = selector && document.querySelector(selector);
    if (other) {
      other.value = "";
    }
  },
  true,
);
