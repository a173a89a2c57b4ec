/* <pandium-embed> loader for pandium-embed. MIT. */
(() => {
  "use strict";
  var CONFIG = /*@pandium-embed-config*/null;
  // Safe to include twice; inert without a DOM.
  if (typeof window == "undefined" || !window.customElements || customElements.get("pandium-embed")) return;

  var conf = CONFIG || {};
  var NAME = /^pandium-[a-z0-9-]{1,64}$/;
  var UNSAFE_KEY = /^(__proto__|constructor|prototype)$/;
  // Emitted by the loader itself: never forged as pandium:<name>.
  var OWN = { load: 1, error: 1, message: 1, resize: 1 };
  var BUDGET = 100; // messages per element per second
  var SANDBOX = "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-storage-access-by-user-activation";
  var warned = {};

  // The mint routes are siblings of <root_path><prefix>/embed.js; else use the prefix.
  var base = new URL((conf.prefix || "/pandium") + "/", location.href);
  try {
    var me = new URL(document.currentScript.src);
    if (me.origin == location.origin && /\/embed\.js$/.test(me.pathname)) base = me;
  } catch (e) {}

  var warn = (text) => warned[text] || (console.warn("pandium-embed: " + text), (warned[text] = 1));

  // Not an array, a Date, a Map...: their prototypes differ.
  var isPlain = (v) => {
    var p = v && typeof v == "object" ? Object.getPrototypeOf(v) : 0;
    return p === Object.prototype || p === null;
  };

  // Frozen copy; no key reaches a prototype; over 10k values, 1M chars or depth 32 it throws.
  var copy = (v, depth, left) => {
    if (--left.values < 0 || depth > 32) throw left;
    if (typeof v == "string" && (left.chars -= v.length) < 0) throw left;
    if (!v || typeof v != "object") return v;
    var out = null;
    if (Array.isArray(v)) {
      if (v.length > left.values) throw left;
      out = [];
      for (var i = 0; i < v.length; i++) out.push(copy(v[i], depth + 1, left));
    } else if (isPlain(v)) {
      out = {};
      for (var k of Object.keys(v)) if (!UNSAFE_KEY.test(k)) out[k] = copy(v[k], depth + 1, left);
    }
    return Object.freeze(out);
  };

  var size = (el, name, fallback) => {
    var v = parseFloat(el.getAttribute(name));
    return v >= 0 ? v : fallback;
  };

  class PandiumEmbed extends HTMLElement {
    static observedAttributes = ["view", "connector", "integration", "src", "origin"];

    connectedCallback() {
      this._start();
    }

    disconnectedCallback() {
      this._stop();
    }

    attributeChangedCallback() {
      if (this._on) this.reload();
    }

    reload() {
      this._stop();
      if (this.isConnected) this._start();
    }

    _src() {
      var a = (n) => this.getAttribute(n), src = a("src"), c = a("connector"), i = a("integration");
      try {
        var url = src != null ? new URL(src, location.href) : new URL(
          c != null ? "connect/" + encodeURIComponent(c)
            : i != null ? "install/" + encodeURIComponent(i) : "marketplace", base);
        if (/^https?:$/.test(url.protocol)) return url.href;
      } catch (e) {}
      warn("bad src");
    }

    _start() {
      var f = document.createElement("iframe"), src = this._src(), list = this.getAttribute("origin");
      var origins = (this._origins = new Set());
      for (var o of list != null ? list.split(/\s+/) : conf.origins || []) {
        try {
          o = new URL(o).origin;
          if (o != "null") origins.add(o); // opaque origins are never trusted
        } catch (e) {}
      }
      if (!origins.size) warn('no Pandium origin known: set origin="https://..."');
      this._on = 1;
      if (!src) return;
      this._height = this._height || Math.ceil(this._clamp(600));
      f.title = this.getAttribute("title") || "Pandium integrations";
      f.setAttribute("sandbox", SANDBOX);
      // The src redirects: 'src' would mean the host app.
      f.allow = "clipboard-write " + ([...origins].join(" ") || "'none'");
      f.referrerPolicy = "strict-origin-when-cross-origin";
      var lazy = this.getAttribute("loading") == "lazy";
      if (lazy) f.loading = "lazy";
      Object.assign(f.style, { display: "block", width: "100%", border: "0", height: this._height + "px" });
      addEventListener("message", (this._onMessage = (e) => this._message(e))); // before src
      f.addEventListener("load", () => this._load());
      f.src = src;
      if (!lazy) this._timer = setTimeout(() => this._emit("error", { status: 0, reason: "timeout" }), size(this, "timeout", 2e4));
      this.appendChild((this._frame = f));
    }

    _stop() {
      removeEventListener("message", this._onMessage);
      clearTimeout(this._timer);
      cancelAnimationFrame(this._raf);
      this._raf = this._on = 0;
      if (this._frame) this._frame.remove();
      this._frame = null;
    }

    _load() {
      clearTimeout(this._timer);
      this._emit("load", {});
      // A refused mint route's same-origin page carries status and reason on <html>.
      var root;
      try {
        root = this._frame.contentDocument.documentElement;
      } catch (e) {}
      var status = root && root.getAttribute("data-pandium-status");
      if (status) this._emit("error", { status: +status, reason: root.getAttribute("data-pandium-reason") || "" });
    }

    _message(e) {
      var f = this._frame, w = f && f.contentWindow, d = e.data, name, data, type;
      // contentWindow outlives navigations; siblings can share the origin: check both.
      if (!w || e.source !== w || !this._origins.has(e.origin) || !isPlain(d)) return;
      name = d.message;
      if (typeof name != "string" || !NAME.test(name)) return;
      var now = Date.now();
      if (!(now - this._since < 1000)) this._since = now, (this._count = 0);
      var resize = name == "pandium-content-height-change";
      // Heights are cheap and the last must win: not budgeted.
      if (resize) this._resize(d.height);
      if (++this._count > BUDGET) return warn("flood: messages dropped");
      try {
        data = copy(d, 0, { values: 1e4, chars: 1 << 20 });
      } catch (x) {
        return warn("oversized message dropped");
      }
      type = name.slice(8);
      if (type == "success") this._emit(type, { tenant: data.tenant, webhook_url: data.webhook_url });
      else if (type == "install-cancel" || type == "save-sync") this._emit(type, { tenant: data.tenant });
      else if (!resize && !OWN[type]) this._emit(type, data);
      this._emit("message", { type: name, data });
    }

    _clamp(h) {
      return Math.min(Math.max(h, size(this, "min-height", 0)), size(this, "max-height", Infinity));
    }

    _resize(h) {
      if (typeof h != "number" || !isFinite(h) || h < 0) return;
      this._want = h;
      // At most one style write per frame; the last height wins.
      this._raf ||= requestAnimationFrame(() => {
        var px = Math.ceil(this._clamp(this._want));
        this._raf = 0;
        if (this._frame && Math.abs(px - this._height) >= 1) {
          this._frame.style.height = (this._height = px) + "px";
          this._emit("resize", { height: px });
        }
      });
    }

    _emit(type, detail) {
      // Fail closed: no trusted origin, no events.
      if (this._origins.size) {
        this.dispatchEvent(new CustomEvent("pandium:" + type, { bubbles: true, composed: true, detail: Object.freeze(detail) }));
      }
    }
  }

  customElements.define("pandium-embed", PandiumEmbed);
})();
