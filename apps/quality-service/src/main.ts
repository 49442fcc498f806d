import 'reflect-metadata';
import { runService } from '../../../libs/platform/src/index.js';
import { QUALITY_SERVICE } from './quality.module.js';

await runService(QUALITY_SERVICE);
