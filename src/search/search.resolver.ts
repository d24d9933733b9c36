import { Args, ArgsType, Context, Field, Float, Int, ObjectType, Parent, Query, registerEnumType, ResolveField, Resolver } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { Blueprint } from '../blueprints/blueprint.entity';
import { BlueprintLoader } from '../blueprints/blueprint.loader';
import { Allow, ANY_ROLE } from '../common/access';
import { Cost } from '../common/limits/cost.decorator';
import { Connection, ConnectionType } from '../common/pagination';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { FeedbackLoader } from '../feedback/feedback.loader';
import { Theme } from '../themes/theme.entity';
import { ThemeLoader } from '../themes/theme.loader';
import { SearchHitRow } from './search-index';
import { SearchService } from './search.service';

export enum SearchKind {
  FEEDBACK = 'feedback',
  THEME = 'theme',
  BLUEPRINT = 'blueprint',
}

registerEnumType(SearchKind, { name: 'SearchKind' });

@ObjectType({ description: 'A record that matches a search, best first.' })
export class SearchHit {
  @Field(() => SearchKind)
  kind: SearchKind;

  recordId: number;

  @Field(() => Float, { description: 'How well it matches; higher is better. Comparable within one search only.' })
  score: number;

  @Field({ description: 'The best matching passage, each match between ** marks.' })
  snippet: string;
}

export const SearchHitConnection = ConnectionType(SearchHit);

@ArgsType()
class SearchArgs {
  @Field({ description: 'Words to look for; every word must match, as a word or the start of one.' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  query: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  first?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string | null;
}

@Resolver(() => SearchHit)
export class SearchResolver {
  constructor(
    private readonly searchService: SearchService,
    private readonly feedbackLoader: FeedbackLoader,
    private readonly themeLoader: ThemeLoader,
    private readonly blueprintLoader: BlueprintLoader,
  ) {}

  @Query(() => SearchHitConnection, { description: 'Full-text search over request titles, bodies and tags, theme titles and blueprint titles, ranked.' })
  @Allow(ANY_ROLE)
  @Cost({ weight: 50 })
  search(@Args() args: SearchArgs): Promise<Connection<SearchHitRow>> {
    return this.searchService.search(args.query, args.first, args.after);
  }

  @ResolveField(() => String, { description: 'FB-42, TH-7 or project/name.' })
  async key(@Parent() hit: SearchHitRow, @Context() context: object): Promise<string | null> {
    return (await this.record(hit, context))?.key ?? null;
  }

  @ResolveField(() => String)
  async title(@Parent() hit: SearchHitRow, @Context() context: object): Promise<string | null> {
    return (await this.record(hit, context))?.title ?? null;
  }

  @ResolveField(() => FeedbackItem, { nullable: true })
  feedback(@Parent() hit: SearchHitRow, @Context() context: object): Promise<FeedbackItem | null> | null {
    return hit.kind === 'feedback' ? this.feedbackLoader.load(context, hit.recordId) : null;
  }

  @ResolveField(() => Theme, { nullable: true })
  theme(@Parent() hit: SearchHitRow, @Context() context: object): Promise<Theme | null> | null {
    return hit.kind === 'theme' ? this.themeLoader.load(context, hit.recordId) : null;
  }

  @ResolveField(() => Blueprint, { nullable: true })
  blueprint(@Parent() hit: SearchHitRow, @Context() context: object): Promise<Blueprint | null> | null {
    return hit.kind === 'blueprint' ? this.blueprintLoader.load(context, hit.recordId) : null;
  }

  private record(hit: SearchHitRow, context: object): Promise<{ key: string; title: string } | null> {
    if (hit.kind === 'feedback') return this.feedbackLoader.load(context, hit.recordId);
    if (hit.kind === 'theme') return this.themeLoader.load(context, hit.recordId);
    return this.blueprintLoader.load(context, hit.recordId);
  }
}
