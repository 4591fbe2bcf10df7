/** One dispatched Server-Sent Event (WHATWG HTML §9.2). */
export interface SseEvent {
  /** The `event:` field, or "message" when the event had none. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last event id seen on the stream, if any. */
  id?: string;
  /** A `retry:` field carried by this event, in ms. */
  retry?: number;
}
