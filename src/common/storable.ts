/**
 * Values that both database engines store, compare and copy alike; input
 * outside them is refused at the edge rather than stored differently on
 * each engine, or refused by one of them with an internal error.
 */

/**
 * Text with NUL, which PostgreSQL refuses and SQLite keeps, or with a UTF-16
 * surrogate without its pair, which is not Unicode at all and trips validators
 * (email, URL) over.
 */
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

export const isStorableText = (text: string): boolean => !UNSTORABLE_TEXT.test(text);

/** The years both engines keep as times and compare in order: PostgreSQL's timestamps and SQLite's text alike. */
const EARLIEST_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_TIME = Date.parse('9999-12-31T23:59:59.999Z');

export const UNSTORABLE_TIME_MESSAGE = 'must be a date-time such as 2026-01-05T09:00:00Z, in the years 1 to 9999';

export const isStorableTime = (time: Date): boolean => time.getTime() >= EARLIEST_TIME && time.getTime() <= LATEST_TIME;
