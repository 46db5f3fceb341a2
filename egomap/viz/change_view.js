// The change view's page script (egomap.viz.pyvis_view.change_network).
// Reads the view data (JSON in <script id="em-data">) and draws it with vis-network:
// markers, labels, ties, rings and sectors as in the widget and the figures; step
// buttons and the arrow keys switch time points. Positions come from Python.
// Exposes window.egomapView for tests. Plain script, no modules, no build step.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("em-data").textContent);
  var S = DATA.scale, STYLE = DATA.style, SZ = STYLE.size;
  var FONT = "DejaVu Sans, Arial, sans-serif";
  var R = SZ.marker * S;  // marker radius in canvas units; every size is a fraction of the map radius
  function px(key) { return SZ[key] * S; }
  function dash(pattern, width) { return pattern.map(function (d) { return d * width; }); }
  var raw = {};  // node id -> the node's data in the current view
  function shapePath(ctx, kind, x, y, r) {
    var pts = (STYLE.markers[kind] || STYLE.markers.person).points;
    ctx.beginPath();
    if (!pts.length) { ctx.arc(x, y, r, 0, 2 * Math.PI); return; }
    ctx.moveTo(x + pts[0][0] * r, y + pts[0][1] * r);
    for (var i = 1; i < pts.length; i++) ctx.lineTo(x + pts[i][0] * r, y + pts[i][1] * r);
    ctx.closePath();
  }
  // markers drawn as in the widget and the figures: fill, outline dash and glyph by valence,
  // shape by kind, a second outline for professionals, outline colour and width by change status
  function drawMarker(a) {
    var ctx = a.ctx, n = raw[a.id], x = a.x, y = a.y;
    if (!n) return {};
    var v = STYLE.valence[n.v], st = STYLE.status[n.s], ow = px("outline") * st.width;
    return {
      drawNode: function () {
        ctx.save();
        ctx.globalAlpha = st.opacity;
        if (n.p) {
          shapePath(ctx, n.k, x, y, R * STYLE.professional.scale);
          ctx.fillStyle = "#FFFFFF"; ctx.fill();
          ctx.lineWidth = px("professional_outline"); ctx.strokeStyle = STYLE.professional.color; ctx.stroke();
        }
        shapePath(ctx, n.k, x, y, R);
        ctx.fillStyle = v.color; ctx.fill();
        ctx.setLineDash(dash(st.dash.length ? st.dash : v.dash, ow));
        ctx.lineWidth = (a.state.hover || a.state.selected) ? ow + 2 : ow;
        ctx.strokeStyle = (a.state.hover || a.state.selected) ? "#000000" : st.color;
        ctx.stroke();
        ctx.setLineDash([]);
        if (v.glyph) {
          ctx.fillStyle = v.text; ctx.textAlign = "center"; ctx.textBaseline = "middle";
          ctx.font = "bold " + px("glyph_font").toFixed(1) + "px " + FONT;
          ctx.fillText(v.glyph, x, y + px("glyph_font") * 0.05);
        }
        if (st.badge) {  // new: a star at the upper right, so new alters stand out without colour
          var B = STYLE.badge, br = R * B.size, bx = x + B.offset[0] * R, by = y + B.offset[1] * R;
          ctx.globalAlpha = 1;
          ctx.beginPath();
          B.points.forEach(function (q, i) {
            if (i) ctx.lineTo(bx + q[0] * br, by + q[1] * br); else ctx.moveTo(bx + q[0] * br, by + q[1] * br);
          });
          ctx.closePath();
          ctx.fillStyle = B.color; ctx.fill();
          ctx.lineWidth = px("outline"); ctx.strokeStyle = B.edge; ctx.stroke();
        }
        ctx.restore();
      },
      drawExternalLabel: function () {
        if (!a.label) return;
        var f = Math.max(px("label_font"), 9);
        ctx.font = "bold " + f.toFixed(1) + "px " + FONT;
        ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
        ctx.globalAlpha = n.s === "lost" ? 0.8 : 1;
        ctx.lineWidth = px("label_halo"); ctx.strokeStyle = STYLE.label.halo;
        ctx.strokeText(a.label, x + n.lx, y + n.ly);
        ctx.fillStyle = n.s === "lost" ? STYLE.label.faded : STYLE.label.color;
        ctx.fillText(a.label, x + n.lx, y + n.ly);
      },
      nodeDimensions: {width: 2 * R, height: 2 * R}
    };
  }
  var nodes = new vis.DataSet([]), edges = new vis.DataSet([]);
  var container = document.getElementById("em-net");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
    physics: false, autoResize: true,
    interaction: {hover: true, tooltipDelay: 120, dragNodes: false, zoomView: true, dragView: true},
    nodes: {fixed: true, shape: "custom", ctxRenderer: drawMarker, font: {face: FONT}},
    edges: {smooth: false, selectionWidth: 1}
  });
  var current = 0, view = DATA.views[0];
  function textTitle(s) {
    var el = document.createElement("div");
    el.style.whiteSpace = "pre-line";
    el.textContent = s;
    return el;
  }
  function visNode(n) {
    var st = STYLE.status[n.s], v = STYLE.valence[n.v];
    var label = n.l + (n.m ? (n.l ? " " : "") + STYLE.moved[n.m].symbol : "");
    raw[n.i] = n;
    return {
      id: n.i, label: label, x: n.x, y: n.y, shape: "custom", size: R,
      borderWidth: px("outline") * st.width,
      shapeProperties: {borderDashes: st.dash.length ? dash(st.dash, 1) : (v.dash.length ? dash(v.dash, 1) : false)},
      opacity: st.opacity, title: textTitle(n.t)
    };
  }
  var TIES = [
    {color: {color: STYLE.tie.color, opacity: STYLE.tie.opacity}, width: px("tie")},
    {color: {color: STYLE.status.gained.color, opacity: 0.9}, width: px("tie") * 1.6},
    {color: {color: STYLE.status.lost.color, opacity: 0.6}, width: px("tie") * 1.2, dashes: [4, 4]}
  ];
  function visEdge(e) {
    return Object.assign({id: e[0] + "|" + e[1], from: e[0], to: e[1]}, TIES[e[2]]);
  }
  function fitView() {
    var w = container.clientWidth || 600, h = container.clientHeight || 600;
    network.moveTo({position: {x: 0, y: 0}, scale: Math.min(w / (2 * S * 1.52), h / (2 * S * 1.27)), animation: false});
  }
  function show(i) {
    current = (i + DATA.views.length) % DATA.views.length;
    view = DATA.views[current];
    raw = {};
    nodes.clear(); edges.clear();
    nodes.add(view.nodes.map(visNode));
    edges.add(view.edges.map(visEdge));
    var buttons = document.querySelectorAll(".em-steps button[data-i]");
    for (var b = 0; b < buttons.length; b++) {
      buttons[b].setAttribute("aria-selected", String(Number(buttons[b].dataset.i) === current));
    }
    document.getElementById("em-caption").textContent = view.caption;
    document.getElementById("em-since").textContent = view.since;
    network.redraw();
  }
  network.on("beforeDrawing", function (ctx) {
    var g = view.geometry, RS = STYLE.ring, i, r, p;
    ctx.save();
    for (i = g.rings.length - 1; i >= 0; i--) {
      ctx.beginPath(); ctx.arc(0, 0, g.rings[i] * S, 0, 2 * Math.PI);
      ctx.fillStyle = RS.fills[i % 2]; ctx.fill();
      ctx.lineWidth = px("ring_line"); ctx.strokeStyle = RS.line; ctx.stroke();
    }
    ctx.strokeStyle = RS.sector_line; ctx.lineWidth = px("sector_line");
    ctx.setLineDash(dash(RS.sector_dash, px("sector_line")));
    for (i = 0; i < g.sectors.length; i++) {
      p = g.sectors[i].line;  // from the person's disc to the edge, canvas units (computed in Python)
      ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(p[2], p[3]); ctx.stroke();
    }
    ctx.setLineDash([]);
    var sf = px("sector_font");
    ctx.font = "bold " + sf.toFixed(1) + "px " + FONT; ctx.fillStyle = RS.text; ctx.textBaseline = "middle";
    for (i = 0; i < g.sectors.length; i++) {
      var sec = g.sectors[i];
      p = sec.at;  // just outside the edge, canvas units
      ctx.textAlign = Math.abs(p[0]) < 0.12 * S ? "center" : (p[0] > 0 ? "left" : "right");
      for (var k = 0; k < sec.label.length; k++) {
        ctx.fillText(sec.label[k], p[0], p[1] + (k - (sec.label.length - 1) / 2) * 1.1 * sf);
      }
    }
    ctx.font = "italic " + px("ring_font").toFixed(1) + "px " + FONT; ctx.textAlign = "left"; ctx.fillStyle = RS.ring_text;
    for (i = 0; i < g.rings.length; i++) {
      r = ((i ? g.rings[i - 1] : g.centre) + g.rings[i]) / 2;
      ctx.fillText(g.ring_labels[i], RS.label_x * S, -r * S);
    }
    ctx.lineWidth = px("spoke");
    view.nodes.forEach(function (n) {
      if (n.s === "lost") return;
      var d = Math.sqrt(n.x * n.x + n.y * n.y) || 1, v = STYLE.valence[n.v];
      ctx.beginPath(); ctx.setLineDash(dash(v.dash, px("spoke")));
      ctx.moveTo(n.x / d * g.centre * S, n.y / d * g.centre * S); ctx.lineTo(n.x, n.y);
      ctx.strokeStyle = v.line; ctx.globalAlpha = STYLE.spoke.opacity; ctx.stroke();
    });
    ctx.setLineDash([]); ctx.globalAlpha = 1;
    ctx.restore();
  });
  network.on("afterDrawing", function (ctx) {
    // the person's disc over the lines' ends, as in the widget
    var g = view.geometry;
    ctx.save();
    ctx.beginPath(); ctx.arc(0, 0, g.centre * S, 0, 2 * Math.PI);
    ctx.fillStyle = STYLE.ego.fill; ctx.fill();
    ctx.fillStyle = STYLE.ego.text; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.font = "bold " + px("ego_font").toFixed(1) + "px " + FONT;
    ctx.fillText(view.ego, 0, 0);
    ctx.restore();
  });
  var steps = document.getElementById("em-steps");
  function button(text, i, label) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = text;
    if (i !== null) { b.dataset.i = String(i); b.setAttribute("role", "tab"); }
    if (label) b.setAttribute("aria-label", label);
    steps.appendChild(b);
    return b;
  }
  button("\u25C0", null, "Previous time point").addEventListener("click", function () { show(current - 1); });
  DATA.views.forEach(function (v, i) {
    button(v.label, i, null).addEventListener("click", function () { show(i); });
  });
  button("\u25B6", null, "Next time point").addEventListener("click", function () { show(current + 1); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") show(current + 1);
    if (e.key === "ArrowLeft") show(current - 1);
  });
  show(0);
  fitView();
  network.once("afterDrawing", fitView);
  window.egomapView = {
    network: network, show: show, views: DATA.views.length,
    current: function () { return current; },
    label: function () { return view.label; },
    nodeCount: function () { return nodes.length; },
    edgeCount: function () { return edges.length; }
  };
})();
