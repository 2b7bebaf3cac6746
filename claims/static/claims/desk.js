/* The claim page's tabs (issue 15): overview, money, vendors, documents and notes, questions,
   history. Without JavaScript every section stays visible, one below the other. */
(function () {
  "use strict";
  var TABS = [
    ["overview", "Overview"], ["money", "Money"], ["vendors", "Vendors"],
    ["documents", "Documents and notes"], ["questions", "Questions"], ["history", "History"]
  ];

  function tabOf(el) {
    var id = el.id || "";
    if (id === "audit-history") { return "history"; }
    if (id.indexOf("vendor") === 0 || el.querySelector(".field-job_link")) { return "vendors"; }
    if (id.indexOf("notes") === 0 || id.indexOf("documents") === 0) { return "documents"; }
    if (id.indexOf("information_requests") === 0) { return "questions"; }
    if (el.querySelector(".field-money_statement")) { return "money"; }
    return "overview";
  }

  function init() {
    var form = document.querySelector("#claim_form, #content-main form");
    var desk = document.getElementById("claim-desk");
    if (!form || !desk) { return; }
    var sections = [];
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.module, .inline-group"),
      function (el) {
        if (el.closest("#claim-desk")) { return; }
        if (el.parentElement.closest("fieldset.module, .inline-group")) { return; }
        sections.push(el);
      });
    var history = document.getElementById("audit-history");
    if (history && sections.indexOf(history) === -1) { sections.push(history); }
    // The vendor jobs' "New vendor job" link follows their table: it belongs to the vendors tab.
    var commission = form.querySelector(".vendor-commission");
    var vendors = sections.filter(function (s) { return tabOf(s) === "vendors"; })[0];
    if (commission && vendors) { vendors.appendChild(commission); }
    var labels = JSON.parse(desk.getAttribute("data-tab-labels") || "{}");
    var list = document.createElement("div");
    list.className = "desk-tabs";
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", labels.tablist || "Claim sections");
    var buttons = {};
    TABS.forEach(function (tab) {
      var count = sections.filter(function (s) { return tabOf(s) === tab[0]; }).length;
      if (!count) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.id = "desk-tab-" + tab[0];
      button.className = "desk-tab";
      button.setAttribute("role", "tab");
      button.textContent = labels[tab[0]] || tab[1];
      button.addEventListener("click", function () { show(tab[0], true); });
      list.appendChild(button);
      buttons[tab[0]] = button;
    });
    desk.parentNode.insertBefore(list, desk.nextSibling);
    sections.forEach(function (s) {
      s.setAttribute("data-desk-tab", tabOf(s));
      // A fieldset keeps its own role (group; ARIA allows no tabpanel there), named by its tab.
      if (s.tagName !== "FIELDSET") { s.setAttribute("role", "tabpanel"); }
      s.setAttribute("aria-labelledby", "desk-tab-" + tabOf(s));
    });

    function show(name, remember) {
      Object.keys(buttons).forEach(function (key) {
        buttons[key].setAttribute("aria-selected", key === name ? "true" : "false");
        buttons[key].tabIndex = key === name ? 0 : -1;
      });
      sections.forEach(function (s) { s.hidden = s.getAttribute("data-desk-tab") !== name; });
      if (remember && window.history.replaceState) {
        window.history.replaceState(null, "", "#tab-" + name);
      }
    }

    list.addEventListener("keydown", function (event) {
      var keys = Object.keys(buttons);
      var current = keys.indexOf((document.activeElement.id || "").replace("desk-tab-", ""));
      if (current === -1) { return; }
      var next = event.key === "ArrowRight" ? current + 1 : event.key === "ArrowLeft" ? current - 1 : null;
      if (next === null) { return; }
      next = (next + keys.length) % keys.length;
      show(keys[next], true);
      buttons[keys[next]].focus();
      event.preventDefault();
    });

    // A form error opens the tab that holds it; otherwise the tab named in the address.
    var error = form.querySelector(".errorlist, .errors");
    var fromHash = (window.location.hash || "").replace("#tab-", "");
    var start = buttons[fromHash] ? fromHash : "overview";
    if (error) {
      var holder = error.closest("[data-desk-tab]");
      if (holder) { start = holder.getAttribute("data-desk-tab"); }
    }
    show(buttons[start] ? start : Object.keys(buttons)[0], false);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
