/* Small enhancements; every page works without them. */
(function () {
  "use strict";
  document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // Forms whose action cannot be undone ask first. A button may carry its own question; a
  // batch form (data-confirm-count) names how many boxes are ticked and refuses none.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      var question = (button && button.dataset.confirm) || form.dataset.confirm;
      if (form.dataset.confirmCount && !(button && button.dataset.confirm)) {
        var ticked = form.querySelectorAll("input[name='" + form.dataset.confirmCount + "']:checked").length;
        if (ticked === 0) {
          window.alert(form.dataset.confirmNone);
          event.preventDefault();
          return;
        }
        question = question.replace("{n}", String(ticked));
      }
      if (!window.confirm(question)) event.preventDefault();
    });
  });
  // "Select all" for batch actions on a table.
  document.querySelectorAll("input[data-select-all]").forEach(function (master) {
    var boxes = document.querySelectorAll("input[name='" + master.dataset.selectAll + "']");
    master.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = master.checked; });
    });
  });
  // Days left to a deadline (the server already printed them; this only keeps them current).
  document.querySelectorAll("[data-deadline]").forEach(function (el) {
    var deadline = new Date(el.dataset.deadline);
    var target = el.querySelector("[data-days]");
    if (!target || isNaN(deadline)) return;
    var days = Math.floor((deadline - new Date()) / 86400000);
    if (days >= 0) target.textContent = String(days);
  });
  // Narrow a long <select> while typing (register, change of unit).
  document.querySelectorAll("input[data-filter-select]").forEach(function (input) {
    var select = document.getElementById(input.dataset.filterSelect);
    if (!select) return;
    input.addEventListener("input", function () {
      var q = input.value.trim();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = Boolean(o.value) && q !== "" && o.text.indexOf(q) === -1;
      });
    });
  });
  // "增加一行" on a formset adds a blank row in place (without script the button asks the
  // server for the page again with more rows).
  document.querySelectorAll("button[data-add-row]").forEach(function (button) {
    var prefix = button.dataset.addRow;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var rows = document.querySelector("[data-formset='" + prefix + "']");
    var template = document.getElementById(prefix + "-empty-row");
    if (!total || !rows || !template) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = Number(total.value);
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__row__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild.querySelector("input, select, textarea");
      if (added) added.focus();
    });
  });
  // The work calendar's month grid edits the two date lists: a weekday toggles 放假, a weekend
  // day toggles 调休上班; typing in the lists repaints the grid.
  document.querySelectorAll("[data-calendar-grid]").forEach(function (grid) {
    var holidays = document.getElementById(grid.dataset.holidays);
    var makeup = document.getElementById(grid.dataset.makeup);
    if (!holidays || !makeup) return;
    var labels = {workday: grid.dataset.labelWorkday, weekend: grid.dataset.labelWeekend,
                  holiday: grid.dataset.labelHoliday, makeup: grid.dataset.labelMakeup};
    function dates(area) { return area.value.split(/\s+/).filter(Boolean); }
    function paint() {
      var off = dates(holidays), on = dates(makeup);
      grid.querySelectorAll("button[data-date]").forEach(function (button) {
        var day = button.dataset.date;
        var kind = button.dataset.weekend === "1" ? (on.indexOf(day) >= 0 ? "makeup" : "weekend")
                                                  : (off.indexOf(day) >= 0 ? "holiday" : "workday");
        button.dataset.kind = kind;
        button.parentElement.dataset.kind = kind;
        button.setAttribute("aria-pressed", String(kind === "holiday" || kind === "makeup"));
        button.querySelector("[data-state]").textContent = labels[kind];
        button.disabled = false;
      });
    }
    grid.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-date]");
      if (!button) return;
      var area = button.dataset.weekend === "1" ? makeup : holidays;
      var list = dates(area), at = list.indexOf(button.dataset.date);
      if (at >= 0) list.splice(at, 1); else list.push(button.dataset.date);
      area.value = list.sort().join("\n");
      paint();
    });
    holidays.addEventListener("input", paint);
    makeup.addEventListener("input", paint);
    paint();
  });
  // A one-time secret is selected whole on click, ready to copy.
  document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
    input.addEventListener("click", function () { input.select(); });
  });
})();
