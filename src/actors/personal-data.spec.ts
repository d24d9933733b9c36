import { Actor } from './actor.entity';
import { COMMAND_LINE, emailSeenBy, publicPerson } from './personal-data';
import { Role } from './role';

const olga = Object.assign(new Actor(), { id: 1, name: 'Olga', email: 'olga@example.org', role: Role.OPERATOR, organization: 'Example Cloud' });

describe('emailSeenBy', () => {
  it('shows an email to its owner, to product managers, to admins and to the command line', () => {
    expect(emailSeenBy({ id: 1, role: Role.OPERATOR }, olga)).toBe('olga@example.org');
    expect(emailSeenBy({ id: 2, role: Role.PRODUCT_MANAGER }, olga)).toBe('olga@example.org');
    expect(emailSeenBy({ id: 3, role: Role.ADMIN }, olga)).toBe('olga@example.org');
    expect(emailSeenBy(COMMAND_LINE, olga)).toBe('olga@example.org');
  });

  it('hides it from everyone else', () => {
    for (const role of [Role.USER, Role.OPERATOR, Role.TECH_LEAD]) expect(emailSeenBy({ id: 9, role }, olga)).toBeNull();
  });
});

describe('publicPerson', () => {
  it('names a person by name, role and organization only', () => {
    expect(publicPerson(olga)).toEqual({ name: 'Olga', role: Role.OPERATOR, organization: 'Example Cloud' });
  });
});
