import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebFiles } from './web-files';

/**
 * A browser that opens the GraphQL endpoint itself gets the IDE; every other
 * request to it (GraphQL over GET, which asks for JSON) goes on to Apollo.
 */
@Injectable()
export class IdeForBrowsers implements NestMiddleware {
  constructor(private readonly files: WebFiles) {}

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    if (request.headers.accept?.includes('text/html')) this.files.sendPage('ide.html', request, response);
    else next();
  }
}
