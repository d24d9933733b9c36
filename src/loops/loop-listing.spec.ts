import { listingScopesOf } from './loop-listing';

describe('listingScopesOf', () => {
  const facts = { projects: ['Nova', 'cinder', 'nova'], themeIds: [4, 1], touchedReleaseIds: [7, 7, 9], completedInReleaseId: null as number | null };

  it('lists a loop under each project, theme and release of its slices, and its named projects and tags, each once', () => {
    expect(listingScopesOf(facts, { projects: ['nova'], tags: ['#Upgrades', 'upgrades', 'gpu'] })).toEqual([
      'project:nova',
      'project:cinder',
      'named:nova',
      'tag:upgrades',
      'tag:gpu',
      'theme:4',
      'theme:1',
      'release:7',
      'release:9',
    ]);
  });

  it('lists a loop under the release that completed it, though no blueprint answering it targets that release', () => {
    expect(listingScopesOf({ ...facts, touchedReleaseIds: [], completedInReleaseId: 3 }, { projects: [], tags: [] })).toEqual([
      'project:nova',
      'project:cinder',
      'theme:4',
      'theme:1',
      'release:3',
    ]);
  });

  it('lists a loop with no facets, themes or blueprints nowhere', () => {
    expect(listingScopesOf({ projects: [], themeIds: [], touchedReleaseIds: [], completedInReleaseId: null }, { projects: [], tags: [] })).toEqual([]);
  });
});
