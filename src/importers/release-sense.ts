/**
 * The series OpenStack named before it numbered them (2023.1 on), in the
 * lower case spec repositories file them under.
 */
const NAMED_SERIES = [
  'austin', 'bexar', 'cactus', 'diablo', 'essex', 'folsom', 'grizzly', 'havana', 'icehouse', 'juno', 'kilo',
  'liberty', 'mitaka', 'newton', 'ocata', 'pike', 'queens', 'rocky', 'stein', 'train', 'ussuri', 'victoria',
  'wallaby', 'xena', 'yoga', 'zed',
];
const NUMBERED_SERIES = /^20\d\d\.[12]$/;

/** What a spec's address says about releases and about whose spec it is. */
export interface ReleaseSense {
  /** The series the spec is filed under, as the series is named (Liberty, 2023.1): the release it aims at. */
  targetRelease: string;
  /** Set when the spec sits in that series' implemented folder: the release delivered it. */
  deliveredIn?: string;
  /** The project whose spec repository holds it (nova for nova-specs); null when the address does not say. */
  project: string | null;
}

function seriesName(segment: string): string | null {
  if (NUMBERED_SERIES.test(segment)) return segment;
  return NAMED_SERIES.includes(segment) ? segment.charAt(0).toUpperCase() + segment.slice(1) : null;
}

function pathSegments(address: string): string[] {
  let path = address.trim();
  try {
    path = new URL(path).pathname;
  } catch {
    // not an absolute address: read it as a path
  }
  return path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment).toLowerCase();
      } catch {
        return segment.toLowerCase();
      }
    });
}

/**
 * Reads the release out of a spec's address, the way the spec repositories
 * file them: specs/<series>/implemented/… was delivered in that series,
 * specs/<series>/approved/… and specs/<series>/… aim at it. Works the same for
 * specs.openstack.org pages and for the repository files on GitHub or
 * OpenDev. Some repositories put the project between (specs/keystone/mitaka/…).
 * Null when the address names no series.
 */
export function releaseSenseOf(address: string): ReleaseSense | null {
  const segments = pathSegments(address);
  const repository = segments.find((segment) => segment.endsWith('-specs') && segment !== 'openstack-specs');
  const project = repository ? repository.slice(0, -'-specs'.length) : null;
  for (let index = 0; index < segments.length; index++) {
    if (segments[index] !== 'specs') continue;
    for (const at of [index + 1, index + 2]) {
      const release = at < segments.length - 1 ? seriesName(segments[at]) : null;
      if (!release) continue;
      const folder = segments[at + 1];
      return folder === 'implemented' ? { targetRelease: release, deliveredIn: release, project } : { targetRelease: release, project };
    }
  }
  return null;
}
