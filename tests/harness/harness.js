// Harness page: mounts views of the real widget module on a stand-in model.
import widget from "/static/map.js";
import { StandInModel } from "/harness/model.js";

const views = [];

async function mount(count = 1, { endpoint = "" } = {}) {
  const state = await (await fetch("/state")).json();
  const model = new StandInModel(state, endpoint);
  window.model = model;
  for (let i = 0; i < count; i++) addView(model);
  return true;
}

function mountStatic(state, count = 1) {
  const model = new StandInModel(state, null);
  window.model = model;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) addView(model);
  document.body.getBoundingClientRect();
  document.querySelector(".egomap-svg").getBBox();
  return performance.now() - t0;
}

function addView(model) {
  const el = document.createElement("div");
  el.className = "harness-view";
  document.getElementById("views").append(el);
  const cleanup = widget.render({ model, el });
  views.push({ el, cleanup });
}

function unmountAll() {
  for (const v of views.splice(0)) {
    v.cleanup();
    v.el.remove();
  }
  return window.model ? window.model.listenerCount() : 0;
}

window.harness = { mount, mountStatic, unmountAll, views, ready: true };
