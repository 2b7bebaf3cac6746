// Forms marked "one-submit" disable their button once sent (no double submission).
document.querySelectorAll("form.one-submit").forEach(function (form) {
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
});
