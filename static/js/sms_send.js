// Send test SMS: live "characters / units" counter under the message box. It counts as
// sms/segmentation.py does, with its alphabets and limits read from the page
// (`sms-segmentation` JSON): none is written here.
(function () {
  "use strict";
  var body = document.getElementById("id_body");
  var out = document.getElementById("sms-counter");
  var data = document.getElementById("sms-segmentation");
  if (!body || !out || !data) return;
  var rules = JSON.parse(data.textContent);
  var BASIC = rules.gsm7_basic;
  var EXTENSION = rules.gsm7_extension;

  function count(text) {
    var chars = Array.from(text);
    var gsm = chars.every(function (c) { return BASIC.indexOf(c) >= 0 || EXTENSION.indexOf(c) >= 0; });
    var costs = chars.map(function (c) {
      if (gsm) return EXTENSION.indexOf(c) >= 0 ? 2 : 1;
      return c.codePointAt(0) > 0xffff ? 2 : 1;
    });
    var encoding = gsm ? rules.gsm7 : rules.ucs2;
    var single = encoding.single, part = encoding.per_part;
    var size = costs.reduce(function (a, b) { return a + b; }, 0);
    var units = 1;
    if (size > single) {
      var used = 0;
      costs.forEach(function (cost) {
        if (used + cost > part) { units += 1; used = 0; }
        used += cost;
      });
    }
    return { encoding: encoding.label, length: chars.length, units: units };
  }

  function update() {
    var c = count(body.value);
    out.textContent = c.length + " characters · " + c.encoding + " · " + c.units +
      (c.units === 1 ? " unit" : " units");
  }
  body.addEventListener("input", update);
  update();
})();
