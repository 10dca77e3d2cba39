// Cellar's SRE view: reads the operator API (the same routes as curl) and redraws every few
// seconds. Every string from the API goes in through textContent: topic and cluster names
// come from tenants.

const REFRESH_MS = 3_000;
const HISTORY_MS = 10_000;
const HISTORY_MINUTES = 30;
const TOKEN_KEY = 'cellar.operatorToken';
const PALETTE = ['#2f7ed8', '#e07a1f', '#2e9e5b', '#8e44ad', '#d23c3c', '#14a5a5', '#b8860b', '#6b7383', '#c2185b', '#5d4037'];

const $ = (id) => document.getElementById(id);

/** h('td', { class: 'num' }, '42') — elements from plain data, never from HTML strings. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const pct = (value) => (value === null || value === undefined ? '–' : `${value.toFixed(1)}%`);
const ratio = (value) => (value === null || value === undefined ? '–' : value.toFixed(2));
function bytes(value) {
  if (value === null || value === undefined) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}
const rate = (value) => (value === null || value === undefined ? '–' : `${bytes(value)}/s`);
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');
function ago(iso) {
  if (!iso) return '–';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
const badge = (state) => h('span', { class: `state state-${state}`, 'data-state': state }, state);

// ---------------------------------------------------------------------------------------
// The operator token: from the #token= fragment (never sent to a server), then this tab only.

function takeTokenFromFragment() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}
const token = () => sessionStorage.getItem(TOKEN_KEY);

class Unauthorized extends Error {}

async function api(path) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token()}`, accept: 'application/json' } });
  if (response.status === 401 || response.status === 403) throw new Unauthorized(`${response.status}`);
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${body.code ?? response.status} ${body.detail ?? ''}`);
  return body;
}

function showLogin(message = '') {
  $('main').hidden = true;
  $('login').hidden = false;
  $('logout').hidden = true;
  $('login-error').textContent = message;
  $('token').focus();
}

// ---------------------------------------------------------------------------------------
// Charts (uPlot)

const charts = {};

function chart(id, labels) {
  const container = $(id);
  const key = labels.join('|');
  if (charts[id]?.key === key) return charts[id].plot;
  charts[id]?.plot.destroy();
  const series = [{}, ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: i === 0 && id === 'chart-cells' ? 2.5 : 1.5, spanGaps: false }))];
  const plot = new uPlot(
    {
      width: Math.max(300, container.clientWidth),
      height: 230,
      series,
      scales: { y: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil((max ?? 0) / 10) * 10)] } },
      axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t}%`), size: 50 }],
      legend: { live: true },
    },
    [[], ...labels.map(() => [])],
    container,
  );
  charts[id] = { key, plot };
  return plot;
}

new ResizeObserver(() => {
  for (const [id, { plot }] of Object.entries(charts)) plot.setSize({ width: Math.max(300, $(id).clientWidth), height: 230 });
});

function drawHistory(history, cellNames) {
  const cells = chart('chart-cells', ['cluster', ...history.cells.map((c) => cellNames.get(c.id) ?? c.name)]);
  cells.setData([history.times, history.cluster, ...history.cells.map((c) => c.load)]);
  const brokers = chart('chart-brokers', history.brokers.map((b) => `broker ${b.id}`));
  brokers.setData([history.times, ...history.brokers.map((b) => b.load)]);
}

// ---------------------------------------------------------------------------------------
// Panels

function drawLoad(load, health, cluster) {
  $('cluster-load').textContent = pct(load.clusterLoad);
  $('cluster-load').dataset.value = load.clusterLoad ?? '';
  $('cluster-load').dataset.sampledAt = load.sampledAt ?? '';
  $('mean-load').textContent = pct(load.meanLoad);
  $('max-over-mean').textContent = ratio(load.maxOverMean);
  $('sampled-at').textContent = load.sampledAt ? `load sampled ${ago(load.sampledAt)}` : 'load not sampled yet';

  const loadOf = new Map(load.brokers.map((b) => [b.id, b]));
  const cellName = new Map(cluster.cells.map((c) => [c.id, c.name]));
  const rackOf = new Map(cluster.brokers.map((b) => [b.id, b.rack]));
  $('brokers').replaceChildren(
    ...health.brokers.map((b) => {
      const l = loadOf.get(b.brokerId);
      return h(
        'tr',
        { class: 'clickable', 'data-broker-id': b.brokerId, 'data-state': b.state, onclick: () => openBroker(b.brokerId).catch(showError) },
        h('td', {}, `broker ${b.brokerId}`),
        h('td', {}, rackOf.get(b.brokerId) ?? '–'),
        h('td', {}, cellName.get(b.cellId) ?? '–'),
        h('td', { class: 'health' }, badge(b.state)),
        h('td', { title: b.since }, ago(b.since)),
        h('td', { class: 'num load', 'data-value': l?.load ?? '' }, pct(l?.load)),
        h('td', { class: 'num' }, rate(l?.bytesInPerSecond)),
        h('td', { class: 'num' }, rate(l?.bytesOutPerSecond)),
        h('td', { class: 'num' }, l?.leaders ?? '–'),
        h('td', { class: 'num' }, l?.replicas ?? '–'),
      );
    }),
  );
  $('transitions').replaceChildren(
    ...health.recentTransitions.slice(0, 12).map((t) =>
      h(
        'li',
        { 'data-broker-id': t.brokerId },
        h('time', { datetime: t.at }, time(t.at)),
        `broker ${t.brokerId} `,
        badge(t.from),
        ' → ',
        badge(t.to),
        ` ${t.reason} `,
        traceLink(t.correlationId),
      ),
    ),
  );
  if (health.recentTransitions.length === 0) $('transitions').replaceChildren(h('li', { class: 'muted' }, 'no transition yet'));
}

function progressCells(progress) {
  return [h('td', { class: 'num' }, `${progress.done}/${progress.moves}`), h('td', { class: 'num' }, `${bytes(progress.bytesMoved)} / ${bytes(progress.bytesPlanned)}`)];
}

function drawMitigations(items) {
  $('mitigations').replaceChildren(
    ...items.slice(0, 15).map((m) =>
      h(
        'tr',
        { 'data-mitigation-id': m.id, 'data-state': m.state },
        h('td', { title: m.createdAt }, time(m.createdAt)),
        h('td', {}, `broker ${m.brokerId}`),
        h('td', {}, m.kind),
        h('td', {}, badge(m.state), m.step ? ` ${m.step}` : ''),
        h('td', { class: 'why' }, `${m.healthState} · ${m.actor} · `, m.reason, ' ', traceLink(m.correlationId)),
        ...progressCells(m.progress),
      ),
    ),
  );
  if (items.length === 0) $('mitigations').replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'none yet')));
}

/** The planner names cells by id in its reasons; show the names the page knows instead. */
function withCellNames(text) {
  const names = state.cellNames ?? new Map();
  return text.replace(/\bcell (\w+)/g, (whole, id) => (names.has(id) ? `cell ${names.get(id)}` : whole));
}

