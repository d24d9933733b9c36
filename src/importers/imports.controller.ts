import { Controller, HttpCode, HttpException, HttpStatus, Post, Req, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { Actor } from '../actors/actor.entity';
import { Role } from '../actors/role';
import { refusalBody } from '../common/error-formatter';
import { BadUserInputError, DomainError, ErrorCode, ForbiddenError, UnauthenticatedError } from '../common/errors';
import { ImportJobs } from './import-jobs.service';

export const IMPORTS_PATH = '/imports';

/** The most files one upload may carry, as in importRecords. */
const MAX_FILES = 500;

const STATUS_OF: Partial<Record<string, HttpStatus>> = {
  [ErrorCode.BAD_USER_INPUT]: HttpStatus.BAD_REQUEST,
  [ErrorCode.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
};

/** An answer in the GraphQL error shape, so that a client handles one kind of error. */
function refusal(error: DomainError): HttpException {
  return new HttpException(refusalBody(error), STATUS_OF[error.code] ?? HttpStatus.INTERNAL_SERVER_ERROR);
}

interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

/**
 * Imports of files too large for a GraphQL request (GRAPHQL_BODY_LIMIT): a
 * multipart/form-data upload with the fields `format`, `dryRun` (true or
 * false) and the files under `files`, up to IMPORT_BODY_LIMIT in all. It
 * answers 202 with the queued job, which importJob and importJobProgress
 * then follow. Admins only, with the same bearer token as the API.
 */
@Controller(IMPORTS_PATH)
export class ImportsController {
  constructor(private readonly jobs: ImportJobs) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @UseInterceptors(FilesInterceptor('files', MAX_FILES))
  async upload(@Req() request: Request & { actor?: Actor }, @UploadedFiles() files: UploadedFile[] | undefined): Promise<{ job: object }> {
    const actor = request.actor;
    if (!actor) throw refusal(new UnauthenticatedError('Send an admin token as "Authorization: Bearer <token>".'));
    if (actor.role !== Role.ADMIN) throw refusal(new ForbiddenError(`Imports are for ADMIN; you are ${actor.role}.`));
    const fields = request.body as Record<string, unknown> | undefined;
    const problems = [
      typeof fields?.format !== 'string' ? { field: 'format', message: 'must name an import format, such as csv' } : null,
      fields?.dryRun !== undefined && !['true', 'false'].includes(String(fields.dryRun)) ? { field: 'dryRun', message: 'must be true or false' } : null,
      !files?.length ? { field: 'files', message: 'must hold at least one file' } : null,
    ].filter((problem) => problem !== null);
    if (problems.length) {
      throw refusal(new BadUserInputError(problems));
    }
    try {
      const job = await this.jobs.start(
        actor,
        String(fields!.format),
        files!.map((file) => ({ name: file.originalname, content: file.buffer })),
        String(fields!.dryRun) === 'true',
      );
      return { job: { id: String(job.id), status: job.status, format: job.format, dryRun: job.dryRun, fileNames: job.fileNames } };
    } catch (error) {
      if (error instanceof DomainError) throw refusal(error);
      throw error;
    }
  }
}
