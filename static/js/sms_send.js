// Send test SMS: live "characters / units" counter under the message box.
// Mirrors sms/segmentation.py (GSM-7 160/153 with 2-septet extension characters, UCS-2 70/67).
(function () {
  "use strict";
  var body = document.getElementById("id_body");
  var out = document.getElementById("sms-counter");
  if (!body || !out) return;
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "^{}\\[~]|€\f";

  function count(text) {
    var chars = Array.from(text);
    var gsm = chars.every(function (c) { return BASIC.indexOf(c) >= 0 || EXTENSION.indexOf(c) >= 0; });
    var costs = chars.map(function (c) {
      if (gsm) return EXTENSION.indexOf(c) >= 0 ? 2 : 1;
      return c.codePointAt(0) > 0xffff ? 2 : 1;
    });
    var single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    var size = costs.reduce(function (a, b) { return a + b; }, 0);
    var units = 1;
    if (size > single) {
      var used = 0;
      costs.forEach(function (cost) {
        if (used + cost > part) { units += 1; used = 0; }
        used += cost;
      });
    }
    return { encoding: gsm ? "GSM-7" : "UCS-2", length: chars.length, units: units };
  }

  function update() {
    var c = count(body.value);
    out.textContent = c.length + " characters · " + c.encoding + " · " + c.units +
      (c.units === 1 ? " unit" : " units");
  }
  body.addEventListener("input", update);
  update();
})();
