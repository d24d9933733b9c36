/**
 * The data source writes run on (TransactionRunner is its only user). On a
 * SQLite file it is a connection of its own: the data source every service
 * reads through is another, set to refuse writes, and in WAL mode it reads
 * the last committed state, never a write in progress. On PostgreSQL both
 * are the one pool; an in-memory SQLite database has one connection only.
 */
export const WRITER = Symbol('WriterDataSource');