function drawRebalances(items) {
  $('rebalances').replaceChildren(
    ...items.slice(0, 10).map((p) =>
      h(
        'tr',
        { 'data-plan-id': p.id, 'data-state': p.state },
        h('td', { title: p.createdAt }, time(p.createdAt)),
        h('td', {}, p.trigger),
        h('td', {}, badge(p.state)),
        h('td', { class: 'why', title: p.reason ?? '' }, withCellNames(p.reason ?? '')),
        ...progressCells(p.progress),
        h('td', { class: 'num' }, `${ratio(p.before?.maxOverMean)} → ${ratio(p.predictedAfter?.maxOverMean)}`),
      ),
    ),
  );
  if (items.length === 0) $('rebalances').replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'none yet')));
}

function usageBar(used, limit) {
  const share = used === null || limit <= 0 ? 0 : Math.min(1, used / limit);
  const fill = h('span');
  fill.style.width = `${(share * 100).toFixed(1)}%`; // CSSOM, which the page's CSP allows (a style attribute it would not)
  return h('div', { class: `bar${share >= 1 ? ' full' : share >= 0.8 ? ' hot' : ''}`, title: `${(share * 100).toFixed(0)}%` }, fill);
}

function drawCells(usage) {
  $('cells').replaceChildren(
    ...usage.cells.map((cell) =>
      h(
        'div',
        { class: 'cell', 'data-cell-id': cell.id },
        h('h3', {}, `${cell.name}${cell.quarantine ? ' (quarantine)' : ''} · brokers ${cell.brokerIds.join(', ')} · `, h('span', { class: 'muted' }, `${cell.committedCkus} of ${cell.capacityCkus} CKUs committed`)),
        usageBar(cell.committedCkus, cell.capacityCkus),
        cell.logicalClusters.length === 0
          ? h('p', { class: 'muted' }, 'no tenant')
          : h(
              'table',
              {},
              h('thead', {}, h('tr', {}, h('th', {}, 'logical cluster'), h('th', {}, 'tenant'), h('th', { class: 'num' }, 'CKUs'), h('th', {}, 'ingress'), h('th', {}, 'egress'), h('th', {}, 'partitions'))),
              h(
                'tbody',
                {},
                ...cell.logicalClusters.map((lc) =>
                  h(
                    'tr',
                    { 'data-logical-cluster-id': lc.id },
                    h('td', { title: lc.id }, `${lc.name} `, h('span', { class: 'muted' }, lc.status)),
                    h('td', {}, lc.tenantName),
                    h('td', { class: 'num' }, lc.ckus),
                    h('td', { title: `${rate(lc.ingressBytesPerSecond.used)} of ${rate(lc.ingressBytesPerSecond.limit)}` }, usageBar(lc.ingressBytesPerSecond.used, lc.ingressBytesPerSecond.limit)),
                    h('td', { title: `${rate(lc.egressBytesPerSecond.used)} of ${rate(lc.egressBytesPerSecond.limit)}` }, usageBar(lc.egressBytesPerSecond.used, lc.egressBytesPerSecond.limit)),
                    h('td', { title: `${lc.partitions.used} of ${lc.partitions.limit}` }, usageBar(lc.partitions.used, lc.partitions.limit)),
                  ),
                ),
              ),
            ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Broker detail and traces: the "why" behind each change

function showError(error) {
  $('detail-body').replaceChildren(h('p', { class: 'error' }, error.message));
  $('detail').hidden = false;
}

function traceLink(correlationId) {
  return h('a', { class: 'cid', href: `#trace=${encodeURIComponent(correlationId)}`, title: 'everything this id caused', onclick: (e) => (e.preventDefault(), openTrace(correlationId).catch(showError)) }, correlationId.slice(0, 8));
}

function eventItem(e) {
  return h('li', { 'data-kind': e.kind }, h('time', { datetime: e.at }, `${new Date(e.at).toLocaleString()}`), h('strong', {}, e.kind), ' ', e.summary, ' ', traceLink(e.correlationId));
}

async function openBroker(brokerId) {
  const [broker, timeline] = await Promise.all([
    api(`/v1/kafka-clusters/${state.clusterId}/brokers/${brokerId}/health`),
    api(`/v1/kafka-clusters/${state.clusterId}/timeline?brokerId=${brokerId}&limit=60`),
  ]);
  const fired = (t) => (t.evidence?.verdict?.evidence?.fired ?? []).map((f) => `${f.rule}: ${f.detail}`);
  $('detail-body').replaceChildren(
    h('h2', {}, `broker ${broker.brokerId} `, badge(broker.state), h('span', { class: 'muted' }, ` since ${time(broker.since)} · rack ${broker.rack ?? '–'}`)),
    h('p', { class: 'muted' }, `scores ${Object.entries(broker.scores).map(([k, v]) => `${k} ${v}`).join(' · ') || '–'}`),
    broker.latest
      ? h('p', {}, `last canaries: produce ${broker.latest.produceMs?.toFixed(1) ?? '–'} ms, fetch ${broker.latest.fetchMs?.toFixed(1) ?? '–'} ms, request ${broker.latest.requestMs?.toFixed(1) ?? '–'} ms`, broker.latest.probeError ? ` · ${broker.latest.probeError}` : '')
      : '',
    h('h3', {}, 'Transitions and their evidence'),
    h(
      'ol',
      { class: 'events', 'data-testid': 'broker-transitions' },
      ...broker.history.map((t) => h('li', {}, h('time', { datetime: t.at }, new Date(t.at).toLocaleString()), badge(t.from), ' → ', badge(t.to), ` ${t.actor}: ${t.reason} `, traceLink(t.correlationId), ...fired(t).map((line) => h('pre', {}, line)))),
    ),
    h('h3', {}, 'Timeline (leadership and replica moves, mitigations, plans)'),
    h('ol', { class: 'events', 'data-testid': 'broker-timeline' }, ...timeline.events.map(eventItem)),
  );
  $('detail').hidden = false;
}

async function openTrace(correlationId) {
  const trace = await api(`/v1/traces/${encodeURIComponent(correlationId)}`);
  $('detail-body').replaceChildren(
    h('h2', {}, 'Trace ', h('span', { class: 'cid' }, correlationId)),
    h('p', { class: 'muted' }, 'Everything this correlation id caused, oldest first: the request or detector round, the decision, the moves on Kafka.'),
    h('ol', { class: 'events', 'data-testid': 'trace' }, ...trace.events.map((e) => h('li', { 'data-kind': e.kind }, h('time', { datetime: e.at }, new Date(e.at).toLocaleString()), h('strong', {}, e.kind), ' ', e.summary, h('pre', {}, JSON.stringify(e.details, null, 1))))),
  );
  $('detail').hidden = false;
}

// ---------------------------------------------------------------------------------------
// The loop

const state = { clusterId: null, clusters: [], lastOk: 0 };

async function refresh() {
  const id = state.clusterId;
  const [cluster, load, health, mitigations, rebalances, usage] = await Promise.all([
    api(`/v1/kafka-clusters/${id}`),
    api(`/v1/kafka-clusters/${id}/load`),
    api(`/v1/kafka-clusters/${id}/health`),
    api(`/v1/mitigations?clusterId=${id}&limit=15`),
    api(`/v1/kafka-clusters/${id}/rebalances`),
    api(`/v1/kafka-clusters/${id}/cell-usage`),
  ]);
  if (id !== state.clusterId) return;
  drawLoad(load, health, cluster);
  drawMitigations(mitigations.items);
  drawRebalances(rebalances.items);
  drawCells(usage);
  state.cellNames = new Map(cluster.cells.map((c) => [c.id, c.name]));
}

async function refreshHistory() {
  const id = state.clusterId;
  const history = await api(`/v1/kafka-clusters/${id}/load/history?minutes=${HISTORY_MINUTES}&points=360`);
  if (id === state.clusterId && window.uPlot) drawHistory(history, state.cellNames ?? new Map());
}

function every(ms, fn) {
  const run = async () => {
    try {
      await fn();
      state.lastOk = Date.now();
      $('live').className = 'dot live';
      $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      if (error instanceof Unauthorized) return showLogin('That token was refused.');
      $('live').className = 'dot stale';
      $('updated').textContent = `update failed: ${error.message}`;
    }
    setTimeout(run, ms);
  };
  run();
}

async function start() {
  const traced = /#(?:.*&)?trace=([^&]+)/.exec(location.hash);
  takeTokenFromFragment();
  if (!token()) return showLogin();
  try {
    state.clusters = (await api('/v1/kafka-clusters')).kafkaClusters;
  } catch (error) {
    return showLogin(error instanceof Unauthorized ? 'That token was refused.' : error.message);
  }
  $('login').hidden = true;
  $('main').hidden = false;
  $('logout').hidden = false;
  if (state.clusters.length === 0) {
    $('updated').textContent = 'no Kafka cluster registered yet';
    return;
  }
  const wanted = new URLSearchParams(location.search).get('cluster');
  state.clusterId = state.clusters.find((c) => c.id === wanted || c.name === wanted)?.id ?? state.clusters[0].id;
  $('cluster').replaceChildren(...state.clusters.map((c) => h('option', { value: c.id, selected: c.id === state.clusterId }, `${c.name} (${c.region})`)));
  $('cluster').onchange = () => {
    state.clusterId = $('cluster').value;
    refresh().then(refreshHistory).catch(() => undefined);
  };
  if (traced) openTrace(decodeURIComponent(traced[1])).catch(showError);
  every(REFRESH_MS, refresh);
  every(HISTORY_MS, refreshHistory);
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  start();
});
$('logout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});
$('close-detail').addEventListener('click', () => ($('detail').hidden = true));
document.addEventListener('keydown', (e) => e.key === 'Escape' && ($('detail').hidden = true));

start();
