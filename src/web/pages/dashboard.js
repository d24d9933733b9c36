// The loop dashboard: loopHealth(filter) and the loop lists, drawn as charts
// and tables with the viewer's token. The filters live in the page's query
// string, so a sliced view can be bookmarked and shared (the token never is).
(function () {
  'use strict';

  const { graphql, h, format, onTokenChange, token } = window.Looptrace;
  const FILTER_FIELDS = ['origin', 'project', 'themeKey', 'release'];
  const STAGE_COLOURS = ['#8a94a6', '#6b8fc9', '#4f74c9', '#7a5cc7', '#d08a2c', '#3f9a5f', '#2c6b47'];

  const HEALTH = `query Health($filter: LoopFilter) {
    loopHealth(filter: $filter) {
      total
      funnel { stage count }
      timeInStage { stage samples medianSeconds p90Seconds }
      requestToClosure { samples medianSeconds p90Seconds }
      stalled
      stalledDays
      untriagedByAge { label count }
      blueprintsWithoutRequest
      blueprintsWithoutRequestSample { key title }
      themesWithoutBlueprint
      themesWithoutBlueprintSample { key title }
      closureByRelease { release { name } touched closed rate }
    }
    recent: loops(filter: $filter, orderBy: { field: LAST_EVENT_AT, direction: DESC }, first: 10) {
      nodes { key stage waitingOn lastEventAt feedback { title } }
    }
  }`;

  const STALLED = `query Stalled($filter: LoopFilter) {
    stalledHealth: loopHealth(filter: $filter) { funnel { stage count } }
    stalledLoops: loops(filter: $filter, orderBy: { field: LAST_EVENT_AT, direction: ASC }, first: 50) {
      totalCount
      nodes { key stage waitingOn stalledSince feedback { title } }
    }
  }`;

  const CHOICES = `{
    themes(first: 100) { nodes { key title } }
    releases(first: 100) { nodes { name } }
    blueprints(first: 100) { nodes { project } }
  }`;

  const form = document.getElementById('filters');
  const notice = document.getElementById('notice');
  const charts = {};

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.color = '#3b4452';

  function filterFromAddress() {
    const query = new URLSearchParams(location.search);
    const filter = {};
    for (const field of FILTER_FIELDS) if (query.get(field)) filter[field] = query.get(field);
    return filter;
  }

  function showFilter(filter) {
    for (const field of FILTER_FIELDS) form.elements[field].value = filter[field] || '';
  }

  /** Draws a chart on its canvas, replacing the one drawn before. */
  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart(document.getElementById(id), config);
  }

  function fillRows(tableId, rows, emptyText, columns) {
    const body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren(...(rows.length ? rows : [h('tr', null, h('td', { colspan: columns }, emptyText))]));
  }

  const numberCell = (value) => h('td', { className: 'number' }, value);
  const loopLink = (key) => h('a', { href: '/loops/' + encodeURIComponent(key) }, key);
  const waitingList = (reasons) => (reasons.length ? reasons.join('; ') : '—');

  function showFigures(health) {
    const figure = (label, value, note) => h('div', null, h('dt', null, label), h('dd', null, value, note ? h('small', null, ' ' + note) : null));
    const untriaged = health.untriagedByAge.reduce((sum, bucket) => sum + bucket.count, 0);
    const closure = health.requestToClosure;
    document.getElementById('figures').replaceChildren(
      figure('Loops', health.total),
      figure('Stalled', health.stalled, 'no event for ' + health.stalledDays + ' days'),
      figure('Request to closure', format.duration(closure.medianSeconds), closure.samples ? 'median, p90 ' + format.duration(closure.p90Seconds) : 'no closed loops'),
      figure('Untriaged', untriaged),
      figure('Blueprints without request', health.blueprintsWithoutRequest),
      figure('Themes without blueprint', health.themesWithoutBlueprint),
    );
  }

  function showFunnel(funnel) {
    draw('funnel-chart', {
      type: 'bar',
      data: {
        labels: funnel.map((row) => format.stage(row.stage)),
        datasets: [{ label: 'Loops', data: funnel.map((row) => row.count), backgroundColor: STAGE_COLOURS }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    fillRows('funnel-table', funnel.map((row) => h('tr', null, h('th', { scope: 'row' }, format.stage(row.stage)), numberCell(row.count))), '', 2);
  }

  function showTimeInStage(timeInStage) {
    const stays = timeInStage.filter((row) => row.stage !== 'CLOSED');
    draw('time-chart', {
      type: 'bar',
      data: {
        labels: stays.map((row) => format.stage(row.stage)),
        datasets: [
          { label: 'Median', data: stays.map((row) => format.days(row.medianSeconds)), backgroundColor: '#4f74c9' },
          { label: '90th percentile', data: stays.map((row) => format.days(row.p90Seconds)), backgroundColor: '#b9c8e8' },
        ],
      },
      options: {
        plugins: { tooltip: { callbacks: { label: (item) => item.dataset.label + ': ' + item.formattedValue + ' days' } } },
        scales: { y: { beginAtZero: true, title: { display: true, text: 'days' } } },
      },
    });
    fillRows(
      'time-table',
      stays.map((row) =>
        h('tr', null, h('th', { scope: 'row' }, format.stage(row.stage)), numberCell(row.samples), numberCell(format.duration(row.medianSeconds)), numberCell(format.duration(row.p90Seconds))),
      ),
      '',
      4,
    );
  }

  function showStalled(funnel, loops, stalledDays) {
    const open = funnel.filter((row) => row.stage !== 'CLOSED');
    draw('stalled-chart', {
      type: 'bar',
      data: {
        labels: open.map((row) => format.stage(row.stage)),
        datasets: [{ label: 'Stalled loops', data: open.map((row) => row.count), backgroundColor: '#d08a2c' }],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    fillRows(
      'stalled-table',
      loops.nodes.map((loop) =>
        h(
          'tr',
          null,
          h('td', null, loopLink(loop.key), ' ', loop.feedback.title),
          h('td', null, format.stage(loop.stage)),
          h('td', null, waitingList(loop.waitingOn)),
          h('td', null, format.date(loop.stalledSince)),
        ),
      ),
      'No loop has gone ' + stalledDays + ' days without an event.',
      4,
    );
    if (loops.totalCount > loops.nodes.length) {
      document.querySelector('#stalled-table caption').textContent =
        'The ' + loops.nodes.length + ' longest silent of ' + loops.totalCount + ' stalled loops';
    }
  }

  function showClosure(closureByRelease) {
    draw('closure-chart', {
      type: 'bar',
      data: {
        labels: closureByRelease.map((row) => row.release.name),
        datasets: [
          { label: 'Touched', data: closureByRelease.map((row) => row.touched), backgroundColor: '#b9c8e8' },
          { label: 'Closed', data: closureByRelease.map((row) => row.closed), backgroundColor: '#3f9a5f' },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    fillRows(
      'closure-table',
      closureByRelease.map((row) =>
        h('tr', null, h('th', { scope: 'row' }, row.release.name), numberCell(row.touched), numberCell(row.closed), numberCell(format.percent(row.rate))),
      ),
      'No release touches a loop in this slice yet.',
      4,
    );
  }

  function showUnlooped(health) {
    fillRows(
      'untriaged-table',
      health.untriagedByAge.map((bucket) => h('tr', null, h('th', { scope: 'row' }, bucket.label), numberCell(bucket.count))),
      '',
      2,
    );
    const list = (id, total, sample, empty) => {
      const items = sample.map((record) => h('li', null, record.key, ': ', record.title));
      if (total > sample.length) items.push(h('li', null, 'and ' + (total - sample.length) + ' more'));
      document.getElementById(id).replaceChildren(...(items.length ? items : [h('li', null, empty)]));
    };
    list('blueprints-without-request', health.blueprintsWithoutRequest, health.blueprintsWithoutRequestSample, 'None: every blueprint answers a request.');
    list('themes-without-blueprint', health.themesWithoutBlueprint, health.themesWithoutBlueprintSample, 'None: every theme has a blueprint.');
  }

  function showRecent(loops) {
    fillRows(
      'recent-table',
      loops.nodes.map((loop) =>
        h(
          'tr',
          null,
          h('td', null, loopLink(loop.key)),
          h('td', null, loop.feedback.title),
          h('td', null, format.stage(loop.stage)),
          h('td', null, waitingList(loop.waitingOn)),
          h('td', null, format.dateTime(loop.lastEventAt)),
        ),
      ),
      'No loop in this slice.',
      5,
    );
  }

  async function loadChoices() {
    const choices = await graphql(CHOICES);
    const keep = (select, options) => {
      const chosen = select.value;
      select.replaceChildren(select.options[0], ...options);
      select.value = chosen;
    };
    keep(form.elements.themeKey, choices.themes.nodes.map((theme) => h('option', { value: theme.key }, theme.key + ': ' + theme.title)));
    keep(form.elements.release, choices.releases.nodes.map((release) => h('option', { value: release.name }, release.name)));
    const projects = [...new Set(choices.blueprints.nodes.map((blueprint) => blueprint.project))].sort();
    document.getElementById('projects').replaceChildren(...projects.map((project) => h('option', { value: project })));
  }

  async function load() {
    const filter = filterFromAddress();
    showFilter(filter);
    if (!token()) {
      notice.textContent = 'Paste your API token in the header to see the health of the loop.';
      return;
    }
    notice.textContent = '';
    document.body.setAttribute('aria-busy', 'true');
    try {
      await loadChoices();
      showFilter(filter);
      const { loopHealth: health, recent } = await graphql(HEALTH, { filter });
      const stalled = await graphql(STALLED, { filter: { ...filter, stalledForDays: health.stalledDays } });
      showFigures(health);
      showFunnel(health.funnel);
      showTimeInStage(health.timeInStage);
      showStalled(stalled.stalledHealth.funnel, stalled.stalledLoops, health.stalledDays);
      showClosure(health.closureByRelease);
      showUnlooped(health);
      showRecent(recent);
    } catch (error) {
      notice.textContent = 'The dashboard could not be loaded: ' + error.message;
    } finally {
      document.body.removeAttribute('aria-busy');
    }
  }

  function applyFilter(filter) {
    const query = new URLSearchParams();
    for (const field of FILTER_FIELDS) if (filter[field]) query.set(field, filter[field]);
    history.pushState(null, '', location.pathname + (query.size ? '?' + query : ''));
    load();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const filter = {};
    for (const field of FILTER_FIELDS) if (form.elements[field].value.trim()) filter[field] = form.elements[field].value.trim();
    applyFilter(filter);
  });
  form.addEventListener('reset', (event) => {
    event.preventDefault();
    applyFilter({});
  });
  window.addEventListener('popstate', load);
  onTokenChange(load);
  load();
})();
