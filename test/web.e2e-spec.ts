import { startService, TestService } from './support/service';

/** The web pages and their assets over HTTP: what is served, as what, cached how, and what is not served at all. */
describe('the web pages over HTTP', () => {
  let service: TestService;
  let origin: string;

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${origin}${path}`, { headers });
  const assetsOf = (html: string) => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);

  beforeAll(async () => {
    service = await startService();
    origin = service.url.replace(/\/graphql$/, '');
  });

  afterAll(() => service.close());

  it.each(['/', '/ide', '/dashboard', '/loops/FB-42'])('serves %s as a page that may only load from this service', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    for (const asset of assetsOf(html)) expect(asset).toMatch(/^\/assets\/[0-9a-f]{16}\/[\w.-]+$/);
  });

  it('serves every asset a page loads with its content type, cached for good under its fingerprint', async () => {
    const assets = new Set<string>();
    for (const path of ['/', '/ide', '/dashboard', '/loops/FB-1']) for (const asset of assetsOf(await (await get(path)).text())) assets.add(asset);
    expect([...assets].map((asset) => asset.split('/').pop()).sort()).toEqual([
      'chart.js',
      'dashboard.js',
      'graphiql.css',
      'graphiql.js',
      'graphql-ws.js',
      'ide.js',
      'looptrace.css',
      'looptrace.js',
      'react-dom.js',
      'react.js',
      'trace.js',
    ]);
    for (const asset of assets) {
      const response = await get(asset);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect(response.headers.get('content-type')).toBe(asset.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Number(response.headers.get('content-length'))).toBeGreaterThan(100);
    }
  });

  it('serves an asset under its bare name or an old fingerprint, to be revalidated, and answers 304 when it has not changed', async () => {
    const bare = await get('/assets/react.js');
    expect(bare.status).toBe(200);
    expect(bare.headers.get('cache-control')).toBe('no-cache');
    expect(await bare.text()).toContain('React');
    const stale = await get('/assets/0000000000000000/react.js');
    expect({ status: stale.status, cache: stale.headers.get('cache-control') }).toEqual({ status: 200, cache: 'no-cache' });
    const again = await get('/assets/react.js', { 'if-none-match': bare.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it.each([
    '/assets/package.json',
    '/assets/react.production.min.js',
    '/assets/%2E%2E%2Fpackage.json',
    '/assets/..%2F..%2Fpackage.json',
    '/assets/react/umd/react.production.min.js',
    '/node_modules/react/package.json',
    '/assets/index.umd.js.map',
    '/docs/README.md',
    '/docs/decisions%2F0001-stack.md',
    '/loops/FB-1%2F..',
  ])('serves nothing that is not on the list: %s', async (path) => {
    expect((await get(path)).status).toBe(404);
  });

  it('serves the guides as plain text', async () => {
    const response = await get('/docs/product-managers.md');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toMatch(/^# /);
  });

  it('gives a browser that opens /graphql the IDE, and GraphQL clients GraphQL', async () => {
    const browser = await get('/graphql', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(browser.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await browser.text()).toContain('<title>Looptrace IDE</title>');

    const overGet = await get('/graphql?query=%7B__typename%7D', { accept: 'application/json', 'apollo-require-preflight': 'true' });
    expect(await overGet.json()).toMatchObject({ data: { __typename: 'Query' }, extensions: { cost: { requested: 1 } } });
    expect(await service.gql(null, '{ __typename }')).toMatchObject({ data: { __typename: 'Query' } });
  });
});
