/* An item's places on a small map (its page): the GeoJSON features the
 * page lists in data-module-features, fitted in view. */
ckan.module("catalogue-doc-map", function ($) {
  "use strict";
  return {
    options: { features: [], tiles: "", attribution: "" },

    initialize: function () {
      var text = function (value) { return typeof value === "string" ? value : ""; };
      var features = $.isArray(this.options.features) ? this.options.features : [];
      var canvas = this.el[0];
      if (canvas._catalogueMap || !features.length) { return; }
      var attribution = text(this.options.attribution);
      var map = L.map(canvas, { attributionControl: Boolean(attribution), scrollWheelZoom: false });
      canvas._catalogueMap = map;
      if (text(this.options.tiles)) {
        L.tileLayer(text(this.options.tiles), { attribution: attribution, maxZoom: 18 }).addTo(map);
      }
      // Circles, not marker images: the bundle carries none of Leaflet's images.
      var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
        pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 7, weight: 2 }); },
        onEachFeature: function (feature, shape) { shape.bindTooltip(String(feature.properties.label || "")); }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [20, 20] });
    }
  };
});
