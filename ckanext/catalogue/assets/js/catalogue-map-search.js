/* Search by area: the user draws a box on a Leaflet map and the search page
 * reloads with ext_bbox=west,south,east,north, which the catalogue turns into
 * a Solr filter on the items' locations. A box already in the URL is shown. */
ckan.module("catalogue-map-search", function ($) {
  "use strict";

  function clamp(value, low, high) { return Math.min(Math.max(value, low), high); }

  function parseBox(text) {
    var parts = String(text || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) { return null; }
    return L.latLngBounds([parts[1], parts[0]], [parts[3], parts[2]]);
  }

  function boxParam(bounds) {
    var west = clamp(bounds.getWest(), -180, 180), east = clamp(bounds.getEast(), -180, 180);
    var south = clamp(bounds.getSouth(), -90, 90), north = clamp(bounds.getNorth(), -90, 90);
    return [west, south, east, north].map(function (n) { return n.toFixed(4); }).join(",");
  }

  return {
    options: { bbox: "", tiles: "", attribution: "" },

    initialize: function () {
      // CKAN reads an empty data-module-* attribute as true: strings only.
      var text = function (value) { return typeof value === "string" ? value : ""; };
      var tiles = text(this.options.tiles), attribution = text(this.options.attribution);
      var canvas = this.el.find(".catalogue-map-canvas")[0];
      // CKAN initialises modules again after an htmx swap of the results.
      if (canvas._catalogueMap) { return; }
      var map = L.map(canvas, { attributionControl: Boolean(attribution), worldCopyJump: true });
      canvas._catalogueMap = map;  // for the browser tests
      if (tiles) {
        L.tileLayer(tiles, { attribution: attribution, maxZoom: 18 }).addTo(map);
      }
      var shown = parseBox(text(this.options.bbox));
      var searchForm = $("#dataset-search-form");
      if (shown && searchForm.length && !searchForm.find("input[name=ext_bbox]").length) {
        // A new text query or sort keeps the area (CKAN's form leaves ext_* out).
        $("<input type='hidden' name='ext_bbox'>").val(text(this.options.bbox)).appendTo(searchForm);
      }
      if (shown) {
        L.rectangle(shown, { weight: 2 }).addTo(map);
        map.fitBounds(shown, { maxZoom: 10, padding: [10, 10] });
      } else {
        map.setView([20, 0], 1);
      }
      this.map = map;
      this.el.find(".catalogue-map-draw").on("click", $.proxy(this._startDrawing, this));
    },

    _startDrawing: function (event) {
      event.preventDefault();
      var map = this.map, start = null, box = null;
      map.dragging.disable();
      map.getContainer().classList.add("catalogue-map-drawing");

      function follow(e) {
        if (start) { box.setBounds(L.latLngBounds(start, e.latlng)); }
      }
      function finish(e) {
        if (!start) { return; }
        map.off("mousemove", follow).off("mouseup", finish);
        var from = map.latLngToContainerPoint(start), to = map.latLngToContainerPoint(e.latlng);
        if (Math.abs(from.x - to.x) < 3 || Math.abs(from.y - to.y) < 3) {
          // A click, not a box: draw again.
          map.removeLayer(box);
          map.dragging.enable();
          map.getContainer().classList.remove("catalogue-map-drawing");
          return;
        }
        var bounds = L.latLngBounds(start, e.latlng);
        var url = new URL(window.location.href);
        url.searchParams.set("ext_bbox", boxParam(bounds));
        url.searchParams.delete("page");
        window.location.assign(url.toString());
      }
      map.once("mousedown", function (e) {
        start = e.latlng;
        box = L.rectangle(L.latLngBounds(start, start), { weight: 2, dashArray: "4" }).addTo(map);
        map.on("mousemove", follow).on("mouseup", finish);
      });
    }
  };
});
