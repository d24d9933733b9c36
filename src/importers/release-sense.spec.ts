import { releaseSenseOf } from './release-sense';

describe('the release a spec address speaks of', () => {
  it('reads an implemented spec as delivered in its series', () => {
    expect(releaseSenseOf('http://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/service-version-number.html')).toEqual({
      targetRelease: 'Liberty',
      deliveredIn: 'Liberty',
      project: 'nova',
    });
  });

  it('reads an approved spec as aimed at its series', () => {
    expect(releaseSenseOf('https://specs.openstack.org/openstack/nova-specs/specs/mitaka/approved/centralize-config-options.html')).toEqual({
      targetRelease: 'Mitaka',
      project: 'nova',
    });
  });

  it('reads a spec filed straight under its series as aimed at it', () => {
    expect(releaseSenseOf('https://github.com/openstack/cinder-specs/blob/master/specs/kilo/cinder-objects.rst')).toEqual({
      targetRelease: 'Kilo',
      project: 'cinder',
    });
  });

  it('reads repository files the same as the published pages', () => {
    expect(releaseSenseOf('https://github.com/openstack/nova-specs/blob/master/specs/liberty/implemented/online-schema-changes.rst')).toEqual({
      targetRelease: 'Liberty',
      deliveredIn: 'Liberty',
      project: 'nova',
    });
    expect(releaseSenseOf('https://opendev.org/openstack/neutron-specs/src/branch/master/specs/newton/approved/qos.rst')?.targetRelease).toBe('Newton');
    expect(releaseSenseOf('http://git.openstack.org/cgit/openstack/nova-specs/tree/specs/ocata/implemented/cells.rst')?.deliveredIn).toBe('Ocata');
  });

  it('keeps numbered series as they are named', () => {
    expect(releaseSenseOf('https://specs.openstack.org/openstack/nova-specs/specs/2023.1/implemented/unified-limits.html')).toEqual({
      targetRelease: '2023.1',
      deliveredIn: '2023.1',
      project: 'nova',
    });
    expect(releaseSenseOf('https://specs.openstack.org/openstack/nova-specs/specs/2025.2/approved/x.html')?.targetRelease).toBe('2025.2');
  });

  it('finds the series behind a project folder', () => {
    expect(releaseSenseOf('https://specs.openstack.org/openstack/keystone-specs/specs/keystone/mitaka/implemented/online-schema-migration.html')).toEqual({
      targetRelease: 'Mitaka',
      deliveredIn: 'Mitaka',
      project: 'keystone',
    });
  });

  it('is indifferent to case and to a trailing slash or query', () => {
    expect(releaseSenseOf('HTTPS://specs.openstack.org/openstack/Nova-Specs/specs/Liberty/Implemented/x.html?highlight=1#section')).toEqual({
      targetRelease: 'Liberty',
      deliveredIn: 'Liberty',
      project: 'nova',
    });
  });

  it('does not name the project of a cross-project spec', () => {
    expect(releaseSenseOf('https://specs.openstack.org/openstack/openstack-specs/specs/liberty/no-downward-sql-migration.html')).toEqual({
      targetRelease: 'Liberty',
      project: null,
    });
  });

  it('reads a bare path as well as an address', () => {
    expect(releaseSenseOf('specs/juno/implemented/v3-api.rst')).toEqual({ targetRelease: 'Juno', deliveredIn: 'Juno', project: null });
  });

  it.each([
    'https://review.openstack.org/290977',
    'https://specs.openstack.org/openstack/nova-specs/specs/backlog/approved/x.html',
    'https://specs.openstack.org/openstack/nova-specs/specs/liberty',
    'https://specs.openstack.org/openstack/nova-specs/specs/juno-template.html',
    'https://example.org/liberty/implemented/x.html',
    'chronicles-of-a-dlm',
    '',
    '%%%',
  ])('finds no release in %j', (address) => {
    expect(releaseSenseOf(address)).toBeNull();
  });
});
