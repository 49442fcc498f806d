/** The one error body every service returns. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Per-field problems for validation errors, e.g. `{ field: 'records[3].SystolicBP', problems: [...] }`. */
  details?: ApiErrorDetail[];
  requestId?: string;
  path: string;
  timestamp: string;
}

export interface ApiErrorDetail {
  field: string;
  problems: string[];
}
