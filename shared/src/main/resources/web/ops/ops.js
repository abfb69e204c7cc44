/* Holdfast ops console: plain JS, no framework, talks only to the documented admin API. */
(function () {
  'use strict';

  var S = { config: null, token: null, sub: null, keepSeconds: 3, risk: null, page: null,
    markets: {}, market: null, resultKey: null, creditKey: null, ledgerCursor: null,
    audit: { cursors: [null], index: 0 }, rollout: null, series: {}, lastMode: null };
  var STATES = ['PENDING', 'OPEN', 'SUSPENDED', 'CLOSED', 'SETTLING', 'SETTLED', 'VOIDED'];
  var PAGES = ['now', 'markets', 'exposure', 'rollouts', 'money', 'audit'];

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'cls') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function td(text, cls) { return el('td', { text: text == null ? '–' : String(text), cls: cls || '' }); }
  function code(text) { return el('code', { text: text }); }
  function fill(tbody, rows) { tbody.textContent = ''; rows.forEach(function (r) { tbody.appendChild(r); }); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }
  function ago(iso) {
    if (!iso) { return '–'; }
    var s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    return s < 60 ? s.toFixed(1) + ' s' : s < 3600 ? Math.floor(s / 60) + ' min' : Math.floor(s / 3600) + ' h';
  }
  function when(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '–'; }
  /** Money strings stay strings: group the digits, never through a float. */
  function money(s) {
    if (s == null) { return '–'; }
    var m = /^(-?)(\d+)(\.\d+)?$/.exec(String(s));
    if (!m) { return String(s); }
    return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (m[3] || '');
  }

  // ---- the API -------------------------------------------------------------------------------

  function ApiFailure(status, body) {
    var e = (body && body.error) || {};
    this.status = status;
    this.code = e.code || (status === 401 ? 'UNAUTHENTICATED' : 'HTTP_' + status);
    this.message = e.message || (body && body.message) || 'the request failed';
    this.details = e.details || null;
  }
  function api(method, path, body, headers) {
    var h = { 'Accept': 'application/json' };
    if (S.token) { h.Authorization = 'Bearer ' + S.token; }
    if (body !== undefined) { h['Content-Type'] = 'application/json'; }
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    return fetch(path, { method: method, headers: h, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.text().then(function (t) {
          var json = null;
          try { json = t ? JSON.parse(t) : null; } catch (ignored) { json = null; }
          if (r.status === 401 && S.token && path.indexOf('/local/') !== 0) { signOut('Your session ended: sign in again.'); }
          if (r.status >= 400) { throw new ApiFailure(r.status, json); }
          return { status: r.status, json: json, headers: r.headers };
        });
      }, function (e) { throw new ApiFailure(0, { error: { code: 'NETWORK', message: String(e.message || e) } }); });
  }
  function showErr(id, e) {
    var t = e instanceof ApiFailure
      ? e.status + ' ' + e.code + ': ' + e.message + (e.details ? '\n' + JSON.stringify(e.details) : '')
      : 'ERROR: ' + (e && e.message ? e.message : String(e));
    $(id).textContent = t;
    if (!(e instanceof ApiFailure)) { console.error(e); }
  }
  /** A read's ticket: true while no newer read of the same kind has started (older answers are dropped). */
  var SEQ = {};
  function ticket(kind) { var n = SEQ[kind] = (SEQ[kind] || 0) + 1; return function () { return SEQ[kind] === n; }; }
  function clearErr(id) { $(id).textContent = ''; }
  /** Runs an action with its button disabled; errors land in errId. */
  function act(btn, errId, fn) {
    clearErr(errId);
    if (btn) { btn.disabled = true; }
    return Promise.resolve().then(fn).catch(function (e) { showErr(errId, e); })
      .then(function () { if (btn) { btn.disabled = false; } });
  }

  // ---- signing in ----------------------------------------------------------------------------

  function b64url(bytes) {
    var s = ''; bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function claims(jwt) {
    try { return JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch (e) { return {}; }
  }
  function useToken(token) {
    var c = claims(token);
    S.token = token; S.sub = c.sub || '?';
    sessionStorage.setItem('holdfast.ops.token', token);
    var groups = c['cognito:groups'] || [];
    if (typeof groups === 'string') { groups = groups.replace(/[[\]]/g, '').split(/[ ,]+/); }
    if (groups.indexOf('admin') < 0) {
      signOut('This account is not in the admin group.');
      return false;
    }
    return true;
  }
  function signOut(why) {
    S.token = null;
    sessionStorage.removeItem('holdfast.ops.token');
    $('top').hidden = true;
    show('signin');
    if (why) { $('signin-err').textContent = why; }
  }
  function signIn() {
    if (S.config.auth === 'local') {
      return api('POST', '/local/token', { sub: $('signin-sub').value.trim(), groups: ['admin'] }).then(function (r) {
        if (useToken(r.json.token)) { start(); }
      });
    }
    // Cognito hosted UI, authorization code with PKCE
    var verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    var state = b64url(crypto.getRandomValues(new Uint8Array(16)));
    sessionStorage.setItem('holdfast.ops.pkce', JSON.stringify({ verifier: verifier, state: state }));
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (d) {
      var q = new URLSearchParams({ response_type: 'code', client_id: S.config.clientId, redirect_uri: S.config.redirectUri,
        scope: 'openid email profile', state: state, code_challenge_method: 'S256', code_challenge: b64url(new Uint8Array(d)) });
      location.assign(S.config.authBase + '/oauth2/authorize?' + q);
    });
  }
  /** Back from the hosted UI with ?code=&state=: trade the code (and the PKCE verifier) for tokens. */
  function finishCognito() {
    var p = new URLSearchParams(location.search);
    var saved = JSON.parse(sessionStorage.getItem('holdfast.ops.pkce') || 'null');
    sessionStorage.removeItem('holdfast.ops.pkce');
    history.replaceState(null, '', location.pathname + location.hash);
    if (!saved || saved.state !== p.get('state')) { return Promise.reject(new Error('the sign-in answer does not match this browser; sign in again')); }
    var form = new URLSearchParams({ grant_type: 'authorization_code', client_id: S.config.clientId, code: p.get('code'),
      redirect_uri: S.config.redirectUri, code_verifier: saved.verifier });
    return fetch(S.config.authBase + '/oauth2/token', { method: 'POST', cache: 'no-store',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) { throw new Error(j.error || 'token exchange failed'); } return j; }); })
      .then(function (j) { if (useToken(j.access_token)) { start(); } });
  }

  // ---- navigation ----------------------------------------------------------------------------

  function show(page) {
    S.page = page;
    document.body.dataset.page = page;
    ['signin'].concat(PAGES).forEach(function (p) { $('p-' + p).hidden = p !== page; });
    document.querySelectorAll('[data-nav]').forEach(function (a) { a.classList.toggle('active', a.dataset.nav === page); });
  }
  function route() {
    if (!S.token) { return; }
    var page = (location.hash || '#now').slice(1);
    if (PAGES.indexOf(page) < 0) { page = 'now'; }
    show(page);
    LOAD[page]();
  }
  function start() {
    $('top').hidden = false;
    $('who').textContent = S.sub;
    $('signin-err').textContent = '';
    refreshMode();
    route();
  }

  // ---- the header's mode (read live, never cached) ------------------------------------------

  function refreshMode() {
    return api('GET', '/status').then(function (r) {
      S.lastMode = r.json;
      var b = $('mode-badge');
      b.textContent = r.json.mode;
      b.className = 'badge ' + r.json.mode;
      return r.json;
    }).catch(function () { $('mode-badge').textContent = 'mode unknown'; $('mode-badge').className = 'badge'; });
  }

  // ---- Now -----------------------------------------------------------------------------------

  var pendingMode = null;
  function loadNow() {
    return Promise.all([
      refreshMode().then(function (st) {
        if (!st) { return; }
        $('now-mode').textContent = st.mode; $('now-mode').className = 'badge big ' + st.mode;
        $('now-since').textContent = when(st.since) + ' (' + ago(st.since) + ' ago)';
        $('now-notice').textContent = st.notice || '';
        $('now-until').textContent = st.until ? 'until ' + when(st.until) : '';
      }),
      loadRisk().catch(function () { /* shown on the exposure page */ }),
      api('GET', '/admin/reconciliation/latest').then(function (r) { return r.json; }, function (e) { return { error: e }; }),
      api('GET', '/admin/risk/lag').then(function (r) { return r.json; }, function (e) { return { error: e }; }),
      Promise.all(['OPEN', 'SUSPENDED'].map(function (s) {
        return api('GET', '/markets?state=' + s + '&limit=50').then(function (r) { return r.json.markets; });
      })).then(function (l) { return l[0].concat(l[1]); }, function (e) { return { error: e }; })
    ]).then(function (res) {
      var recon = res[2], lag = res[3], markets = res[4];
      var alarms = [];
      var st = S.lastMode || {};
      if (st.mode && st.mode !== 'NORMAL') { alarms.push('Trading mode is ' + st.mode); }
      if (recon.error) {
        $('now-recon').textContent = recon.error.status === 404 ? 'no run yet' : recon.error.code + ': ' + recon.error.message;
      } else {
        $('now-recon').textContent = 'drift ' + recon.drift + ' · ' + recon.accountsChecked + ' accounts, ' + recon.exposuresChecked
          + ' exposures checked · ' + when(recon.at) + ' (' + ago(recon.at) + ' ago)';
        $('now-recon').className = recon.drift > 0 ? 'stale' : '';
        if (recon.drift > 0) { alarms.push('Reconciliation drift ' + recon.drift); }
      }
      if (lag.error) {
        $('now-lag').textContent = lag.error.code + ': ' + lag.error.message;
      } else {
        $('now-lag').textContent = lag.reported ? lag.lagSeconds + ' s (bound ' + lag.maxRiskLagSeconds + ' s), reported '
          + ago(lag.measuredAt) + ' ago' : 'no report yet (bound ' + lag.maxRiskLagSeconds + ' s)';
        $('now-lag').className = lag.failClosed ? 'stale' : '';
        if (lag.failClosed) { alarms.push('Risk lag: orders fail closed'); }
      }
      var body = $('now-markets').tBodies[0];
      if (markets.error) {
        fill(body, [el('tr', null, [el('td', { colspan: '5', cls: 'err', text: markets.error.code + ': ' + markets.error.message })])]);
      } else {
        S.nowMarkets = markets;
        var stale = 0, suspended = 0;
        fill(body, markets.map(function (m) {
          var tr = el('tr', { 'data-market': m.marketId }, [
            el('td', null, [document.createTextNode(m.name + ' '), code(m.marketId)]),
            el('td', null, [el('span', { cls: 'badge ' + m.state, text: m.state })]),
            td(m.price ? m.price.priceVersion : null, 'num'),
            el('td', { cls: 'age num', 'data-received': m.price ? m.price.receivedAt : '' }),
            el('td', { cls: 'last', text: '…' })]);
          if (m.state === 'SUSPENDED') { suspended++; }
          if (m.state === 'OPEN' && m.price && (Date.now() - Date.parse(m.price.receivedAt)) / 1000 > S.keepSeconds) { stale++; }
          return tr;
        }));
        if (!markets.length) { fill(body, [el('tr', null, [el('td', { colspan: '5', cls: 'muted', text: 'No open or suspended markets' })])]); }
        if (stale) { alarms.push(stale + ' open market(s) with a stale price'); }
        if (suspended) { alarms.push(suspended + ' market(s) suspended'); }
        tickAges();
        markets.slice(0, 20).forEach(function (m) {
          api('GET', '/admin/markets/' + encodeURIComponent(m.marketId) + '/transitions').then(function (r) {
            var t = (r.json.transitions || []).slice(-1)[0];
            var cell = body.querySelector('tr[data-market="' + m.marketId + '"] .last');
            if (cell && t) { cell.textContent = (t.from || '–') + ' → ' + t.to + ' by ' + t.cause + (t.reason ? ' (' + t.reason + ')' : '') + ', ' + ago(t.at) + ' ago'; }
          }).catch(function () { /* the row keeps its placeholder */ });
        });
      }
      var list = $('now-alarms');
      list.textContent = '';
      if (!alarms.length) { list.appendChild(el('li', { cls: 'quiet', text: 'Nothing firing' })); }
      alarms.forEach(function (a) { list.appendChild(el('li', { cls: 'firing', text: a })); });
      $('p-now').dataset.loads = String(Number($('p-now').dataset.loads || 0) + 1);
    });
  }
  function tickAges() {
    $('now-keep').textContent = S.keepSeconds;
    document.querySelectorAll('#now-markets td.age').forEach(function (c) {
      var at = c.dataset.received;
      if (!at) { c.textContent = 'no price'; c.className = 'age num stale'; return; }
      var s = (Date.now() - Date.parse(at)) / 1000;
      c.textContent = s.toFixed(1) + ' s';
      c.className = 'age num ' + (s > S.keepSeconds ? 'stale' : 'fresh');
    });
  }
  function askMode(mode) {
    pendingMode = mode;
    $('mode-confirm-what').textContent = mode;
    var n = $('mode-notice').value.trim();
    $('mode-confirm-notice').textContent = n ? 'Notice: “' + n + '”' : '(no notice)';
    $('mode-confirm').hidden = false;
    $('mode-confirm-yes').focus();
  }
  function setMode() {
    var body = { mode: pendingMode };
    var n = $('mode-notice').value.trim();
    if (n) { body.notice = n; }
    return api('POST', '/admin/maintenance', body).then(function () {
      $('mode-confirm').hidden = true;
      pendingMode = null;
      return loadNow();
    });
  }

  // ---- Markets -------------------------------------------------------------------------------

  function loadMarkets() {
    return Promise.all([listMarkets(), loadQuarantine()]);
  }
  function listMarkets() {
    var current = ticket('markets');
    return Promise.all(STATES.map(function (s) {
      return api('GET', '/markets?state=' + s + '&limit=50').then(function (r) { return r.json.markets; });
    })).then(function (lists) {
      if (!current()) { return; }
      var all = [].concat.apply([], lists);
      S.markets = {};
      all.forEach(function (m) { S.markets[m.marketId] = m; });
      fill($('mk-list').tBodies[0], all.map(function (m) {
        var b = el('button', { type: 'button', cls: 'link', 'data-open': m.marketId, text: 'manage' });
        var tr = el('tr', { 'data-market': m.marketId, cls: S.market === m.marketId ? 'selected' : '' }, [
          el('td', null, [document.createTextNode(m.name + ' '), code(m.marketId)]), el('td', null, [code(m.eventId)]),
          el('td', null, [el('span', { cls: 'badge ' + m.state, text: m.state })]), td(m.stateReason),
          td(m.price ? m.price.priceVersion + ' (' + ago(m.price.receivedAt) + ')' : null), el('td', null, [b])]);
        return tr;
      }));
      fillExposureMarkets(all);
      if (S.market) { showMarket(S.market); }
    }).catch(function (e) { showErr('mk-err', e); });
  }
  function loadQuarantine() {
    clearErr('q-err');
    return api('GET', '/admin/feed/quarantine?limit=20').then(function (r) {
      fill($('q-list').tBodies[0], (r.json.entries || []).map(function (q) {
        return el('tr', null, [td(when(q.quarantinedAt || q.at)), td(q.reason), td(q.detail || q.providerMarketId || '')]);
      }));
    }).catch(function (e) { showErr('q-err', e); });
  }
  function showMarket(id) {
    var current = ticket('market');
    S.market = id;
    var m = S.markets[id];
    $('mk-detail').hidden = false;
    $('md-id').textContent = id;
    document.querySelectorAll('#mk-list tr').forEach(function (tr) { tr.classList.toggle('selected', tr.dataset.market === id); });
    var p1 = api('GET', '/markets/' + encodeURIComponent(id)).then(function (r) {
      if (!current()) { return; }
      m = r.json; S.markets[id] = m;
      $('md-state').textContent = m.state; $('md-state').className = 'badge ' + m.state;
      $('md-price').textContent = m.price
        ? 'price v' + m.price.priceVersion + ': ' + m.selections.map(function (s) { return s.name + ' ' + (m.price.odds[s.selectionId] || '–'); }).join(' · ')
          + ' · received ' + ago(m.price.receivedAt) + ' ago'
        : 'no price yet: the feed has not priced it (a market opens only with a price)';
      var w = $('md-winner');
      var keep = w.value;
      w.textContent = '';
      m.selections.forEach(function (s) { w.appendChild(el('option', { value: s.selectionId, text: s.name })); });
      w.appendChild(el('option', { value: 'VOID', text: 'Void (refund every order)' }));
      if (keep) { w.value = keep; }
      if (!S.resultKey || S.resultKeyFor !== id) { S.resultKey = newKey(); S.resultKeyFor = id; }
      $('md-key').textContent = S.resultKey;
    });
    var p2 = api('GET', '/admin/markets/' + encodeURIComponent(id) + '/transitions').then(function (r) {
      if (!current()) { return; }
      fill($('md-transitions').tBodies[0], (r.json.transitions || []).slice().reverse().map(function (t) {
        return el('tr', null, [td(when(t.at)), td(t.from), td(t.to), td(t.cause), td(t.reason)]);
      }));
    });
    return Promise.all([p1, p2]).catch(function (e) { showErr('md-err', e); });
  }

  // ---- Exposure and the risk config ----------------------------------------------------------

  function loadRisk() {
    return api('GET', '/admin/risk/config').then(function (r) {
      S.risk = r.json;
      S.keepSeconds = (r.json.feed && r.json.feed.keepSeconds) || S.keepSeconds;
      return r.json;
    });
  }
  function loadExposure() {
    clearErr('rc-err');
    return Promise.all([
      loadRisk().then(function (c) { showConfig(c); }),
      loadHistory(),
      showExposure(),
      Object.keys(S.markets).length ? null : Promise.all(['OPEN', 'SUSPENDED', 'PENDING', 'CLOSED'].map(function (s) {
        return api('GET', '/markets?state=' + s + '&limit=50').then(function (r) { return r.json.markets; });
      })).then(function (l) { var all = [].concat.apply([], l); all.forEach(function (m) { S.markets[m.marketId] = m; }); fillExposureMarkets(all); })
    ]).catch(function (e) { showErr('rc-err', e); });
  }
  function configBody(c) {
    var copy = JSON.parse(JSON.stringify(c));
    delete copy.version; delete copy.reason;
    return copy;
  }
  function showConfig(c) {
    $('rc-version').textContent = c.version;
    $('rc-text').value = JSON.stringify(configBody(c), null, 2);
    $('rc-diffbox').hidden = true;
  }
  function leaves(prefix, v, out) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      Object.keys(v).forEach(function (k) { leaves(prefix ? prefix + '.' + k : k, v[k], out); });
    } else {
      out[prefix] = JSON.stringify(v);
    }
    return out;
  }
  function diff(a, b) {
    var x = leaves('', a, {}), y = leaves('', b, {});
    var paths = Object.keys(x);
    Object.keys(y).forEach(function (p) { if (paths.indexOf(p) < 0) { paths.push(p); } });
    return paths.filter(function (p) { return x[p] !== y[p]; }).map(function (p) { return { path: p, before: x[p], after: y[p] }; });
  }
  function review() {
    var edited;
    try { edited = JSON.parse($('rc-text').value); } catch (e) { throw new Error('the config is not valid JSON: ' + e.message); }
    var changes = diff(configBody(S.risk), edited);
    $('rc-base').textContent = S.risk.version;
    fill($('rc-diff').tBodies[0], changes.length ? changes.map(function (c) {
      return el('tr', null, [el('td', null, [code(c.path)]), td(c.before === undefined ? '(none)' : c.before), td(c.after === undefined ? '(removed)' : c.after)]);
    }) : [el('tr', null, [el('td', { colspan: '3', text: 'no change' })])]);
    $('rc-diffbox').hidden = false;
    $('rc-apply').disabled = !changes.length;
    S.pendingConfig = edited;
  }
  function applyConfig() {
    var body = JSON.parse(JSON.stringify(S.pendingConfig));
    body.reason = $('rc-reason').value.trim();
    return api('PUT', '/admin/risk/config', body, { 'If-Match': '"' + S.risk.version + '"' }).then(function (r) {
      S.risk = r.json;
      showConfig(r.json);
      $('rc-out').textContent = 'Saved as version ' + r.json.version;
      $('rc-reason').value = '';
      return loadHistory();
    });
  }
  function loadHistory() {
    return api('GET', '/admin/risk/config/history').then(function (r) {
      var versions = (r.json.versions || []).slice().reverse();
      fill($('rc-history').tBodies[0], versions.map(function (v) {
        var ul = el('ul', { cls: 'diff' }, (v.diff || []).map(function (d) {
          return el('li', { text: d.path + ': ' + JSON.stringify(d.before) + ' → ' + JSON.stringify(d.after) });
        }));
        return el('tr', { 'data-version': v.version }, [td(v.version, 'num'), td(v.changedBy), td(when(v.changedAt)), td(v.reason), el('td', null, [ul])]);
      }));
    });
  }
  function fillExposureMarkets(all) {
    var sel = $('exp-market');
    var keep = sel.value;
    sel.textContent = '';
    sel.appendChild(el('option', { value: '', text: '–' }));
    all.forEach(function (m) { sel.appendChild(el('option', { value: m.marketId, text: m.name + ' ' + m.marketId + ' (' + m.state + ')' })); });
    sel.value = keep;
  }
  function bar(label, r) {
    var used = Number(r.exposure), limit = Number(r.limit);
    var share = limit > 0 ? Math.min(1, used / limit) : 1;
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 100 6'); svg.setAttribute('preserveAspectRatio', 'none');
    var track = document.createElementNS(svg.namespaceURI, 'rect');
    track.setAttribute('class', 'track'); track.setAttribute('width', '100'); track.setAttribute('height', '6');
    var f = document.createElementNS(svg.namespaceURI, 'rect');
    f.setAttribute('class', 'fill' + (used > limit ? ' over' : share > 0.8 ? ' high' : ''));
    f.setAttribute('width', String(Math.max(share * 100, used > 0 ? 0.5 : 0))); f.setAttribute('height', '6');
    svg.appendChild(track); svg.appendChild(f);
    return el('div', { cls: 'bar', 'data-scope': r.scope }, [
      el('div', null, [el('strong', { text: label }), document.createTextNode(' ' + money(r.exposure) + ' of ' + money(r.limit)
        + ' (' + (limit > 0 ? (100 * used / limit).toFixed(1) : '–') + '%), headroom ' + money(r.headroom))]), svg]);
  }
  function showExposure() {
    clearErr('exp-err');
    var asks = [['GLOBAL', 'scope=GLOBAL']];
    var seg = $('exp-segment').value.trim();
    if (seg) { asks.push(['SEGMENT ' + seg, 'scope=SEGMENT&id=' + encodeURIComponent(seg)]); }
    var m = S.markets[$('exp-market').value];
    if (m) {
      m.selections.forEach(function (s) {
        asks.push(['EVENT ' + m.eventId + ' · ' + s.name, 'scope=EVENT&id=' + encodeURIComponent(m.eventId) + '&selectionId=' + encodeURIComponent(s.selectionId)]);
      });
    }
    var user = $('exp-user').value.trim();
    if (user) { asks.push(['USER ' + user, 'scope=USER&id=' + encodeURIComponent(user)]); }
    return Promise.all(asks.map(function (a) {
      return api('GET', '/admin/exposure?' + a[1]).then(function (r) { return bar(a[0], r.json); });
    })).then(function (bars) { fill($('exp-bars'), bars); }).catch(function (e) { showErr('exp-err', e); });
  }

  // ---- Rollouts ------------------------------------------------------------------------------

  function cohortRow(n) {
    return el('div', { cls: 'cohort-row' }, [
      el('label', null, ['Cohort id', el('input', { cls: 'co-id', value: 'c' + n, required: '', maxlength: '64' })]),
      el('label', null, ['Label', el('input', { cls: 'co-label', value: 'Cohort ' + n })]),
      el('label', null, ['Opens in (min)', el('input', { cls: 'co-opens', type: 'number', value: String((n - 1) * 15) })]),
      el('label', null, ['Open for (min)', el('input', { cls: 'co-for', type: 'number', min: '1', value: '60' })]),
      el('button', { type: 'button', cls: 'link co-del', text: '✕', title: 'remove' })]);
  }
  function rememberedRollouts() { try { return JSON.parse(localStorage.getItem('holdfast.ops.rollouts') || '[]'); } catch (e) { return []; } }
  function remember(id, name) {
    var l = rememberedRollouts().filter(function (r) { return r.id !== id; });
    l.unshift({ id: id, name: name });
    localStorage.setItem('holdfast.ops.rollouts', JSON.stringify(l.slice(0, 20)));
  }
  function loadRollouts() {
    var sel = $('ro-pick');
    sel.textContent = '';
    sel.appendChild(el('option', { value: '', text: '–' }));
    rememberedRollouts().forEach(function (r) { sel.appendChild(el('option', { value: r.id, text: r.name + ' ' + r.id })); });
    if (S.rollout) { sel.value = S.rollout; return pollRollout(); }
    return Promise.resolve();
  }
  function createRollout() {
    var now = Date.now();
    var cohorts = Array.prototype.map.call(document.querySelectorAll('#ro-cohorts .cohort-row'), function (row) {
      var opens = now + Number(row.querySelector('.co-opens').value || 0) * 60000;
      return { cohortId: row.querySelector('.co-id').value.trim(), label: row.querySelector('.co-label').value.trim(),
        opensAt: new Date(opens).toISOString(), closesAt: new Date(opens + Number(row.querySelector('.co-for').value || 60) * 60000).toISOString() };
    });
    var name = $('ro-name').value.trim();
    return api('POST', '/admin/rollouts', { name: name, admissionRatePerSecond: Number($('ro-rate').value), cohorts: cohorts })
      .then(function (r) {
        remember(r.json.rolloutId, name);
        S.rollout = r.json.rolloutId;
        S.series = {};
        return loadRollouts();
      });
  }
  function pollRollout() {
    var id = S.rollout;
    if (!id) { return Promise.resolve(); }
    clearErr('ro-serr');
    return api('GET', '/admin/rollouts/' + encodeURIComponent(id)).then(function (r) {
      if (S.rollout !== id) { return; }
      var ro = r.json;
      $('ro-detail').hidden = false;
      $('rd-id').textContent = ro.rolloutId; $('rd-name').textContent = ro.name + ' · ' + ro.admissionRatePerSecond + '/s configured';
      $('ro-health').textContent = 'Verifier health factor ' + ro.healthFactor + ' (' + ro.verifierSignal + ') · admitting up to '
        + ro.admissionRateNow + '/s now' + (ro.lastTickAt ? ' · admitter ran ' + ago(ro.lastTickAt) + ' ago' : '');
      var t = Date.now();
      fill($('rd-cohorts').tBodies[0], ro.cohorts.map(function (c, i) {
        var s = S.series[c.cohortId] || (S.series[c.cohortId] = []);
        s.push({ t: t, admitted: c.admitted, entered: c.entered, rate: c.admissionRatePerSecondNow });
        while (s.length && s[0].t < t - 300000) { s.shift(); }
        var copy = el('button', { type: 'button', cls: 'link', 'data-link': c.link, text: 'copy link' });
        return el('tr', { 'data-cohort': c.cohortId }, [el('td', null, [el('i', { cls: 'c' + (i % 5) }), document.createTextNode(' ' + c.label + ' '), code(c.cohortId)]),
          td(c.phase), td(c.entered, 'num entered'), td(c.waiting, 'num waiting'), td(c.admitted, 'num admitted'), td(c.signedUp, 'num signedup'),
          td(c.admissionRatePerSecondNow, 'num rate'), el('td', null, [copy])]);
      }));
      var ids = ro.cohorts.map(function (c) { return c.cohortId; });
      chart($('rd-chart'), ids.map(function (c) { return S.series[c].map(function (p) { return [p.t, p.admitted]; }); }), t);
      chart($('rd-rate'), ids.map(function (c) {
        var s = S.series[c];
        return s.map(function (p, i) {
          if (i === 0) { return [p.t, 0]; }
          var dt = (p.t - s[i - 1].t) / 1000;
          return [p.t, dt > 0 ? Math.max(0, (p.admitted - s[i - 1].admitted) / dt) : 0];
        });
      }), t);
      fill($('rd-legend'), ro.cohorts.map(function (c, i) { return el('span', null, [el('i', { cls: 'c' + (i % 5) }), document.createTextNode(c.label)]); }));
    }).catch(function (e) { showErr('ro-serr', e); });
  }
  /** A line chart, drawn by hand in SVG: x = the last 5 minutes, y from 0 to the series' maximum. */
  function chart(svg, series, now) {
    var NS = 'http://www.w3.org/2000/svg', W = 600, H = 200, L = 44, B = 20, T = 8, R = 8;
    var max = 1;
    series.forEach(function (s) { s.forEach(function (p) { max = Math.max(max, p[1]); }); });
    var x = function (t) { return L + (W - L - R) * (1 - (now - t) / 300000); };
    var y = function (v) { return H - B - (H - B - T) * v / max; };
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    function add(tag, attrs, text) {
      var e = document.createElementNS(NS, tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      if (text != null) { e.textContent = text; }
      svg.appendChild(e); return e;
    }
    add('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, 'class': 'axis' });
    add('line', { x1: L, y1: T, x2: L, y2: H - B, 'class': 'axis' });
    add('text', { x: L - 4, y: T + 10, 'text-anchor': 'end' }, max % 1 ? max.toFixed(1) : String(max));
    add('text', { x: L - 4, y: H - B, 'text-anchor': 'end' }, '0');
    add('text', { x: L, y: H - 4 }, '−5 min');
    add('text', { x: W - R, y: H - 4, 'text-anchor': 'end' }, 'now');
    var points = 0;
    series.forEach(function (s, i) {
      if (!s.length) { return; }
      points += s.length;
      add('polyline', { 'class': 'c' + (i % 5), points: s.map(function (p) { return x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1); }).join(' ') });
      var last = s[s.length - 1];
      add('circle', { 'class': 'c' + (i % 5), cx: x(last[0]).toFixed(1), cy: y(last[1]).toFixed(1), r: 3 });
    });
    svg.dataset.points = String(points);
    svg.dataset.max = String(max);
  }

  // ---- Money ---------------------------------------------------------------------------------

  function loadMoney() {
    if (!S.creditKey) { S.creditKey = newKey(); }
    $('cr-key').textContent = S.creditKey;
    return Promise.resolve();
  }
  function account() { return $('ac-id').value.trim(); }
  function lookUp() {
    var id = account();
    var current = ticket('account');
    return api('GET', '/admin/accounts/' + encodeURIComponent(id)).then(function (r) {
      if (!current()) { return; }
      var a = r.json, dl = $('ac-wallet');
      dl.textContent = '';
      [['Account', a.accountId], ['Exists', a.exists ? 'yes, opened ' + when(a.openedAt) : 'not yet (a credit opens it)'],
        ['Cash', money(a.cash)], ['Bonus', money(a.bonus)], ['Held for withdrawal', money(a.heldForWithdrawal)],
        ['Open exposure', money(a.openExposure)], ['Currency', a.currency]].forEach(function (kv) {
        dl.appendChild(el('dt', { text: kv[0] })); dl.appendChild(el('dd', { text: kv[1] }));
      });
      S.ledgerCursor = null;
      fill($('lg-list').tBodies[0], []);
      $('lg-acct').textContent = id;
      return ledgerPage(current);
    });
  }
  function ledgerPage(current) {
    var id = account();
    var q = '?limit=25' + (S.ledgerCursor ? '&cursor=' + encodeURIComponent(S.ledgerCursor) : '');
    return api('GET', '/admin/accounts/' + encodeURIComponent(id) + '/ledger' + q).then(function (r) {
      if (current && !current()) { return; }
      var body = $('lg-list').tBodies[0];
      (r.json.entries || []).forEach(function (e) {
        body.appendChild(el('tr', { 'data-entry': e.entryId }, [el('td', null, [code(e.entryId)]), td(e.type), td(e.fund), td(money(e.amount), 'num'),
          td(money(e.balanceAfter), 'num'), td(e.orderId || e.withdrawalId || ''), td(when(e.createdAt))]));
      });
      S.ledgerCursor = r.json.nextCursor;
      $('lg-more').hidden = !S.ledgerCursor;
    });
  }
  function askCredit() {
    if (!account()) { throw new Error('look up an account first'); }
    $('cr-confirm-what').textContent = 'Credit ' + money($('cr-amount').value.trim()) + ' KRW ' + $('cr-fund').value + ' to ' + account()
      + ' because “' + $('cr-reason').value.trim() + '”?';
    $('cr-confirm').hidden = false;
  }
  function credit() {
    var id = account();
    return api('POST', '/admin/accounts/' + encodeURIComponent(id) + '/credits',
      { amount: $('cr-amount').value.trim(), fund: $('cr-fund').value, reason: $('cr-reason').value.trim() },
      { 'Idempotency-Key': S.creditKey }).then(function (r) {
      $('cr-out').textContent = 'Credited: entry ' + r.json.entryId + (r.headers.get('Idempotent-Replayed') ? ' (replayed)' : '');
      $('cr-confirm').hidden = true;
      S.creditKey = newKey(); // the next credit is a new one
      $('cr-key').textContent = S.creditKey;
      return lookUp();
    });
  }
  /** A withdrawal's status; a PENDING one is read again every 2 s while the Money page is open. */
  function withdrawal(id) {
    id = id || $('wd-id').value.trim();
    S.watchWithdrawal = null;
    return api('GET', '/admin/withdrawals/' + encodeURIComponent(id)).then(function (r) {
      var w = r.json, dl = $('wd-out');
      if (w.status === 'PENDING') { S.watchWithdrawal = id; }
      dl.textContent = '';
      [['Status', w.status + (w.failureReason ? ' (' + w.failureReason + ')' : '')], ['Account', w.accountId], ['Amount', money(w.amount) + ' ' + w.currency],
        ['Destination', w.destination.bank + ' ' + w.destination.account], ['Created', when(w.createdAt)], ['Finished', when(w.finishedAt)],
        ['Bank attempts', w.bankAttempts.length ? w.bankAttempts.map(function (a) { return '#' + a.attempt + ' at ' + when(a.startedAt); }).join(', ') : 'none yet']]
        .forEach(function (kv) { dl.appendChild(el('dt', { text: kv[0] })); dl.appendChild(el('dd', { text: kv[1] })); });
    });
  }

  // ---- Audit ---------------------------------------------------------------------------------

  function loadAudit() {
    var a = S.audit;
    var q = new URLSearchParams({ limit: '25' });
    ['actor', 'action', 'target'].forEach(function (f) { var v = $('au-' + f).value.trim(); if (v) { q.set(f, v); } });
    var cursor = a.cursors[a.index];
    if (cursor) { q.set('cursor', cursor); }
    clearErr('au-err');
    var seq = S.auditSeq = (S.auditSeq || 0) + 1;
    return api('GET', '/admin/audit?' + q).then(function (r) {
      if (seq !== S.auditSeq) { return; } // a newer read (other filters, another page) is under way: it wins
      $('au-list').dataset.query = q.toString();
      fill($('au-list').tBodies[0], (r.json.records || []).map(function (x) {
        return el('tr', { 'data-action': x.action }, [td(when(x.at)), td(x.actor), td(x.action), el('td', null, [code(x.target)]),
          el('td', { cls: 'small', text: summary(x) })]);
      }));
      a.cursors.length = a.index + 1;
      if (r.json.nextCursor) { a.cursors.push(r.json.nextCursor); }
      $('au-next').disabled = !r.json.nextCursor;
      $('au-page').textContent = 'page ' + (a.index + 1);
    }).catch(function (e) { showErr('au-err', e); });
  }
  /** What a record changed: the leaves that differ between before and after (the first few). */
  function summary(x) {
    var obj = function (v) { return v && typeof v === 'object' ? v : { value: v }; };
    var changes = diff(x.before == null ? {} : obj(x.before), obj(x.after));
    var s = changes.slice(0, 5).map(function (c) {
      return c.path + ': ' + (c.before === undefined ? '∅' : c.before) + ' → ' + (c.after === undefined ? '∅' : c.after);
    }).join('; ') + (changes.length > 5 ? '; +' + (changes.length - 5) + ' more' : '');
    return s.length > 300 ? s.slice(0, 297) + '…' : s;
  }

  var LOAD = { now: loadNow, markets: loadMarkets, exposure: loadExposure, rollouts: loadRollouts, money: loadMoney, audit: loadAudit };

  // ---- wiring --------------------------------------------------------------------------------

  function on(id, ev, fn) { $(id).addEventListener(ev, fn); }
  function submit(formId, btnId, errId, fn) {
    on(formId, 'submit', function (e) { e.preventDefault(); act($(btnId), errId, fn); });
  }

  function wire() {
    submit('f-signin', 'signin-go', 'signin-err', signIn);
    on('signout', 'click', function () {
      signOut();
      if (S.config && S.config.auth === 'cognito') { // end the hosted UI's session too
        location.assign(S.config.authBase + '/logout?' + new URLSearchParams({ client_id: S.config.clientId, logout_uri: S.config.redirectUri }));
      }
    });
    window.addEventListener('hashchange', route);

    ['mode-halt', 'mode-readonly', 'mode-resume'].forEach(function (id) {
      on(id, 'click', function () { clearErr('mode-err'); askMode($(id).dataset.mode); });
    });
    on('mode-confirm-yes', 'click', function () { act($('mode-confirm-yes'), 'mode-err', setMode); });
    on('mode-confirm-no', 'click', function () { $('mode-confirm').hidden = true; pendingMode = null; });

    $('ev-starts').value = new Date(Date.now() + 86400000).toISOString().replace(/\d\d:\d\d\.\d{3}Z$/, '00:00.000Z');
    $('mk-pmid').value = 'pm-' + newKey().slice(0, 8);
    submit('f-event', 'ev-create', 'ev-err', function () {
      return api('POST', '/admin/events', { name: $('ev-name').value.trim(), startsAt: $('ev-starts').value.trim(), segment: $('ev-segment').value.trim() })
        .then(function (r) { $('ev-out').textContent = 'Created ' + r.json.eventId; $('mk-event').value = r.json.eventId; });
    });
    submit('f-market', 'mk-create', 'mk-err', function () {
      var mapping = {};
      $('mk-mapping').value.split(',').forEach(function (pair) {
        var kv = pair.split('=');
        if (kv.length !== 2 || !kv[0].trim()) { throw new Error('the mapping is provider selection id = selection index, e.g. 1=0, 2=1'); }
        mapping[kv[0].trim()] = Number(kv[1].trim());
      });
      return api('POST', '/admin/markets', {
        eventId: $('mk-event').value.trim(), name: $('mk-name').value.trim(),
        selections: $('mk-selections').value.split(',').map(function (n) { return { name: n.trim() }; }).filter(function (s) { return s.name; }),
        feed: { provider: $('mk-provider').value.trim(), providerMarketId: $('mk-pmid').value.trim(), selections: mapping }
      }).then(function (r) {
        $('mk-out').textContent = 'Created ' + r.json.marketId + ' (PENDING until opened)';
        $('mk-out').dataset.marketId = r.json.marketId;
        $('mk-pmid').value = 'pm-' + newKey().slice(0, 8);
        S.market = r.json.marketId;
        return listMarkets();
      });
    });
    on('mk-refresh', 'click', function () { listMarkets(); });
    on('q-refresh', 'click', function () { loadQuarantine(); });
    on('mk-list', 'click', function (e) {
      var id = e.target.dataset && e.target.dataset.open;
      if (id) { clearErr('md-err'); clearErr('md-rerr'); $('md-rout').textContent = ''; showMarket(id); }
    });
    submit('f-state', 'md-apply', 'md-err', function () {
      return api('POST', '/admin/markets/' + encodeURIComponent(S.market) + '/state', { state: $('md-to').value, reason: $('md-reason').value.trim() })
        .then(function () { $('md-reason').value = ''; return listMarkets(); });
    });
    submit('f-result', 'md-declare', 'md-rerr', function () {
      var w = $('md-winner').value;
      var body = w === 'VOID' ? { void: true } : { winningSelectionId: w };
      return api('POST', '/admin/markets/' + encodeURIComponent(S.market) + '/result', body, { 'Idempotency-Key': S.resultKey })
        .then(function (r) { $('md-rout').textContent = 'Accepted: ' + (r.json.state || r.status); S.resultKey = null; return listMarkets(); });
    });

    submit('f-exp', 'exp-go', 'exp-err', showExposure);
    on('rc-review', 'click', function () { $('rc-out').textContent = ''; act($('rc-review'), 'rc-err', review); });
    on('rc-apply', 'click', function () { act($('rc-apply'), 'rc-err', applyConfig); });
    on('rc-reload', 'click', function () {
      $('rc-out').textContent = '';
      act(null, 'rc-err', function () { return Promise.all([loadRisk().then(showConfig), loadHistory()]); });
    });

    var n = 1;
    $('ro-cohorts').appendChild(cohortRow(n));
    on('ro-add', 'click', function () { $('ro-cohorts').appendChild(cohortRow(++n)); });
    on('ro-cohorts', 'click', function (e) {
      if (e.target.classList.contains('co-del') && $('ro-cohorts').children.length > 1) { e.target.parentNode.remove(); }
    });
    submit('f-rollout', 'ro-create', 'ro-err', createRollout);
    on('ro-show', 'click', function () {
      var id = $('ro-id').value.trim() || $('ro-pick').value;
      if (id) { S.rollout = id; S.series = {}; pollRollout(); }
    });
    on('ro-pick', 'change', function () { if ($('ro-pick').value) { S.rollout = $('ro-pick').value; S.series = {}; pollRollout(); } });
    on('rd-cohorts', 'click', function (e) {
      var link = e.target.dataset && e.target.dataset.link;
      if (!link) { return; }
      var done = function () { e.target.textContent = 'copied'; setTimeout(function () { e.target.textContent = 'copy link'; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link).then(done, function () { window.prompt('Copy the link', link); });
      } else { window.prompt('Copy the link', link); }
    });

    submit('f-acct', 'ac-go', 'ac-err', lookUp);
    on('lg-more', 'click', function () { act($('lg-more'), 'ac-err', function () { return ledgerPage(); }); });
    submit('f-credit', 'cr-go', 'cr-err', askCredit);
    on('cr-yes', 'click', function () { act($('cr-yes'), 'cr-err', credit); });
    on('cr-no', 'click', function () { $('cr-confirm').hidden = true; });
    submit('f-wd', 'wd-go', 'wd-err', function () { return withdrawal(); });

    submit('f-audit', 'au-go', 'au-err', function () { S.audit = { cursors: [null], index: 0 }; return loadAudit(); });
    on('au-next', 'click', function () { if (S.audit.cursors.length > S.audit.index + 1) { S.audit.index++; loadAudit(); } });
    on('au-first', 'click', function () { S.audit = { cursors: [null], index: 0 }; loadAudit(); });

    // live parts: the mode in the header, the Now page, the rollout chart
    setInterval(function () {
      if (!S.token) { return; }
      if (S.page === 'now') { loadNow(); } else { refreshMode(); }
      if (S.page === 'rollouts') { pollRollout(); }
      if (S.page === 'money' && S.watchWithdrawal) { withdrawal(S.watchWithdrawal).catch(function (e) { showErr('wd-err', e); }); }
    }, 2000);
    setInterval(function () { if (S.page === 'now') { tickAges(); } }, 250);
  }

  function boot() {
    wire();
    fetch('config.json', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (c) {
      S.config = c;
      $('signin-local').hidden = c.auth !== 'local';
      $('signin-go').textContent = c.auth === 'local' ? 'Sign in (local token)' : 'Sign in with Cognito';
      var saved = sessionStorage.getItem('holdfast.ops.token');
      if (c.auth !== 'local' && new URLSearchParams(location.search).has('code')) {
        return finishCognito();
      }
      if (saved && (claims(saved).exp || 0) * 1000 > Date.now() && useToken(saved)) { start(); return; }
      show('signin');
      document.body.dataset.ready = 'true';
    }).catch(function (e) { show('signin'); showErr('signin-err', e); })
      .then(function () { document.body.dataset.ready = 'true'; });
  }
  document.addEventListener('DOMContentLoaded', boot);
}());
