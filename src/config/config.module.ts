import { DynamicModule, Global, Module } from '@nestjs/common';
import { CONFIG, LooptraceConfig, loadConfig } from './config';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: LooptraceConfig = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: CONFIG, useValue: config }],
      exports: [CONFIG],
    };
  }
}
