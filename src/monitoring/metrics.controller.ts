import { Controller, Get, Header, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { CONFIG, LooptraceConfig } from '../config/config';
import { Metrics } from './metrics';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GET /metrics in Prometheus's text format; with METRICS_TOKEN set, only for a scraper that sends it as a bearer token. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: LooptraceConfig,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    const token = this.config.observability.metricsToken;
    if (token) {
      const given = BEARER.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !sameSecret(given, token)) throw new UnauthorizedException('Send METRICS_TOKEN as "Authorization: Bearer <token>".');
    }
    response.setHeader('Content-Type', this.metrics.contentType);
    response.send(await this.metrics.text());
  }
}
