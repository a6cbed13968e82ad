// SPDX-License-Identifier: GPL-3.0-or-later
// An officer's day on the console: each shift's track, broken where positions are
// missing (a dashed line joins the ends of a gap), the assigned street segments green
// when a shift of the day walked them and red when none did, with their names, and the
// shift's reports as pins linking to their pages. What the page says is in the map
// element's data attributes; values from devices are set as text only, never as markup.
"use strict";

(function () {
  const element = document.getElementById("route-map");
  const status = document.getElementById("map-status");
  if (!element || typeof L === "undefined") {
    return;
  }
  const data = element.dataset;
  const colours = { walked: "#1e8c3a", missed: "#d0021b", track: "#1f4e79",
                    report: "#d4145a" };
  const map = L.map(element, { zoomSnap: 1 });
  L.control.scale({ imperial: false }).addTo(map);
  map.setView([0, 0], 2);

  function say(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }

  function label(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function drawSegments(route, bounds, labelled) {
    const walked = new Set();
    const named = new Set();
    for (const shift of route.shifts) {
      for (const id of shift.walked) {
        walked.add(id);
      }
    }
    for (const street of route.assigned) {
      const done = walked.has(street.id);
      for (const line of street.lines) {
        const latlngs = line.map(function (p) { return [p[1], p[0]]; });
        const name = street.name || street.id;
        const layer = L.polyline(latlngs, {
          color: done ? colours.walked : colours.missed, weight: 6, opacity: 0.85,
          className: done ? "segment-walked" : "segment-missed",
        });
        layer.addTo(map);
        // A street's name shows once, on its first segment (labelled once the view is
        // set); the rest name it on hover.
        if (named.has(name)) {
          layer.bindTooltip(label(name), { className: "segment-label" });
        } else {
          labelled.push([layer, name]);
        }
        named.add(name);
        bounds.extend(layer.getBounds());
      }
    }
  }

  function isGapStart(shift, t) {
    return shift.gaps.some(function (gap) { return gap.start_ms === t; });
  }

  function drawTrack(shift, bounds) {
    let piece = [];
    const flush = function () {
      if (piece.length > 1) {
        const layer = L.polyline(piece, { color: colours.track, weight: 3, opacity: 0.9,
                                          className: "track" }).addTo(map);
        bounds.extend(layer.getBounds());
      } else if (piece.length === 1) {
        L.circleMarker(piece[0], { radius: 2, color: colours.track }).addTo(map);
        bounds.extend(piece[0]);
      }
      piece = [];
    };
    for (let i = 0; i < shift.track.length; i++) {
      const p = shift.track[i];
      piece.push([p[1], p[0]]);
      if (i + 1 < shift.track.length && isGapStart(shift, p[2])) {
        const next = shift.track[i + 1];
        flush();
        // Nothing is known of the way between: a thin dashed line, not a walk.
        L.polyline([[p[1], p[0]], [next[1], next[0]]], {
          color: colours.track, weight: 2, opacity: 0.6, dashArray: "4 6",
          className: "track-gap",
        }).addTo(map);
      }
    }
    flush();
  }

  function drawReports(shift, bounds) {
    for (const report of shift.reports || []) {
      const box = document.createElement("div");
      box.className = "map-popup";
      const link = document.createElement("a");
      link.href = data.reportLink + encodeURIComponent(report.uuid);
      link.textContent = report.category || report.uuid;
      box.appendChild(link);
      const when = document.createElement("div");
      when.textContent = report.created_at || "";
      box.appendChild(when);
      L.circleMarker([report.lat, report.lon], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: colours.report, fillOpacity: 1,
        className: "report-marker",
      }).bindPopup(box).addTo(map);
      bounds.extend([report.lat, report.lon]);
    }
  }

  fetch(data.route, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (answer) {
      if (!answer.ok) {
        throw new Error(data.failed);
      }
      return answer.json();
    })
    .then(function (route) {
      const bounds = L.latLngBounds([]);
      const labelled = [];
      drawSegments(route, bounds, labelled);
      for (const shift of route.shifts) {
        drawTrack(shift, bounds);
        drawReports(shift, bounds);
      }
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 18, animate: false });
      }
      for (const [layer, name] of labelled) {
        layer.bindTooltip(label(name), { className: "segment-label", permanent: true,
                                         direction: "right" }).openTooltip();
      }
      element.dataset.loaded = "1";
      say("");
    })
    .catch(function (error) {
      say(error && error.message ? error.message : data.failed);
    });
})();
