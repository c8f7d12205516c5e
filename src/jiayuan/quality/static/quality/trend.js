/* The 12-month trend of one indicator (R10.1), drawn with the locally served Apache ECharts. The same
   numbers are in the table under the chart. */
(function () {
  "use strict";
  var el = document.getElementById("q-trend");
  var data = document.getElementById("q-trend-data");
  if (!el || !data || !window.echarts) return;
  var points = JSON.parse(data.textContent);
  var target = JSON.parse(document.getElementById("q-target").textContent);
  var percent = el.getAttribute("data-percent") === "1";
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  var series = [{
    type: "line",
    data: points.map(function (p) { return p.value; }),
    connectNulls: false,
    symbolSize: 7,
    itemStyle: { color: "#0d6efd" },
    label: { show: el.clientWidth > 600, fontSize: 11 },
  }];
  if (target !== null) {
    series[0].markLine = {
      symbol: "none",
      lineStyle: { color: "#198754", type: "dashed" },
      label: { formatter: String(target) },
      data: [{ yAxis: target }],
    };
  }
  chart.setOption({
    grid: { left: 40, right: 24, top: 24, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: points.map(function (p) { return p.month; }) },
    // A rate never exceeds 100%: keep the axis there, starting a little under the lowest point.
    yAxis: percent
      ? { type: "value", max: 100, min: function (v) { return Math.max(0, Math.floor((v.min - 5) / 10) * 10); } }
      : { type: "value", minInterval: 1 },
    series: series,
    animation: false,
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
