import { Module } from '@nestjs/common';
import { RuleLibraries } from './rule-libraries.js';
import { RulesController } from './rules.controller.js';
import { RulesRepository } from './rules.repository.js';
import { RulesService } from './rules.service.js';

/**
 * Each study's rule library: the defaults, edits through the API, YAML and JSON import and export,
 * the history of versions. RuleLibraries gives the checks the library a study checks with.
 */
@Module({
  controllers: [RulesController],
  providers: [RulesRepository, RulesService, RuleLibraries],
  exports: [RuleLibraries],
})
export class RulesModule {}
