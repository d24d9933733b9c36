import { registerEnumType } from '@nestjs/graphql';

/** Launchpad's vocabularies, so that imported data maps one to one. */
export enum DefinitionStatus {
  NEW = 'NEW',
  DISCUSSION = 'DISCUSSION',
  DRAFTING = 'DRAFTING',
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  REVIEW = 'REVIEW',
  APPROVED = 'APPROVED',
  OBSOLETE = 'OBSOLETE',
  SUPERSEDED = 'SUPERSEDED',
}

export enum ImplementationStatus {
  UNKNOWN = 'UNKNOWN',
  NOT_STARTED = 'NOT_STARTED',
  DEFERRED = 'DEFERRED',
  NEEDS_INFRASTRUCTURE = 'NEEDS_INFRASTRUCTURE',
  BLOCKED = 'BLOCKED',
  STARTED = 'STARTED',
  SLOW_PROGRESS = 'SLOW_PROGRESS',
  GOOD_PROGRESS = 'GOOD_PROGRESS',
  BETA_AVAILABLE = 'BETA_AVAILABLE',
  NEEDS_CODE_REVIEW = 'NEEDS_CODE_REVIEW',
  DEPLOYMENT = 'DEPLOYMENT',
  IMPLEMENTED = 'IMPLEMENTED',
}

export enum BlueprintPriority {
  UNDEFINED = 'UNDEFINED',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  ESSENTIAL = 'ESSENTIAL',
}

registerEnumType(DefinitionStatus, { name: 'DefinitionStatus' });
registerEnumType(ImplementationStatus, {
  name: 'ImplementationStatus',
  description: 'As on Launchpad: the first five mean work has not started, STARTED and after mean it has.',
});
registerEnumType(BlueprintPriority, { name: 'BlueprintPriority' });
