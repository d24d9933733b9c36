import { Importer } from '../importer';

/** Every import format, one importer each. */
export const ALL_IMPORTERS: Importer[] = [];
