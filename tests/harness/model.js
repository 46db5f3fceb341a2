// A stand-in for the anywidget model, for the harness page.
//
// It keeps the synced traits in a plain object and fires "change:<name>"
// events like the real (Backbone) model. With an endpoint, send() and
// save_changes() go over HTTP to the harness server, which applies them to
// a real Python MapWidget (and so a real store) and answers with the traits.
// Without an endpoint (benchmarks), messages are only recorded in `sent`.

export class StandInModel {
  constructor(state, endpoint = null) {
    this.state = { ...state };
    this.endpoint = endpoint;
    this.handlers = new Map();
    this.dirty = {};
    this.sent = [];
    this.inflight = 0;
  }

  get(name) {
    return this.state[name];
  }

  set(name, value) {
    if (name === "request") this.sent.push(value); // a gesture, as the widget sends it
    if (JSON.stringify(this.state[name]) === JSON.stringify(value)) return;
    this.state[name] = value;
    this.dirty[name] = value;
    this._emit(`change:${name}`);
    this._emit("change");
  }

  on(name, fn) {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name).add(fn);
  }

  off(name, fn) {
    const set = this.handlers.get(name);
    if (set) set.delete(fn);
  }

  listenerCount() {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }

  _emit(name, ...args) {
    for (const fn of [...(this.handlers.get(name) || [])]) fn(...args);
  }

  apply(traits) {
    const changed = [];
    for (const [k, v] of Object.entries(traits)) {
      if (JSON.stringify(this.state[k]) !== JSON.stringify(v)) {
        this.state[k] = v;
        changed.push(k);
      }
    }
    for (const k of changed) this._emit(`change:${k}`);
    if (changed.length) this._emit("change");
  }

  async _post(path, body) {
    this.inflight++;
    try {
      const r = await fetch(this.endpoint + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      this.apply(await r.json());
    } finally {
      this.inflight--;
    }
  }

  save_changes() {
    const d = this.dirty;
    this.dirty = {};
    if (this.endpoint !== null && Object.keys(d).length) return this._post("/state", d);
  }

  send(content) {
    // the periodic live-update check is counted apart: `sent` holds the gestures
    if (content && content.type === "check") this.checks = (this.checks || 0) + 1;
    else this.sent.push(content);
    if (this.endpoint !== null) return this._post("/msg", content);
  }
}
