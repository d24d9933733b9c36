// The trace of one loop, /loops/FB-42: the request, where it stands and what
// it waits on, its themes, the blueprints that answer it per project with
// their outcomes, the time in each stage and the timeline, from loop(key).
(function () {
  'use strict';

  const { STAGES, graphql, h, format, onTokenChange, token } = window.Looptrace;
  const TIMELINE_PAGE = 100;

  const TRACE = `query Trace($key: String!, $first: Int, $after: String) {
    loop(key: $key) {
      key stage stageEnteredAt lastEventAt waitingOn stalledSince
      feedback {
        title body origin organization releaseInUse projects tags voteCount sourceUrl createdAt
        submitter { name organization }
        triagedAt triagedBy { name }
      }
      themes { theme { key title kind ancestors { key title } } rationale linkedAt linkedBy { name } }
      projects {
        project delivered
        blueprints {
          direct counts delivered
          blueprint { key name title url implementationStatus definitionStatus targetRelease { name } }
          viaThemes { key }
          outcomes { result notes release { name } }
        }
      }
      stages { stage seconds stays }
      closure { resolution note closedAt closedBy { name } }
      verification { verdict note verifiedAt }
      completedIn { name }
      duplicateOf { key }
      timeline(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { type occurredAt recordKey actor { name } before after data }
      }
    }
  }`;

  const main = document.getElementById('trace');
  const key = decodeURIComponent(location.pathname.split('/').pop() || '').toUpperCase();
  document.title = key + ' · Looptrace';

  /** Addresses from the records become links only when they are web addresses. */
  function webLink(url, text) {
    return /^https?:\/\//i.test(url || '') ? h('a', { href: url, rel: 'noopener noreferrer' }, text || url) : text || url;
  }

  const facts = (rows) =>
    h(
      'dl',
      { className: 'facts' },
      rows.filter(([, value]) => value !== null && value !== undefined && value !== '').map(([label, value]) => [h('dt', null, label), h('dd', null, value)]),
    );

  const section = (id, title, ...content) => h('section', { className: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...content);

  function stagePath(loop) {
    const entered = new Set(loop.stages.map((time) => time.stage));
    return h(
      'ol',
      { className: 'stage-path', 'aria-label': 'Stages of the loop' },
      STAGES.map((stage) =>
        h(
          'li',
          { className: entered.has(stage) ? 'passed' : null, 'aria-current': stage === loop.stage ? 'step' : null },
          format.stage(stage),
          stage === loop.stage ? h('span', { className: 'visually-hidden' }, ' (current stage)') : null,
        ),
      ),
    );
  }

  function whereItStands(loop) {
    const closure = loop.closure;
    const verification = loop.verification;
    return section(
      'standing-heading',
      'Where it stands',
      facts([
        ['Stage', h('strong', { id: 'stage' }, format.stage(loop.stage))],
        ['Since', format.dateTime(loop.stageEnteredAt)],
        [
          'Waiting on',
          loop.waitingOn.length ? h('ul', { id: 'waiting-on', className: 'waiting' }, loop.waitingOn.map((reason) => h('li', null, reason))) : h('span', { id: 'waiting-on' }, 'nothing'),
        ],
        ['Stalled since', loop.stalledSince ? h('span', { className: 'badge bad' }, format.date(loop.stalledSince)) : null],
        ['Last event', format.dateTime(loop.lastEventAt)],
        ['Completed in', loop.completedIn ? loop.completedIn.name : null],
        ['Duplicate of', loop.duplicateOf ? h('a', { href: '/loops/' + loop.duplicateOf.key }, loop.duplicateOf.key) : null],
        [
          'Closure',
          closure
            ? [format.stage(closure.resolution), ' on ', format.date(closure.closedAt), closure.closedBy ? ' by ' + closure.closedBy.name : '', closure.note ? ': ' + closure.note : '']
            : null,
        ],
        [
          'Requester says',
          verification ? [h('span', { className: 'badge ' + (verification.verdict === 'CONFIRMED' ? 'good' : 'bad') }, format.stage(verification.verdict)), verification.note ? ' ' + verification.note : ''] : null,
        ],
      ]),
    );
  }

  function request(loop) {
    const item = loop.feedback;
    return section(
      'request-heading',
      'The request',
      facts([
        ['Submitted by', item.submitter.name + (item.organization ? ', ' + item.organization : '')],
        ['On', format.dateTime(item.createdAt)],
        ['Origin', format.stage(item.origin)],
        ['Runs', item.releaseInUse],
        ['Projects', item.projects.join(', ')],
        ['Tags', item.tags.join(', ')],
        ['Votes', String(item.voteCount)],
        ['Triaged', item.triagedAt ? format.date(item.triagedAt) + (item.triagedBy ? ' by ' + item.triagedBy.name : '') : null],
        ['Source', item.sourceUrl ? webLink(item.sourceUrl) : null],
      ]),
      item.body ? h('p', { className: 'body-text' }, item.body) : null,
    );
  }

  function themes(loop) {
    const rows = loop.themes.map((link) =>
      h(
        'tr',
        null,
        h('td', null, link.theme.key),
        h('td', null, link.theme.title, link.theme.ancestors.length ? h('small', null, ' under ' + link.theme.ancestors.map((theme) => theme.key + ' ' + theme.title).join(' › ')) : null),
        h('td', null, format.stage(link.theme.kind)),
        h('td', null, link.rationale || '—'),
        h('td', null, format.date(link.linkedAt), link.linkedBy ? ' by ' + link.linkedBy.name : ''),
      ),
    );
    return section(
      'themes-heading',
      'Themes',
      rows.length
        ? h(
            'table',
            null,
            h('caption', null, 'The roadmap themes this request is linked to'),
            h('thead', null, h('tr', null, ['Theme', 'Title', 'Kind', 'Why', 'Linked'].map((title) => h('th', { scope: 'col' }, title)))),
            h('tbody', null, rows),
          )
        : h('p', null, 'Not linked to any theme yet.'),
    );
  }

  function blueprints(loop) {
    const outcomeText = (answer) =>
      answer.outcomes.length ? answer.outcomes.map((outcome) => format.stage(outcome.result) + ' in ' + outcome.release.name + (outcome.notes ? ' (' + outcome.notes + ')' : '')).join('; ') : '—';
    const projects = loop.projects.map((project) => [
      h('h3', null, project.project, ' ', h('span', { className: 'badge ' + (project.delivered ? 'good' : 'bad') }, project.delivered ? 'delivered' : 'not delivered yet')),
      h(
        'table',
        { className: 'blueprints' },
        h('caption', { className: 'visually-hidden' }, project.project + ' blueprints answering this request'),
        h('thead', null, h('tr', null, ['Blueprint', 'Status', 'Target', 'Answers through', 'Outcomes'].map((title) => h('th', { scope: 'col' }, title)))),
        h(
          'tbody',
          null,
          project.blueprints.map((answer) =>
            h(
              'tr',
              null,
              h('td', null, webLink(answer.blueprint.url, answer.blueprint.name), h('br'), h('small', null, answer.blueprint.title)),
              h('td', null, format.stage(answer.blueprint.implementationStatus), answer.counts ? '' : ' (' + format.stage(answer.blueprint.definitionStatus) + ', not counted)'),
              h('td', null, answer.blueprint.targetRelease ? answer.blueprint.targetRelease.name : '—'),
              h('td', null, [answer.direct ? 'the request itself' : null, ...answer.viaThemes.map((theme) => theme.key)].filter(Boolean).join(', ')),
              h('td', null, outcomeText(answer)),
            ),
          ),
        ),
      ),
    ]);
    return section('blueprints-heading', 'Blueprints by project', projects.length ? projects : h('p', null, 'No blueprint answers it yet.'));
  }

  function timeInStages(loop) {
    return section(
      'time-heading',
      'Time in each stage',
      h(
        'table',
        { id: 'time-in-stage' },
        h('caption', null, 'Every stage it has been in; the current one counts up to now'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Stage'), h('th', { scope: 'col', className: 'number' }, 'Time'), h('th', { scope: 'col', className: 'number' }, 'Stays'))),
        h(
          'tbody',
          null,
          loop.stages.map((time) =>
            h('tr', null, h('th', { scope: 'row' }, format.stage(time.stage)), h('td', { className: 'number' }, format.duration(time.seconds)), h('td', { className: 'number' }, time.stays)),
          ),
        ),
      ),
    );
  }

  const shortValue = (value) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 79) + '…' : text;
  };

  const worthShowing = (value) => value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);

  function describe(event) {
    if (event.type === 'loop.stage_changed' && event.before && event.after) return format.stage(event.before.stage) + ' → ' + format.stage(event.after.stage);
    const parts = Object.entries(event.after || {})
      .filter(([, value]) => worthShowing(value))
      .map(([name, value]) => name + ': ' + shortValue(value));
    for (const name of ['note', 'rationale']) if (event.data && worthShowing(event.data[name])) parts.push(name + ': ' + shortValue(event.data[name]));
    return parts.join(' · ');
  }

  function timelineItems(events) {
    return events.map((event) =>
      h(
        'li',
        null,
        h('time', { datetime: event.occurredAt }, format.dateTime(event.occurredAt)),
        h(
          'div',
          null,
          h('span', { className: 'type' }, event.type),
          ' ',
          event.recordKey !== key ? h('span', null, event.recordKey, ' ') : null,
          event.actor ? h('span', null, 'by ' + event.actor.name) : h('span', null, 'by the service'),
          h('div', { className: 'details' }, describe(event)),
        ),
      ),
    );
  }

  function timeline(loop) {
    const list = h('ol', { className: 'timeline', id: 'timeline' }, timelineItems(loop.timeline.nodes));
    const count = h('p', null, loop.timeline.totalCount + ' events, oldest first.');
    let cursor = loop.timeline.pageInfo.endCursor;
    const more = h('button', { type: 'button', className: 'secondary', hidden: !loop.timeline.pageInfo.hasNextPage }, 'Show more');
    more.addEventListener('click', async () => {
      more.disabled = true;
      const next = (await graphql(TRACE, { key, first: TIMELINE_PAGE, after: cursor })).loop.timeline;
      list.append(...timelineItems(next.nodes));
      cursor = next.pageInfo.endCursor;
      more.hidden = !next.pageInfo.hasNextPage;
      more.disabled = false;
    });
    return section('timeline-heading', 'Timeline', count, list, more);
  }

  async function load() {
    if (!token()) {
      main.replaceChildren(h('h1', null, key), h('p', { className: 'notice', role: 'alert' }, 'Paste your API token in the header to see this loop.'));
      return;
    }
    try {
      const { loop } = await graphql(TRACE, { key, first: TIMELINE_PAGE });
      if (!loop) {
        main.replaceChildren(h('h1', null, key), h('p', { className: 'notice', role: 'alert' }, 'There is no loop ' + key + '.'));
        return;
      }
      document.title = loop.key + ': ' + loop.feedback.title + ' · Looptrace';
      main.replaceChildren(
        h('p', null, h('a', { href: '/dashboard' }, '← Dashboard')),
        h('h1', null, loop.key + ': ' + loop.feedback.title),
        stagePath(loop),
        h('div', { className: 'grid' }, whereItStands(loop), request(loop)),
        h('div', { className: 'grid' }, themes(loop), timeInStages(loop)),
        h('div', { className: 'grid' }, h('div', { className: 'wide' }, blueprints(loop)), h('div', { className: 'wide' }, timeline(loop))),
      );
    } catch (error) {
      main.replaceChildren(h('h1', null, key), h('p', { className: 'notice', role: 'alert' }, 'The loop could not be loaded: ' + error.message));
    }
  }

  onTokenChange(load);
  load();
})();
