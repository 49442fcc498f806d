/** 1 to 500 characters (code points), not blank, no control characters but tab and line breaks. */
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
export const CHANGE_REASON = /^(?=[\s\S]*\S)[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]{1,500}$/u;
export const CHANGE_REASON_HINT = 'reason must be 1 to 500 characters, not blank, without control characters';
export const CHANGE_REASON_DOC = "why the change is made: kept in the version's change_summary (after the generated summary) and as the reason of its audit events";
