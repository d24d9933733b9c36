import { registerEnumType } from '@nestjs/graphql';

export enum FeedbackOrigin {
  USER = 'USER',
  OPERATOR = 'OPERATOR',
}

/** The stages of a loop, in the order a loop moves through them (see the stage engine in loops/). */
export enum LoopStage {
  REQUESTED = 'REQUESTED',
  TRIAGED = 'TRIAGED',
  THEMED = 'THEMED',
  PLANNED = 'PLANNED',
  IN_DEVELOPMENT = 'IN_DEVELOPMENT',
  RELEASED = 'RELEASED',
  CLOSED = 'CLOSED',
}

export const LOOP_STAGES: readonly LoopStage[] = Object.values(LoopStage);

export enum Resolution {
  DELIVERED = 'DELIVERED',
  DECLINED = 'DECLINED',
  DUPLICATE = 'DUPLICATE',
  OUT_OF_SCOPE = 'OUT_OF_SCOPE',
  OBSOLETE = 'OBSOLETE',
}

export enum Verdict {
  CONFIRMED = 'CONFIRMED',
  DISPUTED = 'DISPUTED',
}

registerEnumType(FeedbackOrigin, { name: 'FeedbackOrigin', description: 'Who reported it: a cloud user or an operator.' });
registerEnumType(LoopStage, {
  name: 'LoopStage',
  description: 'Where a loop stands. Derived from its links and outcomes, except the explicit closure.',
  valuesMap: {
    REQUESTED: { description: 'Submitted; nobody has triaged it.' },
    TRIAGED: { description: 'A product manager accepted it for consideration.' },
    THEMED: { description: 'Linked to at least one roadmap theme.' },
    PLANNED: { description: 'At least one blueprint answers it; none started yet.' },
    IN_DEVELOPMENT: { description: 'A blueprint answering it is started, or some are delivered and others not yet.' },
    RELEASED: { description: 'Every blueprint answering it (ignoring obsolete and superseded ones) was delivered in a release.' },
    CLOSED: { description: 'A product manager closed it with a resolution.' },
  },
});
registerEnumType(Resolution, { name: 'Resolution', description: 'Why a loop was closed.' });
registerEnumType(Verdict, { name: 'Verdict', description: "The requester's answer to a closure." });
