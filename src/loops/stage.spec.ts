import { DefinitionStatus, ImplementationStatus } from '../blueprints/blueprint.enums';
import { LoopStage, Resolution, Verdict } from '../feedback/feedback.enums';
import { OutcomeResult } from '../outcomes/outcome.enums';
import { BlueprintFact, deriveStage, isStarted, LoopFacts } from './stage';

const PIKE = { releaseId: 1, release: 'Pike', sequence: 16 };
const QUEENS = { releaseId: 2, release: 'Queens', sequence: 17 };

function blueprint(overrides: Partial<BlueprintFact> = {}): BlueprintFact {
  return {
    id: 1,
    project: 'nova',
    name: 'maintenance-mode',
    definitionStatus: DefinitionStatus.APPROVED,
    implementationStatus: ImplementationStatus.NOT_STARTED,
    targetRelease: 'Pike',
    outcomes: [],
    ...overrides,
  };
}

function facts(overrides: Partial<LoopFacts> = {}): LoopFacts {
  return { triaged: false, themeKeys: [], blueprints: [], resolution: null, verdict: null, ...overrides };
}

const delivered = (release = PIKE) => [{ ...release, result: OutcomeResult.DELIVERED }];

describe('the stage engine', () => {
  it('REQUESTED: submitted, nobody has triaged it', () => {
    expect(deriveStage(facts())).toEqual({ stage: LoopStage.REQUESTED, waitingOn: ['a product manager to triage it'], completedInReleaseId: null });
  });

  it('TRIAGED: a product manager accepted it', () => {
    expect(deriveStage(facts({ triaged: true })).stage).toBe(LoopStage.TRIAGED);
  });

  it('THEMED: linked to at least one theme, triaged or not', () => {
    const verdict = deriveStage(facts({ themeKeys: ['TH-2', 'TH-1'] }));
    expect(verdict.stage).toBe(LoopStage.THEMED);
    expect(verdict.waitingOn).toEqual(['a blueprint answering it or its themes (TH-1, TH-2)']);
  });

  it('PLANNED: a blueprint answers it and none has started', () => {
    const verdict = deriveStage(facts({ themeKeys: ['TH-1'], blueprints: [blueprint()] }));
    expect(verdict).toEqual({
      stage: LoopStage.PLANNED,
      waitingOn: ['nova blueprint maintenance-mode not started, target Pike'],
      completedInReleaseId: null,
    });
  });

  it('PLANNED counts a direct blueprint link without any theme or triage', () => {
    expect(deriveStage(facts({ blueprints: [blueprint()] })).stage).toBe(LoopStage.PLANNED);
  });

  it.each([
    ImplementationStatus.UNKNOWN,
    ImplementationStatus.NOT_STARTED,
    ImplementationStatus.DEFERRED,
    ImplementationStatus.NEEDS_INFRASTRUCTURE,
    ImplementationStatus.BLOCKED,
  ])('%s is not started', (status) => {
    expect(isStarted(status)).toBe(false);
    expect(deriveStage(facts({ blueprints: [blueprint({ implementationStatus: status })] })).stage).toBe(LoopStage.PLANNED);
  });

  it.each([
    ImplementationStatus.STARTED,
    ImplementationStatus.SLOW_PROGRESS,
    ImplementationStatus.GOOD_PROGRESS,
    ImplementationStatus.BETA_AVAILABLE,
    ImplementationStatus.NEEDS_CODE_REVIEW,
    ImplementationStatus.DEPLOYMENT,
    ImplementationStatus.IMPLEMENTED,
  ])('%s is started: IN_DEVELOPMENT', (status) => {
    expect(isStarted(status)).toBe(true);
    expect(deriveStage(facts({ blueprints: [blueprint({ implementationStatus: status })] })).stage).toBe(LoopStage.IN_DEVELOPMENT);
  });

  it('IN_DEVELOPMENT while one project delivered and another has not: cross-project work is done when every project delivered', () => {
    const verdict = deriveStage(
      facts({
        blueprints: [
          blueprint({ outcomes: delivered() }),
          blueprint({ id: 2, project: 'neutron', name: 'rolling-upgrade', targetRelease: 'Queens' }),
        ],
      }),
    );
    expect(verdict.stage).toBe(LoopStage.IN_DEVELOPMENT);
    expect(verdict.waitingOn).toEqual(['neutron blueprint rolling-upgrade not started, target Queens']);
  });

  it('a PARTIAL outcome does not count as delivered', () => {
    const partial = deriveStage(facts({ blueprints: [blueprint({ outcomes: [{ ...PIKE, result: OutcomeResult.PARTIAL }] })] }));
    expect(partial.stage).toBe(LoopStage.IN_DEVELOPMENT);
    expect(partial.waitingOn).toEqual(['nova blueprint maintenance-mode not started, target Pike; partial in Pike']);
  });

  it('DEFERRED and DROPPED outcomes do not move the loop', () => {
    const outcomes = [
      { ...PIKE, result: OutcomeResult.DEFERRED },
      { ...QUEENS, result: OutcomeResult.DROPPED },
    ];
    expect(deriveStage(facts({ blueprints: [blueprint({ outcomes })] })).stage).toBe(LoopStage.PLANNED);
  });

  it('an implemented blueprint without a DELIVERED outcome is still in development', () => {
    const verdict = deriveStage(facts({ blueprints: [blueprint({ implementationStatus: ImplementationStatus.IMPLEMENTED })] }));
    expect(verdict.stage).toBe(LoopStage.IN_DEVELOPMENT);
    expect(verdict.waitingOn).toEqual(['nova blueprint maintenance-mode implemented, no release has delivered it yet, target Pike']);
  });

  it('RELEASED when every blueprint has a DELIVERED outcome; the last delivery completes it', () => {
    const verdict = deriveStage(
      facts({
        blueprints: [blueprint({ outcomes: delivered(PIKE) }), blueprint({ id: 2, project: 'neutron', name: 'x', outcomes: delivered(QUEENS) })],
      }),
    );
    expect(verdict).toEqual({ stage: LoopStage.RELEASED, waitingOn: ['a product manager to close it'], completedInReleaseId: QUEENS.releaseId });
  });

  it('a blueprint delivered in two releases counts its first delivery', () => {
    const verdict = deriveStage(facts({ blueprints: [blueprint({ outcomes: [...delivered(QUEENS), ...delivered(PIKE)] })] }));
    expect(verdict.completedInReleaseId).toBe(PIKE.releaseId);
  });

  it.each([DefinitionStatus.OBSOLETE, DefinitionStatus.SUPERSEDED])('ignores %s blueprints when deciding RELEASED', (status) => {
    const verdict = deriveStage(
      facts({ blueprints: [blueprint({ outcomes: delivered() }), blueprint({ id: 2, name: 'old-idea', definitionStatus: status })] }),
    );
    expect(verdict.stage).toBe(LoopStage.RELEASED);
  });

  it('a loop whose blueprints are all obsolete is not released: it falls back to its themes', () => {
    const verdict = deriveStage(facts({ themeKeys: ['TH-1'], blueprints: [blueprint({ definitionStatus: DefinitionStatus.OBSOLETE })] }));
    expect(verdict.stage).toBe(LoopStage.THEMED);
    expect(verdict.waitingOn).toContain('its blueprints are all obsolete or superseded');
  });

  it('CLOSED whatever the links say, once a product manager closed it', () => {
    for (const resolution of Object.values(Resolution)) {
      expect(deriveStage(facts({ resolution })).stage).toBe(LoopStage.CLOSED);
    }
  });

  it('a DELIVERED closure waits on the submitter until they answer', () => {
    expect(deriveStage(facts({ resolution: Resolution.DELIVERED })).waitingOn).toEqual(['the submitter to confirm or dispute the closure']);
    expect(deriveStage(facts({ resolution: Resolution.DELIVERED, verdict: Verdict.CONFIRMED })).waitingOn).toEqual([]);
    expect(deriveStage(facts({ resolution: Resolution.DECLINED })).waitingOn).toEqual([]);
  });

  it('reopening (no closure in force) derives the stage from the links again', () => {
    expect(deriveStage(facts({ verdict: Verdict.DISPUTED, blueprints: [blueprint({ outcomes: delivered() })] })).stage).toBe(
      LoopStage.RELEASED,
    );
  });
});
