import { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, Reflector } from '@nestjs/core';
import { RESOLVER_NAME_METADATA, RESOLVER_PROPERTY_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { buildSchema, GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { Allow, ALLOWED_ROLES, ANY_ROLE } from './common/access';
import { Role } from './common/role';
import { loadConfig } from './config/config';

type ModuleEntry = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** Every class the application registers as a provider, reached as Nest reaches them: through the imports of every module. */
function providerClasses(root: ModuleEntry): Set<Function> {
  const visited = new Set<unknown>();
  const classes = new Set<Function>();
  const visit = (entry: ModuleEntry) => {
    if (entry instanceof Promise) throw new Error('A module imported asynchronously: its declarations cannot be read without starting the application.');
    const module = 'forwardRef' in entry ? entry.forwardRef() : entry;
    if (visited.has(module)) return;
    visited.add(module);
    const [type, dynamic] = 'module' in module ? [module.module, module] : [module, {} as Partial<DynamicModule>];
    const declared = (key: string) => Reflect.getMetadata(key, type) ?? [];
    for (const provider of [...declared(MODULE_METADATA.PROVIDERS), ...(dynamic.providers ?? [])]) {
      const providerClass = typeof provider === 'function' ? provider : provider.useClass;
      if (providerClass) classes.add(providerClass);
    }
    [...declared(MODULE_METADATA.IMPORTS), ...(dynamic.imports ?? [])].forEach(visit);
  };
  visit(root);
  return classes;
}

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

/** ADMIN passes everywhere, so naming it changes nothing: the list shows whom each operation is open to besides the admins. */
function accessOf(allowed: readonly string[] | undefined): string {
  if (allowed?.includes(ANY_ROLE)) return 'any role';
  const roles = (allowed ?? []).filter((role) => role !== Role.ADMIN).sort();
  return roles.length ? roles.join(', ') : '(admin only)';
}

interface Declaration {
  /** As the schema names it: `Query.loops`, `Actor.email`. */
  field: string;
  access: string;
}

/**
 * The access of every operation as the auth guard reads it (the method's
 * @Allow, else its class's), and of every resolved field that carries an
 * @Allow of its own.
 */
function declarationsOf(resolver: Function): Declaration[] {
  const reflector = new Reflector();
  return new MetadataScanner().getAllMethodNames(resolver.prototype).flatMap((methodName) => {
    const method = resolver.prototype[methodName];
    const field = Reflect.getMetadata(RESOLVER_NAME_METADATA, method) ?? methodName;
    const operationType = Reflect.getMetadata(RESOLVER_TYPE_METADATA, method);
    if (ROOT_TYPES.includes(operationType)) {
      return [{ field: `${operationType}.${field}`, access: accessOf(reflector.getAllAndOverride(ALLOWED_ROLES, [method, resolver])) }];
    }
    const ownAllowed = Reflect.getMetadata(ALLOWED_ROLES, method);
    if (Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, method) && ownAllowed) {
      return [{ field: `${Reflect.getMetadata(RESOLVER_TYPE_METADATA, resolver)}.${field}`, access: accessOf(ownAllowed) }];
    }
    return [];
  });
}

describe('access declarations', () => {
  const declarations = [...providerClasses(AppModule.forRoot(loadConfig({})))].flatMap(declarationsOf);
  const schema = buildSchema(readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8'));

  it('are, for every operation, what the review last agreed (update the snapshot only with a change of access)', () => {
    const lines = declarations.map(({ field, access }) => `${field}: ${access}`).sort();
    expect(lines.join('\n')).toMatchSnapshot();
  });

  const fieldsOf = (type: string) => (schema.getType(type) as GraphQLObjectType | undefined)?.getFields() ?? {};

  it('cover every root field of schema.gql, once', () => {
    const rootFields = ROOT_TYPES.flatMap((type) => Object.keys(fieldsOf(type)).map((field) => `${type}.${field}`));
    const declared = declarations.map(({ field }) => field).filter((field) => ROOT_TYPES.includes(field.split('.')[0]));
    expect(declared.sort()).toEqual(rootFields.sort());
  });

  it('name only fields that schema.gql has', () => {
    const unknown = declarations.map(({ field }) => field).filter((path) => {
      const [type, field] = path.split('.');
      return !fieldsOf(type)[field];
    });
    expect(unknown).toEqual([]);
  });

  it('name only roles, or any role on its own', () => {
    // The compiler checks these lines (npm run typecheck): it fails as soon as one of them compiles.
    // @ts-expect-error a role is a Role, not its name
    Allow('PRODUCT_MANAGER');
    // @ts-expect-error there is no such role
    Allow('GOD');
    // @ts-expect-error a method open to nobody goes without @Allow
    Allow();
    // @ts-expect-error any role already includes every role
    Allow(ANY_ROLE, Role.USER);
  });
});
