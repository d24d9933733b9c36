import { registerEnumType } from '@nestjs/graphql';

/** Broadest first: a theme's parent must be of a broader kind, which keeps the tree shallow and acyclic. */
export enum ThemeKind {
  THEME = 'THEME',
  EPIC = 'EPIC',
  USER_STORY = 'USER_STORY',
  GAP = 'GAP',
}

export const THEME_KIND_RANK: Record<ThemeKind, number> = {
  [ThemeKind.THEME]: 0,
  [ThemeKind.EPIC]: 1,
  [ThemeKind.USER_STORY]: 2,
  [ThemeKind.GAP]: 3,
};

export enum ThemeStatus {
  PROPOSED = 'PROPOSED',
  ACCEPTED = 'ACCEPTED',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  ARCHIVED = 'ARCHIVED',
}

registerEnumType(ThemeKind, {
  name: 'ThemeKind',
  description: 'THEME > EPIC > USER_STORY > GAP; a parent is always of a broader kind.',
});
registerEnumType(ThemeStatus, { name: 'ThemeStatus' });
