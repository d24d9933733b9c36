import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { parseArgs } from 'node:util';
import { ActorsService } from '../actors/actors.service';
import { Role } from '../actors/role';
import { AppModule } from '../app.module';
import { ConfigError, loadConfig } from '../config/config';
import { CoreModule } from '../core.module';
import { LoopsService } from '../loops/loops.service';

const USAGE = `Usage: npm run cli -- <command>

  token create --email <email> --role <${Object.values(Role).join('|')}> [--name <name>] [--organization <org>] [--label <label>]
      Creates the actor if new, issues a token and prints the secret (shown once).
  schema print
      Prints the GraphQL schema (SDL), as committed in schema.gql.
  stages check
      Recomputes the stage of every loop from scratch and reports any that differ from the stored one.
`;

async function tokenCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, organization: { type: 'string' }, label: { type: 'string' } },
  });
  if (!values.email || !values.role || !Object.values(Role).includes(values.role as Role)) {
    throw new UsageError(`token create needs --email and --role (${Object.values(Role).join(', ')})`);
  }
  const app = await NestFactory.createApplicationContext(CoreModule.forRoot(loadConfig()), { logger: ['error', 'warn'] });
  try {
    const actors = app.get(ActorsService);
    const actor = await actors.findOrCreate({
      email: values.email,
      role: values.role as Role,
      name: values.name ?? values.email.split('@')[0],
      organization: values.organization ?? null,
    });
    const { token } = await actors.issueToken(null, actor.email, values.label ?? 'command line');
    process.stdout.write(`Token for ${actor.email} (${actor.role}); it is shown only now:\n${token}\n`);
  } finally {
    await app.close();
  }
}

async function schemaPrint(): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot({ ...loadConfig(), database: { engine: 'sqlite', path: ':memory:' } }), {
    logger: ['error'],
  });
  await app.init();
  process.stdout.write(printSchema(app.get(GraphQLSchemaHost).schema) + '\n');
  await app.close();
}

async function stagesCheck(): Promise<void> {
  
  const app = await NestFactory.createApplicationContext(CoreModule.forRoot(loadConfig()), { logger: ['error', 'warn'] });
  try {
    const mismatches = await app.get(LoopsService).findStageMismatches();
    mismatches.forEach((m) => process.stdout.write(`${m.key} ${m.field}: stored ${m.stored}, derived ${m.derived}\n`));
    process.stdout.write(mismatches.length ? `${mismatches.length} loops differ\n` : 'Every stored stage matches its facts.\n');
    if (mismatches.length) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (command === 'token' && sub === 'create') return tokenCreate(rest);
  if (command === 'schema' && sub === 'print') return schemaPrint();
  if (command === 'stages' && sub === 'check') return stagesCheck();
  throw new UsageError(command ? `Unknown command: ${argv.join(' ')}` : 'No command given');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
  } else if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    new Logger('cli').error(error instanceof Error ? error.message : String(error));
  }
  process.exitCode = process.exitCode || 1;
});
