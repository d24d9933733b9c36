// The GraphQL IDE: GraphiQL with the viewer's token on every request and in
// the connection parameters of subscriptions, and the example operations of
// docs/examples in a side panel.
(function () {
  'use strict';

  const { GRAPHQL_PATH, authorization, onTokenChange, viewer } = window.Looptrace;
  const e = React.createElement;

  const WELCOME = [
    '# Welcome to the Looptrace IDE.',
    '#',
    '# Paste your API token at the top of the page. It is sent as',
    '# "Authorization: Bearer …" with every request, and in the connection',
    '# parameters of subscriptions. The Examples panel on the left has ready',
    '# operations for each role; Ctrl-Space completes as you type.',
    '#',
    '# Run this query with Ctrl-Enter (Cmd-Enter on a Mac) to see who you are.',
    'query Viewer {',
    '  viewer {',
    '    name',
    '    email',
    '    role',
    '  }',
    '}',
    '',
  ].join('\n');

  const ROLE_GROUPS = [
    ['anyone', 'Anyone'],
    ['product-manager', 'Product managers'],
    ['operator', 'Operators and users'],
    ['tech-lead', 'Technical leads'],
    ['admin', 'Admins'],
  ];
  const GROUP_OF_ROLE = { PRODUCT_MANAGER: 'product-manager', OPERATOR: 'operator', USER: 'operator', TECH_LEAD: 'tech-lead', ADMIN: 'admin' };

  const socketUrl = new URL(GRAPHQL_PATH, location.href);
  socketUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';

  // Subscriptions share one graphql-ws connection, opened with the first of
  // them. The token travels in its connection parameters, so a new token
  // needs a new connection.
  let socket = null;
  const subscriptions = {
    subscribe(payload, sink) {
      socket = socket || graphqlWs.createClient({ url: socketUrl.href, connectionParams: authorization });
      return socket.subscribe(payload, sink);
    },
  };

  // The Headers tab can still override the token for one request.
  function fetchWithToken(url, init) {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(authorization())) if (!headers.has(name)) headers.set(name, value);
    return fetch(url, { ...init, headers });
  }

  let examples = [];
  let viewerGroup = null;
  let examplesShown = false;

  function ExamplesIcon() {
    const icon = React.useRef(null);
    // GraphiQL shows a plugin's panel only when its sidebar button is
    // pressed, so the page presses it once, as soon as the button exists.
    React.useEffect(() => {
      if (examplesShown) return;
      examplesShown = true;
      icon.current.closest('button').click();
    }, []);
    return e(
      'svg',
      { ref: icon, viewBox: '0 0 24 24', width: '1em', height: '1em', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
      e('path', { d: 'M4 5.5A1.5 1.5 0 0 1 5.5 4H19v14H5.5A1.5 1.5 0 0 0 4 19.5z' }),
      e('path', { d: 'M4 19.5A1.5 1.5 0 0 0 5.5 21H19v-3' }),
      e('path', { d: 'M8 8h7M8 11h5' }),
    );
  }

  /** Opens an example in a new tab, so that nothing typed in the current one is lost. */
  function ExamplesPanel() {
    const editor = GraphiQL.React.useEditorContext({ nonNull: true });
    function open(example) {
      editor.addTab();
      // The new tab's editors are filled once React has committed it.
      setTimeout(() => editor.queryEditor.setValue(example.query));
    }
    const groups = ROLE_GROUPS.map(([group, title]) => ({ group, title, items: examples.filter((example) => example.role === group) }))
      .filter((group) => group.items.length)
      .sort((a, b) => (b.group === viewerGroup) - (a.group === viewerGroup));
    return e(
      'section',
      { className: 'examples', 'aria-label': 'Example operations' },
      e('div', { className: 'graphiql-doc-explorer-title' }, 'Examples'),
      e('p', null, 'Ready operations for each role. Each opens in a new tab; the files are in docs/examples.'),
      examples.length === 0 && e('p', null, 'No examples are installed with this service.'),
      groups.map(({ group, title, items }) =>
        e(
          'div',
          { key: group },
          e('h3', null, title, group === viewerGroup ? ' (your role)' : ''),
          e(
            'ul',
            null,
            items.map((example) =>
              e(
                'li',
                { key: example.path },
                e(
                  'button',
                  { type: 'button', 'data-example': example.path, onClick: () => open(example), title: example.path },
                  example.title,
                  example.description && e('small', null, example.description),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  const examplesPlugin = { title: 'Examples', icon: ExamplesIcon, content: ExamplesPanel };
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));

  /** Whether the server answers introspection; when it does not, the IDE says so instead of failing to fetch the schema. */
  let introspection = true;

  async function askIntrospection() {
    try {
      const response = await fetch(GRAPHQL_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
      });
      const answer = await response.json();
      const refusal = (answer.errors || []).find((error) => /GRAPHQL_INTROSPECTION=false/.test(error.message));
      introspection = !refusal;
      const notice = document.getElementById('ide-notice');
      notice.hidden = introspection;
      if (refusal) notice.textContent = `${refusal.message} The IDE therefore has no documentation and no completion.`;
    } catch {
      introspection = true;
    }
  }

  // A new fetcher makes GraphiQL fetch the schema again, with the new token.
  function render() {
    root.render(
      e(GraphiQL, {
        fetcher: GraphiQL.createFetcher({ url: GRAPHQL_PATH, fetch: fetchWithToken, wsClient: subscriptions }),
        plugins: [examplesPlugin],
        defaultQuery: WELCOME,
        shouldPersistHeaders: false,
        ...(introspection ? {} : { schema: null }),
      }),
    );
  }

  async function showViewersExamplesFirst() {
    try {
      const who = await viewer();
      viewerGroup = who ? GROUP_OF_ROLE[who.role] : null;
    } catch {
      viewerGroup = null;
    }
  }

  onTokenChange(async () => {
    if (socket) socket.dispose();
    socket = null;
    await showViewersExamplesFirst();
    render();
  });

  Promise.all([
    fetch('/ide/examples', { headers: { accept: 'application/json' } }).then((response) => (response.ok ? response.json() : [])),
    showViewersExamplesFirst(),
    askIntrospection(),
  ])
    .then(([loaded]) => {
      examples = loaded;
    })
    .finally(render);
})();
