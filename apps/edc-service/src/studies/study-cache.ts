export { studyCacheTag, studyDataCacheTag } from '../../../../libs/database/src/index.js';
