import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AdminBootstrap } from './actors/admin-bootstrap';
import { AppModule, GRAPHQL_PATH } from './app.module';
import { ConfigError, loadConfig } from './config/config';

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
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: false });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.log(`GraphQL on http://${host}:${config.port}${GRAPHQL_PATH}`);
  const advice = await app.get(AdminBootstrap).firstStartAdvice();
  if (advice) logger.warn(advice);
}

bootstrap().catch((error: unknown) => {
  new Logger('Looptrace').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
