import { Importer } from '../importer';
import { CsvImporter } from './csv';
import { ForumTagsImporter } from './forum-tags';
import { PwgProposalImporter } from './pwg-proposal';
import { PwgTrackerImporter } from './pwg-tracker';

/** Every import format, one importer each. */
export const ALL_IMPORTERS: Importer[] = [new ForumTagsImporter(), new CsvImporter(), new PwgTrackerImporter(), new PwgProposalImporter()];
