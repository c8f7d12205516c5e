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
  // As the table beside: one decimal, two when one would round to 0 or 100 (or onto the target).
  function fmt(v) {
    if (v === null || v === undefined) return "—";
    if (!percent) return String(Math.round(v * 100) / 100);
    var one = v.toFixed(1);
    var exact = Number(one) === Math.round(v * 100) / 100;
    var edge = Number(one) === 0 || Number(one) === 100 || (target !== null && Number(one) === target);
    return (!exact && edge ? v.toFixed(2) : one) + "%";
  }
  var colours = { met: "#198754", not_met: "#dc3545" };
  var series = [{
    type: "line",
    name: el.getAttribute("data-value-label") || "",
    data: points.map(function (p) {
      return { value: p.value, itemStyle: { color: colours[p.state] || "#6c757d" } };
    }),
    connectNulls: false,
    symbolSize: 8,
    lineStyle: { color: "#0d6efd" },
    label: { show: el.clientWidth > 600, fontSize: 11, formatter: function (p) { return fmt(p.value); } },
  }];
  // A yearly count (≤1 起/年) is judged on the cases so far that year: draw that too, against the target.
  var yearly = points.some(function (p) { return p.total !== null && p.total !== undefined; });
  if (yearly) {
    series.push({
      type: "line",
      name: el.getAttribute("data-total-label") || "",
      step: "end",
      data: points.map(function (p) { return p.total; }),
      symbol: "none",
      lineStyle: { color: "#fd7e14", type: "dotted" },
      itemStyle: { color: "#fd7e14" },
    });
  }
  if (target !== null) {
    series[yearly ? 1 : 0].markLine = {
      symbol: "none",
      lineStyle: { color: "#198754", type: "dashed" },
      label: { formatter: String(target) + (percent ? "%" : ""), color: "#198754" },
      data: [{ yAxis: target }],
    };
  }
  // A high rate never exceeds 100%: keep the axis there, starting a little under the lowest point; a low
  // rate (火警发生率 ≤1%) gets an axis from 0 that fits it and its target.
  var highest = Math.max.apply(null, points.map(function (p) { return p.value || 0; }).concat([target || 0]));
  var yAxis = { type: "value", minInterval: 1 };
  if (percent && highest > 50) {
    yAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" },
              min: function (v) { return Math.max(0, Math.floor((v.min - 5) / 10) * 10); } };
  } else if (percent) {
    yAxis = { type: "value", min: 0, max: Math.max(1, Math.ceil(highest * 1.25)), axisLabel: { formatter: "{value}%" } };
  }
  chart.setOption({
    grid: { left: 44, right: 48, top: yearly ? 36 : 24, bottom: 28 },
    tooltip: { trigger: "axis", valueFormatter: fmt },
    legend: { show: yearly, top: 0, right: 0 },
    xAxis: { type: "category", data: points.map(function (p) { return p.month; }) },
    yAxis: yAxis,
    series: series,
    animation: false,
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
