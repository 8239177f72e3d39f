/** The queue every gateway fills and every worker drains. */
export const REPLY_QUEUE = 'replies';
