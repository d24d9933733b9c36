import { DefinitionStatus, ImplementationStatus } from '../blueprints/blueprint.enums';
import { FeedbackOrigin } from '../feedback/feedback.enums';
import { ThemeKind, ThemeStatus } from '../themes/theme.enums';

/** One file handed to an importer: its name (for reports) and its bytes. */
export interface ImportFile {
  name: string;
  content: Buffer;
}

/** Where in a file a record or a problem comes from: a line, or a JSON path. */
export interface SourceRef {
  file: string;
  line?: number;
  path?: string;
}

export type RecordKind = 'theme' | 'blueprint' | 'feedback';

/**
 * A theme as a source describes it. The source key identifies it across
 * imports (and across formats: a proposal and a tracker of the same user
 * story share one). Fields left undefined are not the source's to say.
 */
export interface ThemeRecord {
  kind: 'theme';
  sourceKey: string;
  at: SourceRef;
  title: string;
  themeKind: ThemeKind;
  description?: string | null;
  parentSourceKey?: string;
  status?: ThemeStatus;
  specUrl?: string | null;
  gerritTopic?: string | null;
  /** Links worth keeping that are not records of their own (a bug report, the tracker file). */
  links?: string[];
}

/** A blueprint as a source describes it, with what the source says it answers and which release delivered it. */
export interface BlueprintRecord {
  kind: 'blueprint';
  sourceKey: string;
  at: SourceRef;
  project: string;
  name: string;
  title: string;
  url?: string | null;
  specUrl?: string | null;
  gerritTopic?: string | null;
  definitionStatus?: DefinitionStatus;
  implementationStatus?: ImplementationStatus;
  targetRelease?: string | null;
  /** The release whose spec marks it implemented: recorded as a DELIVERED outcome there. */
  deliveredIn?: string;
  /** The theme (by its source key) the blueprint answers. */
  themeSourceKey?: string;
}

/** A request as a source records it. */
export interface FeedbackRecord {
  kind: 'feedback';
  sourceKey: string;
  at: SourceRef;
  title: string;
  body: string;
  origin: FeedbackOrigin;
  projects: string[];
  tags: string[];
  sourceUrl?: string | null;
  sourceLine?: number | null;
  organization?: string | null;
  releaseInUse?: string | null;
  /** +1 marks in the source: counted as votes without a voter. */
  importedVotes: number;
}

export type ImportRecord = ThemeRecord | BlueprintRecord | FeedbackRecord;

/** Something in a file that could not become a record, and why. */
export interface Skip {
  kind: RecordKind;
  at: SourceRef;
  reason: string;
}

export interface ParsedFile {
  records: ImportRecord[];
  /** What was left out of the file altogether. */
  skips: Skip[];
  /** What records were imported without (a status word nobody knows, a release taken from nowhere). */
  notes?: Skip[];
}

/** A file that cannot be read at all in this format: nothing of it is written. */
export class UnreadableFileError extends Error {}

/**
 * One source format. Parsing is pure: bytes in, records and skips out. Writing
 * the records is the import service's, through the same services as the API.
 */
export interface Importer {
  /** The name used on the command line and in the API, such as pwg-tracker. */
  readonly format: string;
  /** One line for the usage text. */
  readonly description: string;
  /** Which files of a folder are this format's. */
  accepts(fileName: string): boolean;
  parse(file: ImportFile): ParsedFile;
}

export const IMPORTERS = Symbol('Importers');
