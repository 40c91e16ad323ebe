// The administrative-division picker as three selects: province, then city, then district or
// county. Progressive enhancement: without this script the form has one select grouped by
// province (market.forms.RegionField), which this reads and keeps, hidden, as the field that is
// submitted, so the server sees the same value either way and checks it the same way.
// Codes follow GB/T 2260: a province ends in 0000, a city in 00; a municipality's districts
// hang from the province itself.
(function () {
  "use strict";

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  function setup(original) {
    var names = {}, children = {}, provinces = [];
    Array.prototype.forEach.call(original.options, function (o) {
      var code = o.value;
      if (!/^\d{6}$/.test(code)) return;
      var parts = o.textContent.split(" ");
      names[code] = parts[parts.length - 1];
      var parent = null;
      if (/0000$/.test(code)) provinces.push(code);
      else if (/00$/.test(code)) parent = code.slice(0, 2) + "0000";
      else parent = names[code.slice(0, 4) + "00"] ? code.slice(0, 4) + "00" : code.slice(0, 2) + "0000";
      if (parent) (children[parent] = children[parent] || []).push(code);
    });
    if (!provinces.length) return;

    var labels = (original.getAttribute("data-levels") || "").split("|");
    var box = document.createElement("span");
    box.className = "region-picker";
    var selects = [0, 1, 2].map(function (i) {
      var s = document.createElement("select");
      // The first is named by the field's own label; the others say their level.
      s.setAttribute("data-placeholder", labels[i] || "");
      if (i) s.setAttribute("aria-label", labels[i] || "");
      box.appendChild(s);
      return s;
    });
    var province = selects[0], city = selects[1], district = selects[2];
    province.id = original.id;
    original.id = original.id + "-full";
    original.hidden = true;
    original.parentNode.insertBefore(box, original);

    function fill(select, codes, chosen) {
      select.innerHTML = "";
      select.appendChild(option("", "— " + select.getAttribute("data-placeholder") + " —"));
      (codes || []).forEach(function (c) {
        select.appendChild(option(c, names[c]));
      });
      select.value = codes && codes.indexOf(chosen) >= 0 ? chosen : "";
      select.hidden = !codes || !codes.length;
    }

    function cityLevel(p) {
      return (children[p] || []).filter(function (c) { return /00$/.test(c); });
    }

    function show(code) {
      var p = code ? code.slice(0, 2) + "0000" : "";
      var c = code && /00$/.test(code) && !/0000$/.test(code) ? code : (code ? code.slice(0, 4) + "00" : "");
      fill(province, provinces, p);
      var cities = cityLevel(p);
      if (cities.length) {
        fill(city, cities, c);
        fill(district, city.value ? children[city.value] : [], code);
      } else {
        fill(city, [], "");
        fill(district, p ? children[p] : [], code);
      }
    }

    function changed() {
      original.value = district.value || city.value || province.value;
    }

    province.addEventListener("change", function () { show(province.value); changed(); });
    city.addEventListener("change", function () { show(city.value || province.value); changed(); });
    district.addEventListener("change", changed);
    show(names[original.value] ? original.value : "");
    if (original.value && !names[original.value]) {
      // A code not in the list (refused by the server): keep showing the plain select.
      box.remove();
      original.hidden = false;
      original.id = province.id;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-region-picker]"), setup);
  });
})();
