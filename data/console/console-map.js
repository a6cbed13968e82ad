// SPDX-License-Identifier: GPL-3.0-or-later
// The console's map: asks the office for the reports and the street segments of the box
// in view, each time the view settles. What the page says is in the map element's data
// attributes; values from devices are set as text only, never as markup.
"use strict";

(function () {
  const element = document.getElementById("map");
  const status = document.getElementById("map-status");
  if (!element || typeof L === "undefined") {
    return;
  }
  const data = element.dataset;
  const classColours = { strict: "#c00000", class1: "#e07b00", class2: "#1f4e79",
                         other: "#7a7a7a" };
  // The office refuses a larger box: past it the map asks to zoom in.
  const maxDegrees = 0.5;
  const map = L.map(element, { preferCanvas: false, zoomSnap: 1 });
  // The office's raster base map, when it has one: in the tile pane, under the streets.
  // Past its own zooms Leaflet enlarges its nearest tiles instead of asking for missing ones.
  if (data.tiles) {
    L.tileLayer(data.tiles, {
      minNativeZoom: Number(data.tilesMinZoom),
      maxNativeZoom: Number(data.tilesMaxZoom),
      maxZoom: 19,
      attribution: escapeText(data.tilesAttribution || ""),
    }).addTo(map);
  }
  const streets = L.layerGroup().addTo(map);
  const reports = L.layerGroup().addTo(map);
  let generation = 0;

  if (data.lat !== undefined && data.lon !== undefined) {
    map.setView([Number(data.lat), Number(data.lon)], 16);
  } else {
    map.setView([0, 0], 16);
  }
  L.control.scale({ imperial: false }).addTo(map);

  // Leaflet shows an attribution as markup: the file's text is made plain text first.
  function escapeText(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function say(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }

  function bbox() {
    const b = map.getBounds();
    const west = Math.max(b.getWest(), -180), east = Math.min(b.getEast(), 180);
    const south = Math.max(b.getSouth(), -90), north = Math.min(b.getNorth(), 90);
    return [west, south, east, north];
  }

  function withBox(address, box) {
    return address + (address.indexOf("?") >= 0 ? "&" : "?") + "bbox=" +
      box.map(function (v) { return v.toFixed(6); }).join(",");
  }

  function popup(report) {
    const box = document.createElement("div");
    box.className = "map-popup";
    const link = document.createElement("a");
    link.href = data.reportLink + encodeURIComponent(report.uuid);
    link.textContent = report.category || "";
    box.appendChild(link);
    for (const value of [report.created_at, report.street, report.officer, report.status,
                         report.note]) {
      if (value) {
        const line = document.createElement("div");
        line.textContent = value;
        box.appendChild(line);
      }
    }
    return box;
  }

  function drawStreets(collection) {
    streets.clearLayers();
    L.geoJSON(collection, {
      style: function (feature) {
        const colour = classColours[feature.properties["class"]] || classColours.other;
        return { color: colour, weight: feature.properties["class"] === "strict" ? 5 : 3,
                 opacity: 0.8 };
      },
      onEachFeature: function (feature, layer) {
        const name = document.createElement("span");
        name.textContent = feature.properties.name || feature.properties.id;
        layer.bindTooltip(name);
      },
    }).addTo(streets);
  }

  function drawReports(answer) {
    reports.clearLayers();
    if (answer.clusters) {
      for (const cluster of answer.clusters) {
        const label = document.createElement("span");
        label.textContent = data.reportsLabel.replace("%d", String(cluster.count));
        L.circleMarker([cluster.lat, cluster.lon], {
          radius: Math.min(30, 8 + Math.sqrt(cluster.count)), color: "#5b2c83",
          fillOpacity: 0.5, className: "cluster",
        }).bindTooltip(label, { permanent: true, direction: "center",
                                className: "cluster-count" }).addTo(reports);
      }
      return;
    }
    for (const report of answer.reports) {
      L.circleMarker([report.lat, report.lon], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: "#d4145a", fillOpacity: 1,
        className: "report-marker",
      }).bindPopup(popup(report)).addTo(reports);
    }
  }

  function fetchJson(address) {
    return fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) {
        return answer.json().then(function (body) {
          if (!answer.ok) {
            throw new Error(body && body.error ? body.error : data.failed);
          }
          return body;
        });
      });
  }

  function load() {
    const box = bbox();
    const mine = ++generation;
    if (box[2] - box[0] > maxDegrees || box[3] - box[1] > maxDegrees) {
      streets.clearLayers();
      reports.clearLayers();
      say(data.zoomIn);
      return;
    }
    Promise.all([fetchJson(withBox(data.streets, box)), fetchJson(withBox(data.reports, box))])
      .then(function (answers) {
        if (mine !== generation) {
          return;
        }
        say("");
        drawStreets(answers[0]);
        drawReports(answers[1]);
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
