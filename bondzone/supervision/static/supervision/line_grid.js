// The list form's line grid (issue 13) and, at the end, its trade-mode select. When the info cell of a line comes
// back (htmx, see _line_info.html):
//   - the unit select offers the item's own units only (declared, legal, second legal);
//   - a 料号 typed in the item cell becomes the item's 备案序号;
//   - the legal and second legal quantities computed from the item's factors fill their inputs. A value the
//     clerk typed over them is kept: an input is refilled only while it is empty or still holds what was
//     filled in last (data-filled).
(function () {
  function fill(input, value, unitName) {
    if (!input) return;
    if (unitName) input.placeholder = unitName;
    var untouched = input.value === "" || input.value === input.dataset.filled ||
      (input.dataset.filled === undefined && value !== "" && Number(input.value) === Number(value));
    if (!untouched) return;
    input.value = value;
    input.dataset.filled = value;
  }

  var allUnits = new WeakMap();  // the unit select of a row as the page gave it: every unit

  function cloneAll(options) {
    var copy = document.createDocumentFragment();
    Array.prototype.forEach.call(options, function (o) { copy.appendChild(o.cloneNode(true)); });
    return copy;
  }

  document.addEventListener("htmx:afterSwap", function (e) {
    var cell = e.detail.target;
    if (!cell.classList || !cell.classList.contains("line-info")) return;
    var row = cell.closest("tr.line-row"), data = cell.querySelector("[data-line-fill]");
    var select = row && row.querySelector("select[name=line-unit]");
    if (!row || !select) return;
    if (!allUnits.has(select)) allUnits.set(select, select.cloneNode(true).children);
    var current = select.value;
    var choices = data && cell.querySelector("template[data-unit-choices]");
    // no such item (yet): every unit again
    select.replaceChildren(choices ? choices.content.cloneNode(true) : cloneAll(allUnits.get(select)));
    if (Array.prototype.some.call(select.options, function (o) { return o.value === current; })) select.value = current;
    if (!data) return;
    var itemNo = row.querySelector("input[name=line-item_no]");
    if (itemNo && itemNo.value.trim() !== data.dataset.itemNo) itemNo.value = data.dataset.itemNo;
    fill(row.querySelector("[data-fill=legal]"), data.dataset.legal, data.dataset.legalUnit);
    fill(row.querySelector("[data-fill=second]"), data.dataset.second, data.dataset.secondUnit);
  });

  // The trade-mode select comes back (htmx, _trade_mode_field.html) when the book or the direction changes, built
  // on the mode the request carried: a mode picked while the request was on its way is kept when the new choices
  // still offer it.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var field = e.detail.target;
    if (field.id !== "trade-mode-field") return;
    var select = field.querySelector("#trade_mode");
    field.dataset.picked = select ? select.value : "";
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var field = e.detail.target, select = field.querySelector && field.querySelector("#trade_mode");
    if (field.id !== "trade-mode-field" || !select) return;
    var picked = field.dataset.picked;
    if (Array.prototype.some.call(select.options, function (o) { return o.value === picked; })) select.value = picked;
  });
})();
