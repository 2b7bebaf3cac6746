// The report form: only the loss types the chosen policy covers, the third party's fields only
// for liability, and no second submit.
(function () {
  var form = document.getElementById("report-form");
  var covered = JSON.parse(document.getElementById("covered-loss-types").textContent);
  var thirdParty = JSON.parse(document.getElementById("third-party-loss-types").textContent);
  var claimant = document.getElementById("claimant");
  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  }
  function update() {
    var policy = checked("policy");
    var allowed = policy && covered[policy] ? covered[policy].map(String) : null;
    form.querySelectorAll("[data-loss-type]").forEach(function (label) {
      var ok = !allowed || allowed.indexOf(label.dataset.lossType) !== -1;
      label.hidden = !ok;
      if (!ok) { label.querySelector("input").checked = false; }
    });
    var lossType = checked("loss_type");
    claimant.hidden = !(lossType && thirdParty.map(String).indexOf(lossType) !== -1);
  }
  form.addEventListener("change", update);
  update();
  form.addEventListener("submit", function () {
    var button = document.getElementById("report-submit");
    window.setTimeout(function () { button.disabled = true; button.textContent = button.dataset.sending || button.textContent; }, 0);
  });
})();
