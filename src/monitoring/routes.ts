/** The route a path belongs to, for the metrics: a few fixed names, so that keys and file names do not make new series. */
export function routeOf(path: string): string {
  const clean = path.split('?')[0];
  if (['/graphql', '/imports', '/health/live', '/health/ready', '/metrics', '/', '/ide', '/dashboard'].includes(clean)) return clean;
  if (clean.startsWith('/ide/')) return '/ide/*';
  if (clean.startsWith('/loops/')) return '/loops/:key';
  if (clean.startsWith('/assets/')) return '/assets/*';
  if (clean.startsWith('/docs/')) return '/docs/*';
  return '(other)';
}
