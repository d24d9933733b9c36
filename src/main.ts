import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AdminBootstrap } from './actors/admin-bootstrap';
import { AppModule, configureHttp, GRAPHQL_PATH } from './app.module';
import { ConfigError, loadConfig, LooptraceConfig } from './config/config';
import { limitHeapGrowth } from './heap-growth';
import { startupProblem } from './startup-problem';
import { DASHBOARD_PATH, IDE_PATH } from './web/web.controller';

async function bootstrap(config: LooptraceConfig): Promise<void> {
  const logger = new Logger('Looptrace');
  // Nest's messages wait for the service's own logger; a start-up that fails says why once, below, without them.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger: false, bufferLogs: true, abortOnError: false });
  configureHttp(app);
  app.enableShutdownHooks();
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const origin = `http://${host}:${config.port}`;
  logger.log(`Started: GraphQL on ${origin}${GRAPHQL_PATH}`);
  logger.log(`IDE on ${origin}${IDE_PATH}, dashboard on ${origin}${DASHBOARD_PATH}, health on ${origin}/health/ready, metrics on ${origin}/metrics`);
  const advice = await app.get(AdminBootstrap).firstStartAdvice();
  if (advice) logger.warn(advice);
}

/** A start-up that cannot succeed says why in one line, naming the setting to change, and exits. */
function fail(error: unknown): never {
  const problem = startupProblem(error, config);
  process.stderr.write(`Looptrace cannot start: ${problem}\n`);
  process.exit(1);
}

let config: LooptraceConfig;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Looptrace cannot start: ${error.message}\n`);
  process.exit(1);
}
limitHeapGrowth();
bootstrap(config).catch(fail);
