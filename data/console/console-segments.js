// SPDX-License-Identifier: GPL-3.0-or-later
// An officer's assigned street segments on the console's map: the office's streets of the
// box in view (the map's own JSON), the chosen ones drawn thick; a click on a segment adds
// it or takes it off, the list by street name and the form's field follow. Saving is the
// page's form (POST with its CSRF token): the office checks every id again. Values from the
// office are set as text only, never as markup.
"use strict";

(function () {
  const element = document.getElementById("segment-map");
  const status = document.getElementById("map-status");
  if (!element || typeof L === "undefined") {
    return;
  }
  const data = element.dataset;
  const editable = data.editable === "1";
  const field = document.getElementById("segments-field");
  const list = document.getElementById("chosen-segments");
  const count = document.getElementById("chosen-count");
  const classColours = { strict: "#c00000", class1: "#e07b00", class2: "#1f4e79",
                         other: "#7a7a7a" };
  const chosenColour = "#0a7d32";
  // The office refuses a larger box: past it the map asks to zoom in.
  const maxDegrees = 0.5;
  // id → street name of every chosen segment, also those out of view.
  const chosen = new Map(Object.entries(JSON.parse(data.chosen || "{}")));
  const map = L.map(element, { zoomSnap: 1 });
  const streets = L.layerGroup().addTo(map);
  let generation = 0;

  if (data.lat !== undefined && data.lon !== undefined) {
    map.setView([Number(data.lat), Number(data.lon)], 16);
  } else {
    map.setView([0, 0], 16);
  }
  L.control.scale({ imperial: false }).addTo(map);

  function say(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }

  function style(feature) {
    if (chosen.has(feature.properties.id)) {
      return { color: chosenColour, weight: 9, opacity: 0.9 };
    }
    const colour = classColours[feature.properties["class"]] || classColours.other;
    return { color: colour, weight: 4, opacity: 0.7 };
  }

  // The list by street name, as the office writes it: "滨江南路 · 4 段".
  function showChosen() {
    const byName = new Map();
    for (const name of chosen.values()) {
      byName.set(name, (byName.get(name) || 0) + 1);
    }
    const names = Array.from(byName.keys()).sort();
    list.replaceChildren();
    for (const name of names) {
      const item = document.createElement("li");
      // One pass: a street's name may hold "%u" itself.
      item.textContent = data.label.replace(/%s|%u/g, function (mark) {
        return mark === "%s" ? name : String(byName.get(name));
      });
      list.appendChild(item);
    }
    count.textContent = String(chosen.size);
    if (field) {
      field.value = Array.from(chosen.keys()).sort().join(" ");
    }
  }

  function draw(collection) {
    streets.clearLayers();
    L.geoJSON(collection, {
      style: style,
      onEachFeature: function (feature, layer) {
        const name = document.createElement("span");
        name.textContent = feature.properties.name || feature.properties.id;
        layer.bindTooltip(name, { sticky: true });
        if (!editable) {
          return;
        }
        layer.on("click", function () {
          const id = feature.properties.id;
          if (chosen.has(id)) {
            chosen.delete(id);
          } else {
            chosen.set(id, feature.properties.name || id);
          }
          layer.setStyle(style(feature));
          showChosen();
        });
        // What a test or a keyboard user can find: the segment's path carries its id.
        layer.on("add", function () {
          if (layer.getElement) {
            const path = layer.getElement();
            if (path) {
              path.setAttribute("data-segment", feature.properties.id);
              path.classList.add("segment");
            }
          }
        });
      },
    }).addTo(streets);
  }

  function bbox() {
    const b = map.getBounds();
    return [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
            Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)];
  }

  function load() {
    const box = bbox();
    const mine = ++generation;
    if (box[2] - box[0] > maxDegrees || box[3] - box[1] > maxDegrees) {
      streets.clearLayers();
      say(data.zoomIn);
      return;
    }
    const address = data.streets + "?bbox=" + box.map(function (v) {
      return v.toFixed(6);
    }).join(",");
    fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) {
        return answer.json().then(function (body) {
          if (!answer.ok) {
            throw new Error(body && body.error ? body.error : data.failed);
          }
          return body;
        });
      })
      .then(function (collection) {
        if (mine !== generation) {
          return;
        }
        say("");
        draw(collection);
        element.dataset.loaded = String(mine);
      })
      .catch(function (error) {
        if (mine === generation) {
          say(error && error.message ? error.message : data.failed);
        }
      });
  }

  map.on("moveend", load);
  load();
})();
