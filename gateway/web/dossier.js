// The dossier page. It reads the same HTTP/JSON API as every other client
// (/v1/...), with the API key the reader gives, if any; nothing else is
// fetched and nothing is kept beyond this tab.
'use strict';

const $ = (id) => document.getElementById(id);
const KEY_STORE = 'bilateral.apiKey';

/** An element with text content (never HTML) and attributes. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function showStatus(text, isError) {
  const status = $('status');
  status.textContent = text || '';
  status.className = isError ? 'error' : '';
}

class ApiError extends Error {
  constructor(httpStatus, body) {
    super(body && body.message ? body.message : `HTTP ${httpStatus}`);
    this.httpStatus = httpStatus;
    this.body = body;
  }
}

/** GET /v1/<path> with query parameters; resolves to the decoded JSON. */
async function api(path, params) {
  const url = new URL(`/v1/${path}`, location.origin);
  for (const [name, value] of Object.entries(params || {})) {
    for (const item of [].concat(value)) url.searchParams.append(name, item);
  }
  const headers = { Accept: 'application/json' };
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(url, { headers });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) $('key-box').open = true;
    throw new ApiError(response.status, body);
  }
  return body;
}

/** Every item of a List method, following next_page_token. */
async function listAll(path, field, params) {
  const items = [];
  let pageToken = '';
  do {
    const page = await api(path, { ...params, pageSize: 1000, pageToken });
    items.push(...(page[field] || []));
    pageToken = page.nextPageToken || '';
  } while (pageToken);
  return items;
}

function formatDate(date) {
  if (!date || !date.year) return 'undated';
  const two = (n) => String(n).padStart(2, '0');
  return [date.year, date.month && two(date.month), date.month && date.day && two(date.day)]
    .filter(Boolean).join('-');
}

function formatPeriod(period) {
  if (!period) return '';
  if (period.quarter) return `${period.year} Q${period.quarter}`;
  if (period.month) return `${period.year}-${String(period.month).padStart(2, '0')}`;
  return String(period.year);
}

function formatMoney(money) {
  if (!money) return '';
  const amount = Number(money.units || 0) + (money.nanos || 0) / 1e9;
  const scaled = [[1e12, 'trillion'], [1e9, 'billion'], [1e6, 'million']].find(([size]) => Math.abs(amount) >= size);
  const text = scaled ? `${(amount / scaled[0]).toLocaleString('en', { maximumFractionDigits: 2 })} ${scaled[1]}`
    : amount.toLocaleString('en');
  return `${money.currencyCode || ''} ${text}`.trim();
}

function formatPct(value) {
  if (value === undefined || value === null) return null;
  return `${value > 0 ? '+' : ''}${value.toLocaleString('en', { maximumFractionDigits: 1 })}%`;
}

/** TRADE_FLOW_TOTAL -> "total", given the enum's prefix. */
function enumLabel(value, prefix) {
  if (!value) return '';
  return value.replace(prefix, '').toLowerCase().replace(/_/g, ' ');
}

const country = (name) => (name || '').replace('countries/', '');

// Sources by name, for the titles and links of citations.
let sources = new Map();

function citationList(citations) {
  if (!citations || !citations.length) return null;
  return el('ul', { class: 'citations' }, citations.map((citation) => {
    const source = sources.get(citation.source);
    const title = source ? source.title || citation.source : citation.source;
    const link = source && source.url && /^https?:\/\//.test(source.url)
      ? el('a', { href: source.url, rel: 'noopener noreferrer' }, title) : title;
    return el('li', {}, el('q', {}, citation.quote),
      citation.speaker ? ` (${citation.speaker})` : '', ' — ', el('cite', {}, link));
  }));
}

// ---- the dossier --------------------------------------------------------

const KIND_PREFIX = 'TIMELINE_ENTRY_KIND_';
let timeline = [];

async function loadPair(pair) {
  $('intro').hidden = true;
  $('search-results').hidden = true;
  showStatus(`Loading ${pair}…`);
  let relationship;
  try {
    relationship = await api(`relationships/${encodeURIComponent(pair)}`);
  } catch (error) {
    $('dossier').hidden = true;
    showStatus(`Cannot open ${pair}: ${error.message}`, true);
    return;
  }
  const canonical = relationship.name.replace('relationships/', '');
  if (location.pathname !== `/relationships/${canonical}`) {
    history.replaceState(null, '', `/relationships/${canonical}`);
  }
  $('pair-input').value = canonical;
  $('pair-title').textContent = `— ${canonical}`;
  document.title = `bilateral: ${canonical}`;
  const [a, b] = relationship.countries.map(country);
  try {
    const [sourceList, entries, trade, partnership] = await Promise.all([
      listAll('sources', 'sources'),
      listAll(`${relationship.name}/timeline`, 'entries'),
      listAll('tradeRecords', 'tradeRecords', {
        filter: `(reporter = "${a}" AND partner = "${b}") OR (reporter = "${b}" AND partner = "${a}")`,
        orderBy: 'period',
      }),
      relationship.partnership && relationship.partnership.partnership
        ? api(relationship.partnership.partnership) : Promise.resolve(null),
    ]);
    sources = new Map(sourceList.map((source) => [source.name, source]));
    timeline = entries;
    const findings = relationship.openFindings || [];
    renderPartnership(relationship.partnership, partnership);
    renderFindings(findings);
    renderTrade(trade, findings);
    renderKinds();
    renderTimeline();
    $('dossier').hidden = false;
    showStatus('');
  } catch (error) {
    showStatus(`Could not load everything about ${canonical}: ${error.message}`, true);
  }
}

