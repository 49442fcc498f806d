import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The EDC's bulk-load contract for generated datasets (filled in by its feature commit). */
export class EdcBulkLoad1765000000000 implements MigrationInterface {
  name = 'EdcBulkLoad1765000000000';

  async up(_db: QueryRunner): Promise<void> {}

  async down(_db: QueryRunner): Promise<void> {}
}
