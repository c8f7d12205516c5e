/* The pages' small behaviours, switched on by data- attributes (no framework, no inline script).

   The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) allows scripts from our static files only:
   no <script> with a body, no onclick="…", no hx-on, no style="…". A template asks for a behaviour here
   instead:
     data-autosubmit           on a select or checkbox: submit its form when it changes
     data-confirm="…"          on a button or form: ask first, stop unless confirmed
     data-print                on a button: print the page
     data-history-back         on a button: go back, or home when there is no history
     data-remove-after-request on an htmx element: remove it once its request has finished
     data-open-modal="id"      anywhere: show that Bootstrap modal when the page opens
     data-width="42.5"         on a bar: its width in percent
     data-request-type-fields  inside a service-request form: show only the fields its type needs
     data-signature            the drawn-signature widget (service/widgets/signature.html)
     data-qr-scan              the gate's "photograph the QR code" button (where the browser can decode)
   Content that htmx swaps in (modals, polled lists) is set up the same way, on "htmx:load". */
(function () {
  "use strict";

  // --- Copy-to-clipboard buttons: data-copy="#selector". ---------------------------------------------
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-HTTP intranet installs have no Clipboard API: fall back to a hidden textarea.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";  // CSSOM, which the policy allows (a style="" attribute it would not)
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

  // --- Buttons and forms. ----------------------------------------------------------------------------
  // Capture phase: a refused confirmation stops the click before htmx or the form sees it.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("button[data-confirm], input[data-confirm], a[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    } else if (event.target.closest("[data-history-back]")) {
      if (history.length > 1) { history.back(); } else { location.assign("/"); }
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail && event.detail.elt;
    if (el && el.hasAttribute && el.hasAttribute("data-remove-after-request")) {
      el.remove();
    }
  });

  // --- Set-up of freshly shown content. --------------------------------------------------------------
  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) { fn(root); }
    root.querySelectorAll(selector).forEach(fn);
  }

  function once(el, name) {
    var key = "jyReady" + name;
    if (el.dataset[key]) { return false; }
    el.dataset[key] = "1";
    return true;
  }

  function setWidths(root) {
    each(root, "[data-width]", function (bar) {
      var value = parseFloat(bar.getAttribute("data-width"));
      if (!isNaN(value)) { bar.style.width = Math.max(0, Math.min(100, value)) + "%"; }
    });
  }

  function openModals(root) {
    each(root, "[data-open-modal]", function (el) {
      if (!once(el, "Modal") || !window.bootstrap) { return; }
      var modal = document.getElementById(el.getAttribute("data-open-modal"));
      if (modal) { window.bootstrap.Modal.getOrCreateInstance(modal).show(); }
    });
  }

  // A service request's form shows the fee item for special services, the repair scope for repairs, the
  // fault category for public repairs and the contractor for warranty repairs (service/_toggle_fields.html).
  function requestTypeFields(root) {
    each(root, "[data-request-type-fields]", function (marker) {
      var form = marker.closest("form");
      if (!form || !once(form, "TypeFields")) { return; }
      function value(name) { var el = form.elements[name]; return el ? (el.value || "") : ""; }
      function show(name, on) {
        var el = form.elements[name];
        if (!el || !el.closest) { return; }
        var box = el.closest("[data-field]") || el.closest(".mb-3");
        if (!box) { return; }
        box.hidden = !on;
        if (!on && el.tagName === "SELECT" && el.querySelector("option[value='']")) { el.value = ""; }
      }
      function update() {
        var type = value("type"), scope = value("repair_scope");
        var repair = type === "repair";
        show("fee_item", type === "special");
        show("repair_scope", repair);
        show("fault_category", repair && scope === "public");
        show("contractor", repair && (scope === "warranty" || scope === ""));
      }
      form.addEventListener("change", function (e) {
        if (e.target.name === "type" || e.target.name === "repair_scope") { update(); }
      });
      update();
    });
  }

  // The customer's signature drawn with a finger or the mouse, kept as a PNG data URL in the hidden input.
  function signaturePads(root) {
    each(root, "[data-signature]", function (box) {
      if (!once(box, "Signature")) { return; }
      var input = box.querySelector("input"), pad = box.querySelector(".jy-signature-pad");
      var canvas = box.querySelector("canvas"), state = box.querySelector("[data-signature-state]");
      var ctx = canvas && canvas.getContext && canvas.getContext("2d");
      if (!ctx) { return; }
      var signedText = box.getAttribute("data-signed-text") || "";
      var emptyText = box.getAttribute("data-empty-text") || "";
      pad.hidden = false;
      var drawing = false, inked = false, last = null;
      ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
      if (input.value.indexOf("data:image/png;base64,") === 0) {
        var kept = new Image();
        kept.addEventListener("load", function () { ctx.drawImage(kept, 0, 0); });
        kept.src = input.value; inked = true; state.textContent = signedText;
      }
      function point(e) {
        var r = canvas.getBoundingClientRect();
        return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
      }
      canvas.addEventListener("pointerdown", function (e) {
        drawing = true; last = point(e); canvas.setPointerCapture(e.pointerId); e.preventDefault();
        ctx.beginPath(); ctx.arc(last.x, last.y, 1.5, 0, 2 * Math.PI); ctx.fill(); inked = true;
      });
      canvas.addEventListener("pointermove", function (e) {
        if (!drawing) { return; }
        var p = point(e);
        ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
        last = p; inked = true; e.preventDefault();
      });
      function finish() {
        if (!drawing) { return; }
        drawing = false;
        if (inked) { input.value = canvas.toDataURL("image/png"); state.textContent = signedText; }
      }
      canvas.addEventListener("pointerup", finish);
      canvas.addEventListener("pointercancel", finish);
      box.querySelector("[data-signature-clear]").addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height); input.value = ""; inked = false;
        state.textContent = emptyText;
      });
    });
  }

  // The gate: photograph the slip's QR code where the browser can decode it (BarcodeDetector); the typed
  // number works everywhere.
  function qrScan(root) {
    if (!("BarcodeDetector" in window)) { return; }
    each(root, "[data-qr-scan]", function (box) {
      if (!once(box, "Scan")) { return; }
      var input = box.querySelector("input[type=file]"), error = box.querySelector("[data-qr-scan-error]");
      var prefix = location.origin + (box.getAttribute("data-qr-scan") || "/");
      box.classList.remove("d-none");
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) { return; }
        createImageBitmap(file).then(function (img) {
          return new window.BarcodeDetector({ formats: ["qr_code"] }).detect(img);
        }).then(function (codes) {
          var url = codes.length ? codes[0].rawValue : "";
          if (url.indexOf(prefix) === 0) { location.href = url; return; }
          error.classList.remove("d-none");
        }).catch(function () { error.classList.remove("d-none"); });
      });
    });
  }

  function setUp(root) {
    setWidths(root);
    requestTypeFields(root);
    signaturePads(root);
    qrScan(root);
    openModals(root);
  }

  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document.body); });
  } else {
    setUp(document.body);
  }
})();