function renderPartnership(summary, partnership) {
  const level = summary && summary.currentLevel;
  $('level').replaceChildren(level
    ? el('span', {}, el('strong', { class: 'level' }, level.label), ` since ${formatDate(level.since)}`)
    : 'No partnership is recorded for this pair.');
  const milestones = (partnership && partnership.milestones) || [];
  $('milestones').replaceChildren(...milestones.map((milestone) => el('li', {},
    el('time', {}, formatDate(milestone.date)), ' ',
    el('strong', {}, milestone.label || enumLabel(milestone.kind, 'MILESTONE_KIND_')),
    milestone.occasion ? ` — ${milestone.occasion}` : '',
    citationList(milestone.citations))));
}

function renderFindings(findings) {
  $('finding-list').replaceChildren(...(findings.length ? findings.map((finding) => el('li', {
    class: `finding ${/CONTRADICTED/.test(finding.kind) ? 'contradicted' : 'unconfirmed'}`,
  },
  el('strong', {}, enumLabel(finding.kind, 'FINDING_KIND_')), ': ', finding.description,
  finding.resolution ? el('p', { class: 'resolution' }, 'Would close when: ', finding.resolution) : null,
  el('p', { class: 'subject' }, 'About ', el('code', {}, finding.subject))))
    : [el('li', {}, 'None: every stated figure is borne out by the records.')]));
}

/** The finding, if any, open about a record: the figure it states is in doubt. */
function findingFor(record, findings) {
  return findings.find((finding) => finding.subject === record.name ||
    (finding.records || []).includes(record.name) && /CHANGE/.test(finding.kind));
}

