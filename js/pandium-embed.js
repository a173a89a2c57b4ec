(() => {
"use strict";
if (typeof window == "undefined" || !window.customElements || customElements.get("pandium-embed")) return;
var conf = /*@pandium-embed-config*/null || {};
var NAME = /^pandium-[a-z0-9-]{1,64}$/;
var UNSAFE_KEY = /^(__proto__|constructor|prototype)$/;
var OWN = { load: 1, error: 1, message: 1, resize: 1, close: 1 };
var BUDGET = 100;
var warned = {};
var base = new URL((conf.prefix || "/pandium") + "/", location.href);
try {
	var me = new URL(document.currentScript.src);
	if (me.origin == location.origin && /\/embed\.js$/.test(me.pathname)) base = me;
} catch (e) {}
var warn = (text) => warned[text] || (console.warn("pandium-embed: " + text), (warned[text] = 1));
var isPlain = (v) => {
	var p = v && typeof v == "object" ? Object.getPrototypeOf(v) : 0;
	return p === Object.prototype || p === null;
};
var copy = (v, depth, left) => {
	if (--left.values < 0 || depth > 32) throw left;
	if (typeof v == "string" && (left.chars -= v.length) < 0) throw left;
	if (!v || typeof v != "object") return v;
	var out = null;
	if (Array.isArray(v)) out = Array.from(v, (x) => copy(x, depth + 1, left));
	else if (isPlain(v)) {
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
	static observedAttributes = ["view", "connector", "integration", "src", "origin", "mode"];
	static open(options) {
		var el = document.createElement("pandium-embed"), k, v;
		for (k of Object.keys(options || {})) (v = options[k]) == null || v === false || el.setAttribute(k, v);
		el.open();
		return el;
	}
	_onMessage = (e) => this._message(e);
	_onClick = () => this.open();
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
	_prep() {
		var a = (n) => this.getAttribute(n), list = a("origin"), src = a("src"), c = a("connector"), i = a("integration");
		var origins = (this._origins = new Set());
		for (var o of list != null ? list.split(/\s+/) : conf.origins || []) {
			try {
				o = new URL(o).origin;
				if (o != "null") origins.add(o);
			} catch (e) {}
		}
		if (!origins.size) warn('no Pandium origin: set origin');
		try {
			var url = src != null ? new URL(src, location.href) : new URL(
				c != null ? "connect/" + encodeURIComponent(c)
					: i != null ? "install/" + encodeURIComponent(i) : "marketplace", base);
			if (/^https?:$/.test(url.protocol)) return url.href;
		} catch (e) {}
		warn("bad src");
	}
	_start() {
		var f = document.createElement("iframe"), src = this._prep(), c = this.getAttribute("connector"), b;
		this._on = 1;
		if (this.getAttribute("mode") == "popup") {
			this.addEventListener("click", this._onClick);
			b = this._button = document.createElement("button");
			b.type = "button";
			b.textContent = c != null ? "Connect " + c : "Open integrations";
			f = () => b == this._button && !this.children.length && this.append(b);
			return document.readyState == "loading" ? document.addEventListener("DOMContentLoaded", f) : f();
		}
		if (!src) return;
		this._height ||= Math.ceil(this._clamp(600));
		f.title = this.getAttribute("title") || "Pandium integrations";
		f.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-storage-access-by-user-activation");
		f.allow = "clipboard-write " + ([...this._origins].join(" ") || "'none'");
		f.referrerPolicy = "strict-origin-when-cross-origin";
		var lazy = this.getAttribute("loading") == "lazy";
		if (lazy) f.loading = "lazy";
		f.style.cssText = "display:block;width:100%;border:0;height:" + this._height + "px";
		addEventListener("message", this._onMessage);
		f.addEventListener("load", () => this._load());
		f.src = src;
		if (!lazy) this._timer = setTimeout(() => this._emit("error", { status: 0, reason: "timeout" }), size(this, "timeout", 2e4));
		this.appendChild((this._frame = f));
	}
	_stop() {
		this._unpop();
		removeEventListener("message", this._onMessage);
		this.removeEventListener("click", this._onClick);
		clearTimeout(this._timer);
		cancelAnimationFrame(this._raf);
		this._raf = this._on = 0;
		this._frame?.remove();
		this._button?.remove();
		this._frame = this._button = null;
	}
	open() {
		var w = this._popup, src;
		if (w && !w.closed) return w.focus();
		if (w) this._unpop(1);
		src = this._prep();
		w = src && window.open(src, "_blank", "popup,width=" + size(this, "width", 720) + ",height=" + size(this, "height", 800));
		if (!w) return src && queueMicrotask(() => this._emit("error", { status: 0, reason: "popup-blocked" }));
		this._popup = w;
		addEventListener("message", this._onMessage);
		this._poll = setInterval(() => w.closed && this._unpop(1), 500);
	}
	close() {
		this._popup?.close();
	}
	_unpop(closed) {
		clearInterval(this._poll);
		this._popup = null;
		if (!this._frame) removeEventListener("message", this._onMessage);
		if (closed) this._emit("close", {});
	}
	_load() {
		clearTimeout(this._timer);
		this._emit("load", {});
		var root = this._frame?.contentDocument?.documentElement, status = root?.getAttribute("data-pandium-status");
		if (status) this._emit("error", { status: +status, reason: root.getAttribute("data-pandium-reason") || "" });
	}
	_message(e) {
		var s = e.source, d = e.data, name, data, type, detail;
		if (!s || (s !== this._popup && s !== this._frame?.contentWindow) || !this._origins.has(e.origin) || !isPlain(d)) return;
		name = d.message;
		if (typeof name != "string" || !NAME.test(name)) return;
		var now = Date.now();
		if (!(now - this._since < 1000)) this._since = now, (this._count = 0);
		var resize = name == "pandium-content-height-change";
		if (resize) this._resize(d.height);
		if (++this._count > BUDGET) return warn("flood: messages dropped");
		try {
			data = copy(d, 0, { values: 1e4, chars: 1 << 20 });
		} catch (x) {
			return warn("oversized message dropped");
		}
		type = name.slice(8);
		detail = type == "success" ? { tenant: data.tenant, webhook_url: data.webhook_url }
			: type == "install-cancel" || type == "save-sync" ? { tenant: data.tenant }
			: !resize && !OWN[type] && data;
		if (this.hasAttribute("report") && (type == "success" || type == "save-sync")) this._report({ type: name, connector: this.getAttribute("connector"), ...detail });
		if (detail) this._emit(type, detail);
		this._emit("message", { type: name, data });
	}
	_report(body) {
		var fail = (status) => this._emit("error", { status, reason: "report-failed" });
		(async () => fetch(new URL("events", base), { method: "POST", mode: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }))()
			.then((r) => r.ok || fail(r.status), () => fail(0));
	}
	_clamp(h) {
		return Math.min(Math.max(h, size(this, "min-height", 0)), size(this, "max-height", Infinity));
	}
	_resize(h) {
		if (!(Number.isFinite(h) && h >= 0)) return;
		this._want = h;
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
		this._origins.size && this.dispatchEvent(new CustomEvent("pandium:" + type, { bubbles: true, composed: true, detail: Object.freeze(detail) }));
	}
}
customElements.define("pandium-embed", PandiumEmbed);
window.PandiumEmbed = PandiumEmbed;
})();
