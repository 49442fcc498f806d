import 'reflect-metadata';
import { runService } from '../../../libs/platform/src/index.js';
import { EDC_SERVICE } from './edc.module.js';

await runService(EDC_SERVICE);
