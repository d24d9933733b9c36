import { FeedbackItem } from '../feedback/feedback-item.entity';
import { Resolution, Verdict } from '../feedback/feedback.enums';
import { closureOf, perProject, verificationOf } from './loop-view';

const item = (fields: Partial<FeedbackItem>) => Object.assign(new FeedbackItem(), { id: 1, submitterId: 7, createdAt: new Date('2026-01-01T00:00:00Z'), ...fields });

describe('loop readings shared by the trace views', () => {
  it('groups answers per project in name order; a project is delivered when every counted blueprint is', () => {
    const answers = [
      { project: 'nova', name: 'a', counts: true, delivered: true },
      { project: 'cinder', name: 'b', counts: true, delivered: false },
      { project: 'nova', name: 'c', counts: false, delivered: false },
      { project: 'glance', name: 'd', counts: false, delivered: false },
    ];
    expect(perProject(answers, (answer) => answer.project).map(({ project, blueprints, delivered }) => [project, blueprints.map((b) => b.name), delivered])).toEqual([
      ['cinder', ['b'], false],
      ['glance', ['d'], false],
      ['nova', ['a', 'c'], true],
    ]);
  });

  it('has a closure and a verification only once they were given', () => {
    const closedAt = new Date('2026-02-01T00:00:00Z');
    expect(closureOf(item({ resolution: null, closedAt: null }))).toBeNull();
    expect(closureOf(item({ resolution: Resolution.DELIVERED, resolutionNote: 'done', closedAt, closedById: 3 }))).toEqual({
      resolution: Resolution.DELIVERED,
      note: 'done',
      closedAt,
      closedById: 3,
    });
    expect(verificationOf(item({ verdict: null, verifiedAt: null }))).toBeNull();
    expect(verificationOf(item({ verdict: Verdict.CONFIRMED, verdictNote: null, verifiedAt: closedAt }))).toEqual({
      verdict: Verdict.CONFIRMED,
      note: null,
      verifiedAt: closedAt,
      verifiedById: 7,
    });
  });
});
