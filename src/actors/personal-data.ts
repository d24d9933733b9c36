import { Actor } from './actor.entity';
import { Role } from './role';

/** The command line runs on the machine that holds the database, with its rights: it reads every person's data. */
export const COMMAND_LINE = 'command line';

/** Whoever reads a person's data: the actor of a request or of a socket, or the command line. */
export type PersonalDataReader = Pick<Actor, 'id' | 'role'> | typeof COMMAND_LINE;

/** Roles that see everyone's email: product managers answer the people who asked; admins manage the actors. */
const READ_EVERY_EMAIL: readonly Role[] = [Role.PRODUCT_MANAGER, Role.ADMIN];

/**
 * An email address is personal data. Each person sees their own, product
 * managers and admins see everyone's; for anyone else it is null. Everywhere
 * an email leaves the service towards a person (Actor.email, the exports)
 * goes through here.
 */
export function emailSeenBy(reader: PersonalDataReader, person: Pick<Actor, 'id' | 'email'>): string | null {
  if (reader === COMMAND_LINE || reader.id === person.id || READ_EVERY_EMAIL.includes(reader.role)) return person.email;
  return null;
}

/** A person as a payload leaving the service names them: as everyone sees them in the API, never by email or internal id. */
export interface PublicPerson {
  name: string;
  role: Role;
  organization: string | null;
}

export function publicPerson(person: Pick<Actor, 'name' | 'role' | 'organization'>): PublicPerson {
  return { name: person.name, role: person.role, organization: person.organization };
}
