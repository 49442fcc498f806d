/** Protocol codes as the EDC accepts them (a copy: a service never imports another's code). */
export const STUDY_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const STUDY_CODE_HINT = 'study must be a protocol id: 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit';
