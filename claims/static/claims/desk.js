/* The claim page's tabs (issue 15): overview, money, vendors, documents and notes, questions,
   history. The page holds the overview; every other tab is loaded from the claim's tab URL the
   first time it is opened (claims/desk/tabs.py) and stays in the page (its formsets are posted
   with the form from then on). Without JavaScript every section stays visible, one below the
   other, and each unloaded tab is a link to the whole page. */
(function () {
  "use strict";
  var TABS = [
    ["overview", "Overview"], ["money", "Money"], ["vendors", "Vendors"],
    ["documents", "Documents and notes"], ["questions", "Questions"], ["history", "History"]
  ];

  function tabOf(el) {
    if (el.hasAttribute("data-desk-tab")) { return el.getAttribute("data-desk-tab"); }
    var id = el.id || "";
    if (id === "audit-history") { return "history"; }
    if (id.indexOf("vendor") === 0 || el.querySelector(".field-job_link")) { return "vendors"; }
    if (id.indexOf("notes") === 0 || id.indexOf("documents") === 0) { return "documents"; }
    if (id.indexOf("information_requests") === 0) { return "questions"; }
    if (el.querySelector(".field-money_statement")) { return "money"; }
    return "overview";
  }

  function topSections(root) {
    var found = [];
    Array.prototype.forEach.call(root.querySelectorAll("fieldset.module, .inline-group"),
      function (el) {
        if (el.closest("#claim-desk")) { return; }
        if (el.parentElement.closest("fieldset.module, .inline-group")) { return; }
        found.push(el);
      });
    return found;
  }

  // What Django's admin scripts do on page load, for a tab's formsets and date fields loaded
  // later (admin/js/inlines.js, admin/js/admin/DateTimeShortcuts.js).
  function startWidgets(root) {
    var $ = window.django && window.django.jQuery;
    if ($ && $.fn.tabularFormset) {
      $(root).find(".js-inline-admin-formset").addBack(".js-inline-admin-formset")
        .each(function () {
          var data = $(this).data(), options = data.inlineFormset, selector;
          if (data.inlineType === "tabular") {
            selector = options.name + "-group .tabular.inline-related tbody:first > tr.form-row";
            $(selector).tabularFormset(selector, options.options);
          } else if (data.inlineType === "stacked") {
            selector = options.name + "-group .inline-related";
            $(selector).stackedFormset(selector, options.options);
          }
        });
    }
    function calendars() {
      if (!window.DateTimeShortcuts) { return; }
      Array.prototype.forEach.call(root.querySelectorAll("input.vDateField[type=text]"),
        function (input) {
          var next = input.nextElementSibling;
          if (next && next.classList.contains("datetimeshortcuts")) { return; }
          window.DateTimeShortcuts.addCalendar(input);
          window.DateTimeShortcuts.addTimezoneWarning(input);
        });
    }
    // Before the page's load event DateTimeShortcuts has not started: it adds them itself.
    if (document.readyState === "complete") { calendars(); }
    else { window.addEventListener("load", calendars); }
  }

  function init() {
    var form = document.querySelector("#claim_form, #content-main form");
    var desk = document.getElementById("claim-desk");
    if (!form || !desk) { return; }
    var sections = topSections(form);
    var history = document.getElementById("audit-history");
    if (history && sections.indexOf(history) === -1) { sections.push(history); }
    // The vendor jobs' "New vendor job" link follows their table: it belongs to the vendors tab.
    function placeCommission() {
      var commission = form.querySelector(".vendor-commission");
      var vendors = sections.filter(function (s) {
        return tabOf(s) === "vendors" && !s.hasAttribute("data-desk-src");
      })[0];
      if (commission && vendors && commission.parentNode !== vendors) {
        vendors.appendChild(commission);
      }
    }
    placeCommission();
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
    function mark(s, tab) {
      s.setAttribute("data-desk-tab", tab);
      // A fieldset keeps its own role (group; ARIA allows no tabpanel there), named by its tab.
      if (s.tagName !== "FIELDSET") { s.setAttribute("role", "tabpanel"); }
      s.setAttribute("aria-labelledby", "desk-tab-" + tab);
    }
    sections.forEach(function (s) { mark(s, tabOf(s)); });
    var current = null;

    // A tab not in the page yet: its placeholder holds the URL of its fragment. The fragment
    // takes the placeholder's place; on any failure the placeholder stays, a link to the whole
    // page.
    function load(placeholder) {
      var tab = placeholder.getAttribute("data-desk-tab");
      var source = placeholder.getAttribute("data-desk-src");
      placeholder.removeAttribute("data-desk-src");
      placeholder.setAttribute("aria-busy", "true");
      window.fetch(source, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var loaded = topSections(holder);
          var history = holder.querySelector("#audit-history");
          if (history && loaded.indexOf(history) === -1) { loaded.push(history); }
          loaded.forEach(function (s) { mark(s, tab); s.hidden = current !== tab; });
          var at = sections.indexOf(placeholder);
          sections.splice.apply(sections, [at, 1].concat(loaded));
          var parent = placeholder.parentNode;
          while (holder.firstChild) { parent.insertBefore(holder.firstChild, placeholder); }
          parent.removeChild(placeholder);
          placeCommission();
          loaded.forEach(startWidgets);
        })
        .catch(function () {
          placeholder.removeAttribute("aria-busy");
        });
    }

    function show(name, remember) {
      current = name;
      Object.keys(buttons).forEach(function (key) {
        buttons[key].setAttribute("aria-selected", key === name ? "true" : "false");
        buttons[key].tabIndex = key === name ? 0 : -1;
      });
      sections.forEach(function (s) { s.hidden = s.getAttribute("data-desk-tab") !== name; });
      sections.filter(function (s) {
        return s.getAttribute("data-desk-tab") === name && s.hasAttribute("data-desk-src");
      }).forEach(load);
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
