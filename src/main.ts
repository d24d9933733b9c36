import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AdminBootstrap } from './actors/admin-bootstrap';
import { AppModule, configureHttp, GRAPHQL_PATH } from './app.module';
import { ConfigError, loadConfig } from './config/config';
import { DASHBOARD_PATH, IDE_PATH } from './web/web.controller';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Looptrace');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.error(error.message);
    process.exit(1);
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: false });
  configureHttp(app);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const origin = `http://${host}:${config.port}`;
  logger.log(`GraphQL on ${origin}${GRAPHQL_PATH}`);
  logger.log(`IDE on ${origin}${IDE_PATH}, dashboard on ${origin}${DASHBOARD_PATH}`);
  const advice = await app.get(AdminBootstrap).firstStartAdvice();
  if (advice) logger.warn(advice);
}

bootstrap().catch((error: unknown) => {
  new Logger('Looptrace').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
