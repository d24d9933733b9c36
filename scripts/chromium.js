// Debian's Chromium driven by playwright-core, for the browser tests and the
// screenshots: playwright-core never downloads a browser, and every request a
// page makes must stay on this machine.
const { chromium } = require('playwright-core');

const CHROMIUM = '/usr/bin/chromium';

/** Quiet flags: no sync, no component or field-trial downloads, nothing that phones home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Starts Chromium headless; playwright-core gives each launch a fresh, temporary user-data-dir. */
function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A new browser context in which every request and WebSocket is routed: those
 * for this machine go through, any other is stopped before it is sent and its
 * address kept in `escaped`.
 */
async function localOnlyContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, serviceWorkers: 'block', ...options });
  const escaped = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
    escaped.push(url.href);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(
    (url) => !LOCAL_HOSTS.has(url.hostname),
    (socket) => {
      escaped.push(socket.url());
      return socket.close();
    },
  );
  return { context, escaped };
}

module.exports = { CHROMIUM, CHROMIUM_ARGS, launchChromium, localOnlyContext };
