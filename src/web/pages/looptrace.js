// What every page shares: the viewer's API token, kept in this browser, GraphQL
// over HTTP with it, the token bar in the header, a small DOM builder and the
// formats of durations, dates and stages.
(function () {
  'use strict';

  const TOKEN_KEY = 'looptrace.token';
  /** The service's GraphQL endpoint (GRAPHQL_PATH in src/app.module.ts). */
  const GRAPHQL_PATH = '/graphql';
  const STAGES = ['REQUESTED', 'TRIAGED', 'THEMED', 'PLANNED', 'IN_DEVELOPMENT', 'RELEASED', 'CLOSED'];

  // A link may hand a token over as #token=… : a fragment never reaches a
  // server, its logs or a Referer header. The page keeps the token and takes
  // it out of the address bar and the history at once.
  (function takeTokenFromFragment() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (!fragment.has('token')) return;
    const handed = fragment.get('token').trim();
    if (handed) localStorage.setItem(TOKEN_KEY, handed);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? '#' + rest : ''));
  })();

  const listeners = [];

  function token() {
    return localStorage.getItem(TOKEN_KEY) || '';
  }

  function setToken(value) {
    const trimmed = (value || '').trim();
    if (trimmed) localStorage.setItem(TOKEN_KEY, trimmed);
    else localStorage.removeItem(TOKEN_KEY);
    listeners.forEach((listener) => listener(trimmed));
  }

  function onTokenChange(listener) {
    listeners.push(listener);
  }

  // The IDE, the dashboard and the trace pages share the token: a change in
  // one tab reaches the others.
  window.addEventListener('storage', (event) => {
    if (event.key === TOKEN_KEY) listeners.forEach((listener) => listener(token()));
  });

  function authorization() {
    return token() ? { authorization: 'Bearer ' + token() } : {};
  }

  async function graphql(query, variables) {
    const response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...authorization() },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json().catch(() => null);
    if (!body) throw new Error('The service answered ' + response.status + ' ' + response.statusText + '.');
    if (body.errors && body.errors.length) throw new Error(body.errors.map((error) => error.message).join(' '));
    return body.data;
  }

  /** Who the token belongs to, or null without a token; throws when the service refuses it. */
  async function viewer() {
    if (!token()) return null;
    return (await graphql('{ viewer { name role } }')).viewer;
  }

  /** Builds an element; text always goes in as text, never as markup. */
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
      else if (name === 'className') element.className = value;
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  const ROLE_NAMES = {
    ADMIN: 'admin',
    PRODUCT_MANAGER: 'product manager',
    TECH_LEAD: 'technical lead',
    OPERATOR: 'operator',
    USER: 'user',
  };

  /** The token field of the header: paste a token, use it, forget it, and see whose it is. */
  function mountTokenBar(container) {
    const input = h('input', {
      id: 'api-token',
      type: 'password',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'Paste your API token (lt_…)',
    });
    const status = h('span', { className: 'viewer', role: 'status', 'aria-live': 'polite' });
    const form = h(
      'form',
      {
        className: 'token-bar',
        'aria-label': 'API token',
        onsubmit: (event) => {
          event.preventDefault();
          setToken(input.value);
        },
      },
      h('label', { for: 'api-token' }, 'API token'),
      input,
      h('button', { type: 'submit' }, 'Use'),
      h('button', { type: 'button', className: 'secondary', onclick: () => setToken('') }, 'Forget'),
      status,
    );
    container.replaceChildren(form);

    async function show() {
      input.value = token();
      status.classList.remove('refused');
      if (!token()) {
        status.textContent = 'No token yet';
        return;
      }
      status.textContent = 'Checking the token…';
      try {
        const who = await viewer();
        status.textContent = 'Signed in as ' + who.name + ' (' + (ROLE_NAMES[who.role] || who.role) + ')';
      } catch (error) {
        status.textContent = 'Token refused: ' + error.message;
        status.classList.add('refused');
      }
    }
    onTokenChange(show);
    show();
  }

  const format = {
    stage(stage) {
      return stage ? stage.charAt(0) + stage.slice(1).toLowerCase().replace(/_/g, ' ') : '';
    },

    /** A duration in words: minutes, hours or days, as fits. */
    duration(seconds) {
      if (seconds === null || seconds === undefined) return '—';
      if (seconds < 3600) return Math.round(seconds / 60) + ' min';
      if (seconds < 2 * 86400) return (seconds / 3600).toFixed(seconds < 36000 ? 1 : 0) + ' h';
      const days = seconds / 86400;
      return (days < 10 ? days.toFixed(1) : Math.round(days)) + ' days';
    },

    days(seconds) {
      return seconds === null || seconds === undefined ? null : Math.round((seconds / 86400) * 10) / 10;
    },

    date(iso) {
      return iso ? new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso)) : '—';
    },

    dateTime(iso) {
      return iso ? new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';
    },

    percent(rate) {
      return Math.round(rate * 100) + '%';
    },
  };

  window.Looptrace = { GRAPHQL_PATH, STAGES, token, onTokenChange, authorization, graphql, viewer, h, format };

  document.querySelectorAll('[data-token-bar]').forEach(mountTokenBar);
})();
