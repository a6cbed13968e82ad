// SPDX-License-Identifier: GPL-3.0-or-later
// The list filter's street picker: as a street's name is typed, the office is asked for the
// few names beginning with it (/console/api/street-names, at most 20) and the field's list
// offers them; the page itself carries no street names. Names are set as option values
// only, never as markup.
"use strict";

(function () {
  const input = document.getElementById("filter-street");
  const list = document.getElementById("street-names");
  if (!input || !list) {
    return;
  }
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  let timer = 0;
  let asked = "";

  function offer(names) {
    list.replaceChildren();
    for (const name of names) {
      const option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    }
  }

  function ask() {
    const prefix = input.value.trim();
    if (prefix === asked) {
      return;
    }
    asked = prefix;
    if (prefix === "" || new TextEncoder().encode(prefix).length > 64) {
      offer([]);
      return;
    }
    fetch("/console/api/street-names?prefix=" + encodeURIComponent(prefix),
          { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { names: [] }; })
      .then(function (answer) {
        // Only the answer to what the field still holds.
        if (asked === prefix && Array.isArray(answer.names)) {
          offer(answer.names.filter(function (name) { return typeof name === "string"; }));
        }
      })
      .catch(function () { offer([]); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
})();
