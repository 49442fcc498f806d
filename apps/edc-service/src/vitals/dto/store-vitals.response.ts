/** The design's clients read `records_stored`; the rest tells a retrying client what happened. */
export interface StoreVitalsResponse {
  /** Records stored by this request (new ones). */
  records_stored: number;
  records_received: number;
  /** Records that were already stored (a retry) or repeated within the batch. */
  records_already_stored: number;
  patients_created: number;
  batch_id: string;
}
