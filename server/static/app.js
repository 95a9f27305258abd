// newsq search page enhancement. The server renders complete pages (everything works without
// JavaScript); this script only makes navigation faster: the search form, facet, histogram,
// sort and paging links fetch /search as JSON and re-render #results in place, keeping the
// query in the URL with history.pushState so links can be shared and Back works.
// It builds DOM nodes (textContent) and never assigns innerHTML, so no result can inject markup.
'use strict';

(() => {
  const form = document.getElementById('search-form');
  const results = document.getElementById('results');
  if (!form || !results || !window.fetch || !window.history || !history.pushState) return;

  const DEFAULT_LIMIT = 10;
  const MAX_OFFSET = 100000;
  const SEARCH_KEYS = ['q', 'topic', 'source', 'kind', 'from', 'to'];

  // ---- State <-> URL (mirrors server/src/search_params.cpp) ----------------------------------

  function splitList(values) {
    const out = [];
    for (const value of values) {
      for (const part of value.split(',')) {
        const trimmed = part.trim();
        if (trimmed) out.push(trimmed);
      }
    }
    return out;
  }

  function stateFrom(params) {
    const number = (key, fallback) => {
      const value = parseInt(params.get(key) || '', 10);
      return Number.isFinite(value) && value >= 0 ? value : fallback;
    };
    return {
      q: params.get('q') || '',
      hasQuery: SEARCH_KEYS.some((key) => params.has(key)),
      topics: splitList(params.getAll('topic')),
      sources: splitList(params.getAll('source')),
      kinds: splitList(params.getAll('kind')),
      from: params.get('from') || '',
      to: params.get('to') || '',
      sort: params.get('sort') || '',
      match: params.get('match') || '',
      lang: params.get('lang') || '',
      offset: number('offset', 0),
      limit: number('limit', DEFAULT_LIMIT) || DEFAULT_LIMIT,
    };
  }

  function queryString(state) {
    const params = new URLSearchParams();
    if (state.hasQuery || state.q) params.append('q', state.q);
    state.topics.forEach((value) => params.append('topic', value));
    state.sources.forEach((value) => params.append('source', value));
    state.kinds.forEach((value) => params.append('kind', value));
    if (state.from) params.append('from', state.from);
    if (state.to) params.append('to', state.to);
    if (state.sort && state.sort !== 'relevance') params.append('sort', state.sort);
    if (state.match && state.match !== 'all') params.append('match', state.match);
    if (state.lang) params.append('lang', state.lang);
    if (state.offset) params.append('offset', String(state.offset));
    if (state.limit !== DEFAULT_LIMIT) params.append('limit', String(state.limit));
    return params.toString();
  }

  function pageHref(state) {
    const query = queryString(state);
    return query ? '/?' + query : '/';
  }

  function copy(state, changes) {
    return Object.assign({}, state, {
      topics: state.topics.slice(), sources: state.sources.slice(), kinds: state.kinds.slice(),
    }, changes);
  }

  // Month histogram, or by day when from..to spans at most 92 days (as page_search_params()).
  function facetsFor(state) {
    if (state.from && state.to) {
      const span = Date.parse(state.to) - Date.parse(state.from);
      if (Number.isFinite(span) && span <= 91 * 86400000) return 'topic,date:day';
    }
    return 'topic,date:month';
  }

  // ---- Rendering (mirrors server/src/page.cpp) -----------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const group = (n) => Number(n).toLocaleString('en-US');

  function safeLink(url) {
    return typeof url === 'string' && /^https?:\/\/[^\s\x00-\x1f]+$/i.test(url) &&
           !/^https?:\/\/$/i.test(url) ? url : '';
  }

  // The snippet is HTML-escaped text with <mark> around matches: rebuild exactly that, and
  // nothing else, from an inert parse.
  function snippetNodes(snippet) {
    const parsed = new DOMParser().parseFromString('<p>' + snippet + '</p>', 'text/html');
    const out = document.createDocumentFragment();
    for (const node of parsed.body.firstChild ? parsed.body.firstChild.childNodes : []) {
      if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === 'MARK') {
        out.append(el('mark', null, node.textContent));
      } else {
        out.append(document.createTextNode(node.textContent));
      }
    }
    return out;
  }

  function displayDate(iso) {
    return iso.length >= 16 ? iso.slice(0, 10) + ' ' + iso.slice(11, 16) : iso;
  }

  function bucketRange(bucket) {
    if (bucket.length === 4) return [bucket + '-01-01', bucket + '-12-31'];
    if (bucket.length === 7) {
      const year = Number(bucket.slice(0, 4));
      const month = Number(bucket.slice(5, 7));
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      return [bucket + '-01', bucket + '-' + String(last).padStart(2, '0')];
    }
    return [bucket, bucket];
  }

  function withTopic(state, topic) {
    const next = copy(state, { offset: 0 });
    if (!next.topics.includes(topic)) next.topics.push(topic);
    return next;
  }

  function renderSummary(state, body) {
    const hits = body.hits || [];
    const total = (body.total.exact ? '' : 'about ') + group(body.total.value);
    const status = el('p', { role: 'status' },
      hits.length ? `Results ${group(state.offset + 1)}\u2013${group(state.offset + hits.length)} of ${total}`
                  : 'No results',
      ' ', el('span', { class: 'took' }, `(${Number(body.took_ms || 0).toFixed(1)} ms)`));
    const byDate = state.sort === 'date';
    const sortLink = (value, label, current) =>
      el('a', { href: pageHref(copy(state, { sort: value, offset: 0 })),
                'aria-current': current ? 'true' : null }, label);
    const sort = el('p', { class: 'sort' }, 'Sort: ', sortLink('relevance', 'relevance', !byDate),
                    ' \u00b7 ', sortLink('date', 'newest first', byDate));
    return el('div', { class: 'summary' }, status, sort);
  }

  function renderFilters(state) {
    const chips = [];
    const removeFrom = (field, name) => {
      for (const value of state[field]) {
        const without = copy(state, { offset: 0 });
        without[field] = without[field].filter((item) => item !== value);
        chips.push([`${name}: ${value}`, without]);
      }
    };
    removeFrom('topics', 'topic');
    removeFrom('sources', 'source');
    removeFrom('kinds', 'kind');
    if (state.from || state.to) {
      chips.push([`date: ${state.from || '\u2026'} to ${state.to || '\u2026'}`,
                  copy(state, { from: '', to: '', offset: 0 })]);
    }
    if (!chips.length) return null;
    return el('ul', { class: 'filters', 'aria-label': 'Active filters' },
      ...chips.map(([label, without]) => el('li', null,
        el('a', { href: pageHref(without), title: 'Remove this filter' }, label + ' ',
           el('span', { 'aria-hidden': 'true' }, '\u00d7'),
           el('span', { class: 'visually-hidden' }, ' (remove)')))));
  }

  function renderHit(state, hit) {
    const link = safeLink(hit.url) || '/articles/' + encodeURIComponent(hit.id);
    const meta = [];
    if (hit.published) {
      meta.push(el('time', { datetime: hit.published }, displayDate(hit.published)));
    }
    if (hit.source) meta.push(el('span', { class: 'source' }, hit.source));
    if (hit.kind === 'brief') meta.push(el('span', { class: 'kind' }, 'brief'));
    if (hit.topics && hit.topics.length) {
      const topics = el('span', { class: 'topics' });
      hit.topics.forEach((topic, i) => {
        if (i) topics.append(', ');
        topics.append(el('a', { href: pageHref(withTopic(state, topic)) }, topic));
      });
      meta.push(topics);
    }
    const metaLine = el('p', { class: 'meta' });
    meta.forEach((node, i) => {
      if (i) metaLine.append(' \u00b7 ');
      metaLine.append(node);
    });
    return el('li', { class: 'hit' },
      el('h2', null, el('a', { href: link }, hit.title || '(untitled)')),
      metaLine,
      hit.snippet ? el('p', { class: 'snippet' }, snippetNodes(hit.snippet)) : null);
  }

  function renderPager(state, body) {
    const shown = (body.hits || []).length;
    const hasPrevious = state.offset > 0;
    const hasNext = state.offset + shown < body.total.value && state.offset + state.limit <= MAX_OFFSET;
    if (!hasPrevious && !hasNext) return null;
    return el('nav', { class: 'pager', 'aria-label': 'Pages' },
      hasPrevious ? el('a', { rel: 'prev',
        href: pageHref(copy(state, { offset: Math.max(0, state.offset - state.limit) })) },
        '\u2190 Previous') : null,
      el('span', null, `Page ${Math.floor(state.offset / state.limit) + 1}`),
      hasNext ? el('a', { rel: 'next', href: pageHref(copy(state, { offset: state.offset + state.limit })) },
        'Next \u2192') : null);
  }

  function renderFacets(state, body) {
    const facets = body.facets || {};
    const topics = facets.topic || [];
    const dates = facets.date || [];
    if (!topics.length && !dates.length) return null;
    const aside = el('aside', { class: 'facets', 'aria-label': 'Refine results' });
    if (topics.length) {
      aside.append(el('section', null, el('h2', null, 'Topics'),
        el('ul', { class: 'topic-facets' }, ...topics.map((facet) => el('li', null,
          el('a', { href: pageHref(withTopic(state, facet.value)),
                    'aria-current': state.topics.includes(facet.value) ? 'true' : null }, facet.value),
          ' ', el('span', { class: 'count' }, group(facet.count)))))));
    }
    if (dates.length) {
      const largest = Math.max(1, ...dates.map((bucket) => bucket.count));
      aside.append(el('section', null, el('h2', null, 'Date'),
        el('ol', { class: 'histogram' }, ...dates.map((bucket) => {
          const [from, to] = bucketRange(bucket.bucket);
          const level = Math.ceil((bucket.count * 10) / largest);
          return el('li', null, el('a', { href: pageHref(copy(state, { from, to, offset: 0 })) },
            el('span', { class: 'label' }, bucket.bucket), ' ',
            el('span', { class: `bar h${level}`, 'aria-hidden': 'true' }), ' ',
            el('span', { class: 'count' }, group(bucket.count))));
        }))));
    }
    return aside;
  }

  function renderResults(state, body) {
    const nodes = [renderSummary(state, body)];
    if (body.suggestion) {
      nodes.push(el('p', { class: 'suggestion' }, 'Did you mean ',
        el('a', { href: pageHref(copy(state, { q: body.suggestion, offset: 0 })) }, body.suggestion),
        '?'));
    }
    const filters = renderFilters(state);
    if (filters) nodes.push(filters);
    const section = el('section', { class: 'hits', 'aria-label': 'Results' });
    if (!body.hits.length) {
      const plain = copy(state, { topics: [], sources: [], kinds: [], from: '', to: '', offset: 0 });
      section.append(el('p', { class: 'empty' }, 'No articles match. Try fewer words, ',
        el('a', { href: pageHref(plain) }, 'remove the filters'), ', or match any word.'));
    } else {
      section.append(el('ol', { class: 'hit-list', start: String(state.offset + 1) },
        ...body.hits.map((hit) => renderHit(state, hit))));
    }
    const pager = renderPager(state, body);
    if (pager) section.append(pager);
    nodes.push(el('div', { class: 'layout' }, section, renderFacets(state, body)));
    return nodes;
  }

  function renderIntro() {
    return [el('p', { class: 'intro' }, 'Search the news archive: words, "exact phrases", ',
      el('kbd', null, 'AND'), ', ', el('kbd', null, 'OR'), ', ', el('kbd', null, 'NOT'),
      ', and refine by topic and date.')];
  }

  // The form keeps active filters and the sort order as hidden inputs, as the server renders it.
  function syncForm(state) {
    form.elements.q.value = state.q;
    form.querySelectorAll('input[type="hidden"]').forEach((input) => input.remove());
    const button = form.querySelector('button');
    const hidden = (name, value) => form.insertBefore(el('input', { type: 'hidden', name, value }), button);
    state.topics.forEach((value) => hidden('topic', value));
    state.sources.forEach((value) => hidden('source', value));
    state.kinds.forEach((value) => hidden('kind', value));
    if (state.from) hidden('from', state.from);
    if (state.to) hidden('to', state.to);
    if (state.sort) hidden('sort', state.sort);
  }

  // ---- Navigation ------------------------------------------------------------------------------

  let latest = 0;  // answers to superseded requests are dropped

  async function show(state, { push, focus }) {
    const href = pageHref(state);
    const ticket = ++latest;
    syncForm(state);
    if (push) history.pushState(null, '', href);
    document.title = state.q ? `${state.q} \u2013 newsq search` : 'newsq search';
    if (!state.hasQuery) {
      results.replaceChildren(...renderIntro());
      return;
    }
    const api = new URLSearchParams(queryString(state));
    api.set('facets', facetsFor(state));
    results.setAttribute('aria-busy', 'true');
    let nodes;
    try {
      const response = await fetch('/search?' + api.toString(), { headers: { Accept: 'application/json' } });
      const body = await response.json();
      if (ticket !== latest) return;
      nodes = response.ok ? renderResults(state, body)
                          : [el('p', { class: 'error', role: 'alert' }, body.error ? body.error.message : 'Search failed')];
    } catch (error) {
      // Network trouble or a non-JSON answer: let the server render the page instead.
      if (ticket === latest) window.location.assign(href);
      return;
    }
    results.replaceChildren(...nodes);
    results.removeAttribute('aria-busy');
    if (focus) results.focus({ preventScroll: false });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) params.append(name, String(value));
    const state = stateFrom(params);
    state.hasQuery = true;
    state.offset = 0;
    show(state, { push: true, focus: false });
  });

  results.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    const link = event.target.closest('a');
    if (!link || link.origin !== window.location.origin || link.pathname !== '/') return;
    event.preventDefault();
    show(stateFrom(new URLSearchParams(link.search)), { push: true, focus: true });
  });

  // Search-box suggestions: completions of the last word from /suggest, offered through the
  // input's <datalist>. Optional: without them (or without JavaScript) the box still searches.
  const suggestions = document.getElementById('suggestions');
  let suggestTimer = 0;
  let suggestTicket = 0;
  form.elements.q.addEventListener('input', () => {
    clearTimeout(suggestTimer);
    const text = form.elements.q.value;
    const ticket = ++suggestTicket;
    if (!suggestions) return;
    if (text.split(/\s/).pop().length < 2) {
      suggestions.replaceChildren();
      return;
    }
    suggestTimer = setTimeout(async () => {
      try {
        const response = await fetch('/suggest?' + new URLSearchParams({ q: text }),
                                     { headers: { Accept: 'application/json' } });
        if (!response.ok || ticket !== suggestTicket) return;
        const body = await response.json();
        if (ticket !== suggestTicket) return;
        suggestions.replaceChildren(...body.suggestions.map((s) => el('option', { value: s.text })));
      } catch (error) {
        // Suggestions are a convenience: a failed one is simply not shown.
      }
    }, 120);
  });

  window.addEventListener('popstate', () => {
    show(stateFrom(new URLSearchParams(window.location.search)), { push: false, focus: false });
  });
})();
