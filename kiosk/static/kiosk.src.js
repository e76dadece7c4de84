/* Counter kiosk (readable source; `make js` writes the served kiosk.js from it and
   static/js/flow.js). One question per screen; every answer is queued in IndexedDB first and sent
   in the background, so the screen never waits for the network. No framework on purpose. */
(function () {
  'use strict';
  var root = document.documentElement;
  var VERSION = root.getAttribute('data-version');
  var T = JSON.parse(document.getElementById('texts').textContent);
  var app = document.getElementById('app');
  var secret = localStorage.getItem('kto.device');
  var cfg, S, questions, lang = 'nl', person = null, timer = 0;
  var sending = false, retryDelay = 0, retryTimer = 0, broken = false;
  var registration = null, newer = null, reloadSoon = false;
  /* Server time minus tablet time, learned from the Date of a server reply in this page's life
     (null: none yet, e.g. reloaded while offline); 0 when the tablet's clock is near enough. */
  var clock = null;
  var COMPLAINT_SECONDS = 30;  /* the thank-you screen with the complaint page's QR code */
  var SEND_TIMEOUT = 15000;  /* a reply that hangs longer is given up; the queue goes on */
  var later = {};  /* id -> [tablet time before which it is not retried, tries] after a timeout */

  /* ---- IndexedDB queue: {id, at, ready, times, sealed, payload, refused}; drafts become ready
     when the person is done. `times` are the tablet's own clock readings (started, submitted):
     they go into the payload, corrected by the server's clock, just before the first send
     (`sealed`), so a tablet whose clock is off, even one reloaded while offline, sends true
     times, and every retry sends the same body. An answer the server refuses for good stays,
     marked refused, and is not resent. */
  var opened;
  function db() {
    opened = opened || new Promise(function (ok, fail) {
      var r = indexedDB.open('kto-kiosk', 1);
      r.onupgradeneeded = function () { r.result.createObjectStore('queue', {keyPath: 'id'}); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
    return opened;
  }
  function store(mode, work) {
    return db().then(function (d) {
      return new Promise(function (ok, fail) {
        var t = d.transaction('queue', mode), req = work(t.objectStore('queue'));
        t.oncomplete = function () { ok(req && req.result); };
        t.onerror = t.onabort = function () { fail(t.error); };
      });
    });
  }
  function all() { return store('readonly', function (s) { return s.getAll(); }); }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    h = h.join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  /* Both times of a response use the same clock correction, so start never follows submit. */
  function iso(ms) { return new Date(ms + (clock || 0)).toISOString(); }

  /* The server's clock from the Date header of any of its replies. */
  function learn(res) {
    var server = Date.parse(res.headers.get('Date') || ''), off = server ? server - Date.now() : 0;
    clock = Math.abs(off) > 120000 ? off : 0;  /* a wrong clock would misdate answers */
    root.setAttribute('data-clock-offset', clock);  /* for staff looking at a tablet */
    return res;
  }

  function save(ready) {
    var ms = Date.now();
    var item = {id: person.id, at: person.at, ready: ready, times: [Math.min(person.at, ms), ms],
      payload: {
        id: person.id, organisation: cfg.organisation, survey: cfg.survey, version: cfg.version,
        contact_channel: cfg.contact_channel, survey_mode: 'kiosk', language: person.lang,
        answers: person.answers}};
    if (ready) localStorage.setItem('kto.last', iso(ms));
    return store('readwrite', function (s) { s.put(item); }).then(ready ? drain : null);
  }

  /* Times into the payload once, with the server's clock; kept as sent from then on. */
  function seal(item) {
    if (item.sealed || !item.times) return Promise.resolve(item);
    item.payload.started_at = iso(item.times[0]);
    item.payload.submitted_at = iso(item.times[1]);
    item.sealed = true;
    return store('readwrite', function (s) { s.put(item); }).then(function () { return item; });
  }

  /* A POST that gives up after SEND_TIMEOUT, so one hanging reply cannot hold the queue. */
  function post(url, body) {
    var stop = new AbortController(), timeout = setTimeout(function () { stop.abort(); },
      SEND_TIMEOUT);
    return fetch(url, {method: 'POST', body: body, signal: stop.signal, headers: {
      'Content-Type': 'application/json', 'X-Kto-Device': secret}})
      .finally(function () { clearTimeout(timeout); });
  }

  /* ---- sender: oldest first, one at a time, exponential backoff with jitter; an answer whose
     reply timed out waits its own backoff while the ones behind it go on. */
  function drain() {
    if (sending || broken || !secret || !S) return;
    sending = true;
    clearTimeout(retryTimer);
    var now = Date.now(), next;
    all().then(function (items) {
      var waiting = items.filter(function (x) { return x.ready && !x.refused; })
        .sort(function (a, b) { return a.at - b.at; });
      next = waiting.filter(function (x) { return !later[x.id] || later[x.id][0] <= now; })[0];
      if (!next) {
        sending = false;
        var soonest = Math.min.apply(null, waiting.map(function (x) { return later[x.id][0]; }));
        if (waiting.length) retryTimer = setTimeout(drain, Math.max(soonest - now, 0));
        return;
      }
      /* Reloaded while offline: ask the server's time before the first answer is dated. */
      if (clock === null && next.times && !next.sealed) {
        return report().then(function () { sending = false; drain(); });
      }
      return seal(next).then(function () {
        return post(next.url || '/api/v1/responses', JSON.stringify(next.payload));
      }).then(learn).then(function (res) {
          delete later[next.id];
          if (res.status === 401 || res.status === 403) { sending = false; outOfOrder(); return; }
          if (res.status >= 500 || res.status === 408 || res.status === 429) throw res.status;
          retryDelay = 0;
          if (res.ok) {
            return store('readwrite', function (s) { s.delete(next.id); })
              .then(function () { sending = false; drain(); });
          }
          /* Refused for good (another 4xx): kept on the tablet and counted in the heartbeat. */
          return res.json().catch(function () { return {}; }).then(function (body) {
            /* A callback request sent before its response arrived: try again later. */
            if (body && body.error === 'response_pending') throw res.status;
            next.refused = {status: res.status, error: (body && body.error) || null,
                            at: iso(Date.now())};
            return store('readwrite', function (s) { s.put(next); });
          }).then(function () { sending = false; drain(); });
        });
    }).catch(function (error) {
      sending = false;
      if (error && error.name === 'AbortError' && next) {
        /* This reply hangs: retry it later (the server may have stored it; the id makes the
           retry safe) and send the rest now. */
        var tries = later[next.id] ? later[next.id][1] + 1 : 1;
        later[next.id] = [Date.now() + Math.min(S.retry_max_seconds * 1000,
          1000 * Math.pow(2, tries)), tries];
        return drain();
      }
      retryDelay = Math.min(S.retry_max_seconds * 1000, retryDelay ? retryDelay * 2 : 1000);
      retryTimer = setTimeout(drain, retryDelay * (0.5 + Math.random() / 2));
    });
  }

  /* The heartbeat; its reply also tells the server's time. */
  function report() {
    return all().then(function (items) {
      return post('/kiosk/api/heartbeat', JSON.stringify({
        app_version: VERSION,
        queue_length: items.filter(function (x) { return !x.refused; }).length,
        refused_count: items.filter(function (x) { return x.refused; }).length,
        last_submission_at: localStorage.getItem('kto.last')}));
    }).then(learn).then(function (res) {
      if (res.status === 401 || res.status === 403) outOfOrder();
    });
  }

  function beat(first) {
    report().catch(function () {});
    /* A newer survey version or kiosk release is taken in between two people. */
    if (first !== true) load().then(function (res) {
      if (res.status === 401 || res.status === 403) outOfOrder();
      else if (res.ok) {
        return res.json().then(function (c) {
          if (JSON.stringify(c) === JSON.stringify(cfg)) return;
          newer = c;
          if (!person && lang === 'nl' && app.getAttribute('data-screen') === 'start') start();
        });
      }
    }).catch(function () {});
    if (registration) registration.update().catch(function () {});
    drain();
  }

  /* ---- screens */
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var k in attrs) n.setAttribute(k, attrs[k]);
    [].concat(kids || []).forEach(function (c) {
      n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return n;
  }
  function t(key) { return T[lang][key]; }
  function text(obj) { return obj[lang] || obj.nl; }
  function icon(cls) {
    var ns = 'http://www.w3.org/2000/svg', s = document.createElementNS(ns, 'svg');
    var p = document.createElementNS(ns, 'path');
    s.setAttribute('viewBox', '0 0 24 24'); s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false'); s.setAttribute('class', cls);
    p.setAttribute('d', 'M2 21h4V9H2v12zM23 10c0-1.1-.9-2-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1' +
      'L14.2 1 7.6 7.6C7.2 7.9 7 8.4 7 9v10c0 1.1.9 2 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5' +
      '.2-.7v-2z');
    s.appendChild(p);
    return s;
  }
  function screen(name, heading, parts) {
    app.className = 'screen ' + name;
    app.setAttribute('data-screen', name);
    root.lang = lang;
    var h = el('h1', {tabindex: '-1'}, heading);
    app.replaceChildren.apply(app, [h].concat(parts));
    h.focus();  /* the pressed button is gone: keyboard and screen-reader users start here */
    return h;
  }

  function start() {
    if (reloadSoon) return location.reload();
    if (newer) { use(newer); newer = null; }
    clearTimeout(timer);
    person = null;
    call = null;  /* someone walked away from the callback form: nothing is kept */
    lang = 'nl';
    ask(0);
  }
  function other() { return lang === 'nl' ? 'en' : 'nl'; }
  function toggleLanguage() { lang = other(); if (person) person.lang = lang; ask(0); arm(); }

  function ask(i) {
    var q = questions[i], first = i === 0, parts = [], hint = null, picks = [];
    function pick(value) { return function () { answer(i, value); }; }
    var box = el('div', {class: 'answers ' + q.kind});
    if (q.kind === 'thumbs') {
      [['up', 'yes_satisfied'], ['down', 'no_not_satisfied']].forEach(function (v) {
        var b = el('button', {type: 'button', class: 'answer thumb ' + v[0], 'data-value': v[0]},
          [icon('icon'), el('span', {}, t(v[1]))]);
        b.addEventListener('click', pick(v[0]));
        box.appendChild(b);
      });
    } else if (q.kind === 'yes_no_na') {
      ['yes', 'no', 'na'].forEach(function (v) {
        var b = el('button', {type: 'button', class: 'answer', 'data-value': v}, t(v));
        b.addEventListener('click', pick(v));
        box.appendChild(b);
      });
    } else if (q.kind === 'grade' || q.kind === 'nps' || q.kind === 'ces') {
      var r = SCALES[q.kind];
      for (var n = r[0]; n <= r[1]; n++) {
        var b = el('button', {type: 'button', class: 'answer num', 'data-value': n}, String(n));
        b.addEventListener('click', pick(n));
        box.appendChild(b);
      }
    } else if (q.kind === 'choice') {
      (q.options || []).forEach(function (o) {
        var b = el('button', {type: 'button', class: 'answer option', 'data-value': o.code},
          text(o.text));
        if (q.multiple) {
          b.setAttribute('aria-pressed', 'false');
          b.addEventListener('click', function () {
            var on = b.getAttribute('aria-pressed') !== 'true';
            b.setAttribute('aria-pressed', String(on));
            picks = picks.filter(function (c) { return c !== o.code; }).concat(on ? [o.code] : []);
            keep(q.key, picks.length ? picks.slice().sort() : null);
          });
        } else b.addEventListener('click', pick(o.code));
        box.appendChild(b);
      });
      if (q.multiple) hint = el('p', {class: 'hint'}, t('choose_more'));
    } else if (q.kind === 'text') {
      var id = 'q-' + q.key, area = el('textarea', {id: id, maxlength: q.max_length || 2000,
        rows: '4'});
      box.appendChild(el('label', {for: id, class: 'sr-only'}, text(q.text)));
      box.appendChild(area);
      picks = area;
    }
    parts.push(box);
    var nav = el('div', {class: 'nav'});
    if (q.kind === 'text' || q.multiple) {
      var go = el('button', {type: 'button', class: 'next'}, t('next'));
      go.addEventListener('click', function () {
        if (q.kind === 'text') keep(q.key, picks.value.trim() || null);
        follow(i);
      });
      nav.appendChild(go);
    }
    if (!first) {
      var skip = el('button', {type: 'button', class: 'skip'}, t('skip'));
      skip.addEventListener('click', function () { follow(i); });
      nav.appendChild(skip);
    } else {
      var sw = el('button', {type: 'button', class: 'lang', lang: other()},
        other() === 'en' ? 'English' : 'Nederlands');
      sw.addEventListener('click', toggleLanguage);
      nav.appendChild(sw);
    }
    parts.push(nav);
    screen(first ? 'start' : 'question', text(q.text), hint ? [hint].concat(parts) : parts);
    app.setAttribute('data-question', q.key);
  }

  /* Every tap is queued first (as a draft); the next screen does not wait for it. */
  function keep(key, value) {
    if (!person) {
      person = {id: uuid(), at: Date.now(), answers: {}};
    }
    person.lang = lang;
    if (value === null) delete person.answers[key]; else person.answers[key] = value;
    save(false);
  }
  function answer(i, value) {
    keep(questions[i].key, value);
    follow(i);
  }

  /* show-if and the scales: the shared browser flow (static/js/flow.js), inlined by `make js` */
  /* @include static/js/flow.js */

  function follow(i) {
    var j = nextShown(questions, person ? person.answers : {}, i);
    if (j < 0) return offered() ? offer() : thanks();
    ask(j);
    arm();
  }

  /* ---- callback request (terugbelverzoek): offered after a negative headline answer (the
     survey's rule, cfg.callback.offer). The response is sent first; the contact details go in
     their own request that names it, straight away when online, else queued behind it. */
  var call = null;  /* {id, response, lang} while the form is open */
  function C(key) { return cfg.callback.texts[lang][key]; }
  function offered() {
    /* The headline and its satisfied rule as the server reads them (defaults filled in). */
    var rule = cfg.callback || {}, sat = rule.satisfied || {};
    if (!person || !rule.texts || rule.offer === 'never') return false;
    if (rule.offer === 'always') return true;
    var v = person.answers[rule.headline];
    if (v === undefined || v === null || v === 'na') return false;
    return sat.min !== undefined ? !(typeof v === 'number' && v >= sat.min)
      : (sat.values || []).indexOf(v) < 0;
  }
  function offer() {
    var yes = el('button', {type: 'button', class: 'next'}, C('yes'));
    var no = el('button', {type: 'button', class: 'skip'}, C('no'));
    yes.addEventListener('click', function () {
      call = {id: uuid(), response: person.id, lang: lang, complaint: referred()};
      save(true);  /* the answers are complete: send them now */
      person = null;
      form();
    });
    no.addEventListener('click', thanks);
    screen('callback-offer', C('offer'), [el('p', {class: 'lead'}, C('offer_lead')),
      el('div', {class: 'nav'}, [yes, no])]);
    arm();
  }
  function input(name, attrs, label) {
    var id = 'cb-' + name, box = el('div', {class: 'field'});
    attrs.id = id; attrs.name = name; attrs.autocomplete = 'off';
    var control = el(name === 'message' ? 'textarea' : 'input', attrs);
    box.appendChild(el('label', {for: id}, label));
    box.appendChild(control);
    return box;
  }
  function form() {
    var consent = el('input', {type: 'checkbox', id: 'cb-consent', name: 'consent'});
    var parts = [
      el('p', {class: 'summary', id: 'cb-summary', role: 'alert'}),
      el('form', {class: 'callback', novalidate: ''}, [
        el('div', {class: 'field check'}, [consent, el('label', {for: 'cb-consent'},
          C('consent'))]),
        input('name', {type: 'text', maxlength: '100'}, C('name')),
        el('p', {class: 'hint', id: 'cb-contact-hint'}, C('contact_hint')),
        input('phone', {type: 'tel', maxlength: '40', 'aria-describedby': 'cb-contact-hint'},
          C('phone')),
        input('email', {type: 'email', maxlength: '254', 'aria-describedby': 'cb-contact-hint'},
          C('email')),
        input('message', {rows: '3', maxlength: '1000'}, C('message')),
        el('div', {class: 'nav'}, [el('button', {type: 'submit', class: 'next'}, C('send')),
          el('button', {type: 'button', class: 'skip', 'data-action': 'cancel'}, C('cancel'))])
      ])];
    screen('callback', C('form'), parts);
    app.querySelector('[data-action=cancel]').addEventListener('click', thanks);
    app.querySelector('form').addEventListener('submit', function (e) {
      e.preventDefault();
      send();
    });
    arm();
  }
  function field(name) { return app.querySelector('[name=' + name + ']'); }
  function problem(code, name) {
    var summary = document.getElementById('cb-summary'), text = C('error_' + code) ||
      C('error_other');
    app.querySelectorAll('[aria-invalid]').forEach(function (n) {
      n.removeAttribute('aria-invalid');
    });
    app.querySelectorAll('.field-error').forEach(function (n) { n.remove(); });
    summary.textContent = text;
    var target = field(name) || field('phone');
    var note = el('p', {class: 'field-error', id: 'cb-error'}, text);
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute('aria-describedby', 'cb-error' + (name === 'phone' ||
      name === 'email' ? ' cb-contact-hint' : ''));
    target.parentNode.appendChild(note);
    target.focus();
  }
  function send() {
    if (!call) return thanks();
    var body = {id: call.id, response: call.response, consent: field('consent').checked,
      name: field('name').value, phone: field('phone').value, email: field('email').value,
      message: field('message').value, language: call.lang};
    if (!body.consent) return problem('consent_required', 'consent');
    if (!body.phone.trim() && !body.email.trim()) return problem('contact_required', 'phone');
    var byPhone = !!body.phone.trim();
    function queued() {  /* offline or the response still on its way: sent after it */
      return store('readwrite', function (s) {
        s.put({id: call.id, at: Date.now(), ready: true, sealed: true,
               url: '/kiosk/api/callback', payload: body});
      }).then(function () { confirmed(byPhone); drain(); });
    }
    post('/kiosk/api/callback', JSON.stringify(body)).then(function (res) {
      if (res.ok) return confirmed(byPhone);
      if (res.status === 401 || res.status === 403) return outOfOrder();
      return res.json().catch(function () { return {}; }).then(function (answer) {
        if (res.status === 409 && answer.error === 'response_pending') return queued();
        if (res.status >= 500 || res.status === 408 || res.status === 429) return queued();
        problem(answer.error, answer.field);
      });
    }).catch(queued);
  }
  function confirmed(byPhone) {
    clearTimeout(timer);
    var texts = cfg.callback.texts[call ? call.lang : lang], refer = call && call.complaint;
    call = null;
    var parts = [el('p', {class: 'lead'}, byPhone ? texts.confirm_phone : texts.confirm_email)];
    if (refer) parts.push(complaint(cfg.complaint));  /* a callback is no complaint */
    screen('thanks', texts.sent, parts);
    timer = setTimeout(start, Math.max(S.thanks_seconds * 2, refer ? COMPLAINT_SECONDS : 0) *
      1000);
  }

  /* The complaint reason chosen and a complaint page to point to (it comes with the config,
     QR code included, so this works offline too). */
  function referred() {
    return !!(person && cfg.complaint && complaintChosen(questions, person.answers));
  }

  function thanks() {
    clearTimeout(timer);
    var refer = referred();  /* then point to the complaint page and leave time to scan */
    if (person) save(true);
    person = null;
    var parts = [el('p', {class: 'lead'}, t('thanks_lead'))];
    if (refer) parts.push(complaint(cfg.complaint));
    screen('thanks', t('thanks'), parts);
    timer = setTimeout(start, Math.max(S.thanks_seconds, refer ? COMPLAINT_SECONDS : 0) * 1000);
  }

  function complaint(c) {
    var ns = 'http://www.w3.org/2000/svg', qr = document.createElementNS(ns, 'svg');
    var p = document.createElementNS(ns, 'path');
    qr.setAttribute('viewBox', '0 0 ' + c.qr.size + ' ' + c.qr.size);
    qr.setAttribute('role', 'img'); qr.setAttribute('aria-label', t('complaint_qr'));
    qr.setAttribute('class', 'qr');
    p.setAttribute('d', c.qr.path);
    qr.appendChild(p);
    var done = el('button', {type: 'button', class: 'next'}, t('done'));
    done.addEventListener('click', start);
    return el('section', {class: 'complaint', 'aria-labelledby': 'complaint-h'}, [
      el('h2', {id: 'complaint-h'}, t('complaint')),
      el('p', {}, t('complaint_lead')),
      el('p', {class: 'address', 'data-url': c.url}, c.shown), qr, done]);
  }

  /* Someone walked away mid-survey: keep what they answered, clear the screen. */
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (person) save(true);
      start();
    }, S.idle_seconds * 1000);
  }
  function touched() {
    var s = app.getAttribute('data-screen');
    if (s === 'question' || s === 'callback' || s === 'callback-offer' ||
        (s === 'start' && lang !== 'nl')) arm();
  }

  function outOfOrder() {
    broken = true;
    clearTimeout(timer);
    person = null;
    lang = 'nl';
    screen('broken', t('out_of_order'), [el('p', {class: 'lead'}, t('out_of_order_lead'))]);
  }

  function use(config) {
    cfg = config;
    S = config.settings;
    questions = config.definition.questions;
  }

  function run(config) {
    use(config);
    /* Ask the browser never to evict the queue when storage runs low. */
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
    /* A draft left by a reload or restart: its person has gone, so it is complete now. */
    all().then(function (items) {
      return Promise.all(items.filter(function (x) { return !x.ready; }).map(function (x) {
        x.ready = true;
        return store('readwrite', function (s) { s.put(x); });
      }));
    }).then(drain);
    start();
    beat(true);
    setInterval(beat, S.heartbeat_seconds * 1000);
  }

  function load() {
    return fetch('/kiosk/api/config', {headers: {'X-Kto-Device': secret}});
  }

  document.addEventListener('pointerdown', touched, true);
  document.addEventListener('keydown', touched, true);
  window.addEventListener('online', drain);

  if (!secret) {
    screen('unlinked', t('not_linked'), [el('p', {class: 'lead'}, t('not_linked_lead'))]);
    return;
  }
  if ('serviceWorker' in navigator) {
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register('/kiosk/sw.js', {scope: '/kiosk/'})
      .then(function (r) { registration = r; }).catch(function () {});
    /* First visit: fetch once more so the worker caches the survey. Later: a new release,
       loaded when the next person starts. */
    navigator.serviceWorker.addEventListener('controllerchange', function () {
      if (controlled) reloadSoon = true; else load();
      controlled = true;
    });
  }
  load().then(function (res) {
    if (res.status === 401 || res.status === 403) return outOfOrder();
    if (!res.ok) throw res.status;
    return res.json().then(run);
  }).catch(function () {
    outOfOrder();
    setTimeout(function () { location.reload(); }, 30000);
  });
})();
