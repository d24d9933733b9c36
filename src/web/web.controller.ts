import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebFiles } from './web-files';

export const IDE_PATH = '/ide';
export const DASHBOARD_PATH = '/dashboard';

/** The browser side of the service: a landing page, the GraphQL IDE, the loop dashboard and the trace of each loop. */
@Controller()
export class WebController {
  constructor(private readonly files: WebFiles) {}

  @Get()
  landing(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    this.files.sendPage('index.html', request, response);
  }

  @Get(IDE_PATH)
  ide(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    this.files.sendPage('ide.html', request, response);
  }

  /** The example operations of docs/examples, which the IDE offers. */
  @Get(`${IDE_PATH}/examples`)
  examples(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    this.files.sendExamples(request, response);
  }

  @Get(DASHBOARD_PATH)
  dashboard(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    this.files.sendPage('dashboard.html', request, response);
  }

  /** The trace page reads the key from its own address and asks the API for the loop with the viewer's token. */
  @Get('loops/:key')
  trace(@Param('key') key: string, @Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    if (!/^[A-Za-z]+-\d+$/.test(key)) throw new NotFoundException(`No loop has the key ${key}.`);
    this.files.sendPage('trace.html', request, response);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    if (!this.files.sendAsset(name, null, request, response)) throw new NotFoundException();
  }

  @Get('assets/:fingerprint/:name')
  fingerprintedAsset(
    @Param('fingerprint') fingerprint: string,
    @Param('name') name: string,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): void {
    if (!this.files.sendAsset(name, fingerprint, request, response)) throw new NotFoundException();
  }

  @Get('docs/:name')
  doc(@Param('name') name: string, @Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    if (!this.files.sendDoc(name, request, response)) throw new NotFoundException();
  }
}
