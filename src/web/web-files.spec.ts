import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageFolder, readExamples } from './web-files';

describe('packageFolder', () => {
  it('finds a package whose export map hides its browser build', () => {
    const folder = packageFolder('graphql-ws');
    expect(() => require.resolve('graphql-ws/umd/graphql-ws.min.js')).toThrow();
    expect(existsSync(join(folder, 'umd', 'graphql-ws.min.js'))).toBe(true);
  });

  it('names the package it cannot find', () => {
    expect(() => packageFolder('no-such-package-anywhere')).toThrow(/no-such-package-anywhere/);
  });
});

describe('readExamples', () => {
  it('takes the title and description from the comment lines the file starts with', () => {
    const example = readExamples().find((candidate) => candidate.path === 'docs/examples/product-manager/loop-health.graphql');
    expect(example).toMatchObject({ role: 'product-manager', name: 'loop-health', title: 'Loop health' });
    expect(example!.description).toMatch(/^The funnel, time in each stage/);
    expect(example!.query).toContain('loopHealth(filter: $filter)');
  });
});
