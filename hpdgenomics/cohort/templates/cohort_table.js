(function () {
  "use strict";
  var table = document.getElementById("samples");
  var filter = document.getElementById("samples-filter");
  if (!table || !filter) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var shown = document.getElementById("samples-shown");
  filter.closest(".filter").hidden = false;
  filter.addEventListener("input", function () {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      count += row.hidden ? 0 : 1;
    });
    shown.textContent = count.toLocaleString("en") + " of " + rows.length.toLocaleString("en") + " shown";
  });
  var key = function (row, i) { var c = row.cells[i]; return c.getAttribute("data-sort") || c.textContent.trim(); };
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      rows.sort(function (a, b) {
        var x = key(a, i), y = key(b, i), nx = parseFloat(x), ny = parseFloat(y);
        var order = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y, "en", {numeric: true});
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    });
  });
})();
