import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, LooptraceConfig } from '../config/config';
import { ActorsService } from './actors.service';

/** ADMIN_TOKEN at start-up: make sure an admin holding that token exists. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Looptrace');

  constructor(
    @Inject(CONFIG) private readonly config: LooptraceConfig,
    private readonly actors: ActorsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.adminToken) return;
    const admin = await this.actors.ensureAdminToken(this.config.adminToken);
    this.logger.log(`ADMIN_TOKEN belongs to ${admin.email}`);
  }

  /** What to tell whoever starts a service that nobody can use yet. */
  async firstStartAdvice(): Promise<string | null> {
    if (this.config.adminToken || (await this.actors.count()) > 0) return null;
    return [
      'No actors yet, so nobody can call the API. Either restart with ADMIN_TOKEN=<a secret of 16+ characters>,',
      'or mint an admin token now:  npm run cli -- token create --email you@example.org --role ADMIN --name "Your Name"',
    ].join('\n');
  }
}
