// The change view's page script (egomap.viz.pyvis_view.change_network).
// Reads the view data (JSON in <script id="em-data">) and draws it with vis-network:
// markers, labels, ties, rings and sectors as in the widget and the figures. Time points
// are tabs (one tab stop; the arrow keys move focus and the time point; the previous/next
// buttons sit outside the tab list). The list of people says in words what the map shows
// (rows and words from Python); focus on a person rings them on the map. Positions come
// from Python. With mark= (egomap.viz.marks) a node carries c (its social capital: a tag at the
// lower right) and n (resource items: a disc at the upper left), drawn from the style like the rest.
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
  var chosen = null;  // node id of the person chosen in the list or on the map (kept across time points)
  function shapePath(ctx, kind, x, y, r) {
    var pts = (STYLE.markers[kind] || STYLE.markers.person).points;
    ctx.beginPath();
    if (!pts.length) { ctx.arc(x, y, r, 0, 2 * Math.PI); return; }
    ctx.moveTo(x + pts[0][0] * r, y + pts[0][1] * r);
    for (var i = 1; i < pts.length; i++) ctx.lineTo(x + pts[i][0] * r, y + pts[i][1] * r);
    ctx.closePath();
  }
  // a small disc with a symbol or a number in it (the capital tag, the resource count)
  function tag(ctx, x, y, r, fill, edge, ink, text, font) {
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = fill; ctx.fill();
    ctx.lineWidth = px("outline") * 0.8; ctx.strokeStyle = edge; ctx.stroke();
    ctx.fillStyle = ink; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.font = "bold " + (font * r).toFixed(1) + "px " + FONT;
    ctx.fillText(text, x, y + r * 0.06);
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
        if (n.i === chosen) {  // the person chosen in the list (or clicked): a dark ring round the marker
          ctx.globalAlpha = 1;
          ctx.beginPath(); ctx.arc(x, y, R * 1.75, 0, 2 * Math.PI);
          ctx.lineWidth = px("outline") * 2.5; ctx.strokeStyle = "#1F2933"; ctx.stroke();
          ctx.globalAlpha = st.opacity;
        }
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
        ctx.globalAlpha = st.opacity;
        if (n.c) {  // social capital: a symbol on a coloured disc at the lower right (mark="capital")
          var T = STYLE.capital_tag, C = STYLE.capital[n.c];
          tag(ctx, x + T.offset[0] * R, y + T.offset[1] * R, R * T.size, C.color, T.edge, C.text, C.symbol, T.font * C.scale * 1.45);
        }
        if (n.n) {  // how many resource items they could help with: a dark disc at the upper left (mark="resources")
          var K = STYLE.count;
          tag(ctx, x + K.offset[0] * R, y + K.offset[1] * R, R * K.size, K.color, K.edge, K.text, String(n.n), K.font * 1.3);
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
  // vis-network makes its frame a tab stop that does nothing with the keyboard off: the list of people
  // below is the keyboard's way through the map (a click still focuses it, for the arrow keys)
  var visFrame = container.querySelector(".vis-network");
  if (visFrame) visFrame.tabIndex = -1;
  var current = 0, view = DATA.views[0];
  // the hover text, from the person's row in the list (as egomap.viz.change_view.hover_text)
  function hoverText(r) {
    var lines = [r[0]];
    if (view.hover_since) lines.push(view.hover_since + ": " + r[1].charAt(0).toLowerCase() + r[1].slice(1));
    return lines.concat([r[2], DATA.feels + ": " + r[3]], r[4]).join("\n");
  }
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
      opacity: st.opacity, title: textTitle(hoverText(n.r))
    };
  }
  var TIES = [
    {color: {color: STYLE.tie.color, opacity: STYLE.tie.opacity}, width: px("tie")},
    {color: {color: STYLE.status.gained.color, opacity: 0.9}, width: px("tie") * 1.6},
    {color: {color: STYLE.status.lost.color, opacity: 0.6}, width: px("tie") * 1.2, dashes: [4, 4]}
  ];
  function visEdge(e) {
    var edge = Object.assign({id: e[0] + "|" + e[1], from: e[0], to: e[1]}, TIES[e[2]]);
    if (e[3]) edge.title = textTitle(e[3]);  // the tie's types, as text (never HTML)
    return edge;
  }
  function fitView() {
    var w = container.clientWidth || 600, h = container.clientHeight || 600;
    network.moveTo({position: {x: 0, y: 0}, scale: Math.min(w / (2 * S * 1.52), h / (2 * S * 1.27)), animation: false});
  }
  var tabs = [], tabList = document.getElementById("em-tabs"), panel = document.getElementById("em-panel");
  var body = document.querySelector("#em-people tbody"), list = document.getElementById("em-list");
  function cell(row, tag, text) {
    var c = document.createElement(tag);
    c.textContent = text;
    row.appendChild(c);
    return c;
  }
  function rowButtons() { return Array.prototype.slice.call(body.querySelectorAll("button")); }
  // one tab stop in the list: the chosen person's button, else the first
  function markChosen() {
    var buttons = rowButtons(), stop = null;
    buttons.forEach(function (b) {
      var on = b.dataset.k === chosen;
      b.closest("tr").classList.toggle("em-current", on);
      b.tabIndex = -1;
      if (on) stop = b;
    });
    if (!stop && buttons.length) stop = buttons[0];
    if (stop) stop.tabIndex = 0;
    return stop;
  }
  function choose(key, fromList) {
    chosen = raw[key] ? key : null;
    var b = markChosen();
    if (chosen && !fromList && b) {  // bring the row into the list's view, without moving the page or focus
      var tr = b.closest("tr"), top = tr.offsetTop - list.querySelector("thead").offsetHeight;
      if (top < list.scrollTop || tr.offsetTop + tr.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = Math.max(0, top);
      }
    }
    network.redraw();
  }
  function fillList() {
    document.getElementById("em-people-h").textContent = view.people;
    document.querySelector("#em-people thead th:nth-child(2)").textContent = view.changed;
    body.textContent = "";
    view.rows.forEach(function (i) {
      var n = view.nodes[i], r = n.r, tr = document.createElement("tr"), th = document.createElement("th");
      var b = document.createElement("button");
      b.type = "button"; b.textContent = r[0]; b.dataset.k = n.i;
      b.addEventListener("focus", function () { choose(n.i, true); });
      b.addEventListener("click", function () { choose(n.i, true); });
      th.scope = "row"; th.appendChild(b); tr.appendChild(th);
      cell(tr, "td", r[1]); cell(tr, "td", r[2]); cell(tr, "td", r[3]);
      cell(tr, "td", r[4].join("\n")).className = "em-more";
      body.appendChild(tr);
    });
    if (!view.rows.length) {
      var empty = document.createElement("tr");
      cell(empty, "td", "No one on this map yet.").colSpan = 5;
      body.appendChild(empty);
    }
    // a tab panel with nothing to focus in it is a tab stop itself (the tab pattern)
    if (view.rows.length) panel.removeAttribute("tabindex"); else panel.tabIndex = 0;
    markChosen();
  }
  function show(i, focusTab) {
    current = (i + DATA.views.length) % DATA.views.length;
    view = DATA.views[current];
    raw = {};
    nodes.clear(); edges.clear();
    nodes.add(view.nodes.map(visNode));
    edges.add(view.edges.map(visEdge));
    tabs.forEach(function (t, j) {
      t.setAttribute("aria-selected", String(j === current));
      t.tabIndex = j === current ? 0 : -1;
    });
    panel.setAttribute("aria-labelledby", tabs[current].id);
    if (focusTab) tabs[current].focus();
    document.getElementById("em-caption").textContent = view.caption;
    document.getElementById("em-since").textContent = view.since;
    if (chosen && !raw[chosen]) chosen = null;
    fillList();
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
  DATA.views.forEach(function (v, i) {
    var t = document.createElement("button");
    t.type = "button"; t.textContent = v.label; t.id = "em-tab-" + i;
    t.setAttribute("role", "tab"); t.setAttribute("aria-controls", "em-panel"); t.dataset.i = String(i);
    t.addEventListener("click", function () { show(i, true); });
    tabList.appendChild(t);
    tabs.push(t);
  });
  document.getElementById("em-prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("em-next").addEventListener("click", function () { show(current + 1); });
  // the tab pattern: the arrow keys (and Home/End) move focus along the tabs and show that time point
  tabList.addEventListener("keydown", function (e) {
    var to = {ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: DATA.views.length - 1}[e.key];
    if (to === undefined) return;
    e.preventDefault(); e.stopPropagation();
    show(to, true);
  });
  // the list: the arrow keys (and Home/End) go from person to person
  body.addEventListener("keydown", function (e) {
    var buttons = rowButtons(), at = buttons.indexOf(document.activeElement);
    var to = {ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1}[e.key];
    if (at < 0 || to === undefined) return;
    e.preventDefault(); e.stopPropagation();
    to = Math.max(0, Math.min(buttons.length - 1, to));
    buttons[to].tabIndex = 0; buttons[to].focus();
  });
  network.on("click", function (p) { choose(p.nodes.length ? p.nodes[0] : null, false); });
  // elsewhere on the page (the map, the previous/next buttons) the left and right arrows step through time
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.closest && e.target.closest("#em-people")) return;
    if (e.key === "ArrowRight") show(current + 1);
    if (e.key === "ArrowLeft") show(current - 1);
  });
  show(0);
  fitView();
  network.once("afterDrawing", fitView);
  window.egomapView = {
    network: network, show: show, views: DATA.views.length,
    current: function () { return current; },
    chosen: function () { return chosen; },
    label: function () { return view.label; },
    nodeCount: function () { return nodes.length; },
    edgeCount: function () { return edges.length; }
  };
})();
