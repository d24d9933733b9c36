import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, posix, resolve, sep } from 'node:path';

/** The plain browser files of the IDE, the dashboard and the trace pages; `nest build` copies them beside this file. */
const PAGES_FOLDER = join(__dirname, 'pages');

/** docs/ of the checkout the service runs from: src/web/ and dist/web/ both sit two levels below it. */
const DOCS_FOLDER = resolve(__dirname, '..', '..', 'docs');

/** The guides a browser may read from the landing page, served as plain text. */
const SERVED_DOCS = ['product-managers.md', 'api.md', 'notifications.md'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/**
 * Pages may only load scripts, styles and data from this service: whatever a
 * page or a library inside it tries, the browser fetches nothing from
 * elsewhere. GraphiQL and Chart.js set inline styles, and GraphiQL's fonts
 * and icons are data: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * The folder of an installed package. Export maps hide the browser builds
 * from require.resolve, so the folder is found from the package's entry point.
 */
export function packageFolder(name: string): string {
  let folder = dirname(require.resolve(name));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`The folder of the package ${name} cannot be found.`);
    folder = parent;
  }
}

/**
 * Every file a page may load, under the name it loads it by. This list is all
 * of node_modules that the service exposes: browser builds of the libraries
 * (see docs/decisions/0006-browser-assets.md) and the pages' own scripts.
 */
const ASSET_SOURCES: Readonly<Record<string, () => string>> = {
  'react.js': () => join(packageFolder('react'), 'umd', 'react.production.min.js'),
  'react-dom.js': () => join(packageFolder('react-dom'), 'umd', 'react-dom.production.min.js'),
  'graphiql.js': () => join(packageFolder('graphiql'), 'graphiql.min.js'),
  'graphiql.css': () => join(packageFolder('graphiql'), 'graphiql.min.css'),
  'graphql-ws.js': () => join(packageFolder('graphql-ws'), 'umd', 'graphql-ws.min.js'),
  'chart.js': () => join(packageFolder('chart.js'), 'dist', 'chart.umd.min.js'),
  'looptrace.css': () => join(PAGES_FOLDER, 'looptrace.css'),
  'looptrace.js': () => join(PAGES_FOLDER, 'looptrace.js'),
  'ide.js': () => join(PAGES_FOLDER, 'ide.js'),
  'dashboard.js': () => join(PAGES_FOLDER, 'dashboard.js'),
  'trace.js': () => join(PAGES_FOLDER, 'trace.js'),
};

const PAGE_FILES = ['index.html', 'ide.html', 'dashboard.html', 'trace.html'] as const;
type PageName = (typeof PAGE_FILES)[number];

/** One example operation of docs/examples/<role>/<name>.graphql. */
export interface ExampleOperation {
  role: string;
  name: string;
  /** The first comment line. */
  title: string;
  /** The comment lines after the first, joined. */
  description: string;
  /** Where it lives in the repository, such as docs/examples/operator/submit-feedback.graphql. */
  path: string;
  query: string;
}

interface ServedFile {
  body: Buffer;
  contentType: string;
  fingerprint: string;
}

const served = (body: Buffer, extension: string): ServedFile => ({
  body,
  contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
  fingerprint: createHash('sha256').update(body).digest('hex').slice(0, 16),
});

/** The example operations of docs/examples, by role then name; none when the folder is missing. */
export function readExamples(): ExampleOperation[] {
  const folder = join(DOCS_FOLDER, 'examples');
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => file.split(sep).join('/'))
    .sort()
    .map((file) => {
      const query = readFileSync(join(folder, file), 'utf8');
      const header: string[] = [];
      for (const line of query.split('\n')) {
        if (!line.startsWith('#')) break;
        header.push(line.replace(/^#\s?/, '').trim());
      }
      return {
        role: posix.dirname(file),
        name: posix.basename(file, '.graphql'),
        title: header[0] || file,
        description: header.slice(1).filter(Boolean).join(' '),
        path: `docs/examples/${file}`,
        query,
      };
    });
}

/**
 * The files of the web pages, read once at start-up. Pages name their assets
 * `/assets/<name>`; they are served rewritten to `/assets/<fingerprint>/<name>`,
 * so an asset can be cached for a year and still never be stale: its address
 * changes with its content. Pages themselves are revalidated on every visit.
 */
@Injectable()
export class WebFiles {
  private readonly assets = new Map<string, ServedFile>();
  private readonly pages = new Map<PageName, ServedFile>();
  private readonly docs = new Map<string, ServedFile>();
  private readonly examples: ServedFile;

  constructor() {
    for (const [name, source] of Object.entries(ASSET_SOURCES)) this.assets.set(name, served(readFileSync(source()), extname(name)));
    for (const page of PAGE_FILES) {
      const html = readFileSync(join(PAGES_FOLDER, page), 'utf8').replace(/\/assets\/([\w.-]+)/g, (_match, name: string) => {
        const asset = this.assets.get(name);
        if (!asset) throw new Error(`The page ${page} loads /assets/${name}, which is not in the list of served assets.`);
        return `/assets/${asset.fingerprint}/${name}`;
      });
      this.pages.set(page, served(Buffer.from(html), '.html'));
    }
    for (const doc of SERVED_DOCS) {
      const path = join(DOCS_FOLDER, doc);
      if (existsSync(path)) this.docs.set(doc, served(readFileSync(path), '.md'));
    }
    this.examples = served(Buffer.from(JSON.stringify(readExamples())), '.json');
  }

  sendPage(page: PageName, request: IncomingMessage, response: ServerResponse): void {
    this.send(this.pages.get(page)!, REVALIDATE, request, response, { 'Content-Security-Policy': CONTENT_SECURITY_POLICY });
  }

  /**
   * An asset by name. With the fingerprint of its current content it may be
   * cached for good; an old fingerprint (a page cached before an upgrade) or
   * none gets the current content, to be revalidated next time.
   */
  sendAsset(name: string, fingerprint: string | null, request: IncomingMessage, response: ServerResponse): boolean {
    const asset = this.assets.get(name);
    if (!asset) return false;
    this.send(asset, fingerprint === asset.fingerprint ? IMMUTABLE : REVALIDATE, request, response);
    return true;
  }

  sendDoc(name: string, request: IncomingMessage, response: ServerResponse): boolean {
    const doc = this.docs.get(name);
    if (!doc) return false;
    this.send(doc, REVALIDATE, request, response);
    return true;
  }

  sendExamples(request: IncomingMessage, response: ServerResponse): void {
    this.send(this.examples, REVALIDATE, request, response);
  }

  private send(file: ServedFile, cacheControl: string, request: IncomingMessage, response: ServerResponse, headers: Record<string, string> = {}): void {
    const etag = `"${file.fingerprint}"`;
    const common = { 'Cache-Control': cacheControl, ETag: etag, 'X-Content-Type-Options': 'nosniff', ...headers };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, common).end();
      return;
    }
    response.writeHead(200, { ...common, 'Content-Type': file.contentType, 'Content-Length': String(file.body.length) }).end(file.body);
  }
}
