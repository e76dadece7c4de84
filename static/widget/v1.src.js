/* KTO website widget v1 (readable source; `make widget` writes the shipped v1.js from it).
   Pop-up, feedback tab and inline "was this page helpful?".
   <script src="https://HOST/static/widget/v1.js" data-org="demo" data-survey="website" async>
   Only global: window.KTO. State in localStorage only (no cookies). Never throws into the page. */
(function (w, d) {
  "use strict";
  var me = d.currentScript, K = (w.KTO = w.KTO || {}), KEY = "kto", DAY = 864e5, VISIT = 18e5;
  var SVG = "http://www.w3.org/2000/svg";
  var CSS =
    ".w,dialog{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;text-align:left}" +
    "dialog{max-width:26rem;padding:1.25rem;border:2px solid #154273;border-radius:8px;background:#fff}" +
    "dialog::backdrop{background:#0005}h2{font-size:1.2rem;margin:0 3rem .75rem 0}" +
    "fieldset{border:0;margin:0;padding:0}legend{font-weight:600;padding:0;margin-bottom:.5rem}" +
    "button{font:16px/1.5 system-ui,sans-serif;cursor:pointer;border:2px solid #154273;border-radius:6px;background:#fff;" +
    "color:#154273;padding:.4rem .9rem;margin:.25rem .4rem .25rem 0;min-height:44px;min-width:44px}" +
    "button:hover{background:#e6edf5}:focus-visible{outline:3px solid #b34700;outline-offset:2px}" +
    ".x{position:absolute;top:.6rem;right:.6rem;margin:0}.tab{position:fixed;right:1rem;bottom:1rem;" +
    "z-index:2147483000;background:#154273;color:#fff;box-shadow:0 2px 6px #0006}" +
    "textarea{display:block;width:100%;box-sizing:border-box;font:inherit;min-height:5rem;margin:.5rem 0;" +
    "border:2px solid #555;border-radius:4px}label{display:block;font-weight:600}" +
    "svg{width:20px;height:20px;fill:currentColor;vertical-align:-4px;margin-right:.4rem}.dn{transform:scale(-1)}";
  var sheet;

  function safe(fn) {
    return function (a, b) {
      try { return fn(a, b); } catch (e) { /* never into the host page */ }
    };
  }
  function on(t, type, fn, opt) {
    fn = safe(fn);
    t.addEventListener(type, fn, opt);
    return function () { t.removeEventListener(type, fn, opt); };
  }
  function el(tag, attrs, text, ns) {
    var e = ns ? d.createElementNS(ns, tag) : d.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  // Icons are inline SVG, hidden from screen readers: a button is named by its text alone, and
  // nothing depends on an emoji font being installed.
  function thumb(down) {
    var s = el("svg", { viewBox: "0 0 24 24", "aria-hidden": "true",
      class: down ? "dn" : "" }, null, SVG);
    s.appendChild(el("path", { d: "M2 10h4v11H2zm6 11V10l4-8q3 0 2 4l-1 3h7l-2 12" }, null, SVG));
    return s;
  }
  // A random (version 4) UUID in any context, https or not: browsers name a blob URL with one.
  function uuid() { return URL.createObjectURL(new Blob()).slice(-36); }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return K.mem || {}; }
  }
  function change(fn) {
    var s = load();
    s.s = s.s || {};
    fn(s);
    K.mem = s;
    try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode */ }
    return s;
  }
  // Shadow root with our styles: the page's CSS cannot reach in, ours cannot leak out.
  function shadow(parent) {
    var host = el("div"), root = host.attachShadow({ mode: "open" });
    try {
      sheet = sheet || new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(el("style", {}, CSS));
    }
    parent.appendChild(host);
    return root;
  }
  /* show-if and the scales: the shared browser flow, inlined by `make widget` */
  /* @include static/js/flow.js */
  function glob(path, list) {
    return list.some(function (p) {
      return new RegExp("^" + p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*") + "$")
        .test(path);
    });
  }

  function start(cfg) {
    K.ready = (K.ready || 0) + 1; // surveys started on this page (tests wait for it)
    var W = cfg.widget, P = W.presentations, path = location.pathname;
    if (!cfg.texts[lang]) lang = "nl";
    var T = cfg.texts[lang], id = org + "/" + survey;
    if ((W.include.length && !glob(path, W.include)) || glob(path, W.exclude)) return;
    var st = change(function (s) {
      s.id = s.id || uuid().replace(/-/g, "");
      var me = (s.s[id] = s.s[id] || {});
      if (me.u == null) me.u = Math.random(); // sampling decided once per visitor
    });
    function text(t) { return (t && (t[lang] || t.nl)) || ""; }
    function mark(ev, visit) {
      change(function (s) {
        s.s[id][ev] = Date.now();
        if (visit) s.p = s.v; // at most one survey per visit
      });
    }

    // One question at a time; an answer given before leaving is still sent.
    function flow(box, presentation, trigger, done) {
      var answers = {}, at = -1, sent = 0, Q = cfg.questions;
      function after(i) { return nextShown(Q, answers, i); }
      function send() {
        if (sent || !(cfg.headline in answers)) return;
        mark("answered", 1);
        sent = fetch(base + "/api/v1/responses", {
          method: "POST", keepalive: true, credentials: "omit",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            id: uuid(), organisation: org, survey: survey, version: cfg.version,
            contact_channel: cfg.channel, survey_mode: presentation == "inline" ? "inline" : "popup",
            presentation: presentation, trigger: trigger, language: lang, page_path: path,
            inclusion_probability: presentation == "popup" ? W.sampling_rate : 1,
            visitor: st.id, answers: answers
          })
        }).then(function (r) { return r.json(); }).catch(Object);
      }
      var offs = [on(w, "pagehide", send), on(d, "visibilitychange", function () {
        if (d.visibilityState == "hidden") send();
      })];
      function finish(focus) {
        send();
        offs.forEach(function (f) { f(); });
        box.replaceChildren(el("p", { tabindex: "-1" }, T.thanks));
        // The complaint reason chosen: a link to the organisation's complaint page.
        if (cfg.complaint && [].concat(answers[cfg.complaint.key]).includes(cfg.complaint.code)) {
          box.append(el("a", { href: cfg.complaint.href }, T.complaint));
        }
        // The survey offers this answer a callback: the reply links to the link page's form.
        // (`callback` is the link's attributes: its href and target "_blank".)
        sent.then?.(function (j) {
          j.callback && box.append(el("a", j.callback, j.callback_text));
        });
        if (focus) box.firstChild.focus();
        done && done();
      }
      function next(focus) {
        at = after(at);
        if (at < 0) return finish(focus);
        var q = Q[at], k = q.kind, fs = el("fieldset"), opts = [], go;
        var last = after(at) < 0, qid = "q" + at, value = function () { return answers[q.key]; };
        fs.appendChild(el("legend", { id: qid }, text(q.text)));
        if (k == "thumbs" || k == "yes_no_na") {
          opts = [[k == "thumbs" ? "up" : "yes", T.yes, 1], [k == "thumbs" ? "down" : "no", T.no, 2]]
            .concat(k == "thumbs" || presentation == "inline" ? [] : [["na", T.na]]);
        } else if (k == "choice" && !q.multiple) {
          opts = q.options.map(function (o) { return [o.code, text(o.text)]; });
        } else if (SCALES[k]) {
          for (var n = SCALES[k][0]; n <= SCALES[k][1]; n++) opts.push([n, "" + n]);
        } else if (k == "choice") {
          q.options.forEach(function (o) {
            var l = el("label"), c = el("input", { type: "checkbox", value: o.code });
            l.append(c, " " + text(o.text));
            fs.appendChild(l);
          });
          value = function () {
            var v = [].map.call(fs.querySelectorAll(":checked"), function (c) { return c.value; });
            return v.length ? v : null;
          };
        } else {
          var a = el("textarea", { "aria-labelledby": qid, maxlength: q.max_length || 2000 });
          fs.appendChild(a);
          value = function () { return a.value.trim() || null; };
        }
        opts.forEach(function (o) {
          var b = el("button", { type: "button" }, o[1]);
          if (o[2]) b.prepend(thumb(o[2] > 1));
          on(b, "click", function () { answers[q.key] = o[0]; next(1); });
          fs.appendChild(b);
        });
        if (!opts.length || !q.required) {
          go = el("button", { type: "button" }, last ? T.send : T.next);
          on(go, "click", function () {
            var v = value();
            if (v != null) answers[q.key] = v;
            next(1);
          });
          fs.appendChild(go);
        }
        box.replaceChildren(fs);
        if (focus) fs.querySelector("button,input,textarea").focus();
      }
      next(0);
      return send;
    }

    function dialog(presentation, trigger) {
      var root = shadow(d.body), dlg = el("dialog", { "aria-labelledby": "t" });
      var box = el("div"), x = el("button", { type: "button", class: "x", "aria-label": T.close }, "✕");
      var back = d.activeElement, leave;
      dlg.append(el("h2", { id: "t" }, text(cfg.title) || T.tab), box, x);
      root.appendChild(dlg);
      mark("shown", presentation == "popup");
      leave = flow(box, presentation, trigger, function () { x.focus(); });
      on(x, "click", function () { dlg.close(); });
      on(dlg, "close", function () {
        leave();
        var m = load().s[id];
        if (!(m.answered >= m.shown)) mark("dismissed");
        root.host.remove();
        back?.focus?.();
      });
      on(dlg, "keydown", function (e) { // keep Tab inside the dialog
        var f = dlg.querySelectorAll("button,input,textarea"), a = root.activeElement;
        if (e.key == "Tab" && (a == f[e.shiftKey ? 0 : f.length - 1])) {
          e.preventDefault();
          f[e.shiftKey ? f.length - 1 : 0].focus();
        }
      });
      dlg.showModal();
    }

    var slot = P.includes("inline") && d.querySelector("[data-kto-inline]");
    if (slot) {
      var box = el("div", { class: "w", "aria-live": "polite" });
      shadow(slot).appendChild(box);
      flow(box, "inline", "click");
    }
    if (P.includes("tab")) {
      var tab = el("button", { type: "button", class: "tab" }, T.tab);
      shadow(d.body).appendChild(tab);
      on(tab, "click", function () { dialog("tab", "click"); });
    }
    if (slot || !P.includes("popup") || !(st.s[id].u < W.sampling_rate)) return;

    // The pop-up: never on arrival; after the visit's Nth page view, on the first trigger.
    function allowed() {
      var s = load(), me = s.s[id], r = W.recontact_days;
      return s.p != s.v && s.n >= W.page_views && !Object.keys(r).some(
        function (ev) { return me[ev] && Date.now() - me[ev] < r[ev] * DAY; });
    }
    if (!allowed()) return;
    var fired = 0, offs = [], delay = W.delay_seconds;
    function fire(trigger) {
      if (fired) return;
      fired = 1;
      offs.forEach(function (f) { f(); });
      if (allowed()) dialog("popup", trigger);
    }
    if (W.exit_intent) {
      if (matchMedia("(hover: none)").matches) delay = delay || 20; // touch: no reliable signal
      else offs.push(on(d, "mouseout", function (e) {
        if (!e.relatedTarget && e.clientY <= 0) fire("exit_intent");
      }));
    }
    if (W.scroll_percent) offs.push(on(w, "scroll", function () {
      var h = d.documentElement.scrollHeight;
      if ((scrollY + innerHeight) * 100 >= W.scroll_percent * h) fire("scroll");
    }, { passive: true }));
    if (delay) {
      var timer = setTimeout(safe(fire), delay * 1e3, "delay");
      offs.push(function () { clearTimeout(timer); });
    }
    if (!offs.length && W.page_views > 1) fire("page_views");
  }

  try {
    if (!me) return;
    var org = me.dataset.org, survey = me.dataset.survey; // the config does not repeat them
    if (K[me.src + survey]) return;
    K[me.src + survey] = 1;
    var base = new URL(me.src).origin, lang = (d.documentElement.lang || "nl").slice(0, 2).toLowerCase();
    if (!K.pv) { // count this page view once, however many surveys the page embeds
      K.pv = 1;
      change(function (s) {
        var now = Date.now();
        if (!s.t || now - s.t > VISIT) { s.v = now; s.n = 0; }
        s.n++;
        s.t = now;
      });
    }
    fetch(base + "/api/v1/widget/" + org + "/" + survey + "?lang=" + lang,
      { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(safe(function (cfg) { if (cfg) start(cfg); }))
      .catch(Object); // Object: a no-op that takes one argument
  } catch (e) { /* never into the host page */ }
})(window, document);
