// "Start from yesterday": copy the previous log's text and tags into the form.
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-copy-previous]");
  if (b) {
    var form = b.closest("form");
    form.querySelector("textarea[name=content]").value = b.getAttribute("data-content");
    var tags = JSON.parse(b.getAttribute("data-tags") || "[]");
    form.querySelectorAll("input[name=tags]").forEach(function (i) { i.checked = tags.indexOf(i.value) >= 0; });
    form.querySelector("textarea[name=content]").focus();
  }
  var all = e.target.closest("[data-check-all]");
  if (all) {
    document.querySelectorAll("input[name=log]").forEach(function (i) { i.checked = all.checked; });
  }
});
// Charts: any element with data-chart holds an ECharts option as JSON.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = echarts.init(el);
    chart.setOption(JSON.parse(el.getAttribute("data-chart")));
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