function renderTrade(records, findings) {
  const body = $('trade-table').tBodies[0];
  body.replaceChildren(...records.map((record) => {
    const finding = findingFor(record, findings);
    const stated = formatPct(record.reportedChangePct);
    const computed = formatPct(record.computedChangePct);
    return el('tr', { class: finding ? 'flagged' : '' },
      el('td', {}, formatPeriod(record.period)),
      el('td', {}, `${country(record.reporter)} → ${country(record.partner)}`),
      el('td', {}, enumLabel(record.flow, 'TRADE_FLOW_'),
        record.commodity && record.commodity.label ? ` (${record.commodity.label})` : ''),
      el('td', { class: 'number' }, formatMoney(record.value)),
      el('td', { class: 'number' }, stated || '—'),
      el('td', { class: 'number' }, computed || 'not computable'),
      el('td', {}, finding ? el('span', { class: 'mark', title: finding.description },
        /CONTRADICTED/.test(finding.kind) ? '✗ contradicted' : '? cannot be confirmed') : stated && computed ? '✓' : ''));
  }));
  $('trade-chart').replaceChildren(tradeChart(records, findings));
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One row per trade record: its value as a bar, then the stated and the
 *  computed year-on-year change side by side; flagged figures are marked. */
function tradeChart(records, findings) {
  const withValue = records.filter((record) => record.value);
  if (!withValue.length) return el('p', {}, 'No trade figures are recorded for this pair.');
  const amount = (record) => Number(record.value.units || 0);
  const maxValue = Math.max(...withValue.map(amount), 1);
  const changes = withValue.flatMap((r) => [r.reportedChangePct, r.computedChangePct]).filter((v) => v !== undefined);
  const maxChange = Math.max(...changes.map(Math.abs), 10);
  const rowHeight = 64;
  const width = 700;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${withValue.length * rowHeight + 24}`, role: 'img', class: 'chart',
    'aria-label': 'Trade value and year-on-year change, stated and computed',
  });
  const legend = svg('g', { transform: 'translate(0,14)' });
  legend.append(svg('rect', { x: 0, y: -10, width: 12, height: 12, class: 'bar-value' }),
    svg('text', { x: 16, y: 0 }, 'value'),
    svg('rect', { x: 80, y: -10, width: 12, height: 12, class: 'bar-stated' }),
    svg('text', { x: 96, y: 0 }, 'stated change'),
    svg('rect', { x: 210, y: -10, width: 12, height: 12, class: 'bar-computed' }),
    svg('text', { x: 226, y: 0 }, 'computed change'));
  chart.append(legend);
  withValue.forEach((record, index) => {
    const y = 24 + index * rowHeight;
    const finding = findingFor(record, findings);
    const row = svg('g', { transform: `translate(0,${y})`, class: finding ? 'flagged' : '' });
    const label = `${formatPeriod(record.period)} ${country(record.reporter)}→${country(record.partner)} ` +
      `${enumLabel(record.flow, 'TRADE_FLOW_')}: ${formatMoney(record.value)}`;
    row.append(svg('text', { x: 0, y: 12 }, label));
    row.append(svg('rect', { x: 0, y: 18, height: 12, width: Math.max(2, 300 * amount(record) / maxValue), class: 'bar-value' }));
    const zero = 460;
    const scale = 140 / maxChange;
    [[record.reportedChangePct, 'bar-stated', 18], [record.computedChangePct, 'bar-computed', 34]].forEach(([value, cls, top]) => {
      if (value === undefined) {
        row.append(svg('text', { x: zero + 4, y: top + 10, class: 'missing' }, 'not computable'));
        return;
      }
      const w = Math.abs(value) * scale;
      row.append(svg('rect', { x: value >= 0 ? zero : zero - w, y: top, width: Math.max(w, 1), height: 12, class: cls }));
      row.append(svg('text', { x: zero + (value >= 0 ? w + 4 : 4), y: top + 10 }, formatPct(value)));
    });
    row.append(svg('line', { x1: zero, x2: zero, y1: 16, y2: 48, class: 'axis' }));
    if (finding) {
      row.append(svg('text', { x: 0, y: 46, class: 'mark' },
        /CONTRADICTED/.test(finding.kind) ? '✗ stated change contradicted' : '? stated change cannot be confirmed'));
    }
    chart.append(row);
  });
  return chart;
}

function renderKinds() {
  const kinds = [...new Set(timeline.map((entry) => entry.kind))];
  const boxes = kinds.map((kind) => el('label', {},
    el('input', { type: 'checkbox', value: kind, checked: '', onchange: renderTimeline }),
    ` ${enumLabel(kind, KIND_PREFIX)}`));
  $('kinds').replaceChildren(el('legend', {}, 'Show'), ...boxes);
}

function renderTimeline() {
  const shown = new Set([...$('kinds').querySelectorAll('input:checked')].map((box) => box.value));
  const entries = timeline.filter((entry) => shown.has(entry.kind));
  $('entries').replaceChildren(...entries.map((entry) => el('li', { class: 'entry', 'data-kind': entry.kind },
    el('time', {}, formatDate(entry.date)), ' ',
    el('span', { class: 'kind' }, enumLabel(entry.kind, KIND_PREFIX)), ' ',
    el('span', { class: 'summary' }, entry.summary),
    citationList(entry.citations))));
}

// ---- search ---------------------------------------------------------------

/** A snippet with each match in [square brackets], as marked text. */
function snippet(text) {
  const node = el('span', { class: 'snippet' });
  (text || '').split(/(\[[^\]]*\])/).forEach((part) => {
    node.append(/^\[.*\]$/.test(part) ? el('mark', {}, part.slice(1, -1)) : part);
  });
  return node;
}

async function search(query) {
  $('intro').hidden = true;
  $('search-results').hidden = false;
  $('record').hidden = true;
  showStatus(`Searching for “${query}”…`);
  try {
    const response = await api('search', { query, pageSize: 20 });
    const results = response.results || [];
    $('results').replaceChildren(...results.map((result) => el('li', {},
      el('button', { type: 'button', class: 'result', onclick: () => showRecord(result.name) }, result.name),
      ' ', snippet(result.snippet))));
    showStatus(results.length ? '' : `Nothing matches “${query}”.`);
  } catch (error) {
    showStatus(`Search failed: ${error.message}`, true);
  }
}

const TITLE_FIELDS = ['displayName', 'title', 'label', 'occasion', 'summary'];

async function showRecord(name) {
  try {
    const record = await api(name);
    const title = TITLE_FIELDS.map((field) => record[field]).find(Boolean) || name;
    const rows = Object.entries(record).filter(([field, value]) =>
      !['citations', 'etag', 'createTime', 'updateTime'].includes(field) && typeof value !== 'object');
    $('record').replaceChildren(el('h3', {}, title),
      el('dl', {}, rows.map(([field, value]) => [el('dt', {}, field), el('dd', {}, String(value))])),
      citationList(record.citations));
    $('record').hidden = false;
  } catch (error) {
    showStatus(`Cannot open ${name}: ${error.message}`, true);
  }
}

// ---- wiring -----------------------------------------------------------------

function route() {
  const match = location.pathname.match(/^\/relationships\/([A-Za-z0-9]{2,3}-[A-Za-z0-9]{2,3})$/);
  if (match) loadPair(match[1].toUpperCase());
}

document.addEventListener('DOMContentLoaded', () => {
  $('pair-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const pair = $('pair-input').value.trim().toUpperCase();
    if (!/^[A-Z0-9]{2,3}-[A-Z0-9]{2,3}$/.test(pair)) {
      showStatus('A pair is two ISO country codes joined by a hyphen, such as CN-KZ.', true);
      return;
    }
    history.pushState(null, '', `/relationships/${pair}`);
    loadPair(pair);
  });
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = $('search-input').value.trim();
    if (query) search(query);
  });
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key-input').value.trim();
    if (key) sessionStorage.setItem(KEY_STORE, key); else sessionStorage.removeItem(KEY_STORE);
    $('key-input').value = '';
    $('key-box').open = false;
    route();
  });
  window.addEventListener('popstate', route);
  route();
});
