import { Injectable } from '@nestjs/common';
import { ActorsService } from '../../actors/actors.service';
import { emailSeenBy, PersonalDataReader } from '../../actors/personal-data';
import { inChunks } from '../../common/chunks';
import { Clock } from '../../common/clock';
import { BadUserInputError } from '../../common/errors';
import { OrderDirection } from '../../common/pagination';
import { DAY_MS } from '../../common/time';
import { FeedbackOrderField } from '../../feedback/dto/feedback.inputs';
import { feedbackOrder, FeedbackService } from '../../feedback/feedback.service';
import { Release } from '../../releases/release.entity';
import { ReleasesService } from '../../releases/releases.service';
import { THEME_KEY_PREFIX } from '../../themes/theme.entity';
import { ThemesService } from '../../themes/themes.service';
import { ExportFormat } from '../dto/export.inputs';
import { LoopFilter, LoopOrder } from '../dto/loop.inputs';
import { LoopFactsService, LoopRecord } from '../loop-facts.service';
import { LoopsService } from '../loops.service';
import { Trace } from '../trace';
import { TraceService } from '../trace.service';
import { LoopRow, loopsCsv } from './loops-csv';
import { ReleaseReport, releaseReportJson, releaseReportMarkdown, ReportLoop, ReportTheme } from './release-report';
import { traceJson, traceMarkdown } from './trace-text';

/** The most loops one CSV export holds; a filter that selects more is refused rather than cut short. */
export const MAX_EXPORT_ROWS = 100_000;

export function traceText(trace: Trace, format: ExportFormat): string {
  return format === ExportFormat.JSON ? traceJson(trace) : traceMarkdown(trace);
}

export function releaseReportText(report: ReleaseReport, format: ExportFormat): string {
  return format === ExportFormat.JSON ? releaseReportJson(report) : releaseReportMarkdown(report);
}

