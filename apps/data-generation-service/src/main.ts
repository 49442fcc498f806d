import 'reflect-metadata';
import { runService } from '../../../libs/platform/src/index.js';
import { GENERATION_SERVICE } from './generation.module.js';

await runService(GENERATION_SERVICE);
