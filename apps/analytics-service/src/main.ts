import 'reflect-metadata';
import { runService } from '../../../libs/platform/src/index.js';
import { ANALYTICS_SERVICE } from './analytics.module.js';

await runService(ANALYTICS_SERVICE);
