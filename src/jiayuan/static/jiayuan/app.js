/* Small page helpers (no framework): copy-to-clipboard buttons. */
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-HTTP intranet installs have no Clipboard API: fall back to a hidden textarea.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    var label = button.querySelector("span") || button;
    var original = label.textContent;
    copyText(source.value !== undefined ? source.value : source.textContent).then(function () {
      label.textContent = button.getAttribute("data-copied") || "已复制";
      setTimeout(function () { label.textContent = original; }, 2000);
    });
  });
})();