/**
 * The exports, as the text the command line prints and the GraphQL fields
 * return: a loop's trace, a release report, the loops table. Both call these
 * methods, so both give the same text.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly traces: TraceService,
    private readonly loops: LoopsService,
    private readonly facts: LoopFactsService,
    private readonly feedback: FeedbackService,
    private readonly themes: ThemesService,
    private readonly releases: ReleasesService,
    private readonly actors: ActorsService,
    private readonly clock: Clock,
  ) {}

  async loop(key: string, format: ExportFormat, reader: PersonalDataReader): Promise<string> {
    return traceText(await this.traces.trace(key, reader), format);
  }

  async release(release: Release | string, format: ExportFormat): Promise<string> {
    const found = typeof release === 'string' ? await this.releases.byName(release, 'release') : release;
    return releaseReportText(await this.releaseReport(found), format);
  }

  async loopsCsv(filter: LoopFilter | null | undefined, orderBy: LoopOrder | null | undefined, reader: PersonalDataReader): Promise<string> {
    return loopsCsv(await this.loopRows(filter, orderBy, reader));
  }

  /**
   * The loops the release moved or closed, per theme of theirs. A loop it
   * completed is listed as closed (see LoopsService.closedBy); one it touched
   * otherwise, through an outcome or a target of a blueprint answering it, as
   * moved.
   */
  async releaseReport(release: Release): Promise<ReleaseReport> {
    const touched = await (await this.loops.filtered({ release: release.name })).orderBy('feedback.id', 'ASC').getMany();
    const closedRows = await this.loops.closedByQuery(release.id).select('feedback.id', 'id').getRawMany<{ id: number | string }>();
    const closedIds = new Set(closedRows.map((row) => Number(row.id)));
    const entries = await inChunks(touched, async (chunk) => {
      const records = await this.facts.loadFor(chunk);
      return chunk.map((item) => {
        const record = records.get(item.id)!;
        return { loop: this.reportLoop(record, release), themeIds: record.themeLinks.map((link) => link.themeId), closed: closedIds.has(item.id) };
      });
    });

    const themeIds = [...new Set(entries.flatMap((entry) => entry.themeIds))].sort((a, b) => a - b);
    const titles = new Map((await this.themes.byIds(themeIds)).map((theme) => [theme.id, theme.title]));
    const group = (key: string | null, title: string, members: typeof entries): ReportTheme => {
      const closed = members.filter((entry) => entry.closed).map((entry) => entry.loop);
      const moved = members.filter((entry) => !entry.closed).map((entry) => entry.loop);
      return { key, title, counts: { closed: closed.length, moved: moved.length }, closed, moved };
    };
    const themes = themeIds.map((id) => group(`${THEME_KEY_PREFIX}${id}`, titles.get(id) ?? '', entries.filter((entry) => entry.themeIds.includes(id))));
    const unthemed = entries.filter((entry) => entry.themeIds.length === 0);
    if (unthemed.length) themes.push(group(null, 'No theme', unthemed));

    const closed = entries.filter((entry) => entry.closed).length;
    return {
      release: { name: release.name, state: release.state, startsOn: release.startsOn, releasedOn: release.releasedOn },
      counts: { closed, moved: entries.length - closed },
      themes,
    };
  }

  private reportLoop(record: LoopRecord, release: Release): ReportLoop {
    const { item, routes } = record;
    const here = (route: LoopRecord['routes'][number]) => route.outcomes.filter((outcome) => outcome.releaseId === release.id);
    return {
      key: item.key,
      title: item.title,
      stage: item.stage,
      outcomes: routes.flatMap((route) => here(route).map((outcome) => ({ blueprint: route.blueprint.key, result: outcome.result, notes: outcome.notes }))),
      targetedBy: routes.filter((route) => route.blueprint.targetReleaseId === release.id && here(route).length === 0).map((route) => route.blueprint.key),
    };
  }

  /** Every loop the filter selects, in the order asked (newest first by default), as lines of the loops table, as this reader may see them. */
  async loopRows(filter: LoopFilter | null | undefined, orderBy: LoopOrder | null | undefined, reader: PersonalDataReader): Promise<LoopRow[]> {
    const query = await this.loops.filtered(filter);
    const total = await query.clone().getCount();
    if (total > MAX_EXPORT_ROWS) {
      throw BadUserInputError.field('filter', `selects ${total} loops; an export holds at most ${MAX_EXPORT_ROWS}, so narrow it`);
    }
    const order = orderBy ?? { field: FeedbackOrderField.CREATED_AT, direction: OrderDirection.DESC };
    feedbackOrder(order.field, order.direction).forEach((key, index) =>
      index === 0 ? query.orderBy(key.path, key.direction) : query.addOrderBy(key.path, key.direction),
    );
    const items = await query.getMany();
    const now = this.clock.now();
    return inChunks(items, async (chunk) => {
      const records = await this.facts.loadFor(chunk);
      const facets = await this.feedback.facetsOf(chunk.map((item) => item.id));
      const submitters = new Map((await this.actors.byIds([...new Set(chunk.map((item) => item.submitterId))])).map((actor) => [actor.id, actor]));
      return chunk.map((item, index) => {
        const record = records.get(item.id)!;
        const projects = new Set([...facets[index].projects, ...record.routes.map((route) => route.blueprint.project)]);
        return {
          key: item.key,
          title: item.title,
          origin: item.origin,
          stage: item.stage,
          stageEnteredAt: item.stageEnteredAt.toISOString(),
          daysInStage: Math.max(0, now.getTime() - item.stageEnteredAt.getTime()) / DAY_MS,
          votes: item.voteCount,
          projects: [...projects].sort(),
          themes: record.themeLinks.map((link) => `${THEME_KEY_PREFIX}${link.themeId}`),
          submitter: submitters.has(item.submitterId) ? emailSeenBy(reader, submitters.get(item.submitterId)!) : null,
          lastEventAt: item.lastEventAt.toISOString(),
        };
      });
    });
  }
}
