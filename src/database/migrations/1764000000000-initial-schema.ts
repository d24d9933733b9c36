import { MigrationInterface, QueryRunner, Table, TableIndexOptions } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/** Every record of the loop: actors and tokens, releases, feedback, themes, blueprints, outcomes, links, history. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    const create = (table: Table, indices: TableIndexOptions[] = []) => s.createTable(table, indices);
    const linkColumns = [
      s.text('rationale', { isNullable: true }),
      s.integer('linked_by_id'),
      s.timestamp('linked_at'),
      s.integer('removed_by_id', { isNullable: true }),
      s.timestamp('removed_at', { isNullable: true }),
      s.text('removal_note', { isNullable: true }),
    ];
    const linkForeignKeys = [s.foreignKey('linked_by_id', 'actor'), s.foreignKey('removed_by_id', 'actor')];

    await create(
      new Table({
        name: 'actor',
        columns: [
          s.id(),
          s.string('name'),
          s.string('email'),
          s.string('role'),
          s.string('organization', { isNullable: true }),
          s.timestamp('created_at'),
          s.timestamp('updated_at'),
        ],
      }),
      [s.index('actor', ['email'], { isUnique: true }), s.index('actor', ['role'])],
    );

    await create(
      new Table({
        name: 'api_token',
        columns: [
          s.id(),
          s.integer('actor_id'),
          s.string('label'),
          s.string('token_hash'),
          s.string('prefix'),
          s.timestamp('created_at'),
          s.timestamp('last_used_at', { isNullable: true }),
          s.timestamp('revoked_at', { isNullable: true }),
          s.integer('revoked_by_id', { isNullable: true }),
        ],
        foreignKeys: [s.foreignKey('actor_id', 'actor'), s.foreignKey('revoked_by_id', 'actor')],
      }),
      [s.index('api_token', ['token_hash'], { isUnique: true }), s.index('api_token', ['actor_id'])],
    );

    await create(
      new Table({
        name: 'release',
        columns: [
          s.id(),
          s.string('name'),
          s.integer('sequence'),
          s.string('state'),
          s.string('starts_on', { isNullable: true }),
          s.string('released_on', { isNullable: true }),
          s.timestamp('created_at'),
          s.timestamp('updated_at'),
          s.integer('version', { default: 1 }),
        ],
      }),
      [s.index('release', ['name'], { isUnique: true }), s.index('release', ['sequence'])],
    );

    await create(
      new Table({
        name: 'feedback_item',
        columns: [
          s.id(),
          s.string('title'),
          s.text('body'),
          s.string('origin'),
          s.integer('submitter_id'),
          s.string('organization', { isNullable: true }),
          s.string('release_in_use', { isNullable: true }),
          s.string('source_url', { isNullable: true }),
          s.integer('source_line', { isNullable: true }),
          s.integer('vote_count', { default: 0 }),
          s.timestamp('triaged_at', { isNullable: true }),
          s.integer('triaged_by_id', { isNullable: true }),
          s.text('triage_note', { isNullable: true }),
          s.integer('merged_into_id', { isNullable: true }),
          s.string('stage'),
          s.timestamp('stage_entered_at'),
          s.integer('completed_in_release_id', { isNullable: true }),
          s.timestamp('last_event_at'),
          s.string('resolution', { isNullable: true }),
          s.text('resolution_note', { isNullable: true }),
          s.timestamp('closed_at', { isNullable: true }),
          s.integer('closed_by_id', { isNullable: true }),
          s.string('verdict', { isNullable: true }),
          s.text('verdict_note', { isNullable: true }),
          s.timestamp('verified_at', { isNullable: true }),
          s.timestamp('created_at'),
          s.timestamp('updated_at'),
          s.integer('version', { default: 1 }),
        ],
        foreignKeys: [
          s.foreignKey('submitter_id', 'actor'),
          s.foreignKey('triaged_by_id', 'actor'),
          s.foreignKey('closed_by_id', 'actor'),
          s.foreignKey('merged_into_id', 'feedback_item'),
          s.foreignKey('completed_in_release_id', 'release'),
        ],
      }),
      [
        s.index('feedback_item', ['stage', 'id']),
        s.index('feedback_item', ['origin', 'id']),
        s.index('feedback_item', ['submitter_id']),
        s.index('feedback_item', ['organization']),
        s.index('feedback_item', ['created_at']),
        s.index('feedback_item', ['vote_count']),
        s.index('feedback_item', ['stage_entered_at']),
        s.index('feedback_item', ['last_event_at']),
        s.index('feedback_item', ['completed_in_release_id']),
        s.index('feedback_item', ['merged_into_id']),
        s.index('feedback_item', ['source_url', 'source_line']),
      ],
    );

    for (const [table, column] of [
      ['feedback_project', 'project'],
      ['feedback_tag', 'tag'],
    ]) {
      await create(
        new Table({
          name: table,
          columns: [s.integer('feedback_id', { isPrimary: true }), s.string(column, { isPrimary: true })],
          foreignKeys: [s.foreignKey('feedback_id', 'feedback_item', 'CASCADE')],
        }),
        [s.index(table, [column, 'feedback_id'])],
      );
    }

    await create(
      new Table({
        name: 'feedback_vote',
        columns: [
          s.id(),
          s.integer('feedback_id'),
          s.integer('actor_id'),
          s.timestamp('created_at'),
          s.integer('merged_from_id', { isNullable: true }),
        ],
        foreignKeys: [
          s.foreignKey('feedback_id', 'feedback_item'),
          s.foreignKey('actor_id', 'actor'),
          s.foreignKey('merged_from_id', 'feedback_item'),
        ],
      }),
      [s.index('feedback_vote', ['feedback_id', 'actor_id'], { isUnique: true }), s.index('feedback_vote', ['actor_id'])],
    );

    await create(
      new Table({
        name: 'theme',
        columns: [
          s.id(),
          s.string('title'),
          s.text('description', { isNullable: true }),
          s.string('kind'),
          s.integer('parent_id', { isNullable: true }),
          s.string('status'),
          s.integer('owner_id', { isNullable: true }),
          s.integer('target_release_id', { isNullable: true }),
          s.string('spec_url', { isNullable: true }),
          s.string('gerrit_topic', { isNullable: true }),
          s.timestamp('created_at'),
          s.timestamp('updated_at'),
          s.integer('version', { default: 1 }),
        ],
        foreignKeys: [
          s.foreignKey('parent_id', 'theme'),
          s.foreignKey('owner_id', 'actor'),
          s.foreignKey('target_release_id', 'release'),
        ],
      }),
      [
        s.index('theme', ['kind']),
        s.index('theme', ['status']),
        s.index('theme', ['parent_id']),
        s.index('theme', ['owner_id']),
        s.index('theme', ['target_release_id']),
      ],
    );

    await create(
      new Table({
        name: 'blueprint',
        columns: [
          s.id(),
          s.string('project'),
          s.string('name'),
          s.string('title'),
          s.string('url', { isNullable: true }),
          s.string('spec_url', { isNullable: true }),
          s.string('gerrit_topic', { isNullable: true }),
          s.string('definition_status'),
          s.string('implementation_status'),
          s.string('priority'),
          s.string('assignee', { isNullable: true }),
          s.integer('target_release_id', { isNullable: true }),
          s.timestamp('created_at'),
          s.timestamp('updated_at'),
          s.integer('version', { default: 1 }),
        ],
        foreignKeys: [s.foreignKey('target_release_id', 'release')],
      }),
      [
        s.index('blueprint', ['project', 'name'], { isUnique: true }),
        s.index('blueprint', ['definition_status']),
        s.index('blueprint', ['implementation_status']),
        s.index('blueprint', ['priority']),
        s.index('blueprint', ['target_release_id']),
      ],
    );

    await create(
      new Table({
        name: 'release_outcome',
        columns: [
          s.id(),
          s.integer('blueprint_id'),
          s.integer('release_id'),
          s.string('result'),
          s.text('notes', { isNullable: true }),
          s.string('release_note_url', { isNullable: true }),
          s.integer('recorded_by_id'),
          s.timestamp('recorded_at'),
          s.timestamp('updated_at'),
        ],
        foreignKeys: [
          s.foreignKey('blueprint_id', 'blueprint'),
          s.foreignKey('release_id', 'release'),
          s.foreignKey('recorded_by_id', 'actor'),
        ],
      }),
      [
        s.index('release_outcome', ['blueprint_id', 'release_id'], { isUnique: true }),
        s.index('release_outcome', ['release_id', 'result']),
      ],
    );

    const links: Array<[string, string, string, string, string]> = [
      ['feedback_theme_link', 'feedback_id', 'feedback_item', 'theme_id', 'theme'],
      ['theme_blueprint_link', 'theme_id', 'theme', 'blueprint_id', 'blueprint'],
      ['feedback_blueprint_link', 'feedback_id', 'feedback_item', 'blueprint_id', 'blueprint'],
    ];
    for (const [table, from, fromTable, to, toTable] of links) {
      await create(
        new Table({
          name: table,
          columns: [s.id(), s.integer(from), s.integer(to), ...linkColumns],
          foreignKeys: [s.foreignKey(from, fromTable), s.foreignKey(to, toTable), ...linkForeignKeys],
        }),
        [s.uniqueWhileActive(table, [from, to]), s.index(table, [from]), s.index(table, [to])],
      );
    }

    await create(
      new Table({
        name: 'loop_blueprint',
        columns: [s.integer('feedback_id', { isPrimary: true }), s.integer('blueprint_id', { isPrimary: true })],
        foreignKeys: [s.foreignKey('feedback_id', 'feedback_item'), s.foreignKey('blueprint_id', 'blueprint')],
      }),
      [s.index('loop_blueprint', ['blueprint_id'])],
    );

    await create(
      new Table({
        name: 'loop_event',
        columns: [
          s.id(),
          s.string('type'),
          s.string('record_type'),
          s.string('record_key'),
          s.integer('actor_id', { isNullable: true }),
          s.timestamp('occurred_at'),
          s.text('before', { isNullable: true }),
          s.text('after', { isNullable: true }),
          s.text('data', { isNullable: true }),
        ],
        foreignKeys: [s.foreignKey('actor_id', 'actor')],
      }),
      [
        s.index('loop_event', ['type']),
        s.index('loop_event', ['record_key']),
        s.index('loop_event', ['actor_id']),
        s.index('loop_event', ['occurred_at']),
      ],
    );

    await create(
      new Table({
        name: 'loop_event_loop',
        columns: [s.integer('feedback_id', { isPrimary: true }), s.integer('event_id', { isPrimary: true })],
        foreignKeys: [s.foreignKey('feedback_id', 'feedback_item'), s.foreignKey('event_id', 'loop_event')],
      }),
      [s.index('loop_event_loop', ['event_id'])],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'loop_event_loop',
      'loop_event',
      'loop_blueprint',
      'feedback_blueprint_link',
      'theme_blueprint_link',
      'feedback_theme_link',
      'release_outcome',
      'blueprint',
      'theme',
      'feedback_vote',
      'feedback_tag',
      'feedback_project',
      'feedback_item',
      'release',
      'api_token',
      'actor',
    ]) {
      await queryRunner.dropTable(table, true);
    }
  }
}
