/**
 * The key of a user story, shared by its proposal and its tracker so that
 * both build one theme.
 */
export const userStoryKey = (slug: string) => `pwg:user-story:${slug}`;

/** A name as it appears in URLs and file names: rolling-upgrades. */
export function slugOf(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
}

/** The last segment of a path or address, without its extension: …/rolling-upgrades.rst → rolling-upgrades. */
export function baseNameOf(pathOrUrl: string): string {
  let path = pathOrUrl.trim();
  try {
    path = new URL(path).pathname;
  } catch {
    // a plain path or name
  }
  const last = path.split(/[\\/]/).filter(Boolean).pop() ?? '';
  return last.replace(/\.(rst|txt|md|json|ya?ml|html?)$/i, '');
}

/** The value as an http(s) address, or null when it is not one. */
export function httpUrl(value: string): string | null {
  const text = value.trim();
  if (!/^https?:\/\/\S+$/i.test(text)) return null;
  try {
    const url = new URL(text);
    return url.hostname ? text : null;
  } catch {
    return null;
  }
}

/** What authors write when they have nothing to say yet, including the template's $placeholders. */
export function saysNothing(value: string): boolean {
  return /^(|none\.?|n\/?a\.?|tbd\.?|tbc\.?|todo\.?|wip\.?|null|-+|\$\w*)$/i.test(value.trim());
}

/** "service-version-number" → "Service version number". */
export function humanise(name: string): string {
  const words = name.replace(/[-_.+]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Cuts text to at most max characters, at a word where one is near, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
